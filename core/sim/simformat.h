#pragma once
// Pure helpers of the provider simulator: the wire formats of durations and timestamps, the
// simulator's token "truth", deterministic scores and reply texts. No sockets, no clocks.
#include <QString>
#include <QStringList>
#include <QStringView>
#include <optional>

namespace wb::sim {

enum class Provider { OpenAI, Anthropic, Mistral, Gemini, Azure, Vertex };
QString providerName(Provider p);
std::optional<Provider> providerFromName(QStringView name);

/// Go's time.Duration.String() at millisecond precision: "0s", "644ms", "1.5s", "6m0s", "1h2m3s".
QString goDuration(qint64 ms);
/// Gemini's retryDelay / "Please retry in" text: seconds rounded UP to 10 ms, e.g. "1.68s", "43s".
QString geminiDelay(qint64 ms);
/// RFC 3339 UTC with second precision, rounded up to the next whole second: "2025-02-24T22:25:32Z".
QString rfc3339Ceil(qint64 epochMs);
/// Whole seconds, rounded up (retry-after).
qint64 ceilSeconds(qint64 ms);

/// o200k_base token count of a text (the exact tokenizer of core/tokenize).
qint64 o200kCount(QStringView text);

/// How much each family's tokenizer differs from o200k (so calibration has something to learn).
double tokenFactor(Provider p);
/// Reported prompt tokens for these message contents (system instructions count as a message):
/// round(factor x (sum of o200k counts + 3 per message + 3)).
qint64 promptTokens(Provider p, const QStringList &messages);
/// Reported completion tokens: round(factor x o200k count).
qint64 completionTokens(Provider p, QStringView text);
/// The longest prefix of `text` whose completionTokens() is at most maxTokens.
QString truncateToTokens(Provider p, const QString &text, qint64 maxTokens);
/// OpenAI's rate-limit estimate: ceil(total characters / 4).
qint64 openAiCharEstimate(const QStringList &messages);

/// A stable 64-bit hash (FNV-1a + splitmix finaliser) — qHash is seeded per process.
quint64 stableHash(quint64 seed, QStringView a, QStringView b = {}, QStringView c = {});
quint64 mix64(quint64 x);
/// Uniform in [0, 1) from a hash.
double unitFromHash(quint64 h);

/// Deterministic score in [min, max] with two decimals, from hash(seed, model, text id, dimension).
double simScore(quint64 seed, const QString &model, const QString &textId, const QString &dimension, double min, double max);
/// The reply a model would give to this prompt (all message contents joined): framework-valid JSON
/// when the prompt carries an OUTPUT_SCHEMA line, otherwise a short plain sentence.
QString replyText(quint64 seed, const QString &model, const QString &prompt);
/// A well-formed reply that is not valid JSON for any schema (the invalid_json fault).
QString invalidJsonReplyText(const QString &model);

/// The model name the provider reports: OpenAI and Anthropic aliases gain a dated version suffix,
/// Mistral and Gemini echo the request.
QString modelVersion(Provider p, const QString &requested);

} // namespace wb::sim
