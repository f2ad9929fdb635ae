#pragma once
// The batched writer of the results database; internal to core/storage.
// Calls, results, raw replies and ledger entries are queued and committed in one transaction per
// flush (every intervalMs after the first queued row, or at maxRows rows): a run writes thousands
// of rows a minute, and one transaction per row would make SQLite's commit the bottleneck.
#include "core/storage/records.h"
#include "core/storage/sqlhelpers_p.h"

#include <QTimer>

#include <memory>
#include <optional>

namespace wb::storage_detail {

class ResultWriter {
public:
    /// `db` and `path` belong to the owning store and outlive the writer's use of them.
    ResultWriter(QSqlDatabase &db, const QString &path);
    ~ResultWriter();
    ResultWriter(const ResultWriter &) = delete;
    ResultWriter &operator=(const ResultWriter &) = delete;

    /// Prepares the statements and starts the flush timer on the calling thread (the database is open).
    Result<void> start();
    /// Drops the statements, the timer and anything still queued (flush first to keep it).
    void stop();

    void setFlushPolicy(int maxRows, int intervalMs);
    qint64 queuedRows() const { return m_queuedRows; }

    void addCall(const CallRecord &call, const QList<qint64> &jobRowIds);
    void addResult(const JobResult &result);
    void addRaw(qint64 jobRowId, int attempt, const QString &text);
    void addSpend(const LedgerEntry &entry);

    /// Commits everything queued in one transaction; on failure the queue is kept for the next try.
    Result<void> flush();

private:
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

    Result<void> prepare();
    void queued(qint64 rows);
    Result<void> writeCalls();
    Result<void> writeRaws();
    Result<void> writeResults();
    Result<void> writeLedger();
    /// Rolls back after a failed statement and re-arms the timer; the queue is kept.
    std::unexpected<Error> failed(QSqlQuery &q, const QString &what);

    QSqlDatabase &m_db;
    const QString &m_path;

    QList<QueuedCall> m_calls;
    QList<QueuedResult> m_results;
    QList<QueuedRaw> m_raws;
    QList<LedgerEntry> m_ledger;
    qint64 m_queuedRows = 0;
    int m_maxRows = 500;
    int m_intervalMs = 100;
    std::unique_ptr<QTimer> m_timer;

    // Prepared once per connection: flush() only binds and steps.
    std::optional<QSqlQuery> m_insCall, m_insCallJob, m_updJob, m_delScores, m_insScore, m_insRaw, m_insRawIfJob,
        m_insLedger;
};

} // namespace wb::storage_detail
