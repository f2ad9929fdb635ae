#pragma once
// Rows of the results database as plain values: what the router, the runner and the views hand to
// and read from the store. Storage owns them, so core/storage depends on no engine area above it
// (the router's outcomes carry these rows; see docs/ARCHITECTURE.md for the layering).
#include "core/providers/providertypes.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace wb {

enum class JobStatus { Pending, InFlight, Done, Failed };
/// "pending" | "in_flight" | "done" | "failed" (the values stored in jobs.status).
QString jobStatusName(JobStatus s);
/// Inverse of jobStatusName(); unknown strings give Pending.
JobStatus jobStatusFromName(const QString &name);

struct StoredText {
    QString corpus;
    QString id;
    QString sha256;
    qint64 chars = 0;
    qint64 tokensO200k = 0;
};

/// A planned job: (run, text, repetition). `key` = "run_id|corpus/text_id|rep" is stable.
struct JobRow {
    qint64 id = 0;               ///< rowid, assigned by the store
    QString key;
    QString runId;
    QString corpus;
    QString textId;
    int repetition = 1;
    JobStatus status = JobStatus::Pending;
    int attempts = 0;
    QString lastError;
};

/// One HTTP attempt (a row of the `calls` table).
struct CallRecord {
    quint64 jobId = 0;
    QString deploymentId;
    QString provider;
    QString group;
    QString modelVersion;
    int httpStatus = 0;         ///< 0 = no HTTP reply (reset, timeout)
    Usage usage;
    qint64 costMicros = 0;
    qint64 latencyMs = 0;
    QString requestId;
    ErrorClass errorClass = ErrorClass::None;
    QString errorMessage;
    QDateTime startedAt;
    QString batchId;            ///< the provider's batch id when the call went through a batch API; empty = live
};

struct ScoreRow {
    QString dimension;
    std::optional<double> score;
    QString evidence;
};

/// Final result of a job, written in one transaction with its scores and raw text.
struct JobResult {
    qint64 jobId = 0;
    JobStatus status = JobStatus::Done;     ///< Done or Failed
    QString deploymentId;
    QString provider;
    QString modelVersion;
    int attempts = 0;
    QString error;
    Usage usage;                            ///< summed over the job's calls
    qint64 costMicros = 0;
    qint64 latencyMs = 0;
    QList<ScoreRow> scores;
    QString rawResponse;                    ///< always kept, even when parsing failed
    QDateTime completedAt;                  ///< invalid = the time recordResult() is called
};

struct RunRow {
    QString runId;
    QString experiment;
    QString modelGroup;
    QString framework;
    QString corpus;
    QStringList dimensions;                 ///< framework dimension ids, in order (for export)
};

struct LedgerEntry {
    QDateTime at;
    qint64 micros = 0;
    QString runId;
};

} // namespace wb
