// Runs through Azure OpenAI, Vertex AI (service-account OAuth, token refreshed mid-run) and an
// OpenAI-compatible prefix (groq) on the provider simulator, with every call traced as an OTLP
// span to a loopback receiver — and a receiver that is down never fails or slows the run.
#include "core/providers/vertexauth.h"
#include "core/session/experimentrunner.h"
#include "core/sim/providersimulator.h"
#include "tests/support/testserviceaccount.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlDatabase>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

/// A minimal OTLP/HTTP receiver: keeps every POST body sent to /v1/traces and answers 200 with
/// `reply` (an Anthropic Messages answer too, where a test needs usage the simulator never reports).
class TraceReceiver final : public QObject {
public:
    TraceReceiver()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection())
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    QList<QByteArray> bodies;
    QList<QByteArray> paths;
    QByteArray reply = "{}";

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        for (;;) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = buf.left(end);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n'))
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            if (buf.size() < end + 4 + length)
                return;
            paths << head.split(' ').value(1);
            bodies << buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(reply.size())
                     + "\r\n\r\n" + reply);
        }
    }
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

struct Project {
    QString config, experiment, db;
};

Project writeProject(const QTemporaryDir &dir, const QString &simBase, const QString &credentialsPath, int texts,
                     const QString &litellmSettings)
{
    const QString ml = QStringLiteral(
        "model_list:\n"
        "  - model_name: az\n"
        "    litellm_params: {model: azure/gpt-4o-deploy, api_key: az-key-1, api_base: %1, api_version: \"2024-10-21\","
        " max_parallel_requests: 1}\n"
        "  - model_name: vx\n"
        "    litellm_params: {model: vertex_ai/gemini-2.5-flash, api_base: %1, vertex_project: test-project,"
        " vertex_location: europe-west4, vertex_credentials: %2, max_parallel_requests: 1}\n"
        "  - model_name: gq\n"
        "    litellm_params: {model: groq/llama-3.3-70b-versatile, api_key: gq-key-1, api_base: %1/openai/v1,"
        " max_parallel_requests: 1}\n"
        "litellm_settings:\n%3")
        .arg(simBase, credentialsPath, litellmSettings);
    QDir(dir.path()).mkpath(QStringLiteral("corpus"));
    for (int i = 0; i < texts; ++i) {
        QFile f(dir.filePath(QStringLiteral("corpus/t%1.txt").arg(i, 2, 10, QLatin1Char('0'))));
        f.open(QIODevice::WriteOnly);
        f.write(QByteArray("A short text about liberty and care, number ") + QByteArray::number(i) + '.');
    }
    QFile fw(dir.filePath(QStringLiteral("mft.yaml")));
    fw.open(QIODevice::WriteOnly);
    fw.write("framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n  dimensions:\n"
             "    - {id: care, name: Care, description: c, min: 0, max: 1}\n");
    fw.close();
    QString ex = QStringLiteral("experiment: {name: t, description: test}\ncorpus:\n  - {id: c, path: corpus/}\n"
                                "frameworks:\n  - {id: mft, path: mft.yaml}\nexecution:\n  max_tokens: 200\n  matrix:\n");
    for (const char *g : {"az", "vx", "gq"})
        ex += QStringLiteral("    - {run_id: r-%1, model: %1, framework: mft, corpus_subset: c}\n").arg(QLatin1String(g));
    for (const auto &[name, text] : {std::pair{QStringLiteral("experiment.yaml"), ex.toUtf8()},
                                     std::pair{QStringLiteral("litellm_config.yaml"), ml.toUtf8()}}) {
        QFile f(dir.filePath(name));
        f.open(QIODevice::WriteOnly);
        f.write(text);
    }
    return {dir.filePath(QStringLiteral("litellm_config.yaml")), dir.filePath(QStringLiteral("experiment.yaml")),
            dir.filePath(QStringLiteral("results.db"))};
}

RunSummary run(const Project &p, int timeoutMs = 60000)
{
    RunOptions o;
    o.configPath = p.config;
    o.experimentPath = p.experiment;
    o.dbPath = p.db;
    ExperimentRunner runner(o);
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    runner.start();
    if (!done.wait(timeoutMs))
        return {};
    return done.first().first().value<RunSummary>();
}

QString attribute(const QJsonObject &span, const QString &key)
{
    for (const QJsonValue a : span.value(u"attributes"_qs).toArray()) {
        if (a[u"key"_qs].toString() == key) {
            const QJsonObject v = a[u"value"_qs].toObject();
            return v.contains(u"stringValue"_qs) ? v.value(u"stringValue"_qs).toString()
                   : v.contains(u"intValue"_qs)  ? v.value(u"intValue"_qs).toString()
                                                 : QString::number(v.value(u"doubleValue"_qs).toDouble());
        }
    }
    return {};
}

