#pragma once
// Internal to core/sim: the simulator's per-day quota mode. A key (or pool) with `rpd` set admits
// that many model calls per simulated day (SimConfig::dayMs, 24 h unless a test shortens it) and
// then answers with its provider's real per-day refusal (docs/PROVIDERS.md, "Daily and spend quotas"):
// OpenAI/Mistral "requests per day (RPD)" in a rate_limit_exceeded message, Gemini a QuotaFailure
// whose quotaId is GenerateRequestsPerDayPerProjectPerModel-FreeTier, Anthropic (no per-day
// request quota) its workspace spend-limit 429, enforced_spend_limit_reached.
#include "core/sim/dialects/simdialect.h"

#include <QString>
#include <map>

namespace wb::sim {

class SimDailyQuotas {
public:
    explicit SimDailyQuotas(qint64 dayMs) : m_dayMs(dayMs > 0 ? dayMs : 86'400'000) {}
    /// The refusal when the call's key has used its day; otherwise counts the call and returns
    /// nothing. Calls of keys without `rpd` pass uncounted.
    std::optional<SimReply> admit(SimReplyContext &ctx, const SimCall &call, const QString &poolName);
    /// Requests counted today for the pool (tests).
    qint64 usedToday(const QString &poolName, qint64 now) const;

private:
    struct Day {
        qint64 start = 0;
        qint64 used = 0;
    };
    SimReply refusal(SimReplyContext &ctx, const SimCall &call, qint64 limit, qint64 resetInMs) const;
    qint64 m_dayMs;
    std::map<QString, Day> m_days;
};

} // namespace wb::sim
