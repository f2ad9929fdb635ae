#pragma once
// Small pure helpers shared by the provider parsers: header values, durations, dates,
// retry hints in message text and error-message hygiene. No allocation-heavy machinery:
// parsers run at 1,000+ replies per second.
#include "core/providers/providertypes.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringView>
#include <optional>

namespace wb::wire {

/// Go `time.Duration` text ("12ms", "1s", "6m0s", "2m59.56s", "1h2m3s", "1.68122827s") in
/// milliseconds, rounded UP (a retry earlier than the hint fails). Units h, m, s, ms, us/µs, ns;
/// a bare number is taken as seconds (some OpenAI-compatible servers send that). nullopt if invalid.
std::optional<qint64> parseGoDurationMs(QByteArrayView text);

/// RFC 3339 timestamp ("2025-02-24T22:25:32Z", fractional seconds and offsets allowed) as
/// milliseconds since the Unix epoch. Hand-written: no time-zone database, no QDateTime parsing.
std::optional<qint64> parseRfc3339Ms(QByteArrayView text);

/// HTTP date (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT"; RFC 2822 forms via QDateTime) as
/// milliseconds since the epoch.
std::optional<qint64> parseHttpDateMs(QByteArrayView text);

/// `retry-after` value: delay-seconds (fractions allowed) or an HTTP date relative to nowMs.
/// Never negative.
std::optional<qint64> parseRetryAfterMs(QByteArrayView value, qint64 nowMs);

/// Integer header value ("149984"; "149984.0" is accepted and truncated). A negative count is
/// meaningless for a limit or a remaining budget, and one above kMaxPlausibleCount is no real
/// quota: both yield nullopt (logged the first time).
std::optional<qint64> parseCount(QByteArrayView value);

/// What a provider may send that no real provider means (docs/PROVIDERS.md, "Sanity bounds").
/// Each is clamped or ignored, and logged the first time per process (the same provider usually
/// repeats it on every reply).
enum class Anomaly { NegativeCount, AbsurdCount, NegativeUsage, AbsurdUsage, AbsurdWait, KindCount };
void noteAnomaly(Anomaly kind, const QString &detail);

/// A rate-limit count above this (a trillion) is no real quota.
inline constexpr qint64 kMaxPlausibleCount = 1'000'000'000'000;
/// More tokens than any context window and output limit together, by far.
inline constexpr qint64 kMaxPlausibleTokens = 1'000'000'000;
/// Longer than any provider's window: per-day quotas reset at midnight Pacific (25 h with DST).
inline constexpr qint64 kMaxPlausibleWaitMs = 25LL * 3'600'000;

/// A token count of a reply's usage block: negative counts read as 0; a count above
/// kMaxPlausibleTokens (or not an integer) sets `*untrusted`. Both are logged.
qint64 usageCount(const QJsonValue &v, bool *untrusted);
/// Ends reading a usage block: untrusted usage is dropped (reported = false, so the router books
/// the call at its reservation instead); cached and cache-write tokens are capped at the prompt.
void finishUsage(Usage &u, bool untrusted);
/// Waits (resets, retry-after) longer than kMaxPlausibleWaitMs are dropped, with a logged anomaly:
/// a reset years away would park a deployment for the rest of the run. Every adapter's parseAt()
/// ends with it.
void checkLimits(RateLimitHeaders &l);

/// Delay a provider wrote into its message: "Please try again in 644ms.", "in 1.5s",
/// "Please retry in 1.68122827s.", "retry after 20 seconds".
std::optional<qint64> retryHintFromMessage(QStringView message);

/// Provider message made safe to show and store: trimmed, length-capped, and anything that
/// looks like a full API key masked (providers mask keys themselves; this is a second belt).
QString sanitizeMessage(const QString &message);

/// A short readable excerpt of a body that is not the provider's JSON (HTML error pages of
/// gateways, truncated replies).
QString bodyExcerpt(const QByteArray &body);

/// JSON scalar as text: strings as is, numbers without ".0", null/absent as empty.
QString scalarText(const QJsonValue &v);

/// True if the message or code says the prompt exceeds the model's context window
/// (OpenAI context_length_exceeded, Anthropic "prompt is too long", Gemini "exceeds the
/// maximum number of tokens", Mistral "too large for model", vLLM "maximum context length").
bool looksLikeContextTooLong(const QString &message, const QString &code);

/// Baseline class for an HTTP status when nothing in the body is more specific.
ErrorClass classForStatus(int httpStatus);

/// The ProviderError for a 2xx reply whose body we cannot use (not JSON, truncated, no
/// choices/candidates/content): Transient, because the next attempt usually succeeds.
ProviderError malformedReply(int httpStatus, const QString &what, const QByteArray &body);

/// Header names compared case-insensitively without allocating (HTTP/1.1 keeps the server's
/// case, HTTP/2 lowercases).
inline bool headerIs(const QByteArray &name, QByteArrayView lower)
{
    return name.size() == lower.size() && name.compare(lower, Qt::CaseInsensitive) == 0;
}

} // namespace wb::wire
