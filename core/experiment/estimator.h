#pragma once
// Pre-flight estimate of an experiment (issue 3 item 4): tokens, cost and — by simulating the
// router's schedule over the configured deployments and their limits — duration, with the binding
// constraint, a budget verdict and recommendations whose effect is computed by re-simulating.
// The same engine serves `discernus estimate` and the GUI preview. Pure computation: no network,
// no event loop; run it off the UI thread (it reports progress and can be cancelled).
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/pricing/pricing.h"
#include "core/providers/providertypes.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <optional>
#include <vector>

namespace wb {

class TokenEstimator;

/// One text of a corpus, as the estimator needs it (the caller converts its corpus type).
struct EstimateText {
    QString corpus;
    QString id;
    QString text;
};

/// The runner's prompt builder: one call's request for a run, its framework and its text(s)
/// (several when batching). The estimate counts exactly what it builds.
using EstimatePromptBuilder =
    std::function<ChatRequest(const RunSpec &, const Framework &, const QList<EstimateText> &)>;
/// Prompt tokens of a request as the provider will count them.
using EstimateTokenCounter = std::function<qint64(const QString &provider, const QString &model, const ChatRequest &)>;
/// The batcher's packing of a run's selected texts into calls (indices into the list it is given).
using EstimateBatchPacker =
    std::function<QList<QList<int>>(const RunSpec &, const Framework &, const QList<EstimateText> &)>;

/// Time a call takes from admission to reply.
struct LatencyModel {
    double baseSeconds = 1.5;
    double perOutputTokenSeconds = 0.015;
    double seconds(qint64 outputTokens) const { return baseSeconds + perOutputTokenSeconds * double(outputTokens); }
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
    qint64 spentMicros = 0;                   ///< already spent in the current budget period
    bool recommendations = true;
    std::atomic<bool> *cancel = nullptr;      ///< set to true to stop; the result is an error then
    std::function<void(int percent)> progress;
};

struct RunEstimate {
    QString runId, group, framework, corpus;
    QString provider, model;                  ///< of the group's first deployment (what tokens were counted for)
    qint64 texts = 0;
    int repetitions = 1;
    qint64 calls = 0;
    qint64 promptTokens = 0;
    qint64 expectedOutputTokens = 0;
    qint64 worstOutputTokens = 0;             ///< max_tokens of every call
    qint64 expectedCostMicros = 0;
    qint64 worstCostMicros = 0;
    double durationSeconds = 0;               ///< from the start until its last call returns (runs share deployments)
    bool priceKnown = true;
    qint64 unschedulableCalls = 0;            ///< exceed a limit of every deployment on their own: never admitted
    QString tokenMethod;                      ///< exact | calibrated | factor | count_tokens | chars/4 | custom
    QJsonObject toJson() const;
};

/// Use of one deployment in the simulated schedule. Utilisations are of its rate-limit window
/// (shared by a pool), averaged over the whole duration, 0..1; -1 = that limit is not configured.
struct DeploymentEstimate {
    QString id, group, provider, model, windowKey;
    qint64 calls = 0, promptTokens = 0, outputTokens = 0;
    qint64 expectedCostMicros = 0;
    double rpm = -1, tpm = -1, itpm = -1, otpm = -1, parallel = -1;
    double waitedSeconds = 0;                 ///< time a queue head waited on a limit of this deployment
    QJsonObject toJson() const;
};

/// What sets the pace: the limit calls waited on longest, or latency when nothing ever waited.
struct BindingConstraint {
    QString deploymentId;                     ///< empty for latency
    QString limit = QStringLiteral("latency");   ///< rpm | tpm | itpm | otpm | max_parallel_requests | latency
    double waitedSeconds = 0;
    bool isLatency() const { return deploymentId.isEmpty(); }
    QString describe() const;
};

struct ModeEstimate {
    bool batched = false;
    QList<RunEstimate> runs;
    RunEstimate total;
    QList<DeploymentEstimate> deployments;
    BindingConstraint binding;
    double durationSeconds = 0;
    QJsonObject toJson() const;
};

struct BudgetVerdict {
    enum class Status { NoBudget, Fits, WorstCaseExceeds, Exceeds };
    Status status = Status::NoBudget;
    std::optional<double> budgetUsd;
    QString source;                           ///< "experiment" or "model list"
    QString duration;                         ///< budget_duration, empty = lifetime
    qint64 spentMicros = 0;
    qint64 expectedMicros = 0, worstMicros = 0;
    QString message;
    bool feasible() const { return status == Status::NoBudget || status == Status::Fits; }
    static QString statusName(Status s);
};

struct Recommendation {
    enum class Kind { AddKey, EnableBatching, CheaperModel, HigherTier };
    Kind kind = Kind::AddKey;
    QString title;
    QString detail;
    double durationSeconds = 0;               ///< with the change
    qint64 expectedCostMicros = 0, worstCostMicros = 0;
    double baseDurationSeconds = 0;           ///< without it
    qint64 baseExpectedCostMicros = 0;
    static QString kindName(Kind k);
    QJsonObject toJson() const;
};

struct EstimateReport {
    QString experiment;
    ModeEstimate planned;                     ///< as configured (batched when batching is enabled)
    std::optional<ModeEstimate> unbatched;    ///< side by side when batching is enabled
    BudgetVerdict budget;
    QList<Recommendation> recommendations;
    QStringList warnings;
    QString pricesAsOf;
    LatencyModel latency;
    QJsonObject toJson() const;
    /// Human-readable tables for the CLI.
    QString toText() const;
};

Result<EstimateReport> estimateExperiment(const EstimateInput &in);

// ---- The schedule simulator, public for tests, benchmarks and the monitor's ETA ----

/// Provider counting rules as the router and the provider simulator apply them.
enum class ScheduleRule { OpenAi, Mistral, Anthropic, Gemini };
ScheduleRule scheduleRuleFor(const QString &provider);

struct ScheduleDeployment {
    QString id;
    int group = 0;                ///< index; calls of this group may go here
    ScheduleRule rule = ScheduleRule::OpenAi;
    QString windowKey;            ///< deployments with the same key share one window (stricter limit wins)
    RateLimits limits;
    LatencyModel latency;
};

struct ScheduleCall {
    int group = 0;
    int run = 0;                  ///< index, for per-run finish times
    qint64 promptTokens = 0;      ///< as the provider counts them
    qint64 charTokens = 0;        ///< ceil(chars/4) of the request (OpenAI's admission estimate)
    qint64 maxTokens = 0;
    qint64 outputTokens = 0;      ///< expected actual output
};

struct ScheduleResult {
    double durationSeconds = 0;
    std::vector<int> deploymentOf;        ///< per call; -1 = never admissible
    std::vector<double> runFinishSeconds; ///< per run index
    struct Use {
        qint64 calls = 0, promptTokens = 0, outputTokens = 0;   ///< this deployment's calls
        double busySeconds = 0;           ///< sum of call latencies
        /// Totals charged to its window (shared by a pool) and the window's effective limits (0 = none).
        qint64 windowRequests = 0, windowTokens = 0, windowInputTokens = 0, windowOutputTokens = 0;
        qint64 windowLimits[4] = {0, 0, 0, 0};   ///< rpm, tpm, itpm, otpm
        double waited[5] = {0, 0, 0, 0, 0};   ///< seconds the queue head waited: rpm, tpm, itpm, otpm, parallel
    };
    std::vector<Use> deployments;         ///< per deployment
    qint64 unschedulable = 0;
    bool cancelled = false;
};

/// Discrete-event simulation of usage-based-routing-v2 over sliding 60-s windows: each group's
/// queue is served in order; a call goes to the deployment of its group that admits it now with
/// the most headroom, else waits exactly until the earliest deployment can admit it. Retries,
/// 429s and fallbacks are not modelled. O(calls log calls).
/// `marginSeconds`: how long after a charge expires the router waits before relying on it (clock
/// skew safety); 0 gives the analytic minimum.
ScheduleResult simulateSchedule(const QList<ScheduleDeployment> &deployments, const std::vector<ScheduleCall> &calls,
                                int runCount, std::atomic<bool> *cancel = nullptr, double windowSeconds = 60.0,
                                double marginSeconds = 0.0);

} // namespace wb
