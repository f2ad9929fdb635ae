#pragma once
// A results database on a PostgreSQL server — the run store several workers share — named by a
// URL instead of a SQLite file path (docs/FORMATS.md, "PostgreSQL run store").
#include "core/common/result.h"

#include <QString>

namespace wb {

/// True when `db` names a PostgreSQL server (postgresql:// or postgres://) rather than a SQLite file.
bool isServerDatabase(const QString &db);

/// The parts of postgresql://user[:password]@host[:port]/dbname. A password missing from the URL
/// comes from PGPASSWORD (libpq reads it).
struct ServerDatabase {
    QString host = QStringLiteral("localhost");
    int port = 5432;
    QString user;
    QString password;
    QString name;
};
Result<ServerDatabase> parseServerDatabase(const QString &url);

/// `db` fit for messages and logs: a server URL without its password; a file path unchanged.
QString displayDatabase(const QString &db);

} // namespace wb
