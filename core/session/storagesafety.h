#pragma once
// What a run does about the disk before it buys anything: refuse to start when the results will
// not fit (a simple per-job estimate), and store the replies an earlier run could not write
// (its recovery file) before the jobs still to do are chosen. docs/FORMATS.md, "Storage failure
// and the recovery file".
#include "core/common/result.h"

#include <QString>
#include <functional>

namespace wb {

struct PreparedRun;

/// Bytes the results of one job take in the database (row overhead + the reply text, which is
/// kept raw and again as evidence): 2 KiB + 6 bytes per expected completion token.
qint64 estimatedResultBytes(qint64 expectedCompletionTokens);
/// Free bytes where the results database lives (its folder when the file does not exist yet);
/// -1 = unknown.
qint64 freeBytesFor(const QString &dbPath);
/// "12.3 MB free on /mnt/data" (for error messages).
QString freeSpaceText(const QString &dbPath);

/// Refuses a run whose jobs' results need more than the free space (plus an 8 MB margin for the
/// write-ahead log and a recovery file). Expected completion tokens per job: the model group's
/// mean from earlier runs in this database, else min(max_tokens, 100 + 80 x dimensions).
Result<void> checkFreeSpace(const PreparedRun &p);

/// Stores the rows of the database's recovery files (jobs must exist already). Without resume,
/// an existing recovery file is an error: the user is told to --resume so nothing is bought twice.
Result<void> importRecoveryFiles(PreparedRun &p, const std::function<void(const QString &)> &emitEvent);

} // namespace wb
