#include "core/router/connectionpool.h"

#include "core/router/httpclient.h"

#include <QNetworkAccessManager>
#include <QUrl>

namespace wb {

namespace {
// QNetworkAccessManager opens at most 6 HTTP/1.1 connections per host:port.
constexpr int kConnectionsPerManager = 6;
constexpr int kMaxManagers = 64;
} // namespace

HttpClient *ConnectionPool::client()
{
    if (m_factory)
        return nullptr;
    if (!m_client)
        m_client = new HttpClient(m_owner);
    return m_client;
}

QString ConnectionPool::hostKey(const QUrl &url)
{
    return url.host() + QLatin1Char(':') + QString::number(url.port(url.scheme() == u"https" ? 443 : 80));
}

QNetworkAccessManager *ConnectionPool::acquire(const QString &hostKey)
{
    Slot *best = nullptr;
    for (Slot &s : m_slots) {
        if (!best || s.perHost.value(hostKey) < best->perHost.value(hostKey))
            best = &s;
    }
    if ((!best || best->perHost.value(hostKey) >= kConnectionsPerManager) && int(m_slots.size()) < kMaxManagers) {
        QNetworkAccessManager *nam = m_factory ? m_factory(m_owner) : new QNetworkAccessManager(m_owner);
        if (!nam->parent())
            nam->setParent(m_owner);
        m_slots.push_back(Slot{nam, {}});
        best = &m_slots.back();
    }
    best->perHost[hostKey] += 1;
    return best->nam;
}

void ConnectionPool::release(QNetworkAccessManager *nam, const QString &hostKey)
{
    for (Slot &s : m_slots) {
        if (s.nam == nam)
            s.perHost[hostKey] -= 1;
    }
}

} // namespace wb
