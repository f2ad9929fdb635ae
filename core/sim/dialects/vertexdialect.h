#pragma once
// Vertex AI (Gemini models) in the simulator: the Gemini body at
// /v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent
// (and :countTokens), authenticated by an OAuth access token the simulator's own token endpoint
// issued (simoauth.h); Vertex's 401 and 429 bodies (docs/PROVIDERS.md, "Vertex AI").
#include "core/sim/dialects/geminidialect.h"

namespace wb::sim {

class VertexDialect final : public GeminiDialect {
public:
    Provider provider() const override { return Provider::Vertex; }

    bool route(const QString &path, SimCall &call) const override;
    /// The Bearer token.
    QString apiKey(const HttpRequest &req) const override;
    bool usesAccessTokens() const override { return true; }
    SimReply unauthorized(SimReplyContext &ctx, bool missing) const override;
    /// Dynamic Shared Quota: a 429 without a retry hint.
    SimReply rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const override;
};

} // namespace wb::sim
