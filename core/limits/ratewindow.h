#pragma once
// A sliding-window usage counter (docs/ARCHITECTURE.md, "Limits"): every charge counts from
// the moment it is made until it expires (normally `windowMs` later). Pure: time is passed in
// as milliseconds of any monotonic clock, so tests drive it with no sleeping. The router's
// window: charges can be settled, restamped and synthetic (see SlidingSum for the estimator's).
#include <QtGlobal>

#include <deque>
#include <unordered_map>
#include <limits>
#include <optional>
#include <vector>

namespace wb {

/// Fixed windows: the first of the boundaries `boundary + k * period` strictly after `t`.
constexpr qint64 fixedBoundaryAfter(qint64 t, qint64 boundary, qint64 period)
{
    const qint64 x = t - boundary;
    return boundary + ((x >= 0 ? x / period : -((-x + period - 1) / period)) + 1) * period;
}

class RateWindow {
public:
    static constexpr qint64 kDefaultWindowMs = 60'000;
    /// earliestFit() result when the amount can never fit (it exceeds the limit on its own).
    static constexpr qint64 kNever = std::numeric_limits<qint64>::max();
    using Ticket = quint64;   ///< identifies a charge so it can be settled later; 0 = none

    explicit RateWindow(qint64 windowMs = kDefaultWindowMs);

    /// Fixed windows: the provider forgets everything at once at boundaries `periodMs` apart, one
    /// of them at `boundary` (on our clock, known to within the uncertainty folded into `slackMs`).
    /// A charge then counts until the first boundary after its time plus `slackMs` (the request may
    /// reach the provider that much later, or its boundary lie that much earlier):
    /// docs/ARCHITECTURE.md, "Fixed windows".
    struct Fixed {
        qint64 boundary = 0;
        qint64 periodMs = kDefaultWindowMs;
        qint64 slackMs = 0;
    };
    /// Switches between sliding (nullopt) and fixed windows; every charge's expiry follows.
    void setFixed(qint64 now, std::optional<Fixed> f);
    const std::optional<Fixed> &fixed() const { return m_fixed; }
    /// When a charge made at `at` stops counting.
    qint64 expiryFor(qint64 at) const;

    qint64 windowMs() const { return m_windowMs; }
    /// Only for tests and before the first charge: events already recorded keep their expiry.
    void setWindowMs(qint64 ms) { m_windowMs = ms; }
    /// Expired charges are kept this long so reconcile checks can see what a provider whose
    /// clock runs slightly behind ours may still count.
    void setGraceMs(qint64 ms) { m_graceMs = ms; }

    /// Charges `amount` at `now`; it expires at now + windowMs. `now` must not go backwards.
    Ticket charge(qint64 now, qint64 amount);
    /// A synthetic charge expiring at an explicit time (used when a provider reports fewer
    /// remaining than we think: the difference counts until the reported reset). A negative
    /// amount gives capacity back until then (the provider counts less than we do); it is never
    /// allowed to take `used` below zero.
    void chargeUntil(qint64 now, qint64 amount, qint64 expiresAt);
    /// Sum of the ordinary charges made after `since` (their timestamp, restamps included): what a
    /// provider that answered at `since` had not seen yet.
    qint64 chargedSince(qint64 now, qint64 since);
    /// Drops every synthetic charge (reconciliation starts again from the ordinary ones).
    void clearSynthetic() { m_synthetic.clear(); }
    /// Drops the synthetic charges that give capacity back (those that tighten stay).
    void clearGivenBack()
    {
        std::erase_if(m_synthetic, [](const Event &e) { return e.amount < 0; });
    }
    /// Sum of the charges that will still count at `t` (>= now), as far as they are known now.
    qint64 usedAt(qint64 now, qint64 t);
    /// The current amount of a charge still retained (0 when unknown).
    qint64 amountOf(Ticket ticket) const;
    /// The amount of a charge made before `before` (its timestamp, restamps included) that still
    /// counts at `t`; 0 otherwise.
    qint64 heldAt(Ticket ticket, qint64 before, qint64 t) const;
    /// Sum of the ordinary (not synthetic) charges not yet expired.
    qint64 ordinaryUsed(qint64 now);
    /// Sum of the ordinary charges not yet expired at `now` that expire by `t`.
    qint64 ordinaryExpiringBy(qint64 now, qint64 t);
    /// Replaces the amount of an earlier charge, keeping its timestamp. False if it has already
    /// left the window (nothing to correct then).
    bool settle(Ticket ticket, qint64 amount);
    /// Moves a charge's timestamp later (never earlier): the request reached the provider later
    /// than we charged it (connection set-up, a queue in the HTTP client), so the provider's
    /// window will hold it longer than ours would have. No effect on charges already expired.
    void restamp(Ticket ticket, qint64 at);
    /// Holds a charge until it would expire had it been made at `from` (never shorter), its
    /// timestamp kept: part of it was counted only then (a completion counted at the reply).
    void holdFrom(Ticket ticket, qint64 from);

    /// One ordinary charge as made (restamps included).
    struct Charge {
        Ticket id;
        qint64 at;
        qint64 amount;
    };
    /// The ordinary charges still retained (those expired within the grace period too), oldest first.
    std::vector<Charge> charges(qint64 now);

    /// Sum of charges not yet expired at `now`.
    qint64 used(qint64 now);
    /// Sum of charges that had not expired at `since` (<= now), for reconciliation.
    qint64 usedSince(qint64 now, qint64 since);
    /// Earliest time >= now at which used + amount <= limit; kNever if amount > limit.
    qint64 earliestFit(qint64 now, qint64 amount, qint64 limit);
    /// The same as a sliding window would say, whatever the fixed windows in use: each retained
    /// charge counts for a window from its time (corrections and holds left out).
    qint64 earliestSlidingFit(qint64 now, qint64 amount, qint64 limit);
    /// Time the next charge expires, or kNever if the window is empty.
    qint64 nextExpiry(qint64 now);
    bool empty(qint64 now) { return used(now) == 0 && nextExpiry(now) == kNever; }

private:
    struct Event {
        Ticket id;
        qint64 expiresAt;
        qint64 amount;
        qint64 at = 0;   // when it was charged (restamps included)
    };
    void prune(qint64 now);
    /// Moves the live ordinary event at `i` to expire at `expiry`, if that is later.
    void extend(qsizetype i, qint64 expiry);
    /// Index of an ordinary event, or -1.
    qsizetype indexOf(Ticket ticket) const;

    qint64 m_windowMs;
    std::optional<Fixed> m_fixed;
    qint64 m_graceMs = 2'000;
    Ticket m_nextTicket = 1;
    // Ordinary charges in ascending expiry (charge order, except restamped ones). The first
    // m_expiredCount of them have expired but are kept for m_graceMs.
    std::deque<Event> m_events;
    std::unordered_map<Ticket, qint64> m_expiryOf;   // ticket -> expiry, to find events fast
    std::size_t m_expiredCount = 0;
    qint64 m_sumAll = 0;       // all retained ordinary events
    qint64 m_sumExpired = 0;   // the expired-but-retained prefix
    // Synthetic charges: few, any expiry order.
    std::vector<Event> m_synthetic;
};

} // namespace wb
