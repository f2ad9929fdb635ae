#pragma once
// Cross-checks a results database against the runs about to be stored in it.
#include "core/common/result.h"
#include "core/experiment/planner.h"
#include "core/storage/resultstore.h"

namespace wb {

/// What the database already holds must be what these runs mean: another experiment's run ids, a
/// changed model group, framework or text would silently mix results. The error names at most five
/// problems and how to avoid them.
Result<void> checkStoredRunsMatch(const ResultStore &store, const QList<PlannedRun> &runs, const QString &experiment,
                                  const QString &dbPath);

} // namespace wb
