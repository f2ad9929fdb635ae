#include "core/sim/dialects/anthropicdialect.h"

#include <QJsonArray>
#include <QLocale>

namespace wb::sim {

using namespace dialect_detail;

namespace {

QString thousands(qint64 v) { return QLocale(QLocale::English).toString(v); }

// Anthropic reports remaining tokens rounded to the nearest thousand.
qint64 roundToThousand(qint64 v) { return v <= 0 ? 0 : ((v + 500) / 1000) * 1000; }

} // namespace

bool AnthropicDialect::route(const QString &path, SimCall &call) const
{
    if (path == u"/v1/messages")
        return true;
    if (path == u"/v1/messages/count_tokens") {
        call.countTokens = true;
        return true;
    }
    return false;
}

QString AnthropicDialect::apiKey(const HttpRequest &req) const
{
    return QString::fromUtf8(req.header("x-api-key"));
}

SimReply AnthropicDialect::unauthorized(SimReplyContext &ctx, bool missing) const
{
    return errorReply(ctx, 401, missing ? QStringLiteral("x-api-key header is required") : QStringLiteral("invalid x-api-key"),
                      QStringLiteral("authentication_error"));
}

std::optional<SimReply> AnthropicDialect::checkHeaders(SimReplyContext &ctx, const HttpRequest &req) const
{
    if (req.header("anthropic-version").isEmpty())
        return errorReply(ctx, 400, QStringLiteral("anthropic-version: header is required"),
                          QStringLiteral("invalid_request_error"));
    return std::nullopt;
}

SimReply AnthropicDialect::invalidJson(SimReplyContext &ctx, const QString &parserError) const
{
    return errorReply(ctx, 400, QStringLiteral("There was an error parsing the body of your request: %1").arg(parserError),
                      invalidRequestType());
}

std::optional<SimReply> AnthropicDialect::parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const
{
    const QString invalidReq = invalidRequestType();
    call.model = body.value(QLatin1String("model")).toString();
    if (call.model.isEmpty())
        return errorReply(ctx, 400, QStringLiteral("model: Field required"), invalidReq);
    if (!call.countTokens) {
        const std::optional<qint64> v = positiveInt(body, QLatin1String("max_tokens"));
        if (!v)
            return errorReply(ctx, 400, QStringLiteral("max_tokens: Field required"), invalidReq);
        if (*v < 0)
            return errorReply(ctx, 400, QStringLiteral("max_tokens: Input should be greater than or equal to 1"), invalidReq);
        call.maxTokens = *v;
    }
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty())
        return errorReply(ctx, 400, QStringLiteral("messages: Field required"), invalidReq);
    if (body.contains(QLatin1String("system")))
        call.messages.append(contentText(body.value(QLatin1String("system"))));
    for (const QJsonValue &m : messages)
        call.messages.append(contentText(m.toObject().value(QLatin1String("content"))));
    return std::nullopt;
}

qint64 AnthropicDialect::admissionCharge(const SimCall &call) const
{
    return call.promptTokens;
}

qint64 AnthropicDialect::settle(SimCall &call, qint64 completion, qint64 now, SimKeyStats &stats) const
{
    if (call.key)
        call.windows->otpm.add(now, completion);
    stats.tokensCharged += completion;
    return call.tpmCharge;
}

SimReply AnthropicDialect::errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                                      const QString &, const QString &) const
{
    SimReply r;
    r.status = status;
    const QString requestId = addRequestId(ctx, r);
    r.body = toJson({{QStringLiteral("type"), QStringLiteral("error")},
                     {QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("message"), message}}},
                     {QStringLiteral("request_id"), requestId}});
    return r;
}

QString AnthropicDialect::addRequestId(SimReplyContext &ctx, SimReply &reply) const
{
    const QString id = ctx.randomId("req_011C", 20, false);
    reply.headers.emplaceBack(QByteArray("request-id"), id.toLatin1());
    return id;
}

SimReply AnthropicDialect::serverError(SimReplyContext &ctx) const
{
    return errorReply(ctx, 500, QStringLiteral("Internal server error"), QStringLiteral("api_error"));
}

SimReply AnthropicDialect::overloaded(SimReplyContext &ctx) const
{
    return errorReply(ctx, 529, QStringLiteral("Overloaded"), QStringLiteral("overloaded_error"));
}

