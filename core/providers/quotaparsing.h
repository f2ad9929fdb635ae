#pragma once
// Recognises replies that refuse a call because a per-day or spend quota is exhausted, as opposed
// to a per-minute limit (docs/PROVIDERS.md, "Daily and spend quotas"). A per-minute 429 is waited
// out in seconds; a daily quota lasts until its reset (Gemini: midnight Pacific) and a spend or
// credit limit until someone pays, so the router parks the deployment instead of retrying.
// Pure: the wall clock is an argument.
#include "core/providers/providertypes.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace wb {

struct QuotaExhausted {
    enum class Kind { Daily, Spend };
    Kind kind = Kind::Daily;
    /// When the provider says the quota comes back (ms since the epoch); nullopt = not within
    /// this run (spend and credit limits).
    std::optional<qint64> resetsAtMs;
    QString what;   ///< "requests per day", "tokens per day", "spend limit", "credit balance"
};

/// The quota a refused reply names, if any. Looks at every provider's shapes at once (they do
/// not overlap): Gemini `details[].violations[].quotaId` containing `PerDay`; OpenAI "per day
/// (RPD)" / "(TPD)" in the message or `x-ratelimit-remaining-{requests,tokens}-day: 0`, and the
/// codes `insufficient_quota`, `project_spend_limit_exceeded`, `organization_spend_limit_exceeded`;
/// Anthropic `enforced_spend_limit_reached`, "credit balance is too low", "reached your specified
/// API usage limits". Only error statuses (400, 402, 403, 429) are considered.
std::optional<QuotaExhausted> quotaExhaustion(int httpStatus, const HeaderList &headers, const QByteArray &body,
                                              qint64 nowEpochMs);

/// The first midnight in America/Los_Angeles after `nowEpochMs` (Gemini's daily reset), as ms
/// since the epoch. Falls back to UTC-8 when the time-zone database is missing.
qint64 nextPacificMidnightMs(qint64 nowEpochMs);

/// When a per-day quota the model list states (rpd, tpd) starts over after `nowEpochMs`: Gemini's
/// and Vertex AI's at midnight Pacific, as Google resets them; every other provider's at midnight
/// UTC, the day LiteLLM counts them by (docs/ARCHITECTURE.md, "Daily quotas stated in the model list").
qint64 nextDailyQuotaResetMs(const QString &provider, qint64 nowEpochMs);

/// A reply header `x-should-retry: false`: the provider says a retry cannot succeed.
bool providerSaysDoNotRetry(const HeaderList &headers);

} // namespace wb