struct Fixture {
    test::TestServiceAccount sa = test::makeTestServiceAccount();
    std::unique_ptr<ProviderSimulator> sim;
    QTemporaryDir dir;
    QString credentials;

    explicit Fixture(qint64 tokenLifetimeS)
    {
        SimConfig c;
        c.latencyMs = 250;
        c.tokenLifetimeS = tokenLifetimeS;
        c.serviceAccounts = {{sa.clientEmail, sa.publicKeyPem}};
        c.keys = {SimKey{u"az-key-1"_qs, u"azure"_qs, 600, 1'000'000, 0, 0, {}},
                  SimKey{u"gq-key-1"_qs, u"openai"_qs, 600, 1'000'000, 0, 0, {}},
                  SimKey{sa.clientEmail, u"vertex_ai"_qs, 600, 1'000'000, 0, 0, {}}};
        c.acceptAnyKey = false;
        sim = std::make_unique<ProviderSimulator>(c);
        if (!sim->start())
            return;
        credentials = dir.filePath(u"service-account.json"_qs);
        QFile f(credentials);
        f.open(QIODevice::WriteOnly);
        f.write(sa.credentialsJson(sim->baseUrl() + u"/token"_qs));
    }
};

bool replaceInFile(const QString &path, const QList<std::pair<QByteArray, QByteArray>> &edits)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QByteArray text = f.readAll();
    f.close();
    for (const auto &[from, to] : edits) {
        if (!text.contains(from))
            return false;
        text.replace(from, to);
    }
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

/// A corpus text of `n` numbered sentences (about 12 tokens each).
bool writeSentences(const QString &path, int n)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QByteArray body;
    for (int i = 0; i < n; ++i)
        body += "Liberty and care are weighed in sentence number " + QByteArray::number(i) + ".\n";
    return f.write(body) == body.size();
}

/// A price from the sheet, in hundredths of a US dollar per million tokens (= micro-USD per
/// 100 tokens), so the hand computation stays in integers.
struct SheetPrice {
    const char *group;
    qint64 inputCents, outputCents;   // $/M x 100
};

/// The hand computation: tokens x $/M, rounded to the nearest micro-USD (half up).
qint64 handMicros(qint64 promptTokens, qint64 inputCents, qint64 completionTokens, qint64 outputCents)
{
    return (promptTokens * inputCents + completionTokens * outputCents + 50) / 100;
}

struct BookedCall {
    QString group;
    qint64 prompt = 0, completion = 0, cached = 0, written = 0, costMicros = 0;
};

QList<BookedCall> bookedCalls(const QString &db)
{
    QList<BookedCall> out;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("booked"));
        c.setDatabaseName(db);
        if (c.open()) {
            QSqlQuery q(c);
            q.exec(QStringLiteral("SELECT model_group, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens,"
                                  " cost_micros FROM calls ORDER BY model_group, rowid"));
            while (q.next())
                out.append({q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toLongLong(),
                            q.value(3).toLongLong(), q.value(4).toLongLong(), q.value(5).toLongLong()});
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("booked"));
    return out;
}

/// Every booked call of the groups in `sheet` costs what the sheet says, computed by hand; one
/// line per call for the record. Returns the number of calls checked.
int checkAgainstSheet(const QString &db, const QList<SheetPrice> &sheet, const char *label)
{
    int checked = 0;
    for (const BookedCall &c : bookedCalls(db)) {
        for (const SheetPrice &p : sheet) {
            if (c.group != QLatin1String(p.group))
                continue;
            const qint64 hand = handMicros(c.prompt, p.inputCents, c.completion, p.outputCents);
            qInfo("%s | %s | prompt %lld @ $%.2f/M | completion %lld @ $%.2f/M | hand $%.6f | booked $%.6f", label,
                  p.group, c.prompt, p.inputCents / 100.0, c.completion, p.outputCents / 100.0, hand / 1e6,
                  c.costMicros / 1e6);
            if (c.cached != 0 || c.written != 0 || hand != c.costMicros || hand == 0)
                return -1;
            ++checked;
        }
    }
    return checked;
}

} // namespace

