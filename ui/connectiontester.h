#pragma once
// The Keys page's "Test connection": a thin wrapper over the engine's ConnectionTest
// (core/session/connectiontest.h), which sends one tiny call per deployment through the router,
// against the simulator when the model list asks for it — the same job as `discernus
// test-connections`. Asynchronous on the UI thread; nothing blocks.
#include "core/config/modellist.h"
#include "core/session/connectiontest.h"

#include <QObject>
#include <QPointer>

namespace wb {
namespace ui {

class ConnectionTester final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionTester)
public:
    explicit ConnectionTester(QObject *parent = nullptr);
    ~ConnectionTester() override;   ///< cancels a test in progress

    bool isBusy() const { return m_test != nullptr; }
    /// Tests the given deployments (all when empty); results arrive one by one.
    void test(const ModelList &models, const QStringList &deploymentIds = {}, double timeoutSeconds = 30);

signals:
    void result(const QString &deploymentId, bool ok, const QString &message, qint64 ms);
    void finished();

private:
    QPointer<ConnectionTest> m_test;
};

} // namespace ui
} // namespace wb
