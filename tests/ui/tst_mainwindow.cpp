// The main window over the sample project: pages, banner, edits with undo, unsaved-changes
// prompts, the router form, the experiment editor and the background estimate.
#include "sampletestutil.h"
#include "core/common/provider.h"
#include "ui/adddeploymentdialog.h"
#include "ui/corpusmodel.h"
#include "ui/enginetext.h"
#include "ui/estimateview.h"
#include "ui/experimenteditor.h"
#include "ui/keysmodel.h"
#include "ui/keysview.h"
#include "ui/mainwindow.h"
#include "ui/matrixmodel.h"
#include "ui/deploymenttablemodel.h"
#include "ui/modellisteditor.h"
#include "ui/project.h"
#include "ui/runmonitor.h"
#include "core/storage/batchstore.h"
#include "core/storage/resultstore.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>

using namespace wb;
using namespace wb::ui;

namespace {
// Answers the next modal message box with `button` once it shows.
void answerNextMessageBox(QMessageBox::StandardButton button)
{
    QTimer::singleShot(0, qApp, [button] {
        auto tryAnswer = [button](auto &self, int left) -> void {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                box->button(button)->click();
                return;
            }
            if (left > 0)
                QTimer::singleShot(20, qApp, [self, left] { self(self, left - 1); });
        };
        tryAnswer(tryAnswer, 200);
    });
}
// Accepts the next modal dialog of type D once it shows, after `prepare` has filled it in.
template <typename D>
void acceptNextDialog(std::function<void(D *)> prepare = {})
{
    QTimer::singleShot(0, qApp, [prepare] {
        auto tryAccept = [prepare](auto &self, int left) -> void {
            if (auto *d = qobject_cast<D *>(QApplication::activeModalWidget())) {
                if (prepare)
                    prepare(d);
                d->accept();
                return;
            }
            if (left > 0)
                QTimer::singleShot(20, qApp, [self, left] { self(self, left - 1); });
        };
        tryAccept(tryAccept, 200);
    });
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void pagesAndBanner();
    void editMarksModifiedAndUndoes();
    void unsavedChangesPrompt();
    void routerFormIsUndoable();
    void experimentEditorAddsRuns();
    void executionModeIsSavedAndUndoable();
    void keysPageListsReferences();
    void estimateFollowsEdits();
    void experimentNameKeepsTypedSpaces();
    void runDatabaseRelativeAndExisting();
    void runPageShowsOpenBatches();
    void refusedEditsSayWhy();
    void duplicateKeysFlagged();
    void startRefusesWithModelProblems();
    void addDeploymentRespectsSimulator();

private:
    QTemporaryDir *m_dir = nullptr;
    MainWindow *m_w = nullptr;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DiscernusTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
}

void TestMainWindow::init()
{
    m_dir = new QTemporaryDir;
    QVERIFY(wbtest::copySample(m_dir->path()));
    m_w = new MainWindow;
    QVERIFY(m_w->openProject(m_dir->path(), true));
    m_w->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_w));
}

void TestMainWindow::cleanup()
{
    // Leave without prompting.
    if (m_w->project()->isModified())
        m_w->project()->undoStack()->setClean();
    delete m_w;
    m_w = nullptr;
    delete m_dir;
    m_dir = nullptr;
}

void TestMainWindow::pagesAndBanner()
{
    QVERIFY(m_w->isSimulatedBannerVisible());   // the sample runs against the simulator
    QVERIFY(m_w->windowTitle().contains(QStringLiteral("mft-sample")));
    QCOMPARE(m_w->currentPage(), MainWindow::ExperimentPage);
    for (int p = 0; p < MainWindow::PageCount; ++p) {
        m_w->showPage(p);
        QCOMPARE(int(m_w->currentPage()), p);
    }
    // One banner, the window's: the Run page adds none of its own.
    QVERIFY(!m_w->runPage()->findChild<QLabel *>(QStringLiteral("simulatedBanner")));
    auto *banner = m_w->findChild<QLabel *>(QStringLiteral("windowSimulatedBanner"));
    QVERIFY(banner && banner->text().contains(QStringLiteral("SIMULATED")));
    QCOMPARE(m_w->modelsPage()->model()->rowCount(), m_w->project()->state().models.deployments.size());
    QCOMPARE(m_w->experimentPage()->matrixModel()->rowCount(), m_w->project()->state().experiment.execution.matrix.size());
    // Pointing every deployment at a real provider hides the banner.
    ProjectState next = m_w->project()->state();
    next.models.simulator.enabled = false;
    for (Deployment &d : next.models.deployments)
        d.apiBase = QStringLiteral("https://api.example.com/v1");
    m_w->project()->edit(next, QStringLiteral("real"));
    QVERIFY(!m_w->isSimulatedBannerVisible());
}

