#include "core/sim/simserver.h"

#include <cstdio>

#include "core/common/check.h"
#include "core/common/logging.h"
#include "core/sim/dialects/simoauth.h"
#include "core/sim/simmodes.h"

#include <QDateTime>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <cmath>

namespace wb::sim {

using dialect_detail::toJson;

namespace {

enum Fault { NoFault = -1, FHttp500 = 0, FOverloaded, FReset, FHang, FMalformed, FInvalidJson, FaultCount };

/// The provider's own count of a prompt: the key's count_factor inflates it, as a tokenizer far
/// from the client's estimate would (its replies, windows and count-tokens answers all agree).
qint64 providerPromptCount(const SimCall &call, qint64 tokens)
{
    const double f = call.key ? call.key->countFactor : 1.0;
    return f == 1.0 ? tokens : qint64(std::llround(double(tokens) * f));
}

} // namespace

SimServer::SimServer(SimConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_daily(m_config.dayMs)
{
    for (const SimKey &k : std::as_const(m_config.keys))
        m_keys.insert(k.key, k);
}

SimServer::~SimServer() { close(); }

Result<quint16> SimServer::listen()
{
    const QString host = m_config.host.isEmpty() ? QStringLiteral("127.0.0.1") : m_config.host;
    QHostAddress address;
    if (host == u"localhost")
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(host))
        return fail(QStringLiteral("\"%1\" is not an IP address; the simulator listens on 127.0.0.1 or ::1 only").arg(host));
    if (!address.isLoopback())
        return fail(QStringLiteral("refusing to listen on %1: the simulator listens on loopback addresses (127.0.0.1, ::1) only").arg(host));

    m_server = new QTcpServer(this);
    m_server->setMaxPendingConnections(1024);
    connect(m_server, &QTcpServer::newConnection, this, &SimServer::onNewConnection);
    if (!m_server->listen(address, m_config.port)) {
        const QString why = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return fail(QStringLiteral("cannot listen on %1:%2: %3").arg(host).arg(m_config.port).arg(why));
    }
    m_clock.start();
    m_epochAtStart = QDateTime::currentMSecsSinceEpoch();
    m_stats.clockEpochMs = m_epochAtStart;
    qCDebug(lcSim) << "provider simulator listening on" << host << m_server->serverPort() << "keys:" << m_keys.size()
                  << "accept_any_key:" << m_config.acceptAnyKey;
    return m_server->serverPort();
}

void SimServer::close()
{
    // Sockets are children of the QTcpServer: abort them first, then delete them with it.
    for (auto &[socket, conn] : m_conns) {
        socket->disconnect(this);
        socket->abort();
    }
    m_conns.clear();
    m_stats.inFlight = 0;
    if (m_server) {
        m_server->close();
        delete m_server;
        m_server = nullptr;
    }
}

void SimServer::onNewConnection()
{
    while (m_server && m_server->hasPendingConnections()) {
        QTcpSocket *socket = m_server->nextPendingConnection();
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto conn = std::make_unique<Conn>();
        conn->socket = socket;
        m_conns.emplace(socket, std::move(conn));
        ++m_stats.connections;
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { dropConnection(socket); });
    }
}

void SimServer::dropConnection(QTcpSocket *socket)
{
    const auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    if (it->second->counted)
        --m_stats.inFlight;   // a hung or pending request ends with its connection
    m_conns.erase(it);
    socket->deleteLater();
}

void SimServer::closeLater(QTcpSocket *socket, bool abort)
{
    // Closing can emit disconnected() synchronously, which would free the Conn under our feet.
    QMetaObject::invokeMethod(
        this,
        [this, socket, abort] {
            if (m_conns.find(socket) == m_conns.end())
                return;
            if (abort)
                socket->abort();
            else
                socket->disconnectFromHost();
            if (abort || socket->state() == QAbstractSocket::UnconnectedState)
                dropConnection(socket);
        },
        Qt::QueuedConnection);
}

