#pragma once
// The estimate's recommendations: what would make the experiment faster or cheaper (another key,
// a higher usage tier, batching, a cheaper model of the same family), each priced and timed by
// re-simulating the schedule with the change.
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/experiment/estimatereport.h"
#include "core/experiment/schedulesim.h"
#include "core/pricing/pricing.h"

#include <QList>
#include <QStringList>
#include <functional>

namespace wb {

struct RecommendationInput {
    const ModeEstimate &planned;                   ///< the estimate as configured
    const ModeEstimate *batchedAlternative;        ///< batching is off: the same calls batched; else nullptr
    const QList<ScheduleDeployment> &deployments;  ///< as simulated for `planned`
    const QList<Deployment> &priced;               ///< parallel to deployments, for prices
    const QStringList &groups;                     ///< ScheduleDeployment::group -> model group name
    const QList<int> &firstDeploymentOfGroup;
    const ExperimentConfig &experiment;
    const PriceTable &prices;
};

/// The planned calls estimated with other deployments or prices. Passing `in.deployments` itself
/// (not a copy) tells it the schedule is unchanged.
using ModeSimulator =
    std::function<Result<ModeEstimate>(const QList<ScheduleDeployment> &deployments, const QList<Deployment> &priced)>;

/// Recommendations in a fixed order (add key, higher tier, batching, cheaper models); an error
/// only if a simulation failed (cancelled).
Result<QList<Recommendation>> recommend(const RecommendationInput &in, const ModeSimulator &simulate);

} // namespace wb
