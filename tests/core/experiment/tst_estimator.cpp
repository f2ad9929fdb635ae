// The pre-flight estimator: durations from the schedule simulation against analytic minima for
// each provider's counting rule, throughput of several deployments and of pools, costs against
// hand arithmetic, the budget verdict, recommendations and batching side by side.
#include "core/experiment/estimator.h"
#include "core/limits/limitstate.h"
#include "core/tokenize/tokenestimator.h"

#include <QDirIterator>
#include <QFile>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace wb;

namespace {

Deployment dep(const QString &id, const QString &group, const QString &provider, const QString &model)
{
    Deployment d;
    d.id = id;
    d.modelName = group;
    d.provider = provider;
    d.model = model;
    return d;
}

Framework framework(int dimensions = 2)
{
    Framework fw;
    fw.id = QStringLiteral("mft");
    fw.name = QStringLiteral("MFT");
    for (int i = 0; i < dimensions; ++i)
        fw.dimensions << Dimension{QStringLiteral("d%1").arg(i), QString(), QString(), 0.0, 1.0};
    return fw;
}

RunSpec runSpec(const QString &id, const QString &group, const QString &corpus = QStringLiteral("c"))
{
    RunSpec r;
    r.runId = id;
    r.model = group;
    r.framework = QStringLiteral("mft");
    r.corpus = corpus;
    return r;
}

/// `n` texts of `chars` characters each.
QList<EstimateText> texts(int n, int chars, const QString &corpus = QStringLiteral("c"))
{
    QList<EstimateText> out;
    for (int i = 0; i < n; ++i)
        out << EstimateText{corpus, QStringLiteral("t%1").arg(i, 5, 10, QLatin1Char('0')), QString(chars, QLatin1Char('x'))};
    return out;
}

/// A prompt whose size is exactly known: system "S" (1 char), user = the texts joined with no
/// separator; prompt tokens counted as characters.
EstimateInput baseInput(const QList<Deployment> &deps, const QList<RunSpec> &runs, const QList<EstimateText> &t, int maxTokens)
{
    EstimateInput in;
    in.models.deployments = deps;
    in.experiment.name = QStringLiteral("test");
    in.experiment.execution.maxTokens = maxTokens;
    in.experiment.execution.matrix = runs;
    in.frameworks << framework();
    in.texts = t;
    in.buildPrompt = [](const RunSpec &, const Framework &, const QList<EstimateText> &ts) {
        ChatRequest r;
        r.system = QStringLiteral("S");
        for (const EstimateText &x : ts)
            r.user += x.text();
        r.maxTokens = 0;   // filled below from the experiment
        return r;
    };
    const int mt = maxTokens;
    const auto inner = in.buildPrompt;
    in.buildPrompt = [inner, mt](const RunSpec &r, const Framework &f, const QList<EstimateText> &ts) {
        ChatRequest req = inner(r, f, ts);
        req.maxTokens = mt;
        return req;
    };
    in.countTokens = [](const QString &, const QString &, const ChatRequest &r) {
        return qint64(r.system.size() + r.user.size());
    };
    in.latency = LatencyModel{0.0, 0.0};
    in.windowMarginSeconds = 0;   // analytic minima
    return in;
}

EstimateReport estimate(const EstimateInput &in)
{
    auto r = estimateExperiment(in);
    if (!r)
        qFatal("estimate failed: %s", qPrintable(r.error().toString()));
    return *r;
}

const Recommendation *findRec(const EstimateReport &r, Recommendation::Kind k)
{
    for (const Recommendation &x : r.recommendations) {
        if (x.kind == k)
            return &x;
    }
    return nullptr;
}

/// One OpenAI deployment with tpm 1300 a minute and replies of 1 s, and calls of 12 prompt tokens
/// (by characters too) with these max_tokens, each charged 12 + max_tokens at admission.
/// rpm 10 for a minute, replies at once; and 25 calls of 100 prompt tokens for it.
ScheduleDeployment rpm10()
{
    ScheduleDeployment d;
    d.id = QStringLiteral("a");
    d.limits.rpm = 10;
    d.latency = LatencyModel{0, 0};
    return d;
}
std::vector<ScheduleCall> calls25()
{
    return std::vector<ScheduleCall>(25, ScheduleCall{0, 0, 100, 100, 50, 10});
}

ScheduleDeployment tpm1300()
{
    ScheduleDeployment d;
    d.id = QStringLiteral("gpt");
    d.limits.tpm = 1'300;
    d.latency = LatencyModel{1, 0};
    return d;
}
std::vector<ScheduleCall> callsWithMaxTokens(std::initializer_list<qint64> maxTokens)
{
    std::vector<ScheduleCall> calls;
    for (const qint64 m : maxTokens)
        calls.push_back(ScheduleCall{0, 0, 12, 12, m, 50});
    return calls;
}

} // namespace

class TestEstimator : public QObject {
    Q_OBJECT
private slots:
    void rpmBoundIsAnalyticMinimum();
    void bucketRefillsBeforeTheWindowWould();
    void aWindowTakesTheSetThatFillsItBest();
    void aWindowTakesItsShareOfCallsAndTokens();
    void spreadCallsGoAtTheRate();
    void settledChargeModelUsesTheRefund();
    void smallerCallsGoAheadLikeTheRouter();
    void openAiTpmCountsCharsAndMaxTokens();
    void mistralSettlesToActual();
    void geminiTpmIsInputOnly();
    void anthropicOtpmBound();
    void twoDeploymentsDoubleThroughput();
    void pooledDeploymentsDoNot();
    void latencyAndParallelism();
    void unschedulableCalls();
    void dailyQuotasCapADeploymentsShare();
    void aTokenQuotaWaitsForReplies();
    void costTotalsMatchHandArithmetic();
    void budgetVerdicts();
    void batchModePricesThePlan();
    void autoDecidesPerRun();
    void batchApiSideBySide();
    void addKeyHalvesDuration();
    void noAdviceWithoutEffect();
    void cheaperModelRecommendation();
    void batchingSideBySide();
    void customBatchPacker();
    void textSelection();
    void errorsAndCancel();
    void outputs();
    void sampledPromptsMatchExact();
    void realTokenEstimator();
    void largeScheduleIsExact();
    void chargesLikeTheRouter_data();
    void chargesLikeTheRouter();
    void worstCaseHoldsWhateverTheProviderCounts();
    void oversizedTextsAreNamed();
};

