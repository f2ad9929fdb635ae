// Several `discernus` processes on one run in the PostgreSQL run store, end to end: the real
// binary, `discernus simulate` in its own process, a real PostgreSQL (fixture "postgres").
// docs/FORMATS.md, "PostgreSQL run store".
#include "tests/support/testpostgres.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

namespace {

const QString kBin = QStringLiteral(DISCERNUS_BIN);
const QString kSample = QStringLiteral(WB_SOURCE_DIR "/resources/sample");

// Latency-bound, no faults, limits far above what the workers can send: every call is paid (200)
// and the only thing deciding how fast a run goes is how many workers call at once.
const char kLimits[] = R"(seed: 11
latency_ms: 250
jitter_ms: 50
keys:
  sim-openai-1:    {provider: openai, rpm: 100000, tpm: 100000000}
  sim-openai-2:    {provider: openai, rpm: 100000, tpm: 100000000}
  sim-anthropic-1: {provider: anthropic, rpm: 100000, itpm: 100000000, otpm: 100000000}
  sim-mistral-1:   {provider: mistral, rpm: 100000, tpm: 100000000}
  sim-gemini-1:    {provider: gemini, rpm: 100000, tpm: 100000000}
faults: {http500: 0.0, overloaded: 0.0, reset: 0.0, hang: 0.0, malformed: 0.0, invalid_json: 0.0}
)";

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// One SQL value from the run store, through a connection of the test's own.
QVariant scalar(const QString &url, const QString &sql)
{
    const QUrl u(url);
    const QString name = u"wb.test.peek"_s;
    QVariant v;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        db.setHostName(u.host());
        db.setPort(u.port());
        db.setUserName(u.userName());
        db.setDatabaseName(u.path().mid(1));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                v = q.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return v;
}

} // namespace

