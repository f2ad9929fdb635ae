#include "core/storage/resultstore.h"

#include "core/common/logging.h"
#include "core/storage/recoveryfile_p.h"
#include "core/storage/resultwriter_p.h"
#include "core/storage/schema_p.h"
#include "core/storage/serverdb.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>


namespace wb {

using namespace storage_detail;

namespace {

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

} // namespace

class ResultStore::Private {
public:
    QString path;
    QString connName;
    QSqlDatabase db;
    int version = 0;
    ResultWriter writer{db, path};

    bool isOpen() const { return db.isValid() && db.isOpen(); }
    Result<void> begin() { return beginImmediate(db, path); }
    Result<void> commit() { return storage_detail::commit(db, path); }
    void rollback() { storage_detail::rollback(db, path); }
};

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
    d->path = displayDatabase(path);   // messages name a server without its password
    auto version = migrateSchema(d->db, path);
    if (!version) {
        close();
        return std::unexpected(version.error());
    }
    d->version = *version;
    if (auto r = d->writer.start(); !r) {
        close();
        return r;
    }
    return {};
}

void ResultStore::close()
{
    if (d->isOpen()) {
        if (auto r = d->writer.flush(); !r)
            qCCritical(lcStorage) << "final flush failed; unflushed results are lost (resume re-runs them):"
                                  << r.error().toString();
    }
    d->writer.stop();
    if (!d->connName.isEmpty()) {
        d->db = QSqlDatabase();
        closeConnection(d->connName);
        d->connName.clear();
    }
    d->version = 0;
}

QString ResultStore::path() const { return d->path; }
int ResultStore::schemaVersion() const { return d->version; }
int ResultStore::latestSchemaVersion() { return storage_detail::latestSchemaVersion(); }
QString ResultStore::connectionName() const { return d->connName; }
qint64 ResultStore::queuedRows() const { return d->writer.queuedRows(); }

void ResultStore::setFlushPolicy(int maxRows, int intervalMs)
{
    d->writer.setFlushPolicy(maxRows, intervalMs);
}

void ResultStore::setWriteFailureHandler(std::function<void(const Error &)> handler)
{
    d->writer.onFailure = std::move(handler);
}

Result<QString> ResultStore::saveUnwritten(const std::function<QString(qint64)> &keyOf)
{
    auto saved = saveRecoveryFile(d->writer, d->path, keyOf);
    if (saved)
        d->writer.discardQueue();   // they are in the file now; close() must not report them lost
    return saved;
}

QStringList ResultStore::recoveryFileCandidates(const QString &dbPath)
{
    return storage_detail::recoveryFileCandidates(dbPath);
}

QStringList ResultStore::existingRecoveryFiles(const QString &dbPath)
{
    QStringList out;
    for (const QString &f : storage_detail::recoveryFileCandidates(dbPath))
        if (QFileInfo::exists(f))
            out.append(f);
    return out;
}

QStringList ResultStore::movedDatabaseRecoveryFiles(const QString &dbPath)
{
    return storage_detail::movedDatabaseRecoveryFiles(dbPath);
}

Result<ResultStore::RecoveryImport> ResultStore::importRecoveryFile(const QString &file)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    // Whatever is queued now is committed first, so a failed import leaves nothing half-queued.
    if (auto r = flush(); !r)
        return std::unexpected(r.error());
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("SELECT id FROM jobs WHERE key=?"));
    const auto idOf = [&q](const QString &key) -> qint64 {
        q.bindValue(0, key);
        return q.exec() && q.next() ? q.value(0).toLongLong() : 0;
    };
    auto read = readRecoveryFile(file, d->writer, idOf);
    if (!read) {
        d->writer.stop();   // drop the half-read rows; statements are prepared again below
        (void)d->writer.start();
        return std::unexpected(read.error());
    }
    q.finish();
    if (auto r = flush(); !r)
        return std::unexpected(r.error());
    const QString done = file + QStringLiteral(".imported");
    QFile::remove(done);
    if (!QFile::rename(file, done))
        return fail(QStringLiteral("imported, but cannot rename the recovery file; delete it before the next --resume"), file);
    return RecoveryImport{read->rows, read->skipped};
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
        run.prepare(QStringLiteral("INSERT INTO runs(run_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING"));
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
        q.prepare(QStringLiteral("INSERT INTO jobs(key, run_id, corpus, text_id, repetition, status, attempts,"
                                 " updated_at) VALUES (?,?,?,?,?,'pending',0,?) ON CONFLICT DO NOTHING"));
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
    if (auto r = d->writer.flush(); !r)
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
    d->writer.addCall(call, jobRowIds);
}

void ResultStore::recordResult(const JobResult &result)
{
    d->writer.addResult(result);
}

void ResultStore::recordRawResponse(qint64 jobRowId, int attempt, const QString &text)
{
    d->writer.addRaw(jobRowId, attempt, text);
}

Result<void> ResultStore::flush()
{
    return d->writer.flush();
}

Result<void> ResultStore::addSpend(const LedgerEntry &e)
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    LedgerEntry entry = e;
    if (!entry.at.isValid())
        entry.at = QDateTime::currentDateTimeUtc();
    d->writer.addSpend(entry);
    return {};
}

Result<qint64> ResultStore::spendSince(const QDateTime &since) const
{
    if (!d->isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (auto r = d->writer.flush(); !r)
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
    if (auto r = d->writer.flush(); !r)
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
    if (auto r = d->writer.flush(); !r)
        return std::unexpected(r.error());
    const QString in = runIds.isEmpty() ? QString()
                                        : QStringLiteral("run_id IN (") + placeholders(runIds.size()) + QLatin1Char(')');
    Counts c;
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status='done' THEN 1 ELSE 0 END),0),"
                             " COALESCE(SUM(CASE WHEN status='failed' THEN 1 ELSE 0 END),0),"
                             " COALESCE(SUM(CASE WHEN status='in_flight' THEN 1 ELSE 0 END),0) FROM jobs")
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
    k.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(CASE WHEN http_status=429 THEN 1 ELSE 0 END),0) FROM calls")
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
    const QString order = runsInPlanOrder(d->db, QStringLiteral("r"));
    if (!q.exec(QStringLiteral("SELECT r.run_id, e.name, r.model_group, r.framework, r.corpus, r.dimensions"
                               " FROM runs r LEFT JOIN experiments e ON e.id = r.experiment_id ORDER BY ") + order))
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
