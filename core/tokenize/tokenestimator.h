#pragma once
// Prompt/output token estimates per deployment: exact for OpenAI models, a calibrated
// factor over a base encoding for Claude, Gemini and Mistral (issue "Tokens, money and time").
#include "core/config/modellist.h"
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
    double factor(const QString &provider, const QString &model) const;
    void setFactor(const QString &provider, const QString &model, double factor, qint64 samples);
    struct Calibration { QString provider, model; double factor; qint64 samples; };
    QList<Calibration> calibrations() const;
    /// Base-encoding count (o200k) of a request, what observe() expects as baseTokens.
    qint64 baseTokens(const ChatRequest &req) const;
private:
    mutable QMutex m_mutex;
    struct Cal { double sumBase = 0, sumReported = 0; qint64 samples = 0; };
    QHash<QString, Cal> m_cal;
};

} // namespace wb
