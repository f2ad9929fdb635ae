// TokenBucket, and the refusal texts limits are learned from.
#include "core/limits/refusal.h"
#include "core/limits/tokenbucket.h"

#include <QTest>

using namespace wb;

class TstTokenBucket final : public QObject {
    Q_OBJECT
private slots:
    void refillsContinuously()
    {
        TokenBucket b(60'000);
        b.charge(0, 6'000, 6'000);   // a burst empties the bucket
        QCOMPARE(b.used(0, 6'000), 6'000);
        QCOMPARE(b.used(30'000, 6'000), 3'000);   // half refilled after half a period
        // 1000 more fit once 1000 have refilled: 10 s, not when a window would slide (60 s).
        QCOMPARE(b.earliestFit(30'000, 1'000, 6'000), 30'000);
        b.charge(30'000, 6'000, 3'000);
        QCOMPARE(b.earliestFit(30'000, 1'000, 6'000), 40'000);
        QCOMPARE(b.earliestFit(30'000, 7'000, 6'000), TokenBucket::kNever);
        QCOMPARE(b.used(200'000, 6'000), 0);      // never below empty
    }

    void settleGivesBackTheDifference()
    {
        TokenBucket b(60'000);
        const auto t = b.charge(0, 6'000, 1'000);
        b.settle(0, 6'000, t, 300);
        QCOMPARE(b.used(0, 6'000), 300);
        // A settled charge is no longer open (nothing a provider may not have counted yet)...
        QCOMPARE(b.chargedSince(0, 0), 0);
        QCOMPARE(b.amountOf(t), 0);
        // ...but is still known: taken out later (a call moved out of a pool's state after its
        // reply), the level loses what it was settled to.
        b.settle(0, 6'000, t, 0);
        QCOMPARE(b.used(0, 6'000), 0);
        b.settle(0, 6'000, t, 300);
        b.adjust(0, 6'000, -1'000);   // never below empty
        QCOMPARE(b.used(0, 6'000), 0);
        QCOMPARE(b.emptyAt(0, 6'000), TokenBucket::kNever);
        b.adjust(0, 6'000, 600);
        QCOMPARE(b.emptyAt(0, 6'000), 6'000);
    }

    void chargesAReadingHeldSettleWithoutMovingTheLevel()
    {
        // Three charges of 1,000; a reading at the third one's reply moved the level to the
        // provider's count, which held the first two at 600 each. Their settlements to 600 then
        // move nothing; the third, sent with the reply's call, still does; and a later
        // correction of a settled charge moves the level from what it was settled to.
        TokenBucket b(60'000);
        const auto first = b.charge(0, 6'000, 1'000);
        const auto second = b.charge(0, 6'000, 1'000);
        const auto third = b.charge(1, 6'000, 1'000);   // 0.1 drained since the first two
        b.adjust(1, 6'000, -800);
        b.absorbBefore(1, {third});
        QCOMPARE(b.used(1, 6'000), 2'200);
        b.settle(1, 6'000, first, 600);
        b.settle(1, 6'000, second, 600);
        QCOMPARE(b.used(1, 6'000), 2'200);
        b.settle(1, 6'000, third, 600);
        QCOMPARE(b.used(1, 6'000), 1'800);
        b.settle(1, 6'000, first, 0);
        QCOMPARE(b.used(1, 6'000), 1'200);
    }

    void aChargeTakenOutLeavesWhatTheLaterOnesHold()
    {
        // 4 requests a second. One call at 315 ms, three at 357 ms; at 650 ms the first turns out
        // to count elsewhere. It had drained 0.168 of itself alone before the three came, so
        // without it the bucket holds the three less 293 ms of drain (1.828), not the level less
        // the whole call (1.660): that 0.168 is 42 ms of refill the provider never gave.
        TokenBucket b(1'000);
        const auto first = b.charge(315, 4, 1);
        for (int i = 0; i < 3; ++i)
            b.charge(357, 4, 1);
        b.takeOut(650, 4, first);
        QCOMPARE(qRound(b.level(650, 4) * 1000), 1'828);
        QCOMPARE(b.amountOf(first), 0);
        // Taken out before anything drained, the whole charge goes.
        TokenBucket c(1'000);
        c.charge(100, 4, 2);
        const auto moved = c.charge(100, 4, 1);
        c.takeOut(100, 4, moved);
        QCOMPARE(qRound(c.level(100, 4) * 1000), 2'000);
        // The later charges alone never count for more than the level was.
        TokenBucket d(1'000);
        const auto early = d.charge(0, 4, 1);
        d.charge(900, 4, 1);
        d.takeOut(900, 4, early);
        QCOMPARE(qRound(d.level(900, 4) * 1000), 1'000);
        // Forgotten or unknown tickets change nothing.
        d.takeOut(900, 4, 999);
        QCOMPARE(qRound(d.level(900, 4) * 1000), 1'000);
    }

    void refusalCounts_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("dim");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<qint64>("used");        // -1 = not named
        QTest::addColumn<qint64>("requested");   // -1 = not named
        QTest::newRow("openai tpm") << u"Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): "
                                       "Limit 30000, Used 29937, Requested 385. Please try again in 644ms. Visit "
                                       "https://platform.openai.com/account/rate-limits to learn more."_qs
                                    << int(RefusalCounts::Tokens) << qint64(30000) << qint64(29937) << qint64(385);
        QTest::newRow("openai rpm") << u"Rate limit reached for gpt-4o-mini in organization org-x on requests per min "
                                       "(RPM): Limit 3, Used 3, Requested 1. Please try again in 20s."_qs
                                    << int(RefusalCounts::Requests) << qint64(3) << qint64(3) << qint64(1);
        QTest::newRow("openai too large") << u"Request too large for gpt-4o in organization org-x on tokens per min "
                                             "(TPM): Limit 30000, Requested 31538. The input or output tokens must be "
                                             "reduced in order to run successfully."_qs
                                          << int(RefusalCounts::Tokens) << qint64(30000) << qint64(-1) << qint64(31538);
        QTest::newRow("openai older wording") << u"Rate limit reached for 10KTPM-200RPM in organization org-x on tokens "
                                                 "per min. Limit: 10000 / min. Please try again in 6ms."_qs
                                              << int(RefusalCounts::Tokens) << qint64(10000) << qint64(-1) << qint64(-1);
        QTest::newRow("anthropic itpm") << u"This request would exceed the rate limit for your organization of 20,000 "
                                           "input tokens per minute. For details, refer to: "
                                           "https://docs.anthropic.com/en/api/rate-limits."_qs
                                        << int(RefusalCounts::InputTokens) << qint64(20000) << qint64(-1) << qint64(-1);
        // The real text names the organization in parentheses before the limit.
        QTest::newRow("anthropic with organization") << u"This request would exceed the rate limit for your organization "
                                                        "(4f5e7a3c-0d1b-4c8e-9a2f-6b7c8d9e0f1a) of 7,233 input tokens per "
                                                        "minute. For details, refer to: https://docs.anthropic.com/en/api/rate-limits."_qs
                                                     << int(RefusalCounts::InputTokens) << qint64(7233) << qint64(-1) << qint64(-1);
        QTest::newRow("anthropic otpm") << u"This request would exceed the rate limit for your organization of 8,000 "
                                           "output tokens per minute."_qs
                                        << int(RefusalCounts::OutputTokens) << qint64(8000) << qint64(-1) << qint64(-1);
        // Gemini names the metric and its limit (no used count), several violations in one message.
        QTest::newRow("gemini input tokens")
            << u"You exceeded your current quota, please check your plan and billing details. For more information on "
               "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. \n* Quota exceeded for metric: "
               "generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count, limit: 250000, model: "
               "gemini-2.5-flash\n* Quota exceeded for metric: generativelanguage.googleapis.com/"
               "generate_content_paid_tier_requests, limit: 1000, model: gemini-2.5-flash\nPlease retry in 16.6s."_qs
            << int(RefusalCounts::Tokens) << qint64(250000) << qint64(-1) << qint64(-1);
        QTest::newRow("gemini requests")
            << u"* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_paid_tier_requests, "
               "limit: 150, model: gemini-2.5-pro"_qs
            << int(RefusalCounts::Requests) << qint64(150) << qint64(-1) << qint64(-1);
    }
    void refusalCounts()
    {
        QFETCH(QString, message);
        QFETCH(int, dim);
        QFETCH(qint64, limit);
        QFETCH(qint64, used);
        QFETCH(qint64, requested);
        const auto r = parseRefusalCounts(message);
        QVERIFY(r.has_value());
        QCOMPARE(int(r->dim), dim);
        QCOMPARE(r->limit, limit);
        QCOMPARE(r->used.value_or(-1), used);
        QCOMPARE(r->requested.value_or(-1), requested);
    }

    void perDayQuotasAreNoMinuteLimit()
    {
        QVERIFY(!parseRefusalCounts(u"Rate limit reached for gpt-4o in organization org-x on requests per day (RPD): "
                                    "Limit 200, Used 200, Requested 1. Please try again in 7m12s."_qs));
        QVERIFY(!parseRefusalCounts(u"You exceeded your current quota, please check your plan and billing details."_qs));
        // A model the tier does not include at all ("limit: 0") teaches no limit.
        QVERIFY(!parseRefusalCounts(u"* Quota exceeded for metric: generativelanguage.googleapis.com/"
                                    "generate_content_free_tier_requests, limit: 0, model: gemini-3-pro"_qs));
    }
};

QTEST_GUILESS_MAIN(TstTokenBucket)
#include "tst_tokenbucket.moc"
