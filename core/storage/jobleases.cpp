#include "core/storage/jobleases.h"

#include "core/storage/resultstore.h"
#include "core/storage/sqlhelpers_p.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QUuid>

namespace wb {

using namespace storage_detail;

namespace {

// Epoch milliseconds on the database server's clock: the workers' own clocks may disagree, the
// server's is the one every lease is measured against.
const QString kNowMs = QStringLiteral("(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint");

QSqlDatabase connectionOf(const ResultStore &store)
{
    return QSqlDatabase::database(store.connectionName(), false);
}

Result<QSqlDatabase> serverConnection(const ResultStore &store)
{
    QSqlDatabase db = connectionOf(store);
    if (!db.isValid() || !db.isOpen())
        return fail(QStringLiteral("results database is not open"));
    if (!isPostgres(db))
        return fail(QStringLiteral("workers need the PostgreSQL run store (--db postgresql://…)"), store.path());
    return db;
}

QString idList(const QList<qint64> &ids)
{
    QStringList s;
    s.reserve(ids.size());
    for (qint64 id : ids)
        s.append(QString::number(id));
    return s.join(u',');
}

} // namespace

JobLeases::JobLeases(ResultStore &store, QString workerId, qint64 leaseMs)
    : m_store(store), m_workerId(std::move(workerId)), m_leaseMs(leaseMs)
{
}

JobLeases::~JobLeases() = default;

QString JobLeases::newWorkerId()
{
    return QSysInfo::machineHostName() + u'-' + QString::number(QCoreApplication::applicationPid()) + u'-'
           + QUuid::createUuid().toString(QUuid::Id128).left(8);
}

Result<void> JobLeases::registerWorker(const QString &experiment)
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("INSERT INTO workers(id, host, pid, experiment, state, started_ms, heartbeat_ms, jobs_done)"
                             " VALUES (?, ?, ?, ?, 'running', %1, %1, 0) ON CONFLICT(id) DO UPDATE SET state='running',"
                             " heartbeat_ms=excluded.heartbeat_ms").arg(kNowMs));
    q.addBindValue(m_workerId);
    q.addBindValue(QSysInfo::machineHostName());
    q.addBindValue(QCoreApplication::applicationPid());
    q.addBindValue(experiment);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("register worker"), q.lastError(), m_store.path()));
    return {};
}

Result<QList<qint64>> JobLeases::claim(const QStringList &runIds, int max)
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    if (runIds.isEmpty() || max <= 0)
        return QList<qint64>{};
    // One statement, so one transaction: the inner SELECT locks the rows it picks and skips rows
    // another worker is claiming at this moment, the UPDATE takes them. A lease that ran out is
    // claimable like a pending job; so is an in-flight job without a lease (left by a run that
    // did not use leases).
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE jobs SET status='in_flight', worker_id=?, lease_until=%1 + ?, updated_at=?"
                             " WHERE id IN (SELECT id FROM jobs WHERE run_id IN (%2)"
                             "  AND (status='pending' OR (status='in_flight' AND (lease_until IS NULL OR lease_until < %1)))"
                             "  ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)"
                             " RETURNING id")
                  .arg(kNowMs, placeholders(runIds.size())));
    q.addBindValue(m_workerId);
    q.addBindValue(m_leaseMs);
    q.addBindValue(nowIso());
    for (const QString &r : runIds)
        q.addBindValue(r);
    q.addBindValue(max);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("claim jobs"), q.lastError(), m_store.path()));
    QList<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

Result<void> JobLeases::heartbeat(qint64 jobsDone)
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE workers SET heartbeat_ms=%1, jobs_done=?, state='running' WHERE id=?").arg(kNowMs));
    q.addBindValue(jobsDone);
    q.addBindValue(m_workerId);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("worker heartbeat"), q.lastError(), m_store.path()));
    q.prepare(QStringLiteral("UPDATE jobs SET lease_until=%1 + ? WHERE worker_id=? AND status='in_flight'").arg(kNowMs));
    q.addBindValue(m_leaseMs);
    q.addBindValue(m_workerId);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("renew leases"), q.lastError(), m_store.path()));
    return {};
}

