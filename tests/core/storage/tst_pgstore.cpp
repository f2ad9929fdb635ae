// The PostgreSQL run store on a real server: the same schema and migrations as SQLite, the
// dialect-specific writes, and the job leases several workers share (docs/FORMATS.md,
// "PostgreSQL run store").
#include "core/storage/jobleases.h"
#include "core/storage/resultstore.h"
#include "tests/support/testpostgres.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QThread>

using namespace wb;

namespace {

JobRow job(const QString &run, const QString &text, int rep = 1)
{
    JobRow j;
    j.runId = run;
    j.corpus = QStringLiteral("c");
    j.textId = text;
    j.repetition = rep;
    j.key = run + u'|' + j.corpus + u'/' + text + u'|' + QString::number(rep);
    return j;
}

JobResult doneResult(qint64 id, const QString &worker)
{
    JobResult r;
    r.jobId = id;
    r.deploymentId = worker;
    r.provider = QStringLiteral("openai");
    r.attempts = 1;
    r.rawResponse = QStringLiteral("{\"by\":\"%1\"}").arg(worker);
    r.scores.append(ScoreRow{QStringLiteral("care"), 0.5, worker});
    return r;
}

/// A second connection, as another process would have it.
class Peek {
public:
    explicit Peek(const QString &url)
    {
        QVERIFY2(m_store.open(url), "peek connection");
    }
    QVariant scalar(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_store.connectionName(), false));
        if (!q.exec(sql) || !q.next())
            return QStringLiteral("<error: %1>").arg(q.lastError().text());
        return q.value(0);
    }
    bool exec(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_store.connectionName(), false));
        return q.exec(sql);
    }
    ResultStore m_store;
};

} // namespace

class TestPgStore : public QObject {
    Q_OBJECT

