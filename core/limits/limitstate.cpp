#include "core/limits/limitstate.h"

#include <algorithm>

namespace wb {

LimitState::LimitState(qint64 windowMs)
{
    setWindowMs(windowMs);
}

void LimitState::setWindowMs(qint64 ms)
{
    for (RateWindow &w : m_windows) {
        w.setWindowMs(ms);
        w.setGraceMs(std::min<qint64>(kReconcileGraceMs * 2, ms));
    }
}

void LimitState::addConfigured(const LimitValues &v)
{
    const std::optional<qint64> in[DimCount] = {v.rpm, v.tpm, v.itpm, v.otpm};
    for (int d = 0; d < DimCount; ++d) {
        if (!in[d])
            continue;
        m_configured[d] = m_configured[d] ? std::min(*m_configured[d], *in[d]) : *in[d];
    }
}

std::optional<qint64> LimitState::effective(Dim d) const
{
    if (m_configured[d] && m_observed[d])
        return std::min(*m_configured[d], *m_observed[d]);
    return m_configured[d] ? m_configured[d] : m_observed[d];
}

qint64 LimitState::earliestAdmit(qint64 now, const AdmissionCost &c)
{
    qint64 t = std::max(now, m_blockedUntil);
    const qint64 amounts[DimCount] = {c.requests, c.tokens, c.inputTokens, 0};
    for (int d = Rpm; d <= Itpm; ++d) {
        const auto lim = effective(Dim(d));
        if (!lim || amounts[d] <= 0)
            continue;
        const qint64 f = m_windows[d].earliestFit(now, amounts[d], *lim);
        if (f == RateWindow::kNever)
            return RateWindow::kNever;
        t = std::max(t, f);
    }
    if (const auto lim = effective(Otpm); lim && c.outputReserve > 0) {
        // Output is charged when produced, so we hold an expected-output reservation for
        // every call in flight. An expectation above the limit is clamped (it could never
        // fit otherwise). If the calls in flight already hold too much, the window expiring
        // cannot help, their replies will (and every reply reschedules): report the latest
        // time the window alone could matter, so this never says "never".
        const qint64 want = m_outputReserved + std::min(*lim, c.outputReserve);
        if (want > *lim)
            t = std::max(t, now + m_windows[Otpm].windowMs());
        else
            t = std::max(t, m_windows[Otpm].earliestFit(now, want, *lim));
    }
    return t;
}

Admission LimitState::admit(qint64 now, const AdmissionCost &c)
{
    Admission a;
    a.at = now;
    a.requests = m_windows[Rpm].charge(now, c.requests);
    a.tokens = m_windows[Tpm].charge(now, c.tokens);
    if (c.inputTokens > 0)
        a.inputTokens = m_windows[Itpm].charge(now, c.inputTokens);
    a.outputReserve = c.outputReserve;
    m_outputReserved += c.outputReserve;
    return a;
}

void LimitState::settle(qint64 now, const Admission &a, const Settlement &s)
{
    if (s.tokens)
        m_windows[Tpm].settle(a.tokens, *s.tokens);
    if (s.inputTokens) {
        if (a.inputTokens)
            m_windows[Itpm].settle(a.inputTokens, *s.inputTokens);
    }
    if (s.outputTokens > 0)
        m_windows[Otpm].charge(now, s.outputTokens);
    release(a);
}

void LimitState::release(const Admission &a)
{
    m_outputReserved = std::max<qint64>(0, m_outputReserved - a.outputReserve);
}

void LimitState::restamp(const Admission &a, qint64 at)
{
    m_windows[Rpm].restamp(a.requests, at);
    m_windows[Tpm].restamp(a.tokens, at);
    m_windows[Itpm].restamp(a.inputTokens, at);
}

void LimitState::blockUntil(qint64 t)
{
    m_blockedUntil = std::max(m_blockedUntil, t);
}

qint64 LimitState::used(Dim d, qint64 now)
{
    return m_windows[d].used(now);
}

qint64 LimitState::nextExpiry(qint64 now)
{
    qint64 t = RateWindow::kNever;
    for (RateWindow &w : m_windows)
        t = std::min(t, w.nextExpiry(now));
    return t;
}

QString LimitState::dimName(Dim d)
{
    switch (d) {
    case Rpm: return QStringLiteral("rpm");
    case Tpm: return QStringLiteral("tpm");
    case Itpm: return QStringLiteral("itpm");
    case Otpm: return QStringLiteral("otpm");
    case DimCount: break;
    }
    return {};
}

qint64 LimitState::correctionThreshold(CountingRule rule, Dim d)
{
    // Anthropic rounds remaining token counts to the nearest thousand: a difference below
    // 1000 is rounding, not usage we missed.
    if (rule == CountingRule::Anthropic && d != Rpm)
        return 1000;
    return 1;
}

void LimitState::observeLimit(Dim d, std::optional<qint64> limit, QStringList &notes)
{
    if (!limit || *limit <= 0)
        return;
    const auto before = effective(d);
    const bool first = !m_observed[d].has_value();
    m_observed[d] = *limit;
    const auto after = effective(d);
    if (first && !m_configured[d])
        notes << QStringLiteral("learned %1 limit %2 from headers").arg(dimName(d)).arg(*limit);
    else if (before && after && *after < *before)
        notes << QStringLiteral("%1 limit tightened from %2 to %3 by headers").arg(dimName(d)).arg(*before).arg(*after);
}

void LimitState::correct(qint64 now, qint64 dispatchedAt, Dim d, std::optional<qint64> limitHeader,
                         std::optional<qint64> remaining, std::optional<qint64> resetMs, qint64 threshold)
{
    if (!remaining)
        return;
    const auto limit = limitHeader ? limitHeader : effective(d);
    if (!limit)
        return;
    // What we could have been charged for when the provider computed `remaining`: every
    // charge still alive a little before this call was sent (the provider's window lags ours
    // by the network latency), plus output reserved for calls in flight.
    qint64 ours = m_windows[d].usedSince(now, dispatchedAt - kReconcileGraceMs);
    if (d == Otpm)
        ours += m_outputReserved;
    const qint64 providerUsed = *limit - *remaining;
    const qint64 deficit = providerUsed - ours;
    if (deficit < threshold)
        return;
    const qint64 window = m_windows[d].windowMs();
    const qint64 reset = resetMs ? std::clamp<qint64>(*resetMs, 1, window) : window;
    m_windows[d].chargeUntil(now, deficit, now + reset);
}

QStringList LimitState::reconcile(qint64 now, qint64 dispatchedAt, CountingRule rule, const RateLimitHeaders &h)
{
    QStringList notes;
    observeLimit(Rpm, h.limitRequests, notes);
    correct(now, dispatchedAt, Rpm, h.limitRequests, h.remainingRequests, h.resetRequestsMs,
            correctionThreshold(rule, Rpm));
    if (rule == CountingRule::Anthropic) {
        // Anthropic's combined "tokens" header is the most restrictive of several limits;
        // the input/output ones are what ITPM/OTPM mean.
        observeLimit(Itpm, h.limitInputTokens, notes);
        observeLimit(Otpm, h.limitOutputTokens, notes);
        correct(now, dispatchedAt, Itpm, h.limitInputTokens, h.remainingInputTokens, h.resetInputTokensMs,
                correctionThreshold(rule, Itpm));
        correct(now, dispatchedAt, Otpm, h.limitOutputTokens, h.remainingOutputTokens, h.resetOutputTokensMs,
                correctionThreshold(rule, Otpm));
    } else {
        observeLimit(Tpm, h.limitTokens, notes);
        correct(now, dispatchedAt, Tpm, h.limitTokens, h.remainingTokens, h.resetTokensMs,
                correctionThreshold(rule, Tpm));
    }
    return notes;
}

} // namespace wb