Result<void> JobLeases::release(const QList<qint64> &jobIds)
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    if (jobIds.isEmpty())
        return {};
    QSqlQuery q(*db);
    // Only jobs this worker still holds: one whose lease ran out may be another worker's by now.
    q.prepare(QStringLiteral("UPDATE jobs SET status='pending', worker_id=NULL, lease_until=NULL, updated_at=?"
                             " WHERE worker_id=? AND status='in_flight' AND id IN (%1)")
                  .arg(idList(jobIds)));
    q.addBindValue(nowIso());
    q.addBindValue(m_workerId);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("release jobs"), q.lastError(), m_store.path()));
    return {};
}

Result<qint64> JobLeases::heldByOthers(const QList<qint64> &jobIds) const
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    if (jobIds.isEmpty())
        return qint64(0);
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("SELECT count(*) FROM jobs WHERE status='in_flight' AND worker_id IS NOT NULL AND worker_id<>?"
                             " AND lease_until >= %1 AND id IN (%2)")
                  .arg(kNowMs, idList(jobIds)));
    q.addBindValue(m_workerId);
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("read job leases"), q.lastError(), m_store.path()));
    return q.value(0).toLongLong();
}

Result<void> JobLeases::retire(qint64 jobsDone)
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE jobs SET status='pending', worker_id=NULL, lease_until=NULL, updated_at=?"
                             " WHERE worker_id=? AND status='in_flight'"));
    q.addBindValue(nowIso());
    q.addBindValue(m_workerId);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("release jobs"), q.lastError(), m_store.path()));
    q.prepare(QStringLiteral("UPDATE workers SET state='stopped', heartbeat_ms=%1, jobs_done=? WHERE id=?").arg(kNowMs));
    q.addBindValue(jobsDone);
    q.addBindValue(m_workerId);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("worker stop"), q.lastError(), m_store.path()));
    return {};
}

Result<void> JobLeases::reopenFailed(const QStringList &runIds)
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    if (runIds.isEmpty())
        return {};
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("UPDATE jobs SET status='pending', worker_id=NULL, lease_until=NULL, updated_at=?"
                             " WHERE status='failed' AND run_id IN (%1)")
                  .arg(placeholders(runIds.size())));
    q.addBindValue(nowIso());
    for (const QString &r : runIds)
        q.addBindValue(r);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("reopen failed jobs"), q.lastError(), m_store.path()));
    return {};
}

Result<qint64> JobLeases::unfinished(const QStringList &runIds) const
{
    auto db = serverConnection(m_store);
    if (!db)
        return std::unexpected(db.error());
    if (runIds.isEmpty())
        return 0;
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status IN ('pending','in_flight') AND run_id IN (%1)")
                  .arg(placeholders(runIds.size())));
    for (const QString &r : runIds)
        q.addBindValue(r);
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("count unfinished jobs"), q.lastError(), m_store.path()));
    return q.value(0).toLongLong();
}

Result<QList<WorkerInfo>> JobLeases::workers(const ResultStore &store)
{
    auto db = serverConnection(store);
    if (!db)
        return std::unexpected(db.error());
    QSqlQuery q(*db);
    if (!q.exec(QStringLiteral("SELECT w.id, w.host, w.experiment, w.state, w.pid, w.started_ms, w.heartbeat_ms,"
                               " %1 - w.heartbeat_ms, w.jobs_done,"
                               " (SELECT COUNT(*) FROM jobs j WHERE j.worker_id = w.id AND j.status = 'in_flight')"
                               " FROM workers w ORDER BY w.started_ms DESC, w.id")
                    .arg(kNowMs)))
        return std::unexpected(sqlError(QStringLiteral("read workers"), q.lastError(), store.path()));
    QList<WorkerInfo> out;
    while (q.next()) {
        WorkerInfo w;
        w.id = text(q, 0);
        w.host = text(q, 1);
        w.experiment = text(q, 2);
        w.state = text(q, 3);
        w.pid = q.value(4).toLongLong();
        w.startedMs = q.value(5).toLongLong();
        w.heartbeatMs = q.value(6).toLongLong();
        w.heartbeatAgeMs = q.value(7).toLongLong();
        w.jobsDone = q.value(8).toLongLong();
        w.jobsInFlight = q.value(9).toLongLong();
        out.append(std::move(w));
    }
    return out;
}

} // namespace wb
