#include "core/redis/redisclient.h"

#include "core/common/logging.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QTimer>

#include <hiredis/adapters/qt.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace wb::redis {

namespace {
constexpr int kConnectTimeoutMs = 5'000;
}

// hiredis's Qt adapter keeps a pointer to its context and writes to it when destroyed; a context
// hiredis has already freed is replaced by this inert one first.
class RedisClient::Adapter : public RedisQtAdapter {
public:
    ~Adapter() override
    {
        static redisAsyncContext inert;
        std::memset(&inert, 0, sizeof inert);
        setContext(&inert);
    }
};

RedisClient::RedisClient(QString host, int port, QString password, int db, QObject *parent)
    : QObject(parent), m_host(std::move(host)), m_port(port), m_password(std::move(password)), m_db(db),
      m_adapter(std::make_unique<Adapter>())
{
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
}

RedisClient::~RedisClient()
{
    m_closing = true;
    if (m_ctx) {
        redisAsyncContext *ac = m_ctx;
        m_ctx = nullptr;
        redisAsyncFree(ac);   // pending callbacks run with no reply and only free their requests
    }
}

QString RedisClient::address() const
{
    return m_host + u':' + QString::number(m_port);
}

void RedisClient::open()
{
    QHostAddress ip;
    if (ip.setAddress(m_host)) {
        QMetaObject::invokeMethod(this, [this] { connectTo(m_host); }, Qt::QueuedConnection);
        return;
    }
    // hiredis resolves names with a blocking getaddrinfo(): resolve here without blocking.
    QHostInfo::lookupHost(m_host, this, [this](const QHostInfo &info) {
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
            return connectFailed(QStringLiteral("cannot resolve %1: %2").arg(m_host, info.errorString()));
        connectTo(info.addresses().constFirst().toString());
    });
}

void RedisClient::connectTo(const QString &ipText)
{
    if (m_closing || m_ctx)
        return;
    redisAsyncContext *ac = redisAsyncConnect(ipText.toUtf8().constData(), m_port);
    if (!ac)
        return connectFailed(QStringLiteral("out of memory"));
    if (ac->err) {
        const QString why = QString::fromUtf8(ac->errstr);
        redisAsyncFree(ac);
        return connectFailed(why);
    }
    ac->data = this;
    m_ctx = ac;
    m_adapter->setContext(ac);
    redisAsyncSetConnectCallback(ac, &RedisClient::onConnect);
    redisAsyncSetDisconnectCallback(ac, &RedisClient::onDisconnect);
    // A server that drops our SYN would leave us connecting forever.
    m_timer->disconnect();
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (!m_ctx || m_ready)
            return;
        redisAsyncContext *stale = m_ctx;
        m_ctx = nullptr;
        redisAsyncFree(stale);
        connectFailed(QStringLiteral("no answer within %1 s").arg(kConnectTimeoutMs / 1000));
    });
    m_timer->start(kConnectTimeoutMs);
}

void RedisClient::onConnect(const redisAsyncContext *ac, int status)
{
    auto *self = static_cast<RedisClient *>(ac->data);
    if (!self || self->m_closing)
        return;
    self->m_timer->stop();
    if (status != REDIS_OK) {
        // hiredis frees the context after this returns.
        self->m_ctx = nullptr;
        const QString why = QString::fromUtf8(ac->errstr);
        QMetaObject::invokeMethod(self, [self, why] { self->connectFailed(why); }, Qt::QueuedConnection);
        return;
    }
    self->m_ready = true;
    self->m_attempt = 0;
    if (!self->m_password.isEmpty())
        self->commandNow({QByteArrayLiteral("AUTH"), self->m_password.toUtf8()}, [self](const Reply &r) {
            if (!r.ok)
                qCWarning(lcRouter).noquote() << "redis" << self->address() << "refused the password:" << r.error;
        });
    if (self->m_db > 0)
        self->commandNow({QByteArrayLiteral("SELECT"), QByteArray::number(self->m_db)});
    if (self->m_handshake)
        self->m_handshake();
    // Requests whose replies the last connection swallowed go first, in their order.
    while (!self->m_orphans.empty()) {
        self->m_queue.push_front(std::move(self->m_orphans.back()));
        self->m_orphans.pop_back();
    }
    const bool again = self->m_everConnected;
    self->m_everConnected = true;
    emit self->connected();
    self->flush();
    if (again)
        qCInfo(lcRouter).noquote() << "redis" << self->address() << "reconnected";
}

