// Closing the workbench while a run goes, and while a run waits for a locked keyring to be
// unlocked, ends cleanly: the run is cancelled, its thread joined, nothing is left in flight and
// nothing waits for the keyring. Runs inside tests/with-keyring.sh (real gnome-keyring; the unlock
// prompt is never answered).
#include "../core/secrets/lockedkeyring.h"
#include "core/secrets/keystore.h"
#include "core/storage/resultstore.h"
#include "sampletestutil.h"
#include "ui/mainwindow.h"
#include "ui/runmonitor.h"

#include <QAbstractButton>
#include <QApplication>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace wb;
using namespace wb::ui;

namespace {

bool replaceInFile(const QString &path, const QByteArray &from, const QByteArray &to)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QByteArray data = f.readAll();
    f.close();
    if (!data.contains(from))
        return false;
    data.replace(from, to);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

/// Answers "Cancel the run and quit?" with Yes once it shows.
void answerYesWhenAsked()
{
    auto *poll = new QTimer(qApp);
    QObject::connect(poll, &QTimer::timeout, poll, [poll] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            box->button(QMessageBox::Yes)->click();
            poll->deleteLater();
        }
    });
    poll->start(20);
}

int jobsInFlight(const QString &db)
{
    int n = -1;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("teardown-check"));
        c.setDatabaseName(db);
        if (c.open()) {
            QSqlQuery q(QStringLiteral("SELECT count(*) FROM jobs WHERE status='in_flight'"), c);
            if (q.next())
                n = q.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("teardown-check"));
    return n;
}

/// Closes the window as a user does (answering Yes to "cancel the run?"), deletes it, and says how
/// long that took in milliseconds.
qint64 closeAndDelete(MainWindow *w)
{
    answerYesWhenAsked();
    QElapsedTimer t;
    t.start();
    const bool closed = w->close();
    delete w;
    return closed ? t.elapsed() : -1;
}

/// A workbench on the project in `dir` whose Start button was pressed, writing into `db`.
MainWindow *startedWorkbench(const QString &dir, const QString &db)
{
    auto *w = new MainWindow;
    if (!w->openProject(dir, true))
        return w;
    w->show();
    w->runPage()->setDatabasePath(db);
    w->runPage()->findChild<QPushButton *>(QStringLiteral("startButton"))->click();
    return w;
}

const QString kService = KeyStore::defaultService();   // the throwaway keyring's

} // namespace

class TestGuiTeardown final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DiscernusTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_guiteardown"));
    }

    void closeDuringARun()
    {
        QTemporaryDir dir;
        QVERIFY(wbtest::copySample(dir.path()));
        // Slow answers, so the window is closed with calls in flight.
        QVERIFY(replaceInFile(dir.filePath(QStringLiteral("sim_limits.yaml")), "latency_ms: 400", "latency_ms: 4000"));
        const QString db = dir.filePath(QStringLiteral("teardown.sqlite"));
        MainWindow *w = startedWorkbench(dir.path(), db);
        RunMonitor *run = w->runPage();
        QVERIFY(run->isRunning());
        QSignalSpy finished(run, &RunMonitor::runFinished);
        QTRY_VERIFY_WITH_TIMEOUT(run->controller()->routerSnapshot().inFlight > 0, 20000);
        QVERIFY(finished.isEmpty());
        const qint64 ms = closeAndDelete(w);
        QVERIFY(ms >= 0);
        QVERIFY2(ms < 5000, "closing does not wait for the calls' answers");
        QCOMPARE(jobsInFlight(db), 0);   // cancelled jobs went back to pending (--resume)
    }

    void closeWhileTheKeyringWaitsToBeUnlocked()
    {
        if (qEnvironmentVariable("WB_THROWAWAY_KEYRING") != u"1")
            QSKIP("needs the throwaway keyring of tests/with-keyring.sh");
        QTemporaryDir dir;
        QVERIFY(wbtest::copySample(dir.path()));
        QVERIFY(replaceInFile(dir.filePath(QStringLiteral("litellm_config.yaml")), "api_key: sim-openai-1", "api_key: keychain/gui-teardown-key"));
        {
            KeyStore store(kService);
            QSignalSpy written(&store, &KeyStore::writeFinished);
            store.writeKey(QStringLiteral("gui-teardown-key"), QStringLiteral("sim-openai-1"));
            QVERIFY(written.wait(20000));
            QCOMPARE(written.first().at(2).value<KeyStore::Status>(), KeyStore::Status::Ok);
        }
        wbtest::SilentPrompter prompter;
        QVERIFY(wbtest::installSilentPrompter(&prompter));
        QVERIFY(wbtest::lockLoginKeyring());

        const QString db = dir.filePath(QStringLiteral("locked.sqlite"));
        MainWindow *w = startedWorkbench(dir.path(), db);
        RunMonitor *run = w->runPage();
        QVERIFY(run->isRunning());
        QSignalSpy started(run->controller(), &RunController::started);
        QSignalSpy finished(run, &RunMonitor::runFinished);
        QTRY_VERIFY_WITH_TIMEOUT(prompter.promptsHeld() > 0, 10000);   // the keyring asks to be unlocked
        QTest::qWait(300);
        QVERIFY(run->isRunning());
        QVERIFY(started.isEmpty());
        QVERIFY(finished.isEmpty());
        const qint64 ms = closeAndDelete(w);
        QVERIFY(ms >= 0);
        QVERIFY2(ms < 3000, "closing does not wait for the keyring");
        QVERIFY(!QFile::exists(db));
        QTest::qWait(200);   // late keychain answers go nowhere
    }
};

QTEST_MAIN(TestGuiTeardown)
#include "tst_guiteardown.moc"
