#include "core/tokenize/tokenestimator.h"

#include "core/common/logging.h"
#include "core/common/provider.h"
#include "core/tokenize/tokenizer.h"

#include <QMutexLocker>
#include <algorithm>
#include <cmath>

namespace wb {

QString countMethodName(CountMethod m)
{
    switch (m) {
    case CountMethod::Exact: return QStringLiteral("exact");
    case CountMethod::Calibrated: return QStringLiteral("calibrated");
    case CountMethod::Factor: return QStringLiteral("factor");
    case CountMethod::CountTokensEndpoint: return QStringLiteral("count_tokens");
    }
    return QStringLiteral("unknown");
}

namespace {

QString key(const QString &provider, const QString &model) { return provider + QLatin1Char('/') + model; }

/// Azure OpenAI is not a model-list provider, but LiteLLM names reach the estimator through the
/// price table and calibrations: its models are OpenAI's, counted exactly.
bool isAzure(const QString &provider) { return provider.compare(QLatin1String("azure"), Qt::CaseInsensitive) == 0; }

// A single reply whose reported/base ratio strays further than this from the current factor
// (after a few samples) is clipped: a cached prefix, a tool schema or a bad usage block must
// not drag the estimate of a whole corpus.
constexpr double kOutlierSpread = 1.5;
constexpr qint64 kSamplesBeforeClipping = 3;
// Ratios outside this are not tokenizer differences at all; ignored.
constexpr double kMinRatio = 0.2, kMaxRatio = 5.0;
// setFactor() without sums: each persisted sample counts as this many base tokens.
constexpr double kPseudoBasePerSample = 1000.0;

} // namespace

TokenEstimator::TokenEstimator() = default;

TokenEstimator::Family TokenEstimator::family(const QString &provider, const QString &model)
{
    // The provider decides where it has a tokenizer of its own; behind vertex_ai, bedrock or a
    // proxy the model's name tells the family.
    const ProviderKind k = providerKind(provider);
    const QString m = model.toLower();
    if (providerTraits(k).tokenizer == TokenizerKind::Exact || isAzure(provider))
        return Family::OpenAI;
    if (k == ProviderKind::Anthropic || m.contains(QLatin1String("claude")))
        return Family::Anthropic;
    if (k == ProviderKind::Gemini || m.contains(QLatin1String("gemini")) || m.contains(QLatin1String("gemma")))
        return Family::Gemini;
    if (k == ProviderKind::Mistral || m.contains(QLatin1String("mistral")) || m.contains(QLatin1String("mixtral"))
        || m.contains(QLatin1String("codestral")) || m.contains(QLatin1String("magistral")))
        return Family::Mistral;
    return Family::Other;
}

double TokenEstimator::defaultFactor(Family f)
{
    // Priors only: the first reply with usage replaces them (observe()). English prose, the
    // common case for this app's corpora:
    switch (f) {
    case Family::OpenAI: return 1.0;      // exact anyway
    case Family::Anthropic: return 1.16;  // published GPT-4o vs Claude comparisons: ~+16 % on English prose
    case Family::Gemini: return 1.0;      // Google and OpenAI both document ~4 characters per token
    case Family::Mistral: return 1.06;    // Tekken (tiktoken-style, 131k) ~ o200k; older 32k-vocab models higher
    case Family::Other: return 1.0;
    }
    return 1.0;
}

double TokenEstimator::factor(const QString &provider, const QString &model) const
{
    const Family fam = family(provider, model);
    QMutexLocker lock(&m_mutex);
    const auto it = m_cal.constFind(key(provider, model));
    if (it != m_cal.cend() && it->samples > 0 && it->sumBase > 0)
        return it->sumReported / it->sumBase;
    return defaultFactor(fam);
}

qint64 TokenEstimator::calibrationSamples(const QString &provider, const QString &model) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_cal.constFind(key(provider, model));
    return it != m_cal.cend() && it->sumBase > 0 ? it->samples : 0;
}

void TokenEstimator::observe(const QString &provider, const QString &model, qint64 baseTokens, qint64 reportedTokens)
{
    addSample(provider, model, baseTokens, reportedTokens, false);
}

void TokenEstimator::observeEndpointCount(const QString &provider, const QString &model, qint64 baseTokens, qint64 exactTokens)
{
    addSample(provider, model, baseTokens, exactTokens, true);
}

