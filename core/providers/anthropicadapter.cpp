#include "core/providers/anthropicadapter.h"

#include "core/providers/wireparsing.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>

namespace wb {

namespace {

constexpr QByteArrayView kApiVersion = "2023-06-01";

// LiteLLM's Anthropic api_base is the host; people also paste ".../v1" or the full endpoint.
QString endpoint(QString base, QLatin1String tail /* "" or "/count_tokens" */)
{
    if (base.endsWith(QLatin1String("/v1/messages")))
        return base + tail;
    if (base.endsWith(QLatin1String("/v1")))
        return base + QLatin1String("/messages") + tail;
    return base + QLatin1String("/v1/messages") + tail;
}

QJsonObject messageBody(const Deployment &d, const ChatRequest &req)
{
    QJsonObject body{{QStringLiteral("model"), d.model},
                     {QStringLiteral("messages"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("content"), req.user}}}}};
    if (!req.system.isEmpty()) {
        if (req.cacheSystemPrompt) {
            body.insert(QStringLiteral("system"),
                        QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                               {QStringLiteral("text"), req.system},
                                               {QStringLiteral("cache_control"),
                                                QJsonObject{{QStringLiteral("type"), QStringLiteral("ephemeral")}}}}});
        } else {
            body.insert(QStringLiteral("system"), req.system);
        }
    }
    return body;
}

BuiltRequest makeRequest(const QUrl &url, const QString &apiKey, const QJsonObject &body,
                         QNetworkRequest base)
{
    BuiltRequest out;
    out.request = std::move(base);
    out.request.setUrl(url);
    out.request.setRawHeader(QByteArrayLiteral("x-api-key"), apiKey.trimmed().toUtf8());
    out.request.setRawHeader(QByteArrayLiteral("anthropic-version"), kApiVersion.toByteArray());
    out.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return out;
}

QString normalisedFinish(const QString &reason)
{
    if (reason.isEmpty())
        return {};
    if (reason == QLatin1String("end_turn") || reason == QLatin1String("stop_sequence"))
        return QStringLiteral("stop");
    if (reason == QLatin1String("max_tokens") || reason == QLatin1String("model_context_window_exceeded"))
        return QStringLiteral("length");
    return QStringLiteral("other");
}

// A reply streamed by mistake (or by a proxy) carries its error as an SSE event:
// "event: error\ndata: {...}". Returns the data object of the first error event.
QJsonObject sseErrorEvent(const QByteArray &body)
{
    const qsizetype at = body.indexOf("event: error");
    if (at < 0)
        return {};
    const qsizetype data = body.indexOf("data:", at);
    if (data < 0)
        return {};
    qsizetype end = body.indexOf('\n', data);
    if (end < 0)
        end = body.size();
    return QJsonDocument::fromJson(body.mid(data + 5, end - data - 5).trimmed()).object();
}

ErrorClass classify(int status, const QJsonObject &error, const ProviderError &e)
{
    const QJsonObject details = error.value(QLatin1String("details")).toObject();
    if (details.value(QLatin1String("error_code")).toString() == QLatin1String("enforced_spend_limit_reached")
        || e.message.contains(QLatin1String("credit balance is too low"), Qt::CaseInsensitive)
        || e.message.contains(QLatin1String("reached your specified API usage limits"), Qt::CaseInsensitive))
        return ErrorClass::BudgetExceeded;
    const QString &t = e.type;
    if (t == QLatin1String("rate_limit_error"))
        return ErrorClass::RateLimited;
    if (t == QLatin1String("overloaded_error"))
        return ErrorClass::Overloaded;
    if (t == QLatin1String("request_too_large"))
        return ErrorClass::ContextTooLong;
    if (t == QLatin1String("authentication_error") || t == QLatin1String("permission_error"))
        return ErrorClass::Auth;
    if (t == QLatin1String("api_error") || t == QLatin1String("timeout_error"))
        return ErrorClass::Transient;
    if (wire::looksLikeContextTooLong(e.message, e.code))
        return ErrorClass::ContextTooLong;
    if (status == 503 && e.message.contains(QLatin1String("overloaded"), Qt::CaseInsensitive))
        return ErrorClass::Overloaded;
    if (status >= 200 && status < 300)
        return ErrorClass::Transient;   // an unknown in-stream error: the call did not complete
    return wire::classForStatus(status);
}

} // namespace