class TstRunProviders final : public QObject {
    Q_OBJECT
private slots:
    void azureVertexAndGroqTracedWithATokenRefreshMidRun()
    {
        TraceReceiver receiver;
        Fixture f(2);   // tokens live 2 s: refreshed after 1 s
        QVERIFY(f.sim->isRunning());
        qputenv("OTEL_EXPORTER_OTLP_ENDPOINT", QByteArray("http://127.0.0.1:") + QByteArray::number(receiver.port()));
        qputenv("OTEL_BSP_SCHEDULE_DELAY", "200");
        const Project p = writeProject(f.dir, f.sim->baseUrl(), f.credentials, 12, u"  callbacks: [otel]\n"_qs);
        const RunSummary s = run(p);
        QCOMPARE(s.error, QString());
        QCOMPARE(s.jobs, 36);
        QCOMPARE(s.done, 36);
        QCOMPARE(s.failed, 0);

        const SimStats st = f.sim->stats();
        QCOMPARE(st.authErrors, 0);   // a stale token would have been refused
        // 12 sequential Vertex calls of 250 ms outlive several 2-second tokens.
        QVERIFY2(st.tokenRequests >= 3, qPrintable(QString::number(st.tokenRequests)));
        qInfo("run of %lld calls in %.1f s: %lld token requests (2-second tokens), cost %lld micro-USD",
              s.calls, s.wallSeconds, st.tokenRequests, s.costMicros);
        QCOMPARE(st.tokensIssued, st.tokenRequests);
        QCOMPARE(st.keys.value(u"az-key-1"_qs).ok, 12);
        QCOMPARE(st.keys.value(u"gq-key-1"_qs).ok, 12);
        QCOMPARE(st.keys.value(f.sa.clientEmail).ok, 12);

        // Every call became one span; keys and tokens never travel with them.
        QTRY_VERIFY_WITH_TIMEOUT(!receiver.bodies.isEmpty(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT([&] {
            int n = 0;
            for (const QByteArray &b : receiver.bodies)
                n += QJsonDocument::fromJson(b)[u"resourceSpans"_qs][0][u"scopeSpans"_qs][0][u"spans"_qs].toArray().size();
            return n;
        }(), int(s.calls), 5000);
        QSet<QString> systems;
        for (int i = 0; i < receiver.bodies.size(); ++i) {
            const QByteArray &b = receiver.bodies[i];
            QCOMPARE(receiver.paths[i], QByteArray("/v1/traces"));
            QVERIFY(!b.contains("az-key-1") && !b.contains("gq-key-1") && !b.contains("ya29.") && !b.contains("PRIVATE KEY"));
            QVERIFY(!b.contains("gen_ai.input.messages"));   // not opted in
            for (const QJsonValue sv : QJsonDocument::fromJson(b)[u"resourceSpans"_qs][0][u"scopeSpans"_qs][0][u"spans"_qs].toArray()) {
                const QJsonObject span = sv.toObject();
                systems << attribute(span, u"gen_ai.system"_qs);
                QCOMPARE(span.value(u"kind"_qs).toInt(), 3);
                QCOMPARE(span.value(u"traceId"_qs).toString().size(), 32);
                QCOMPARE(span.value(u"spanId"_qs).toString().size(), 16);
                QVERIFY(attribute(span, u"gen_ai.usage.input_tokens"_qs).toLongLong() > 0);
                QVERIFY(attribute(span, u"gen_ai.usage.output_tokens"_qs).toLongLong() > 0);
                QVERIFY(!attribute(span, u"gen_ai.response.id"_qs).isEmpty());
                QCOMPARE(span.value(u"status"_qs).toObject().value(u"code"_qs).toInt(), 1);
            }
        }
        QCOMPARE(systems, (QSet<QString>{u"azure.ai.openai"_qs, u"gcp.vertex_ai"_qs, u"groq"_qs}));
        qunsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
        qunsetenv("OTEL_BSP_SCHEDULE_DELAY");
    }

    void aReceiverThatIsDownNeverFailsTheRun()
    {
        quint16 deadPort = 0;
        {
            QTcpServer s;   // a port nobody listens on once it is closed
            s.listen(QHostAddress::LocalHost, 0);
            deadPort = s.serverPort();
        }
        Fixture f(3599);
        QVERIFY(f.sim->isRunning());
        qputenv("LANGFUSE_HOST", QByteArray("http://127.0.0.1:") + QByteArray::number(deadPort));
        qputenv("LANGFUSE_PUBLIC_KEY", "pk-lf-test");
        qputenv("LANGFUSE_SECRET_KEY", "sk-lf-test");
        qputenv("OTEL_BSP_SCHEDULE_DELAY", "50");
        const Project p = writeProject(f.dir, f.sim->baseUrl(), f.credentials, 4,
                                       u"  success_callback: [langfuse]\n  turn_off_message_logging: false\n"_qs);
        const RunSummary s = run(p);
        QCOMPARE(s.error, QString());
        QCOMPARE(s.done, 12);
        QCOMPARE(s.failed, 0);
        QCOMPARE(f.sim->stats().tokenRequests, 1);   // a long-lived token is fetched once
        qunsetenv("LANGFUSE_HOST");
        qunsetenv("LANGFUSE_PUBLIC_KEY");
        qunsetenv("LANGFUSE_SECRET_KEY");
        qunsetenv("OTEL_BSP_SCHEDULE_DELAY");
    }
    void aSimulatedVertexProjectGetsItsTokenFromTheSessionsPort()
    {
        // The credentials name the port the model list asks for; that port is taken, so the
        // simulator session runs on another one, and the token must come from there.
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        const QString wanted = u"http://127.0.0.1:"_qs + QString::number(taken.serverPort());
        const test::TestServiceAccount sa = test::makeTestServiceAccount();
        QTemporaryDir dir;
        const QString credentials = dir.filePath(u"service-account.json"_qs);
        QFile c(credentials);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(sa.credentialsJson(wanted + u"/token"_qs));
        c.close();
        QFile limits(dir.filePath(u"sim.yaml"_qs));
        QVERIFY(limits.open(QIODevice::WriteOnly));
        QByteArray pem;
        for (const QByteArray &line : sa.publicKeyPem.trimmed().split('\n'))
            pem += "    " + line + '\n';
        limits.write("accept_any_key: true\nservice_accounts:\n  " + sa.clientEmail.toUtf8() + ": |\n" + pem);
        limits.close();
        const QString simBlock = u"  num_retries: 0\ndiscernus:\n  simulator: {enabled: true, port: %1, limits: sim.yaml}\n"_qs
                                     .arg(taken.serverPort());
        const Project p = writeProject(dir, wanted, credentials, 2, simBlock);
        const RunSummary s = run(p, 30000);
        QCOMPARE(s.error, QString());
        QCOMPARE(s.done, 6);
        QCOMPARE(s.failed, 0);
        QVERIFY(!taken.hasPendingConnections());   // nothing was sent to the port the file names
    }

    void bookedCostsMatchThePriceSheetByHand()
    {
        Fixture f(3599);
        QVERIFY(f.sim->isRunning());
        // Azure's gpt-4o and Vertex's gemini-2.5-flash at the built-in sheet; groq at the
        // config's own LiteLLM custom pricing.
        const Project p = writeProject(f.dir, f.sim->baseUrl(), f.credentials, 3, u"  num_retries: 0\n"_qs);
        QVERIFY(replaceInFile(p.config, {{"azure/gpt-4o-deploy", "azure/gpt-4o"},
                                         {"groq/llama-3.3-70b-versatile,", "groq/llama-3.3-70b-versatile, "
                                                                           "input_cost_per_token: 5.9e-07, output_cost_per_token: 7.9e-07,"}}));
        RunSummary s = run(p);
        QCOMPARE(s.error, QString());
        QCOMPARE(s.done, 9);
        QCOMPARE(checkAgainstSheet(p.db, {{"az", 250, 1000}, {"vx", 30, 250}, {"gq", 59, 79}}, "small"), 9);

        // A prompt above 200k tokens on Gemini 2.5 Pro via Vertex: every token at the upper tier
        // ($2.50/M in, $15/M out), not the $1.25/$10 below it. Only the Vertex run.
        QTemporaryDir big;
        const Project q = writeProject(big, f.sim->baseUrl(), f.credentials, 1, u"  num_retries: 0\n"_qs);
        QVERIFY(replaceInFile(q.config, {{"vertex_ai/gemini-2.5-flash", "vertex_ai/gemini-2.5-pro"}}));
        QVERIFY(replaceInFile(q.experiment, {{"    - {run_id: r-az, model: az, framework: mft, corpus_subset: c}\n", ""},
                                             {"    - {run_id: r-gq, model: gq, framework: mft, corpus_subset: c}\n", ""}}));
        QVERIFY(writeSentences(big.filePath(u"corpus/t00.txt"_qs), 26000));
        s = run(q, 120000);
        QCOMPARE(s.error, QString());
        QCOMPARE(s.done, 1);
        const QList<BookedCall> calls = bookedCalls(q.db);
        QCOMPARE(calls.size(), 1);
        QVERIFY2(calls.first().prompt > 200000, qPrintable(QString::number(calls.first().prompt)));
        QCOMPARE(checkAgainstSheet(q.db, {{"vx", 250, 1500}}, "above 200k"), 1);
    }

    void anthropicCacheWritesBookedAtTheirOwnPrices()
    {
        // The simulator never reports cache writes; a loopback server answering as Anthropic does
        // with 1,000 5-minute and 2,000 1-hour writes stands in for it.
        TraceReceiver anthropic;
        const QJsonObject usage{{u"input_tokens"_qs, 1000}, {u"cache_read_input_tokens"_qs, 0},
                                {u"cache_creation_input_tokens"_qs, 3000},
                                {u"cache_creation"_qs, QJsonObject{{u"ephemeral_5m_input_tokens"_qs, 1000},
                                                                   {u"ephemeral_1h_input_tokens"_qs, 2000}}},
                                {u"output_tokens"_qs, 100}};
        const QJsonObject text{{u"type"_qs, u"text"_qs}, {u"text"_qs, u"{\"scores\": {\"care\": 0.5}}"_qs}};
        anthropic.reply = QJsonDocument(QJsonObject{{u"id"_qs, u"msg_1"_qs}, {u"type"_qs, u"message"_qs},
                                                    {u"role"_qs, u"assistant"_qs},
                                                    {u"model"_qs, u"claude-sonnet-4-5-20250929"_qs},
                                                    {u"content"_qs, QJsonArray{text}}, {u"stop_reason"_qs, u"end_turn"_qs},
                                                    {u"usage"_qs, usage}})
                              .toJson(QJsonDocument::Compact);
        Fixture f(3599);
        QVERIFY(f.sim->isRunning());
        const Project p = writeProject(f.dir, f.sim->baseUrl(), f.credentials, 1, u"  num_retries: 0\n"_qs);
        const QByteArray base = "http://127.0.0.1:" + QByteArray::number(anthropic.port());
        QVERIFY(replaceInFile(p.config, {{"azure/gpt-4o-deploy, api_key: az-key-1, api_base: " + f.sim->baseUrl().toUtf8()
                                              + ", api_version: \"2024-10-21\",",
                                          "anthropic/claude-sonnet-4-5, api_key: an-key-1, api_base: " + base + ","}}));
        QVERIFY(replaceInFile(p.experiment, {{"    - {run_id: r-vx, model: vx, framework: mft, corpus_subset: c}\n", ""},
                                             {"    - {run_id: r-gq, model: gq, framework: mft, corpus_subset: c}\n", ""}}));
        // A prompt long enough for the 4,000 input tokens the reply reports (usage above what a
        // request can cost is clamped).
        QVERIFY(writeSentences(f.dir.filePath(u"corpus/t00.txt"_qs), 700));
        const RunSummary s = run(p);
        QCOMPARE(s.error, QString());
        const QList<BookedCall> calls = bookedCalls(p.db);
        QVERIFY(!calls.isEmpty());
        for (const BookedCall &c : calls) {
            // By hand from the sheet (Claude Sonnet 4.5, up to 200k): 1,000 uncached x $3/M
            // + 1,000 5-minute writes x $3.75/M + 2,000 1-hour writes x $6/M + 100 output x $15/M.
            const qint64 hand = (1000 * 300 + 1000 * 375 + 2000 * 600 + 100 * 1500 + 50) / 100;
            qInfo("cache writes | an | prompt %lld (1000 in @ $3.00/M, 1000 5m writes @ $3.75/M, 2000 1h writes @ $6.00/M)"
                  " | completion %lld @ $15.00/M | hand $%.6f | booked $%.6f",
                  c.prompt, c.completion, hand / 1e6, c.costMicros / 1e6);
            QCOMPARE(c.prompt, 4000);
            QCOMPARE(c.written, 3000);
            QCOMPARE(c.costMicros, hand);
        }
    }

    void tokenUriFollowsALoopbackApiBase()
    {
        ServiceAccount a;
        a.tokenUri = u"http://127.0.0.1:8765/token"_qs;
        QCOMPARE(tokenUriFor(a, u"http://127.0.0.1:40123"_qs), u"http://127.0.0.1:40123/token"_qs);
        QCOMPARE(tokenUriFor(a, u"https://europe-west4-aiplatform.googleapis.com"_qs), a.tokenUri);
        a.tokenUri = u"https://oauth2.googleapis.com/token"_qs;   // a real endpoint is never redirected
        QCOMPARE(tokenUriFor(a, u"http://127.0.0.1:40123"_qs), a.tokenUri);
    }
};

QTEST_GUILESS_MAIN(TstRunProviders)
#include "tst_runproviders.moc"
