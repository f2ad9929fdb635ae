#include "core/router/routercall.h"

#include "core/providers/provideradapter.h"
#include "core/router/httpclient.h"

#include <QNetworkAccessManager>
#include <QTimer>

#include <algorithm>
#include <limits>

namespace wb {

CallDeadlines::CallDeadlines(QObject *parent) : QObject(parent), m_timer(this)
{
    m_clock.start();
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &CallDeadlines::expire);
}

CallDeadlines::Handle CallDeadlines::add(RouterCall *call, qint64 timeoutMs)
{
    const Handle h = m_byDeadline.emplace(m_clock.elapsed() + timeoutMs, call);
    // Calls of one deployment share a timeout, so a new deadline is rarely the earliest: the
    // timer is only touched when it is.
    if (m_armedFor < 0 || h->first < m_armedFor)
        arm();
    return h;
}

void CallDeadlines::remove(Handle h)
{
    // Lazily: the timer may fire for a deadline that is gone and then re-arms for the next one.
    m_byDeadline.erase(h);
}

void CallDeadlines::arm()
{
    if (m_byDeadline.empty()) {
        m_timer.stop();
        m_armedFor = -1;
        return;
    }
    m_armedFor = m_byDeadline.begin()->first;
    const qint64 ms = std::clamp<qint64>(m_armedFor - m_clock.elapsed(), 0, std::numeric_limits<int>::max() / 2);
    m_timer.start(int(ms));
}

void CallDeadlines::expire()
{
    m_armedFor = -1;
    const qint64 now = m_clock.elapsed();
    while (!m_byDeadline.empty() && m_byDeadline.begin()->first <= now) {
        RouterCall *call = m_byDeadline.begin()->second;
        m_byDeadline.erase(m_byDeadline.begin());
        call->m_deadline.reset();
        call->onTimeout();   // may finish other calls and remove their deadlines: none is held here
    }
    arm();
}

RouterCall::RouterCall(QNetworkAccessManager *nam, qint64 timeoutMs, QObject *parent, CallDeadlines *deadlines)
    : QObject(parent), m_nam(nam), m_timeoutMs(timeoutMs), m_deadlines(deadlines)
{
}

RouterCall::RouterCall(HttpClient *client, qint64 timeoutMs, QObject *parent, CallDeadlines *deadlines)
    : QObject(parent), m_client(client), m_timeoutMs(timeoutMs), m_deadlines(deadlines)
{
}

void RouterCall::stopTimeout()
{
    if (m_timer)
        m_timer->stop();
    if (m_deadline) {
        m_deadlines->remove(*m_deadline);
        m_deadline.reset();
    }
}

RouterCall::~RouterCall()
{
    stopTimeout();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void RouterCall::start(const BuiltRequest &req)
{
    if (m_client) {
        m_http = m_client->post(req.request, req.body, this);
        connect(m_http, &HttpReply::finished, this, &RouterCall::onReplyFinished);
        connect(m_http, &HttpReply::sent, this, [this] {
            if (!m_sent) {
                m_sent = true;
                emit sent(this);
            }
        });
        startTimeout();
        return;
    }
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
    startTimeout();
}

void RouterCall::startTimeout()
{
    if (m_timeoutMs > 0 && m_deadlines) {
        m_deadline = m_deadlines->add(this, m_timeoutMs);
    } else if (m_timeoutMs > 0) {
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
    stopTimeout();
    if (m_http)
        m_http->abort();
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
    if (m_done)
        return;
    if (m_http) {
        m_timedOut = true;
        m_http->abort();   // quiet
        onReplyFinished();
        return;
    }
    if (!m_reply)
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
    stopTimeout();
    if (m_http) {
        m_status = m_timedOut ? 0 : m_http->status();
        m_error = m_timedOut ? QNetworkReply::OperationCanceledError : m_http->error();
        m_errorString = m_timedOut ? QStringLiteral("timed out") : m_http->errorString();
        if (m_status > 0) {
            m_headers = m_http->headers();
            m_body = m_http->body();
        }
        emit finished(this);
        deleteLater();
        return;
    }
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