BuiltRequest AnthropicAdapter::buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const
{
    QJsonObject body = messageBody(d, req);
    body.insert(QStringLiteral("max_tokens"), req.maxTokens);
    body.insert(QStringLiteral("temperature"), req.temperature);
    // Anthropic has no JSON mode; the prompt contract asks for JSON and the runner validates it.
    const QUrl url(endpoint(baseFor(d), QLatin1String("")));
    return makeRequest(url, apiKey, body, jsonRequest(url));
}

std::optional<BuiltRequest> AnthropicAdapter::buildCountTokens(const Deployment &d, const QString &apiKey,
                                                               const ChatRequest &req) const
{
    const QUrl url(endpoint(baseFor(d), QLatin1String("/count_tokens")));
    return makeRequest(url, apiKey, messageBody(d, req), jsonRequest(url));
}

std::optional<qint64> AnthropicAdapter::parseCountTokens(const QByteArray &body) const
{
    const QJsonValue v = QJsonDocument::fromJson(body).object().value(QLatin1String("input_tokens"));
    if (!v.isDouble())
        return std::nullopt;
    return v.toInteger();
}

ParsedReply AnthropicAdapter::parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const
{
    return parseAt(httpStatus, headers, body, QDateTime::currentMSecsSinceEpoch());
}

ParsedReply AnthropicAdapter::parseAt(int status, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    ParsedReply r = parseUnchecked(status, headers, body, nowMs);
    wire::checkLimits(r.limits);
    return r;
}

