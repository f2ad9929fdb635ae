#pragma once
// Prompt/output token estimates per deployment: exact for OpenAI models, a calibrated
// factor over a base encoding for Claude, Gemini and Mistral (docs/ARCHITECTURE.md, "Tokens").
// Which providers count exactly is the traits table's tokenizer column (core/common/provider.h).
#include "core/providers/providertypes.h"

#include <QHash>
#include <QMutex>

namespace wb {

enum class CountMethod { Exact, Calibrated, Factor, CountTokensEndpoint };
QString countMethodName(CountMethod m);

struct TokenCount {
    qint64 tokens = 0;
    CountMethod method = CountMethod::Exact;
};

/// Thread-safe.
class TokenEstimator {
public:
    TokenEstimator();
    /// Input tokens of a chat request as the provider will count them (messages + framing).
    TokenCount promptTokens(const QString &provider, const QString &model, const ChatRequest &req) const;
    TokenCount textTokens(const QString &provider, const QString &model, QStringView text) const;
    /// Feed the usage a provider reported for a request whose base-encoding count was `baseTokens`.
    void observe(const QString &provider, const QString &model, qint64 baseTokens, qint64 reportedTokens);
    /// Feed an exact count from the provider's count-tokens endpoint for a request whose base count
    /// was `baseTokens`. Calibrates like observe() (never clipped: the count is the provider's own
    /// for exactly that request), and from then on counts for provider/model report
    /// CountMethod::CountTokensEndpoint.
    void observeEndpointCount(const QString &provider, const QString &model, qint64 baseTokens, qint64 exactTokens);
    double factor(const QString &provider, const QString &model) const;
    /// Counts the provider reported (or its count-tokens endpoint gave) behind factor(); 0: the prior.
    qint64 calibrationSamples(const QString &provider, const QString &model) const;
    void setFactor(const QString &provider, const QString &model, double factor, qint64 samples);
    struct Calibration {
        QString provider, model; double factor; qint64 samples;
        double sumBase = 0, sumReported = 0;   ///< weighted sums behind factor (for exact persistence)
        qint64 endpointSamples = 0;            ///< of samples, how many came from a count-tokens endpoint
    };
    QList<Calibration> calibrations() const;
    /// Base-encoding count (o200k) of a request, what observe() expects as baseTokens.
    qint64 baseTokens(const ChatRequest &req) const;

    enum class Family { OpenAI, Anthropic, Gemini, Mistral, Other };
    static Family family(const QString &provider, const QString &model);
    /// Prior factor over o200k before any calibration sample (see tokenestimator.cpp for sources).
    static double defaultFactor(Family f);
    /// Restores a persisted calibration exactly (sums included); replaces any existing one.
    void setCalibration(const Calibration &c);
    /// OpenAI chat framing (cookbook num_tokens_from_messages): 3 per message + 1 per role name
    /// + 3 to prime the reply.
    static constexpr int kTokensPerMessage = 3;
    static constexpr int kTokensPerRole = 1;
    static constexpr int kReplyPriming = 3;
private:
    TokenCount scaled(const QString &provider, const QString &model, qint64 base) const;

    mutable QMutex m_mutex;
    void addSample(const QString &provider, const QString &model, qint64 baseTokens, qint64 reportedTokens, bool fromEndpoint);

    struct Cal { double sumBase = 0, sumReported = 0; qint64 samples = 0; qint64 endpointSamples = 0; };
    QHash<QString, Cal> m_cal;
};

} // namespace wb
