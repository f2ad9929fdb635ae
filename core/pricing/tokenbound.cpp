#include "core/pricing/tokenbound.h"

#include "core/common/logging.h"

#include <algorithm>
#include <atomic>

namespace wb {

namespace {

enum class UsageAnomaly { PromptAboveBound, CompletionAboveMax, CachedAbovePrompt, Count };

/// A provider that sends one impossible figure usually sends it on every reply: say it once.
void noteAnomaly(UsageAnomaly kind, const char *what, qint64 reported, qint64 bound)
{
    static std::atomic<bool> said[int(UsageAnomaly::Count)];
    if (!said[int(kind)].exchange(true))
        qCWarning(lcPricing).nospace() << "a reply reported " << what << " " << reported << ", more than the request can "
                                       << "cost (" << bound << "); booked at " << bound
                                       << " (further ones are clamped without a message)";
}

} // namespace

qint64 utf8Length(QStringView text)
{
    qint64 n = 0;
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = text[i].unicode();
        if (c < 0x80)
            n += 1;
        else if (c < 0x800)
            n += 2;
        else if (QChar::isHighSurrogate(c) && i + 1 < size && QChar::isLowSurrogate(text[i + 1].unicode())) {
            n += 4;
            ++i;
        } else
            n += 3;   // a lone surrogate is written as U+FFFD, 3 bytes
    }
    return n;
}

qint64 promptTokenBound(qint64 utf8Bytes, int messages)
{
    return std::max<qint64>(0, utf8Bytes) + kBoundTokensPerMessage * std::max(0, messages) + kBoundTokensPerRequest;
}

qint64 promptTokenBound(const ChatRequest &req)
{
    const int messages = req.system.isEmpty() ? 1 : 2;
    return promptTokenBound(utf8Length(req.system) + utf8Length(req.user), messages);
}

qint64 boundWorstCasePicos(const ModelPrice &p, const ChatRequest &req)
{
    return worstCasePicos(p, promptTokenBound(req), std::max(0, req.maxTokens));
}

qint64 boundWorstCaseMicros(const ModelPrice &p, const ChatRequest &req)
{
    return picosToMicros(boundWorstCasePicos(p, req));
}

Usage boundedUsage(const Usage &reported, const ChatRequest &req, bool *clamped)
{
    Usage u = reported;
    bool any = false;
    const qint64 promptBound = promptTokenBound(req);
    if (u.promptTokens > promptBound) {
        noteAnomaly(UsageAnomaly::PromptAboveBound, "prompt tokens", u.promptTokens, promptBound);
        u.promptTokens = promptBound;
        any = true;
    }
    const qint64 maxOut = std::max(0, req.maxTokens);
    if (u.completionTokens > maxOut) {
        noteAnomaly(UsageAnomaly::CompletionAboveMax, "completion tokens", u.completionTokens, maxOut);
        u.completionTokens = maxOut;
        any = true;
    }
    if (u.cachedTokens + u.cacheWriteTokens > u.promptTokens) {
        noteAnomaly(UsageAnomaly::CachedAbovePrompt, "cached tokens", u.cachedTokens + u.cacheWriteTokens, u.promptTokens);
        u.cacheWriteTokens = std::min(u.cacheWriteTokens, u.promptTokens);
        u.cachedTokens = std::min(u.cachedTokens, u.promptTokens - u.cacheWriteTokens);
        any = true;
    }
    if (clamped)
        *clamped = any;
    return u;
}

} // namespace wb
