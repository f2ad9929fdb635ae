#pragma once
// Pure parts of call tracing: where spans go (from the model list's litellm_settings callbacks and
// the OTEL_* / LANGFUSE_* environment), and one call as an OTLP/HTTP JSON span with the
// OpenTelemetry GenAI semantic conventions (docs/PROVIDERS.md, "Tracing calls"). No I/O.
#include "core/config/modellist.h"
#include "core/providers/providertypes.h"
#include "core/storage/records.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace wb {

/// One OTLP/HTTP receiver spans are sent to.
struct TraceTarget {
    QString name;                                    ///< "otel" | "langfuse"
    QString url;                                     ///< .../v1/traces
    QList<QPair<QByteArray, QByteArray>> headers;    ///< auth headers: secrets, never logged
};

struct TraceConfig {
    QList<TraceTarget> targets;      ///< empty: tracing is off
    bool logMessages = false;        ///< prompt and reply as gen_ai.input/output.messages
    int scheduleDelayMs = 5000;      ///< OTEL_BSP_SCHEDULE_DELAY
    int maxQueueSize = 2048;         ///< OTEL_BSP_MAX_QUEUE_SIZE
    int maxBatchSize = 512;          ///< OTEL_BSP_MAX_EXPORT_BATCH_SIZE
    QStringList warnings;            ///< callbacks named but not usable (never quoting a secret)
};

/// Where the model list's callbacks send spans, read from `env`:
///  otel: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (as is) or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces,
///        headers from OTEL_EXPORTER_OTLP_(TRACES_)HEADERS ("k=v,k2=v2");
///  langfuse: (LANGFUSE_OTEL_HOST or LANGFUSE_HOST, default https://cloud.langfuse.com) +
///        /api/public/otel/v1/traces, Basic auth from LANGFUSE_PUBLIC_KEY:LANGFUSE_SECRET_KEY.
/// Plain http is accepted only to a loopback host when credentials travel with the spans.
TraceConfig traceConfigFor(const TelemetrySettings &settings, const QProcessEnvironment &env);

/// What a span says about the deployment beyond the call record.
struct SpanDeployment {
    QString model;          ///< gen_ai.request.model
    QString provider;       ///< model-list prefix
    QString serverAddress;  ///< host of the effective api_base
    int serverPort = 0;
};

/// One call as an OTLP span object. `traceId` (32 hex) groups the attempts of one job; `spanId`
/// is 16 hex. The prompt and the reply are included only when `logMessages`. Never carries a
/// key or a header.
QJsonObject callSpan(const CallRecord &call, const SpanDeployment &deployment, const ChatRequest &request,
                     const QString &replyText, bool logMessages, const QByteArray &traceId, const QByteArray &spanId);

/// The ExportTraceServiceRequest JSON for spans of this process.
QByteArray exportRequest(const QList<QJsonObject> &spans, const QString &serviceVersion);

} // namespace wb
