#include "core/providers/openaiadapter.h"

#include "core/common/provider.h"
#include "core/providers/litellmproxy.h"
#include "core/providers/wireparsing.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace wb {

namespace {

// o-series and gpt-5 reasoning models reject max_tokens and any non-default temperature.
// gpt-5-chat-* is the non-reasoning chat model and behaves like gpt-4o.
bool isReasoningModel(const QString &model)
{
    const QString m = model.toLower();
    if (m.startsWith(QLatin1String("o1")) || m.startsWith(QLatin1String("o3")) || m.startsWith(QLatin1String("o4")))
        return true;
    return m.startsWith(QLatin1String("gpt-5")) && !m.startsWith(QLatin1String("gpt-5-chat"));
}

// The first o1 previews accept neither a system message nor response_format.
bool isO1Preview(const QString &model)
{
    const QString m = model.toLower();
    return m.startsWith(QLatin1String("o1-mini")) || m.startsWith(QLatin1String("o1-preview"));
}

QString normalisedFinish(const QString &reason)
{
    if (reason.isEmpty())
        return {};
    if (reason == QLatin1String("stop"))
        return QStringLiteral("stop");
    if (reason == QLatin1String("length") || reason == QLatin1String("model_length"))   // Mistral: model_length
        return QStringLiteral("length");
    return QStringLiteral("other");
}

QString textOf(const QJsonValue &content)
{
    if (content.isString())
        return content.toString();
    // Some OpenAI-compatible servers answer with content parts.
    if (content.isArray()) {
        QString text;
        for (const QJsonValue part : content.toArray()) {
            const QJsonObject p = part.toObject();
            if (p.value(QLatin1String("type")).toString() == QLatin1String("text"))
                text += p.value(QLatin1String("text")).toString();
        }
        return text;
    }
    return {};
}

// OpenAI: {"error":{message,type,param,code}}; Mistral: {"object":"error",message,type,code};
// older Mistral gateway {"message":...}; FastAPI servers {"detail":...}; Ollama {"error":"text"}.
ProviderError errorFields(const QJsonObject &obj)
{
    ProviderError e;
    const QJsonValue err = obj.value(QLatin1String("error"));
    if (err.isObject()) {
        const QJsonObject o = err.toObject();
        e.message = wire::scalarText(o.value(QLatin1String("message")));
        e.type = wire::scalarText(o.value(QLatin1String("type")));
        e.code = wire::scalarText(o.value(QLatin1String("code")));
    } else if (err.isString()) {
        e.message = err.toString();
    } else {
        e.message = wire::scalarText(obj.value(QLatin1String("message")));
        e.type = wire::scalarText(obj.value(QLatin1String("type")));
        e.code = wire::scalarText(obj.value(QLatin1String("code")));
        const QJsonValue detail = obj.value(QLatin1String("detail"));
        if (e.message.isEmpty() && detail.isString())
            e.message = detail.toString();
        else if (e.message.isEmpty() && detail.isArray())
            e.message = QString::fromUtf8(QJsonDocument(detail.toArray()).toJson(QJsonDocument::Compact));
    }
    e.message = wire::sanitizeMessage(e.message);
    return e;
}

ErrorClass classify(int status, const ProviderError &e)
{
    const bool is2xx = status >= 200 && status < 300;
    // An exhausted quota or billing problem never heals by waiting: never retry it.
    if (e.code == QLatin1String("insufficient_quota") || e.type == QLatin1String("insufficient_quota")
        || e.code == QLatin1String("billing_hard_limit_reached") || e.code == QLatin1String("billing_not_active"))
        return ErrorClass::BudgetExceeded;
    if (status == 429) {
        // "Request too large for gpt-4o ... on tokens per min": the request alone exceeds the
        // TPM limit; waiting cannot make it fit.
        if (e.message.startsWith(QLatin1String("Request too large"), Qt::CaseInsensitive))
            return ErrorClass::Fatal;
        return ErrorClass::RateLimited;
    }
    if ((status >= 400 && status < 500) || is2xx) {
        if (wire::looksLikeContextTooLong(e.message, e.code))
            return ErrorClass::ContextTooLong;
    }
    if (e.type == QLatin1String("rate_limit_error") || e.type == QLatin1String("rate_limited")
        || e.code == QLatin1String("rate_limit_exceeded"))
        return ErrorClass::RateLimited;
    if (status == 503 || status == 529 || is2xx) {
        if (status == 529 || e.code == QLatin1String("server_is_overloaded")
            || e.message.contains(QLatin1String("overloaded"), Qt::CaseInsensitive))
            return ErrorClass::Overloaded;
        return ErrorClass::Transient;   // a 503 that is not overload may be an outage: spend retries
    }
    if (e.type == QLatin1String("authentication_error") || e.code == QLatin1String("invalid_api_key"))
        return ErrorClass::Auth;
    return wire::classForStatus(status);
}

} // namespace

bool OpenAiAdapter::isReasoningModel(const QString &model)
{
    return wb::isReasoningModel(model);
}

