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
    qint64 reservedMicros = 0;
    std::function<void(qint64 actualMicros)> onSettled;

    bool reserve(qint64 micros) override;
    void settle(qint64 reserved, qint64 actual) override;
    qint64 total() const { return spentBeforeMicros + spentMicros; }
    bool hasCap() const { return capMicros >= 0; }
};

/// Dollars with enough digits that small budgets don't read as $0.00.
QString usdText(qint64 micros);

} // namespace wb