void TestMainWindow::editMarksModifiedAndUndoes()
{
    auto *model = m_w->modelsPage()->model();
    QVERIFY(!m_w->isWindowModified());
    QVERIFY(model->setData(model->index(0, DeploymentTableModel::Rpm), QStringLiteral("777")));
    QVERIFY(m_w->project()->isModified());
    QVERIFY(m_w->isWindowModified());
    QCOMPARE(m_w->project()->state().models.deployments[0].limits.rpm.value_or(0), 777);
    m_w->project()->undoStack()->undo();
    QVERIFY(!m_w->isWindowModified());
    QVERIFY(m_w->project()->state().models.deployments[0].limits.rpm.value_or(0) != 777);
    QVERIFY(model->data(model->index(0, DeploymentTableModel::Rpm)).toString() != QStringLiteral("777"));
    // Add deployment through the editor, then redo/undo.
    const qsizetype n = model->rowCount();
    m_w->modelsPage()->view()->setCurrentIndex(model->index(0, 0));
    acceptNextDialog<AddDeploymentDialog>();
    m_w->modelsPage()->addDeployment();
    QCOMPARE(model->rowCount(), n + 1);
    QCOMPARE(m_w->project()->state().models.deployments.size(), n + 1);
    m_w->project()->undoStack()->undo();
    QCOMPARE(model->rowCount(), n);
}

void TestMainWindow::unsavedChangesPrompt()
{
    QVERIFY(m_w->maybeSave());   // nothing to save: no prompt
    ProjectState next = m_w->project()->state();
    next.experiment.execution.temperature = 0.9;
    m_w->project()->edit(next, QStringLiteral("t"));
    answerNextMessageBox(QMessageBox::Cancel);
    QVERIFY(!m_w->maybeSave());
    QVERIFY(m_w->project()->isModified());
    answerNextMessageBox(QMessageBox::Discard);
    QVERIFY(m_w->maybeSave());
    answerNextMessageBox(QMessageBox::Save);
    QVERIFY(m_w->maybeSave());
    QVERIFY(!m_w->project()->isModified());
    Project reread;
    QVERIFY(reread.open(m_dir->path()));
    QCOMPARE(reread.state().experiment.execution.temperature, 0.9);
}

void TestMainWindow::routerFormIsUndoable()
{
    const QList<QSpinBox *> spins = m_w->modelsPage()->findChildren<QSpinBox *>();
    QVERIFY(!spins.isEmpty());
    QSpinBox *retries = spins.first();   // "Retries" is the first spin box of the form
    const int before = m_w->project()->state().models.router.numRetries;
    QCOMPARE(retries->value(), before);
    retries->setValue(before + 2);
    retries->setValue(before + 3);
    QCOMPARE(m_w->project()->state().models.router.numRetries, before + 3);
    QCOMPARE(m_w->project()->undoStack()->count(), 1);   // typing merges into one step
    m_w->project()->undoStack()->undo();
    QCOMPARE(m_w->project()->state().models.router.numRetries, before);
    QCOMPARE(retries->value(), before);
}

