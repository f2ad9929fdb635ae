// The provider simulator over real loopback sockets (QNetworkAccessManager as the client):
// wire formats, counting rules, sliding windows, pools, auth, faults, determinism, stats, config.
#include "core/common/promptcontract.h"
#include "core/sim/providersimulator.h"
#include "core/sim/simformat.h"
#include "core/sim/simwindow.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <cmath>

using namespace wb;
using sim::Provider;

namespace {

struct Http {
    int status = 0;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;   // lower-case names
    QNetworkReply::NetworkError error = QNetworkReply::NoError;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray h(const char *name) const { return headers.value(QByteArray(name)); }
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QString kSystem = QStringLiteral("You are an expert annotator. Score the text on each dimension.");

QString scoringPrompt(const QStringList &ids, const QStringList &texts)
{
    ScoringSchema s;
    s.dimensions = {{QStringLiteral("care"), 0.0, 1.0}, {QStringLiteral("fairness"), -2.0, 2.0}, {QStringLiteral("loyalty"), 1.0, 7.0}};
    s.textIds = ids;
    QString user = schemaLine(s) + u'\n';
    for (qsizetype i = 0; i < ids.size(); ++i)
        user += QStringLiteral("\n<<<TEXT id=%1>>>\n%2\n<<<END TEXT>>>\n").arg(ids[i], texts[i]);
    return user;
}

QString defaultUser()
{
    return scoringPrompt({QStringLiteral("speech-1")},
                         {QStringLiteral("We must protect the weak and keep faith with our allies, whatever the cost.")});
}

QByteArray chatBody(const QString &model, const QString &user, int maxTokens = 300)
{
    QJsonObject o{{QStringLiteral("model"), model},
                  {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), kSystem}},
                                                          QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), user}}}}};
    if (maxTokens > 0)
        o.insert(QStringLiteral("max_tokens"), maxTokens);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray anthropicBody(const QString &model, const QString &user, int maxTokens = 300)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("model"), model},
                                     {QStringLiteral("max_tokens"), maxTokens},
                                     {QStringLiteral("system"), kSystem},
                                     {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                                         {QStringLiteral("content"), user}}}}})
        .toJson(QJsonDocument::Compact);
}

QByteArray geminiBody(const QString &user, int maxTokens = 300)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("systemInstruction"), QJsonObject{{QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), kSystem}}}}}},
                                     {QStringLiteral("contents"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                                         {QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), user}}}}}}},
                                     {QStringLiteral("generationConfig"), QJsonObject{{QStringLiteral("maxOutputTokens"), maxTokens}}}})
        .toJson(QJsonDocument::Compact);
}

Headers bearer(const QString &key) { return {{"Authorization", "Bearer " + key.toUtf8()}}; }
Headers anthropicAuth(const QString &key) { return {{"x-api-key", key.toUtf8()}, {"anthropic-version", "2023-06-01"}}; }
Headers geminiAuth(const QString &key) { return {{"x-goog-api-key", key.toUtf8()}}; }

SimKey key(const QString &name, const QString &provider, qint64 rpm = 0, qint64 tpm = 0, qint64 itpm = 0, qint64 otpm = 0,
           const QString &pool = {})
{
    SimKey k;
    k.key = name;
    k.provider = provider;
    k.rpm = rpm;
    k.tpm = tpm;
    k.itpm = itpm;
    k.otpm = otpm;
    k.pool = pool;
    return k;
}

/// Milliseconds from an OpenAI-style Go duration ("644ms", "59.5s", "1m0s").
qint64 parseGoDuration(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:([\\d.]+)s)?(?:(\\d+)ms)?$"));
    const auto m = re.match(s);
    if (!m.hasMatch())
        return -1;
    return m.captured(1).toLongLong() * 3'600'000 + m.captured(2).toLongLong() * 60'000 + qint64(std::llround(m.captured(3).toDouble() * 1000))
           + m.captured(4).toLongLong();
}

QString dataFile(const char *name) { return QStringLiteral(WB_SOURCE_DIR "/tests/data/sim/") + QLatin1String(name); }

} // namespace

class tst_Simulator : public QObject {
    Q_OBJECT

private:
    QNetworkAccessManager m_nam;

