// The counting rules (core/limits/countingrule.h): which rule a provider follows and what a call
// charges at admission under each.
#include "core/limits/countingrule.h"

#include <QTest>

using namespace wb;

Q_DECLARE_METATYPE(wb::CountingRule)

class TstCountingRule final : public QObject {
    Q_OBJECT
private slots:
    void ruleForProvider_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<CountingRule>("rule");
        QTest::newRow("openai") << u"openai"_qs << CountingRule::OpenAi;
        QTest::newRow("compatible") << u"hosted_vllm"_qs << CountingRule::OpenAi;
        QTest::newRow("mistral") << u"mistral"_qs << CountingRule::Mistral;
        QTest::newRow("anthropic") << u"anthropic"_qs << CountingRule::Anthropic;
        QTest::newRow("gemini") << u"gemini"_qs << CountingRule::Gemini;
        QTest::newRow("vertex") << u"vertex_ai"_qs << CountingRule::Gemini;
    }
    void ruleForProvider()
    {
        QFETCH(QString, provider);
        QFETCH(CountingRule, rule);
        QCOMPARE(countingRuleFor(provider), rule);
    }

    void admissionCost_data()
    {
        QTest::addColumn<CountingRule>("rule");
        QTest::addColumn<qint64>("tokens");
        QTest::addColumn<qint64>("inputTokens");
        QTest::addColumn<qint64>("outputReserve");
        // 401 chars (-> 101 by chars/4), estimator says 90 prompt tokens, max_tokens 500,
        // expected output 300.
        QTest::newRow("openai: ceil(chars/4) + max_tokens") << CountingRule::OpenAi << qint64(601) << qint64(0) << qint64(0);
        QTest::newRow("mistral: estimate + max_tokens") << CountingRule::Mistral << qint64(590) << qint64(0) << qint64(0);
        QTest::newRow("anthropic: input only, output reserved") << CountingRule::Anthropic << qint64(90) << qint64(90) << qint64(300);
        QTest::newRow("gemini: input only") << CountingRule::Gemini << qint64(90) << qint64(0) << qint64(0);
    }
    void admissionCost()
    {
        QFETCH(CountingRule, rule);
        QFETCH(qint64, tokens);
        QFETCH(qint64, inputTokens);
        QFETCH(qint64, outputReserve);
        const AdmissionCost c = wb::admissionCost(rule, 401, 90, 500, 300);
        QCOMPARE(c.requests, 1);
        QCOMPARE(c.tokens, tokens);
        QCOMPARE(c.inputTokens, inputTokens);
        QCOMPARE(c.outputReserve, outputReserve);
    }

    void requestCharsCountsAllMessages()
    {
        ChatRequest r;
        r.system = u"abcd"_qs;
        r.user = u"héllo"_qs;
        QCOMPARE(requestChars(r), 9);
        QCOMPARE(charsToTokens(9), 3);
        QCOMPARE(charsToTokens(8), 2);
        QCOMPARE(charsToTokens(0), 0);
    }

    void callTokensFormMatchesCharsForm()
    {
        // The estimator passes ceil(chars/4) directly; both forms must charge the same.
        for (CountingRule rule : {CountingRule::OpenAi, CountingRule::Mistral, CountingRule::Anthropic, CountingRule::Gemini}) {
            const AdmissionCost a = wb::admissionCost(rule, 401, 90, 500, 300);
            const AdmissionCost b = wb::admissionCost(rule, CallTokens{charsToTokens(401), 90, 500, 300});
            QCOMPARE(b.requests, a.requests);
            QCOMPARE(b.tokens, a.tokens);
            QCOMPARE(b.inputTokens, a.inputTokens);
            QCOMPARE(b.outputReserve, a.outputReserve);
        }
    }
};

QTEST_GUILESS_MAIN(TstCountingRule)
#include "tst_countingrule.moc"