class TestCliWorkers : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_sim;
    int m_simPort = 0;
    QString m_config, m_experiment;

    QString fresh(const QString &name)
    {
        QString error;
        const QString url = wb::test::freshPostgresDatabase(name, &error);
        if (url.isEmpty())
            qFatal("%s", qPrintable(error));   // never a skip: the cluster is part of the test run
        return url;
    }

    QProcess *start(const QStringList &args)
    {
        auto *p = new QProcess(this);
        p->setProgram(kBin);
        p->setArguments(args);
        p->setWorkingDirectory(m_dir.path());
        p->start();
        return p;
    }

    QStringList workerArgs(const QString &verb, const QString &db, const QStringList &extra = {})
    {
        return QStringList{verb, u"--config"_s, m_config, u"--experiment"_s, m_experiment, u"--db"_s, db, u"--json"_s, u"--quiet"_s}
               + extra;
    }

    QJsonObject simStats()
    {
        QNetworkAccessManager nam;
        QNetworkReply *r = nam.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/sim/stats"_s.arg(m_simPort))));
        QSignalSpy done(r, &QNetworkReply::finished);
        done.wait(5000);
        const QJsonObject o = QJsonDocument::fromJson(r->readAll()).object();
        r->deleteLater();
        return o;
    }

    QJsonObject status(const QString &db)
    {
        QProcess p;
        p.setProgram(kBin);
        p.setArguments({u"status"_s, u"--db"_s, db, u"--json"_s});
        p.start();
        p.waitForFinished(20000);
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

    static QJsonObject summaryOf(QProcess *p)
    {
        const QList<QByteArray> lines = p->readAllStandardOutput().trimmed().split('\n');
        return QJsonDocument::fromJson(lines.last()).object();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(m_dir.path() + u"/frameworks"_s));
        // The sample's corpus and framework, 8 repetitions: 4 runs x 12 texts x 8 = 384 jobs.
        for (const QString &sub : {u"corpus"_s}) {
            QDir().mkpath(m_dir.path() + u'/' + sub);
            for (const QString &f : QDir(kSample + u'/' + sub).entryList(QDir::Files))
                QVERIFY(QFile::copy(kSample + u'/' + sub + u'/' + f, m_dir.path() + u'/' + sub + u'/' + f));
        }
        QVERIFY(QFile::copy(kSample + u"/frameworks/mft.yaml"_s, m_dir.path() + u"/frameworks/mft.yaml"_s));
        QVERIFY(writeFile(m_dir.path() + u"/limits.yaml"_s, kLimits));

        m_sim.setProgram(kBin);
        m_sim.setArguments({u"simulate"_s, u"--port"_s, u"0"_s, u"--limits"_s, m_dir.path() + u"/limits.yaml"_s});
        m_sim.start();
        QVERIFY(m_sim.waitForStarted(5000));
        QElapsedTimer t;
        t.start();
        QByteArray err;
        static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
        while (t.elapsed() < 15000) {
            m_sim.waitForReadyRead(200);
            err += m_sim.readAllStandardError();
            const auto m = listening.match(QString::fromUtf8(err));
            if (m.hasMatch()) {
                m_simPort = m.captured(1).toInt();
                break;
            }
        }
        QVERIFY2(m_simPort > 0, err.constData());

        // The sample's model list without its in-process simulator: every worker calls the one above.
        QString config = QString::fromUtf8(readFile(kSample + u"/litellm_config.yaml"_s));
        config = config.left(config.indexOf(u"# Discernus extension"_s));
        config.replace(u"127.0.0.1:8765"_s, u"127.0.0.1:%1"_s.arg(m_simPort));
        config.replace(u"max_budget: 5.0"_s, u"max_budget: 500.0"_s);
        // No limits of our own either: the simulator's headers (far above the load) are all there is.
        config.remove(QRegularExpression(u"\\n\\s+(rpm|tpm|itpm|otpm): \\d+"_s));
        m_config = m_dir.path() + u"/litellm_config.yaml"_s;
        QVERIFY(writeFile(m_config, config.toUtf8()));
        QString experiment = QString::fromUtf8(readFile(kSample + u"/experiment.yaml"_s));
        experiment.replace(u"repetitions: 1"_s, u"repetitions: 8"_s);
        m_experiment = m_dir.path() + u"/experiment.yaml"_s;
        QVERIFY(writeFile(m_experiment, experiment.toUtf8()));
    }

    void cleanupTestCase()
    {
        m_sim.terminate();
        m_sim.waitForFinished(5000);
    }

    void workerNeedsTheRunStore()
    {
        QProcess *p = start(workerArgs(u"worker"_s, m_dir.path() + u"/local.db"_s));
        QVERIFY(p->waitForFinished(20000));
        QCOMPARE(p->exitCode(), 2);
        QVERIFY2(p->readAllStandardError().contains("PostgreSQL run store"), "names what --db must be");
    }

    void threeProcessesDoEveryJobOnce()
    {
        const QString db = fresh(u"t_cli_three"_s);
        const QJsonObject simBefore = simStats();
        // `run` plans and works; two workers join it at the same moment.
        QList<QProcess *> procs{start(workerArgs(u"run"_s, db)),
                                start(workerArgs(u"worker"_s, db, {u"--window"_s, u"8"_s})),
                                start(workerArgs(u"worker"_s, db, {u"--window"_s, u"8"_s}))};
        qint64 doneSum = 0;
        for (QProcess *p : procs) {
            QVERIFY(p->waitForFinished(150000));
            const QByteArray err = p->readAllStandardError();
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.constData());
            const QJsonObject s = summaryOf(p);
            QCOMPARE(s.value(u"jobs"_s).toInteger(), 384);
            QVERIFY2(s.value(u"done"_s).toInteger() > 0, "every process did a share");
            doneSum += s.value(u"done"_s).toInteger();
        }
        // Exactly once: the shares add up to the plan, and the store holds each job done once.
        QCOMPARE(doneSum, 384);
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM jobs WHERE status='done'"_s).toInt(), 384);
        QCOMPARE(scalar(db, u"SELECT COUNT(DISTINCT job_id) FROM scores"_s).toInt(), 384);
        // Every paid reply is stored: the simulator's 200s are the store's 200 calls.
        const qint64 paid = simStats().value(u"ok"_s).toInteger() - simBefore.value(u"ok"_s).toInteger();
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM calls WHERE http_status=200"_s).toLongLong(), paid);
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM calls WHERE http_status=429"_s).toInt(), 0);

        const QJsonObject st = status(db);
        QCOMPARE(st.value(u"done"_s).toInteger(), 384);
        const QJsonArray workers = st.value(u"workers"_s).toArray();
        QCOMPARE(workers.size(), 3);
        qint64 byWorkers = 0;
        for (const QJsonValue &w : workers) {
            QCOMPARE(w[u"state"_s].toString(), u"stopped"_s);
            QCOMPARE(w[u"jobs_in_flight"_s].toInteger(), 0);
            byWorkers += w[u"jobs_done"_s].toInteger();
        }
        QCOMPARE(byWorkers, 384);
    }

    void interruptedWorkerGivesItsJobsBack()
    {
        const QString db = fresh(u"t_cli_sigint"_s);
        const QStringList opts{u"--lease"_s, u"60"_s, u"--window"_s, u"6"_s};   // a lease far longer than the test
        QProcess *stays = start(workerArgs(u"worker"_s, db, opts));
        QProcess *leaves = start(workerArgs(u"worker"_s, db, opts));
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000 && status(db).value(u"done"_s).toInteger() < 30)
            QTest::qWait(100);
        ::kill(pid_t(leaves->processId()), SIGINT);
        QVERIFY(leaves->waitForFinished(30000));
        QCOMPARE(leaves->exitCode(), 130);
        // Its calls in flight landed and were stored; what it held but had not sent is claimable now,
        // not in 60 s when its lease would run out.
        const QJsonObject st = status(db);
        int stopped = 0;
        for (const QJsonValue &w : st.value(u"workers"_s).toArray())
            if (w[u"state"_s].toString() == u"stopped"_s) {
                ++stopped;
                QCOMPARE(w[u"jobs_in_flight"_s].toInteger(), 0);
            }
        QCOMPARE(stopped, 1);
        QVERIFY(stays->waitForFinished(120000));
        QVERIFY2(stays->exitCode() == 0, stays->readAllStandardError().constData());
        QVERIFY2(t.elapsed() < 55000, "the remaining worker did not wait for the leaver's lease");
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM jobs WHERE status='done'"_s).toInt(), 384);
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM workers WHERE state='stopped'"_s).toInt(), 2);
    }

    void killedWorkersJobsFinishElsewhere()
    {
        const QString db = fresh(u"t_cli_kill"_s);
        const QJsonObject simBefore = simStats();
        const QStringList opts{u"--lease"_s, u"2"_s, u"--window"_s, u"4"_s};
        QList<QProcess *> procs{start(workerArgs(u"worker"_s, db, opts)), start(workerArgs(u"worker"_s, db, opts)),
                                start(workerArgs(u"worker"_s, db, opts))};
        QProcess *victim = procs.at(1);
        const qint64 victimPid = victim->processId();
        // Wait until the run is well under way and the victim holds jobs, then kill it outright.
        qint64 heldAtKill = -1;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000 && heldAtKill < 0) {
            const QJsonObject st = status(db);
            if (st.value(u"done"_s).toInteger() >= 40) {
                for (const QJsonValue &w : st.value(u"workers"_s).toArray())
                    if (w[u"pid"_s].toInteger() == victimPid && w[u"jobs_in_flight"_s].toInteger() > 0) {
                        ::kill(pid_t(victimPid), SIGKILL);
                        heldAtKill = w[u"jobs_in_flight"_s].toInteger();
                    }
            }
            if (heldAtKill < 0)
                QTest::qWait(100);
        }
        QVERIFY2(heldAtKill > 0, "the victim was killed while holding jobs");
        QVERIFY(victim->waitForFinished(10000));
        QCOMPARE(victim->exitStatus(), QProcess::CrashExit);
        const qint64 victimDoneBefore = scalar(db, u"SELECT COUNT(*) FROM jobs WHERE status='done' AND worker_id LIKE '%-%1-%'"_s.arg(victimPid)).toLongLong();

        qint64 doneSum = 0;
        for (QProcess *p : {procs.at(0), procs.at(2)}) {
            QVERIFY(p->waitForFinished(150000));
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, p->readAllStandardError().constData());
            doneSum += summaryOf(p).value(u"done"_s).toInteger();
        }
        // Everything finished, each job once: the survivors did all the victim did not store.
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM jobs WHERE status='done'"_s).toInt(), 384);
        QCOMPARE(doneSum + victimDoneBefore, 384);
        // Paid calls without a stored result: at most the calls the victim had in flight.
        const qint64 paid = simStats().value(u"ok"_s).toInteger() - simBefore.value(u"ok"_s).toInteger();
        const qint64 stored = scalar(db, u"SELECT COUNT(*) FROM calls WHERE http_status=200"_s).toLongLong();
        qInfo() << "victim held" << heldAtKill << "jobs; paid" << paid << "stored" << stored;
        QVERIFY(paid >= stored);
        QVERIFY2(paid - stored <= heldAtKill, qPrintable(u"%1 paid replies lost, the victim held %2"_s.arg(paid - stored).arg(heldAtKill)));
        // The workers list shows the dead worker as it was left: running, its heartbeat old.
        const QJsonObject st = status(db);
        bool seen = false;
        for (const QJsonValue &w : st.value(u"workers"_s).toArray())
            if (w[u"pid"_s].toInteger() == victimPid) {
                seen = true;
                QCOMPARE(w[u"state"_s].toString(), u"running"_s);
                QVERIFY(w[u"heartbeat_age_s"_s].toDouble() >= 2.0);
                QCOMPARE(w[u"jobs_in_flight"_s].toInteger(), 0);   // its jobs are others' or done now
            }
        QVERIFY(seen);
    }

    /// export, stats and bundle read the run store as they read a SQLite file: the CSV and the
    /// statistics from the server equal those from the bundle's SQLite copy byte for byte, and
    /// have the shape of a SQLite run of the same experiment.
    void exportStatsAndBundleFromTheRunStore()
    {
        const QString db = fresh(u"t_cli_export"_s);
        QString experiment = QString::fromUtf8(readFile(m_experiment));
        experiment.replace(u"repetitions: 8"_s, u"repetitions: 1"_s);   // 48 jobs
        const QString exp1 = m_dir.path() + u"/experiment-1.yaml"_s;
        QVERIFY(writeFile(exp1, experiment.toUtf8()));
        const QString local = m_dir.path() + u"/export-local.db"_s;
        QList<QProcess *> runs{start({u"run"_s, u"--config"_s, m_config, u"--experiment"_s, exp1, u"--db"_s, db, u"--quiet"_s}),
                               start({u"run"_s, u"--config"_s, m_config, u"--experiment"_s, exp1, u"--db"_s, local, u"--quiet"_s})};
        for (QProcess *p : runs) {
            QVERIFY(p->waitForFinished(120000));
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, p->readAllStandardError().constData());
        }
        QCOMPARE(scalar(db, u"SELECT COUNT(*) FROM jobs WHERE status='done'"_s).toInt(), 48);

        auto run = [this](const QStringList &args, QByteArray *out = nullptr) {
            QProcess *p = start(args);
            const bool ok = p->waitForFinished(60000) && p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0;
            const QByteArray err = p->readAllStandardError();
            if (out)
                *out = p->readAllStandardOutput();
            if (!ok)
                qWarning("%s: %s", qPrintable(args.join(u' ')), err.constData());
            return ok;
        };
        const QString dir = m_dir.path() + u'/';
        // From the server.
        QVERIFY(run({u"export"_s, u"--db"_s, db, u"-o"_s, dir + u"pg.csv"_s}));
        QVERIFY(run({u"export"_s, u"--db"_s, db, u"--long"_s, u"--model"_s, u"claude-haiku"_s, u"-o"_s, dir + u"pg-long.csv"_s}));
        QByteArray pgStats, sqStats, localStats;
        const QStringList statsArgs{u"--json"_s, u"--draws"_s, u"50"_s, u"--seed"_s, u"7"_s};
        QVERIFY(run(QStringList{u"stats"_s, u"--db"_s, db} + statsArgs, &pgStats));
        // Stored on the server with the results: the next look reads them.
        QByteArray pgText;
        QVERIFY(run({u"stats"_s, u"--db"_s, db, u"--draws"_s, u"50"_s, u"--seed"_s, u"7"_s}, &pgText));
        QVERIFY2(pgText.contains("Stored with the results on "), pgText.constData());
        QVERIFY(run({u"bundle"_s, u"--config"_s, m_config, u"--experiment"_s, exp1, u"--db"_s, db, u"-o"_s, dir + u"pg.tar.gz"_s}));
        QByteArray verify;
        QVERIFY(run({u"verify-bundle"_s, dir + u"pg.tar.gz"_s}, &verify));
        QVERIFY(QDir().mkpath(dir + u"unpacked"_s));
        QCOMPARE(QProcess::execute(u"tar"_s, {u"-xzf"_s, dir + u"pg.tar.gz"_s, u"-C"_s, dir + u"unpacked"_s}), 0);
        QDirIterator found(dir + u"unpacked"_s, {u"results.sqlite"_s}, QDir::Files, QDirIterator::Subdirectories);
        QVERIFY2(found.hasNext(), "the bundle holds the database as results.sqlite");
        const QString copy = found.next();
        // The bundle's copy of the server reads back exactly as the server.
        QVERIFY(run({u"export"_s, u"--db"_s, copy, u"-o"_s, dir + u"copy.csv"_s}));
        QVERIFY(run({u"export"_s, u"--db"_s, copy, u"--long"_s, u"--model"_s, u"claude-haiku"_s, u"-o"_s, dir + u"copy-long.csv"_s}));
        QVERIFY(run(QStringList{u"stats"_s, u"--db"_s, copy} + statsArgs, &sqStats));
        const QByteArray pgCsv = readFile(dir + u"pg.csv"_s);
        QCOMPARE(pgCsv.count('\n'), 49);   // header and 48 jobs
        QCOMPARE(pgCsv, readFile(dir + u"copy.csv"_s));
        QVERIFY(readFile(dir + u"pg-long.csv"_s).count('\n') > 12);
        QCOMPARE(readFile(dir + u"pg-long.csv"_s), readFile(dir + u"copy-long.csv"_s));
        QVERIFY(!pgStats.isEmpty());
        QCOMPARE(pgStats, sqStats);
        // A SQLite run of the same experiment has the same columns and jobs.
        QVERIFY(run({u"export"_s, u"--db"_s, local, u"-o"_s, dir + u"local.csv"_s}));
        QVERIFY(run(QStringList{u"stats"_s, u"--db"_s, local} + statsArgs, &localStats));
        const QList<QByteArray> pgLines = pgCsv.split('\n'), localLines = readFile(dir + u"local.csv"_s).split('\n');
        QCOMPARE(pgLines.first(), localLines.first());
        QCOMPARE(pgLines.size(), localLines.size());
        const QJsonObject pgJson = QJsonDocument::fromJson(pgStats).object(), localJson = QJsonDocument::fromJson(localStats).object();
        QCOMPARE(pgJson.keys(), localJson.keys());
        QVERIFY(!pgJson.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliWorkers)
#include "tst_cli_workers.moc"
