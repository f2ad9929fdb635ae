#include "core/storage/resultstore.h"

#include "core/common/logging.h"
#include "core/storage/sqlhelpers_p.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QThread>
#include <QTimer>

#include <optional>

namespace wb {

using namespace storage_detail;

QString jobStatusName(JobStatus s)
{
    switch (s) {
    case JobStatus::Pending: return QStringLiteral("pending");
    case JobStatus::InFlight: return QStringLiteral("in_flight");
    case JobStatus::Done: return QStringLiteral("done");
    case JobStatus::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("pending");
}

JobStatus jobStatusFromName(const QString &name)
{
    if (name == QLatin1String("done"))
        return JobStatus::Done;
    if (name == QLatin1String("failed"))
        return JobStatus::Failed;
    if (name == QLatin1String("in_flight"))
        return JobStatus::InFlight;
    return JobStatus::Pending;
}

namespace storage_detail {

Result<void> configureConnection(QSqlDatabase &db, const QString &path, bool readOnly)
{
    QSqlQuery q(db);
    // WAL: readers (the results view, an export) never block the engine's writer and vice versa.
    // It must be set outside a transaction; it is persistent, so read-only connections skip it.
    if (!readOnly) {
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
            return std::unexpected(sqlError(QStringLiteral("not a usable SQLite database"), q.lastError(), path));
        if (q.next() && q.value(0).toString() != QLatin1String("wal"))
            qCInfo(lcStorage) << "journal mode is" << q.value(0).toString() << "for" << path;
        q.finish();
    }
    // NORMAL in WAL mode syncs at checkpoints, not at every commit: a committed transaction survives
    // an application crash (the case --resume is for); only a power cut can lose the last commits.
    const QStringList pragmas = {
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("PRAGMA foreign_keys=ON"),
        QStringLiteral("PRAGMA busy_timeout=5000"),
        // The default 2 MB page cache thrashes on a million-job database (index inserts, the
        // results view, exports); 32 MB per connection and memory-mapped reads keep them off
        // the read() syscall path (the map is file-backed and reclaimable, capped at 256 MB so it does
        // not dominate a process's resident size). Both are per connection and need no schema change.
        QStringLiteral("PRAGMA cache_size=-32768"),
        QStringLiteral("PRAGMA mmap_size=268435456"),
    };
    for (const QString &p : pragmas) {
        if (!q.exec(p))
            return std::unexpected(sqlError(p, q.lastError(), path));
    }
    if (readOnly && !q.exec(QStringLiteral("PRAGMA query_only=ON")))
        return std::unexpected(sqlError(QStringLiteral("query_only"), q.lastError(), path));
    // Fail here, with the path, rather than on the first query: a file that is not SQLite opens fine.
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")))
        return std::unexpected(sqlError(QStringLiteral("not a usable SQLite database"), q.lastError(), path));
    q.finish();
    return {};
}

Result<QSqlDatabase> openConnection(const QString &path, const QString &purpose, bool readOnly)
{
    // QSqlDatabase connections may only be used on the thread that created them, and a name may
    // be registered once: the name carries the thread id and a process-wide counter.
    static QAtomicInteger<quint64> counter;
    const QString name = QStringLiteral("wb.storage.%1.%2.%3")
                             .arg(purpose)
                             .arg(quintptr(QThread::currentThreadId()), 0, 16)
                             .arg(counter.fetchAndAddRelaxed(1));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(name);
        return fail(QStringLiteral("the Qt SQLite driver (QSQLITE) is not available"), path);
    }
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        const Error e = sqlError(QStringLiteral("cannot open database"), db.lastError(), path);
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::unexpected(e);
    }
    if (auto r = configureConnection(db, path, readOnly); !r) {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::unexpected(r.error());
    }
    return db;
}

void closeConnection(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace storage_detail

namespace {

// Strings stored in calls.error_class. They are part of the database contract, so they are
// spelled here rather than borrowed from a display name elsewhere.
QString errorClassKey(ErrorClass c)
{
    switch (c) {
    case ErrorClass::None: return {};
    case ErrorClass::RateLimited: return QStringLiteral("rate_limited");
    case ErrorClass::Overloaded: return QStringLiteral("overloaded");
    case ErrorClass::ContextTooLong: return QStringLiteral("context_too_long");
    case ErrorClass::Auth: return QStringLiteral("auth");
    case ErrorClass::Transient: return QStringLiteral("transient");
    case ErrorClass::Fatal: return QStringLiteral("fatal");
    case ErrorClass::BudgetExceeded: return QStringLiteral("budget_exceeded");
    }
    return {};
}

// Each entry is one migration step: applied in one transaction together with the user_version
// bump, so a database is always at exactly one version. Append steps; never edit a shipped one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        // 1: initial schema (DESIGN §4).
        {
            QStringLiteral("CREATE TABLE schema_version ("
                           " version INTEGER PRIMARY KEY,"
                           " applied_at TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE experiments ("
                           " id INTEGER PRIMARY KEY,"
                           " name TEXT NOT NULL UNIQUE,"
                           " description TEXT,"
                           " config_yaml TEXT,"
                           " created_at TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE runs ("
                           " run_id TEXT PRIMARY KEY,"
                           " experiment_id INTEGER REFERENCES experiments(id),"
                           " model_group TEXT,"
                           " framework TEXT,"
                           " corpus TEXT,"
                           " dimensions TEXT NOT NULL DEFAULT '[]',"   // JSON array of dimension ids
                           " created_at TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE texts ("
                           " corpus TEXT NOT NULL,"
                           " text_id TEXT NOT NULL,"
                           " sha256 TEXT,"
                           " chars INTEGER NOT NULL DEFAULT 0,"
                           " tokens_o200k INTEGER NOT NULL DEFAULT 0,"
                           " PRIMARY KEY (corpus, text_id))"),
            QStringLiteral("CREATE TABLE jobs ("
                           " id INTEGER PRIMARY KEY,"
                           " key TEXT NOT NULL UNIQUE,"
                           " run_id TEXT NOT NULL REFERENCES runs(run_id),"
                           " corpus TEXT,"
                           " text_id TEXT,"
                           " repetition INTEGER NOT NULL DEFAULT 1,"
                           " status TEXT NOT NULL DEFAULT 'pending'"
                           "  CHECK (status IN ('pending','in_flight','done','failed')),"
                           " attempts INTEGER NOT NULL DEFAULT 0,"
                           " last_error TEXT,"
                           " deployment_id TEXT,"
                           " provider TEXT,"
                           " model_version TEXT,"
                           " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
                           " completion_tokens INTEGER NOT NULL DEFAULT 0,"
                           " cached_tokens INTEGER NOT NULL DEFAULT 0,"
                           " cache_write_tokens INTEGER NOT NULL DEFAULT 0,"
                           " cost_micros INTEGER NOT NULL DEFAULT 0,"
                           " latency_ms INTEGER NOT NULL DEFAULT 0,"
                           " updated_at TEXT,"
                           " completed_at TEXT)"),
            // job_id is deliberately not a foreign key: a call is a record of money spent and must
            // be kept even if the caller passes an id the store does not know (and a bad id must
            // never wedge the write queue).
            QStringLiteral("CREATE TABLE calls ("
                           " id INTEGER PRIMARY KEY,"
                           " job_id INTEGER,"
                           " deployment_id TEXT,"
                           " provider TEXT,"
                           " model_group TEXT,"
                           " model_version TEXT,"
                           " http_status INTEGER NOT NULL DEFAULT 0,"
                           " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
                           " completion_tokens INTEGER NOT NULL DEFAULT 0,"
                           " cached_tokens INTEGER NOT NULL DEFAULT 0,"
                           " cache_write_tokens INTEGER NOT NULL DEFAULT 0,"
                           " cost_micros INTEGER NOT NULL DEFAULT 0,"
                           " latency_ms INTEGER NOT NULL DEFAULT 0,"
                           " request_id TEXT,"
                           " error_class TEXT,"
                           " error_message TEXT,"
                           " started_at TEXT)"),
            // Only for batched calls (one HTTP call, several texts): every job the call served.
            QStringLiteral("CREATE TABLE call_jobs ("
                           " job_id INTEGER NOT NULL,"
                           " call_id INTEGER NOT NULL,"
                           " PRIMARY KEY (job_id, call_id)) WITHOUT ROWID"),
            // Clustered on (job_id, dimension): a job's scores sit together, so a page of the
            // results view, an export (in job order) and the per-run means read them sequentially.
            // The primary key is the scores(job_id) index.
            QStringLiteral("CREATE TABLE scores ("
                           " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                           " dimension TEXT NOT NULL,"
                           " score REAL,"
                           " evidence TEXT,"
                           " PRIMARY KEY (job_id, dimension)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE raw_responses ("
                           " job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
                           " attempt INTEGER NOT NULL,"
                           " text TEXT,"
                           " received_at TEXT)"),
            QStringLiteral("CREATE TABLE spend_ledger ("
                           " id INTEGER PRIMARY KEY,"
                           " at TEXT NOT NULL,"
                           " micros INTEGER NOT NULL,"
                           " run_id TEXT)"),
            QStringLiteral("CREATE TABLE calibration ("
                           " provider TEXT NOT NULL,"
                           " model TEXT NOT NULL,"
                           " factor REAL NOT NULL,"
                           " samples INTEGER NOT NULL DEFAULT 0,"
                           " updated_at TEXT NOT NULL,"
                           " PRIMARY KEY (provider, model))"),
            // For the results browser and resume: filter by run and status, by text; fetch a page's
            // scores (the scores primary key) and a job's calls.
            QStringLiteral("CREATE INDEX idx_jobs_run_status ON jobs(run_id, status)"),
            QStringLiteral("CREATE INDEX idx_jobs_text ON jobs(text_id)"),
            QStringLiteral("CREATE UNIQUE INDEX idx_raw_job ON raw_responses(job_id, attempt)"),
            QStringLiteral("CREATE INDEX idx_calls_job ON calls(job_id)"),
            QStringLiteral("CREATE INDEX idx_ledger_at ON spend_ledger(at)"),
        },
    };
    return steps;
}

// Secrets never go into the database. An experiment snapshot should not hold any, but if a caller
// hands over a model list with a literal key, blank it rather than store it.
QString redactSecrets(const QString &yaml)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(\s*-?\s*(?:api_key|aws_secret_access_key|aws_session_token|vertex_credentials)\s*:\s*)(?!os\.environ/|keychain/|["']?(?:os\.environ/|keychain/))(\S.*)$)"),
        QRegularExpression::MultilineOption);
    QString out = yaml;
    out.replace(re, QStringLiteral("\\1\"<redacted>\""));
    return out;
}