SimReply AnthropicDialect::rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const
{
    const SimKey &k = *call.key;
    const qint64 wait = waits.longest();
    QString what;
    if (wait == waits.tokens)
        what = QStringLiteral("%1 input tokens").arg(thousands(k.itpm));
    else if (wait == waits.otpm)
        what = QStringLiteral("%1 output tokens").arg(thousands(k.otpm));
    else
        what = QStringLiteral("%1 requests").arg(thousands(k.rpm));
    SimReply r = errorReply(ctx, 429,
                            QStringLiteral("This request would exceed the rate limit for your organization (%2) of %1 per minute. "
                                           "For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can see the response "
                                           "headers for current usage. Please reduce the prompt length or the maximum tokens requested, or "
                                           "try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss "
                                           "your options for a rate limit increase.")
                                .arg(what, organization(call)),
                            QStringLiteral("rate_limit_error"));
    SimResets resets;
    resets.rpm = waits.rpm > 0 ? waits.rpm : -1;
    resets.itpm = waits.tokens > 0 ? waits.tokens : -1;
    resets.otpm = waits.otpm > 0 ? waits.otpm : -1;
    addRetryHeaders(ctx, call, waits, resets, QByteArray("retry-after"), r);
    return r;
}

SimReply AnthropicDialect::refusedOverShortInterval(SimReplyContext &ctx, const SimCall &call, qint64 waitMs) const
{
    // The message real accounts get for a burst their minute's limits had room for (reported in
    // anthropics/claude-code issue threads): it names no limit.
    SimReply r = errorReply(ctx, 429, QStringLiteral("This request would exceed your account's rate limit. Please try again later."),
                            QStringLiteral("rate_limit_error"));
    SimWaits waits;
    waits.rpm = waitMs;
    addRetryHeaders(ctx, call, waits, SimResets{}, QByteArray("retry-after"), r);
    return r;
}

SimReply AnthropicDialect::countTokensReply(SimReplyContext &ctx, const SimCall &call) const
{
    SimReply r;
    r.body = toJson({{QStringLiteral("input_tokens"), call.promptTokens}});
    addRequestId(ctx, r);
    return r;
}

void AnthropicDialect::writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64, const SimResets &resets,
                                         ResponseHeaders &h) const
{
    const SimKey &k = *call.key;
    SimWindows &w = *call.windows;
    const qint64 t = ctx.now();
    const qint64 wall = ctx.epochAtStart() + t;
    if (k.rpm > 0) {
        h.emplaceBack(QByteArray("anthropic-ratelimit-requests-limit"), num(k.rpm));
        h.emplaceBack(QByteArray("anthropic-ratelimit-requests-remaining"), num(remaining(w.rpm, t, k.rpm)));
        h.emplaceBack(QByteArray("anthropic-ratelimit-requests-reset"), rfc3339Ceil(wall + resetIn(w.rpm, t, resets.rpm)).toLatin1());
    }
    // The combined tokens-* headers sum the input and output windows.
    qint64 tokLimit = 0, tokRemaining = 0, tokReset = 0;
    auto tokenWindow = [&](const char *name, SimWindow &win, qint64 limit, qint64 resetOverride) {
        if (limit <= 0)
            return;
        const qint64 rem = roundToThousand(remaining(win, t, limit));
        const qint64 rs = resetIn(win, t, resetOverride);
        const QByteArray prefix = QByteArray("anthropic-ratelimit-") + name + "-tokens-";
        h.emplaceBack(prefix + "limit", num(limit));
        h.emplaceBack(prefix + "remaining", num(rem));
        h.emplaceBack(prefix + "reset", rfc3339Ceil(wall + rs).toLatin1());
        tokLimit += limit;
        tokRemaining += rem;
        tokReset = std::max(tokReset, rs);
    };
    tokenWindow("input", w.itpm, k.itpm, resets.itpm);
    tokenWindow("output", w.otpm, k.otpm, resets.otpm);
    if (tokLimit > 0) {
        h.emplaceBack(QByteArray("anthropic-ratelimit-tokens-limit"), num(tokLimit));
        h.emplaceBack(QByteArray("anthropic-ratelimit-tokens-remaining"), num(tokRemaining));
        h.emplaceBack(QByteArray("anthropic-ratelimit-tokens-reset"), rfc3339Ceil(wall + tokReset).toLatin1());
    }
}

QByteArray AnthropicDialect::successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                                         bool truncated) const
{
    return toJson({
        {QStringLiteral("id"), ctx.randomId("msg_01", 22, false)},
        {QStringLiteral("type"), QStringLiteral("message")},
        {QStringLiteral("role"), QStringLiteral("assistant")},
        {QStringLiteral("model"), modelVersion(provider(), call.model)},
        {QStringLiteral("content"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")}, {QStringLiteral("text"), text}}}},
        {QStringLiteral("stop_reason"), truncated ? QStringLiteral("max_tokens") : QStringLiteral("end_turn")},
        {QStringLiteral("stop_sequence"), QJsonValue::Null},
        {QStringLiteral("usage"), QJsonObject{{QStringLiteral("input_tokens"), call.promptTokens},
                                              {QStringLiteral("cache_creation_input_tokens"), 0},
                                              {QStringLiteral("cache_read_input_tokens"), 0},
                                              {QStringLiteral("output_tokens"), completion}}},
    });
}

} // namespace wb::sim
