// The simulator's batch endpoints over real loopback sockets, with a plain QNetworkAccessManager
// following each provider's documented flow: submit, poll, collect; partial failures, expiry,
// cancellation, size and queue limits, and the per-custom_id submission counter.
#include "core/common/promptcontract.h"
#include "core/sim/providersimulator.h"
#include "core/sim/simbatch.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QTimer>

using namespace wb;

namespace {

struct Http {
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QList<QJsonObject> lines() const
    {
        QList<QJsonObject> out;
        for (const QByteArray &l : body.split('\n'))
            if (!l.trimmed().isEmpty())
                out.append(QJsonDocument::fromJson(l).object());
        return out;
    }
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

QString scoringPrompt(const QString &id)
{
    ScoringSchema s;
    s.dimensions = {{QStringLiteral("care"), 0.0, 1.0}, {QStringLiteral("fairness"), -2.0, 2.0}};
    s.textIds = {id};
    return schemaLine(s) + QStringLiteral("\n\n<<<TEXT id=%1>>>\nWe must protect the weak and keep faith with our allies.\n<<<END TEXT>>>\n").arg(id);
}

QJsonObject chatBody(const QString &model, const QString &id)
{
    return {{QStringLiteral("model"), model},
            {QStringLiteral("max_tokens"), 300},
            {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                {QStringLiteral("content"), scoringPrompt(id)}}}}};
}

QJsonObject geminiRequest(const QString &id)
{
    return {{QStringLiteral("contents"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                               {QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), scoringPrompt(id)}}}}}}}};
}

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QByteArray jsonl(const QStringList &ids, bool openAi, const QString &model = QStringLiteral("gpt-4o-mini"))
{
    QByteArray out;
    for (const QString &id : ids) {
        QJsonObject line{{QStringLiteral("custom_id"), id}, {QStringLiteral("body"), chatBody(model, id)}};
        if (openAi) {
            line.insert(QStringLiteral("method"), QStringLiteral("POST"));
            line.insert(QStringLiteral("url"), QStringLiteral("/v1/chat/completions"));
        }
        out += compact(line) + '\n';
    }
    return out;
}

QStringList ids(int n, const QString &prefix = QStringLiteral("job-"))
{
    QStringList out;
    for (int i = 0; i < n; ++i)
        out.append(prefix + QString::number(i));
    return out;
}

/// Checks a reply text is the framework JSON the prompt asked for.
bool isScoreJson(const QString &text)
{
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    return o.value(QStringLiteral("care")).toObject().contains(QStringLiteral("score"))
           && o.value(QStringLiteral("fairness")).toObject().contains(QStringLiteral("score"));
}

SimKey key(const QString &name, const QString &provider)
{
    SimKey k;
    k.key = name;
    k.provider = provider;
    return k;
}

} // namespace

class TestSimBatch : public QObject {
    Q_OBJECT

    QNetworkAccessManager m_nam;

    Http finish(QNetworkReply *reply)
    {
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        loop.exec();
        Http h;
        h.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        h.body = reply->readAll();
        reply->deleteLater();
        return h;
    }
    QNetworkRequest request(const QString &url, const Headers &headers)
    {
        QNetworkRequest r{QUrl(url)};
        for (const auto &[name, value] : headers)
            r.setRawHeader(name, value);
        return r;
    }
    Http get(const QString &url, const Headers &h) { return finish(m_nam.get(request(url, h))); }
    Http post(const QString &url, const Headers &h, const QByteArray &body)
    {
        QNetworkRequest r = request(url, h);
        r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        return finish(m_nam.post(r, body));
    }
    Http upload(const QString &base, const Headers &h, const QByteArray &content, const QString &filename = QStringLiteral("batch.jsonl"))
    {
        auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
        QHttpPart purpose;
        purpose.setHeader(QNetworkRequest::ContentDispositionHeader, QByteArray("form-data; name=\"purpose\""));
        purpose.setBody("batch");
        QHttpPart file;
        file.setHeader(QNetworkRequest::ContentDispositionHeader, QByteArray(QByteArray("form-data; name=\"file\"; filename=\"") + filename.toUtf8() + '"'));
        file.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/jsonl"));
        file.setBody(content);
        multi->append(purpose);
        multi->append(file);
        QNetworkReply *reply = m_nam.post(request(base + QStringLiteral("/v1/files"), h), multi);
        multi->setParent(reply);
        return finish(reply);
    }

