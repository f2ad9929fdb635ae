#include "ui/compareview.h"

#include "core/analysis/krippendorff.h"
#include "ui/pivotmodel.h"
#include "ui/resultsbackend.h"

#include <QBarCategoryAxis>
#include <QBoxPlotSeries>
#include <QBoxSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace wb {
namespace ui {

namespace {

QChart *makeChart()
{
    auto *c = new QChart;
    c->setLocalizeNumbers(true);
    c->setLocale(QLocale());
    c->setMargins(QMargins(4, 4, 4, 4));
    c->legend()->setAlignment(Qt::AlignRight);
    QFont f = c->legend()->font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    c->legend()->setFont(f);
    return c;
}

void clearChart(QChart *c)
{
    c->removeAllSeries();
    for (QAbstractAxis *a : c->axes())
        c->removeAxis(a);
}

/// Quantile of sorted values by linear interpolation between closest ranks.
double quantile(const std::vector<double> &sorted, double p)
{
    const double pos = p * double(sorted.size() - 1);
    const auto lo = std::size_t(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - double(lo));
}

QString dimensionLabel(const ScoreComparison &s, int d)
{
    bool oneFramework = true;
    for (const ScoreSample::Dimension &x : s.dimensions)
        oneFramework = oneFramework && x.framework == s.dimensions[d].framework;
    return oneFramework ? s.dimensions[d].dimension : s.dimensions[d].framework + QLatin1Char(':') + s.dimensions[d].dimension;
}

} // namespace

CompareView::CompareView(QWidget *parent)
    : QTabWidget(parent), m_backend(new ResultsBackend(this)), m_pivot(new PivotModel(m_backend, this)),
      m_pivotView(new QTableView(this)), m_boxChart(makeChart()), m_scatterChart(makeChart())
{
    setObjectName(QStringLiteral("compareView"));
    // Box plots.
    auto *boxPage = new QWidget(this);
    auto *bl = new QVBoxLayout(boxPage);
    bl->setContentsMargins(2, 2, 2, 2);
    m_boxNote = new QLabel(this);
    m_boxNote->setObjectName(QStringLiteral("boxNote"));
    m_boxNote->setWordWrap(true);
    // The legend above the boxes: beside them it took the width the dimension names need.
    m_boxChart->legend()->setAlignment(Qt::AlignTop);
    m_scatterChart->legend()->setAlignment(Qt::AlignTop);
    auto *boxView = new QChartView(m_boxChart, this);
    boxView->setObjectName(QStringLiteral("boxChart"));
    boxView->setRenderHint(QPainter::Antialiasing);
    boxView->setAccessibleName(tr("Scores of each dimension per model"));
    bl->addWidget(m_boxNote);
    bl->addWidget(boxView, 1);

    // Scatter.
    auto *scatterPage = new QWidget(this);
    auto *sl = new QVBoxLayout(scatterPage);
    sl->setContentsMargins(2, 2, 2, 2);
    m_scatterDim = new QComboBox(this);
    m_scatterX = new QComboBox(this);
    m_scatterY = new QComboBox(this);
    m_scatterDim->setObjectName(QStringLiteral("scatterDimension"));
    m_scatterX->setObjectName(QStringLiteral("scatterModelX"));
    m_scatterY->setObjectName(QStringLiteral("scatterModelY"));
    for (QComboBox *c : {m_scatterDim, m_scatterX, m_scatterY}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(8);
    }
    auto *choice = new QHBoxLayout;
    choice->addWidget(m_scatterDim, 1);
    choice->addWidget(new QLabel(tr("x:"), this));
    choice->addWidget(m_scatterX, 1);
    choice->addWidget(new QLabel(tr("y:"), this));
    choice->addWidget(m_scatterY, 1);
    m_scatterNote = new QLabel(this);
    m_scatterNote->setObjectName(QStringLiteral("scatterNote"));
    m_scatterNote->setWordWrap(true);
    auto *scatterView = new QChartView(m_scatterChart, this);
    scatterView->setObjectName(QStringLiteral("scatterChart"));
    scatterView->setRenderHint(QPainter::Antialiasing);
    scatterView->setAccessibleName(tr("One model's scores against another's, per text"));
    sl->addLayout(choice);
    sl->addWidget(m_scatterNote);
    sl->addWidget(scatterView, 1);
    for (QComboBox *c : {m_scatterDim, m_scatterX, m_scatterY})
        connect(c, &QComboBox::activated, this, [this] { drawScatter(); });

    // Pivot.
    auto *pivotPage = new QWidget(this);
    auto *pl = new QVBoxLayout(pivotPage);
    pl->setContentsMargins(2, 2, 2, 2);
    m_pivotStatus = new QLabel(this);
    m_pivotStatus->setObjectName(QStringLiteral("pivotStatus"));
    m_pivotStatus->setWordWrap(true);
    m_pivotView->setObjectName(QStringLiteral("pivotTable"));
    m_pivotView->setModel(m_pivot);
    m_pivotView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_pivotView->verticalHeader()->hide();
    m_pivotView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_pivotView->verticalHeader()->setDefaultSectionSize(m_pivotView->fontMetrics().height() + 6);
    m_pivotView->setWordWrap(false);
    pl->addWidget(m_pivotStatus);
    pl->addWidget(m_pivotView, 1);
    auto pivotStatus = [this] {
        const qint64 n = m_pivot->totalTexts();
        if (m_pivot->rowCount() == 0 && !m_pivot->isLoading() && n >= 0)
            m_pivotStatus->setText(tr("No finished scores under these filters."));
        else
            m_pivotStatus->setText(tr("%1 texts; per model the mean over repetitions. The redder a spread cell, the more the models disagree.")
                                       .arg(n < 0 ? tr("Counting") : QLocale().toString(n)));
    };
    connect(m_pivot, &PivotModel::pageLoaded, this, [this, pivotStatus](const QString &error) {
        if (!error.isEmpty()) {
            m_pivotStatus->setText(tr("Error: %1").arg(error));
            return;
        }
        pivotStatus();
        // Whole headers ("authority" over "claude-haiku") once the first page is in.
        if (m_pivot->rowCount() <= 200)
            m_pivotView->resizeColumnsToContents();
    });
    connect(m_pivot, &PivotModel::totalChanged, this, pivotStatus);

    addTab(boxPage, tr("Box plots"));
    addTab(scatterPage, tr("Scatter"));
    addTab(pivotPage, tr("Pivot"));
}

CompareView::~CompareView() = default;

void CompareView::setSource(const QString &dbPath, const ResultFilter &filter)
{
    const quint64 gen = ++m_generation;
    m_backend->setDatabase(dbPath);
    m_pivot->setFilter(filter);
    m_pivotStatus->setText(dbPath.isEmpty() ? QString() : tr("Reading texts…"));
    m_sample = {};
    clearCharts();
    if (dbPath.isEmpty()) {
        m_computing = false;
        emit chartsShown();
        return;
    }
    m_computing = true;
    m_boxNote->setText(tr("Computing…"));
    m_scatterNote->setText(tr("Computing…"));
    m_backend->run<Result<ScoreComparison>>([filter](const QString &conn) -> Result<ScoreComparison> {
        if (conn.isEmpty())
            return fail(tr("The results database cannot be opened"));
        return comparisonSample(conn, filter, kSampleTexts);
    }, [this, gen](Result<ScoreComparison> s) {
        if (gen != m_generation)
            return;   // an older database or filter: never drawn
        m_computing = false;
        if (!s) {
            m_boxNote->setText(tr("Error: %1").arg(s.error().toString()));
            m_scatterNote->setText(m_boxNote->text());
            emit chartsShown();
            return;
        }
        m_sample = std::move(*s);
        showSample();
        emit chartsShown();
    });
}

void CompareView::clearCharts()
{
    clearChart(m_boxChart);
    clearChart(m_scatterChart);
    m_boxSets = 0;
    m_scatterPoints = 0;
    m_boxNote->clear();
    m_scatterNote->clear();
    m_scatterDim->clear();
    m_scatterX->clear();
    m_scatterY->clear();
}

void CompareView::showSample()
{
    const QLocale loc;
    const QString basis = !m_sample.sampled
        ? tr("From all %1 texts; per text and model the mean over repetitions.").arg(loc.toString(qint64(m_sample.texts.size())))
        : m_sample.totalTexts >= 0
        ? tr("From %1 of %2 texts (evenly spaced); per text and model the mean over repetitions.")
              .arg(loc.toString(qint64(m_sample.texts.size())), loc.toString(m_sample.totalTexts))
        : tr("From a sample of %1 texts spread evenly over the results; per text and model the mean over repetitions.")
              .arg(loc.toString(qint64(m_sample.texts.size())));
    if (m_sample.texts.isEmpty()) {
        m_boxNote->setText(tr("No finished scores under these filters."));
        m_scatterNote->setText(m_boxNote->text());
        return;
    }
    m_boxNote->setText(basis);
    for (int d = 0; d < m_sample.dimensions.size(); ++d)
        m_scatterDim->addItem(dimensionLabel(m_sample, d), d);
    for (int m = 0; m < m_sample.models.size(); ++m) {
        m_scatterX->addItem(m_sample.models[m], m);
        m_scatterY->addItem(m_sample.models[m], m);
    }
    if (m_sample.models.size() > 1)
        m_scatterY->setCurrentIndex(1);
    drawBoxes();
    drawScatter();
}

void CompareView::drawBoxes()
{
    clearChart(m_boxChart);
    m_boxSets = 0;
    QStringList categories;
    for (int d = 0; d < m_sample.dimensions.size(); ++d)
        categories << dimensionLabel(m_sample, d);
    double lo = 0, hi = 1;
    for (int m = 0; m < m_sample.models.size(); ++m) {
        auto *series = new QBoxPlotSeries;
        series->setName(m_sample.models[m]);
        for (int d = 0; d < m_sample.dimensions.size(); ++d) {
            std::vector<double> v;
            for (int t = 0; t < m_sample.texts.size(); ++t)
                if (const double x = m_sample.mean(t, m, d); !std::isnan(x))
                    v.push_back(x);
            auto *set = new QBoxSet(categories[d]);
            if (!v.empty()) {
                std::sort(v.begin(), v.end());
                set->setValue(QBoxSet::LowerExtreme, v.front());
                set->setValue(QBoxSet::LowerQuartile, quantile(v, 0.25));
                set->setValue(QBoxSet::Median, quantile(v, 0.5));
                set->setValue(QBoxSet::UpperQuartile, quantile(v, 0.75));
                set->setValue(QBoxSet::UpperExtreme, v.back());
                lo = std::min(lo, v.front());
                hi = std::max(hi, v.back());
                ++m_boxSets;
            }
            series->append(set);
        }
        m_boxChart->addSeries(series);
    }
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    auto *y = new QValueAxis;
    y->setRange(lo, hi);
    y->setLabelFormat(QStringLiteral("%.2f"));
    QFont small = x->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    x->setLabelsFont(small);
    m_boxChart->addAxis(x, Qt::AlignBottom);
    m_boxChart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries *s : m_boxChart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

void CompareView::setScatter(int dimension, int modelX, int modelY)
{
    m_scatterDim->setCurrentIndex(m_scatterDim->findData(dimension));
    m_scatterX->setCurrentIndex(m_scatterX->findData(modelX));
    m_scatterY->setCurrentIndex(m_scatterY->findData(modelY));
    drawScatter();
}

void CompareView::drawScatter()
{
    clearChart(m_scatterChart);
    m_scatterPoints = 0;
    const int d = m_scatterDim->currentData().toInt();
    const int mx = m_scatterX->currentData().toInt();
    const int my = m_scatterY->currentData().toInt();
    if (m_scatterDim->currentIndex() < 0 || m_scatterX->currentIndex() < 0 || m_scatterY->currentIndex() < 0)
        return;
    auto *points = new QScatterSeries;
    points->setName(tr("texts"));
    points->setMarkerSize(9);   // 6 px dots were hard to see at 1024 x 700
    std::vector<double> xs, ys;
    double lo = 0, hi = 1;
    for (int t = 0; t < m_sample.texts.size(); ++t) {
        const double a = m_sample.mean(t, mx, d), b = m_sample.mean(t, my, d);
        xs.push_back(a);
        ys.push_back(b);
        if (std::isnan(a) || std::isnan(b))
            continue;
        points->append(a, b);
        lo = std::min({lo, a, b});
        hi = std::max({hi, a, b});
        ++m_scatterPoints;
    }
    auto *diagonal = new QLineSeries;
    diagonal->setName(tr("agreement (y = x)"));
    diagonal->append(lo, lo);
    diagonal->append(hi, hi);
    m_scatterChart->addSeries(diagonal);
    m_scatterChart->addSeries(points);
    auto *ax = new QValueAxis;
    auto *ay = new QValueAxis;
    ax->setRange(lo, hi);
    ay->setRange(lo, hi);
    ax->setTitleText(m_scatterX->currentText());
    ay->setTitleText(m_scatterY->currentText());
    ax->setLabelFormat(QStringLiteral("%.2f"));
    ay->setLabelFormat(QStringLiteral("%.2f"));
    m_scatterChart->addAxis(ax, Qt::AlignBottom);
    m_scatterChart->addAxis(ay, Qt::AlignLeft);
    for (QAbstractSeries *s : m_scatterChart->series()) {
        s->attachAxis(ax);
        s->attachAxis(ay);
    }
    const QLocale loc;
    const Correlation r = pearson(xs, ys);
    const Correlation rho = spearman(xs, ys);
    m_scatterNote->setText(tr("%n text(s) scored by both; Pearson r = %1, Spearman ρ = %2.", nullptr, m_scatterPoints)
                                 .arg(std::isnan(r.r) ? QStringLiteral("–") : loc.toString(r.r, 'f', 2),
                                      std::isnan(rho.r) ? QStringLiteral("–") : loc.toString(rho.r, 'f', 2)));
}

} // namespace ui
} // namespace wb
