// The writer's failure path on real SQLite files: a commit refused with SQLITE_FULL (PRAGMA
// max_page_count on the store's own connection) or into a deleted file is reported and its rows
// kept; they round-trip through the recovery file into another database, matched by job key.
#include "storagefixture.h"

#include "core/storage/resultstore.h"

#include <QDir>
#include <QFile>
#include <QScopeGuard>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wbtest;

namespace {

/// An experiment with one run and two jobs; returns their rows.
QList<JobRow> prepare(ResultStore &store)
{
    if (!store.upsertExperiment(QStringLiteral("e"), QString(), QByteArray()))
        return {};
    if (!store.upsertRun({QStringLiteral("r1"), QStringLiteral("e"), QStringLiteral("g"), QStringLiteral("mft"), QStringLiteral("c"),
                          {QStringLiteral("care"), QStringLiteral("liberty")}}))
        return {};
    auto rows = store.ensureJobs({job(QStringLiteral("r1"), QStringLiteral("c"), QStringLiteral("t1")),
                                  job(QStringLiteral("r1"), QStringLiteral("c"), QStringLiteral("t2"))});
    return rows ? *rows : QList<JobRow>{};
}

qint64 scalar(const ResultStore &store, const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(store.connectionName()));
    return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
}

QString text(const ResultStore &store, const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(store.connectionName()));
    return q.exec(sql) && q.next() ? q.value(0).toString() : QStringLiteral("<none>");
}

/// A paid reply of job `id`: a failed attempt (429) then the call that scored it.
void recordReply(ResultStore &store, qint64 id, const QString &raw)
{
    CallRecord limited;
    limited.deploymentId = QStringLiteral("oa-1");
    limited.provider = QStringLiteral("openai");
    limited.httpStatus = 429;
    limited.errorClass = ErrorClass::RateLimited;
    limited.errorMessage = QStringLiteral("slow down");
    store.recordCall(limited, id);
    CallRecord ok = limited;
    ok.httpStatus = 200;
    ok.errorClass = ErrorClass::None;
    ok.errorMessage.clear();
    ok.usage = Usage{900, 120, 10, 0, true};
    ok.costMicros = 777;
    ok.startedAt = utc("2026-12-03T05:00:56.123Z");
    ok.batchId = QStringLiteral("msgbatch_01ab");   // the reply came through a provider batch
    store.recordCall(ok, id);
    JobResult r;
    r.jobId = id;
    r.deploymentId = ok.deploymentId;
    r.provider = ok.provider;
    r.attempts = 2;
    r.usage = ok.usage;
    r.costMicros = ok.costMicros;
    r.rawResponse = raw;
    r.scores = {score(QStringLiteral("care"), 0.5, QStringLiteral("said \"care\",\nthen left")),
                score(QStringLiteral("liberty"), std::nullopt, QString())};
    store.recordResult(r);
    store.addSpend({utc("2026-12-03T05:00:57.000Z"), 5, QStringLiteral("r1")});
}

} // namespace

class TestRecoveryFile : public QObject {
    Q_OBJECT
private slots:
    void diskFullRowsRoundTripThroughTheRecoveryFile();
    void deletedDatabaseIsAWriteFailure();
    void brokenRecoveryFileNamesTheLineAndStoresNothing();
    void movedDatabaseFindsItsRecoveryFile();
};

