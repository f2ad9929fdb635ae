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

/// True for a connection to a PostgreSQL server (the shared run store); false for SQLite. The few
/// statements whose dialects differ ask this (docs/FORMATS.md, "PostgreSQL run store").
inline bool isPostgres(const QSqlDatabase &db)
{
    return db.driverName() == QLatin1String("QPSQL");
}

/// The ORDER BY for `runs` (with `alias`, empty for none) in the order the runs were planned:
/// SQLite's rowid; PostgreSQL has none, and its runs of one experiment are stored in plan order
/// within one second-resolution timestamp, so creation time then id.
inline QString runsInPlanOrder(const QSqlDatabase &db, const QString &alias = {})
{
    const QString p = alias.isEmpty() ? QString() : alias + QLatin1Char('.');
    if (isPostgres(db))
        return p + QStringLiteral("created_at, ") + p + QStringLiteral("run_id");
    return p + QStringLiteral("rowid");
}

/// One write transaction. IMMEDIATE takes the write lock at once, so a busy database fails here
/// (after busy_timeout) rather than halfway through the writes. PostgreSQL locks rows, not the file.
inline Result<void> beginImmediate(QSqlDatabase &db, const QString &path = {})
{
    return execSql(db, isPostgres(db) ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE"), path);
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

/// The open connection a reader named (openReadConnection(), or a store's own).
inline Result<QSqlDatabase> connection(const QString &connName)
{
    QSqlDatabase db = QSqlDatabase::database(connName, false);
    if (!db.isValid() || !db.isOpen())
        return fail(QStringLiteral("no open results database connection named %1").arg(connName));
    return db;
}

/// Applies the per-connection settings every storage connection uses.
Result<void> configureConnection(QSqlDatabase &db, const QString &path, bool readOnly);

/// Adds and opens a connection with a name unique to this thread and call: QSQLITE for a file path,
/// QPSQL for a postgresql:// URL (serverdb.h).
Result<QSqlDatabase> openConnection(const QString &path, const QString &purpose, bool readOnly);

/// Closes and unregisters a connection opened by openConnection().
void closeConnection(const QString &name);

} // namespace wb::storage_detail
