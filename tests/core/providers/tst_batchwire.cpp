// The batch APIs' builders and parsers (core/providers/batchwire.h) on replies shaped as each
// provider documents them: status objects, result lines, item errors, expiry and cancellation.
#include "core/providers/batchwire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wb;

namespace {

Deployment deployment(const QString &provider, const QString &model, const QString &base)
{
    Deployment d;
    d.id = provider + QStringLiteral("/1");
    d.modelName = provider;
    d.provider = provider;
    d.model = model;
    d.apiBase = base;
    return d;
}

QJsonObject json(const QByteArray &b) { return QJsonDocument::fromJson(b).object(); }

ChatRequest request()
{
    ChatRequest r;
    r.system = QStringLiteral("Score it.");
    r.user = QStringLiteral("text");
    r.maxTokens = 100;
    return r;
}

} // namespace

class TestBatchWire : public QObject {
    Q_OBJECT
private slots:
    void dialects();
    void openAiFlow();
    void openAiResults();
    void mistralStatusAndResults();
    void anthropicFlow();
    void geminiFlow();
};

void TestBatchWire::dialects()
{
    QCOMPARE(batchDialectFor(QStringLiteral("openai")), BatchDialect::OpenAi);
    QCOMPARE(batchDialectFor(QStringLiteral("anthropic")), BatchDialect::Anthropic);
    QCOMPARE(batchDialectFor(QStringLiteral("gemini")), BatchDialect::Gemini);
    QCOMPARE(batchDialectFor(QStringLiteral("mistral")), BatchDialect::Mistral);
    QCOMPARE(batchDialectFor(QStringLiteral("azure")), BatchDialect::None);
    QCOMPARE(batchDialectFor(QStringLiteral("groq")), BatchDialect::None);
    QCOMPARE(batchLimits(BatchDialect::OpenAi).maxRequests, 50000);
    QCOMPARE(batchLimits(BatchDialect::Anthropic).maxRequests, 100000);
    for (int i = int(BatchState::Submitting); i <= int(BatchState::Cancelled); ++i)
        QCOMPARE(batchStateFromName(batchStateName(BatchState(i))), BatchState(i));
    QVERIFY(!batchStateFinal(BatchState::Finalizing));
    QVERIFY(batchStateFinal(BatchState::Expired));
}

