#pragma once
// The provider traits table: every fact the engine keys on a provider (which wire format it
// speaks, how it counts tokens against its limits, where it lives, which key it reads) in one
// place. Code asks providerTraits(providerKind(deployment.provider)) instead of comparing
// provider strings. docs/ARCHITECTURE.md ("Providers") explains the columns.
//
// The in-product provider simulator (core/sim) keeps its own, deliberately independent copy of
// the rules: it is the router's adversary and must not share the router's mistakes.
#include <QString>
#include <QStringView>

#include <array>

namespace wb {

/// A provider as the model list names it (the LiteLLM prefix of `model:`).
enum class ProviderKind {
    OpenAi,             ///< "openai"
    Anthropic,          ///< "anthropic"
    Mistral,            ///< "mistral"
    Gemini,             ///< "gemini" (Google AI Studio)
    VertexAi,           ///< "vertex_ai" (speaks the Gemini format)
    OpenAiCompatible,   ///< any other name: a server speaking the OpenAI format (vLLM, Ollama, ...)
};

/// Which request builder / reply parser (core/providers) talks to it.
enum class WireFormat { OpenAi, Anthropic, Gemini };

/// How a provider counts tokens against its per-minute limits (the rules themselves are in
/// core/limits/countingrule.h; the provider simulator enforces its own copy of them).
enum class CountingRule {
    OpenAi,     ///< TPM = ceil(chars/4) + max_tokens at admission, never refunded
    Mistral,    ///< TPM = prompt estimate + max_tokens at admission, settled to prompt + completion
    Anthropic,  ///< ITPM = input estimate at admission (settled to input + cache writes); OTPM = actual output on reply
    Gemini,     ///< TPM = input tokens only, at admission (settled to promptTokenCount)
};

/// How the limiter replenishes. Everything is modelled as a 60-s sliding window today; Anthropic
/// documents a token bucket, which a later change can switch to here.
enum class LimitAlgorithm { SlidingWindow, TokenBucket };

/// How prompt tokens are counted before sending.
enum class TokenizerKind {
    Exact,        ///< the provider's own BPE (o200k_base / cl100k_base by model)
    ScaledBase,   ///< o200k_base count x a calibrated per-model factor
};

struct ProviderTraits {
    ProviderKind kind;
    const char *prefix;            ///< model-list prefix; "" for OpenAiCompatible (written openai/ + api_base)
    const char *displayName;
    WireFormat wireFormat;
    CountingRule countingRule;
    LimitAlgorithm limitAlgorithm;
    TokenizerKind tokenizer;
    /// LiteLLM's default api_base: what the model list shows and keys quotas on. "" = none.
    const char *defaultApiBase;
    /// Where requests go without an api_base. Differs from defaultApiBase only for Vertex AI,
    /// whose project/location URL and OAuth are not implemented: it speaks the Gemini API there.
    const char *requestApiBase;
    /// The provider's count-tokens endpoint (relative to the API base), "" if it has none.
    const char *countTokensEndpoint;
    /// Environment variable read when a deployment gives no api_key (as LiteLLM does); "" = none.
    const char *apiKeyVariable;
    /// False where a deployment without api_key still runs (Vertex AI: no key, see above).
    bool apiKeyRequired;
};

/// Every kind, in the order of the enum.
inline constexpr std::array<ProviderKind, 6> kProviderKinds = {
    ProviderKind::OpenAi, ProviderKind::Anthropic, ProviderKind::Mistral,
    ProviderKind::Gemini, ProviderKind::VertexAi,  ProviderKind::OpenAiCompatible};

/// "openai", "anthropic", "mistral", "gemini", "vertex_ai" (case-insensitive); anything else,
/// the empty string included, is OpenAiCompatible.
ProviderKind providerKind(QStringView provider);
const ProviderTraits &providerTraits(ProviderKind kind);
inline const ProviderTraits &providerTraits(QStringView provider) { return providerTraits(providerKind(provider)); }
/// The model-list prefix of a kind ("" for OpenAiCompatible).
QString providerPrefix(ProviderKind kind);
/// The prefixes the model list accepts, in table order.
const QStringList &knownProviderPrefixes();

} // namespace wb
