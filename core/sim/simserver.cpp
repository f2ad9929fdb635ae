#include "core/sim/simserver.h"

#include "core/common/logging.h"

#include <QDateTime>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <cmath>

namespace wb::sim {

namespace {

enum Fault { NoFault = -1, FHttp500 = 0, FOverloaded, FReset, FHang, FMalformed, FInvalidJson, FaultCount };

QByteArray toJson(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
QByteArray num(qint64 v) { return QByteArray::number(v); }
QJsonValue nullable(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }

/// A message's content as plain text: a string, or the text of [{type:"text", text}] blocks.
QString contentText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    QString out;
    const QJsonArray blocks = v.toArray();
    for (const QJsonValue &b : blocks) {
        const QJsonValue t = b.toObject().value(QLatin1String("text"));
        if (t.isString()) {
            if (!out.isEmpty())
                out += u'\n';
            out += t.toString();
        }
    }
    return out;
}

/// Gemini Content {parts:[{text}]} as plain text.
QString partsText(const QJsonObject &content) { return contentText(content.value(QLatin1String("parts"))); }

QString thousands(qint64 v) { return QLocale(QLocale::English).toString(v); }

qint64 roundToThousand(qint64 v) { return v <= 0 ? 0 : ((v + 500) / 1000) * 1000; }

/// A positive integer field: nullopt when absent, -2 when present but not a positive integer.
std::optional<qint64> positiveInt(const QJsonObject &o, QLatin1String name)
{
    if (!o.contains(name) || o.value(name).isNull())
        return std::nullopt;
    const QJsonValue v = o.value(name);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 1 || d != std::floor(d))
        return -2;
    return qint64(d);
}

} // namespace

SimServer::SimServer(SimConfig config, QObject *parent) : QObject(parent), m_config(std::move(config))
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

