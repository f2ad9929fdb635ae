#include "ui/mainwindow.h"

#include "core/session/runcontroller.h"
#include "ui/estimateview.h"
#include "ui/experimenteditor.h"
#include "ui/keysview.h"
#include "ui/modellisteditor.h"
#include "ui/project.h"
#include "ui/resultsmodel.h"
#include "ui/resultsview.h"
#include "ui/statisticsview.h"
#include "ui/runmonitor.h"
#include "ui/sharedrunpanel.h"
#include "ui/uisettings.h"
#include "ui/userguide.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDirIterator>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace wb {
namespace ui {

namespace {
bool copyTree(const QString &from, const QString &to)
{
    QDir src(from);
    if (!QDir().mkpath(to))
        return false;
    QDirIterator it(from, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = QDir(to).filePath(src.relativeFilePath(file));
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::exists(target) && !QFile::copy(file, target))
            return false;
        QFile(target).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    }
    return true;
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_project(new Project(this)), m_nav(new QListWidget(this)), m_pages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/discernus-workbench.svg")));

    m_models = new ModelListEditor(m_project, this);
    m_keys = new KeysView(m_project, this);
    m_experiment = new ExperimentEditor(m_project, this);
    m_estimate = new EstimateView(m_project, this);
    m_run = new RunMonitor(m_project, this);
    // The estimate uses what earlier runs stored in the project's database (calibration, spend).
    m_estimate->setDatabasePathSource([this] { return m_run->resolvedDatabasePath(); });
    m_results = new ResultsView(this);
    // Agreement statistics over what the Results page's filter selects, recomputed when it changes.
    auto *statistics = m_statistics = new StatisticsView(this);
    statistics->setObjectName(QStringLiteral("statisticsPage"));
    connect(m_results->model(), &QAbstractItemModel::modelReset, statistics,
            [this, statistics] { statistics->setSource(m_results->model()->database(), m_results->model()->filter()); });

    struct Entry { QWidget *w; QString icon; QString text; };
    const Entry entries[] = {
        {m_models, QStringLiteral("network-server"), tr("Models")},
        {m_keys, QStringLiteral("dialog-password"), tr("Keys")},
        {m_experiment, QStringLiteral("document-edit"), tr("Experiment")},
        {m_estimate, QStringLiteral("accessories-calculator"), tr("Estimate")},
        {m_run, QStringLiteral("media-playback-start"), tr("Run")},
        {m_results, QStringLiteral("x-office-spreadsheet"), tr("Results")},
        {statistics, QStringLiteral("x-office-spreadsheet"), tr("Statistics")},
    };
    for (const Entry &e : entries) {
        m_pages->addWidget(e.w);
        auto *item = new QListWidgetItem(QIcon(QStringLiteral(":/icons/") + e.icon + QStringLiteral(".svg")), e.text, m_nav);
        item->setSizeHint(QSize(0, 40));
    }
    m_nav->setObjectName(QStringLiteral("pageNavigation"));
    m_nav->setFixedWidth(150);
    m_nav->setIconSize(QSize(22, 22));
    m_nav->setStyleSheet(QStringLiteral("QListWidget { font-size: 11pt; }"));
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    m_banner = new QLabel(tr("SIMULATED — results are not from real models. This model list points at the built-in provider simulator."), this);
    m_banner->setObjectName(QStringLiteral("windowSimulatedBanner"));
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setWordWrap(true);   // a long translation must not set the window's minimum width
    m_banner->setStyleSheet(QStringLiteral("background:#fff3cd; color:#7a4b00; font-weight:bold; padding:5px; border-bottom:1px solid #e0c068;"));

    auto *central = new QWidget(this);
    auto *outer = new QVBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    outer->addWidget(m_banner);
    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_nav);
    row->addWidget(m_pages, 1);
    outer->addLayout(row, 1);
    setCentralWidget(central);

