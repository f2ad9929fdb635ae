#include "core/sim/dialects/openaidialect.h"

#include <QJsonArray>

namespace wb::sim {

using namespace dialect_detail;

// ---- OpenAI ---------------------------------------------------------------------------------

bool OpenAiDialect::route(const QString &path, SimCall &) const
{
    // Also under other bases (api.groq.com/openai/v1, openrouter.ai/api/v1, ...): the OpenAI-compatible
    // family points its api_base at the simulator with its own path.
    return path.endsWith(u"/chat/completions");
}

QString OpenAiDialect::apiKey(const HttpRequest &req) const
{
    const QByteArray auth = req.header("authorization");
    if (auth.startsWith("Bearer ") || auth.startsWith("bearer "))
        return QString::fromUtf8(auth.mid(7).trimmed());
    return {};
}

bool OpenAiDialect::servesKeysOf(Provider keyProvider) const
{
    return keyProvider == Provider::OpenAI || keyProvider == Provider::Mistral;
}

SimReply OpenAiDialect::unauthorized(SimReplyContext &ctx, bool missing) const
{
    // Never echo the key: not even the masked form OpenAI uses.
    return missing ? errorReply(ctx, 401,
                                QStringLiteral("You didn't provide an API key. You need to provide your API key in an Authorization "
                                               "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password "
                                               "field (with blank username) if you're accessing the API from your browser and are "
                                               "prompted for a username and password. You can obtain an API key from "
                                               "https://platform.openai.com/account/api-keys."),
                                QStringLiteral("invalid_request_error"))
                   : errorReply(ctx, 401,
                                QStringLiteral("Incorrect API key provided: ***. You can find your API key at "
                                               "https://platform.openai.com/account/api-keys."),
                                QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key"));
}

SimReply OpenAiDialect::invalidJson(SimReplyContext &ctx, const QString &) const
{
    return errorReply(ctx, 400,
                      QStringLiteral("We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                                     "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
                                     "not valid JSON. If you have trouble figuring out how to fix this, please contact us "
                                     "through our help center at help.openai.com.)"),
                      invalidRequestType());
}

std::optional<SimReply> OpenAiDialect::parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const
{
    const QString invalidReq = invalidRequestType();
    call.model = body.value(QLatin1String("model")).toString();
    if (call.model.isEmpty())
        return errorReply(ctx, 400, QStringLiteral("you must provide a model parameter"), invalidReq);
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty())
        return errorReply(ctx, 400, QStringLiteral("Missing required parameter: 'messages'."), invalidReq,
                          QStringLiteral("missing_required_parameter"), QStringLiteral("messages"));
    for (const QJsonValue &m : messages)
        call.messages.append(contentText(m.toObject().value(QLatin1String("content"))));
    for (QLatin1String name : {QLatin1String("max_completion_tokens"), QLatin1String("max_tokens")}) {
        const std::optional<qint64> v = positiveInt(body, name);
        if (v && *v < 0)
            return errorReply(ctx, 400, QStringLiteral("Invalid '%1': expected an integer of at least 1.").arg(name), invalidReq,
                              QStringLiteral("integer_below_min_value"), name);
        if (v && call.maxTokens < 0)
            call.maxTokens = *v;
    }
    return std::nullopt;
}

qint64 OpenAiDialect::admissionCharge(const SimCall &call) const
{
    return promptEstimate(call) + outputReserve(call);
}

qint64 OpenAiDialect::promptEstimate(const SimCall &call) const
{
    return openAiCharEstimate(call.messages);
}

SimReply OpenAiDialect::errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                                   const QString &code, const QString &param) const
{
    SimReply r;
    r.status = status;
    r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                           {QStringLiteral("type"), type},
                                                           {QStringLiteral("param"), nullable(param)},
                                                           {QStringLiteral("code"), nullable(code)}}}});
    addRequestId(ctx, r);
    return r;
}

