#include "ui/sharedrunpanel.h"

#include "core/pricing/pricing.h"
#include "core/storage/serverdb.h"
#include "ui/enginetext.h"
#include "ui/project.h"

#include <QCloseEvent>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/types.h>
#endif

namespace wb {
namespace ui {

namespace {

enum Column { ColId, ColHost, ColPid, ColState, ColDone, ColInFlight, ColHeartbeat, ColumnCount };
enum GaugeColumn { GaugeDeployments, GaugeRpm, GaugeTpm, GaugeItpm, GaugeOtpm, GaugeColumnCount };

/// `text` with every occurrence of the URL's password masked: a message from the server or a
/// worker never shows it, even if one repeats it.
QString withoutPassword(QString text, const QString &url)
{
    const QString password = QUrl(url).password();
    if (!password.isEmpty())
        text.replace(password, QStringLiteral("<password>"));
    return text;
}

} // namespace

SharedRunPanel::SharedRunPanel(Project *project, QWidget *parent)
    : QWidget(parent)
    , m_project(project)
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("sharedRunPanel"));
    setWindowTitle(tr("Shared run"));
    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, &SharedRunPanel::refresh);
    connect(&m_read, &QFutureWatcher<Result<SharedRunStatus>>::finished, this, [this] {
        const Result<SharedRunStatus> r = m_read.result();
        if (r) {
            m_status = *r;
            m_error.clear();
            showStatus();
        } else {
            showError(withoutPassword(r.error().toString(), m_url));
        }
        emit refreshed();
    });

    m_database = new QLabel(this);
    m_database->setObjectName(QStringLiteral("sharedDatabase"));
    m_database->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_database->setWordWrap(true);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("sharedState"));
    m_state->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("sharedProgress"));
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("sharedCounts"));
    m_counts->setWordWrap(true);
    m_spend = new QLabel(this);
    m_spend->setObjectName(QStringLiteral("sharedSpend"));

    m_workers = new QTableWidget(0, ColumnCount, this);
    m_workers->setObjectName(QStringLiteral("sharedWorkers"));
    m_workers->setHorizontalHeaderLabels({tr("Worker"), tr("Host"), tr("PID"), tr("State"), tr("Jobs done"), tr("In flight"),
                                          tr("Last heartbeat")});
    m_workers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_workers->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_workers->verticalHeader()->hide();
    m_workers->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_workers->horizontalHeader()->setStretchLastSection(true);

    m_gaugeTitle = new QLabel(tr("Shared rate windows:"), this);
    m_redisState = new QLabel(this);
    m_redisState->setObjectName(QStringLiteral("sharedRedisState"));
    m_redisState->setWordWrap(true);
    m_gaugeTable = new QTableWidget(0, GaugeColumnCount, this);
    m_gaugeTable->setObjectName(QStringLiteral("sharedGauges"));
    m_gaugeTable->setHorizontalHeaderLabels({tr("Deployments"), tr("Requests"), tr("Tokens"), tr("Input tokens"), tr("Output tokens")});
    m_gaugeTable->setToolTip(tr("What the windows shared through Redis count now, against each limit, for every "
                                "process using these keys."));
    m_gaugeTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_gaugeTable->verticalHeader()->hide();
    m_gaugeTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_gaugeTable->horizontalHeader()->setStretchLastSection(true);
    m_gaugeTitle->hide();
    m_redisState->hide();
    m_gaugeTable->hide();

    m_startWorker = new QPushButton(tr("Start a local worker"), this);
    m_startWorker->setObjectName(QStringLiteral("startLocalWorker"));
    m_startWorker->setToolTip(tr("Runs “discernus worker” for the open project on this run store; it uses the saved files."));
    m_stopWorker = new QPushButton(tr("Stop local worker"), this);
    m_stopWorker->setObjectName(QStringLiteral("stopLocalWorker"));
    m_stopWorker->setToolTip(tr("The worker finishes its calls in flight and gives its other jobs back."));
    m_workerState = new QLabel(this);
    m_workerState->setObjectName(QStringLiteral("localWorkerState"));
    m_workerState->setWordWrap(true);
    connect(m_startWorker, &QPushButton::clicked, this, [this] {
        if (auto ok = startLocalWorker(); !ok) {
            m_workerNote = ok.error().message;
            updateWorkerControls();
        }
    });
    connect(m_stopWorker, &QPushButton::clicked, this, &SharedRunPanel::stopLocalWorker);

    auto *form = new QFormLayout;
    form->addRow(tr("Run store:"), m_database);
    form->addRow(tr("Status:"), m_state);
    form->addRow(tr("Progress:"), m_progress);
    form->addRow(QString(), m_counts);
    form->addRow(tr("Spent:"), m_spend);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_startWorker);
    buttons->addWidget(m_stopWorker);
    buttons->addWidget(m_workerState, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Workers:"), this));
    layout->addWidget(m_workers, 1);
    layout->addWidget(m_gaugeTitle);
    layout->addWidget(m_redisState);
    layout->addWidget(m_gaugeTable);
    layout->addLayout(buttons);

    showStatus();
    updateWorkerControls();
    resize(760, 460);
}

