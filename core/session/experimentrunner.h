#pragma once
// Drives one experiment run: RunSetup prepares it (project, keys, simulator, database, router), then
// the runner plans the calls (batches), feeds the router a bounded window of them, validates replies
// and stores results. Lives on one thread and never blocks it; RunController puts it on an engine
// thread for the workbench, the CLI runs it on its main thread. docs/ARCHITECTURE.md, "A run from start to finish".
#include "core/router/routertypes.h"
#include "core/session/runtypes.h"

#include <QObject>
#include <memory>

namespace wb {

class ExperimentRunner final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExperimentRunner)
public:
    explicit ExperimentRunner(RunOptions options, QObject *parent = nullptr);
    ~ExperimentRunner() override;

    /// Thread-safe copies for monitors on other threads (updated at ~5 Hz).
    RouterSnapshot routerSnapshot() const;
    RunProgress progress() const;
    bool isFinished() const;

public slots:
    void start();      ///< schedules the run; emits finished() exactly once
    void pause();
    void resume();
    /// Stops buying: nothing new is sent, the calls in flight land (up to their timeout) and are
    /// stored, then finished() follows with cancelled set. Returns the calls in flight now.
    /// cancel() afterwards aborts them.
    int finishInFlight();
    /// Aborts: the calls in flight are dropped (also while the keys are being read). Unfinished
    /// jobs stay pending (--resume); finished() follows, at once when nothing is in flight.
    void cancel();

signals:
    void started(qint64 totalJobs);
    /// For a consumer on the runner's own thread (the CLI); other threads poll progress().
    void progressChanged(const wb::RunProgress &p);
    void jobCompleted(qint64 jobRowId, bool ok);
    void budgetWarning(int percent);       ///< 50, 80, 100
    void event(const QString &message);
    void finished(const wb::RunSummary &summary);

private:
    class Private;
    friend class Private;
    std::unique_ptr<Private> d;
};

} // namespace wb