struct QueuedCall {
    CallRecord call;
    QList<qint64> jobIds;
};
struct QueuedRaw {
    qint64 jobId = 0;
    int attempt = 0;
    QString text;
    QString at;
};
struct QueuedResult {
    JobResult result;
    QString completedAt;
};

} // namespace

class ResultStore::Private {
public:
    QString path;
    QString connName;
    QSqlDatabase db;
    int version = 0;

    QList<QueuedCall> calls;
    QList<QueuedResult> results;
    QList<QueuedRaw> raws;
    QList<LedgerEntry> ledger;
    qint64 queuedRows = 0;
    int maxRows = 500;
    int intervalMs = 100;
    std::unique_ptr<QTimer> timer;

    // Prepared once per connection: flush() only binds and steps.
    std::optional<QSqlQuery> insCall, insCallJob, updJob, delScores, insScore, insRaw, insRawIfJob, insLedger;

    bool isOpen() const { return db.isValid() && db.isOpen(); }

    Result<void> migrate();
    Result<void> prepare();
    Result<void> flush();
    void queued(qint64 rows);
    Result<void> begin() { return execSql(db, QStringLiteral("BEGIN IMMEDIATE"), path); }
    Result<void> commit() { return execSql(db, QStringLiteral("COMMIT"), path); }
    void rollback() { (void)execSql(db, QStringLiteral("ROLLBACK"), path); }
};

