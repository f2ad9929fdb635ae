#pragma once
// The "Experiment" page: corpus sources with counts, frameworks with dimensions, the run
// matrix and the execution settings.
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStandardItemModel;
class QTableView;
class QTreeView;

namespace wb {
namespace ui {

class CorpusBrowser;
class CorpusModel;
class MatrixModel;
class Project;

class ExperimentEditor final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExperimentEditor)
public:
    /// The reason of the last refused edit in the corpus or matrix table; empty when none.
    QString refusalText() const;
    explicit ExperimentEditor(Project *project, QWidget *parent = nullptr);

    CorpusModel *corpusModel() const { return m_corpus; }
    MatrixModel *matrixModel() const { return m_matrix; }
    QStandardItemModel *frameworkModel() const { return m_frameworks; }

public slots:
    void addCorpusFolder();
    void addCorpusFile();
    void addCorpusSource(const QString &path);
    void removeSelectedCorpus();
    void addFrameworkFile();
    void removeSelectedFramework();
    void addRun();
    void removeSelectedRuns();
    /// Opens the texts of corpus source `row` (non-modal); null for no such row.
    CorpusBrowser *browseCorpus(int row);

signals:
    void corpusBrowserOpened(CorpusBrowser *browser);

private:
    void reload();
    void commitSettings(int mergeKey);
    void updateCorpusSummary();

    Project *m_project;
    CorpusModel *m_corpus;
    MatrixModel *m_matrix;
    QStandardItemModel *m_frameworks;
    QTableView *m_corpusView;
    QTreeView *m_frameworkView;
    QTableView *m_matrixView;
    QLabel *m_corpusSummary;
    QLabel *m_refusal = nullptr;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QDoubleSpinBox *m_temperature;
    QSpinBox *m_maxTokens;
    QSpinBox *m_repetitions;
    QSpinBox *m_parseRetries;
    QComboBox *m_mode;
    QCheckBox *m_batching;
    QSpinBox *m_batchTokens;
    QSpinBox *m_batchTexts;
    bool m_loading = false;
};

} // namespace ui
} // namespace wb
