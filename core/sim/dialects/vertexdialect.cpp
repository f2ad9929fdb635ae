#include "core/sim/dialects/vertexdialect.h"

namespace wb::sim {

bool VertexDialect::route(const QString &path, SimCall &call) const
{
    // /v1/projects/P/locations/L/publishers/google/models/M:method
    const QStringList parts = path.split(u'/');
    if (parts.size() != 10 || !parts[0].isEmpty() || parts[1] != u"v1" || parts[2] != u"projects"
        || parts[4] != u"locations" || parts[6] != u"publishers" || parts[7] != u"google" || parts[8] != u"models")
        return false;
    const QString &last = parts[9];
    const qsizetype colon = last.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    const QString method = last.mid(colon + 1);
    call.model = last.left(colon);
    call.countTokens = method == u"countTokens";
    return method == u"generateContent" || method == u"countTokens";
}

QString VertexDialect::apiKey(const HttpRequest &req) const
{
    const QByteArray auth = req.header("authorization");
    if (auth.startsWith("Bearer ") || auth.startsWith("bearer "))
        return QString::fromUtf8(auth.mid(7).trimmed());
    return {};
}

SimReply VertexDialect::unauthorized(SimReplyContext &ctx, bool) const
{
    return errorReply(ctx, 401,
                      QStringLiteral("Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                                     "cookie or other valid authentication credential. See "
                                     "https://developers.google.com/identity/sign-in/web/devconsole-project."),
                      QStringLiteral("UNAUTHENTICATED"));
}

SimReply VertexDialect::rateLimited(SimReplyContext &ctx, const SimCall &, const SimWaits &) const
{
    return errorReply(ctx, 429,
                      QStringLiteral("Resource exhausted. Please try again later. Please refer to "
                                     "https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details."),
                      QStringLiteral("RESOURCE_EXHAUSTED"));
}

} // namespace wb::sim