void TestBatchWire::openAiFlow()
{
    const BatchWire w(deployment(QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"), QStringLiteral("http://127.0.0.1:9/v1")),
                      QStringLiteral("sk-test"));
    QVERIFY(w.uploadsFile());
    const QJsonObject line = json(w.item(QStringLiteral("j1"), request()));
    QCOMPARE(line.value(u"custom_id").toString(), QStringLiteral("j1"));
    QCOMPARE(line.value(u"url").toString(), QStringLiteral("/v1/chat/completions"));
    QCOMPARE(line.value(u"body").toObject().value(u"model").toString(), QStringLiteral("gpt-4o-mini"));
    const BuiltRequest up = w.upload({w.item(QStringLiteral("j1"), request())}, QStringLiteral("in.jsonl"));
    QCOMPARE(up.request.url().toString(), QStringLiteral("http://127.0.0.1:9/v1/files"));
    QCOMPARE(up.request.rawHeader("Authorization"), QByteArray("Bearer sk-test"));
    QVERIFY(up.body.contains("name=\"purpose\"\r\n\r\nbatch"));
    QCOMPARE(*w.parseUpload(200, R"({"id":"file-abc","object":"file","purpose":"batch"})"), QStringLiteral("file-abc"));
    QVERIFY(!w.parseUpload(401, R"({"error":{"message":"Incorrect API key","type":"invalid_request_error"}})"));
    const BuiltRequest create = w.create(QStringLiteral("file-abc"), {}, QStringLiteral("x"));
    QCOMPARE(create.request.url().toString(), QStringLiteral("http://127.0.0.1:9/v1/batches"));
    QCOMPARE(json(create.body).value(u"input_file_id").toString(), QStringLiteral("file-abc"));
    QCOMPARE(json(create.body).value(u"completion_window").toString(), QStringLiteral("24h"));

    const auto st = w.parseStatus(200, R"({"id":"batch_1","object":"batch","status":"completed","output_file_id":"file-out",
        "error_file_id":"file-err","request_counts":{"total":3,"completed":2,"failed":1}})");
    QVERIFY(st);
    QCOMPARE(st->id, QStringLiteral("batch_1"));
    QCOMPARE(st->state, BatchState::Ended);
    QCOMPARE(st->succeeded, 2);
    QCOMPARE(st->failed, 1);
    QCOMPARE(st->outputFile, QStringLiteral("file-out"));
    QCOMPARE(st->errorFile, QStringLiteral("file-err"));
    const auto failed = w.parseStatus(200, R"({"id":"batch_2","status":"failed","errors":{"data":[{"code":"invalid_json_line","message":"Line 3 is not valid JSON"}]}})");
    QCOMPARE(failed->state, BatchState::Failed);
    QCOMPARE(failed->error, QStringLiteral("Line 3 is not valid JSON"));
    QCOMPARE(w.parseStatus(200, R"({"id":"b","status":"validating"})")->state, BatchState::Validating);
    QCOMPARE(w.parseStatus(200, R"({"id":"b","status":"cancelling"})")->state, BatchState::Cancelling);
    QCOMPARE(w.parseStatus(200, R"({"id":"b","status":"expired"})")->state, BatchState::Expired);
    QCOMPARE(w.status(QStringLiteral("batch_1")).request.url().path(), QStringLiteral("/v1/batches/batch_1"));
    QCOMPARE(w.cancel(QStringLiteral("batch_1")).request.url().path(), QStringLiteral("/v1/batches/batch_1/cancel"));
    QCOMPARE(w.results(QStringLiteral("file-out")).request.url().path(), QStringLiteral("/v1/files/file-out/content"));
}

void TestBatchWire::openAiResults()
{
    const BatchWire w(deployment(QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"), QStringLiteral("http://127.0.0.1:9/v1")), {});
    const QByteArray out =
        R"({"id":"batch_req_1","custom_id":"j2","response":{"status_code":200,"request_id":"r1","body":{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"{\"ok\":1}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}},"error":null})"
        "\n"
        R"({"id":"batch_req_2","custom_id":"j1","response":{"status_code":500,"request_id":"r2","body":{"error":{"message":"The server had an error","type":"server_error"}}},"error":null})"
        "\n"
        R"({"id":"batch_req_3","custom_id":"j3","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}})"
        "\n"
        R"({"id":"batch_req_4","custom_id":"j4","response":null,"error":{"code":"batch_cancelled","message":"cancelled"}})"
        "\n";
    const QList<BatchItemResult> r = w.parseResults(out);
    QCOMPARE(r.size(), 4);
    QCOMPARE(r[0].customId, QStringLiteral("j2"));
    QVERIFY(r[0].reply.completion);
    QCOMPARE(r[0].reply.completion->text, QStringLiteral("{\"ok\":1}"));
    QCOMPARE(r[0].reply.completion->usage.promptTokens, 12);
    QCOMPARE(r[0].reply.completion->usage.completionTokens, 5);
    QVERIFY(r[1].reply.error);
    QCOMPARE(r[1].reply.error->errorClass, ErrorClass::Transient);
    QCOMPARE(r[1].reply.error->message, QStringLiteral("The server had an error"));
    QCOMPARE(r[2].kind, BatchItemResult::Kind::Expired);
    QCOMPARE(r[3].kind, BatchItemResult::Kind::Cancelled);
}

