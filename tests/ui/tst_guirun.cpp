// Drives a whole sample run from the GUI against the built-in simulator, browses the results
// and exports CSV — what a researcher does on first start.
#include "guitestutil.h"
#include "ui/gaugemodel.h"
#include "ui/mainwindow.h"
#include "ui/project.h"
#include "ui/resultsmodel.h"
#include "ui/resultsview.h"
#include "ui/runmonitor.h"

#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wb::ui;

class TestGuiRun : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void sampleRunAndExport();
};

void TestGuiRun::initTestCase()
{
    wbtest::useTestSettings("tst_guirun");
}

void TestGuiRun::sampleRunAndExport()
{
    QTemporaryDir dir;
    MainWindow w;
    RunMonitor *run = wbtest::openSampleOnRunPage(w, dir, QStringLiteral("gui-results.sqlite"));
    QVERIFY(run);
    const QString db = dir.filePath(QStringLiteral("gui-results.sqlite"));

    QSignalSpy started(run, &RunMonitor::runStarted);
    QSignalSpy finished(run, &RunMonitor::runFinished);
    auto *start = run->findChild<QPushButton *>(QStringLiteral("startButton"));
    QVERIFY(start && start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QCOMPARE(started.size(), 1);
    QVERIFY(run->isRunning());
    QVERIFY(!start->isEnabled());
    // Gauges fill in from the router snapshot while the run goes.
    QTRY_VERIFY_WITH_TIMEOUT(run->deploymentGauges()->rowCount() > 0 || !finished.isEmpty(), 60000);
    if (finished.isEmpty())
        QVERIFY(finished.wait(240000));

    const RunSummary s = run->lastSummary();
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QVERIFY(s.jobs > 0);
    QCOMPARE(s.done, s.jobs);
    QCOMPARE(s.failed, 0);
    QVERIFY(s.simulated);
    QVERIFY(run->deploymentGauges()->rowCount() >= 4);
    QCOMPARE(run->providerGauges()->rowCount(), 4);
    QVERIFY(run->logText().contains(RunMonitor::tr("Finished").left(6)));
    QVERIFY(run->chartPointCount() > 0);
    QVERIFY(start->isEnabled());

    // Results page now shows the database.
    ResultsView *results = w.resultsPage();
    QCOMPARE(results->database(), db);
    QTRY_COMPARE_WITH_TIMEOUT(results->model()->totalCount(), s.jobs, 20000);
    QTRY_VERIFY(results->model()->rowCount() > 0);
    QSignalSpy detail(results, &ResultsView::detailShown);
    results->view()->setCurrentIndex(results->model()->index(0, 0));
    QVERIFY(detail.wait(10000));
    QVERIFY(results->detailText().contains(ResultsView::tr("Raw response (attempt %1)").arg(1).left(12)));
    QTRY_COMPARE_WITH_TIMEOUT(results->chartSetCount(), 4, 10000);   // one bar set per model group

    // Export CSV off the UI thread, with progress.
    const QString csv = dir.filePath(QStringLiteral("export.csv"));
    QSignalSpy exported(results, &ResultsView::exportFinished);
    results->exportCsv(csv);
    QVERIFY(exported.wait(60000));
    QVERIFY2(exported.first().at(0).toBool(), qPrintable(exported.first().at(2).toString()));
    QCOMPARE(exported.first().at(1).toLongLong(), s.jobs);
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), s.jobs + 1);
    QVERIFY(lines.first().startsWith("experiment,run_id,model"));
    QVERIFY(lines.first().contains("care"));
}

QTEST_MAIN(TestGuiRun)
#include "tst_guirun.moc"