void TestMainWindow::experimentEditorAddsRuns()
{
    auto *ed = m_w->experimentPage();
    const int n = ed->matrixModel()->rowCount();
    ed->addRun();
    QCOMPARE(ed->matrixModel()->rowCount(), n + 1);
    QCOMPARE(m_w->project()->state().experiment.execution.matrix.size(), n + 1);
    // Frameworks tree shows the sample framework with its dimensions.
    QCOMPARE(ed->frameworkModel()->rowCount(), 1);
    QVERIFY(ed->frameworkModel()->item(0)->rowCount() >= 5);
    // Corpus counts arrive from the background.
    QTRY_VERIFY_WITH_TIMEOUT(ed->corpusModel()->stats(QStringLiteral("speeches")).has_value(), 20000);
    QVERIFY(ed->corpusModel()->stats(QStringLiteral("speeches"))->texts >= 10);
    QVERIFY(ed->corpusModel()->stats(QStringLiteral("speeches"))->tokens > 0);
    m_w->project()->undoStack()->undo();
    QCOMPARE(ed->matrixModel()->rowCount(), n);
}

void TestMainWindow::executionModeIsSavedAndUndoable()
{
    auto *mode = m_w->experimentPage()->findChild<QComboBox *>(QStringLiteral("executionMode"));
    QVERIFY(mode);
    QCOMPARE(m_w->project()->state().experiment.execution.mode, ExecutionMode::Live);
    QCOMPARE(mode->currentData().toString(), QStringLiteral("live"));
    mode->setCurrentIndex(mode->findData(QStringLiteral("batch")));
    QCOMPARE(m_w->project()->state().experiment.execution.mode, ExecutionMode::Batch);
    QVERIFY(m_w->project()->isModified());
    m_w->project()->undoStack()->undo();
    QCOMPARE(m_w->project()->state().experiment.execution.mode, ExecutionMode::Live);
    QCOMPARE(mode->currentData().toString(), QStringLiteral("live"));
    m_w->project()->undoStack()->redo();
    QCOMPARE(mode->currentData().toString(), QStringLiteral("batch"));
    // Saved through the config writer and read back.
    answerNextMessageBox(QMessageBox::Save);
    QVERIFY(m_w->maybeSave());
    Project reread;
    QVERIFY(reread.open(m_dir->path()));
    QCOMPARE(reread.state().experiment.execution.mode, ExecutionMode::Batch);
}

void TestMainWindow::keysPageListsReferences()
{
    KeysModel *keys = m_w->keysPage()->model();
    QVERIFY(keys->rowCount() > 0);
    // The sample's dummy literal keys are shown masked, never in full.
    for (const KeyEntry &e : keys->entries())
        QVERIFY(!e.reference.contains(QStringLiteral("sim-openai-1")));
    QCOMPARE(m_w->keysPage()->connectionModel()->rowCount(), m_w->project()->state().models.deployments.size());
}

void TestMainWindow::estimateFollowsEdits()
{
    EstimateView *est = m_w->estimatePage();
    est->setDebounceMs(50);
    QSignalSpy ready(est, &EstimateView::estimateReady);
    est->scheduleRecompute();
    QVERIFY(ready.wait(30000));
    const int runs = int(m_w->project()->state().experiment.execution.matrix.size());
    QCOMPARE(est->runsModel()->rowCount(), runs);
    QVERIFY(!est->summaryText().isEmpty());
    // An edit (removing a run) is picked up after the debounce.
    ProjectState next = m_w->project()->state();
    next.experiment.execution.matrix.removeLast();
    m_w->project()->edit(next, QStringLiteral("remove run"));
    QVERIFY(ready.wait(30000));
    QCOMPARE(est->runsModel()->rowCount(), runs - 1);
    QVERIFY(!est->summaryText().contains(QStringLiteral("(batch)")));
    // In batch mode the headline's duration is the batch window, not the live schedule.
    next = m_w->project()->state();
    next.experiment.execution.mode = ExecutionMode::Batch;
    m_w->project()->edit(next, QStringLiteral("batch mode"));
    QVERIFY(ready.wait(30000));
    QVERIFY2(est->summaryText().contains(QStringLiteral("(batch)")), qPrintable(est->summaryText()));
    m_w->project()->undoStack()->undo();
    QVERIFY(ready.wait(30000));
    m_w->project()->undoStack()->undo();
    QVERIFY(ready.wait(30000));
}