QString OpenAiDialect::addRequestId(SimReplyContext &ctx, SimReply &reply) const
{
    const QString id = ctx.randomId("req_", 32, true);
    reply.headers.emplaceBack(QByteArray("x-request-id"), id.toLatin1());
    reply.headers.emplaceBack(QByteArray("openai-version"), "2020-10-01");
    return id;
}

SimReply OpenAiDialect::serverError(SimReplyContext &ctx) const
{
    return errorReply(ctx, 500, QStringLiteral("The server had an error while processing your request. Sorry about that!"),
                      QStringLiteral("server_error"));
}

SimReply OpenAiDialect::overloaded(SimReplyContext &ctx) const
{
    return errorReply(ctx, 503, QStringLiteral("That model is currently overloaded with other requests. You can retry your request, "
                                               "or contact us through our help center at help.openai.com if the error persists."),
                      QStringLiteral("server_error"));
}

SimReply OpenAiDialect::rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const
{
    const SimKey &k = *call.key;
    SimWindows &w = *call.windows;
    const qint64 t = ctx.now();
    const qint64 wait = waits.longest();
    const bool tokens = waits.tokens > waits.rpm;
    const QString &model = call.model;
    const QString org = organization(call);
    const QString visit = QStringLiteral(" Visit https://platform.openai.com/account/rate-limits to learn more.");
    QString message;
    if (wait == SimWindow::kNever) {
        message = QStringLiteral("Request too large for %1 in organization %6 on tokens per min (TPM): Limit %2, "
                                 "Requested %3. The input or output tokens must be reduced in order to run successfully.")
                      .arg(model).arg(k.tpm).arg(call.tpmCharge).arg(org) + visit;
    } else if (tokens) {
        message = QStringLiteral("Rate limit reached for %1 in organization %6 on tokens per min (TPM): Limit %2, "
                                 "Used %3, Requested %4. Please try again in %5.")
                      .arg(model).arg(k.tpm).arg(w.tpm.used(t)).arg(call.tpmCharge).arg(goDuration(wait)).arg(org) + visit;
    } else {
        message = QStringLiteral("Rate limit reached for %1 in organization %5 on requests per min (RPM): Limit %2, "
                                 "Used %3, Requested 1. Please try again in %4.")
                      .arg(model).arg(k.rpm).arg(w.rpm.used(t)).arg(goDuration(wait)).arg(org) + visit;
    }
    SimReply r = errorReply(ctx, 429, message, tokens ? QStringLiteral("tokens") : QStringLiteral("requests"),
                            QStringLiteral("rate_limit_exceeded"));
    SimResets resets;
    resets.rpm = waits.rpm > 0 ? waits.rpm : -1;
    resets.tpm = waits.tokens > 0 ? waits.tokens : -1;
    addRetryHeaders(ctx, call, waits, resets, QByteArray("retry-after"), r);
    return r;
}

void OpenAiDialect::writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64, const SimResets &resets,
                                      ResponseHeaders &h) const
{
    const SimKey &k = *call.key;
    SimWindows &w = *call.windows;
    const qint64 t = ctx.now();
    if (k.rpm > 0) {
        h.emplaceBack(QByteArray("x-ratelimit-limit-requests"), num(k.rpm));
        h.emplaceBack(QByteArray("x-ratelimit-remaining-requests"), num(remaining(w.rpm, t, k.rpm)));
        h.emplaceBack(QByteArray("x-ratelimit-reset-requests"), goDuration(resetIn(w.rpm, t, resets.rpm)).toLatin1());
    }
    if (k.tpm > 0) {
        h.emplaceBack(QByteArray("x-ratelimit-limit-tokens"), num(k.tpm));
        h.emplaceBack(QByteArray("x-ratelimit-remaining-tokens"), num(remaining(w.tpm, t, k.tpm)));
        h.emplaceBack(QByteArray("x-ratelimit-reset-tokens"), goDuration(resetIn(w.tpm, t, resets.tpm)).toLatin1());
    }
}

