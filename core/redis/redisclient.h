#pragma once
// An asynchronous Redis connection driven by the Qt event loop (hiredis with its Qt adapter):
// nothing here ever blocks the thread it lives on. Commands sent while the connection is down
// wait in order and go out when it is back; a command whose reply a lost connection swallowed
// is sent again, so callers send only commands that are safe to repeat (docs/ARCHITECTURE.md,
// "Shared limits in Redis").
#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <deque>
#include <functional>
#include <memory>

struct redisAsyncContext;
class QTimer;

namespace wb::redis {

struct Reply {
    bool ok = false;             ///< false: the server answered with an error (see error)
    QString error;
    qint64 integer = 0;
    QList<qint64> array;         ///< the integer elements of an array reply
    QList<QByteArray> strings;   ///< the string elements of an array reply (HGETALL), empty for others
    QByteArray string;
};

class RedisClient final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisClient)
public:
    using Callback = std::function<void(const Reply &)>;
    RedisClient(QString host, int port, QString password, int db, QObject *parent = nullptr);
    ~RedisClient() override;

    QString address() const;
    bool isConnected() const { return m_ready; }
    /// First connection: connected() or failed() follows (never from inside open()). Afterwards a
    /// lost connection emits lost() and is retried with back-off until it is back (connected()).
    void open();
    /// Sends now when connected (after anything already waiting), else when the connection is back.
    void command(QList<QByteArray> args, Callback done = {});
    /// Commands run first on every new connection, before those waiting (AUTH, SELECT, scripts).
    void setHandshake(std::function<void()> f) { m_handshake = std::move(f); }
    /// For the handshake: sends at once, ahead of the waiting commands.
    void commandNow(QList<QByteArray> args, Callback done = {});
    int waiting() const { return int(m_queue.size()); }
    /// Back-off of reconnection attempts, for tests (first delay, cap).
    void setReconnectDelays(int firstMs, int maxMs) { m_firstDelayMs = firstMs; m_maxDelayMs = maxMs; }

signals:
    void connected();            ///< every (re)connection, after the handshake was sent
    void failed(const QString &message);   ///< the first connection could not be made
    void lost(const QString &message);     ///< an established connection went away; reconnecting

private:
    struct Pending {
        QList<QByteArray> args;
        Callback done;
        RedisClient *client = nullptr;
    };
    static void onConnect(const redisAsyncContext *ac, int status);
    static void onDisconnect(const redisAsyncContext *ac, int status);
    static void onReply(redisAsyncContext *ac, void *reply, void *privdata);
    void connectTo(const QString &ip);
    void connectFailed(const QString &why);
    void connectionGone(const QString &why);
    void scheduleReconnect();
    void send(std::unique_ptr<Pending> p);
    void flush();

    QString m_host;
    int m_port;
    QString m_password;
    int m_db;
    redisAsyncContext *m_ctx = nullptr;
    class Adapter;
    std::unique_ptr<Adapter> m_adapter;
    std::function<void()> m_handshake;
    std::deque<std::unique_ptr<Pending>> m_queue;
    std::deque<std::unique_ptr<Pending>> m_orphans;   // sent, reply lost with the connection
    QTimer *m_timer = nullptr;   // connect timeout and reconnect back-off
    bool m_ready = false;
    bool m_everConnected = false;
    bool m_closing = false;
    int m_attempt = 0;
    int m_firstDelayMs = 100, m_maxDelayMs = 5'000;
};

} // namespace wb::redis
