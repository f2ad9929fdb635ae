// `discernus run` as a child process against the in-process simulator: the first SIGINT stops
// buying and stores every call already bought (exit 130); a SIGKILL loses at most the calls that
// were in flight, because each reply is committed on receipt. Counts are the simulator's.
#include "durabilityfixture.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>

#include <csignal>

using namespace wb;
using namespace wb::test;

namespace {

bool waitFor(const std::function<bool()> &cond, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!cond()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QTest::qWait(10);
    }
    return true;
}

void startRun(QProcess &proc, const DurabilityProject &p, bool resume)
{
    proc.setProgram(QStringLiteral(DISCERNUS_BIN));
    proc.setArguments(p.cliArgs(resume));
    proc.start();
}

} // namespace

class TestRunInterrupt : public QObject {
    Q_OBJECT
private slots:
    void firstInterruptFinishesTheCallsInFlight();
    void sigkillLosesNoMoreThanTheCallsInFlight();
};

void TestRunInterrupt::firstInterruptFinishesTheCallsInFlight()
{
    constexpr int kTexts = 200;
    DurabilityProject p(kTexts, 400, 8);
    QVERIFY(p.ok);
    QProcess proc;
    startRun(proc, p, false);
    QVERIFY(proc.waitForStarted());
    QVERIFY(waitFor([&] { return p.sim.stats().inFlight >= 4 && p.sim.stats().requests >= 12; }, 20000));
    const qint64 inFlightAtSignal = p.sim.stats().inFlight;
    ::kill(pid_t(proc.processId()), SIGINT);
    QVERIFY(proc.waitForFinished(15000));
    const QString err = QString::fromUtf8(proc.readAllStandardError());
    QCOMPARE(proc.exitStatus(), QProcess::NormalExit);
    QCOMPARE(proc.exitCode(), 130);
    QVERIFY2(err.contains(QLatin1String("finishing")) && err.contains(QLatin1String("^C again to abort")), qPrintable(err));
    QVERIFY(inFlightAtSignal > 0);

    // Every call bought was answered and stored; nothing was aborted, nothing new was sent.
    const qint64 bought = p.sim.stats().requests;
    QVERIFY(bought < kTexts);
    QCOMPARE(p.sim.stats().inFlight, 0);
    QCOMPARE(queryInt(p.db, QStringLiteral("SELECT count(*) FROM calls")), bought);
    QCOMPARE(doneJobs(p.db), bought);
    QCOMPARE(queryInt(p.db, QStringLiteral("SELECT count(*) FROM jobs WHERE status='in_flight'")), 0);
}

void TestRunInterrupt::sigkillLosesNoMoreThanTheCallsInFlight()
{
    constexpr int kTexts = 120;
    DurabilityProject p(kTexts, 120, 8, 100);   // jitter: replies arrive at any moment, not in bursts
    QVERIFY(p.ok);
    QProcess proc;
    startRun(proc, p, false);
    QVERIFY(proc.waitForStarted());
    QVERIFY(waitFor([&] { return doneJobs(p.db) >= 24; }, 20000));
    QTest::qWait(30 + int(QRandomGenerator::global()->bounded(220)));   // a moment unrelated to any commit
    // Replies sent before this sample have had 15 ms to be committed when the kill comes; those
    // sent after it, and the calls still unanswered, are "in flight at the kill".
    const SimStats before = p.sim.stats();
    QTest::qWait(15);
    ::kill(pid_t(proc.processId()), SIGKILL);
    QVERIFY(proc.waitForFinished(5000));
    const qint64 boughtAtKill = p.sim.stats().requests;
    const qint64 inFlightAtKill = boughtAtKill - (before.requests - before.inFlight);
    QCOMPARE(queryInt(p.db, QStringLiteral("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check='ok'")), 1);

    const RunSummary resumed = runToEnd(p.options(true));
    QCOMPARE(resumed.exitCode(), 0);
    QCOMPARE(doneJobs(p.db), qint64(kTexts));
    const qint64 extra = p.sim.stats().requests - kTexts;
    qInfo("bought at kill %lld, in flight at kill %lld, bought again after resume %lld", boughtAtKill, inFlightAtKill, extra);
    QVERIFY(extra >= 0);
    QVERIFY2(extra <= inFlightAtKill, "a reply received before the kill was not durable");
}

QTEST_GUILESS_MAIN(TestRunInterrupt)
#include "tst_runinterrupt.moc"
