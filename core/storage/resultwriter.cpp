#include "core/storage/resultwriter_p.h"

#include "core/common/check.h"
#include "core/common/logging.h"

#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace wb::storage_detail {

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

ErrorClass errorClassFromKey(const QString &key)
{
    for (ErrorClass c : {ErrorClass::RateLimited, ErrorClass::Overloaded, ErrorClass::ContextTooLong, ErrorClass::Auth,
                         ErrorClass::Transient, ErrorClass::Fatal, ErrorClass::BudgetExceeded})
        if (errorClassKey(c) == key)
            return c;
    return ErrorClass::None;
}

ResultWriter::ResultWriter(QSqlDatabase &db, const QString &path)
    : m_db(db), m_path(path)
{
}

ResultWriter::~ResultWriter() = default;

Result<void> ResultWriter::start()
{
    if (auto r = prepare(); !r)
        return r;
#ifdef Q_OS_UNIX
    struct stat st {};
    if (!isPostgres(m_db) && ::stat(QFile::encodeName(m_path).constData(), &st) == 0) {
        m_fileDev = quint64(st.st_dev);
        m_fileIno = quint64(st.st_ino);
    }
#endif
    // The timer belongs to the thread that opened the store (the engine thread, with an event loop).
    m_timer = std::make_unique<QTimer>();
    m_timer->setSingleShot(true);
    QObject::connect(m_timer.get(), &QTimer::timeout, m_timer.get(), [this] {
        if (auto r = flush(); !r)
            qCWarning(lcStorage) << "periodic flush failed, rows kept:" << r.error().toString();
    });
    return {};
}

void ResultWriter::stop()
{
    m_timer.reset();
    for (auto *q : {&m_insCall, &m_insCallJob, &m_updJob, &m_delScores, &m_insScore, &m_insRaw, &m_insRawIfJob,
                    &m_insLedger, &m_bumpVersion})
        q->reset();
    discardQueue();
}

void ResultWriter::discardQueue()
{
    m_calls.clear();
    m_results.clear();
    m_raws.clear();
    m_ledger.clear();
    m_queuedRows = 0;
    if (m_timer)
        m_timer->stop();
}

void ResultWriter::setFlushPolicy(int maxRows, int intervalMs)
{
    m_maxRows = qMax(1, maxRows);
    m_intervalMs = qMax(0, intervalMs);
    if (m_timer && m_intervalMs == 0)
        m_timer->stop();
}

void ResultWriter::addCall(const CallRecord &call, const QList<qint64> &jobRowIds)
{
    m_calls.append(QueuedCall{call, jobRowIds});
    queued(1 + (jobRowIds.size() > 1 ? jobRowIds.size() : 0));
}

void ResultWriter::addResult(const JobResult &result)
{
    // The completion time is taken now, not at flush, so it is the time the result arrived.
    QueuedResult qr{result, isoUtc(result.completedAt.isValid() ? result.completedAt : QDateTime::currentDateTimeUtc())};
    const qint64 rows = 2 + result.scores.size();   // job update + raw response + scores
    m_results.append(std::move(qr));
    queued(rows);
}

void ResultWriter::addRaw(qint64 jobRowId, int attempt, const QString &text)
{
    m_raws.append(QueuedRaw{jobRowId, attempt, text, nowIso()});
    queued(1);
}

void ResultWriter::addSpend(const LedgerEntry &entry)
{
    m_ledger.append(entry);
    queued(1);
}

