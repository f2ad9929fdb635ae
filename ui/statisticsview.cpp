#include "ui/statisticsview.h"

#include "core/storage/csvnotes.h"
#include "core/storage/resultquery.h"

#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSaveFile>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace wb {
namespace ui {

namespace {

/// Before any run there is no database yet: say what to do rather than what is missing.
QString noResultsText() { return StatisticsView::tr("No results yet — run the experiment first"); }

struct Computed {
    AgreementReport report;
    QString error;
    bool found = false;     ///< lookup: a stored report exists
    bool current = false;   ///< no result was written since it was computed
    QDateTime computedAt;
    qint64 computeMs = 0;
};

/// On a pool thread: its own connection, named after the thread so two computations never share one.
/// `lookupOnly`: what is stored with the results (milliseconds), current or not; else compute and store.
Computed compute(const QString &db, const ResultFilter &filter, bool lookupOnly)
{
    Computed c;
    auto conn = openReadConnection(db);
    if (!conn) {
        c.error = conn.error().toString();
        return c;
    }
    if (lookupOnly) {
        auto stored = storedAgreement(*conn, filter, {});
        if (stored && *stored) {
            c.found = true;
            c.current = (*stored)->current;
            c.report = (*stored)->report;
            c.computedAt = (*stored)->computedAt;
            c.computeMs = (*stored)->computeMs;
        }
        // An unreadable store is no error to show: the statistics are computed instead.
    } else {
        auto report = computeAndStoreAgreement(db, *conn, filter);
        if (report) {
            c.found = c.current = true;
            c.report = report->report;
            c.computedAt = report->computedAt;
            c.computeMs = report->computeMs;
        } else {
            c.error = report.error().toString();
        }
    }
    closeReadConnection(*conn);
    return c;
}

/// Runs compute() on the pool and hands its result to `done` on the GUI thread.
template<typename Done>
void whenComputed(QObject *owner, const QString &db, const ResultFilter &filter, bool lookupOnly, Done done)
{
    auto *watcher = new QFutureWatcher<Computed>(owner);
    QObject::connect(watcher, &QFutureWatcher<Computed>::finished, owner, [watcher, done] {
        const Computed c = watcher->result();
        watcher->deleteLater();
        done(c);
    });
    watcher->setFuture(QtConcurrent::run(compute, db, filter, lookupOnly));
}

QString number(double v)
{
    return std::isnan(v) ? QStringLiteral("–") : QLocale().toString(v, 'f', 3);
}

QString alphaText(const AlphaEstimate &e)
{
    if (std::isnan(e.value.alpha))
        return QStringLiteral("–");
    if (std::isnan(e.ci.low))
        return number(e.value.alpha);
    return QStringLiteral("%1  [%2, %3]").arg(number(e.value.alpha), number(e.ci.low), number(e.ci.high));
}

/// How the interval was drawn: above a size the bag of little bootstraps (docs/FORMATS.md).
QString intervalNote(const AlphaEstimate &e)
{
    switch (e.ci.method) {
    case BootstrapMethod::LittleBootstraps:
        return StatisticsView::tr("95 % interval: bag of little bootstraps, %1 subsets of %2 texts, %3 resamples")
            .arg(e.ci.subsets)
            .arg(QLocale().toString(e.ci.subsetUnits))
            .arg(e.ci.draws);
    case BootstrapMethod::Exact:
        return StatisticsView::tr("95 % interval: percentile bootstrap, %1 resamples").arg(e.ci.draws);
    case BootstrapMethod::None:
        break;
    }
    return {};
}

void setAlphas(QTreeWidgetItem *item, const AlphaEstimate &interval, const AlphaEstimate &ordinal)
{
    item->setText(StatisticsView::IntervalColumn, alphaText(interval));
    item->setToolTip(StatisticsView::IntervalColumn, intervalNote(interval));
    item->setText(StatisticsView::OrdinalColumn, alphaText(ordinal));
    item->setToolTip(StatisticsView::OrdinalColumn, intervalNote(ordinal));
}

} // namespace

StatisticsView::StatisticsView(QWidget *parent) : QWidget(parent), m_tree(new QTreeWidget(this)), m_status(new QLabel(this))
{
    m_tree->setObjectName(QStringLiteral("statisticsTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Dimension / comparison"), tr("α interval [95 % CI]"), tr("α ordinal [95 % CI]"),
                             tr("Pearson r"), tr("Spearman ρ"), tr("Texts (n)")});
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);

    auto *refresh = new QPushButton(tr("Recompute"), this);
    connect(refresh, &QPushButton::clicked, this, &StatisticsView::recompute);
    m_export = new QPushButton(tr("Export statistics…"), this);
    m_export->setEnabled(false);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString out = QFileDialog::getSaveFileName(this, tr("Export statistics"), QString(), tr("CSV files (*.csv)"));
        if (!out.isEmpty())
            exportCsv(out);
    });
    auto *note = new QLabel(tr("Krippendorff's α across models (units = texts; a model's value is the mean of its repetitions), "
                               "stability across repetitions, and correlations between models. Finished jobs of the "
                               "Results page's filter."),
                            this);
    note->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(refresh);
    top->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(note);
    // The status may carry when the figures were computed: it wraps rather than widen the page.
    m_status->setWordWrap(true);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);
    m_status->setText(noResultsText());
}

StatisticsView::~StatisticsView() = default;

void StatisticsView::setSource(const QString &dbPath, const ResultFilter &filter)
{
    m_db = dbPath;
    m_filter = filter;
    m_dirty = true;
    ++m_generation;   // whatever is still computing belongs to the old source
    m_tree->clear();
    m_report = {};
    m_export->setEnabled(false);
    if (isVisible())
        refresh();
    else
        m_status->setText(m_db.isEmpty() ? noResultsText() : QString());
}

