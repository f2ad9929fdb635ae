#include "core/sim/simquota.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace wb::sim {

using dialect_detail::toJson;

std::optional<SimReply> SimDailyQuotas::admit(SimReplyContext &ctx, const SimCall &call, const QString &poolName)
{
    if (!call.key || call.key->rpd <= 0)
        return std::nullopt;
    const qint64 now = ctx.now();
    Day &day = m_days[poolName];
    if (now - day.start >= m_dayMs) {
        day.start = now - (now - day.start) % m_dayMs;
        day.used = 0;
    }
    if (day.used >= call.key->rpd)
        return refusal(ctx, call, call.key->rpd, day.start + m_dayMs - now);
    ++day.used;
    return std::nullopt;
}

qint64 SimDailyQuotas::usedToday(const QString &poolName, qint64 now) const
{
    const auto it = m_days.find(poolName);
    return it == m_days.end() || now - it->second.start >= m_dayMs ? 0 : it->second.used;
}

SimReply SimDailyQuotas::refusal(SimReplyContext &ctx, const SimCall &call, qint64 limit, qint64 resetInMs) const
{
    SimReply r;
    r.status = 429;
    const QString requestId = call.dialect->addRequestId(ctx, r);
    switch (call.dialect->provider()) {
    case Provider::OpenAI:
    case Provider::Mistral: {
        const QString message = QStringLiteral("Rate limit reached for %1 in organization org-simulator on requests per day "
                                               "(RPD): Limit %2, Used %2, Requested 1. Please try again in %3. Visit "
                                               "https://platform.openai.com/account/rate-limits to learn more.")
                                    .arg(call.model)
                                    .arg(limit)
                                    .arg(goDuration(resetInMs));
        if (call.dialect->provider() == Provider::Mistral)
            r.body = toJson({{QStringLiteral("object"), QStringLiteral("error")},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("type"), QStringLiteral("rate_limited")},
                             {QStringLiteral("param"), QJsonValue()},
                             {QStringLiteral("code"), QStringLiteral("1300")}});
        else
            r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                                   {QStringLiteral("type"), QStringLiteral("requests")},
                                                                   {QStringLiteral("param"), QJsonValue()},
                                                                   {QStringLiteral("code"), QStringLiteral("rate_limit_exceeded")}}}});
        break;
    }
    case Provider::Gemini: {
        // RetryInfo says "in a minute" even on a per-day quota: a client that trusts it hammers the API.
        const QJsonArray details{
            QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.QuotaFailure")},
                        {QStringLiteral("violations"),
                         QJsonArray{QJsonObject{
                             {QStringLiteral("quotaMetric"), QStringLiteral("generativelanguage.googleapis.com/generate_content_free_tier_requests")},
                             {QStringLiteral("quotaId"), QStringLiteral("GenerateRequestsPerDayPerProjectPerModel-FreeTier")},
                             {QStringLiteral("quotaDimensions"), QJsonObject{{QStringLiteral("location"), QStringLiteral("global")},
                                                                             {QStringLiteral("model"), call.model}}},
                             {QStringLiteral("quotaValue"), QString::number(limit)}}}}},
            QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.RetryInfo")},
                        {QStringLiteral("retryDelay"), QStringLiteral("43s")}}};
        const QString message = QStringLiteral("You exceeded your current quota, please check your plan and billing details. "
                                               "For more information on this error, head to: "
                                               "https://ai.google.dev/gemini-api/docs/rate-limits. * Quota exceeded for metric: "
                                               "generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: %1, "
                                               "model: %2 Please retry in 43.0s.")
                                    .arg(limit)
                                    .arg(call.model);
        r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), 429},
                                                               {QStringLiteral("message"), message},
                                                               {QStringLiteral("status"), QStringLiteral("RESOURCE_EXHAUSTED")},
                                                               {QStringLiteral("details"), details}}}});
        break;
    }
    case Provider::Anthropic: {
        const QDateTime back = QDateTime::fromMSecsSinceEpoch(ctx.epochAtStart() + ctx.now() + resetInMs, Qt::UTC);
        const QString message = QStringLiteral("You have reached your specified workspace API usage limits. You will regain "
                                               "access on %1 at %2 UTC.")
                                    .arg(back.toString(QStringLiteral("yyyy-MM-dd")), back.toString(QStringLiteral("HH:mm")));
        r.body = toJson({{QStringLiteral("type"), QStringLiteral("error")},
                         {QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), QStringLiteral("rate_limit_error")},
                                                               {QStringLiteral("message"), message},
                                                               {QStringLiteral("details"),
                                                                QJsonObject{{QStringLiteral("error_code"),
                                                                             QStringLiteral("enforced_spend_limit_reached")}}}}},
                         {QStringLiteral("request_id"), requestId}});
        break;
    }
    }
    return r;
}

} // namespace wb::sim