    QString fresh(const QString &name)
    {
        QString error;
        const QString url = test::freshPostgresDatabase(name, &error);
        if (url.isEmpty())
            qFatal("%s", qPrintable(error));   // never a skip: the cluster is part of the test run
        return url;
    }

private slots:
    void migratesAndReopens()
    {
        const QString url = fresh(QStringLiteral("t_migrate"));
        {
            ResultStore store;
            auto ok = store.open(url);
            QVERIFY2(ok, ok ? "" : qPrintable(ok.error().toString()));
            QCOMPARE(store.schemaVersion(), ResultStore::latestSchemaVersion());
        }
        Peek peek(url);
        QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), ResultStore::latestSchemaVersion());
        // The translated types: 64-bit ids and money, double-precision scores, identity keys.
        QCOMPARE(peek.scalar(QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_name='calls' AND column_name='cost_micros'")).toString(),
                 QStringLiteral("bigint"));
        QCOMPARE(peek.scalar(QStringLiteral("SELECT data_type FROM information_schema.columns WHERE table_name='scores' AND column_name='score'")).toString(),
                 QStringLiteral("double precision"));
        QCOMPARE(peek.scalar(QStringLiteral("SELECT is_identity FROM information_schema.columns WHERE table_name='jobs' AND column_name='id'")).toString(),
                 QStringLiteral("YES"));
        QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM information_schema.columns WHERE table_name='jobs' AND column_name IN ('worker_id','lease_until')")).toInt(), 2);
        // Reopening migrates nothing again.
        ResultStore again;
        QVERIFY(again.open(url));
        QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), ResultStore::latestSchemaVersion());
    }

    void workersMigrateTogether()
    {
        // Workers start at once: the migration lock lets exactly one of them create the schema.
        const QString url = fresh(QStringLiteral("t_race"));
        std::vector<std::unique_ptr<ResultStore>> stores;
        QList<QThread *> threads;
        QAtomicInt failures = 0;
        for (int i = 0; i < 4; ++i) {
            threads.append(QThread::create([&url, &failures] {
                ResultStore s;
                if (auto ok = s.open(url); !ok) {
                    qWarning() << ok.error().toString();
                    failures.fetchAndAddRelaxed(1);
                }
            }));
        }
        for (QThread *t : threads)
            t->start();
        for (QThread *t : threads) {
            QVERIFY(t->wait(60000));
            delete t;
        }
        QCOMPARE(failures.loadRelaxed(), 0);
        Peek peek(url);
        QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), ResultStore::latestSchemaVersion());
    }

    void refusesANewerSchema()
    {
        const QString url = fresh(QStringLiteral("t_newer"));
        {
            Peek peek(url);
            QVERIFY(peek.exec(QStringLiteral("INSERT INTO schema_version(version, applied_at) VALUES (99, 'x')")));
        }
        ResultStore store;
        auto ok = store.open(url);
        QVERIFY(!ok);
        QVERIFY2(ok.error().message.contains(QLatin1String("newer")), qPrintable(ok.error().toString()));
    }

    void storesWhatSqliteStores()
    {
        const QString url = fresh(QStringLiteral("t_roundtrip"));
        ResultStore store;
        QVERIFY(store.open(url));
        QVERIFY(store.upsertExperiment(QStringLiteral("exp"), QStringLiteral("d"), "api_key: sk-literal\n"));
        QVERIFY(store.upsertRun(RunRow{QStringLiteral("r2"), QStringLiteral("exp"), QStringLiteral("g"), QStringLiteral("f"),
                                       QStringLiteral("c"), {QStringLiteral("care")}}));
        auto rows = store.ensureJobs({job(QStringLiteral("r2"), QStringLiteral("a")), job(QStringLiteral("r2"), QStringLiteral("b"))});
        QVERIFY(rows);
        QCOMPARE(rows->size(), 2);
        // Planned again (a second worker): nothing doubles.
        QVERIFY(store.ensureJobs({job(QStringLiteral("r2"), QStringLiteral("a"))}));
        store.setFlushPolicy(500, 0);
        CallRecord call;
        call.httpStatus = 200;
        call.costMicros = 1234;
        call.startedAt = QDateTime::currentDateTimeUtc();
        store.recordCall(call, QList<qint64>{rows->at(0).id, rows->at(1).id});   // one batched call
        store.recordResult(doneResult(rows->at(0).id, QStringLiteral("w1")));
        store.recordRawResponse(rows->at(1).id, 1, QStringLiteral("not json"));
        store.recordRawResponse(rows->at(1).id, 1, QStringLiteral("replaced"));
        auto flushed = store.flush();
        QVERIFY2(flushed, flushed ? "" : qPrintable(flushed.error().toString()));
        auto c = store.counts();
        QVERIFY(c);
        QCOMPARE(c->jobs, 2);
        QCOMPARE(c->done, 1);
        QCOMPARE(c->calls, 1);
        auto spent = store.spendSince(QDateTime::currentDateTimeUtc().addDays(-1));
        QVERIFY(spent);
        QCOMPARE(*spent, 1234);
        Peek peek(url);
        QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM call_jobs")).toInt(), 2);   // RETURNING gave the call's id
        QCOMPARE(peek.scalar(QStringLiteral("SELECT text FROM raw_responses WHERE attempt=1 AND job_id=%1").arg(rows->at(1).id)).toString(),
                 QStringLiteral("replaced"));
        QCOMPARE(peek.scalar(QStringLiteral("SELECT config_yaml FROM experiments")).toString().contains(QLatin1String("sk-literal")), false);
        // One committed batch of results: stored statistics from before it are outdated (the
        // writer counts on PostgreSQL; there are no triggers there).
        QCOMPARE(peek.scalar(QStringLiteral("SELECT version FROM results_version")).toInt(), 1);
        QCOMPARE(peek.scalar(QStringLiteral("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'results_version%'")).toInt(), 0);
        store.recordResult(doneResult(rows->at(1).id, QStringLiteral("w1")));
        QVERIFY(store.flush());
        QCOMPARE(peek.scalar(QStringLiteral("SELECT version FROM results_version")).toInt(), 2);
        auto runs = store.runs();
        QVERIFY(runs);
        QCOMPARE(runs->size(), 1);
        QCOMPARE(runs->first().dimensions, QStringList{QStringLiteral("care")});
    }

    void leasesShareJobsAndExpire()
    {
        const QString url = fresh(QStringLiteral("t_leases"));
        ResultStore a, b;
        QVERIFY(a.open(url));
        QVERIFY(b.open(url));
        QList<JobRow> planned;
        for (int i = 0; i < 6; ++i)
            planned.append(job(QStringLiteral("r"), QStringLiteral("t%1").arg(i)));
        QVERIFY(a.ensureJobs(planned));
        const QStringList runs{QStringLiteral("r")};
        JobLeases la(a, QStringLiteral("worker-a"), 3000);
        JobLeases lb(b, QStringLiteral("worker-b"), 3000);
        QVERIFY(la.registerWorker(QStringLiteral("exp")));
        QVERIFY(lb.registerWorker(QStringLiteral("exp")));

        auto ca = la.claim(runs, 3);
        QVERIFY(ca);
        QCOMPARE(ca->size(), 3);
        auto cb = lb.claim(runs, 10);
        QVERIFY(cb);
        QCOMPARE(cb->size(), 3);
        const QSet<qint64> sa(ca->begin(), ca->end()), sb(cb->begin(), cb->end());
        QVERIFY(!sa.intersects(sb));   // never the same job twice
        auto none = lb.claim(runs, 10);
        QVERIFY(none);
        QVERIFY(none->isEmpty());
        QCOMPARE(*la.unfinished(runs), 6);

        // A's heartbeat keeps its leases past their first expiry...
        // (B beats too throughout, or its own expired leases would come back to it.)
        QTest::qWait(2000);
        QVERIFY(la.heartbeat(0));
        QVERIFY(lb.heartbeat(0));
        QTest::qWait(2000);
        QVERIFY(lb.heartbeat(0));
        none = lb.claim(runs, 10);
        QVERIFY2(none->isEmpty(), qPrintable(Peek(url).scalar(QStringLiteral("SELECT string_agg(id || ':' || worker_id || ':' || lease_until || ':' || status, ' ') FROM jobs")).toString()));
        // ...and once A stops beating (it died), B takes its jobs.
        QTest::qWait(2000);
        QVERIFY(lb.heartbeat(0));
        auto taken = lb.claim(runs, 10);
        QVERIFY(taken);
        QCOMPARE(QSet<qint64>(taken->begin(), taken->end()), sa);
        // A, back from the dead, cannot give away jobs that are B's now.
        QVERIFY(la.release(*ca));
        QCOMPARE(lb.claim(runs, 10)->size(), 0);

        // Both finish the same job: the first result stays, the second is not stored over it.
        const qint64 twice = ca->first();
        b.recordResult(doneResult(twice, QStringLiteral("worker-b")));
        QVERIFY(b.flush());
        a.recordResult(doneResult(twice, QStringLiteral("worker-a")));
        QVERIFY(a.flush());
        Peek peek(url);
        QCOMPARE(peek.scalar(QStringLiteral("SELECT evidence FROM scores WHERE job_id=%1").arg(twice)).toString(), QStringLiteral("worker-b"));
        QCOMPARE(peek.scalar(QStringLiteral("SELECT deployment_id FROM jobs WHERE id=%1").arg(twice)).toString(), QStringLiteral("worker-b"));

        // B leaves: what it still holds is claimable at once, and the workers table says so.
        QVERIFY(lb.retire(1));
        auto back = la.claim(runs, 10);
        QVERIFY(back);
        QCOMPARE(back->size(), 5);
        auto workers = JobLeases::workers(a);
        QVERIFY(workers);
        QCOMPARE(workers->size(), 2);
        for (const WorkerInfo &w : *workers) {
            QCOMPARE(w.state, w.id == QLatin1String("worker-b") ? QStringLiteral("stopped") : QStringLiteral("running"));
            QVERIFY(w.heartbeatAgeMs >= 0);
            if (w.id == QLatin1String("worker-a"))
                QCOMPARE(w.jobsInFlight, 5);
        }
    }

    void failedJobsReopenOnlyOnRequest()
    {
        const QString url = fresh(QStringLiteral("t_failed"));
        ResultStore s;
        QVERIFY(s.open(url));
        auto rows = s.ensureJobs({job(QStringLiteral("r"), QStringLiteral("x"))});
        QVERIFY(rows);
        JobResult r = doneResult(rows->first().id, QStringLiteral("w"));
        r.status = JobStatus::Failed;
        s.recordResult(r);
        QVERIFY(s.flush());
        JobLeases l(s, QStringLiteral("w"), 5000);
        QCOMPARE(l.claim({QStringLiteral("r")}, 5)->size(), 0);
        QVERIFY(l.reopenFailed({QStringLiteral("r")}));
        QCOMPARE(l.claim({QStringLiteral("r")}, 5)->size(), 1);
    }

    void passwordNeverInMessages()
    {
        QString error;
        const QString base = test::postgresUrl(&error);
        QVERIFY2(!base.isEmpty(), qPrintable(error));
        QUrl u(base);
        u.setPassword(QStringLiteral("s3cret-pw"));
        u.setPath(QStringLiteral("/no_such_database"));
        ResultStore store;
        auto ok = store.open(u.toString());
        QVERIFY(!ok);
        QVERIFY2(!ok.error().toString().contains(QLatin1String("s3cret-pw")), qPrintable(ok.error().toString()));
        QVERIFY2(ok.error().toString().contains(QLatin1String("no_such_database")), qPrintable(ok.error().toString()));
    }
};

QTEST_GUILESS_MAIN(TestPgStore)
#include "tst_pgstore.moc"
