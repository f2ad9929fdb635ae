#pragma once
// Internal to core/sim: the server object that lives on the simulator's thread. It owns the
// listening socket, the connections, the rate-limit windows and the statistics; every member is
// touched only from that thread (ProviderSimulator marshals calls onto it). What differs between
// providers is in core/sim/dialects/.
#include "core/common/result.h"
#include "core/sim/dialects/simdialects.h"
#include "core/sim/simbatch.h"
#include "core/sim/simconfig.h"
#include "core/sim/simhttp.h"
#include "core/sim/simquota.h"
#include "core/sim/simstats.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

class QTcpServer;
class QTcpSocket;

namespace wb::sim {

class SimServer final : public QObject, private SimReplyContext {
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
    using Reply = SimReply;
    using Action = SimReply::Action;
    using Call = SimCall;

    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void dropConnection(QTcpSocket *socket);
    void processBuffer(Conn *conn);
    void handle(Conn *conn, const HttpRequest &req);
    void finish(Conn *conn, Reply reply, bool keepAlive);
    void schedule(Conn *conn, qint64 delayMs, bool keepAlive, std::function<Reply()> produce);

    SimWindows *windowsFor(const SimKey &key);
    static QString windowsName(const SimKey &key);
    /// POST /token: a service account's JWT assertion for a Vertex AI access token.
    Reply tokenEndpoint(const HttpRequest &req);
    std::optional<Reply> authenticateToken(const SimDialect &pathDialect, const QString &token, Call &call);

    // Steps of a request.
    std::optional<Reply> authenticate(const SimDialect &pathDialect, const HttpRequest &req, Call &call);
    void answerModelCall(Conn *conn, Call call, bool keepAlive);
    std::optional<Reply> admit(Call &call);
    Reply produce(Call &call, int fault, const QString &text, qint64 completion, bool truncated);
    int rollFault(quint64 serial) const;
    void closeLater(QTcpSocket *socket, bool abort);

    // SimReplyContext
    QString randomId(const char *prefix, int length, bool hex) override;
    qint64 now() const override { return m_clock.elapsed(); }
    qint64 epochAtStart() const override { return m_epochAtStart; }

    SimConfig m_config;
    SimDialects m_dialects;
    QHash<QString, SimKey> m_keys;
    struct IssuedToken {
        QString clientEmail;
        qint64 expiresAt = 0;   // m_clock ms
    };
    QHash<QString, IssuedToken> m_accessTokens;
    std::map<QString, std::unique_ptr<SimWindows>> m_windows;   // by pool or key
    SimDailyQuotas m_daily;                                     // rpd keys, by pool or key
    QTcpServer *m_server = nullptr;
    std::unordered_map<QTcpSocket *, std::unique_ptr<Conn>> m_conns;
    QElapsedTimer m_clock;
    qint64 m_epochAtStart = 0;   // wall clock (ms) when m_clock started, for RFC 3339 resets
    quint64 m_serial = 0;        // admitted model calls: drives fault injection and jitter
    quint64 m_idCounter = 0;     // every id handed out (ids never disturb the fault sequence)
    SimStats m_stats;
    SimBatches m_batches{m_config, m_dialects, m_stats.batch};   // the batch endpoints (core/sim/simbatch.h)
};

} // namespace wb::sim