void TestEstimator::rpmBoundIsAnalyticMinimum()
{
    // Direct: rpm 10, 25 calls, zero latency -> admitted at 0, 60, 120 s.
    const ScheduleResult s = simulateSchedule({rpm10()}, calls25(), 1);
    QCOMPARE(s.durationSeconds, 120.0);
    QCOMPARE(s.deployments[0].calls, 25);
    QCOMPARE(s.unschedulable, 0);

    // The same through the estimator.
    Deployment a = dep(QStringLiteral("gpt-4o/1"), QStringLiteral("gpt-4o"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpm = 10;
    const EstimateReport r = estimate(baseInput({a}, {runSpec(QStringLiteral("r1"), QStringLiteral("gpt-4o"))}, texts(25, 100), 50));
    QCOMPARE(r.planned.durationSeconds, 120.0);
    QCOMPARE(r.planned.runs.first().durationSeconds, 120.0);
    QCOMPARE(r.planned.total.calls, 25);
    QCOMPARE(r.planned.binding.deploymentId, a.id);
    QCOMPARE(r.planned.binding.limit, QStringLiteral("rpm"));
    QCOMPARE(r.planned.deployments.first().rpm, 1.0);
    QCOMPARE(r.planned.deployments.first().tpm, -1.0);   // not configured

    // With latency: the last call admitted at 120 s returns 2 s later.
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r1"), QStringLiteral("gpt-4o"))}, texts(25, 100), 50);
    in.latency = LatencyModel{1.5, 0.01};   // 1.5 + 0.01 x expected output
    in.meanOutputTokensPerText.insert(QStringLiteral("r1"), 50);
    QCOMPARE(estimate(in).planned.durationSeconds, 122.0);

    // The router's safety margin after each window expiry delays each new window by it.
    in.windowMarginSeconds = 0.1;
    QCOMPARE(estimate(in).planned.durationSeconds, 122.2);
    QCOMPARE(simulateSchedule({rpm10()}, calls25(), 1, nullptr, 60.0, 0.5).durationSeconds, 121.0);
}

void TestEstimator::bucketRefillsBeforeTheWindowWould()
{
    // itpm 6000, 13 calls of 1000 input tokens, 1 s each: six at once, then in a window the next
    // six when the burst leaves (60 s) and the last a window later; in a bucket one per 10 s of refill.
    ScheduleDeployment d;
    d.id = QStringLiteral("claude");
    d.rule = CountingRule::Anthropic;
    d.limits.itpm = 6'000;
    d.latency = LatencyModel{1, 0};
    const std::vector<ScheduleCall> calls(13, ScheduleCall{0, 0, 1'000, 250, 100, 0});
    QCOMPARE(simulateSchedule({d}, calls, 1).durationSeconds, 121.0);
    d.algorithm = LimitAlgorithm::TokenBucket;
    QCOMPARE(simulateSchedule({d}, calls, 1).durationSeconds, 71.0);
    // Fixed windows whose first boundary comes 20 s into the run: six at once, six at the
    // boundary, the last at the next one (80 s). A charge within the slack (margin and clock skew)
    // of a boundary counts in the next window too: with the first boundary 0.5 s in, the first six
    // hold until the next one (60.5 s).
    d.algorithm = LimitAlgorithm::FixedWindow;
    d.fixedFirstBoundarySeconds = 20;
    QCOMPARE(simulateSchedule({d}, calls, 1).durationSeconds, 81.0);
    d.fixedFirstBoundarySeconds = 0.5;
    QCOMPARE(simulateSchedule({d}, calls, 1).durationSeconds, 121.5);

    // The estimator takes the provider's algorithm from the traits table, and the override.
    Deployment a = dep(QStringLiteral("claude/1"), QStringLiteral("claude"), QStringLiteral("anthropic"),
                       QStringLiteral("claude-3-5-haiku-20241022"));
    a.limits.itpm = 6'000;
    const auto run = [&] {
        return estimate(baseInput({a}, {runSpec(QStringLiteral("r1"), QStringLiteral("claude"))}, texts(40, 4'000), 50))
            .planned.durationSeconds;
    };
    const double bucket = run();
    a.limitAlgorithm = LimitAlgorithm::SlidingWindow;
    const double window = run();
    QVERIFY2(bucket < window, qPrintable(u"%1 vs %2"_qs.arg(bucket).arg(window)));
}

void TestEstimator::smallerCallsGoAheadLikeTheRouter()
{
    // OpenAI tpm 1300 for a minute, calls of 612, 712, 612, 412, 412 (12 + max_tokens), 1 s each.
    // In strict order: 612 | 712 | 612+412 | 412 -> four windows, 181 s. The router sends a call
    // behind a blocked head when the head still fits beside it at its time: 612+412 | 712+412 |
    // 612 -> 121 s.
    const ScheduleResult r = simulateSchedule({tpm1300()}, callsWithMaxTokens({600, 700, 600, 400, 400}), 1);
    QCOMPARE(r.durationSeconds, 121.0);
    QCOMPARE(r.unschedulable, 0);
    for (const int dep : r.deploymentOf)
        QCOMPARE(dep, 0);
    QCOMPARE(r.deployments[0].calls, 5);
}

void TestEstimator::aWindowTakesTheSetThatFillsItBest()
{
    // OpenAI tpm 1300 for a minute, calls of 612, 462, 412, 412, 362, 312 (12 + max_tokens), 1 s
    // each. In queue order the first window takes 612 + 462 (1074) and none of the rest fits the
    // 226 left; the second 412 + 412 + 362 (1186); the third 312: 121 s. With the head, the set
    // behind it that fills the window best goes: 612 + 362 + 312 (1286) | 462 + 412 + 412 (1286): 61 s.
    const ScheduleResult r = simulateSchedule({tpm1300()}, callsWithMaxTokens({600, 450, 400, 400, 350, 300}), 1);
    QCOMPARE(r.durationSeconds, 61.0);
    QCOMPARE(r.deployments[0].calls, 6);
}

void TestEstimator::aWindowTakesItsShareOfCallsAndTokens()
{
    // OpenAI rpm 3 and tpm 1000 for a minute, calls of 700, 500, 300, 200, 100, 100, 100, 50, 50
    // (12 + max_tokens), 1 s each: three windows by either limit. Largest first, the first window
    // takes 700 + 300 and nothing fits its third request, so the last call waits for a fourth
    // window (181 s); each window taking its share of the calls and of the tokens, as the router
    // plans it, sends everything in three: 121 s.
    ScheduleDeployment d = tpm1300();
    d.limits.tpm = 1'000;
    d.limits.rpm = 3;
    const ScheduleResult r = simulateSchedule({d}, callsWithMaxTokens({688, 488, 288, 188, 88, 88, 88, 38, 38}), 1);
    QCOMPARE(r.durationSeconds, 121.0);
    QCOMPARE(r.deployments[0].calls, 9);
}

void TestEstimator::spreadCallsGoAtTheRate()
{
    // rpm 10, 25 calls, zero latency: in bursts at 0, 60 and 120 s. A key an earlier run saw
    // holding its requests over short intervals too (counting.spread) sends one every 6 s: the
    // last at 144 s, as the router will.
    ScheduleDeployment d = rpm10();
    QCOMPARE(simulateSchedule({d}, calls25(), 1).durationSeconds, 120.0);
    d.spread = 1;
    QCOMPARE(simulateSchedule({d}, calls25(), 1).durationSeconds, 144.0);

    // The same from what a run remembered, through the estimator.
    Deployment a = dep(QStringLiteral("claude/1"), QStringLiteral("claude"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpm = 10;
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r1"), QStringLiteral("claude"))}, texts(25, 100), 50);
    QCOMPARE(estimate(in).planned.durationSeconds, 120.0);
    LearnedCounting spread;
    spread.spread = 1;
    in.learnedLimits.insert(a.id, LearnedDeploymentLimits{{}, in.windowSeconds, QDateTime::currentDateTimeUtc(), {}, 0, 0,
                                                          {}, {}, {}, spread});
    QCOMPARE(estimate(in).planned.durationSeconds, 144.0);
}

void TestEstimator::settledChargeModelUsesTheRefund()
{
    // OpenAI tpm 1400; each call charges 30 + 300 at admission and uses 30 + 90. Kept at admission
    // (the documented rule) 4 fit a minute; settled to usage, the replies give the rest back.
    ScheduleDeployment d;
    d.id = QStringLiteral("gpt");
    d.limits.tpm = 1'400;
    d.latency = LatencyModel{1, 0};
    const std::vector<ScheduleCall> calls(16, ScheduleCall{0, 0, 30, 30, 300, 90});
    const double kept = simulateSchedule({d}, calls, 1).durationSeconds;
    QCOMPARE(kept, 181.0);
    d.chargeModel = ChargeModel::SettledToUsage;
    const double settled = simulateSchedule({d}, calls, 1).durationSeconds;
    QVERIFY2(settled < kept / 2, qPrintable(QString::number(settled)));
}

void TestEstimator::openAiTpmCountsCharsAndMaxTokens()
{
    // Each call: 1 + 399 chars -> ceil(400/4) = 100 + max_tokens 900 = 1000 TPM at admission,
    // never refunded. tpm 10000 -> 10 calls per minute; 30 calls -> 0, 60, 120 s.
    Deployment a = dep(QStringLiteral("o/1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"));
    a.limits.tpm = 10000;
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(30, 399), 900);
    in.meanOutputTokensPerText.insert(QStringLiteral("g"), 100);
    EstimateReport r = estimate(in);
    QCOMPARE(r.planned.durationSeconds, 120.0);
    QCOMPARE(r.planned.binding.limit, QStringLiteral("tpm"));
    QCOMPARE(r.planned.total.promptTokens, 30 * 400);   // counted by the test's counter: chars

    // max_tokens burns TPM: halving it (400 + 100 = 500 per call) fits 20 per minute -> 0, 60 s.
    in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(30, 399), 400);
    in.meanOutputTokensPerText.insert(QStringLiteral("g"), 100);
    QCOMPARE(estimate(in).planned.durationSeconds, 60.0);
}

void TestEstimator::mistralSettlesToActual()
{
    // Mistral reserves prompt + max_tokens (400 + 900) but settles to prompt + actual (400 + 100):
    // with zero latency the reservations return at once and 30 calls (15,000 tokens settled)
    // do not fit one minute of 10,000... 20 do (10,000): admitted at 0, the rest at 60 s.
    Deployment a = dep(QStringLiteral("m/1"), QStringLiteral("g"), QStringLiteral("mistral"), QStringLiteral("mistral-small-latest"));
    a.limits.tpm = 10000;
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(30, 399), 900);
    in.meanOutputTokensPerText.insert(QStringLiteral("g"), 100);
    EstimateReport r = estimate(in);
    QCOMPARE(r.planned.durationSeconds, 60.0);
    // The same as OpenAI (charged 1300 at admission, never refunded): 7 per minute -> 5 windows.
    a.provider = QStringLiteral("openai");
    a.model = QStringLiteral("gpt-4o-mini");
    in.models.deployments = {a};
    in.texts = texts(30, 1599);   // 1600 chars -> 400 char-tokens + 900 = 1300
    QCOMPARE(estimate(in).planned.durationSeconds, 240.0);
}

void TestEstimator::geminiTpmIsInputOnly()
{
    // Gemini's TPM counts input only: 1000-token prompts, tpm 10000 -> 10 per minute whatever
    // max_tokens is. 20 calls -> 0 and 60 s.
    Deployment a = dep(QStringLiteral("g/1"), QStringLiteral("g"), QStringLiteral("gemini"), QStringLiteral("gemini-2.5-flash"));
    a.limits.tpm = 10000;
    const EstimateReport r = estimate(baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(20, 999), 8000));
    QCOMPARE(r.planned.durationSeconds, 60.0);
    QCOMPARE(r.planned.total.promptTokens, 20000);
}

void TestEstimator::anthropicOtpmBound()
{
    // OTPM 10,000, 500 output tokens per call, 100 calls, zero latency: 20 calls per minute,
    // output counted when produced -> batches at 0, 60, 120, 180, 240 s.
    Deployment a = dep(QStringLiteral("a/1"), QStringLiteral("claude"), QStringLiteral("anthropic"), QStringLiteral("claude-3-5-haiku-20241022"));
    a.limits.itpm = 1'000'000;
    a.limits.otpm = 10000;
    a.limitAlgorithm = LimitAlgorithm::SlidingWindow;   // the window's arithmetic (the bucket: see below)
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("claude"))}, texts(100, 99), 4000);
    in.meanOutputTokensPerText.insert(QStringLiteral("r"), 500);
    EstimateReport r = estimate(in);
    QCOMPARE(r.planned.durationSeconds, 240.0);
    QCOMPARE(r.planned.binding.limit, QStringLiteral("otpm"));
    QCOMPARE(r.planned.binding.deploymentId, a.id);
    QVERIFY(r.planned.deployments.first().itpm < 0.01);

    // max_tokens does not count for OTPM: 4000 vs 600 changes nothing.
    in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("claude"))}, texts(100, 99), 600);
    in.meanOutputTokensPerText.insert(QStringLiteral("r"), 500);
    QCOMPARE(estimate(in).planned.durationSeconds, 240.0);

    // With latency, output is charged when each call returns (2 s later), so every window
    // shifts by the latency: 0 -> 2 s charge -> next admissions at 62 s, ... last at 4 x 62 = 248,
    // returning at 250 s.
    in.latency = LatencyModel{2.0, 0.0};
    QCOMPARE(estimate(in).planned.durationSeconds, 250.0);
}

