#include "core/experiment/estimatereport.h"

#include "core/pricing/pricing.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace wb {

QString formatEstimateDuration(double s)
{
    if (s < 60)
        return QString::number(s, 'f', s < 10 ? 1 : 0) + QStringLiteral(" s");
    const qint64 total = qint64(std::llround(s));
    const qint64 h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
    if (h > 0)
        return QStringLiteral("%1h %2m %3s").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(sec, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1m %2s").arg(m).arg(sec, 2, 10, QLatin1Char('0'));
}

QString formatEstimateUsd(qint64 micros)
{
    const double usd = microsToUsd(micros);
    return QLatin1Char('$') + QString::number(usd, 'f', std::abs(usd) < 10 ? 4 : 2);
}

QString formatEstimateCount(qint64 v)
{
    QString s = QString::number(v < 0 ? -v : v);
    for (qsizetype i = s.size() - 3; i > 0; i -= 3)
        s.insert(i, QLatin1Char(','));
    return v < 0 ? QLatin1Char('-') + s : s;
}

QJsonObject RunEstimate::toJson() const
{
    QJsonObject o{
        {QStringLiteral("run_id"), runId},
        {QStringLiteral("texts"), texts},
        {QStringLiteral("calls"), calls},
        {QStringLiteral("prompt_tokens"), promptTokens},
        {QStringLiteral("expected_output_tokens"), expectedOutputTokens},
        {QStringLiteral("worst_output_tokens"), worstOutputTokens},
        {QStringLiteral("expected_cost_usd"), microsToUsd(expectedCostMicros)},
        {QStringLiteral("worst_cost_usd"), microsToUsd(worstCostMicros)},
        {QStringLiteral("duration_s"), durationSeconds},
        {QStringLiteral("price_known"), priceKnown},
    };
    if (!group.isEmpty()) {
        o.insert(QStringLiteral("model"), group);
        o.insert(QStringLiteral("provider"), provider);
        o.insert(QStringLiteral("provider_model"), model);
        o.insert(QStringLiteral("framework"), framework);
        o.insert(QStringLiteral("corpus"), corpus);
        o.insert(QStringLiteral("repetitions"), repetitions);
        o.insert(QStringLiteral("token_method"), tokenMethod);
        o.insert(QStringLiteral("mode"), mode);
        o.insert(QStringLiteral("mode_reason"), modeReason);
    }
    if (unschedulableCalls > 0)
        o.insert(QStringLiteral("unschedulable_calls"), unschedulableCalls);
    if (overDailyQuotaCalls > 0)
        o.insert(QStringLiteral("over_daily_quota_calls"), overDailyQuotaCalls);
    return o;
}

QJsonObject DeploymentEstimate::toJson() const
{
    QJsonObject util;
    auto put = [&util](const char *k, double v) {
        if (v >= 0)
            util.insert(QLatin1String(k), v);
    };
    put("rpm", rpm);
    put("tpm", tpm);
    put("itpm", itpm);
    put("otpm", otpm);
    put("max_parallel_requests", parallel);
    QJsonObject o{
        {QStringLiteral("id"), id},
        {QStringLiteral("model"), group},
        {QStringLiteral("provider"), provider},
        {QStringLiteral("provider_model"), model},
        {QStringLiteral("window"), windowKey},
        {QStringLiteral("calls"), calls},
        {QStringLiteral("prompt_tokens"), promptTokens},
        {QStringLiteral("output_tokens"), outputTokens},
        {QStringLiteral("expected_cost_usd"), microsToUsd(expectedCostMicros)},
        {QStringLiteral("utilisation"), util},
        {QStringLiteral("waited_s"), waitedSeconds},
    };
    if (limitsLearnedAt.isValid())
        o.insert(QStringLiteral("limits_learned_at"), limitsLearnedAt.toUTC().toString(Qt::ISODate));
    return o;
}

QString limitsLearnedText(const ModeEstimate &m)
{
    QStringList parts;
    for (const DeploymentEstimate &d : m.deployments)
        if (d.limitsLearnedAt.isValid())
            parts << QStringLiteral("%1 on %2").arg(d.id, d.limitsLearnedAt.toUTC().date().toString(Qt::ISODate));
    return parts.isEmpty() ? QString()
                           : QStringLiteral("limits learned from the provider (none configured): ") + parts.join(QStringLiteral(", "));
}

QString BindingConstraint::describe() const
{
    if (isLatency())
        return QStringLiteral("latency/parallelism: no rate limit made calls wait");
    return QStringLiteral("%1 of deployment %2 (queued calls waited %3 on it)").arg(limit, deploymentId, formatEstimateDuration(waitedSeconds));
}

QJsonObject ModeEstimate::toJson() const
{
    QJsonArray r, d;
    for (const RunEstimate &e : runs)
        r.append(e.toJson());
    for (const DeploymentEstimate &e : deployments)
        d.append(e.toJson());
    return QJsonObject{
        {QStringLiteral("batched"), batched},
        {QStringLiteral("runs"), r},
        {QStringLiteral("total"), total.toJson()},
        {QStringLiteral("deployments"), d},
        {QStringLiteral("binding_constraint"),
         QJsonObject{{QStringLiteral("deployment"), binding.deploymentId.isEmpty() ? QJsonValue() : QJsonValue(binding.deploymentId)},
                     {QStringLiteral("limit"), binding.limit},
                     {QStringLiteral("waited_s"), binding.waitedSeconds},
                     {QStringLiteral("text"), binding.describe()}}},
        {QStringLiteral("duration_s"), durationSeconds},
    };
}

QString BudgetVerdict::statusName(Status s)
{
    switch (s) {
    case Status::NoBudget: return QStringLiteral("no_budget");
    case Status::Fits: return QStringLiteral("fits");
    case Status::WorstCaseExceeds: return QStringLiteral("worst_case_exceeds");
    case Status::Exceeds: return QStringLiteral("exceeds");
    }
    return {};
}

QString Recommendation::kindName(Kind k)
{
    switch (k) {
    case Kind::AddKey: return QStringLiteral("add_key");
    case Kind::EnableBatching: return QStringLiteral("enable_batching");
    case Kind::CheaperModel: return QStringLiteral("cheaper_model");
    case Kind::HigherTier: return QStringLiteral("higher_tier");
    }
    return {};
}

QJsonObject Recommendation::toJson() const
{
    return QJsonObject{
        {QStringLiteral("kind"), kindName(kind)},
        {QStringLiteral("title"), title},
        {QStringLiteral("detail"), detail},
        {QStringLiteral("duration_s"), durationSeconds},
        {QStringLiteral("expected_cost_usd"), microsToUsd(expectedCostMicros)},
        {QStringLiteral("worst_cost_usd"), microsToUsd(worstCostMicros)},
        {QStringLiteral("base_duration_s"), baseDurationSeconds},
        {QStringLiteral("base_expected_cost_usd"), microsToUsd(baseExpectedCostMicros)},
    };
}

QJsonObject BatchApiEstimate::toJson() const
{
    return QJsonObject{
        {QStringLiteral("expected_cost_usd"), microsToUsd(expectedCostMicros)},
        {QStringLiteral("worst_cost_usd"), microsToUsd(worstCostMicros)},
        {QStringLiteral("price_known"), priceKnown},
        {QStringLiteral("live_expected_cost_usd"), microsToUsd(liveExpectedCostMicros)},
        {QStringLiteral("live_duration_s"), liveDurationSeconds},
        {QStringLiteral("batch_calls"), batchCalls},
        {QStringLiteral("live_calls"), liveCalls},
        {QStringLiteral("completion_window_s"), windowSeconds},
        {QStringLiteral("windows"), windows},
        {QStringLiteral("completion_s"), completionSeconds},
        {QStringLiteral("completion_basis"), basis},
    };
}

QJsonObject EstimateReport::toJson() const
{
    QJsonObject o{
        {QStringLiteral("experiment"), experiment},
        {QStringLiteral("prices_as_of"), pricesAsOf},
        {QStringLiteral("latency_model"), QJsonObject{{QStringLiteral("base_s"), latency.baseSeconds},
                                                      {QStringLiteral("per_output_token_s"), latency.perOutputTokenSeconds}}},
        {QStringLiteral("planned"), planned.toJson()},
    };
    if (unbatched)
        o.insert(QStringLiteral("unbatched"), unbatched->toJson());
    QJsonObject b{
        {QStringLiteral("status"), BudgetVerdict::statusName(budget.status)},
        {QStringLiteral("feasible"), budget.feasible()},
        {QStringLiteral("expected_cost_usd"), microsToUsd(budget.expectedMicros)},
        {QStringLiteral("worst_cost_usd"), microsToUsd(budget.worstMicros)},
        {QStringLiteral("spent_usd"), microsToUsd(budget.spentMicros)},
        {QStringLiteral("message"), budget.message},
    };
    if (budget.budgetUsd) {
        b.insert(QStringLiteral("max_budget_usd"), *budget.budgetUsd);
        b.insert(QStringLiteral("source"), budget.source);
        b.insert(QStringLiteral("budget_duration"), budget.duration);
    }
    o.insert(QStringLiteral("budget"), b);
    o.insert(QStringLiteral("batch"), batchApi.toJson());
    QJsonArray recs;
    for (const Recommendation &r : recommendations)
        recs.append(r.toJson());
    o.insert(QStringLiteral("recommendations"), recs);
    o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
    QJsonArray tooLong;
    for (const OversizedText &t : oversized)
        tooLong.append(t.toJson());
    o.insert(QStringLiteral("oversized_texts"), tooLong);
    return o;
}

namespace {

QString fmtUtil(double u)
{
    return u < 0 ? QStringLiteral("-") : QString::number(std::lround(u * 100)) + QLatin1Char('%');
}

/// Left-aligned first column, right-aligned numbers.
QString table(const QList<QStringList> &rows)
{
    if (rows.isEmpty())
        return {};
    QList<qsizetype> width;
    for (const QStringList &r : rows) {
        for (qsizetype c = 0; c < r.size(); ++c) {
            if (width.size() <= c)
                width << 0;
            width[c] = std::max(width[c], r[c].size());
        }
    }
    QString out;
    for (const QStringList &r : rows) {
        QString line;
        for (qsizetype c = 0; c < r.size(); ++c) {
            if (c > 0)
                line += QStringLiteral("  ");
            line += c == 0 ? r[c].leftJustified(width[c]) : r[c].rightJustified(width[c]);
        }
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        out += QStringLiteral("  ") + line + QLatin1Char('\n');
    }
    return out;
}

QString modeText(const ModeEstimate &m)
{
    QList<QStringList> rows;
    rows << QStringList{QStringLiteral("Run"), QStringLiteral("Model"), QStringLiteral("Mode"), QStringLiteral("Texts"), QStringLiteral("Calls"),
                        QStringLiteral("Prompt tok"), QStringLiteral("Output tok"), QStringLiteral("Worst out"),
                        QStringLiteral("Cost"), QStringLiteral("Worst cost"), QStringLiteral("Duration")};
    auto row = [](const RunEstimate &e, const QString &model, const QString &mode) {
        return QStringList{e.runId, model, mode, formatEstimateCount(e.texts), formatEstimateCount(e.calls), formatEstimateCount(e.promptTokens),
                           formatEstimateCount(e.expectedOutputTokens), formatEstimateCount(e.worstOutputTokens),
                           formatEstimateUsd(e.expectedCostMicros) + (e.priceKnown ? QString() : QStringLiteral("?")),
                           formatEstimateUsd(e.worstCostMicros), formatEstimateDuration(e.durationSeconds)};
    };
    bool anyBatch = false;
    for (const RunEstimate &e : m.runs) {
        rows << row(e, e.group, e.mode);
        anyBatch = anyBatch || e.mode == QLatin1String("batch");
    }
    rows << row(m.total, QString(), QString());
    QString out = table(rows);
    // Why each run is live or batch, when any is not the default.
    for (const RunEstimate &e : m.runs)
        if (anyBatch || e.modeReason.startsWith(QLatin1String("auto")))
            out += QStringLiteral("  %1: %2 (%3)\n").arg(e.runId, e.mode, e.modeReason);

    QList<QStringList> drows;
    drows << QStringList{QStringLiteral("Deployment"), QStringLiteral("Calls"), QStringLiteral("rpm"), QStringLiteral("tpm"),
                         QStringLiteral("itpm"), QStringLiteral("otpm"), QStringLiteral("parallel"), QStringLiteral("Waited on")};
    for (const DeploymentEstimate &d : m.deployments) {
        if (d.calls == 0 && d.waitedSeconds == 0)
            continue;
        drows << QStringList{d.id, formatEstimateCount(d.calls), fmtUtil(d.rpm), fmtUtil(d.tpm), fmtUtil(d.itpm), fmtUtil(d.otpm),
                             fmtUtil(d.parallel), d.waitedSeconds > 0 ? formatEstimateDuration(d.waitedSeconds) : QStringLiteral("-")};
    }
    if (drows.size() > 1)
        out += QLatin1Char('\n') + table(drows);
    out += QStringLiteral("\n  Binding constraint: ") + m.binding.describe() + QLatin1Char('\n');
    if (const QString learned = limitsLearnedText(m); !learned.isEmpty())
        out += QStringLiteral("  Rate limits: ") + learned + QLatin1Char('\n');
    return out;
}

} // namespace

QString EstimateReport::toText() const
{
    QString out = QStringLiteral("Estimate for experiment \"%1\" (built-in prices as of %2; latency %3 s + %4 ms per output token)\n\n")
                      .arg(experiment, pricesAsOf)
                      .arg(latency.baseSeconds)
                      .arg(latency.perOutputTokenSeconds * 1000);
    out += planned.batched ? QStringLiteral("Batched (as configured):\n") : QString();
    out += modeText(planned);
    if (unbatched) {
        out += QStringLiteral("\nUnbatched, for comparison:\n") + modeText(*unbatched);
        const RunEstimate &a = planned.total, &b = unbatched->total;
        out += QStringLiteral("\n  Batched vs unbatched: calls %1 vs %2, prompt tokens %3 vs %4, cost %5 vs %6, duration %7 vs %8\n")
                   .arg(formatEstimateCount(a.calls), formatEstimateCount(b.calls), formatEstimateCount(a.promptTokens), formatEstimateCount(b.promptTokens),
                        formatEstimateUsd(a.expectedCostMicros), formatEstimateUsd(b.expectedCostMicros), formatEstimateDuration(a.durationSeconds),
                        formatEstimateDuration(b.durationSeconds));
    }
    out += QStringLiteral("\nLive vs batch API: live %1, ~%2; batch %3%4, within ~%5 h (%6)\n")
               .arg(formatEstimateUsd(batchApi.liveExpectedCostMicros), formatEstimateDuration(batchApi.liveDurationSeconds),
                    formatEstimateUsd(batchApi.expectedCostMicros), batchApi.priceKnown ? QString() : QStringLiteral("?"),
                    QString::number(batchApi.completionSeconds / 3600.0, 'g', 4), batchApi.basis);
    out += QStringLiteral("\nBudget: ");
    switch (budget.status) {
    case BudgetVerdict::Status::NoBudget: out += QStringLiteral("none set. "); break;
    case BudgetVerdict::Status::Fits: out += QStringLiteral("OK. "); break;
    case BudgetVerdict::Status::WorstCaseExceeds: out += QStringLiteral("AT RISK. "); break;
    case BudgetVerdict::Status::Exceeds: out += QStringLiteral("INFEASIBLE. "); break;
    }
    out += QStringLiteral("Expected %1, worst case %2; %3\n").arg(formatEstimateUsd(budget.expectedMicros), formatEstimateUsd(budget.worstMicros), budget.message);
    if (!recommendations.isEmpty()) {
        out += QStringLiteral("\nRecommendations:\n");
        for (const Recommendation &r : recommendations) {
            out += QStringLiteral("  - %1: duration %2 -> %3, cost %4 -> %5 (worst %6)\n      %7\n")
                       .arg(r.title, formatEstimateDuration(r.baseDurationSeconds), formatEstimateDuration(r.durationSeconds),
                            formatEstimateUsd(r.baseExpectedCostMicros), formatEstimateUsd(r.expectedCostMicros), formatEstimateUsd(r.worstCostMicros), r.detail);
        }
    }
    if (!warnings.isEmpty()) {
        out += QStringLiteral("\nWarnings:\n");
        for (const QString &w : warnings)
            out += QStringLiteral("  ! ") + w + QLatin1Char('\n');
    }
    return out;
}

} // namespace wb
