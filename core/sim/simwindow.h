#pragma once
// The simulator's rate counter for one limit. By default a strict sliding window: a list of
// (timestamp, amount) events; an event counts while now < timestamp + window. With useBucket() it
// is a token bucket instead, refilled continuously at capacity per window (Anthropic documents
// this, docs/PROVIDERS.md): what was charged drains away linearly rather than all at once when
// the window slides. Deliberately independent of the router's own counters so the two can check
// each other. With useFixed() it is a fixed (calendar) window: everything counted since the last
// boundary (every windowMs from a phase) is forgotten at once at the next one, as a provider that
// resets its counters on the minute does. Pure: time (ms of a monotonic clock) is passed in.
#include <QtGlobal>

#include <deque>
#include <limits>

namespace wb::sim {

class SimWindow {
public:
    static constexpr qint64 kNever = std::numeric_limits<qint64>::max();
    using EventId = quint64;

    explicit SimWindow(qint64 windowMs = 60'000) : m_windowMs(windowMs) {}

    /// Turns this counter into a bucket of `capacity` refilled at capacity per window (before use).
    void useBucket(qint64 capacity) { m_capacity = capacity > 0 ? capacity : 0; }
    bool isBucket() const { return m_capacity > 0; }
    /// Turns this counter into a fixed window whose boundaries lie at phaseMs + k * window (before use).
    void useFixed(qint64 phaseMs);
    bool isFixed() const { return m_fixed; }
    /// A sliding window's untilEmpty() then names when its oldest charge leaves (when room opens
    /// again), not when the newest does (full again): how some providers read "reset".
    void resetNamesOldest(bool on) { m_resetOldest = on; }

    EventId add(qint64 now, qint64 amount);
    /// Changes the amount of an event still in the window (settle-to-actual). Its timestamp stays;
    /// in a bucket the difference is taken from (or given back to) what is still undrained.
    void settle(EventId id, qint64 amount);
    qint64 used(qint64 now);
    /// Milliseconds from now until used + amount <= limit (0 if it fits now; kNever if amount > limit).
    qint64 waitFor(qint64 now, qint64 amount, qint64 limit);
    /// Milliseconds until every current event has left the window (a bucket: until it is full
    /// again; a fixed window: until its boundary; resetNamesOldest: until the oldest has left).
    qint64 untilEmpty(qint64 now);
    qint64 windowMs() const { return m_windowMs; }

private:
    struct Event {
        qint64 ts;
        qint64 amount;
    };
    void prune(qint64 now);
    void drain(qint64 now);
    /// Fixed mode: the last boundary at or before `now`.
    qint64 windowStart(qint64 now) const;
    double refillPerMs() const { return double(m_capacity) / double(m_windowMs); }

    qint64 m_windowMs;
    std::deque<Event> m_events;   // window: the counted events; bucket: recent charges (for settle)
    EventId m_frontId = 0;        // id of m_events.front()
    qint64 m_sum = 0;
    qint64 m_capacity = 0;        // > 0: bucket mode
    double m_level = 0;           // bucket: charged and not yet refilled
    qint64 m_levelAt = 0;
    bool m_fixed = false;
    bool m_resetOldest = false;
    qint64 m_phaseMs = 0;         // fixed: a boundary (mod m_windowMs)
};

} // namespace wb::sim
