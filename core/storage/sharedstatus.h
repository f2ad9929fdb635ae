#pragma once
// Where a run store stands: progress, spend and (on the PostgreSQL run store) the workers — what
// `discernus status --db` prints and the workbench's shared-run panel shows (docs/FORMATS.md,
// "PostgreSQL run store").
#include "core/common/result.h"
#include "core/storage/jobleases.h"
#include "core/storage/resultstore.h"

#include <QList>

namespace wb {

struct SharedRunStatus {
    ResultStore::Counts counts;   ///< counts.pending includes the jobs in flight (counts.inFlight)
    qint64 spentMicros = 0;       ///< every ledger entry of the store, all time
    bool server = false;          ///< a PostgreSQL run store: `workers` is meaningful
    QList<WorkerInfo> workers;    ///< newest first; empty for a SQLite file

    qint64 pendingNotInFlight() const { return counts.pending - counts.inFlight; }
};

/// Reads the status of the store open in `store` (on the calling thread's connection).
Result<SharedRunStatus> sharedRunStatus(const ResultStore &store);

/// Opens `db` (a SQLite file or a postgresql:// URL) on a connection of the calling thread, reads
/// its status and closes it again — for a caller that polls from a worker thread.
Result<SharedRunStatus> readSharedRunStatus(const QString &db);

} // namespace wb
