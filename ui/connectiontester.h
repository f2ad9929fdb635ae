#pragma once
// "Test connection": one tiny call per deployment through the engine's own router (same
// adapters, keys and api_base rules as a run), on a worker thread. Starts the provider
// simulator when the model list asks for it, exactly as a run would.
#include "core/config/modellist.h"

#include <QObject>
#include <atomic>
#include <memory>

class QThread;

namespace wb {
namespace ui {

struct ConnectionResult {
    QString deploymentId;
    bool ok = false;
    QString message;        ///< never contains a key
    qint64 ms = 0;
};

class ConnectionTester final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionTester)
public:
    explicit ConnectionTester(QObject *parent = nullptr);
    ~ConnectionTester() override;   ///< cancels a test in progress, waiting at most ~3 s for it

    bool isBusy() const { return m_thread != nullptr; }
    /// Tests the given deployments (all when empty); results arrive one by one.
    void test(const ModelList &models, const QStringList &deploymentIds = {}, double timeoutSeconds = 30);

signals:
    void result(const QString &deploymentId, bool ok, const QString &message, qint64 ms);
    void finished();

private:
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace ui
} // namespace wb