void SimServer::onReadyRead(QTcpSocket *socket)
{
    const auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    Conn *conn = it->second.get();
    const QByteArray data = socket->readAll();
    if (conn->stopped)
        return;
    conn->buffer += data;
    if (!conn->busy)
        processBuffer(conn);
}

void SimServer::processBuffer(Conn *conn)
{
    conn->processing = true;
    while (!conn->busy && !conn->stopped && !conn->buffer.isEmpty()) {
        HttpRequest req;
        ParseState state;
        const ParseResult r = parseHttpRequest(conn->buffer, req, state);
        if (r == ParseResult::Incomplete) {
            if (state.expectContinue && !conn->continueSent) {
                conn->socket->write("HTTP/1.1 100 Continue\r\n\r\n");
                conn->continueSent = true;
            }
            break;
        }
        if (r == ParseResult::Error) {
            const QJsonObject err{{QStringLiteral("error"),
                                   QJsonObject{{QStringLiteral("message"), QString::fromUtf8(state.errorMessage)},
                                               {QStringLiteral("type"), QStringLiteral("invalid_request_error")}}}};
            conn->socket->write(buildHttpResponse(state.errorStatus, {}, toJson(err), false));
            conn->stopped = true;
            conn->buffer.clear();
            closeLater(conn->socket, false);
            break;
        }
        conn->continueSent = false;
        conn->busy = true;
        handle(conn, req);
    }
    conn->processing = false;
}

void SimServer::finish(Conn *conn, Reply reply, bool keepAlive)
{
    if (reply.action == Action::Hang) {
        conn->stopped = true;   // stays busy (in flight) until the client gives up
        return;
    }
    if (reply.action == Action::Reset) {
        conn->stopped = true;
        closeLater(conn->socket, true);
        return;
    }
    conn->socket->write(buildHttpResponse(reply.status, reply.headers, reply.body, keepAlive));
    conn->busy = false;
    if (conn->counted) {
        conn->counted = false;
        --m_stats.inFlight;
    }
    if (!keepAlive) {
        conn->stopped = true;
        closeLater(conn->socket, false);
        return;
    }
    if (!conn->processing)
        processBuffer(conn);
}

void SimServer::schedule(Conn *conn, qint64 delayMs, bool keepAlive, std::function<Reply()> produceReply)
{
    if (delayMs <= 0) {
        finish(conn, produceReply(), keepAlive);
        return;
    }
    QTcpSocket *socket = conn->socket;
    // The socket is the timer's context: if the connection goes away, the reply is dropped with it.
    QTimer::singleShot(std::chrono::milliseconds(delayMs), socket, [this, socket, keepAlive, p = std::move(produceReply)] {
        const auto it = m_conns.find(socket);
        if (it != m_conns.end())
            finish(it->second.get(), p(), keepAlive);
    });
}

QString SimServer::windowsName(const SimKey &key)
{
    return key.pool.isEmpty() ? QStringLiteral("key:") + key.key : QStringLiteral("pool:") + key.pool;
}

SimWindows *SimServer::windowsFor(const SimKey &key)
{
    auto &slot = m_windows[windowsName(key)];
    if (!slot) {
        // Fixed windows reset on the wall clock's multiples of the window (the calendar minute),
        // so their phase against our monotonic clock is wherever the wall clock stands.
        slot = makeWindows(key, m_config.windowMs, -m_epochAtStart);   // a pool's keys agree on their limits (simconfig.h)
    }
    return slot.get();
}

