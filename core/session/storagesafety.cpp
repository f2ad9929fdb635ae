#include "core/session/storagesafety.h"

#include "core/experiment/planner.h"
#include "core/session/runsetup.h"
#include "core/storage/resultstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QStorageInfo>

#include <sys/statvfs.h>

namespace wb {

namespace {

constexpr qint64 kFixedBytesPerJob = 2048;
constexpr qint64 kBytesPerCompletionToken = 6;
constexpr qint64 kMarginBytes = 8 * 1024 * 1024;

struct Volume {
    qint64 available = -1;   // bytes; -1 = unknown
    QString root;            // the mount point, or the folder when the mount table is not readable
};

Volume volumeOf(const QString &dbPath)
{
    const QFileInfo fi(dbPath);
    const QStorageInfo v(fi.exists() ? fi.absoluteFilePath() : fi.absolutePath());
    if (v.isValid())
        return {v.bytesAvailable(), v.rootPath()};
    // QStorageInfo needs the mount table, which a chroot or container may not show; statvfs
    // on the folder itself still knows its free space.
    struct statvfs st {};
    const QByteArray folder = QFile::encodeName(fi.absolutePath());
    if (::statvfs(folder.constData(), &st) == 0)
        return {qint64(st.f_bavail) * qint64(st.f_frsize), fi.absolutePath()};
    return {};
}

} // namespace

qint64 estimatedResultBytes(qint64 expectedCompletionTokens)
{
    return kFixedBytesPerJob + kBytesPerCompletionToken * qMax<qint64>(0, expectedCompletionTokens);
}

qint64 freeBytesFor(const QString &dbPath)
{
    return volumeOf(dbPath).available;
}

QString freeSpaceText(const QString &dbPath)
{
    const Volume v = volumeOf(dbPath);
    if (v.available < 0)
        return QStringLiteral("free space unknown");
    return QStringLiteral("%1 free on %2").arg(QLocale::c().formattedDataSize(v.available), v.root);
}

Result<void> checkFreeSpace(const PreparedRun &p)
{
    const qint64 free = freeBytesFor(p.options.dbPath);
    if (free < 0 || p.jobs.isEmpty())
        return {};
    QHash<QString, double> history;
    if (auto h = p.store->meanCompletionTokensPerText())
        history = *h;
    const int maxTokens = p.project.experiment.execution.maxTokens;
    qint64 need = kMarginBytes;
    for (const PreparedJob &j : p.jobs) {
        if (!j.run)
            continue;
        const qint64 typical = qMin<qint64>(maxTokens, 100 + 80 * (j.run->framework ? j.run->framework->dimensions.size() : 6));
        const qint64 expected = history.contains(j.run->spec.model) ? qint64(history.value(j.run->spec.model)) : typical;
        need += estimatedResultBytes(expected);
    }
    if (need <= free)
        return {};
    Error e;
    e.file = p.options.dbPath;
    e.message = QStringLiteral("not enough free space for the results of %1 jobs: about %2 needed, %3; free some space or "
                               "choose a database on another disk")
                    .arg(p.jobs.size())
                    .arg(QLocale::c().formattedDataSize(need), freeSpaceText(p.options.dbPath));
    return std::unexpected(e);
}

Result<void> importRecoveryFiles(PreparedRun &p, const std::function<void(const QString &)> &emitEvent)
{
    QStringList files = ResultStore::existingRecoveryFiles(p.options.dbPath);
    // A database moved to another disk after a storage failure: its recovery file may be in a
    // fallback folder under the old path's name. Only --resume looks for those, so a new database
    // of the same name is never held up by a stranger's file.
    if (p.options.resume)
        for (const QString &f : ResultStore::movedDatabaseRecoveryFiles(p.options.dbPath))
            if (!files.contains(f))
                files.append(f);
    if (files.isEmpty())
        return {};
    if (!p.options.resume)
        return fail(QStringLiteral("replies a previous run paid for but could not store are in this recovery file; run with "
                                   "--resume to store them first"),
                    files.first());
    // The jobs must exist before their rows can be matched by key (the database may be new).
    if (auto all = p.store->ensureJobs(planJobs(p.runs)); !all)
        return std::unexpected(all.error());
    for (const QString &f : files) {
        auto imported = p.store->importRecoveryFile(f);
        if (!imported)
            return std::unexpected(imported.error());
        emitEvent(QStringLiteral("recovered %1 rows from %2%3")
                      .arg(imported->rows)
                      .arg(f, imported->skipped ? QStringLiteral(" (%1 of jobs no longer in the experiment skipped)").arg(imported->skipped)
                                                : QString()));
    }
    return {};
}

} // namespace wb