    // The project line can be long (a deep path): it is elided, never widening the window; the
    // full text is in the tooltip.
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("projectStatus"));
    m_status->setMinimumWidth(1);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    statusBar()->addWidget(m_status, 1);

    // A focus mark that can be seen (the default is faint on most styles).
    setStyleSheet(QStringLiteral(
        "QAbstractItemView:focus, QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QAbstractSpinBox:focus, QComboBox:focus"
        " { border: 2px solid #2f6fd0; }"));

    createActions();
    connect(m_project, &Project::changed, this, &MainWindow::updateTitle);
    // The result detail rebuilds a job's prompt from the project as it stands.
    connect(m_project, &Project::changed, this, [this] {
        const ProjectState &st = m_project->state();
        m_results->setPromptContext(st.frameworks, st.experiment.corpus, st.experiment.execution);
    });
    connect(m_project, &Project::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_project, &Project::opened, this, [this] {
        m_results->setDatabase(m_run->databasePath());
        UiSettings::addRecentProject(m_project->experimentPath());
        updateRecentMenu();
        if (!m_project->warnings().isEmpty())
            statusBar()->showMessage(m_project->warnings().join(QStringLiteral("  ·  ")), 15000);
    });
    connect(m_run, &RunMonitor::runFinished, this, &MainWindow::onRunFinished);
    connect(m_results, &ResultsView::statusMessage, this, [this](const QString &m) { statusBar()->showMessage(m, 15000); });
    // Show the database the run writes into while it goes (WAL: reading alongside is safe).
    connect(m_run, &RunMonitor::runStarted, this, [this] { m_results->setDatabase(m_run->runDatabasePath()); });
    // The engine creates the file once the plan is written: look again then.
    connect(m_run->controller(), &RunController::started, this, [this] { m_results->setDatabase(m_run->runDatabasePath()); });
    m_run->setBeforeStart([this] {
        if (!m_project->isModified())
            return true;
        // The engine reads the files, so what runs must be what is saved.
        const auto answer = QMessageBox::question(this, tr("Save before running?"),
                                                  tr("The run uses the saved files. Save your changes now?"),
                                                  QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Save);
        return answer == QMessageBox::Save && save();
    });

    m_nav->setCurrentRow(ExperimentPage);
    resize(1280, 820);
    if (!UiSettings::windowGeometry().isEmpty())
        restoreGeometry(UiSettings::windowGeometry());
    updateTitle();
}

MainWindow::~MainWindow() = default;

MainWindow::Page MainWindow::currentPage() const { return Page(m_pages->currentIndex()); }
bool MainWindow::isSimulatedBannerVisible() const { return !m_banner->isHidden(); }

