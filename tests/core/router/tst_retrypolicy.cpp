// RetryPolicy and FailureTracker: pure decisions, no network.
#include "core/router/failuretracker.h"
#include "core/router/retrypolicy.h"

#include <QTest>

using namespace wb;

Q_DECLARE_METATYPE(wb::ErrorClass)
Q_DECLARE_METATYPE(wb::RetryAction)

class TstRetryPolicy final : public QObject {
    Q_OBJECT
private slots:
    void action_data()
    {
        QTest::addColumn<ErrorClass>("errorClass");
        QTest::addColumn<int>("retriesUsed");
        QTest::addColumn<RetryAction>("expected");
        QTest::newRow("success") << ErrorClass::None << 0 << RetryAction::Done;
        QTest::newRow("429 requeues") << ErrorClass::RateLimited << 3 << RetryAction::Requeue;
        QTest::newRow("529 requeues") << ErrorClass::Overloaded << 99 << RetryAction::Requeue;
        QTest::newRow("5xx retried") << ErrorClass::Transient << 0 << RetryAction::Retry;
        QTest::newRow("5xx last retry") << ErrorClass::Transient << 2 << RetryAction::Retry;
        QTest::newRow("5xx retries spent") << ErrorClass::Transient << 3 << RetryAction::Fail;
        QTest::newRow("auth fails fast") << ErrorClass::Auth << 0 << RetryAction::Fail;
        QTest::newRow("fatal fails fast") << ErrorClass::Fatal << 0 << RetryAction::Fail;
        QTest::newRow("spend cap fails fast") << ErrorClass::BudgetExceeded << 0 << RetryAction::Fail;
        QTest::newRow("context fallback") << ErrorClass::ContextTooLong << 0 << RetryAction::ContextFallback;
    }
    void action()
    {
        QFETCH(ErrorClass, errorClass);
        QFETCH(int, retriesUsed);
        QFETCH(RetryAction, expected);
        RetryPolicy p;
        p.numRetries = 3;
        QCOMPARE(p.action(errorClass, retriesUsed), expected);
    }

    void backoff_data()
    {
        QTest::addColumn<int>("retry");
        QTest::addColumn<double>("u");
        QTest::addColumn<qint64>("retryAfter");   // -1 = none
        QTest::addColumn<qint64>("expected");
        QTest::newRow("first, full jitter top") << 0 << 1.0 << qint64(-1) << qint64(500);
        QTest::newRow("first, jitter half") << 0 << 0.5 << qint64(-1) << qint64(250);
        QTest::newRow("third doubles twice") << 2 << 1.0 << qint64(-1) << qint64(2'000);
        QTest::newRow("capped") << 20 << 1.0 << qint64(-1) << qint64(30'000);
        QTest::newRow("jitter zero") << 5 << 0.0 << qint64(-1) << qint64(0);
        QTest::newRow("retry-after wins when later") << 0 << 1.0 << qint64(7'000) << qint64(7'000);
        QTest::newRow("jitter wins when later") << 4 << 1.0 << qint64(100) << qint64(8'000);
    }
    void backoff()
    {
        QFETCH(int, retry);
        QFETCH(double, u);
        QFETCH(qint64, retryAfter);
        QFETCH(qint64, expected);
        RetryPolicy p;
        const auto ra = retryAfter < 0 ? std::nullopt : std::optional<qint64>(retryAfter);
        QCOMPARE(p.backoffMs(retry, u, ra), expected);
    }

    void rateLimitBlock()
    {
        RetryPolicy p;
        QCOMPARE(p.rateLimitBlockMs(2'500, 9'000, 1), 2'500);        // retry-after first
        QCOMPARE(p.rateLimitBlockMs(std::nullopt, 9'000, 1), 9'000); // then the reset
        QCOMPARE(p.rateLimitBlockMs(std::nullopt, std::nullopt, 1), 1'000);
        QCOMPARE(p.rateLimitBlockMs(std::nullopt, std::nullopt, 3), 4'000);
        QCOMPARE(p.rateLimitBlockMs(std::nullopt, std::nullopt, 30), 60'000);
    }

    void cooldownAfterAllowedFailsWithinAMinute()
    {
        FailureTracker t(3, 30'000);
        QVERIFY(!t.recordFailure(0));
        QVERIFY(!t.recordFailure(10'000));
        QVERIFY(!t.coolingDown(10'000));
        QVERIFY(t.recordFailure(20'000));
        QVERIFY(t.coolingDown(20'000));
        QVERIFY(t.coolingDown(49'999));
        QVERIFY(!t.coolingDown(50'000));
    }

    void oldFailuresDoNotCount()
    {
        FailureTracker t(2, 1'000);
        QVERIFY(!t.recordFailure(0));
        QVERIFY(!t.recordFailure(60'000));   // the first one left the minute
        QVERIFY(t.recordFailure(60'001));
    }

    void outageBackoffDoublesWithJitterUpToTheCap()
    {
        RetryPolicy p;   // 1 s doubling, capped at 3 min
        QCOMPARE(p.outageBackoffMs(1, 0.0), 500);
        QCOMPARE(p.outageBackoffMs(1, 1.0), 1'000);
        QCOMPARE(p.outageBackoffMs(2, 1.0), 2'000);
        QCOMPARE(p.outageBackoffMs(3, 0.5), 3'000);
        QCOMPARE(p.outageBackoffMs(9, 1.0), 180'000);    // 256 s capped
        QCOMPARE(p.outageBackoffMs(40, 0.0), 90'000);    // no overflow far out
        for (int n = 1; n < 12; ++n)
            QVERIFY(p.outageBackoffMs(n + 1, 0.99) >= p.outageBackoffMs(n, 0.99));
    }
};

QTEST_GUILESS_MAIN(TstRetryPolicy)
#include "tst_retrypolicy.moc"
