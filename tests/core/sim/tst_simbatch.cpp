// The simulator's batch endpoints over real loopback sockets, with a plain QNetworkAccessManager
// following each provider's documented flow: submit, poll, collect; partial failures, expiry,
// cancellation, size and queue limits, and the per-custom_id submission counter.
#include "core/common/promptcontract.h"
#include "core/sim/providersimulator.h"
#include "core/sim/simbatch.h"
#include "core/sim/simformat.h"

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

    // ---- Gemini ------------------------------------------------------------------------------

    QJsonObject geminiSubmit(const QString &base, const QStringList &customIds, Http *raw = nullptr)
    {
        QJsonArray requests;
        for (const QString &id : customIds)
            requests.append(QJsonObject{{QStringLiteral("request"), geminiRequest(id)},
                                        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("key"), id}}}});
        const QJsonObject body{{QStringLiteral("batch"),
                                QJsonObject{{QStringLiteral("display_name"), QStringLiteral("run-1")},
                                            {QStringLiteral("input_config"),
                                             QJsonObject{{QStringLiteral("requests"), QJsonObject{{QStringLiteral("requests"), requests}}}}}}}};
        const Http h = post(base + QStringLiteral("/v1beta/models/gemini-2.0-flash:batchGenerateContent"), gemini("ge"), compact(body));
        if (raw)
            *raw = h;
        return h.status == 200 ? h.json() : QJsonObject{};
    }
    QJsonObject geminiWait(const QString &base, const QString &name)
    {
        return poll(base + QStringLiteral("/v1beta/") + name, gemini("ge"),
                    [](const QJsonObject &o) { return o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("state")).toString(); },
                    {QStringLiteral("BATCH_STATE_SUCCEEDED"), QStringLiteral("BATCH_STATE_FAILED"), QStringLiteral("BATCH_STATE_CANCELLED"),
                     QStringLiteral("BATCH_STATE_EXPIRED")});
    }

    void geminiSubmitPollCollect()
    {
        ProviderSimulator sim(config());
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        const QStringList customIds = ids(5);
        const QJsonObject op = geminiSubmit(base, customIds);
        const QString name = op.value(QStringLiteral("name")).toString();
        QVERIFY2(name.startsWith(QStringLiteral("batches/")), qPrintable(name));
        const QJsonObject meta = op.value(QStringLiteral("metadata")).toObject();
        QCOMPARE(meta.value(QStringLiteral("state")).toString(), QStringLiteral("BATCH_STATE_PENDING"));
        QCOMPARE(meta.value(QStringLiteral("model")).toString(), QStringLiteral("models/gemini-2.0-flash"));
        QCOMPARE(meta.value(QStringLiteral("batchStats")).toObject().value(QStringLiteral("requestCount")).toString(), QStringLiteral("5"));
        QVERIFY(!op.value(QStringLiteral("done")).toBool());

        const QJsonObject done = geminiWait(base, name);
        QVERIFY(done.value(QStringLiteral("done")).toBool());
        const QJsonObject stats = done.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("batchStats")).toObject();
        QCOMPARE(stats.value(QStringLiteral("successfulRequestCount")).toString(), QStringLiteral("5"));
        const QJsonArray responses = done.value(QStringLiteral("response")).toObject().value(QStringLiteral("inlinedResponses")).toObject()
                                         .value(QStringLiteral("inlinedResponses")).toArray();
        QCOMPARE(responses.size(), 5);
        for (qsizetype i = 0; i < responses.size(); ++i) {
            const QJsonObject r = responses[i].toObject();
            // Inline responses keep the request order.
            QCOMPARE(r.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("key")).toString(), customIds[i]);
            const QJsonObject response = r.value(QStringLiteral("response")).toObject();
            QVERIFY(response.value(QStringLiteral("usageMetadata")).toObject().value(QStringLiteral("candidatesTokenCount")).toInt() > 0);
            const QString text = response.value(QStringLiteral("candidates")).toArray().first().toObject().value(QStringLiteral("content"))
                                     .toObject().value(QStringLiteral("parts")).toArray().first().toObject().value(QStringLiteral("text")).toString();
            QVERIFY2(isScoreJson(text), qPrintable(text));
        }
        // The same list is in metadata.output, as the SDKs read it.
        QCOMPARE(done.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("output")).toObject().value(QStringLiteral("inlinedResponses"))
                     .toObject().value(QStringLiteral("inlinedResponses")).toArray().size(), 5);
        QCOMPARE(get(base + QStringLiteral("/v1beta/batches/unknown"), gemini("ge")).status, 404);
    }

    // ---- Mistral -----------------------------------------------------------------------------

    QJsonObject mistralSubmit(const QString &base, const QStringList &customIds, Http *raw = nullptr)
    {
        const Http up = upload(base, bearer("mi"), jsonl(customIds, false, QStringLiteral("mistral-small-latest")));
        if (up.status != 200)
            return {};
        const Http h = post(base + QStringLiteral("/v1/batch/jobs"), bearer("mi"),
                            compact({{QStringLiteral("input_files"), QJsonArray{up.json().value(QStringLiteral("id"))}},
                                     {QStringLiteral("endpoint"), QStringLiteral("/v1/chat/completions")},
                                     {QStringLiteral("model"), QStringLiteral("mistral-small-latest")},
                                     {QStringLiteral("timeout_hours"), 24}}));
        if (raw)
            *raw = h;
        return h.status == 200 ? h.json() : QJsonObject{};
    }
    QJsonObject mistralWait(const QString &base, const QString &id)
    {
        return poll(base + QStringLiteral("/v1/batch/jobs/") + id, bearer("mi"),
                    [](const QJsonObject &o) { return o.value(QStringLiteral("status")).toString(); },
                    {QStringLiteral("SUCCESS"), QStringLiteral("FAILED"), QStringLiteral("TIMEOUT_EXCEEDED"), QStringLiteral("CANCELLED")});
    }

    void mistralSubmitPollCollect()
    {
        ProviderSimulator sim(config());
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        const Http up = upload(base, bearer("mi"), jsonl(ids(4), false));
        QCOMPARE(up.status, 200);
        QCOMPARE(up.json().value(QStringLiteral("num_lines")).toInt(), 4);
        QCOMPARE(up.json().value(QStringLiteral("id")).toString().size(), 36);   // a UUID

        const QJsonObject job = mistralSubmit(base, ids(4));
        QCOMPARE(job.value(QStringLiteral("status")).toString(), QStringLiteral("QUEUED"));
        QCOMPARE(job.value(QStringLiteral("total_requests")).toInt(), 4);
        const QJsonObject done = mistralWait(base, job.value(QStringLiteral("id")).toString());
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("SUCCESS"));
        QCOMPARE(done.value(QStringLiteral("succeeded_requests")).toInt(), 4);
        QCOMPARE(done.value(QStringLiteral("completed_requests")).toInt(), 4);
        QVERIFY(done.value(QStringLiteral("error_file")).isNull());
        const QList<QJsonObject> lines = fileLines(base, done.value(QStringLiteral("output_file")), "mi");
        QCOMPARE(lines.size(), 4);
        for (const QJsonObject &l : lines) {
            const QJsonObject body = l.value(QStringLiteral("response")).toObject().value(QStringLiteral("body")).toObject();
            QVERIFY(isScoreJson(body.value(QStringLiteral("choices")).toArray().first().toObject().value(QStringLiteral("message")).toObject()
                                    .value(QStringLiteral("content")).toString()));
        }
        // A Mistral file is not an OpenAI file.
        QCOMPARE(get(base + QStringLiteral("/v1/files/") + done.value(QStringLiteral("output_file")).toString() + QStringLiteral("/content"),
                     bearer("oa")).status, 404);
    }

    // ---- Partial failures, expiry, cancellation ----------------------------------------------

    void partialFailures()
    {
        ProviderSimulator sim(config(0.3));
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        const int n = 40;

        const QJsonObject done = openAiWait(base, openAiSubmit(base, ids(n)).value(QStringLiteral("id")).toString());
        const QJsonObject counts = done.value(QStringLiteral("request_counts")).toObject();
        const int failed = counts.value(QStringLiteral("failed")).toInt();
        QVERIFY2(failed > 2 && failed < n - 2, qPrintable(QString::number(failed)));
        QCOMPARE(counts.value(QStringLiteral("completed")).toInt() + failed, n);
        const QList<QJsonObject> ok = fileLines(base, done.value(QStringLiteral("output_file_id")));
        const QList<QJsonObject> errors = fileLines(base, done.value(QStringLiteral("error_file_id")));
        QCOMPARE(ok.size(), n - failed);
        QCOMPARE(errors.size(), failed);
        for (const QJsonObject &e : errors) {
            const QJsonObject response = e.value(QStringLiteral("response")).toObject();
            QCOMPARE(response.value(QStringLiteral("status_code")).toInt(), 500);
            QCOMPARE(response.value(QStringLiteral("body")).toObject().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(),
                     QStringLiteral("server_error"));
        }

        const QJsonObject ended = anthropicWait(base, anthropicSubmit(base, ids(n)).value(QStringLiteral("id")).toString());
        const int errored = ended.value(QStringLiteral("request_counts")).toObject().value(QStringLiteral("errored")).toInt();
        QVERIFY(errored > 2 && errored < n - 2);
        int seenErrored = 0;
        for (const QJsonObject &l : anthropicResults(ended)) {
            const QJsonObject result = l.value(QStringLiteral("result")).toObject();
            if (result.value(QStringLiteral("type")).toString() != u"errored")
                continue;
            ++seenErrored;
            const QJsonObject error = result.value(QStringLiteral("error")).toObject();
            QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
            QCOMPARE(error.value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("api_error"));
        }
        QCOMPARE(seenErrored, errored);

        const QJsonObject op = geminiWait(base, geminiSubmit(base, ids(n)).value(QStringLiteral("name")).toString());
        int geminiErrors = 0;
        for (const QJsonValue &v : op.value(QStringLiteral("response")).toObject().value(QStringLiteral("inlinedResponses")).toObject()
                                       .value(QStringLiteral("inlinedResponses")).toArray())
            geminiErrors += v.toObject().value(QStringLiteral("error")).toObject().value(QStringLiteral("status")).toString() == u"INTERNAL";
        QCOMPARE(QString::number(geminiErrors),
                 op.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("batchStats")).toObject().value(QStringLiteral("failedRequestCount")).toString());
        QVERIFY(geminiErrors > 0);

        const QJsonObject job = mistralWait(base, mistralSubmit(base, ids(n)).value(QStringLiteral("id")).toString());
        QCOMPARE(fileLines(base, job.value(QStringLiteral("error_file")), "mi").size(), job.value(QStringLiteral("failed_requests")).toInt());
        QVERIFY(job.value(QStringLiteral("failed_requests")).toInt() > 0);
    }

    void expiry()
    {
        // Processing would take 2 s; the batch expires 600 ms after creation with part of it done.
        ProviderSimulator sim(config(0, 600, 2000));
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        const int n = 50;

        const QJsonObject expired = openAiWait(base, openAiSubmit(base, ids(n)).value(QStringLiteral("id")).toString());
        QCOMPARE(expired.value(QStringLiteral("status")).toString(), QStringLiteral("expired"));
        QVERIFY(expired.value(QStringLiteral("expired_at")).isDouble());
        const int completed = expired.value(QStringLiteral("request_counts")).toObject().value(QStringLiteral("completed")).toInt();
        QVERIFY2(completed > 0 && completed < n, qPrintable(QString::number(completed)));
        QCOMPARE(fileLines(base, expired.value(QStringLiteral("output_file_id"))).size(), completed);
        const QList<QJsonObject> errors = fileLines(base, expired.value(QStringLiteral("error_file_id")));
        QCOMPARE(errors.size(), n - completed);
        for (const QJsonObject &e : errors) {
            QVERIFY(e.value(QStringLiteral("response")).isNull());
            QCOMPARE(e.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("batch_expired"));
        }

        const QJsonObject ended = anthropicWait(base, anthropicSubmit(base, ids(n)).value(QStringLiteral("id")).toString());
        const QJsonObject counts = ended.value(QStringLiteral("request_counts")).toObject();
        const int expiredCount = counts.value(QStringLiteral("expired")).toInt();
        QVERIFY(expiredCount > 0 && expiredCount < n);
        QCOMPARE(counts.value(QStringLiteral("succeeded")).toInt() + expiredCount, n);
        int expiredLines = 0;
        for (const QJsonObject &l : anthropicResults(ended))
            expiredLines += l.value(QStringLiteral("result")).toObject().value(QStringLiteral("type")).toString() == u"expired";
        QCOMPARE(expiredLines, expiredCount);

        const QJsonObject op = geminiWait(base, geminiSubmit(base, ids(n)).value(QStringLiteral("name")).toString());
        QCOMPARE(op.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("BATCH_STATE_EXPIRED"));
        QVERIFY(!op.contains(QStringLiteral("response")));   // an expired Gemini batch returns no results

        const QJsonObject job = mistralWait(base, mistralSubmit(base, ids(n)).value(QStringLiteral("id")).toString());
        QCOMPARE(job.value(QStringLiteral("status")).toString(), QStringLiteral("TIMEOUT_EXCEEDED"));
        const int succeeded = job.value(QStringLiteral("succeeded_requests")).toInt();
        QVERIFY(succeeded > 0 && succeeded < n);
        QCOMPARE(fileLines(base, job.value(QStringLiteral("output_file")), "mi").size(), succeeded);
    }

    void cancellation()
    {
        ProviderSimulator sim(config(0, 0, 3000));
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        const int n = 30;

        const QString oa = openAiSubmit(base, ids(n)).value(QStringLiteral("id")).toString();
        const QString an = anthropicSubmit(base, ids(n)).value(QStringLiteral("id")).toString();
        const QString ge = geminiSubmit(base, ids(n)).value(QStringLiteral("name")).toString();
        const QString mi = mistralSubmit(base, ids(n)).value(QStringLiteral("id")).toString();
        QTest::qWait(600);   // part of each batch is done

        const Http c1 = post(base + QStringLiteral("/v1/batches/") + oa + QStringLiteral("/cancel"), bearer("oa"), {});
        QCOMPARE(c1.json().value(QStringLiteral("status")).toString(), QStringLiteral("cancelling"));
        const Http c2 = post(base + QStringLiteral("/v1/messages/batches/") + an + QStringLiteral("/cancel"), anthropic("an"), {});
        QCOMPARE(c2.json().value(QStringLiteral("processing_status")).toString(), QStringLiteral("canceling"));
        QVERIFY(c2.json().value(QStringLiteral("cancel_initiated_at")).isString());
        const Http c3 = post(base + QStringLiteral("/v1beta/") + ge + QStringLiteral(":cancel"), gemini("ge"), {});
        QCOMPARE(c3.status, 200);
        const Http c4 = post(base + QStringLiteral("/v1/batch/jobs/") + mi + QStringLiteral("/cancel"), bearer("mi"), {});
        QCOMPARE(c4.json().value(QStringLiteral("status")).toString(), QStringLiteral("CANCELLATION_REQUESTED"));

        const QJsonObject cancelled = openAiWait(base, oa);
        QCOMPARE(cancelled.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
        const int completed = cancelled.value(QStringLiteral("request_counts")).toObject().value(QStringLiteral("completed")).toInt();
        QVERIFY2(completed > 0 && completed < n, qPrintable(QString::number(completed)));
        const QList<QJsonObject> errors = fileLines(base, cancelled.value(QStringLiteral("error_file_id")));
        QCOMPARE(errors.size(), n - completed);
        QCOMPARE(errors.first().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("batch_cancelled"));
        // A finished batch cannot be cancelled again.
        QCOMPARE(post(base + QStringLiteral("/v1/batches/") + oa + QStringLiteral("/cancel"), bearer("oa"), {}).status, 400);

        const QJsonObject ended = anthropicWait(base, an);
        const int canceled = ended.value(QStringLiteral("request_counts")).toObject().value(QStringLiteral("canceled")).toInt();
        QVERIFY(canceled > 0 && canceled < n);
        int canceledLines = 0;
        for (const QJsonObject &l : anthropicResults(ended))
            canceledLines += l.value(QStringLiteral("result")).toObject().value(QStringLiteral("type")).toString() == u"canceled";
        QCOMPARE(canceledLines, canceled);

        QCOMPARE(geminiWait(base, ge).value(QStringLiteral("metadata")).toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("BATCH_STATE_CANCELLED"));
        QCOMPARE(mistralWait(base, mi).value(QStringLiteral("status")).toString(), QStringLiteral("CANCELLED"));
        QCOMPARE(sim.stats().batch.cancelRequests, 5);
    }

    // ---- Limits ------------------------------------------------------------------------------

    void sizeAndQueueLimits()
    {
        SimConfig c = config();
        c.batch.maxRequests = 5;
        c.batch.maxBytes = 4000;
        ProviderSimulator sim(c);
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();

        // OpenAI: too large a file is refused at upload; too many requests fail validation.
        const Http big = upload(base, bearer("oa"), jsonl(ids(20), true));
        QCOMPARE(big.status, 400);
        QCOMPARE(big.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(), QStringLiteral("File is too large."));
        const QJsonObject failed = openAiWait(base, openAiSubmit(base, ids(6)).value(QStringLiteral("id")).toString());
        QCOMPARE(failed.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(failed.value(QStringLiteral("errors")).toObject().value(QStringLiteral("data")).toArray().first().toObject()
                     .value(QStringLiteral("code")).toString(), QStringLiteral("too_many_tasks"));
        QVERIFY(failed.value(QStringLiteral("failed_at")).isDouble());

        Http raw;
        QVERIFY(anthropicSubmit(base, ids(6), &raw).isEmpty());
        QCOMPARE(raw.status, 400);
        QCOMPARE(raw.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        QVERIFY(anthropicSubmit(base, ids(20), &raw).isEmpty());
        QCOMPARE(raw.status, 413);
        QCOMPARE(raw.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("request_too_large"));
        QVERIFY(geminiSubmit(base, ids(20), &raw).isEmpty());
        QCOMPARE(raw.status, 400);
        QCOMPARE(raw.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("INVALID_ARGUMENT"));
        QCOMPARE(upload(base, bearer("mi"), jsonl(ids(20), false)).status, 400);
        // Refused batches submitted nothing.
        QCOMPARE(sim.stats().batch.requestsSubmitted, 0);
    }

    void enqueuedTokenLimit()
    {
        SimConfig c = config(0, 0, 5000);
        // Room for three requests by the simulator's estimate (characters / 4 of the prompt).
        c.batch.enqueuedTokens = 3 * sim::openAiCharEstimate({scoringPrompt(QStringLiteral("job-0"))});
        c.batch.queuedRequests = 4;
        ProviderSimulator sim(c);
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();

        QCOMPARE(openAiSubmit(base, ids(2)).value(QStringLiteral("status")).toString(), QStringLiteral("validating"));
        const QJsonObject over = openAiWait(base, openAiSubmit(base, ids(2, QStringLiteral("b-"))).value(QStringLiteral("id")).toString());
        QCOMPARE(over.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        const QJsonObject error = over.value(QStringLiteral("errors")).toObject().value(QStringLiteral("data")).toArray().first().toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("token_limit_exceeded"));
        QVERIFY(error.value(QStringLiteral("message")).toString().startsWith(QStringLiteral("Enqueued token limit reached for gpt-4o-mini")));

        Http raw;
        QVERIFY(!anthropicSubmit(base, ids(3), &raw).isEmpty());
        QVERIFY(anthropicSubmit(base, ids(2, QStringLiteral("b-")), &raw).isEmpty());
        QCOMPARE(raw.status, 429);
        QCOMPARE(raw.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("rate_limit_error"));
        QCOMPARE(sim.stats().batch.requestsSubmitted, 5);
    }

    void openAiValidation()
    {
        ProviderSimulator sim(config());
        QVERIFY(sim.start().has_value());
        const QString base = sim.baseUrl();
        auto failWith = [&](const QByteArray &content) {
            const QString file = upload(base, bearer("oa"), content).json().value(QStringLiteral("id")).toString();
            const Http created = post(base + QStringLiteral("/v1/batches"), bearer("oa"),
                                      compact({{QStringLiteral("input_file_id"), file},
                                               {QStringLiteral("endpoint"), QStringLiteral("/v1/chat/completions")},
                                               {QStringLiteral("completion_window"), QStringLiteral("24h")}}));
            const QJsonObject done = openAiWait(base, created.json().value(QStringLiteral("id")).toString());
            return done.value(QStringLiteral("errors")).toObject().value(QStringLiteral("data")).toArray().first().toObject();
        };
        const QJsonObject bad = failWith(jsonl(ids(2), true) + "{not json\n");
        QCOMPARE(bad.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_json_line"));
        QCOMPARE(bad.value(QStringLiteral("line")).toInt(), 3);
        QCOMPARE(failWith(jsonl({QStringLiteral("a"), QStringLiteral("a")}, true)).value(QStringLiteral("code")).toString(),
                 QStringLiteral("duplicate_custom_id"));
        QCOMPARE(failWith(jsonl({QStringLiteral("a")}, true) + jsonl({QStringLiteral("b")}, true, QStringLiteral("gpt-4o")))
                     .value(QStringLiteral("code")).toString(), QStringLiteral("model_mismatch"));
        // Wrong key: the provider's 401.
        QCOMPARE(get(base + QStringLiteral("/v1/batches/batch_x"), bearer("nope")).status, 401);
        QCOMPARE(get(base + QStringLiteral("/v1/batches/batch_x"), bearer("oa")).status, 404);
    }

    void configFromYaml()
    {
        const QByteArray yaml = "batch: {validating_ms: 10, processing_ms: 20, error_rate: 0.1}\n"
                                "keys:\n"
                                "  k1: {provider: openai, batch: {max_requests: 7, enqueued_tokens: 900}}\n";
        const Result<SimConfig> c = parseSimConfig(yaml, QStringLiteral("limits.yaml"));
        QVERIFY2(c.has_value(), c ? "" : qPrintable(c.error().toString()));
        const sim::SimBatchParams p = sim::resolveBatchParams(*c, &c->keys.first(), sim::Provider::OpenAI);
        QCOMPARE(p.validatingMs, 10);
        QCOMPARE(p.processingMs, 20);
        QCOMPARE(p.errorRate, 0.1);
        QCOMPARE(p.maxRequests, 7);
        QCOMPARE(p.enqueuedTokens, 900);
        QCOMPARE(p.maxBytes, 200LL * 1024 * 1024);   // the provider's own limit when not set
        QCOMPARE(sim::resolveBatchParams(*c, nullptr, sim::Provider::Anthropic).maxRequests, 100'000);

        const Result<SimConfig> bad = parseSimConfig("batch: {error_rate: 2}\n", QStringLiteral("limits.yaml"));
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().field, QStringLiteral("batch.error_rate"));
        QCOMPARE(bad.error().line, 1);
        const Result<SimConfig> unknown = parseSimConfig("keys:\n  k: {provider: openai, batch: {speed: 1}}\n", QStringLiteral("limits.yaml"));
        QVERIFY(!unknown.has_value());
        QCOMPARE(unknown.error().field, QStringLiteral("keys[0].batch.speed"));
        QCOMPARE(unknown.error().line, 2);
    }
};

QTEST_GUILESS_MAIN(TestSimBatch)
#include "tst_simbatch.moc"
