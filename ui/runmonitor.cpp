#include "ui/runmonitor.h"

#include "ui/deploymenttablemodel.h"
#include "ui/enginetext.h"
#include "ui/gaugedelegate.h"
#include "ui/gaugemodel.h"
#include "ui/project.h"
#include "ui/uisettings.h"

#include "core/pricing/pricing.h"
#include "core/session/learnedlimits.h"
#include "core/storage/batchstore.h"
#include "core/storage/resultstore.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <iterator>

namespace wb {
namespace ui {

namespace {
constexpr int kTickMs = 200;
constexpr int kMaxChartPoints = 600;   // halved by decimation when exceeded
constexpr int kMaxEventsPerTick = 200;

QTableView *gaugeView(QAbstractItemModel *model, QWidget *parent)
{
    auto *v = new QTableView(parent);
    // Sortable by a click on a header, numbers as numbers.
    auto *sorted = new QSortFilterProxyModel(v);
    sorted->setSourceModel(model);
    sorted->setSortRole(GaugeModel::SortRole);
    v->setModel(sorted);
    v->setSortingEnabled(true);
    v->sortByColumn(-1, Qt::AscendingOrder);   // model order until a header is clicked
    v->setItemDelegate(new GaugeDelegate(v));
    v->setSelectionMode(QAbstractItemView::NoSelection);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->verticalHeader()->hide();
    v->horizontalHeader()->setStretchLastSection(true);
    v->setFocusPolicy(Qt::NoFocus);
    v->setTabKeyNavigation(false);
    for (int c = GaugeModel::Rpm; c <= GaugeModel::Otpm; ++c)
        v->setColumnWidth(c, 118);
    // Name, the four gauges and what the deployment waits for come first, so all of them are
    // readable without scrolling at 1024 px; its spend, the group and the counters follow.
    const int order[] = {GaugeModel::Name, GaugeModel::Rpm,   GaugeModel::Tpm,   GaugeModel::Itpm,
                         GaugeModel::Otpm, GaugeModel::State, GaugeModel::Spend, GaugeModel::Group};
    for (int visual = 0; visual < int(std::size(order)); ++visual)
        v->horizontalHeader()->moveSection(v->horizontalHeader()->visualIndex(order[visual]), visual);
    // Wide enough for what a deployment usually waits for, in the language in use (German
    // "RPM-Fenster: nächster Aufruf in 55 s" was cut at 220 px).
    int stateWidth = 220;
    for (WaitReason r : {WaitReason::Rpm, WaitReason::Tpm, WaitReason::Itpm, WaitReason::Otpm, WaitReason::CoolingDown,
                         WaitReason::DailyQuota}) {
        DeploymentSnapshot d;
        d.waitReason = r;
        d.waitUntilMs = 55000;
        d.failures = 3;
        stateWidth = std::max(stateWidth, v->fontMetrics().horizontalAdvance(EngineText::waitReason(d, 0)) + 16);
    }
    v->setColumnWidth(GaugeModel::State, stateWidth);
    v->horizontalHeader()->setMinimumSectionSize(40);
    // No title cut short ("Wiederholungen"): each column at least as wide as its header.
    for (int c = 0; c < GaugeModel::ColumnCount; ++c)
        v->setColumnWidth(c, std::max(v->columnWidth(c), v->horizontalHeader()->sectionSizeHint(c)));
    // The counters need only their title's room (a sum of money for Spend), so that Spend, right
    // after the state, shows without scrolling at 1380 px (it was cut off in German).
    const int moneyWidth = v->fontMetrics().horizontalAdvance(EngineText::money(9999999, 4)) + 16;
    for (int c : {GaugeModel::InFlight, GaugeModel::Calls, GaugeModel::Http429, GaugeModel::Retries, GaugeModel::Spend})
        v->setColumnWidth(c, std::max(v->horizontalHeader()->sectionSizeHint(c), c == GaugeModel::Spend ? moneyWidth : 0));
    return v;
}
} // namespace

RunMonitor::RunMonitor(Project *project, QWidget *parent)
    : QWidget(parent), m_project(project), m_controller(new RunController(this)),
      m_deployments(new GaugeModel(GaugeModel::Mode::Deployment, this)),
      m_providers(new GaugeModel(GaugeModel::Mode::Provider, this)), m_batches(new QStandardItemModel(this)),
      m_timer(new QTimer(this))
{
    m_db = new QLineEdit(this);
    m_db->setObjectName(QStringLiteral("databaseEdit"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Results database"), databasePath(),
                                                       tr("SQLite database (*.sqlite *.db)"), nullptr,
                                                       QFileDialog::DontConfirmOverwrite);
        if (!f.isEmpty())
            setDatabasePath(f);
    });
    m_resume = new QCheckBox(tr("Resume (only jobs not done yet)"), this);
    m_start = new QPushButton(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("Start"), this);
    m_pause = new QPushButton(QIcon::fromTheme(QStringLiteral("media-playback-pause")), tr("Pause"), this);
    m_cancel = new QPushButton(QIcon::fromTheme(QStringLiteral("media-playback-stop")), tr("Cancel"), this);
    m_start->setObjectName(QStringLiteral("startButton"));
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    connect(m_start, &QPushButton::clicked, this, &RunMonitor::start);
    connect(m_pause, &QPushButton::clicked, this, [this] { m_paused ? resume() : pause(); });
    connect(m_cancel, &QPushButton::clicked, this, &RunMonitor::askCancel);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Database"), this));
    controls->addWidget(m_db, 1);
    controls->addWidget(browse);
    controls->addWidget(m_resume);
    controls->addSpacing(12);
    controls->addWidget(m_start);
    controls->addWidget(m_pause);
    controls->addWidget(m_cancel);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("runProgress"));
    m_progress->setFormat(tr("%v / %m jobs (%p%)"));
    m_eta = new QLabel(this);
    m_eta->setObjectName(QStringLiteral("etaLabel"));
    m_eta->setMinimumWidth(200);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_eta);

    m_counters = new QLabel(this);
    m_counters->setObjectName(QStringLiteral("countersLabel"));
    m_counters->setTextFormat(Qt::RichText);
    m_counters->setWordWrap(true);
    m_queues = new QLabel(this);
    m_queues->setObjectName(QStringLiteral("waitingLabel"));
    m_queues->setWordWrap(true);

    // Deployments and providers share one place, so at 700 px every deployment row shows.
    auto *gauges = new QTabWidget(this);
    gauges->setObjectName(QStringLiteral("gaugeTabs"));
    auto *dv = gaugeView(m_deployments, gauges);
    dv->setObjectName(QStringLiteral("deploymentGauges"));
    dv->setAccessibleName(tr("Rate-limit gauges per deployment"));
    auto *pv = gaugeView(m_providers, gauges);
    pv->setObjectName(QStringLiteral("providerGauges"));
    pv->setAccessibleName(tr("Rate-limit gauges per provider"));
    gauges->addTab(dv, tr("Deployments"));
    gauges->addTab(pv, tr("Providers"));
    // The provider batches of a run in batch mode (docs/FORMATS.md, "Batch execution"); the tab
    // shows only when the run has any.
    m_batches->setHorizontalHeaderLabels({tr("Provider"), tr("Batch"), tr("Requests"), tr("State"), tr("Succeeded"),
                                          tr("Failed"), tr("Expired"), tr("Cancelled"), tr("Age")});
    auto *bv = new QTableView(gauges);
    bv->setObjectName(QStringLiteral("batchTable"));
    bv->setAccessibleName(tr("Provider batches of the run"));
    bv->setModel(m_batches);
    bv->setEditTriggers(QAbstractItemView::NoEditTriggers);
    bv->setSelectionBehavior(QAbstractItemView::SelectRows);
    bv->verticalHeader()->hide();
    bv->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    bv->horizontalHeader()->setStretchLastSection(true);
    // Provider batch ids run to 45 characters: cut in the middle (whole in the tooltip), so the
    // counts and the age stay in view at 1024 px.
    bv->setTextElideMode(Qt::ElideMiddle);
    bv->setWordWrap(false);
    bv->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    bv->setColumnWidth(1, bv->fontMetrics().horizontalAdvance(QStringLiteral("batch_440faa64820f40426f56")));
    m_gaugeTabs = gauges;
    m_batchTab = gauges->addTab(bv, tr("Batches"));
    gauges->setTabVisible(m_batchTab, false);
    const int rowH = dv->fontMetrics().height() + 10;
    dv->verticalHeader()->setDefaultSectionSize(rowH);
    pv->verticalHeader()->setDefaultSectionSize(rowH);
    gauges->setMinimumHeight(dv->horizontalHeader()->sizeHint().height() + 6 * rowH + gauges->tabBar()->sizeHint().height() + 8);

    // Spend over time against the budget.
    m_chart = new QChart;
    m_chart->setTitle(tr("Spend in the budget period"));
    // Tick labels in the user's locale (0,05 in German).
    m_chart->setLocalizeNumbers(true);
    m_chart->setLocale(QLocale());
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_spend = new QLineSeries(m_chart);
    m_spend->setName(tr("Spend"));
    m_budget = new QLineSeries(m_chart);
    m_budget->setName(tr("Budget"));
    QPen bp(QColor(200, 60, 60));
    bp.setStyle(Qt::DashLine);
    bp.setWidth(2);
    m_budget->setPen(bp);
    m_chart->addSeries(m_spend);
    m_chart->addSeries(m_budget);
    m_axisX = new QValueAxis(m_chart);
    m_axisX->setTitleText(tr("Seconds since start"));
    m_axisX->setLabelFormat(QStringLiteral("%.0f"));
    m_axisY = new QValueAxis(m_chart);
    m_axisY->setTitleText(tr("USD"));
    m_axisY->setLabelFormat(QStringLiteral("%.2f"));
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    for (QLineSeries *s : {m_spend, m_budget}) {
        s->attachAxis(m_axisX);
        s->attachAxis(m_axisY);
        s->setUseOpenGL(false);
    }
    auto *chartView = new QChartView(m_chart, this);
    chartView->setObjectName(QStringLiteral("spendChart"));
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumHeight(170);
    chartView->setAccessibleName(tr("Spend in the budget period against the budget, over time"));

    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("eventLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);   // bounded: a long run must not grow the UI's memory
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_log->setTabChangesFocus(true);
    auto *logBox = new QGroupBox(tr("Events"), this);
    auto *ll = new QVBoxLayout(logBox);
    ll->addWidget(m_log);

    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(chartView);
    bottom->addWidget(logBox);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 1);
    auto *vert = new QSplitter(Qt::Vertical, this);
    vert->addWidget(gauges);
    vert->addWidget(bottom);
    vert->setStretchFactor(0, 3);
    vert->setStretchFactor(1, 2);
    vert->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(progressRow);
    layout->addWidget(m_counters);
    layout->addWidget(m_queues);
    layout->addWidget(vert, 1);

    m_timer->setInterval(kTickMs);
    connect(m_timer, &QTimer::timeout, this, &RunMonitor::tick);
    // Between ticks only store; painting happens in tick().
    // The engine's lines, in the user's language. Pause, resume, cancel and budget warnings are
    // reported by the engine once; the page adds no second line of its own.
    connect(m_controller, &RunController::event, this, [this](const QString &m) { appendEvent(EngineText::event(m)); });
    connect(m_controller, &RunController::started, this, [this](qint64 total) {
        m_progress->setRange(0, int(std::min<qint64>(total, INT_MAX)));
    });
    connect(m_controller, &RunController::finished, this, &RunMonitor::onFinished);
    connect(m_project, &Project::changed, this, &RunMonitor::updateButtons);
    connect(m_project, &Project::opened, this, &RunMonitor::showProjectDatabase);
    resetChart(std::nullopt);
    updateButtons();
}