Result<void> ResultStore::Private::migrate()
{
    const auto &steps = migrations();
    const int latest = int(steps.size());
    auto readVersion = [this]() -> Result<int> {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
            return std::unexpected(sqlError(QStringLiteral("reading user_version"), q.lastError(), path));
        return q.value(0).toInt();
    };
    auto v = readVersion();
    if (!v)
        return std::unexpected(v.error());
    if (*v > latest)
        return fail(QStringLiteral("the database has schema version %1, newer than this program supports (%2); "
                                   "use a newer Discernus Workbench")
                        .arg(*v)
                        .arg(latest),
                    path);
    while (*v < latest) {
        if (auto r = begin(); !r)
            return r;
        // Re-read under the write lock: another process may have migrated meanwhile.
        v = readVersion();
        if (!v) {
            rollback();
            return std::unexpected(v.error());
        }
        if (*v >= latest) {
            rollback();
            break;
        }
        const int next = *v + 1;
        for (const QString &sql : steps[next - 1]) {
            if (auto r = execSql(db, sql, path); !r) {
                rollback();
                return fail(QStringLiteral("migration to schema version %1 failed: %2").arg(next).arg(r.error().message), path);
            }
        }
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO schema_version(version, applied_at) VALUES (?, ?)"));
        q.addBindValue(next);
        q.addBindValue(nowIso());
        bool ok = q.exec();
        ok = ok && q.exec(QStringLiteral("PRAGMA user_version = %1").arg(next));
        if (!ok) {
            const Error e = sqlError(QStringLiteral("migration bookkeeping"), q.lastError(), path);
            rollback();
            return std::unexpected(e);
        }
        if (auto r = commit(); !r) {
            rollback();
            return r;
        }
        qCInfo(lcStorage) << "migrated" << path << "to schema version" << next;
        *v = next;
    }
    version = latest;
    return {};
}

