#include "core/providers/geminiadapter.h"

#include "core/providers/wireparsing.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace wb {

namespace {

// Gemini's api_base is the host (docs/FORMATS.md, "model_list[]"); tolerate a pasted ".../v1beta".
QUrl methodUrl(QString base, const QString &model, QLatin1String method)
{
    if (base.endsWith(QLatin1String("/v1beta")))
        base.chop(7);
    QString m = model;
    if (m.startsWith(QLatin1String("models/")))
        m.remove(0, 7);
    return QUrl(base + QLatin1String("/v1beta/models/") + QString::fromLatin1(QUrl::toPercentEncoding(m))
                + QLatin1Char(':') + method);
}

QJsonObject textPart(const QString &text) { return QJsonObject{{QStringLiteral("text"), text}}; }

BuiltRequest makeRequest(QNetworkRequest request, const QString &apiKey, const QJsonObject &body)
{
    BuiltRequest out;
    out.request = std::move(request);
    // The key goes in a header, never in ?key=: URLs end up in logs and error strings.
    out.request.setRawHeader(QByteArrayLiteral("x-goog-api-key"), apiKey.trimmed().toUtf8());
    out.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return out;
}

QString normalisedFinish(const QString &reason)
{
    if (reason.isEmpty())
        return {};
    if (reason == QLatin1String("STOP"))
        return QStringLiteral("stop");
    if (reason == QLatin1String("MAX_TOKENS"))
        return QStringLiteral("length");
    return QStringLiteral("other");
}

// Finish reasons that mean the provider withheld the answer: retrying the same prompt gives
// the same verdict.
bool isBlockedReason(const QString &reason)
{
    static const QLatin1String kBlocked[] = {
        QLatin1String("SAFETY"), QLatin1String("RECITATION"), QLatin1String("BLOCKLIST"),
        QLatin1String("PROHIBITED_CONTENT"), QLatin1String("SPII"), QLatin1String("IMAGE_SAFETY"),
        QLatin1String("LANGUAGE")};
    for (const QLatin1String b : kBlocked) {
        if (reason == b)
            return true;
    }
    return false;
}

ErrorClass classify(int status, const ProviderError &e)
{
    if (e.code == QLatin1String("API_KEY_INVALID") || e.code == QLatin1String("API_KEY_SERVICE_BLOCKED")
        || e.type == QLatin1String("UNAUTHENTICATED") || e.type == QLatin1String("PERMISSION_DENIED")
        || e.message.contains(QLatin1String("API key not valid"), Qt::CaseInsensitive))
        return ErrorClass::Auth;
    if (status == 429 || e.type == QLatin1String("RESOURCE_EXHAUSTED"))
        return ErrorClass::RateLimited;
    if (wire::looksLikeContextTooLong(e.message, e.code))
        return ErrorClass::ContextTooLong;
    if (status == 503 || e.type == QLatin1String("UNAVAILABLE")) {
        if (e.message.contains(QLatin1String("overloaded"), Qt::CaseInsensitive))
            return ErrorClass::Overloaded;
        return ErrorClass::Transient;
    }
    if (e.type == QLatin1String("INTERNAL") || e.type == QLatin1String("DEADLINE_EXCEEDED"))
        return ErrorClass::Transient;
    if (status >= 200 && status < 300)
        return ErrorClass::Transient;
    return wire::classForStatus(status);
}

} // namespace

QJsonObject GeminiAdapter::chatBody(const ChatRequest &req)
{
    QJsonObject generationConfig{{QStringLiteral("maxOutputTokens"), req.maxTokens},
                                 {QStringLiteral("temperature"), req.temperature}};
    if (req.jsonMode)
        generationConfig.insert(QStringLiteral("responseMimeType"), QStringLiteral("application/json"));
    QJsonObject body{
        {QStringLiteral("contents"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("parts"), QJsonArray{textPart(req.user)}}}}},
        {QStringLiteral("generationConfig"), generationConfig}};
    if (!req.system.isEmpty())
        body.insert(QStringLiteral("systemInstruction"),
                    QJsonObject{{QStringLiteral("parts"), QJsonArray{textPart(req.system)}}});
    return body;
}