SimServer::Windows *SimServer::windowsFor(const SimKey &key)
{
    const QString name = key.pool.isEmpty() ? QStringLiteral("key:") + key.key : QStringLiteral("pool:") + key.pool;
    auto &slot = m_windows[name];
    if (!slot)
        slot = std::make_unique<Windows>(m_config.windowMs);
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

void SimServer::addRequestId(Provider p, Reply &reply, QString *requestId)
{
    QString id;
    switch (p) {
    case Provider::OpenAI:
        id = randomId("req_", 32, true);
        reply.headers.emplaceBack(QByteArray("x-request-id"), id.toLatin1());
        reply.headers.emplaceBack(QByteArray("openai-version"), "2020-10-01");
        break;
    case Provider::Anthropic:
        id = randomId("req_011C", 20, false);
        reply.headers.emplaceBack(QByteArray("request-id"), id.toLatin1());
        break;
    case Provider::Mistral:
        id = randomId("", 32, true);
        reply.headers.emplaceBack(QByteArray("mistral-correlation-id"), id.toLatin1());
        break;
    case Provider::Gemini:
        break;
    }
    if (requestId)
        *requestId = id;
}

// ---------------------------------------------------------------------------------------------
// Requests

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

    conn->counted = true;
    ++m_stats.inFlight;
    m_stats.maxInFlight = std::max(m_stats.maxInFlight, m_stats.inFlight);

    Call call;
    call.receivedAt = now();
    bool known = true;
    if (path == u"/v1/chat/completions") {
        call.endpoint = Endpoint::Chat;
    } else if (path == u"/v1/messages") {
        call.endpoint = Endpoint::Messages;
    } else if (path == u"/v1/messages/count_tokens") {
        call.endpoint = Endpoint::MessagesCount;
    } else if (path.startsWith(u"/v1beta/models/") || path.startsWith(u"/v1/models/")) {
        const QString rest = path.mid(path.indexOf(QLatin1String("/models/")) + 8);
        const qsizetype colon = rest.lastIndexOf(u':');
        const QString method = colon < 0 ? QString() : rest.mid(colon + 1);
        call.model = colon < 0 ? rest : rest.left(colon);
        if (method == u"generateContent")
            call.endpoint = Endpoint::GeminiGenerate;
        else if (method == u"countTokens")
            call.endpoint = Endpoint::GeminiCount;
        else
            known = false;
    } else {
        known = false;
    }
    if (!known || req.method != "POST") {
        ++m_stats.badRequests;
        const Provider p = path.startsWith(u"/v1beta") ? Provider::Gemini : Provider::OpenAI;
        Reply r = p == Provider::Gemini
                      ? errorReply(p, 404, QStringLiteral("Method not found."), QStringLiteral("NOT_FOUND"))
                      : errorReply(p, known ? 405 : 404,
                                   QStringLiteral("Unknown request URL: %1 %2. Please check the URL for typos.")
                                       .arg(QString::fromLatin1(req.method), path),
                                   QStringLiteral("invalid_request_error"), QStringLiteral("unknown_url"));
        finish(conn, std::move(r), keepAlive);
        return;
    }

    ++m_stats.requests;
    if (std::optional<Reply> r = authenticate(call.endpoint, req, call)) {
        if (r->status == 400 && call.endpoint != Endpoint::GeminiGenerate && call.endpoint != Endpoint::GeminiCount)
            ++m_stats.badRequests;   // Anthropic without anthropic-version
        else
            ++m_stats.authErrors;
        finish(conn, std::move(*r), keepAlive);
        return;
    }
    QJsonObject body;
    if (std::optional<Reply> r = parseBody(req, call, body)) {
        ++m_stats.badRequests;
        finish(conn, std::move(*r), keepAlive);
        return;
    }
    call.promptTokens = promptTokens(call.provider, call.messages);

    if (call.endpoint == Endpoint::MessagesCount || call.endpoint == Endpoint::GeminiCount) {
        // Token counting is free and not rate limited by the windows of the model calls.
        Reply r;
        if (call.endpoint == Endpoint::MessagesCount) {
            r.body = toJson({{QStringLiteral("input_tokens"), call.promptTokens}});
            addRequestId(Provider::Anthropic, r);
        } else {
            r.body = toJson({{QStringLiteral("totalTokens"), call.promptTokens},
                             {QStringLiteral("promptTokensDetails"),
                              QJsonArray{QJsonObject{{QStringLiteral("modality"), QStringLiteral("TEXT")},
                                                     {QStringLiteral("tokenCount"), call.promptTokens}}}}});
        }
        ++m_stats.ok;
        finish(conn, std::move(r), keepAlive);
        return;
    }

    SimKeyStats &ks = m_stats.keys[call.statsKey];
    ++ks.requests;
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
    QString text = fault == FInvalidJson ? invalidJsonReplyText(call.model)
                                         : replyText(m_config.seed, call.model, call.messages.join(u'\n'));
    bool truncated = false;
    if (call.maxTokens >= 0 && completionTokens(call.provider, text) > call.maxTokens) {
        text = truncateToTokens(call.provider, text, call.maxTokens);
        truncated = true;
    }
    const qint64 completion = completionTokens(call.provider, text);

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

std::optional<SimServer::Reply> SimServer::authenticate(Endpoint ep, const HttpRequest &req, Call &call)
{
    QString key;
    Provider pathProvider = Provider::OpenAI;
    switch (ep) {
    case Endpoint::Chat: {
        const QByteArray auth = req.header("authorization");
        if (auth.startsWith("Bearer ") || auth.startsWith("bearer "))
            key = QString::fromUtf8(auth.mid(7).trimmed());
        break;
    }
    case Endpoint::Messages:
    case Endpoint::MessagesCount:
        pathProvider = Provider::Anthropic;
        key = QString::fromUtf8(req.header("x-api-key"));
        break;
    case Endpoint::GeminiGenerate:
    case Endpoint::GeminiCount:
        pathProvider = Provider::Gemini;
        key = QString::fromUtf8(req.header("x-goog-api-key"));
        if (key.isEmpty())
            key = QString::fromUtf8(req.queryItem("key"));
        break;
    }
    if (key.isEmpty())
        return unauthorized(ep, true);

    const auto it = m_keys.constFind(key);
    std::optional<Provider> keyProvider = it == m_keys.cend() ? std::nullopt : providerFromName(it->provider);
    const bool compatible = keyProvider
                            && (*keyProvider == pathProvider
                                || (pathProvider == Provider::OpenAI && *keyProvider == Provider::Mistral));
    if (compatible) {
        call.key = &*it;
        call.provider = *keyProvider;
        call.windows = windowsFor(*it);
        call.statsKey = it->key;
    } else if (m_config.acceptAnyKey) {
        call.provider = pathProvider;
        call.statsKey = QStringLiteral("unknown:") + providerName(pathProvider);
    } else {
        return unauthorized(ep, false);
    }

    if (pathProvider == Provider::Anthropic && req.header("anthropic-version").isEmpty())
        return errorReply(Provider::Anthropic, 400, QStringLiteral("anthropic-version: header is required"),
                          QStringLiteral("invalid_request_error"));
    return std::nullopt;
}

std::optional<SimServer::Reply> SimServer::parseBody(const HttpRequest &req, Call &call, QJsonObject &body)
{
    const Provider p = call.provider;
    const QString invalidArg = QStringLiteral("INVALID_ARGUMENT");
    const QString invalidReq = QStringLiteral("invalid_request_error");
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(req.body, &err);
    if (!doc.isObject()) {
        switch (p) {
        case Provider::OpenAI:
            return errorReply(p, 400,
                              QStringLiteral("We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                                             "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
                                             "not valid JSON. If you have trouble figuring out how to fix this, please contact us "
                                             "through our help center at help.openai.com.)"),
                              invalidReq);
        case Provider::Mistral:
            return errorReply(p, 400, QStringLiteral("Invalid JSON body: %1").arg(err.errorString()), invalidReq);
        case Provider::Anthropic:
            return errorReply(p, 400, QStringLiteral("There was an error parsing the body of your request: %1").arg(err.errorString()),
                              invalidReq);
        case Provider::Gemini:
            return errorReply(p, 400, QStringLiteral("Invalid JSON payload received. %1").arg(err.errorString()), invalidArg);
        }
    }
    body = doc.object();

    if (body.value(QLatin1String("stream")).toBool())
        return errorReply(p, 400, QStringLiteral("stream=true is not supported by the provider simulator"),
                          p == Provider::Gemini ? invalidArg : invalidReq);

    switch (call.endpoint) {
    case Endpoint::Chat: {
        call.model = body.value(QLatin1String("model")).toString();
        if (call.model.isEmpty())
            return errorReply(p, 400, QStringLiteral("you must provide a model parameter"), invalidReq);
        const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
        if (messages.isEmpty())
            return errorReply(p, 400, QStringLiteral("Missing required parameter: 'messages'."), invalidReq,
                              QStringLiteral("missing_required_parameter"), QStringLiteral("messages"));
        for (const QJsonValue &m : messages)
            call.messages.append(contentText(m.toObject().value(QLatin1String("content"))));
        for (QLatin1String name : {QLatin1String("max_completion_tokens"), QLatin1String("max_tokens")}) {
            const std::optional<qint64> v = positiveInt(body, name);
            if (v && *v < 0)
                return errorReply(p, 400, QStringLiteral("Invalid '%1': expected an integer of at least 1.").arg(name), invalidReq,
                                  QStringLiteral("integer_below_min_value"), name);
            if (v && call.maxTokens < 0)
                call.maxTokens = *v;
        }
        return std::nullopt;
    }
    case Endpoint::Messages:
    case Endpoint::MessagesCount: {
        call.model = body.value(QLatin1String("model")).toString();
        if (call.model.isEmpty())
            return errorReply(p, 400, QStringLiteral("model: Field required"), invalidReq);
        if (call.endpoint == Endpoint::Messages) {
            const std::optional<qint64> v = positiveInt(body, QLatin1String("max_tokens"));
            if (!v)
                return errorReply(p, 400, QStringLiteral("max_tokens: Field required"), invalidReq);
            if (*v < 0)
                return errorReply(p, 400, QStringLiteral("max_tokens: Input should be greater than or equal to 1"), invalidReq);
            call.maxTokens = *v;
        }
        const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
        if (messages.isEmpty())
            return errorReply(p, 400, QStringLiteral("messages: Field required"), invalidReq);
        if (body.contains(QLatin1String("system")))
            call.messages.append(contentText(body.value(QLatin1String("system"))));
        for (const QJsonValue &m : messages)
            call.messages.append(contentText(m.toObject().value(QLatin1String("content"))));
        return std::nullopt;
    }
    case Endpoint::GeminiGenerate:
    case Endpoint::GeminiCount: {
        QJsonObject request = body;
        if (call.endpoint == Endpoint::GeminiCount && !body.contains(QLatin1String("contents")))
            request = body.value(QLatin1String("generateContentRequest")).toObject();
        const QJsonArray contents = request.value(QLatin1String("contents")).toArray();
        if (contents.isEmpty())
            return errorReply(p, 400, QStringLiteral("* GenerateContentRequest.contents: contents is not specified\n"), invalidArg);
        if (request.contains(QLatin1String("systemInstruction")))
            call.messages.append(partsText(request.value(QLatin1String("systemInstruction")).toObject()));
        for (const QJsonValue &c : contents)
            call.messages.append(partsText(c.toObject()));
        const QJsonObject gen = request.value(QLatin1String("generationConfig")).toObject();
        const std::optional<qint64> v = positiveInt(gen, QLatin1String("maxOutputTokens"));
        if (v && *v < 0)
            return errorReply(p, 400, QStringLiteral("* GenerateContentRequest.generation_config.max_output_tokens: must be positive\n"),
                              invalidArg);
        if (v)
            call.maxTokens = *v;
        return std::nullopt;
    }
    }
    return std::nullopt;
}

std::optional<SimServer::Reply> SimServer::admit(Call &call)
{
    SimKeyStats &ks = m_stats.keys[call.statsKey];
    const qint64 reserve = call.maxTokens >= 0 ? call.maxTokens : 4096;
    switch (call.provider) {
    case Provider::OpenAI: call.tpmCharge = openAiCharEstimate(call.messages) + reserve; break;
    case Provider::Mistral: call.tpmCharge = call.promptTokens + reserve; break;
    case Provider::Anthropic:
    case Provider::Gemini: call.tpmCharge = call.promptTokens; break;
    }
    if (!call.key) {   // accept_any_key: unlimited
        ks.tokensCharged += call.tpmCharge;
        return std::nullopt;
    }
    const SimKey &k = *call.key;
    Windows &w = *call.windows;
    const qint64 t = now();
    const bool anthropic = call.provider == Provider::Anthropic;
    const qint64 tokenLimit = anthropic ? k.itpm : k.tpm;
    SimWindow &tokens = anthropic ? w.itpm : w.tpm;

    const qint64 rpmWait = k.rpm > 0 ? w.rpm.waitFor(t, 1, k.rpm) : 0;
    const qint64 tokWait = tokenLimit > 0 ? tokens.waitFor(t, call.tpmCharge, tokenLimit) : 0;
    // Anthropic admits while the output tokens used are below the limit (output is not known yet).
    const qint64 otpmWait = anthropic && k.otpm > 0 ? w.otpm.waitFor(t, 1, k.otpm) : 0;
    if (rpmWait > 0 || tokWait > 0 || otpmWait > 0)
        return rateLimited(call, rpmWait, tokWait, otpmWait);

    w.rpm.add(t, 1);
    call.tpmEvent = tokens.add(t, call.tpmCharge);
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
    const Provider p = call.provider;
    switch (fault) {
    case FHttp500:
        switch (p) {
        case Provider::OpenAI:
            return errorReply(p, 500, QStringLiteral("The server had an error while processing your request. Sorry about that!"),
                              QStringLiteral("server_error"));
        case Provider::Mistral:
            return errorReply(p, 500, QStringLiteral("Internal server error"), QStringLiteral("server_error"));
        case Provider::Anthropic:
            return errorReply(p, 500, QStringLiteral("Internal server error"), QStringLiteral("api_error"));
        case Provider::Gemini:
            return errorReply(p, 500, QStringLiteral("An internal error has occurred. Please retry or report in "
                                                     "https://developers.generativeai.google/guide/troubleshooting"),
                              QStringLiteral("INTERNAL"));
        }
        break;
    case FOverloaded:
        switch (p) {
        case Provider::OpenAI:
            return errorReply(p, 503, QStringLiteral("That model is currently overloaded with other requests. You can retry your request, "
                                                     "or contact us through our help center at help.openai.com if the error persists."),
                              QStringLiteral("server_error"));
        case Provider::Mistral:
            return errorReply(p, 503, QStringLiteral("Service unavailable: the model is overloaded, please retry later."),
                              QStringLiteral("server_error"));
        case Provider::Anthropic:
            return errorReply(p, 529, QStringLiteral("Overloaded"), QStringLiteral("overloaded_error"));
        case Provider::Gemini:
            return errorReply(p, 503, QStringLiteral("The model is overloaded. Please try again later."), QStringLiteral("UNAVAILABLE"));
        }
        break;
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
    qint64 charged = call.tpmCharge;
    if (call.key && p == Provider::Anthropic) {
        call.windows->otpm.add(now(), completion);
        ks.tokensCharged += completion;
    } else if (p == Provider::Anthropic) {
        ks.tokensCharged += completion;
    }
    if (p == Provider::Mistral) {
        const qint64 actual = call.promptTokens + completion;
        if (call.key)
            call.windows->tpm.settle(call.tpmEvent, actual);
        ks.tokensCharged += actual - call.tpmCharge;
        charged = actual;
    }
    ks.promptTokens += call.promptTokens;
    ks.completionTokens += completion;
    if (fault == NoFault) {
        ++ks.ok;
        ++m_stats.ok;
    }

    Reply r;
    r.headers = rateLimitHeaders(call, charged, {});
    r.body = successBody(call, text, completion, truncated);
    if (p == Provider::OpenAI)
        r.headers.emplaceBack(QByteArray("openai-processing-ms"), num(now() - call.receivedAt));
    addRequestId(p, r);
    if (fault == FMalformed)
        r.body.truncate(std::max<qsizetype>(1, r.body.size() / 2));
    return r;
}

// ---------------------------------------------------------------------------------------------
// Wire formats

SimServer::Reply SimServer::errorReply(Provider p, int status, const QString &message, const QString &type, const QString &code,
                                       const QString &param)
{
    Reply r;
    r.status = status;
    switch (p) {
    case Provider::OpenAI:
        r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                               {QStringLiteral("type"), type},
                                                               {QStringLiteral("param"), nullable(param)},
                                                               {QStringLiteral("code"), nullable(code)}}}});
        addRequestId(p, r);
        break;
    case Provider::Mistral:
        r.body = toJson({{QStringLiteral("object"), QStringLiteral("error")},
                         {QStringLiteral("message"), message},
                         {QStringLiteral("type"), type},
                         {QStringLiteral("param"), nullable(param)},
                         {QStringLiteral("code"), nullable(code)}});
        addRequestId(p, r);
        break;
    case Provider::Anthropic: {
        QString requestId;
        addRequestId(p, r, &requestId);
        r.body = toJson({{QStringLiteral("type"), QStringLiteral("error")},
                         {QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("message"), message}}},
                         {QStringLiteral("request_id"), requestId}});
        break;
    }
    case Provider::Gemini:
        r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), status},
                                                               {QStringLiteral("message"), message},
                                                               {QStringLiteral("status"), type}}}});
        break;
    }
    return r;
}

