#pragma once
// The router's HTTP clients. By default one HttpClient (httpclient.h) on the router's thread, whose
// connections per host follow Little's law. With a factory (tests and benchmarks replaying canned
// replies) QNetworkAccessManagers instead: one opens at most 6 HTTP/1.1 connections per host:port,
// so the pool adds a manager whenever every existing one already uses all its connections to a host.
#include <QHash>
#include <QString>

#include <functional>
#include <vector>

class QNetworkAccessManager;
class QObject;
class QUrl;

namespace wb {

class HttpClient;

class ConnectionPool {
public:
    using Factory = std::function<QNetworkAccessManager *(QObject *)>;

    /// Managers are created as children of `owner` (which deletes them).
    explicit ConnectionPool(QObject *owner) : m_owner(owner) {}

    /// Creates every future manager (tests and benchmarks pass a fake network).
    void setFactory(Factory factory) { m_factory = std::move(factory); }
    /// The router's own HTTP client, or null when a factory was set (then acquire() managers).
    HttpClient *client();
    /// "host:port" of a request URL: the unit a manager's connection limit applies to.
    static QString hostKey(const QUrl &url);
    /// The manager with the fewest calls in flight to this host (a new one when all are full);
    /// counts the call until release().
    QNetworkAccessManager *acquire(const QString &hostKey);
    void release(QNetworkAccessManager *nam, const QString &hostKey);
    int size() const { return int(m_slots.size()); }

private:
    struct Slot {
        QNetworkAccessManager *nam;
        QHash<QString, int> perHost;   // calls in flight
    };
    QObject *m_owner;
    Factory m_factory;
    std::vector<Slot> m_slots;
    HttpClient *m_client = nullptr;   // a child of m_owner, made on first use
};

} // namespace wb
