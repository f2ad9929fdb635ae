// The simulator's per-key modes over loopback: how a token limit is charged and settled, window or
// bucket, pools spanning keys, limits kept out of the headers, per-day quotas. Each test checks
// that the remaining-headers and the 429 bodies follow the mode's own arithmetic.
#include "core/sim/providersimulator.h"
#include "core/sim/simformat.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <functional>

using namespace wb;

namespace {

const QString kSystem = QStringLiteral("You are an expert annotator. Score the text on each dimension.");
const QString kUser = QStringLiteral("Say hello to the committee in one short sentence, please.");

struct Http {
    int status = 0;
    QJsonObject json;
    QHash<QByteArray, QByteArray> headers;   // lower-case names
    qint64 num(const char *name) const { return headers.value(QByteArray(name), "-1").toLongLong(); }
    QString message() const
    {
        const QJsonValue e = json.value(QStringLiteral("error"));
        return e.isObject() ? e.toObject().value(QStringLiteral("message")).toString() : json.value(QStringLiteral("message")).toString();
    }
    bool anyLimitHeader() const
    {
        for (auto it = headers.cbegin(); it != headers.cend(); ++it)
            if (it.key().startsWith("x-ratelimit-") || it.key().startsWith("anthropic-ratelimit-"))
                return true;
        return false;
    }
};

SimKey key(const QString &name, const QString &provider, qint64 rpm, qint64 tpm, SimCharge charge = SimCharge::Provider)
{
    SimKey k;
    k.key = name;
    k.provider = provider;
    k.rpm = rpm;
    k.tpm = tpm;
    k.charge = charge;
    return k;
}

/// OpenAI's admission estimate of kSystem + kUser: ceil(characters / 4).
qint64 charEstimate() { return sim::openAiCharEstimate({kSystem, kUser}); }

qint64 usageTotal(const Http &r)
{
    const QJsonObject u = r.json.value(QStringLiteral("usage")).toObject();
    return u.value(QStringLiteral("prompt_tokens")).toInteger() + u.value(QStringLiteral("completion_tokens")).toInteger();
}

} // namespace

class tst_SimModes : public QObject {
    Q_OBJECT

private:
    QNetworkAccessManager m_nam;
    std::unique_ptr<ProviderSimulator> m_sim;

    void start(const QList<SimKey> &keys, qint64 windowMs = 60'000)
    {
        SimConfig cfg;
        cfg.keys = keys;
        cfg.windowMs = windowMs;
        cfg.acceptAnyKey = false;
        m_sim = std::make_unique<ProviderSimulator>(std::move(cfg));
        const Result<quint16> port = m_sim->start();
        if (!port)
            qFatal("simulator did not start: %s", qPrintable(port.error().toString()));
    }

    Http post(const QString &path, const QJsonObject &body, const QList<QPair<QByteArray, QByteArray>> &headers)
    {
        QNetworkRequest req(QUrl(m_sim->baseUrl() + path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        QNetworkReply *reply = m_nam.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        Http r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.json = QJsonDocument::fromJson(reply->readAll()).object();
        for (const auto &pair : reply->rawHeaderPairs())
            r.headers.insert(pair.first.toLower(), pair.second);
        reply->deleteLater();
        return r;
    }

    Http openAi(const QString &k, int maxTokens = 400)
    {
        const QJsonArray messages{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), kSystem}},
                                  QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), kUser}}};
        return post(QStringLiteral("/v1/chat/completions"),
                    {{QStringLiteral("model"), QStringLiteral("gpt-4o")}, {QStringLiteral("messages"), messages},
                     {QStringLiteral("max_tokens"), maxTokens}},
                    {{"Authorization", "Bearer " + k.toUtf8()}});
    }

    Http anthropic(const QString &k, int maxTokens = 400)
    {
        const QJsonArray messages{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), kUser}}};
        return post(QStringLiteral("/v1/messages"),
                    {{QStringLiteral("model"), QStringLiteral("claude-3-5-haiku-20241022")}, {QStringLiteral("system"), kSystem},
                     {QStringLiteral("messages"), messages}, {QStringLiteral("max_tokens"), maxTokens}},
                    {{"x-api-key", k.toUtf8()}, {"anthropic-version", "2023-06-01"}});
    }

    /// The "Limit L, Used U, Requested R" figures of an OpenAI TPM/RPM 429.
    static QList<qint64> limitUsedRequested(const QString &message)
    {
        static const QRegularExpression re(QStringLiteral("Limit (\\d+), Used (\\d+), Requested (\\d+)\\."));
        const auto m = re.match(message);
        return m.hasMatch() ? QList<qint64>{m.captured(1).toLongLong(), m.captured(2).toLongLong(), m.captured(3).toLongLong()}
                            : QList<qint64>{};
    }

