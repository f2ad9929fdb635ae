#pragma once
// OpenAI chat completions (also Mistral and any OpenAI-compatible server: LiteLLM proxy, vLLM, Ollama).
#include "core/providers/provideradapter.h"

namespace wb {

class OpenAiAdapter final : public ProviderAdapter {
public:
    /// requestHeadersPerMinute = false: the x-ratelimit-*-requests headers count something else
    /// (Groq: requests per day) and are not read (ProviderTraits::requestHeadersPerMinute).
    explicit OpenAiAdapter(bool requestHeadersPerMinute = true) : m_requestHeadersPerMinute(requestHeadersPerMinute) {}
    /// o-series and gpt-5 reasoning models: max_completion_tokens, no temperature.
    static bool isReasoningModel(const QString &model);
    /// The chat-completions body; `reasoning` switches to the reasoning models' parameters.
    static QByteArray chatBody(const QString &model, const ChatRequest &req, bool reasoning);

    QString wireFormat() const override { return QStringLiteral("openai"); }
    BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const override;
    ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const override;
    ParsedReply parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body,
                        qint64 nowMs) const override;

private:
    /// parseAt() before the sanity checks every reply gets (wire::checkLimits).
    ParsedReply parseUnchecked(int httpStatus, const HeaderList &headers, const QByteArray &body, qint64 nowMs) const;
    bool m_requestHeadersPerMinute;
};

} // namespace wb