Result<void> ResultStore::Private::prepare()
{
    auto make = [this](std::optional<QSqlQuery> &q, const QString &sql) -> Result<void> {
        q.emplace(db);
        if (!q->prepare(sql))
            return std::unexpected(sqlError(QStringLiteral("prepare"), q->lastError(), path));
        return {};
    };
    const std::pair<std::optional<QSqlQuery> *, QString> stmts[] = {
        {&insCall, QStringLiteral("INSERT INTO calls(job_id, deployment_id, provider, model_group, model_version,"
                                  " http_status, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens,"
                                  " cost_micros, latency_ms, request_id, error_class, error_message, started_at)"
                                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")},
        {&insCallJob, QStringLiteral("INSERT OR IGNORE INTO call_jobs(job_id, call_id) VALUES (?, ?)")},
        {&updJob, QStringLiteral("UPDATE jobs SET status=?, attempts=?, last_error=?, deployment_id=?, provider=?,"
                                 " model_version=?, prompt_tokens=?, completion_tokens=?, cached_tokens=?,"
                                 " cache_write_tokens=?, cost_micros=?, latency_ms=?, updated_at=?, completed_at=?"
                                 " WHERE id=?")},
        {&delScores, QStringLiteral("DELETE FROM scores WHERE job_id=?")},
        {&insScore, QStringLiteral("INSERT OR REPLACE INTO scores(job_id, dimension, score, evidence) VALUES (?,?,?,?)")},
        {&insRaw, QStringLiteral("INSERT OR REPLACE INTO raw_responses(job_id, attempt, text, received_at) VALUES (?,?,?,?)")},
        {&insRawIfJob, QStringLiteral("INSERT OR REPLACE INTO raw_responses(job_id, attempt, text, received_at)"
                                      " SELECT ?,?,?,? WHERE EXISTS (SELECT 1 FROM jobs WHERE id=?)")},
        {&insLedger, QStringLiteral("INSERT INTO spend_ledger(at, micros, run_id) VALUES (?,?,?)")},
    };
    for (const auto &[q, sql] : stmts) {
        if (auto r = make(*q, sql); !r)
            return r;
    }
    return {};
}

void ResultStore::Private::queued(qint64 rows)
{
    queuedRows += rows;
    if (queuedRows >= maxRows) {
        if (auto r = flush(); !r)
            qCWarning(lcStorage) << "flush failed, rows kept for the next attempt:" << r.error().toString();
        return;
    }
    if (timer && intervalMs > 0 && !timer->isActive())
        timer->start(intervalMs);
}

Result<void> ResultStore::Private::flush()
{
    if (queuedRows == 0)
        return {};
    if (!isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (timer)
        timer->stop();
    if (auto r = begin(); !r)
        return r;

    auto failed = [this](QSqlQuery &q, const QString &what) -> Result<void> {
        const Error e = sqlError(what, q.lastError(), path);
        rollback();
        // The queue is kept: a transient problem (disk full, a lock held too long) heals on a later flush.
        if (timer && intervalMs > 0)
            timer->start(intervalMs);
        return std::unexpected(e);
    };

    for (const QueuedCall &c : std::as_const(calls)) {
        QSqlQuery &q = *insCall;
        const CallRecord &r = c.call;
        q.bindValue(0, c.jobIds.isEmpty() ? QVariant() : QVariant(c.jobIds.first()));
        q.bindValue(1, r.deploymentId);
        q.bindValue(2, r.provider);
        q.bindValue(3, r.group);
        q.bindValue(4, r.modelVersion);
        q.bindValue(5, r.httpStatus);
        q.bindValue(6, r.usage.promptTokens);
        q.bindValue(7, r.usage.completionTokens);
        q.bindValue(8, r.usage.cachedTokens);
        q.bindValue(9, r.usage.cacheWriteTokens);
        q.bindValue(10, r.costMicros);
        q.bindValue(11, r.latencyMs);
        q.bindValue(12, r.requestId);
        q.bindValue(13, errorClassKey(r.errorClass));
        q.bindValue(14, r.errorMessage);
        q.bindValue(15, r.startedAt.isValid() ? QVariant(isoUtc(r.startedAt)) : QVariant());
        if (!q.exec())
            return failed(q, QStringLiteral("insert call"));
        if (c.jobIds.size() > 1) {
            const qint64 callId = q.lastInsertId().toLongLong();
            for (qint64 jid : c.jobIds) {
                QSqlQuery &l = *insCallJob;
                l.bindValue(0, jid);
                l.bindValue(1, callId);
                if (!l.exec())
                    return failed(l, QStringLiteral("insert call_jobs"));
            }
        }
    }

    // Intermediate replies before final results, so a final reply with the same attempt number wins.
    for (const QueuedRaw &r : std::as_const(raws)) {
        QSqlQuery &q = *insRawIfJob;
        q.bindValue(0, r.jobId);
        q.bindValue(1, r.attempt);
        q.bindValue(2, r.text);
        q.bindValue(3, r.at);
        q.bindValue(4, r.jobId);
        if (!q.exec())
            return failed(q, QStringLiteral("insert raw response"));
    }

    for (const QueuedResult &qr : std::as_const(results)) {
        const JobResult &r = qr.result;
        QSqlQuery &u = *updJob;
        u.bindValue(0, jobStatusName(r.status));
        u.bindValue(1, r.attempts);
        u.bindValue(2, r.error);
        u.bindValue(3, r.deploymentId);
        u.bindValue(4, r.provider);
        u.bindValue(5, r.modelVersion);
        u.bindValue(6, r.usage.promptTokens);
        u.bindValue(7, r.usage.completionTokens);
        u.bindValue(8, r.usage.cachedTokens);
        u.bindValue(9, r.usage.cacheWriteTokens);
        u.bindValue(10, r.costMicros);
        u.bindValue(11, r.latencyMs);
        u.bindValue(12, qr.completedAt);
        u.bindValue(13, (r.status == JobStatus::Done || r.status == JobStatus::Failed) ? QVariant(qr.completedAt) : QVariant());
        u.bindValue(14, r.jobId);
        if (!u.exec())
            return failed(u, QStringLiteral("update job"));
        if (u.numRowsAffected() == 0) {
            // Scores would violate the foreign key and fail the whole batch; drop them loudly instead.
            qCWarning(lcStorage) << "result for unknown job id" << r.jobId << "ignored";
            continue;
        }
        // A re-run (resume of a failed job) replaces the previous scores rather than mixing them.
        QSqlQuery &d = *delScores;
        d.bindValue(0, r.jobId);
        if (!d.exec())
            return failed(d, QStringLiteral("delete scores"));
        for (const ScoreRow &s : r.scores) {
            QSqlQuery &q = *insScore;
            q.bindValue(0, r.jobId);
            q.bindValue(1, s.dimension);
            q.bindValue(2, s.score ? QVariant(*s.score) : QVariant());
            q.bindValue(3, s.evidence);
            if (!q.exec())
                return failed(q, QStringLiteral("insert score"));
        }
        QSqlQuery &raw = *insRaw;
        raw.bindValue(0, r.jobId);
        raw.bindValue(1, qMax(1, r.attempts));
        raw.bindValue(2, r.rawResponse);
        raw.bindValue(3, qr.completedAt);
        if (!raw.exec())
            return failed(raw, QStringLiteral("insert raw response"));
    }

    for (const LedgerEntry &e : std::as_const(ledger)) {
        QSqlQuery &q = *insLedger;
        q.bindValue(0, isoUtc(e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc()));
        q.bindValue(1, e.micros);
        q.bindValue(2, e.runId);
        if (!q.exec())
            return failed(q, QStringLiteral("insert ledger entry"));
    }

    if (auto r = commit(); !r) {
        rollback();
        if (timer && intervalMs > 0)
            timer->start(intervalMs);
        return r;
    }
    calls.clear();
    results.clear();
    raws.clear();
    ledger.clear();
    queuedRows = 0;
    return {};
}

ResultStore::ResultStore()
    : d(std::make_unique<Private>())
{
}

ResultStore::~ResultStore()
{
    close();
}

Result<void> ResultStore::open(const QString &path)
{
    close();
    if (path.isEmpty())
        return fail(QStringLiteral("no results database path given"));
    {
        // Scoped: no stray QSqlDatabase copy may outlive close() on the error paths below.
        auto db = openConnection(path, QStringLiteral("store"), false);
        if (!db)
            return std::unexpected(db.error());
        d->db = std::move(*db);
    }
    d->connName = d->db.connectionName();
    d->path = path;
    auto r = d->migrate();
    if (r)
        r = d->prepare();
    if (!r) {
        close();
        return r;
    }
    // The timer belongs to the thread that opened the store (the engine thread, with an event loop).
    d->timer = std::make_unique<QTimer>();
    d->timer->setSingleShot(true);
    QObject::connect(d->timer.get(), &QTimer::timeout, d->timer.get(), [this] {
        if (auto r = d->flush(); !r)
            qCWarning(lcStorage) << "periodic flush failed, rows kept:" << r.error().toString();
    });
    return {};
}

void ResultStore::close()
{
    if (d->isOpen()) {
        if (auto r = d->flush(); !r)
            qCCritical(lcStorage) << "final flush failed; unflushed results are lost (resume re-runs them):"
                                  << r.error().toString();
    }
    d->timer.reset();
    for (auto *q : {&d->insCall, &d->insCallJob, &d->updJob, &d->delScores, &d->insScore, &d->insRaw,
                    &d->insRawIfJob, &d->insLedger})
        q->reset();
    d->calls.clear();
    d->results.clear();
    d->raws.clear();
    d->ledger.clear();
    d->queuedRows = 0;
    if (!d->connName.isEmpty()) {
        d->db = QSqlDatabase();
        closeConnection(d->connName);
        d->connName.clear();
    }
    d->version = 0;
}

QString ResultStore::path() const { return d->path; }
int ResultStore::schemaVersion() const { return d->version; }
int ResultStore::latestSchemaVersion() { return int(migrations().size()); }
QString ResultStore::connectionName() const { return d->connName; }
qint64 ResultStore::queuedRows() const { return d->queuedRows; }

void ResultStore::setFlushPolicy(int maxRows, int intervalMs)
{
    d->maxRows = qMax(1, maxRows);
    d->intervalMs = qMax(0, intervalMs);
    if (d->timer && d->intervalMs == 0)
        d->timer->stop();
}

Result<qint64> ResultStore::upsertExperiment(const QString &name, const QString &description,
                                             const QByteArray &configSnapshotYaml)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (name.isEmpty())
        return fail(QStringLiteral("an experiment needs a name"));
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("INSERT INTO experiments(name, description, config_yaml, created_at) VALUES (?,?,?,?)"
                             " ON CONFLICT(name) DO UPDATE SET description=excluded.description,"
                             " config_yaml=excluded.config_yaml"));
    q.addBindValue(name);
    q.addBindValue(description);
    q.addBindValue(redactSecrets(QString::fromUtf8(configSnapshotYaml)));
    q.addBindValue(nowIso());
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("store experiment"), q.lastError(), d->path));
    q.prepare(QStringLiteral("SELECT id FROM experiments WHERE name=?"));
    q.addBindValue(name);
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("read experiment id"), q.lastError(), d->path));
    return q.value(0).toLongLong();
}

