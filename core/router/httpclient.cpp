#include "core/router/httpclient.h"

#include "core/common/check.h"
#include "core/common/logging.h"

#include <QNetworkRequest>
#include <QSslSocket>
#include <QTcpSocket>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <optional>

namespace wb {

namespace {

QNetworkReply::NetworkError networkError(QAbstractSocket::SocketError e)
{
    using S = QAbstractSocket::SocketError;
    using N = QNetworkReply::NetworkError;
    switch (e) {
    case S::ConnectionRefusedError: return N::ConnectionRefusedError;
    case S::RemoteHostClosedError: return N::RemoteHostClosedError;
    case S::HostNotFoundError: return N::HostNotFoundError;
    case S::SocketTimeoutError: return N::TimeoutError;
    case S::SslHandshakeFailedError: return N::SslHandshakeFailedError;
    case S::NetworkError: return N::TemporaryNetworkFailureError;
    case S::ProxyConnectionRefusedError: return N::ProxyConnectionRefusedError;
    case S::ProxyNotFoundError: return N::ProxyNotFoundError;
    case S::ProxyConnectionClosedError: return N::ProxyConnectionClosedError;
    case S::ProxyConnectionTimeoutError: return N::ProxyTimeoutError;
    case S::ProxyAuthenticationRequiredError: return N::ProxyAuthenticationRequiredError;
    default: return N::UnknownNetworkError;
    }
}

bool isToken(const QByteArray &value, const char *token)
{
    for (const QByteArray &part : value.split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QByteArray serialize(const QNetworkRequest &request, const QByteArray &body)
{
    const QUrl url = request.url();
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int defaultPort = url.scheme() == u"https" ? 443 : 80;
    if (url.port() != -1 && url.port() != defaultPort)
        host += ':' + QByteArray::number(url.port());
    QByteArray out;
    out.reserve(256 + body.size());
    out += "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
    const QList<QByteArray> names = request.rawHeaderList();
    for (const QByteArray &name : names) {
        if (name.compare("host", Qt::CaseInsensitive) == 0 || name.compare("content-length", Qt::CaseInsensitive) == 0)
            continue;
        out += name + ": " + request.rawHeader(name) + "\r\n";
    }
    if (!request.hasRawHeader("Content-Type") && request.header(QNetworkRequest::ContentTypeHeader).isValid())
        out += "Content-Type: " + request.header(QNetworkRequest::ContentTypeHeader).toByteArray() + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    out += body;
    return out;
}

} // namespace

struct HttpClient::Connection {
    Host *host = nullptr;
    QAbstractSocket *socket = nullptr;
    HttpReply *reply = nullptr;
    bool ready = false;              // connected (and encrypted)
    int served = 0;                  // exchanges completed on it
    qint64 written = 0;
    qint64 startMs = 0;
    QByteArray buf;
    // Parse state of the current exchange.
    enum class St { Status, Headers, Body, ChunkSize, ChunkData, ChunkEnd, Trailer, UntilClose } st = St::Status;
    qint64 remaining = 0;
    bool closeAfter = false;
    bool received = false;           // a byte of this exchange's reply arrived
    bool http10 = false;
};

struct HttpClient::Host {
    QString key, name;
    quint16 port = 0;
    bool tls = false;
    std::vector<std::unique_ptr<Connection>> conns;
    std::deque<HttpReply *> waiting;
    // Little's law inputs: requests per second and time on the wire, both smoothed.
    double ratePerS = 0, wireMs = 0;
    qint64 rateSince = -1;
    int arrivals = 0;
    bool sampled = false;
    int target = kMaxConnectionsPerHost;
    // The most requests in flight at once while none waited, remembered from `peakAt` on.
    int peak = 0;
    qint64 peakAt = 0;
};

HttpReply::~HttpReply()
{
    if (!m_done && m_client)
        m_client->cancel(this);
}

void HttpReply::abort()
{
    if (m_done)
        return;
    if (m_client)
        m_client->cancel(this);
    m_done = true;
    m_error = QNetworkReply::OperationCanceledError;
    m_errorString = QStringLiteral("cancelled");
}

HttpClient::HttpClient(QObject *parent) : QObject(parent)
{
    m_clock.start();
}

HttpClient::~HttpClient()
{
    for (auto &[key, h] : m_hosts) {
        for (HttpReply *r : h->waiting)
            r->m_client = nullptr;
        for (auto &c : h->conns) {
            if (c->reply)
                c->reply->m_client = nullptr;
            c->socket->disconnect(this);
            c->socket->abort();
            delete c->socket;
        }
    }
}

int HttpClient::targetConnections(double ratePerS, double wireMs)
{
    // Half again what the averages need, plus a few, so a burst does not wait for a connection.
    const double need = ratePerS * wireMs / 1000.0;
    const int n = int(std::ceil(need * 1.5)) + kMinConnectionsPerHost;
    return std::clamp(n, kMinConnectionsPerHost, kMaxConnectionsPerHost);
}

int HttpClient::connectionCount() const
{
    int n = 0;
    for (const auto &[key, h] : m_hosts)
        n += int(h->conns.size());
    return n;
}

int HttpClient::connectionTarget(const QString &hostKey) const
{
    auto it = m_hosts.find(hostKey);
    return it == m_hosts.end() ? kMaxConnectionsPerHost : it->second->target;
}

QString HttpClient::hostKeyOf(const QUrl &url)
{
    const bool tls = url.scheme() == u"https";
    return url.host() + QLatin1Char(':') + QString::number(url.port(tls ? 443 : 80)) + (tls ? u"+tls"_qs : QString());
}

HttpClient::Host &HttpClient::hostFor(const QUrl &url)
{
    const QString key = hostKeyOf(url);
    auto &slot = m_hosts[key];
    if (!slot) {
        const bool tls = url.scheme() == u"https";
        const quint16 port = quint16(url.port(tls ? 443 : 80));
        slot = std::make_unique<Host>();
        slot->key = key;
        slot->name = url.host();
        slot->port = port;
        slot->tls = tls;
    }
    return *slot;
}

HttpReply *HttpClient::post(const QNetworkRequest &request, const QByteArray &body, QObject *parent)
{
    auto *r = new HttpReply(parent);
    r->m_client = this;
    const QUrl url = request.url();
    if (url.scheme() != u"http" && url.scheme() != u"https") {
        r->m_client = nullptr;
        r->m_done = true;
        r->m_error = QNetworkReply::ProtocolUnknownError;
        r->m_errorString = QStringLiteral("unsupported URL scheme \"%1\"").arg(url.scheme());
        QMetaObject::invokeMethod(r, &HttpReply::finished, Qt::QueuedConnection);
        return r;
    }
    Host &h = hostFor(url);
    r->m_hostKey = h.key;
    r->m_request = serialize(request, body);
    ++h.arrivals;
    h.waiting.push_back(r);
    pump(h);
    return r;
}

void HttpClient::pump(Host &h)
{
    while (!h.waiting.empty()) {
        Connection *idle = nullptr;
        for (auto &c : h.conns)
            if (c->ready && !c->reply) {
                idle = c.get();
                break;
            }
        if (!idle) {
            if (int(h.conns.size()) >= h.target)
                return;   // the first connection to free up takes the next request
            idle = open(h);
        }
        HttpReply *r = h.waiting.front();
        h.waiting.pop_front();
        assign(idle, r);
    }
    // More connections than the target and nothing waiting: close the idle surplus.
    for (size_t i = 0; i < h.conns.size() && int(h.conns.size()) > h.target;) {
        Connection *c = h.conns[i].get();
        if (c->ready && !c->reply)
            drop(c);
        else
            ++i;
    }
}

HttpClient::Connection *HttpClient::open(Host &h)
{
    auto owned = std::make_unique<Connection>();
    Connection *c = owned.get();
    c->host = &h;
    if (h.tls) {
        auto *s = new QSslSocket;
        // Never ignoreSslErrors(): an untrusted or misnamed certificate fails the handshake
        // (SslHandshakeFailedError) before a byte of the request is written.
        if (m_ssl)
            s->setSslConfiguration(*m_ssl);
        s->setPeerVerifyMode(QSslSocket::VerifyPeer);
        c->socket = s;
        connect(s, &QSslSocket::encrypted, this, [this, c] { onConnected(c); });
    } else {
        c->socket = new QTcpSocket;
        connect(c->socket, &QAbstractSocket::connected, this, [this, c] { onConnected(c); });
    }
    c->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(c->socket, &QIODevice::readyRead, this, [this, c] { onReadyRead(c); });
    connect(c->socket, &QIODevice::bytesWritten, this, [this, c](qint64 n) { onBytesWritten(c, n); });
    connect(c->socket, &QAbstractSocket::errorOccurred, this,
            [this, c](QAbstractSocket::SocketError e) { onClosed(c, e, c->socket->errorString()); });
    connect(c->socket, &QAbstractSocket::disconnected, this,
            [this, c] { onClosed(c, QAbstractSocket::RemoteHostClosedError, QStringLiteral("connection closed")); });
    h.conns.push_back(std::move(owned));
    if (h.tls)
        static_cast<QSslSocket *>(c->socket)->connectToHostEncrypted(h.name, h.port);
    else
        c->socket->connectToHost(h.name, h.port);
    return c;
}

void HttpClient::assign(Connection *c, HttpReply *r)
{
    c->reply = r;
    r->m_conn = c;
    c->written = 0;
    c->st = Connection::St::Status;
    c->remaining = 0;
    c->closeAfter = false;
    c->received = false;
    c->http10 = false;
    r->m_status = 0;
    r->m_headers.clear();
    r->m_body.clear();
    c->startMs = m_clock.elapsed();
    if (c->ready)
        c->socket->write(r->m_request);
}

void HttpClient::onConnected(Connection *c)
{
    c->ready = true;
    if (c->reply) {
        c->startMs = m_clock.elapsed();
        c->socket->write(c->reply->m_request);
    } else {
        pump(*c->host);
    }
}

void HttpClient::onBytesWritten(Connection *c, qint64 n)
{
    HttpReply *r = c->reply;
    if (!r)
        return;
    c->written += n;
    if (!r->m_sent && c->written >= r->m_request.size()) {
        r->m_sent = true;
        emit r->sent();
    }
}

void HttpClient::onReadyRead(Connection *c)
{
    c->buf += c->socket->readAll();
    if (!c->reply) {
        // Bytes nobody asked for on an idle connection: it cannot be trusted any more.
        if (!c->buf.isEmpty())
            drop(c);
        return;
    }
    c->received = true;
    if (parse(c))
        complete(c);
}

bool HttpClient::parse(Connection *c)
{
    using St = Connection::St;
    HttpReply *r = c->reply;
    qsizetype pos = 0;
    const QByteArray &b = c->buf;
    auto line = [&](QByteArray &out) {
        const qsizetype end = b.indexOf("\r\n", pos);
        if (end < 0)
            return false;
        out = b.mid(pos, end - pos);
        pos = end + 2;
        return true;
    };
    bool done = false;
    bool bad = false;
    QByteArray l;
    while (!done && !bad) {
        if (c->st == St::Status) {
            if (!line(l))
                break;
            // HTTP/1.1 200 OK
            if (!l.startsWith("HTTP/1.") || l.size() < 12) {
                bad = true;
                break;
            }
            c->http10 = l.at(7) == '0';
            bool ok = false;
            r->m_status = l.mid(9, 3).toInt(&ok);
            if (!ok) {
                bad = true;
                break;
            }
            r->m_headers.clear();
            c->closeAfter = c->http10;
            c->st = St::Headers;
        } else if (c->st == St::Headers) {
            if (!line(l))
                break;
            if (!l.isEmpty()) {
                const qsizetype colon = l.indexOf(':');
                if (colon <= 0) {
                    bad = true;
                    break;
                }
                r->m_headers.append({l.left(colon).trimmed(), l.mid(colon + 1).trimmed()});
                continue;
            }
            // End of the headers.
            if (r->m_status >= 100 && r->m_status < 200) {
                c->st = St::Status;   // 100 Continue, 103 Early Hints: the real status follows
                continue;
            }
            std::optional<qint64> length;
            bool chunked = false;
            for (const auto &[name, value] : std::as_const(r->m_headers)) {
                if (name.compare("content-length", Qt::CaseInsensitive) == 0) {
                    bool ok = false;
                    length = value.toLongLong(&ok);
                    if (!ok || *length < 0) {
                        bad = true;
                        break;
                    }
                } else if (name.compare("transfer-encoding", Qt::CaseInsensitive) == 0) {
                    chunked = isToken(value, "chunked");
                } else if (name.compare("connection", Qt::CaseInsensitive) == 0) {
                    if (isToken(value, "close"))
                        c->closeAfter = true;
                    else if (isToken(value, "keep-alive"))
                        c->closeAfter = false;
                }
            }
            if (bad)
                break;
            if (r->m_status == 204 || r->m_status == 304) {
                done = true;
            } else if (chunked) {
                c->st = St::ChunkSize;
            } else if (length) {
                c->remaining = *length;
                c->st = St::Body;
                done = c->remaining == 0;
            } else {
                c->st = St::UntilClose;   // the body ends when the server closes
                c->closeAfter = true;
            }
        } else if (c->st == St::Body || c->st == St::ChunkData) {
            const qint64 n = std::min<qint64>(c->remaining, b.size() - pos);
            r->m_body.append(b.constData() + pos, n);
            pos += n;
            c->remaining -= n;
            if (c->remaining > 0)
                break;
            if (c->st == St::Body)
                done = true;
            else
                c->st = St::ChunkEnd;
        } else if (c->st == St::ChunkSize) {
            if (!line(l))
                break;
            const qsizetype semi = l.indexOf(';');
            bool ok = false;
            c->remaining = (semi < 0 ? l : l.left(semi)).trimmed().toLongLong(&ok, 16);
            if (!ok || c->remaining < 0) {
                bad = true;
                break;
            }
            c->st = c->remaining == 0 ? St::Trailer : St::ChunkData;
        } else if (c->st == St::ChunkEnd) {
            if (!line(l))
                break;
            if (!l.isEmpty()) {
                bad = true;
                break;
            }
            c->st = St::ChunkSize;
        } else if (c->st == St::Trailer) {
            if (!line(l))
                break;
            done = l.isEmpty();
        } else {   // UntilClose
            r->m_body.append(b.constData() + pos, b.size() - pos);
            pos = b.size();
            break;
        }
    }
    c->buf.remove(0, pos);
    if (bad) {
        HttpReply *reply = c->reply;
        c->reply = nullptr;
        reply->m_conn = nullptr;
        drop(c);
        fail(reply, QNetworkReply::ProtocolFailure, QStringLiteral("malformed HTTP reply"));
        return false;
    }
    return done;
}

void HttpClient::complete(Connection *c)
{
    HttpReply *r = c->reply;
    Host &h = *c->host;
    c->reply = nullptr;
    r->m_conn = nullptr;
    r->m_done = true;
    r->m_client = nullptr;
    ++c->served;
    observe(h, m_clock.elapsed() - c->startMs);
    if (c->closeAfter || !c->buf.isEmpty())
        drop(c);
    pump(h);   // the freed connection takes the next request before the reply is handled
    emit r->finished();
}

void HttpClient::observe(Host &h, qint64 wireMs)
{
    // Smoothed over roughly the last hundred replies; the rate over windows of at least 200 ms.
    const double w = double(std::max<qint64>(wireMs, 0));
    h.wireMs = h.sampled ? h.wireMs + (w - h.wireMs) * 0.02 : w;
    const qint64 now = m_clock.elapsed();
    // A burst that found a connection for every request (the one just answered included) needs as
    // many again when it comes back: a rate-limited run sends its calls in bursts as windows
    // open, and the rate averaged over the quiet in between would close them all but a few.
    // While requests wait, the load is not bursts: the rate alone says what it needs.
    if (h.waiting.empty()) {
        const int busy = 1 + int(std::count_if(h.conns.cbegin(), h.conns.cend(), [](const auto &c) { return c->reply != nullptr; }));
        if (busy >= h.peak || now - h.peakAt > m_burstMemoryMs) {
            h.peak = busy;
            h.peakAt = now;
        }
    }
    if (h.rateSince < 0) {
        h.rateSince = now;
        h.arrivals = 0;
    } else if (now - h.rateSince >= 200) {
        const double rate = double(h.arrivals) * 1000.0 / double(now - h.rateSince);
        h.ratePerS = h.sampled ? h.ratePerS + (rate - h.ratePerS) * 0.3 : rate;
        h.rateSince = now;
        h.arrivals = 0;
        h.sampled = true;
        h.target = std::max(targetConnections(h.ratePerS, h.wireMs),
                            now - h.peakAt <= m_burstMemoryMs ? std::min(h.peak, int(kMaxConnectionsPerHost)) : 0);
    }
}

void HttpClient::onClosed(Connection *c, QAbstractSocket::SocketError err, const QString &text)
{
    Host &h = *c->host;
    HttpReply *r = c->reply;
    if (r && c->st == Connection::St::UntilClose && err == QAbstractSocket::RemoteHostClosedError) {
        c->buf += c->socket->readAll();
        parse(c);
        complete(c);   // drops the connection (closeAfter)
        return;
    }
    c->reply = nullptr;
    const bool reused = c->served > 0;
    const bool answered = c->received;
    drop(c);   // deletes c
    if (r) {
        r->m_conn = nullptr;
        // A kept-alive connection the server closed before answering: the request never reached
        // it (the race every HTTP/1.1 client meets), so it is sent once more on a new connection.
        if (reused && !answered && !r->m_retried && err == QAbstractSocket::RemoteHostClosedError) {
            r->m_retried = true;
            r->m_sent = false;
            h.waiting.push_front(r);
        } else {
            fail(r, networkError(err), text);
        }
    }
    pump(h);
}

void HttpClient::fail(HttpReply *r, QNetworkReply::NetworkError err, const QString &text)
{
    r->m_done = true;
    r->m_client = nullptr;
    r->m_status = 0;
    r->m_error = err;
    r->m_errorString = text;
    emit r->finished();
}

void HttpClient::drop(Connection *c)
{
    Host &h = *c->host;
    c->socket->disconnect(this);
    c->socket->abort();
    c->socket->deleteLater();
    auto it = std::find_if(h.conns.begin(), h.conns.end(), [c](const auto &p) { return p.get() == c; });
    if (WB_CHECK(it != h.conns.end()))
        h.conns.erase(it);   // deletes c
}

void HttpClient::cancel(HttpReply *r)
{
    auto it = m_hosts.find(r->m_hostKey);
    r->m_client = nullptr;
    if (it == m_hosts.end())
        return;
    Host &h = *it->second;
    if (auto *c = static_cast<Connection *>(r->m_conn)) {
        r->m_conn = nullptr;
        c->reply = nullptr;
        drop(c);   // mid-exchange: the connection cannot carry another request
        QMetaObject::invokeMethod(this, [this, key = h.key] {
            auto hit = m_hosts.find(key);
            if (hit != m_hosts.end())
                pump(*hit->second);
        }, Qt::QueuedConnection);
        return;
    }
    h.waiting.erase(std::remove(h.waiting.begin(), h.waiting.end(), r), h.waiting.end());
}

} // namespace wb
