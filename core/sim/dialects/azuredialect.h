#pragma once
// Azure OpenAI in the simulator: the OpenAI body at /openai/deployments/{deployment}/chat/completions
// with a required api-version query and an `api-key` header; Azure's error bodies (code as a
// string), its 429 text and headers (docs/PROVIDERS.md, "Azure OpenAI"). Keys are configured with
// provider "azure".
#include "core/sim/dialects/openaidialect.h"

namespace wb::sim {

class AzureDialect final : public OpenAiDialect {
public:
    Provider provider() const override { return Provider::Azure; }

    /// /openai/deployments/{deployment}/chat/completions; the deployment is the call's model.
    bool route(const QString &path, SimCall &call) const override;
    QString apiKey(const HttpRequest &req) const override;
    bool servesKeysOf(Provider keyProvider) const override { return keyProvider == Provider::Azure; }
    SimReply unauthorized(SimReplyContext &ctx, bool missing) const override;
    /// Azure answers 404 "Resource not found" without a (supported) api-version.
    std::optional<SimReply> checkHeaders(SimReplyContext &ctx, const HttpRequest &req) const override;

    SimReply errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                        const QString &code = {}, const QString &param = {}) const override;
    QString addRequestId(SimReplyContext &ctx, SimReply &reply) const override;
    SimReply rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const override;

protected:
    std::optional<SimReply> parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const override;
    /// x-ratelimit-remaining-tokens for the minute; x-ratelimit-remaining-requests for Azure's
    /// 10-second slice of the rpm (approximated as rpm/6 minus the calls of the window, floored at 0).
    void writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged, const SimResets &resets,
                           ResponseHeaders &headers) const override;
};

} // namespace wb::sim