void TestEstimator::twoDeploymentsDoubleThroughput()
{
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpm = 10;
    Deployment b = a;
    b.id = QStringLiteral("k2");
    // One key: 40 calls at 10 rpm -> admitted at 0, 60, 120, 180.
    QCOMPARE(estimate(baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(40, 10), 10)).planned.durationSeconds,
             180.0);
    // Two keys of their own: 20 per minute -> 0, 60.
    const EstimateReport r = estimate(baseInput({a, b}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(40, 10), 10));
    QCOMPARE(r.planned.durationSeconds, 60.0);
    QCOMPARE(r.planned.deployments[0].calls, 20);
    QCOMPARE(r.planned.deployments[1].calls, 20);
}

void TestEstimator::pooledDeploymentsDoNot()
{
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpm = 10;
    a.rateLimitPool = QStringLiteral("org");
    Deployment b = a;
    b.id = QStringLiteral("k2");
    const EstimateReport r = estimate(baseInput({a, b}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(40, 10), 10));
    QCOMPARE(r.planned.durationSeconds, 180.0);
    QCOMPARE(r.planned.deployments[0].calls + r.planned.deployments[1].calls, 40);
    QCOMPARE(r.planned.deployments[0].windowKey, QStringLiteral("pool:org"));
    // A pool's limit is the stricter of its members'.
    b.limits.rpm = 5;
    QCOMPARE(estimate(baseInput({a, b}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(40, 10), 10)).planned.durationSeconds,
             420.0);   // 40 calls at 5 per minute: 8 windows -> last admitted at 7 x 60
    // A pool an earlier run learned from the providers' counters (none configured) is one too.
    Deployment c = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    Deployment e = c;
    e.id = QStringLiteral("k2");
    EstimateInput in = baseInput({c, e}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(40, 10), 10);
    RateLimits learned;
    learned.rpm = 10;
    for (const QString &id : {QStringLiteral("k1"), QStringLiteral("k2")})
        in.learnedLimits.insert(id, LearnedDeploymentLimits{learned, in.windowSeconds, QDateTime::currentDateTimeUtc(),
                                                            QStringLiteral("learned:k1"), 0, 0, {}, {}, {}, {}});
    QCOMPARE(estimate(in).planned.durationSeconds, 180.0);
    for (auto &l : in.learnedLimits)
        l.pool.clear();
    QCOMPARE(estimate(in).planned.durationSeconds, 60.0);   // without it: two keys of their own
}

void TestEstimator::latencyAndParallelism()
{
    // No limits: every call starts at once; the slowest decides. 2 s + 10 ms x 100 tokens = 3 s.
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(6, 10), 500);
    in.latency = LatencyModel{2.0, 0.01};
    in.meanOutputTokensPerText.insert(QStringLiteral("r"), 100);
    EstimateReport r = estimate(in);
    QCOMPARE(r.planned.durationSeconds, 3.0);
    QVERIFY(r.planned.binding.isLatency());
    QVERIFY(r.recommendations.isEmpty() || !findRec(r, Recommendation::Kind::AddKey));

    // max_parallel_requests 2: three waves of 3 s.
    a.limits.maxParallelRequests = 2;
    in.models.deployments = {a};
    r = estimate(in);
    QCOMPARE(r.planned.durationSeconds, 9.0);
    QCOMPARE(r.planned.binding.limit, QStringLiteral("max_parallel_requests"));
    QCOMPARE(r.planned.deployments.first().parallel, 1.0);
    // Per-deployment latency overrides the default.
    in.latencyByDeployment.insert(a.id, LatencyModel{1.0, 0.0});
    QCOMPARE(estimate(in).planned.durationSeconds, 3.0);
}

void TestEstimator::unschedulableCalls()
{
    // A call whose admission charge exceeds the tpm on its own can never be sent.
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.tpm = 1000;
    QList<EstimateText> t = texts(3, 10);
    t << EstimateText{QStringLiteral("c"), QStringLiteral("huge"), QString(8000, QLatin1Char('y'))};
    const EstimateReport r = estimate(baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, t, 100));
    QCOMPARE(r.planned.total.unschedulableCalls, 1);
    QCOMPARE(r.planned.runs.first().unschedulableCalls, 1);
    QVERIFY(r.warnings.join(u'\n').contains(QStringLiteral("never be sent")));
}

