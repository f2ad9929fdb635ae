#include "core/sim/simwindow.h"

namespace wb::sim {

void SimWindow::prune(qint64 now)
{
    while (!m_events.empty() && m_events.front().ts + m_windowMs <= now) {
        m_sum -= m_events.front().amount;
        m_events.pop_front();
        ++m_frontId;
    }
}

SimWindow::EventId SimWindow::add(qint64 now, qint64 amount)
{
    prune(now);
    m_events.push_back({now, amount});
    m_sum += amount;
    return m_frontId + m_events.size() - 1;
}

void SimWindow::settle(EventId id, qint64 amount)
{
    if (id < m_frontId || id >= m_frontId + m_events.size())
        return;   // already expired: nothing left to correct
    Event &e = m_events[id - m_frontId];
    m_sum += amount - e.amount;
    e.amount = amount;
}

qint64 SimWindow::used(qint64 now)
{
    prune(now);
    return m_sum;
}

qint64 SimWindow::waitFor(qint64 now, qint64 amount, qint64 limit)
{
    prune(now);
    if (amount > limit)
        return kNever;
    qint64 remaining = m_sum;
    if (remaining + amount <= limit)
        return 0;
    for (const Event &e : m_events) {
        remaining -= e.amount;
        if (remaining + amount <= limit)
            return e.ts + m_windowMs - now;
    }
    return kNever;   // unreachable: an empty window fits any amount <= limit
}

qint64 SimWindow::untilEmpty(qint64 now)
{
    prune(now);
    return m_events.empty() ? 0 : m_events.back().ts + m_windowMs - now;
}

} // namespace wb::sim
