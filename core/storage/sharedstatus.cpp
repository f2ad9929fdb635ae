#include "core/storage/sharedstatus.h"

#include "core/storage/serverdb.h"

#include <QDateTime>

namespace wb {

Result<SharedRunStatus> sharedRunStatus(const ResultStore &store)
{
    SharedRunStatus s;
    auto counts = store.counts();
    if (!counts)
        return std::unexpected(counts.error());
    auto spent = store.spendSince(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
    if (!spent)
        return std::unexpected(spent.error());
    s.counts = *counts;
    s.spentMicros = *spent;
    s.server = isServerDatabase(store.path());
    if (s.server) {
        auto w = JobLeases::workers(store);
        if (!w)
            return std::unexpected(w.error());
        s.workers = *w;
    }
    return s;
}

Result<SharedRunStatus> readSharedRunStatus(const QString &db)
{
    ResultStore store;
    if (auto ok = store.open(db); !ok)
        return std::unexpected(ok.error());
    auto s = sharedRunStatus(store);
    store.close();
    return s;
}

} // namespace wb
