#pragma once
// Models side by side, under the Results page's filters: box plots of each dimension per model,
// a model-vs-model scatter per dimension, and the text x model pivot. The charts are drawn from
// an evenly spaced sample of at most kSampleTexts texts and the pivot reads a page of texts at a
// time, both on a query thread of their own (core/storage/resultquery.h, comparisonSample and
// comparisonPage): neither grows with the database, and the UI thread only draws. A chart is
// cleared the moment its database or filter changes, so it never shows another database's data.
#include "core/storage/resultquery.h"

#include <QTabWidget>

class QChart;
class QComboBox;
class QLabel;
class QStackedLayout;
class QTableView;

namespace wb {
namespace ui {

class PivotModel;
class ResultsBackend;

class CompareView final : public QTabWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompareView)
public:
    static constexpr int kSampleTexts = 2000;

    explicit CompareView(QWidget *parent = nullptr);
    ~CompareView() override;

    /// Database and filter together (one reload).
    void setSource(const QString &dbPath, const ResultFilter &filter);
    PivotModel *pivotModel() const { return m_pivot; }
    QTableView *pivotView() const { return m_pivotView; }
    /// Box sets drawn (models x dimensions); 0 while computing or empty.
    int boxSetCount() const { return m_boxSets; }
    /// Points in the scatter.
    int scatterPointCount() const { return m_scatterPoints; }
    bool isComputing() const { return m_computing; }
    const ScoreComparison &sample() const { return m_sample; }

public slots:
    /// Scatter of `dimension` (index into sample().dimensions), model x against model y.
    void setScatter(int dimension, int modelX, int modelY);

signals:
    /// The sample arrived and the charts are drawn (or cleared on an error).
    void chartsShown();

private:
    void clearCharts();
    void showSample();
    void drawBoxes();
    void drawScatter();

    ResultsBackend *m_backend;
    PivotModel *m_pivot;
    QTableView *m_pivotView;
    QLabel *m_pivotStatus;
    QChart *m_boxChart, *m_scatterChart;
    QLabel *m_boxNote, *m_scatterNote;
    QComboBox *m_scatterDim, *m_scatterX, *m_scatterY;
    ScoreComparison m_sample;
    quint64 m_generation = 0;
    int m_boxSets = 0;
    int m_scatterPoints = 0;
    bool m_computing = false;
};

} // namespace ui
} // namespace wb