void TestMainWindow::experimentNameKeepsTypedSpaces()
{
    auto *name = m_w->experimentPage()->findChild<QLineEdit *>(QStringLiteral("experimentName"));
    QVERIFY(name);
    name->setFocus();
    name->clear();
    QTest::keyClicks(name, QStringLiteral("my study "));
    QCOMPARE(name->text(), QStringLiteral("my study "));
    QTest::keyClicks(name, QStringLiteral("two"));
    QCOMPARE(name->text(), QStringLiteral("my study two"));
    QCOMPARE(m_w->project()->state().experiment.name, QStringLiteral("my study two"));
}

void TestMainWindow::runDatabaseRelativeAndExisting()
{
    RunMonitor *run = m_w->runPage();
    const QDir projectDir(m_w->project()->directory());
    QFile existing(projectDir.filePath(QStringLiteral("old.sqlite")));
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.close();
    QString asked;
    run->setExistingDatabaseChooser([&asked](const QString &db) {
        asked = db;
        return RunMonitor::ExistingDatabase::Cancel;
    });
    const QString logBefore = run->logText();
    run->setDatabasePath(QStringLiteral("old.sqlite"));   // relative: the project folder
    run->start();
    QCOMPARE(asked, projectDir.filePath(QStringLiteral("old.sqlite")));
    QVERIFY(!run->isRunning());
    QCOMPARE(run->logText(), logBefore);   // a cancelled start keeps the previous log
    QCOMPARE(run->freshDatabasePath(projectDir.filePath(QStringLiteral("results.sqlite"))),
             projectDir.filePath(QStringLiteral("results-2.sqlite")));
    QFile taken(projectDir.filePath(QStringLiteral("results-2.sqlite")));
    QVERIFY(taken.open(QIODevice::WriteOnly));
    taken.close();
    QCOMPARE(run->freshDatabasePath(projectDir.filePath(QStringLiteral("results-2.sqlite"))),
             projectDir.filePath(QStringLiteral("results-3.sqlite")));
}

void TestMainWindow::runPageShowsOpenBatches()
{
    // A database a killed batch run left behind: one batch still open, one collected; and an open
    // batch of another experiment in the same database, which is not this page's.
    const QString db = QDir(m_w->project()->directory()).filePath(QStringLiteral("batches.sqlite"));
    {
        ResultStore store;
        QVERIFY(store.open(db));
        const QString mine = m_w->project()->state().experiment.name;
        QVERIFY(!mine.isEmpty());
        for (const QString &e : {mine, QStringLiteral("another study")}) {
            QVERIFY(store.upsertExperiment(e, QString(), QByteArray()));
            RunRow r;
            r.runId = QStringLiteral("run of ") + e;
            r.experiment = e;
            QVERIFY(store.upsertRun(r));
        }
        BatchStore batches(store);
        BatchRow open;
        open.providerBatchId = QStringLiteral("batch_open_1");
        open.deploymentId = QStringLiteral("openai-1");
        open.provider = QStringLiteral("openai");
        open.state = QStringLiteral("in_progress");
        open.requests = 120;
        open.succeeded = 40;
        open.createdAt = QDateTime::currentDateTimeUtc().addSecs(-600);
        QVERIFY(batches.insert(open, {BatchItemRow{QStringLiteral("j1"), QStringLiteral("run of ") + mine, {1}}}));
        BatchRow other = open;
        other.providerBatchId = QStringLiteral("batch_other_1");
        other.provider = QStringLiteral("anthropic");
        QVERIFY(batches.insert(other, {BatchItemRow{QStringLiteral("j9"), QStringLiteral("run of another study"), {9}}}));
        const QList<BatchItemRow> items{BatchItemRow{QStringLiteral("j2"), QStringLiteral("run of ") + mine, {2}}};
        BatchRow done = open;
        done.providerBatchId = QStringLiteral("batch_done_1");
        done.state = QStringLiteral("ended");
        done.collected = true;
        auto id = batches.insert(done, items);
        QVERIFY(id);
        done.id = *id;
        QVERIFY(batches.update(done));
    }
    RunMonitor *run = m_w->runPage();
    auto *tabs = run->findChild<QTabWidget *>(QStringLiteral("gaugeTabs"));
    QVERIFY(tabs);
    run->setDatabasePath(QStringLiteral("batches.sqlite"));
    QTRY_COMPARE(run->batchTable()->rowCount(), 1);
    QCOMPARE(run->batchTable()->item(0, 0)->text(), QStringLiteral("openai"));
    QCOMPARE(run->batchTable()->item(0, 1)->text(), QStringLiteral("batch_open_1"));
    QCOMPARE(run->batchTable()->item(0, 2)->text(), QLocale().toString(120));
    QCOMPARE(run->batchTable()->item(0, 3)->text(), EngineText::batchState(QStringLiteral("in_progress")));
    QCOMPARE(run->batchTable()->item(0, 3)->text(), QStringLiteral("in progress"));   // not the API's word
    QVERIFY(tabs->isTabVisible(tabs->count() - 1));
    // A database without batches hides the tab.
    run->setDatabasePath(QStringLiteral("none.sqlite"));
    QTRY_COMPARE(run->batchTable()->rowCount(), 0);
    QVERIFY(!tabs->isTabVisible(tabs->count() - 1));
}

