#include "core/telemetry/otlpspans.h"

#include "core/common/provider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace wb {

namespace {

QJsonObject attr(const QString &key, const QJsonObject &value)
{
    return QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("value"), value}};
}
QJsonObject str(const QString &key, const QString &v) { return attr(key, {{QStringLiteral("stringValue"), v}}); }
// OTLP JSON writes 64-bit integers as decimal strings.
QJsonObject integer(const QString &key, qint64 v) { return attr(key, {{QStringLiteral("intValue"), QString::number(v)}}); }
QJsonObject dbl(const QString &key, double v) { return attr(key, {{QStringLiteral("doubleValue"), v}}); }

QString nanos(qint64 ms) { return QString::number(ms) + QStringLiteral("000000"); }

QList<QPair<QByteArray, QByteArray>> parseHeaders(const QString &text)
{
    QList<QPair<QByteArray, QByteArray>> out;
    for (const QString &item : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype eq = item.indexOf(u'=');
        if (eq <= 0)
            continue;
        out.append({QUrl::fromPercentEncoding(item.left(eq).trimmed().toLatin1()).toLatin1(),
                    QUrl::fromPercentEncoding(item.mid(eq + 1).trimmed().toLatin1()).toUtf8()});
    }
    return out;
}

bool acceptable(const QString &url, bool carriesSecrets)
{
    const QUrl u(url);
    if (!u.isValid() || u.host().isEmpty())
        return false;
    if (u.scheme() == u"https")
        return true;
    return u.scheme() == u"http" && (!carriesSecrets || isLoopbackHost(u.host()));
}

int envInt(const QProcessEnvironment &env, const char *name, int fallback, int min, int max)
{
    bool ok = false;
    const int v = env.value(QLatin1String(name)).toInt(&ok);
    return ok ? std::clamp(v, min, max) : fallback;
}

QJsonArray messagePart(const QString &role, const QString &text)
{
    return QJsonArray{QJsonObject{{QStringLiteral("role"), role},
                                  {QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                                                   {QStringLiteral("content"), text}}}}}};
}

} // namespace