Result<void> ResultWriter::prepare()
{
    auto make = [this](std::optional<QSqlQuery> &q, const QString &sql) -> Result<void> {
        q.emplace(m_db);
        if (!q->prepare(sql))
            return std::unexpected(sqlError(QStringLiteral("prepare"), q->lastError(), m_path));
        return {};
    };
    const bool pg = isPostgres(m_db);
    // On a shared run store a job finished by one worker stays finished: a worker whose lease ran
    // out (and whose job another worker took over) cannot overwrite that result with its own; its
    // call is stored all the same (docs/FORMATS.md, "PostgreSQL run store").
    const QString updJobGuard = pg ? QStringLiteral(" AND status <> 'done'") : QString();
    const std::pair<std::optional<QSqlQuery> *, QString> stmts[] = {
        {&m_insCall, QStringLiteral("INSERT INTO calls(job_id, deployment_id, provider, model_group, model_version,"
                                  " http_status, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens,"
                                  " cost_micros, latency_ms, request_id, error_class, error_message, started_at, batch_id)"
                                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                         + (pg ? QStringLiteral(" RETURNING id") : QString())},
        {&m_insCallJob, QStringLiteral("INSERT INTO call_jobs(job_id, call_id) VALUES (?, ?) ON CONFLICT DO NOTHING")},
        {&m_updJob, QStringLiteral("UPDATE jobs SET status=?, attempts=?, last_error=?, deployment_id=?, provider=?,"
                                 " model_version=?, prompt_tokens=?, completion_tokens=?, cached_tokens=?,"
                                 " cache_write_tokens=?, cost_micros=?, latency_ms=?, updated_at=?, completed_at=?"
                                 " WHERE id=?") + updJobGuard},
        {&m_delScores, QStringLiteral("DELETE FROM scores WHERE job_id=?")},
        // The job's scores were deleted just before, so a conflict is only a dimension named twice
        // in one reply (the last wins). In SQLite REPLACE rather than an upsert: an upsert carries
        // the scores' update trigger into every insert (schema.cpp, step 5).
        {&m_insScore, pg ? QStringLiteral("INSERT INTO scores(job_id, dimension, score, evidence) VALUES (?,?,?,?)"
                                          " ON CONFLICT(job_id, dimension) DO UPDATE SET score=excluded.score, evidence=excluded.evidence")
                         : QStringLiteral("INSERT OR REPLACE INTO scores(job_id, dimension, score, evidence) VALUES (?,?,?,?)")},
        {&m_insRaw, QStringLiteral("INSERT INTO raw_responses(job_id, attempt, text, received_at) VALUES (?,?,?,?)"
                                 " ON CONFLICT(job_id, attempt) DO UPDATE SET text=excluded.text, received_at=excluded.received_at")},
        {&m_insRawIfJob, QStringLiteral("INSERT INTO raw_responses(job_id, attempt, text, received_at)"
                                      " SELECT ?,?,?,? WHERE EXISTS (SELECT 1 FROM jobs WHERE id=?)"
                                      " ON CONFLICT(job_id, attempt) DO UPDATE SET text=excluded.text, received_at=excluded.received_at")},
        {&m_insLedger, QStringLiteral("INSERT INTO spend_ledger(at, micros, run_id) VALUES (?,?,?)")},
    };
    for (const auto &[q, sql] : stmts) {
        if (auto r = make(*q, sql); !r)
            return r;
    }
    // Stored statistics computed before a batch are no longer current after it (docs/FORMATS.md,
    // "Stored statistics"). Counted last before the commit, so on PostgreSQL concurrent workers
    // wait on the counter's row only that long.
    return make(m_bumpVersion, QStringLiteral("UPDATE results_version SET version = version + 1 WHERE id = 1"));
}

void ResultWriter::queued(qint64 rows)
{
    m_queuedRows += rows;
    if (m_queuedRows >= m_maxRows) {
        if (auto r = flush(); !r)
            qCWarning(lcStorage) << "flush failed, rows kept for the next attempt:" << r.error().toString();
        return;
    }
    if (m_timer && m_intervalMs > 0 && !m_timer->isActive())
        m_timer->start(m_intervalMs);
}

void ResultWriter::addQueuedCall(QueuedCall c)
{
    const qint64 rows = 1 + (c.jobIds.size() > 1 ? c.jobIds.size() : 0);
    m_calls.append(std::move(c));
    m_queuedRows += rows;
}

void ResultWriter::addQueuedResult(QueuedResult r)
{
    const qint64 rows = 2 + r.result.scores.size();
    m_results.append(std::move(r));
    m_queuedRows += rows;
}

void ResultWriter::addQueuedRaw(QueuedRaw r)
{
    m_raws.append(std::move(r));
    m_queuedRows += 1;
}

void ResultWriter::addQueuedSpend(LedgerEntry e)
{
    m_ledger.append(std::move(e));
    m_queuedRows += 1;
}

bool ResultWriter::fileStillThere() const
{
    if (isPostgres(m_db))
        return true;   // a server: no file of ours to lose
#ifdef Q_OS_UNIX
    if (m_fileIno == 0)
        return QFileInfo::exists(m_path);
    struct stat st {};
    return ::stat(QFile::encodeName(m_path).constData(), &st) == 0 && quint64(st.st_dev) == m_fileDev
           && quint64(st.st_ino) == m_fileIno;
#else
    return QFileInfo::exists(m_path);
#endif
}

Result<void> ResultWriter::flush()
{
    if (m_queuedRows == 0)
        return {};
    Result<void> r = flushOnce();
    if (!r && onFailure)
        onFailure(r.error());
    return r;
}

Result<void> ResultWriter::flushOnce()
{
    if (!(m_db.isValid() && m_db.isOpen()))
        return fail(QStringLiteral("results database is not open"));
    // start() prepared every statement on this connection; without them nothing can be written.
    if (!WB_CHECK(m_insCall && m_updJob && m_insLedger))
        return fail(QStringLiteral("results database writer is not started"), m_path);
    if (m_timer)
        m_timer->stop();
    if (auto r = beginImmediate(m_db, m_path); !r)
        return r;
    // Intermediate replies before final results, so a final reply with the same attempt number wins.
    for (auto write : {&ResultWriter::writeCalls, &ResultWriter::writeRaws, &ResultWriter::writeResults,
                       &ResultWriter::writeLedger}) {
        if (auto r = (this->*write)(); !r)
            return r;
    }
    if (m_bumpVersion && !m_results.isEmpty() && !m_bumpVersion->exec())
        return failed(*m_bumpVersion, QStringLiteral("count the results version"));
    if (auto r = commit(m_db, m_path); !r) {
        rollback(m_db, m_path);
        if (m_timer && m_intervalMs > 0)
            m_timer->start(m_intervalMs);
        return r;
    }
    // Checked after the commit: rows committed into a file that was deleted meanwhile are kept
    // queued (and go to the recovery file), never counted as stored.
    if (!fileStillThere()) {
        Error e;
        e.message = QStringLiteral("the database file was deleted or replaced while the run was writing to it");
        e.file = m_path;
        return std::unexpected(e);
    }
    discardQueue();
    return {};
}


std::unexpected<Error> ResultWriter::failed(QSqlQuery &q, const QString &what)
{
    const Error e = sqlError(what, q.lastError(), m_path);
    rollback(m_db, m_path);
    // The queue is kept: a transient problem (disk full, a lock held too long) heals on a later flush.
    if (m_timer && m_intervalMs > 0)
        m_timer->start(m_intervalMs);
    return std::unexpected(e);
}

Result<void> ResultWriter::writeCalls()
{
    for (const QueuedCall &c : std::as_const(m_calls)) {
        QSqlQuery &q = *m_insCall;
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
        q.bindValue(16, r.batchId.isEmpty() ? QVariant() : QVariant(r.batchId));
        if (!q.exec())
            return failed(q, QStringLiteral("insert call"));
        if (c.jobIds.size() > 1) {
            // QPSQL has no lastInsertId() for identity columns; the insert RETURNs the id there.
            const qint64 callId = isPostgres(m_db) ? (q.next() ? q.value(0).toLongLong() : 0) : q.lastInsertId().toLongLong();
            for (qint64 jid : c.jobIds) {
                QSqlQuery &l = *m_insCallJob;
                l.bindValue(0, jid);
                l.bindValue(1, callId);
                if (!l.exec())
                    return failed(l, QStringLiteral("insert call_jobs"));
            }
        }
    }
    return {};
}

Result<void> ResultWriter::writeRaws()
{
    for (const QueuedRaw &r : std::as_const(m_raws)) {
        QSqlQuery &q = *m_insRawIfJob;
        q.bindValue(0, r.jobId);
        q.bindValue(1, r.attempt);
        q.bindValue(2, r.text);
        q.bindValue(3, r.at);
        q.bindValue(4, r.jobId);
        if (!q.exec())
            return failed(q, QStringLiteral("insert raw response"));
    }
    return {};
}

Result<void> ResultWriter::writeResults()
{
    for (const QueuedResult &qr : std::as_const(m_results)) {
        const JobResult &r = qr.result;
        QSqlQuery &u = *m_updJob;
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
        QSqlQuery &d = *m_delScores;
        d.bindValue(0, r.jobId);
        if (!d.exec())
            return failed(d, QStringLiteral("delete scores"));
        for (const ScoreRow &s : r.scores) {
            QSqlQuery &q = *m_insScore;
            q.bindValue(0, r.jobId);
            q.bindValue(1, s.dimension);
            q.bindValue(2, s.score ? QVariant(*s.score) : QVariant());
            q.bindValue(3, s.evidence);
            if (!q.exec())
                return failed(q, QStringLiteral("insert score"));
        }
        QSqlQuery &raw = *m_insRaw;
        raw.bindValue(0, r.jobId);
        raw.bindValue(1, qMax(1, r.attempts));
        raw.bindValue(2, r.rawResponse);
        raw.bindValue(3, qr.completedAt);
        if (!raw.exec())
            return failed(raw, QStringLiteral("insert raw response"));
    }
    return {};
}

Result<void> ResultWriter::writeLedger()
{
    for (const LedgerEntry &e : std::as_const(m_ledger)) {
        QSqlQuery &q = *m_insLedger;
        q.bindValue(0, isoUtc(e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc()));
        q.bindValue(1, e.micros);
        q.bindValue(2, e.runId);
        if (!q.exec())
            return failed(q, QStringLiteral("insert ledger entry"));
    }
    return {};
}

} // namespace wb::storage_detail
