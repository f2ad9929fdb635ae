#pragma once
// The provider traits table: every fact the engine keys on a provider (which wire format it
// speaks, how it counts tokens against its limits, where it lives, which key it reads) in one
// place. Code asks providerTraits(providerKind(deployment.provider)) instead of comparing
// provider strings. docs/ARCHITECTURE.md ("Providers") explains the columns; docs/PROVIDERS.md
// the facts behind the rows.
//
// The in-product provider simulator (core/sim) keeps its own, deliberately independent copy of
// the rules: it is the router's adversary and must not share the router's mistakes.
#include <QString>
#include <QStringView>

#include <array>

namespace wb {

/// A provider as the model list names it (the LiteLLM prefix of `model:`).
enum class ProviderKind {
    OpenAi,             ///< "openai" (also a bare model name with an api_base: any OpenAI-compatible server)
    Anthropic,          ///< "anthropic"
    Mistral,            ///< "mistral"
    Gemini,             ///< "gemini" (Google AI Studio)
    VertexAi,           ///< "vertex_ai": Gemini on Vertex AI, OAuth from a service account
    Azure,              ///< "azure": Azure OpenAI deployments
    Groq,               ///< "groq" and the rest: OpenAI-compatible services with their own base and key
    OpenRouter,
    TogetherAi,
    DeepSeek,
    FireworksAi,
    XAi,
    Perplexity,
    Cerebras,
    Ollama,             ///< "ollama" and "ollama_chat": spoken through Ollama's OpenAI-compatible /v1 API
    OllamaChat,
    HostedVllm,
    LmStudio,
    LiteLlmProxy,       ///< "litellm_proxy": a running LiteLLM proxy (OpenAI format, proxy key, x-litellm-* headers)
    Unknown,            ///< a prefix we do not speak (cohere, bedrock, ...); also the empty string
};

/// Which request builder / reply parser (core/providers) talks to it.
enum class WireFormat {
    OpenAi,       ///< {base}/chat/completions, Bearer key
    Anthropic,
    Gemini,       ///< Gemini API: {base}/v1beta/models/{model}:generateContent, x-goog-api-key
    AzureOpenAi,  ///< OpenAI body at {resource}/openai/deployments/{deployment}/...?api-version, api-key header
    VertexAi,     ///< Gemini body at {location}-aiplatform.googleapis.com/v1/projects/..., OAuth Bearer token
};

/// How a provider counts tokens against its per-minute limits (the rules themselves are in
/// core/limits/countingrule.h; the provider simulator enforces its own copy of them).
enum class CountingRule {
    OpenAi,     ///< TPM = ceil(chars/4) + max_tokens at admission, never refunded
    Mistral,    ///< TPM = prompt estimate + max_tokens at admission, settled to prompt + completion
    Anthropic,  ///< ITPM = input estimate at admission (settled to input + cache writes); OTPM = actual output on reply
    Gemini,     ///< TPM = input tokens only, at admission (settled to promptTokenCount)
};

/// How the provider's limiter replenishes (docs/ARCHITECTURE.md, "Limits"): a charge counts for
/// 60 s and then leaves (sliding window), or capacity refills continuously at limit / 60 s up to
/// the limit (token bucket: Anthropic documents one), or everything counted is forgotten at once
/// every 60 s (fixed windows: learned from the provider's reset times, never a provider's
/// default). A deployment may override its provider's choice with model_info.limit_algorithm.
enum class LimitAlgorithm { SlidingWindow, TokenBucket, FixedWindow };
/// "window" / "bucket" / "fixed" (the model list's words).
QString limitAlgorithmName(LimitAlgorithm a);

/// How prompt tokens are counted before sending.
enum class TokenizerKind {
    Exact,        ///< the provider's own BPE (o200k_base / cl100k_base by model)
    ScaledBase,   ///< o200k_base count x a calibrated per-model factor
};

/// What a request carries to authenticate.
enum class CredentialKind {
    ApiKey,                ///< a key (api_key / the provider's variable); may be empty for local servers
    GoogleServiceAccount,  ///< an OAuth access token from a service account (core/providers/vertexauth.h)
};

struct ProviderTraits {
    ProviderKind kind;
    const char *prefix;            ///< model-list prefix; "" for Unknown
    const char *displayName;
    WireFormat wireFormat;
    CountingRule countingRule;
    LimitAlgorithm limitAlgorithm;
    TokenizerKind tokenizer;
    /// LiteLLM's default api_base: what the model list shows and keys quotas on. "" = none.
    const char *defaultApiBase;
    /// Where requests go without an api_base ("" = an api_base is required). Equal to
    /// defaultApiBase except for Vertex AI, whose host depends on vertex_location (the adapter
    /// builds it) and Azure, whose resource is always named.
    const char *requestApiBase;
    /// Environment variable LiteLLM reads for the api_base when the deployment gives none; "" = none.
    const char *apiBaseVariable;
    /// OpenAI wire only: path appended to the base ("/chat/completions"; Ollama's OpenAI API
    /// lives under /v1 of a base written without it).
    const char *chatPath;
    /// The provider's count-tokens endpoint (relative to the API base), "" if it has none.
    const char *countTokensEndpoint;
    /// Environment variable read when a deployment gives no api_key (as LiteLLM does); "" = none.
    const char *apiKeyVariable;
    /// False where a deployment without api_key still runs (local servers, Vertex AI's OAuth).
    bool apiKeyRequired;
    CredentialKind credential;
    /// The x-ratelimit-*-requests headers count this provider's per-minute request limit. False
    /// for Groq (they count requests per day) and Azure (a 10-second slice of the minute).
    bool requestHeadersPerMinute;
    /// OpenTelemetry GenAI `gen_ai.provider.name` (formerly gen_ai.system).
    const char *genAiSystem;
};

/// Every kind, in the order of the enum.
inline constexpr std::array<ProviderKind, 20> kProviderKinds = {
    ProviderKind::OpenAi,      ProviderKind::Anthropic,   ProviderKind::Mistral,    ProviderKind::Gemini,
    ProviderKind::VertexAi,    ProviderKind::Azure,       ProviderKind::Groq,       ProviderKind::OpenRouter,
    ProviderKind::TogetherAi,  ProviderKind::DeepSeek,    ProviderKind::FireworksAi, ProviderKind::XAi,
    ProviderKind::Perplexity,  ProviderKind::Cerebras,    ProviderKind::Ollama,     ProviderKind::OllamaChat,
    ProviderKind::HostedVllm,  ProviderKind::LmStudio,    ProviderKind::LiteLlmProxy, ProviderKind::Unknown};

/// The kind of a model-list prefix ("openai", "azure", "groq", ..., case-insensitive); Unknown
/// for a prefix the product does not speak and for the empty string.
ProviderKind providerKind(QStringView provider);
/// True when the product speaks this prefix (providerKind() is not Unknown). The model list
/// skips deployments of other providers with a warning.
bool providerSpoken(QStringView provider);
const ProviderTraits &providerTraits(ProviderKind kind);
inline const ProviderTraits &providerTraits(QStringView provider) { return providerTraits(providerKind(provider)); }
/// The model-list prefix of a kind ("" for Unknown).
QString providerPrefix(ProviderKind kind);
/// The prefixes the model list accepts, in table order.
const QStringList &knownProviderPrefixes();

} // namespace wb