    static Headers bearer(const char *k) { return {{"Authorization", QByteArray("Bearer ") + k}}; }
    static Headers anthropic(const char *k) { return {{"x-api-key", k}, {"anthropic-version", "2023-06-01"}}; }
    static Headers gemini(const char *k) { return {{"x-goog-api-key", k}}; }

    /// Polls `url` until `done(json)`; returns the last object and every status seen.
    QJsonObject poll(const QString &url, const Headers &h, const std::function<QString(const QJsonObject &)> &status,
                     const QStringList &terminal, QStringList *seen = nullptr)
    {
        QElapsedTimer t;
        t.start();
        QJsonObject o;
        while (t.elapsed() < 30'000) {
            const Http r = get(url, h);
            if (r.status != 200) {
                qWarning() << r.status << r.body;
                return {};
            }
            o = r.json();
            const QString st = status(o);
            if (seen && (seen->isEmpty() || seen->last() != st))
                seen->append(st);
            if (terminal.contains(st))
                return o;
            QTest::qWait(20);
        }
        return o;
    }

    static SimConfig config(double errorRate = 0, qint64 expireAfterMs = 0, qint64 processingMs = 300)
    {
        SimConfig c;
        c.keys = {key(QStringLiteral("oa"), QStringLiteral("openai")), key(QStringLiteral("an"), QStringLiteral("anthropic")),
                  key(QStringLiteral("ge"), QStringLiteral("gemini")), key(QStringLiteral("mi"), QStringLiteral("mistral"))};
        c.acceptAnyKey = false;
        c.batch.validatingMs = 60;
        c.batch.processingMs = processingMs;
        c.batch.finalizingMs = 40;
        c.batch.errorRate = errorRate;
        if (expireAfterMs > 0)
            c.batch.expireAfterMs = expireAfterMs;
        return c;
    }

    // ---- OpenAI ------------------------------------------------------------------------------

    /// Upload + create; returns the batch object.
    QJsonObject openAiSubmit(const QString &base, const QStringList &customIds, const char *k = "oa")
    {
        const Http up = upload(base, bearer(k), jsonl(customIds, true));
        if (up.status != 200) {
            qWarning() << up.body;
            return {};
        }
        const QString fileId = up.json().value(QStringLiteral("id")).toString();
        const Http created = post(base + QStringLiteral("/v1/batches"), bearer(k),
                                  compact({{QStringLiteral("input_file_id"), fileId},
                                           {QStringLiteral("endpoint"), QStringLiteral("/v1/chat/completions")},
                                           {QStringLiteral("completion_window"), QStringLiteral("24h")},
                                           {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("run"), QStringLiteral("t")}}}}));
        return created.status == 200 ? created.json() : QJsonObject{};
    }
    QJsonObject openAiWait(const QString &base, const QString &id, QStringList *seen = nullptr, const char *k = "oa")
    {
        return poll(base + QStringLiteral("/v1/batches/") + id, bearer(k),
                    [](const QJsonObject &o) { return o.value(QStringLiteral("status")).toString(); },
                    {QStringLiteral("completed"), QStringLiteral("failed"), QStringLiteral("expired"), QStringLiteral("cancelled")}, seen);
    }
    QList<QJsonObject> fileLines(const QString &base, const QJsonValue &fileId, const char *k = "oa")
    {
        if (!fileId.isString())
            return {};
        const Http h = get(base + QStringLiteral("/v1/files/") + fileId.toString() + QStringLiteral("/content"), bearer(k));
        return h.status == 200 ? h.lines() : QList<QJsonObject>{};
    }

