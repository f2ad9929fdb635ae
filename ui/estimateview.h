#pragma once
// The "Estimate" page: the pre-flight estimate (core/experiment/estimator.h), recomputed in the
// background 400 ms after the last edit; a newer edit cancels the computation in flight.
#include "core/experiment/estimator.h"
#include "core/session/project.h"

#include <QWidget>
#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QStandardItemModel;
class QTableView;
class QTimer;
template <typename T> class QFutureWatcher;

namespace wb {
namespace ui {

class Project;
struct ProjectState;

class EstimateView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EstimateView)
public:
    explicit EstimateView(Project *project, QWidget *parent = nullptr);
    ~EstimateView() override;

    /// The estimate of a project state, assembled by prepareEstimate() exactly as `discernus estimate`
    /// does (with the results database at dbPath when it exists): call off the UI thread.
    static Result<EstimateReport> compute(const ProjectState &state, const QString &dbPath, std::atomic<bool> *cancel);
    /// What loadProject() would give for the state's files, from the edited state and cached corpora.
    static Result<LoadedProject> projectFor(const ProjectState &state, std::atomic<bool> *cancel = nullptr);
    /// Where the project's results database is (absolute); asked at each recomputation.
    void setDatabasePathSource(std::function<QString()> f) { m_databasePath = std::move(f); }

    QStandardItemModel *runsModel() const { return m_runs; }
    QStandardItemModel *deploymentsModel() const { return m_deployments; }
    bool isComputing() const { return m_computing; }
    int computeCount() const { return m_computeCount; }
    QString summaryText() const;
    void setDebounceMs(int ms);

public slots:
    void scheduleRecompute();
    void recomputeNow();

signals:
    void estimateReady();

private:
    void show(const Result<EstimateReport> &r);

    Project *m_project;
    QTimer *m_debounce;
    QLabel *m_summary;
    QLabel *m_budget;
    QLabel *m_binding;
    QLabel *m_recommendations;
    QLabel *m_status;
    QLabel *m_problems;
    QStandardItemModel *m_runs;
    QStandardItemModel *m_deployments;
    QFutureWatcher<Result<EstimateReport>> *m_watcher = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_computing = false;
    bool m_pending = false;
    int m_computeCount = 0;
    std::function<QString()> m_databasePath;
};

} // namespace ui
} // namespace wb
