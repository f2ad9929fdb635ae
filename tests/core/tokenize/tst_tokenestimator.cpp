// TokenEstimator: exact OpenAI chat counts, factor priors, calibration from reported usage.
#include "core/tokenize/tokenestimator.h"
#include "core/tokenize/tokenizer.h"

#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace wb;

class TstTokenEstimator final : public QObject {
    Q_OBJECT
private slots:
    void methodNames();
    void openAiPromptIsExactWithFraming();
    void openAiUsesModelEncoding();
    void familiesAndPriors_data();
    void familiesAndPriors();
    void calibrationIsTokenWeighted();
    void outliersAreClippedAndNonsenseIgnored();
    void calibrationIsPerModel();
    void persistenceRoundTrip();
    void concurrentObserve();
    void endpointCountsReportTheirMethod();
};

void TstTokenEstimator::methodNames()
{
    QCOMPARE(countMethodName(CountMethod::Exact), QStringLiteral("exact"));
    QCOMPARE(countMethodName(CountMethod::Calibrated), QStringLiteral("calibrated"));
    QCOMPARE(countMethodName(CountMethod::Factor), QStringLiteral("factor"));
    QCOMPARE(countMethodName(CountMethod::CountTokensEndpoint), QStringLiteral("count_tokens"));
}

void TstTokenEstimator::openAiPromptIsExactWithFraming()
{
    TokenEstimator est;
    ChatRequest req;
    req.system = QStringLiteral("You are a careful annotator of political speeches.");
    req.user = QStringLiteral("Score the following text for care and fairness. Fellow citizens, ...");
    const Tokenizer &o200k = Tokenizer::get(Encoding::O200kBase);
    const TokenCount c = est.promptTokens(QStringLiteral("openai"), QStringLiteral("gpt-4o"), req);
    QCOMPARE(c.method, CountMethod::Exact);
    // OpenAI cookbook framing: (3 + 1 role token) per message + 3 priming the reply.
    QCOMPARE(c.tokens, qint64(o200k.count(req.system) + o200k.count(req.user) + 2 * 4 + 3));
    // "Hello" alone as the user message: 3 + 1 ("user") + 1 + 3 = 8, what the API reports.
    ChatRequest hello;
    hello.user = QStringLiteral("Hello");
    QCOMPARE(est.promptTokens(QStringLiteral("openai"), QStringLiteral("gpt-4o"), hello).tokens, qint64(8));
    // Observations never turn OpenAI counts into estimates.
    est.observe(QStringLiteral("openai"), QStringLiteral("gpt-4o"), 100, 150);
    QCOMPARE(est.promptTokens(QStringLiteral("openai"), QStringLiteral("gpt-4o"), req).method, CountMethod::Exact);
}

void TstTokenEstimator::openAiUsesModelEncoding()
{
    TokenEstimator est;
    // Chosen so the two encodings disagree: o200k splits the CamelCase run, cl100k does not.
    const QString text = QStringLiteral("getHTTPResponseCodeXMLHttpRequest 日本語のテキスト");
    const qint64 o = Tokenizer::get(Encoding::O200kBase).count(text);
    const qint64 c = Tokenizer::get(Encoding::Cl100kBase).count(text);
    QVERIFY(o != c);
    QCOMPARE(est.textTokens(QStringLiteral("openai"), QStringLiteral("gpt-4o"), text).tokens, o);
    QCOMPARE(est.textTokens(QStringLiteral("openai"), QStringLiteral("gpt-4-0613"), text).tokens, c);
    QCOMPARE(est.textTokens(QStringLiteral("openai"), QStringLiteral("gpt-3.5-turbo"), text).method, CountMethod::Exact);
}