void MainWindow::showPage(int page) { m_nav->setCurrentRow(page); }

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Sample"), this, [this] {
        if (maybeLeaveProject())
            openSample();
    });
    m_recent = file->addMenu(tr("Open &Recent"));
    file->addAction(tr("Open &Bundle…"), this, [this] {
        showPage(ResultsPage);
        m_results->openBundleInteractive();
    });
    file->addSeparator();
    QAction *saveAct = file->addAction(QIcon::fromTheme(QStringLiteral("document-save")), tr("&Save"), this, &MainWindow::save);
    saveAct->setShortcut(QKeySequence::Save);
    QAction *saveAsAct = file->addAction(tr("Save &As…"), this, &MainWindow::saveAs);
    saveAsAct->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    QAction *quit = file->addAction(QIcon::fromTheme(QStringLiteral("application-exit")), tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_project->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_project->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    QAction *start = run->addAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("&Start"), this, [this] {
        showPage(RunPage);
        m_run->start();
    });
    start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction *pause = run->addAction(tr("&Pause / Resume"), this, [this] { m_run->isPaused() ? m_run->resume() : m_run->pause(); });
    pause->setObjectName(QStringLiteral("pauseAction"));
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    QAction *cancel = run->addAction(tr("&Cancel"), m_run, &RunMonitor::cancel);
    cancel->setObjectName(QStringLiteral("cancelAction"));
    cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    run->addSeparator();
    QAction *watch = run->addAction(tr("&Watch Shared Run…"), this, [this] {
        bool ok = false;
        // Not remembered in the settings: the URL may carry a password.
        const QString url = QInputDialog::getText(this, tr("Watch Shared Run"),
                                                  tr("PostgreSQL run store (postgresql://user@host:port/dbname; "
                                                     "the password in PGPASSWORD or in the URL):"),
                                                  QLineEdit::Normal, QStringLiteral("postgresql://"), &ok)
                                  .trimmed();
        if (ok && !url.isEmpty())
            watchSharedRun(url);
    });
    watch->setObjectName(QStringLiteral("watchSharedRunAction"));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < PageCount; ++i) {
        QAction *a = view->addAction(m_nav->item(i)->text(), this, [this, i] { showPage(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *guide = help->addAction(QIcon::fromTheme(QStringLiteral("help-contents")), tr("&User guide"), this, [this] {
        // Opens at the section of the page in use: the guide's headings are the page names.
        showUserGuide(this, m_nav->item(currentPage())->text());
    });
    guide->setObjectName(QStringLiteral("userGuideAction"));
    guide->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Discernus Workbench"), this, [this] {
        QMessageBox::about(this, tr("About Discernus Workbench"),
                           tr("<h3>Discernus Workbench %1</h3><p>Run multi-LLM text-analysis experiments through a "
                              "rate-limit-aware router, and browse and export the results.</p>")
                               .arg(QApplication::applicationVersion()));
    });
    updateRecentMenu();
}

SharedRunPanel *MainWindow::watchSharedRun(const QString &url)
{
    if (!m_shared) {
        m_shared = new SharedRunPanel(m_project, this);
        m_shared->setWindowFlag(Qt::Window);
    }
    if (auto ok = m_shared->watch(url); !ok) {
        QMessageBox::warning(this, tr("Watch Shared Run"), ok.error().toString());
        return m_shared;
    }
    m_shared->show();
    m_shared->raise();
    return m_shared;
}

void MainWindow::updateRecentMenu()
{
    m_recent->clear();
    const QStringList recent = UiSettings::recentProjects();
    for (const QString &p : recent)
        m_recent->addAction(QDir::toNativeSeparators(p), this, [this, p] {
            if (maybeLeaveProject())
                openProject(p);
        });
    m_recent->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle()
{
    const bool sim = m_project->isOpen() && m_project->isSimulated();
    m_banner->setVisible(sim);
    if (!m_project->isOpen()) {
        setWindowTitle(tr("Discernus Workbench"));
        m_status->setText(tr("No project open"));
        return;
    }
    setWindowTitle(tr("%1[*] — Discernus Workbench").arg(m_project->displayName()));
    setWindowModified(m_project->isModified());
    const ProjectState &st = m_project->state();
    const QString line = tr("%1  ·  %n deployment(s)", nullptr, int(st.models.deployments.size()))
                             .arg(QDir::toNativeSeparators(m_project->experimentPath()))
                         + tr(", %n run(s)", nullptr, int(st.experiment.execution.matrix.size()))
                         + (sim ? tr("  ·  simulated") : QString());
    m_status->setText(line);
    m_status->setToolTip(line);
}

bool MainWindow::openProject(const QString &experimentOrFolder, bool quiet)
{
    auto r = m_project->open(experimentOrFolder);
    if (!r) {
        if (!quiet)
            QMessageBox::warning(this, tr("Cannot open project"), r.error().toString());
        statusBar()->showMessage(tr("Cannot open %1: %2").arg(experimentOrFolder, r.error().toString()), 15000);
        return false;
    }
    return true;
}

QString MainWindow::sampleWorkingCopy()
{
    const QString sample = findSampleDir();
    if (sample.isEmpty())
        return {};
    // The installed sample is read-only; researchers edit and run a copy of their own.
    const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const QString copy = QDir(base).filePath(QStringLiteral("sample"));
    if (!QFileInfo::exists(QDir(copy).filePath(QStringLiteral("experiment.yaml"))) && !copyTree(sample, copy))
        return sample;
    return copy;
}

bool MainWindow::openSample(bool quiet)
{
    const QString dir = sampleWorkingCopy();
    if (dir.isEmpty()) {
        if (!quiet)
            QMessageBox::warning(this, tr("No sample"), tr("The bundled sample project was not found."));
        return false;
    }
    return openProject(dir, quiet);
}

void MainWindow::openInitialProject()
{
    const QStringList recent = UiSettings::recentProjects();
    if (UiSettings::firstRunDone() && !recent.isEmpty() && openProject(recent.first(), true))
        return;
    UiSettings::setFirstRunDone(true);
    openSample(true);
}

void MainWindow::openDialog()
{
    if (!maybeLeaveProject())
        return;
    const QString f = QFileDialog::getOpenFileName(this, tr("Open experiment"), m_project->directory(),
                                                   tr("Experiment (experiment.yaml *.yaml *.yml)"));
    if (!f.isEmpty())
        openProject(f);
}

bool MainWindow::save()
{
    if (!m_project->isOpen())
        return false;
    auto r = m_project->save();
    if (!r) {
        QMessageBox::warning(this, tr("Cannot save"), r.error().toString());
        return false;
    }
    if (const QStringList baks = m_project->lastBackups(); !baks.isEmpty()) {
        QStringList names;
        for (const QString &b : baks)
            names << QDir::toNativeSeparators(b);
        statusBar()->showMessage(tr("Saved; comments from the original file were kept in %1").arg(names.join(QLatin1String(", "))), 15000);
    } else {
        statusBar()->showMessage(tr("Saved"), 3000);
    }
    return true;
}

bool MainWindow::saveAs()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Save project into folder"), m_project->directory());
    if (dir.isEmpty())
        return false;
    auto r = m_project->saveAs(dir);
    if (!r) {
        QMessageBox::warning(this, tr("Cannot save"), r.error().toString());
        return false;
    }
    UiSettings::addRecentProject(m_project->experimentPath());
    updateRecentMenu();
    if (!m_project->lastBackups().isEmpty())
        statusBar()->showMessage(tr("Saved; comments from the original file were kept in %1")
                                     .arg(QDir::toNativeSeparators(m_project->lastBackups().join(QLatin1String(", ")))), 15000);
    return true;
}

bool MainWindow::maybeSave()
{
    if (!m_project->isModified())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Unsaved changes"),
                    tr("The project \"%1\" has unsaved changes.").arg(m_project->displayName()),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("unsavedChangesBox"));
    box.setInformativeText(tr("Save them before continuing?"));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save: return save();
    case QMessageBox::Discard: return true;
    default: return false;
    }
}

