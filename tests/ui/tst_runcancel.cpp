// The Run page's Cancel asks what to do with the calls in flight (they are paid for): "Keep running"
// changes nothing, "Finish the calls in flight" ends the run without aborting any of them.
#include "guitestutil.h"
#include "ui/mainwindow.h"
#include "ui/runmonitor.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wb::ui;

namespace {

qint64 count(const QString &db, const QString &sql)
{
    qint64 v = -1;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        c.setDatabaseName(db);
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(sql) && q.next())
                v = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    return v;
}

} // namespace

class TestRunCancel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cancelOffersToFinishTheCallsInFlight();
};

void TestRunCancel::initTestCase()
{
    wbtest::useTestSettings("tst_runcancel");
}

void TestRunCancel::cancelOffersToFinishTheCallsInFlight()
{
    QTemporaryDir dir;
    MainWindow w;
    RunMonitor *run = wbtest::openSampleOnRunPage(w, dir, QStringLiteral("cancel.sqlite"));
    QVERIFY(run);
    const QString db = dir.filePath(QStringLiteral("cancel.sqlite"));
    int asked = 0;
    RunMonitor::CancelChoice answer = RunMonitor::CancelChoice::KeepRunning;
    run->setCancelChooser([&] {
        ++asked;
        return answer;
    });
    QSignalSpy finished(run, &RunMonitor::runFinished);
    auto *start = run->findChild<QPushButton *>(QStringLiteral("startButton"));
    auto *cancel = run->findChild<QPushButton *>(QStringLiteral("cancelButton"));
    QVERIFY(start && cancel);
    QTest::mouseClick(start, Qt::LeftButton);
    QVERIFY(run->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(run->controller()->routerSnapshot().inFlight > 0 || !finished.isEmpty(), 60000);
    QVERIFY2(finished.isEmpty(), "the sample run ended before Cancel could be pressed");

    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(asked, 1);
    QVERIFY(run->isRunning());   // kept running

    answer = RunMonitor::CancelChoice::FinishInFlight;
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(asked, 2);
    QVERIFY(finished.wait(60000));
    const RunSummary s = run->lastSummary();
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QVERIFY(s.cancelled);
    QCOMPARE(s.exitCode(), 130);
    // Nothing was aborted after it was sent, and nothing is left in flight.
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM calls WHERE error_message LIKE 'cancelled by the user after%'")), 0);
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM jobs WHERE status='in_flight'")), 0);
    QCOMPARE(count(db, QStringLiteral("SELECT count(*) FROM jobs WHERE status='done'")), s.done);
}

QTEST_MAIN(TestRunCancel)
#include "tst_runcancel.moc"