SharedRunPanel::~SharedRunPanel()
{
    m_timer->stop();
    setRedis(std::nullopt);
    m_read.waitForFinished();   // the read holds only its own connection; it ends within its timeout
    if (m_worker && m_worker->state() != QProcess::NotRunning) {
        // The worker must not be killed with calls in flight (they are paid for): SIGINT, and time
        // to store its replies; only then the hard way.
        m_worker->disconnect(this);
        stopLocalWorker();
        if (!m_worker->waitForFinished(30000))
            m_worker->kill();
        m_worker->waitForFinished(2000);
    }
}

Result<void> SharedRunPanel::watch(const QString &url)
{
    if (!isServerDatabase(url))
        return fail(tr("“%1” is not a PostgreSQL URL: give postgresql://user@host:port/dbname").arg(displayDatabase(url)));
    if (auto parsed = parseServerDatabase(url); !parsed)
        return fail(withoutPassword(parsed.error().toString(), url));
    m_url = url;
    if (m_project && m_project->isOpen())
        setRedis(m_project->state().models.router.redis());
    m_status = SharedRunStatus{};
    m_error.clear();
    m_database->setText(displayDatabase(url));
    showStatus();
    m_state->setText(tr("Connecting…"));
    updateWorkerControls();
    m_timer->start();
    refresh();
    return {};
}

void SharedRunPanel::stopWatching()
{
    m_timer->stop();
}

bool SharedRunPanel::isWatching() const { return m_timer->isActive(); }

QString SharedRunPanel::displayedDatabase() const { return m_url.isEmpty() ? QString() : displayDatabase(m_url); }

void SharedRunPanel::setRefreshInterval(int ms) { m_timer->setInterval(ms); }

void SharedRunPanel::setRedis(const std::optional<RouterSettings::RedisEndpoint> &endpoint)
{
    if (m_gaugeReader) {
        // The reader goes as its thread finishes (deleteLater on `finished`), there, where its
        // connection lives; Redis answers or not, nothing here waits for it.
        m_gaugeReader->disconnect(this);
        m_gaugeReader = nullptr;
        m_gaugeThread.quit();
        m_gaugeThread.wait();
    }
    m_gaugeReading = SharedGaugeReading{};
    m_redisAddress = endpoint ? endpoint->address() : QString();
    m_gaugeTitle->setVisible(endpoint.has_value());
    m_redisState->setVisible(endpoint.has_value());
    m_gaugeTable->setVisible(endpoint.has_value());
    if (!endpoint) {
        m_gaugeTable->setRowCount(0);
        return;
    }
    m_redisState->setText(tr("Connecting to Redis at %1…").arg(m_redisAddress));
    m_gaugeReader = new RedisGaugeReader(*endpoint);
    m_gaugeReader->moveToThread(&m_gaugeThread);
    connect(&m_gaugeThread, &QThread::finished, m_gaugeReader, &QObject::deleteLater);
    connect(m_gaugeReader, &RedisGaugeReader::readingReady, this, [this](const SharedGaugeReading &r) {
        m_gaugeReading = r;
        showGauges();
        emit gaugesRefreshed();
    });
    m_gaugeThread.setObjectName(QStringLiteral("redis gauges"));
    m_gaugeThread.start();
    QMetaObject::invokeMethod(m_gaugeReader, &RedisGaugeReader::refresh, Qt::QueuedConnection);
}

