// ResultStore and the read API of resultquery.h against real SQLite files.
#include "core/storage/resultquery.h"
#include "core/storage/resultstore.h"
#include "storagefixture.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace wb;
using namespace wbtest;

namespace {

/// A raw connection independent of the store (another "process" looking at the file).
class RawDb {
public:
    explicit RawDb(const QString &path)
        : m_name(QStringLiteral("raw-%1").arg(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QVariant scalar(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql) || !q.next())
            return QVariant(QStringLiteral("<error>"));
        return q.value(0);
    }
    bool exec(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        return q.exec(sql);
    }

private:
    QString m_name;
    static inline int s_counter = 0;
};

JobResult doneResult(qint64 id, std::initializer_list<std::pair<const char *, double>> scores)
{
    JobResult r;
    r.jobId = id;
    r.deploymentId = QStringLiteral("dep");
    r.provider = QStringLiteral("openai");
    r.attempts = 1;
    r.rawResponse = QStringLiteral("{}");
    for (const auto &[dim, v] : scores)
        r.scores.append(ScoreRow{QString::fromLatin1(dim), v, QStringLiteral("e")});
    return r;
}

/// The child side of crashLosesNothingFlushed(): write, flush, queue one more result, die hard.
int crashWriter(const QString &path)
{
    ResultStore store;
    if (!store.open(path))
        return 10;
    store.setFlushPolicy(500, 0);
    auto rows = store.ensureJobs({job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a")),
                                  job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("b")),
                                  job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("c"))});
    if (!rows || rows->size() != 3)
        return 11;
    if (!store.markInFlight({rows->at(0).id, rows->at(1).id, rows->at(2).id}))
        return 12;
    store.recordResult(doneResult(rows->at(0).id, {{"care", 0.1}}));
    store.recordResult(doneResult(rows->at(1).id, {{"care", 0.2}}));
    if (!store.flush())
        return 13;
    store.recordResult(doneResult(rows->at(2).id, {{"care", 0.3}}));   // queued, never flushed
    ::_exit(42);   // no destructors, no close(): what a crash or kill -9 leaves behind
}

} // namespace

