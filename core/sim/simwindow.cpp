#include "core/sim/simwindow.h"

#include <cmath>

namespace wb::sim {

namespace {
qint64 ceilMs(double ms) { return qint64(std::ceil(ms - 1e-9)); }
} // namespace

void SimWindow::useFixed(qint64 phaseMs)
{
    m_fixed = true;
    m_phaseMs = ((phaseMs % m_windowMs) + m_windowMs) % m_windowMs;
}

qint64 SimWindow::windowStart(qint64 now) const
{
    const qint64 into = (((now - m_phaseMs) % m_windowMs) + m_windowMs) % m_windowMs;
    return now - into;
}

void SimWindow::prune(qint64 now)
{
    // A fixed window forgets what was counted before its last boundary; a sliding one each event
    // a window after it.
    const qint64 oldest = m_fixed ? windowStart(now) : now - m_windowMs + 1;
    while (!m_events.empty() && m_events.front().ts < oldest) {
        m_sum -= m_events.front().amount;
        m_events.pop_front();
        ++m_frontId;
    }
}

void SimWindow::drain(qint64 now)
{
    if (now > m_levelAt) {
        m_level = std::max(0.0, m_level - refillPerMs() * double(now - m_levelAt));
        m_levelAt = now;
    }
}

SimWindow::EventId SimWindow::add(qint64 now, qint64 amount)
{
    prune(now);
    if (isBucket()) {
        drain(now);
        m_level += double(amount);
    }
    m_events.push_back({now, amount});
    m_sum += amount;
    return m_frontId + m_events.size() - 1;
}

void SimWindow::settle(EventId id, qint64 amount)
{
    if (id < m_frontId || id >= m_frontId + m_events.size())
        return;   // already expired (a bucket: long refilled): nothing left to correct
    Event &e = m_events[id - m_frontId];
    m_sum += amount - e.amount;
    if (isBucket())
        m_level = std::max(0.0, m_level + double(amount - e.amount));
    e.amount = amount;
}

qint64 SimWindow::used(qint64 now)
{
    prune(now);
    if (isBucket()) {
        drain(now);
        return qint64(std::ceil(m_level - 1e-9));
    }
    return m_sum;
}

qint64 SimWindow::waitFor(qint64 now, qint64 amount, qint64 limit)
{
    prune(now);
    if (amount > limit)
        return kNever;
    if (isBucket()) {
        drain(now);
        const double over = m_level + double(amount) - double(limit);
        return over <= 1e-9 ? 0 : std::max<qint64>(1, ceilMs(over / refillPerMs()));
    }
    qint64 remaining = m_sum;
    if (remaining + amount <= limit)
        return 0;
    if (m_fixed)
        return windowStart(now) + m_windowMs - now;
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
    if (isBucket()) {
        drain(now);
        return m_level <= 1e-9 ? 0 : ceilMs(m_level / refillPerMs());
    }
    if (m_events.empty())
        return 0;
    if (m_fixed)
        return windowStart(now) + m_windowMs - now;
    return (m_resetOldest ? m_events.front().ts : m_events.back().ts) + m_windowMs - now;
}

} // namespace wb::sim
