// Opening a results database connection: per-thread connection names and the per-connection
// settings (WAL, synchronous, caches) every storage connection shares. The schema is schema.cpp's.
#include "core/common/logging.h"
#include "core/storage/serverdb.h"
#include "core/storage/sqlhelpers_p.h"
#include "core/storage/storagepaths.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QThread>
#include <QUrl>

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
    // A reader (the results view has three, one per query thread) maps nothing and keeps a smaller
    // cache: each map counts in the process's resident size on its own, which took the view of a
    // million results to 600 MB; its index lookups read as fast from the OS page cache.
    if (readOnly && (!q.exec(QStringLiteral("PRAGMA mmap_size=0")) || !q.exec(QStringLiteral("PRAGMA cache_size=-8192"))))
        return std::unexpected(sqlError(QStringLiteral("reader cache"), q.lastError(), path));
    if (readOnly && !q.exec(QStringLiteral("PRAGMA query_only=ON")))
        return std::unexpected(sqlError(QStringLiteral("query_only"), q.lastError(), path));
    // Fail here, with the path, rather than on the first query: a file that is not SQLite opens fine.
    if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")))
        return std::unexpected(sqlError(QStringLiteral("not a usable SQLite database"), q.lastError(), path));
    q.finish();
    return {};
}

namespace {

// Reading a database in a folder we cannot write (read-only media, a colleague's share): SQLite
// needs to create the -shm index of a WAL database, which fails there and used to surface as "not
// a usable SQLite database". Returns the URI to open instead (empty: open the path as usual).
// Without a -wal file the file holds every commit, so immutable=1 (no locks, no index) reads it
// exactly; with a -wal, mode=ro reads it through an -shm that is already there; a -wal without
// its -shm cannot be read in place, and the error says what to do.
Result<QString> readOnlyMediaUri(const QString &path, bool readOnly)
{
    const QFileInfo file(path);
    if (!readOnly || !file.isFile() || QFileInfo(file.absolutePath()).isWritable())
        return QString();
    const QFileInfo wal(path + QStringLiteral("-wal"));
    const bool walHasData = wal.exists() && wal.size() > 0;
    if (walHasData && !QFileInfo::exists(path + QStringLiteral("-shm")))
        return fail(QStringLiteral("the database is in a folder that cannot be written (read-only media?) and its latest "
                                   "results are still in %1-wal, which SQLite can only read with write access to the "
                                   "folder; copy the database together with its -wal file to a writable folder and use "
                                   "that copy")
                        .arg(file.fileName()),
                    path);
    QUrl uri = QUrl::fromLocalFile(file.absoluteFilePath());
    uri.setQuery(walHasData ? QStringLiteral("mode=ro") : QStringLiteral("immutable=1"));
    qCInfo(lcStorage) << "reading" << path << "from a folder that cannot be written:" << uri.query();
    return uri.toString(QUrl::FullyEncoded);
}

} // namespace

namespace {

QString connectionNameFor(const QString &purpose)
{
    // QSqlDatabase connections may only be used on the thread that created them, and a name may
    // be registered once: the name carries the thread id and a process-wide counter.
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("wb.storage.%1.%2.%3")
        .arg(purpose)
        .arg(quintptr(QThread::currentThreadId()), 0, 16)
        .arg(counter.fetchAndAddRelaxed(1));
}

/// A connection to the PostgreSQL run store. `url` may carry a password; errors name it without.
Result<QSqlDatabase> openServerConnection(const QString &url, const QString &purpose, bool readOnly)
{
    const QString shown = displayDatabase(url);
    auto target = parseServerDatabase(url);
    if (!target)
        return std::unexpected(target.error());
    const QString name = connectionNameFor(purpose);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(name);
        return fail(QStringLiteral("the Qt PostgreSQL driver (QPSQL) is not available; install libqt6sql6-psql"), shown);
    }
    db.setHostName(target->host);
    db.setPort(target->port);
    db.setUserName(target->user);
    if (!target->password.isEmpty())
        db.setPassword(target->password);   // otherwise libpq reads PGPASSWORD
    db.setDatabaseName(target->name);
    db.setConnectOptions(QStringLiteral("connect_timeout=10;application_name=discernus"));
    auto failed = [&](const QString &what, const QSqlError &e) -> Result<QSqlDatabase> {
        Error err = sqlError(what, e, shown);
        // libpq repeats the password only in no message we know of; be sure anyway.
        if (!target->password.isEmpty())
            err.message.replace(target->password, QStringLiteral("<password>"));
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return std::unexpected(err);
    };
    if (!db.open())
        return failed(QStringLiteral("cannot connect to the PostgreSQL server"), db.lastError());
    QSqlQuery q(db);
    // Notices (e.g. "relation already exists, skipping") are noise on stderr.
    if (!q.exec(QStringLiteral("SET client_min_messages = warning")))
        return failed(QStringLiteral("configuring the connection"), q.lastError());
    if (readOnly && !q.exec(QStringLiteral("SET default_transaction_read_only = on")))
        return failed(QStringLiteral("configuring the connection"), q.lastError());
    q.finish();
    return db;
}

} // namespace

Result<QSqlDatabase> openConnection(const QString &path, const QString &purpose, bool readOnly)
{
    if (isServerDatabase(path))
        return openServerConnection(path, purpose, readOnly);
    if (!readOnly && !QFileInfo::exists(path)) {
        if (auto folder = checkParentFolder(path); !folder)
            return std::unexpected(folder.error());
    }
    const auto how = readOnlyMediaUri(path, readOnly);
    if (!how)
        return std::unexpected(how.error());
    const QString name = connectionNameFor(purpose);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (!db.isValid()) {
        QSqlDatabase::removeDatabase(name);
        return fail(QStringLiteral("the Qt SQLite driver (QSQLITE) is not available"), path);
    }
    db.setDatabaseName(how->isEmpty() ? path : *how);
    db.setConnectOptions(how->isEmpty() ? QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000")
                                        : QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000;QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"));
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