RunMonitor::~RunMonitor() = default;

QString RunMonitor::databasePath() const { return m_db->text().trimmed(); }

QString RunMonitor::resolvedDatabasePath() const
{
    const QString path = databasePath().isEmpty() ? QStringLiteral("results.sqlite") : databasePath();
    // A relative path typed here means "in the project folder", not the process's working directory.
    return QDir::cleanPath(QDir(m_project->directory()).absoluteFilePath(path));
}
void RunMonitor::setDatabasePath(const QString &path)
{
    // The field shows the database the running job writes to; it must not change under it.
    if (!m_running) {
        m_db->setText(path);
        // Batches a stopped or killed run of this experiment left open at the providers (a resume
        // collects them); those of other experiments in the same database are not this page's.
        m_runStartedAt = QDateTime::currentDateTimeUtc();
        m_batchExperiment = m_project->state().experiment.name;
        refreshBatches(resolvedDatabasePath());
    }
}

void RunMonitor::showProjectDatabase()
{
    const QString last = UiSettings::lastDatabase(m_project->experimentPath());
    setDatabasePath(last.isEmpty() ? QDir(m_project->directory()).filePath(QStringLiteral("results.sqlite")) : last);
}

QString RunMonitor::freshDatabasePath(const QString &taken) const
{
    const QDir dir(m_project->directory());
    QString base = QFileInfo(taken).completeBaseName();
    static const QRegularExpression numbered(QStringLiteral("-\\d+$"));
    base.remove(numbered);
    if (base.isEmpty())
        base = QStringLiteral("results");
    QString suffix = QFileInfo(taken).suffix();
    if (suffix.isEmpty())
        suffix = QStringLiteral("sqlite");
    for (int n = 2;; ++n) {
        const QString candidate = dir.filePath(QStringLiteral("%1-%2.%3").arg(base).arg(n).arg(suffix));
        if (!QFileInfo::exists(candidate))
            return candidate;
    }
}
bool RunMonitor::isRunning() const { return m_running; }
QString RunMonitor::logText() const { return m_log->toPlainText(); }
int RunMonitor::chartPointCount() const { return int(m_spend->count()); }

