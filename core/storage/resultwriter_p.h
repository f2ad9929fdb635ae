#pragma once
// The batched writer of the results database; internal to core/storage.
// Calls, results, raw replies and ledger entries are queued and committed in one transaction per
// flush (every intervalMs after the first queued row, at maxRows rows, or when the owner calls
// flush(): the runner does so for every reply, so a paid reply is on disk before the next call goes
// out). A failed commit keeps the queue and tells the owner (onFailure), who stops spending and can
// save the queue to a recovery file (recoveryfile.cpp, docs/FORMATS.md "Storage failure").
#include "core/storage/records.h"
#include "core/storage/sqlhelpers_p.h"

#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace wb::storage_detail {

/// calls.error_class as stored ("rate_limited", …; empty for None) and back.
QString errorClassKey(ErrorClass c);
ErrorClass errorClassFromKey(const QString &key);

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

    /// Commits everything queued in one transaction; on failure the queue is kept for the next try
    /// and onFailure is told. A database file deleted or replaced since start() is a failure too:
    /// SQLite would go on writing into the unlinked file, and every row would be lost at close.
    Result<void> flush();

    /// Called (on the writer's thread) after every failed flush, the timer's included.
    std::function<void(const Error &)> onFailure;

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
    const QList<QueuedCall> &queuedCalls() const { return m_calls; }
    const QList<QueuedResult> &queuedResults() const { return m_results; }
    const QList<QueuedRaw> &queuedRaws() const { return m_raws; }
    const QList<LedgerEntry> &queuedLedger() const { return m_ledger; }
    /// Queues rows read back from a recovery file (times kept as they were received).
    void addQueuedCall(QueuedCall c);
    void addQueuedResult(QueuedResult r);
    void addQueuedRaw(QueuedRaw r);
    void addQueuedSpend(LedgerEntry e);
    /// Forgets the queue (its rows were saved elsewhere).
    void discardQueue();

private:
    Result<void> flushOnce();
    /// False when the file at m_path is no longer the one the connection writes to.
    bool fileStillThere() const;
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
    // Identity (device, inode) of the database file when the writer started; 0 = unknown.
    quint64 m_fileDev = 0, m_fileIno = 0;

    // Prepared once per connection: flush() only binds and steps.
    std::optional<QSqlQuery> m_insCall, m_insCallJob, m_updJob, m_delScores, m_insScore, m_insRaw, m_insRawIfJob,
        m_insLedger, m_bumpVersion;
};

} // namespace wb::storage_detail