Result<void> ResultStore::upsertRun(const RunRow &run)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    QVariant experimentId;
    if (!run.experiment.isEmpty()) {
        QSqlQuery q(d->db);
        q.prepare(QStringLiteral("SELECT id FROM experiments WHERE name=?"));
        q.addBindValue(run.experiment);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read experiment"), q.lastError(), d->path));
        if (q.next()) {
            experimentId = q.value(0);
        } else {
            q.finish();
            auto id = upsertExperiment(run.experiment, {}, {});
            if (!id)
                return std::unexpected(id.error());
            experimentId = *id;
        }
    }
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("INSERT INTO runs(run_id, experiment_id, model_group, framework, corpus, dimensions, created_at)"
                             " VALUES (?,?,?,?,?,?,?) ON CONFLICT(run_id) DO UPDATE SET"
                             " experiment_id=excluded.experiment_id, model_group=excluded.model_group,"
                             " framework=excluded.framework, corpus=excluded.corpus, dimensions=excluded.dimensions"));
    q.addBindValue(run.runId);
    q.addBindValue(experimentId);
    q.addBindValue(run.modelGroup);
    q.addBindValue(run.framework);
    q.addBindValue(run.corpus);
    q.addBindValue(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(run.dimensions)).toJson(QJsonDocument::Compact)));
    q.addBindValue(nowIso());
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("store run"), q.lastError(), d->path));
    return {};
}

