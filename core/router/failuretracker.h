#pragma once
// Cooldown bookkeeping of one deployment (router_settings.allowed_fails / cooldown_time):
// `allowedFails` failures within a minute cool it down. Pure: time is an argument.
#include <QtGlobal>

#include <deque>

namespace wb {

class FailureTracker {
public:
    static constexpr qint64 kFailWindowMs = 60'000;

    FailureTracker(int allowedFails = 3, qint64 cooldownMs = 30'000)
        : m_allowedFails(allowedFails), m_cooldownMs(cooldownMs) {}

    /// Records a failure; true if it starts a cooldown (which then lasts until cooldownUntil()).
    bool recordFailure(qint64 now)
    {
        while (!m_failures.empty() && m_failures.front() + kFailWindowMs <= now)
            m_failures.pop_front();
        m_failures.push_back(now);
        if (int(m_failures.size()) >= std::max(1, m_allowedFails)) {
            m_failures.clear();
            coolFor(now, m_cooldownMs);
            return true;
        }
        return false;
    }
    /// Cool down explicitly (auth failure, provider spend cap) for at least `ms`.
    void coolFor(qint64 now, qint64 ms) { m_cooldownUntil = std::max(m_cooldownUntil, now + ms); }
    bool coolingDown(qint64 now) const { return now < m_cooldownUntil; }
    qint64 cooldownUntil() const { return m_cooldownUntil; }
    int recentFailures() const { return int(m_failures.size()); }

private:
    int m_allowedFails;
    qint64 m_cooldownMs;
    qint64 m_cooldownUntil = 0;
    std::deque<qint64> m_failures;
};

} // namespace wb
