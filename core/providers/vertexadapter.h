#pragma once
// Vertex AI (Gemini models): the Gemini body and reply at
// {host}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent
// with an OAuth Bearer token (vertexauth.h) instead of an API key (docs/PROVIDERS.md, "Vertex AI").
#include "core/providers/geminiadapter.h"

namespace wb {

class VertexAdapter final : public ProviderAdapter {
public:
    QString wireFormat() const override { return QStringLiteral("vertex_ai"); }
    /// `apiKey` is the access token.
    BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const override;
    ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const override;
    ParsedReply parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body,
                        qint64 nowMs) const override;
    std::optional<BuiltRequest> buildCountTokens(const Deployment &d, const QString &apiKey,
                                                 const ChatRequest &req) const override;
    std::optional<qint64> parseCountTokens(const QByteArray &body) const override;

    /// https://{location}-aiplatform.googleapis.com (location "global": https://aiplatform.googleapis.com),
    /// or the deployment's api_base (the simulator).
    static QString hostFor(const Deployment &d);
    /// The model's method URL (`method` = generateContent | countTokens).
    static QUrl methodUrl(const Deployment &d, QLatin1String method);

private:
    static BuiltRequest bearerRequest(const QUrl &url, const QString &token, const QJsonObject &body);

    GeminiAdapter m_gemini;
};

} // namespace wb
