#include "core/providers/azureadapter.h"

#include "core/providers/wireparsing.h"

#include <QDateTime>
#include <QUrlQuery>

namespace wb {

namespace {

constexpr QLatin1String kOSeries("o_series/");

QString deploymentName(const QString &model)
{
    return model.startsWith(kOSeries) ? model.mid(kOSeries.size()) : model;
}

} // namespace

QUrl AzureAdapter::chatUrl(const Deployment &d)
{
    QString base = baseFor(d);
    const qsizetype q = base.indexOf(u'?');
    QString query = q >= 0 ? base.mid(q + 1) : QString();
    if (q >= 0)
        base.truncate(q);
    while (base.endsWith(u'/'))
        base.chop(1);
    // LiteLLM takes an api_base that already names the deployment as it is.
    if (!base.contains(QLatin1String("/openai/deployments/")))
        base += QLatin1String("/openai/deployments/")
            + QString::fromLatin1(QUrl::toPercentEncoding(deploymentName(d.model)));
    if (!base.endsWith(QLatin1String("/chat/completions")))
        base += QLatin1String("/chat/completions");
    QUrl url(base);
    QUrlQuery items(query);
    if (!items.hasQueryItem(QStringLiteral("api-version")))
        items.addQueryItem(QStringLiteral("api-version"),
                           d.apiVersion.isEmpty() ? QLatin1String(kAzureDefaultApiVersion) : d.apiVersion);
    url.setQuery(items);
    return url;
}

BuiltRequest AzureAdapter::buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const
{
    BuiltRequest out;
    out.request = jsonRequest(chatUrl(d));
    out.request.setRawHeader(QByteArrayLiteral("api-key"), apiKey.trimmed().toUtf8());
    const QString name = deploymentName(d.model);
    const bool reasoning = d.model.startsWith(kOSeries) || OpenAiAdapter::isReasoningModel(name);
    out.body = OpenAiAdapter::chatBody(name, req, reasoning);
    return out;
}

ParsedReply AzureAdapter::parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const
{
    return parseAt(httpStatus, headers, body, QDateTime::currentMSecsSinceEpoch());
}

ParsedReply AzureAdapter::parseAt(int status, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    ParsedReply r = m_openAi.parseAt(status, headers, body, nowMs);
    std::optional<qint64> msRetry, resetTokens;
    QString apimId;
    for (const auto &[name, value] : headers) {
        if (wire::headerIs(name, "x-ms-retry-after-ms"))
            msRetry = wire::parseGoDurationMs(QByteArray(value.trimmed() + "ms"));
        else if (wire::headerIs(name, "x-rate-limit-reset-tokens"))
            resetTokens = wire::parseRetryAfterMs(value, nowMs);
        else if (wire::headerIs(name, "apim-request-id"))
            apimId = QString::fromLatin1(value.trimmed());
    }
    const bool waiting = r.error && (r.error->errorClass == ErrorClass::RateLimited || r.error->errorClass == ErrorClass::Overloaded);
    if (waiting && msRetry)
        r.limits.retryAfterMs = std::max(msRetry.value(), r.limits.retryAfterMs.value_or(0));
    else if (waiting && !r.limits.retryAfterMs && resetTokens)
        r.limits.retryAfterMs = resetTokens;
    // OpenAI's parser falls back to the body's "id" (chatcmpl-...); Azure's gateway id is the one
    // its support asks for.
    const bool fromHeader = std::any_of(headers.cbegin(), headers.cend(),
                                        [](const auto &h) { return wire::headerIs(h.first, "x-request-id"); });
    if (!fromHeader && !apimId.isEmpty())
        r.requestId = apimId;
    return r;
}

} // namespace wb
