#include "core/telemetry/traceexporter.h"

#include "core/common/logging.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

namespace wb {

namespace {

// A receiver that does not answer must not collect requests: one batch per target in flight,
// a second one waits in the queue.
constexpr int kMaxInFlightPerTarget = 2;
constexpr int kTransferTimeoutMs = 10'000;

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return raw.toHex();
}

} // namespace

std::unique_ptr<TraceExporter> TraceExporter::forModelList(const ModelList &models, const QProcessEnvironment &env,
                                                           QStringList *warnings)
{
    TraceConfig config = traceConfigFor(models.telemetry, env);
    if (warnings)
        *warnings += config.warnings;
    if (config.targets.isEmpty())
        return nullptr;
    return std::make_unique<TraceExporter>(std::move(config), models);
}

TraceExporter::TraceExporter(TraceConfig config, const ModelList &models, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_runSalt(randomHex(16)), m_nam(new QNetworkAccessManager(this)),
      m_timer(new QTimer(this))
{
    for (const Deployment &d : models.deployments) {
        const QUrl base(d.effectiveApiBase());
        m_deployments.insert(d.id, {d.model, d.provider, base.host(), base.port(base.scheme() == u"http" ? 80 : 443)});
    }
    m_timer->setInterval(m_config.scheduleDelayMs);
    connect(m_timer, &QTimer::timeout, this, &TraceExporter::flush);
    m_timer->start();
}

TraceExporter::~TraceExporter()
{
    // The run is over. The spans still queued or on their way get to the receivers through a
    // manager that outlives the exporter and deletes itself once they are delivered or time out.
    if (!m_queue.isEmpty()) {
        const QByteArray body = exportRequest(m_queue, QCoreApplication::applicationVersion());
        for (const TraceTarget &t : std::as_const(m_config.targets))
            send(t, body, int(m_queue.size()));
    }
    if (m_dropped > 0)
        qCInfo(lcTelemetry) << "tracing: exported" << m_exported << "spans, dropped" << m_dropped;
    const QList<QNetworkReply *> replies = m_nam->findChildren<QNetworkReply *>();
    if (replies.isEmpty())
        return;
    QNetworkAccessManager *nam = m_nam;
    nam->setParent(nullptr);
    auto pending = std::make_shared<qsizetype>(replies.size());
    for (QNetworkReply *r : replies) {
        r->disconnect(this);
        connect(r, &QNetworkReply::finished, nam, [r, nam, pending] {
            r->deleteLater();
            if (--*pending == 0)
                nam->deleteLater();
        });
    }
}

void TraceExporter::record(const CallRecord &call, const ChatRequest &request, const QString &replyText)
{
    if (m_queue.size() >= m_config.maxQueueSize) {
        ++m_dropped;
        return;
    }
    // The attempts of one job share a trace.
    const QByteArray traceId = QCryptographicHash::hash(QByteArray(m_runSalt + QByteArray::number(call.jobId)), QCryptographicHash::Md5).toHex();
    m_queue.append(callSpan(call, m_deployments.value(call.deploymentId), request, replyText, m_config.logMessages, traceId,
                            randomHex(8)));
    if (m_queue.size() >= m_config.maxBatchSize && !m_flushQueued) {
        m_flushQueued = true;   // not inside the router's signal: on the next turn of the event loop
        QMetaObject::invokeMethod(this, [this] { flush(); }, Qt::QueuedConnection);
    }
}

void TraceExporter::flush()
{
    m_flushQueued = false;
    while (!m_queue.isEmpty()) {
        bool anyFree = false;
        for (const TraceTarget &t : std::as_const(m_config.targets))
            anyFree = anyFree || m_inFlight.value(t.name) < kMaxInFlightPerTarget;
        if (!anyFree)
            return;   // receivers busy: the spans wait (the queue's bound drops what does not fit)
        const int n = int(std::min<qsizetype>(m_queue.size(), m_config.maxBatchSize));
        const QByteArray body = exportRequest(m_queue.mid(0, n), QCoreApplication::applicationVersion());
        m_queue.remove(0, n);
        for (const TraceTarget &t : std::as_const(m_config.targets)) {
            if (m_inFlight.value(t.name) < kMaxInFlightPerTarget)
                send(t, body, n);
            else
                m_dropped += n;
        }
    }
}

void TraceExporter::send(const TraceTarget &target, const QByteArray &body, int spans)
{
    QNetworkRequest request{QUrl(target.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(kTransferTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    for (const auto &[name, value] : target.headers)
        request.setRawHeader(name, value);
    ++m_inFlight[target.name];
    QNetworkReply *reply = m_nam->post(request, body);
    const QString name = target.name;
    connect(reply, &QNetworkReply::finished, this, [this, reply, name, spans] {
        reply->deleteLater();
        --m_inFlight[name];
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool ok = status >= 200 && status < 300;
        if (ok) {
            m_exported += spans;
        } else {
            m_dropped += spans;
            // The URL and status only: headers carry credentials.
            qCDebug(lcTelemetry) << "tracing:" << name << "did not take" << spans << "spans:"
                                 << (status ? QString::number(status) : reply->errorString());
        }
        emit batchFinished(name, spans, ok);
        if (!m_queue.isEmpty() && m_queue.size() >= m_config.maxBatchSize)
            flush();
    });
}

} // namespace wb