QString StatisticsView::statusText() const
{
    return m_status->text();
}

void StatisticsView::prepare()
{
    // Whatever is shown may predate the run; what is stored says whether it does.
    refresh();
}

void StatisticsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_dirty)
        refresh();
}

bool StatisticsView::startIfEmpty()
{
    m_dirty = false;
    m_tree->clear();
    if (!m_db.isEmpty()) {
        m_busy = true;
        m_status->setText(tr("Computing agreement statistics…"));
        return false;
    }
    m_status->setText(noResultsText());
    m_busy = false;
    emit reportShown();
    return true;
}

void StatisticsView::refresh()
{
    const quint64 gen = ++m_generation;
    if (startIfEmpty())
        return;
    // First what is stored with the results: current, it is the answer; outdated, it stays on
    // screen, marked, while the statistics are computed again (docs/FORMATS.md, "Stored statistics").
    whenComputed(this, m_db, m_filter, true, [this, gen](const Computed &c) {
        if (gen != m_generation)
            return;   // the source changed meanwhile
        if (c.found && c.current) {
            m_busy = false;
            showReport(c.report, QString(), storedNote(c.computedAt, c.computeMs));
            return;
        }
        if (c.found) {
            showReport(c.report, QString(),
                       tr("Results were written since these figures were computed (%1); computing them again…")
                           .arg(QLocale().toString(c.computedAt.toLocalTime(), QLocale::ShortFormat)),
                       false);
            emit outdatedReportShown();
        }
        startComputing(gen);
    });
}

void StatisticsView::recompute()
{
    const quint64 gen = ++m_generation;
    if (!startIfEmpty())
        startComputing(gen);
}

void StatisticsView::startComputing(quint64 gen)
{
    whenComputed(this, m_db, m_filter, false, [this, gen](const Computed &c) {
        if (gen != m_generation)
            return;   // the source changed meanwhile
        m_busy = false;
        showReport(c.report, c.error);
    });
}

QString StatisticsView::storedNote(const QDateTime &computedAt, qint64 computeMs)
{
    const QString at = QLocale().toString(computedAt.toLocalTime(), QLocale::ShortFormat);
    // How long they took matters only where it explains why they were kept.
    if (computeMs < 1000)
        return tr("stored with the results on %1; no result was written since").arg(at);
    return tr("stored with the results on %1 (computed in %2 s); no result was written since")
        .arg(at, QLocale().toString(double(computeMs) / 1000.0, 'f', 1));
}

void StatisticsView::showReport(const AgreementReport &report, const QString &error, const QString &note, bool final)
{
    m_report = report;
    m_tree->clear();
    if (!error.isEmpty()) {
        m_status->setText(error);
        if (final)
            emit reportShown();
        return;
    }
    for (const DimensionAgreement &d : report.dimensions) {
        auto *top = new QTreeWidgetItem(m_tree);
        top->setText(ComparisonColumn, d.framework + QStringLiteral(" / ") + d.dimension);
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(ComparisonColumn, bold);
        top->setText(TextsColumn, QString::number(d.texts));
        if (d.models.size() >= 2) {
            auto *across = new QTreeWidgetItem(top);
            across->setText(ComparisonColumn, tr("across %n model(s)", nullptr, int(d.models.size())));
            setAlphas(across, d.interval, d.ordinal);
            across->setText(TextsColumn, QString::number(d.interval.value.units));
            setAlphas(top, d.interval, d.ordinal);
        }
        for (const StabilityAgreement &s : d.stability) {
            auto *item = new QTreeWidgetItem(top);
            item->setText(ComparisonColumn, tr("stability of %1 (%n repetition(s))", nullptr, s.repetitions).arg(s.model));
            setAlphas(item, s.interval, s.ordinal);
            item->setText(TextsColumn, QString::number(s.interval.value.units));
        }
        for (const PairCorrelation &p : d.pairs) {
            auto *item = new QTreeWidgetItem(top);
            item->setText(ComparisonColumn, tr("%1 vs %2").arg(p.modelA, p.modelB));
            item->setText(PearsonColumn, number(p.pearson.r));
            item->setText(SpearmanColumn, number(p.spearman.r));
            item->setText(TextsColumn, QString::number(p.pearson.n));
        }
        top->setExpanded(true);
    }
    QString status = report.dimensions.isEmpty()
                         ? tr("No finished results with scores")
                         : tr("%n dimension(s); intervals from %1 bootstrap draws", nullptr, int(report.dimensions.size()))
                               .arg(report.options.bootstrapDraws);
    if (!note.isEmpty())
        status = final ? tr("%1 — %2").arg(status, note) : note;
    m_status->setText(status);
    m_export->setEnabled(final && !report.dimensions.isEmpty());
    if (final)
        emit reportShown();
}

bool StatisticsView::exportCsv(const QString &outPath)
{
    QSaveFile f(outPath);
    const QByteArray csv = agreementToCsv(m_report);
    if (!f.open(QIODevice::WriteOnly) || f.write(csv) != csv.size() || !f.commit()) {
        m_status->setText(tr("Cannot write %1: %2").arg(outPath, f.errorString()));
        return false;
    }
    if (auto r = writeColumnsFile(outPath, agreementCsvColumns()); !r) {
        m_status->setText(r.error().toString());
        return false;
    }
    m_status->setText(tr("Exported the statistics to %1").arg(outPath));
    return true;
}

} // namespace ui
} // namespace wb