Result<void> ResultStore::upsertTexts(const QList<StoredText> &texts)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (auto r = d->begin(); !r)
        return r;
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("INSERT INTO texts(corpus, text_id, sha256, chars, tokens_o200k) VALUES (?,?,?,?,?)"
                             " ON CONFLICT(corpus, text_id) DO UPDATE SET sha256=excluded.sha256,"
                             " chars=excluded.chars, tokens_o200k=excluded.tokens_o200k"));
    for (const StoredText &t : texts) {
        q.bindValue(0, t.corpus);
        q.bindValue(1, t.id);
        q.bindValue(2, t.sha256);
        q.bindValue(3, t.chars);
        q.bindValue(4, t.tokensO200k);
        if (!q.exec()) {
            const Error e = sqlError(QStringLiteral("store text"), q.lastError(), d->path);
            d->rollback();
            return std::unexpected(e);
        }
    }
    if (auto r = d->commit(); !r) {
        d->rollback();
        return r;
    }
    return {};
}

namespace {
Result<QList<JobRow>> readJobs(QSqlDatabase &db, const QString &path, const QString &where, const QVariantList &binds)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT id, key, run_id, corpus, text_id, repetition, status, attempts, last_error"
                             " FROM jobs WHERE ") + where + QStringLiteral(" ORDER BY key"));
    for (int i = 0; i < binds.size(); ++i)
        q.bindValue(i, binds[i]);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("read jobs"), q.lastError(), path));
    QList<JobRow> out;
    while (q.next()) {
        JobRow j;
        j.id = q.value(0).toLongLong();
        j.key = text(q, 1);
        j.runId = text(q, 2);
        j.corpus = text(q, 3);
        j.textId = text(q, 4);
        j.repetition = q.value(5).toInt();
        j.status = jobStatusFromName(text(q, 6));
        j.attempts = q.value(7).toInt();
        j.lastError = text(q, 8);
        out.append(std::move(j));
    }
    return out;
}

QVariantList toVariants(const QStringList &l)
{
    QVariantList v;
    v.reserve(l.size());
    for (const QString &s : l)
        v.append(s);
    return v;
}
} // namespace

