#pragma once
// What one call charges against a provider's per-minute limits, at admission and when its reply
// settles, for each CountingRule of the provider traits table (core/common/provider.h). The
// router and the estimator's schedule simulation both charge through these functions, so the
// estimate waits on exactly what the router waits on. Pure.
#include "core/common/provider.h"
#include "core/providers/providertypes.h"

#include <QtGlobal>
#include <algorithm>
#include <cstdlib>
#include <optional>

namespace wb {

/// The provider's counting rule from the traits table: openai and any unknown
/// (OpenAI-compatible) provider -> OpenAi; vertex_ai -> Gemini.
inline CountingRule countingRuleFor(QStringView provider) { return providerTraits(provider).countingRule; }

/// ceil(chars / 4): OpenAI's own character-based estimate, and our fallback estimate.
constexpr qint64 charsToTokens(qint64 chars) { return (chars + 3) / 4; }
/// Characters of all message contents of a request (system + user), as the providers see them.
qint64 requestChars(const ChatRequest &req);

/// The sizes of one call the counting rules look at.
struct CallTokens {
    qint64 charTokens = 0;             ///< charsToTokens() of the request (OpenAI's admission estimate)
    qint64 promptTokens = 0;           ///< prompt tokens as the provider counts them (estimated)
    qint64 maxTokens = 0;
    qint64 expectedOutputTokens = 0;
};

/// What one call charges at admission.
struct AdmissionCost {
    qint64 requests = 1;
    qint64 tokens = 0;          ///< tpm
    qint64 inputTokens = 0;     ///< itpm
    qint64 outputReserve = 0;   ///< otpm: expected output, held while the call is in flight
    /// tpm if the provider charges the larger of the prompt and max_tokens instead of their sum
    /// (OpenAI's rate-limit guide says so; LimitState learns which); 0 = the rule has no such reading.
    qint64 largerTokens = 0;
    /// tpm if the provider charges only the prompt at admission (max_tokens not reserved; the
    /// output counted when the reply settles); 0 = the rule has no such reading.
    qint64 promptOnlyTokens = 0;
    /// tpm by the counting rule's own reading (prompt + max_tokens), kept when `tokens` is replaced
    /// by a learned reading, so the learner can still score the documented one.
    qint64 sumTokens = 0;
    /// How much of the prompt's charge (tpm, itpm) is margin over our own estimate of it: the
    /// provider counts the prompt, not the margin, so a count that much below ours is expected
    /// while the call is on its way (LimitState's test for counters that forget at once).
    qint64 promptMargin = 0;
};
AdmissionCost admissionCost(CountingRule rule, const CallTokens &call);
/// Two calls admitted together (to ask whether a second call still leaves room for the first).
constexpr AdmissionCost operator+(const AdmissionCost &a, const AdmissionCost &b)
{
    return {a.requests + b.requests, a.tokens + b.tokens, a.inputTokens + b.inputTokens, a.outputReserve + b.outputReserve,
            a.largerTokens + b.largerTokens, a.promptOnlyTokens + b.promptOnlyTokens, a.sumTokens + b.sumTokens,
            a.promptMargin + b.promptMargin};
}
/// The same from the request's character count.
AdmissionCost admissionCost(CountingRule rule, qint64 chars, qint64 estimatedPromptTokens, qint64 maxTokens,
                            qint64 expectedOutputTokens);

/// What the reply's usage settles. Unset = keep what was charged at admission.
struct Settlement {
    std::optional<qint64> tokens;       ///< tpm as the counting rule documents it
    std::optional<qint64> inputTokens;
    qint64 outputTokens = 0;    ///< charged to otpm at reply time
    /// tpm if the provider settles the call to its usage (OpenAI does not document whether it
    /// does; LimitState learns it from the remaining-tokens headers). Unset without usage.
    std::optional<qint64> usageTokens;
    /// What the provider named as the call's admission charge (Mistral's query cost where it is not
    /// the usage): what a provider that keeps that charge holds for the call.
    std::optional<qint64> admittedTokens;
};
Settlement settlementFor(CountingRule rule, const Usage &usage);

/// Whether a charge the provider named for a call (Mistral's query cost) is the call's usage, up to
/// its rounding: then it is the charge settled, and says nothing of what admission held.
inline bool namesUsage(qint64 charged, qint64 usageTokens)
{
    return std::abs(charged - usageTokens) <= std::max<qint64>(2, charged / 50);
}

/// How a provider was seen to count a key, from its own counters (LimitState learns it; runs
/// remember it, docs/FORMATS.md "Learned limits"). Unset: not learned.
struct LearnedCounting {
    std::optional<bool> admitLarger;      ///< admission: the larger of prompt and max_tokens (true) or their sum
    std::optional<bool> admitPromptOnly;  ///< admission: the prompt alone, max_tokens not reserved (true)
    std::optional<bool> settledToUsage;   ///< after the reply: settled to the usage (true) or kept
    std::optional<bool> bucket;           ///< refill: a token bucket (true) or a sliding window
    /// A reply's headers show the counters as the provider admitted the call (true) or as the reply left
    std::optional<bool> countersAtAdmission;
    /// Limits held over shorter intervals too (LimitState::spread): 1 requests spread evenly, 2 tokens too.
    std::optional<int> spread;
    bool any() const { return admitLarger || admitPromptOnly || settledToUsage || bucket || countersAtAdmission || spread; }
};

/// What a provider's tpm counter holds for a call once its reply is known.
enum class ChargeModel {
    KeptAtAdmission,    ///< the admission charge stays until it leaves the window (OpenAI's documented rule)
    SettledToUsage,     ///< the charge is corrected to the reported usage (Mistral, Gemini, Anthropic)
};
/// The documented model of a counting rule: where LimitState starts before it has evidence.
constexpr ChargeModel documentedChargeModel(CountingRule rule)
{
    return rule == CountingRule::OpenAi ? ChargeModel::KeptAtAdmission : ChargeModel::SettledToUsage;
}
/// The tpm amount a settled call holds under `model` (unset: keep the admission charge as charged).
inline std::optional<qint64> settledTokens(ChargeModel model, const Settlement &s)
{
    return model == ChargeModel::SettledToUsage ? s.usageTokens : s.admittedTokens;
}

/// How much later than strict queue order a blocked head may go because a smaller call behind it
/// was sent first (the router's and the schedule simulation's backfill): a twentieth of the window
/// (in the window's unit).
constexpr qint64 backfillSlack(qint64 window) { return window / 20; }

/// Spread calls (docs/ARCHITECTURE.md, "Shorter intervals"): how long a call of `amount` holds the
/// next one back at `limit` per `window` (the router's and the schedule simulation's; rounded up).
constexpr qint64 spreadShare(qint64 amount, qint64 window, qint64 limit) { return (amount * window + limit - 1) / limit; }

} // namespace wb
