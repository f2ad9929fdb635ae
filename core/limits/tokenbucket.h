#pragma once
// A continuously replenished token bucket (docs/ARCHITECTURE.md, "Limits"): capacity = the limit,
// refilled at limit / periodMs per millisecond. Its "used" level rises with every charge and drains
// at the refill rate, so after a burst capacity comes back gradually instead of all at once when a
// window slides. Pure: the clock and the limit are arguments, so a limit learned mid-run changes
// the refill rate from then on.
#include <QtGlobal>

#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_map>
#include <vector>

namespace wb {

class TokenBucket {
public:
    static constexpr qint64 kNever = std::numeric_limits<qint64>::max();
    using Ticket = quint64;

    explicit TokenBucket(qint64 periodMs = 60'000) : m_periodMs(periodMs) {}
    void setPeriodMs(qint64 ms) { m_periodMs = ms; }
    qint64 periodMs() const { return m_periodMs; }

    /// Adds `amount` to the level at `now` (limit: the current limit, for the drain so far; 0 = none).
    Ticket charge(qint64 now, qint64 limit, qint64 amount);
    /// Replaces an earlier charge (settled or not) by `amount`: the difference is added to (or
    /// given back to) the level now. A charge older than one period is forgotten (nothing to correct).
    void settle(qint64 now, qint64 limit, Ticket ticket, qint64 amount);
    /// Marks the open charges made before `before` (but those in `except`) as held at the
    /// provider's own count: a reading moved the level to that count, which holds those calls as
    /// the provider charged them, so settling them later records their amount but moves the level
    /// no more (docs/ARCHITECTURE.md, "The provider's counters are the truth").
    void absorbBefore(qint64 before, const std::vector<Ticket> &except);
    /// Takes a charge out as if it had never been made (a call the provider counts elsewhere): the
    /// level drops by the charge, but never below what the charges made since would hold had the
    /// bucket been empty before one of them (it may have drained the charge while it held little
    /// else). Forgotten charges are left alone, as by settle().
    void takeOut(qint64 now, qint64 limit, Ticket ticket);
    /// Records `amount` as what an open charge holds, without moving the level (the level was
    /// moved some other way: LimitState's switch to another way of charging).
    void setAmount(Ticket ticket, qint64 amount)
    {
        if (const auto it = m_open.find(ticket); it != m_open.end())
            it->second.amount = amount;
    }
    /// Moves an open charge's time to `at` (later only): the request left us then, and the
    /// provider counts it from its arrival. The level is not moved (the caller puts back what
    /// ours drained in between); what was charged "since" a reply's call is told by these times.
    void restamp(Ticket ticket, qint64 at)
    {
        if (const auto it = m_open.find(ticket); it != m_open.end())
            it->second.at = std::max(it->second.at, at);
    }
    /// The amount of a charge that may still be settled (0 when forgotten or settled).
    qint64 amountOf(Ticket ticket) const
    {
        const auto it = m_open.find(ticket);
        return it == m_open.end() || it->second.settled ? 0 : it->second.amount;
    }
    /// Moves the level by `delta` (reconciliation with the provider's count), never below zero.
    void adjust(qint64 now, qint64 limit, qint64 delta);
    /// The level (rounded up) at `now`.
    qint64 used(qint64 now, qint64 limit);
    /// The level at `now`, unrounded.
    double level(qint64 now, qint64 limit)
    {
        drain(now, limit);
        return m_level;
    }
    /// Earliest time >= now at which level + amount <= limit; kNever if amount > limit. With
    /// `lagMs`, the provider's bucket is taken to start draining each charge up to that much later
    /// than ours (the request's way there): whatever ours drained in the last `lagMs` may still
    /// fill the provider's, so a call that needs drained room goes `lagMs` later than ours allows.
    qint64 earliestFit(qint64 now, qint64 amount, qint64 limit, qint64 lagMs = 0);
    /// Sum of the charges made at or after `since` and not settled yet, except `except`'s: calls
    /// a provider that answered at `since` may not have counted yet.
    /// `settledToo`: those already settled as well, at what they were settled to (calls sent
    /// after the replying one and answered before it, which a count read as the provider admitted
    /// it lacks).
    qint64 chargedSince(qint64 since, Ticket except, bool settledToo = false) const;
    /// When the level reaches zero (kNever when it is empty or there is no limit).
    qint64 emptyAt(qint64 now, qint64 limit);

private:
    void drain(qint64 now, qint64 limit);

    qint64 m_periodMs;
    double m_level = 0;
    qint64 m_at = 0;
    qint64 m_positiveSince = 0;   // when the level last rose from empty (it has drained since then)
    Ticket m_next = 1;
    struct Open {
        qint64 at;
        qint64 amount;
        bool settled = false;
        bool absorbed = false;   // absorbBefore
    };
    std::unordered_map<Ticket, Open> m_open;   // charges that may still be corrected
    // The same charges' times and tickets in the order they were made (their times never
    // decrease): the ones too old to be corrected are at its front, found without a pass over
    // every open charge at every call (docs/ARCHITECTURE.md, "CPU per call").
    std::deque<std::pair<qint64, Ticket>> m_order;
};

} // namespace wb
