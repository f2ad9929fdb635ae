#pragma once
// The estimator's schedule simulation: the router's usage-based routing replayed event by event
// over the configured deployments and their limits, to predict how long an experiment takes and
// which limit sets the pace. Calls are charged by the same counting rules as the router
// (core/limits/countingrule.h). Public for the estimator, tests, benchmarks and the monitor's ETA.
#include "core/common/provider.h"
#include "core/config/modellist.h"
#include "core/limits/countingrule.h"

#include <QList>
#include <QString>
#include <atomic>
#include <vector>

namespace wb {

/// Time a call takes from admission to reply.
struct LatencyModel {
    double baseSeconds = 1.5;
    double perOutputTokenSeconds = 0.015;
    double seconds(qint64 outputTokens) const { return baseSeconds + perOutputTokenSeconds * double(outputTokens); }
};

struct ScheduleDeployment {
    QString id;
    int group = 0;                ///< index; calls of this group may go here
    CountingRule rule = CountingRule::OpenAi;   ///< providerTraits(provider).countingRule
    /// Window or bucket (Deployment::effectiveLimitAlgorithm()); the first member of a shared
    /// window decides, as in the router.
    LimitAlgorithm algorithm = LimitAlgorithm::SlidingWindow;
    /// Fixed windows: seconds from the run's start to the first boundary (the router places
    /// stated fixed windows on the wall clock, LimitState::assumeFixedBoundary).
    double fixedFirstBoundarySeconds = 0;
    /// What a settled call holds in tpm; unset = the rule's documented settlement (as the router
    /// starts before its headers teach it otherwise).
    std::optional<ChargeModel> chargeModel;
    /// Admitted at the larger of the prompt and max_tokens instead of their sum (learned from the
    /// provider's counters, LearnedCounting::admitLarger), where the counting rule has that reading.
    bool admitLarger = false;
    /// Admitted at the prompt alone, nothing reserved for max_tokens (LearnedCounting::admitPromptOnly).
    bool admitPromptOnly = false;
    /// Calls spread evenly, no burst (LearnedCounting::spread): 1 requests, 2 tokens too.
    int spread = 0;
    QString windowKey;            ///< deployments with the same key share one window (stricter limit wins)
    RateLimits limits;            ///< per minute, and the daily rpd/tpd
    /// What the key already used today of its rpd/tpd (an earlier run the same day).
    qint64 dayRequestsUsed = 0, dayTokensUsed = 0;
    /// Parked for the whole run (a daily or spend quota an earlier run was refused on, until a
    /// reset after the run would end): takes no call.
    bool parked = false;
    LatencyModel latency;
};

struct ScheduleCall {
    int group = 0;
    int run = 0;                  ///< index, for per-run finish times
    qint64 promptTokens = 0;      ///< as the provider counts them
    qint64 charTokens = 0;        ///< ceil(chars/4) of the request (OpenAI's admission estimate)
    qint64 maxTokens = 0;
    qint64 outputTokens = 0;      ///< expected actual output
};

/// What a queued call can wait on: the indices of ScheduleResult::Use::waited.
enum ScheduleLimit { WaitRpm, WaitTpm, WaitItpm, WaitOtpm, WaitParallel, ScheduleLimitCount };
/// "rpm", "tpm", "itpm", "otpm", "max_parallel_requests" (the model list's names).
QString scheduleLimitName(int limit);

struct ScheduleResult {
    double durationSeconds = 0;
    /// Per call; kNeverAdmissible: larger than a limit of every deployment; kOverDailyQuota: the daily
    /// quotas (rpd, tpd) of every deployment of its group are used up before it.
    std::vector<int> deploymentOf;
    static constexpr int kNeverAdmissible = -1, kOverDailyQuota = -2;
    std::vector<double> runFinishSeconds; ///< per run index
    struct Use {
        qint64 calls = 0, promptTokens = 0, outputTokens = 0;   ///< this deployment's calls
        double busySeconds = 0;           ///< sum of call latencies
        /// Totals charged to its window (shared by a pool) and the window's effective limits (0 = none).
        qint64 windowRequests = 0, windowTokens = 0, windowInputTokens = 0, windowOutputTokens = 0;
        qint64 windowLimits[4] = {0, 0, 0, 0};   ///< rpm, tpm, itpm, otpm
        double waited[ScheduleLimitCount] = {0, 0, 0, 0, 0};   ///< seconds the queue head waited, by ScheduleLimit
    };
    std::vector<Use> deployments;         ///< per deployment
    qint64 unschedulable = 0;
    qint64 overDailyQuota = 0;
    bool cancelled = false;
};

/// Discrete-event simulation of usage-based-routing-v2 over sliding 60-s windows or token buckets
/// refilled over 60 s (ScheduleDeployment::algorithm): each group's
/// queue is served in order; a call goes to the deployment of its group that admits it now with
/// the most headroom, else waits exactly until the earliest deployment can admit it. A key whose
/// daily quota (rpd, tpd) has no room for a call takes no more calls: the run is assumed to end
/// before the quota resets. Retries, 429s and fallbacks are not modelled. O(calls log calls).
/// `marginSeconds`: how long after a charge expires the router waits before relying on it (clock
/// skew safety); 0 gives the analytic minimum.
ScheduleResult simulateSchedule(const QList<ScheduleDeployment> &deployments, const std::vector<ScheduleCall> &calls,
                                int runCount, std::atomic<bool> *cancel = nullptr, double windowSeconds = 60.0,
                                double marginSeconds = 0.0);

} // namespace wb
