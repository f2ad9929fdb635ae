#pragma once
// What an estimate reports (core/experiment/estimator.h computes it): per run, per deployment,
// the binding limit, the budget verdict and the recommendations, with their JSON form
// (`discernus estimate --json`, docs/FORMATS.md) and the CLI's text tables.
#include "core/experiment/contextcheck.h"
#include "core/experiment/schedulesim.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace wb {

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
    /// Every reply at max_tokens and every prompt at the hard token bound (its UTF-8 bytes plus
    /// framing, core/pricing/tokenbound.h): no provider's count can cost more.
    qint64 worstCostMicros = 0;
    double durationSeconds = 0;               ///< from the start until its last call returns (runs share deployments)
    bool priceKnown = true;
    qint64 unschedulableCalls = 0;            ///< exceed a limit of every deployment on their own: never admitted
    qint64 overDailyQuotaCalls = 0;           ///< find every deployment's daily quota (rpd/tpd) used up: fail until it resets
    QString tokenMethod;                      ///< exact | calibrated | factor | count_tokens | chars/4 | custom
    /// How the run is sent (execution.mode, decided per run; `auto` by the live duration): "live" or
    /// "batch" (its calls then cost the batch price; durationSeconds stays the live schedule's).
    QString mode = QStringLiteral("live");
    QString modeReason;                       ///< why, in words ("auto: live estimate 3h 00m 00s over batch_after 2h 00m 00s")
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
    /// Valid when none were configured and the limits simulated are those an earlier run learned
    /// from the provider (EstimateInput::learnedLimits), learned then.
    QDateTime limitsLearnedAt;
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
    /// The values in title and detail, so a front end can word them itself (translated):
    /// AddKey {deployment, group}; HigherTier {deployment, "parallel" | "limits"};
    /// EnableBatching {max_batch_tokens, calls, calls before, prompt tokens, prompt tokens before};
    /// CheaperModel {cheaper model, model, group}.
    QStringList args;
    static QString kindName(Kind k);
    QJsonObject toJson() const;
};

/// The same plan sent through the providers' batch APIs (execution.mode batch, docs/FORMATS.md
/// "Batch execution"), beside the live one: the calls priced at the batch prices (LiteLLM's
/// `*_cost_per_token_batches`, else half the list price) on the deployments the live schedule
/// chose; a deployment whose provider has no batch API we speak stays live and at list price.
/// The completion time is not simulated: providers promise results within their completion window
/// (24 h on all four; Gemini's is a target) and do not say how fast; with `batch_queue_tokens` set,
/// a key whose share of the prompt tokens exceeds it needs that many windows one after another.
struct BatchApiEstimate {
    qint64 expectedCostMicros = 0, worstCostMicros = 0;
    qint64 liveExpectedCostMicros = 0;        ///< the live plan's, for the side by side
    double liveDurationSeconds = 0;
    qint64 batchCalls = 0;                    ///< through a batch API
    qint64 liveCalls = 0;                     ///< on deployments without one: stay live
    double windowSeconds = 24 * 3600.0;       ///< the longest completion window of the providers used
    int windows = 1;                          ///< windows one after another (queue limit)
    double completionSeconds = 24 * 3600.0;   ///< upper bound: windows × windowSeconds (0: no batch call)
    QString basis;                            ///< what the completion time is based on, in words
    bool priceKnown = true;
    QJsonObject toJson() const;
};

struct EstimateReport {
    QString experiment;
    ModeEstimate planned;                     ///< as configured (batched when batching is enabled)
    std::optional<ModeEstimate> unbatched;    ///< side by side when batching is enabled
    BudgetVerdict budget;
    /// The planned calls through the provider batch APIs (always computed; `batch` in the JSON).
    BatchApiEstimate batchApi;
    QList<Recommendation> recommendations;
    QStringList warnings;
    /// Texts larger than every context window their run can use: a run refuses to start with them.
    QList<OversizedText> oversized;
    QString pricesAsOf;
    LatencyModel latency;
    QJsonObject toJson() const;
    /// Human-readable tables for the CLI.
    QString toText() const;
};

/// "limits learned from the provider (none configured): <deployment> on <date>, ..." for the
/// deployments simulated with learned limits; empty when there are none.
QString limitsLearnedText(const ModeEstimate &m);

/// Formatting shared by the report and the estimator's messages: "12.5 s", "3m 05s", "1h 02m 03s".
QString formatEstimateDuration(double seconds);
/// "$0.1234" below ten dollars, "$12.35" above.
QString formatEstimateUsd(qint64 micros);
/// Thousands separated by commas: "1,234,567".
QString formatEstimateCount(qint64 value);

} // namespace wb
