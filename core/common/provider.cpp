#include "core/common/provider.h"

#include "core/common/check.h"

#include <QStringList>

namespace wb {

namespace {

using W = WireFormat;
using C = CountingRule;
using T = TokenizerKind;
constexpr LimitAlgorithm kWindow = LimitAlgorithm::SlidingWindow;
constexpr LimitAlgorithm kBucket = LimitAlgorithm::TokenBucket;
constexpr CredentialKind kKey = CredentialKind::ApiKey;
constexpr const char *kChat = "/chat/completions";

// Sources: docs/PROVIDERS.md (wire formats, limits, headers; the OpenAI-compatible family's bases
// and key variables are LiteLLM's) and docs/ARCHITECTURE.md ("Providers").
constexpr ProviderTraits kTraits[] = {
    // kind, prefix, display, wire, counting, limits, tokenizer, default base, request base,
    // base variable, chat path, count-tokens endpoint, key variable, key required, credential,
    // request headers per minute, gen_ai system
    {ProviderKind::OpenAi, "openai", "OpenAI", W::OpenAi, C::OpenAi, kWindow, T::Exact,
     "https://api.openai.com/v1", "https://api.openai.com/v1", "", kChat, "", "OPENAI_API_KEY", true, kKey, true,
     "openai"},
    {ProviderKind::Anthropic, "anthropic", "Anthropic", W::Anthropic, C::Anthropic, kBucket, T::ScaledBase,
     "https://api.anthropic.com", "https://api.anthropic.com", "", "", "/v1/messages/count_tokens",
     "ANTHROPIC_API_KEY", true, kKey, true, "anthropic"},
    {ProviderKind::Mistral, "mistral", "Mistral", W::OpenAi, C::Mistral, kWindow, T::ScaledBase,
     "https://api.mistral.ai/v1", "https://api.mistral.ai/v1", "", kChat, "", "MISTRAL_API_KEY", true, kKey, true,
     "mistral_ai"},
    {ProviderKind::Gemini, "gemini", "Google Gemini", W::Gemini, C::Gemini, kWindow, T::ScaledBase,
     "https://generativelanguage.googleapis.com", "https://generativelanguage.googleapis.com", "", "",
     "/v1beta/models/{model}:countTokens", "GEMINI_API_KEY", true, kKey, true, "gcp.gemini"},
    // The host is {vertex_location}-aiplatform.googleapis.com; the adapter builds it.
    {ProviderKind::VertexAi, "vertex_ai", "Vertex AI", W::VertexAi, C::Gemini, kWindow, T::ScaledBase,
     "https://us-central1-aiplatform.googleapis.com", "", "", "",
     "/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:countTokens", "", false,
     CredentialKind::GoogleServiceAccount, true, "gcp.vertex_ai"},
    // The resource URL is the deployment's own (api_base or AZURE_API_BASE).
    {ProviderKind::Azure, "azure", "Azure OpenAI", W::AzureOpenAi, C::OpenAi, kWindow, T::Exact,
     "", "", "AZURE_API_BASE", kChat, "", "AZURE_API_KEY", true, kKey, false, "azure.ai.openai"},
    {ProviderKind::Groq, "groq", "Groq", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://api.groq.com/openai/v1", "https://api.groq.com/openai/v1", "GROQ_API_BASE", kChat, "", "GROQ_API_KEY",
     true, kKey, false, "groq"},
    {ProviderKind::OpenRouter, "openrouter", "OpenRouter", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1", "OPENROUTER_API_BASE", kChat, "",
     "OPENROUTER_API_KEY", true, kKey, true, "openrouter"},
    {ProviderKind::TogetherAi, "together_ai", "Together AI", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://api.together.xyz/v1", "https://api.together.xyz/v1", "TOGETHER_AI_API_BASE", kChat, "",
     "TOGETHER_API_KEY", true, kKey, true, "together_ai"},
    {ProviderKind::DeepSeek, "deepseek", "DeepSeek", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://api.deepseek.com/beta", "https://api.deepseek.com/beta", "DEEPSEEK_API_BASE", kChat, "",
     "DEEPSEEK_API_KEY", true, kKey, true, "deepseek"},
    {ProviderKind::FireworksAi, "fireworks_ai", "Fireworks AI", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://api.fireworks.ai/inference/v1", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_BASE", kChat, "",
     "FIREWORKS_API_KEY", true, kKey, true, "fireworks_ai"},
    {ProviderKind::XAi, "xai", "xAI", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://api.x.ai/v1", "https://api.x.ai/v1", "XAI_API_BASE", kChat, "", "XAI_API_KEY", true, kKey, true, "x_ai"},
    {ProviderKind::Perplexity, "perplexity", "Perplexity", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://api.perplexity.ai", "https://api.perplexity.ai", "PERPLEXITY_API_BASE", kChat, "",
     "PERPLEXITYAI_API_KEY", true, kKey, true, "perplexity"},
    {ProviderKind::Cerebras, "cerebras", "Cerebras", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "https://api.cerebras.ai/v1", "https://api.cerebras.ai/v1", "CEREBRAS_API_BASE", kChat, "",
     "CEREBRAS_API_KEY", true, kKey, true, "cerebras"},
    {ProviderKind::Ollama, "ollama", "Ollama", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "http://localhost:11434", "http://localhost:11434", "OLLAMA_API_BASE", "/v1/chat/completions", "",
     "OLLAMA_API_KEY", false, kKey, true, "ollama"},
    {ProviderKind::OllamaChat, "ollama_chat", "Ollama", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "http://localhost:11434", "http://localhost:11434", "OLLAMA_API_BASE", "/v1/chat/completions", "",
     "OLLAMA_API_KEY", false, kKey, true, "ollama"},
    {ProviderKind::HostedVllm, "hosted_vllm", "vLLM", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "", "", "HOSTED_VLLM_API_BASE", kChat, "", "HOSTED_VLLM_API_KEY", false, kKey, true, "vllm"},
    {ProviderKind::LmStudio, "lm_studio", "LM Studio", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "", "", "LM_STUDIO_API_BASE", kChat, "", "LM_STUDIO_API_KEY", false, kKey, true, "lm_studio"},
    // LiteLLM's own prefix and variables for its proxy (docs/PROVIDERS.md, "LiteLLM proxy as
    // upstream"); the model after the prefix is one of the proxy's model groups.
    {ProviderKind::LiteLlmProxy, "litellm_proxy", "LiteLLM proxy", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "", "", "LITELLM_PROXY_API_BASE", kChat, "", "LITELLM_PROXY_API_KEY", false, kKey, true, "litellm"},
    // Not spoken: the model list skips such deployments. The row keeps code that meets one (a
    // deployment built in memory without a provider) on the OpenAI format.
    {ProviderKind::Unknown, "", "unknown provider", W::OpenAi, C::OpenAi, kWindow, T::ScaledBase,
     "", "", "", kChat, "", "", true, kKey, true, "unknown"},
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
    return ProviderKind::Unknown;
}

bool providerSpoken(QStringView provider)
{
    return providerKind(provider) != ProviderKind::Unknown;
}

const ProviderTraits &providerTraits(ProviderKind kind)
{
    const auto i = std::size_t(kind);
    if (!WB_CHECK(i < std::size(kTraits)))
        return kTraits[std::size(kTraits) - 1];
    return kTraits[i];
}

QString limitAlgorithmName(LimitAlgorithm a)
{
    switch (a) {
    case LimitAlgorithm::TokenBucket: return QStringLiteral("bucket");
    case LimitAlgorithm::FixedWindow: return QStringLiteral("fixed");
    case LimitAlgorithm::SlidingWindow: break;
    }
    return QStringLiteral("window");
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
