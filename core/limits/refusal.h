#pragma once
// The counts a provider names in the text of a 429 (docs/PROVIDERS.md, "Learning limits"):
// OpenAI's "... on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. ..." and
// "Request too large ... (TPM): Limit 30000, Requested 31538", its older "on tokens per min.
// Limit: 10000 / min.", Anthropic's "... the rate limit for your organization of 20,000 input
// tokens per minute", Gemini's "Quota exceeded for metric: …input_token_count, limit: 1000000"
// (which names no period: not for a daily quota). A router with no configured limits learns them
// from these. Pure.
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace wb {

struct RefusalCounts {
    enum Dim { Requests, Tokens, InputTokens, OutputTokens };
    Dim dim = Tokens;
    qint64 limit = 0;
    std::optional<qint64> used;        ///< what the provider counted when it refused
    std::optional<qint64> requested;   ///< what it charged the refused call
};

/// The per-minute limit a refusal names; nullopt for anything else (per-day quotas included).
std::optional<RefusalCounts> parseRefusalCounts(QStringView message);

} // namespace wb
