#pragma once
// The provider batches of a results database (docs/FORMATS.md, "Batch execution"): one row per
// batch with its state and counts, one per item with the jobs it carries. Unlike calls and
// results these rows are written at once (each call commits), so a process killed right after a
// batch was created still knows it and --resume polls it instead of sending its jobs again.
#include "core/common/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace wb {

class ResultStore;

struct BatchRow {
    qint64 id = 0;                 ///< rowid
    QString providerBatchId;       ///< empty until the provider answered the create
    QString deploymentId;
    QString provider;
    QString group;
    QString state;                 ///< batchStateName() (core/providers/batchwire.h)
    QString providerState;
    qint64 requests = 0, succeeded = 0, failed = 0, expired = 0, cancelled = 0;
    qint64 inputTokens = 0;        ///< estimated input tokens enqueued (per-key queue limits)
    qint64 inputBytes = 0;
    QString inputFile, outputFile, errorFile, resultsUrl, error;
    bool collected = false;        ///< every item's outcome is stored
    QString experiment;            ///< experiments.name of its jobs' runs (read only)
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct BatchItemRow {
    QString customId;
    QString runId;
    QList<qint64> jobIds;          ///< jobs.id, in text order
};

class BatchStore {
public:
    /// Works on the store's connection (same thread).
    explicit BatchStore(const ResultStore &store);

    /// The batch and its items in one transaction; returns the batch's rowid.
    Result<qint64> insert(const BatchRow &batch, const QList<BatchItemRow> &items);
    /// State, counts, ids and files of a batch (by rowid).
    Result<void> update(const BatchRow &batch);
    /// Batches not collected yet (open at the provider, or ended and not stored yet); all with `all`.
    /// With `experiment` (experiments.name), only the batches whose jobs belong to its runs.
    Result<QList<BatchRow>> batches(bool all = false, const QString &experiment = {}) const;
    /// The experiment the newest batch belongs to (empty when there is none): what `discernus
    /// status` lists by default.
    Result<QString> latestExperiment() const;
    Result<QList<BatchItemRow>> items(qint64 batchId) const;

private:
    QString m_connection;
    QString m_path;
};

} // namespace wb
