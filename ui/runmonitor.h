#pragma once
// The "Run" page: Start / Pause / Resume / Cancel, live gauges per provider and deployment,
// counters, progress with ETA, spend against budget over time, and the event log.
// The engine runs on its own thread (RunController); this page polls its snapshot on a 200 ms
// timer and coalesces everything that arrives between ticks (events, progress) into one
// repaint, so the UI stays fluid however many calls per second the router makes.
#include "core/session/runcontroller.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QStringList>
#include <QWidget>
#include <functional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStandardItemModel;
class QTabWidget;
class QTableView;
class QTimer;

class QChart;
class QLineSeries;
class QValueAxis;

namespace wb {
namespace ui {

class GaugeModel;
class Project;

class RunMonitor final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunMonitor)
public:
    explicit RunMonitor(Project *project, QWidget *parent = nullptr);
    ~RunMonitor() override;

    RunController *controller() const { return m_controller; }
    QString databasePath() const;
    /// The database a run would use: the typed path (results.sqlite when empty), relative to the project.
    QString resolvedDatabasePath() const;
    void setDatabasePath(const QString &path);
    bool isRunning() const;
    bool isPaused() const { return m_paused; }
    /// Called before a run starts (e.g. to save the project); returning false aborts the start.
    void setBeforeStart(std::function<bool()> f) { m_beforeStart = std::move(f); }

    /// What to do when Start is pressed without Resume on a database file that already exists.
    enum class ExistingDatabase { Resume, NewDatabase, Cancel };
    /// Replaces the question (a message box by default), e.g. in tests.
    void setExistingDatabaseChooser(std::function<ExistingDatabase(const QString &dbPath)> f) { m_chooseExisting = std::move(f); }
    /// What the Cancel button does with a run going on: its calls in flight are paid for already.
    enum class CancelChoice { FinishInFlight, AbortNow, KeepRunning };
    /// Replaces the question (a message box by default), e.g. in tests.
    void setCancelChooser(std::function<CancelChoice()> f) { m_chooseCancel = std::move(f); }
    /// A file name next to the project that does not exist yet: results-2.sqlite, results-3.sqlite, …
    QString freshDatabasePath(const QString &taken) const;
    /// The database of the run going on (or of the last run).
    QString runDatabasePath() const { return m_runDbPath; }

    GaugeModel *deploymentGauges() const { return m_deployments; }
    GaugeModel *providerGauges() const { return m_providers; }
    const RunSummary &lastSummary() const { return m_summary; }
    QString logText() const;
    int chartPointCount() const;
    /// The run's provider batches (execution.mode batch): one row each, empty for a live run.
    QStandardItemModel *batchTable() const { return m_batches; }

    static QString formatDuration(double seconds);
    /// Problems on the Models page that stop a run (Start lists them and refuses).
    QStringList startProblems() const;

public slots:
    void start();
    void pause();
    void resume();
    /// Aborts the run (the calls in flight are dropped).
    void cancel();
    /// Sends nothing new; the run ends once the calls in flight have landed and are stored.
    void finishInFlight();
    /// The Cancel button: asks whether to finish the calls in flight, abort now or keep running.
    void askCancel();
    /// One monitor refresh (normally from the 200 ms timer).
    void tick();

signals:
    void runStarted();
    void runFinished(const wb::RunSummary &summary, const QString &dbPath);

private:
    void onFinished(const RunSummary &summary);
    void showProjectDatabase();
    void appendEvent(const QString &message);
    void updateButtons();
    void resetChart(std::optional<double> budgetUsd);
    static void setAxis(QValueAxis *axis, double maxValue);
    /// Reads a database's batches on a worker thread and shows them when it is done (only the
    /// latest read is shown).
    void refreshBatches(const QString &dbPath);

    Project *m_project;
    RunController *m_controller;
    GaugeModel *m_deployments;
    GaugeModel *m_providers;
    QStandardItemModel *m_batches;
    QTabWidget *m_gaugeTabs = nullptr;
    int m_batchTab = -1;
    quint64 m_batchRead = 0;       // generation of the latest read
    QElapsedTimer m_batchesRead;   // since the last read
    QDateTime m_runStartedAt;      // batches created since then belong to this run
    QString m_batchExperiment;     // the tab lists only this experiment's batches (experiments.name)
    QTimer *m_timer;
    QLineEdit *m_db;
    QCheckBox *m_resume;
    QPushButton *m_start, *m_pause, *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_eta;
    QLabel *m_counters;
    QLabel *m_queues;
    QPlainTextEdit *m_log;
    QChart *m_chart;
    QLineSeries *m_spend;
    QLineSeries *m_budget;
    QValueAxis *m_axisX, *m_axisY;
    QList<QPointF> m_spendPoints;
    QStringList m_pendingEvents;
    qint64 m_droppedEvents = 0;
    std::optional<double> m_budgetUsd;
    RunSummary m_summary;
    QElapsedTimer m_clock;
    bool m_paused = false;
    bool m_running = false;
    std::function<bool()> m_beforeStart;
    std::function<ExistingDatabase(const QString &)> m_chooseExisting;
    std::function<CancelChoice()> m_chooseCancel;
    // Fixed at start(): the field may be edited, or another project opened, before the run ends.
    QString m_runDbPath;
    QString m_runExperiment;
};

} // namespace ui
} // namespace wb