void RedisClient::onDisconnect(const redisAsyncContext *ac, int status)
{
    auto *self = static_cast<RedisClient *>(ac->data);
    if (!self || self->m_closing)
        return;
    self->m_ctx = nullptr;   // hiredis frees it after this returns
    const QString why = status == REDIS_OK ? QStringLiteral("closed") : QString::fromUtf8(ac->errstr);
    QMetaObject::invokeMethod(self, [self, why] { self->connectionGone(why); }, Qt::QueuedConnection);
}

void RedisClient::connectFailed(const QString &why)
{
    if (m_closing)
        return;
    m_ready = false;
    if (!m_everConnected) {
        emit failed(QStringLiteral("cannot connect to Redis at %1: %2").arg(address(), why));
        return;
    }
    scheduleReconnect();
}

void RedisClient::connectionGone(const QString &why)
{
    if (m_closing)
        return;
    const bool wasReady = m_ready;
    m_ready = false;
    if (wasReady)
        emit lost(QStringLiteral("lost the connection to Redis at %1 (%2)").arg(address(), why));
    if (m_everConnected)
        scheduleReconnect();
}

void RedisClient::scheduleReconnect()
{
    if (m_closing || m_ctx || m_timer->isActive())
        return;
    const int delay = std::min(m_maxDelayMs, m_firstDelayMs << std::min(m_attempt, 16));
    ++m_attempt;
    m_timer->disconnect();
    connect(m_timer, &QTimer::timeout, this, [this] { open(); });
    m_timer->start(delay);
}

void RedisClient::command(QList<QByteArray> args, Callback done)
{
    auto p = std::make_unique<Pending>(Pending{std::move(args), std::move(done), this});
    if (m_ready && m_queue.empty())
        send(std::move(p));
    else
        m_queue.push_back(std::move(p));
}

void RedisClient::commandNow(QList<QByteArray> args, Callback done)
{
    send(std::make_unique<Pending>(Pending{std::move(args), std::move(done), this}));
}

void RedisClient::flush()
{
    while (m_ready && !m_queue.empty()) {
        std::unique_ptr<Pending> p = std::move(m_queue.front());
        m_queue.pop_front();
        send(std::move(p));
    }
}

void RedisClient::send(std::unique_ptr<Pending> p)
{
    if (!m_ctx || !m_ready) {
        m_queue.push_back(std::move(p));
        return;
    }
    std::vector<const char *> argv;
    std::vector<size_t> lens;
    argv.reserve(size_t(p->args.size()));
    lens.reserve(size_t(p->args.size()));
    for (const QByteArray &a : std::as_const(p->args)) {
        argv.push_back(a.constData());
        lens.push_back(size_t(a.size()));
    }
    Pending *raw = p.release();
    if (redisAsyncCommandArgv(m_ctx, &RedisClient::onReply, raw, int(argv.size()), argv.data(), lens.data()) != REDIS_OK)
        m_queue.push_front(std::unique_ptr<Pending>(raw));   // disconnecting: goes out on the next connection
}

void RedisClient::onReply(redisAsyncContext *, void *replyPtr, void *privdata)
{
    std::unique_ptr<Pending> p(static_cast<Pending *>(privdata));
    RedisClient *self = p->client;
    if (self->m_closing)
        return;
    auto *reply = static_cast<redisReply *>(replyPtr);
    if (!reply) {
        // The connection went away before the reply: send it again once it is back.
        self->m_orphans.push_back(std::move(p));
        return;
    }
    Reply r;
    r.ok = reply->type != REDIS_REPLY_ERROR;
    switch (reply->type) {
    case REDIS_REPLY_ERROR:
        r.error = QString::fromUtf8(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_INTEGER:
        r.integer = reply->integer;
        break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        r.string = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ARRAY:
        for (size_t i = 0; i < reply->elements; ++i) {
            const redisReply *e = reply->element[i];
            r.array << (e->type == REDIS_REPLY_INTEGER ? qint64(e->integer) : 0);
            r.strings << (e->type == REDIS_REPLY_STRING ? QByteArray(e->str, qsizetype(e->len)) : QByteArray());
        }
        break;
    default:
        break;
    }
    if (p->done)
        p->done(r);
}

} // namespace wb::redis