QString RunMonitor::formatDuration(double seconds)
{
    if (seconds < 0)
        return tr("unknown");
    const qint64 s = qRound64(seconds);
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

void RunMonitor::updateButtons()
{
    m_start->setEnabled(!m_running && m_project->isOpen());
    m_pause->setEnabled(m_running);
    m_pause->setText(m_paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(QIcon::fromTheme(m_paused ? QStringLiteral("media-playback-start") : QStringLiteral("media-playback-pause")));
    m_cancel->setEnabled(m_running);
    m_db->setEnabled(!m_running);
    m_resume->setEnabled(!m_running);
}

void RunMonitor::resetChart(std::optional<double> budgetUsd)
{
    m_budgetUsd = budgetUsd;
    m_spendPoints.clear();
    m_spend->clear();
    m_budget->clear();
    m_budget->setVisible(budgetUsd.has_value());
    setAxis(m_axisX, 10);
    setAxis(m_axisY, 0.01);
}

void RunMonitor::setAxis(QValueAxis *axis, double maxValue)
{
    const NiceAxis a = niceAxis(maxValue);
    // Unchanged scale: no relayout of the chart on this tick.
    if (axis->max() == a.max && axis->tickCount() == a.ticks)
        return;
    axis->setRange(0, a.max);
    axis->setTickCount(a.ticks);
    axis->setLabelFormat(QStringLiteral("%.") + QString::number(a.decimals) + QLatin1Char('f'));
}

QStringList RunMonitor::startProblems() const
{
    return m_project->isOpen() ? DeploymentTableModel::problemsOf(m_project->state().models.deployments, true) : QStringList();
}

void RunMonitor::start()
{
    if (m_running || !m_project->isOpen())
        return;
    // What the Models page marks red would fail or be skipped in the run: say so before it starts.
    if (const QStringList problems = startProblems(); !problems.isEmpty()) {
        QMessageBox box(QMessageBox::Warning, tr("The run cannot start"),
                        tr("The Models page has %n problem(s) to fix first:", nullptr, int(problems.size())), QMessageBox::Ok, this);
        box.setObjectName(QStringLiteral("startRefusedBox"));
        box.setInformativeText(QStringLiteral("• ") + problems.join(QStringLiteral("\n• ")));
        box.exec();
        return;
    }
    RunOptions opt;
    opt.dbPath = resolvedDatabasePath();
    opt.learnedLimitsPath = LearnedLimitStore::defaultPath();
    opt.resume = m_resume->isChecked();
    if (!opt.resume && QFileInfo::exists(opt.dbPath)) {
        // Without this the engine refuses with command-line advice ("use --resume").
        ExistingDatabase choice = ExistingDatabase::Cancel;
        if (m_chooseExisting) {
            choice = m_chooseExisting(opt.dbPath);
        } else {
            QMessageBox box(QMessageBox::Question, tr("Results database exists"),
                            tr("%1 already holds results of an earlier run.\n\n"
                               "Resume runs only the jobs that are not done yet; a new database starts from scratch.")
                                .arg(QDir::toNativeSeparators(opt.dbPath)),
                            QMessageBox::NoButton, this);
            QAbstractButton *resumeBtn = box.addButton(tr("Resume"), QMessageBox::AcceptRole);
            QAbstractButton *newBtn = box.addButton(tr("Use a new database"), QMessageBox::ActionRole);
            box.addButton(QMessageBox::Cancel);
            box.setDefaultButton(qobject_cast<QPushButton *>(resumeBtn));
            box.exec();
            if (box.clickedButton() == resumeBtn)
                choice = ExistingDatabase::Resume;
            else if (box.clickedButton() == newBtn)
                choice = ExistingDatabase::NewDatabase;
        }
        if (choice == ExistingDatabase::Cancel)
            return;
        if (choice == ExistingDatabase::Resume) {
            opt.resume = true;
            m_resume->setChecked(true);
        } else {
            opt.dbPath = freshDatabasePath(opt.dbPath);
        }
    }
    if (m_beforeStart && !m_beforeStart())
        return;
    opt.configPath = m_project->modelListPath();
    opt.experimentPath = m_project->experimentPath();
    setDatabasePath(opt.dbPath);
    m_runDbPath = opt.dbPath;
    m_runExperiment = opt.experimentPath;
    UiSettings::setLastDatabase(m_project->experimentPath(), opt.dbPath);

    std::optional<double> budget = m_project->state().experiment.costControls.maxBudget;
    if (!budget)
        budget = m_project->state().models.costControls.maxBudget;
    resetChart(budget);
    m_log->clear();
    m_pendingEvents.clear();
    m_droppedEvents = 0;
    m_deployments->clear();
    m_providers->clear();
    m_batches->removeRows(0, m_batches->rowCount());
    m_gaugeTabs->setTabVisible(m_batchTab, false);
    m_runStartedAt = QDateTime::currentDateTimeUtc().addSecs(-1);
    m_batchesRead.invalidate();
    m_progress->setRange(0, 0);   // busy until the plan is known
    m_progress->setValue(0);
    m_summary = {};
    m_running = true;
    m_paused = false;
    m_clock.start();
    appendEvent(tr("Starting %1 → %2").arg(m_project->displayName(), QDir::toNativeSeparators(opt.dbPath)));
    updateButtons();
    m_controller->start(opt);
    m_timer->start();
    emit runStarted();
}

void RunMonitor::pause()
{
    if (!m_running || m_paused)
        return;
    m_controller->pause();
    m_paused = true;
    updateButtons();
}

void RunMonitor::resume()
{
    if (!m_running || !m_paused)
        return;
    m_controller->resume();
    m_paused = false;
    updateButtons();
}

void RunMonitor::cancel()
{
    if (!m_running)
        return;
    appendEvent(tr("Cancelling… (the run can be resumed later)"));
    m_controller->cancel();
}

void RunMonitor::finishInFlight()
{
    if (!m_running)
        return;
    appendEvent(tr("Stopping: finishing the calls in flight, then the run ends (it can be resumed later)"));
    m_controller->finishInFlight();
}

void RunMonitor::askCancel()
{
    if (!m_running)
        return;
    CancelChoice choice = CancelChoice::KeepRunning;
    if (m_chooseCancel) {
        choice = m_chooseCancel();
    } else {
        QMessageBox box(QMessageBox::Question, tr("Stop the run"),
                        tr("The calls in flight are already paid for. Finishing them stores their results; "
                           "aborting drops them.\n\nUnfinished jobs stay pending either way (Resume runs them later)."),
                        QMessageBox::NoButton, this);
        QAbstractButton *finishBtn = box.addButton(tr("Finish the calls in flight"), QMessageBox::AcceptRole);
        QAbstractButton *abortBtn = box.addButton(tr("Abort now"), QMessageBox::DestructiveRole);
        QAbstractButton *keepBtn = box.addButton(tr("Keep running"), QMessageBox::RejectRole);
        box.setDefaultButton(qobject_cast<QPushButton *>(finishBtn));
        box.setEscapeButton(keepBtn);
        box.exec();
        if (box.clickedButton() == finishBtn)
            choice = CancelChoice::FinishInFlight;
        else if (box.clickedButton() == abortBtn)
            choice = CancelChoice::AbortNow;
    }
    if (choice == CancelChoice::FinishInFlight)
        finishInFlight();
    else if (choice == CancelChoice::AbortNow)
        cancel();
}

void RunMonitor::appendEvent(const QString &message)
{
    // Coalesced: a burst of events costs one append per tick, and a flood is summarised.
    if (m_pendingEvents.size() >= kMaxEventsPerTick) {
        ++m_droppedEvents;
        return;
    }
    m_pendingEvents << QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + message;
    if (!m_running)
        tick();
}

void RunMonitor::tick()
{
    if (!m_pendingEvents.isEmpty()) {
        if (m_droppedEvents > 0)
            m_pendingEvents << tr("… %n more event(s) not shown", nullptr, int(std::min<qint64>(m_droppedEvents, INT_MAX)));
        m_log->appendPlainText(m_pendingEvents.join(QLatin1Char('\n')));
        m_pendingEvents.clear();
        m_droppedEvents = 0;
    }
    if (!m_running)
        return;
    const RouterSnapshot snap = m_controller->routerSnapshot();
    const RunProgress p = m_controller->progress();
    m_deployments->update(snap);
    m_providers->update(snap);
    // Batches move in minutes: a read every few seconds is plenty.
    if (!m_batchesRead.isValid() || m_batchesRead.elapsed() >= 3000)
        refreshBatches(m_runDbPath);

    if (p.total > 0) {
        if (m_progress->maximum() != p.total)
            m_progress->setRange(0, int(std::min<qint64>(p.total, INT_MAX)));
        m_progress->setValue(int(std::min<qint64>(p.done + p.failed, INT_MAX)));
    }
    QString eta;
    if (m_paused)
        eta = tr("paused");
    else if (p.etaS >= 0)
        eta = tr("ETA %1").arg(formatDuration(p.etaS));
    else if (p.done + p.failed > 0 && p.total > 0 && p.elapsedS > 0)
        eta = tr("ETA %1").arg(formatDuration(p.elapsedS / double(p.done + p.failed) * double(p.total - p.done - p.failed)));
    const QString elapsed = formatDuration(p.elapsedS > 0 ? p.elapsedS : m_clock.elapsed() / 1000.0);
    // No ETA before the first result (a batch run's first minutes): no dangling "Elapsed 10 s ·".
    m_eta->setText(eta.isEmpty() ? tr("Elapsed %1").arg(elapsed) : tr("Elapsed %1 · %2").arg(elapsed, eta));

    const QLocale loc;
    qint64 queued = 0;
    QStringList queues;
    for (auto it = snap.queueDepth.cbegin(); it != snap.queueDepth.cend(); ++it) {
        queued += it.value();
        if (it.value() > 0)
            queues << QStringLiteral("%1: %2").arg(it.key(), loc.toString(it.value()));
    }
    queues.sort();
    const qint64 spendMicros = std::max(p.costMicros, snap.spendMicros);
    m_counters->setText(
        tr("<b>Done</b> %1 &nbsp; <b>Failed</b> %2 &nbsp; <b>Queued</b> %3 &nbsp; <b>In flight</b> %4 &nbsp; "
           "<b>Calls</b> %5 &nbsp; <b>429s</b> %6 &nbsp; <b>Retries</b> %7 &nbsp; <b>Fallbacks</b> %8 &nbsp; <b>Spend</b> %9")
            .arg(loc.toString(p.done), loc.toString(p.failed), loc.toString(queued), loc.toString(snap.inFlight),
                 loc.toString(snap.calls), loc.toString(snap.http429), loc.toString(snap.retries),
                 loc.toString(snap.fallbacks), EngineText::money(spendMicros)));
    // Nothing in flight but calls queued: say what they wait for and until when.
    QStringList waits;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    for (const DeploymentSnapshot &d : snap.deployments) {
        const QString w = EngineText::waitReason(d, nowMs);
        if (!w.isEmpty() && snap.queueDepth.value(d.group) > 0)
            waits << QStringLiteral("%1 — %2").arg(d.id, w);
    }
    QString q = queues.isEmpty() ? QString() : tr("Queued by model group: %1").arg(queues.join(QLatin1String(", ")));
    if (m_paused)
        q = tr("Paused: no new calls are sent.") + QLatin1Char(' ') + q;
    else if (snap.inFlight == 0 && !waits.isEmpty())
        q = tr("Waiting: %1").arg(waits.join(QLatin1String("; "))) + QStringLiteral(" · ") + q;
    m_queues->setText(q);

    // Spend chart: one point per tick, decimated to keep the series short on long runs.
    const double t = p.elapsedS > 0 ? p.elapsedS : m_clock.elapsed() / 1000.0;
    // The budget counts every run of its period: the chart starts from what the ledger held before.
    const double usd = double(spendMicros + p.spentBeforeMicros) / 1e6;
    m_spendPoints << QPointF(t, usd);
    if (m_spendPoints.size() > kMaxChartPoints) {
        QList<QPointF> half;
        half.reserve(m_spendPoints.size() / 2 + 1);
        for (int i = 0; i < m_spendPoints.size(); i += 2)
            half << m_spendPoints[i];
        if (half.last() != m_spendPoints.last())
            half << m_spendPoints.last();
        m_spendPoints = half;
    }
    m_spend->replace(m_spendPoints);
    setAxis(m_axisX, std::max(10.0, t * 1.05));
    // Scaled to the spend, and to the budget line once the spend is within a fifth of it; a budget
    // far above the spend would flatten the line to nothing.
    double yMax = std::max(0.01, usd * 1.15);
    if (m_budgetUsd) {
        if (usd * 5 >= *m_budgetUsd)
            yMax = std::max(yMax, *m_budgetUsd * 1.05);
        // Across the whole (rounded) axis, so the line never stops short of the right edge.
        m_budget->replace(QList<QPointF>{{0, *m_budgetUsd}, {m_axisX->max(), *m_budgetUsd}});
        m_budget->setName(tr("Budget %1").arg(EngineText::moneyUsd(*m_budgetUsd, 2)));
    }
    setAxis(m_axisY, yMax);
}

void RunMonitor::refreshBatches(const QString &dbPath)
{
    m_batchesRead.start();
    // Never create or convert a file by looking at it: only existing, non-empty databases.
    if (dbPath.isEmpty() || QFileInfo(dbPath).size() <= 0) {
        m_batches->removeRows(0, m_batches->rowCount());
        m_gaugeTabs->setTabVisible(m_batchTab, false);
        ++m_batchRead;
        return;
    }
    const quint64 generation = ++m_batchRead;
    auto *watcher = new QFutureWatcher<QList<BatchRow>>(this);
    connect(watcher, &QFutureWatcher<QList<BatchRow>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_batchRead)
            return;   // a newer read is on its way
        const QList<BatchRow> rows = watcher->result();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const QLocale loc;
        m_batches->removeRows(0, m_batches->rowCount());
        for (const BatchRow &b : rows) {
            // This run's batches, and any a stopped run left open (a resume collects them).
            if (b.collected && b.createdAt.isValid() && b.createdAt < m_runStartedAt)
                continue;
            auto cell = [](const QString &text, bool number = false) {
                auto *item = new QStandardItem(text);
                if (number)
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                return item;
            };
            auto *state = cell(EngineText::batchState(b.state));
            if (!b.error.isEmpty())
                state->setToolTip(b.error);
            auto *id = cell(b.providerBatchId.isEmpty() ? tr("(not created yet)") : b.providerBatchId);
            id->setToolTip(b.providerBatchId);
            m_batches->appendRow({cell(b.provider), id,
                                  cell(loc.toString(b.requests), true), state, cell(loc.toString(b.succeeded), true),
                                  cell(loc.toString(b.failed), true), cell(loc.toString(b.expired), true),
                                  cell(loc.toString(b.cancelled), true),
                                  cell(b.createdAt.isValid() ? formatDuration(double(b.createdAt.secsTo(now))) : QString(), true)});
        }
        m_gaugeTabs->setTabVisible(m_batchTab, m_batches->rowCount() > 0);
    });
    // Its own connection on the worker thread: the engine writes through another (WAL readers do not block it).
    watcher->setFuture(QtConcurrent::run([path = dbPath, experiment = m_batchExperiment]() -> QList<BatchRow> {
        ResultStore store;
        if (!store.open(path))
            return {};
        auto rows = BatchStore(store).batches(true, experiment);
        return rows ? *rows : QList<BatchRow>{};
    }));
}

