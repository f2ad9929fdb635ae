// Screenshots of every main view with the sample loaded, the run monitor mid-run and after, the
// compare views, corpus browser and prompt preview, the Run and Help menus, the shared-run window
// (WB_SCREENSHOTS_PG_URL) and a batch-mode run with its Batches tab; layout problems are listed.
// Usage: wb_screenshots OUTDIR [en|de]   (run under xvfb-run; see tests/tools/screenshots.sh)
#include "core/storage/jobleases.h"
#include "core/storage/resultstore.h"
#include "layoutcheck.h"
#include "ui/compareview.h"
#include "ui/corpusbrowser.h"
#include "ui/estimateview.h"
#include "ui/experimenteditor.h"
#include "ui/mainwindow.h"
#include "ui/statisticsview.h"
#include "ui/project.h"
#include "ui/resultsmodel.h"
#include "ui/resultsview.h"
#include "ui/runmonitor.h"
#include "ui/sharedrunpanel.h"
#include "ui/uisettings.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

using namespace wb;
using namespace wb::ui;

static void settle(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 20);
}

static void shot(QWidget *w, const QString &out, const QString &name)
{
    settle(300);
    const QString file = QDir(out).filePath(name + QStringLiteral(".png"));
    w->grab().save(file);
    fprintf(stderr, "wrote %s\n", qPrintable(file));
    // What tst_layout fails on, listed beside the picture.
    for (const QString &p : wbtest::layoutProblems(w))
        fprintf(stderr, "  layout: %s\n", qPrintable(p));
}

