// The results database schema (the full description is in docs/FORMATS.md) and its migrations,
// keyed on PRAGMA user_version in SQLite and on the schema_version table in PostgreSQL. The schema is
// written once, in SQLite's words; postgresDdl() translates the few type names that differ.
#include "core/common/logging.h"
#include "core/storage/schema_p.h"

#include <QRegularExpression>

namespace wb::storage_detail {

namespace {

/// A statement of a migration step that PostgreSQL skips (see migrateSchema()).
const QString kSqliteOnly = QStringLiteral("-- SQLite only\n");
QString sqliteOnly(const QString &sql)
{
    return kSqliteOnly + sql;
}

/// A SQLite trigger counting a change that stored statistics depend on (schema 5).
QString versionTrigger(const QString &name, const QString &event)
{
    return QStringLiteral("CREATE TRIGGER results_version_%1 AFTER %2 BEGIN"
                          " UPDATE results_version SET version = version + 1 WHERE id = 1; END")
        .arg(name, event);
}

// Each entry is one migration step: applied in one transaction together with the user_version
// bump, so a database is always at exactly one version. Append steps; never edit a shipped one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        // 1: initial schema (docs/FORMATS.md).
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
        // 2: several workers on one run (PostgreSQL run store; docs/FORMATS.md, "PostgreSQL run store").
        // A job in flight belongs to worker_id until lease_until (epoch ms on the database server's
        // clock); a worker that stops renewing it loses it. SQLite files carry the columns unused.
        {
            QStringLiteral("ALTER TABLE jobs ADD COLUMN worker_id TEXT"),
            QStringLiteral("ALTER TABLE jobs ADD COLUMN lease_until INTEGER"),
            QStringLiteral("CREATE TABLE workers ("
                           " id TEXT PRIMARY KEY,"
                           " host TEXT,"
                           " pid INTEGER NOT NULL DEFAULT 0,"
                           " experiment TEXT,"
                           " state TEXT NOT NULL DEFAULT 'running',"
                           " started_ms INTEGER NOT NULL DEFAULT 0,"
                           " heartbeat_ms INTEGER NOT NULL DEFAULT 0,"
                           " jobs_done INTEGER NOT NULL DEFAULT 0)"),
            QStringLiteral("CREATE INDEX idx_jobs_worker ON jobs(worker_id)"),
        },
        // 3: provider batch APIs (docs/FORMATS.md, "Batch execution"). A batch is stored before it
        // is sent, with every item and the jobs it carries, so a resumed run polls it instead of
        // sending its jobs again.
        {
            QStringLiteral("CREATE TABLE batches ("
                           " id INTEGER PRIMARY KEY,"
                           " provider_batch_id TEXT,"          // null until the provider has answered the create
                           " deployment_id TEXT NOT NULL,"
                           " provider TEXT NOT NULL,"
                           " model_group TEXT,"
                           " state TEXT NOT NULL,"
                           " provider_state TEXT,"
                           " requests INTEGER NOT NULL DEFAULT 0,"
                           " succeeded INTEGER NOT NULL DEFAULT 0,"
                           " failed INTEGER NOT NULL DEFAULT 0,"
                           " expired INTEGER NOT NULL DEFAULT 0,"
                           " cancelled INTEGER NOT NULL DEFAULT 0,"
                           " input_tokens INTEGER NOT NULL DEFAULT 0,"
                           " input_bytes INTEGER NOT NULL DEFAULT 0,"
                           " input_file TEXT,"
                           " output_file TEXT,"
                           " error_file TEXT,"
                           " results_url TEXT,"
                           " error TEXT,"
                           " collected INTEGER NOT NULL DEFAULT 0,"   // results stored; nothing more to do
                           " created_at TEXT NOT NULL,"
                           " updated_at TEXT)"),
            QStringLiteral("CREATE TABLE batch_items ("
                           " batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                           " custom_id TEXT NOT NULL,"
                           " run_id TEXT NOT NULL,"
                           " job_ids TEXT NOT NULL,"          // jobs.id of the texts it carries, comma-separated, in order
                           " PRIMARY KEY (batch_id, custom_id)) WITHOUT ROWID"),
            QStringLiteral("CREATE INDEX idx_batches_open ON batches(collected, state)"),
            QStringLiteral("ALTER TABLE calls ADD COLUMN batch_id TEXT"),
        },
        // 4 (score sort index): sorting the results table by one dimension's score walks this
        // index in score order instead of sorting every job (docs/FORMATS.md, "Results database").
        // In a WITHOUT ROWID table the index carries the primary key, so it is (dimension, score,
        // job_id): ties in job order, as the sort wants them.
        {
            QStringLiteral("CREATE INDEX idx_scores_dimension_score ON scores(dimension, score)"),
        },
        // 5 (stored statistics): the agreement statistics of a large database take seconds to
        // compute, so they are kept with the results they describe. results_version grows with
        // every change to what they are computed from; a stored report is current while the
        // version it was computed at still holds (docs/FORMATS.md, "Stored statistics"). Our
        // writers count each batch they commit; in SQLite triggers also count edits by hand. None
        // on PostgreSQL: a trigger there would hold the counter's row lock for each worker's
        // whole transaction.
        {
            QStringLiteral("CREATE TABLE results_version ("
                           " id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),"
                           " version INTEGER NOT NULL)"),
            QStringLiteral("INSERT INTO results_version(id, version) VALUES (1, 0)"),
            // Edits by hand: a score changed, a job deleted, a run changed or deleted. None on the
            // writer's path (inserting or deleting scores, updating jobs): a trigger there makes
            // each such statement keep a statement journal, which cost the writer a third of its
            // speed.
            sqliteOnly(versionTrigger(QStringLiteral("scores_update"), QStringLiteral("UPDATE ON scores"))),
            sqliteOnly(versionTrigger(QStringLiteral("jobs_delete"), QStringLiteral("DELETE ON jobs"))),
            sqliteOnly(versionTrigger(QStringLiteral("runs_update"), QStringLiteral("UPDATE ON runs"))),
            sqliteOnly(versionTrigger(QStringLiteral("runs_delete"), QStringLiteral("DELETE ON runs"))),
            QStringLiteral("CREATE TABLE stored_reports ("
                           " report_key TEXT PRIMARY KEY,"   // what was computed: the statistic, its filter and options
                           " results_version INTEGER NOT NULL,"
                           " computed_at TEXT NOT NULL,"
                           " compute_ms INTEGER NOT NULL DEFAULT 0,"
                           " report TEXT NOT NULL)"),         // JSON, the statistic's own format
        },
    };
    return steps;
}

