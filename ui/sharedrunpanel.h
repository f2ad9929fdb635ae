#pragma once
// "Watch shared run": a run in the PostgreSQL run store seen live from the workbench — progress,
// spend and the workers with their last heartbeat (docs/USER-GUIDE.md, "Watching a shared run").
// Every refresh reads the store on a pool thread through a connection of its own
// (readSharedRunStatus), so a slow or unreachable server never blocks the window. A local worker
// (`discernus worker`) can be started for the open project and stopped with SIGINT, which lets it
// finish its calls in flight and give its unclaimed jobs back. When the model list names a Redis,
// gauges show what its shared windows count per pool of deployments, read by a RedisGaugeReader
// on a thread of its own.
#include "core/config/modellist.h"
#include "core/redis/redisgauges.h"
#include "core/storage/sharedstatus.h"

#include <QFutureWatcher>
#include <QProcess>
#include <QThread>
#include <QWidget>

#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace wb {
namespace ui {

class Project;

class SharedRunPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SharedRunPanel)
public:
    explicit SharedRunPanel(Project *project, QWidget *parent = nullptr);
    /// A local worker still running is stopped with SIGINT and given a moment to finish.
    ~SharedRunPanel() override;

    /// Starts watching `url` (postgresql://…; a password in it or in PGPASSWORD is used, never
    /// shown). A malformed URL is an error at once; a server that cannot be reached shows in the panel.
    Result<void> watch(const QString &url);
    void stopWatching();
    bool isWatching() const;
    /// The watched store without its password.
    QString displayedDatabase() const;

    /// The Redis whose shared windows the gauges show; nullopt hides them. watch() takes it from
    /// the open project's model list.
    void setRedis(const std::optional<RouterSettings::RedisEndpoint> &endpoint);
    /// The last gauges read from Redis (connected false, with the reason, while it is unreachable).
    const SharedGaugeReading &gauges() const { return m_gaugeReading; }

    void setRefreshInterval(int ms);
    /// Reads the store now (unless a read is already under way).
    void refresh();
    /// The last status read, and the last error (empty after a good read).
    const SharedRunStatus &status() const { return m_status; }
    QString lastError() const { return m_error; }

    /// The `discernus` binary a local worker runs; by default the one next to the workbench.
    void setWorkerProgram(const QString &program) { m_workerProgram = program; }
    QString workerProgram() const;
    /// Starts `discernus worker` for the open project on the watched store.
    Result<void> startLocalWorker();
    /// SIGINT: the worker finishes its calls in flight and releases its unclaimed jobs.
    void stopLocalWorker();
    QProcess::ProcessState localWorkerState() const;

signals:
    /// After every read of the store, good or failed.
    void refreshed();
    /// After every reading of the gauges from Redis.
    void gaugesRefreshed();
    void localWorkerStateChanged();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void showStatus();
    void showGauges();
    void showError(const QString &message);
    void updateWorkerControls();
    static QString heartbeatAge(qint64 ms);

    Project *m_project;
    QString m_url;   // with its password, if it had one: held only in memory
    QString m_workerProgram;
    SharedRunStatus m_status;
    QString m_error;
    QTimer *m_timer;
    QFutureWatcher<Result<SharedRunStatus>> m_read;
    QProcess *m_worker = nullptr;
    QString m_workerNote;

    QLabel *m_database;
    QLabel *m_state;
    QProgressBar *m_progress;
    QLabel *m_counts;
    QLabel *m_spend;
    QTableWidget *m_workers;
    QLabel *m_gaugeTitle;
    QLabel *m_redisState;
    QTableWidget *m_gaugeTable;
    QThread m_gaugeThread;
    RedisGaugeReader *m_gaugeReader = nullptr;   // lives on m_gaugeThread
    QString m_redisAddress;
    SharedGaugeReading m_gaugeReading;
    QPushButton *m_startWorker;
    QPushButton *m_stopWorker;
    QLabel *m_workerState;
};

} // namespace ui
} // namespace wb
