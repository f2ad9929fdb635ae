#pragma once
// Finished jobs with one score each, written through the real ResultStore: the smallest results
// database the statistics can be computed over.
#include "core/storage/resultstore.h"

#include <functional>

namespace wbtest {

/// Jobs of `runId` for texts t<from> … t<to - 1> of corpus "c" (repetition 1), each finished with
/// `scoreOf(text number)` on `dimension`, flushed. The run must exist.
inline bool addScoredTexts(wb::ResultStore &store, const QString &runId, int from, int to, const QString &dimension,
                           const std::function<double(int)> &scoreOf)
{
    QList<wb::JobRow> jobs;
    for (int t = from; t < to; ++t) {
        wb::JobRow j;
        j.runId = runId;
        j.corpus = QStringLiteral("c");
        j.textId = QStringLiteral("t%1").arg(t);
        j.key = runId + QStringLiteral("|c/") + j.textId + QStringLiteral("|1");
        jobs << j;
    }
    auto rows = store.ensureJobs(jobs);
    if (!rows)
        return false;
    for (const wb::JobRow &row : *rows) {
        wb::JobResult r;
        r.jobId = row.id;
        r.scores = {wb::ScoreRow{dimension, scoreOf(row.textId.mid(1).toInt()), {}}};
        store.recordResult(r);
    }
    return bool(store.flush());
}

} // namespace wbtest
