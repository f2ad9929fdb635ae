#include "core/limits/tokenbucket.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace wb {

void TokenBucket::drain(qint64 now, qint64 limit)
{
    if (now > m_at) {
        if (limit > 0 && m_periodMs > 0)
            m_level = std::max(0.0, m_level - double(now - m_at) * double(limit) / double(m_periodMs));
        m_at = now;
    }
}

namespace {
// A level that rises from empty starts draining from then on.
void noteRise(double before, double after, qint64 now, qint64 &positiveSince)
{
    if (before <= 1e-9 && after > 1e-9)
        positiveSince = now;
}
} // namespace

TokenBucket::Ticket TokenBucket::charge(qint64 now, qint64 limit, qint64 amount)
{
    drain(now, limit);
    noteRise(m_level, m_level + double(amount), now, m_positiveSince);
    m_level += double(amount);
    // Forget charges too old to be settled any more (their replies never came or never will).
    if (m_open.size() > 64) {
        while (!m_order.empty() && m_order.front().first + m_periodMs < now) {
            m_open.erase(m_order.front().second);
            m_order.pop_front();
        }
    }
    const Ticket t = m_next++;
    m_open.emplace(t, Open{now, amount});
    m_order.emplace_back(now, t);
    return t;
}

void TokenBucket::settle(qint64 now, qint64 limit, Ticket ticket, qint64 amount)
{
    const auto it = m_open.find(ticket);
    if (it == m_open.end())
        return;
    // A settled charge stays known until it is forgotten: a later correction (a call taken out
    // of a pool's state after its reply) moves the level from what it was settled to.
    const qint64 delta = amount - it->second.amount;
    it->second.amount = amount;
    it->second.settled = true;
    if (!it->second.absorbed)
        adjust(now, limit, delta);
    it->second.absorbed = false;   // a later correction moves the level from the settled amount
}

void TokenBucket::absorbBefore(qint64 before, const std::vector<Ticket> &except)
{
    for (auto &[ticket, open] : m_open)
        if (open.at < before && !open.settled && std::find(except.cbegin(), except.cend(), ticket) == except.cend())
            open.absorbed = true;
}

void TokenBucket::takeOut(qint64 now, qint64 limit, Ticket ticket)
{
    const auto it = m_open.find(ticket);
    if (it == m_open.end())
        return;
    drain(now, limit);
    const qint64 at = it->second.at;
    const double amount = double(it->second.amount);
    it->second.amount = 0;
    it->second.settled = true;
    // The level is the most that any stretch of charges up to now holds after draining since it
    // began. Without this charge, the stretches that began before it hold it less; those that
    // begin with a later charge are as they were. (docs/ARCHITECTURE.md, "Limits".)
    std::vector<std::pair<qint64, qint64>> later;   // (at, amount) of the charges made since
    for (const auto &[other, open] : m_open)
        if (other != ticket && open.at >= at && open.amount > 0)
            later.emplace_back(open.at, open.amount);
    std::sort(later.begin(), later.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    const double rate = limit > 0 && m_periodMs > 0 ? double(limit) / double(m_periodMs) : 0.0;
    double without = m_level - amount, since = 0;
    for (const auto &[when, a] : later) {
        since += double(a);
        without = std::max(without, since - rate * double(now - when));
    }
    m_level = std::max(0.0, std::min(m_level, without));
}

void TokenBucket::adjust(qint64 now, qint64 limit, qint64 delta)
{
    drain(now, limit);
    const double before = m_level;
    m_level = std::max(0.0, m_level + double(delta));
    noteRise(before, m_level, now, m_positiveSince);
}

qint64 TokenBucket::used(qint64 now, qint64 limit)
{
    drain(now, limit);
    return qint64(std::ceil(m_level - 1e-9));
}

qint64 TokenBucket::earliestFit(qint64 now, qint64 amount, qint64 limit, qint64 lagMs)
{
    if (amount > limit)
        return kNever;
    drain(now, limit);
    // What ours drained in the last lagMs (only while it held something) may still be in the
    // provider's. While that grows, ours drains just as fast: the call fits lagMs after the time
    // ours alone would say.
    const double rate = limit > 0 && m_periodMs > 0 ? double(limit) / double(m_periodMs) : 0.0;
    const double lagging = m_level > 1e-9 ? rate * double(std::clamp<qint64>(now - m_positiveSince, 0, lagMs)) : 0.0;
    const double need = m_level + double(amount) - double(limit);
    if (need + lagging <= 1e-9)
        return now;
    if (limit <= 0 || m_periodMs <= 0)
        return kNever;
    return now + std::max<qint64>(0, lagMs) + qint64(std::ceil(std::max(0.0, need) * double(m_periodMs) / double(limit)));
}

qint64 TokenBucket::chargedSince(qint64 since, Ticket except, bool settledToo) const
{
    qint64 u = 0;
    for (const auto &[ticket, open] : m_open)
        if (open.at >= since && ticket != except && (settledToo || !open.settled))
            u += open.amount;
    return u;
}

qint64 TokenBucket::emptyAt(qint64 now, qint64 limit)
{
    drain(now, limit);
    if (m_level <= 1e-9 || limit <= 0 || m_periodMs <= 0)
        return kNever;
    return now + qint64(std::ceil(m_level * double(m_periodMs) / double(limit)));
}

} // namespace wb
