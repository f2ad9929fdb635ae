#pragma once
// Owns an engine thread and an ExperimentRunner on it; used from the UI thread. Progress reaches the
// UI one way only: it polls progress() and routerSnapshot() (the runner updates them at ~5 Hz).
#include "core/router/routertypes.h"
#include "core/session/runtypes.h"

#include <QObject>
#include <memory>

namespace wb {

class RunController final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunController)
public:
    explicit RunController(QObject *parent = nullptr);
    /// Cancels the run (also while its keys are being read), waits until the runner has finished on
    /// its thread, deletes it there and joins the thread. Unfinished jobs stay pending.
    ~RunController() override;
    bool isRunning() const;
    void start(const RunOptions &options);
    void pause();
    void resume();
    /// Sends nothing new and ends the run once the calls in flight have landed and are stored.
    void finishInFlight();
    /// Aborts the calls in flight.
    void cancel();
    RouterSnapshot routerSnapshot() const;
    RunProgress progress() const;
signals:
    void started(qint64 totalJobs);
    void budgetWarning(int percent);
    void event(const QString &message);
    void finished(const wb::RunSummary &summary);
private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace wb
