#include "core/common/provider.h"

#include "core/common/check.h"

#include <QStringList>

namespace wb {

namespace {

// Sources: docs/ARCHITECTURE.md ("Providers") and the providers' own rate-limit and API pages.
constexpr ProviderTraits kTraits[] = {
    {ProviderKind::OpenAi, "openai", "OpenAI", WireFormat::OpenAi, CountingRule::OpenAi,
     LimitAlgorithm::SlidingWindow, TokenizerKind::Exact, "https://api.openai.com/v1", "https://api.openai.com/v1",
     "", "OPENAI_API_KEY", true},
    {ProviderKind::Anthropic, "anthropic", "Anthropic", WireFormat::Anthropic, CountingRule::Anthropic,
     LimitAlgorithm::SlidingWindow, TokenizerKind::ScaledBase, "https://api.anthropic.com", "https://api.anthropic.com",
     "/v1/messages/count_tokens", "ANTHROPIC_API_KEY", true},
    {ProviderKind::Mistral, "mistral", "Mistral", WireFormat::OpenAi, CountingRule::Mistral,
     LimitAlgorithm::SlidingWindow, TokenizerKind::ScaledBase, "https://api.mistral.ai/v1", "https://api.mistral.ai/v1",
     "", "MISTRAL_API_KEY", true},
    {ProviderKind::Gemini, "gemini", "Google Gemini", WireFormat::Gemini, CountingRule::Gemini,
     LimitAlgorithm::SlidingWindow, TokenizerKind::ScaledBase, "https://generativelanguage.googleapis.com",
     "https://generativelanguage.googleapis.com", "/v1beta/models/{model}:countTokens", "GEMINI_API_KEY", true},
    {ProviderKind::VertexAi, "vertex_ai", "Vertex AI", WireFormat::Gemini, CountingRule::Gemini,
     LimitAlgorithm::SlidingWindow, TokenizerKind::ScaledBase, "https://us-central1-aiplatform.googleapis.com",
     "https://generativelanguage.googleapis.com", "/v1beta/models/{model}:countTokens", "", false},
    {ProviderKind::OpenAiCompatible, "", "OpenAI-compatible", WireFormat::OpenAi, CountingRule::OpenAi,
     LimitAlgorithm::SlidingWindow, TokenizerKind::ScaledBase, "", "", "", "", true},
};

constexpr bool tableMatchesEnum()
{
    for (std::size_t i = 0; i < std::size(kTraits); ++i) {
        if (kTraits[i].kind != kProviderKinds[i])
            return false;
    }
    return std::size(kTraits) == kProviderKinds.size();
}
static_assert(tableMatchesEnum(), "kTraits must list every ProviderKind in enum order");

} // namespace

ProviderKind providerKind(QStringView provider)
{
    for (const ProviderTraits &t : kTraits) {
        if (*t.prefix && provider.compare(QLatin1String(t.prefix), Qt::CaseInsensitive) == 0)
            return t.kind;
    }
    return ProviderKind::OpenAiCompatible;
}

const ProviderTraits &providerTraits(ProviderKind kind)
{
    const auto i = std::size_t(kind);
    if (!WB_CHECK(i < std::size(kTraits)))
        return kTraits[std::size(kTraits) - 1];
    return kTraits[i];
}

QString providerPrefix(ProviderKind kind)
{
    return QLatin1String(providerTraits(kind).prefix);
}

const QStringList &knownProviderPrefixes()
{
    static const QStringList prefixes = [] {
        QStringList out;
        for (const ProviderTraits &t : kTraits) {
            if (*t.prefix)
                out << QLatin1String(t.prefix);
        }
        return out;
    }();
    return prefixes;
}

} // namespace wb