void TstTokenEstimator::familiesAndPriors_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("family");
    QTest::newRow("openai") << "openai" << "gpt-4o" << int(TokenEstimator::Family::OpenAI);
    QTest::newRow("anthropic") << "anthropic" << "claude-3-5-haiku-20241022" << int(TokenEstimator::Family::Anthropic);
    QTest::newRow("claude on vertex") << "vertex_ai" << "claude-sonnet-4@20250514" << int(TokenEstimator::Family::Anthropic);
    QTest::newRow("gemini") << "gemini" << "gemini-2.5-flash" << int(TokenEstimator::Family::Gemini);
    QTest::newRow("gemini on vertex") << "vertex_ai" << "gemini-2.5-pro" << int(TokenEstimator::Family::Gemini);
    QTest::newRow("mistral") << "mistral" << "mistral-large-latest" << int(TokenEstimator::Family::Mistral);
    QTest::newRow("other") << "ollama" << "llama3" << int(TokenEstimator::Family::Other);
}

void TstTokenEstimator::familiesAndPriors()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(int, family);
    QCOMPARE(int(TokenEstimator::family(provider, model)), family);
    TokenEstimator est;
    const double prior = TokenEstimator::defaultFactor(TokenEstimator::Family(family));
    QCOMPARE(est.factor(provider, model), prior);
    if (TokenEstimator::Family(family) == TokenEstimator::Family::OpenAI)
        return;
    const QString text = QStringLiteral("We the People of the United States, in Order to form a more perfect Union");
    const qint64 base = Tokenizer::get(Encoding::O200kBase).count(text);
    const TokenCount c = est.textTokens(provider, model, text);
    QCOMPARE(c.method, CountMethod::Factor);
    QCOMPARE(c.tokens, qint64(std::llround(double(base) * prior)));
}

void TstTokenEstimator::calibrationIsTokenWeighted()
{
    TokenEstimator est;
    const QString p = QStringLiteral("anthropic"), m = QStringLiteral("claude-sonnet-4-5");
    est.observe(p, m, 1000, 1200);
    QCOMPARE(est.factor(p, m), 1.2);
    est.observe(p, m, 3000, 3300);   // 1.1 on three times the tokens
    QCOMPARE(est.factor(p, m), (1200.0 + 3300.0) / 4000.0);
    ChatRequest req;
    req.system = QStringLiteral("Instructions.");
    req.user = QStringLiteral("Some text to score, with enough words to matter for rounding.");
    const qint64 base = est.baseTokens(req);
    QCOMPARE(base, qint64(Tokenizer::get(Encoding::O200kBase).count(req.system)
                          + Tokenizer::get(Encoding::O200kBase).count(req.user)));
    const TokenCount c = est.promptTokens(p, m, req);
    QCOMPARE(c.method, CountMethod::Calibrated);
    QCOMPARE(c.tokens, qint64(std::llround(double(base) * 4500.0 / 4000.0)));
    const auto cals = est.calibrations();
    QCOMPARE(cals.size(), 1);
    QCOMPARE(cals[0].provider, p);
    QCOMPARE(cals[0].model, m);
    QCOMPARE(cals[0].samples, qint64(2));
}

void TstTokenEstimator::outliersAreClippedAndNonsenseIgnored()
{
    TokenEstimator est;
    const QString p = QStringLiteral("gemini"), m = QStringLiteral("gemini-2.5-flash");
    est.observe(p, m, 0, 100);      // no base: ignored
    est.observe(p, m, 100, 0);      // no usage reported: ignored
    est.observe(p, m, 100, 10000);  // ratio 100: not a tokenizer difference, ignored
    QCOMPARE(est.calibrations().size(), 0);
    for (int k = 0; k < 3; ++k)
        est.observe(p, m, 1000, 950);
    QCOMPARE(est.factor(p, m), 0.95);
    // A ratio of 3 (e.g. an uncounted cached prefix) is clipped to 1.5 x the current factor.
    est.observe(p, m, 1000, 3000);
    QCOMPARE(est.factor(p, m), (3 * 950.0 + 1000.0 * 0.95 * 1.5) / 4000.0);
    QCOMPARE(est.calibrations().value(0).samples, qint64(4));
}