QJsonObject GeminiAdapter::countTokensBody(const ChatRequest &req)
{
    // countTokens takes {contents}; the system prompt rides along as a leading part so it is
    // counted too (systemInstruction is only accepted inside a full generateContentRequest).
    QJsonArray parts;
    if (!req.system.isEmpty())
        parts.append(textPart(req.system));
    parts.append(textPart(req.user));
    return QJsonObject{
        {QStringLiteral("contents"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("parts"), parts}}}}};
}

BuiltRequest GeminiAdapter::buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const
{
    return makeRequest(jsonRequest(methodUrl(baseFor(d), d.model, QLatin1String("generateContent"))), apiKey, chatBody(req));
}

std::optional<BuiltRequest> GeminiAdapter::buildCountTokens(const Deployment &d, const QString &apiKey,
                                                            const ChatRequest &req) const
{
    return makeRequest(jsonRequest(methodUrl(baseFor(d), d.model, QLatin1String("countTokens"))), apiKey,
                       countTokensBody(req));
}

std::optional<qint64> GeminiAdapter::parseCountTokens(const QByteArray &body) const
{
    const QJsonValue v = QJsonDocument::fromJson(body).object().value(QLatin1String("totalTokens"));
    if (!v.isDouble())
        return std::nullopt;
    return v.toInteger();
}

ParsedReply GeminiAdapter::parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const
{
    return parseAt(httpStatus, headers, body, QDateTime::currentMSecsSinceEpoch());
}

ParsedReply GeminiAdapter::parseAt(int status, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    ParsedReply r = parseUnchecked(status, headers, body, nowMs);
    wire::checkLimits(r.limits);
    return r;
}

