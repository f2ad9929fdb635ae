#pragma once
// The simulator's dialects, one per wire format, and how a request finds its dialect.
#include "core/sim/dialects/anthropicdialect.h"
#include "core/sim/dialects/azuredialect.h"
#include "core/sim/dialects/geminidialect.h"
#include "core/sim/dialects/openaidialect.h"
#include "core/sim/dialects/vertexdialect.h"

namespace wb::sim {

class SimDialects {
public:
    SimDialects() = default;
    SimDialects(const SimDialects &) = delete;   // m_all points into this object
    SimDialects &operator=(const SimDialects &) = delete;

    /// The dialect whose path this is (token counts included); nullptr when none serves it.
    const SimDialect *route(const QString &path, SimCall &call) const;
    /// The dialect that answers a request no dialect serves (or with the wrong method).
    const SimDialect &forBadRoute(const QString &path) const;
    /// The dialect of a key's provider.
    const SimDialect &forProvider(Provider p) const;

private:
    OpenAiDialect m_openAi;
    MistralDialect m_mistral;
    AnthropicDialect m_anthropic;
    GeminiDialect m_gemini;
    AzureDialect m_azure;
    VertexDialect m_vertex;
    const SimDialect *const m_all[6] = {&m_azure, &m_openAi, &m_anthropic, &m_gemini, &m_vertex, &m_mistral};
};

} // namespace wb::sim
