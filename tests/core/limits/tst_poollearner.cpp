// PoolLearner (core/limits/poollearner.h): which keys draw on one provider pool, from the
// providers' request counters, allowing for calls in flight when a reply left the provider.
#include "core/limits/poollearner.h"

#include <QTest>

using namespace wb;

namespace {
constexpr qint64 kWindow = 60'000;
const QString kScope = QStringLiteral("openai\nhttps://api.openai.com/v1\ngpt-4o-mini");

struct Verdict {
    bool changed = false;
    PoolLearner::Pair pair = PoolLearner::Pair::Suspected;
};

/// Two suspected keys: A's call sent at 1 s (answered at 1.15 s when `answered`), B's at 1.2 s.
/// B's reply at 1.4 s names `limit` and `remaining` (`bucket`: its counter refills continuously).
Verdict afterBsReply(bool answered, qint64 limit, qint64 remaining, bool bucket)
{
    PoolLearner p(kWindow);
    const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
    p.sent(a, 1'000);
    if (answered)
        p.answered(a, 1'000, 1'150);
    p.sent(b, 1'200);
    const bool changed = p.observe(b, 1'400, 1'200, limit, remaining, bucket, true);
    return {changed, p.pair(a, b)};
}
/// B sends a burst of ten calls at 40 s (counters refilled at 60 a minute), A a call a second
/// later whose reply at 41.2 s shows one request used; `bucket`: A's state counts as a bucket.
bool afterBsBurst(PoolLearner &p, int a, int b, bool bucket)
{
    for (int i = 0; i < 10; ++i)
        p.sent(b, 40'000 + i);
    p.sent(a, 41'000);
    return p.observe(a, 41'200, 41'000, 60, 59, bucket, true);
}
} // namespace

class TstPoolLearner final : public QObject {
    Q_OBJECT
private slots:
    void suspectsStartAsOnePool()
    {
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
        const int other = p.addMember(QStringLiteral("anthropic\nhttps://api.anthropic.com\nclaude"), true);
        const int configured = p.addMember(kScope, false);
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Suspected);
        QCOMPARE(p.pair(a, other), PoolLearner::Pair::Separate);        // another provider: never
        QCOMPARE(p.pair(a, configured), PoolLearner::Pair::Separate);   // limits configured: shown first
        const std::vector<int> c = p.components();
        QCOMPARE(c[size_t(b)], a);
        QCOMPARE(c[size_t(other)], other);
        QCOMPARE(c[size_t(configured)], configured);
    }

    void oneCounterShowingBothKeysIsAPool()
    {
        // Two keys with limits configured (no suspicion): each reply shows the other key's calls.
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, false), b = p.addMember(kScope, false);
        p.sent(a, 1'000);
        p.sent(b, 2'000);
        p.sent(a, 3'000);
        // A's reply to its second call: the pool counts 3 requests, A sent 2.
        QVERIFY(!p.observe(a, 3'500, 3'000, 100, 97, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Separate);   // one reply is not enough
        p.sent(b, 4'000);
        QVERIFY(p.observe(b, 4'400, 4'000, 100, 96, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Pooled);
        QVERIFY(p.confirmed(a) && p.confirmed(b));
        QCOMPARE(p.components()[size_t(b)], a);
    }

    void independentKeysWithTheSameLimitStayApart()
    {
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
        p.sent(a, 1'000);
        p.sent(b, 2'000);
        p.sent(a, 3'000);
        // A's counter holds A's two calls only, though B's call left a second before A's.
        QVERIFY(p.observe(a, 3'500, 3'000, 100, 98, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Separate);
        QVERIFY(!p.confirmed(a));
        QCOMPARE(p.components()[size_t(b)], b);
    }

    void callsInFlightAreNoEvidence()
    {
        // B's call left after A's: when A's reply was written the provider may not have counted
        // it yet, so A's count of 1 is no evidence that B's calls are elsewhere.
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
        p.sent(a, 1'000);
        p.sent(b, 1'300);
        QVERIFY(!p.observe(a, 1'400, 1'000, 100, 99, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Suspected);
        // Sent a second before A's, B's call would surely show in a shared count.
        PoolLearner q(kWindow);
        const int qa = q.addMember(kScope, true), qb = q.addMember(kScope, true);
        q.sent(qb, 1'000);
        q.sent(qa, 2'000);
        QVERIFY(q.observe(qa, 2'200, 2'000, 100, 99, false, true));
        QCOMPARE(q.pair(qa, qb), PoolLearner::Pair::Separate);
    }

    void aCallAnsweredBeforeTheOtherLeftIsInItsCount()
    {
        // A's call was answered before B's left, 200 ms later (within the send times' skew): in a
        // shared counter it is surely counted when B's call arrives. B's count of 1 shows two
        // counters (the learn runs of the second simulator: the pooled keys never parted).
        const Verdict answered = afterBsReply(true, 100, 99, false);
        QVERIFY(answered.changed);
        QCOMPARE(answered.pair, PoolLearner::Pair::Separate);
        // The same without the answer: no evidence either way.
        const Verdict unanswered = afterBsReply(false, 100, 99, false);
        QVERIFY(!unanswered.changed);
        QCOMPARE(unanswered.pair, PoolLearner::Pair::Suspected);
        // And as buckets (10 a minute: what A's call left in a shared one has not drained).
        const Verdict bucket = afterBsReply(true, 10, 9, true);
        QVERIFY(bucket.changed);
        QCOMPARE(bucket.pair, PoolLearner::Pair::Separate);
    }

    void aRefusedCallMayBeCountedOrNot()
    {
        // A refused call may be in the provider's count (OpenAI documents that it counts refused
        // requests) or not (a burst refused over a short interval): it explains a count, or its
        // absence, either way. Without that, a key whose refused calls its provider counted read
        // them as another key's calls and joined a pool it was not in.
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, false), b = p.addMember(kScope, false);
        p.sent(a, 1'000);
        p.sent(b, 2'000);
        p.refused(b, 2'000);
        p.sent(b, 3'000);
        p.refused(b, 3'000);
        // B's counter shows one request: A's call, or one of B's refused ones. No vote.
        QVERIFY(!p.observe(b, 3'100, 3'000, 100, 99, false, false));
        p.sent(b, 5'000);
        // Three: B's call and its two refused ones, all counted. Still no vote.
        QVERIFY(!p.observe(b, 5'300, 5'000, 100, 97, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Separate);
        // Four, then five: more than B ever sent, refusals included; A's call explains them.
        p.sent(b, 6'000);
        QVERIFY(!p.observe(b, 6'300, 6'000, 100, 95, false, true));   // one vote
        p.sent(b, 7'000);
        QVERIFY(p.observe(b, 7'300, 7'000, 100, 94, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Pooled);
    }

    void differentLimitsAreDifferentCounters()
    {
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
        p.sent(a, 1'000);
        p.observe(a, 1'200, 1'000, 100, 99, false, true);
        p.sent(b, 2'000);
        QVERIFY(p.observe(b, 2'200, 2'000, 500, 499, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Separate);
    }

    void aRememberedPoolStartsConfirmedAndASilentKeyEndsSuspicion()
    {
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, false), b = p.addMember(kScope, false), c = p.addMember(kScope, true),
                  d = p.addMember(kScope, true);
        p.setPooled(a, b);
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Pooled);
        QCOMPARE(p.pair(c, d), PoolLearner::Pair::Suspected);
        // A provider that sends no request counter can never show a pool: suspicion ends.
        QVERIFY(p.silent(c));
        QCOMPARE(p.pair(c, d), PoolLearner::Pair::Separate);
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Pooled);
    }

    void aBucketDrainsTheOtherKeysCalls()
    {
        // Counters refilled continuously (limit 60 a minute: one request a second): B's call 30 s
        // earlier has drained away, so A's count of 1 is no evidence against a pool; a burst of
        // ten B calls a second before A's has not, and a count of 1 then shows them apart.
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
        p.sent(b, 1'000);
        p.sent(a, 31'000);
        QVERIFY(!p.observe(a, 31'200, 31'000, 60, 59, true, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Suspected);
        QVERIFY(afterBsBurst(p, a, b, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Separate);
    }

    void aBucketKeptFullByItsOwnCallsIsNoPool()
    {
        // The second simulator's OpenAI keys with 48 texts, limits written (start apart): each a
        // bucket of 5 requests a 10-s window. Each key sends a burst of four, a fifth at 0.8 s,
        // then one call every 2.03 s, about the bucket's own pace (2 s), so its level stays at
        // 4.4-4.6 for the rest of the run and each reply shows 0 remaining (floored). Counted
        // from an empty bucket a window back, a key's own calls explained a level of about 1,
        // only with the other key's calls did the count fit, and the keys were merged: one pool
        // for the rest of the run, at half the pace.
        const qint64 w = 10'000;
        PoolLearner p(w);
        const int a = p.addMember(kScope, false), b = p.addMember(kScope, false);
        const double rate = 5.0 / double(w);
        double level[2] = {0, 0};
        qint64 at[2] = {0, 0};
        std::vector<std::pair<qint64, int>> sends{{0, 4}, {800, 1}};
        for (qint64 t = 2'800; t <= 30'000; t += 2'030)
            sends.emplace_back(t, 1);
        for (const auto &[t, n] : sends) {
            for (const int m : {a, b}) {
                level[m] = std::max(0.0, level[m] - rate * double(t - at[m])) + n;
                at[m] = t;
                for (int i = 0; i < n; ++i)
                    p.sent(m, t + i);
                const qint64 replyAt = t + 400 + 10 * m;
                p.answered(m, t + n - 1, replyAt);
                const double read = std::max(0.0, level[m] - rate * 150.0);   // the reply left at t + 150
                p.observe(m, replyAt, t + n - 1, 5, qint64(std::floor(5.0 - read)), true, true);
            }
            QVERIFY2(p.pair(a, b) == PoolLearner::Pair::Separate, qPrintable(QStringLiteral("merged at %1 ms").arg(t)));
        }
        // The same calls on one counter: one key's reply shows both keys' calls, and they merge.
        PoolLearner q(w);
        const int qa = q.addMember(kScope, false), qb = q.addMember(kScope, false);
        double pooled = 0;
        qint64 last = 0;
        for (qint64 t = 0; t <= 20'000 && q.pair(qa, qb) != PoolLearner::Pair::Pooled; t += 2'000) {
            const int n = t == 0 ? 2 : 1;
            pooled = std::max(0.0, pooled - rate * double(t - last)) + 2 * n;
            last = t;
            for (int i = 0; i < n; ++i) {
                q.sent(qa, t + i);
                q.sent(qb, t + 500 + i);
            }
            q.answered(qb, t + 500 + n - 1, t + 800);
            q.observe(qa, t + 900, t + n - 1, 5, qint64(std::floor(5.0 - std::min(5.0, pooled))), true, true);
        }
        QCOMPARE(q.pair(qa, qb), PoolLearner::Pair::Pooled);
    }

    void aCountNoWindowReachesIsReadAsABucket()
    {
        // The keys' state counts as a window (it learns nothing while the pool is suspected), the
        // provider refills a bucket (60 a minute). A's three calls 40 s ago, its own, already
        // make more than the count of 1 a window would still hold: no window explanation fits.
        // As a bucket's, B's burst a second before A's call would show; it does not.
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
        for (int i = 0; i < 3; ++i)
            p.sent(a, 1'000 + i);
        QVERIFY(afterBsBurst(p, a, b, false));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Separate);
    }

    void aSuspectSendsClearOfTheOthersCallsOnTheirWay()
    {
        PoolLearner p(kWindow);
        const int a = p.addMember(kScope, true), b = p.addMember(kScope, true);
        const int other = p.addMember(QStringLiteral("anthropic\nhttps://api.anthropic.com\nclaude"), true);
        QCOMPARE(p.clearOfSuspects(a), 0);
        p.sent(b, 5'000);
        p.sent(b, 5'000);
        p.sent(other, 5'100);
        // Sent together with B's calls, A's would be in B's count or not, and B's in A's: A waits.
        QCOMPARE(p.clearOfSuspects(a), 5'000 + p.skewMs() + 1);
        QCOMPARE(p.clearOfSuspects(b), 0);       // its own calls hold nothing
        QCOMPARE(p.clearOfSuspects(other), 0);   // another provider's keys are never one pool
        // A call answered is in the count of any call sent after it: only those on their way hold.
        p.answered(b, 5'000, 5'400);
        p.answered(b, 5'000, 5'450);
        QCOMPARE(p.clearOfSuspects(a), 0);
        p.sent(b, 6'000);
        QCOMPARE(p.clearOfSuspects(a), 6'000 + p.skewMs() + 1);
        // Keys shown apart send as they please.
        p.sent(a, 6'000 + p.skewMs() + 1);
        QVERIFY(p.observe(a, 6'700, 6'000 + p.skewMs() + 1, 100, 99, false, true));
        QCOMPARE(p.pair(a, b), PoolLearner::Pair::Separate);
        p.sent(b, 6'800);
        QCOMPARE(p.clearOfSuspects(a), 0);
    }
};

QTEST_GUILESS_MAIN(TstPoolLearner)
#include "tst_poollearner.moc"
