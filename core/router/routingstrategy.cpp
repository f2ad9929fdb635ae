#include "core/router/routingstrategy.h"

#include "core/common/check.h"

#include <algorithm>
#include <cmath>

namespace wb {

namespace {

// Share of latency-based picks that go to a random candidate, so a deployment that got faster
// is noticed.
constexpr double kLatencyExploration = 0.1;

using Candidates = std::vector<RoutingCandidate>;

std::size_t uniformPosition(const Candidates &c, std::mt19937_64 &rng)
{
    return std::uniform_int_distribution<std::size_t>(0, c.size() - 1)(rng);
}

std::size_t leastBusy(const Candidates &c)
{
    return std::size_t(std::min_element(c.begin(), c.end(), [](const RoutingCandidate &a, const RoutingCandidate &b) {
                           return a.inFlight < b.inFlight;
                       }) - c.begin());
}

std::size_t weightedShuffle(const Candidates &c, std::mt19937_64 &rng)
{
    double total = 0;
    for (const RoutingCandidate &x : c)
        total += std::max(0.0, x.weight);
    if (total <= 0)
        return uniformPosition(c, rng);
    double r = std::uniform_real_distribution<double>(0.0, total)(rng);
    for (std::size_t i = 0; i < c.size(); ++i) {
        r -= std::max(0.0, c[i].weight);
        if (r < 0)
            return i;
    }
    return c.size() - 1;
}

std::size_t leastTokensUsed(const Candidates &c)
{
    return std::size_t(std::min_element(c.begin(), c.end(), [](const RoutingCandidate &a, const RoutingCandidate &b) {
                           return a.tokensUsed != b.tokensUsed ? a.tokensUsed < b.tokensUsed : a.inFlight < b.inFlight;
                       }) - c.begin());
}

std::size_t mostHeadroom(const Candidates &c)
{
    std::size_t best = 0;
    double bestH = -2;
    for (std::size_t i = 0; i < c.size(); ++i) {
        const double h = c[i].headroom;
        if (h > bestH + 1e-12 || (std::abs(h - bestH) <= 1e-12 && c[i].inFlight < c[best].inFlight)) {
            best = i;
            bestH = h;
        }
    }
    return best;
}

std::size_t fastest(const Candidates &c, std::mt19937_64 &rng)
{
    // Unmeasured deployments first; then mostly the fastest per output token, with a little
    // exploration.
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (!c[i].hasLatency)
            return i;
    }
    if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) < kLatencyExploration)
        return uniformPosition(c, rng);
    return std::size_t(std::min_element(c.begin(), c.end(), [](const RoutingCandidate &a, const RoutingCandidate &b) {
                           return a.latencyPerToken < b.latencyPerToken;
                       }) - c.begin());
}

std::size_t cheapest(const Candidates &c)
{
    // Ties (the same price, or no price known) go to the one with more headroom.
    std::size_t best = 0;
    for (std::size_t i = 1; i < c.size(); ++i) {
        if (c[i].worstCaseMicros < c[best].worstCaseMicros
            || (c[i].worstCaseMicros == c[best].worstCaseMicros && c[i].headroom > c[best].headroom))
            best = i;
    }
    return best;
}

} // namespace

RoutingStrategy parseRoutingStrategy(const QString &s)
{
    if (s == u"simple-shuffle")
        return RoutingStrategy::SimpleShuffle;
    if (s == u"least-busy")
        return RoutingStrategy::LeastBusy;
    if (s == u"usage-based-routing")
        return RoutingStrategy::UsageBased;
    if (s == u"latency-based-routing")
        return RoutingStrategy::LatencyBased;
    if (s == u"cost-based-routing")
        return RoutingStrategy::CostBased;
    return RoutingStrategy::UsageBasedV2;
}

RoutingInputs routingInputs(RoutingStrategy strategy)
{
    RoutingInputs in;
    in.tokensUsed = strategy == RoutingStrategy::UsageBased;
    in.headroom = strategy == RoutingStrategy::UsageBasedV2 || strategy == RoutingStrategy::CostBased;
    in.cost = strategy == RoutingStrategy::CostBased;
    return in;
}

std::size_t pickCandidate(RoutingStrategy strategy, const Candidates &c, std::mt19937_64 &rng)
{
    if (!WB_CHECK(!c.empty()) || c.size() == 1)
        return 0;
    switch (strategy) {
    case RoutingStrategy::SimpleShuffle: return weightedShuffle(c, rng);
    case RoutingStrategy::LeastBusy: return leastBusy(c);
    case RoutingStrategy::UsageBased: return leastTokensUsed(c);
    case RoutingStrategy::UsageBasedV2: return mostHeadroom(c);
    case RoutingStrategy::LatencyBased: return fastest(c, rng);
    case RoutingStrategy::CostBased: return cheapest(c);
    }
    return leastBusy(c);
}

} // namespace wb
