#pragma once
// The simulator's strict sliding window: a list of (timestamp, amount) events; an event counts
// while now < timestamp + window. Deliberately independent of the router's own window so the
// two can check each other. Pure: time (ms of a monotonic clock) is passed in.
#include <QtGlobal>

#include <deque>
#include <limits>

namespace wb::sim {

class SimWindow {
public:
    static constexpr qint64 kNever = std::numeric_limits<qint64>::max();
    using EventId = quint64;

    explicit SimWindow(qint64 windowMs = 60'000) : m_windowMs(windowMs) {}

    EventId add(qint64 now, qint64 amount);
    /// Changes the amount of an event still in the window (Mistral's settle-to-actual). Its timestamp stays.
    void settle(EventId id, qint64 amount);
    qint64 used(qint64 now);
    /// Milliseconds from now until used + amount <= limit (0 if it fits now; kNever if amount > limit).
    qint64 waitFor(qint64 now, qint64 amount, qint64 limit);
    /// Milliseconds until every current event has left the window ("reset to the initial state").
    qint64 untilEmpty(qint64 now);
    qint64 windowMs() const { return m_windowMs; }

private:
    struct Event {
        qint64 ts;
        qint64 amount;
    };
    void prune(qint64 now);

    qint64 m_windowMs;
    std::deque<Event> m_events;
    EventId m_frontId = 0;   // id of m_events.front()
    qint64 m_sum = 0;
};

} // namespace wb::sim
