#include "core/providers/quotaparsing.h"

#include "core/common/provider.h"
#include "core/providers/wireparsing.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>

namespace wb {

namespace {

constexpr qint64 kDayMs = 86'400'000;

std::optional<qint64> headerCount(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[k, v] : headers)
        if (wire::headerIs(k, name))
            return wire::parseCount(v);
    return std::nullopt;
}

std::optional<qint64> headerDuration(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &[k, v] : headers)
        if (wire::headerIs(k, name))
            return wire::parseGoDurationMs(v);
    return std::nullopt;
}

QuotaExhausted spend(const QString &what, std::optional<qint64> resetsAt = std::nullopt)
{
    return QuotaExhausted{QuotaExhausted::Kind::Spend, resetsAt, what};
}

/// Gemini: QuotaFailure.violations[].quotaId such as GenerateRequestsPerDayPerProjectPerModel-FreeTier.
/// Its RetryInfo.retryDelay (tens of seconds) is ignored there: the quota is back at midnight Pacific.
std::optional<QuotaExhausted> geminiDaily(const QJsonObject &error, qint64 now)
{
    for (const QJsonValue detail : error.value(QLatin1String("details")).toArray()) {
        for (const QJsonValue v : detail.toObject().value(QLatin1String("violations")).toArray()) {
            const QString id = v.toObject().value(QLatin1String("quotaId")).toString();
            if (!id.contains(QLatin1String("PerDay")))
                continue;
            const bool tokens = id.contains(QLatin1String("Token"));
            return QuotaExhausted{QuotaExhausted::Kind::Daily, nextPacificMidnightMs(now),
                                  tokens ? QStringLiteral("tokens per day") : QStringLiteral("requests per day")};
        }
    }
    return std::nullopt;
}

/// "You will regain access on 2025-03-01 at 00:00 UTC." (Anthropic's workspace spend limit).
std::optional<qint64> regainAccessAt(const QString &message)
{
    static const QRegularExpression re(QStringLiteral(R"(regain access on (\d{4}-\d{2}-\d{2}) at (\d{1,2}:\d{2}) UTC)"));
    const auto m = re.match(message);
    if (!m.hasMatch())
        return std::nullopt;
    const QDateTime at = QDateTime::fromString(m.captured(1) + u'T' + m.captured(2).rightJustified(5, u'0') + u":00Z",
                                               Qt::ISODate);
    if (!at.isValid())
        return std::nullopt;
    return at.toMSecsSinceEpoch();
}

/// OpenAI's per-day limits are only named in the message ("on requests per day (RPD): Limit 2000,
/// Used 2000, Requested 1. Please try again in 43.2s.") or in day headers.
std::optional<QuotaExhausted> openAiDaily(const QString &message, const HeaderList &headers, qint64 now)
{
    const bool rpdText = message.contains(QLatin1String("requests per day"), Qt::CaseInsensitive)
        || message.contains(QLatin1String("(RPD)"));
    const bool tpdText = message.contains(QLatin1String("tokens per day"), Qt::CaseInsensitive)
        || message.contains(QLatin1String("(TPD)"));
    const bool rpdHeader = headerCount(headers, "x-ratelimit-remaining-requests-day") == 0;
    const bool tpdHeader = headerCount(headers, "x-ratelimit-remaining-tokens-day") == 0;
    if (!rpdText && !tpdText && !rpdHeader && !tpdHeader)
        return std::nullopt;
    const bool requests = rpdText || (!tpdText && rpdHeader);
    std::optional<qint64> in = wire::retryHintFromMessage(message);
    if (!in)
        in = headerDuration(headers, requests ? "x-ratelimit-reset-requests-day" : "x-ratelimit-reset-tokens-day");
    return QuotaExhausted{QuotaExhausted::Kind::Daily, in ? std::optional<qint64>(now + *in) : std::nullopt,
                          requests ? QStringLiteral("requests per day") : QStringLiteral("tokens per day")};
}

} // namespace

std::optional<QuotaExhausted> quotaExhaustion(int httpStatus, const HeaderList &headers, const QByteArray &body,
                                              qint64 now)
{
    if (httpStatus != 400 && httpStatus != 402 && httpStatus != 403 && httpStatus != 429)
        return std::nullopt;
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonObject error = root.value(QLatin1String("error")).toObject();
    const QString message = error.isEmpty() ? root.value(QLatin1String("message")).toString()
                                            : error.value(QLatin1String("message")).toString();
    const QString code = wire::scalarText(error.value(QLatin1String("code")));
    const QString type = error.value(QLatin1String("type")).toString();

    if (auto g = geminiDaily(error, now))
        return g;
    // OpenAI: branch on the code, not the status ("never retry").
    for (const QString &c : {code, type}) {
        if (c == QLatin1String("insufficient_quota"))
            return spend(QStringLiteral("quota (insufficient_quota)"));
        if (c == QLatin1String("project_spend_limit_exceeded") || c == QLatin1String("organization_spend_limit_exceeded")
            || c == QLatin1String("billing_hard_limit_reached"))
            return spend(QStringLiteral("spend limit (%1)").arg(c));
    }
    // Anthropic.
    const QJsonObject details = error.value(QLatin1String("details")).toObject();
    if (details.value(QLatin1String("error_code")).toString() == QLatin1String("enforced_spend_limit_reached"))
        return spend(QStringLiteral("spend limit"), regainAccessAt(message));
    if (message.contains(QLatin1String("credit balance is too low"), Qt::CaseInsensitive))
        return spend(QStringLiteral("credit balance"));
    if (message.contains(QLatin1String("reached your specified API usage limits"), Qt::CaseInsensitive))
        return spend(QStringLiteral("usage limit"), regainAccessAt(message));
    if (httpStatus == 429)
        return openAiDaily(message, headers, now);
    return std::nullopt;
}

qint64 nextPacificMidnightMs(qint64 now)
{
    const QTimeZone pacific("America/Los_Angeles");
    const QDateTime at = pacific.isValid() ? QDateTime::fromMSecsSinceEpoch(now, pacific)
                                           : QDateTime::fromMSecsSinceEpoch(now, QTimeZone(-8 * 3600));
    const QDateTime midnight(at.date().addDays(1), QTime(0, 0), at.timeZone());
    const qint64 ms = midnight.toMSecsSinceEpoch();
    // A date without a midnight (a DST jump at 00:00) comes out invalid: a day from now is close.
    return midnight.isValid() && ms > now ? ms : now + kDayMs;
}

qint64 nextDailyQuotaResetMs(const QString &provider, qint64 now)
{
    const ProviderKind kind = providerKind(provider);
    if (kind == ProviderKind::Gemini || kind == ProviderKind::VertexAi)
        return nextPacificMidnightMs(now);
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc());
    return QDateTime(at.date().addDays(1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

bool providerSaysDoNotRetry(const HeaderList &headers)
{
    for (const auto &[k, v] : headers)
        if (wire::headerIs(k, "x-should-retry"))
            return v.trimmed().compare("false", Qt::CaseInsensitive) == 0;
    return false;
}

} // namespace wb
