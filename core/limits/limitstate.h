#pragma once
// Live limit state of one rate-limit window key (a deployment, or a pool of deployments
// that share one provider quota): sliding windows for rpm / tpm / itpm / otpm, configured
// and observed limits, reconciled with a provider's headers by its counting rule. Pure: the
// clock is an argument (ms of any monotonic clock), so every rule is unit-tested with no network.
#include "core/limits/countingrule.h"
#include "core/limits/ratewindow.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace wb {

struct LimitValues {
    std::optional<qint64> rpm = {}, tpm = {}, itpm = {}, otpm = {};
};

/// Tickets of one admitted call, to settle it later.
struct Admission {
    qint64 at = 0;
    RateWindow::Ticket requests = 0, tokens = 0, inputTokens = 0;
    qint64 outputReserve = 0;
};

class LimitState {
public:
    enum Dim { Rpm, Tpm, Itpm, Otpm, DimCount };

    explicit LimitState(qint64 windowMs = RateWindow::kDefaultWindowMs);
    void setWindowMs(qint64 ms);

    /// Adds a deployment's configured limits; for a shared pool the stricter value wins.
    void addConfigured(const LimitValues &v);
    std::optional<qint64> configured(Dim d) const { return m_configured[d]; }
    std::optional<qint64> observed(Dim d) const { return m_observed[d]; }
    /// The stricter of configured and observed; unset = unlimited (nothing known).
    std::optional<qint64> effective(Dim d) const;

    /// Earliest time >= now at which the call could be admitted (blocks included);
    /// RateWindow::kNever if it exceeds a limit on its own and can never be admitted.
    qint64 earliestAdmit(qint64 now, const AdmissionCost &c);
    bool canAdmit(qint64 now, const AdmissionCost &c) { return earliestAdmit(now, c) <= now; }
    Admission admit(qint64 now, const AdmissionCost &c);
    /// The reply arrived with usage: settle the admission charges, charge otpm, release
    /// the output reservation.
    void settle(qint64 now, const Admission &a, const Settlement &s);
    /// The call ended without usage (error, timeout): charges stay (providers count failed
    /// requests too), only the output reservation is released.
    void release(const Admission &a);
    /// The request was only fully sent at `at` (> a.at): its charges count from then on, as
    /// they do at the provider.
    void restamp(const Admission &a, qint64 at);

    /// No admission before `t` (retry-after, reset after a 429, overload back-off).
    void blockUntil(qint64 t);
    qint64 blockedUntil() const { return m_blockedUntil; }

    qint64 used(Dim d, qint64 now);
    qint64 outputReserved() const { return m_outputReserved; }
    /// Time the next window charge expires (kNever if none).
    qint64 nextExpiry(qint64 now);

    /// Reconciles with a reply's rate-limit headers: observed limits tighten or teach the
    /// limits; a remaining count lower than ours adds a synthetic charge until the reported
    /// reset. `dispatchedAt` is when the replying call was admitted. Returns human-readable
    /// notes about limits learned or tightened (for Router::event).
    QStringList reconcile(qint64 now, qint64 dispatchedAt, CountingRule rule, const RateLimitHeaders &h);
    /// Corrections smaller than this are ignored (Anthropic rounds remaining to thousands).
    static qint64 correctionThreshold(CountingRule rule, Dim d);
    /// How far behind our clock a provider's window may lag (network latency) for reconcile.
    static constexpr qint64 kReconcileGraceMs = 1'000;

    static QString dimName(Dim d);

private:
    void observeLimit(Dim d, std::optional<qint64> limit, QStringList &notes);
    void correct(qint64 now, qint64 dispatchedAt, Dim d, std::optional<qint64> limitHeader,
                 std::optional<qint64> remaining, std::optional<qint64> resetMs, qint64 threshold);

    RateWindow m_windows[DimCount];
    std::optional<qint64> m_configured[DimCount];
    std::optional<qint64> m_observed[DimCount];
    qint64 m_blockedUntil = 0;
    qint64 m_outputReserved = 0;
};

} // namespace wb
