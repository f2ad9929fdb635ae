#pragma once
// Builds the estimator's input from a loaded project: the runner's own prompt builder and batch
// packing, token calibrations and output history from the results database when there is one,
// money already spent in the budget period, and the simulator's latency when the list asks for it.
#include "core/common/result.h"
#include "core/experiment/estimator.h"
#include "core/session/project.h"

#include <memory>

namespace wb {

struct EstimateContext {
    EstimateInput input;
    std::shared_ptr<TokenEstimator> tokens;   ///< owns what input.tokens points at
};

/// The one estimate assembler: `discernus estimate` and the workbench's Estimate page both call it.
/// dbPath may be empty or a file that doesn't exist yet (then no history is used).
/// learnedLimitsPath: the store of limits earlier runs learned from the providers
/// (core/session/learnedlimits.h; the apps pass LearnedLimitStore::defaultPath()), used for
/// deployments with none configured; empty = none. A store that cannot be read is logged and ignored.
Result<EstimateContext> prepareEstimate(const LoadedProject &project, const QString &dbPath,
                                        const QString &learnedLimitsPath = {});

} // namespace wb
