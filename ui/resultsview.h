#pragma once
// The "Results" page: filters, the paged results table, a job's detail with the raw response,
// mean score per dimension per model, and CSV export with progress.
#include "core/config/experimentconfig.h"

#include <QWidget>
#include <memory>

class QBarSeries;
class QBarCategoryAxis;
class QChart;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;
class QTemporaryDir;
class QTimer;
class QValueAxis;

namespace wb {
struct JobDetail;
struct DimensionMean;
}

namespace wb {
namespace ui {

class CompareView;
class ResultsBackend;
class ResultsModel;

class ResultsView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResultsView)
public:
    explicit ResultsView(QWidget *parent = nullptr);
    ~ResultsView() override;

    void setDatabase(const QString &path);
    QString database() const;
    ResultsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString detailText() const;
    int chartSetCount() const;
    bool isExporting() const { return m_exporting; }
    CompareView *compareView() const { return m_compare; }
    /// Where the detail finds a job's text and rebuilds its prompt: the open project's frameworks,
    /// corpus sources and execution settings (a database opened alone shows the reply only).
    void setPromptContext(const QList<Framework> &frameworks, const QList<CorpusSource> &corpus, const ExecutionSettings &exec);
    /// A banner over the page (e.g. "read-only bundle"); empty hides it.
    void setBanner(const QString &text);

public slots:
    void refresh();
    /// Exports what the database holds (docs/FORMATS.md, "CSV export") with a progress dialog, off the UI thread.
    void exportCsv(const QString &outPath, bool longFormat = false);
    void exportInteractive();
    /// Asks for a results database file and shows it.
    void openDatabaseInteractive();
    /// Verifies and unpacks a reproducibility bundle (core/bundle) into a temporary folder off the
    /// UI thread, then shows its database read-only under a banner. Reports through bundleOpened.
    void openBundle(const QString &bundlePath);
    void openBundleInteractive();
    void showJob(qint64 jobId);

signals:
    /// A message for the window's status bar (e.g. "Exported 2,880 rows to …").
    void statusMessage(const QString &message);
    void exportFinished(bool ok, qint64 rows, const QString &message);
    void detailShown(qint64 jobId);
    void meansShown();
    /// `error` is empty when the bundle's database is shown.
    void bundleOpened(const QString &error);

private:
    void applyFilter();
    void reloadFilterChoices();
    void reloadMeans();
    void showDetail(const JobDetail &d);
    void showMeans(const QList<DimensionMean> &means);

    struct PromptContext;
    ResultsModel *m_model;
    CompareView *m_compare;
    QLabel *m_banner;
    std::shared_ptr<const PromptContext> m_promptContext;
    // Means read every score (seconds at a million jobs); on their own thread they never hold up paging.
    ResultsBackend *m_slowQueries;
    QTableView *m_view;
    QComboBox *m_run, *m_modelGroup, *m_status;
    QLineEdit *m_text;
    QTimer *m_textDebounce;
    QLabel *m_count;
    QTextBrowser *m_detail;
    QChart *m_chart;
    QCheckBox *m_long;
    // The path last asked for, kept even while the file does not exist yet (a run about to create
    // it), so refresh() picks it up once it appears.
    QString m_requestedPath;
    // The unpacked bundle shown (removed with the view or the next bundle) and its database.
    std::shared_ptr<QTemporaryDir> m_bundleDir;
    QString m_bundleDb, m_bundleName;
    int m_chartSets = 0;
    bool m_exporting = false;
    quint64 m_meansGeneration = 0;
};

} // namespace ui
} // namespace wb
