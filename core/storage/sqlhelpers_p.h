#pragma once
// Internal helpers shared by the storage sources; not part of the public API.
#include "core/common/result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace wb::storage_detail {

/// Every timestamp in the database: ISO 8601 UTC with milliseconds. One fixed format means the
/// text columns sort and compare correctly (the ledger's `at >= ?` relies on it) and stay readable
/// in the sqlite3 shell.
inline QString isoUtc(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}
inline QString nowIso()
{
    return isoUtc(QDateTime::currentDateTimeUtc());
}

inline Error sqlError(const QString &what, const QSqlError &e, const QString &path = {})
{
    Error err;
    err.message = what + QLatin1String(": ") + e.text();
    err.file = path;
    return err;
}

/// Runs one statement that needs no bound values.
inline Result<void> execSql(QSqlDatabase &db, const QString &sql, const QString &path = {})
{
    QSqlQuery q(db);
    if (!q.exec(sql))
        return std::unexpected(sqlError(sql.left(60), q.lastError(), path));
    return {};
}

/// One write transaction. IMMEDIATE takes the write lock at once, so a busy database fails here
/// (after busy_timeout) rather than halfway through the writes.
inline Result<void> beginImmediate(QSqlDatabase &db, const QString &path = {})
{
    return execSql(db, QStringLiteral("BEGIN IMMEDIATE"), path);
}
inline Result<void> commit(QSqlDatabase &db, const QString &path = {})
{
    return execSql(db, QStringLiteral("COMMIT"), path);
}
inline void rollback(QSqlDatabase &db, const QString &path = {})
{
    (void)execSql(db, QStringLiteral("ROLLBACK"), path);
}

/// "?,?,?" for an IN list.
inline QString placeholders(qsizetype n)
{
    QString s;
    s.reserve(n * 2);
    for (qsizetype i = 0; i < n; ++i)
        s += i ? QLatin1String(",?") : QLatin1String("?");
    return s;
}

/// A column that may be NULL in the database, read as an empty string.
inline QString text(const QSqlQuery &q, int col)
{
    return q.value(col).toString();
}

// Connections (resultdb.cpp).

/// Applies the per-connection settings every storage connection uses.
Result<void> configureConnection(QSqlDatabase &db, const QString &path, bool readOnly);

/// Adds and opens a QSQLITE connection with a name unique to this thread and call.
Result<QSqlDatabase> openConnection(const QString &path, const QString &purpose, bool readOnly);

/// Closes and unregisters a connection opened by openConnection().
void closeConnection(const QString &name);

} // namespace wb::storage_detail