void TokenEstimator::addSample(const QString &provider, const QString &model, qint64 baseTokens, qint64 reportedTokens,
                               bool fromEndpoint)
{
    if (baseTokens <= 0 || reportedTokens <= 0)
        return;
    double ratio = double(reportedTokens) / double(baseTokens);
    if (ratio < kMinRatio || ratio > kMaxRatio) {
        qCDebug(lcTokenize) << "ignoring usage sample" << provider << model << baseTokens << reportedTokens;
        return;
    }
    QMutexLocker lock(&m_mutex);
    Cal &c = m_cal[key(provider, model)];
    if (!fromEndpoint && c.samples >= kSamplesBeforeClipping && c.sumBase > 0) {
        const double f = c.sumReported / c.sumBase;
        ratio = std::clamp(ratio, f / kOutlierSpread, f * kOutlierSpread);
    }
    // Token-weighted: sum(reported) / sum(base), so long prompts (more precise) weigh more.
    c.sumBase += double(baseTokens);
    c.sumReported += double(baseTokens) * ratio;
    ++c.samples;
    if (fromEndpoint)
        ++c.endpointSamples;
}

void TokenEstimator::setFactor(const QString &provider, const QString &model, double f, qint64 samples)
{
    if (!(f > 0) || samples < 0)
        return;
    QMutexLocker lock(&m_mutex);
    Cal &c = m_cal[key(provider, model)];
    c.samples = samples;
    c.endpointSamples = 0;   // replaced by a factor of unknown origin
    c.sumBase = kPseudoBasePerSample * double(std::max<qint64>(samples, 1));
    c.sumReported = f * c.sumBase;
}

void TokenEstimator::setCalibration(const Calibration &cal)
{
    QMutexLocker lock(&m_mutex);
    Cal &c = m_cal[key(cal.provider, cal.model)];
    c.samples = cal.samples;
    c.endpointSamples = std::clamp<qint64>(cal.endpointSamples, 0, cal.samples);
    if (cal.sumBase > 0 && cal.sumReported > 0) {
        c.sumBase = cal.sumBase;
        c.sumReported = cal.sumReported;
    } else {
        c.sumBase = kPseudoBasePerSample * double(std::max<qint64>(cal.samples, 1));
        c.sumReported = cal.factor * c.sumBase;
    }
}

QList<TokenEstimator::Calibration> TokenEstimator::calibrations() const
{
    QMutexLocker lock(&m_mutex);
    QList<Calibration> out;
    for (auto it = m_cal.cbegin(); it != m_cal.cend(); ++it) {
        const qsizetype slash = it.key().indexOf(QLatin1Char('/'));
        Calibration c{it.key().left(slash), it.key().mid(slash + 1),
                      it->sumBase > 0 ? it->sumReported / it->sumBase : 1.0, it->samples, it->sumBase, it->sumReported,
                      it->endpointSamples};
        out.append(c);
    }
    std::sort(out.begin(), out.end(), [](const Calibration &a, const Calibration &b) {
        return a.provider != b.provider ? a.provider < b.provider : a.model < b.model;
    });
    return out;
}

qint64 TokenEstimator::baseTokens(const ChatRequest &req) const
{
    const Tokenizer &t = Tokenizer::get(Encoding::O200kBase);
    return t.count(req.system) + t.count(req.user);
}

TokenCount TokenEstimator::textTokens(const QString &provider, const QString &model, QStringView text) const
{
    if (family(provider, model) == Family::OpenAI)
        return {Tokenizer::get(encodingForModel(provider, model)).count(text), CountMethod::Exact};
    return scaled(provider, model, Tokenizer::get(Encoding::O200kBase).count(text));
}

TokenCount TokenEstimator::promptTokens(const QString &provider, const QString &model, const ChatRequest &req) const
{
    if (family(provider, model) == Family::OpenAI) {
        const Tokenizer &t = Tokenizer::get(encodingForModel(provider, model));
        qint64 n = kReplyPriming;
        if (!req.system.isEmpty())
            n += kTokensPerMessage + kTokensPerRole + t.count(req.system);
        n += kTokensPerMessage + kTokensPerRole + t.count(req.user);
        return {n, CountMethod::Exact};
    }
    return scaled(provider, model, baseTokens(req));
}

TokenCount TokenEstimator::scaled(const QString &provider, const QString &model, qint64 base) const
{
    CountMethod method = CountMethod::Factor;
    double f = defaultFactor(family(provider, model));
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_cal.constFind(key(provider, model));
        if (it != m_cal.cend() && it->samples > 0 && it->sumBase > 0) {
            f = it->sumReported / it->sumBase;
            // Exact endpoint counts in the factor make it as good as the provider's own tokenizer on
            // texts like the sample; say so, so the estimate shows where its numbers come from.
            method = it->endpointSamples > 0 ? CountMethod::CountTokensEndpoint : CountMethod::Calibrated;
        }
    }
    return {qint64(std::llround(double(base) * f)), method};
}

} // namespace wb
