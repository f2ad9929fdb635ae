#pragma once
// Provider-neutral call and reply types shared by adapters, router, simulator and runner.
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <optional>

namespace wb {

/// What the engine asks a model. Adapters map it to each wire format.
struct ChatRequest {
    QString system;          ///< instructions (system prompt / systemInstruction)
    QString user;            ///< the user message (texts + schema line)
    int maxTokens = 2000;
    double temperature = 0.1;
    bool jsonMode = true;    ///< ask for JSON output where the API supports it
    /// Mark the system prompt as a prompt-cache prefix where caching is explicit (Anthropic
    /// cache_control). Pays off when one framework prompt is sent many times within minutes;
    /// OpenAI and Gemini cache automatically and ignore it.
    bool cacheSystemPrompt = false;
};

struct Usage {
    qint64 promptTokens = 0;        ///< all input tokens incl. cached (OpenAI prompt_tokens; Anthropic input+cache_read+cache_creation; Gemini promptTokenCount)
    qint64 completionTokens = 0;    ///< output tokens (incl. reasoning/thoughts)
    qint64 cachedTokens = 0;        ///< input tokens read from cache
    qint64 cacheWriteTokens = 0;    ///< Anthropic cache_creation_input_tokens
    qint64 cacheWrite1hTokens = 0;  ///< of those, written with the 1-hour TTL (cache_creation.ephemeral_1h_input_tokens)
    bool reported = false;          ///< the provider sent usage
};

/// Rate-limit state a provider reported in headers (or a 429 body). Unset = not sent.
/// Reset values are converted to milliseconds from the reply's arrival.
struct RateLimitHeaders {
    std::optional<qint64> limitRequests, remainingRequests, resetRequestsMs;
    std::optional<qint64> limitTokens, remainingTokens, resetTokensMs;
    std::optional<qint64> limitInputTokens, remainingInputTokens, resetInputTokensMs;
    std::optional<qint64> limitOutputTokens, remainingOutputTokens, resetOutputTokensMs;
    std::optional<qint64> retryAfterMs;   ///< retry-after(-ms) header or RetryInfo / message text
    std::optional<qint64> queryCostTokens;   ///< what this call was charged (Mistral's x-ratelimit-tokens-query-cost)
    bool any() const;
};

enum class ErrorClass {
    None,
    RateLimited,      ///< 429: requeue after retryAfter, no retry spent
    Overloaded,       ///< 529 / 503 overloaded: requeue with back-off, no retry spent
    ContextTooLong,   ///< prompt exceeds the context window: context_window_fallbacks
    Auth,             ///< 401/403/bad key: fail fast, cool the deployment
    Transient,        ///< 5xx, timeouts, resets, malformed bodies: retry with back-off
    Fatal,            ///< other 4xx: fail fast with the provider's message
    BudgetExceeded,   ///< provider-side spend cap (Anthropic enforced_spend_limit_reached)
};
QString errorClassName(ErrorClass c);

struct ProviderError {
    ErrorClass errorClass = ErrorClass::Fatal;
    int httpStatus = 0;
    QString type;            ///< provider's error type/status string
    QString code;            ///< provider's error code
    QString message;         ///< provider's message (never contains our key)
    /// The per-minute limit a refusal's structured body names, where its text does not (Gemini's
    /// QuotaFailure: a `quotaId` with "PerMinute" and its `quotaValue`).
    struct NamedLimit {
        bool requests = false;   ///< a request limit (else tokens)
        qint64 limit = 0;
    };
    std::optional<NamedLimit> namedLimit;
};

struct Completion {
    QString text;
    Usage usage;
    QString modelVersion;    ///< model the provider says answered
    QString finishReason;    ///< normalised: stop | length | other
};

/// What a LiteLLM proxy says about a call it forwarded (its x-litellm-* response headers).
struct ProxyCallInfo {
    QString callId;                          ///< x-litellm-call-id: the proxy's spend-log id
    QString modelId;                         ///< x-litellm-model-id: the proxy deployment that answered
    QString modelGroup;                      ///< x-litellm-model-group
    std::optional<qint64> responseCostMicros;   ///< x-litellm-response-cost (USD), in micro-dollars
};

/// Result of parsing one HTTP reply. Exactly one of completion / error is set.
struct ParsedReply {
    int httpStatus = 0;
    QString requestId;
    std::optional<ProxyCallInfo> proxy;      ///< set when the reply came through a LiteLLM proxy
    RateLimitHeaders limits;
    std::optional<Completion> completion;
    std::optional<ProviderError> error;
};

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

} // namespace wb
