#pragma once
// Choosing one deployment among those that can take a call now (router_settings.routing_strategy).
// Pure: the router measures every candidate and passes the figures in; the only state is the
// random generator simple-shuffle and latency-based exploration draw from (seeded in tests).
#include <QString>
#include <QtGlobal>

#include <random>
#include <vector>

namespace wb {

enum class RoutingStrategy { SimpleShuffle, LeastBusy, UsageBased, UsageBasedV2, LatencyBased, CostBased };

/// "simple-shuffle", "least-busy", "usage-based-routing", "usage-based-routing-v2",
/// "latency-based-routing", "cost-based-routing"; anything else is usage-based-routing-v2.
RoutingStrategy parseRoutingStrategy(const QString &name);

/// What a strategy knows about one admissible deployment.
struct RoutingCandidate {
    double weight = 1.0;           ///< simple-shuffle: relative share (<= 0 never picked unless all are)
    int inFlight = 0;              ///< least-busy, and the tie-break of the usage strategies
    qint64 tokensUsed = 0;         ///< usage-based: tokens in the current window
    double headroom = 0;           ///< usage-based-v2, cost tie-break: smallest fraction of a limit left after the call
    bool hasLatency = false;       ///< latency-based: measured at least once
    double latencyPerToken = 0;    ///< latency-based: ms per output token (moving average)
    qint64 worstCaseMicros = 0;    ///< cost-based: the call's worst-case cost
};

/// Which of the costlier candidate figures a strategy reads (the others may stay unset).
struct RoutingInputs {
    bool tokensUsed = false;
    bool headroom = false;
    bool cost = false;
};
RoutingInputs routingInputs(RoutingStrategy strategy);

/// The position in `candidates` (not empty) of the deployment to use.
std::size_t pickCandidate(RoutingStrategy strategy, const std::vector<RoutingCandidate> &candidates,
                          std::mt19937_64 &rng);

} // namespace wb
