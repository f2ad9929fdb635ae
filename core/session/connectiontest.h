#pragma once
// "Test connection": one tiny call per deployment through the engine's own router (its adapters,
// keys, api_base rules, limits and retries; no fallbacks, so the answer is the deployment's own),
// against the simulator session when the model list asks for it. Used by the workbench's
// Keys page and by `discernus test-connections`. Asynchronous; no nested event loop.
#include "core/config/modellist.h"
#include "core/providers/providertypes.h"
#include "core/secrets/keystore.h"

#include <QElapsedTimer>
#include <QObject>
#include <memory>

class QTimer;

namespace wb {

class KeyResolveJob;
class Router;
class SimSession;
struct CallRecord;
struct JobOutcome;

struct ConnectionResult {
    QString deploymentId;
    bool ok = false;
    bool answered = false;     ///< false: the call was never answered (no key resolved counts as answered)
    bool timedOut = false;     ///< no answer within the timeout
    QString error;             ///< when !ok; never contains a key
    ErrorClass errorClass = ErrorClass::None;
    int httpStatus = 0;        ///< of the last attempt; 0 = none
    QString modelVersion;      ///< what answered, when ok
    qint64 ms = 0;
    qint64 rpmLimit = 0, tpmLimit = 0, itpmLimit = 0;   ///< what the router enforces after the call; 0 = none
};

class ConnectionTest final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionTest)
public:
    /// Tests `deploymentIds` of `models` (all when empty), one after another, in list order.
    explicit ConnectionTest(ModelList models, QStringList deploymentIds = {}, double timeoutSeconds = 30,
                            QObject *parent = nullptr, const QString &keychainService = KeyStore::defaultService());
    ~ConnectionTest() override;

    /// Schedules the test; result() per deployment, then finished() exactly once (never from inside
    /// start() or cancel()).
    void start();
    /// Aborts the call in flight; finished() follows.
    void cancel();
    bool isFinished() const { return m_finished; }
    /// The simulator's port while it runs for this test; 0 when the list needs none.
    quint16 simulatorPort() const;
    QList<ConnectionResult> results() const { return m_results; }

signals:
    void simulatorStarted(quint16 port);
    void result(const wb::ConnectionResult &r);
    void finished();

private:
    void begin();
    void next();
    void report(ConnectionResult r);
    void onOutcome(const JobOutcome &o);
    void onTimeout();
    void finishSoon();

    ModelList m_models;
    QStringList m_ids;
    double m_timeoutS;
    QString m_keychainService;
    std::unique_ptr<SimSession> m_sim;
    KeyResolveJob *m_keys = nullptr;
    QHash<QString, QString> m_keyValues, m_keyErrors;
    int m_index = -1;             // deployment under test
    std::unique_ptr<Router> m_router;
    QTimer *m_guard;
    QElapsedTimer m_clock;
    int m_lastHttpStatus = 0;
    QList<ConnectionResult> m_results;
    bool m_started = false, m_cancelled = false, m_finished = false, m_finishQueued = false;
};

} // namespace wb

Q_DECLARE_METATYPE(wb::ConnectionResult)
