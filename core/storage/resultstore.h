#pragma once
// SQLite results database (schema in docs/FORMATS.md): user_version migrations (schema.cpp), WAL
// connections (resultdb.cpp), batched writes (resultwriter.cpp); read-only queries are resultquery.h.
// One named connection per thread; a ResultStore instance belongs to the thread that opened it.
#include "core/common/result.h"
#include "core/storage/records.h"
#include "core/storage/resultfilter.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace wb {

class ResultStore {
public:
    ResultStore();
    ~ResultStore();
    ResultStore(const ResultStore &) = delete;
    ResultStore &operator=(const ResultStore &) = delete;

    /// Opens (creating and migrating) the database; WAL mode.
    /// The connection is named per store and thread and removed again by close().
    Result<void> open(const QString &path);
    void close();
    QString path() const;
    int schemaVersion() const;
    static int latestSchemaVersion();

    Result<qint64> upsertExperiment(const QString &name, const QString &description, const QByteArray &configSnapshotYaml);
    Result<void> upsertRun(const RunRow &run);
    Result<void> upsertTexts(const QList<StoredText> &texts);
    /// Inserts jobs whose key does not exist yet; returns all jobs of the run (with ids), in key order.
    /// Existing jobs keep their status. A run not stored yet gets a placeholder row (upsertRun fills it).
    Result<QList<JobRow>> ensureJobs(const QList<JobRow> &jobs);
    /// Jobs of the given runs that are not Done (Pending, InFlight from a crash, Failed when includeFailed).
    Result<QList<JobRow>> unfinishedJobs(const QStringList &runIds, bool includeFailed);
    Result<void> markInFlight(const QList<qint64> &jobIds);
    /// Back to pending: jobs that were not dispatched (budget stop, cancel). Finished jobs are left alone.
    Result<void> markPending(const QList<qint64> &jobIds);

    /// Queue writes; they are committed in one transaction per flush (every ~100 ms or 500 rows).
    /// `call.jobId` (the router's id) is not stored; jobRowId is the jobs.id the call served.
    void recordCall(const CallRecord &call, qint64 jobRowId);
    /// A batched call serving several jobs: calls.job_id = the first, call_jobs links all of them.
    void recordCall(const CallRecord &call, const QList<qint64> &jobRowIds);
    /// Result, scores and raw response of a job; committed together in one flush.
    void recordResult(const JobResult &result);
    /// A reply that was not the final one (e.g. invalid JSON that triggered a re-ask).
    void recordRawResponse(qint64 jobRowId, int attempt, const QString &text);
    /// Rows queued and not yet committed.
    qint64 queuedRows() const;
    /// Flush thresholds: the queue is committed when it holds maxRows rows, and intervalMs after the
    /// first queued row (0 = no timer; the owner calls flush()). Defaults 500 rows / 100 ms.
    void setFlushPolicy(int maxRows, int intervalMs);
    /// Commit everything queued. Called by the timer, at run end and before exit, and by the
    /// runner for every reply (a paid reply is durable before the next call is sent).
    Result<void> flush();

    /// Storage failure (docs/FORMATS.md, "Storage failure and the recovery file").
    /// Called on the store's thread after every failed commit (disk full, I/O error, the database
    /// file deleted or replaced); the rows stay queued for the next flush().
    void setWriteFailureHandler(std::function<void(const Error &)> handler);
    /// Appends every row not committed yet to the database's recovery file (the first of
    /// recoveryFileCandidates() that can be written and synced) and returns its path; the rows
    /// leave the queue then (on failure they stay). `keyOf` names a job row id by its key (the file outlives row ids).
    Result<QString> saveUnwritten(const std::function<QString(qint64 jobRowId)> &keyOf);
    /// Where a database's recovery file is written, best first; existingRecoveryFiles() those present.
    static QStringList recoveryFileCandidates(const QString &dbPath);
    static QStringList existingRecoveryFiles(const QString &dbPath);
    /// Recovery files a database of this file name left in the fallback folders before it was
    /// moved here (nothing is left at its old path); --resume stores them too.
    static QStringList movedDatabaseRecoveryFiles(const QString &dbPath);
    struct RecoveryImport { qint64 rows = 0, skipped = 0; };
    /// Stores a recovery file's rows (jobs matched by key; rows of unknown jobs skipped) in one
    /// transaction, then renames the file to FILE.imported. The jobs must exist (ensureJobs first).
    Result<RecoveryImport> importRecoveryFile(const QString &file);

    /// Spend ledger for budgets, spanning runs. addSpend() queues like recordCall();
    /// spendSince() flushes first so it always includes every entry added.
    Result<void> addSpend(const LedgerEntry &e);
    /// Spend since a time: the booked cost of every recorded call plus the ledger's entries.
    Result<qint64> spendSince(const QDateTime &since) const;

    /// Token calibration persisted across runs.
    Result<void> saveCalibration(const QString &provider, const QString &model, double factor, qint64 samples);
    struct Calibration { QString provider, model; double factor; qint64 samples; };
    Result<QList<Calibration>> calibrations() const;
    /// Mean completion tokens per finished text, by model group (history for estimates).
    Result<QHash<QString, double>> meanCompletionTokensPerText() const;

    /// pending = jobs not finished yet (status pending or in_flight); inFlight is the in_flight part.
    /// Flushes first.
    struct Counts { qint64 jobs = 0, done = 0, failed = 0, pending = 0, calls = 0, http429 = 0, inFlight = 0; };
    Result<Counts> counts(const QStringList &runIds = {}) const;

    /// Stored runs in the order they were first stored.
    Result<QList<RunRow>> runs() const;
    /// sha256 of every stored text, by "corpus/text_id".
    Result<QHash<QString, QString>> textHashes() const;

    QString connectionName() const;   ///< for read-only models on the same thread

private:
    Result<void> setUnfinishedStatus(const QList<qint64> &jobIds, JobStatus status);
    class Private;
    std::unique_ptr<Private> d;
};

/// CSV export (docs/FORMATS.md). Wide by default; long = one row per job x dimension.
struct ExportOptions {
    QString experiment;        ///< empty = all
    ResultFilter filter;       ///< the Results page's filter; the export holds exactly its rows
    bool longFormat = false;
    bool evidence = false;     ///< wide format: an evidence column after each score column
    bool columnsFile = false;  ///< also write <out>.columns.txt, what each column means (csvnotes.h)
    /// Text cells exactly as stored. Off by default: a text cell beginning with = + - @, tab or CR
    /// gets a leading ' so a spreadsheet shows it instead of running it (docs/FORMATS.md, "CSV export").
    bool rawCells = false;
    std::function<bool(qint64 done, qint64 total)> progress;   ///< return false to cancel
};
/// RFC 4180, UTF-8, CRLF, header row; written atomically (QSaveFile). Returns the data rows written
/// (jobs, or jobs x dimensions with longFormat). Jobs in plan order. A missing database, an unknown
/// experiment or a cancel are errors and leave outPath untouched. Opens its own connection, so it can
/// run on any thread while a run writes (WAL).
Result<qint64> exportCsv(const QString &dbPath, const QString &outPath, const ExportOptions &opt);

} // namespace wb
