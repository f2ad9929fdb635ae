#pragma once
// Azure OpenAI: the OpenAI chat-completions body and reply at the deployment's own URL,
// {resource}/openai/deployments/{deployment}/chat/completions?api-version=..., with the key in
// an `api-key` header (docs/PROVIDERS.md, "Azure OpenAI").
#include "core/providers/openaiadapter.h"

namespace wb {

class AzureAdapter final : public ProviderAdapter {
public:
    QString wireFormat() const override { return QStringLiteral("azure"); }
    /// d.model is the deployment name; "o_series/<deployment>" forces the reasoning-model parameters
    /// (as in LiteLLM), otherwise a name that looks like o1/o3/o4/gpt-5 gets them.
    BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const override;
    ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const override;
    /// OpenAI's parser with Azure's headers: x-ratelimit-remaining-tokens counts the minute, but
    /// x-ratelimit-*-requests count a 10-second slice of it and are not read as per-minute figures;
    /// a 429 may carry only x-ms-retry-after-ms or x-rate-limit-reset-tokens (seconds);
    /// apim-request-id identifies the call when x-request-id is absent.
    ParsedReply parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body,
                        qint64 nowMs) const override;

    /// The chat URL of a deployment, api-version query included.
    static QUrl chatUrl(const Deployment &d);

private:
    OpenAiAdapter m_openAi{false};
};

} // namespace wb
