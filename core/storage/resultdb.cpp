// Opening a results database connection: per-thread connection names and the per-connection
// settings (WAL, synchronous, caches) every storage connection shares. The schema is schema.cpp's.
#include "core/common/logging.h"
#include "core/storage/sqlhelpers_p.h"

#include <QAtomicInteger>
#include <QThread>

namespace wb::storage_detail {

Result<void> configureConnection(QSqlDatabase &db, const QString &path, bool readOnly)
{
    QSqlQuery q(db);
    // WAL: readers (the results view, an export) never block the engine's writer and vice versa.
    // It must be set outside a transaction; it is persistent, so read-only connections skip it.
    if (!readOnly) {
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
            return std::unexpected(sqlError(QStringLiteral("not a usable SQLite database"), q.lastError(), path));
        if (q.next() && q.value(0).toString() != QLatin1String("wal"))
            qCInfo(lcStorage) << "journal mode is" << q.value(0).toString() << "for" << path;
        q.finish();
    }
    // NORMAL in WAL mode syncs at checkpoints, not at every commit: a committed transaction survives
    // an application crash (the case --resume is for); only a power cut can lose the last commits.
    const QStringList pragmas = {
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("PRAGMA foreign_keys=ON"),
        QStringLiteral("PRAGMA busy_timeout=5000"),
        // The default 2 MB page cache thrashes on a million-job database (index inserts, the
        // results view, exports); 32 MB per connection and memory-mapped reads keep them off
        // the read() syscall path (the map is file-backed and reclaimable, capped at 256 MB so it does
        // not dominate a process's resident size). Both are per connection and need no schema change.
        QStringLiteral("PRAGMA cache_size=-32768"),
        QStringLiteral("PRAGMA mmap_size=268435456"),
    };
    for (const QString &p : pragmas) {
        if (!q.exec(p))
            return std::unexpected(sqlError(p, q.lastError(), path));
    }
    if (readOnly && !q.exec(QStringLiteral("PRAGMA query_only=ON")))
        return std::unexpected(sqlError(QStringLiteral("query_only"), q.lastError(), path));
    // Fail here, with the path, rather than on the first query: a file that is not SQLite opens fine.
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")))
        return std::unexpected(sqlError(QStringLiteral("not a usable SQLite database"), q.lastError(), path));
    q.finish();
    return {};
}

Result<QSqlDatabase> openConnection(const QString &path, const QString &purpose, bool readOnly)
{
    // QSqlDatabase connections may only be used on the thread that created them, and a name may
    // be registered once: the name carries the thread id and a process-wide counter.
    static QAtomicInteger<quint64> counter;
    const QString name = QStringLiteral("wb.storage.%1.%2.%3")
                             .arg(purpose)
                             .arg(quintptr(QThread::currentThreadId()), 0, 16)
                             .arg(counter.fetchAndAddRelaxed(1));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(name);
        return fail(QStringLiteral("the Qt SQLite driver (QSQLITE) is not available"), path);
    }
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        const Error e = sqlError(QStringLiteral("cannot open database"), db.lastError(), path);
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::unexpected(e);
    }
    if (auto r = configureConnection(db, path, readOnly); !r) {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::unexpected(r.error());
    }
    return db;
}

void closeConnection(const QString &name)
{
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace wb::storage_detail
