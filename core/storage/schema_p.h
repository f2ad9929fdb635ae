#pragma once
// Schema and migrations of the results database; internal to core/storage.
#include "core/storage/sqlhelpers_p.h"

namespace wb::storage_detail {

/// The schema version this program writes (the number of migration steps).
int latestSchemaVersion();

/// The schema version of a results database: PRAGMA user_version in SQLite, the highest row of
/// schema_version in PostgreSQL (which has no user_version; the migrations write both). 0 for a
/// database without a schema.
Result<int> schemaVersionOf(QSqlDatabase &db, const QString &path);

/// Brings the database up to latestSchemaVersion(), one transaction per step, and returns that
/// version. A database newer than this program is an error and is left untouched.
Result<int> migrateSchema(QSqlDatabase &db, const QString &path);

/// The refusal for a database whose schema version is newer than this program's: every way in
/// (run, estimate, export, the workbench) says the same.
Error newerSchemaError(int version, const QString &path);

} // namespace wb::storage_detail
