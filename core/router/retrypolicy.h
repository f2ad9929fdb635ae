#pragma once
// Retry policy as pure data (docs/ARCHITECTURE.md, "Conventions"): what to do with each error class, and the back-off
// table with full jitter. Unit-tested with no network; the router only applies it.
#include "core/providers/providertypes.h"

#include <QtGlobal>
#include <optional>

namespace wb {

/// What the router does with a finished attempt.
enum class RetryAction {
    Done,              ///< success
    Retry,             ///< transient: retry after back-off, spending one retry
    Requeue,           ///< 429 / overloaded: back on the group queue, no retry spent; block the deployment
    ContextFallback,   ///< context too long: try context_window_fallbacks
    Fail,              ///< fail fast with the provider's message
};

struct RetryPolicy {
    int numRetries = 3;                 ///< router_settings.num_retries
    qint64 baseDelayMs = 500;           ///< first back-off ceiling
    qint64 maxDelayMs = 30'000;         ///< back-off ceiling cap
    qint64 rateLimitBaseMs = 1'000;     ///< block after a 429/529 that says nothing about when to retry
    qint64 rateLimitMaxMs = 60'000;
    qint64 maxRetryAfterMs = 600'000;   ///< ignore absurd retry-after values beyond this
    /// An unreachable deployment (connection refused, DNS, TLS) is parked and probed after
    /// outageBackoffMs(); jobs wait for it (spending no retry) unless every deployment they could
    /// use has been unreachable for longer than outageGiveUpMs.
    qint64 outageBaseMs = 1'000;
    qint64 outageMaxMs = 180'000;
    qint64 outageGiveUpMs = 600'000;

    /// Decision for an attempt that ended with `c` after `retriesUsed` retries.
    RetryAction action(ErrorClass c, int retriesUsed) const;
    /// Exponential back-off with full jitter: u * min(max, base * 2^retry), u in [0,1);
    /// never earlier than retry-after when the provider gave one.
    qint64 backoffMs(int retryIndex, double u, std::optional<qint64> retryAfterMs = std::nullopt) const;
    /// How long to block a deployment after a 429 / overload: retry-after if given, else the
    /// reset the headers report, else exponential in the consecutive count (no jitter needed:
    /// the block is per deployment, and jobs spread over others meanwhile).
    /// Delay before probing a deployment again after its `consecutive`-th failed attempt to reach
    /// it: base * 2^(consecutive-1), capped at outageMaxMs, times a jitter factor in [0.5, 1)
    /// (u in [0,1)) so deployments parked together are not probed in lock-step.
    qint64 outageBackoffMs(int consecutive, double u) const;
    qint64 rateLimitBlockMs(std::optional<qint64> retryAfterMs, std::optional<qint64> resetMs,
                            int consecutive) const;
};

} // namespace wb
