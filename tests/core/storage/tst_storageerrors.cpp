// Errors a user can act on when the results database or the export target is not where or what
// it should be: a missing folder, a database on read-only media, a database from a newer version.
#include "core/storage/resultquery.h"
#include "core/storage/resultstore.h"
#include "core/storage/storagepaths.h"
#include "storagefixture.h"

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

using namespace wb;
using namespace wbtest;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool copyFile(const QString &from, const QString &to)
{
    QFile::remove(to);
    return QFile::copy(from, to);
}

/// Sets PRAGMA user_version directly, the way a newer program would have left the file.
void setUserVersion(const QString &path, int version)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
}

int userVersion(const QString &path)
{
    int v = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("PRAGMA user_version")) && q.next())
                v = q.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    return v;
}

} // namespace

class TstStorageErrors final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Root ignores file permissions, so a read-only folder needs a read-only mount: a private
        // mount namespace (this process only) is the one way to get one without touching the
        // machine. Unsharing must happen while the process has a single thread.
        if (geteuid() == 0)
            m_privateMounts = unshare(CLONE_NEWNS) == 0 && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
    }

    void missingFolderIsNamed()
    {
        const QString folder = m_dir.filePath(QStringLiteral("no/such/folder"));
        const QString db = folder + QStringLiteral("/results.sqlite");
        auto r = checkParentFolder(db);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QDir::toNativeSeparators(folder) + QStringLiteral(" does not exist")),
                 qPrintable(r.error().message));
        QCOMPARE(r.error().file, db);
        QVERIFY(checkParentFolder(m_dir.filePath(QStringLiteral("fine.sqlite"))));

        ResultStore store;
        auto opened = store.open(db);
        QVERIFY(!opened);
        QVERIFY2(opened.error().message.contains(QStringLiteral("does not exist")), qPrintable(opened.error().message));
        QVERIFY(!QFileInfo::exists(folder));
    }

    void exportToMissingFolderIsNamed()
    {
        const QString db = sampleDb(QStringLiteral("export-src.sqlite"));
        const QString folder = m_dir.filePath(QStringLiteral("missing-out"));
        auto n = exportCsv(db, folder + QStringLiteral("/out.csv"), {});
        QVERIFY(!n);
        QVERIFY2(n.error().message.contains(QDir::toNativeSeparators(folder) + QStringLiteral(" does not exist")),
                 qPrintable(n.error().message));
        QVERIFY(!n.error().message.contains(QStringLiteral("writable")));
    }

    void newerSchemaIsRefusedEverywhere()
    {
        const QString db = sampleDb(QStringLiteral("newer.sqlite"));
        setUserVersion(db, 999);
        const QString expected = QStringLiteral("written by a newer discernus (schema 999); upgrade");

        ResultStore store;   // run, estimate and (from a writable folder) export open it this way
        auto opened = store.open(db);
        QVERIFY(!opened);
        QVERIFY2(opened.error().message.contains(expected), qPrintable(opened.error().message));
        QCOMPARE(opened.error().file, db);

        auto read = openReadConnection(db);   // the workbench's results view
        QVERIFY(!read);
        QVERIFY2(read.error().message.contains(expected), qPrintable(read.error().message));

        const QString out = m_dir.filePath(QStringLiteral("newer.csv"));
        auto n = exportCsv(db, out, {});
        QVERIFY(!n);
        QVERIFY2(n.error().message.contains(expected), qPrintable(n.error().message));
        QVERIFY(!QFileInfo::exists(out));
        QCOMPARE(userVersion(db), 999);   // left as it was
    }

    void exportFromReadOnlyFolder()
    {
        const QString original = sampleDb(QStringLiteral("ro-original.sqlite"));
        const QString expectedCsv = m_dir.filePath(QStringLiteral("ro-expected.csv"));
        QVERIFY(exportCsv(original, expectedCsv, {}));

        // What a copy onto read-only media can look like: a cleanly closed WAL database (one file),
        // one copied while a run was writing (-wal and -shm), and one whose -shm was left behind.
        const QString src = m_dir.filePath(QStringLiteral("media"));
        for (const char *sub : {"closed", "live", "noshm"})
            QVERIFY(QDir().mkpath(src + QLatin1Char('/') + QLatin1String(sub)));
        QVERIFY(copyFile(original, src + QStringLiteral("/closed/r.sqlite")));
        QVERIFY(!QFileInfo::exists(src + QStringLiteral("/closed/r.sqlite-wal")));
        {
            ResultStore store;
            const QString live = m_dir.filePath(QStringLiteral("ro-live.sqlite"));
            QVERIFY(store.open(live));
            QCOMPARE(fillSample(store).size(), 5);
            QVERIFY2(QFileInfo(live + QStringLiteral("-wal")).size() > 0, "the results should still be in the -wal");
            for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
                QVERIFY(copyFile(live + suffix, src + QStringLiteral("/live/r.sqlite") + suffix));
                if (!suffix.endsWith(QLatin1String("shm")))
                    QVERIFY(copyFile(live + suffix, src + QStringLiteral("/noshm/r.sqlite") + suffix));
            }
        }

        const QString media = readOnlyView(src);
        if (media.isEmpty())
            QSKIP("cannot make a read-only folder here (root without a private mount namespace)");
        QVERIFY2(!QFile(media + QStringLiteral("/probe")).open(QIODevice::WriteOnly), "the folder is still writable");

        for (const char *sub : {"closed", "live"}) {
            const QString out = m_dir.filePath(QStringLiteral("ro-%1.csv").arg(QLatin1String(sub)));
            auto n = exportCsv(media + QLatin1Char('/') + QLatin1String(sub) + QStringLiteral("/r.sqlite"), out, {});
            QVERIFY2(n, n ? sub : qPrintable(n.error().toString()));
            QCOMPARE(*n, 5);
            QCOMPARE(readAll(out), readAll(expectedCsv));
            auto read = openReadConnection(media + QLatin1Char('/') + QLatin1String(sub) + QStringLiteral("/r.sqlite"));
            QVERIFY2(read, read ? sub : qPrintable(read.error().toString()));
            closeReadConnection(*read);
        }

        const QString noShm = media + QStringLiteral("/noshm/r.sqlite");
        auto n = exportCsv(noShm, m_dir.filePath(QStringLiteral("ro-noshm.csv")), {});
        QVERIFY(!n);
        QVERIFY2(n.error().message.contains(QStringLiteral("r.sqlite-wal"))
                     && n.error().message.contains(QStringLiteral("copy the database together with its -wal file")),
                 qPrintable(n.error().message));
        QCOMPARE(n.error().file, noShm);
        QVERIFY(!n.error().message.contains(QStringLiteral("not a usable SQLite database")));
    }

    void cleanupTestCase()
    {
        if (!m_mounted.isEmpty())
            umount2(m_mounted.toLocal8Bit().constData(), MNT_DETACH);
        if (!m_chmodded.isEmpty()) {   // so the temporary folder can be removed
            for (const char *sub : {"", "/closed", "/live", "/noshm"})
                QFile::setPermissions(m_chmodded + QLatin1String(sub), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        }
    }

private:
    QString sampleDb(const QString &name)
    {
        const QString path = m_dir.filePath(name);
        ResultStore store;
        if (!store.open(path))
            return {};
        fillSample(store);
        return path;
    }

    /// `src` seen through a read-only folder: a read-only bind mount (root) or permissions.
    QString readOnlyView(const QString &src)
    {
        if (geteuid() != 0) {
            QFile::setPermissions(src, QFile::ReadOwner | QFile::ExeOwner);
            for (const char *sub : {"closed", "live", "noshm"})
                QFile::setPermissions(src + QLatin1Char('/') + QLatin1String(sub), QFile::ReadOwner | QFile::ExeOwner);
            m_chmodded = src;
            return src;
        }
        if (!m_privateMounts)
            return {};
        const QString mnt = m_dir.filePath(QStringLiteral("ro-media"));
        QDir().mkpath(mnt);
        const QByteArray s = src.toLocal8Bit(), m = mnt.toLocal8Bit();
        if (mount(s.constData(), m.constData(), nullptr, MS_BIND, nullptr) != 0)
            return {};
        m_mounted = mnt;
        if (mount(nullptr, m.constData(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
            return {};
        return mnt;
    }

    QTemporaryDir m_dir;
    bool m_privateMounts = false;
    QString m_mounted;
    QString m_chmodded;
};

QTEST_GUILESS_MAIN(TstStorageErrors)
#include "tst_storageerrors.moc"
