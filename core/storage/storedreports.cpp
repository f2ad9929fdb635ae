// Stored reports (docs/FORMATS.md, "Stored statistics"): read on a reader's connection, written on
// a short-lived connection of their own, never by migrating a database a reader opened.
#include "core/storage/storedreports.h"

#include "core/common/logging.h"
#include "core/storage/resultstore.h"
#include "core/storage/serverdb.h"
#include "core/storage/schema_p.h"
#include "core/storage/sqlhelpers_p.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace wb {

using namespace storage_detail;

namespace {

constexpr int kStoredReportsSchema = 5;

int schemaOf(QSqlDatabase &db)
{
    return schemaVersionOf(db, db.databaseName()).value_or(0);
}

Result<std::optional<qint64>> versionOn(QSqlDatabase &db)
{
    if (schemaOf(db) < kStoredReportsSchema)
        return std::optional<qint64>();
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT version FROM results_version WHERE id = 1")))
        return std::unexpected(sqlError(QStringLiteral("reading the results version"), q.lastError(), db.databaseName()));
    return std::optional<qint64>(q.next() ? q.value(0).toLongLong() : 0);
}

/// Whether a reader may write into this database file at all (see storeReport()).
bool writableFile(const QString &path)
{
    const QFileInfo file(path);
    constexpr auto anyWrite = QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther;
    return file.isFile() && (file.permissions() & anyWrite) && QFileInfo(file.absolutePath()).isWritable();
}

} // namespace

Result<std::optional<qint64>> resultsVersion(const QString &connName)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    return versionOn(*db);
}

Result<std::optional<StoredReport>> storedReport(const QString &connName, const QString &key)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    // The version and the report in one read transaction: a batch committed between the two reads
    // would otherwise make a report computed before it look current.
    const bool own = db->transaction();
    struct EndRead {
        QSqlDatabase &db;
        bool own;
        ~EndRead()
        {
            if (own)
                db.rollback();
        }
    } endRead{*db, own};
    auto version = versionOn(*db);
    if (!version)
        return std::unexpected(version.error());
    if (!*version)
        return std::optional<StoredReport>();
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("SELECT report, results_version, computed_at, compute_ms FROM stored_reports WHERE report_key = ?"));
    q.addBindValue(key);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("reading a stored report"), q.lastError(), db->databaseName()));
    if (!q.next())
        return std::optional<StoredReport>();
    StoredReport r;
    r.json = q.value(0).toString().toUtf8();
    r.resultsVersion = q.value(1).toLongLong();
    r.currentVersion = **version;
    r.computedAt = QDateTime::fromString(q.value(2).toString(), Qt::ISODateWithMs);
    r.computedAt.setTimeSpec(Qt::UTC);
    r.computeMs = q.value(3).toLongLong();
    return std::optional<StoredReport>(std::move(r));
}

Result<bool> storeReport(const QString &dbPath, const QString &key, qint64 version, qint64 computeMs, const QByteArray &json)
{
    const bool server = isServerDatabase(dbPath);
    if (!server && !writableFile(dbPath))
        return false;
    auto db = openConnection(dbPath, QStringLiteral("report"), false);
    if (!db)
        return std::unexpected(db.error());
    const QString name = db->connectionName();
    Result<bool> out = false;
    {
        if (schemaOf(*db) >= kStoredReportsSchema) {
            QSqlQuery q(*db);
            // A report computed at an older version never replaces one computed at a newer.
            q.prepare(QStringLiteral("INSERT INTO stored_reports(report_key, results_version, computed_at, compute_ms, report)"
                                     " VALUES (?,?,?,?,?) ON CONFLICT(report_key) DO UPDATE SET"
                                     " results_version=excluded.results_version, computed_at=excluded.computed_at,"
                                     " compute_ms=excluded.compute_ms, report=excluded.report"
                                     " WHERE excluded.results_version >= stored_reports.results_version"));
            q.addBindValue(key);
            q.addBindValue(version);
            q.addBindValue(nowIso());
            q.addBindValue(computeMs);
            q.addBindValue(QString::fromUtf8(json));
            if (q.exec())
                out = true;
            else
                out = std::unexpected(sqlError(QStringLiteral("storing a report"), q.lastError(), dbPath));
        }
    }
    *db = QSqlDatabase();
    closeConnection(name);
    return out;
}

} // namespace wb
