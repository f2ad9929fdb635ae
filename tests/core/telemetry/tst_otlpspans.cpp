// Call tracing: where spans go (callbacks + environment), what a span says (and what it never
// says), and that a full queue drops and counts instead of growing.
#include "core/telemetry/otlpspans.h"
#include "core/telemetry/traceexporter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace wb;

namespace {

QString attribute(const QJsonObject &span, const QString &key)
{
    for (const QJsonValue a : span.value(u"attributes"_qs).toArray())
        if (a[u"key"_qs].toString() == key)
            return a[u"value"_qs].toObject().begin().value().toVariant().toString();
    return {};
}

CallRecord record()
{
    CallRecord c;
    c.jobId = 7;
    c.deploymentId = u"az/1"_qs;
    c.provider = u"azure"_qs;
    c.group = u"az"_qs;
    c.modelVersion = u"gpt-4o-2024-08-06"_qs;
    c.httpStatus = 200;
    c.usage.promptTokens = 812;
    c.usage.completionTokens = 40;
    c.usage.reported = true;
    c.costMicros = 2430;
    c.latencyMs = 950;
    c.requestId = u"req-1"_qs;
    c.startedAt = QDateTime::fromMSecsSinceEpoch(1'735'689'600'000);
    return c;
}

} // namespace

class TstOtlpSpans final : public QObject {
    Q_OBJECT
private slots:
    void targetsFromTheEnvironment()
    {
        TelemetrySettings s;
        s.otel = true;
        s.langfuse = true;
        QProcessEnvironment env;
        env.insert(u"OTEL_EXPORTER_OTLP_ENDPOINT"_qs, u"http://127.0.0.1:4318/"_qs);
        env.insert(u"LANGFUSE_HOST"_qs, u"https://lf.example.org"_qs);
        env.insert(u"LANGFUSE_PUBLIC_KEY"_qs, u"pk-lf-1"_qs);
        env.insert(u"LANGFUSE_SECRET_KEY"_qs, u"sk-lf-2"_qs);
        const TraceConfig c = traceConfigFor(s, env);
        QCOMPARE(c.targets.size(), 2);
        QCOMPARE(c.targets[0].url, u"http://127.0.0.1:4318/v1/traces"_qs);
        QCOMPARE(c.targets[1].url, u"https://lf.example.org/api/public/otel/v1/traces"_qs);
        QCOMPARE(c.targets[1].headers.first().second, QByteArray("Basic ") + QByteArray("pk-lf-1:sk-lf-2").toBase64());
        QVERIFY(!c.logMessages);

        // Credentials never travel in clear text to another host; missing keys are said once.
        env.insert(u"LANGFUSE_HOST"_qs, u"http://lf.example.org"_qs);
        TraceConfig insecure = traceConfigFor(s, env);
        QCOMPARE(insecure.targets.size(), 1);
        QCOMPARE(insecure.warnings.size(), 1);
        QVERIFY(!insecure.warnings.first().contains(u"sk-lf-2"_qs));
        env.remove(u"LANGFUSE_SECRET_KEY"_qs);
        QVERIFY(traceConfigFor(s, env).warnings.first().contains(u"LANGFUSE_SECRET_KEY"_qs));
    }

    void spanAttributesAndOptInMessages()
    {
        ChatRequest req;
        req.system = u"Score it."_qs;
        req.user = u"The text."_qs;
        const SpanDeployment dep{u"my-gpt4o"_qs, u"azure"_qs, u"res.openai.azure.com"_qs, 443};
        const QJsonObject span = callSpan(record(), dep, req, u"{\"care\":1}"_qs, false, QByteArray(32, 'a'), QByteArray(16, 'b'));
        QCOMPARE(span.value(u"name"_qs).toString(), u"chat my-gpt4o"_qs);
        QCOMPARE(span.value(u"kind"_qs).toInt(), 3);
        QCOMPARE(span.value(u"startTimeUnixNano"_qs).toString(), u"1735689600000000000"_qs);
        QCOMPARE(span.value(u"endTimeUnixNano"_qs).toString(), u"1735689600950000000"_qs);
        QCOMPARE(attribute(span, u"gen_ai.system"_qs), u"azure.ai.openai"_qs);
        QCOMPARE(attribute(span, u"gen_ai.request.model"_qs), u"my-gpt4o"_qs);
        QCOMPARE(attribute(span, u"gen_ai.response.model"_qs), u"gpt-4o-2024-08-06"_qs);
        QCOMPARE(attribute(span, u"gen_ai.usage.input_tokens"_qs), u"812"_qs);
        QCOMPARE(attribute(span, u"gen_ai.usage.output_tokens"_qs), u"40"_qs);
        QCOMPARE(attribute(span, u"gen_ai.usage.cost"_qs).toDouble(), 0.00243);
        QCOMPARE(attribute(span, u"gen_ai.response.id"_qs), u"req-1"_qs);
        QCOMPARE(span.value(u"status"_qs).toObject().value(u"code"_qs).toInt(), 1);
        QVERIFY(attribute(span, u"gen_ai.input.messages"_qs).isEmpty());

        const QJsonObject withText = callSpan(record(), dep, req, u"{\"care\":1}"_qs, true, QByteArray(32, 'a'), QByteArray(16, 'b'));
        QVERIFY(attribute(withText, u"gen_ai.input.messages"_qs).contains(u"The text."_qs));
        QVERIFY(attribute(withText, u"gen_ai.output.messages"_qs).contains(u"care"_qs));

        CallRecord failed = record();
        failed.errorClass = ErrorClass::RateLimited;
        failed.errorMessage = u"Rate limit reached"_qs;
        const QJsonObject err = callSpan(failed, dep, req, {}, false, QByteArray(32, 'a'), QByteArray(16, 'b'));
        QCOMPARE(err.value(u"status"_qs).toObject().value(u"code"_qs).toInt(), 2);
        QCOMPARE(attribute(err, u"error.type"_qs), u"rate_limited"_qs);

        const QJsonObject root = QJsonDocument::fromJson(exportRequest({span}, u"1.0"_qs)).object();
        QCOMPARE(root[u"resourceSpans"_qs][0][u"scopeSpans"_qs][0][u"spans"_qs].toArray().size(), 1);
    }

    void aFullQueueDropsAndCounts()
    {
        TraceConfig c;
        c.targets = {TraceTarget{u"otel"_qs, u"http://127.0.0.1:9/v1/traces"_qs, {}}};
        c.maxQueueSize = 3;
        c.maxBatchSize = 3;
        c.scheduleDelayMs = 600'000;
        TraceExporter e(c, ModelList{});
        for (int i = 0; i < 5; ++i)
            e.record(record(), ChatRequest{}, {});
        QCOMPARE(e.queuedSpans(), 3);
        QCOMPARE(e.droppedSpans(), 2);
    }
};

QTEST_GUILESS_MAIN(TstOtlpSpans)
#include "tst_otlpspans.moc"