SimServer::Reply SimServer::unauthorized(Endpoint ep, bool missing)
{
    // Never echo the key: not even the masked form OpenAI uses.
    switch (ep) {
    case Endpoint::Chat:
        return missing ? errorReply(Provider::OpenAI, 401,
                                    QStringLiteral("You didn't provide an API key. You need to provide your API key in an Authorization "
                                                   "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password "
                                                   "field (with blank username) if you're accessing the API from your browser and are "
                                                   "prompted for a username and password. You can obtain an API key from "
                                                   "https://platform.openai.com/account/api-keys."),
                                    QStringLiteral("invalid_request_error"))
                       : errorReply(Provider::OpenAI, 401,
                                    QStringLiteral("Incorrect API key provided: ***. You can find your API key at "
                                                   "https://platform.openai.com/account/api-keys."),
                                    QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key"));
    case Endpoint::Messages:
    case Endpoint::MessagesCount:
        return errorReply(Provider::Anthropic, 401,
                          missing ? QStringLiteral("x-api-key header is required") : QStringLiteral("invalid x-api-key"),
                          QStringLiteral("authentication_error"));
    case Endpoint::GeminiGenerate:
    case Endpoint::GeminiCount:
        break;
    }
    if (missing)
        return errorReply(Provider::Gemini, 403,
                          QStringLiteral("Method doesn't allow unregistered callers (callers without established identity). "
                                         "Please use API Key or other form of API consumer identity to call this API."),
                          QStringLiteral("PERMISSION_DENIED"));
    const QString message = QStringLiteral("API key not valid. Please pass a valid API key.");
    Reply r;
    r.status = 400;
    const QJsonArray details{
        QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.ErrorInfo")},
                    {QStringLiteral("reason"), QStringLiteral("API_KEY_INVALID")},
                    {QStringLiteral("domain"), QStringLiteral("googleapis.com")},
                    {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("service"), QStringLiteral("generativelanguage.googleapis.com")}}}},
        QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.LocalizedMessage")},
                    {QStringLiteral("locale"), QStringLiteral("en-US")},
                    {QStringLiteral("message"), message}}};
    r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), 400},
                                                           {QStringLiteral("message"), message},
                                                           {QStringLiteral("status"), QStringLiteral("INVALID_ARGUMENT")},
                                                           {QStringLiteral("details"), details}}}});
    return r;
}

