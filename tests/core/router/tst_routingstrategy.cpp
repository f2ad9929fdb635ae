// Routing strategies: which deployment each one picks from measured candidates. Pure, no network.
#include "core/router/deploymentstats.h"
#include "core/router/routingstrategy.h"

#include <QTest>

using namespace wb;

Q_DECLARE_METATYPE(wb::RoutingStrategy)

namespace {

RoutingCandidate busy(int inFlight)
{
    RoutingCandidate c;
    c.inFlight = inFlight;
    return c;
}

} // namespace

class TstRoutingStrategy final : public QObject {
    Q_OBJECT
private slots:
    void parse_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<RoutingStrategy>("expected");
        QTest::newRow("simple") << u"simple-shuffle"_qs << RoutingStrategy::SimpleShuffle;
        QTest::newRow("least-busy") << u"least-busy"_qs << RoutingStrategy::LeastBusy;
        QTest::newRow("usage") << u"usage-based-routing"_qs << RoutingStrategy::UsageBased;
        QTest::newRow("usage-v2") << u"usage-based-routing-v2"_qs << RoutingStrategy::UsageBasedV2;
        QTest::newRow("latency") << u"latency-based-routing"_qs << RoutingStrategy::LatencyBased;
        QTest::newRow("cost") << u"cost-based-routing"_qs << RoutingStrategy::CostBased;
        QTest::newRow("unknown is the default") << u"round-robin"_qs << RoutingStrategy::UsageBasedV2;
        QTest::newRow("empty is the default") << QString() << RoutingStrategy::UsageBasedV2;
    }
    void parse()
    {
        QFETCH(QString, name);
        QFETCH(RoutingStrategy, expected);
        QCOMPARE(parseRoutingStrategy(name), expected);
    }

    void inputs()
    {
        // The costly figures are only gathered for the strategies that read them.
        QVERIFY(routingInputs(RoutingStrategy::UsageBased).tokensUsed);
        QVERIFY(!routingInputs(RoutingStrategy::UsageBased).headroom);
        QVERIFY(routingInputs(RoutingStrategy::UsageBasedV2).headroom);
        QVERIFY(!routingInputs(RoutingStrategy::UsageBasedV2).cost);
        QVERIFY(routingInputs(RoutingStrategy::CostBased).cost);
        QVERIFY(routingInputs(RoutingStrategy::CostBased).headroom);
        const RoutingInputs none = routingInputs(RoutingStrategy::LeastBusy);
        QVERIFY(!none.tokensUsed && !none.headroom && !none.cost);
    }

    void singleCandidate()
    {
        std::mt19937_64 rng(1);
        for (RoutingStrategy s : {RoutingStrategy::SimpleShuffle, RoutingStrategy::LeastBusy, RoutingStrategy::UsageBased,
                                  RoutingStrategy::UsageBasedV2, RoutingStrategy::LatencyBased, RoutingStrategy::CostBased})
            QCOMPARE(pickCandidate(s, {busy(5)}, rng), std::size_t(0));
    }

    void leastBusy()
    {
        std::mt19937_64 rng(1);
        QCOMPARE(pickCandidate(RoutingStrategy::LeastBusy, {busy(3), busy(1), busy(2)}, rng), std::size_t(1));
    }

    void usageBased()
    {
        std::mt19937_64 rng(1);
        std::vector<RoutingCandidate> c(3);
        c[0].tokensUsed = 900;
        c[1].tokensUsed = 100;
        c[2].tokensUsed = 500;
        QCOMPARE(pickCandidate(RoutingStrategy::UsageBased, c, rng), std::size_t(1));
        // Equal usage: the one with fewer calls in flight.
        c[2].tokensUsed = 100;
        c[1].inFlight = 4;
        c[2].inFlight = 1;
        QCOMPARE(pickCandidate(RoutingStrategy::UsageBased, c, rng), std::size_t(2));
    }

    void usageBasedV2()
    {
        std::mt19937_64 rng(1);
        std::vector<RoutingCandidate> c(3);
        c[0].headroom = 0.2;
        c[1].headroom = 0.7;
        c[2].headroom = -0.5;   // would pass a limit
        QCOMPARE(pickCandidate(RoutingStrategy::UsageBasedV2, c, rng), std::size_t(1));
        // Equal headroom: fewer in flight wins; equal both: the first.
        c[0].headroom = 0.7;
        c[0].inFlight = 2;
        c[1].inFlight = 3;
        QCOMPARE(pickCandidate(RoutingStrategy::UsageBasedV2, c, rng), std::size_t(0));
        c[1].inFlight = 2;
        QCOMPARE(pickCandidate(RoutingStrategy::UsageBasedV2, c, rng), std::size_t(0));
    }

    void latencyBased()
    {
        std::mt19937_64 rng(7);
        std::vector<RoutingCandidate> c(3);
        for (auto &x : c)
            x.hasLatency = true;
        c[0].latencyPerToken = 30;
        c[1].latencyPerToken = 10;
        c[2].latencyPerToken = 20;
        // An unmeasured deployment is tried first.
        c[2].hasLatency = false;
        QCOMPARE(pickCandidate(RoutingStrategy::LatencyBased, c, rng), std::size_t(2));
        c[2].hasLatency = true;
        // Otherwise the fastest, apart from a little exploration (10 %, spread over all three).
        int fastest = 0;
        const int draws = 2000;
        for (int i = 0; i < draws; ++i)
            fastest += pickCandidate(RoutingStrategy::LatencyBased, c, rng) == 1;
        QVERIFY2(fastest > draws * 85 / 100 && fastest < draws, qPrintable(QString::number(fastest)));
    }

    void costBased()
    {
        std::mt19937_64 rng(1);
        std::vector<RoutingCandidate> c(3);
        c[0].worstCaseMicros = 500;
        c[1].worstCaseMicros = 200;
        c[2].worstCaseMicros = 300;
        c[0].headroom = 0.9;
        QCOMPARE(pickCandidate(RoutingStrategy::CostBased, c, rng), std::size_t(1));
        // Same price: more headroom wins.
        c[2].worstCaseMicros = 200;
        c[2].headroom = 0.5;
        c[1].headroom = 0.1;
        QCOMPARE(pickCandidate(RoutingStrategy::CostBased, c, rng), std::size_t(2));
    }

    void simpleShuffleFollowsWeights()
    {
        std::mt19937_64 rng(42);
        std::vector<RoutingCandidate> c(3);
        c[0].weight = 3;
        c[1].weight = 1;
        c[2].weight = 0;   // never picked while others have weight
        int counts[3] = {};
        const int draws = 4000;
        for (int i = 0; i < draws; ++i)
            ++counts[pickCandidate(RoutingStrategy::SimpleShuffle, c, rng)];
        QCOMPARE(counts[2], 0);
        QVERIFY2(counts[0] > draws * 70 / 100 && counts[0] < draws * 80 / 100, qPrintable(QString::number(counts[0])));
        // No weight anywhere: uniform, every candidate gets picked.
        for (auto &x : c)
            x.weight = 0;
        int seen[3] = {};
        for (int i = 0; i < 300; ++i)
            ++seen[pickCandidate(RoutingStrategy::SimpleShuffle, c, rng)];
        QVERIFY(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
    }

    void sameSeedSamePicks()
    {
        // Tests of the router rely on a seeded shuffle being reproducible.
        std::vector<RoutingCandidate> c(4);
        std::mt19937_64 a(9), b(9);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(pickCandidate(RoutingStrategy::SimpleShuffle, c, a), pickCandidate(RoutingStrategy::SimpleShuffle, c, b));
    }

    void deploymentStatsLearnFromReplies()
    {
        DeploymentStats s;
        s.consecutiveRateLimited = 3;
        Usage u;
        u.completionTokens = 100;
        u.promptTokens = 1100;
        u.reported = true;
        s.recordSuccess(2000, u, 1000);
        QCOMPARE(s.consecutiveRateLimited, 0);
        QVERIFY(s.hasLatency && s.hasOutputSample && s.hasPromptSample);
        QCOMPARE(s.latencyMsEwma, 2000.0);
        QCOMPARE(s.latencyPerTokenEwma, 20.0);
        QCOMPARE(s.expectedOutput, 100.0);
        QCOMPARE(s.promptRatio, 1.1);
        // Later samples move the averages a fifth of the way.
        u.completionTokens = 200;
        s.recordSuccess(1000, u, 0);   // no prompt estimate: the ratio is left alone
        QCOMPARE(s.latencyMsEwma, 1800.0);
        QCOMPARE(s.expectedOutput, 120.0);
        QCOMPARE(s.promptRatio, 1.1);
        // Unreported usage teaches only the latency.
        Usage none;
        s.recordSuccess(800, none, 1000);
        QCOMPARE(s.expectedOutput, 120.0);
        QCOMPARE(s.latencyMsEwma, 1600.0);
    }
};

QTEST_GUILESS_MAIN(TstRoutingStrategy)
#include "tst_routingstrategy.moc"