/// A shared run half done in the PostgreSQL run store at `url`, written through the engine's own
/// store and lease APIs: the sample's 4 runs × 12 texts × 5 repetitions, two workers with jobs in
/// flight, the first 100 jobs stored with their cost.
static bool fillSharedRun(const QString &url, const QString &corpusDir)
{
    ResultStore store;
    if (!store.open(url))
        return false;
    const QStringList runs{QStringLiteral("gpt4omini-mft"), QStringLiteral("haiku-mft"), QStringLiteral("mistral-mft"),
                           QStringLiteral("gemini-mft")};
    QStringList texts;
    for (const QFileInfo &f : QDir(corpusDir).entryInfoList(QDir::Files, QDir::Name))
        texts << f.completeBaseName();
    QList<JobRow> planned;
    for (const QString &run : runs)
        for (int rep = 1; rep <= 5; ++rep)
            for (const QString &text : std::as_const(texts)) {
                JobRow j;
                j.runId = run;
                j.corpus = QStringLiteral("speeches");
                j.textId = text;
                j.repetition = rep;
                j.key = run + QStringLiteral("|speeches/") + text + QLatin1Char('|') + QString::number(rep);
                planned << j;
            }
    if (!store.ensureJobs(planned))
        return false;
    JobLeases a(store, QStringLiteral("tour-worker-a"), 30000);
    JobLeases b(store, QStringLiteral("tour-worker-b"), 30000);
    if (!a.registerWorker(QStringLiteral("mft-sample")) || !b.registerWorker(QStringLiteral("mft-sample")))
        return false;
    auto doneA = a.claim(runs, 60);
    auto doneB = b.claim(runs, 40);
    if (!doneA || !doneB)
        return false;
    for (const QList<qint64> &ids : {*doneA, *doneB})
        for (qint64 id : ids) {
            JobResult r;
            r.jobId = id;
            r.deploymentId = QStringLiteral("gpt-4o-mini/1");
            r.provider = QStringLiteral("openai");
            r.attempts = 1;
            r.costMicros = 230;
            r.rawResponse = QStringLiteral("{}");
            CallRecord c;
            c.jobId = quint64(id);
            c.deploymentId = r.deploymentId;
            c.provider = r.provider;
            c.group = QStringLiteral("gpt-4o-mini");
            c.startedAt = QDateTime::currentDateTimeUtc();
            if (id % 9 == 0) {   // now and then a rate-limited attempt first
                c.httpStatus = 429;
                c.errorClass = ErrorClass::RateLimited;
                store.recordCall(c, id);
            }
            c.httpStatus = 200;
            c.errorClass = ErrorClass::None;
            c.costMicros = r.costMicros;
            store.recordCall(c, id);
            store.recordResult(r);
        }
    if (!store.flush())
        return false;
    // Jobs in flight: claimed, not yet stored.
    if (!a.claim(runs, 4) || !b.claim(runs, 3))
        return false;
    return bool(a.heartbeat(doneA->size())) && bool(b.heartbeat(doneB->size()));
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("DiscernusScreenshots"));
    QApplication::setApplicationName(QStringLiteral("discernus-workbench"));
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("screenshots");
    const QString lang = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QStringLiteral("en");
    installTranslations(&app, lang);
    QDir().mkpath(out);
    QTemporaryDir tmp;
    const QString sample = QStringLiteral(WB_SOURCE_DIR "/resources/sample");
    QDirIterator it(sample, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        const QString t = QDir(tmp.path()).filePath(QDir(sample).relativeFilePath(f));
        QDir().mkpath(QFileInfo(t).absolutePath());
        QFile::copy(f, t);
    }
    // Slow the sample down so "mid-run" is really mid-run: five repetitions against an rpm of 30
    // per key make half of each group's calls wait for the rate-limit window to slide.
    auto patch = [&](const QString &name, const QRegularExpression &re, const QString &with) {
        QFile f(QDir(tmp.path()).filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            return;
        QString text = QString::fromUtf8(f.readAll());
        f.close();
        text.replace(re, with);
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(text.toUtf8());
    };
    if (qEnvironmentVariableIsEmpty("WB_SCREENSHOTS_FAST")) {
        patch(QStringLiteral("litellm_config.yaml"), QRegularExpression(QStringLiteral("rpm: \\d+")), QStringLiteral("rpm: 30"));
        patch(QStringLiteral("sim_limits.yaml"), QRegularExpression(QStringLiteral("rpm: \\d+")), QStringLiteral("rpm: 30"));
        patch(QStringLiteral("experiment.yaml"), QRegularExpression(QStringLiteral("repetitions: 1")), QStringLiteral("repetitions: 5"));
        // The batch run at the end: batches take 20 s at the simulator, polled every 2 s.
        patch(QStringLiteral("experiment.yaml"), QRegularExpression(QStringLiteral("\\n  batching:")),
              QStringLiteral("\n  batch_poll: 2s\n  batch_poll_max: 2s\n  batching:"));
        patch(QStringLiteral("sim_limits.yaml"), QRegularExpression(QStringLiteral("\\nfaults:")),
              QStringLiteral("\nbatch: {validating_ms: 1000, processing_ms: 20000, finalizing_ms: 1000}\nfaults:"));
    }
    MainWindow w;
    // WB_SCREENSHOTS_SIZE=WIDTHxHEIGHT (default 1024x700, the smallest size the window must hold).
    const QStringList size = qEnvironmentVariable("WB_SCREENSHOTS_SIZE", QStringLiteral("1024x700")).split(u'x');
    w.resize(size.value(0).toInt() > 0 ? size.value(0).toInt() : 1024, size.value(1).toInt() > 0 ? size.value(1).toInt() : 700);
    if (!w.openProject(tmp.path(), true))
        return 1;
    w.show();
    settle(500);
    const char *names[] = {"1-models", "2-keys", "3-experiment", "4-estimate", "5-run-idle", "6-results-empty", "6b-statistics-empty"};
    for (int p = 0; p < MainWindow::PageCount; ++p) {
        w.showPage(p);
        settle(p == MainWindow::EstimatePage || p == MainWindow::ExperimentPage ? 2500 : 300);
        shot(&w, out, QString::fromLatin1(names[p]) + QLatin1Char('-') + lang);
    }
    w.showPage(MainWindow::RunPage);
    RunMonitor *run = w.runPage();
    run->setDatabasePath(QDir(tmp.path()).filePath(QStringLiteral("results.sqlite")));
    bool done = false;
    QObject::connect(run, &RunMonitor::runFinished, [&] { done = true; });
    run->start();
    settle(6000);
    shot(&w, out, QStringLiteral("7-run-midway-") + lang);
    QElapsedTimer t;
    t.start();
    while (!done && t.elapsed() < 240000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    shot(&w, out, QStringLiteral("8-run-finished-") + lang);
    w.showPage(MainWindow::ResultsPage);
    settle(1500);
    ResultsView *rv = w.resultsPage();
    rv->view()->setCurrentIndex(rv->model()->index(2, 0));
    settle(1500);
    shot(&w, out, QStringLiteral("9-results-") + lang);
    // The comparisons under the results: box plots, scatter, pivot.
    CompareView *cmp = rv->compareView();
    // The comparison is the page's second tab ("Compare models"), beside the table.
    QTabWidget *pageTabs = nullptr;
    for (QWidget *p = cmp->parentWidget(); p && !pageTabs; p = p->parentWidget())
        pageTabs = qobject_cast<QTabWidget *>(p);
    if (pageTabs)
        pageTabs->setCurrentWidget(cmp);
    const char *tabs[] = {"10-results-boxplots", "11-results-scatter", "12-results-pivot"};
    for (int i = 0; i < 3; ++i) {
        cmp->setCurrentIndex(i);
        settle(800);
        shot(&w, out, QString::fromLatin1(tabs[i]) + QLatin1Char('-') + lang);
    }
    cmp->setCurrentIndex(0);
    if (pageTabs)
        pageTabs->setCurrentIndex(0);
    // The corpus browser with a text, then its prompt preview.
    w.showPage(MainWindow::ExperimentPage);
    if (auto *ed = w.findChild<ExperimentEditor *>()) {
        if (CorpusBrowser *b = ed->browseCorpus(0)) {
            settle(2500);
            b->selectText(QStringLiteral("clean-water"));
            settle(500);
            shot(b, out, QStringLiteral("13-corpus-browser-") + lang);
            b->setPreviewChoice(QStringLiteral("mft"), QStringLiteral("claude-haiku"));
            b->previewPrompt();
            settle(1500);
            shot(b, out, QStringLiteral("14-prompt-preview-") + lang);
            b->close();
        }
    }
    w.showPage(MainWindow::StatisticsPage);
    settle(3000);
    shot(&w, out, QStringLiteral("15-statistics-") + lang);
    // A second look reads what the first stored with the results, and says when it was computed.
    if (auto *stats = w.findChild<StatisticsView *>(QStringLiteral("statisticsPage"))) {
        stats->prepare();
        settle(1500);
        shot(&w, out, QStringLiteral("15a-statistics-stored-") + lang);
    }

    // The Run menu with its shortcuts (Pause/Resume, Cancel) and Help with the user guide.
    const QList<QAction *> menus = w.menuBar()->actions();   // File, Edit, Run, View, Help
    const std::pair<int, const char *> wanted[] = {{2, "15b-run-menu-"}, {4, "15c-help-menu-"}};
    for (const auto &[index, name] : wanted) {
        QMenu *m = index < menus.size() ? menus[index]->menu() : nullptr;
        if (!m)
            continue;
        m->popup(w.mapToGlobal(w.menuBar()->actionGeometry(menus[index]).bottomLeft()));
        settle(300);
        shot(m, out, QString::fromLatin1(name) + lang);
        m->hide();
    }

    // Run ▸ Watch Shared Run on a PostgreSQL run store (screenshots.sh starts a throw-away cluster
    // and names it in WB_SCREENSHOTS_PG_URL).
    if (const QString pg = qEnvironmentVariable("WB_SCREENSHOTS_PG_URL"); !pg.isEmpty()) {
        if (!fillSharedRun(pg, QDir(tmp.path()).filePath(QStringLiteral("corpus"))))
            fprintf(stderr, "could not fill the shared run store %s\n", qPrintable(pg));
        SharedRunPanel *shared = w.watchSharedRun(pg);
        shared->resize(w.size());
        settle(3500);
        shot(shared, out, QStringLiteral("16-shared-run-") + lang);
        shared->close();
    } else {
        fprintf(stderr, "no WB_SCREENSHOTS_PG_URL: the shared-run window is left out\n");
    }

    // Batch mode: the execution-mode choice, its estimate, and the Run page's Batches tab.
    w.showPage(MainWindow::ExperimentPage);
    const int estimatesBefore = w.estimatePage()->computeCount();
    if (auto *mode = w.findChild<QComboBox *>(QStringLiteral("executionMode")))
        mode->setCurrentIndex(mode->findData(QStringLiteral("batch")));
    settle(1000);
    shot(&w, out, QStringLiteral("17-experiment-batch-mode-") + lang);
    w.showPage(MainWindow::EstimatePage);
    {
        // Until the estimate of batch mode is in (the page recomputes when the project changes).
        QElapsedTimer e;
        e.start();
        while (w.estimatePage()->computeCount() == estimatesBefore && e.elapsed() < 30000)
            QApplication::processEvents(QEventLoop::AllEvents, 50);
        settle(500);
    }
    shot(&w, out, QStringLiteral("18-estimate-batch-mode-") + lang);
    w.showPage(MainWindow::RunPage);
    run->setDatabasePath(QDir(tmp.path()).filePath(QStringLiteral("results-batch.sqlite")));
    done = false;
    // The changed execution mode is not saved yet: Start asks first (a modal box, pictured, then Save).
    QTimer::singleShot(1500, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            shot(box, out, QStringLiteral("19-save-before-run-") + lang);
            if (QAbstractButton *save = box->button(QMessageBox::Save))
                save->click();
            else
                box->accept();
        }
    });
    run->start();
    settle(9000);
    auto *gaugeTabs = run->findChild<QTabWidget *>(QStringLiteral("gaugeTabs"));
    gaugeTabs->setCurrentIndex(gaugeTabs->count() - 1);
    settle(500);
    shot(&w, out, QStringLiteral("20-run-batches-midway-") + lang);
    t.restart();
    while (!done && t.elapsed() < 240000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    gaugeTabs->setCurrentIndex(gaugeTabs->count() - 1);
    settle(4000);
    shot(&w, out, QStringLiteral("21-run-batches-finished-") + lang);
    w.project()->close();
    return 0;
}