SimServer::Reply SimServer::rateLimited(Call &call, qint64 rpmWait, qint64 tokWait, qint64 otpmWait)
{
    const SimKey &k = *call.key;
    Windows &w = *call.windows;
    const qint64 t = now();
    const qint64 wait = std::max({rpmWait, tokWait, otpmWait});
    const bool never = wait == SimWindow::kNever;
    Resets resets;
    resets.rpm = rpmWait > 0 ? rpmWait : -1;
    (call.provider == Provider::Anthropic ? resets.itpm : resets.tpm) = tokWait > 0 ? tokWait : -1;
    resets.otpm = otpmWait > 0 ? otpmWait : -1;
    const QByteArray retryAfter = num(ceilSeconds(wait));
    const QString model = call.model;

    Reply r;
    switch (call.provider) {
    case Provider::OpenAI: {
        const bool tokens = tokWait > rpmWait;
        const QString visit = QStringLiteral(" Visit https://platform.openai.com/account/rate-limits to learn more.");
        QString message;
        if (never) {
            message = QStringLiteral("Request too large for %1 in organization org-simulator on tokens per min (TPM): Limit %2, "
                                     "Requested %3. The input or output tokens must be reduced in order to run successfully.")
                          .arg(model).arg(k.tpm).arg(call.tpmCharge) + visit;
        } else if (tokens) {
            message = QStringLiteral("Rate limit reached for %1 in organization org-simulator on tokens per min (TPM): Limit %2, "
                                     "Used %3, Requested %4. Please try again in %5.")
                          .arg(model).arg(k.tpm).arg(w.tpm.used(t)).arg(call.tpmCharge).arg(goDuration(wait)) + visit;
        } else {
            message = QStringLiteral("Rate limit reached for %1 in organization org-simulator on requests per min (RPM): Limit %2, "
                                     "Used %3, Requested 1. Please try again in %4.")
                          .arg(model).arg(k.rpm).arg(w.rpm.used(t)).arg(goDuration(wait)) + visit;
        }
        r = errorReply(Provider::OpenAI, 429, message, tokens ? QStringLiteral("tokens") : QStringLiteral("requests"),
                       QStringLiteral("rate_limit_exceeded"));
        break;
    }
    case Provider::Mistral:
        r = errorReply(Provider::Mistral, 429, QStringLiteral("Rate limit exceeded"), QStringLiteral("rate_limited"),
                       QStringLiteral("1300"));
        break;
    case Provider::Anthropic: {
        QString what;
        if (wait == tokWait)
            what = QStringLiteral("%1 input tokens").arg(thousands(k.itpm));
        else if (wait == otpmWait)
            what = QStringLiteral("%1 output tokens").arg(thousands(k.otpm));
        else
            what = QStringLiteral("%1 requests").arg(thousands(k.rpm));
        r = errorReply(Provider::Anthropic, 429,
                       QStringLiteral("This request would exceed the rate limit for your organization (org-simulator) of %1 per minute. "
                                      "For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can see the response "
                                      "headers for current usage. Please reduce the prompt length or the maximum tokens requested, or "
                                      "try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss "
                                      "your options for a rate limit increase.")
                           .arg(what),
                       QStringLiteral("rate_limit_error"));
        break;
    }
    case Provider::Gemini: {
        const bool tokens = tokWait > rpmWait;
        const QString metric = tokens ? QStringLiteral("generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count")
                                      : QStringLiteral("generativelanguage.googleapis.com/generate_content_paid_tier_requests");
        const QString quotaId = tokens ? QStringLiteral("GenerateContentPaidTierInputTokensPerModelPerMinute")
                                       : QStringLiteral("GenerateRequestsPerMinutePerProjectPerModel");
        const qint64 limit = tokens ? k.tpm : k.rpm;
        QString message = QStringLiteral("You exceeded your current quota, please check your plan and billing details. For more "
                                         "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
                                         "To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n"
                                         "* Quota exceeded for metric: %1, limit: %2, model: %3")
                              .arg(metric).arg(limit).arg(model);
        QJsonArray details{
            QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.Help")},
                        {QStringLiteral("links"), QJsonArray{QJsonObject{{QStringLiteral("description"), QStringLiteral("Learn more about Gemini API quotas")},
                                                                         {QStringLiteral("url"), QStringLiteral("https://ai.google.dev/gemini-api/docs/rate-limits")}}}}},
            QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.QuotaFailure")},
                        {QStringLiteral("violations"),
                         QJsonArray{QJsonObject{{QStringLiteral("quotaMetric"), metric},
                                                {QStringLiteral("quotaId"), quotaId},
                                                {QStringLiteral("quotaDimensions"), QJsonObject{{QStringLiteral("location"), QStringLiteral("global")},
                                                                                                {QStringLiteral("model"), model}}},
                                                {QStringLiteral("quotaValue"), QString::number(limit)}}}}}};
        if (!never) {
            message += QStringLiteral("\nPlease retry in %1.").arg(geminiDelay(wait));
            details.append(QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.RetryInfo")},
                                       {QStringLiteral("retryDelay"), geminiDelay(wait)}});
        }
        r.status = 429;
        r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), 429},
                                                               {QStringLiteral("message"), message},
                                                               {QStringLiteral("status"), QStringLiteral("RESOURCE_EXHAUSTED")},
                                                               {QStringLiteral("details"), details}}}});
        return r;   // Gemini sends no rate-limit headers
    }
    }
    r.headers += rateLimitHeaders(call, call.tpmCharge, resets);
    if (!never)
        r.headers.emplaceBack(call.provider == Provider::Mistral ? QByteArray("Retry-After") : QByteArray("retry-after"), retryAfter);
    return r;
}