ParsedReply AnthropicAdapter::parseUnchecked(int status, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    ParsedReply r;
    r.httpStatus = status;
    RateLimitHeaders &l = r.limits;
    // Reset headers are absolute times; the router wants "milliseconds from now".
    const auto untilMs = [nowMs](QByteArrayView v) -> std::optional<qint64> {
        const auto at = wire::parseRfc3339Ms(v);
        if (!at)
            return std::nullopt;
        return std::max<qint64>(0, *at - nowMs);
    };
    static constexpr QByteArrayView kPrefix = "anthropic-ratelimit-";
    for (const auto &[name, value] : headers) {
        if (name.size() > kPrefix.size() && QByteArrayView(name).first(kPrefix.size()).compare(kPrefix, Qt::CaseInsensitive) == 0) {
            const QByteArray rest = name.mid(kPrefix.size()).toLower();
            if (rest == "requests-limit") l.limitRequests = wire::parseCount(value);
            else if (rest == "requests-remaining") l.remainingRequests = wire::parseCount(value);
            else if (rest == "requests-reset") l.resetRequestsMs = untilMs(value);
            else if (rest == "tokens-limit") l.limitTokens = wire::parseCount(value);
            else if (rest == "tokens-remaining") l.remainingTokens = wire::parseCount(value);
            else if (rest == "tokens-reset") l.resetTokensMs = untilMs(value);
            else if (rest == "input-tokens-limit") l.limitInputTokens = wire::parseCount(value);
            else if (rest == "input-tokens-remaining") l.remainingInputTokens = wire::parseCount(value);
            else if (rest == "input-tokens-reset") l.resetInputTokensMs = untilMs(value);
            else if (rest == "output-tokens-limit") l.limitOutputTokens = wire::parseCount(value);
            else if (rest == "output-tokens-remaining") l.remainingOutputTokens = wire::parseCount(value);
            else if (rest == "output-tokens-reset") l.resetOutputTokensMs = untilMs(value);
        } else if (wire::headerIs(name, "retry-after")) {
            l.retryAfterMs = wire::parseRetryAfterMs(value, nowMs);
        } else if (wire::headerIs(name, "request-id")) {
            r.requestId = QString::fromLatin1(value.trimmed());
        }
    }

    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    QJsonObject obj = doc.object();
    if (!doc.isObject())
        obj = sseErrorEvent(body);
    if (r.requestId.isEmpty()) {
        r.requestId = obj.value(QLatin1String("request_id")).toString();
        if (r.requestId.isEmpty())
            r.requestId = obj.value(QLatin1String("id")).toString();
    }

    const bool is2xx = status >= 200 && status < 300;
    const bool isError = obj.value(QLatin1String("type")).toString() == QLatin1String("error");
    if (is2xx && !isError) {
        const QJsonValue content = obj.value(QLatin1String("content"));
        if (!content.isArray()) {
            r.error = wire::malformedReply(status,
                                           perr.error != QJsonParseError::NoError
                                               ? QStringLiteral("reply is not valid JSON (%1)").arg(perr.errorString())
                                               : QStringLiteral("reply has no content"),
                                           body);
            return r;
        }
        Completion c;
        for (const QJsonValue block : content.toArray()) {
            const QJsonObject b = block.toObject();
            if (b.value(QLatin1String("type")).toString() == QLatin1String("text"))
                c.text += b.value(QLatin1String("text")).toString();
        }
        const QString stop = obj.value(QLatin1String("stop_reason")).toString();
        c.finishReason = normalisedFinish(stop);
        c.modelVersion = obj.value(QLatin1String("model")).toString();
        const QJsonValue usageValue = obj.value(QLatin1String("usage"));
        if (usageValue.isObject()) {
            const QJsonObject u = usageValue.toObject();
            bool untrusted = false;
            const qint64 input = wire::usageCount(u.value(QLatin1String("input_tokens")), &untrusted);
            const qint64 cacheRead = wire::usageCount(u.value(QLatin1String("cache_read_input_tokens")), &untrusted);
            const qint64 cacheWrite = wire::usageCount(u.value(QLatin1String("cache_creation_input_tokens")), &untrusted);
            c.usage.promptTokens = input + cacheRead + cacheWrite;   // total input = all three (docs/PROVIDERS.md, "Wire formats")
            c.usage.cachedTokens = cacheRead;
            c.usage.cacheWriteTokens = cacheWrite;
            // The 1-hour part of the writes is billed at its own price (core/pricing).
            c.usage.cacheWrite1hTokens = std::clamp<qint64>(
                u.value(QLatin1String("cache_creation")).toObject().value(QLatin1String("ephemeral_1h_input_tokens")).toInteger(),
                0, cacheWrite);
            c.usage.completionTokens = wire::usageCount(u.value(QLatin1String("output_tokens")), &untrusted);
            wire::finishUsage(c.usage, untrusted);
        }
        if (c.text.isEmpty() && stop == QLatin1String("refusal")) {
            ProviderError e;
            e.errorClass = ErrorClass::Fatal;
            e.httpStatus = status;
            e.type = QStringLiteral("refusal");
            e.message = QStringLiteral("the model declined to answer (stop_reason: refusal)");
            r.error = e;
            return r;
        }
        r.completion = std::move(c);
        return r;
    }

    // {"type":"error","error":{"type":"…","message":"…","details":{…}},"request_id":"req_…"}
    const QJsonObject error = obj.value(QLatin1String("error")).toObject();
    ProviderError e;
    e.httpStatus = status;
    e.type = error.value(QLatin1String("type")).toString();
    e.code = error.value(QLatin1String("details")).toObject().value(QLatin1String("error_code")).toString();
    e.message = wire::sanitizeMessage(error.value(QLatin1String("message")).toString());
    if (e.message.isEmpty())
        e.message = QStringLiteral("HTTP %1").arg(status)
            + (body.trimmed().isEmpty() ? QString() : QStringLiteral(": ") + wire::bodyExcerpt(body));
    e.errorClass = classify(status, error, e);
    if (!l.retryAfterMs && (e.errorClass == ErrorClass::RateLimited || e.errorClass == ErrorClass::Overloaded))
        l.retryAfterMs = wire::retryHintFromMessage(e.message);
    r.error = std::move(e);
    return r;
}

} // namespace wb
