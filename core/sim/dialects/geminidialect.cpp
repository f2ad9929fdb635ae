#include "core/sim/dialects/geminidialect.h"

#include <QJsonArray>

namespace wb::sim {

using namespace dialect_detail;

namespace {

/// Gemini Content {parts:[{text}]} as plain text.
QString partsText(const QJsonObject &content) { return contentText(content.value(QLatin1String("parts"))); }

QJsonArray textTokenDetails(qint64 tokens)
{
    return QJsonArray{QJsonObject{{QStringLiteral("modality"), QStringLiteral("TEXT")}, {QStringLiteral("tokenCount"), tokens}}};
}

} // namespace

bool GeminiDialect::route(const QString &path, SimCall &call) const
{
    if (!path.startsWith(u"/v1beta/models/") && !path.startsWith(u"/v1/models/"))
        return false;
    const QString rest = path.mid(path.indexOf(QLatin1String("/models/")) + 8);
    const qsizetype colon = rest.lastIndexOf(u':');
    const QString method = colon < 0 ? QString() : rest.mid(colon + 1);
    call.model = colon < 0 ? rest : rest.left(colon);
    if (method == u"countTokens")
        call.countTokens = true;
    return method == u"generateContent" || method == u"countTokens";
}

bool GeminiDialect::answersBadRoute(const QString &path)
{
    return path.startsWith(u"/v1beta");
}

QString GeminiDialect::apiKey(const HttpRequest &req) const
{
    QString key = QString::fromUtf8(req.header("x-goog-api-key"));
    if (key.isEmpty())
        key = QString::fromUtf8(req.queryItem("key"));
    return key;
}

SimReply GeminiDialect::unauthorized(SimReplyContext &ctx, bool missing) const
{
    if (missing)
        return errorReply(ctx, 403,
                          QStringLiteral("Method doesn't allow unregistered callers (callers without established identity). "
                                         "Please use API Key or other form of API consumer identity to call this API."),
                          QStringLiteral("PERMISSION_DENIED"));
    const QString message = QStringLiteral("API key not valid. Please pass a valid API key.");
    SimReply r;
    r.status = 400;
    const QJsonArray details{
        QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.ErrorInfo")},
                    {QStringLiteral("reason"), QStringLiteral("API_KEY_INVALID")},
                    {QStringLiteral("domain"), QStringLiteral("googleapis.com")},
                    {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("service"), QStringLiteral("generativelanguage.googleapis.com")}}}},
        QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.LocalizedMessage")},
                    {QStringLiteral("locale"), QStringLiteral("en-US")},
                    {QStringLiteral("message"), message}}};
    r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), 400},
                                                           {QStringLiteral("message"), message},
                                                           {QStringLiteral("status"), QStringLiteral("INVALID_ARGUMENT")},
                                                           {QStringLiteral("details"), details}}}});
    return r;
}

SimReply GeminiDialect::badRoute(SimReplyContext &ctx, const QByteArray &, const QString &, bool) const
{
    return errorReply(ctx, 404, QStringLiteral("Method not found."), QStringLiteral("NOT_FOUND"));
}

SimReply GeminiDialect::invalidJson(SimReplyContext &ctx, const QString &parserError) const
{
    return errorReply(ctx, 400, QStringLiteral("Invalid JSON payload received. %1").arg(parserError), invalidRequestType());
}

std::optional<SimReply> GeminiDialect::parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const
{
    QJsonObject request = body;
    if (call.countTokens && !body.contains(QLatin1String("contents")))
        request = body.value(QLatin1String("generateContentRequest")).toObject();
    const QJsonArray contents = request.value(QLatin1String("contents")).toArray();
    if (contents.isEmpty())
        return errorReply(ctx, 400, QStringLiteral("* GenerateContentRequest.contents: contents is not specified\n"),
                          invalidRequestType());
    if (request.contains(QLatin1String("systemInstruction")))
        call.messages.append(partsText(request.value(QLatin1String("systemInstruction")).toObject()));
    for (const QJsonValue &c : contents)
        call.messages.append(partsText(c.toObject()));
    const QJsonObject gen = request.value(QLatin1String("generationConfig")).toObject();
    const std::optional<qint64> v = positiveInt(gen, QLatin1String("maxOutputTokens"));
    if (v && *v < 0)
        return errorReply(ctx, 400, QStringLiteral("* GenerateContentRequest.generation_config.max_output_tokens: must be positive\n"),
                          invalidRequestType());
    if (v)
        call.maxTokens = *v;
    return std::nullopt;
}

qint64 GeminiDialect::admissionCharge(const SimCall &call) const
{
    return call.promptTokens;
}