QByteArray OpenAiAdapter::chatBody(const QString &model, const ChatRequest &req, bool reasoning)
{
    const bool o1Preview = reasoning && isO1Preview(model);
    QJsonArray messages;
    if (!req.system.isEmpty() && !o1Preview)
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                    {QStringLiteral("content"), req.system}});
    const QString user = o1Preview && !req.system.isEmpty() ? req.system + QStringLiteral("\n\n") + req.user : req.user;
    messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), user}});

    QJsonObject body{{QStringLiteral("model"), model}, {QStringLiteral("messages"), messages}};
    if (reasoning) {
        body.insert(QStringLiteral("max_completion_tokens"), req.maxTokens);
    } else {
        body.insert(QStringLiteral("max_tokens"), req.maxTokens);
        body.insert(QStringLiteral("temperature"), req.temperature);
    }
    if (req.jsonMode && !o1Preview)
        body.insert(QStringLiteral("response_format"), QJsonObject{{QStringLiteral("type"), QStringLiteral("json_object")}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

BuiltRequest OpenAiAdapter::buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const
{
    QString base = baseFor(d);
    // A base that is already the full endpoint (some proxies are configured that way) is kept.
    // Ollama's OpenAI API is under /v1 of the base LiteLLM users write without it.
    QString path = QLatin1String(providerTraits(d.provider).chatPath);
    if (path.startsWith(QLatin1String("/v1/")) && base.endsWith(QLatin1String("/v1")))
        path.remove(0, 3);
    if (!base.endsWith(QLatin1String("/chat/completions")))
        base += path;

    BuiltRequest out;
    out.request = jsonRequest(QUrl(base));
    // Local servers (Ollama, vLLM) run without a key; sending "Bearer " would be noise.
    if (!apiKey.trimmed().isEmpty())
        out.request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + apiKey.trimmed().toUtf8());
    // Reasoning-model parameters only where the model ids are OpenAI's own.
    const bool openai = providerKind(d.provider) == ProviderKind::OpenAi;
    out.body = chatBody(d.model, req, openai && isReasoningModel(d.model));
    return out;
}

ParsedReply OpenAiAdapter::parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const
{
    return parseAt(httpStatus, headers, body, QDateTime::currentMSecsSinceEpoch());
}

ParsedReply OpenAiAdapter::parseAt(int status, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    ParsedReply r = parseUnchecked(status, headers, body, nowMs);
    wire::checkLimits(r.limits);
    readLiteLlmProxyHeaders(headers, r);   // a LiteLLM proxy in front: its call id and price
    return r;
}

ParsedReply OpenAiAdapter::parseUnchecked(int status, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    using wire::headerIs;
    ParsedReply r;
    r.httpStatus = status;
    RateLimitHeaders &l = r.limits;
    std::optional<qint64> retryAfterMsHeader, retryAfterHeader;
    // Mistral's older header set counts tokens only: x-ratelimitbysize-*-minute, and the same
    // figures without the period as ratelimitbysize-* with the seconds until the window frees
    // (docs/PROVIDERS.md, "Limit headers"). The per-minute names win over the unnamed ones.
    std::optional<qint64> bySizeLimit, bySizeRemaining, bySizeMinuteLimit, bySizeMinuteRemaining, bySizeResetS;
    for (const auto &[name, value] : headers) {
        if (headerIs(name, "x-ratelimit-limit-req-minute")
            || (m_requestHeadersPerMinute && headerIs(name, "x-ratelimit-limit-requests")))
            l.limitRequests = wire::parseCount(value);
        else if (headerIs(name, "x-ratelimit-remaining-req-minute")
                 || (m_requestHeadersPerMinute && headerIs(name, "x-ratelimit-remaining-requests")))
            l.remainingRequests = wire::parseCount(value);
        else if (m_requestHeadersPerMinute && headerIs(name, "x-ratelimit-reset-requests"))
            l.resetRequestsMs = wire::parseGoDurationMs(value);
        else if (headerIs(name, "x-ratelimit-limit-tokens") || headerIs(name, "x-ratelimit-limit-tokens-minute"))
            l.limitTokens = wire::parseCount(value);
        else if (headerIs(name, "x-ratelimit-remaining-tokens") || headerIs(name, "x-ratelimit-remaining-tokens-minute"))
            l.remainingTokens = wire::parseCount(value);
        else if (headerIs(name, "x-ratelimit-reset-tokens"))
            l.resetTokensMs = wire::parseGoDurationMs(value);
        else if (headerIs(name, "x-ratelimit-tokens-query-cost") || headerIs(name, "ratelimitbysize-query-cost"))
            l.queryCostTokens = wire::parseCount(value);
        else if (headerIs(name, "x-ratelimitbysize-limit-minute"))
            bySizeMinuteLimit = wire::parseCount(value);
        else if (headerIs(name, "x-ratelimitbysize-remaining-minute"))
            bySizeMinuteRemaining = wire::parseCount(value);
        else if (headerIs(name, "ratelimitbysize-limit"))
            bySizeLimit = wire::parseCount(value);
        else if (headerIs(name, "ratelimitbysize-remaining"))
            bySizeRemaining = wire::parseCount(value);
        else if (headerIs(name, "ratelimitbysize-reset"))
            bySizeResetS = wire::parseCount(value);
        else if (headerIs(name, "retry-after-ms"))
            retryAfterMsHeader = wire::parseGoDurationMs(QByteArray(value.trimmed() + "ms"));
        else if (headerIs(name, "retry-after"))
            retryAfterHeader = wire::parseRetryAfterMs(value, nowMs);
        else if (headerIs(name, "x-request-id"))
            r.requestId = QString::fromLatin1(value.trimmed());
    }
    // The SDKs read retry-after-ms first: it is the precise one.
    l.retryAfterMs = retryAfterMsHeader ? retryAfterMsHeader : retryAfterHeader;
    if (!l.limitTokens && !l.remainingTokens) {
        l.limitTokens = bySizeMinuteLimit ? bySizeMinuteLimit : bySizeLimit;
        l.remainingTokens = bySizeMinuteRemaining ? bySizeMinuteRemaining : bySizeRemaining;
    }
    // Whole seconds until the window frees: on a refusal without retry-after, that is the wait.
    if (status == 429 && !l.retryAfterMs && bySizeResetS)
        l.retryAfterMs = *bySizeResetS * 1000;

    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    const QJsonObject obj = doc.object();
    const bool is2xx = status >= 200 && status < 300;

    if (r.requestId.isEmpty()) {
        r.requestId = obj.value(QLatin1String("id")).toString();
        if (r.requestId.isEmpty())
            r.requestId = obj.value(QLatin1String("request_id")).toString();
    }

    if (is2xx && doc.isObject() && obj.contains(QLatin1String("choices"))) {
        const QJsonArray choices = obj.value(QLatin1String("choices")).toArray();
        const QJsonObject choice = choices.isEmpty() ? QJsonObject() : choices.first().toObject();
        const QJsonValue messageValue = choice.value(QLatin1String("message"));
        if (!messageValue.isObject()) {
            r.error = wire::malformedReply(status, QStringLiteral("reply has no choices[0].message"), body);
            return r;
        }
        const QJsonObject message = messageValue.toObject();
        Completion c;
        c.text = textOf(message.value(QLatin1String("content")));
        const QString finish = choice.value(QLatin1String("finish_reason")).toString();
        c.finishReason = normalisedFinish(finish);
        c.modelVersion = obj.value(QLatin1String("model")).toString();
        const QJsonValue usageValue = obj.value(QLatin1String("usage"));
        if (usageValue.isObject()) {
            const QJsonObject u = usageValue.toObject();
            bool untrusted = false;
            c.usage.promptTokens = wire::usageCount(u.value(QLatin1String("prompt_tokens")), &untrusted);
            c.usage.completionTokens = wire::usageCount(u.value(QLatin1String("completion_tokens")), &untrusted);
            c.usage.cachedTokens = wire::usageCount(u.value(QLatin1String("prompt_tokens_details")).toObject()
                                                        .value(QLatin1String("cached_tokens")), &untrusted);
            wire::finishUsage(c.usage, untrusted);
        }
        if (c.text.isEmpty()) {
            const QString refusal = message.value(QLatin1String("refusal")).toString();
            if (!refusal.isEmpty() || finish == QLatin1String("content_filter")) {
                ProviderError e;
                e.errorClass = ErrorClass::Fatal;
                e.httpStatus = status;
                e.type = refusal.isEmpty() ? QStringLiteral("content_filter") : QStringLiteral("refusal");
                e.message = refusal.isEmpty()
                    ? QStringLiteral("the provider's content filter withheld the reply")
                    : QStringLiteral("the model refused: ") + wire::sanitizeMessage(refusal);
                r.error = e;
                return r;
            }
        }
        r.completion = std::move(c);
        return r;
    }

    if (is2xx && !(doc.isObject() && (obj.contains(QLatin1String("error")) || obj.value(QLatin1String("object")).toString() == QLatin1String("error")))) {
        r.error = wire::malformedReply(status,
                                       perr.error != QJsonParseError::NoError
                                           ? QStringLiteral("reply is not valid JSON (%1)").arg(perr.errorString())
                                           : QStringLiteral("reply has no choices"),
                                       body);
        return r;
    }

    ProviderError e = doc.isObject() ? errorFields(obj) : ProviderError{};
    e.httpStatus = status;
    if (e.message.isEmpty())
        e.message = QStringLiteral("HTTP %1").arg(status)
            + (body.trimmed().isEmpty() ? QString() : QStringLiteral(": ") + wire::bodyExcerpt(body));
    e.errorClass = classify(status, e);
    if (!l.retryAfterMs && (e.errorClass == ErrorClass::RateLimited || e.errorClass == ErrorClass::Overloaded))
        l.retryAfterMs = wire::retryHintFromMessage(e.message);
    r.error = std::move(e);
    return r;
}

} // namespace wb
