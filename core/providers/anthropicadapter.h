#pragma once
// Anthropic messages API.
#include "core/providers/provideradapter.h"

namespace wb {

class AnthropicAdapter final : public ProviderAdapter {
public:
    QString wireFormat() const override { return QStringLiteral("anthropic"); }
    BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const override;
    ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const override;
    ParsedReply parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body,
                        qint64 nowMs) const override;
    std::optional<BuiltRequest> buildCountTokens(const Deployment &d, const QString &apiKey,
                                                 const ChatRequest &req) const override;
    std::optional<qint64> parseCountTokens(const QByteArray &body) const override;

private:
    /// parseAt() before the sanity checks every reply gets (wire::checkLimits).
    ParsedReply parseUnchecked(int httpStatus, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const;
};

} // namespace wb
