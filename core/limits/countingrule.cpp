#include "core/limits/countingrule.h"

#include <algorithm>

namespace wb {

qint64 requestChars(const ChatRequest &req)
{
    return qint64(req.system.size()) + qint64(req.user.size());
}

AdmissionCost admissionCost(CountingRule rule, const CallTokens &call)
{
    AdmissionCost c;
    switch (rule) {
    case CountingRule::OpenAi:
        // OpenAI's limiter estimates from characters, not the tokenizer (docs/ARCHITECTURE.md, "Limits").
        c.tokens = call.charTokens + call.maxTokens;
        c.largerTokens = std::max(call.charTokens, call.maxTokens);
        c.promptOnlyTokens = call.charTokens;
        break;
    case CountingRule::Mistral:
        c.tokens = call.promptTokens + call.maxTokens;
        c.largerTokens = std::max(call.promptTokens, call.maxTokens);
        c.promptOnlyTokens = call.promptTokens;
        break;
    case CountingRule::Anthropic:
        c.inputTokens = call.promptTokens;
        c.tokens = call.promptTokens;   // only matters if someone configured a combined tpm
        c.outputReserve = std::max<qint64>(0, call.expectedOutputTokens);
        break;
    case CountingRule::Gemini:
        c.tokens = call.promptTokens;
        break;
    }
    c.sumTokens = c.tokens;
    return c;
}

AdmissionCost admissionCost(CountingRule rule, qint64 chars, qint64 estimatedPromptTokens, qint64 maxTokens,
                            qint64 expectedOutputTokens)
{
    return admissionCost(rule, CallTokens{charsToTokens(chars), estimatedPromptTokens, maxTokens, expectedOutputTokens});
}

Settlement settlementFor(CountingRule rule, const Usage &u)
{
    Settlement s;
    if (!u.reported)
        return s;
    switch (rule) {
    case CountingRule::OpenAi:
        break;   // charged at admission, not refunded
    case CountingRule::Mistral:
        s.tokens = u.promptTokens + u.completionTokens;
        break;
    case CountingRule::Anthropic: {
        // Cache reads do not count towards ITPM; input + cache writes do.
        const qint64 input = std::max<qint64>(0, u.promptTokens - u.cachedTokens);
        s.inputTokens = input;
        s.tokens = input + u.completionTokens;
        s.outputTokens = u.completionTokens;
        break;
    }
    case CountingRule::Gemini:
        s.tokens = u.promptTokens;
        break;
    }
    s.usageTokens = s.tokens ? *s.tokens : u.promptTokens + u.completionTokens;
    return s;
}

} // namespace wb
