// Screenshots of every main view with the sample loaded, and of the run monitor mid-run.
// Usage: wb_screenshots OUTDIR   (run under xvfb-run; see tests/tools/screenshots.sh)
#include "layoutcheck.h"
#include "ui/compareview.h"
#include "ui/corpusbrowser.h"
#include "ui/experimenteditor.h"
#include "ui/mainwindow.h"
#include "ui/project.h"
#include "ui/resultsmodel.h"
#include "ui/resultsview.h"
#include "ui/runmonitor.h"
#include "ui/uisettings.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

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
    w.project()->close();
    return 0;
}