void TestEstimator::dailyQuotasCapADeploymentsShare()
{
    // rpd in the model list: the key takes its quota and the group's other key the rest; with an
    // earlier run's use remembered, less; parked by a refused quota, none; alone, the rest is
    // reported as failing until the reset (not as never sendable).
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    Deployment b = dep(QStringLiteral("k2"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpd = 3;
    auto callsOf = [](const EstimateReport &r, const QString &id) {
        for (const DeploymentEstimate &d : r.planned.deployments)
            if (d.id == id)
                return d.calls;
        return qint64(-1);
    };
    EstimateInput in = baseInput({a, b}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(10, 400), 100);
    EstimateReport r = estimate(in);
    QCOMPARE(callsOf(r, QStringLiteral("k1")), 3);
    QCOMPARE(callsOf(r, QStringLiteral("k2")), 7);
    QCOMPARE(r.planned.total.overDailyQuotaCalls, 0);

    LearnedDeploymentLimits used;
    used.dayRequests = 2;
    used.dayResetsAt = QDateTime::currentDateTimeUtc().addSecs(3600);
    in.learnedLimits.insert(QStringLiteral("k1"), used);
    r = estimate(in);
    QCOMPARE(callsOf(r, QStringLiteral("k1")), 1);
    used.dayResetsAt = QDateTime::currentDateTimeUtc().addSecs(-1);   // yesterday's use counts for nothing
    in.learnedLimits.insert(QStringLiteral("k1"), used);
    QCOMPARE(callsOf(estimate(in), QStringLiteral("k1")), 3);

    LearnedDeploymentLimits refused;
    refused.quotaUntil = QDateTime::currentDateTimeUtc().addSecs(3600);
    refused.quotaWhat = QStringLiteral("requests per day");
    in.learnedLimits.insert(QStringLiteral("k2"), refused);
    in.learnedLimits.remove(QStringLiteral("k1"));
    r = estimate(in);
    QCOMPARE(callsOf(r, QStringLiteral("k2")), 0);
    QCOMPARE(callsOf(r, QStringLiteral("k1")), 3);
    QCOMPARE(r.planned.total.overDailyQuotaCalls, 7);
    QCOMPARE(r.planned.runs.first().overDailyQuotaCalls, 7);
    QCOMPARE(r.planned.total.unschedulableCalls, 0);
    const QString warnings = r.warnings.join(u'\n');
    QVERIFY2(warnings.contains(QStringLiteral("7 calls find the daily quotas (rpd/tpd) of every deployment of group g used up")),
             qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("deployment k2: requests per day was exhausted in an earlier run")), qPrintable(warnings));
    QCOMPARE(r.planned.total.toJson().value(QStringLiteral("over_daily_quota_calls")).toInteger(), 7);
}

void TestEstimator::aTokenQuotaWaitsForReplies()
{
    // tpd counts a call at prompt + max_tokens until its reply settles it to usage (as the router
    // does): calls whose worst cases do not fit together wait for replies rather than being given
    // up; once nothing is in flight and the next worst case does not fit, the key is done.
    ScheduleDeployment d;
    d.id = QStringLiteral("d");
    d.limits.tpd = 1100 + 4 * 200;
    const ScheduleCall call{0, 0, 100, 100, 1000, 100};   // worst case 1100, used 200
    const ScheduleResult sim = simulateSchedule({d}, std::vector<ScheduleCall>(6, call), 1);
    QCOMPARE(sim.deployments.front().calls, 5);
    QCOMPARE(sim.overDailyQuota, 1);
    QCOMPARE(std::count(sim.deploymentOf.begin(), sim.deploymentOf.end(), ScheduleResult::kOverDailyQuota), 1);
    QCOMPARE(sim.unschedulable, 0);
    QVERIFY2(sim.durationSeconds > 5 * 1.5, qPrintable(QString::number(sim.durationSeconds)));   // one after another
}

void TestEstimator::costTotalsMatchHandArithmetic()
{
    // gpt-4o ($2.50 / $10.00 per M): 25 calls of 1000 prompt tokens (1 + 999 chars), 200 output
    // expected, max_tokens 2000.
    //   expected per call 1000 x 2.5 + 200 x 10 = 4,500 micro-$ -> 112,500 for 25
    //   worst per call, the prompt at its hard bound: 1000 UTF-8 bytes + 2 messages x 16 + 32 =
    //   1064 tokens; 1064 x 2.5 + 2000 x 10 = 22,660                 -> 566,500
    // claude-haiku-4-5 ($1 / $5), 10 texts x 3 repetitions, 500 prompt, 300 output:
    //   expected 500 + 1500 = 2,000 x 30 = 60,000; worst (500 + 64) + 2000 x 5 = 10,564 x 30 = 316,920
    Deployment o = dep(QStringLiteral("o"), QStringLiteral("gpt-4o"), QStringLiteral("openai"), QStringLiteral("gpt-4o-2024-08-06"));
    Deployment c = dep(QStringLiteral("c"), QStringLiteral("haiku"), QStringLiteral("anthropic"), QStringLiteral("claude-haiku-4-5-20251001"));
    RunSpec r1 = runSpec(QStringLiteral("r1"), QStringLiteral("gpt-4o"));
    RunSpec r2 = runSpec(QStringLiteral("r2"), QStringLiteral("haiku"), QStringLiteral("c2"));
    r2.repetitions = 3;
    QList<EstimateText> t = texts(25, 999);
    t += texts(10, 499, QStringLiteral("c2"));
    EstimateInput in = baseInput({o, c}, {r1, r2}, t, 2000);
    in.meanOutputTokensPerText.insert(QStringLiteral("gpt-4o"), 200);   // by group
    in.meanOutputTokensPerText.insert(QStringLiteral("r2"), 300);       // by run
    const EstimateReport r = estimate(in);
    const RunEstimate &a = r.planned.runs[0], &b = r.planned.runs[1];
    QCOMPARE(a.calls, 25);
    QCOMPARE(a.promptTokens, 25000);
    QCOMPARE(a.expectedOutputTokens, 5000);
    QCOMPARE(a.worstOutputTokens, 50000);
    QCOMPARE(a.expectedCostMicros, 112500);
    QCOMPARE(a.worstCostMicros, 566500);
    QCOMPARE(b.texts, 10);
    QCOMPARE(b.repetitions, 3);
    QCOMPARE(b.calls, 30);
    QCOMPARE(b.expectedCostMicros, 60000);
    QCOMPARE(b.worstCostMicros, 316920);
    QCOMPARE(r.planned.total.calls, 55);
    QCOMPARE(r.planned.total.expectedCostMicros, 172500);
    QCOMPARE(r.planned.total.worstCostMicros, 883420);
    QCOMPARE(r.planned.deployments[0].expectedCostMicros, 112500);
    QCOMPARE(a.tokenMethod, QStringLiteral("custom"));

    // Default output estimate from the framework: 10 + 40 per dimension (2) = 90 tokens.
    in.meanOutputTokensPerText.clear();
    const EstimateReport d = estimate(in);
    QCOMPARE(d.planned.runs[0].expectedOutputTokens, 25 * 90);
    QCOMPARE(d.planned.runs[0].expectedCostMicros, 25 * (2500 + 900));

    // Sub-micro-dollar calls add up exactly: gpt-4o-mini, 1 prompt token, no output, 1,000 calls
    // = 1,000 x 0.15 = 150 micro-$ (per-call rounding would say 0).
    Deployment m = dep(QStringLiteral("m"), QStringLiteral("mini"), QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"));
    EstimateInput tiny = baseInput({m}, {runSpec(QStringLiteral("r"), QStringLiteral("mini"))}, texts(1000, 0), 0);
    tiny.buildPrompt = [](const RunSpec &, const Framework &, const QList<EstimateText> &) {
        ChatRequest q;
        q.user = QStringLiteral("x");
        q.maxTokens = 0;
        return q;
    };
    QCOMPARE(estimate(tiny).planned.total.expectedCostMicros, 150);
}

namespace {
/// Two groups: "full" (OpenAI, batch = half the list price) and "cut"
/// (Anthropic, LiteLLM batch prices $1 / $4 per M); 20 calls each of 1000 prompt and 100 output tokens.
EstimateInput twoGroupInput()
{
    const QByteArray map = R"({
        "full": {"litellm_provider": "openai", "mode": "chat",
                 "input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5},
        "cut": {"litellm_provider": "anthropic", "mode": "chat",
                "input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5,
                "input_cost_per_token_batches": 1e-6, "output_cost_per_token_batches": 4e-6}
    })";
    Deployment f = dep(QStringLiteral("f"), QStringLiteral("full"), QStringLiteral("openai"), QStringLiteral("full"));
    Deployment c = dep(QStringLiteral("c"), QStringLiteral("cut"), QStringLiteral("anthropic"), QStringLiteral("cut"));
    QList<EstimateText> t = texts(20, 999);
    t += texts(20, 999, QStringLiteral("c2"));
    EstimateInput in = baseInput({f, c}, {runSpec(QStringLiteral("r1"), QStringLiteral("full")),
                                          runSpec(QStringLiteral("r2"), QStringLiteral("cut"), QStringLiteral("c2"))}, t, 1000);
    in.prices = PriceTable();
    if (!in.prices.importLiteLlmJson(map))
        qFatal("price map");
    in.meanOutputTokensPerText.insert(QStringLiteral("full"), 100);
    in.meanOutputTokensPerText.insert(QStringLiteral("cut"), 100);
    in.recommendations = false;
    return in;
}
} // namespace

void TestEstimator::batchApiSideBySide()
{
    // Two models: "full" has no batch prices (batch = half the list price), "cut" has LiteLLM batch
    // prices that are not half ($1 / $4 per M against $2.50 / $10). 20 calls each of 1000 prompt
    // tokens (1 + 999 chars) and 100 output tokens.
    //   full live 20 x (1000 x 2.5 + 100 x 10) = 70,000 micro-$; batch 35,000
    //   cut  live 70,000;                                        batch 20 x (1000 + 400) = 28,000
    EstimateInput in = twoGroupInput();
    const Deployment f = in.models.deployments[0];

    EstimateInput onlyFull = in;
    onlyFull.models.deployments = {f};
    onlyFull.experiment.execution.matrix = {in.experiment.execution.matrix[0]};
    const EstimateReport half = estimate(onlyFull);
    QCOMPARE(half.planned.total.expectedCostMicros, 70000);
    QCOMPARE(half.batchApi.liveExpectedCostMicros, 70000);
    QCOMPARE(half.batchApi.expectedCostMicros, 35000);
    QCOMPARE(half.batchApi.worstCostMicros * 2, half.planned.total.worstCostMicros);
    QCOMPARE(half.batchApi.batchCalls, 20);
    QCOMPARE(half.batchApi.liveCalls, 0);
    QCOMPARE(half.batchApi.completionSeconds, 24 * 3600.0);
    QVERIFY2(half.batchApi.basis.contains(QStringLiteral("24 h for openai")), qPrintable(half.batchApi.basis));

    const EstimateReport both = estimate(in);
    QCOMPARE(both.planned.total.expectedCostMicros, 140000);
    QCOMPARE(both.batchApi.expectedCostMicros, 35000 + 28000);
    // The planned (live) estimate is not changed by computing the alternative.
    QCOMPARE(both.planned.runs[1].expectedCostMicros, 70000);

    // A provider without a batch API we speak stays live, at its list price.
    Deployment z = dep(QStringLiteral("z"), QStringLiteral("full"), QStringLiteral("azure"), QStringLiteral("full"));
    z.price.inputCostPerToken = 2.5e-6;
    z.price.outputCostPerToken = 1e-5;
    EstimateInput azure = onlyFull;
    azure.models.deployments = {z};
    const EstimateReport live = estimate(azure);
    QCOMPARE(live.batchApi.liveCalls, 20);
    QCOMPARE(live.batchApi.batchCalls, 0);
    QCOMPARE(live.batchApi.expectedCostMicros, live.planned.total.expectedCostMicros);
    QCOMPARE(live.batchApi.completionSeconds, 0.0);

    // A key's queue limit of 8,000 enqueued tokens against 20,000 prompt tokens: three windows.
    onlyFull.experiment.execution.batchApi.maxEnqueuedTokens = 8000;
    const EstimateReport queued = estimate(onlyFull);
    QCOMPARE(queued.batchApi.windows, 3);
    QCOMPARE(queued.batchApi.completionSeconds, 3 * 24 * 3600.0);

    const QJsonObject j = both.toJson().value(QStringLiteral("batch")).toObject();
    QCOMPARE(j.value(QStringLiteral("expected_cost_usd")).toDouble(), 0.063);
    QCOMPARE(j.value(QStringLiteral("completion_s")).toDouble(), 86400.0);
    QVERIFY(both.toText().contains(QStringLiteral("live $0.1400, ~")));
    QVERIFY(both.toText().contains(QStringLiteral("batch $0.0630, within ~24 h")));
}


void TestEstimator::batchModePricesThePlan()
{
    // execution.mode batch: the planned cost, the worst case and the budget verdict are at the batch
    // prices (35,000 + 28,000 micro-$ expected), the live plan stays beside it (140,000).
    EstimateInput in = twoGroupInput();
    const EstimateReport live = estimate(in);
    QCOMPARE(live.planned.total.expectedCostMicros, 140000);
    QCOMPARE(live.planned.runs[0].mode, QStringLiteral("live"));
    in.experiment.execution.mode = ExecutionMode::Batch;
    const EstimateReport batch = estimate(in);
    QCOMPARE(batch.planned.runs[0].mode, QStringLiteral("batch"));
    QCOMPARE(batch.planned.runs[1].mode, QStringLiteral("batch"));
    QCOMPARE(batch.planned.runs[0].expectedCostMicros, 35000);
    QCOMPARE(batch.planned.runs[1].expectedCostMicros, 28000);
    QCOMPARE(batch.planned.total.expectedCostMicros, 63000);
    QCOMPARE(batch.planned.runs[0].worstCostMicros * 2, live.planned.runs[0].worstCostMicros);
    QCOMPARE(batch.budget.expectedMicros, 63000);
    QCOMPARE(batch.batchApi.liveExpectedCostMicros, 140000);
    QCOMPARE(batch.batchApi.expectedCostMicros, 63000);
    QCOMPARE(batch.planned.deployments[0].expectedCostMicros, 35000);
    QCOMPARE(batch.toJson().value(QStringLiteral("planned")).toObject().value(QStringLiteral("runs")).toArray()
                 .at(1).toObject().value(QStringLiteral("mode")).toString(), QStringLiteral("batch"));

    // A budget the batch worst case fits and the live worst case does not.
    const double cap = double(batch.planned.total.worstCostMicros + 1000) / 1e6;
    QVERIFY(cap * 1e6 < double(live.planned.total.worstCostMicros));
    in.experiment.costControls.maxBudget = cap;
    const EstimateReport fits = estimate(in);
    QCOMPARE(fits.budget.status, BudgetVerdict::Status::Fits);
    QVERIFY2(fits.budget.message.contains(QStringLiteral("batch price")), qPrintable(fits.budget.message));
    in.experiment.execution.mode = ExecutionMode::Live;
    QCOMPARE(estimate(in).budget.status, BudgetVerdict::Status::WorstCaseExceeds);
    in.experiment.costControls.maxBudget = 0.1;   // between 63,000 batch and 140,000 live expected
    QCOMPARE(estimate(in).budget.status, BudgetVerdict::Status::Exceeds);
    in.experiment.execution.mode = ExecutionMode::Batch;
    QVERIFY(estimate(in).budget.expectedMicros <= 100000);
    QVERIFY(estimate(in).budget.status != BudgetVerdict::Status::Exceeds);
    in.experiment.costControls.maxBudget = cap;
    in.experiment.execution.mode = ExecutionMode::Live;

    // A run's own mode: r2 live inside a batch experiment keeps its list price.
    in.experiment.execution.mode = ExecutionMode::Batch;
    in.experiment.execution.matrix[1].mode = ExecutionMode::Live;
    const EstimateReport mixed = estimate(in);
    QCOMPARE(mixed.planned.runs[1].mode, QStringLiteral("live"));
    QCOMPARE(mixed.planned.runs[1].modeReason, QStringLiteral("mode: live"));
    QCOMPARE(mixed.planned.total.expectedCostMicros, 35000 + 70000);

    // A group without a batch API stays live, at the list price, and says why.
    EstimateInput azure = twoGroupInput();
    Deployment z = dep(QStringLiteral("z"), QStringLiteral("full"), QStringLiteral("azure"), QStringLiteral("full"));
    z.price.inputCostPerToken = 2.5e-6;
    z.price.outputCostPerToken = 1e-5;
    azure.models.deployments[0] = z;
    azure.experiment.execution.mode = ExecutionMode::Batch;
    const EstimateReport az = estimate(azure);
    QCOMPARE(az.planned.runs[0].mode, QStringLiteral("live"));
    QVERIFY2(az.planned.runs[0].modeReason.contains(QStringLiteral("no deployment of full has a batch API")),
             qPrintable(az.planned.runs[0].modeReason));
    QCOMPARE(az.planned.runs[0].expectedCostMicros, 70000);
    QCOMPARE(az.planned.runs[1].expectedCostMicros, 28000);
}

void TestEstimator::autoDecidesPerRun()
{
    // auto with batch_after 10 min: "full" at rpm 1 needs 19 min for its 20 calls (admitted at
    // 0, 60, ..., 1140 s) and goes to batch; "cut" has no limit and finishes at once: live.
    EstimateInput in = twoGroupInput();
    in.models.deployments[0].limits.rpm = 1;
    in.experiment.execution.mode = ExecutionMode::Auto;
    in.experiment.execution.batchApi.batchAfterSeconds = 600;
    const EstimateReport r = estimate(in);
    QCOMPARE(r.planned.runs[0].durationSeconds, 1140.0);
    QCOMPARE(r.planned.runs[0].mode, QStringLiteral("batch"));
    QCOMPARE(r.planned.runs[1].mode, QStringLiteral("live"));
    QVERIFY2(r.planned.runs[0].modeReason.startsWith(QStringLiteral("auto: live estimate 19m 00s over batch_after 10m 00s")),
             qPrintable(r.planned.runs[0].modeReason));
    QVERIFY2(r.planned.runs[1].modeReason.contains(QStringLiteral("within")), qPrintable(r.planned.runs[1].modeReason));
    QCOMPARE(r.planned.total.expectedCostMicros, 35000 + 70000);
    // The text report names each run's mode and why.
    const QString text = r.toText();
    QVERIFY2(text.contains(QStringLiteral("r1: batch (auto: live estimate 19m 00s over batch_after 10m 00s)")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("r2: live (auto: live estimate")), qPrintable(text));

    // A longer threshold keeps both live.
    in.experiment.execution.batchApi.batchAfterSeconds = 3600;
    const EstimateReport both = estimate(in);
    QCOMPARE(both.planned.runs[0].mode, QStringLiteral("live"));
    QVERIFY2(both.planned.runs[0].modeReason.startsWith(QStringLiteral("auto: live estimate 19m 00s within batch_after 1h 00m 00s")),
             qPrintable(both.planned.runs[0].modeReason));
    QVERIFY(both.toText().contains(QStringLiteral("r1: live (auto: live estimate 19m 00s within")));
    QCOMPARE(both.planned.total.expectedCostMicros, 140000);
}

void TestEstimator::budgetVerdicts()
{
    // Expected $0.1125, worst $0.5665 (see costTotalsMatchHandArithmetic).
    Deployment o = dep(QStringLiteral("o"), QStringLiteral("gpt-4o"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    EstimateInput in = baseInput({o}, {runSpec(QStringLiteral("r1"), QStringLiteral("gpt-4o"))}, texts(25, 999), 2000);
    in.meanOutputTokensPerText.insert(QStringLiteral("r1"), 200);

    QCOMPARE(estimate(in).budget.status, BudgetVerdict::Status::NoBudget);

    in.models.costControls.maxBudget = 1.0;
    EstimateReport r = estimate(in);
    QCOMPARE(r.budget.status, BudgetVerdict::Status::Fits);
    QCOMPARE(r.budget.source, QStringLiteral("model list"));
    QVERIFY(r.budget.feasible());

    in.models.costControls.maxBudget = 0.30;
    r = estimate(in);
    QCOMPARE(r.budget.status, BudgetVerdict::Status::WorstCaseExceeds);

    in.models.costControls.maxBudget = 0.10;
    r = estimate(in);
    QCOMPARE(r.budget.status, BudgetVerdict::Status::Exceeds);
    QVERIFY(!r.budget.feasible());
    QVERIFY(r.budget.message.contains(QStringLiteral("88%")));   // 0.10 / 0.1125

    // The experiment's cost_controls override the model list's.
    in.experiment.costControls.maxBudget = 5.0;
    r = estimate(in);
    QCOMPARE(r.budget.status, BudgetVerdict::Status::Fits);
    QCOMPARE(r.budget.source, QStringLiteral("experiment"));

    // Spend already booked in the period counts: $4.50 spent leaves $0.50 < worst case.
    in.spentMicros = 4'500'000;
    r = estimate(in);
    QCOMPARE(r.budget.status, BudgetVerdict::Status::WorstCaseExceeds);
    QCOMPARE(r.toJson().value(QStringLiteral("budget")).toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("worst_case_exceeds"));
}

void TestEstimator::addKeyHalvesDuration()
{
    // 41 calls at rpm 10: windows of 10,10,10,10,1 -> 240 s. A second key: 21 + 20 -> 120 s.
    Deployment a = dep(QStringLiteral("gpt-4o/1"), QStringLiteral("gpt-4o"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpm = 10;
    const EstimateReport r = estimate(baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("gpt-4o"))}, texts(41, 10), 10));
    QCOMPARE(r.planned.durationSeconds, 240.0);
    const Recommendation *key = findRec(r, Recommendation::Kind::AddKey);
    QVERIFY(key);
    QCOMPARE(key->baseDurationSeconds, 240.0);
    QCOMPARE(key->durationSeconds, 120.0);
    QCOMPARE(key->expectedCostMicros, r.planned.total.expectedCostMicros);
    QVERIFY(key->title.contains(a.id));
    // A higher tier (rpm 20) does the same for one key.
    const Recommendation *tier = findRec(r, Recommendation::Kind::HigherTier);
    QVERIFY(tier);
    QCOMPARE(tier->durationSeconds, 120.0);
}

void TestEstimator::noAdviceWithoutEffect()
{
    // Two groups each bound by rpm 10 for 41 calls (240 s): a second key for one of them still
    // leaves the other at 240 s, so neither a key nor a tier is recommended.
    Deployment a = dep(QStringLiteral("gpt-4o/1"), QStringLiteral("gpt-4o"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    Deployment b = dep(QStringLiteral("mini/1"), QStringLiteral("mini"), QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"));
    a.limits.rpm = 10;
    b.limits.rpm = 10;
    const EstimateReport r = estimate(baseInput({a, b}, {runSpec(QStringLiteral("r1"), QStringLiteral("gpt-4o")),
                                                         runSpec(QStringLiteral("r2"), QStringLiteral("mini"))},
                                                texts(41, 10), 10));
    QCOMPARE(r.planned.durationSeconds, 240.0);
    QVERIFY(!findRec(r, Recommendation::Kind::AddKey));
    QVERIFY(!findRec(r, Recommendation::Kind::HigherTier));
    for (const Recommendation &x : r.recommendations)
        QVERIFY2(x.durationSeconds < x.baseDurationSeconds || x.expectedCostMicros < x.baseExpectedCostMicros,
                 qPrintable(x.title));
}

void TestEstimator::cheaperModelRecommendation()
{
    // gpt-4o -> gpt-4o-mini: 25 x (1000 x 0.15 + 200 x 0.60) = 25 x 270 = 6,750 micro-$.
    Deployment o = dep(QStringLiteral("o"), QStringLiteral("gpt-4o"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    EstimateInput in = baseInput({o}, {runSpec(QStringLiteral("r1"), QStringLiteral("gpt-4o"))}, texts(25, 999), 2000);
    in.meanOutputTokensPerText.insert(QStringLiteral("r1"), 200);
    const EstimateReport r = estimate(in);
    const Recommendation *c = findRec(r, Recommendation::Kind::CheaperModel);
    QVERIFY(c);
    QVERIFY(c->title.contains(QStringLiteral("gpt-4o-mini")));
    QCOMPARE(c->baseExpectedCostMicros, 112500);
    QCOMPARE(c->expectedCostMicros, 6750);
    QCOMPARE(c->durationSeconds, r.planned.durationSeconds);
}

void TestEstimator::batchingSideBySide()
{
    // 40 texts of 1000 characters; the fixed part of each prompt is "S" (1) and the default
    // packing fits max_batch_tokens 4500 / at most 20 texts -> 4 texts per call (1 + 4000).
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpm = 5;
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(40, 1000), 2000);
    in.meanOutputTokensPerText.insert(QStringLiteral("r"), 100);
    in.experiment.execution.batching.enabled = true;
    in.experiment.execution.batching.maxBatchTokens = 4500;
    in.experiment.execution.batching.maxTextsPerBatch = 20;
    const EstimateReport r = estimate(in);
    QVERIFY(r.planned.batched);
    QVERIFY(r.unbatched);
    QVERIFY(!r.unbatched->batched);
    QCOMPARE(r.unbatched->total.calls, 40);
    QCOMPARE(r.planned.total.calls, 10);
    QCOMPARE(r.planned.total.texts, 40);
    QCOMPARE(r.planned.total.promptTokens, 10 * 4001);
    QCOMPARE(r.unbatched->total.promptTokens, 40 * 1001);
    QCOMPARE(r.planned.total.expectedOutputTokens, r.unbatched->total.expectedOutputTokens);
    QVERIFY(r.planned.total.expectedCostMicros < r.unbatched->total.expectedCostMicros);
    // rpm 5: 10 calls -> 60 s; 40 calls -> 420 s.
    QCOMPARE(r.planned.durationSeconds, 60.0);
    QCOMPARE(r.unbatched->durationSeconds, 420.0);
    QVERIFY(r.toText().contains(QStringLiteral("Batched vs unbatched")));
    QVERIFY(!findRec(r, Recommendation::Kind::EnableBatching));

    // Not enabled: the recommendation carries the batched figures.
    in.experiment.execution.batching.enabled = false;
    const EstimateReport u = estimate(in);
    QVERIFY(!u.planned.batched);
    QVERIFY(!u.unbatched);
    const Recommendation *b = findRec(u, Recommendation::Kind::EnableBatching);
    QVERIFY(b);
    QCOMPARE(b->baseDurationSeconds, 420.0);
    QCOMPARE(b->durationSeconds, 60.0);
    QCOMPARE(b->expectedCostMicros, r.planned.total.expectedCostMicros);
}

void TestEstimator::customBatchPacker()
{
    // The batcher's own packing wins: pairs of texts.
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(9, 10), 100);
    in.experiment.execution.batching.enabled = true;
    int packerCalls = 0;
    in.packBatches = [&packerCalls](const RunSpec &, const Framework &, const QList<EstimateText> &ts) {
        ++packerCalls;
        QList<QList<int>> out;
        for (int i = 0; i < ts.size(); i += 2)
            out << (i + 1 < ts.size() ? QList<int>{i, i + 1} : QList<int>{i});
        return out;
    };
    const EstimateReport r = estimate(in);
    QCOMPARE(packerCalls, 1);
    QCOMPARE(r.planned.total.calls, 5);
    QCOMPARE(r.planned.total.promptTokens, 4 * 21 + 11);
}

void TestEstimator::textSelection()
{
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    RunSpec r1 = runSpec(QStringLiteral("r1"), QStringLiteral("g"));
    r1.include = QStringList{QStringLiteral("t0000*")};   // t00000..t00009
    RunSpec r2 = runSpec(QStringLiteral("r2"), QStringLiteral("g"));
    r2.limit = 7;
    RunSpec r3 = runSpec(QStringLiteral("r3"), QStringLiteral("g"), QStringLiteral("other"));
    const EstimateReport r = estimate(baseInput({a}, {r1, r2, r3}, texts(30, 10), 100));
    QCOMPARE(r.planned.runs[0].texts, 10);
    QCOMPARE(r.planned.runs[1].texts, 7);
    QCOMPARE(r.planned.runs[2].texts, 0);
    QVERIFY(r.warnings.join(u'\n').contains(QStringLiteral("r3 selects no texts")));
}

void TestEstimator::errorsAndCancel()
{
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("nope"))}, texts(3, 10), 100);
    auto r = estimateExperiment(in);
    QVERIFY(!r);
    QVERIFY(r.error().message.contains(QStringLiteral("nope")));

    in.experiment.execution.matrix = {runSpec(QStringLiteral("r"), QStringLiteral("g"))};
    in.frameworks.clear();
    QVERIFY(!estimateExperiment(in));

    in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(3000, 10), 100);
    std::atomic<bool> stop{false};
    in.cancel = &stop;
    QList<int> progress;
    in.progress = [&](int p) {
        progress << p;
        if (p >= 20)
            stop = true;
    };
    r = estimateExperiment(in);
    QVERIFY(!r);
    QVERIFY(r.error().message.contains(QStringLiteral("cancelled")));
    QVERIFY(!progress.isEmpty());
    QVERIFY(progress.last() < 100);

    // Progress runs to 100 and never goes backwards.
    in.cancel = nullptr;
    progress.clear();
    in.progress = [&](int p) { progress << p; };
    QVERIFY(estimateExperiment(in));
    QCOMPARE(progress.last(), 100);
    QVERIFY(std::is_sorted(progress.cbegin(), progress.cend()));
}

void TestEstimator::outputs()
{
    Deployment a = dep(QStringLiteral("gpt-4o/1"), QStringLiteral("gpt-4o"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.rpm = 10;
    a.limits.tpm = 1'000'000;
    EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("run-a"), QStringLiteral("gpt-4o"))}, texts(25, 100), 50);
    in.models.costControls.maxBudget = 0.000001;
    const EstimateReport r = estimate(in);
    const QJsonObject j = r.toJson();
    const QJsonObject planned = j.value(QStringLiteral("planned")).toObject();
    QCOMPARE(planned.value(QStringLiteral("duration_s")).toDouble(), 120.0);
    QCOMPARE(planned.value(QStringLiteral("runs")).toArray().size(), 1);
    QCOMPARE(planned.value(QStringLiteral("total")).toObject().value(QStringLiteral("calls")).toInteger(), 25);
    QCOMPARE(planned.value(QStringLiteral("binding_constraint")).toObject().value(QStringLiteral("limit")).toString(), QStringLiteral("rpm"));
    const QJsonObject util = planned.value(QStringLiteral("deployments")).toArray().first().toObject().value(QStringLiteral("utilisation")).toObject();
    QCOMPARE(util.value(QStringLiteral("rpm")).toDouble(), 1.0);
    QVERIFY(util.contains(QStringLiteral("tpm")));
    QVERIFY(!util.contains(QStringLiteral("itpm")));
    QCOMPARE(j.value(QStringLiteral("budget")).toObject().value(QStringLiteral("feasible")).toBool(), false);
    QVERIFY(j.value(QStringLiteral("recommendations")).toArray().size() >= 2);
    QVERIFY(QJsonDocument(j).toJson().size() > 100);

    const QString text = r.toText();
    QVERIFY(text.contains(QStringLiteral("run-a")));
    QVERIFY(text.contains(QStringLiteral("gpt-4o/1")));
    QVERIFY(text.contains(QStringLiteral("2m 00s")));
    QVERIFY(text.contains(QStringLiteral("rpm of deployment gpt-4o/1")));
    QVERIFY(text.contains(QStringLiteral("INFEASIBLE")));
    QVERIFY(text.contains(QStringLiteral("Add a key like gpt-4o/1")));
}

