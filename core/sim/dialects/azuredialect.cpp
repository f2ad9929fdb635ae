#include "core/sim/dialects/azuredialect.h"

namespace wb::sim {

using namespace dialect_detail;

namespace {
constexpr QLatin1String kPrefix("/openai/deployments/");
constexpr QLatin1String kSuffix("/chat/completions");
} // namespace

bool AzureDialect::route(const QString &path, SimCall &call) const
{
    if (!path.startsWith(kPrefix) || !path.endsWith(kSuffix))
        return false;
    call.model = path.mid(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    return !call.model.isEmpty() && !call.model.contains(u'/');
}

QString AzureDialect::apiKey(const HttpRequest &req) const
{
    return QString::fromUtf8(req.header("api-key"));
}

SimReply AzureDialect::unauthorized(SimReplyContext &ctx, bool) const
{
    return errorReply(ctx, 401,
                      QStringLiteral("Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
                                     "provide a valid key for an active subscription and use a correct regional API "
                                     "endpoint for your resource."),
                      {}, QStringLiteral("401"));
}

std::optional<SimReply> AzureDialect::checkHeaders(SimReplyContext &ctx, const HttpRequest &req) const
{
    const QByteArray version = req.queryItem("api-version");
    if (version.isEmpty() || !(version.at(0) >= '2' && version.at(0) <= '9'))
        return errorReply(ctx, 404, QStringLiteral("Resource not found"), {}, QStringLiteral("404"));
    return std::nullopt;
}

std::optional<SimReply> AzureDialect::parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const
{
    // The deployment in the path decides; "model" in the body is optional and ignored.
    const QString deployment = call.model;
    QJsonObject withModel = body;
    withModel.insert(QStringLiteral("model"), deployment);
    std::optional<SimReply> r = OpenAiDialect::parseRequest(ctx, withModel, call);
    call.model = deployment;
    return r;
}

SimReply AzureDialect::errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                                  const QString &code, const QString &param) const
{
    SimReply r;
    r.status = status;
    QJsonObject error{{QStringLiteral("code"), code.isEmpty() ? QString::number(status) : code},
                      {QStringLiteral("message"), message}};
    if (!type.isEmpty())
        error.insert(QStringLiteral("type"), type);
    if (!param.isEmpty())
        error.insert(QStringLiteral("param"), param);
    r.body = toJson({{QStringLiteral("error"), error}});
    addRequestId(ctx, r);
    return r;
}

QString AzureDialect::addRequestId(SimReplyContext &ctx, SimReply &reply) const
{
    const QString id = ctx.randomId("", 32, true);
    const QString uuid = id.left(8) + u'-' + id.mid(8, 4) + u'-' + id.mid(12, 4) + u'-' + id.mid(16, 4) + u'-' + id.mid(20, 12);
    reply.headers.emplaceBack(QByteArray("apim-request-id"), uuid.toLatin1());
    reply.headers.emplaceBack(QByteArray("x-ms-region"), "Sweden Central");
    return uuid;
}

SimReply AzureDialect::rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const
{
    const qint64 wait = waits.longest();
    const bool tokens = waits.tokens > waits.rpm;
    const QString message =
        QStringLiteral("Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have "
                       "exceeded %1 rate limit of your current OpenAI S0 pricing tier. Please retry after %2 seconds. "
                       "Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the "
                       "default rate limit.")
            .arg(tokens ? QStringLiteral("token") : QStringLiteral("call"))
            .arg(wait == SimWindow::kNever ? 86400 : ceilSeconds(wait));
    SimReply r = errorReply(ctx, 429, message, {}, QStringLiteral("429"));
    SimResets resets;
    resets.rpm = waits.rpm > 0 ? waits.rpm : -1;
    resets.tpm = waits.tokens > 0 ? waits.tokens : -1;
    addRetryHeaders(ctx, call, waits, resets, QByteArray("retry-after"), r);
    if (wait != SimWindow::kNever)
        r.headers.emplaceBack(QByteArray("retry-after-ms"), num(wait));
    return r;
}

void AzureDialect::writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64, const SimResets &,
                                     ResponseHeaders &h) const
{
    const SimKey &k = *call.key;
    SimWindows &w = *call.windows;
    const qint64 t = ctx.now();
    if (k.rpm > 0) {
        const qint64 slice = std::max<qint64>(1, k.rpm / 6);
        h.emplaceBack(QByteArray("x-ratelimit-remaining-requests"), num(std::max<qint64>(0, slice - w.rpm.used(t))));
    }
    if (k.tpm > 0) {
        h.emplaceBack(QByteArray("x-ratelimit-limit-tokens"), num(k.tpm));
        h.emplaceBack(QByteArray("x-ratelimit-remaining-tokens"), num(remaining(w.tpm, t, k.tpm)));
    }
}

} // namespace wb::sim
