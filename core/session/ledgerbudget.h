#pragma once
// The run's budget as the router sees it: a spend ledger spanning runs. The worst case of a call is
// reserved before dispatch and settled to its actual cost afterwards, so concurrent calls can never
// together pass the cap (docs/ARCHITECTURE.md, "Budget").
#include "core/router/router.h"

#include <functional>

namespace wb {

class LedgerBudget final : public BudgetGuard {
public:
    qint64 capMicros = -1;          ///< -1 = no cap
    qint64 spentBeforeMicros = 0;   ///< the ledger since the period start, before this run
    qint64 spentMicros = 0;         ///< this run
    qint64 reservedMicros = 0;      ///< held by calls in flight (estimate far from the cap, bound near it)
    qint64 boundMicros = 0;         ///< the hard-bound worst case of the calls in flight
    std::function<void(qint64 actualMicros)> onSettled;

    /// Far from the cap a call holds its estimated worst case; once the cap is within this many
    /// times the bound-based worst case of the calls in flight plus the next one, it holds its
    /// bound. Dispatch is refused whenever spend plus those bounds could pass the cap.
    static constexpr qint64 kFarFactor = 4;

    bool reserve(qint64 micros) override;
    void settle(qint64 reserved, qint64 actual) override;
    qint64 reserveBounded(qint64 estimateMicros, qint64 boundMicros) override;
    void settleBounded(qint64 heldMicros, qint64 boundMicros, qint64 actualMicros) override;
    qint64 total() const { return spentBeforeMicros + spentMicros; }
    bool hasCap() const { return capMicros >= 0; }
};

/// Dollars with enough digits that small budgets don't read as $0.00.
QString usdText(qint64 micros);

} // namespace wb
