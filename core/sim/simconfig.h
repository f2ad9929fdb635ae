#pragma once
// Configuration of the provider simulator: which keys exist, their limits, latency and faults.
// Filled programmatically by tests or read from a YAML limits file (loadSimConfig).
#include "core/common/result.h"
#include "core/sim/simbatchconfig.h"

#include <QList>
#include <QString>

namespace wb {

/// What a token limit (tpm; Anthropic: itpm) is charged when a request is admitted, and whether
/// the charge is settled to the reply's usage afterwards. "Prompt" is the provider's estimate of
/// the request's input (OpenAI: characters / 4; the others: their own token count).
enum class SimCharge {
    Provider,            ///< the provider's documented rule (docs/PROVIDERS.md, "The simulator")
    ReserveThenSettle,   ///< prompt + max_tokens, then settled to prompt_tokens + completion_tokens
    MaxPromptOutput,     ///< max(prompt, max_tokens), never settled
    Reserve,             ///< prompt + max_tokens, never settled
    Prompt,              ///< prompt only, never settled
    PromptThenSettle,    ///< prompt only (nothing reserved for max_tokens), then settled to prompt + completion
};

/// How a limit forgets: a sliding window of `SimConfig::windowMs`, a token bucket refilled
/// continuously at the limit per `windowMs`, or a fixed window reset at once every `windowMs` on
/// the wall clock (the calendar minute when windowMs is 60 s).
enum class SimAlgorithm { Window, Bucket, Fixed };

/// One API key the simulator knows. A limit of 0 means "not limited".
struct SimKey {
    QString key;
    QString provider;   ///< openai | anthropic | mistral | gemini | azure | vertex_ai (key = the service account's client_email)
    qint64 rpm = 0;
    qint64 tpm = 0;     ///< openai, mistral, gemini (gemini: input tokens only)
    qint64 itpm = 0;    ///< anthropic input tokens per minute
    qint64 otpm = 0;    ///< anthropic output tokens per minute
    QString pool;       ///< keys with the same pool share one set of windows (empty: the key's own)
    qint64 rpd = 0;     ///< requests per simulated day; then the provider's per-day refusal (simquota.h)
    /// The provider counts this many times the simulator's usual prompt count: a tokenizer far
    /// from the client's estimate (runs of one character, whitespace), for budget tests.
    double countFactor = 1.0;
    SimCharge charge = SimCharge::Provider;
    SimAlgorithm algorithm = SimAlgorithm::Window;
    /// > 0: the request limit also holds over intervals this long ("60 RPM may be enforced as 1
    /// request per second", docs/PROVIDERS.md): a bucket of rpm x this / window requests (at
    /// least one) refilled at the rpm's rate, which no header shows. A call it refuses while the
    /// minute's windows have room gets a 429 naming no limit (Anthropic: "would exceed your
    /// account's rate limit"; the other providers their usual rpm refusal).
    qint64 shortIntervalMs = 0;
    /// false: no rate-limit headers at all (no x-ratelimit-*, anthropic-ratelimit-*); only the
    /// 429 bodies (and their retry-after) tell a client its limits.
    bool limitHeaders = true;
    /// Mistral keys only (`limit_headers: bysize`): the older, token-only header set
    /// (x-ratelimitbysize-*-minute, ratelimitbysize-* with the reset in whole seconds), no
    /// request headers, and a 429 whose only wait is ratelimitbysize-reset (no Retry-After).
    bool bySizeHeaders = false;
    /// true (`headers_read: admission`): a reply's rate-limit headers show the counters as they
    /// were when the call was admitted (its limiter runs before the model), not as the reply
    /// leaves: neither the call's own settlement nor anything since.
    bool headersAtAdmission = false;
    /// true: a sliding window's reset headers name when its oldest charge leaves (room again)
    /// rather than when it is empty (`reset: oldest`; the documented meaning is `reset: full`).
    bool resetNamesOldest = false;
    /// The key is a LiteLLM proxy's key (openai keys only): replies carry the proxy's x-litellm-*
    /// headers, the price at these rates in x-litellm-response-cost.
    bool litellmProxy = false;
    double proxyInputCostPerToken = 0;
    double proxyOutputCostPerToken = 0;
    /// Batch settings of this key, over SimConfig::batch (core/sim/simbatchconfig.h).
    SimBatchSettings batch;
};

/// The YAML names of the modes ("reserve_then_settle", "bucket", ...).
QString simChargeName(SimCharge c);
QString simAlgorithmName(SimAlgorithm a);

/// Probability per request of each fault, in [0, 1]. Checked in this order; the first that fires wins.
struct SimFaults {
    double http500 = 0;      ///< provider's 500 body
    double overloaded = 0;   ///< OpenAI/Mistral 503, Anthropic 529, Gemini 503 UNAVAILABLE
    double reset = 0;        ///< close the connection without replying
    double hang = 0;         ///< never reply; keep the connection open
    double malformed = 0;    ///< 200 with a truncated JSON body
    double invalidJson = 0;  ///< 200, valid API JSON whose message content is not the schema's JSON
    bool any() const { return http500 > 0 || overloaded > 0 || reset > 0 || hang > 0 || malformed > 0 || invalidJson > 0; }
};

/// A Google service account whose JWT assertions the simulator's token endpoint (POST /token)
/// accepts: the signature is checked against this public key.
struct SimServiceAccount {
    QString clientEmail;
    QByteArray publicKeyPem;   ///< SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY")
};

struct SimConfig {
    QString host = QStringLiteral("127.0.0.1");   ///< must be a loopback address
    quint16 port = 0;                              ///< 0 = ephemeral
    quint64 seed = 42;
    double latencyMs = 0;                  ///< base latency per reply
    double latencyPerOutputTokenMs = 0;    ///< added per completion token
    double jitterMs = 0;                   ///< uniform in [-jitter, +jitter], never below zero in total
    QList<SimKey> keys;
    /// Unknown keys are accepted, unlimited, with the provider taken from the path.
    bool acceptAnyKey = true;
    SimFaults faults;
    /// Length of the sliding window. 60 s like the real providers; tests shorten it.
    qint64 windowMs = 60'000;
    /// Length of the simulated day of `rpd` quotas. 24 h like the real providers; tests shorten it.
    qint64 dayMs = 86'400'000;
    /// Service accounts the token endpoint issues Vertex AI access tokens to.
    QList<SimServiceAccount> serviceAccounts;
    /// expires_in of the access tokens it issues (short in tests, to see a refresh mid-run).
    qint64 tokenLifetimeS = 3599;
    /// Batch settings of every key (a key's own `batch:` block overrides them).
    SimBatchSettings batch;
    /// The text file the config came from (for messages), empty when built in code.
    QString sourceFile;
};

/// Reads a limits file:
///   seed, latency_ms, latency_per_output_token_ms, jitter_ms,
///   keys: {NAME: {provider, rpm, tpm, itpm, otpm, rpd, pool, count_factor, charge, algorithm,
///   reset, limit_headers, litellm_proxy, batch}}, accept_any_key, faults: {...}, window_ms, day_ms,
///   service_accounts: {CLIENT_EMAIL: PUBLIC_KEY_PEM}, token_lifetime_s,
///   batch: {...} (also per key; core/sim/simbatchconfig.h)
/// accept_any_key defaults to false when the file lists keys and to true otherwise. Keys of one
/// pool share one set of limits, so they must agree on provider, limits and modes.
/// Errors name file:line:column.
Result<SimConfig> loadSimConfig(const QString &path);
/// Same from YAML text (`fileName` only labels errors).
Result<SimConfig> parseSimConfig(const QByteArray &yaml, const QString &fileName);

} // namespace wb
