#include "core/providers/vertexadapter.h"

#include <QJsonDocument>
#include <QUrl>

namespace wb {

BuiltRequest VertexAdapter::bearerRequest(const QUrl &url, const QString &token, const QJsonObject &body)
{
    BuiltRequest out;
    out.request = jsonRequest(url);
    out.request.setRawHeader(QByteArrayLiteral("Authorization"), "Bearer " + token.trimmed().toUtf8());
    out.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return out;
}

QString VertexAdapter::hostFor(const Deployment &d)
{
    QString base = d.apiBase.trimmed();
    while (base.endsWith(u'/'))
        base.chop(1);
    if (!base.isEmpty())
        return base;
    const QString location = d.vertexLocation.isEmpty() ? QStringLiteral("us-central1") : d.vertexLocation;
    if (location == u"global")
        return QStringLiteral("https://aiplatform.googleapis.com");
    return QStringLiteral("https://") + location + QStringLiteral("-aiplatform.googleapis.com");
}

QUrl VertexAdapter::methodUrl(const Deployment &d, QLatin1String method)
{
    const auto enc = [](const QString &s) { return QString::fromLatin1(QUrl::toPercentEncoding(s)); };
    const QString location = d.vertexLocation.isEmpty() ? QStringLiteral("us-central1") : d.vertexLocation;
    QString model = d.model;
    if (model.startsWith(QLatin1String("models/")))
        model.remove(0, 7);
    return QUrl(hostFor(d) + QStringLiteral("/v1/projects/") + enc(d.vertexProject) + QStringLiteral("/locations/")
                + enc(location) + QStringLiteral("/publishers/google/models/") + enc(model) + QLatin1Char(':') + method);
}

BuiltRequest VertexAdapter::buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const
{
    return bearerRequest(methodUrl(d, QLatin1String("generateContent")), apiKey, GeminiAdapter::chatBody(req));
}

std::optional<BuiltRequest> VertexAdapter::buildCountTokens(const Deployment &d, const QString &apiKey,
                                                            const ChatRequest &req) const
{
    return bearerRequest(methodUrl(d, QLatin1String("countTokens")), apiKey, GeminiAdapter::countTokensBody(req));
}

ParsedReply VertexAdapter::parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const
{
    return m_gemini.parse(httpStatus, headers, body);
}

ParsedReply VertexAdapter::parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const
{
    return m_gemini.parseAt(httpStatus, headers, body, nowMs);
}

std::optional<qint64> VertexAdapter::parseCountTokens(const QByteArray &body) const
{
    return m_gemini.parseCountTokens(body);
}

} // namespace wb
