#pragma once
// The estimator's sliding window: the same "a charge counts until windowMs after it was made"
// as RateWindow, for a schedule simulation of hundreds of thousands of calls. Charges arrive in
// time order, so the live ones are a suffix; a Fenwick tree over all charges answers "when will
// enough have expired for X more to fit" in O(log n) even after settlements changed amounts in
// the middle (RateWindow walks its charges: fine for the router's few hundred per minute, too
// slow for a simulation). It has none of RateWindow's restamps, synthetic charges or grace.
#include <QtGlobal>

#include <limits>
#include <vector>

namespace wb {

class SlidingSum {
public:
    static constexpr qint64 kNever = std::numeric_limits<qint64>::max();

    /// Times in any unit (the estimator uses microseconds). `margin`: how long after a charge
    /// expires the router waits before relying on it (clock-skew safety, see Router).
    explicit SlidingSum(qint64 window = 60'000'000, qint64 margin = 0) : m_window(window), m_margin(margin) {}

    /// Fixed windows instead (RateWindow::Fixed, the same rule): a charge counts until the first
    /// boundary (`boundary` + k * `period`) after its time plus `slack`; the margin is then unused.
    /// Before the first charge.
    void setFixed(qint64 boundary, qint64 period, qint64 slack)
    {
        m_fixed = true;
        m_boundary = boundary;
        m_period = period;
        m_slack = slack;
    }
    /// Charges `amount` at `t` (never earlier than the previous charge); returns its index.
    int add(qint64 t, qint64 amount);
    /// Replaces the amount of charge `idx`.
    void settle(int idx, qint64 amount);
    qint64 used(qint64 now);
    /// Everything ever charged (settled amounts), expired or not.
    qint64 total() const { return m_total; }
    /// Earliest time >= now at which used + extra <= limit; kNever if extra > limit.
    qint64 earliestFit(qint64 now, qint64 extra, qint64 limit);

private:
    void expire(qint64 now);
    /// When a charge made at `t` stops counting (for admission: the margin included).
    qint64 expiry(qint64 t) const;
    void treeAdd(std::size_t idx, qint64 delta);
    /// Smallest 0-based index whose prefix sum (inclusive) >= target.
    std::size_t lowerBound(qint64 target) const;
    void grow();

    qint64 m_window;
    qint64 m_margin;
    bool m_fixed = false;
    qint64 m_boundary = 0, m_period = 1, m_slack = 0;
    std::vector<qint64> m_time, m_amount, m_tree;
    std::size_t m_cap = 0;
    std::size_t m_head = 0;
    qint64 m_total = 0, m_expired = 0;
};

} // namespace wb
