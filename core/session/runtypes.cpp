#include "core/session/runtypes.h"

#include "core/pricing/pricing.h"

namespace wb {

int RunSummary::exitCode() const
{
    if (storageFailed)
        return 4;
    if (!error.isEmpty())
        return 2;
    if (cancelled)
        return 130;
    if (budgetStopped)
        return 3;
    if (failed > 0)
        return 1;
    return 0;
}

QJsonObject RunSummary::toJson() const
{
    QJsonObject o{
        {QStringLiteral("experiment"), experiment},
        {QStringLiteral("jobs"), jobs},
        {QStringLiteral("done"), done},
        {QStringLiteral("failed"), failed},
        {QStringLiteral("skipped"), skipped},
        {QStringLiteral("calls"), calls},
        {QStringLiteral("http_429"), http429},
        {QStringLiteral("retries"), retries},
        {QStringLiteral("fallbacks"), fallbacks},
        {QStringLiteral("parse_retries"), parseRetries},
        {QStringLiteral("prompt_tokens"), promptTokens},
        {QStringLiteral("completion_tokens"), completionTokens},
        {QStringLiteral("cached_tokens"), cachedTokens},
        {QStringLiteral("cost_usd"), microsToUsd(costMicros)},
        {QStringLiteral("wall_s"), wallSeconds},
        {QStringLiteral("budget_stopped"), budgetStopped},
        {QStringLiteral("cancelled"), cancelled},
        {QStringLiteral("simulated"), simulated},
        {QStringLiteral("exit_code"), exitCode()},
    };
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    if (storageFailed)
        o.insert(QStringLiteral("storage_failed"), true);
    if (!recoveryFile.isEmpty())
        o.insert(QStringLiteral("recovery_file"), recoveryFile);
    return o;
}

} // namespace wb