void TestBatchWire::mistralStatusAndResults()
{
    const BatchWire w(deployment(QStringLiteral("mistral"), QStringLiteral("mistral-small-latest"), QStringLiteral("http://127.0.0.1:9/v1")), {});
    const QByteArray create = w.create(QStringLiteral("f-1"), {}, QStringLiteral("x")).body;
    QCOMPARE(json(create).value(u"input_files").toArray().first().toString(), QStringLiteral("f-1"));
    QCOMPARE(json(create).value(u"model").toString(), QStringLiteral("mistral-small-latest"));
    QCOMPARE(w.status(QStringLiteral("u-1")).request.url().path(), QStringLiteral("/v1/batch/jobs/u-1"));
    const auto st = w.parseStatus(200, R"({"id":"u-1","object":"batch","status":"SUCCESS","total_requests":2,"completed_requests":2,
        "succeeded_requests":1,"failed_requests":1,"output_file":"o-1","error_file":"e-1","errors":[]})");
    QCOMPARE(st->state, BatchState::Ended);
    QCOMPARE(st->succeeded, 1);
    QCOMPARE(st->outputFile, QStringLiteral("o-1"));
    QCOMPARE(w.parseStatus(200, R"({"id":"u","status":"TIMEOUT_EXCEEDED"})")->state, BatchState::Expired);
    QCOMPARE(w.parseStatus(200, R"({"id":"u","status":"CANCELLATION_REQUESTED"})")->state, BatchState::Cancelling);
    const QList<BatchItemResult> r = w.parseResults(
        R"({"id":"batch-1","custom_id":"j1","response":{"status_code":200,"body":{"id":"c","object":"chat.completion","model":"mistral-small-latest","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}},"error":null})");
    QCOMPARE(r.size(), 1);
    QCOMPARE(r[0].reply.completion->text, QStringLiteral("hi"));
}

void TestBatchWire::anthropicFlow()
{
    const BatchWire w(deployment(QStringLiteral("anthropic"), QStringLiteral("claude-3-5-haiku-20241022"), QStringLiteral("http://127.0.0.1:9")),
                      QStringLiteral("ak"));
    QVERIFY(!w.uploadsFile());
    const BuiltRequest create = w.create({}, {w.item(QStringLiteral("j1"), request())}, QStringLiteral("x"));
    QCOMPARE(create.request.url().path(), QStringLiteral("/v1/messages/batches"));
    QCOMPARE(create.request.rawHeader("x-api-key"), QByteArray("ak"));
    QVERIFY(!create.request.rawHeader("anthropic-version").isEmpty());
    const QJsonObject req = json(create.body).value(u"requests").toArray().first().toObject();
    QCOMPARE(req.value(u"custom_id").toString(), QStringLiteral("j1"));
    QCOMPARE(req.value(u"params").toObject().value(u"max_tokens").toInt(), 100);
    const auto st = w.parseStatus(200, R"({"id":"msgbatch_1","type":"message_batch","processing_status":"ended",
        "request_counts":{"processing":0,"succeeded":2,"errored":1,"canceled":1,"expired":1},
        "results_url":"http://127.0.0.1:9/v1/messages/batches/msgbatch_1/results"})");
    QCOMPARE(st->state, BatchState::Ended);
    QCOMPARE(st->total, 5);
    QCOMPARE(st->expired, 1);
    QCOMPARE(w.results(st->resultsUrl).request.url().toString(), st->resultsUrl);
    QCOMPARE(w.parseStatus(200, R"({"id":"m","processing_status":"in_progress"})")->state, BatchState::InProgress);
    QCOMPARE(w.parseStatus(200, R"({"id":"m","processing_status":"canceling"})")->state, BatchState::Cancelling);
    const QList<BatchItemResult> r = w.parseResults(
        R"({"custom_id":"j1","result":{"type":"succeeded","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":2}}}})"
        "\n"
        R"({"custom_id":"j2","result":{"type":"errored","error":{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: too large"}}}})"
        "\n"
        R"({"custom_id":"j3","result":{"type":"expired"}})"
        "\n"
        R"({"custom_id":"j4","result":{"type":"canceled"}})");
    QCOMPARE(r.size(), 4);
    QCOMPARE(r[0].reply.completion->text, QStringLiteral("ok"));
    QCOMPARE(r[0].reply.completion->usage.promptTokens, 10);
    QCOMPARE(r[1].reply.error->errorClass, ErrorClass::Fatal);
    QCOMPARE(r[1].reply.error->message, QStringLiteral("max_tokens: too large"));
    QCOMPARE(r[2].kind, BatchItemResult::Kind::Expired);
    QCOMPARE(r[3].kind, BatchItemResult::Kind::Cancelled);
}