ResponseHeaders SimServer::rateLimitHeaders(const Call &call, qint64 charged, const Resets &resets)
{
    ResponseHeaders h;
    if (!call.key)
        return h;
    const SimKey &k = *call.key;
    Windows &w = *call.windows;
    const qint64 t = now();
    auto reset = [t](SimWindow &win, qint64 override) {
        return override >= 0 && override != SimWindow::kNever ? override : win.untilEmpty(t);
    };
    auto remaining = [t](SimWindow &win, qint64 limit) { return std::max<qint64>(0, limit - win.used(t)); };

    switch (call.provider) {
    case Provider::OpenAI:
        if (k.rpm > 0) {
            h.emplaceBack(QByteArray("x-ratelimit-limit-requests"), num(k.rpm));
            h.emplaceBack(QByteArray("x-ratelimit-remaining-requests"), num(remaining(w.rpm, k.rpm)));
            h.emplaceBack(QByteArray("x-ratelimit-reset-requests"), goDuration(reset(w.rpm, resets.rpm)).toLatin1());
        }
        if (k.tpm > 0) {
            h.emplaceBack(QByteArray("x-ratelimit-limit-tokens"), num(k.tpm));
            h.emplaceBack(QByteArray("x-ratelimit-remaining-tokens"), num(remaining(w.tpm, k.tpm)));
            h.emplaceBack(QByteArray("x-ratelimit-reset-tokens"), goDuration(reset(w.tpm, resets.tpm)).toLatin1());
        }
        break;
    case Provider::Mistral:
        if (k.rpm > 0) {
            h.emplaceBack(QByteArray("x-ratelimit-limit-req-minute"), num(k.rpm));
            h.emplaceBack(QByteArray("x-ratelimit-remaining-req-minute"), num(remaining(w.rpm, k.rpm)));
        }
        if (k.tpm > 0) {
            h.emplaceBack(QByteArray("x-ratelimit-limit-tokens-minute"), num(k.tpm));
            h.emplaceBack(QByteArray("x-ratelimit-remaining-tokens-minute"), num(remaining(w.tpm, k.tpm)));
            h.emplaceBack(QByteArray("x-ratelimit-tokens-query-cost"), num(charged));
        }
        break;
    case Provider::Anthropic: {
        const qint64 wall = m_epochAtStart + t;
        if (k.rpm > 0) {
            h.emplaceBack(QByteArray("anthropic-ratelimit-requests-limit"), num(k.rpm));
            h.emplaceBack(QByteArray("anthropic-ratelimit-requests-remaining"), num(remaining(w.rpm, k.rpm)));
            h.emplaceBack(QByteArray("anthropic-ratelimit-requests-reset"), rfc3339Ceil(wall + reset(w.rpm, resets.rpm)).toLatin1());
        }
        qint64 tokLimit = 0, tokRemaining = 0, tokReset = 0;
        if (k.itpm > 0) {
            const qint64 rem = roundToThousand(remaining(w.itpm, k.itpm));
            const qint64 rs = reset(w.itpm, resets.itpm);
            h.emplaceBack(QByteArray("anthropic-ratelimit-input-tokens-limit"), num(k.itpm));
            h.emplaceBack(QByteArray("anthropic-ratelimit-input-tokens-remaining"), num(rem));
            h.emplaceBack(QByteArray("anthropic-ratelimit-input-tokens-reset"), rfc3339Ceil(wall + rs).toLatin1());
            tokLimit += k.itpm;
            tokRemaining += rem;
            tokReset = std::max(tokReset, rs);
        }
        if (k.otpm > 0) {
            const qint64 rem = roundToThousand(remaining(w.otpm, k.otpm));
            const qint64 rs = reset(w.otpm, resets.otpm);
            h.emplaceBack(QByteArray("anthropic-ratelimit-output-tokens-limit"), num(k.otpm));
            h.emplaceBack(QByteArray("anthropic-ratelimit-output-tokens-remaining"), num(rem));
            h.emplaceBack(QByteArray("anthropic-ratelimit-output-tokens-reset"), rfc3339Ceil(wall + rs).toLatin1());
            tokLimit += k.otpm;
            tokRemaining += rem;
            tokReset = std::max(tokReset, rs);
        }
        if (tokLimit > 0) {
            h.emplaceBack(QByteArray("anthropic-ratelimit-tokens-limit"), num(tokLimit));
            h.emplaceBack(QByteArray("anthropic-ratelimit-tokens-remaining"), num(tokRemaining));
            h.emplaceBack(QByteArray("anthropic-ratelimit-tokens-reset"), rfc3339Ceil(wall + tokReset).toLatin1());
        }
        break;
    }
    case Provider::Gemini:
        break;
    }
    return h;
}

