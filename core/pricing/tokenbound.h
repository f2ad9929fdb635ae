#pragma once
// Hard upper bounds on what a provider can count for a request, whatever its tokenizer
// (docs/ARCHITECTURE.md, "Budget"). A BPE tokenizer (byte-level or with byte fallback) never
// yields more tokens than the text has UTF-8 bytes; chat framing adds a few tokens per message.
// The budget's reservation near the cap, `discernus estimate`'s worst case and the sanity check
// of the usage a reply reports all use these bounds, so no provider count can pass them.
#include "core/pricing/pricing.h"
#include "core/providers/providertypes.h"

#include <QStringView>

namespace wb {

/// Tokens of chat framing a provider may add per message (role markers, separators) and per
/// request (reply priming, a default system preamble). Generous: OpenAI's documented framing is
/// 3-4 per message and 3 per request; chat templates of open models use up to ~10.
inline constexpr qint64 kBoundTokensPerMessage = 16;
inline constexpr qint64 kBoundTokensPerRequest = 32;

/// UTF-8 length of a UTF-16 string, without converting it.
qint64 utf8Length(QStringView text);

/// Prompt tokens no provider can exceed for this request: UTF-8 bytes of its messages plus the
/// framing allowance.
qint64 promptTokenBound(const ChatRequest &req);
/// Same for a prompt of `utf8Bytes` bytes in `messages` messages (the estimator's shortcut).
qint64 promptTokenBound(qint64 utf8Bytes, int messages);

/// Worst case of a call at the hard bound: promptTokenBound() at the full input price plus
/// max_tokens of output.
qint64 boundWorstCasePicos(const ModelPrice &p, const ChatRequest &req);
qint64 boundWorstCaseMicros(const ModelPrice &p, const ChatRequest &req);

/// Usage a reply reported, clamped to what the request could have cost: prompt tokens to
/// promptTokenBound(), completion tokens to max_tokens, cached and cache-write tokens to the
/// prompt. A clamp is logged as an anomaly (once per kind per process) and `*clamped` set.
Usage boundedUsage(const Usage &reported, const ChatRequest &req, bool *clamped = nullptr);

} // namespace wb
