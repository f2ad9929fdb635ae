#include "core/limits/slowstart.h"

#include "core/limits/limitstate.h"

#include <algorithm>
#include <cmath>

namespace wb {

namespace {

constexpr double kLatencyWeight = 0.2;

} // namespace

void SlowStart::accepted(qint64 now, qint64 latencyMs)
{
    m_accepted.push_back(now);
    const double l = double(std::max<qint64>(0, latencyMs));
    m_latencyMs = m_hasLatency ? m_latencyMs + kLatencyWeight * (l - m_latencyMs) : l;
    m_hasLatency = true;
}

void SlowStart::refusedAfter(qint64 ms)
{
    m_slowestRefusalMs = std::max(m_slowestRefusalMs, std::max<qint64>(0, ms));
}

std::optional<qint64> SlowStart::presumedAcceptedAfterMs() const
{
    if (m_slowestRefusalMs >= 0)
        return 2 * m_slowestRefusalMs + kPresumeSlackMs;
    // A refusal comes back within a round trip and an accepted call only with its generation:
    // a call not refused within a quarter of a generation was let through, with room to spare
    // for a round trip however slow the network (docs/ARCHITECTURE.md, "Presumed accepted").
    if (m_presumeEarly && m_hasLatency)
        return std::max<qint64>(kPresumeSlackMs, qint64(m_latencyMs / 4));
    return std::nullopt;
}

int SlowStart::acceptedInWindow(qint64 now)
{
    while (!m_accepted.empty() && m_accepted.front() + m_windowMs <= now)
        m_accepted.pop_front();
    return int(m_accepted.size());
}

int SlowStart::maxInFlight(qint64 now)
{
    const double n = double(acceptedInWindow(now));
    const double window = double(std::max<qint64>(1, m_windowMs));
    return std::max(1, int(std::floor(kGrowth * n * m_latencyMs / window)));
}

namespace {

bool covers(const RefusalBounds::Point &a, const RefusalBounds::Point &b)
{
    return a.requests >= b.requests && a.tokens >= b.tokens;
}

} // namespace

void RefusalBounds::accepted(Point p)
{
    m_proven.requests = std::max(m_proven.requests, p.requests);
    m_proven.tokens = std::max(m_proven.tokens, p.tokens);
    // A refused point both limits are now proven to reach was refused for another reason.
    std::erase_if(m_refused, [&](const Point &r) { return covers(m_proven, r); });
}

void RefusalBounds::refused(Point p)
{
    m_learning = true;
    if (covers(m_proven, p))
        return;   // both limits were proven at least this much: refused for another reason
    for (const Point &r : m_refused)
        if (covers(p, r))
            return;   // an earlier refusal already says more
    std::erase_if(m_refused, [&](const Point &r) { return covers(r, p); });
    m_refused.push_back(p);
}

RefusalBounds::Verdict RefusalBounds::verdict(Point p) const
{
    if (covers(m_proven, p))
        return Verdict::Fits;
    for (const Point &r : m_refused)
        if (covers(p, r))
            return Verdict::Refused;
    return Verdict::Probe;
}

bool refusesOn(CountingRule rule, int d)
{
    switch (LimitState::Dim(d)) {
    case LimitState::Rpm: return true;
    case LimitState::Tpm: return rule != CountingRule::Anthropic;
    case LimitState::Itpm:
    case LimitState::Otpm: return rule == CountingRule::Anthropic;
    case LimitState::DimCount: break;
    }
    return false;
}

bool exploring(const LimitState &limits, CountingRule rule)
{
    if (!limits.informed())
        return false;
    // Limits the model list states are the user's pace: only a key with none explores.
    if (limits.anyConfigured())
        return false;
    for (int d = 0; d < LimitState::DimCount; ++d)
        if (refusesOn(rule, d) && !limits.effective(LimitState::Dim(d)))
            return true;
    return false;
}

} // namespace wb