ParsedReply GeminiAdapter::parseUnchecked(int status, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    ParsedReply r;
    r.httpStatus = status;
    // Gemini sends no rate-limit headers; a retry-after from a proxy in front is still honoured.
    for (const auto &[name, value] : headers) {
        if (wire::headerIs(name, "retry-after"))
            r.limits.retryAfterMs = wire::parseRetryAfterMs(value, nowMs);
        else if (wire::headerIs(name, "x-request-id"))
            r.requestId = QString::fromLatin1(value.trimmed());
    }

    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    // Streaming endpoints without alt=sse answer with a JSON array; take its first element.
    const QJsonObject obj = doc.isArray() ? doc.array().first().toObject() : doc.object();
    if (r.requestId.isEmpty())
        r.requestId = obj.value(QLatin1String("responseId")).toString();

    const bool is2xx = status >= 200 && status < 300;
    const QJsonValue errorValue = obj.value(QLatin1String("error"));
    if (is2xx && !errorValue.isObject()) {
        const QJsonArray candidates = obj.value(QLatin1String("candidates")).toArray();
        if (candidates.isEmpty()) {
            const QString blocked = obj.value(QLatin1String("promptFeedback")).toObject()
                                        .value(QLatin1String("blockReason")).toString();
            if (!blocked.isEmpty()) {
                ProviderError e;
                e.errorClass = ErrorClass::Fatal;
                e.httpStatus = status;
                e.type = QStringLiteral("prompt_blocked");
                e.code = blocked;
                e.message = QStringLiteral("Gemini blocked the prompt (blockReason: %1)").arg(blocked);
                r.error = e;
            } else {
                r.error = wire::malformedReply(status,
                                               perr.error != QJsonParseError::NoError
                                                   ? QStringLiteral("reply is not valid JSON (%1)").arg(perr.errorString())
                                                   : QStringLiteral("reply has no candidates"),
                                               body);
            }
            return r;
        }
        const QJsonObject candidate = candidates.first().toObject();
        Completion c;
        for (const QJsonValue part : candidate.value(QLatin1String("content")).toObject().value(QLatin1String("parts")).toArray()) {
            const QJsonObject p = part.toObject();
            if (!p.value(QLatin1String("thought")).toBool())   // thought summaries are not the answer
                c.text += p.value(QLatin1String("text")).toString();
        }
        const QString finish = candidate.value(QLatin1String("finishReason")).toString();
        c.finishReason = normalisedFinish(finish);
        c.modelVersion = obj.value(QLatin1String("modelVersion")).toString();
        const QJsonValue usageValue = obj.value(QLatin1String("usageMetadata"));
        if (usageValue.isObject()) {
            const QJsonObject u = usageValue.toObject();
            bool untrusted = false;
            c.usage.promptTokens = wire::usageCount(u.value(QLatin1String("promptTokenCount")), &untrusted);   // includes cached
            c.usage.completionTokens = wire::usageCount(u.value(QLatin1String("candidatesTokenCount")), &untrusted)
                + wire::usageCount(u.value(QLatin1String("thoughtsTokenCount")), &untrusted);   // thinking is billed as output
            c.usage.cachedTokens = wire::usageCount(u.value(QLatin1String("cachedContentTokenCount")), &untrusted);
            wire::finishUsage(c.usage, untrusted);
        }
        if (c.text.isEmpty()) {
            if (isBlockedReason(finish)) {
                ProviderError e;
                e.errorClass = ErrorClass::Fatal;
                e.httpStatus = status;
                e.type = QStringLiteral("content_blocked");
                e.code = finish;
                e.message = QStringLiteral("Gemini withheld the reply (finishReason: %1)").arg(finish);
                r.error = e;
                return r;
            }
            if (finish != QLatin1String("MAX_TOKENS")) {
                // An empty STOP/OTHER candidate is a known intermittent failure: try again.
                r.error = wire::malformedReply(status,
                                               QStringLiteral("reply has no text (finishReason: %1)")
                                                   .arg(finish.isEmpty() ? QStringLiteral("none") : finish),
                                               {});
                return r;
            }
        }
        r.completion = std::move(c);
        return r;
    }

    // {"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}
    const QJsonObject error = errorValue.toObject();
    ProviderError e;
    e.httpStatus = status;
    e.type = error.value(QLatin1String("status")).toString();
    e.message = wire::sanitizeMessage(error.value(QLatin1String("message")).toString());
    std::optional<qint64> retryDelay;
    QString quotaId;
    for (const QJsonValue dv : error.value(QLatin1String("details")).toArray()) {
        const QJsonObject detail = dv.toObject();
        const QString type = detail.value(QLatin1String("@type")).toString();
        if (type.endsWith(QLatin1String("google.rpc.ErrorInfo"))) {
            e.code = detail.value(QLatin1String("reason")).toString();
        } else if (type.endsWith(QLatin1String("google.rpc.RetryInfo"))) {
            retryDelay = wire::parseGoDurationMs(detail.value(QLatin1String("retryDelay")).toString().toLatin1());
        } else if (type.endsWith(QLatin1String("google.rpc.QuotaFailure")) && quotaId.isEmpty()) {
            // Which quota ran out (per minute or per day) tells the router how long waiting takes.
            const QJsonArray violations = detail.value(QLatin1String("violations")).toArray();
            const QJsonObject v = violations.isEmpty() ? QJsonObject() : violations.at(0).toObject();
            quotaId = v.value(QLatin1String("quotaId")).toString();
            // A per-minute quota names its limit ("quotaValue": "15"): learned as a refusal's text
            // naming it would be (docs/ARCHITECTURE.md, "The provider's counters are the truth").
            bool ok = false;
            const qint64 value = v.value(QLatin1String("quotaValue")).toString().toLongLong(&ok);
            if (ok && value > 0 && quotaId.contains(QLatin1String("PerMinute"))) {
                if (quotaId.contains(QLatin1String("Request")))
                    e.namedLimit = ProviderError::NamedLimit{true, value};
                else if (quotaId.contains(QLatin1String("Token")))
                    e.namedLimit = ProviderError::NamedLimit{false, value};
            }
        }
    }
    if (e.code.isEmpty())
        e.code = quotaId;
    if (e.message.isEmpty())
        e.message = QStringLiteral("HTTP %1").arg(status)
            + (body.trimmed().isEmpty() ? QString() : QStringLiteral(": ") + wire::bodyExcerpt(body));
    // A 200 carrying an error object: judge it by the code inside.
    const int effective = is2xx && error.value(QLatin1String("code")).isDouble()
        ? error.value(QLatin1String("code")).toInt() : status;
    e.errorClass = classify(effective, e);
    if (!r.limits.retryAfterMs && (e.errorClass == ErrorClass::RateLimited || e.errorClass == ErrorClass::Overloaded)) {
        // RetryInfo is often rounded down ("1s") while the message has the precise delay
        // ("Please retry in 1.68122827s."): waiting for the shorter one would earn another 429.
        const auto fromText = wire::retryHintFromMessage(e.message);
        if (retryDelay && fromText)
            r.limits.retryAfterMs = std::max(*retryDelay, *fromText);
        else
            r.limits.retryAfterMs = retryDelay ? retryDelay : fromText;
    }
    r.error = std::move(e);
    return r;
}

} // namespace wb