QString SimServer::randomId(const char *prefix, int length, bool hex)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QString s = QLatin1String(prefix);
    quint64 h = mix64(m_config.seed ^ (0xa5a5a5a5ULL + m_idCounter++));
    for (int i = 0; i < length; ++i) {
        if (i % 8 == 7)
            h = mix64(h);
        const int base = hex ? 16 : 62;
        s += QLatin1Char(hex ? "0123456789abcdef"[h % 16] : alphabet[h % 62]);
        h /= base;
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// Requests. Everything a provider does its own way is asked of the call's dialect
// (core/sim/dialects/); the server only counts, times and injects faults.

void SimServer::handle(Conn *conn, const HttpRequest &req)
{
    const bool keepAlive = req.keepAlive;
    const QString path = QString::fromUtf8(req.path);

    if (path == u"/sim/stats") {
        Reply r;
        r.body = toJson(m_stats.toJson());
        finish(conn, std::move(r), keepAlive);
        return;
    }
    if (path == u"/token" && req.method == "POST") {
        finish(conn, tokenEndpoint(req), keepAlive);
        return;
    }
    if (std::optional<Reply> r = m_batches.handle(*this, req, path)) {
        finish(conn, std::move(*r), keepAlive);
        return;
    }

    conn->counted = true;
    ++m_stats.inFlight;
    m_stats.maxInFlight = std::max(m_stats.maxInFlight, m_stats.inFlight);

    Call call;
    call.receivedAt = now();
    const SimDialect *pathDialect = m_dialects.route(path, call);
    if (!pathDialect || req.method != "POST") {
        ++m_stats.badRequests;
        finish(conn, m_dialects.forBadRoute(path).badRoute(*this, req.method, path, pathDialect != nullptr), keepAlive);
        return;
    }

    ++m_stats.requests;
    if (std::optional<Reply> r = authenticate(*pathDialect, req, call)) {
        ++m_stats.authErrors;
        finish(conn, std::move(*r), keepAlive);
        return;
    }
    if (!WB_CHECK(call.dialect)) {   // authenticate() sets it whenever it lets a call through
        finish(conn, pathDialect->unauthorized(*this, false), keepAlive);
        return;
    }
    std::optional<Reply> rejected = pathDialect->checkHeaders(*this, req);
    if (!rejected)
        rejected = call.dialect->parseBody(*this, req.body, call);
    if (rejected) {
        ++m_stats.badRequests;
        finish(conn, std::move(*rejected), keepAlive);
        return;
    }
    call.promptTokens = providerPromptCount(call, promptTokens(call.dialect->provider(), call.messages));

    if (call.countTokens) {
        // Token counting is free and not rate limited by the windows of the model calls.
        ++m_stats.ok;
        finish(conn, call.dialect->countTokensReply(*this, call), keepAlive);
        return;
    }
    answerModelCall(conn, std::move(call), keepAlive);
}

void SimServer::answerModelCall(Conn *conn, Call call, bool keepAlive)
{
    SimKeyStats &ks = m_stats.keys[call.statsKey];
    if (ks.requests++ == 0)
        ks.firstRequestAt = now();
    if (std::optional<Reply> r = admit(call)) {
        ++m_stats.rateLimited;
        ++ks.rateLimited;
        finish(conn, std::move(*r), keepAlive);
        return;
    }

    call.serial = m_serial++;
    const int fault = rollFault(call.serial);
    if (fault != NoFault) {
        ++ks.faults;
        qint64 *counters[] = {&m_stats.http500, &m_stats.overloaded, &m_stats.resets, &m_stats.hangs, &m_stats.malformed, &m_stats.invalidJson};
        ++*counters[fault];
    }

    // The reply is decided now (so its length can set the latency) and sent when the latency is over.
    const Provider p = call.dialect->provider();
    QString text = fault == FInvalidJson ? invalidJsonReplyText(call.model)
                                         : replyText(m_config.seed, call.model, call.messages.join(u'\n'));
    bool truncated = false;
    if (call.maxTokens >= 0 && completionTokens(p, text) > call.maxTokens) {
        text = truncateToTokens(p, text, call.maxTokens);
        truncated = true;
    }
    const qint64 completion = completionTokens(p, text);

    double latency = m_config.latencyMs + m_config.latencyPerOutputTokenMs * double(completion);
    if (m_config.jitterMs > 0) {
        const double u = unitFromHash(mix64(m_config.seed ^ mix64(call.serial * 0x51ULL + 0x7177)));
        latency += (2.0 * u - 1.0) * m_config.jitterMs;
    }
    const qint64 delay = qint64(std::llround(std::max(0.0, latency)));
    schedule(conn, delay, keepAlive, [this, call, fault, text, completion, truncated]() mutable {
        return produce(call, fault, text, completion, truncated);
    });
}

std::optional<SimServer::Reply> SimServer::authenticate(const SimDialect &pathDialect, const HttpRequest &req, Call &call)
{
    const QString key = pathDialect.apiKey(req);
    if (key.isEmpty())
        return pathDialect.unauthorized(*this, true);
    if (pathDialect.usesAccessTokens())
        return authenticateToken(pathDialect, key, call);

    const auto it = m_keys.constFind(key);
    const std::optional<Provider> keyProvider = it == m_keys.cend() ? std::nullopt : providerFromName(it->provider);
    if (keyProvider && pathDialect.servesKeysOf(*keyProvider)) {
        call.key = &*it;
        call.dialect = &m_dialects.forProvider(*keyProvider);
        call.windows = windowsFor(*it);
        call.statsKey = it->key;
    } else if (m_config.acceptAnyKey) {
        call.dialect = &pathDialect;
        call.statsKey = QStringLiteral("unknown:") + providerName(pathDialect.provider());
    } else {
        return pathDialect.unauthorized(*this, false);
    }
    return std::nullopt;
}

SimServer::Reply SimServer::tokenEndpoint(const HttpRequest &req)
{
    ++m_stats.tokenRequests;
    const SimTokenGrant grant = verifyJwtGrant(req.body, m_config.serviceAccounts, (m_epochAtStart + now()) / 1000);
    Reply r;
    if (!grant.ok) {
        r.status = 400;
        r.body = toJson({{QStringLiteral("error"), grant.error}, {QStringLiteral("error_description"), grant.errorDescription}});
        return r;
    }
    const QString token = randomId("ya29.sim-", 48, false);
    m_accessTokens.insert(token, {grant.clientEmail, now() + m_config.tokenLifetimeS * 1000});
    ++m_stats.tokensIssued;
    r.body = toJson({{QStringLiteral("access_token"), token},
                     {QStringLiteral("expires_in"), m_config.tokenLifetimeS},
                     {QStringLiteral("token_type"), QStringLiteral("Bearer")}});
    return r;
}

std::optional<SimServer::Reply> SimServer::authenticateToken(const SimDialect &pathDialect, const QString &token, Call &call)
{
    const auto it = m_accessTokens.constFind(token);
    if (it == m_accessTokens.cend() || it->expiresAt <= now())
        return pathDialect.unauthorized(*this, false);
    call.dialect = &pathDialect;
    // The service account's limits when the config lists it as a key (named by its client_email).
    const auto key = m_keys.constFind(it->clientEmail);
    if (key != m_keys.cend() && providerFromName(key->provider) == pathDialect.provider()) {
        call.key = &*key;
        call.windows = windowsFor(*key);
        call.statsKey = key->key;
    } else {
        call.statsKey = QStringLiteral("sa:") + it->clientEmail;
    }
    return std::nullopt;
}

namespace {
/// WB_SIM_TRACE=1: every admission and 429 on stderr (README, "Benchmarks"); read once, the
/// admission path is hot.
bool traceAdmissions()
{
    static const bool on = qEnvironmentVariableIsSet("WB_SIM_TRACE");
    return on;
}
} // namespace

std::optional<SimServer::Reply> SimServer::admit(Call &call)
{
    SimKeyStats &ks = m_stats.keys[call.statsKey];
    const SimDialect &dialect = *call.dialect;
    call.tpmCharge = admissionChargeFor(dialect, call);
    if (!call.key) {   // accept_any_key: unlimited
        ks.tokensCharged += call.tpmCharge;
        return std::nullopt;
    }
    const SimKey &k = *call.key;
    SimWindows &w = *call.windows;
    const qint64 t = now();
    const qint64 tokenLimit = dialect.tokenLimit(k);
    SimWindow &tokens = dialect.tokenWindow(w);

    SimWaits waits;
    waits.rpm = k.rpm > 0 ? w.rpm.waitFor(t, 1, k.rpm) : 0;
    waits.tokens = tokenLimit > 0 ? tokens.waitFor(t, call.tpmCharge, tokenLimit) : 0;
    // Anthropic admits while the output tokens used are below the limit (output is not known yet).
    waits.otpm = dialect.waitsForOutputWindow() && k.otpm > 0 ? w.otpm.waitFor(t, 1, k.otpm) : 0;
    // The short interval refuses only what the minute's windows let through (docs/PROVIDERS.md).
    if (waits.longest() == 0 && w.shortCapacity > 0) {
        if (const qint64 wait = w.shortRpm.waitFor(t, 1, w.shortCapacity); wait > 0) {
            if (traceAdmissions())
                std::fprintf(stderr, "sim %6lld %s 429 short interval, wait %lld\n", t, qPrintable(k.key), wait);
            return dialect.refusedOverShortInterval(*this, call, wait);
        }
    }
    if (waits.longest() > 0) {
        if (traceAdmissions())
            std::fprintf(stderr, "sim %6lld %s 429 charge %lld rpm-wait %lld tok-wait %lld otpm-wait %lld used rpm %lld tok %lld/%lld\n",
                         t, qPrintable(k.key), call.tpmCharge, waits.rpm, waits.tokens, waits.otpm,
                         w.rpm.used(t), tokens.used(t), tokenLimit);
        return dialect.rateLimited(*this, call, waits);
    }
    // The day's quota is checked once the minute windows let the call through, so a refused
    // call never counts against the day.
    if (std::optional<Reply> r = m_daily.admit(*this, call, windowsName(k)))
        return r;

    w.rpm.add(t, 1);
    if (w.shortCapacity > 0)
        w.shortRpm.add(t, 1);
    call.tpmEvent = tokens.add(t, call.tpmCharge);
    if (k.headersAtAdmission)
        call.admittedHeaders = dialect.rateLimitHeaders(*this, call, call.tpmCharge, {});
    if (traceAdmissions())
        std::fprintf(stderr, "sim %6lld %s ok charge %lld used rpm %lld tok %lld/%lld\n", t, qPrintable(k.key), call.tpmCharge,
                     w.rpm.used(t), tokens.used(t), tokenLimit);
    ks.tokensCharged += call.tpmCharge;
    return std::nullopt;
}

int SimServer::rollFault(quint64 serial) const
{
    const SimFaults &f = m_config.faults;
    if (!f.any())
        return NoFault;
    const double rates[FaultCount] = {f.http500, f.overloaded, f.reset, f.hang, f.malformed, f.invalidJson};
    for (int i = 0; i < FaultCount; ++i) {
        if (rates[i] <= 0)
            continue;
        const double u = unitFromHash(mix64(m_config.seed ^ mix64(serial * FaultCount + quint64(i) + 1)));
        if (u < rates[i])
            return i;
    }
    return NoFault;
}

SimServer::Reply SimServer::produce(Call &call, int fault, const QString &text, qint64 completion, bool truncated)
{
    const SimDialect &dialect = *call.dialect;
    switch (fault) {
    case FHttp500:
        return dialect.serverError(*this);
    case FOverloaded:
        return dialect.overloaded(*this);
    case FReset: {
        Reply r;
        r.action = Action::Reset;
        return r;
    }
    case FHang: {
        Reply r;
        r.action = Action::Hang;
        return r;
    }
    default:
        break;
    }

    // The model produced output: charge what only the reply can tell.
    SimKeyStats &ks = m_stats.keys[call.statsKey];
    const qint64 charged = settleFor(dialect, call, completion, now(), ks);
    ks.promptTokens += call.promptTokens;
    ks.completionTokens += completion;
    if (fault == NoFault) {
        ++ks.ok;
        ++m_stats.ok;
        ks.lastOkAt = now();
        ks.okCharges.append(charged);
    }

    Reply r = dialect.successReply(*this, call, charged, text, completion, truncated);
    if (fault == FMalformed)
        r.body.truncate(std::max<qsizetype>(1, r.body.size() / 2));
    return r;
}

} // namespace wb::sim