bool MainWindow::maybeLeaveProject()
{
    const bool running = m_run->isRunning();
    if (running) {
        const auto a = QMessageBox::question(this, tr("A run is in progress"),
                                             tr("Opening another project cancels the run. It can be resumed later. Continue?"));
        if (a != QMessageBox::Yes)
            return false;
    }
    // Save first: if the user backs out here, the run keeps going.
    if (!maybeSave())
        return false;
    if (running)
        m_run->cancel();
    return true;
}

void MainWindow::closeEvent(QCloseEvent *e)
{
    const bool running = m_run->isRunning();
    if (running) {
        const auto a = QMessageBox::question(this, tr("A run is in progress"),
                                             tr("Cancel the run and quit? It can be resumed later."));
        if (a != QMessageBox::Yes) {
            e->ignore();
            return;
        }
    }
    // Save before cancelling: a close the user backs out of must leave the run going.
    if (!maybeSave()) {
        e->ignore();
        return;
    }
    if (running)
        m_run->cancel();
    UiSettings::setWindowGeometry(saveGeometry());
    e->accept();
}

void MainWindow::onRunFinished(const RunSummary &summary, const QString &dbPath)
{
    m_results->setDatabase(dbPath);
    // The statistics of what the run wrote are computed now, in the background, and stored with
    // the results: the Statistics page then opens at once (docs/FORMATS.md, "Stored statistics").
    m_statistics->prepare();
    const QLocale loc;
    if (summary.error.isEmpty() && summary.cancelled)
        statusBar()->showMessage(tr("Run cancelled: %1 done, %2 failed; the rest can be resumed")
                                     .arg(loc.toString(summary.done), loc.toString(summary.failed)), 15000);
    else if (summary.error.isEmpty() && summary.budgetStopped)
        statusBar()->showMessage(tr("Run stopped by the budget: %1 done, %2 failed")
                                     .arg(loc.toString(summary.done), loc.toString(summary.failed)), 15000);
    else if (summary.error.isEmpty())
        statusBar()->showMessage(tr("Run finished: %1 done, %2 failed").arg(loc.toString(summary.done), loc.toString(summary.failed)), 10000);
    else
        statusBar()->showMessage(tr("Run could not start: %1").arg(summary.error), 15000);
}

} // namespace ui
} // namespace wb
