#pragma once
// Values the router takes in and gives out (jobs, outcomes, and the snapshot a monitor reads at
// ~5 Hz). The per-attempt CallRecord is a results-database row, so it lives in core/storage/records.h.
#include "core/limits/countingrule.h"
#include "core/providers/providertypes.h"
#include "core/storage/records.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

namespace wb {

/// One unit of work for the router: a chat request for a model group.
struct RouterJob {
    quint64 id = 0;             ///< caller's id; echoed in every signal
    QString group;              ///< model_name
    ChatRequest request;
};

/// Terminal outcome of a job: exactly one per submitted job.
struct JobOutcome {
    quint64 jobId = 0;
    bool ok = false;
    Completion completion;      ///< when ok
    QString deploymentId;       ///< that answered (or last tried)
    QString provider;
    int attempts = 0;           ///< HTTP attempts made
    ErrorClass errorClass = ErrorClass::None;
    QString error;              ///< reason when !ok
    bool budgetStopped = false; ///< not dispatched because the budget could be exceeded
    bool cancelled = false;
    bool exceedsLimits = false; ///< never sent: larger than every deployment's per-minute limits (split it)
};

/// Why a deployment is not sending right now (shown on the Run page: "tpm window: next call in 41 s").
/// The router fills it in the snapshot; the UI translates it. Order = precedence when several hold.
enum class WaitReason {
    None,        ///< sending, or idle with nothing queued
    Outage,      ///< connection refused / DNS / TLS: parked and probed with back-off
    DailyQuota,  ///< a per-day or spend quota is exhausted until waitUntilMs
    CoolingDown, ///< after allowed_fails failures
    Rpm, Tpm, Itpm, Otpm, ///< that limit has no headroom for the next queued call
    Parallel,    ///< max_parallel_requests calls in flight
    Budget,      ///< the next call's worst case would pass the budget
};

/// What a key used today of the daily quotas the model list states (rpd, tpd), remembered across
/// runs so a second run the same day starts where the first ended.
struct DailyQuotaUse {
    qint64 requests = 0, tokens = 0;
    QDateTime resetsAt;         ///< UTC; the counts start over then
};

/// A daily or spend quota a provider refused on, remembered until it resets.
struct ExhaustedQuota {
    QDateTime until;            ///< UTC
    QString what;               ///< "requests per day", "spend limit", ...
    bool daily = true;
};

/// Live state of one deployment's window, for gauges.
struct DeploymentSnapshot {
    QString id, group, provider, windowKey;
    qint64 rpmUsed = 0, rpmLimit = 0;      ///< limit 0 = none known
    qint64 tpmUsed = 0, tpmLimit = 0;
    qint64 itpmUsed = 0, itpmLimit = 0;
    qint64 otpmUsed = 0, otpmLimit = 0;
    /// Limits the provider announced or named in a refusal (0 = none learned), configured or not.
    qint64 rpmLearned = 0, tpmLearned = 0, itpmLearned = 0, otpmLearned = 0;
    /// The provider pool its counters showed it shares with other deployments (none configured):
    /// the same name for each of them; empty when none was learned.
    QString learnedPool;
    int inFlight = 0;
    int maxParallel = 0;
    qint64 http429 = 0, retries = 0, failures = 0, calls = 0;
    qint64 spendMicros = 0;
    bool coolingDown = false;
    double cooldownRemainingS = 0;
    double latencyMsEwma = 0;
    WaitReason waitReason = WaitReason::None;
    qint64 waitUntilMs = 0;                ///< epoch ms when the reason may clear; 0 = unknown
    /// The model list's daily quotas of its key (0 = none stated) and what the key used of them today.
    qint64 rpdLimit = 0, tpdLimit = 0;
    DailyQuotaUse dailyUse;                ///< resetsAt invalid when no daily quota is stated
    /// A quota the provider refused on that holds past now (until invalid: none, or until the run ends).
    ExhaustedQuota exhausted;
    /// How the key's counters showed the provider counts, where this run learned it.
    LearnedCounting learnedCounting;
    /// A key with no limits configured whose provider never told one it refuses on (Gemini's
    /// rpm): the most requests and tokens its window was seen to hold with every call accepted
    /// (0 = none), a floor of those limits (docs/ARCHITECTURE.md, "Slow start and learned limits").
    qint64 acceptedRequests = 0, acceptedTokens = 0;
};

struct RouterSnapshot {
    QList<DeploymentSnapshot> deployments;
    QHash<QString, int> queueDepth;        ///< per group
    int inFlight = 0;
    qint64 http429 = 0, retries = 0, fallbacks = 0, calls = 0;
    qint64 spendMicros = 0;
    qint64 reservedMicros = 0;
    bool paused = false;
    double nextWakeS = -1;                 ///< until the router next re-checks its queues (a window frees, a block ends); -1 = not armed
    bool sharedLimits = false;             ///< windows and budget are shared with other processes (Redis)
    bool sharedLimitsDown = false;         ///< ... and their store is unreachable: admission paused
};

} // namespace wb
