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