void TestRecoveryFile::diskFullRowsRoundTripThroughTheRecoveryFile()
{
    QTemporaryDir dir;
    const QString dbA = dir.filePath(QStringLiteral("a.db"));
    QString recovery;
    const QString raw = QStringLiteral("{\"care\": 0.5} ") + QString(20000, QLatin1Char('x'));   // needs new pages
    {
        ResultStore a;
        QVERIFY(a.open(dbA));
        a.setFlushPolicy(500, 0);
        const QList<JobRow> jobs = prepare(a);
        QCOMPARE(jobs.size(), 2);
        QList<Error> failures;
        a.setWriteFailureHandler([&](const Error &e) { failures.append(e); });
        QSqlQuery q(QSqlDatabase::database(a.connectionName()));
        QVERIFY(q.exec(QStringLiteral("PRAGMA page_count")) && q.next());
        const qint64 pages = q.value(0).toLongLong();
        q.finish();
        QVERIFY(q.exec(QStringLiteral("PRAGMA max_page_count=%1").arg(pages)));

        recordReply(a, jobs[0].id, raw);
        QVERIFY(!a.flush());
        QCOMPARE(failures.size(), 1);
        QVERIFY2(failures.first().message.contains(QLatin1String("full")), qPrintable(failures.first().message));
        QCOMPARE(failures.first().file, dbA);
        QCOMPARE(a.queuedRows(), 7);   // 2 calls, job update + raw reply + 2 scores, ledger entry: kept, none half-written
        QCOMPARE(scalar(a, QStringLiteral("SELECT count(*) FROM calls")), 0);

        QHash<qint64, QString> keys;
        for (const JobRow &j : jobs)
            keys.insert(j.id, j.key);
        auto saved = a.saveUnwritten([&](qint64 id) { return keys.value(id); });
        QVERIFY2(saved, saved ? "" : qPrintable(saved.error().toString()));
        QCOMPARE(*saved, ResultStore::recoveryFileCandidates(dbA).first());
        QCOMPARE(a.queuedRows(), 0);
        recovery = *saved;
    }
    QCOMPARE(ResultStore::existingRecoveryFiles(dbA), QStringList{recovery});

    // Another database (the first one is gone): the same jobs get other ids; keys match them.
    ResultStore b;
    QVERIFY(b.open(dir.filePath(QStringLiteral("b.db"))));
    QVERIFY(b.ensureJobs({job(QStringLiteral("r0"), QStringLiteral("c"), QStringLiteral("t0"))}));
    const QList<JobRow> jobs = prepare(b);
    auto imported = b.importRecoveryFile(recovery);
    QVERIFY2(imported, imported ? "" : qPrintable(imported.error().toString()));
    QCOMPARE(imported->rows, 4);   // two calls, one result, one ledger entry
    QCOMPARE(imported->skipped, 0);
    QVERIFY(!QFileInfo::exists(recovery));
    QVERIFY(QFileInfo::exists(recovery + QStringLiteral(".imported")));

    const QString job0 = QString::number(jobs[0].id);
    QCOMPARE(text(b, QStringLiteral("SELECT status FROM jobs WHERE id=") + job0), QStringLiteral("done"));
    QCOMPARE(text(b, QStringLiteral("SELECT text FROM raw_responses WHERE job_id=") + job0), raw);
    QCOMPARE(text(b, QStringLiteral("SELECT evidence FROM scores WHERE dimension='care' AND job_id=") + job0),
             QStringLiteral("said \"care\",\nthen left"));
    QCOMPARE(scalar(b, QStringLiteral("SELECT count(*) FROM scores WHERE score IS NULL AND job_id=") + job0), 1);
    QCOMPARE(scalar(b, QStringLiteral("SELECT count(*) FROM calls WHERE job_id=") + job0), 2);
    QCOMPARE(scalar(b, QStringLiteral("SELECT count(*) FROM calls WHERE error_class='rate_limited' AND http_status=429")), 1);
    QCOMPARE(text(b, QStringLiteral("SELECT started_at FROM calls WHERE http_status=200")), QStringLiteral("2026-12-03T05:00:56.123Z"));
    QCOMPARE(text(b, QStringLiteral("SELECT batch_id FROM calls WHERE http_status=200")), QStringLiteral("msgbatch_01ab"));
    QCOMPARE(scalar(b, QStringLiteral("SELECT count(*) FROM calls WHERE http_status=429 AND batch_id IS NULL")), 1);
    QCOMPARE(scalar(b, QStringLiteral("SELECT sum(cost_micros) FROM calls")), 777);
    QCOMPARE(scalar(b, QStringLiteral("SELECT sum(micros) FROM spend_ledger")), 5);
    QCOMPARE(text(b, QStringLiteral("SELECT status FROM jobs WHERE id=") + QString::number(jobs[1].id)), QStringLiteral("pending"));
}

void TestRecoveryFile::deletedDatabaseIsAWriteFailure()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("a.db"));
    ResultStore a;
    QVERIFY(a.open(db));
    a.setFlushPolicy(500, 0);
    const QList<JobRow> jobs = prepare(a);
    QCOMPARE(jobs.size(), 2);
    int failures = 0;
    a.setWriteFailureHandler([&](const Error &) { ++failures; });
    recordReply(a, jobs[0].id, QStringLiteral("{}"));
    QVERIFY(a.flush());
    QCOMPARE(failures, 0);
    for (const char *suffix : {"", "-wal", "-shm"})
        QFile::remove(db + QLatin1String(suffix));
    recordReply(a, jobs[1].id, QStringLiteral("{}"));
    const auto r = a.flush();
    QVERIFY(!r);
    QVERIFY2(r.error().message.contains(QLatin1String("deleted")), qPrintable(r.error().message));
    QCOMPARE(failures, 1);
    QVERIFY(a.queuedRows() > 0);   // kept for the recovery file
    a.saveUnwritten([](qint64) { return QString(); });   // leave nothing for close() to complain about
}

