#pragma once
// The workbench window: a sidebar of pages (Models, Keys, Experiment, Estimate, Run, Results)
// over one Project, with File/Edit/Run menus, recent projects and unsaved-changes prompts.
#include <QMainWindow>

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace wb {
struct RunSummary;
}

namespace wb {
namespace ui {

class EstimateView;
class ExperimentEditor;
class KeysView;
class ModelListEditor;
class Project;
class ResultsView;
class StatisticsView;
class RunMonitor;
class SharedRunPanel;

class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    enum Page { ModelsPage, KeysPage, ExperimentPage, EstimatePage, RunPage, ResultsPage, StatisticsPage, PageCount };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    Project *project() const { return m_project; }
    ModelListEditor *modelsPage() const { return m_models; }
    KeysView *keysPage() const { return m_keys; }
    ExperimentEditor *experimentPage() const { return m_experiment; }
    EstimateView *estimatePage() const { return m_estimate; }
    RunMonitor *runPage() const { return m_run; }
    ResultsView *resultsPage() const { return m_results; }
    Page currentPage() const;
    bool isSimulatedBannerVisible() const;

    /// Opens a project; shows errors in a message box unless `quiet`.
    bool openProject(const QString &experimentOrFolder, bool quiet = false);
    /// Opens the bundled sample (a writable copy in the user's data folder on first use).
    bool openSample(bool quiet = false);
    /// Opens what the user had last, or the sample the first time.
    void openInitialProject();
    /// Writable copy of the bundled sample (copied on first use); empty if there is no sample.
    static QString sampleWorkingCopy();

    /// Save / Discard / Cancel when there are unsaved changes; true = go ahead.
    bool maybeSave();
    /// Before another project replaces this one: confirms cancelling a run in progress, then maybeSave().
    bool maybeLeaveProject();

    /// Run ▸ Watch Shared Run…: shows the shared-run window watching `url` (postgresql://…);
    /// a malformed URL is a message box. Returns the window (created on first use).
    SharedRunPanel *watchSharedRun(const QString &url);
    SharedRunPanel *sharedRunPanel() const { return m_shared; }

public slots:
    void showPage(int page);
    bool save();
    bool saveAs();
    void openDialog();

protected:
    void closeEvent(QCloseEvent *e) override;

private:
    void createActions();
    void updateTitle();
    void updateRecentMenu();
    void onRunFinished(const wb::RunSummary &summary, const QString &dbPath);

    Project *m_project;
    QListWidget *m_nav;
    QStackedWidget *m_pages;
    QLabel *m_banner;
    QLabel *m_status;
    QMenu *m_recent = nullptr;
    ModelListEditor *m_models;
    KeysView *m_keys;
    ExperimentEditor *m_experiment;
    EstimateView *m_estimate;
    RunMonitor *m_run;
    ResultsView *m_results;
    StatisticsView *m_statistics;
    SharedRunPanel *m_shared = nullptr;
};

} // namespace ui
} // namespace wb