SimReply GeminiDialect::errorReply(SimReplyContext &, int status, const QString &message, const QString &type,
                                   const QString &, const QString &) const
{
    SimReply r;
    r.status = status;
    r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), status},
                                                           {QStringLiteral("message"), message},
                                                           {QStringLiteral("status"), type}}}});
    return r;
}

SimReply GeminiDialect::serverError(SimReplyContext &ctx) const
{
    return errorReply(ctx, 500, QStringLiteral("An internal error has occurred. Please retry or report in "
                                               "https://developers.generativeai.google/guide/troubleshooting"),
                      QStringLiteral("INTERNAL"));
}

SimReply GeminiDialect::overloaded(SimReplyContext &ctx) const
{
    return errorReply(ctx, 503, QStringLiteral("The model is overloaded. Please try again later."), QStringLiteral("UNAVAILABLE"));
}

SimReply GeminiDialect::rateLimited(SimReplyContext &, const SimCall &call, const SimWaits &waits) const
{
    const SimKey &k = *call.key;
    const qint64 wait = waits.longest();
    const bool tokens = waits.tokens > waits.rpm;
    const QString &model = call.model;
    const QString metric = tokens ? QStringLiteral("generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count")
                                  : QStringLiteral("generativelanguage.googleapis.com/generate_content_paid_tier_requests");
    const QString quotaId = tokens ? QStringLiteral("GenerateContentPaidTierInputTokensPerModelPerMinute")
                                   : QStringLiteral("GenerateRequestsPerMinutePerProjectPerModel");
    const qint64 limit = tokens ? k.tpm : k.rpm;
    QString message = QStringLiteral("You exceeded your current quota, please check your plan and billing details. For more "
                                     "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
                                     "To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n"
                                     "* Quota exceeded for metric: %1, limit: %2, model: %3")
                          .arg(metric).arg(limit).arg(model);
    QJsonArray details{
        QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.Help")},
                    {QStringLiteral("links"), QJsonArray{QJsonObject{{QStringLiteral("description"), QStringLiteral("Learn more about Gemini API quotas")},
                                                                     {QStringLiteral("url"), QStringLiteral("https://ai.google.dev/gemini-api/docs/rate-limits")}}}}},
        QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.QuotaFailure")},
                    {QStringLiteral("violations"),
                     QJsonArray{QJsonObject{{QStringLiteral("quotaMetric"), metric},
                                            {QStringLiteral("quotaId"), quotaId},
                                            {QStringLiteral("quotaDimensions"), QJsonObject{{QStringLiteral("location"), QStringLiteral("global")},
                                                                                            {QStringLiteral("model"), model}}},
                                            {QStringLiteral("quotaValue"), QString::number(limit)}}}}}};
    if (wait != SimWindow::kNever) {
        message += QStringLiteral("\nPlease retry in %1.").arg(geminiDelay(wait));
        details.append(QJsonObject{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.RetryInfo")},
                                   {QStringLiteral("retryDelay"), geminiDelay(wait)}});
    }
    SimReply r;
    r.status = 429;
    r.body = toJson({{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), 429},
                                                           {QStringLiteral("message"), message},
                                                           {QStringLiteral("status"), QStringLiteral("RESOURCE_EXHAUSTED")},
                                                           {QStringLiteral("details"), details}}}});
    return r;   // Gemini sends no rate-limit headers
}

SimReply GeminiDialect::countTokensReply(SimReplyContext &, const SimCall &call) const
{
    SimReply r;
    r.body = toJson({{QStringLiteral("totalTokens"), call.promptTokens},
                     {QStringLiteral("promptTokensDetails"), textTokenDetails(call.promptTokens)}});
    return r;
}

QByteArray GeminiDialect::successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                                      bool truncated) const
{
    const qint64 prompt = call.promptTokens;
    const QString version = modelVersion(provider(), call.model);
    return toJson({
        {QStringLiteral("candidates"),
         QJsonArray{QJsonObject{{QStringLiteral("content"), QJsonObject{{QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), text}}}},
                                                                        {QStringLiteral("role"), QStringLiteral("model")}}},
                                {QStringLiteral("finishReason"), truncated ? QStringLiteral("MAX_TOKENS") : QStringLiteral("STOP")},
                                {QStringLiteral("index"), 0}}}},
        {QStringLiteral("usageMetadata"),
         QJsonObject{{QStringLiteral("promptTokenCount"), prompt},
                     {QStringLiteral("candidatesTokenCount"), completion},
                     {QStringLiteral("totalTokenCount"), prompt + completion},
                     {QStringLiteral("promptTokensDetails"), textTokenDetails(prompt)}}},
        {QStringLiteral("modelVersion"), version},
        {QStringLiteral("responseId"), ctx.randomId("", 22, false)},
    });
}

} // namespace wb::sim