namespace {

/// A builder like the runner's: instructions, then each text framed with its id.
ChatRequest framedPrompt(const RunSpec &, const Framework &fw, const QList<EstimateText> &ts)
{
    ChatRequest r;
    r.system = QStringLiteral("Score the text against the framework ") + fw.id
               + (ts.size() == 1 ? QStringLiteral(". Reply with one JSON object.") : QStringLiteral(". Reply with a JSON array."));
    for (const EstimateText &t : ts)
        r.user += QStringLiteral("<<<TEXT id=") + t.id + QStringLiteral(">>>\n") + t.text() + QStringLiteral("\n<<<END TEXT>>>\n");
    r.maxTokens = 300 * int(ts.size());   // grows with the batch
    return r;
}

QList<EstimateText> sharedCorpus(int copies)
{
    QStringList bodies;
    QDirIterator it(QStringLiteral(WB_SHARED_DATA_DIR "/corpus"), {QStringLiteral("*.txt")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            bodies << QString::fromUtf8(f.readAll()).left(6000);
    }
    bodies.sort();
    QList<EstimateText> out;
    for (int c = 0; c < copies; ++c)
        for (int i = 0; i < bodies.size(); ++i)
            out << EstimateText{QStringLiteral("c"), QStringLiteral("t%1").arg(c * 1000 + i, 6, 10, QLatin1Char('0')), bodies[i]};
    return out;
}

} // namespace

void TestEstimator::sampledPromptsMatchExact()
{
    // With a counter that adds up exactly (characters), prompts estimated from per-text counts and
    // calibration samples equal the exactly counted ones, batched or not.
    Deployment a = dep(QStringLiteral("k1"), QStringLiteral("g"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    a.limits.tpm = 200000;
    for (bool batching : {false, true}) {
        EstimateInput in = baseInput({a}, {runSpec(QStringLiteral("r"), QStringLiteral("g"))}, texts(500, 700), 100);
        in.buildPrompt = framedPrompt;
        in.experiment.execution.batching.enabled = batching;
        in.experiment.execution.batching.maxBatchTokens = 5000;
        const EstimateReport exact = estimate(in);
        in.exactPromptLimit = 0;
        in.calibrationSamples = 8;
        const EstimateReport sampled = estimate(in);
        QCOMPARE(sampled.planned.total.calls, exact.planned.total.calls);
        QCOMPARE(sampled.planned.total.promptTokens, exact.planned.total.promptTokens);
        QCOMPARE(sampled.planned.total.worstOutputTokens, exact.planned.total.worstOutputTokens);
        QCOMPARE(sampled.planned.durationSeconds, exact.planned.durationSeconds);
        QVERIFY(sampled.planned.runs.first().tokenMethod.contains(QStringLiteral(" prompts built, the rest from per-text counts")));
        if (batching) {
            QVERIFY(exact.planned.total.calls < 500);
            QCOMPARE(exact.planned.total.worstOutputTokens, 300 * 500);
        }
    }
}

void TestEstimator::realTokenEstimator()
{
    // The shared corpus through the real TokenEstimator for all four families: OpenAI prompts are
    // counted exactly (tiktoken-compatible), the others as o200k x factor. Estimating most prompts
    // from per-text counts stays within 0.1 % of building and counting every prompt.
    const QList<EstimateText> corpus = sharedCorpus(3);
    QVERIFY(corpus.size() >= 30);
    QList<Deployment> deps{
        dep(QStringLiteral("o"), QStringLiteral("gpt"), QStringLiteral("openai"), QStringLiteral("gpt-4o")),
        dep(QStringLiteral("t"), QStringLiteral("turbo"), QStringLiteral("openai"), QStringLiteral("gpt-4-turbo")),
        dep(QStringLiteral("a"), QStringLiteral("claude"), QStringLiteral("anthropic"), QStringLiteral("claude-sonnet-4-5")),
        dep(QStringLiteral("m"), QStringLiteral("mistral"), QStringLiteral("mistral"), QStringLiteral("mistral-large-latest")),
        dep(QStringLiteral("g"), QStringLiteral("gemini"), QStringLiteral("gemini"), QStringLiteral("gemini-2.5-flash")),
    };
    QList<RunSpec> runs;
    for (const Deployment &d : deps)
        runs << runSpec(QStringLiteral("run-") + d.modelName, d.modelName);
    TokenEstimator te;
    EstimateInput in = baseInput(deps, runs, corpus, 500);
    in.countTokens = {};
    in.tokens = &te;
    in.buildPrompt = framedPrompt;
    const EstimateReport exact = estimate(in);
    in.exactPromptLimit = 0;
    in.calibrationSamples = 5;
    const EstimateReport sampled = estimate(in);
    for (int r = 0; r < runs.size(); ++r) {
        const RunEstimate &x = exact.planned.runs[r], &y = sampled.planned.runs[r];
        QVERIFY2(x.promptTokens > 0, qPrintable(x.runId));
        QVERIFY2(std::abs(double(y.promptTokens - x.promptTokens)) <= 0.001 * double(x.promptTokens),
                 qPrintable(QStringLiteral("%1: %2 vs %3").arg(x.runId).arg(y.promptTokens).arg(x.promptTokens)));
        // Every prompt of the exact pass is what TokenEstimator says of the built request.
        if (r == 0) {
            qint64 direct = 0;
            for (const EstimateText &t : corpus)
                direct += te.promptTokens(QStringLiteral("openai"), QStringLiteral("gpt-4o"), framedPrompt(runs[0], in.frameworks[0], {t})).tokens;
            QCOMPARE(x.promptTokens, direct);
            QCOMPARE(x.tokenMethod, QStringLiteral("exact"));
        }
    }
    // Different encodings give different counts (cl100k for gpt-4-turbo).
    QVERIFY(exact.planned.runs[0].promptTokens != exact.planned.runs[1].promptTokens);
}

void TestEstimator::largeScheduleIsExact()
{
    // 100,000 texts x 4 runs on four groups with different rules; each group is rpm-bound at
    // 10,000 rpm on two keys, so 100,000 calls take ceil(100000 / 20000) - 1 = 4 windows (+ latency).
    QList<ScheduleDeployment> deps;
    const CountingRule rules[4] = {CountingRule::OpenAi, CountingRule::Anthropic, CountingRule::Mistral, CountingRule::Gemini};
    for (int g = 0; g < 4; ++g) {
        for (int k = 0; k < 2; ++k) {
            ScheduleDeployment d;
            d.id = QStringLiteral("g%1/k%2").arg(g).arg(k);
            d.group = g;
            d.rule = rules[g];
            d.limits.rpm = 10000;
            d.limits.tpm = 100'000'000;
            d.limits.itpm = 100'000'000;
            d.limits.otpm = 100'000'000;
            d.latency = LatencyModel{1.5, 0.015};
            deps << d;
        }
    }
    std::vector<ScheduleCall> calls;
    calls.reserve(400000);
    for (int g = 0; g < 4; ++g)
        for (int i = 0; i < 100000; ++i)
            calls.push_back(ScheduleCall{g, g, 1500 + i % 500, 1700, 2000, 200});
    QElapsedTimer t;
    t.start();
    const ScheduleResult s = simulateSchedule(deps, calls, 4);
    qInfo("simulated %zu calls in %lld ms", calls.size(), qint64(t.elapsed()));
    QCOMPARE(s.unschedulable, 0);
    QCOMPARE(s.durationSeconds, 240.0 + 1.5 + 0.015 * 200);
    for (int g = 0; g < 4; ++g) {
        QCOMPARE(s.runFinishSeconds[size_t(g)], 244.5);
        QCOMPARE(s.deployments[size_t(2 * g)].calls + s.deployments[size_t(2 * g + 1)].calls, 100000);
    }
}

void TestEstimator::chargesLikeTheRouter_data()
{
    QTest::addColumn<QString>("provider");
    QTest::newRow("openai") << QStringLiteral("openai");
    QTest::newRow("mistral") << QStringLiteral("mistral");
    QTest::newRow("anthropic") << QStringLiteral("anthropic");
    QTest::newRow("gemini") << QStringLiteral("gemini");
    QTest::newRow("vertex_ai") << QStringLiteral("vertex_ai");
    QTest::newRow("compatible") << QStringLiteral("hosted_vllm");
}

void TestEstimator::chargesLikeTheRouter()
{
    // One call through the schedule simulation leaves in its window exactly what the router's
    // LimitState holds after admitting and settling the same call: one set of counting rules.
    QFETCH(QString, provider);
    ScheduleDeployment d;
    d.id = QStringLiteral("d");
    d.rule = countingRuleFor(provider);
    d.limits.rpm = 1000;
    d.limits.tpm = 1'000'000;
    d.limits.itpm = 1'000'000;
    d.limits.otpm = 1'000'000;
    const ScheduleCall call{0, 0, 900, 1000, 2000, 300};
    const ScheduleResult sim = simulateSchedule({d}, {call}, 1);
    QCOMPARE(sim.deploymentOf.front(), 0);
    const ScheduleResult::Use &u = sim.deployments.front();

    LimitState router;
    router.addConfigured(LimitValues{1000, 1'000'000, 1'000'000, 1'000'000});
    const Admission a = router.admit(0, admissionCost(d.rule, CallTokens{call.charTokens, call.promptTokens,
                                                                         call.maxTokens, call.outputTokens}));
    Usage usage;
    usage.promptTokens = call.promptTokens;
    usage.completionTokens = call.outputTokens;
    usage.reported = true;
    const qint64 replyAt = qint64(sim.durationSeconds * 1000);
    router.settle(replyAt, a, settlementFor(d.rule, usage));
    QCOMPARE(u.windowRequests, router.used(LimitState::Rpm, replyAt));
    QCOMPARE(u.windowTokens, router.used(LimitState::Tpm, replyAt));
    QCOMPARE(u.windowInputTokens, router.used(LimitState::Itpm, replyAt));
    QCOMPARE(u.windowOutputTokens, router.used(LimitState::Otpm, replyAt));
    QCOMPARE(router.outputReserved(), 0);
}

QTEST_GUILESS_MAIN(TestEstimator)

void TestEstimator::worstCaseHoldsWhateverTheProviderCounts()
{
    // Ten texts of 1000 spaces that our counter sees as 10 tokens each: a provider may still count
    // up to their bytes. gemini-2.5-flash ($0.30 / $2.50 per M), max_tokens 100, output 20:
    //   expected            10 x 0.3 + 20 x 2.5 = 53 micro-$ per call, 530 for ten
    //   worst at the estimate  10 x 0.3 + 100 x 2.5 = 253 per call, 2,530 for ten
    //   worst at the bound  (1 + 1000 + 2 x 16 + 32) x 0.3 + 100 x 2.5 = 569.5 per call, 5,695 for ten
    Deployment g = dep(QStringLiteral("g"), QStringLiteral("flash"), QStringLiteral("gemini"), QStringLiteral("gemini-2.5-flash"));
    QList<EstimateText> t;
    for (int i = 0; i < 10; ++i)
        t << EstimateText{QStringLiteral("c"), QStringLiteral("t%1").arg(i), QString(1000, u' ')};
    EstimateInput in = baseInput({g}, {runSpec(QStringLiteral("r"), QStringLiteral("flash"))}, t, 100);
    in.countTokens = [](const QString &, const QString &, const ChatRequest &) { return qint64(10); };
    in.meanOutputTokensPerText.insert(QStringLiteral("r"), 20);
    EstimateReport r = estimate(in);
    QCOMPARE(r.planned.total.expectedCostMicros, 530);
    QCOMPARE(r.planned.total.worstCostMicros, 5695);
    in.models.costControls.maxBudget = 0.005;   // fits the estimate's worst case (2,530), not the bound
    r = estimate(in);
    QCOMPARE(r.budget.status, BudgetVerdict::Status::WorstCaseExceeds);
    in.models.costControls.maxBudget = 0.0057;
    QCOMPARE(estimate(in).budget.status, BudgetVerdict::Status::Fits);
}

void TestEstimator::oversizedTextsAreNamed()
{
    // A 500-token window (model_info.max_input_tokens); prompts are counted as characters.
    Deployment small = dep(QStringLiteral("s"), QStringLiteral("small"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    small.price.maxInputTokens = 500;
    Deployment big = dep(QStringLiteral("b"), QStringLiteral("big"), QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    big.price.maxInputTokens = 5000;
    QList<EstimateText> t = texts(3, 100);
    t << EstimateText{QStringLiteral("c"), QStringLiteral("huge"), QString(2000, u'y')};
    EstimateInput in = baseInput({small, big}, {runSpec(QStringLiteral("r"), QStringLiteral("small"))}, t, 10);
    EstimateReport r = estimate(in);
    QCOMPARE(r.oversized.size(), 1);
    const OversizedText &o = r.oversized.first();
    QCOMPARE(o.textId, QStringLiteral("huge"));
    QCOMPARE(o.tokens, 2001);   // "S" + 2000
    QCOMPARE(o.limit, 500);
    QCOMPARE(o.model, QStringLiteral("openai/gpt-4o"));
    QCOMPARE(o.runId, QStringLiteral("r"));
    QVERIFY(r.warnings.first().startsWith(QStringLiteral("TOO LONG: text c/huge (run r)")));
    QCOMPARE(r.toJson().value(QStringLiteral("oversized_texts")).toArray().size(), 1);

    // A context-window fallback to a group with a larger window makes it fit.
    in.models.router.contextWindowFallbacks.insert(QStringLiteral("small"), {QStringLiteral("big")});
    QVERIFY(estimate(in).oversized.isEmpty());
    // Without the override the price table's window (128k) applies.
    in.models.router.contextWindowFallbacks.clear();
    in.models.deployments[0].price.maxInputTokens.reset();
    QVERIFY(estimate(in).oversized.isEmpty());
}
#include "tst_estimator.moc"