QByteArray SimServer::successBody(const Call &call, const QString &text, qint64 completion, bool truncated)
{
    const QString version = modelVersion(call.provider, call.model);
    const qint64 created = (m_epochAtStart + now()) / 1000;
    const qint64 prompt = call.promptTokens;
    switch (call.provider) {
    case Provider::OpenAI:
        return toJson({
            {QStringLiteral("id"), randomId("chatcmpl-", 29, false)},
            {QStringLiteral("object"), QStringLiteral("chat.completion")},
            {QStringLiteral("created"), created},
            {QStringLiteral("model"), version},
            {QStringLiteral("choices"),
             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                    {QStringLiteral("message"), QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                                            {QStringLiteral("content"), text},
                                                                            {QStringLiteral("refusal"), QJsonValue::Null},
                                                                            {QStringLiteral("annotations"), QJsonArray{}}}},
                                    {QStringLiteral("logprobs"), QJsonValue::Null},
                                    {QStringLiteral("finish_reason"), truncated ? QStringLiteral("length") : QStringLiteral("stop")}}}},
            {QStringLiteral("usage"),
             QJsonObject{{QStringLiteral("prompt_tokens"), prompt},
                         {QStringLiteral("completion_tokens"), completion},
                         {QStringLiteral("total_tokens"), prompt + completion},
                         {QStringLiteral("prompt_tokens_details"), QJsonObject{{QStringLiteral("cached_tokens"), 0},
                                                                               {QStringLiteral("audio_tokens"), 0}}},
                         {QStringLiteral("completion_tokens_details"), QJsonObject{{QStringLiteral("reasoning_tokens"), 0},
                                                                                   {QStringLiteral("audio_tokens"), 0},
                                                                                   {QStringLiteral("accepted_prediction_tokens"), 0},
                                                                                   {QStringLiteral("rejected_prediction_tokens"), 0}}}}},
            {QStringLiteral("service_tier"), QStringLiteral("default")},
            {QStringLiteral("system_fingerprint"), QStringLiteral("fp_5e1a5b7c3d")},
        });
    case Provider::Mistral:
        return toJson({
            {QStringLiteral("id"), randomId("", 32, true)},
            {QStringLiteral("object"), QStringLiteral("chat.completion")},
            {QStringLiteral("created"), created},
            {QStringLiteral("model"), version},
            {QStringLiteral("choices"),
             QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                    {QStringLiteral("message"), QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                                            {QStringLiteral("tool_calls"), QJsonValue::Null},
                                                                            {QStringLiteral("content"), text}}},
                                    {QStringLiteral("finish_reason"), truncated ? QStringLiteral("length") : QStringLiteral("stop")}}}},
            {QStringLiteral("usage"), QJsonObject{{QStringLiteral("prompt_tokens"), prompt},
                                                  {QStringLiteral("total_tokens"), prompt + completion},
                                                  {QStringLiteral("completion_tokens"), completion}}},
        });
    case Provider::Anthropic:
        return toJson({
            {QStringLiteral("id"), randomId("msg_01", 22, false)},
            {QStringLiteral("type"), QStringLiteral("message")},
            {QStringLiteral("role"), QStringLiteral("assistant")},
            {QStringLiteral("model"), version},
            {QStringLiteral("content"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}}}},
            {QStringLiteral("stop_reason"), truncated ? QStringLiteral("max_tokens") : QStringLiteral("end_turn")},
            {QStringLiteral("stop_sequence"), QJsonValue::Null},
            {QStringLiteral("usage"), QJsonObject{{QStringLiteral("input_tokens"), prompt},
                                                  {QStringLiteral("cache_creation_input_tokens"), 0},
                                                  {QStringLiteral("cache_read_input_tokens"), 0},
                                                  {QStringLiteral("output_tokens"), completion}}},
        });
    case Provider::Gemini:
        return toJson({
            {QStringLiteral("candidates"),
             QJsonArray{QJsonObject{{QStringLiteral("content"), QJsonObject{{QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), text}}}},
                                                                            {QStringLiteral("role"), QStringLiteral("model")}}},
                                    {QStringLiteral("finishReason"), truncated ? QStringLiteral("MAX_TOKENS") : QStringLiteral("STOP")},
                                    {QStringLiteral("index"), 0}}}},
            {QStringLiteral("usageMetadata"),
             QJsonObject{{QStringLiteral("promptTokenCount"), prompt},
                         {QStringLiteral("candidatesTokenCount"), completion},
                         {QStringLiteral("totalTokenCount"), prompt + completion},
                         {QStringLiteral("promptTokensDetails"), QJsonArray{QJsonObject{{QStringLiteral("modality"), QStringLiteral("TEXT")},
                                                                                        {QStringLiteral("tokenCount"), prompt}}}}}},
            {QStringLiteral("modelVersion"), version},
            {QStringLiteral("responseId"), randomId("", 22, false)},
        });
    }
    return {};
}

} // namespace wb::sim