void RunMonitor::onFinished(const RunSummary &summary)
{
    tick();   // last snapshot
    refreshBatches(m_runDbPath);   // the final state (a read still going on is superseded)
    m_summary = summary;
    m_running = false;
    m_paused = false;
    // Another project was opened while this run went on: show that project's database now.
    if (m_project->experimentPath() != m_runExperiment)
        showProjectDatabase();
    m_timer->stop();
    if (m_progress->maximum() == 0)
        m_progress->setRange(0, 1);
    const QLocale loc;
    if (summary.storageFailed) {
        // The same message as the command line's: the database, the recovery file, the free space.
        appendEvent(tr("Storage failure: %1").arg(summary.error));
        auto *box = new QMessageBox(QMessageBox::Critical, tr("Storage failure"), summary.error, QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("storageFailureBox"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    } else if (!summary.error.isEmpty())
        appendEvent(tr("Could not run: %1").arg(summary.error));
    else
        appendEvent(tr("Finished: %1 done, %2 failed, %3 calls, %4 429s, %5 in %6%7")
                        .arg(loc.toString(summary.done), loc.toString(summary.failed), loc.toString(summary.calls),
                             loc.toString(summary.http429), EngineText::money(summary.costMicros),
                             formatDuration(summary.wallSeconds),
                             summary.cancelled ? tr(" — cancelled") : summary.budgetStopped ? tr(" — stopped by the budget") : QString()));
    tick();
    // The ETA is over: say how the run ended instead.
    m_eta->setText(!summary.error.isEmpty() ? tr("Could not run")
                   : summary.cancelled      ? tr("Cancelled after %1").arg(formatDuration(summary.wallSeconds))
                   : summary.budgetStopped  ? tr("Stopped by the budget after %1").arg(formatDuration(summary.wallSeconds))
                                            : tr("Finished in %1").arg(formatDuration(summary.wallSeconds)));
    m_queues->clear();
    // Nothing waits any more: the last snapshot's wait reasons would read as if it still did.
    RouterSnapshot last;
    last.deployments = m_deployments->rows();
    for (DeploymentSnapshot &d : last.deployments) {
        d.waitReason = WaitReason::None;
        d.inFlight = 0;
        d.coolingDown = false;
    }
    m_deployments->update(last);
    m_providers->update(last);
    updateButtons();
    emit runFinished(summary, m_runDbPath);
}

} // namespace ui
} // namespace wb
