#include "core/session/ledgerbudget.h"

#include "core/pricing/pricing.h"

namespace wb {

bool LedgerBudget::reserve(qint64 micros)
{
    if (capMicros >= 0 && spentBeforeMicros + spentMicros + reservedMicros + micros > capMicros)
        return false;
    reservedMicros += micros;
    return true;
}

void LedgerBudget::settle(qint64 reserved, qint64 actual)
{
    reservedMicros -= reserved;
    spentMicros += actual;
    if (onSettled)
        onSettled(actual);
}

QString usdText(qint64 micros)
{
    const double usd = microsToUsd(micros);
    return QStringLiteral("$") + QString::number(usd, 'f', usd < 10 ? 4 : 2);
}

} // namespace wb
