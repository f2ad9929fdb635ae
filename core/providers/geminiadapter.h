#pragma once
// Gemini generateContent on the Gemini API (Vertex AI's URL and auth: vertexadapter.h).
#include "core/providers/provideradapter.h"

#include <QJsonObject>

namespace wb {

class GeminiAdapter final : public ProviderAdapter {
public:
    QString wireFormat() const override { return QStringLiteral("gemini"); }
    BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const override;
    ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const override;
    ParsedReply parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body,
                        qint64 nowMs) const override;
    std::optional<BuiltRequest> buildCountTokens(const Deployment &d, const QString &apiKey,
                                                 const ChatRequest &req) const override;
    std::optional<qint64> parseCountTokens(const QByteArray &body) const override;

    /// The generateContent body (Vertex AI takes the same).
    static QJsonObject chatBody(const ChatRequest &req);
    /// The countTokens body: {contents}, the system prompt as a leading part.
    static QJsonObject countTokensBody(const ChatRequest &req);
private:
    /// parseAt() before the sanity checks every reply gets (wire::checkLimits).
    ParsedReply parseUnchecked(int httpStatus, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const;
};

} // namespace wb