private slots:
    void openAiSubmitPollCollect()
    {
        ProviderSimulator sim(config());
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        const QStringList customIds = ids(7);

        const Http up = upload(base, bearer("oa"), jsonl(customIds, true));
        QCOMPARE(up.status, 200);
        const QJsonObject file = up.json();
        QVERIFY(file.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("file-")));
        QCOMPARE(file.value(QStringLiteral("object")).toString(), QStringLiteral("file"));
        QCOMPARE(file.value(QStringLiteral("purpose")).toString(), QStringLiteral("batch"));
        QCOMPARE(file.value(QStringLiteral("bytes")).toInteger(), jsonl(customIds, true).size());

        const QJsonObject created = openAiSubmit(base, customIds);
        QCOMPARE(created.value(QStringLiteral("status")).toString(), QStringLiteral("validating"));
        QCOMPARE(created.value(QStringLiteral("object")).toString(), QStringLiteral("batch"));
        QVERIFY(created.value(QStringLiteral("output_file_id")).isNull());
        QCOMPARE(created.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("run")).toString(), QStringLiteral("t"));
        const QString id = created.value(QStringLiteral("id")).toString();
        QVERIFY(id.startsWith(QStringLiteral("batch_")));

        QStringList seen;
        const QJsonObject done = openAiWait(base, id, &seen);
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QVERIFY2(seen.contains(QStringLiteral("in_progress")), qPrintable(seen.join(u',')));
        QVERIFY(done.value(QStringLiteral("completed_at")).isDouble());
        const QJsonObject counts = done.value(QStringLiteral("request_counts")).toObject();
        QCOMPARE(counts.value(QStringLiteral("total")).toInt(), 7);
        QCOMPARE(counts.value(QStringLiteral("completed")).toInt(), 7);
        QCOMPARE(counts.value(QStringLiteral("failed")).toInt(), 0);
        QVERIFY(done.value(QStringLiteral("error_file_id")).isNull());

        const QList<QJsonObject> lines = fileLines(base, done.value(QStringLiteral("output_file_id")));
        QCOMPARE(lines.size(), 7);
        QSet<QString> got;
        for (const QJsonObject &l : lines) {
            got.insert(l.value(QStringLiteral("custom_id")).toString());
            QVERIFY(l.value(QStringLiteral("id")).toString().startsWith(QStringLiteral("batch_req_")));
            QVERIFY(l.value(QStringLiteral("error")).isNull());
            const QJsonObject response = l.value(QStringLiteral("response")).toObject();
            QCOMPARE(response.value(QStringLiteral("status_code")).toInt(), 200);
            QVERIFY(response.value(QStringLiteral("request_id")).toString().startsWith(QStringLiteral("req_")));
            const QJsonObject body = response.value(QStringLiteral("body")).toObject();
            QCOMPARE(body.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion"));
            QVERIFY(body.value(QStringLiteral("usage")).toObject().value(QStringLiteral("prompt_tokens")).toInt() > 10);
            const QString text = body.value(QStringLiteral("choices")).toArray().first().toObject().value(QStringLiteral("message")).toObject()
                                     .value(QStringLiteral("content")).toString();
            QVERIFY2(isScoreJson(text), qPrintable(text));
        }
        QCOMPARE(got, QSet<QString>(customIds.begin(), customIds.end()));
        // The same file on a second fetch: results are produced, not stored, and must not change.
        QCOMPARE(fileLines(base, done.value(QStringLiteral("output_file_id"))), lines);

        const QJsonObject stats = get(base + QStringLiteral("/sim/stats"), {}).json().value(QStringLiteral("batch")).toObject();
        QCOMPARE(stats.value(QStringLiteral("requests_submitted")).toInt(), 7);
        QCOMPARE(stats.value(QStringLiteral("distinct_custom_ids")).toInt(), 7);
        QCOMPARE(stats.value(QStringLiteral("resubmitted")).toInt(), 0);
        QCOMPARE(stats.value(QStringLiteral("succeeded")).toInt(), 7);
        QVERIFY(stats.value(QStringLiteral("completion_tokens")).toInt() > 0);
    }

    void customIdsAreCounted()
    {
        ProviderSimulator sim(config());
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        QVERIFY(!openAiSubmit(base, ids(3)).isEmpty());
        QVERIFY(!openAiSubmit(base, {QStringLiteral("job-1"), QStringLiteral("other")}).isEmpty());
        const QJsonObject once = get(base + QStringLiteral("/sim/batch/custom_id?custom_id=job-0"), {}).json();
        const QJsonObject twice = get(base + QStringLiteral("/sim/batch/custom_id?custom_id=job-1"), {}).json();
        QCOMPARE(once.value(QStringLiteral("submitted")).toInt(), 1);
        QCOMPARE(twice.value(QStringLiteral("submitted")).toInt(), 2);
        QCOMPARE(get(base + QStringLiteral("/sim/batch/custom_id?custom_id=nope"), {}).json().value(QStringLiteral("submitted")).toInt(), 0);
        const SimBatchStats st = sim.stats().batch;
        QCOMPARE(st.requestsSubmitted, 5);
        QCOMPARE(st.distinctCustomIds, 4);
        QCOMPARE(st.resubmitted, 1);
        QCOMPARE(st.maxSubmissions, 2);
    }

    // ---- Anthropic ---------------------------------------------------------------------------

    QJsonObject anthropicSubmit(const QString &base, const QStringList &customIds, Http *raw = nullptr)
    {
        QJsonArray requests;
        for (const QString &id : customIds) {
            QJsonObject params = chatBody(QStringLiteral("claude-3-5-haiku-latest"), id);
            requests.append(QJsonObject{{QStringLiteral("custom_id"), id}, {QStringLiteral("params"), params}});
        }
        const Http h = post(base + QStringLiteral("/v1/messages/batches"), anthropic("an"),
                            compact({{QStringLiteral("requests"), requests}}));
        if (raw)
            *raw = h;
        return h.status == 200 ? h.json() : QJsonObject{};
    }
    QJsonObject anthropicWait(const QString &base, const QString &id, QStringList *seen = nullptr)
    {
        return poll(base + QStringLiteral("/v1/messages/batches/") + id, anthropic("an"),
                    [](const QJsonObject &o) { return o.value(QStringLiteral("processing_status")).toString(); },
                    {QStringLiteral("ended")}, seen);
    }
    QList<QJsonObject> anthropicResults(const QJsonObject &batch)
    {
        const Http h = get(batch.value(QStringLiteral("results_url")).toString(), anthropic("an"));
        return h.status == 200 ? h.lines() : QList<QJsonObject>{};
    }

    void anthropicSubmitPollCollect()
    {
        ProviderSimulator sim(config());
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        const QJsonObject created = anthropicSubmit(base, ids(6));
        QCOMPARE(created.value(QStringLiteral("type")).toString(), QStringLiteral("message_batch"));
        QCOMPARE(created.value(QStringLiteral("processing_status")).toString(), QStringLiteral("in_progress"));
        QCOMPARE(created.value(QStringLiteral("request_counts")).toObject().value(QStringLiteral("processing")).toInt(), 6);
        QVERIFY(created.value(QStringLiteral("results_url")).isNull());
        const QString id = created.value(QStringLiteral("id")).toString();
        QVERIFY(id.startsWith(QStringLiteral("msgbatch_")));
        // Results before the batch has ended are refused.
        QCOMPARE(get(base + QStringLiteral("/v1/messages/batches/") + id + QStringLiteral("/results"), anthropic("an")).status, 400);

        const QJsonObject done = anthropicWait(base, id);
        QCOMPARE(done.value(QStringLiteral("processing_status")).toString(), QStringLiteral("ended"));
        const QJsonObject counts = done.value(QStringLiteral("request_counts")).toObject();
        QCOMPARE(counts.value(QStringLiteral("succeeded")).toInt(), 6);
        QCOMPARE(counts.value(QStringLiteral("processing")).toInt(), 0);
        QVERIFY(done.value(QStringLiteral("ended_at")).toString().endsWith(u'Z'));
        QVERIFY(done.value(QStringLiteral("results_url")).toString().startsWith(base));

        const QList<QJsonObject> lines = anthropicResults(done);
        QCOMPARE(lines.size(), 6);
        for (const QJsonObject &l : lines) {
            const QJsonObject result = l.value(QStringLiteral("result")).toObject();
            QCOMPARE(result.value(QStringLiteral("type")).toString(), QStringLiteral("succeeded"));
            const QJsonObject message = result.value(QStringLiteral("message")).toObject();
            QCOMPARE(message.value(QStringLiteral("type")).toString(), QStringLiteral("message"));
            QVERIFY(message.value(QStringLiteral("usage")).toObject().value(QStringLiteral("output_tokens")).toInt() > 0);
            QVERIFY(isScoreJson(message.value(QStringLiteral("content")).toArray().first().toObject().value(QStringLiteral("text")).toString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestSimBatch)
#include "tst_simbatch.moc"
