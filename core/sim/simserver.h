#pragma once
// Internal to core/sim: the server object that lives on the simulator's thread. It owns the
// listening socket, the connections, the rate-limit windows and the statistics; every member is
// touched only from that thread (ProviderSimulator marshals calls onto it).
#include "core/common/result.h"
#include "core/sim/simconfig.h"
#include "core/sim/simformat.h"
#include "core/sim/simhttp.h"
#include "core/sim/simstats.h"
#include "core/sim/simwindow.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

class QTcpServer;
class QTcpSocket;

namespace wb::sim {

class SimServer final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimServer)
public:
    explicit SimServer(SimConfig config, QObject *parent = nullptr);
    ~SimServer() override;

    Result<quint16> listen();
    void close();
    SimStats stats() const { return m_stats; }

private:
    struct Conn {
        QTcpSocket *socket = nullptr;
        QByteArray buffer;
        bool busy = false;          // a request is being answered; later bytes wait in the buffer
        bool processing = false;    // inside processBuffer (a synchronous reply must not recurse)
        bool stopped = false;       // hang fault or closing: read nothing more, answer nothing more
        bool continueSent = false;
        bool counted = false;       // the request being answered counts as in flight (API calls only)
    };
    struct Windows {
        SimWindow rpm, tpm, itpm, otpm;
        explicit Windows(qint64 ms) : rpm(ms), tpm(ms), itpm(ms), otpm(ms) {}
    };
    enum class Endpoint { Chat, Messages, MessagesCount, GeminiGenerate, GeminiCount };
    enum class Action { Send, Reset, Hang };
    struct Reply {
        int status = 200;
        ResponseHeaders headers;
        QByteArray body;
        Action action = Action::Send;
    };
    /// One model call that passed authentication and parsing.
    struct Call {
        Endpoint endpoint = Endpoint::Chat;
        Provider provider = Provider::OpenAI;
        const SimKey *key = nullptr;   // nullptr: accepted by accept_any_key, unlimited
        Windows *windows = nullptr;
        QString statsKey;
        QString model;
        QStringList messages;
        qint64 maxTokens = -1;         // -1: not given
        qint64 promptTokens = 0;
        qint64 tpmCharge = 0;          // tokens charged to tpm/itpm at admission
        SimWindow::EventId tpmEvent = 0;
        quint64 serial = 0;
        qint64 receivedAt = 0;
    };

    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void dropConnection(QTcpSocket *socket);
    void processBuffer(Conn *conn);
    void handle(Conn *conn, const HttpRequest &req);
    void finish(Conn *conn, Reply reply, bool keepAlive);
    void schedule(Conn *conn, qint64 delayMs, bool keepAlive, std::function<Reply()> produce);

    qint64 now() const { return m_clock.elapsed(); }
    Windows *windowsFor(const SimKey &key);

    // Steps of a model call.
    std::optional<Reply> authenticate(Endpoint ep, const HttpRequest &req, Call &call);
    std::optional<Reply> parseBody(const HttpRequest &req, Call &call, QJsonObject &body);
    std::optional<Reply> admit(Call &call);
    Reply produce(Call &call, int fault, const QString &text, qint64 completion, bool truncated);
    int rollFault(quint64 serial) const;

    // Wire formats.
    Reply errorReply(Provider p, int status, const QString &message, const QString &type, const QString &code = {},
                     const QString &param = {});
    Reply unauthorized(Endpoint ep, bool missing);
    Reply rateLimited(Call &call, qint64 rpmWait, qint64 tpmWait, qint64 otpmWait);
    void addRequestId(Provider p, Reply &reply, QString *requestId = nullptr);
    void closeLater(QTcpSocket *socket, bool abort);
    /// Per dimension: time until the rejected request fits (on a 429), or -1 = until the window empties.
    struct Resets {
        qint64 rpm = -1, tpm = -1, itpm = -1, otpm = -1;
    };
    ResponseHeaders rateLimitHeaders(const Call &call, qint64 charged, const Resets &resets);
    QByteArray successBody(const Call &call, const QString &text, qint64 completion, bool truncated);
    QString randomId(const char *prefix, int length, bool hex);

    SimConfig m_config;
    QHash<QString, SimKey> m_keys;
    std::map<QString, std::unique_ptr<Windows>> m_windows;   // by pool or key
    QTcpServer *m_server = nullptr;
    std::unordered_map<QTcpSocket *, std::unique_ptr<Conn>> m_conns;
    QElapsedTimer m_clock;
    qint64 m_epochAtStart = 0;   // wall clock (ms) when m_clock started, for RFC 3339 resets
    quint64 m_serial = 0;        // admitted model calls: drives fault injection and jitter
    quint64 m_idCounter = 0;     // every id handed out (ids never disturb the fault sequence)
    SimStats m_stats;
};

} // namespace wb::sim