/// SQLite's type names in PostgreSQL's: 64-bit integers (ids, micro-dollars), identity keys for
/// SQLite's rowid aliases, double precision for REAL, and no WITHOUT ROWID.
QString postgresDdl(QString sql)
{
    static const QRegularExpression rowidKey(QStringLiteral("\\bINTEGER PRIMARY KEY\\b"));
    static const QRegularExpression integer(QStringLiteral("\\bINTEGER\\b"));
    static const QRegularExpression real(QStringLiteral("\\bREAL\\b"));
    sql.replace(rowidKey, QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
    sql.replace(integer, QStringLiteral("BIGINT"));
    sql.replace(real, QStringLiteral("DOUBLE PRECISION"));
    sql.replace(QStringLiteral(" WITHOUT ROWID"), QString());
    return sql;
}

// Serialises migrations of one PostgreSQL database across processes (workers start together).
constexpr qint64 kMigrationLockKey = 0x6469736365726e;   // "discern"

} // namespace

int latestSchemaVersion()
{
    return int(migrations().size());
}

Error newerSchemaError(int version, const QString &path)
{
    return Error{QStringLiteral("written by a newer discernus (schema %1); upgrade to read it (this version knows "
                                "schema %2 and leaves the database untouched)")
                     .arg(version)
                     .arg(latestSchemaVersion()),
                 path, 0, 0, {}};
}

Result<int> schemaVersionOf(QSqlDatabase &db, const QString &path)
{
    QSqlQuery q(db);
    if (isPostgres(db)) {
        if (!q.exec(QStringLiteral("SELECT to_regclass('schema_version') IS NOT NULL")) || !q.next())
            return std::unexpected(sqlError(QStringLiteral("reading the schema version"), q.lastError(), path));
        if (!q.value(0).toBool())
            return 0;
        if (!q.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_version")) || !q.next())
            return std::unexpected(sqlError(QStringLiteral("reading the schema version"), q.lastError(), path));
        return q.value(0).toInt();
    }
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return std::unexpected(sqlError(QStringLiteral("reading user_version"), q.lastError(), path));
    return q.value(0).toInt();
}

Result<int> migrateSchema(QSqlDatabase &db, const QString &path)
{
    const auto &steps = migrations();
    const int latest = int(steps.size());
    const bool pg = isPostgres(db);
    auto readVersion = [&db, &path] { return schemaVersionOf(db, path); };
    auto v = readVersion();
    if (!v)
        return std::unexpected(v.error());
    if (*v > latest)
        return std::unexpected(newerSchemaError(*v, path));
    // PostgreSQL: workers starting together take turns. The lock is the session's, taken before the
    // step's transaction, so the re-read below sees the tables a previous holder committed (a lock
    // taken inside the transaction would leave its catalog view from before the wait).
    struct SessionLock {
        QSqlDatabase *db = nullptr;
        ~SessionLock()
        {
            if (db)
                (void)execSql(*db, QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kMigrationLockKey));
        }
    } sessionLock;
    if (pg && *v < latest) {
        if (auto r = execSql(db, QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kMigrationLockKey), path); !r)
            return std::unexpected(r.error());
        sessionLock.db = &db;
    }
    while (*v < latest) {
        if (auto r = beginImmediate(db, path); !r)
            return std::unexpected(r.error());
        // Re-read under the write lock: another process may have migrated meanwhile.
        v = readVersion();
        if (!v) {
            rollback(db, path);
            return std::unexpected(v.error());
        }
        if (*v >= latest) {
            rollback(db, path);
            break;
        }
        const int next = *v + 1;
        for (const QString &sql : steps[next - 1]) {
            if (pg && sql.startsWith(kSqliteOnly))
                continue;
            if (auto r = execSql(db, pg ? postgresDdl(sql) : sql, path); !r) {
                rollback(db, path);
                return fail(QStringLiteral("migration to schema version %1 failed: %2").arg(next).arg(r.error().message), path);
            }
        }
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO schema_version(version, applied_at) VALUES (?, ?)"
                                 " ON CONFLICT(version) DO UPDATE SET applied_at=excluded.applied_at"));
        q.addBindValue(next);
        q.addBindValue(nowIso());
        bool ok = q.exec();
        ok = ok && (pg || q.exec(QStringLiteral("PRAGMA user_version = %1").arg(next)));
        if (!ok) {
            const Error e = sqlError(QStringLiteral("migration bookkeeping"), q.lastError(), path);
            rollback(db, path);
            return std::unexpected(e);
        }
        if (auto r = commit(db, path); !r) {
            rollback(db, path);
            return std::unexpected(r.error());
        }
        qCInfo(lcStorage) << "migrated" << path << "to schema version" << next;
        *v = next;
    }
    return latest;
}

} // namespace wb::storage_detail
