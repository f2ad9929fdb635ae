#include "core/experiment/recommendations.h"

#include <algorithm>

namespace wb {

namespace {

Recommendation make(const ModeEstimate &base, Recommendation::Kind kind, QString title, QString detail,
                    const ModeEstimate &with, QStringList args)
{
    Recommendation r;
    r.args = std::move(args);
    r.kind = kind;
    r.title = std::move(title);
    r.detail = std::move(detail);
    r.durationSeconds = with.durationSeconds;
    r.expectedCostMicros = with.total.expectedCostMicros;
    r.worstCostMicros = with.total.worstCostMicros;
    r.baseDurationSeconds = base.durationSeconds;
    r.baseExpectedCostMicros = base.total.expectedCostMicros;
    return r;
}

/// Another key with its own quota (another organisation / project): a clone of the binding
/// deployment `bi` outside any pool.
Result<Recommendation> addKey(const RecommendationInput &in, qsizetype bi, const ModeSimulator &simulate)
{
    QList<ScheduleDeployment> deps = in.deployments;
    QList<Deployment> priced = in.priced;
    ScheduleDeployment clone = in.deployments[bi];
    clone.id = clone.id + QStringLiteral("+key");
    clone.windowKey = clone.id;
    deps << clone;
    priced << in.priced[bi];
    auto withKey = simulate(deps, priced);
    if (!withKey)
        return std::unexpected(withKey.error());
    const BindingConstraint &b = in.planned.binding;
    return make(in.planned, Recommendation::Kind::AddKey,
                QStringLiteral("Add a key like %1 with its own quota").arg(b.deploymentId),
                QStringLiteral("a second deployment of group %1 with the same limits (a key of another organisation or "
                               "project; keys of one organisation share its quota)")
                    .arg(in.groups.value(in.deployments[bi].group)),
                *withKey, {b.deploymentId, in.groups.value(in.deployments[bi].group)});
}

/// A higher usage tier: twice the limits of the binding window (or twice its parallel requests).
Result<Recommendation> higherTier(const RecommendationInput &in, qsizetype bi, const ModeSimulator &simulate)
{
    const BindingConstraint &b = in.planned.binding;
    QList<ScheduleDeployment> tier = in.deployments;
    const QString key = in.deployments[bi].windowKey;
    const bool parallel = b.limit == QLatin1String("max_parallel_requests");
    auto dbl = [](std::optional<qint64> &v) {
        if (v)
            *v *= 2;
    };
    for (ScheduleDeployment &s : tier) {
        if (s.windowKey != key && s.id != b.deploymentId)
            continue;
        if (parallel) {
            if (s.limits.maxParallelRequests)
                *s.limits.maxParallelRequests *= 2;
        } else {
            dbl(s.limits.rpm);
            dbl(s.limits.tpm);
            dbl(s.limits.itpm);
            dbl(s.limits.otpm);
        }
    }
    auto withTier = simulate(tier, in.priced);
    if (!withTier)
        return std::unexpected(withTier.error());
    return make(in.planned, Recommendation::Kind::HigherTier,
                parallel ? QStringLiteral("Allow twice the parallel requests on %1").arg(b.deploymentId)
                         : QStringLiteral("Move %1 to a higher usage tier (2x limits)").arg(b.deploymentId),
                parallel ? QStringLiteral("max_parallel_requests x2") : QStringLiteral("rpm/tpm/itpm/otpm of its window doubled"),
                *withTier, {b.deploymentId, parallel ? QStringLiteral("parallel") : QStringLiteral("limits")});
}

Recommendation enableBatching(const RecommendationInput &in, const ModeEstimate &batched)
{
    const ModeEstimate &base = in.planned;
    return make(base, Recommendation::Kind::EnableBatching,
                QStringLiteral("Enable multi-text batching (max_batch_tokens %1)").arg(in.experiment.execution.batching.maxBatchTokens),
                QStringLiteral("%1 calls instead of %2, %3 prompt tokens instead of %4")
                    .arg(formatEstimateCount(batched.total.calls), formatEstimateCount(base.total.calls),
                         formatEstimateCount(batched.total.promptTokens), formatEstimateCount(base.total.promptTokens)),
                batched,
                {QString::number(in.experiment.execution.batching.maxBatchTokens), QString::number(batched.total.calls),
                 QString::number(base.total.calls), QString::number(batched.total.promptTokens),
                 QString::number(base.total.promptTokens)});
}

/// A cheaper model of the same family, group by group (same limits and latency assumed).
Result<void> cheaperModels(const RecommendationInput &in, const ModeSimulator &simulate, QList<Recommendation> &out)
{
    QStringList usedGroups;
    for (const RunSpec &r : in.experiment.execution.matrix) {
        if (!usedGroups.contains(r.model))
            usedGroups << r.model;
    }
    for (const QString &g : std::as_const(usedGroups)) {
        const int gi = int(in.groups.indexOf(g));
        const Deployment &first = in.priced[in.firstDeploymentOfGroup[gi]];
        const auto alt = in.prices.cheaperAlternative(first.provider, first.model);
        if (!alt)
            continue;
        QList<Deployment> priced = in.priced;
        for (qsizetype i = 0; i < priced.size(); ++i) {
            if (in.deployments[i].group == gi && priced[i].provider == first.provider) {
                priced[i].model = *alt;
                priced[i].price = {};
            }
        }
        auto cheaper = simulate(in.deployments, priced);
        if (!cheaper)
            return std::unexpected(cheaper.error());
        if (cheaper->total.expectedCostMicros >= in.planned.total.expectedCostMicros)
            continue;
        out << make(in.planned, Recommendation::Kind::CheaperModel,
                    QStringLiteral("Use %1 instead of %2 for group %3").arg(*alt, first.model, g),
                    QStringLiteral("same family, list price; assumes the same limits and latency"), *cheaper,
                    {*alt, first.model, g});
    }
    return {};
}

} // namespace

Result<QList<Recommendation>> recommend(const RecommendationInput &in, const ModeSimulator &simulate)
{
    QList<Recommendation> out;
    const BindingConstraint &b = in.planned.binding;
    const qsizetype bi = b.isLatency() ? -1
        : std::find_if(in.deployments.cbegin(), in.deployments.cend(),
                       [&](const ScheduleDeployment &s) { return s.id == b.deploymentId; })
            - in.deployments.cbegin();
    if (bi >= 0 && bi < in.deployments.size()) {
        auto key = addKey(in, bi, simulate);
        if (!key)
            return std::unexpected(key.error());
        out << *key;
        auto tier = higherTier(in, bi, simulate);
        if (!tier)
            return std::unexpected(tier.error());
        out << *tier;
    }
    if (in.batchedAlternative)
        out << enableBatching(in, *in.batchedAlternative);
    if (auto ok = cheaperModels(in, simulate, out); !ok)
        return std::unexpected(ok.error());
    // Advice that changes neither the time nor the money only costs the reader attention: when
    // several groups bind equally, a second key for one of them finishes no sooner.
    const auto useless = [](const Recommendation &r) {
        const bool faster = r.durationSeconds < r.baseDurationSeconds - std::max(1.0, 0.02 * r.baseDurationSeconds);
        return !faster && r.expectedCostMicros >= r.baseExpectedCostMicros;
    };
    out.removeIf(useless);
    return out;
}

} // namespace wb
