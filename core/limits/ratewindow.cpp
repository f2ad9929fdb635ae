#include "core/limits/ratewindow.h"

#include <algorithm>

namespace wb {

RateWindow::RateWindow(qint64 windowMs)
    : m_windowMs(windowMs)
{
}

qint64 RateWindow::expiryFor(qint64 at) const
{
    return m_fixed ? fixedBoundaryAfter(at + m_fixed->slackMs, m_fixed->boundary, m_fixed->periodMs) : at + m_windowMs;
}

void RateWindow::setFixed(qint64 now, std::optional<Fixed> f)
{
    m_fixed = f;
    // Every charge's expiry follows the new rule (an expired one may count again: the safe side).
    for (Event &e : m_events)
        e.expiresAt = expiryFor(e.at);
    std::stable_sort(m_events.begin(), m_events.end(), [](const Event &a, const Event &b) { return a.expiresAt < b.expiresAt; });
    m_expiryOf.clear();
    for (const Event &e : m_events)
        m_expiryOf.emplace(e.id, e.expiresAt);
    m_expiredCount = 0;
    m_sumExpired = 0;
    prune(now);
}

RateWindow::Ticket RateWindow::charge(qint64 now, qint64 amount)
{
    prune(now);
    const Ticket id = m_nextTicket++;
    const qint64 expiry = expiryFor(now);
    m_events.push_back(Event{id, expiry, amount, now});
    m_expiryOf.emplace(id, expiry);
    m_sumAll += amount;
    return id;
}

void RateWindow::chargeUntil(qint64 now, qint64 amount, qint64 expiresAt)
{
    prune(now);
    if (expiresAt <= now || amount == 0)
        return;
    m_synthetic.push_back(Event{0, expiresAt, amount});
}

qint64 RateWindow::chargedSince(qint64 now, qint64 since)
{
    prune(now);
    qint64 u = 0;
    // Expiry grows with the charge time, so the charges after `since` are a suffix of the deque
    // (in a fixed window, mixed with earlier ones sharing their boundary).
    const qint64 from = expiryFor(since);
    for (auto it = m_events.rbegin(); it != m_events.rend() && it->expiresAt >= from; ++it)
        if (it->at > since)
            u += it->amount;
    return u;
}

qint64 RateWindow::usedAt(qint64 now, qint64 t)
{
    prune(now);
    qint64 u = 0;
    for (auto it = m_events.rbegin(); it != m_events.rend() && it->expiresAt > t; ++it)
        u += it->amount;
    for (const Event &e : m_synthetic)
        if (e.expiresAt > t)
            u += e.amount;
    return std::max<qint64>(0, u);
}

std::vector<RateWindow::Charge> RateWindow::charges(qint64 now)
{
    prune(now);
    std::vector<Charge> out;
    out.reserve(m_events.size());
    for (const Event &e : m_events)
        out.push_back(Charge{e.id, e.at, e.amount});
    // Restamped charges may sit out of time order (the deque is in expiry order).
    std::stable_sort(out.begin(), out.end(), [](const Charge &a, const Charge &b) { return a.at < b.at; });
    return out;
}

qint64 RateWindow::amountOf(Ticket ticket) const
{
    const qsizetype i = ticket ? indexOf(ticket) : -1;
    return i < 0 ? 0 : m_events[size_t(i)].amount;
}

qint64 RateWindow::heldAt(Ticket ticket, qint64 before, qint64 t) const
{
    const qsizetype i = ticket ? indexOf(ticket) : -1;
    if (i < 0)
        return 0;
    const Event &e = m_events[size_t(i)];
    return e.at < before && e.expiresAt > t ? e.amount : 0;
}

qint64 RateWindow::ordinaryUsed(qint64 now)
{
    prune(now);
    return m_sumAll - m_sumExpired;
}

qint64 RateWindow::ordinaryExpiringBy(qint64 now, qint64 t)
{
    prune(now);
    qint64 u = 0;
    // Events are kept in expiry order, the expired ones first.
    for (std::size_t i = m_expiredCount; i < m_events.size() && m_events[i].expiresAt <= t; ++i)
        u += m_events[i].amount;
    return u;
}

qsizetype RateWindow::indexOf(Ticket ticket) const
{
    const auto e = m_expiryOf.find(ticket);
    if (e == m_expiryOf.end())
        return -1;
    auto it = std::lower_bound(m_events.begin(), m_events.end(), e->second,
                               [](const Event &ev, qint64 expiry) { return ev.expiresAt < expiry; });
    for (; it != m_events.end() && it->expiresAt == e->second; ++it)
        if (it->id == ticket)
            return qsizetype(it - m_events.begin());
    return -1;
}

bool RateWindow::settle(Ticket ticket, qint64 amount)
{
    if (ticket == 0)
        return false;
    const qsizetype i = indexOf(ticket);
    if (i < 0)
        return false;
    Event &ev = m_events[size_t(i)];
    const qint64 delta = amount - ev.amount;
    ev.amount = amount;
    m_sumAll += delta;
    if (size_t(i) < m_expiredCount)
        m_sumExpired += delta;
    return true;
}

void RateWindow::restamp(Ticket ticket, qint64 at)
{
    const qsizetype i = ticket ? indexOf(ticket) : -1;
    if (i < 0 || size_t(i) < m_expiredCount || m_events[size_t(i)].at >= at)
        return;
    m_events[size_t(i)].at = at;
    extend(i, expiryFor(at));
}

void RateWindow::holdFrom(Ticket ticket, qint64 from)
{
    const qsizetype i = ticket ? indexOf(ticket) : -1;
    if (i >= 0 && size_t(i) >= m_expiredCount)
        extend(i, expiryFor(from));
}

void RateWindow::extend(qsizetype i, qint64 expiry)
{
    if (m_events[size_t(i)].expiresAt >= expiry)
        return;
    Event ev = m_events[size_t(i)];
    m_events.erase(m_events.begin() + i);
    ev.expiresAt = expiry;
    // Expired events all expire before `expiry`, so the insertion point is past them.
    auto pos = std::upper_bound(m_events.begin() + qsizetype(m_expiredCount), m_events.end(), expiry,
                                [](qint64 x, const Event &e) { return x < e.expiresAt; });
    m_events.insert(pos, ev);
    m_expiryOf[ev.id] = expiry;
}

void RateWindow::prune(qint64 now)
{
    // Mark what has expired first: after a gap longer than the grace period, charges that were
    // live at the last call are past their grace too, and must enter the expired prefix before
    // they are dropped from it.
    while (m_expiredCount < m_events.size() && m_events[m_expiredCount].expiresAt <= now) {
        m_sumExpired += m_events[m_expiredCount].amount;
        ++m_expiredCount;
    }
    // Drop what has been expired for longer than the grace period (always a prefix of the
    // expired prefix, because expiries are ascending).
    while (!m_events.empty() && m_events.front().expiresAt + m_graceMs <= now) {
        const qint64 a = m_events.front().amount;
        m_expiryOf.erase(m_events.front().id);
        m_sumAll -= a;
        m_sumExpired -= a;
        --m_expiredCount;
        m_events.pop_front();
    }
    if (!m_synthetic.empty()) {
        std::erase_if(m_synthetic, [&](const Event &e) { return e.expiresAt + m_graceMs <= now; });
    }
}

qint64 RateWindow::used(qint64 now)
{
    prune(now);
    qint64 u = m_sumAll - m_sumExpired;
    for (const Event &e : m_synthetic)
        if (e.expiresAt > now)
            u += e.amount;
    return std::max<qint64>(0, u);
}

qint64 RateWindow::usedSince(qint64 now, qint64 since)
{
    prune(now);
    qint64 u = m_sumAll;
    for (std::size_t i = 0; i < m_expiredCount && m_events[i].expiresAt <= since; ++i)
        u -= m_events[i].amount;
    for (const Event &e : m_synthetic)
        if (e.expiresAt > since)
            u += e.amount;
    return std::max<qint64>(0, u);
}

qint64 RateWindow::earliestFit(qint64 now, qint64 amount, qint64 limit)
{
    if (amount > limit)
        return kNever;
    const qint64 u = used(now);
    qint64 need = u + amount - limit;
    if (need <= 0)
        return now;
    // Walk the active charges in expiry order (ordinary ones are already sorted; merge the
    // few synthetic ones) until enough has expired.
    std::vector<Event> synth;
    for (const Event &e : m_synthetic)
        if (e.expiresAt > now)
            synth.push_back(e);
    std::sort(synth.begin(), synth.end(), [](const Event &a, const Event &b) { return a.expiresAt < b.expiresAt; });
    std::size_t i = m_expiredCount, j = 0;
    while (i < m_events.size() || j < synth.size()) {
        const bool takeOrdinary = j >= synth.size()
            || (i < m_events.size() && m_events[i].expiresAt <= synth[j].expiresAt);
        const Event &e = takeOrdinary ? m_events[i++] : synth[j++];
        need -= e.amount;
        if (need <= 0)
            return e.expiresAt;
    }
    return kNever;   // only if amounts were negative; treat as never
}

qint64 RateWindow::earliestSlidingFit(qint64 now, qint64 amount, qint64 limit)
{
    if (amount > limit)
        return kNever;
    prune(now);
    // (Held or restamped charges may sit out of time order: sorted by when a sliding window lets
    // them go.)
    std::vector<std::pair<qint64, qint64>> leaving;   // (time it leaves, amount)
    qint64 need = amount - limit;
    for (const Event &e : m_events) {
        if (e.at + m_windowMs > now) {
            need += e.amount;
            leaving.emplace_back(e.at + m_windowMs, e.amount);
        }
    }
    if (need <= 0)
        return now;
    std::sort(leaving.begin(), leaving.end());
    for (const auto &[at, a] : leaving) {
        need -= a;
        if (need <= 0)
            return at;
    }
    return kNever;
}

qint64 RateWindow::nextExpiry(qint64 now)
{
    prune(now);
    qint64 t = kNever;
    if (m_expiredCount < m_events.size())
        t = m_events[m_expiredCount].expiresAt;
    for (const Event &e : m_synthetic)
        if (e.expiresAt > now)
            t = std::min(t, e.expiresAt);
    return t;
}

} // namespace wb