void SharedRunPanel::showGauges()
{
    const SharedGaugeReading &r = m_gaugeReading;
    if (!r.connected) {
        m_redisState->setText(tr("Redis: %1").arg(r.state));
        m_redisState->setStyleSheet(QStringLiteral("color: #b00020;"));
        return;   // the last gauges stay, greyed, until Redis answers again
    }
    m_redisState->setStyleSheet(QString());
    m_redisState->setText(r.gauges.isEmpty() ? tr("Redis at %1: no process has admitted a call yet.").arg(m_redisAddress)
                                             : tr("Redis at %1, read %2.").arg(m_redisAddress, QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    m_gaugeTable->setRowCount(int(r.gauges.size()));
    for (int row = 0; row < r.gauges.size(); ++row) {
        const SharedGauge &g = r.gauges.at(row);
        m_gaugeTable->setItem(row, GaugeDeployments, new QTableWidgetItem(g.label));
        for (int d = 0; d < 4; ++d) {
            const qint64 limit = g.limits[d];
            QString text = QStringLiteral("—");
            if (limit > 0)
                text = tr("%1 / %2 (%3 %)")
                           .arg(QLocale().toString(g.used[d]), QLocale().toString(limit))
                           .arg(qRound(100.0 * double(g.used[d]) / double(limit)));
            auto *item = new QTableWidgetItem(text);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_gaugeTable->setItem(row, GaugeRpm + d, item);
        }
    }
}

void SharedRunPanel::refresh()
{
    if (m_gaugeReader)
        QMetaObject::invokeMethod(m_gaugeReader, &RedisGaugeReader::refresh, Qt::QueuedConnection);
    if (m_url.isEmpty() || m_read.isRunning())
        return;   // a read still under way: the next tick reads again
    m_read.setFuture(QtConcurrent::run([url = m_url] { return readSharedRunStatus(url); }));
}

QString SharedRunPanel::heartbeatAge(qint64 ms)
{
    const double s = double(ms) / 1000.0;
    if (s < 120)
        return tr("%1 s ago").arg(QLocale().toString(s, 'f', 1));   // "2,2 s" in German
    if (s < 7200)
        return tr("%1 min ago").arg(qint64(s / 60));
    return tr("%1 h ago").arg(qint64(s / 3600));
}

void SharedRunPanel::showStatus()
{
    const ResultStore::Counts &c = m_status.counts;
    m_progress->setRange(0, int(qMax<qint64>(c.jobs, 1)));
    m_progress->setValue(int(c.done + c.failed));
    m_counts->setText(tr("%1 jobs: %2 done, %3 failed, %4 pending, %5 in flight")
                          .arg(c.jobs)
                          .arg(c.done)
                          .arg(c.failed)
                          .arg(m_status.pendingNotInFlight())
                          .arg(c.inFlight));
    // Money and counts in the interface's locale ("0,0230 $" in German).
    m_spend->setText(tr("%1 in %2 calls (%3 × HTTP 429)")
                         .arg(EngineText::money(m_status.spentMicros, 4), QLocale().toString(c.calls), QLocale().toString(c.http429)));
    if (!m_url.isEmpty() && m_error.isEmpty() && m_read.isFinished() && !m_read.future().isCanceled())
        m_state->setText(tr("Updated %1 — every %2 s")
                             .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
                             .arg(double(m_timer->interval()) / 1000.0, 0, 'f', 0));
    m_state->setStyleSheet(QString());
    if (m_url.isEmpty())
        m_state->setText(tr("Not watching a run store."));

    m_workers->setRowCount(int(m_status.workers.size()));
    for (int r = 0; r < m_status.workers.size(); ++r) {
        const WorkerInfo &w = m_status.workers.at(r);
        const QString state = w.state == QLatin1String("running") ? tr("running")
                              : w.state == QLatin1String("stopped") ? tr("stopped")
                                                                   : w.state;
        const QStringList cells{w.id, w.host, QString::number(w.pid), state, QString::number(w.jobsDone),
                                QString::number(w.jobsInFlight), heartbeatAge(w.heartbeatAgeMs)};
        for (int col = 0; col < ColumnCount; ++col) {
            auto *item = new QTableWidgetItem(cells.at(col));
            if (col == ColPid || col == ColDone || col == ColInFlight)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_workers->setItem(r, col, item);
        }
    }
}

void SharedRunPanel::showError(const QString &message)
{
    m_error = message;
    m_state->setText(tr("Cannot read the run store: %1").arg(message));
    m_state->setStyleSheet(QStringLiteral("color: #b00020;"));
}

QString SharedRunPanel::workerProgram() const
{
    if (!m_workerProgram.isEmpty())
        return m_workerProgram;
    const QDir here(QCoreApplication::applicationDirPath());
    const QString installed = here.filePath(QStringLiteral("discernus"));
    // In the build tree the two programs are in sibling folders (app/gui, app/cli).
    const QString buildTree = here.filePath(QStringLiteral("../cli/discernus"));
    if (!QFileInfo(installed).isExecutable() && QFileInfo(buildTree).isExecutable())
        return QDir::cleanPath(buildTree);
    return installed;
}

Result<void> SharedRunPanel::startLocalWorker()
{
    if (m_url.isEmpty())
        return fail(tr("Watch a shared run first."));
    if (!m_project || !m_project->isOpen())
        return fail(tr("Open a project first: the worker runs its model list and experiment."));
    if (m_worker && m_worker->state() != QProcess::NotRunning)
        return fail(tr("A local worker is running already."));
    const QString program = workerProgram();
    if (!QFileInfo(program).isExecutable())
        return fail(tr("%1 is missing: the worker is the discernus command-line program").arg(QDir::toNativeSeparators(program)));

    delete m_worker;
    m_worker = new QProcess(this);
    m_worker->setProcessChannelMode(QProcess::SeparateChannels);
    // The password goes to the worker in its environment, never on its command line (where every
    // user of the machine could read it).
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (const QString password = QUrl(m_url).password(); !password.isEmpty())
        env.insert(QStringLiteral("PGPASSWORD"), password);
    m_worker->setProcessEnvironment(env);
    m_worker->setWorkingDirectory(QFileInfo(m_project->experimentPath()).absolutePath());
    m_worker->setProgram(program);
    m_worker->setArguments({QStringLiteral("worker"), QStringLiteral("--config"), m_project->modelListPath(),
                            QStringLiteral("--experiment"), m_project->experimentPath(), QStringLiteral("--db"),
                            displayDatabase(m_url)});
    connect(m_worker, &QProcess::stateChanged, this, [this] {
        updateWorkerControls();
        emit localWorkerStateChanged();
    });
    connect(m_worker, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        QString last;
        const QStringList lines = QString::fromUtf8(m_worker->readAllStandardError()).split(u'\n', Qt::SkipEmptyParts);
        if (!lines.isEmpty())
            last = withoutPassword(lines.constLast().trimmed(), m_url);
        if (status == QProcess::CrashExit)
            m_workerNote = tr("Local worker ended abnormally.");
        else if (code == 0)
            m_workerNote = tr("Local worker finished.");
        else
            m_workerNote = last.isEmpty() ? tr("Local worker stopped with exit code %1.").arg(code)
                                          : tr("Local worker stopped with exit code %1: %2").arg(code).arg(last);
        updateWorkerControls();
        refresh();
    });
    connect(m_worker, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            m_workerNote = tr("The local worker could not be started: %1").arg(m_worker->errorString());
            updateWorkerControls();
        }
    });
    m_worker->readAllStandardOutput();
    // Its summary on stdout is not needed; the panel reads the store.
    connect(m_worker, &QProcess::readyReadStandardOutput, m_worker, [w = m_worker] { w->readAllStandardOutput(); });
    m_workerNote.clear();
    m_worker->start();
    updateWorkerControls();
    return {};
}