private slots:
    void init() { m_nam.clearConnectionCache(); }

    // Charged prompt + max_tokens at admission, then settled to the usage the reply reports: the
    // remaining-tokens header shows the settled count, and the capacity given back admits calls
    // the unsettled count would refuse.
    void reserveThenSettle()
    {
        const qint64 reserve = charEstimate() + 400;
        start({key(QStringLiteral("k"), QStringLiteral("openai"), 100, 2 * reserve + 50, SimCharge::ReserveThenSettle)});
        qint64 settled = 0;
        for (int i = 0; i < 4; ++i) {   // four calls where an unsettled count admits two
            const Http r = openAi(QStringLiteral("k"));
            QCOMPARE(r.status, 200);
            settled += usageTotal(r);
            QCOMPARE(r.num("x-ratelimit-remaining-tokens"), 2 * reserve + 50 - settled);
        }
        QCOMPARE(m_sim->stats().keys.value(QStringLiteral("k")).tokensCharged, settled);
        // Fill it up: the 429 names the settled usage and the full reservation requested.
        Http r;
        while ((r = openAi(QStringLiteral("k"))).status == 200)
            settled += usageTotal(r);
        QCOMPARE(r.status, 429);
        QCOMPARE(limitUsedRequested(r.message()), (QList<qint64>{2 * reserve + 50, settled, reserve}));
        QCOMPARE(r.num("x-ratelimit-remaining-tokens"), 2 * reserve + 50 - settled);
    }

    // Charged the prompt alone at admission (nothing reserved for max_tokens), the completion
    // added when the reply settles: a call whose prompt + max_tokens exceed the limit is served.
    void promptThenSettle()
    {
        const qint64 reserve = charEstimate() + 400;
        start({key(QStringLiteral("k"), QStringLiteral("openai"), 100, reserve - 1, SimCharge::PromptThenSettle)});
        const Http r = openAi(QStringLiteral("k"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.num("x-ratelimit-remaining-tokens"), reserve - 1 - usageTotal(r));
        QCOMPARE(m_sim->stats().keys.value(QStringLiteral("k")).tokensCharged, usageTotal(r));
    }

    // headers_read: admission: a reply's headers show the counters as the call was admitted, at its
    // admission charge, not its settlement (the YAML names the mode).
    void headersReadAtAdmission()
    {
        const qint64 reserve = charEstimate() + 400;
        const Result<SimConfig> cfg = parseSimConfig(QStringLiteral("keys:\n  k: {provider: openai, rpm: 100, tpm: %1, "
                                                                    "charge: reserve_then_settle, headers_read: admission}\n")
                                                         .arg(4 * reserve).toUtf8(),
                                                     QStringLiteral("admitted.yaml"));
        QVERIFY2(cfg, cfg ? "" : qPrintable(cfg.error().toString()));
        QVERIFY(cfg->keys[0].headersAtAdmission);
        start({cfg->keys[0]});
        const Http first = openAi(QStringLiteral("k"));
        QCOMPARE(first.status, 200);
        QCOMPARE(first.num("x-ratelimit-remaining-tokens"), 4 * reserve - reserve);   // not settled yet
        const Http second = openAi(QStringLiteral("k"));
        QCOMPARE(second.status, 200);
        // The first call settled before the second was admitted; the second at its reservation.
        QCOMPARE(second.num("x-ratelimit-remaining-tokens"), 4 * reserve - usageTotal(first) - reserve);
    }

    void reserveNeverSettled()
    {
        const qint64 reserve = charEstimate() + 400;
        start({key(QStringLiteral("k"), QStringLiteral("openai"), 100, 2 * reserve + 50, SimCharge::Reserve)});
        QCOMPARE(openAi(QStringLiteral("k")).num("x-ratelimit-remaining-tokens"), reserve + 50);
        QCOMPARE(openAi(QStringLiteral("k")).num("x-ratelimit-remaining-tokens"), 50);
        const Http r = openAi(QStringLiteral("k"));
        QCOMPARE(r.status, 429);
        QCOMPARE(limitUsedRequested(r.message()), (QList<qint64>{2 * reserve + 50, 2 * reserve, reserve}));
        QCOMPARE(r.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("tokens"));
    }

    void maxOfPromptAndOutput()
    {
        // max_tokens 400 outweighs the prompt; max_tokens 1 leaves the prompt.
        start({key(QStringLiteral("k"), QStringLiteral("openai"), 100, 1000, SimCharge::MaxPromptOutput)});
        QVERIFY(charEstimate() < 400);
        QCOMPARE(openAi(QStringLiteral("k"), 400).num("x-ratelimit-remaining-tokens"), 600);
        QCOMPARE(openAi(QStringLiteral("k"), 1).num("x-ratelimit-remaining-tokens"), 600 - charEstimate());
        QCOMPARE(openAi(QStringLiteral("k"), 400).num("x-ratelimit-remaining-tokens"), 200 - charEstimate());
        const Http r = openAi(QStringLiteral("k"), 400);
        QCOMPARE(r.status, 429);
        QCOMPARE(limitUsedRequested(r.message()), (QList<qint64>{1000, 800 + charEstimate(), 400}));
    }

    // A bucket refills continuously: a request is admitted after 1/rpm of the window, where a
    // sliding window would wait for the whole window; retry-after and the reset header say so.
    void bucketRefillsBeforeTheWindowWould()
    {
        SimKey k = key(QStringLiteral("k"), QStringLiteral("openai"), 4, 0);
        k.algorithm = SimAlgorithm::Bucket;
        start({k}, 8'000);   // one request back every 2 s
        QElapsedTimer t;
        t.start();
        QCOMPARE(openAi(QStringLiteral("k")).num("x-ratelimit-remaining-requests"), 3);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(openAi(QStringLiteral("k")).status, 200);
        Http r = openAi(QStringLiteral("k"));
        if (t.elapsed() >= 1'900)
            QSKIP("five calls took longer than the bucket needs to refill one: the machine is too busy to time it");
        QCOMPARE(r.status, 429);
        QCOMPARE(limitUsedRequested(r.message()).value(1), 4);
        QVERIFY2(r.num("retry-after") >= 1 && r.num("retry-after") <= 2, r.headers.value("retry-after").constData());
        QThread::msleep(quint64(std::max<qint64>(0, 2'200 - t.elapsed())));
        r = openAi(QStringLiteral("k"));
        QCOMPARE(r.status, 200);   // a window of 8 s would still hold all four
        QVERIFY(t.elapsed() < 8'000);
        QCOMPARE(r.num("x-ratelimit-remaining-requests"), 0);
    }

    void anthropicBucketHeaders()
    {
        SimKey k = key(QStringLiteral("a"), QStringLiteral("anthropic"), 2, 0);
        k.itpm = 100'000;
        k.otpm = 100'000;
        k.algorithm = SimAlgorithm::Bucket;
        start({k}, 60'000);
        const Http r1 = anthropic(QStringLiteral("a"));
        QCOMPARE(r1.status, 200);
        QCOMPARE(r1.num("anthropic-ratelimit-requests-remaining"), 1);
        QCOMPARE(anthropic(QStringLiteral("a")).status, 200);
        const Http r = anthropic(QStringLiteral("a"));
        QCOMPARE(r.status, 429);
        QVERIFY2(r.message().contains(QStringLiteral("of 2 requests per minute")), qPrintable(r.message()));
        // One request back after 30 s (a window would say 60).
        QVERIFY2(r.num("retry-after") > 20 && r.num("retry-after") <= 30, r.headers.value("retry-after").constData());
    }

    void requestsHeldOverAShortInterval()
    {
        // 60 requests a minute held over each second too: the second request of a second is
        // refused although the minute's bucket shows 59 left, with a message naming no limit, and
        // the next second's request goes. The YAML names the mode short_interval_ms.
        const Result<SimConfig> cfg = parseSimConfig("keys:\n  a: {provider: anthropic, rpm: 60, itpm: 100000, otpm: 100000, "
                                                     "short_interval_ms: 1000}\n", QStringLiteral("short.yaml"));
        QVERIFY2(cfg, cfg ? "" : qPrintable(cfg.error().toString()));
        QCOMPARE(cfg->keys[0].shortIntervalMs, 1000);
        SimKey k = cfg->keys[0];
        start({k}, 60'000);
        QCOMPARE(anthropic(QStringLiteral("a")).status, 200);
        const Http r = anthropic(QStringLiteral("a"));
        QCOMPARE(r.status, 429);
        QCOMPARE(r.message(), QStringLiteral("This request would exceed your account's rate limit. Please try again later."));
        QCOMPARE(r.num("anthropic-ratelimit-requests-remaining"), 59);
        QCOMPARE(r.num("retry-after"), 1);
        QTest::qWait(1'050);
        QCOMPARE(anthropic(QStringLiteral("a")).status, 200);
        QCOMPARE(m_sim->stats().rateLimited, 1);
    }

    // Keys of one pool draw on one limit (an organisation's): the headers of either key show the
    // pool's remaining count and the 429 names the pool's organisation.
    void poolSpansKeys()
    {
        SimKey a1 = key(QStringLiteral("a1"), QStringLiteral("openai"), 3, 0);
        a1.pool = QStringLiteral("lab");
        SimKey a2 = a1;
        a2.key = QStringLiteral("a2");
        start({a1, a2});
        QCOMPARE(openAi(QStringLiteral("a1")).num("x-ratelimit-remaining-requests"), 2);
        QCOMPARE(openAi(QStringLiteral("a2")).num("x-ratelimit-remaining-requests"), 1);
        QCOMPARE(openAi(QStringLiteral("a1")).num("x-ratelimit-remaining-requests"), 0);
        const Http r = openAi(QStringLiteral("a2"));
        QCOMPARE(r.status, 429);
        QVERIFY2(r.message().contains(QStringLiteral("in organization org-lab on requests per min (RPM): Limit 3, Used 3, Requested 1.")),
                 qPrintable(r.message()));
    }

    void limitsNotInHeaders()
    {
        SimKey o = key(QStringLiteral("o"), QStringLiteral("openai"), 1, 10'000);
        o.limitHeaders = false;
        SimKey a = key(QStringLiteral("a"), QStringLiteral("anthropic"), 1, 0);
        a.itpm = 10'000;
        a.limitHeaders = false;
        start({o, a});
        for (const auto &call : {std::function<Http()>([&] { return openAi(QStringLiteral("o")); }),
                                 std::function<Http()>([&] { return anthropic(QStringLiteral("a")); })}) {
            const Http ok = call();
            QCOMPARE(ok.status, 200);
            QVERIFY(!ok.anyLimitHeader());
            const Http r = call();
            QCOMPARE(r.status, 429);
            QVERIFY(!r.anyLimitHeader());
            QVERIFY2(r.message().contains(QStringLiteral("requests")), qPrintable(r.message()));   // only the body tells
        }
    }

    // Mistral's older header set: tokens only, and a refusal whose one wait is ratelimitbysize-reset.
    void mistralsOlderHeaderSet()
    {
        SimKey m = key(QStringLiteral("m"), QStringLiteral("mistral"), 1, 50'000);
        m.bySizeHeaders = true;
        start({m}, 20'000);
        const Http ok = openAi(QStringLiteral("m"));
        QCOMPARE(ok.status, 200);
        QVERIFY(!ok.anyLimitHeader());   // none of the x-ratelimit-* names
        const qint64 cost = ok.num("ratelimitbysize-query-cost");
        const qint64 prompt = ok.json.value(QStringLiteral("usage")).toObject().value(QStringLiteral("prompt_tokens")).toInteger();
        const qint64 total = ok.json.value(QStringLiteral("usage")).toObject().value(QStringLiteral("total_tokens")).toInteger();
        QVERIFY(prompt > 0 && total > prompt);
        QCOMPARE(cost, total);   // what the call was charged in the end, settled to its usage
        QCOMPARE(ok.num("ratelimitbysize-limit"), 50'000);
        QCOMPARE(ok.num("x-ratelimitbysize-limit-minute"), 50'000);
        QCOMPARE(ok.num("ratelimitbysize-remaining"), 50'000 - total);
        QCOMPARE(ok.num("x-ratelimitbysize-remaining-minute"), ok.num("ratelimitbysize-remaining"));
        QVERIFY(ok.num("ratelimitbysize-reset") >= 1 && ok.num("ratelimitbysize-reset") <= 20);

        const Http refused = openAi(QStringLiteral("m"));   // the request limit, which no header names
        QCOMPARE(refused.status, 429);
        QCOMPARE(refused.message(), QStringLiteral("Requests rate limit exceeded"));
        QVERIFY(!refused.headers.contains("retry-after"));
        const qint64 resetS = refused.num("ratelimitbysize-reset");
        QVERIFY2(resetS >= 19 && resetS <= 20, qPrintable(QString::number(resetS)));   // until the request fits
    }

    void perDayQuotaOfAPool()
    {
        SimKey a1 = key(QStringLiteral("a1"), QStringLiteral("openai"), 0, 0);
        a1.rpd = 2;
        a1.pool = QStringLiteral("day");
        SimKey a2 = a1;
        a2.key = QStringLiteral("a2");
        start({a1, a2});
        QCOMPARE(openAi(QStringLiteral("a1")).status, 200);
        QCOMPARE(openAi(QStringLiteral("a2")).status, 200);
        const Http r = openAi(QStringLiteral("a1"));
        QCOMPARE(r.status, 429);
        QVERIFY2(r.message().contains(QStringLiteral("requests per day (RPD): Limit 2, Used 2, Requested 1.")), qPrintable(r.message()));
    }

    void yamlModes()
    {
        const Result<SimConfig> cfg = parseSimConfig(
            "window_ms: 6000\nday_ms: 60000\nkeys:\n"
            "  k1: {provider: openai, rpm: 10, tpm: 9000, charge: reserve_then_settle, algorithm: bucket, limit_headers: false, pool: p}\n"
            "  k2: {provider: openai, rpm: 10, tpm: 9000, charge: reserve_then_settle, algorithm: bucket, pool: p}\n",
            QStringLiteral("modes.yaml"));
        QVERIFY2(cfg, cfg ? "" : qPrintable(cfg.error().toString()));
        QCOMPARE(cfg->windowMs, 6000);
        QCOMPARE(cfg->dayMs, 60000);
        QCOMPARE(cfg->keys[0].charge, SimCharge::ReserveThenSettle);
        QCOMPARE(cfg->keys[0].algorithm, SimAlgorithm::Bucket);
        QVERIFY(!cfg->keys[0].limitHeaders);
        QVERIFY(cfg->keys[1].limitHeaders);

        const Result<SimConfig> older = parseSimConfig("keys:\n  m: {provider: mistral, tpm: 9000, limit_headers: bysize}\n",
                                                       QStringLiteral("older.yaml"));
        QVERIFY2(older, older ? "" : qPrintable(older.error().toString()));
        QVERIFY(older->keys[0].limitHeaders);
        QVERIFY(older->keys[0].bySizeHeaders);
        QVERIFY(!cfg->keys[1].bySizeHeaders);
    }

    void anthropicKeysAreBucketsUnlessToldOtherwise()
    {
        const Result<SimConfig> cfg = parseSimConfig(
            "keys:\n"
            "  a1: {provider: anthropic, rpm: 10, itpm: 9000, otpm: 2000}\n"
            "  a2: {provider: anthropic, rpm: 10, itpm: 9000, otpm: 2000, algorithm: window}\n"
            "  o1: {provider: openai, rpm: 10, tpm: 9000}\n"
            "  z1: {provider: azure, rpm: 10, tpm: 9000}\n",
            QStringLiteral("defaults.yaml"));
        QVERIFY2(cfg, cfg ? "" : qPrintable(cfg.error().toString()));
        QCOMPARE(cfg->keys[0].algorithm, SimAlgorithm::Bucket);
        QCOMPARE(cfg->keys[1].algorithm, SimAlgorithm::Window);
        QCOMPARE(cfg->keys[2].algorithm, SimAlgorithm::Window);
        QCOMPARE(cfg->keys[3].provider, QStringLiteral("azure"));
    }

    void yamlModeErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("charge") << QByteArray("keys:\n  k: {provider: openai, charge: settle}\n") << QStringLiteral("m.yaml:2:33: keys[0].charge: unknown charge");
        QTest::newRow("algorithm") << QByteArray("keys:\n  k: {provider: openai, algorithm: leaky}\n") << QStringLiteral("unknown algorithm");
        QTest::newRow("bysize not mistral") << QByteArray("keys:\n  k: {provider: openai, limit_headers: bysize}\n")
                                            << QStringLiteral("limit_headers: bysize is Mistral's");
        QTest::newRow("headers_read") << QByteArray("keys:\n  k: {provider: openai, headers_read: later}\n")
                                      << QStringLiteral("unknown headers_read \"later\" (expected reply or admission)");
        QTest::newRow("anthropic charge") << QByteArray("keys:\n  k: {provider: anthropic, charge: reserve}\n") << QStringLiteral("charge applies to tpm");
        QTest::newRow("pool disagrees") << QByteArray("keys:\n  a: {provider: openai, rpm: 5, pool: p}\n  b: {provider: openai, rpm: 6, pool: p}\n")
                                        << QStringLiteral("m.yaml:3:3");
    }
    void yamlModeErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        const Result<SimConfig> cfg = parseSimConfig(yaml, QStringLiteral("m.yaml"));
        QVERIFY(!cfg);
        QVERIFY2(cfg.error().toString().contains(expected), qPrintable(cfg.error().toString()));
    }
};

QTEST_GUILESS_MAIN(tst_SimModes)
#include "tst_simmodes.moc"
