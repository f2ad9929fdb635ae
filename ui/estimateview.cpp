#include "ui/estimateview.h"

#include <algorithm>

#include "core/experiment/corpus.h"
#include "core/session/estimateinput.h"
#include "core/session/learnedlimits.h"
#include "core/tokenize/tokenestimator.h"
#include "ui/deploymenttablemodel.h"
#include "ui/enginetext.h"
#include "ui/project.h"
#include "ui/runmonitor.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSet>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMutex>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace wb {
namespace ui {

namespace {

// Corpora are read once per file version, not on every keystroke.
struct CorpusCache {
    QMutex mutex;
    QHash<QString, QList<CorpusText>> texts;   // path|mtime -> texts
};
CorpusCache &corpusCache()
{
    static CorpusCache c;
    return c;
}

Result<QList<CorpusText>> cachedCorpus(const CorpusSource &s)
{
    const QString key = s.path + QLatin1Char('|') + QString::number(QFileInfo(s.path).lastModified().toMSecsSinceEpoch());
    {
        QMutexLocker lock(&corpusCache().mutex);
        auto it = corpusCache().texts.constFind(key);
        if (it != corpusCache().texts.cend())
            return *it;
    }
    auto texts = loadCorpus(s);
    if (!texts)
        return texts;
    QMutexLocker lock(&corpusCache().mutex);
    corpusCache().texts.insert(key, *texts);
    return texts;
}

QString usd(qint64 micros, int decimals = 2) { return EngineText::money(micros, decimals); }

// Cells carry their raw value under kSortRole, so a click on a header sorts numbers as numbers.
constexpr int kSortRole = Qt::UserRole + 1;

QStandardItem *num(qint64 v)
{
    auto *i = new QStandardItem(QLocale().toString(v));
    i->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    i->setData(v, kSortRole);
    return i;
}

QStandardItem *text(const QString &s, bool right = false, const QVariant &sortBy = {})
{
    auto *i = new QStandardItem(s);
    if (right)
        i->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    i->setData(sortBy.isValid() ? sortBy : QVariant(s), kSortRole);
    return i;
}

QStandardItem *percent(double f)
{
    return text(f < 0 ? QStringLiteral("–") : QLocale().toString(qRound(f * 100)) + QStringLiteral(" %"), true, f);
}

QTableView *table(QAbstractItemModel *m, QWidget *parent)
{
    auto *v = new QTableView(parent);
    v->setModel(m);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->verticalHeader()->hide();
    v->horizontalHeader()->setStretchLastSection(true);
    // Columns fit their header and cells: with fixed widths longer (German) headers were cut
    // ("Ungünstigster Fa…"). Estimate tables have one row per run or deployment, so measuring is cheap.
    v->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    v->setAlternatingRowColors(true);
    v->setTabKeyNavigation(false);
    v->setSortingEnabled(true);
    return v;
}

} // namespace

Result<LoadedProject> EstimateView::projectFor(const ProjectState &state, std::atomic<bool> *cancel)
{
    LoadedProject p;
    p.models = state.models;
    p.experiment = state.experiment;
    if (auto resolved = resolveRunModels(p.experiment, p.models); !resolved)
        return std::unexpected(resolved.error());
    for (const Framework &f : state.frameworks)
        p.frameworks.insert(f.id, f);
    // The corpora the runs use, as loadProject() reads them (here from a cache of the files).
    QSet<QString> used;
    for (const RunSpec &r : std::as_const(state.experiment.execution.matrix))
        used.insert(r.corpus);
    for (const CorpusSource &s : state.experiment.corpus) {
        if (!used.contains(s.id))
            continue;
        if (cancel && cancel->load())
            return fail(tr("cancelled"));
        auto texts = cachedCorpus(s);
        if (!texts)
            return std::unexpected(texts.error());
        p.corpora.insert(s.id, *texts);
    }
    return p;
}

Result<EstimateReport> EstimateView::compute(const ProjectState &state, const QString &dbPath, std::atomic<bool> *cancel)
{
    auto project = projectFor(state, cancel);
    if (!project)
        return std::unexpected(project.error());
    // The same assembler as `discernus estimate`: batch packing, the database's calibration, output
    // lengths and spend, the simulator's latency.
    auto ctx = prepareEstimate(*project, dbPath, LearnedLimitStore::defaultPath());
    if (!ctx)
        return std::unexpected(ctx.error());
    ctx->input.cancel = cancel;
    return estimateExperiment(ctx->input);
}

EstimateView::EstimateView(Project *project, QWidget *parent)
    : QWidget(parent), m_project(project), m_debounce(new QTimer(this)), m_summary(new QLabel(this)),
      m_budget(new QLabel(this)), m_binding(new QLabel(this)), m_recommendations(new QLabel(this)),
      m_status(new QLabel(this)), m_runs(new QStandardItemModel(this)), m_deployments(new QStandardItemModel(this))
{
    m_summary->setObjectName(QStringLiteral("estimateSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_budget->setObjectName(QStringLiteral("budgetVerdict"));
    m_budget->setWordWrap(true);
    m_binding->setWordWrap(true);
    m_recommendations->setWordWrap(true);
    m_recommendations->setTextFormat(Qt::RichText);
    m_recommendations->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_status->setStyleSheet(QStringLiteral("color: gray;"));
    m_status->setWordWrap(true);
    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("estimateProblems"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color:#b02020;"));
    m_problems->hide();
    m_runs->setSortRole(kSortRole);
    m_deployments->setSortRole(kSortRole);

    auto *runsView = table(m_runs, this);
    runsView->setObjectName(QStringLiteral("estimateRuns"));
    auto *depView = table(m_deployments, this);
    depView->setObjectName(QStringLiteral("estimateDeployments"));

    auto *head = new QGroupBox(tr("Total"), this);
    auto *hl = new QVBoxLayout(head);
    hl->addWidget(m_problems);
    hl->addWidget(m_summary);
    hl->addWidget(m_binding);
    hl->addWidget(m_budget);
    // At 1024x700 two stacked tables showed two or three rows each: the per-run and per-deployment
    // tables share the space as tabs, and a splitter lets the recommendations give up room.
    auto *tables = new QTabWidget(this);
    tables->setObjectName(QStringLiteral("estimateTables"));
    tables->setDocumentMode(true);
    tables->addTab(runsView, tr("Per run"));
    tables->addTab(depView, tr("Per deployment (utilisation of its limits)"));
    auto *recBox = new QGroupBox(tr("Recommendations"), this);
    (new QVBoxLayout(recBox))->addWidget(m_recommendations);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(tables);
    split->addWidget(recBox);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(head);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(400);
    connect(m_debounce, &QTimer::timeout, this, &EstimateView::recomputeNow);
    connect(m_project, &Project::changed, this, &EstimateView::scheduleRecompute);
}

EstimateView::~EstimateView()
{
    if (m_cancel)
        *m_cancel = true;
    if (m_watcher)
        m_watcher->waitForFinished();
}

void EstimateView::setDebounceMs(int ms) { m_debounce->setInterval(ms); }
QString EstimateView::summaryText() const { return m_summary->text() + QLatin1Char('\n') + m_budget->text(); }

void EstimateView::scheduleRecompute()
{
    if (!m_project->isOpen())
        return;
    if (m_cancel)
        *m_cancel = true;   // whatever is running is stale now
    m_status->setText(tr("Updating the estimate…"));
    m_debounce->start();
}

void EstimateView::recomputeNow()
{
    if (!m_project->isOpen())
        return;
    if (m_computing) {
        // One at a time: the running one was told to stop; start again when it has.
        m_pending = true;
        return;
    }
    m_computing = true;
    m_pending = false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_status->setText(tr("Computing the estimate…"));
    auto cancel = m_cancel;
    const ProjectState state = m_project->state();
    const QString dbPath = m_databasePath ? m_databasePath() : QString();
    m_watcher = new QFutureWatcher<Result<EstimateReport>>(this);
    connect(m_watcher, &QFutureWatcher<Result<EstimateReport>>::finished, this, [this, cancel] {
        const Result<EstimateReport> r = m_watcher->result();
        m_watcher->deleteLater();
        m_watcher = nullptr;
        m_computing = false;
        if (m_pending || cancel->load()) {
            m_pending = false;
            recomputeNow();
            return;
        }
        ++m_computeCount;
        show(r);
        emit estimateReady();
    });
    m_watcher->setFuture(QtConcurrent::run([state, dbPath, cancel] { return compute(state, dbPath, cancel.get()); }));
}

void EstimateView::show(const Result<EstimateReport> &r)
{
    // Deployments with problems on the Models page are estimated as configured, which can mean
    // no calls at all: say so here rather than show a silent zero.
    const QStringList problems = DeploymentTableModel::problemsOf(m_project->state().models.deployments, true);
    m_problems->setVisible(!problems.isEmpty());
    QString problemText;
    if (!problems.isEmpty()) {
        problemText = tr("The Models page has %n problem(s); the run cannot start until they are fixed:", nullptr, int(problems.size()));
        for (const QString &p : problems)
            problemText += QStringLiteral("<br>• ") + p.toHtmlEscaped();
    }
    m_problems->setText(problemText);
    if (!r) {
        m_status->setText(tr("No estimate: %1").arg(r.error().toString()));
        m_summary->setText(tr("<i>The estimate is not available.</i>"));
        m_budget->clear();
        m_binding->clear();
        return;
    }
    const EstimateReport &rep = *r;
    const ModeEstimate &m = rep.planned;
    const RunEstimate &t = m.total;
    const QLocale loc;
    // In the researcher's words: runs, the distinct texts they read, the analyses (a text once per
    // run and repetition) and the calls that carry them (several analyses per call when batched).
    QHash<QString, qint64> textsPerCorpus;
    qint64 analyses = 0;
    for (const RunEstimate &e : m.runs) {
        textsPerCorpus[e.corpus] = std::max(textsPerCorpus.value(e.corpus), e.texts);
        analyses += e.texts * e.repetitions;
    }
    qint64 distinctTexts = 0;
    for (qint64 n : std::as_const(textsPerCorpus))
        distinctTexts += n;
    // Runs sent as batches finish within the providers' completion window, not on the live schedule.
    const BatchApiEstimate &b = rep.batchApi;
    const qsizetype batchRuns = std::count_if(m.runs.cbegin(), m.runs.cend(), [](const RunEstimate &e) { return e.mode == u"batch"; });
    const QString batchHours = loc.toString(b.completionSeconds / 3600.0, 'g', 4);
    QString duration = RunMonitor::formatDuration(m.durationSeconds);
    if (batchRuns > 0 && batchRuns == m.runs.size())
        duration = tr("within ~%1 h (batch)").arg(batchHours);
    else if (batchRuns > 0)
        duration = tr("%1 for the live runs, the batch runs within ~%2 h").arg(duration, batchHours);
    QString summary = tr("%n run(s)", nullptr, int(m.runs.size())) + QStringLiteral(" · ")
        + tr("%n text(s)", nullptr, int(distinctTexts)) + QStringLiteral(" · ")
        + tr("<b>%1</b> text analyses (each text once per run and repetition) in <b>%2</b> calls to the models")
              .arg(loc.toString(analyses), loc.toString(t.calls))
        + QLatin1String("<br>")
        + tr("<b>Cost</b> %1 expected, %2 at most · <b>Duration</b> %3 · %4 prompt tokens, %5 output tokens expected (%6 at most)")
              .arg(usd(t.expectedCostMicros), usd(t.worstCostMicros), duration,
                   loc.toString(t.promptTokens), loc.toString(t.expectedOutputTokens), loc.toString(t.worstOutputTokens));
    if (rep.unbatched) {
        const RunEstimate &u = rep.unbatched->total;
        summary += QLatin1String("<br>") + tr("Without batching: %1 calls, %2 prompt tokens, %3, %4")
                       .arg(loc.toString(u.calls), loc.toString(u.promptTokens), usd(u.expectedCostMicros),
                            RunMonitor::formatDuration(rep.unbatched->durationSeconds));
    }
    // The same calls through the providers' batch APIs (docs/FORMATS.md, "Batch execution").
    summary += QLatin1String("<br>");
    if (b.batchCalls == 0) {
        summary += tr("<b>Batch</b>: no deployment has a batch API; every call stays live");
    } else {
        summary += tr("<b>Live</b> %1, ~%2 · <b>Batch</b> %3, within ~%4 h")
                       .arg(usd(b.liveExpectedCostMicros), RunMonitor::formatDuration(b.liveDurationSeconds),
                            usd(b.expectedCostMicros), loc.toString(b.completionSeconds / 3600.0, 'g', 4));
        if (b.liveCalls > 0)
            summary += QLatin1Char(' ') + tr("(%n call(s) stay live: no batch API)", nullptr, int(b.liveCalls));
    }
    m_summary->setToolTip(tr("Batch: the same calls through the providers' batch APIs at their batch prices (half the "
                             "list price where the price map has none). The time is the providers' completion window "
                             "(24 h), times the windows a key's batch queue limit needs; most batches finish sooner."));
    m_summary->setText(summary);
    m_binding->setText(batchRuns > 0 && batchRuns == m.runs.size()
                           ? tr("What sets the pace: the providers' batch completion window (most batches finish sooner)")
                           : tr("What sets the pace: %1").arg(EngineText::binding(m.binding)));
    m_budget->setText(EngineText::budget(rep.budget));
    m_budget->setStyleSheet(rep.budget.feasible() ? QStringLiteral("color:#1e7d32;") : QStringLiteral("color:#b02020; font-weight:bold;"));

    m_runs->clear();
    m_runs->setHorizontalHeaderLabels({tr("Run"), tr("Model group"), tr("Mode"), tr("Texts"), tr("Repetitions"), tr("Calls"), tr("Prompt tokens"),
                                       tr("Output tokens"), tr("Cost"), tr("At most"), tr("Finishes after"), tr("Tokens counted")});
    m_runs->horizontalHeaderItem(m_runs->columnCount() - 1)
        ->setToolTip(tr("How the prompt tokens were counted; hover a cell for what it means"));
    for (const RunEstimate &e : m.runs) {
        QStandardItem *method = text(EngineText::tokenMethodName(e.tokenMethod));
        method->setToolTip(EngineText::tokenMethodHelp(e.tokenMethod));
        // Live or through the batch APIs (execution.mode, `auto` decided by the live duration);
        // a batch run's cost is at the batch price, its duration that of the live schedule.
        QStandardItem *mode = text(e.mode == QLatin1String("batch") ? tr("Batch") : tr("Live"));
        mode->setToolTip(e.modeReason);
        m_runs->appendRow({text(e.runId), text(e.group), mode, num(e.texts), num(e.repetitions), num(e.calls), num(e.promptTokens),
                           num(e.expectedOutputTokens),
                           text(e.priceKnown ? usd(e.expectedCostMicros, 4) : tr("price unknown"), true, e.expectedCostMicros),
                           text(usd(e.worstCostMicros, 4), true, e.worstCostMicros),
                           text(RunMonitor::formatDuration(e.durationSeconds), true, e.durationSeconds), method});
    }
    m_deployments->clear();
    m_deployments->setHorizontalHeaderLabels({tr("Deployment"), tr("Calls"), tr("RPM"), tr("TPM"), tr("ITPM"), tr("OTPM"),
                                              tr("Parallel"), tr("Waited"), tr("Cost")});
    for (const DeploymentEstimate &d : m.deployments)
        m_deployments->appendRow({text(d.id), num(d.calls), percent(d.rpm), percent(d.tpm), percent(d.itpm), percent(d.otpm),
                                  percent(d.parallel), text(RunMonitor::formatDuration(d.waitedSeconds), true, d.waitedSeconds),
                                  text(usd(d.expectedCostMicros, 4), true, d.expectedCostMicros)});
    QStringList recs;
    for (const Recommendation &rc : rep.recommendations)
        recs << QStringLiteral("<b>%1</b><br>&nbsp;&nbsp;→ %2").arg(EngineText::recommendationTitle(rc).toHtmlEscaped(),
                                                                    EngineText::recommendationEffect(rc).toHtmlEscaped());
    m_recommendations->setText(recs.isEmpty() ? tr("None — the configuration looks balanced.") : recs.join(QLatin1String("<br>")));
    QString status = tr("Prices as of %1. Estimated at %2.").arg(rep.pricesAsOf, QLocale().toString(QTime::currentTime(), QLocale::ShortFormat));
    // Deployments with no limits configured are estimated with those an earlier run learned from
    // the provider (docs/ARCHITECTURE.md, "Learned limits for the estimate").
    QStringList learned;
    for (const DeploymentEstimate &d : m.deployments)
        if (d.limitsLearnedAt.isValid())
            learned << tr("%1 (on %2)").arg(d.id, QLocale().toString(d.limitsLearnedAt.toLocalTime().date(), QLocale::ShortFormat));
    if (!learned.isEmpty())
        status += QLatin1Char(' ') + tr("Rate limits learned from the provider, none configured: %1.").arg(learned.join(QStringLiteral(", ")));
    if (!rep.warnings.isEmpty())
        status += QLatin1Char(' ') + rep.warnings.join(QStringLiteral(" · "));
    m_status->setText(status);
}

} // namespace ui
} // namespace wb
