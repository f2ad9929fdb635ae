// SlidingSum, the estimator's window, must count exactly like RateWindow, the router's: same
// usage and same earliest admission for the same charges and settlements.
#include "core/limits/ratewindow.h"
#include "core/limits/slidingsum.h"

#include <QTest>

#include <random>

using namespace wb;

class TstSlidingSum final : public QObject {
    Q_OBJECT
private slots:
    void expiresAfterTheWindow()
    {
        SlidingSum s(60'000);
        s.add(0, 100);
        s.add(10'000, 50);
        QCOMPARE(s.used(59'999), 150);
        QCOMPARE(s.used(60'000), 50);
        QCOMPARE(s.used(70'000), 0);
        QCOMPARE(s.total(), 150);
    }

    void earliestFitWaitsForEnoughToExpire()
    {
        SlidingSum s(60'000);
        s.add(0, 60);
        s.add(1'000, 30);
        QCOMPARE(s.earliestFit(2'000, 10, 100), 2'000);         // fits now
        QCOMPARE(s.earliestFit(2'000, 20, 100), 60'000);        // the first charge must go
        QCOMPARE(s.earliestFit(2'000, 80, 100), 61'000);        // both must go
        QCOMPARE(s.earliestFit(2'000, 101, 100), SlidingSum::kNever);
    }

    void marginDelaysEveryExpiry()
    {
        SlidingSum s(60'000, 100);
        s.add(0, 90);
        QCOMPARE(s.earliestFit(1'000, 20, 100), 60'100);
    }

    void settlementInTheMiddle()
    {
        SlidingSum s(60'000);
        const int a = s.add(0, 10);
        const int b = s.add(1'000, 50);
        s.add(2'000, 10);
        s.settle(b, 5);                                          // the reply used far less
        QCOMPARE(s.used(3'000), 25);
        QCOMPARE(s.earliestFit(3'000, 80, 100), 60'000);
        s.settle(a, 0);
        QCOMPARE(s.earliestFit(3'000, 80, 100), 3'000);     // 0 + 5 + 10 + 80 fits
        QCOMPARE(s.earliestFit(3'000, 90, 100), 61'000);    // the settled 5 must go
        QCOMPARE(s.total(), 15);
    }

    void agreesWithRateWindow()
    {
        std::mt19937 rng(7);
        std::uniform_int_distribution<qint64> amount(0, 400), step(0, 3'000), pick(0, 1'000'000);
        RateWindow w(60'000);
        SlidingSum s(60'000);
        std::vector<std::pair<RateWindow::Ticket, int>> charges;
        qint64 now = 0;
        for (int i = 0; i < 3'000; ++i) {
            now += step(rng);
            const qint64 a = amount(rng);
            charges.emplace_back(w.charge(now, a), s.add(now, a));
            if (i % 3 == 0) {
                // Settle an earlier charge still in the window, as a reply does.
                const auto &[ticket, idx] = charges[size_t(pick(rng)) % charges.size()];
                const qint64 settled = amount(rng);
                if (w.settle(ticket, settled))
                    s.settle(idx, settled);
            }
            const qint64 limit = 5'000 + amount(rng) * 20;
            const qint64 extra = amount(rng) * 5;
            QCOMPARE(s.used(now), w.used(now));
            QCOMPARE(s.earliestFit(now, extra, limit), w.earliestFit(now, extra, limit));
        }
    }
};

QTEST_GUILESS_MAIN(TstSlidingSum)
#include "tst_slidingsum.moc"