void TstTokenEstimator::calibrationIsPerModel()
{
    TokenEstimator est;
    est.observe(QStringLiteral("mistral"), QStringLiteral("mistral-large-latest"), 1000, 1300);
    QCOMPARE(est.factor(QStringLiteral("mistral"), QStringLiteral("mistral-large-latest")), 1.3);
    QCOMPARE(est.factor(QStringLiteral("mistral"), QStringLiteral("mistral-small-latest")),
             TokenEstimator::defaultFactor(TokenEstimator::Family::Mistral));
}

void TstTokenEstimator::persistenceRoundTrip()
{
    TokenEstimator a;
    a.observe(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1"), 2000, 2500);
    a.observe(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1"), 1000, 1100);
    TokenEstimator b;
    for (const auto &c : a.calibrations())
        b.setCalibration(c);
    QCOMPARE(b.factor(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1")),
             a.factor(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1")));
    // Further samples weigh the same in both.
    a.observe(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1"), 500, 600);
    b.observe(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1"), 500, 600);
    QCOMPARE(b.factor(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1")),
             a.factor(QStringLiteral("anthropic"), QStringLiteral("claude-opus-4-1")));

    TokenEstimator c;
    c.setFactor(QStringLiteral("gemini"), QStringLiteral("gemini-2.5-pro"), 0.93, 12);
    QCOMPARE(c.factor(QStringLiteral("gemini"), QStringLiteral("gemini-2.5-pro")), 0.93);
    QCOMPARE(c.textTokens(QStringLiteral("gemini"), QStringLiteral("gemini-2.5-pro"), u"hello world").method,
             CountMethod::Calibrated);
    QCOMPARE(c.calibrations().value(0).samples, qint64(12));
}

void TstTokenEstimator::concurrentObserve()
{
    TokenEstimator est;
    QList<QFuture<void>> fs;
    for (int t = 0; t < 4; ++t) {
        fs << QtConcurrent::run([&est] {
            for (int k = 0; k < 500; ++k) {
                est.observe(QStringLiteral("anthropic"), QStringLiteral("claude-haiku-4-5"), 100, 120);
                (void)est.textTokens(QStringLiteral("anthropic"), QStringLiteral("claude-haiku-4-5"), u"some text");
            }
        });
    }
    for (auto &f : fs)
        f.waitForFinished();
    QCOMPARE(est.calibrations().value(0).samples, qint64(2000));
    QVERIFY(qAbs(est.factor(QStringLiteral("anthropic"), QStringLiteral("claude-haiku-4-5")) - 1.2) < 1e-9);
}

void TstTokenEstimator::endpointCountsReportTheirMethod()
{
    const QString an = QStringLiteral("anthropic"), model = QStringLiteral("claude-sonnet-4-5");
    TokenEstimator est;
    est.observe(an, model, 1000, 1100);
    QCOMPARE(est.textTokens(an, model, u"hello world").method, CountMethod::Calibrated);
    // An exact count far from the usage-derived factor is not clipped (it is the provider's own count).
    for (int i = 0; i < 4; ++i)
        est.observe(an, model, 1000, 1100);
    est.observeEndpointCount(an, model, 1000, 2000);
    QCOMPARE(est.factor(an, model), (5 * 1100.0 + 2000.0) / 6000.0);
    QCOMPARE(est.textTokens(an, model, u"hello world").method, CountMethod::CountTokensEndpoint);
    // OpenAI stays exact whatever is fed.
    est.observeEndpointCount(QStringLiteral("openai"), QStringLiteral("gpt-4o"), 100, 120);
    QCOMPARE(est.textTokens(QStringLiteral("openai"), QStringLiteral("gpt-4o"), u"hello").method, CountMethod::Exact);
    // The method survives persistence; setFactor() (origin unknown) drops it.
    TokenEstimator b;
    for (const auto &c : est.calibrations())
        b.setCalibration(c);
    QCOMPARE(b.textTokens(an, model, u"hello world").method, CountMethod::CountTokensEndpoint);
    b.setFactor(an, model, 1.1, 3);
    QCOMPARE(b.textTokens(an, model, u"hello world").method, CountMethod::Calibrated);
}

QTEST_GUILESS_MAIN(TstTokenEstimator)
#include "tst_tokenestimator.moc"
