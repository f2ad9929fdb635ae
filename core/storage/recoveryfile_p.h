#pragma once
// The recovery file: rows the writer could not commit (disk full, I/O error, database gone), kept
// as JSON Lines so a later `--resume` stores them instead of buying the calls again. Jobs are named
// by their stable key, not their row id, so the file also imports into a re-created database.
// Format and locations: docs/FORMATS.md, "Storage failure and the recovery file".
#include "core/storage/resultwriter_p.h"

#include <QStringList>
#include <functional>

namespace wb::storage_detail {

/// Where the recovery file of a database goes, best first: next to the database, then the
/// user's data folder, then the temporary folder (named after a hash of the database's path).
QStringList recoveryFileCandidates(const QString &dbPath);

/// Recovery files in the user's data folder and the temporary folder written for a database of
/// the same file name that no longer exists where it was: the database was moved (to a roomier
/// disk, say) and its recovery file, named after the old path, must still be found.
QStringList movedDatabaseRecoveryFiles(const QString &dbPath);

/// Appends every row `w` still holds to the first candidate that can be written and synced to
/// disk; returns its path. `keyOf` gives a job row id's key.
Result<QString> saveRecoveryFile(const ResultWriter &w, const QString &dbPath, const std::function<QString(qint64)> &keyOf);

struct RecoveryImport {
    qint64 rows = 0;       ///< calls, results, raw replies and ledger entries queued
    qint64 skipped = 0;    ///< rows of jobs this database does not hold
};
/// Reads `file` and queues its rows into `w` (job keys mapped to ids through `idOf`; 0 = unknown).
/// Nothing is written here: the caller flushes, and only then retires the file.
Result<RecoveryImport> readRecoveryFile(const QString &file, ResultWriter &w, const std::function<qint64(const QString &)> &idOf);

} // namespace wb::storage_detail