Result<QList<JobRow>> ResultStore::ensureJobs(const QList<JobRow> &jobs)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    QStringList runIds;
    QSet<QString> seen;
    for (const JobRow &j : jobs) {
        if (!seen.contains(j.runId)) {
            seen.insert(j.runId);
            runIds.append(j.runId);
        }
    }
    if (jobs.isEmpty())
        return QList<JobRow>{};
    if (auto r = d->begin(); !r)
        return std::unexpected(r.error());
    const QString now = nowIso();
    {
        QSqlQuery run(d->db);
        run.prepare(QStringLiteral("INSERT OR IGNORE INTO runs(run_id, created_at) VALUES (?, ?)"));
        for (const QString &id : std::as_const(runIds)) {
            run.bindValue(0, id);
            run.bindValue(1, now);
            if (!run.exec()) {
                const Error e = sqlError(QStringLiteral("store run"), run.lastError(), d->path);
                d->rollback();
                return std::unexpected(e);
            }
        }
        QSqlQuery q(d->db);
        q.prepare(QStringLiteral("INSERT OR IGNORE INTO jobs(key, run_id, corpus, text_id, repetition, status, attempts,"
                                 " updated_at) VALUES (?,?,?,?,?,'pending',0,?)"));
        for (const JobRow &j : jobs) {
            q.bindValue(0, j.key);
            q.bindValue(1, j.runId);
            q.bindValue(2, j.corpus);
            q.bindValue(3, j.textId);
            q.bindValue(4, j.repetition);
            q.bindValue(5, now);
            if (!q.exec()) {
                const Error e = sqlError(QStringLiteral("store job ") + j.key, q.lastError(), d->path);
                d->rollback();
                return std::unexpected(e);
            }
        }
    }
    if (auto r = d->commit(); !r) {
        d->rollback();
        return std::unexpected(r.error());
    }
    return readJobs(d->db, d->path, QStringLiteral("run_id IN (") + placeholders(runIds.size()) + QLatin1Char(')'),
                    toVariants(runIds));
}

Result<QList<JobRow>> ResultStore::unfinishedJobs(const QStringList &runIds, bool includeFailed)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    // Results still queued would otherwise look unfinished and be run twice.
    if (auto r = d->flush(); !r)
        return std::unexpected(r.error());
    QString where = includeFailed ? QStringLiteral("status IN ('pending','in_flight','failed')")
                                  : QStringLiteral("status IN ('pending','in_flight')");
    if (!runIds.isEmpty())
        where += QStringLiteral(" AND run_id IN (") + placeholders(runIds.size()) + QLatin1Char(')');
    return readJobs(d->db, d->path, where, toVariants(runIds));
}

Result<void> ResultStore::markInFlight(const QList<qint64> &jobIds)
{
    return setUnfinishedStatus(jobIds, JobStatus::InFlight);
}

Result<void> ResultStore::markPending(const QList<qint64> &jobIds)
{
    return setUnfinishedStatus(jobIds, JobStatus::Pending);
}

Result<void> ResultStore::setUnfinishedStatus(const QList<qint64> &jobIds, JobStatus status)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (jobIds.isEmpty())
        return {};
    if (auto r = d->begin(); !r)
        return r;
    QSqlQuery q(d->db);
    // Finished jobs keep their status: only pending/in-flight rows move between the two.
    q.prepare(QStringLiteral("UPDATE jobs SET status=?, updated_at=? WHERE id=? AND status IN ('pending','in_flight')"));
    const QString now = nowIso();
    const QString name = jobStatusName(status);
    for (qint64 id : jobIds) {
        q.bindValue(0, name);
        q.bindValue(1, now);
        q.bindValue(2, id);
        if (!q.exec()) {
            const Error e = sqlError(QStringLiteral("mark %1").arg(name), q.lastError(), d->path);
            d->rollback();
            return std::unexpected(e);
        }
    }
    if (auto r = d->commit(); !r) {
        d->rollback();
        return r;
    }
    return {};
}

void ResultStore::recordCall(const CallRecord &call, qint64 jobRowId)
{
    recordCall(call, QList<qint64>{jobRowId});
}

void ResultStore::recordCall(const CallRecord &call, const QList<qint64> &jobRowIds)
{
    d->calls.append(QueuedCall{call, jobRowIds});
    d->queued(1 + (jobRowIds.size() > 1 ? jobRowIds.size() : 0));
}

void ResultStore::recordResult(const JobResult &result)
{
    // The completion time is taken now, not at flush, so it is the time the result arrived.
    QueuedResult qr{result, isoUtc(result.completedAt.isValid() ? result.completedAt : QDateTime::currentDateTimeUtc())};
    const qint64 rows = 2 + result.scores.size();   // job update + raw response + scores
    d->results.append(std::move(qr));
    d->queued(rows);
}

void ResultStore::recordRawResponse(qint64 jobRowId, int attempt, const QString &text)
{
    d->raws.append(QueuedRaw{jobRowId, attempt, text, nowIso()});
    d->queued(1);
}

Result<void> ResultStore::flush()
{
    return d->flush();
}

Result<void> ResultStore::addSpend(const LedgerEntry &e)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    LedgerEntry entry = e;
    if (!entry.at.isValid())
        entry.at = QDateTime::currentDateTimeUtc();
    d->ledger.append(entry);
    d->queued(1);
    return {};
}

Result<qint64> ResultStore::spendSince(const QDateTime &since) const
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (auto r = d->flush(); !r)
        return std::unexpected(r.error());
    // Every recorded call's booked cost (written in the same transactions as the results, so a crash
    // cannot lose spend that a result shows), plus entries added to the ledger by hand.
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("SELECT (SELECT COALESCE(SUM(micros), 0) FROM spend_ledger WHERE at >= ?)"
                             " + (SELECT COALESCE(SUM(cost_micros), 0) FROM calls WHERE started_at >= ?)"));
    q.addBindValue(since.isValid() ? isoUtc(since) : QString());
    q.addBindValue(since.isValid() ? isoUtc(since) : QString());
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("read spend ledger"), q.lastError(), d->path));
    return q.value(0).toLongLong();
}