QByteArray OpenAiDialect::chatCompletion(SimReplyContext &ctx, const SimCall &call, const QString &id, QJsonObject choice,
                                         const QJsonObject &usage, QJsonObject extra, bool truncated) const
{
    choice.insert(QStringLiteral("index"), 0);
    choice.insert(QStringLiteral("finish_reason"), truncated ? QStringLiteral("length") : QStringLiteral("stop"));
    extra.insert(QStringLiteral("id"), id);
    extra.insert(QStringLiteral("object"), QStringLiteral("chat.completion"));
    extra.insert(QStringLiteral("created"), (ctx.epochAtStart() + ctx.now()) / 1000);
    extra.insert(QStringLiteral("model"), modelVersion(provider(), call.model));
    extra.insert(QStringLiteral("choices"), QJsonArray{choice});
    extra.insert(QStringLiteral("usage"), usage);
    return toJson(extra);
}

QByteArray OpenAiDialect::successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                                      bool truncated) const
{
    const qint64 prompt = call.promptTokens;
    const QJsonObject choice{{QStringLiteral("message"), QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                                     {QStringLiteral("content"), text},
                                                                     {QStringLiteral("refusal"), QJsonValue::Null},
                                                                     {QStringLiteral("annotations"), QJsonArray{}}}},
                             {QStringLiteral("logprobs"), QJsonValue::Null}};
    const QJsonObject usage{
        {QStringLiteral("prompt_tokens"), prompt},
        {QStringLiteral("completion_tokens"), completion},
        {QStringLiteral("total_tokens"), prompt + completion},
        {QStringLiteral("prompt_tokens_details"), QJsonObject{{QStringLiteral("cached_tokens"), 0},
                                                              {QStringLiteral("audio_tokens"), 0}}},
        {QStringLiteral("completion_tokens_details"), QJsonObject{{QStringLiteral("reasoning_tokens"), 0},
                                                                  {QStringLiteral("audio_tokens"), 0},
                                                                  {QStringLiteral("accepted_prediction_tokens"), 0},
                                                                  {QStringLiteral("rejected_prediction_tokens"), 0}}}};
    const QJsonObject extra{{QStringLiteral("service_tier"), QStringLiteral("default")},
                            {QStringLiteral("system_fingerprint"), QStringLiteral("fp_5e1a5b7c3d")}};
    return chatCompletion(ctx, call, ctx.randomId("chatcmpl-", 29, false), choice, usage, extra, truncated);
}

void OpenAiDialect::addSuccessHeaders(SimReplyContext &ctx, const SimCall &call, SimReply &reply) const
{
    reply.headers.emplaceBack(QByteArray("openai-processing-ms"), num(ctx.now() - call.receivedAt));
}

// ---- Mistral --------------------------------------------------------------------------------

qint64 MistralDialect::admissionCharge(const SimCall &call) const
{
    return call.promptTokens + outputReserve(call);
}

qint64 MistralDialect::settle(SimCall &call, qint64 completion, qint64, SimKeyStats &stats) const
{
    const qint64 actual = call.promptTokens + completion;
    if (call.key)
        call.windows->tpm.settle(call.tpmEvent, actual);
    stats.tokensCharged += actual - call.tpmCharge;
    return actual;
}

SimReply MistralDialect::invalidJson(SimReplyContext &ctx, const QString &parserError) const
{
    return errorReply(ctx, 400, QStringLiteral("Invalid JSON body: %1").arg(parserError), invalidRequestType());
}

SimReply MistralDialect::errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                                    const QString &code, const QString &param) const
{
    SimReply r;
    r.status = status;
    r.body = toJson({{QStringLiteral("object"), QStringLiteral("error")},
                     {QStringLiteral("message"), message},
                     {QStringLiteral("type"), type},
                     {QStringLiteral("param"), nullable(param)},
                     {QStringLiteral("code"), nullable(code)}});
    addRequestId(ctx, r);
    return r;
}