TraceConfig traceConfigFor(const TelemetrySettings &settings, const QProcessEnvironment &env)
{
    TraceConfig c;
    c.logMessages = settings.logMessages;
    c.scheduleDelayMs = envInt(env, "OTEL_BSP_SCHEDULE_DELAY", 5000, 10, 600'000);
    c.maxQueueSize = envInt(env, "OTEL_BSP_MAX_QUEUE_SIZE", 2048, 1, 1'000'000);
    c.maxBatchSize = std::min(c.maxQueueSize, envInt(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1, 100'000));
    if (settings.otel) {
        TraceTarget t;
        t.name = QStringLiteral("otel");
        t.url = env.value(QStringLiteral("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")).trimmed();
        if (t.url.isEmpty()) {
            QString base = env.value(QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT"), QStringLiteral("http://localhost:4318")).trimmed();
            while (base.endsWith(u'/'))
                base.chop(1);
            t.url = base + QStringLiteral("/v1/traces");
        }
        const QString headers = env.value(QStringLiteral("OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
                                          env.value(QStringLiteral("OTEL_EXPORTER_OTLP_HEADERS")));
        t.headers = parseHeaders(headers);
        if (acceptable(t.url, !t.headers.isEmpty()))
            c.targets.append(t);
        else
            c.warnings << QStringLiteral("otel: the OTLP endpoint %1 is not an https:// URL (plain http only to a loopback host "
                                         "when OTEL_EXPORTER_OTLP_HEADERS are set); calls are not traced there")
                              .arg(QUrl(t.url).toDisplayString(QUrl::RemoveUserInfo));
    }
    if (settings.langfuse) {
        const QString pk = env.value(QStringLiteral("LANGFUSE_PUBLIC_KEY")).trimmed();
        const QString sk = env.value(QStringLiteral("LANGFUSE_SECRET_KEY")).trimmed();
        QString host = env.value(QStringLiteral("LANGFUSE_OTEL_HOST"), env.value(QStringLiteral("LANGFUSE_HOST"))).trimmed();
        if (host.isEmpty())
            host = QStringLiteral("https://cloud.langfuse.com");
        while (host.endsWith(u'/'))
            host.chop(1);
        TraceTarget t;
        t.name = QStringLiteral("langfuse");
        t.url = host + QStringLiteral("/api/public/otel/v1/traces");
        t.headers.append({QByteArrayLiteral("Authorization"), "Basic " + (pk + u':' + sk).toUtf8().toBase64()});
        if (pk.isEmpty() || sk.isEmpty())
            c.warnings << QStringLiteral("langfuse: LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY must both be set; calls are not traced there");
        else if (!acceptable(t.url, true))
            c.warnings << QStringLiteral("langfuse: %1 is not an https:// URL (plain http only to a loopback host); calls are not traced there")
                              .arg(QUrl(host).toDisplayString(QUrl::RemoveUserInfo));
        else
            c.targets.append(t);
    }
    return c;
}

QJsonObject callSpan(const CallRecord &call, const SpanDeployment &dep, const ChatRequest &request,
                     const QString &replyText, bool logMessages, const QByteArray &traceId, const QByteArray &spanId)
{
    const ProviderTraits &traits = providerTraits(dep.provider);
    const qint64 startMs = call.startedAt.isValid() ? call.startedAt.toMSecsSinceEpoch() : 0;
    QJsonArray a{str(QStringLiteral("gen_ai.operation.name"), QStringLiteral("chat")),
                 str(QStringLiteral("gen_ai.provider.name"), QLatin1String(traits.genAiSystem)),
                 str(QStringLiteral("gen_ai.system"), QLatin1String(traits.genAiSystem)),
                 str(QStringLiteral("gen_ai.request.model"), dep.model),
                 integer(QStringLiteral("gen_ai.request.max_tokens"), request.maxTokens),
                 dbl(QStringLiteral("gen_ai.request.temperature"), request.temperature),
                 str(QStringLiteral("discernus.deployment.id"), call.deploymentId),
                 str(QStringLiteral("discernus.model_group"), call.group),
                 integer(QStringLiteral("discernus.job.id"), qint64(call.jobId)),
                 integer(QStringLiteral("discernus.latency_ms"), call.latencyMs),
                 dbl(QStringLiteral("gen_ai.usage.cost"), double(call.costMicros) / 1e6)};
    if (!dep.serverAddress.isEmpty())
        a.append(str(QStringLiteral("server.address"), dep.serverAddress));
    if (dep.serverPort > 0)
        a.append(integer(QStringLiteral("server.port"), dep.serverPort));
    if (call.httpStatus > 0)
        a.append(integer(QStringLiteral("http.response.status_code"), call.httpStatus));
    if (!call.modelVersion.isEmpty())
        a.append(str(QStringLiteral("gen_ai.response.model"), call.modelVersion));
    if (!call.requestId.isEmpty())
        a.append(str(QStringLiteral("gen_ai.response.id"), call.requestId));
    if (call.usage.reported) {
        a.append(integer(QStringLiteral("gen_ai.usage.input_tokens"), call.usage.promptTokens));
        a.append(integer(QStringLiteral("gen_ai.usage.output_tokens"), call.usage.completionTokens));
        a.append(integer(QStringLiteral("gen_ai.usage.cache_read.input_tokens"), call.usage.cachedTokens));
        a.append(integer(QStringLiteral("gen_ai.usage.cache_creation.input_tokens"), call.usage.cacheWriteTokens));
    }
    const bool failed = call.errorClass != ErrorClass::None;
    if (failed)
        a.append(str(QStringLiteral("error.type"), errorClassName(call.errorClass)));
    if (logMessages) {
        QJsonArray input;
        if (!request.system.isEmpty())
            input.append(messagePart(QStringLiteral("system"), request.system).first());
        input.append(messagePart(QStringLiteral("user"), request.user).first());
        a.append(str(QStringLiteral("gen_ai.input.messages"), QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact))));
        if (!failed)
            a.append(str(QStringLiteral("gen_ai.output.messages"),
                         QString::fromUtf8(QJsonDocument(messagePart(QStringLiteral("assistant"), replyText)).toJson(QJsonDocument::Compact))));
    }
    QJsonObject status{{QStringLiteral("code"), failed ? 2 : 1}};
    if (failed)
        status.insert(QStringLiteral("message"), call.errorMessage);
    return QJsonObject{{QStringLiteral("traceId"), QString::fromLatin1(traceId)},
                       {QStringLiteral("spanId"), QString::fromLatin1(spanId)},
                       {QStringLiteral("name"), QString(QStringLiteral("chat ") + dep.model)},
                       {QStringLiteral("kind"), 3},
                       {QStringLiteral("startTimeUnixNano"), nanos(startMs)},
                       {QStringLiteral("endTimeUnixNano"), nanos(startMs + call.latencyMs)},
                       {QStringLiteral("attributes"), a},
                       {QStringLiteral("status"), status}};
}

QByteArray exportRequest(const QList<QJsonObject> &spans, const QString &serviceVersion)
{
    QJsonArray spanArray;
    for (const QJsonObject &s : spans)
        spanArray.append(s);
    const QJsonObject resource{{QStringLiteral("attributes"),
                                QJsonArray{str(QStringLiteral("service.name"), QStringLiteral("discernus-workbench")),
                                           str(QStringLiteral("service.version"), serviceVersion)}}};
    const QJsonObject scope{{QStringLiteral("name"), QStringLiteral("discernus.router")}, {QStringLiteral("version"), serviceVersion}};
    const QJsonObject root{
        {QStringLiteral("resourceSpans"),
         QJsonArray{QJsonObject{{QStringLiteral("resource"), resource},
                                {QStringLiteral("scopeSpans"),
                                 QJsonArray{QJsonObject{{QStringLiteral("scope"), scope}, {QStringLiteral("spans"), spanArray}}}}}}}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

} // namespace wb
