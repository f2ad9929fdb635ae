// RateWindow: the sliding-window counter under an injected clock.
#include "core/limits/ratewindow.h"

#include <QTest>

using wb::RateWindow;

class TstRateWindow final : public QObject {
    Q_OBJECT
private slots:
    void usedExpiresExactlyAfterWindow()
    {
        RateWindow w(60'000);
        w.charge(1'000, 5);
        QCOMPARE(w.used(1'000), 5);
        w.charge(2'000, 7);
        QCOMPARE(w.used(60'999), 12);
        QCOMPARE(w.used(61'000), 7);   // the first charge counts [1000, 61000)
        QCOMPARE(w.used(62'000), 0);
        QCOMPARE(w.nextExpiry(62'000), RateWindow::kNever);
    }

    void earliestFit_data()
    {
        QTest::addColumn<QList<qint64>>("times");    // one charge of `amounts[i]` at times[i]
        QTest::addColumn<QList<qint64>>("amounts");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<qint64>("expected");

        QTest::newRow("empty fits now") << QList<qint64>{} << QList<qint64>{} << qint64(0) << qint64(1) << qint64(1) << qint64(0);
        QTest::newRow("rpm 3 full: wait for the first") << QList<qint64>{0, 100, 200} << QList<qint64>{1, 1, 1}
                                                       << qint64(300) << qint64(1) << qint64(3) << qint64(60'000);
        QTest::newRow("rpm 3, one slot left") << QList<qint64>{0, 100} << QList<qint64>{1, 1}
                                             << qint64(300) << qint64(1) << qint64(3) << qint64(300);
        QTest::newRow("tokens need two to expire") << QList<qint64>{0, 10, 20} << QList<qint64>{40, 40, 40}
                                                  << qint64(30) << qint64(70) << qint64(120) << qint64(60'010);
        QTest::newRow("larger than the limit never fits") << QList<qint64>{} << QList<qint64>{}
                                                         << qint64(0) << qint64(121) << qint64(120) << RateWindow::kNever;
        QTest::newRow("exactly the limit fits on empty") << QList<qint64>{} << QList<qint64>{}
                                                        << qint64(0) << qint64(120) << qint64(120) << qint64(0);
    }
    void earliestFit()
    {
        QFETCH(QList<qint64>, times);
        QFETCH(QList<qint64>, amounts);
        QFETCH(qint64, now);
        QFETCH(qint64, amount);
        QFETCH(qint64, limit);
        QFETCH(qint64, expected);
        RateWindow w;
        for (int i = 0; i < times.size(); ++i)
            w.charge(times[i], amounts[i]);
        const qint64 t = w.earliestFit(now, amount, limit);
        QCOMPARE(t, expected);
        if (t != RateWindow::kNever) {
            // At that moment it really fits, and one millisecond earlier it really does not.
            QVERIFY(w.used(t) + amount <= limit);
            if (t > now) {
                RateWindow again;
                for (int i = 0; i < times.size(); ++i)
                    again.charge(times[i], amounts[i]);
                QVERIFY(again.used(t - 1) + amount > limit);
            }
        }
    }

    void aFixedWindowStillTellsWhenASlidingOneWouldHaveRoom()
    {
        // 10-s windows counted as fixed ones with a boundary at 10 s: charges of 3, 4 and 5 at
        // 2, 6 and 9 s all leave at the boundary, where a sliding window lets them go at 12, 16
        // and 19 s.
        RateWindow w(10'000);
        w.charge(2'000, 3);
        w.charge(6'000, 4);
        w.charge(9'000, 5);
        w.setFixed(9'000, RateWindow::Fixed{10'000, 10'000, 0});
        QCOMPARE(w.earliestFit(9'500, 4, 12), qint64(10'000));
        QCOMPARE(w.earliestSlidingFit(9'500, 4, 12), qint64(16'000));   // the first two must leave
        QCOMPARE(w.earliestSlidingFit(9'500, 8, 12), qint64(19'000));   // all three
        QCOMPARE(w.earliestSlidingFit(12'500, 3, 12), qint64(12'500));   // the first has left
        QCOMPARE(w.earliestSlidingFit(9'500, 13, 12), RateWindow::kNever);
    }

    void settleKeepsTimestamp()
    {
        RateWindow w;
        const auto t1 = w.charge(0, 1000);    // reserved prompt + max_tokens
        w.charge(10, 100);
        QVERIFY(w.settle(t1, 300));           // actual usage
        QCOMPARE(w.used(20), 400);
        QCOMPARE(w.used(60'000), 100);        // still expires with its admission time
        QVERIFY(!w.settle(t1 + 99, 5));       // unknown ticket
    }

    void settleAfterExpiryDoesNotCorruptSums()
    {
        RateWindow w(1'000);
        w.setGraceMs(500);
        const auto t1 = w.charge(0, 10);
        w.charge(600, 1);
        QCOMPARE(w.used(1'100), 1);           // t1 expired but still retained (grace)
        w.settle(t1, 3);
        QCOMPARE(w.used(1'100), 1);
        QCOMPARE(w.usedSince(1'100, 900), 4); // reconcile view still sees the settled amount
        QCOMPARE(w.used(1'700), 0);
        QCOMPARE(w.usedSince(1'700, 1'650), 0);
    }

    void gapLongerThanGraceExpiresEverything()
    {
        // Nothing asked the window between the charges' expiry and well past their grace (an idle
        // router): they must still count as expired, not linger or go negative.
        RateWindow w(1'000);
        w.setGraceMs(500);
        w.charge(0, 10);
        w.charge(100, 5);
        QCOMPARE(w.used(3'000), 0);
        QCOMPARE(w.nextExpiry(3'000), RateWindow::kNever);
        QCOMPARE(w.earliestFit(3'000, 20, 20), 3'000);
        w.charge(3'000, 7);
        QCOMPARE(w.used(3'500), 7);
        QCOMPARE(w.used(4'000), 0);
    }

    void restampMovesAChargeLater()
    {
        RateWindow w(1'000);
        const auto a = w.charge(0, 1);     // admitted at 0, but only sent at 300
        const auto b = w.charge(100, 2);
        w.charge(200, 4);
        w.restamp(a, 300);
        w.restamp(b, 50);                  // never earlier
        QCOMPARE(w.used(300), 7);
        QCOMPARE(w.nextExpiry(300), 1'100);
        QCOMPARE(w.used(1'100), 5);        // b left, a still counts
        QCOMPARE(w.used(1'200), 1);
        QCOMPARE(w.earliestFit(1'200, 1, 1), 1'300);
        QVERIFY(w.settle(a, 3));           // still found after moving
        QCOMPARE(w.used(1'200), 3);
        QCOMPARE(w.used(1'300), 0);
        const auto c = w.charge(1'300, 1);
        QVERIFY(w.settle(c, 2));
        QCOMPARE(w.used(1'300), 2);
    }

    void holdFromKeepsAChargeLongerButNotItsTime()
    {
        // A call admitted at 0 whose completion the provider counted at its reply, 300 ms later:
        // held until 1,300, but still a call sent at 0 (what a reply at 200 had already seen).
        RateWindow w(1'000);
        const auto a = w.charge(0, 5);
        w.charge(100, 2);
        w.holdFrom(a, 300);
        w.holdFrom(a, 200);   // never shorter
        QCOMPARE(w.used(1'100), 5);
        QCOMPARE(w.nextExpiry(1'100), 1'300);
        QCOMPARE(w.chargedSince(1'100, -1), 7);   // (the charge at 100 is kept for the grace period)
        QCOMPARE(w.chargedSince(1'100, 0), 2);
        QVERIFY(w.settle(a, 6));
        QCOMPARE(w.used(1'299), 6);
        QCOMPARE(w.used(1'300), 0);
    }

    void chargesAreListedInTimeOrderAsMade()
    {
        // What LimitState replays as a bucket: each ordinary charge at its (restamped) time, with
        // its settled amount, the expired ones still retained too, synthetic ones never.
        RateWindow w(1'000);
        w.setGraceMs(500);
        const auto a = w.charge(0, 1);
        const auto b = w.charge(100, 2);
        const auto c = w.charge(200, 4);
        w.restamp(a, 300);
        QVERIFY(w.settle(b, 5));
        w.chargeUntil(250, 10, 900);
        auto listed = w.charges(400);
        QCOMPARE(listed.size(), size_t(3));
        QCOMPARE(listed[0].id, b);
        QCOMPARE(listed[0].at, 100);
        QCOMPARE(listed[0].amount, 5);
        QCOMPARE(listed[1].id, c);
        QCOMPARE(listed[2].id, a);
        QCOMPARE(listed[2].at, 300);
        listed = w.charges(1'150);   // b expired at 1,100 but is retained for the grace period
        QCOMPARE(listed.size(), size_t(3));
        listed = w.charges(1'750);   // b's and c's grace ended, a's (from 1,300) not
        QCOMPARE(listed.size(), size_t(1));
        QCOMPARE(listed[0].id, a);
    }

    void syntheticChargeExpiresAtItsOwnTime()
    {
        RateWindow w;
        w.charge(0, 10);
        w.chargeUntil(100, 50, 5'000);
        QCOMPARE(w.used(100), 60);
        QCOMPARE(w.nextExpiry(100), 5'000);
        QCOMPARE(w.earliestFit(100, 60, 100), 5'000);   // need 10 freed: the synthetic goes first
        QCOMPARE(w.used(5'000), 10);
        QCOMPARE(w.earliestFit(5'000, 95, 100), 60'000);
    }

    void manyChargesStayConsistent()
    {
        // A long run at 100 charges per second: used() equals a brute-force count.
        RateWindow w(1'000);
        QList<QPair<qint64, qint64>> all;
        for (qint64 t = 0; t < 5'000; t += 10) {
            w.charge(t, t % 7 + 1);
            all.append({t, t % 7 + 1});
            qint64 brute = 0;
            for (const auto &e : all)
                if (e.first + 1'000 > t)
                    brute += e.second;
            QCOMPARE(w.used(t), brute);
        }
    }
};

QTEST_GUILESS_MAIN(TstRateWindow)
#include "tst_ratewindow.moc"
