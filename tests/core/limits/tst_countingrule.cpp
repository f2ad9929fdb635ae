// The counting rules (core/limits/countingrule.h): which rule a provider follows and what a call
// charges at admission under each, and which calls a fill plan sends together
// (core/limits/fillplan.h).
#include "core/limits/countingrule.h"
#include "core/limits/fillplan.h"

#include <QTest>

using namespace wb;

Q_DECLARE_METATYPE(wb::CountingRule)

class TstCountingRule final : public QObject {
    Q_OBJECT
private slots:
    void ruleForProvider_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<CountingRule>("rule");
        QTest::newRow("openai") << u"openai"_qs << CountingRule::OpenAi;
        QTest::newRow("compatible") << u"hosted_vllm"_qs << CountingRule::OpenAi;
        QTest::newRow("mistral") << u"mistral"_qs << CountingRule::Mistral;
        QTest::newRow("anthropic") << u"anthropic"_qs << CountingRule::Anthropic;
        QTest::newRow("gemini") << u"gemini"_qs << CountingRule::Gemini;
        QTest::newRow("vertex") << u"vertex_ai"_qs << CountingRule::Gemini;
    }
    void ruleForProvider()
    {
        QFETCH(QString, provider);
        QFETCH(CountingRule, rule);
        QCOMPARE(countingRuleFor(provider), rule);
    }

    void admissionCost_data()
    {
        QTest::addColumn<CountingRule>("rule");
        QTest::addColumn<qint64>("tokens");
        QTest::addColumn<qint64>("inputTokens");
        QTest::addColumn<qint64>("outputReserve");
        // 401 chars (-> 101 by chars/4), estimator says 90 prompt tokens, max_tokens 500,
        // expected output 300.
        QTest::newRow("openai: ceil(chars/4) + max_tokens") << CountingRule::OpenAi << qint64(601) << qint64(0) << qint64(0);
        QTest::newRow("mistral: estimate + max_tokens") << CountingRule::Mistral << qint64(590) << qint64(0) << qint64(0);
        QTest::newRow("anthropic: input only, output reserved") << CountingRule::Anthropic << qint64(90) << qint64(90) << qint64(300);
        QTest::newRow("gemini: input only") << CountingRule::Gemini << qint64(90) << qint64(0) << qint64(0);
    }
    void admissionCost()
    {
        QFETCH(CountingRule, rule);
        QFETCH(qint64, tokens);
        QFETCH(qint64, inputTokens);
        QFETCH(qint64, outputReserve);
        const AdmissionCost c = wb::admissionCost(rule, 401, 90, 500, 300);
        QCOMPARE(c.requests, 1);
        QCOMPARE(c.tokens, tokens);
        QCOMPARE(c.inputTokens, inputTokens);
        QCOMPARE(c.outputReserve, outputReserve);
    }

    void requestCharsCountsAllMessages()
    {
        ChatRequest r;
        r.system = u"abcd"_qs;
        r.user = u"héllo"_qs;
        QCOMPARE(requestChars(r), 9);
        QCOMPARE(charsToTokens(9), 3);
        QCOMPARE(charsToTokens(8), 2);
        QCOMPARE(charsToTokens(0), 0);
    }

    void aFillPlanTakesTheSetThatFillsBest()
    {
        const auto cost = [](qint64 tokens) {
            AdmissionCost c;
            c.tokens = tokens;
            return c;
        };
        const auto under = [](qint64 tokens, qint64 requests) {
            return [=](const AdmissionCost &c) { return c.tokens <= tokens && c.requests <= requests; };
        };
        // Room for 1300: first fit takes 612 + 462 and leaves 226 none of the rest fits;
        // 612 + 362 + 312 fills 1286.
        const std::vector<AdmissionCost> behind{cost(462), cost(412), cost(412), cost(362), cost(312)};
        auto plan = planFill(cost(612), behind, under(1300, 100), false);
        QVERIFY(plan);
        QCOMPARE(plan->members, (std::vector<int>{3, 4}));
        QVERIFY(!plan->passHead);
        // Room for two requests: the head and 462 is what first fit takes, and the best there is.
        QVERIFY(!planFill(cost(612), behind, under(1300, 2), false));
        // First fit fills best already: no plan.
        QVERIFY(!planFill(cost(612), {cost(612), cost(412)}, under(1300, 100), false));
        // A gap of 5907: the head (3200) leaves 2707, which none of the rest fits; 2833 + 2809
        // fill 5642. Only where the head may be passed over does that set go first.
        const std::vector<AdmissionCost> rest{cost(2833), cost(2809), cost(2794), cost(2748)};
        QVERIFY(!planFill(cost(3200), rest, under(5907, 100), false));
        plan = planFill(cost(3200), rest, under(5907, 100), true);
        QVERIFY(plan);
        QVERIFY(plan->passHead);
        QCOMPARE(plan->members, (std::vector<int>{0, 1}));
        // With the head as good as any set without it, the head is kept.
        QVERIFY(!planFill(cost(5642), rest, under(5907, 100), true));
        // Out of checks: what was found so far stands (here first fit, so no plan).
        QVERIFY(!planFill(cost(612), behind, under(1300, 100), false, 5));
    }

    void aBalancedPlanTakesItsShareOfCallsAndTokens()
    {
        // A window holds 3 calls and 1000 tokens; nine calls of 700, 500, 300, 200, 100, 100,
        // 100, 50 and 50 (2100) need three windows by either limit. Largest first, the first
        // window takes 700 + 300 and none of the rest fits the two slots left, so a fourth window
        // follows; taking each window's share of the calls and of the tokens packs three.
        const auto cost = [](qint64 tokens) {
            AdmissionCost c;
            c.tokens = tokens;
            return c;
        };
        const auto fits = [](const AdmissionCost &c) { return c.tokens <= 1000 && c.requests <= 3; };
        const WindowLimits limits{3, 1000, 0, 0};
        const auto windows = [&](bool balanced) {
            std::vector<qint64> queue{700, 500, 300, 200, 100, 100, 100, 50, 50};
            int n = 0;
            while (!queue.empty()) {
                ++n;
                std::vector<AdmissionCost> behind;
                AdmissionCost sum = cost(queue[0]);
                for (std::size_t i = 1; i < queue.size(); ++i) {
                    behind.push_back(cost(queue[i]));
                    sum = sum + behind.back();
                }
                std::optional<FillPlan> plan;
                if (balanced && countBinds(limits, sum))
                    plan = planBalanced(cost(queue[0]), behind, fits, true, sum.tokens / qint64(queue.size()));
                std::vector<std::size_t> go;   // queue positions sent into this window
                if (plan) {
                    AdmissionCost sent = plan->passHead ? AdmissionCost{0, 0, 0, 0, 0, 0, 0} : cost(queue[0]);
                    if (!plan->passHead)
                        go.push_back(0);
                    for (int i : plan->members) {
                        go.push_back(std::size_t(i) + 1);
                        sent = sent + behind[std::size_t(i)];
                    }
                    if (!fits(sent))
                        return -1;   // a plan must fit
                } else {
                    AdmissionCost sent{0, 0, 0, 0, 0, 0, 0};
                    for (std::size_t i = 0; i < queue.size(); ++i)
                        if (fits(sent + cost(queue[i]))) {
                            sent = sent + cost(queue[i]);
                            go.push_back(i);
                        }
                }
                for (auto it = go.rbegin(); it != go.rend(); ++it)
                    queue.erase(queue.begin() + std::ptrdiff_t(*it));
            }
            return n;
        };
        QCOMPARE(windows(false), 4);
        QCOMPARE(windows(true), 3);
        // The first window's set: three calls, no more than three mean calls' tokens (700).
        const std::vector<AdmissionCost> behind{cost(500), cost(300), cost(200), cost(100), cost(100), cost(100), cost(50), cost(50)};
        const auto plan = planBalanced(cost(700), behind, fits, true, 2100 / 9);
        QVERIFY(plan);
        qint64 tokens = plan->passHead ? 0 : 700;
        for (int i : plan->members)
            tokens += behind[std::size_t(i)].tokens;
        QCOMPARE(int(plan->members.size()) + (plan->passHead ? 0 : 1), 3);
        QVERIFY2(tokens <= 3 * (2100 / 9), qPrintable(QString::number(tokens)));
        // Where the tokens need more windows than the calls (room for 10 calls a window), largest
        // first stays: countBinds says no.
        AdmissionCost all = cost(700);
        for (const AdmissionCost &c : behind)
            all = all + c;
        QVERIFY(countBinds(limits, all));
        QVERIFY(!countBinds(WindowLimits{10, 1000, 0, 0}, all));
        // Outputs held for calls on their way count calls as requests do.
        QVERIFY(countBinds(WindowLimits{0, 1000, 0, 3 * 170}, [&] {
            AdmissionCost c = all;
            c.outputReserve = 9 * 170;
            return c;
        }()));
        // First fit already takes as many calls of no more than their share: no plan.
        QVERIFY(!planBalanced(cost(200), {cost(200), cost(200), cost(200)}, fits, true, 200));
    }

    void callTokensFormMatchesCharsForm()
    {
        // The estimator passes ceil(chars/4) directly; both forms must charge the same.
        for (CountingRule rule : {CountingRule::OpenAi, CountingRule::Mistral, CountingRule::Anthropic, CountingRule::Gemini}) {
            const AdmissionCost a = wb::admissionCost(rule, 401, 90, 500, 300);
            const AdmissionCost b = wb::admissionCost(rule, CallTokens{charsToTokens(401), 90, 500, 300});
            QCOMPARE(b.requests, a.requests);
            QCOMPARE(b.tokens, a.tokens);
            QCOMPARE(b.inputTokens, a.inputTokens);
            QCOMPARE(b.outputReserve, a.outputReserve);
        }
    }
};

QTEST_GUILESS_MAIN(TstCountingRule)
#include "tst_countingrule.moc"