    Http send(const QString &base, const QString &path, const QByteArray &body, const Headers &headers, int timeoutMs = 10'000,
              const QByteArray &verb = "POST")
    {
        QNetworkRequest req(QUrl(base + path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        req.setTransferTimeout(timeoutMs);
        QNetworkReply *reply = m_nam.sendCustomRequest(req, verb, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        Http r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->isOpen())
            r.body = reply->readAll();
        r.error = reply->error();
        for (const auto &pair : reply->rawHeaderPairs())
            r.headers.insert(pair.first.toLower(), pair.second);
        reply->deleteLater();
        return r;
    }

    static std::unique_ptr<ProviderSimulator> startSim(SimConfig cfg)
    {
        auto sim = std::make_unique<ProviderSimulator>(std::move(cfg));
        const Result<quint16> port = sim->start();
        if (!port)
            qFatal("simulator did not start: %s", qPrintable(port.error().toString()));
        return sim;
    }

private slots:
    void init() { m_nam.clearConnectionCache(); }

    // --- pure helpers --------------------------------------------------------------------------

    void goDurations_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zero") << qint64(0) << QStringLiteral("0s");
        QTest::newRow("ms") << qint64(644) << QStringLiteral("644ms");
        QTest::newRow("one second") << qint64(1000) << QStringLiteral("1s");
        QTest::newRow("fraction") << qint64(1500) << QStringLiteral("1.5s");
        QTest::newRow("ms fraction") << qint64(59'998) << QStringLiteral("59.998s");
        QTest::newRow("minutes") << qint64(360'000) << QStringLiteral("6m0s");
        QTest::newRow("m+s") << qint64(179'560) << QStringLiteral("2m59.56s");
        QTest::newRow("hours") << qint64(3'723'000) << QStringLiteral("1h2m3s");
    }
    void goDurations()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, expected);
        QCOMPARE(sim::goDuration(ms), expected);
        QCOMPARE(parseGoDuration(expected), ms);
    }

    void otherFormats()
    {
        QCOMPARE(sim::geminiDelay(1680), QStringLiteral("1.68s"));
        QCOMPARE(sim::geminiDelay(1671), QStringLiteral("1.68s"));   // rounded up: never early
        QCOMPARE(sim::geminiDelay(43'000), QStringLiteral("43s"));
        QCOMPARE(sim::rfc3339Ceil(1740435931'001), QStringLiteral("2025-02-24T22:25:32Z"));
        QCOMPARE(sim::rfc3339Ceil(1740435932'000), QStringLiteral("2025-02-24T22:25:32Z"));
        QCOMPARE(sim::ceilSeconds(1), 1);
        QCOMPARE(sim::ceilSeconds(60'000), 60);
        QCOMPARE(sim::modelVersion(Provider::OpenAI, QStringLiteral("gpt-4o")), QStringLiteral("gpt-4o-2024-08-06"));
        QCOMPARE(sim::modelVersion(Provider::OpenAI, QStringLiteral("gpt-4o-2024-11-20")), QStringLiteral("gpt-4o-2024-11-20"));
        QCOMPARE(sim::modelVersion(Provider::Anthropic, QStringLiteral("claude-3-5-haiku-20241022")),
                 QStringLiteral("claude-3-5-haiku-20241022"));
        QCOMPARE(sim::modelVersion(Provider::Gemini, QStringLiteral("gemini-2.5-flash")), QStringLiteral("gemini-2.5-flash"));
    }

    void windowArithmetic()
    {
        sim::SimWindow w(60'000);
        w.add(1000, 10);
        w.add(2000, 20);
        w.add(3000, 30);
        QCOMPARE(w.used(3000), 60);
        QCOMPARE(w.waitFor(3000, 40, 100), 0);
        QCOMPARE(w.waitFor(3000, 45, 100), 61'000 - 3000);   // first event must leave
        QCOMPARE(w.waitFor(3000, 65, 100), 62'000 - 3000);   // first two must leave
        QCOMPARE(w.waitFor(3000, 101, 100), sim::SimWindow::kNever);
        QCOMPARE(w.untilEmpty(3000), 63'000 - 3000);
        QCOMPARE(w.used(60'999), 60);   // strict: still inside until ts + window
        QCOMPARE(w.used(61'000), 50);
        const auto id = w.add(61'000, 100);
        w.settle(id, 5);
        QCOMPARE(w.used(61'000), 55);
    }

    void tokenCounting()
    {
        const QStringList msgs{QStringLiteral("hello world"), QStringLiteral("a longer message with several words")};
        const qint64 base = sim::o200kCount(msgs[0]) + sim::o200kCount(msgs[1]) + 3 * 2 + 3;
        QCOMPARE(sim::promptTokens(Provider::OpenAI, msgs), base);
        QCOMPARE(sim::promptTokens(Provider::Mistral, msgs), std::llround(base * 1.06));
        QCOMPARE(sim::promptTokens(Provider::Anthropic, msgs), std::llround(base * 1.12));
        QCOMPARE(sim::promptTokens(Provider::Gemini, msgs), std::llround(base * 0.94));
        QCOMPARE(sim::openAiCharEstimate(msgs), qint64((msgs[0].size() + msgs[1].size() + 3) / 4));
        const QString t = QStringLiteral("The quick brown fox jumps over the lazy dog again and again and again.");
        const QString cut = sim::truncateToTokens(Provider::Anthropic, t, 5);
        QVERIFY(t.startsWith(cut));
        QVERIFY(sim::completionTokens(Provider::Anthropic, cut) <= 5);
        QVERIFY(sim::completionTokens(Provider::Anthropic, t.left(cut.size() + 1)) > 5);
    }

    // --- configuration -------------------------------------------------------------------------

    void loadExampleConfig()
    {
        const Result<SimConfig> cfg = loadSimConfig(dataFile("limits.yaml"));
        QVERIFY2(cfg, cfg ? "" : qPrintable(cfg.error().toString()));
        QCOMPARE(cfg->seed, quint64(42));
        QCOMPARE(cfg->latencyMs, 300.0);
        QCOMPARE(cfg->latencyPerOutputTokenMs, 0.2);
        QCOMPARE(cfg->jitterMs, 50.0);
        QCOMPARE(cfg->acceptAnyKey, false);
        QCOMPARE(cfg->keys.size(), 5);
        QCOMPARE(cfg->keys[1].key, QStringLiteral("sim-openai-2"));
        QCOMPARE(cfg->keys[1].pool, QStringLiteral("org-a"));
        QCOMPARE(cfg->keys[2].provider, QStringLiteral("anthropic"));
        QCOMPARE(cfg->keys[2].itpm, 30000);
        QCOMPARE(cfg->keys[2].otpm, 8000);
        QCOMPARE(cfg->keys[4].tpm, 100000);
        QCOMPARE(cfg->faults.http500, 0.0);
        QCOMPARE(cfg->windowMs, 60'000);
    }

    void badConfigs_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("what");
        QTest::newRow("wrong type") << QStringLiteral("bad_type.yaml") << QStringLiteral("bad_type.yaml:3:") << QStringLiteral("sixty");
        QTest::newRow("unknown provider") << QStringLiteral("bad_provider.yaml") << QStringLiteral("bad_provider.yaml:3:15") << QStringLiteral("cohere");
        QTest::newRow("syntax") << QStringLiteral("bad_syntax.yaml") << QStringLiteral("bad_syntax.yaml:") << QString();
        QTest::newRow("unknown fault") << QStringLiteral("bad_fault.yaml") << QStringLiteral("bad_fault.yaml:3:3") << QStringLiteral("timeout");
        QTest::newRow("missing") << QStringLiteral("does-not-exist.yaml") << QStringLiteral("does-not-exist.yaml") << QStringLiteral("cannot read");
    }
    void badConfigs()
    {
        QFETCH(QString, file);
        QFETCH(QString, where);
        QFETCH(QString, what);
        const Result<SimConfig> cfg = loadSimConfig(dataFile(file.toUtf8().constData()));
        QVERIFY(!cfg);
        const QString msg = cfg.error().toString();
        QVERIFY2(msg.contains(where), qPrintable(msg));
        QVERIFY2(msg.contains(what), qPrintable(msg));
    }

    void emptyConfigAcceptsAnyKey()
    {
        const Result<SimConfig> cfg = parseSimConfig("seed: 3\n", QStringLiteral("x.yaml"));
        QVERIFY(cfg);
        QVERIFY(cfg->acceptAnyKey);
        QCOMPARE(cfg->seed, quint64(3));
    }

    void refusesNonLoopback()
    {
        for (const QString &host : {QStringLiteral("0.0.0.0"), QStringLiteral("192.168.1.10"), QStringLiteral("example.com")}) {
            SimConfig cfg;
            cfg.host = host;
            ProviderSimulator sim(cfg);
            const Result<quint16> r = sim.start();
            QVERIFY2(!r, qPrintable(host));
            QVERIFY(!sim.isRunning());
        }
    }

    // --- wire formats --------------------------------------------------------------------------

    void openAiSuccess()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("sim-openai-1"), QStringLiteral("openai"), 60, 40000)};
        auto s = startSim(cfg);
        const QString user = defaultUser();
        const Http r = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), user, 300),
                            bearer(QStringLiteral("sim-openai-1")));
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QVERIFY(o.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("chatcmpl-")));
        QCOMPARE(o.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion"));
        QVERIFY(o.value(QStringLiteral("created")).toInteger() > 1'700'000'000);
        QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-2024-08-06"));
        QVERIFY(o.contains(QStringLiteral("system_fingerprint")));
        const QJsonObject choice = o.value(QStringLiteral("choices")).toArray().first().toObject();
        QCOMPARE(choice.value(QStringLiteral("index")).toInt(), 0);
        QCOMPARE(choice.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("stop"));
        QVERIFY(choice.value(QStringLiteral("logprobs")).isNull());
        const QJsonObject msg = choice.value(QStringLiteral("message")).toObject();
        QCOMPARE(msg.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QVERIFY(msg.value(QStringLiteral("refusal")).isNull());
        const QString content = msg.value(QStringLiteral("content")).toString();
        const QJsonObject scores = QJsonDocument::fromJson(content.toUtf8()).object();
        QCOMPARE(scores.size(), 3);
        QVERIFY(scores.value(QStringLiteral("care")).toObject().value(QStringLiteral("score")).isDouble());
        const QString evidence = scores.value(QStringLiteral("care")).toObject().value(QStringLiteral("evidence")).toString();
        QVERIFY2(evidence.startsWith(QStringLiteral("The text says \"")), qPrintable(evidence));

        const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
        const qint64 prompt = sim::promptTokens(Provider::OpenAI, {kSystem, user});
        const qint64 completion = sim::completionTokens(Provider::OpenAI, content);
        QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInteger(), prompt);
        QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInteger(), completion);
        QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInteger(), prompt + completion);
        QCOMPARE(usage.value(QStringLiteral("prompt_tokens_details")).toObject().value(QStringLiteral("cached_tokens")).toInt(-1), 0);
        QVERIFY(usage.value(QStringLiteral("completion_tokens_details")).toObject().contains(QStringLiteral("reasoning_tokens")));

        // Headers reflect the window after admission; TPM charged as ceil(chars / 4) + max_tokens.
        const qint64 charged = (kSystem.size() + user.size() + 3) / 4 + 300;
        QCOMPARE(r.h("x-ratelimit-limit-requests"), QByteArray("60"));
        QCOMPARE(r.h("x-ratelimit-remaining-requests"), QByteArray("59"));
        QCOMPARE(r.h("x-ratelimit-limit-tokens"), QByteArray("40000"));
        QCOMPARE(r.h("x-ratelimit-remaining-tokens").toLongLong(), 40000 - charged);
        const qint64 reset = parseGoDuration(QString::fromLatin1(r.h("x-ratelimit-reset-requests")));
        QVERIFY2(reset > 50'000 && reset <= 60'000, r.h("x-ratelimit-reset-requests").constData());
        QVERIFY(r.h("x-request-id").startsWith("req_"));
        QCOMPARE(s->stats().keys.value(QStringLiteral("sim-openai-1")).tokensCharged, charged);
    }

    void mistralSuccessSettlesTokens()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        const QString user = defaultUser();
        const qint64 prompt = sim::promptTokens(Provider::Mistral, {kSystem, user});
        // Room for exactly one reservation of prompt + 1000; the second request only fits because the
        // first one was settled down to its actual prompt + completion tokens.
        const qint64 tpm = prompt + 1000 + prompt + 200;
        cfg.keys = {key(QStringLiteral("sim-mistral"), QStringLiteral("mistral"), 60, tpm)};
        auto s = startSim(cfg);
        const Http r = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("mistral-large-latest"), user, 1000),
                            bearer(QStringLiteral("sim-mistral")));
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("mistral-large-latest"));
        const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
        QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInteger(), prompt);
        const qint64 completion = usage.value(QStringLiteral("completion_tokens")).toInteger();
        QVERIFY(completion > 0 && completion < 200);
        QCOMPARE(r.h("x-ratelimit-limit-req-minute"), QByteArray("60"));
        QCOMPARE(r.h("x-ratelimit-remaining-req-minute"), QByteArray("59"));
        QCOMPARE(r.h("x-ratelimit-limit-tokens-minute").toLongLong(), tpm);
        QCOMPARE(r.h("x-ratelimit-remaining-tokens-minute").toLongLong(), tpm - prompt - completion);
        QCOMPARE(r.h("x-ratelimit-tokens-query-cost").toLongLong(), prompt + completion);
        QVERIFY(!r.headers.contains("x-ratelimit-limit-requests"));

        const Http second = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("mistral-large-latest"), user, 1000),
                                 bearer(QStringLiteral("sim-mistral")));
        QCOMPARE(second.status, 200);
        const Http third = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("mistral-large-latest"), user, 1000),
                                bearer(QStringLiteral("sim-mistral")));
        QCOMPARE(third.status, 429);
        const QJsonObject err = third.json();
        QCOMPARE(err.value(QStringLiteral("object")).toString(), QStringLiteral("error"));
        QCOMPARE(err.value(QStringLiteral("type")).toString(), QStringLiteral("rate_limited"));
        QCOMPARE(err.value(QStringLiteral("code")).toString(), QStringLiteral("1300"));
        const qint64 retry = third.h("retry-after").toLongLong();
        QVERIFY2(retry >= 59 && retry <= 60, third.h("retry-after").constData());
    }

    void anthropicSuccess()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("sim-anthropic"), QStringLiteral("anthropic"), 50, 0, 30000, 8000)};
        auto s = startSim(cfg);
        const QString user = defaultUser();
        const Http r = send(s->baseUrl(), QStringLiteral("/v1/messages"), anthropicBody(QStringLiteral("claude-3-5-haiku-latest"), user),
                            anthropicAuth(QStringLiteral("sim-anthropic")));
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QVERIFY(o.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("msg_")));
        QCOMPARE(o.value(QStringLiteral("type")).toString(), QStringLiteral("message"));
        QCOMPARE(o.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("claude-3-5-haiku-20241022"));
        QCOMPARE(o.value(QStringLiteral("stop_reason")).toString(), QStringLiteral("end_turn"));
        QVERIFY(o.value(QStringLiteral("stop_sequence")).isNull());
        const QJsonObject block = o.value(QStringLiteral("content")).toArray().first().toObject();
        QCOMPARE(block.value(QStringLiteral("type")).toString(), QStringLiteral("text"));
        QVERIFY(QJsonDocument::fromJson(block.value(QStringLiteral("text")).toString().toUtf8()).isObject());
        const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
        const qint64 input = sim::promptTokens(Provider::Anthropic, {kSystem, user});
        QCOMPARE(usage.value(QStringLiteral("input_tokens")).toInteger(), input);
        QCOMPARE(usage.value(QStringLiteral("cache_read_input_tokens")).toInteger(-1), 0);
        QCOMPARE(usage.value(QStringLiteral("cache_creation_input_tokens")).toInteger(-1), 0);
        const qint64 output = usage.value(QStringLiteral("output_tokens")).toInteger();
        QCOMPARE(output, sim::completionTokens(Provider::Anthropic, block.value(QStringLiteral("text")).toString()));

        QVERIFY(r.h("request-id").startsWith("req_"));
        QCOMPARE(r.h("anthropic-ratelimit-requests-limit"), QByteArray("50"));
        QCOMPARE(r.h("anthropic-ratelimit-requests-remaining"), QByteArray("49"));
        QCOMPARE(r.h("anthropic-ratelimit-input-tokens-limit"), QByteArray("30000"));
        const qint64 inRemaining = r.h("anthropic-ratelimit-input-tokens-remaining").toLongLong();
        QCOMPARE(inRemaining % 1000, 0);   // rounded to thousands
        QCOMPARE(inRemaining, ((30000 - input + 500) / 1000) * 1000);
        QCOMPARE(r.h("anthropic-ratelimit-output-tokens-remaining").toLongLong(), ((8000 - output + 500) / 1000) * 1000);
        QCOMPARE(r.h("anthropic-ratelimit-tokens-limit"), QByteArray("38000"));
        static const QRegularExpression rfc(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"));
        const QDateTime reset = QDateTime::fromString(QString::fromLatin1(r.h("anthropic-ratelimit-requests-reset")), Qt::ISODate);
        QVERIFY(rfc.match(QString::fromLatin1(r.h("anthropic-ratelimit-requests-reset"))).hasMatch());
        const qint64 ahead = QDateTime::currentDateTimeUtc().msecsTo(reset);
        QVERIFY2(ahead > 55'000 && ahead <= 62'000, qPrintable(QString::number(ahead)));

        // count_tokens: same counting, no limits charged.
        QJsonObject countReq = QJsonDocument::fromJson(anthropicBody(QStringLiteral("claude-3-5-haiku-latest"), user)).object();
        countReq.remove(QStringLiteral("max_tokens"));
        const Http c = send(s->baseUrl(), QStringLiteral("/v1/messages/count_tokens"), QJsonDocument(countReq).toJson(),
                            anthropicAuth(QStringLiteral("sim-anthropic")));
        QCOMPARE(c.status, 200);
        QCOMPARE(c.json().value(QStringLiteral("input_tokens")).toInteger(), input);

        // anthropic-version is required.
        const Http noVersion = send(s->baseUrl(), QStringLiteral("/v1/messages"), anthropicBody(QStringLiteral("claude-3-5-haiku-latest"), user),
                                    {{"x-api-key", "sim-anthropic"}});
        QCOMPARE(noVersion.status, 400);
        QCOMPARE(noVersion.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("invalid_request_error"));
        QCOMPARE(s->stats().keys.value(QStringLiteral("sim-anthropic")).requests, 1);
    }

    void geminiSuccess()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("sim-gemini"), QStringLiteral("gemini"), 100, 100000)};
        auto s = startSim(cfg);
        const QString user = defaultUser();
        const qint64 prompt = sim::promptTokens(Provider::Gemini, {kSystem, user});
        const QString path = QStringLiteral("/v1beta/models/gemini-2.5-flash:generateContent");
        for (bool queryKey : {false, true}) {
            const Http r = queryKey ? send(s->baseUrl(), path + QStringLiteral("?key=sim-gemini"), geminiBody(user), {})
                                    : send(s->baseUrl(), path, geminiBody(user), geminiAuth(QStringLiteral("sim-gemini")));
            QCOMPARE(r.status, 200);
            const QJsonObject o = r.json();
            const QJsonObject cand = o.value(QStringLiteral("candidates")).toArray().first().toObject();
            QCOMPARE(cand.value(QStringLiteral("finishReason")).toString(), QStringLiteral("STOP"));
            QCOMPARE(cand.value(QStringLiteral("content")).toObject().value(QStringLiteral("role")).toString(), QStringLiteral("model"));
            const QString text = cand.value(QStringLiteral("content")).toObject().value(QStringLiteral("parts")).toArray().first().toObject()
                                     .value(QStringLiteral("text")).toString();
            QVERIFY(QJsonDocument::fromJson(text.toUtf8()).isObject());
            const QJsonObject um = o.value(QStringLiteral("usageMetadata")).toObject();
            QCOMPARE(um.value(QStringLiteral("promptTokenCount")).toInteger(), prompt);
            QCOMPARE(um.value(QStringLiteral("candidatesTokenCount")).toInteger(), sim::completionTokens(Provider::Gemini, text));
            QCOMPARE(um.value(QStringLiteral("totalTokenCount")).toInteger(),
                     prompt + um.value(QStringLiteral("candidatesTokenCount")).toInteger());
            QCOMPARE(um.value(QStringLiteral("promptTokensDetails")).toArray().first().toObject().value(QStringLiteral("tokenCount")).toInteger(),
                     prompt);
            QCOMPARE(o.value(QStringLiteral("modelVersion")).toString(), QStringLiteral("gemini-2.5-flash"));
            QVERIFY(!o.value(QStringLiteral("responseId")).toString().isEmpty());
            for (auto it = r.headers.cbegin(); it != r.headers.cend(); ++it)
                QVERIFY2(!it.key().contains("ratelimit"), it.key().constData());   // Gemini sends none
        }
        const Http c = send(s->baseUrl(), QStringLiteral("/v1beta/models/gemini-2.5-flash:countTokens"), geminiBody(user),
                            geminiAuth(QStringLiteral("sim-gemini")));
        QCOMPARE(c.status, 200);
        QCOMPARE(c.json().value(QStringLiteral("totalTokens")).toInteger(), prompt);
        // TPM counts input only.
        QCOMPARE(s->stats().keys.value(QStringLiteral("sim-gemini")).tokensCharged, 2 * prompt);
    }

    void unknownKeysAndBadJson()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("sim-openai-1"), QStringLiteral("openai")), key(QStringLiteral("sim-anthropic"), QStringLiteral("anthropic")),
                    key(QStringLiteral("sim-gemini"), QStringLiteral("gemini")), key(QStringLiteral("sim-mistral"), QStringLiteral("mistral"))};
        auto s = startSim(cfg);
        const QString base = s->baseUrl();
        const QString user = defaultUser();

        Http r = send(base, QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), user), bearer(QStringLiteral("sk-wrong-123456")));
        QCOMPARE(r.status, 401);
        QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(e.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_api_key"));
        QCOMPARE(e.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        QVERIFY(e.contains(QStringLiteral("param")));
        QVERIFY(!r.body.contains("123456"));   // the key is never echoed

        // A key of another provider is unknown on this path.
        r = send(base, QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), user), bearer(QStringLiteral("sim-anthropic")));
        QCOMPARE(r.status, 401);

        r = send(base, QStringLiteral("/v1/messages"), anthropicBody(QStringLiteral("claude"), user), anthropicAuth(QStringLiteral("nope")));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.json().value(QStringLiteral("type")).toString(), QStringLiteral("error"));
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("authentication_error"));
        QVERIFY(r.json().value(QStringLiteral("request_id")).toString().startsWith(QStringLiteral("req_")));

        r = send(base, QStringLiteral("/v1beta/models/gemini-2.5-flash:generateContent"), geminiBody(user), geminiAuth(QStringLiteral("nope")));
        QCOMPARE(r.status, 400);
        e = r.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(e.value(QStringLiteral("status")).toString(), QStringLiteral("INVALID_ARGUMENT"));
        QCOMPARE(e.value(QStringLiteral("details")).toArray().first().toObject().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("API_KEY_INVALID"));

        // Bad JSON -> 400 in each format.
        r = send(base, QStringLiteral("/v1/chat/completions"), "{not json", bearer(QStringLiteral("sim-openai-1")));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        r = send(base, QStringLiteral("/v1/chat/completions"), "{not json", bearer(QStringLiteral("sim-mistral")));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("object")).toString(), QStringLiteral("error"));
        r = send(base, QStringLiteral("/v1/messages"), "{not json", anthropicAuth(QStringLiteral("sim-anthropic")));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        r = send(base, QStringLiteral("/v1beta/models/g:generateContent"), "{not json", geminiAuth(QStringLiteral("sim-gemini")));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("INVALID_ARGUMENT"));
        // Anthropic requires max_tokens.
        r = send(base, QStringLiteral("/v1/messages"), chatBody(QStringLiteral("claude"), user, 0), anthropicAuth(QStringLiteral("sim-anthropic")));
        QCOMPARE(r.status, 400);

        const SimStats st = s->stats();
        QCOMPARE(st.authErrors, 4);
        QCOMPARE(st.badRequests, 5);
        QCOMPARE(st.ok, 0);
    }

    void acceptAnyKeyWhenUnconfigured()
    {
        auto s = startSim(SimConfig{});
        const Http r = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), defaultUser()),
                            bearer(QStringLiteral("sk-real-looking-key")));
        QCOMPARE(r.status, 200);
        QVERIFY(!r.headers.contains("x-ratelimit-limit-requests"));   // unlimited: nothing to report
        const SimStats st = s->stats();
        QCOMPARE(st.keys.size(), 1);
        QCOMPARE(st.keys.firstKey(), QStringLiteral("unknown:openai"));   // the key itself never appears
    }

    // --- sliding windows -----------------------------------------------------------------------

    void rpmWindow_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::newRow("openai") << QStringLiteral("openai");
        QTest::newRow("mistral") << QStringLiteral("mistral");
        QTest::newRow("anthropic") << QStringLiteral("anthropic");
        QTest::newRow("gemini") << QStringLiteral("gemini");
    }
    void rpmWindow()
    {
        QFETCH(QString, provider);
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("k"), provider, 3)};
        auto s = startSim(cfg);
        const QString user = defaultUser();
        auto call = [&] {
            if (provider == u"anthropic")
                return send(s->baseUrl(), QStringLiteral("/v1/messages"), anthropicBody(QStringLiteral("claude-sonnet-4-20250514"), user),
                            anthropicAuth(QStringLiteral("k")));
            if (provider == u"gemini")
                return send(s->baseUrl(), QStringLiteral("/v1beta/models/gemini-2.5-flash:generateContent"), geminiBody(user),
                            geminiAuth(QStringLiteral("k")));
            return send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("m"), user), bearer(QStringLiteral("k")));
        };
        QElapsedTimer sinceFirst;
        sinceFirst.start();
        for (int i = 0; i < 3; ++i)
            QCOMPARE(call().status, 200);
        const Http r = call();
        const qint64 elapsed = sinceFirst.elapsed();
        QCOMPARE(r.status, 429);
        // The exact hint: the first request leaves the 60 s window (60 s after it was received).
        const qint64 lo = 60'000 - elapsed - 5, hi = 60'000;
        qint64 hintMs = -1;
        if (provider == u"openai") {
            const QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
            QCOMPARE(e.value(QStringLiteral("type")).toString(), QStringLiteral("requests"));
            QCOMPARE(e.value(QStringLiteral("code")).toString(), QStringLiteral("rate_limit_exceeded"));
            static const QRegularExpression re(QStringLiteral("Please try again in ([0-9.hms]+)\\."));
            const auto m = re.match(e.value(QStringLiteral("message")).toString());
            QVERIFY2(m.hasMatch(), qPrintable(e.value(QStringLiteral("message")).toString()));
            QVERIFY(e.value(QStringLiteral("message")).toString().contains(QStringLiteral("(RPM): Limit 3, Used 3, Requested 1.")));
            hintMs = parseGoDuration(m.captured(1));
            QCOMPARE(r.h("x-ratelimit-remaining-requests"), QByteArray("0"));
            QCOMPARE(parseGoDuration(QString::fromLatin1(r.h("x-ratelimit-reset-requests"))), hintMs);
        } else if (provider == u"anthropic") {
            const QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
            QCOMPARE(e.value(QStringLiteral("type")).toString(), QStringLiteral("rate_limit_error"));
            QVERIFY(e.value(QStringLiteral("message")).toString().contains(QStringLiteral("of 3 requests per minute")));
            QCOMPARE(r.h("anthropic-ratelimit-requests-remaining"), QByteArray("0"));
            hintMs = r.h("retry-after").toLongLong() * 1000;
            QVERIFY(hintMs >= lo && hintMs < hi + 1000);   // whole seconds, rounded up
            hintMs = -1;
        } else if (provider == u"gemini") {
            const QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
            QCOMPARE(e.value(QStringLiteral("code")).toInt(), 429);
            QCOMPARE(e.value(QStringLiteral("status")).toString(), QStringLiteral("RESOURCE_EXHAUSTED"));
            QString delay;
            bool quotaFailure = false;
            for (const QJsonValue &d : e.value(QStringLiteral("details")).toArray()) {
                const QJsonObject o = d.toObject();
                if (o.value(QStringLiteral("@type")).toString().endsWith(QStringLiteral("RetryInfo")))
                    delay = o.value(QStringLiteral("retryDelay")).toString();
                if (o.value(QStringLiteral("@type")).toString().endsWith(QStringLiteral("QuotaFailure")))
                    quotaFailure = o.value(QStringLiteral("violations")).toArray().first().toObject().value(QStringLiteral("quotaValue")).toString() == u"3";
            }
            QVERIFY(quotaFailure);
            QVERIFY(e.value(QStringLiteral("message")).toString().contains(QStringLiteral("Please retry in ") + delay + u'.'));
            QVERIFY(delay.endsWith(u's'));
            hintMs = qint64(std::llround(delay.chopped(1).toDouble() * 1000));
            QVERIFY(hintMs >= lo && hintMs < hi + 10);
            hintMs = -1;
        } else {
            QCOMPARE(r.h("x-ratelimit-remaining-req-minute"), QByteArray("0"));
            const qint64 retry = r.h("retry-after").toLongLong() * 1000;
            QVERIFY(retry >= lo && retry < hi + 1000);
        }
        if (hintMs >= 0)
            QVERIFY2(hintMs >= lo && hintMs <= hi, qPrintable(QStringLiteral("%1 not in [%2, %3]").arg(hintMs).arg(lo).arg(hi)));
        const SimStats st = s->stats();
        QCOMPARE(st.keys.value(QStringLiteral("k")).rateLimited, 1);
        QCOMPARE(st.keys.value(QStringLiteral("k")).ok, 3);
        QCOMPARE(st.rateLimited, 1);
    }

    void windowSlides()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.windowMs = 800;   // tests only: a short window so it can be waited out
        cfg.keys = {key(QStringLiteral("k"), QStringLiteral("openai"), 2)};
        auto s = startSim(cfg);
        auto call = [&] {
            return send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), QStringLiteral("hi")),
                        bearer(QStringLiteral("k")));
        };
        QCOMPARE(call().status, 200);
        QTest::qWait(300);
        QCOMPARE(call().status, 200);
        const Http r = call();
        QCOMPARE(r.status, 429);
        static const QRegularExpression re(QStringLiteral("Please try again in ([0-9.hms]+)\\."));
        const qint64 hint = parseGoDuration(re.match(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString()).captured(1));
        QVERIFY2(hint > 0 && hint <= 500, qPrintable(QString::number(hint)));   // the first request leaves first
        QTest::qWait(int(hint) + 5);
        QCOMPARE(call().status, 200);   // honouring the hint is enough
        QCOMPARE(call().status, 429);   // but only one slot has freed: the second request is still inside
    }

    void openAiTokensChargedAtAdmission()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("k"), QStringLiteral("openai"), 100, 1000)};
        auto s = startSim(cfg);
        const QString user = QStringLiteral("Say hello.");   // no schema: a short plain reply
        const qint64 charge = (kSystem.size() + user.size() + 3) / 4 + 400;
        auto call = [&](int maxTokens) {
            return send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), user, maxTokens), bearer(QStringLiteral("k")));
        };
        Http r = call(400);
        QCOMPARE(r.status, 200);
        QVERIFY(r.json().value(QStringLiteral("usage")).toObject().value(QStringLiteral("completion_tokens")).toInt() < 50);
        QCOMPARE(r.h("x-ratelimit-remaining-tokens").toLongLong(), 1000 - charge);   // max_tokens counted, not refunded
        QCOMPARE(call(400).status, 200);
        r = call(400);
        QCOMPARE(r.status, 429);
        const QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(e.value(QStringLiteral("type")).toString(), QStringLiteral("tokens"));
        QVERIFY2(e.value(QStringLiteral("message")).toString().contains(QStringLiteral("(TPM): Limit 1000, Used %1, Requested %2.").arg(2 * charge).arg(charge)),
                 qPrintable(e.value(QStringLiteral("message")).toString()));
        QVERIFY(r.headers.contains("retry-after"));
        // Larger than the whole limit: "Request too large", no retry hint.
        r = call(2000);
        QCOMPARE(r.status, 429);
        QVERIFY(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().startsWith(QStringLiteral("Request too large")));
        QVERIFY(!r.headers.contains("retry-after"));
        // No max_tokens: 4096 reserved.
        SimConfig cfg2 = cfg;
        cfg2.keys = {key(QStringLiteral("k"), QStringLiteral("openai"), 100, 4096 + 10)};
        auto s2 = startSim(cfg2);
        r = send(s2->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), user, 0), bearer(QStringLiteral("k")));
        QCOMPARE(r.status, 429);   // ceil(chars/4) + 4096 > limit
    }

    void anthropicOutputTokens()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        const QString user = defaultUser();
        const qint64 input = sim::promptTokens(Provider::Anthropic, {kSystem, user});
        cfg.keys = {key(QStringLiteral("k"), QStringLiteral("anthropic"), 100, 0, 10 * input, 20)};
        auto s = startSim(cfg);
        auto call = [&] {
            return send(s->baseUrl(), QStringLiteral("/v1/messages"), anthropicBody(QStringLiteral("claude-3-5-haiku-20241022"), user, 4000),
                        anthropicAuth(QStringLiteral("k")));
        };
        Http r = call();   // admitted: OTPM used 0 < 20 (max_tokens 4000 does not count)
        QCOMPARE(r.status, 200);
        const qint64 output = r.json().value(QStringLiteral("usage")).toObject().value(QStringLiteral("output_tokens")).toInteger();
        QVERIFY(output > 20);
        r = call();   // OTPM used > limit now
        QCOMPARE(r.status, 429);
        QVERIFY(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("20 output tokens")));
        QCOMPARE(r.h("anthropic-ratelimit-output-tokens-remaining"), QByteArray("0"));
        QCOMPARE(s->stats().keys.value(QStringLiteral("k")).tokensCharged, input + output);
    }

    void geminiInputTokens()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        const QString user = defaultUser();
        const qint64 prompt = sim::promptTokens(Provider::Gemini, {kSystem, user});
        cfg.keys = {key(QStringLiteral("k"), QStringLiteral("gemini"), 100, 2 * prompt + 1)};
        auto s = startSim(cfg);
        auto call = [&] {
            return send(s->baseUrl(), QStringLiteral("/v1beta/models/gemini-2.5-flash:generateContent"), geminiBody(user, 8000), geminiAuth(QStringLiteral("k")));
        };
        QCOMPARE(call().status, 200);   // maxOutputTokens does not count
        QCOMPARE(call().status, 200);
        const Http r = call();
        QCOMPARE(r.status, 429);
        const QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
        QVERIFY(e.value(QStringLiteral("message")).toString().contains(QStringLiteral("input_token_count")));
    }

    void poolsShareOneWindow()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("a1"), QStringLiteral("openai"), 2, 0, 0, 0, QStringLiteral("org-a")),
                    key(QStringLiteral("a2"), QStringLiteral("openai"), 2, 0, 0, 0, QStringLiteral("org-a")),
                    key(QStringLiteral("b"), QStringLiteral("openai"), 2)};
        auto s = startSim(cfg);
        auto call = [&](const char *k) {
            return send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), QStringLiteral("x")),
                        bearer(QLatin1String(k)));
        };
        QCOMPARE(call("a1").status, 200);
        QCOMPARE(call("a2").status, 200);
        QCOMPARE(call("a1").status, 429);
        QCOMPARE(call("a2").status, 429);
        QCOMPARE(call("b").status, 200);
        QCOMPARE(call("b").status, 200);
        QCOMPARE(call("b").status, 429);
        const SimStats st = s->stats();
        QCOMPARE(st.keys.value(QStringLiteral("a1")).rateLimited, 1);
        QCOMPARE(st.keys.value(QStringLiteral("a2")).rateLimited, 1);
        QCOMPARE(st.rateLimited, 3);
    }

    // --- faults --------------------------------------------------------------------------------

    void faults_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<int>("status");
        QTest::newRow("500 openai") << QStringLiteral("http500") << QStringLiteral("openai") << 500;
        QTest::newRow("500 anthropic") << QStringLiteral("http500") << QStringLiteral("anthropic") << 500;
        QTest::newRow("overloaded openai") << QStringLiteral("overloaded") << QStringLiteral("openai") << 503;
        QTest::newRow("overloaded mistral") << QStringLiteral("overloaded") << QStringLiteral("mistral") << 503;
        QTest::newRow("overloaded anthropic") << QStringLiteral("overloaded") << QStringLiteral("anthropic") << 529;
        QTest::newRow("overloaded gemini") << QStringLiteral("overloaded") << QStringLiteral("gemini") << 503;
        QTest::newRow("reset") << QStringLiteral("reset") << QStringLiteral("openai") << 0;
        QTest::newRow("hang") << QStringLiteral("hang") << QStringLiteral("openai") << 0;
        QTest::newRow("malformed") << QStringLiteral("malformed") << QStringLiteral("anthropic") << 200;
        QTest::newRow("invalid_json") << QStringLiteral("invalid_json") << QStringLiteral("openai") << 200;
        QTest::newRow("invalid_json gemini") << QStringLiteral("invalid_json") << QStringLiteral("gemini") << 200;
    }
    void faults()
    {
        QFETCH(QString, fault);
        QFETCH(QString, provider);
        QFETCH(int, status);
        // Connection-level faults get a generous rpm: QNAM may resend a request whose connection dropped.
        const int rpm = status == 0 ? 100 : 2;
        const Result<SimConfig> parsed = parseSimConfig(QStringLiteral("keys: {k: {provider: %1, rpm: %3}}\nfaults: {%2: 1.0}\n")
                                                            .arg(provider, fault).arg(rpm).toUtf8(),
                                                        QStringLiteral("inline.yaml"));
        QVERIFY(parsed);
        auto s = startSim(*parsed);
        const QString user = defaultUser();
        auto call = [&](int timeoutMs) {
            if (provider == u"anthropic")
                return send(s->baseUrl(), QStringLiteral("/v1/messages"), anthropicBody(QStringLiteral("claude"), user), anthropicAuth(QStringLiteral("k")), timeoutMs);
            if (provider == u"gemini")
                return send(s->baseUrl(), QStringLiteral("/v1beta/models/gemini-2.5-flash:generateContent"), geminiBody(user), geminiAuth(QStringLiteral("k")), timeoutMs);
            return send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), user), bearer(QStringLiteral("k")), timeoutMs);
        };
        const Http r = call(fault == u"hang" ? 300 : 10'000);
        QCOMPARE(r.status, status);
        const SimStats st = s->stats();
        if (fault == u"http500") {
            QCOMPARE(st.http500, 1);
            if (provider == u"openai")
                QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("server_error"));
            else
                QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("api_error"));
        } else if (fault == u"overloaded") {
            QCOMPARE(st.overloaded, 1);
            if (provider == u"anthropic")
                QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("overloaded_error"));
            if (provider == u"gemini")
                QCOMPARE(r.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("UNAVAILABLE"));
            if (provider == u"mistral")
                QCOMPARE(r.json().value(QStringLiteral("object")).toString(), QStringLiteral("error"));
        } else if (fault == u"reset") {
            QCOMPARE(r.error, QNetworkReply::RemoteHostClosedError);
            QVERIFY(st.resets >= 1);
        } else if (fault == u"hang") {
            // Held until the client gave up (its transfer timeout), then released. Whether the
            // server has noticed the abort by the time stats() is read depends on the machine's load.
            QCOMPARE(r.error, QNetworkReply::OperationCanceledError);
            QCOMPARE(st.hangs, 1);
            QVERIFY(QTest::qWaitFor([&] { return s->stats().inFlight == 0; }, 5000));
        } else if (fault == u"malformed") {
            QJsonParseError err{};
            QJsonDocument::fromJson(r.body, &err);
            QVERIFY(err.error != QJsonParseError::NoError);
            QCOMPARE(st.malformed, 1);
        } else if (fault == u"invalid_json") {
            QVERIFY(!r.json().isEmpty());   // well-formed API JSON...
            QString content = provider == u"gemini"
                                  ? r.json().value(QStringLiteral("candidates")).toArray().first().toObject().value(QStringLiteral("content")).toObject()
                                        .value(QStringLiteral("parts")).toArray().first().toObject().value(QStringLiteral("text")).toString()
                                  : r.json().value(QStringLiteral("choices")).toArray().first().toObject().value(QStringLiteral("message")).toObject()
                                        .value(QStringLiteral("content")).toString();
            QVERIFY(!content.isEmpty());
            QVERIFY(QJsonDocument::fromJson(content.toUtf8()).isNull());   // ...whose content is not the schema's JSON
            QCOMPARE(st.invalidJson, 1);
        }
        QCOMPARE(st.ok, 0);
        // Faulted requests still count against RPM: the second is admitted, the third is a 429.
        if (status != 0) {
            call(10'000);
            const Http third = call(10'000);
            QCOMPARE(third.status, 429);
        }
    }

    // --- replies -------------------------------------------------------------------------------

    void deterministicScores()
    {
        const QStringList ids{QStringLiteral("t1"), QStringLiteral("t2"), QStringLiteral("t3")};
        const QStringList texts{QStringLiteral("Liberty and justice for all who toil in the fields of this great land."),
                                QStringLiteral("The nation mourns its heroes and honours their sacrifice."),
                                QStringLiteral("We will rebuild the roads, the schools and the hospitals.")};
        const QString user = scoringPrompt(ids, texts);
        SimConfig cfg;
        cfg.seed = 7;
        QString first;
        for (int run = 0; run < 2; ++run) {
            auto s = startSim(cfg);
            const Http r = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), user, 2000),
                                bearer(QStringLiteral("any")));
            QCOMPARE(r.status, 200);
            const QString content = r.json().value(QStringLiteral("choices")).toArray().first().toObject().value(QStringLiteral("message"))
                                        .toObject().value(QStringLiteral("content")).toString();
            if (run == 0)
                first = content;
            else
                QCOMPARE(content, first);
        }
        const QJsonArray arr = QJsonDocument::fromJson(first.toUtf8()).array();
        QCOMPARE(arr.size(), 3);
        const QList<std::tuple<QString, double, double>> dims{{QStringLiteral("care"), 0.0, 1.0}, {QStringLiteral("fairness"), -2.0, 2.0},
                                                              {QStringLiteral("loyalty"), 1.0, 7.0}};
        for (int i = 0; i < 3; ++i) {
            const QJsonObject o = arr[i].toObject();
            QCOMPARE(o.value(QStringLiteral("text_id")).toString(), ids[i]);
            for (const auto &[id, min, max] : dims) {
                const QJsonObject d = o.value(id).toObject();
                const double score = d.value(QStringLiteral("score")).toDouble(-99);
                QVERIFY2(score >= min && score <= max, qPrintable(QStringLiteral("%1 %2").arg(id).arg(score)));
                QCOMPARE(std::round(score * 100) / 100, score);
                QCOMPARE(score, sim::simScore(7, QStringLiteral("gpt-4o"), ids[i], id, min, max));
                // Evidence quotes this text's own words.
                const QString ev = d.value(QStringLiteral("evidence")).toString();
                static const QRegularExpression quote(QStringLiteral("\"(.+)\""));
                const QString quoted = quote.match(ev).captured(1);
                QVERIFY2(!quoted.isEmpty() && texts[i].contains(quoted), qPrintable(ev));
            }
        }
        // Another seed gives other scores; many (seed, text, dimension) draws cover the range.
        int differ = 0;
        double lo = 1, hi = 0;
        for (int t = 0; t < 200; ++t) {
            const double a = sim::simScore(7, QStringLiteral("m"), QString::number(t), QStringLiteral("care"), 0, 1);
            differ += a != sim::simScore(8, QStringLiteral("m"), QString::number(t), QStringLiteral("care"), 0, 1);
            lo = std::min(lo, a);
            hi = std::max(hi, a);
        }
        QVERIFY(differ > 150);
        QVERIFY(lo < 0.1 && hi > 0.9);
    }

    void truncatesAtMaxTokens()
    {
        auto s = startSim(SimConfig{});
        Http r = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), defaultUser(), 5), bearer(QStringLiteral("x")));
        QCOMPARE(r.status, 200);
        QJsonObject choice = r.json().value(QStringLiteral("choices")).toArray().first().toObject();
        QCOMPARE(choice.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("length"));
        QVERIFY(r.json().value(QStringLiteral("usage")).toObject().value(QStringLiteral("completion_tokens")).toInt() <= 5);
        r = send(s->baseUrl(), QStringLiteral("/v1/messages"), anthropicBody(QStringLiteral("claude"), defaultUser(), 5), anthropicAuth(QStringLiteral("x")));
        QCOMPARE(r.json().value(QStringLiteral("stop_reason")).toString(), QStringLiteral("max_tokens"));
        QVERIFY(r.json().value(QStringLiteral("usage")).toObject().value(QStringLiteral("output_tokens")).toInt() <= 5);
        r = send(s->baseUrl(), QStringLiteral("/v1beta/models/g:generateContent"), geminiBody(defaultUser(), 5), geminiAuth(QStringLiteral("x")));
        QCOMPARE(r.json().value(QStringLiteral("candidates")).toArray().first().toObject().value(QStringLiteral("finishReason")).toString(),
                 QStringLiteral("MAX_TOKENS"));
    }

    void plainReplyWithoutSchema()
    {
        auto s = startSim(SimConfig{});
        const Http r = send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), QStringLiteral("Hello?")), bearer(QStringLiteral("x")));
        const QString content = r.json().value(QStringLiteral("choices")).toArray().first().toObject().value(QStringLiteral("message")).toObject()
                                    .value(QStringLiteral("content")).toString();
        QVERIFY(!content.isEmpty());
        QVERIFY(QJsonDocument::fromJson(content.toUtf8()).isNull());
    }

    // --- server behaviour ----------------------------------------------------------------------

    void statsEndpointAndKeepAlive()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        cfg.keys = {key(QStringLiteral("k"), QStringLiteral("openai"), 20)};
        auto s = startSim(cfg);
        for (int i = 0; i < 25; ++i)
            send(s->baseUrl(), QStringLiteral("/v1/chat/completions"), chatBody(QStringLiteral("gpt-4o"), QStringLiteral("hi")), bearer(QStringLiteral("k")));
        const Http r = send(s->baseUrl(), QStringLiteral("/sim/stats"), {}, {}, 10'000, "GET");
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.json();
        QCOMPARE(o.value(QStringLiteral("requests")).toInt(), 25);
        QCOMPARE(o.value(QStringLiteral("ok")).toInt(), 20);
        QCOMPARE(o.value(QStringLiteral("http_429")).toInt(), 5);
        QCOMPARE(o.value(QStringLiteral("keys")).toObject().value(QStringLiteral("k")).toObject().value(QStringLiteral("http_429")).toInt(), 5);
        QCOMPARE(o.value(QStringLiteral("in_flight")).toInt(), 0);   // the stats request itself is not an API call
        QVERIFY(o.contains(QStringLiteral("max_in_flight")));
        QCOMPARE(s->stats().connections, 1);   // sequential requests reuse one keep-alive connection
    }

    void latencyAndConcurrency()
    {
        SimConfig cfg;
        cfg.latencyMs = 150;
        auto s = startSim(cfg);
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 4; ++i) {
            QNetworkRequest req(QUrl(s->baseUrl() + QStringLiteral("/v1/chat/completions")));
            req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            req.setRawHeader("Authorization", "Bearer x");
            replies.append(m_nam.post(req, chatBody(QStringLiteral("gpt-4o"), QStringLiteral("hi"))));
        }
        for (QNetworkReply *r : replies) {
            if (!r->isFinished())
                QVERIFY(QTest::qWaitFor([r] { return r->isFinished(); }, 10'000));
            QCOMPARE(r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            r->deleteLater();
        }
        const SimStats st = s->stats();
        QVERIFY2(st.maxInFlight >= 2, qPrintable(QString::number(st.maxInFlight)));   // replies were held concurrently
        QCOMPARE(st.inFlight, 0);
        QCOMPARE(st.ok, 4);
    }

    void rawHttp()
    {
        auto s = startSim(SimConfig{});
        QTcpSocket sock;
        sock.connectToHost(QHostAddress::LocalHost, s->port());
        QVERIFY(sock.waitForConnected(5000));
        const QByteArray body = chatBody(QStringLiteral("gpt-4o"), QStringLiteral("hi"));
        const QByteArray one = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Length: "
                               + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        // Two pipelined requests in one write, the second asking to close: both answered in order, then EOF.
        sock.write(one + QByteArray(one).replace("Host: x\r\n", "Host: x\r\nConnection: close\r\n"));
        QByteArray got;
        while (sock.state() == QAbstractSocket::ConnectedState && sock.waitForReadyRead(5000))
            got += sock.readAll();
        got += sock.readAll();
        QCOMPARE(got.count("HTTP/1.1 200 OK\r\n"), 2);
        QVERIFY(got.contains("connection: close\r\n"));
        QCOMPARE(sock.state(), QAbstractSocket::UnconnectedState);

        // A malformed request line gets a 400 and the connection closes.
        QTcpSocket bad;
        bad.connectToHost(QHostAddress::LocalHost, s->port());
        QVERIFY(bad.waitForConnected(5000));
        bad.write("NONSENSE\r\n\r\n");
        QVERIFY(bad.waitForReadyRead(5000));
        QVERIFY(bad.readAll().startsWith("HTTP/1.1 400 "));
        QCOMPARE(s->stats().ok, 2);
    }
};

QTEST_GUILESS_MAIN(tst_Simulator)
#include "tst_simulator.moc"
