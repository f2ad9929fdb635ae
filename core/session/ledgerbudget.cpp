#include "core/session/ledgerbudget.h"

#include "core/common/check.h"
#include "core/pricing/pricing.h"

namespace wb {

bool LedgerBudget::reserve(qint64 micros)
{
    return reserveBounded(micros, micros) >= 0;
}

void LedgerBudget::settle(qint64 reserved, qint64 actual)
{
    settleBounded(reserved, reserved, actual);
}

qint64 LedgerBudget::reserveBounded(qint64 estimateMicros, qint64 bound)
{
    // The estimate can undercount what a provider bills (docs/ARCHITECTURE.md, "Budget"): only the
    // bounds of every call in flight, added to what is booked, may never pass the cap.
    const qint64 estimate = std::max<qint64>(0, estimateMicros);
    bound = std::max(bound, estimate);
    if (capMicros >= 0) {
        const qint64 headroom = capMicros - total();
        if (boundMicros + bound > headroom)
            return -1;
        const bool far = headroom / kFarFactor >= boundMicros + bound;
        const qint64 hold = far ? estimate : bound;
        reservedMicros += hold;
        boundMicros += bound;
        return hold;
    }
    reservedMicros += estimate;
    boundMicros += bound;
    return estimate;
}

void LedgerBudget::settleBounded(qint64 heldMicros, qint64 bound, qint64 actualMicros)
{
    reservedMicros -= heldMicros;
    boundMicros -= std::max(bound, heldMicros);
    WB_CHECK(reservedMicros >= 0 && boundMicros >= 0);
    spentMicros += actualMicros;
    if (onSettled)
        onSettled(actualMicros);
}

QString usdText(qint64 micros)
{
    const double usd = microsToUsd(micros);
    return QStringLiteral("$") + QString::number(usd, 'f', usd < 10 ? 4 : 2);
}

} // namespace wb