void TestMainWindow::refusedEditsSayWhy()
{
    m_w->showPage(MainWindow::ModelsPage);
    ModelListEditor *page = m_w->modelsPage();
    auto *model = page->model();
    const auto before = m_w->project()->state().models.deployments[0].limits.rpm;
    QSignalSpy refused(model, &DeploymentTableModel::editRefused);
    // A negative limit: refused, with the reason above the table and the typed value back in an editor.
    const QModelIndex rpm = model->index(0, DeploymentTableModel::Rpm);
    QVERIFY(!model->setData(rpm, QStringLiteral("-5")));
    QCOMPARE(refused.size(), 1);
    QCOMPARE(m_w->project()->state().models.deployments[0].limits.rpm, before);
    QVERIFY(page->refusalText().contains(QStringLiteral("-5")));
    QVERIFY(page->refusalText().contains(DeploymentTableModel::tr("not a limit").left(8)));
    // The typed value stays in the cell, marked, with the reason as its tooltip.
    QCOMPARE(rpm.data(Qt::DisplayRole).toString(), QStringLiteral("-5"));
    QCOMPARE(rpm.data(Qt::ToolTipRole).toString(), rpm.data(DeploymentTableModel::ValidationRole).toString());
    QVERIFY(!rpm.data(Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(rpm.data(Qt::BackgroundRole).isValid());
    // Editing it again starts from what was typed.
    page->view()->setCurrentIndex(rpm);
    page->view()->edit(rpm);
    QTRY_VERIFY(page->view()->viewport()->findChild<QLineEdit *>());
    QCOMPARE(page->view()->viewport()->findChild<QLineEdit *>()->text(), QStringLiteral("-5"));
    QTest::keyClick(page->view()->viewport()->findChild<QLineEdit *>(), Qt::Key_Escape);
    // An emptied model group: refused with its own reason.
    QVERIFY(!model->setData(model->index(0, DeploymentTableModel::Group), QString()));
    QVERIFY(page->refusalText().contains(DeploymentTableModel::tr("Remove")));
    // A good edit clears the message and the mark.
    QVERIFY(model->setData(rpm, QStringLiteral("42")));
    QVERIFY(page->refusalText().isEmpty());
    QCOMPARE(rpm.data(Qt::DisplayRole).toLongLong(), 42);
    QVERIFY(rpm.data(DeploymentTableModel::ValidationRole).toString().isEmpty());
    // The experiment's run table says why too.
    m_w->showPage(MainWindow::ExperimentPage);
    MatrixModel *matrix = m_w->experimentPage()->matrixModel();
    QVERIFY(!matrix->setData(matrix->index(0, MatrixModel::Repetitions), QStringLiteral("-2")));
    QVERIFY(m_w->experimentPage()->refusalText().contains(QStringLiteral("-2")));
    QVERIFY(!matrix->setData(matrix->index(0, MatrixModel::RunId), QString()));
    QVERIFY(!m_w->experimentPage()->refusalText().isEmpty());
    QCOMPARE(matrix->data(matrix->index(0, MatrixModel::Repetitions)).toString(), QStringLiteral("-2"));
}

void TestMainWindow::duplicateKeysFlagged()
{
    auto *model = m_w->modelsPage()->model();
    const QModelIndex key0 = model->index(0, DeploymentTableModel::KeyRef);
    const QModelIndex key1 = model->index(1, DeploymentTableModel::KeyRef);
    QVERIFY(key0.data(DeploymentTableModel::ValidationRole).toString().isEmpty());
    // The second row gets the first row's key: both rows are flagged, naming each other.
    ProjectState next = m_w->project()->state();
    next.models.deployments[1].keyRef = next.models.deployments[0].keyRef;
    m_w->project()->edit(next, QStringLiteral("same key"));
    const QString p0 = key0.data(DeploymentTableModel::ValidationRole).toString();
    const QString p1 = key1.data(DeploymentTableModel::ValidationRole).toString();
    QVERIFY(p0.contains(next.models.deployments[1].id));
    QVERIFY(p1.contains(next.models.deployments[0].id));
    QVERIFY(model->problems().join(QLatin1Char('\n')).contains(next.models.deployments[0].id));
    QVERIFY(key0.data(Qt::BackgroundRole).isValid());
    // Declared as one rate-limit pool they are fine.
    next.models.deployments[0].rateLimitPool = next.models.deployments[1].rateLimitPool = QStringLiteral("org-a");
    m_w->project()->edit(next, QStringLiteral("pool"));
    QVERIFY(key0.data(DeploymentTableModel::ValidationRole).toString().isEmpty());
    QVERIFY(key1.data(DeploymentTableModel::ValidationRole).toString().isEmpty());
}

void TestMainWindow::startRefusesWithModelProblems()
{
    RunMonitor *run = m_w->runPage();
    QVERIFY(run->startProblems().isEmpty());
    ProjectState next = m_w->project()->state();
    next.models.deployments[0].model.clear();
    m_w->project()->edit(next, QStringLiteral("no model"));
    const QStringList problems = run->startProblems();
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems.first().contains(next.models.deployments[0].id));
    // The Estimate page carries the same list.
    EstimateView *est = m_w->estimatePage();
    est->setDebounceMs(0);
    QSignalSpy ready(est, &EstimateView::estimateReady);
    est->recomputeNow();
    QVERIFY(ready.wait(60000));
    auto *shown = est->findChild<QLabel *>(QStringLiteral("estimateProblems"));
    QVERIFY(shown && !shown->isHidden());
    QVERIFY(shown->text().contains(next.models.deployments[0].id));
    // Start lists them and refuses.
    QString boxText;
    QTimer::singleShot(0, qApp, [&boxText] {
        auto tryAnswer = [&boxText](auto &self, int left) -> void {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                boxText = box->informativeText();
                box->button(QMessageBox::Ok)->click();
                return;
            }
            if (left > 0)
                QTimer::singleShot(20, qApp, [self, left] { self(self, left - 1); });
        };
        tryAnswer(tryAnswer, 200);
    });
    m_w->project()->undoStack()->setClean();
    run->start();
    QVERIFY(!run->isRunning());
    QVERIFY(boxText.contains(next.models.deployments[0].id));
}

void TestMainWindow::addDeploymentRespectsSimulator()
{
    const ModelList models = m_w->project()->state().models;
    QVERIFY(isSimulated(models));
    AddDeploymentDialog d(models, QString(), QStringLiteral("anthropic"));
    QVERIFY(!d.problem().isEmpty());   // no group named yet
    d.groupBox()->setCurrentText(QStringLiteral("new-group"));
    QVERIFY(d.modelBox()->count() > 0);   // models of the price table
    QVERIFY(AddDeploymentDialog::pricedModels(QStringLiteral("anthropic")).contains(d.modelBox()->currentText()));
    QVERIFY(d.problem().isEmpty());
    const Deployment dep = d.deployment();
    QCOMPARE(dep.provider, QStringLiteral("anthropic"));
    QVERIFY(isLoopbackUrl(dep.apiBase));   // the simulator, not the real provider
    for (const Deployment &o : models.deployments)
        QVERIFY(o.keyRef != dep.keyRef);   // a quota of its own
    // The new model list still counts as simulated.
    ModelList after = models;
    after.deployments << dep;
    QVERIFY(isSimulated(after));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
