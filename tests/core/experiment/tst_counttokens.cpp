// CountTokens against the real provider simulator on loopback: exact counts from the Anthropic and
// Gemini count endpoints, the estimator calibrated from them, graceful fallback on missing or bad
// keys, OpenAI/Mistral skipped, and the sample plan of an estimate.
#include "core/experiment/counttokens.h"
#include "core/experiment/estimator.h"
#include "core/providers/provideradapter.h"
#include "core/sim/providersimulator.h"
#include "core/sim/simformat.h"
#include "core/tokenize/tokenestimator.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <cstring>

#include <cmath>

using namespace wb;
using namespace Qt::StringLiterals;

namespace {

const QString kSystem = QStringLiteral(
    "You are an expert annotator applying Moral Foundations Theory to political speeches. For each of "
    "the dimensions care, fairness, loyalty, authority, sanctity and liberty, give a score from 0 to 1 "
    "and quote the sentence that best supports it. Answer with JSON only, one object per dimension.");

Deployment dep(const QString &id, const QString &group, const QString &provider, const QString &model, const QString &base)
{
    Deployment d;
    d.id = id;
    d.modelName = group;
    d.provider = provider;
    d.model = model;
    d.apiBase = base;
    return d;
}

/// The inaugural addresses of the shared corpus, in file-name order.
QList<QPair<QString, QString>> speeches()
{
    QList<QPair<QString, QString>> out;
    const QDir dir(QStringLiteral(WB_SHARED_DATA_DIR "/corpus/inaugural"));
    for (const QString &name : dir.entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (f.open(QIODevice::ReadOnly))
            out.append({name, QString::fromUtf8(f.readAll())});
    }
    return out;
}

ChatRequest request(const QString &text)
{
    ChatRequest r;
    r.system = kSystem;
    r.user = QStringLiteral("TEXT:\n") + text;
    r.maxTokens = 50;
    return r;
}

/// The prompt tokens the simulator reports in a real chat reply to `req` on `d`.
std::optional<qint64> reportedUsage(QNetworkAccessManager &nam, const Deployment &d, const QString &key, const ChatRequest &req)
{
    const auto adapter = ProviderAdapter::forProvider(d.provider);
    BuiltRequest br = adapter->buildChat(d, key, req);
    br.request.setTransferTimeout(10'000);
    QNetworkReply *reply = nam.post(br.request, br.body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const ParsedReply p = adapter->parse(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                                         reply->rawHeaderPairs(), reply->readAll());
    reply->deleteLater();
    if (!p.completion || !p.completion->usage.reported)
        return std::nullopt;
    return p.completion->usage.promptTokens;
}

/// What a CountTokens job produced, run to its finished() signal.
struct CountTokensReport {
    QList<CountTokensResult> results;
    QList<CountTokensOutcome> outcomes;
};
CountTokensReport countTokensToEnd(const ModelList &models, const QHash<QString, QString> &keys, const QList<CountTokensSample> &samples,
                                   std::shared_ptr<TokenEstimator> estimator = {})
{
    CountTokens job(models, keys, std::move(estimator));
    job.addSamples(samples);
    QSignalSpy done(&job, &CountTokens::finished);
    job.start();
    if (!done.wait(60'000))
        qWarning("count-tokens job did not finish");
    return {job.results(), job.outcomes()};
}

/// A reply with a canned status, headers and body, finished on the next event-loop turn(s).
class CannedReply final : public QNetworkReply {
public:
    CannedReply(const QNetworkRequest &req, int status, QByteArray body, const HeaderList &headers, int delayMs, QObject *parent)
        : QNetworkReply(parent), m_body(std::move(body))
    {
        setRequest(req);
        setUrl(req.url());
        setOperation(QNetworkAccessManager::PostOperation);
        setAttribute(QNetworkRequest::HttpStatusCodeAttribute, status);
        for (const auto &[name, value] : headers)
            setRawHeader(name, value);
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
        QTimer::singleShot(delayMs, this, [this] {
            setFinished(true);
            emit metaDataChanged();
            emit readyRead();
            emit finished();
        });
    }
    void abort() override {}
    qint64 bytesAvailable() const override { return m_body.size() - m_pos + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 max) override
    {
        const qint64 n = std::min<qint64>(max, m_body.size() - m_pos);
        std::memcpy(data, m_body.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }

private:
    QByteArray m_body;
    qint64 m_pos = 0;
};

/// Answers Anthropic count_tokens: the first `rateLimited` requests get a 429 with retry-after 0,
/// the rest {"input_tokens": 42}; records how many were in flight at once.
class FakeNam final : public QNetworkAccessManager {
public:
    int rateLimited = 0;
    int requests = 0, inFlight = 0, maxInFlight = 0;

protected:
    QNetworkReply *createRequest(Operation, const QNetworkRequest &req, QIODevice *) override
    {
        ++requests;
        maxInFlight = std::max(maxInFlight, ++inFlight);
        CannedReply *r = rateLimited-- > 0
                             ? new CannedReply(req, 429,
                                               R"({"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}})",
                                               {{"retry-after", "0"}}, 5, this)
                             : new CannedReply(req, 200, R"({"input_tokens":42})", {}, 5, this);
        connect(r, &QNetworkReply::finished, this, [this] { --inFlight; });
        return r;
    }
};

} // namespace

class TstCountTokens final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ProviderSimulator> m_sim;
    ModelList m_models;
    QHash<QString, QString> m_keys;
    QList<QPair<QString, QString>> m_speeches;

    QList<CountTokensSample> samplesFor(const QString &deploymentId, int from, int count, int step = 2) const
    {
        QList<CountTokensSample> out;
        for (int i = from; out.size() < count && i < m_speeches.size(); i += step)
            out.append({deploymentId, request(m_speeches[i].second), m_speeches[i].first});
        return out;
    }

private slots:
    void initTestCase()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;   // unknown keys get the provider's 401 / API_KEY_INVALID
        for (const auto &[key, provider] : {std::pair{"k-oa", "openai"}, {"k-an", "anthropic"}, {"k-mi", "mistral"}, {"k-ge", "gemini"}}) {
            SimKey k;
            k.key = QString::fromLatin1(key);
            k.provider = QString::fromLatin1(provider);
            cfg.keys.append(k);
        }
        m_sim = std::make_unique<ProviderSimulator>(cfg);
        QVERIFY(m_sim->start().has_value());
        const QString base = m_sim->baseUrl();
        m_models.deployments = {dep(QStringLiteral("oa/1"), QStringLiteral("oa"), QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"), base + QStringLiteral("/v1")),
                                dep(QStringLiteral("an/1"), QStringLiteral("an"), QStringLiteral("anthropic"), QStringLiteral("claude-3-5-haiku-20241022"), base),
                                dep(QStringLiteral("mi/1"), QStringLiteral("mi"), QStringLiteral("mistral"), QStringLiteral("mistral-small-latest"), base + QStringLiteral("/v1")),
                                dep(QStringLiteral("ge/1"), QStringLiteral("ge"), QStringLiteral("gemini"), QStringLiteral("gemini-2.5-flash"), base)};
        m_keys = {{QStringLiteral("oa/1"), QStringLiteral("k-oa")}, {QStringLiteral("an/1"), QStringLiteral("k-an")},
                  {QStringLiteral("mi/1"), QStringLiteral("k-mi")}, {QStringLiteral("ge/1"), QStringLiteral("k-ge")}};
        m_speeches = speeches();
        QVERIFY(m_speeches.size() >= 40);
    }

    void cleanupTestCase()
    {
        if (m_sim)
            m_sim->stop();
    }

    void endpointsAreDetected()
    {
        QVERIFY(CountTokens::hasEndpoint(QStringLiteral("anthropic")));
        QVERIFY(CountTokens::hasEndpoint(QStringLiteral("gemini")));
        QVERIFY(!CountTokens::hasEndpoint(QStringLiteral("openai")));
        QVERIFY(!CountTokens::hasEndpoint(QStringLiteral("mistral")));
    }

    void exactCountsEqualTheSimulators()
    {
        CountTokens job(m_models, m_keys);
        job.addSamples(samplesFor(QStringLiteral("an/1"), 0, 5));
        job.addSamples(samplesFor(QStringLiteral("ge/1"), 1, 5));
        QSignalSpy finished(&job, &CountTokens::finished);
        QSignalSpy progress(&job, &CountTokens::progress);
        job.start();
        QCOMPARE(finished.size(), 0);   // start() only schedules
        QVERIFY(finished.wait(20'000));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(progress.size(), 10);
        QCOMPARE(progress.last().at(0).toInt(), 10);

        for (qsizetype i = 0; i < job.samples().size(); ++i) {
            const ChatRequest &r = job.samples()[i].request;
            const CountTokensResult &res = job.results()[i];
            QVERIFY2(res.tokens.has_value(), qPrintable(res.error));
            // Anthropic counts system and message as in /v1/messages; Gemini's countTokens body
            // carries the system prompt as a leading part of the one user turn.
            const bool anthropic = job.samples()[i].deploymentId == QLatin1String("an/1");
            const qint64 expected = anthropic ? sim::promptTokens(sim::Provider::Anthropic, {r.system, r.user})
                                              : sim::promptTokens(sim::Provider::Gemini, {r.system + u'\n' + r.user});
            QCOMPARE(*res.tokens, expected);
            QCOMPARE(res.baseTokens, TokenEstimator().baseTokens(r));
        }
        QCOMPARE(job.outcomes().size(), 2);
        for (const CountTokensOutcome &o : job.outcomes()) {
            QVERIFY2(o.ok(), qPrintable(o.deploymentId + u": "_s + o.error));
            QCOMPARE(o.requested, 5);
            QCOMPARE(o.counted, 5);
            QVERIFY(o.error.isEmpty());
        }
        QCOMPARE(job.outcomes()[0].provider, QStringLiteral("anthropic"));
        QCOMPARE(job.outcomes()[1].provider, QStringLiteral("gemini"));
    }

    void estimatorUsesTheEndpointFactor()
    {
        auto est = std::make_shared<TokenEstimator>();
        const Deployment &an = m_models.deployments[1], &ge = m_models.deployments[3];
        QCOMPARE(est->promptTokens(an.provider, an.model, request(u"x"_s)).method, CountMethod::Factor);
        // 8 even-indexed speeches each, the default sample size.
        QList<CountTokensSample> samples = samplesFor(an.id, 0, 8);
        samples += samplesFor(ge.id, 0, 8);
        const CountTokensReport rep = countTokensToEnd(m_models, m_keys, samples, est);
        for (const CountTokensOutcome &o : rep.outcomes)
            QVERIFY2(o.ok(), qPrintable(o.deploymentId + u": "_s + o.error));

        // New requests (odd-indexed speeches, never counted): the estimate vs the usage the
        // simulator reports on a real chat call.
        QNetworkAccessManager nam;
        for (const Deployment *d : {&an, &ge}) {
            qint64 sumEstimate = 0, sumReported = 0;
            double worst = 0;
            for (int i = 1; i < m_speeches.size(); i += 2) {
                const ChatRequest r = request(m_speeches[i].second);
                const TokenCount c = est->promptTokens(d->provider, d->model, r);
                QCOMPARE(c.method, CountMethod::CountTokensEndpoint);
                QCOMPARE(countMethodName(c.method), QStringLiteral("count_tokens"));
                const std::optional<qint64> reported = reportedUsage(nam, *d, m_keys.value(d->id), r);
                QVERIFY(reported.has_value());
                const double err = std::abs(double(c.tokens - *reported)) / double(*reported);
                worst = std::max(worst, err);
                // The providers' per-message framing (a few tokens) is folded into the factor, so
                // it is exact on average; only very short prompts (a few hundred tokens) stray further.
                const double bound = *reported >= 500 ? 0.02 : 0.05;
                QVERIFY2(err <= bound, qPrintable(QStringLiteral("%1 %2: estimate %3 vs reported %4")
                                                      .arg(d->provider, m_speeches[i].first).arg(c.tokens).arg(*reported)));
                sumEstimate += c.tokens;
                sumReported += *reported;
            }
            qInfo("%s: factor %.4f, total estimate %lld vs reported %lld (%.3f %%), worst request %.3f %%",
                  qPrintable(d->provider), est->factor(d->provider, d->model), qint64(sumEstimate), qint64(sumReported),
                  100.0 * double(sumEstimate - sumReported) / double(sumReported), 100.0 * worst);
            QVERIFY(std::abs(double(sumEstimate - sumReported)) <= 0.02 * double(sumReported));
        }
    }

    void missingKeyAndUnauthorizedFallBack()
    {
        auto est = std::make_shared<TokenEstimator>();
        QHash<QString, QString> keys = m_keys;
        keys.remove(QStringLiteral("an/1"));
        keys.insert(QStringLiteral("ge/1"), QStringLiteral("not-a-valid-key-123456"));
        const SimStats before = m_sim->stats();
        CountTokens job(m_models, keys, est);
        job.setMaxParallel(1);
        job.addSamples(samplesFor(QStringLiteral("an/1"), 0, 4));
        job.addSamples(samplesFor(QStringLiteral("ge/1"), 0, 4));
        QSignalSpy finished(&job, &CountTokens::finished);
        job.start();
        QVERIFY(finished.wait(20'000));
        const SimStats after = m_sim->stats();

        QCOMPARE(job.outcomes().size(), 2);
        const CountTokensOutcome &an = job.outcomes()[0], &ge = job.outcomes()[1];
        QVERIFY(!an.ok() && !an.skipped);
        QCOMPARE(an.counted, 0);
        QCOMPARE(an.error, QStringLiteral("no API key"));
        QVERIFY(!ge.ok() && !ge.skipped);
        QCOMPARE(ge.counted, 0);
        QVERIFY2(ge.error.contains(u"auth"_s), qPrintable(ge.error));
        QVERIFY(!ge.error.contains(u"not-a-valid-key"_s));
        for (const CountTokensResult &r : job.results())
            QVERIFY(!r.tokens && !r.error.isEmpty());
        // No request without a key; after the first refusal no more requests with the bad key.
        QCOMPARE(after.authErrors - before.authErrors, 1);
        QCOMPARE(after.requests - before.requests, 1);
        // The estimate falls back to the prior factor.
        QCOMPARE(est->promptTokens(QStringLiteral("anthropic"), m_models.deployments[1].model, request(u"x"_s)).method, CountMethod::Factor);
        QCOMPARE(est->promptTokens(QStringLiteral("gemini"), m_models.deployments[3].model, request(u"x"_s)).method, CountMethod::Factor);
    }

    void unreachableServerFallsBack()
    {
        // A loopback port nobody listens on (the simulator's, after a private one was stopped).
        ProviderSimulator gone;
        const auto port = gone.start();
        QVERIFY(port.has_value());
        const QString base = gone.baseUrl();
        gone.stop();
        ModelList models;
        models.deployments = {dep(QStringLiteral("an/1"), QStringLiteral("an"), QStringLiteral("anthropic"), QStringLiteral("claude-3-5-haiku-20241022"), base)};
        const CountTokensReport rep = countTokensToEnd(models, m_keys, samplesFor(QStringLiteral("an/1"), 0, 2));
        QCOMPARE(rep.outcomes.size(), 1);
        QCOMPARE(rep.outcomes[0].counted, 0);
        QVERIFY(!rep.outcomes[0].error.isEmpty());
    }

    void rateLimitsRequeueAndParallelismIsBounded()
    {
        FakeNam nam;
        nam.rateLimited = 2;
        ModelList models;
        models.deployments = {dep(QStringLiteral("an/1"), QStringLiteral("an"), QStringLiteral("anthropic"), QStringLiteral("claude-sonnet-4-5"), u"http://127.0.0.1:9"_s),
                              dep(QStringLiteral("an/2"), QStringLiteral("an"), QStringLiteral("anthropic"), QStringLiteral("claude-sonnet-4-5"), u"http://127.0.0.1:9"_s)};
        const QHash<QString, QString> keys{{QStringLiteral("an/1"), QStringLiteral("k1")}, {QStringLiteral("an/2"), QStringLiteral("k2")}};
        CountTokens job(models, keys);
        job.setNetworkAccessManager(&nam);
        job.addSamples(samplesFor(QStringLiteral("an/1"), 0, 8, 1));
        job.addSamples(samplesFor(QStringLiteral("an/2"), 0, 8, 1));
        QSignalSpy finished(&job, &CountTokens::finished);
        job.start();
        QVERIFY(finished.wait(10'000));
        // The two 429s were retried (no sample lost), never more than 3 requests at once.
        QCOMPARE(nam.requests, 16 + 2);
        QCOMPARE(nam.maxInFlight, job.maxParallel());
        for (const CountTokensOutcome &o : job.outcomes()) {
            QVERIFY2(o.ok(), qPrintable(o.error));
            QCOMPARE(o.exactTokens, qint64(8 * 42));
        }

        // A second 429 for the same sample is not retried again: reported, not fatal.
        FakeNam always;
        always.rateLimited = 1000;
        CountTokens limited(models, keys);
        limited.setNetworkAccessManager(&always);
        limited.setMaxParallel(1);
        limited.addSamples(samplesFor(QStringLiteral("an/1"), 0, 2, 1));
        QSignalSpy limitedDone(&limited, &CountTokens::finished);
        limited.start();
        QVERIFY(limitedDone.wait(10'000));
        QCOMPARE(always.requests, 4);
        QCOMPARE(limited.outcomes().value(0).counted, 0);
        QVERIFY2(limited.outcomes().value(0).error.contains(u"HTTP 429"_s), qPrintable(limited.outcomes().value(0).error));
    }

    void openAiAndMistralAreSkipped()
    {
        auto est = std::make_shared<TokenEstimator>();
        const SimStats before = m_sim->stats();
        const CountTokensReport rep = countTokensToEnd(
            m_models, m_keys, samplesFor(QStringLiteral("oa/1"), 0, 3) + samplesFor(QStringLiteral("mi/1"), 0, 3), est);
        QCOMPARE(m_sim->stats().requests, before.requests);   // nothing sent
        QCOMPARE(rep.outcomes.size(), 2);
        for (const CountTokensOutcome &o : rep.outcomes) {
            QVERIFY(o.skipped);
            QCOMPARE(o.counted, 0);
            QVERIFY2(o.error.contains(u"no count-tokens endpoint"_s), qPrintable(o.error));
        }
        QVERIFY(est->calibrations().isEmpty());
    }

    void planSamplesRunsWithAnEndpoint()
    {
        EstimateInput in;
        in.models = m_models;
        // A second Anthropic key in the same group: one of them is enough to count.
        in.models.deployments.insert(2, dep(QStringLiteral("an/2"), QStringLiteral("an"), QStringLiteral("anthropic"),
                                            QStringLiteral("claude-3-5-haiku-20241022"), m_sim->baseUrl()));
        Framework fw;
        fw.id = QStringLiteral("mft");
        in.frameworks = {fw};
        for (qsizetype i = 0; i < m_speeches.size(); ++i)
            in.texts.append({QStringLiteral("c"), m_speeches[i].first, m_speeches[i].second});
        for (const QString &g : {u"oa"_s, u"an"_s, u"mi"_s, u"ge"_s}) {
            RunSpec r;
            r.runId = u"r-"_s + g;
            r.model = g;
            r.framework = QStringLiteral("mft");
            r.corpus = QStringLiteral("c");
            in.experiment.execution.matrix.append(r);
        }
        in.experiment.execution.matrix[3].limit = 3;   // r-ge: fewer texts than the sample size
        in.buildPrompt = [](const RunSpec &, const Framework &, const QList<EstimateText> &texts) { return request(texts.value(0).text()); };

        // an/1 has no key here, an/2 has: the plan counts on an/2.
        QHash<QString, QString> keys = m_keys;
        keys.remove(QStringLiteral("an/1"));
        keys.insert(QStringLiteral("an/2"), QStringLiteral("k-an"));
        const CountTokensPlan plan = planCountTokens(in, keys, 8);
        QCOMPARE(plan.runs, (QStringList{u"r-an"_s, u"r-ge"_s}));
        QCOMPARE(plan.skippedDeployments, (QStringList{u"oa/1"_s, u"mi/1"_s}));
        QHash<QString, int> perDeployment;
        QSet<QString> labels;
        for (const CountTokensSample &s : plan.samples) {
            ++perDeployment[s.deploymentId];
            labels.insert(s.label);
        }
        QCOMPARE(perDeployment.value(QStringLiteral("an/2")), 8);
        QCOMPARE(perDeployment.value(QStringLiteral("ge/1")), 3);
        QCOMPARE(perDeployment.size(), 2);
        QCOMPARE(labels.size(), plan.samples.size());   // distinct texts, spread over the corpus
        // Spread over the corpus, not its first eight texts.
        qsizetype lowest = m_speeches.size(), highest = -1;
        for (qsizetype i = 0; i < m_speeches.size(); ++i) {
            if (labels.contains(u"r-an:"_s + m_speeches[i].first)) {
                lowest = std::min(lowest, i);
                highest = std::max(highest, i);
            }
        }
        QVERIFY(lowest < m_speeches.size() / 4);
        QVERIFY(highest >= m_speeches.size() * 3 / 4);

        // And it counts.
        auto est = std::make_shared<TokenEstimator>();
        const CountTokensReport rep = countTokensToEnd(in.models, keys, plan.samples, est);
        for (const CountTokensOutcome &o : rep.outcomes)
            QVERIFY2(o.ok(), qPrintable(o.deploymentId + u": "_s + o.error));
        QCOMPARE(est->textTokens(QStringLiteral("gemini"), QStringLiteral("gemini-2.5-flash"), u"hello").method, CountMethod::CountTokensEndpoint);

        QCOMPARE(planCountTokens(in, keys, 0).samples.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TstCountTokens)
#include "tst_counttokens.moc"