Result<void> ResultStore::saveCalibration(const QString &provider, const QString &model, double factor, qint64 samples)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("INSERT INTO calibration(provider, model, factor, samples, updated_at) VALUES (?,?,?,?,?)"
                             " ON CONFLICT(provider, model) DO UPDATE SET factor=excluded.factor,"
                             " samples=excluded.samples, updated_at=excluded.updated_at"));
    q.addBindValue(provider);
    q.addBindValue(model);
    q.addBindValue(factor);
    q.addBindValue(samples);
    q.addBindValue(nowIso());
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("store calibration"), q.lastError(), d->path));
    return {};
}

Result<QList<ResultStore::Calibration>> ResultStore::calibrations() const
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    QSqlQuery q(d->db);
    if (!q.exec(QStringLiteral("SELECT provider, model, factor, samples FROM calibration ORDER BY provider, model")))
        return std::unexpected(sqlError(QStringLiteral("read calibration"), q.lastError(), d->path));
    QList<Calibration> out;
    while (q.next())
        out.append(Calibration{text(q, 0), text(q, 1), q.value(2).toDouble(), q.value(3).toLongLong()});
    return out;
}

Result<QHash<QString, double>> ResultStore::meanCompletionTokensPerText() const
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (auto r = d->flush(); !r)
        return std::unexpected(r.error());
    QSqlQuery q(d->db);
    if (!q.exec(QStringLiteral("SELECT r.model_group, AVG(j.completion_tokens) FROM jobs j JOIN runs r ON r.run_id = j.run_id"
                               " WHERE j.status = 'done' AND j.completion_tokens > 0 GROUP BY r.model_group")))
        return std::unexpected(sqlError(QStringLiteral("read output history"), q.lastError(), d->path));
    QHash<QString, double> out;
    while (q.next())
        out.insert(text(q, 0), q.value(1).toDouble());
    return out;
}

Result<ResultStore::Counts> ResultStore::counts(const QStringList &runIds) const
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (auto r = d->flush(); !r)
        return std::unexpected(r.error());
    const QString in = runIds.isEmpty() ? QString()
                                        : QStringLiteral("run_id IN (") + placeholders(runIds.size()) + QLatin1Char(')');
    Counts c;
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(status='done'),0), COALESCE(SUM(status='failed'),0),"
                             " COALESCE(SUM(status='in_flight'),0) FROM jobs")
              + (in.isEmpty() ? QString() : QStringLiteral(" WHERE ") + in));
    for (int i = 0; i < runIds.size(); ++i)
        q.bindValue(i, runIds[i]);
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("count jobs"), q.lastError(), d->path));
    c.jobs = q.value(0).toLongLong();
    c.done = q.value(1).toLongLong();
    c.failed = q.value(2).toLongLong();
    c.inFlight = q.value(3).toLongLong();
    c.pending = c.jobs - c.done - c.failed;
    q.finish();
    QSqlQuery k(d->db);
    k.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(http_status=429),0) FROM calls")
              + (in.isEmpty() ? QString() : QStringLiteral(" WHERE job_id IN (SELECT id FROM jobs WHERE ") + in + QLatin1Char(')')));
    for (int i = 0; i < runIds.size(); ++i)
        k.bindValue(i, runIds[i]);
    if (!k.exec() || !k.next())
        return std::unexpected(sqlError(QStringLiteral("count calls"), k.lastError(), d->path));
    c.calls = k.value(0).toLongLong();
    c.http429 = k.value(1).toLongLong();
    return c;
}

Result<QHash<QString, QString>> ResultStore::textHashes() const
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    QSqlQuery q(d->db);
    if (!q.exec(QStringLiteral("SELECT corpus, text_id, sha256 FROM texts")))
        return std::unexpected(sqlError(QStringLiteral("read texts"), q.lastError(), d->path));
    QHash<QString, QString> out;
    while (q.next())
        out.insert(text(q, 0) + QLatin1Char('/') + text(q, 1), text(q, 2));
    return out;
}

Result<QList<RunRow>> ResultStore::runs() const
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    QSqlQuery q(d->db);
    if (!q.exec(QStringLiteral("SELECT r.run_id, e.name, r.model_group, r.framework, r.corpus, r.dimensions"
                               " FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id ORDER BY r.rowid")))
        return std::unexpected(sqlError(QStringLiteral("read runs"), q.lastError(), d->path));
    QList<RunRow> out;
    while (q.next()) {
        RunRow r;
        r.runId = text(q, 0);
        r.experiment = text(q, 1);
        r.modelGroup = text(q, 2);
        r.framework = text(q, 3);
        r.corpus = text(q, 4);
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(5).toString().toUtf8()).array())
            r.dimensions.append(v.toString());
        out.append(std::move(r));
    }
    return out;
}

} // namespace wb