QString MistralDialect::addRequestId(SimReplyContext &ctx, SimReply &reply) const
{
    const QString id = ctx.randomId("", 32, true);
    reply.headers.emplaceBack(QByteArray("mistral-correlation-id"), id.toLatin1());
    return id;
}

SimReply MistralDialect::serverError(SimReplyContext &ctx) const
{
    return errorReply(ctx, 500, QStringLiteral("Internal server error"), QStringLiteral("server_error"));
}

SimReply MistralDialect::overloaded(SimReplyContext &ctx) const
{
    return errorReply(ctx, 503, QStringLiteral("Service unavailable: the model is overloaded, please retry later."),
                      QStringLiteral("server_error"));
}

SimReply MistralDialect::rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const
{
    SimReply r = errorReply(ctx, 429, QStringLiteral("Rate limit exceeded"), QStringLiteral("rate_limited"),
                            QStringLiteral("1300"));
    SimResets resets;
    resets.rpm = waits.rpm > 0 ? waits.rpm : -1;
    resets.tpm = waits.tokens > 0 ? waits.tokens : -1;
    if (call.key && call.key->bySizeHeaders) {
        // The older gateway: its own body, and the wait only as ratelimitbysize-reset.
        // Whichever limit refused, the reset names when the call fits again.
        r.body = QByteArrayLiteral(R"({"message":"Requests rate limit exceeded"})");
        if (const qint64 wait = waits.longest(); wait != SimWindow::kNever)
            resets.tpm = wait;
        r.headers += rateLimitHeaders(ctx, call, call.tpmCharge, resets);
        return r;
    }
    addRetryHeaders(ctx, call, waits, resets, QByteArray("Retry-After"), r);
    return r;
}

void MistralDialect::writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged, const SimResets &resets,
                                       ResponseHeaders &h) const
{
    const SimKey &k = *call.key;
    SimWindows &w = *call.windows;
    const qint64 t = ctx.now();
    if (k.bySizeHeaders) {
        if (k.tpm <= 0)
            return;
        const QByteArray limit = num(k.tpm), left = num(remaining(w.tpm, t, k.tpm));
        h.emplaceBack(QByteArray("ratelimitbysize-limit"), limit);
        h.emplaceBack(QByteArray("ratelimitbysize-remaining"), left);
        h.emplaceBack(QByteArray("ratelimitbysize-reset"), num(ceilSeconds(resetIn(w.tpm, t, resets.tpm))));
        h.emplaceBack(QByteArray("ratelimitbysize-query-cost"), num(charged));
        h.emplaceBack(QByteArray("x-ratelimitbysize-limit-minute"), limit);
        h.emplaceBack(QByteArray("x-ratelimitbysize-remaining-minute"), left);
        return;
    }
    if (k.rpm > 0) {
        h.emplaceBack(QByteArray("x-ratelimit-limit-req-minute"), num(k.rpm));
        h.emplaceBack(QByteArray("x-ratelimit-remaining-req-minute"), num(remaining(w.rpm, t, k.rpm)));
    }
    if (k.tpm > 0) {
        h.emplaceBack(QByteArray("x-ratelimit-limit-tokens-minute"), num(k.tpm));
        h.emplaceBack(QByteArray("x-ratelimit-remaining-tokens-minute"), num(remaining(w.tpm, t, k.tpm)));
        h.emplaceBack(QByteArray("x-ratelimit-tokens-query-cost"), num(charged));
    }
}

QByteArray MistralDialect::successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                                       bool truncated) const
{
    const qint64 prompt = call.promptTokens;
    const QJsonObject choice{{QStringLiteral("message"), QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                                                     {QStringLiteral("tool_calls"), QJsonValue::Null},
                                                                     {QStringLiteral("content"), text}}}};
    const QJsonObject usage{{QStringLiteral("prompt_tokens"), prompt},
                            {QStringLiteral("total_tokens"), prompt + completion},
                            {QStringLiteral("completion_tokens"), completion}};
    return chatCompletion(ctx, call, ctx.randomId("", 32, true), choice, usage, {}, truncated);
}

} // namespace wb::sim