class TstResultStore final : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("r%1.sqlite").arg(++m_n));
    }

    void migrationFromEmptyFileAndReopen()
    {
        {
            ResultStore store;
            QVERIFY(store.open(m_path));
            QCOMPARE(store.schemaVersion(), ResultStore::latestSchemaVersion());
            QVERIFY(store.ensureJobs({job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("x"))}));
        }
        {
            RawDb raw(m_path);
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), ResultStore::latestSchemaVersion());
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
            QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), ResultStore::latestSchemaVersion());
            QVERIFY(!raw.scalar(QStringLiteral("SELECT applied_at FROM schema_version WHERE version=1")).toString().isEmpty());
            for (const char *table : {"experiments", "runs", "texts", "jobs", "calls", "scores", "raw_responses",
                                      "spend_ledger", "calibration"})
                QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='%1'")
                                        .arg(QLatin1String(table)))
                             .toInt(),
                         1);
            // scores(job_id) is served by the scores primary key (job_id, dimension).
            QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM pragma_index_info('sqlite_autoindex_scores_1')"
                                               " WHERE seqno=0 AND name='job_id'"))
                         .toInt(),
                     1);
            for (const char *index : {"idx_jobs_run_status", "idx_jobs_text", "idx_calls_job"})
                QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='%1'")
                                        .arg(QLatin1String(index)))
                             .toInt(),
                         1);
        }
        ResultStore again;
        QVERIFY(again.open(m_path));
        QCOMPARE(again.schemaVersion(), ResultStore::latestSchemaVersion());
        auto c = again.counts();
        QVERIFY(c);
        QCOMPARE(c->jobs, 1);
        RawDb raw(m_path);
        // Re-opening applies no step twice.
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), ResultStore::latestSchemaVersion());
    }

    void connectionsAreNamedAndRemoved()
    {
        QString name;
        {
            ResultStore a, b;
            QVERIFY(a.open(m_path));
            QVERIFY(b.open(m_path));
            name = a.connectionName();
            QVERIFY(!name.isEmpty());
            QVERIFY(name != b.connectionName());
            QVERIFY(QSqlDatabase::contains(name));
            QSqlQuery q(QSqlDatabase::database(name));
            QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            QVERIFY(q.exec(QStringLiteral("PRAGMA synchronous")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);   // NORMAL
        }
        QVERIFY(!QSqlDatabase::contains(name));
    }

    void newerSchemaIsRefused()
    {
        {
            RawDb raw(m_path);
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 99")));
        }
        ResultStore store;
        auto r = store.open(m_path);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QLatin1String("99")), qPrintable(r.error().message));
        QCOMPARE(r.error().file, m_path);
        QVERIFY(store.connectionName().isEmpty());
    }

    void garbageFileIsAnError()
    {
        QFile f(m_path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        ResultStore store;
        auto r = store.open(m_path);
        QVERIFY(!r);
        QCOMPARE(r.error().file, m_path);
    }

    void ensureJobsIsIdempotent()
    {
        ResultStore store;
        QVERIFY(store.open(m_path));
        const QList<JobRow> first = {job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("b")),
                                     job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a")),
                                     job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a"), 2)};
        auto a = store.ensureJobs(first);
        QVERIFY(a);
        QCOMPARE(a->size(), 3);
        QCOMPARE(a->at(0).key, QStringLiteral("r|c/a|1"));   // key order
        QCOMPARE(a->at(1).key, QStringLiteral("r|c/a|2"));
        QCOMPARE(a->at(2).key, QStringLiteral("r|c/b|1"));
        QCOMPARE(a->at(2).id, 1);                            // ids in insertion (plan) order
        QCOMPARE(a->at(0).textId, QStringLiteral("a"));
        QCOMPARE(a->at(1).repetition, 2);
        for (const JobRow &j : *a)
            QCOMPARE(j.status, JobStatus::Pending);

        // A finished job keeps its status when the plan is ensured again.
        store.recordResult(doneResult(a->at(0).id, {{"care", 1}}));
        QVERIFY(store.flush());
        auto b = store.ensureJobs(first + QList<JobRow>{job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("c"))});
        QVERIFY(b);
        QCOMPARE(b->size(), 4);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(b->at(i).id, a->at(i).id);
            QCOMPARE(b->at(i).key, a->at(i).key);
        }
        QCOMPARE(b->at(0).status, JobStatus::Done);
        QCOMPARE(b->at(3).key, QStringLiteral("r|c/c|1"));
        auto c = store.counts();
        QVERIFY(c);
        QCOMPARE(c->jobs, 4);
        // Jobs of another run are not returned.
        auto other = store.ensureJobs({job(QStringLiteral("s"), QStringLiteral("c"), QStringLiteral("a"))});
        QVERIFY(other);
        QCOMPARE(other->size(), 1);
    }

    void unfinishedAndResume()
    {
        ResultStore store;
        QVERIFY(store.open(m_path));
        auto rows = store.ensureJobs({job(QStringLiteral("r1"), QStringLiteral("c"), QStringLiteral("a")),
                                      job(QStringLiteral("r1"), QStringLiteral("c"), QStringLiteral("b")),
                                      job(QStringLiteral("r1"), QStringLiteral("c"), QStringLiteral("c")),
                                      job(QStringLiteral("r1"), QStringLiteral("c"), QStringLiteral("d")),
                                      job(QStringLiteral("r2"), QStringLiteral("c"), QStringLiteral("a"))});
        QVERIFY(rows);
        QCOMPARE(rows->size(), 5);
        const qint64 a = rows->at(0).id, b = rows->at(1).id, c = rows->at(2).id, dd = rows->at(3).id;
        QVERIFY(store.markInFlight({a, b, c}));
        store.recordResult(doneResult(a, {{"care", 0.5}}));
        JobResult failed;
        failed.jobId = b;
        failed.status = JobStatus::Failed;
        failed.attempts = 4;
        failed.error = QStringLiteral("HTTP 500 four times");
        store.recordResult(failed);
        // No explicit flush: unfinishedJobs must see queued results, or resume would re-run them.

        auto open = store.unfinishedJobs({QStringLiteral("r1")}, false);
        QVERIFY(open);
        QCOMPARE(open->size(), 2);
        QCOMPARE(open->at(0).id, c);
        QCOMPARE(open->at(0).status, JobStatus::InFlight);   // left by a crash
        QCOMPARE(open->at(1).id, dd);
        QCOMPARE(open->at(1).status, JobStatus::Pending);

        auto withFailed = store.unfinishedJobs({QStringLiteral("r1")}, true);
        QVERIFY(withFailed);
        QCOMPARE(withFailed->size(), 3);
        QCOMPARE(withFailed->at(0).id, b);
        QCOMPARE(withFailed->at(0).status, JobStatus::Failed);
        QCOMPARE(withFailed->at(0).attempts, 4);
        QCOMPARE(withFailed->at(0).lastError, QStringLiteral("HTTP 500 four times"));

        auto all = store.unfinishedJobs({}, false);
        QVERIFY(all);
        QCOMPARE(all->size(), 3);   // c, d and r2's job

        auto counts = store.counts({QStringLiteral("r1")});
        QVERIFY(counts);
        QCOMPARE(counts->jobs, 4);
        QCOMPARE(counts->done, 1);
        QCOMPARE(counts->failed, 1);
        QCOMPARE(counts->inFlight, 1);
        QCOMPARE(counts->pending, 2);

        // The failed job is re-run and succeeds: scores replace nothing, status flips, completed_at set.
        store.recordResult(doneResult(b, {{"care", 0.9}}));
        auto after = store.unfinishedJobs({QStringLiteral("r1")}, true);
        QVERIFY(after);
        QCOMPARE(after->size(), 2);
    }

    void batchedWritesVisibleAfterFlush()
    {
        ResultStore store;
        QVERIFY(store.open(m_path));
        store.setFlushPolicy(500, 0);
        auto rows = store.ensureJobs({job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a"))});
        QVERIFY(rows);
        const qint64 id = rows->first().id;
        CallRecord call;
        call.jobId = 777;   // the router's id: not stored
        call.deploymentId = QStringLiteral("openai-1");
        call.provider = QStringLiteral("openai");
        call.group = QStringLiteral("gpt-4o");
        call.httpStatus = 429;
        call.errorClass = ErrorClass::RateLimited;
        call.startedAt = utc("2024-05-01T12:00:00.000Z");
        store.recordCall(call, id);
        call.httpStatus = 200;
        call.errorClass = ErrorClass::None;
        call.usage = Usage{100, 20, 50, 0, true};
        call.costMicros = 99;
        store.recordCall(call, id);
        store.recordRawResponse(id, 1, QStringLiteral("first, invalid reply"));
        JobResult result = doneResult(id, {{"care", 0.25}, {"fairness", 0.75}});
        result.attempts = 2;   // the re-ask answered
        store.recordResult(result);
        QCOMPARE(store.queuedRows(), 2 + 4 + 1);

        RawDb raw(m_path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM calls")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT status FROM jobs")).toString(), QStringLiteral("pending"));

        QVERIFY(store.flush());
        QCOMPARE(store.queuedRows(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM calls")).toInt(), 2);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT error_class FROM calls WHERE http_status=429")).toString(), QStringLiteral("rate_limited"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT job_id FROM calls WHERE http_status=200")).toLongLong(), id);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT status FROM jobs")).toString(), QStringLiteral("done"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM scores WHERE job_id=%1").arg(id)).toInt(), 2);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM raw_responses WHERE job_id=%1").arg(id)).toInt(), 2);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT text FROM raw_responses WHERE attempt=1")).toString(), QStringLiteral("first, invalid reply"));
        QCOMPARE(raw.scalar(QStringLiteral("SELECT text FROM raw_responses WHERE attempt=2")).toString(), QStringLiteral("{}"));
        QVERIFY(!raw.scalar(QStringLiteral("SELECT completed_at FROM jobs")).toString().isEmpty());

        auto c = store.counts();
        QVERIFY(c);
        QCOMPARE(c->calls, 2);
        QCOMPARE(c->http429, 1);
    }

    void flushesAtRowThreshold()
    {
        ResultStore store;
        QVERIFY(store.open(m_path));
        store.setFlushPolicy(10, 0);
        QList<JobRow> plan;
        for (int i = 0; i < 5; ++i)
            plan << job(QStringLiteral("r"), QStringLiteral("c"), QString::number(i));
        auto rows = store.ensureJobs(plan);
        QVERIFY(rows);
        RawDb raw(m_path);
        store.recordResult(doneResult(rows->at(0).id, {{"a", 1}, {"b", 1}, {"c", 1}}));   // 5 rows
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status='done'")).toInt(), 0);
        store.recordResult(doneResult(rows->at(1).id, {{"a", 1}, {"b", 1}, {"c", 1}}));   // 10 rows: flushed
        QCOMPARE(store.queuedRows(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status='done'")).toInt(), 2);
    }

    void timerFlushesWithoutExplicitCall()
    {
        ResultStore store;
        QVERIFY(store.open(m_path));   // default policy: 500 rows / 100 ms
        auto rows = store.ensureJobs({job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a"))});
        QVERIFY(rows);
        store.recordResult(doneResult(rows->first().id, {{"care", 1}}));
        RawDb raw(m_path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT status FROM jobs")).toString(), QStringLiteral("pending"));
        QTRY_COMPARE(store.queuedRows(), 0);   // needs the event loop: the store's QTimer
        QCOMPARE(raw.scalar(QStringLiteral("SELECT status FROM jobs")).toString(), QStringLiteral("done"));
    }

    void closeFlushes()
    {
        {
            ResultStore store;
            QVERIFY(store.open(m_path));
            store.setFlushPolicy(500, 0);
            auto rows = store.ensureJobs({job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a"))});
            QVERIFY(rows);
            store.recordResult(doneResult(rows->first().id, {{"care", 1}}));
        }
        RawDb raw(m_path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT status FROM jobs")).toString(), QStringLiteral("done"));
    }

    void crashLosesNothingFlushed()
    {
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--crash-writer"), m_path});
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitCode(), 42);
        // The WAL file is still there: nothing checkpointed or closed it.
        QVERIFY(QFile::exists(m_path + QStringLiteral("-wal")));

        ResultStore store;
        QVERIFY(store.open(m_path));
        auto c = store.counts();
        QVERIFY(c);
        QCOMPARE(c->jobs, 3);
        QCOMPARE(c->done, 2);
        QCOMPARE(c->inFlight, 1);
        auto open = store.unfinishedJobs({QStringLiteral("r")}, false);
        QVERIFY(open);
        QCOMPARE(open->size(), 1);
        QCOMPARE(open->first().textId, QStringLiteral("c"));
        auto conn = store.connectionName();
        auto detail = jobDetail(conn, open->first().id - 1);
        QVERIFY(detail);
        QCOMPARE(detail->scores.size(), 1);
        QCOMPARE(*detail->scores.first().score, 0.2);
    }

    void rerunReplacesScoresAndUnknownJobIsIgnored()
    {
        ResultStore store;
        QVERIFY(store.open(m_path));
        store.setFlushPolicy(500, 0);
        auto rows = store.ensureJobs({job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a"))});
        QVERIFY(rows);
        const qint64 id = rows->first().id;
        store.recordResult(doneResult(id, {{"care", 0.1}, {"old", 0.2}}));
        store.recordResult(doneResult(99999, {{"care", 0.1}}));   // not a job: dropped, batch still commits
        QVERIFY(store.flush());
        store.recordResult(doneResult(id, {{"care", 0.3}}));
        QVERIFY(store.flush());
        auto d = jobDetail(store.connectionName(), id);
        QVERIFY(d);
        QCOMPARE(d->scores.size(), 1);
        QCOMPARE(d->scores.first().dimension, QStringLiteral("care"));
        QCOMPARE(*d->scores.first().score, 0.3);
        RawDb raw(m_path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM scores")).toInt(), 1);
    }

    void spendLedgerSumsOverAPeriod()
    {
        const QDateTime t0 = utc("2024-05-01T00:00:00.000Z");
        {
            ResultStore store;
            QVERIFY(store.open(m_path));
            QVERIFY(store.addSpend({t0.addDays(-2), 1000, QStringLiteral("old-run")}));
            QVERIFY(store.addSpend({t0, 20, QStringLiteral("r1")}));   // at the boundary: counted
            QVERIFY(store.addSpend({t0.addSecs(3600), 300, QStringLiteral("r2")}));
            // A different UTC offset for the same kind of instant must compare correctly.
            QVERIFY(store.addSpend({t0.addSecs(7200).toOffsetFromUtc(-5 * 3600), 4000, QStringLiteral("r2")}));
            auto s = store.spendSince(t0);   // flushes first
            QVERIFY(s);
            QCOMPARE(*s, 4320);
            auto all = store.spendSince(t0.addDays(-30));
            QVERIFY(all);
            QCOMPARE(*all, 5320);
            auto none = store.spendSince(t0.addDays(1));
            QVERIFY(none);
            QCOMPARE(*none, 0);
        }
        ResultStore again;   // spans runs and processes
        QVERIFY(again.open(m_path));
        auto s = again.spendSince(t0.addSecs(3600));
        QVERIFY(s);
        QCOMPARE(*s, 4300);
    }

    void calibrationRoundTrip()
    {
        {
            ResultStore store;
            QVERIFY(store.open(m_path));
            QVERIFY(store.saveCalibration(QStringLiteral("anthropic"), QStringLiteral("claude-sonnet"), 1.12, 10));
            QVERIFY(store.saveCalibration(QStringLiteral("anthropic"), QStringLiteral("claude-sonnet"), 1.15, 25));
            QVERIFY(store.saveCalibration(QStringLiteral("gemini"), QStringLiteral("gemini-2.0-flash"), 0.93, 3));
        }
        ResultStore store;
        QVERIFY(store.open(m_path));
        auto cal = store.calibrations();
        QVERIFY(cal);
        QCOMPARE(cal->size(), 2);
        QCOMPARE(cal->at(0).provider, QStringLiteral("anthropic"));
        QCOMPARE(cal->at(0).factor, 1.15);
        QCOMPARE(cal->at(0).samples, 25);
        QCOMPARE(cal->at(1).model, QStringLiteral("gemini-2.0-flash"));
    }

    void noSecretsInTheDatabase()
    {
        const QByteArray secret = "sk-" "live-0123456789abcdef";
        {
            ResultStore store;
            QVERIFY(store.open(m_path));
            const QByteArray yaml = "model_list:\n  - model_name: gpt\n    litellm_params:\n      api_key: " + secret
                + "\n      other_key: os.environ/OTHER\n  - litellm_params: {model: x}\n    api_key: \"os.environ/OPENAI_KEY\"\n";
            QVERIFY(store.upsertExperiment(QStringLiteral("e"), QString(), yaml));
            RawDb raw(m_path);
            const QString stored = raw.scalar(QStringLiteral("SELECT config_yaml FROM experiments")).toString();
            QVERIFY2(!stored.contains(QString::fromLatin1(secret)), qPrintable(stored));
            QVERIFY(stored.contains(QLatin1String("api_key: \"<redacted>\"")));
            QVERIFY(stored.contains(QLatin1String("api_key: \"os.environ/OPENAI_KEY\"")));   // references are not secrets
        }
        for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
            QFile f(m_path + suffix);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            QVERIFY(!f.readAll().contains(secret));
        }
    }

    void queryApiPagingAndFilters()
    {
        ResultStore store;
        QVERIFY(store.open(m_path));
        const QList<qint64> ids = fillSample(store);
        QCOMPARE(ids.size(), 5);
        const QString conn = store.connectionName();

        auto n = countResults(conn, {});
        QVERIFY(n);
        QCOMPARE(*n, 5);
        ResultFilter byModel;
        byModel.model = QStringLiteral("gpt-4o");
        QCOMPARE(*countResults(conn, byModel), 2);
        ResultFilter byStatus;
        byStatus.status = QStringLiteral("done");
        QCOMPARE(*countResults(conn, byStatus), 3);
        ResultFilter byRun;
        byRun.runId = QStringLiteral("claude-x");
        QCOMPARE(*countResults(conn, byRun), 2);
        ResultFilter byText;
        byText.textLike = QStringLiteral("T1");   // case-insensitive substring
        QCOMPARE(*countResults(conn, byText), 3);
        byText.textLike = QStringLiteral("_");    // a LIKE wildcard taken literally
        QCOMPARE(*countResults(conn, byText), 1);
        byText.textLike = QStringLiteral("%");
        QCOMPARE(*countResults(conn, byText), 0);
        ResultFilter byExperiment;
        byExperiment.experiment = QStringLiteral("exp-b");
        QCOMPARE(*countResults(conn, byExperiment), 1);
        ResultFilter combined;
        combined.model = QStringLiteral("gpt-4o");
        combined.textLike = QStringLiteral("t1");
        combined.status = QStringLiteral("done");
        QCOMPARE(*countResults(conn, combined), 1);

        auto page1 = fetchResults(conn, {}, 0, 2);
        QVERIFY(page1);
        QCOMPARE(page1->size(), 2);
        QCOMPARE(page1->at(0).jobId, ids[0]);
        QCOMPARE(page1->at(0).experiment, QStringLiteral("exp-a"));
        QCOMPARE(page1->at(0).modelGroup, QStringLiteral("gpt-4o"));
        QCOMPARE(page1->at(0).framework, QStringLiteral("mft"));
        QCOMPARE(page1->at(0).status, JobStatus::Done);
        QCOMPARE(page1->at(0).promptTokens, 1200);
        QCOMPARE(page1->at(0).costMicros, 1234);
        QCOMPARE(page1->at(0).completedAt, QStringLiteral("2024-05-01T12:00:00.000Z"));
        QCOMPARE(page1->at(0).scoresText(), QStringLiteral("care=0.7 fairness=0.25"));
        QCOMPARE(page1->at(1).scores.size(), 2);
        QVERIFY(!page1->at(1).scores.at(0).score.has_value());
        QCOMPARE(page1->at(1).textId, QStringLiteral("discours_\u00e9,2"));

        auto page3 = fetchResults(conn, {}, 4, 2);
        QVERIFY(page3);
        QCOMPARE(page3->size(), 1);
        QCOMPARE(page3->at(0).jobId, ids[4]);
        auto beyond = fetchResults(conn, {}, 10, 2);
        QVERIFY(beyond);
        QVERIFY(beyond->isEmpty());

        // Keyset paging walks the same rows in the same order.
        QList<qint64> walked;
        qint64 after = 0;
        for (;;) {
            auto p = fetchResultsAfter(conn, {}, after, 2);
            QVERIFY(p);
            if (p->isEmpty())
                break;
            for (const ResultRowView &r : *p)
                walked << r.jobId;
            after = p->last().jobId;
        }
        QCOMPARE(walked, ids);

        auto failedOnly = fetchResults(conn, ResultFilter{{}, {}, QStringLiteral("failed"), {}, {}}, 0, 10);
        QVERIFY(failedOnly);
        QCOMPARE(failedOnly->size(), 1);
        QCOMPARE(failedOnly->at(0).error, QStringLiteral("parse failed: \"bad\" json,\nat line 1"));
        QVERIFY(failedOnly->at(0).scores.isEmpty());

        auto d = jobDetail(conn, ids[0]);
        QVERIFY(d);
        QCOMPARE(d->row.textId, QStringLiteral("t1"));
        QCOMPARE(d->scores.size(), 2);
        QCOMPARE(d->scores.at(0).evidence, QStringLiteral("He said \"care\", twice"));
        QCOMPARE(d->rawResponses.size(), 1);
        QCOMPARE(d->rawResponses.at(0).text, QStringLiteral("{\"care\":{\"score\":0.7}}"));
        QVERIFY(!jobDetail(conn, 12345));

        auto means = meanScores(conn, {});
        QVERIFY(means);
        // claude has no scores; gpt-4o care has one NULL (left out), m has two.
        QCOMPARE(means->size(), 4);
        QCOMPARE(means->at(0).modelGroup, QStringLiteral("gpt-4o"));
        QCOMPARE(means->at(0).dimension, QStringLiteral("care"));
        QCOMPARE(means->at(0).count, 1);
        QCOMPARE(means->at(0).mean, 0.7);
        QCOMPARE(means->at(1).dimension, QStringLiteral("fairness"));
        QCOMPARE(means->at(1).mean, 0.625);
        QCOMPARE(means->at(1).count, 2);
        QCOMPARE(means->at(2).modelGroup, QStringLiteral("m"));
        auto meansB = meanScores(conn, byExperiment);
        QVERIFY(meansB);
        QCOMPARE(meansB->size(), 2);

        QCOMPARE(*runIds(conn), (QStringList{QStringLiteral("gpt-mft"), QStringLiteral("claude-x"), QStringLiteral("other")}));
        QCOMPARE(*modelGroups(conn), (QStringList{QStringLiteral("claude"), QStringLiteral("gpt-4o"), QStringLiteral("m")}));
        QCOMPARE(*experimentNames(conn), (QStringList{QStringLiteral("exp-a"), QStringLiteral("exp-b")}));

        auto runs = store.runs();
        QVERIFY(runs);
        QCOMPARE(runs->size(), 3);
        QCOMPARE(runs->at(1).dimensions, (QStringList{QStringLiteral("fairness"), QStringLiteral("novelty")}));
        QCOMPARE(runs->at(2).experiment, QStringLiteral("exp-b"));
    }

    void readConnectionAndBatchedCalls()
    {
        qint64 second = 0;
        {
            ResultStore store;
            QVERIFY(store.open(m_path));
            auto rows = store.ensureJobs({job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("a")),
                                          job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("b"))});
            QVERIFY(rows);
            second = rows->at(1).id;
            CallRecord call;
            call.httpStatus = 200;
            call.requestId = QStringLiteral("req_1");
            store.recordCall(call, {rows->at(0).id, second});   // one HTTP call for two texts
            QVERIFY(store.flush());
        }
        auto conn = openReadConnection(m_path);
        QVERIFY2(conn, conn ? "" : qPrintable(conn.error().toString()));
        auto d = jobDetail(*conn, second);
        QVERIFY(d);
        QCOMPARE(d->calls.size(), 1);
        QCOMPARE(d->calls.first().requestId, QStringLiteral("req_1"));
        {
            QSqlQuery q(QSqlDatabase::database(*conn));
            QVERIFY(!q.exec(QStringLiteral("DELETE FROM jobs")));   // read-only
        }
        closeReadConnection(*conn);
        QVERIFY(!QSqlDatabase::contains(*conn));
        QVERIFY(!countResults(*conn, {}));
        QVERIFY(!openReadConnection(m_dir.filePath(QStringLiteral("missing.sqlite"))));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("missing.sqlite"))));
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_n = 0;
};

int main(int argc, char **argv)
{
    if (argc == 3 && qstrcmp(argv[1], "--crash-writer") == 0) {
        QCoreApplication app(argc, argv);
        return crashWriter(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    TstResultStore tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_resultstore.moc"
