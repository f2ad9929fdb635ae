#pragma once
// Pre-flight estimate of an experiment: tokens, cost and — by simulating the router's schedule
// over the configured deployments and their limits (schedulesim.h) — duration, with the binding
// constraint, a budget verdict and recommendations whose effect is computed by re-simulating
// (recommendations.h). The report types are in estimatereport.h. The same engine serves
// `discernus estimate` and the GUI preview. Pure computation: no network, no event loop; run it
// off the UI thread (it reports progress and can be cancelled).
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/experiment/corpus.h"
#include "core/experiment/estimatereport.h"
#include "core/experiment/schedulesim.h"
#include "core/pricing/pricing.h"
#include "core/providers/providertypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <atomic>
#include <functional>

namespace wb {

class TokenEstimator;

/// One text of a corpus: the corpus's own type, so texts loaded from files keep their content
/// there until a prompt is built or counted.
using EstimateText = CorpusText;

/// The runner's prompt builder: one call's request for a run, its framework and its text(s)
/// (several when batching). The estimate counts exactly what it builds.
using EstimatePromptBuilder =
    std::function<ChatRequest(const RunSpec &, const Framework &, const QList<EstimateText> &)>;
/// Prompt tokens of a request as the provider will count them.
using EstimateTokenCounter = std::function<qint64(const QString &provider, const QString &model, const ChatRequest &)>;
/// The batcher's packing of a run's selected texts into calls (indices into the list it is given).
using EstimateBatchPacker =
    std::function<QList<QList<int>>(const RunSpec &, const Framework &, const QList<EstimateText> &)>;

/// Limits an earlier run learned from a deployment's provider (core/session/learnedlimits.h).
struct LearnedDeploymentLimits {
    RateLimits limits;              ///< rpm, tpm, itpm, otpm
    double windowSeconds = 60.0;    ///< the window they are counted per
    QDateTime learnedAt;
    /// The provider pool a run learned the key shares (docs/FORMATS.md, "Learned pools"); empty: none.
    QString pool;
    /// Today's use of the model list's daily quotas (rpd, tpd) until dayResetsAt, and a quota the
    /// provider refused on until quotaUntil (invalid: none).
    qint64 dayRequests = 0, dayTokens = 0;
    QDateTime dayResetsAt, quotaUntil;
    QString quotaWhat;
    /// How the provider was seen to count the key (admission, settlement, refill).
    LearnedCounting counting;
};

struct EstimateInput {
    ModelList models;
    ExperimentConfig experiment;
    QList<Framework> frameworks;
    /// Texts of every corpus; each run takes those of its corpus, filtered by its include globs
    /// (on ids) and limit, in the order given here.
    QList<EstimateText> texts;
    PriceTable prices = PriceTable::builtIn();
    /// Provider-calibrated prompt counts. `countTokens` wins when set; with neither, ceil(chars/4).
    const TokenEstimator *tokens = nullptr;
    EstimateTokenCounter countTokens;
    EstimatePromptBuilder buildPrompt;        ///< required
    EstimateBatchPacker packBatches;          ///< empty: pack to max_batch_tokens / max_texts here
    /// Runs with at most this many calls have every prompt built and counted exactly; larger ones
    /// build `calibrationSamples` prompts and estimate the rest from per-text counts plus the
    /// overhead those samples measured (within a token or two per call, and far faster).
    int exactPromptLimit = 5000;
    int calibrationSamples = 64;
    /// Expected output per text when no history is known: overhead + per dimension of the framework
    /// (a `"dim": {"score": 0.7, "evidence": "..."}` member with a sentence of evidence).
    int outputTokensPerDimension = 40;
    int outputTokensPerText = 10;
    /// Calibrated mean output tokens per text from earlier runs, by run id or model group (run id wins).
    QHash<QString, double> meanOutputTokensPerText;
    /// Every deployment, unless listed below. Against the provider simulator pass its latency
    /// (latency_ms / 1000, latency_per_output_token_ms / 1000).
    LatencyModel latency;
    QHash<QString, LatencyModel> latencyByDeployment;
    /// The router's safety margin after each window expiry (Router::setWindowForTesting, 100 ms).
    double windowMarginSeconds = 0.1;
    /// Length of the rate windows (60 s; benchmarks on a time-scaled simulator shorten it).
    double windowSeconds = 60.0;
    /// By deployment id: limits learned from the provider by earlier runs. Used for a deployment
    /// with no rate limit configured when counted per windowSeconds (DeploymentEstimate::limitsLearnedAt
    /// says so); configured limits always win.
    QHash<QString, LearnedDeploymentLimits> learnedLimits;
    qint64 spentMicros = 0;                   ///< already spent in the current budget period
    bool recommendations = true;
    std::atomic<bool> *cancel = nullptr;      ///< set to true to stop; the result is an error then
    std::function<void(int percent)> progress;
};

Result<EstimateReport> estimateExperiment(const EstimateInput &in);

} // namespace wb
