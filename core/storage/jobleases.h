#pragma once
// Several workers on one run in the PostgreSQL run store (docs/FORMATS.md, "PostgreSQL run store").
// A worker claims pending jobs with SELECT … FOR UPDATE SKIP LOCKED, so two workers never claim the
// same job; each claim is a lease (jobs.lease_until, on the database server's clock) the worker
// renews with its heartbeat. A worker that dies stops renewing: once its leases have run out its
// jobs are claimable again. Every call is a short transaction on the store's own connection.
#include "core/common/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace wb {

class ResultStore;

/// One worker as the workers table has it; heartbeatAgeMs is measured on the server's clock.
struct WorkerInfo {
    QString id, host, experiment, state;   ///< state: running, stopped
    qint64 pid = 0;
    qint64 startedMs = 0, heartbeatMs = 0, heartbeatAgeMs = 0;   ///< epoch ms; age = now - heartbeat
    qint64 jobsDone = 0;
    qint64 jobsInFlight = 0;   ///< jobs it holds now
};

class JobLeases {
public:
    /// `store` must be open on a PostgreSQL server and outlive this object. `workerId` is unique
    /// per process (newWorkerId()).
    JobLeases(ResultStore &store, QString workerId, qint64 leaseMs);
    ~JobLeases();
    JobLeases(const JobLeases &) = delete;
    JobLeases &operator=(const JobLeases &) = delete;

    static QString newWorkerId();
    QString workerId() const { return m_workerId; }
    qint64 leaseMs() const { return m_leaseMs; }

    /// Enters this worker in the workers table (state running, heartbeat now).
    Result<void> registerWorker(const QString &experiment);
    /// Claims up to `max` jobs of these runs that are pending, or in flight under a lease that ran
    /// out (their worker died), and returns their ids. Failed and done jobs are never claimed.
    Result<QList<qint64>> claim(const QStringList &runIds, int max);
    /// Renews this worker's heartbeat and the leases of every job it holds; `jobsDone` is its count.
    Result<void> heartbeat(qint64 jobsDone);
    /// Gives jobs back (never sent): pending again, for any worker. Jobs finished meanwhile stay so.
    Result<void> release(const QList<qint64> &jobIds);
    /// The worker leaves: every job it still holds goes back to pending, its state becomes stopped.
    Result<void> retire(qint64 jobsDone);
    /// Failed jobs of these runs become pending again (--resume retries them).
    Result<void> reopenFailed(const QStringList &runIds);
    /// How many of these jobs another worker holds under a lease that has not run out: a live
    /// worker's (a provider batch it polls is left to it).
    Result<qint64> heldByOthers(const QList<qint64> &jobIds) const;
    /// Jobs of these runs not finished yet (pending or in flight, whoever holds them).
    Result<qint64> unfinished(const QStringList &runIds) const;

    /// Every worker that ever joined runs in this store, newest first.
    static Result<QList<WorkerInfo>> workers(const ResultStore &store);

private:
    ResultStore &m_store;
    QString m_workerId;
    qint64 m_leaseMs;
};

} // namespace wb