void SharedRunPanel::stopLocalWorker()
{
    if (!m_worker || m_worker->state() == QProcess::NotRunning)
        return;
#ifdef Q_OS_UNIX
    // SIGINT, not QProcess::terminate()'s SIGTERM: on SIGINT the worker finishes its calls in flight
    // and releases its unclaimed jobs (docs/ARCHITECTURE.md, "Several workers on one run").
    ::kill(pid_t(m_worker->processId()), SIGINT);
#else
    m_worker->terminate();
#endif
    m_workerNote = tr("Stopping: finishing the calls in flight…");
    updateWorkerControls();
}

QProcess::ProcessState SharedRunPanel::localWorkerState() const
{
    return m_worker ? m_worker->state() : QProcess::NotRunning;
}

void SharedRunPanel::updateWorkerControls()
{
    const bool running = localWorkerState() != QProcess::NotRunning;
    m_startWorker->setEnabled(!running && !m_url.isEmpty());
    m_stopWorker->setEnabled(running);
    QString text = m_workerNote;
    if (running && text.isEmpty())
        text = localWorkerState() == QProcess::Starting ? tr("Local worker starting…")
                                                        : tr("Local worker running (pid %1).").arg(m_worker->processId());
    m_workerState->setText(text);
}

void SharedRunPanel::closeEvent(QCloseEvent *event)
{
    // Closing the window stops the polling; a local worker keeps running until stopped.
    stopWatching();
    QWidget::closeEvent(event);
}

} // namespace ui
} // namespace wb
