#pragma once
// The router's own HTTP/1.1 client (docs/ARCHITECTURE.md, "CPU per call"). Everything happens on
// the router's thread: keep-alive connections per host:port, a request per connection at a time,
// whole-buffer reads and one write per request. QNetworkAccessManager costs several times more per
// call: a thread hop each way, an object moved across threads per request, and response headers
// read from the socket one byte per system call. The number of connections per host follows
// Little's law (connections = request rate x time on the wire), with headroom.
//
// Not supported, on purpose: redirects (a provider's API does not redirect a POST), compression
// (bodies come uncompressed), HTTP/2, pipelining. Proxies are the sockets' (the application proxy).
#include "core/providers/providertypes.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QNetworkReply>
#include <QObject>
#include <QSslConfiguration>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <vector>

class QAbstractSocket;
class QNetworkRequest;
class QUrl;

namespace wb {

class HttpClient;

/// One exchange. finished() is emitted once, unless abort() drops it quietly first.
class HttpReply final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpReply)
public:
    ~HttpReply() override;
    int status() const { return m_status; }   ///< 0: no HTTP reply
    const HeaderList &headers() const { return m_headers; }
    const QByteArray &body() const { return m_body; }
    QNetworkReply::NetworkError error() const { return m_error; }
    QString errorString() const { return m_errorString; }
    /// Every byte of the request was handed to the socket.
    bool isSent() const { return m_sent; }
    bool isFinished() const { return m_done; }
    /// Cancels without finished(); a connection in the middle of this exchange is closed.
    void abort();

signals:
    void sent();
    void finished();

private:
    friend class HttpClient;
    explicit HttpReply(QObject *parent) : QObject(parent) {}
    HttpClient *m_client = nullptr;
    QString m_hostKey;
    QByteArray m_request;                // the serialized request
    void *m_conn = nullptr;              // the connection carrying it (HttpClient's), null while waiting
    bool m_retried = false;
    bool m_sent = false;
    bool m_done = false;
    int m_status = 0;
    HeaderList m_headers;
    QByteArray m_body;
    QNetworkReply::NetworkError m_error = QNetworkReply::NoError;
    QString m_errorString;
};

class HttpClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpClient)
public:
    /// At most this many connections per host:port, whatever Little's law says.
    static constexpr int kMaxConnectionsPerHost = 256;
    /// Never fewer than this (the target before the first reply is the maximum).
    static constexpr int kMinConnectionsPerHost = 8;
    /// How long the largest burst that found a connection for every request is remembered: the
    /// target stays at least that many (a window of the providers' limits, and as long again:
    /// docs/ARCHITECTURE.md, "CPU per call").
    static constexpr qint64 kBurstMemoryMs = 120'000;

    explicit HttpClient(QObject *parent = nullptr);
    ~HttpClient() override;

    /// Sends a POST (http or https) as soon as a connection to its host is free; the reply is a
    /// child of `parent`. Deleting the reply cancels it.
    HttpReply *post(const QNetworkRequest &request, const QByteArray &body, QObject *parent);
    /// TLS settings of every future https connection (CAs, protocols); by default the
    /// application's (QSslConfiguration::defaultConfiguration()), which verifies the peer and its
    /// host name against the system's CAs.
    void setSslConfiguration(const QSslConfiguration &config) { m_ssl = config; }
    QSslConfiguration sslConfiguration() const { return m_ssl.value_or(QSslConfiguration::defaultConfiguration()); }
    /// Open connections, over every host.
    int connectionCount() const;
    /// The connection target of a host ("host:port"); kMaxConnectionsPerHost before any reply.
    int connectionTarget(const QString &hostKey) const;
    /// The key this client files a request URL's host under (connectionTarget's argument).
    static QString hostKeyOf(const QUrl &url);
    /// How long the largest burst is remembered (kBurstMemoryMs; tests shorten it).
    void setBurstMemoryMs(qint64 ms) { m_burstMemoryMs = ms; }

    /// Little's law with headroom: the connections a host needs for `ratePerS` requests a
    /// second that each spend `wireMs` on a connection, within the bounds above. Pure.
    static int targetConnections(double ratePerS, double wireMs);

private:
    struct Connection;
    struct Host;
    friend class HttpReply;

    Host &hostFor(const QUrl &url);
    void pump(Host &h);
    Connection *open(Host &h);
    void assign(Connection *c, HttpReply *r);
    void onConnected(Connection *c);
    void onReadyRead(Connection *c);
    void onBytesWritten(Connection *c, qint64 n);
    void onClosed(Connection *c, QAbstractSocket::SocketError err, const QString &text);
    /// Parses what has arrived; true when the exchange is complete.
    bool parse(Connection *c);
    void complete(Connection *c);
    void fail(HttpReply *r, QNetworkReply::NetworkError err, const QString &text);
    void drop(Connection *c);
    void cancel(HttpReply *r);
    void observe(Host &h, qint64 wireMs);

    QElapsedTimer m_clock;
    qint64 m_burstMemoryMs = kBurstMemoryMs;
    std::optional<QSslConfiguration> m_ssl;   // unset: the default at the time of each connection
    std::map<QString, std::unique_ptr<Host>> m_hosts;
};

} // namespace wb
