// The budget ledger's rule (docs/ARCHITECTURE.md, "Budget"): estimates far from the cap, hard
// bounds near it, and never a dispatch whose bound could pass the cap.
#include "core/session/ledgerbudget.h"

#include <QTest>

using namespace wb;

class TestLedgerBudget final : public QObject {
    Q_OBJECT
private slots:
    void farFromTheCapACallHoldsItsEstimate()
    {
        LedgerBudget b;
        b.capMicros = 1'000'000;
        const qint64 held = b.reserveBounded(100, 600);
        QCOMPARE(held, 100);
        QCOMPARE(b.reservedMicros, 100);
        QCOMPARE(b.boundMicros, 600);
        b.settleBounded(held, 600, 90);
        QCOMPARE(b.reservedMicros, 0);
        QCOMPARE(b.boundMicros, 0);
        QCOMPARE(b.spentMicros, 90);
    }

    void nearTheCapACallHoldsItsBound()
    {
        LedgerBudget b;
        b.capMicros = 1000;
        b.spentBeforeMicros = 300;   // 700 left: 4 x 600 does not fit, 600 does
        const qint64 held = b.reserveBounded(100, 600);
        QCOMPARE(held, 600);
        QCOMPARE(b.reservedMicros, 600);
    }

    void boundsInFlightDecideWhatMayStillGo()
    {
        LedgerBudget b;
        b.capMicros = 1000;
        QCOMPARE(b.reserveBounded(100, 400), 400);
        QCOMPARE(b.reserveBounded(100, 400), 400);
        // Estimates would fit 8 more calls; their bounds allow no third one.
        QCOMPARE(b.reserveBounded(100, 400), -1);
        QCOMPARE(b.boundMicros, 800);
        b.settleBounded(400, 400, 350);   // the provider billed far above the estimate
        QCOMPARE(b.total(), 350);
        // 650 left, 400 in flight: a third bound of 400 would pass the cap.
        QCOMPARE(b.reserveBounded(100, 400), -1);
        b.settleBounded(400, 400, 100);
        QCOMPARE(b.total(), 450);
        QCOMPARE(b.reserveBounded(100, 400), 400);
        QVERIFY(b.total() + b.boundMicros <= b.capMicros);
    }

    void usageAboveTheReservationIsBookedAsReported()
    {
        LedgerBudget b;
        b.capMicros = 100'000;
        const qint64 held = b.reserveBounded(100, 600);
        QCOMPARE(held, 100);
        b.settleBounded(held, 600, 550);
        QCOMPARE(b.spentMicros, 550);
        QCOMPARE(b.reservedMicros, 0);
    }

    void withoutACapNothingIsRefused()
    {
        LedgerBudget b;
        QCOMPARE(b.reserveBounded(100, 1'000'000'000), 100);
        QVERIFY(b.reserve(5));
        b.settle(5, 5);
        b.settleBounded(100, 1'000'000'000, 100);
        QCOMPARE(b.spentMicros, 105);
        QCOMPARE(b.boundMicros, 0);
    }

    void anEstimateAboveTheBoundCountsAsTheBound()
    {
        LedgerBudget b;
        b.capMicros = 1000;
        QCOMPARE(b.reserveBounded(900, 10), 900);   // far-from-cap test uses the larger of the two
        QCOMPARE(b.boundMicros, 900);
        QCOMPARE(b.reserveBounded(200, 10), -1);
        b.settleBounded(900, 10, 0);
        QCOMPARE(b.boundMicros, 0);
    }
};

QTEST_GUILESS_MAIN(TestLedgerBudget)
#include "tst_ledgerbudget.moc"