void TestBatchWire::geminiFlow()
{
    const BatchWire w(deployment(QStringLiteral("gemini"), QStringLiteral("gemini-2.0-flash"), QStringLiteral("http://127.0.0.1:9")),
                      QStringLiteral("gk"));
    const BuiltRequest create = w.create({}, {w.item(QStringLiteral("j1"), request())}, QStringLiteral("disc"));
    QCOMPARE(create.request.url().path(), QStringLiteral("/v1beta/models/gemini-2.0-flash:batchGenerateContent"));
    const QJsonObject batch = json(create.body).value(u"batch").toObject();
    QCOMPARE(batch.value(u"display_name").toString(), QStringLiteral("disc"));
    const QJsonObject item = batch.value(u"input_config").toObject().value(u"requests").toObject().value(u"requests").toArray().first().toObject();
    QCOMPARE(item.value(u"metadata").toObject().value(u"key").toString(), QStringLiteral("j1"));
    QVERIFY(item.value(u"request").toObject().contains(u"contents"));
    QCOMPARE(w.status(QStringLiteral("batches/abc")).request.url().path(), QStringLiteral("/v1beta/batches/abc"));
    QCOMPARE(w.cancel(QStringLiteral("batches/abc")).request.url().path(), QStringLiteral("/v1beta/batches/abc:cancel"));

    const auto running = w.parseStatus(200, R"({"name":"batches/abc","metadata":{"@type":"type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch",
        "state":"BATCH_STATE_RUNNING","batchStats":{"requestCount":"2","pendingRequestCount":"2"}}})");
    QCOMPARE(running->state, BatchState::InProgress);
    QCOMPARE(running->total, 2);
    const auto st = w.parseStatus(200, R"({"name":"batches/abc","done":true,"metadata":{"state":"BATCH_STATE_SUCCEEDED",
        "batchStats":{"requestCount":"2","successfulRequestCount":"1","failedRequestCount":"1"}},
        "response":{"@type":"type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatchOutput",
        "inlinedResponses":{"inlinedResponses":[
          {"response":{"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":1,"totalTokenCount":8}},"metadata":{"key":"j1"}},
          {"error":{"code":13,"message":"Internal error","status":"INTERNAL"},"metadata":{"key":"j2"}}]}}})");
    QCOMPARE(st->state, BatchState::Ended);
    QCOMPARE(st->succeeded, 1);
    const QList<BatchItemResult> r = w.parseGeminiInline(st->inlineResults);
    QCOMPARE(r.size(), 2);
    QCOMPARE(r[0].customId, QStringLiteral("j1"));
    QCOMPARE(r[0].reply.completion->usage.promptTokens, 7);
    QCOMPARE(r[1].customId, QStringLiteral("j2"));
    QCOMPARE(r[1].reply.error->errorClass, ErrorClass::Transient);   // gRPC 13 = HTTP 500
    QCOMPARE(w.parseStatus(200, R"({"name":"batches/x","metadata":{"state":"BATCH_STATE_EXPIRED"},"done":true})")->state, BatchState::Expired);
    QCOMPARE(w.parseStatus(200, R"({"name":"batches/x","metadata":{"state":"JOB_STATE_CANCELLED"},"done":true})")->state, BatchState::Cancelled);
    // The responses file of a file-based batch: {"key": …, "response": …} lines.
    const QList<BatchItemResult> f = w.parseResults(
        R"({"key":"j9","response":{"candidates":[{"content":{"parts":[{"text":"f"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}})");
    QCOMPARE(f.size(), 1);
    QCOMPARE(f[0].customId, QStringLiteral("j9"));
    QCOMPARE(f[0].reply.completion->text, QStringLiteral("f"));
}

QTEST_GUILESS_MAIN(TestBatchWire)
#include "tst_batchwire.moc"