void TestRecoveryFile::brokenRecoveryFileNamesTheLineAndStoresNothing()
{
    QTemporaryDir dir;
    ResultStore b;
    QVERIFY(b.open(dir.filePath(QStringLiteral("b.db"))));
    const QList<JobRow> jobs = prepare(b);
    QCOMPARE(jobs.size(), 2);
    const QString file = dir.filePath(QStringLiteral("broken.jsonl"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"recovery\":\"discernus\",\"version\":1}\n"
            "{\"t\":\"result\",\"job\":\"r1|c/t1|1\",\"status\":\"done\",\"scores\":[]}\n"
            "{\"t\":\"result\",\"job\":\n");
    f.close();
    auto imported = b.importRecoveryFile(file);
    QVERIFY(!imported);
    QCOMPARE(imported.error().file, file);
    QCOMPARE(imported.error().line, 3);
    QCOMPARE(b.queuedRows(), 0);
    QVERIFY(b.flush());
    QCOMPARE(text(b, QStringLiteral("SELECT status FROM jobs WHERE id=") + QString::number(jobs[0].id)), QStringLiteral("pending"));
    QVERIFY(QFileInfo::exists(file));   // not retired: nothing was stored
}

/// A recovery file that had to go to the user's data folder or the temporary folder is named after
/// the database's old path; a database moved to a roomier disk must still find it on --resume.
void TestRecoveryFile::movedDatabaseFindsItsRecoveryFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray oldData = qgetenv("XDG_DATA_HOME"), oldTmp = qgetenv("TMPDIR");
    qputenv("XDG_DATA_HOME", dir.filePath(QStringLiteral("data")).toLocal8Bit());
    qputenv("TMPDIR", dir.filePath(QStringLiteral("tmp")).toLocal8Bit());
    const auto restore = qScopeGuard([&] {
        if (oldData.isNull())
            qunsetenv("XDG_DATA_HOME");
        else
            qputenv("XDG_DATA_HOME", oldData);
        if (oldTmp.isNull())
            qunsetenv("TMPDIR");
        else
            qputenv("TMPDIR", oldTmp);
    });
    const QString dataFolder = dir.filePath(QStringLiteral("data/discernus/recovery"));
    QVERIFY(QDir().mkpath(dataFolder));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("tmp"))));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("other"))));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("new"))));
    const auto header = [](const QString &db) -> QByteArray {
        return QByteArray(R"({"recovery":"discernus","version":1,"database":")") + db.toUtf8() + R"(","written_at":"x"})" "\n";
    };
    const auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    // Moved away (nothing left at the old path): found, in either fallback folder.
    const QString moved = dataFolder + QStringLiteral("/discernus-recovery-aaaaaaaaaaaa.jsonl");
    QVERIFY(write(moved, header(dir.filePath(QStringLiteral("old/results.db")))));
    const QString movedTmp = dir.filePath(QStringLiteral("tmp/discernus-recovery-bbbbbbbbbbbb.jsonl"));
    QVERIFY(write(movedTmp, header(dir.filePath(QStringLiteral("older/results.db")))));
    // Another database that still exists, or of another name: not ours.
    QVERIFY(write(dir.filePath(QStringLiteral("other/results.db")), "x"));
    QVERIFY(write(dataFolder + QStringLiteral("/discernus-recovery-cccccccccccc.jsonl"), header(dir.filePath(QStringLiteral("other/results.db")))));
    QVERIFY(write(dataFolder + QStringLiteral("/discernus-recovery-dddddddddddd.jsonl"), header(dir.filePath(QStringLiteral("old/else.db")))));
    QVERIFY(write(dataFolder + QStringLiteral("/discernus-recovery-eeeeeeeeeeee.jsonl"), "not json\n"));

    QCOMPARE(ResultStore::movedDatabaseRecoveryFiles(dir.filePath(QStringLiteral("new/results.db"))), (QStringList{moved, movedTmp}));
    QVERIFY(ResultStore::existingRecoveryFiles(dir.filePath(QStringLiteral("new/results.db"))).isEmpty());
    // A database that was not moved finds its own by the name of its path.
    const QString own = ResultStore::recoveryFileCandidates(dir.filePath(QStringLiteral("other/results.db"))).at(1);
    QVERIFY(QFileInfo(own).absolutePath() == QFileInfo(dataFolder).absoluteFilePath());
    QVERIFY(write(own, header(dir.filePath(QStringLiteral("other/results.db")))));
    QCOMPARE(ResultStore::existingRecoveryFiles(dir.filePath(QStringLiteral("other/results.db"))), QStringList{own});
    // The moved ones are offered to any database of that name (rows of jobs it does not hold are
    // skipped by the import), never its own.
    QCOMPARE(ResultStore::movedDatabaseRecoveryFiles(dir.filePath(QStringLiteral("other/results.db"))), (QStringList{moved, movedTmp}));
}

QTEST_GUILESS_MAIN(TestRecoveryFile)
#include "tst_recoveryfile.moc"
