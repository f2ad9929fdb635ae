#include "core/router/routercall.h"

#include "core/providers/provideradapter.h"

#include <QNetworkAccessManager>
#include <QTimer>

namespace wb {

RouterCall::RouterCall(QNetworkAccessManager *nam, qint64 timeoutMs, QObject *parent)
    : QObject(parent), m_nam(nam), m_timeoutMs(timeoutMs)
{
}

RouterCall::~RouterCall()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void RouterCall::start(const BuiltRequest &req)
{
    QNetworkRequest r = req.request;
    // QNAM may try an HTTP/2 upgrade on cleartext connections; local simulators and
    // OpenAI-compatible servers on plain http speak HTTP/1.1.
    if (r.url().scheme() == u"http")
        r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    m_reply = m_nam->post(r, req.body);
    connect(m_reply, &QNetworkReply::finished, this, &RouterCall::onReplyFinished);
    connect(m_reply, &QNetworkReply::uploadProgress, this, [this](qint64 done, qint64 total) {
        if (!m_sent && total > 0 && done >= total) {
            m_sent = true;
            emit sent(this);
        }
    });
    if (m_timeoutMs > 0) {
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        m_timer->setTimerType(Qt::CoarseTimer);
        connect(m_timer, &QTimer::timeout, this, &RouterCall::onTimeout);
        m_timer->start(int(std::min<qint64>(m_timeoutMs, std::numeric_limits<int>::max())));
    }
}

void RouterCall::abort()
{
    if (m_done)
        return;
    m_done = true;
    if (m_timer)
        m_timer->stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    deleteLater();
}

void RouterCall::onTimeout()
{
    if (m_done || !m_reply)
        return;
    m_timedOut = true;
    m_reply->abort();   // finished() follows (synchronously or not); onReplyFinished reports it
    if (!m_done)
        onReplyFinished();
}

void RouterCall::onReplyFinished()
{
    if (m_done)
        return;
    m_done = true;
    if (m_timer)
        m_timer->stop();
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    if (reply) {
        reply->disconnect(this);
        m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_error = reply->error();
        m_errorString = reply->errorString();
        if (m_status > 0 && !m_timedOut) {
            m_headers = reply->rawHeaderPairs();
            m_body = reply->readAll();
        }
        reply->deleteLater();
    }
    if (m_timedOut)
        m_status = 0;
    emit finished(this);
    deleteLater();
}

} // namespace wb
