#pragma once
// Exports every call as an OpenTelemetry span over OTLP/HTTP JSON, in batches, on the thread it
// lives on (the engine thread) without ever holding up a call: spans wait in a bounded queue and
// go out every OTEL_BSP_SCHEDULE_DELAY ms (or when a batch is full) with an asynchronous POST;
// when the queue is full or a receiver is down, spans are dropped and counted, and the run goes
// on (docs/PROVIDERS.md, "Tracing calls").
#include "core/telemetry/otlpspans.h"

#include <QHash>
#include <QObject>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace wb {

class TraceExporter final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TraceExporter)
public:
    /// The exporter a model list asks for (litellm_settings callbacks otel / langfuse), or null
    /// when it asks for none or no target is usable; `warnings` says why a named one is not used.
    static std::unique_ptr<TraceExporter> forModelList(const ModelList &models, const QProcessEnvironment &env,
                                                       QStringList *warnings = nullptr);

    TraceExporter(TraceConfig config, const ModelList &models, QObject *parent = nullptr);
    ~TraceExporter() override;

    /// Queues one call's span (slot for Router::callTraced, connected directly).
    void record(const wb::CallRecord &call, const wb::ChatRequest &request, const QString &replyText);
    /// Sends what is queued now (also on Router::idle, so a run's last spans are not held back).
    void flush();

    qint64 exportedSpans() const { return m_exported; }   ///< accepted by every receiver (2xx)
    qint64 droppedSpans() const { return m_dropped; }      ///< queue full or a receiver failed
    int queuedSpans() const { return int(m_queue.size()); }
    const TraceConfig &config() const { return m_config; }

signals:
    /// A batch's POST ended (`ok` = 2xx), for tests and diagnostics.
    void batchFinished(const QString &target, int spans, bool ok);

private:
    void send(const TraceTarget &target, const QByteArray &body, int spans);

    TraceConfig m_config;
    QHash<QString, SpanDeployment> m_deployments;   // by deployment id
    QByteArray m_runSalt;                            // trace ids differ between runs
    QList<QJsonObject> m_queue;
    QNetworkAccessManager *m_nam;
    QTimer *m_timer;
    QHash<QString, int> m_inFlight;                  // per target
    qint64 m_exported = 0;
    qint64 m_dropped = 0;
    bool m_flushQueued = false;
};

} // namespace wb
