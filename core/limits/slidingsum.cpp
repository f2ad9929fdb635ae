#include "core/limits/slidingsum.h"

#include "core/limits/ratewindow.h"

#include <algorithm>

namespace wb {

int SlidingSum::add(qint64 t, qint64 amount)
{
    if (m_time.size() == m_cap)
        grow();
    const int idx = int(m_time.size());
    m_time.push_back(t);
    m_amount.push_back(amount);
    treeAdd(std::size_t(idx), amount);
    m_total += amount;
    return idx;
}

void SlidingSum::settle(int idx, qint64 amount)
{
    const qint64 delta = amount - m_amount[std::size_t(idx)];
    if (delta == 0)
        return;
    m_amount[std::size_t(idx)] = amount;
    treeAdd(std::size_t(idx), delta);
    m_total += delta;
    if (std::size_t(idx) < m_head)
        m_expired += delta;
}

qint64 SlidingSum::expiry(qint64 t) const
{
    return m_fixed ? fixedBoundaryAfter(t + m_slack, m_boundary, m_period) : t + m_window + m_margin;
}

void SlidingSum::expire(qint64 now)
{
    // What counts is the provider's window (no margin); admission waits the margin on top.
    while (m_head < m_time.size() && (m_fixed ? expiry(m_time[m_head]) : m_time[m_head] + m_window) <= now)
        m_expired += m_amount[m_head++];
}

qint64 SlidingSum::used(qint64 now)
{
    expire(now);
    return m_total - m_expired;
}

qint64 SlidingSum::earliestFit(qint64 now, qint64 extra, qint64 limit)
{
    if (extra > limit)
        return kNever;
    const qint64 over = used(now) + extra - limit;
    if (over <= 0)
        return now;
    const std::size_t j = lowerBound(m_expired + over);
    if (j >= m_time.size())
        return kNever;   // cannot happen while amounts are non-negative
    return std::max(now, expiry(m_time[j]));
}

void SlidingSum::treeAdd(std::size_t idx, qint64 delta)
{
    for (std::size_t i = idx + 1; i <= m_cap; i += i & (~i + 1))
        m_tree[i] += delta;
}

std::size_t SlidingSum::lowerBound(qint64 target) const
{
    std::size_t pos = 0;
    qint64 rem = target;
    for (std::size_t step = m_cap; step > 0; step >>= 1) {
        if (pos + step <= m_cap && m_tree[pos + step] < rem) {
            pos += step;
            rem -= m_tree[pos];
        }
    }
    return pos;   // 1-based pos+1 -> 0-based pos
}

void SlidingSum::grow()
{
    m_cap = m_cap == 0 ? 64 : m_cap * 2;
    m_tree.assign(m_cap + 1, 0);
    for (std::size_t i = 1; i <= m_amount.size(); ++i) {
        m_tree[i] += m_amount[i - 1];
        const std::size_t j = i + (i & (~i + 1));
        if (j <= m_cap)
            m_tree[j] += m_tree[i];
    }
    m_time.reserve(m_cap);
    m_amount.reserve(m_cap);
}

} // namespace wb
