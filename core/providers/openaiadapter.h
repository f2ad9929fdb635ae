#pragma once
// OpenAI chat completions (also Mistral and any OpenAI-compatible server: LiteLLM proxy, vLLM, Ollama).
#include "core/providers/provideradapter.h"

namespace wb {

class OpenAiAdapter final : public ProviderAdapter {
public:
    QString wireFormat() const override { return QStringLiteral("openai"); }
    BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const override;
    ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const override;
    ParsedReply parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body,
                        qint64 nowMs) const override;

private:
    /// parseAt() before the sanity checks every reply gets (wire::checkLimits).
    ParsedReply parseUnchecked(int httpStatus, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const;
};

} // namespace wb
