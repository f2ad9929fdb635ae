#include "core/router/retrypolicy.h"

#include <algorithm>
#include <cmath>

namespace wb {

RetryAction RetryPolicy::action(ErrorClass c, int retriesUsed) const
{
    switch (c) {
    case ErrorClass::None:
        return RetryAction::Done;
    case ErrorClass::RateLimited:
    case ErrorClass::Overloaded:
        return RetryAction::Requeue;
    case ErrorClass::ContextTooLong:
        return RetryAction::ContextFallback;
    case ErrorClass::Transient:
        return retriesUsed < numRetries ? RetryAction::Retry : RetryAction::Fail;
    case ErrorClass::Auth:
    case ErrorClass::Fatal:
    case ErrorClass::BudgetExceeded:
        return RetryAction::Fail;
    }
    return RetryAction::Fail;
}

static qint64 exponential(qint64 base, qint64 cap, int n)
{
    const int shift = std::clamp(n, 0, 30);
    const double v = double(base) * std::ldexp(1.0, shift);
    return qint64(std::min<double>(v, double(cap)));
}

qint64 RetryPolicy::backoffMs(int retryIndex, double u, std::optional<qint64> retryAfterMs) const
{
    u = std::clamp(u, 0.0, 1.0);
    const qint64 jittered = qint64(u * double(exponential(baseDelayMs, maxDelayMs, retryIndex)));
    if (retryAfterMs && *retryAfterMs > 0)
        return std::max(jittered, std::min(*retryAfterMs, maxRetryAfterMs));
    return jittered;
}

qint64 RetryPolicy::outageBackoffMs(int consecutive, double u) const
{
    u = std::clamp(u, 0.0, 1.0);
    const qint64 ceiling = exponential(outageBaseMs, outageMaxMs, std::max(0, consecutive - 1));
    return qint64(double(ceiling) * (0.5 + 0.5 * u));
}

qint64 RetryPolicy::rateLimitBlockMs(std::optional<qint64> retryAfterMs, std::optional<qint64> resetMs,
                                     int consecutive) const
{
    if (retryAfterMs && *retryAfterMs >= 0)
        return std::min(*retryAfterMs, maxRetryAfterMs);
    if (resetMs && *resetMs > 0)
        return std::min(*resetMs, rateLimitMaxMs);
    return exponential(rateLimitBaseMs, rateLimitMaxMs, std::max(0, consecutive - 1));
}

} // namespace wb
