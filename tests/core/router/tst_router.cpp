// Router logic over a fake QNetworkAccessManager replaying canned provider replies, plus one
// real-socket test of the connection pool. No test waits for a real 60 s window: windows,
// back-offs and cool-downs are shortened through the router's test hooks.
#include "core/router/router.h"
#include "core/pricing/pricing.h"
#include "core/pricing/tokenbound.h"

#include "fakenetwork.h"

#include <QDateTime>
#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace wb;

namespace {

Deployment makeDeployment(const QString &id, const QString &group, const QString &provider = u"openai"_qs)
{
    Deployment d;
    d.id = id;
    d.modelName = group;
    d.provider = provider;
    d.model = provider == u"anthropic" ? u"claude-3-5-haiku-20241022"_qs : u"gpt-4o"_qs;
    d.keyRef = u"os.environ/TEST_KEY"_qs;
    d.apiBase = provider == u"anthropic" ? u"http://127.0.0.1:9"_qs : u"http://127.0.0.1:9/v1"_qs;
    return d;
}

QByteArray bearer(const QString &id)
{
    return "Bearer key-" + id.toUtf8();
}

RouterJob makeJob(quint64 id, const QString &group, int maxTokens = 100)
{
    RouterJob j;
    j.id = id;
    j.group = group;
    j.request.system = u"Score the text."_qs;
    j.request.user = u"Four score and seven years ago."_qs;
    j.request.maxTokens = maxTokens;
    return j;
}

/// Records everything a router says; checks the one-terminal-signal-per-job contract.
struct Harness {
    std::shared_ptr<FakeServer> server = std::make_shared<FakeServer>();
    std::unique_ptr<Router> router;
    QHash<quint64, JobOutcome> outcomes;
    QList<CallRecord> calls;
    QStringList events;
    int duplicateOutcomes = 0;
    int idles = 0;
    int budgetSignals = 0;

    void create(ModelList models, RouterOptions options = {})
    {
        for (const Deployment &d : std::as_const(models.deployments))
            if (!options.apiKeys.contains(d.id))
                options.apiKeys.insert(d.id, u"key-"_qs + d.id);
        router = std::make_unique<Router>(std::move(models), std::move(options));
        auto srv = server;
        router->setNetworkAccessManagerFactory([srv](QObject *parent) { return new FakeNetworkManager(srv, parent); });
        RetryPolicy fast;
        fast.baseDelayMs = 10;
        fast.maxDelayMs = 40;
        fast.rateLimitBaseMs = 20;
        fast.rateLimitMaxMs = 100;
        router->setRetryPolicy(fast);
        router->setWindowForTesting(60'000, 5);
        QObject::connect(router.get(), &Router::jobFinished, [this](const JobOutcome &o) {
            if (outcomes.contains(o.jobId))
                ++duplicateOutcomes;
            outcomes.insert(o.jobId, o);
        });
        QObject::connect(router.get(), &Router::callFinished, [this](const CallRecord &c) { calls.append(c); });
        QObject::connect(router.get(), &Router::event, [this](const QString &e) { events.append(e); });
        QObject::connect(router.get(), &Router::idle, [this] { ++idles; });
        QObject::connect(router.get(), &Router::budgetExhausted, [this] { ++budgetSignals; });
    }
    bool eventMatching(const QString &needle) const
    {
        for (const QString &e : events)
            if (e.contains(needle))
                return true;
        return false;
    }
};

ModelList oneGroup(int deployments, int numRetries = 2)
{
    ModelList m;
    for (int i = 1; i <= deployments; ++i)
        m.deployments << makeDeployment(u"gpt/%1"_qs.arg(i), u"gpt"_qs);
    m.router.numRetries = numRetries;
    m.router.routingStrategy = u"least-busy"_qs;
    return m;
}

/// One OpenAI deployment with tpm 1300 whose every reply succeeds, over windows of `windowMs`.
void createTpm1300(Harness &h, qint64 windowMs = 60'000, qint64 marginMs = 5)
{
    h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
    ModelList m = oneGroup(1);
    m.deployments[0].limits.tpm = 1300;
    h.create(m);
    h.router->setWindowForTesting(windowMs, marginMs);
}

/// The same with a limit configured on every deployment, so the router does not probe a key one
/// call at a time before its first reply says what the provider announces.
ModelList configured(ModelList m)
{
    for (Deployment &d : m.deployments)
        d.limits.rpm = d.limits.rpm.value_or(1'000'000);
    return m;
}

/// rpm 3 and tpm 1000 on one OpenAI key, and nine calls charged 700, 500, 300, 200, 100, 100,
/// 100, 50 and 50 (chars/4 is 12 here, the rest max_tokens): three windows by either limit.
void submitShareCase(Harness &h, qint64 windowMs, std::optional<LimitAlgorithm> algorithm = std::nullopt)
{
    h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
    ModelList m = oneGroup(1);
    m.deployments[0].limits.tpm = 1000;
    m.deployments[0].limits.rpm = 3;
    m.deployments[0].limitAlgorithm = algorithm;
    h.create(m);
    h.router->setWindowForTesting(windowMs, 10);
    const int charges[] = {700, 500, 300, 200, 100, 100, 100, 50, 50};
    for (quint64 i = 1; i <= 9; ++i)
        h.router->submit(makeJob(i, u"gpt"_qs, charges[i - 1] - 12));
}

/// What an OpenAI key charges a request of submitShareCase at admission.
qint64 chargeOf(const SeenRequest &r)
{
    return r.body.mid(r.body.indexOf("\"max_tokens\":") + 13).split(',').first().split('}').first().toLongLong() + 12;
}

class TestBudget final : public BudgetGuard {
public:
    int allow = 0;
    int reserves = 0, settles = 0;
    qint64 reservedTotal = 0, lastReserve = -1;
    bool reserve(qint64 micros) override
    {
        lastReserve = micros;
        if (reserves >= allow)
            return false;
        ++reserves;
        reservedTotal += micros;
        return true;
    }
    void settle(qint64, qint64) override { ++settles; }
};

} // namespace

class TstRouter final : public QObject {
    Q_OBJECT
private slots:
    void successEmitsCallAndJob()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(12, 7); };
        h.create(oneGroup(1));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.idles, 1);
        QCOMPARE(h.outcomes.size(), 1);
        const JobOutcome o = h.outcomes.value(1);
        QVERIFY(o.ok);
        QCOMPARE(o.deploymentId, u"gpt/1"_qs);
        QCOMPARE(o.attempts, 1);
        QCOMPARE(o.completion.usage.completionTokens, 7);
        QCOMPARE(h.calls.size(), 1);
        QCOMPARE(h.calls[0].httpStatus, 200);
        QCOMPARE(h.calls[0].requestId, u"req_ok"_qs);
        QCOMPARE(h.calls[0].usage.promptTokens, 12);
        // The key went only into the auth header.
        QCOMPARE(h.server->seen[0].auth, bearer(u"gpt/1"_qs));
        QVERIFY(!h.server->seen[0].body.contains("key-gpt/1"));
        const RouterSnapshot s = h.router->snapshot();
        QCOMPARE(s.calls, 1);
        QCOMPARE(s.deployments[0].rpmUsed, 1);
        // OpenAI's rule: ceil(chars / 4) + max_tokens, not refunded.
        const qint64 chars = makeJob(1, u"gpt"_qs).request.system.size() + makeJob(1, u"gpt"_qs).request.user.size();
        QCOMPARE(s.deployments[0].tpmUsed, (chars + 3) / 4 + 100);
        QCOMPARE(h.router->pendingJobs(), 0);
    }

    void unknownGroupFailsClearly()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        h.create(oneGroup(1));
        h.router->submit(makeJob(1, u"nope"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(!h.outcomes[1].ok);
        QVERIFY(h.outcomes[1].error.contains(u"unknown model group"_qs));
        QCOMPARE(h.server->seen.size(), 0);
    }

    void rateLimitedRequeuesWithoutSpendingARetry()
    {
        Harness h;
        // num_retries 0: if a 429 spent a retry the job would fail.
        h.server->script = [](const SeenRequest &, int i) { return i == 0 ? openAi429(150) : openAiOk(); };
        h.create(oneGroup(1, 0));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        const JobOutcome o = h.outcomes[1];
        QVERIFY2(o.ok, qPrintable(o.error));
        QCOMPARE(o.attempts, 2);
        QCOMPARE(h.calls[0].errorClass, ErrorClass::RateLimited);
        // retry-after honoured: the second request waited at least 150 ms.
        QVERIFY(h.server->seen[1].atMs - h.server->seen[0].atMs >= 150);
        const RouterSnapshot s = h.router->snapshot();
        QCOMPARE(s.http429, 1);
        QCOMPARE(s.retries, 0);
        QCOMPARE(s.deployments[0].http429, 1);
    }

    void rateLimitMovesOtherJobsToTheOtherDeployment()
    {
        Harness h;
        // gpt/1 answers 429 with a long retry-after; everything else must go to gpt/2.
        h.server->script = [](const SeenRequest &r, int) {
            return r.auth == bearer(u"gpt/1"_qs) ? openAi429(60'000) : openAiOk();
        };
        h.create(configured(oneGroup(2, 0)));
        for (quint64 i = 1; i <= 6; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 6);
        for (const JobOutcome &o : std::as_const(h.outcomes)) {
            QVERIFY(o.ok);
            QCOMPARE(o.deploymentId, u"gpt/2"_qs);
        }
        // least-busy sent every other job of the first burst to gpt/1; after its 429s each of
        // them went once more, to gpt/2, and nothing else went to gpt/1.
        const int first = h.server->countFor(bearer(u"gpt/1"_qs));
        QCOMPARE(first, 3);
        QCOMPARE(h.server->seen.size(), 6 + first);
        QCOMPARE(h.router->snapshot().retries, 0);
    }

    void transientRetriedThenSuccess()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int i) { return i == 0 ? openAi500() : openAiOk(); };
        h.create(oneGroup(1, 2));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].attempts, 2);
        QCOMPARE(h.calls[0].httpStatus, 500);
        QCOMPARE(h.calls[0].errorClass, ErrorClass::Transient);
        QCOMPARE(h.router->snapshot().retries, 1);
    }

    void transientExhaustsRetries()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAi500(); };
        ModelList m = oneGroup(1, 2);
        m.router.allowedFails = 100;
        h.create(m);
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(!h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].attempts, 3);
        QCOMPARE(h.outcomes[1].errorClass, ErrorClass::Transient);
        QVERIFY(h.outcomes[1].error.contains(u"server had an error"_qs));
    }

    void authFailsFastAndDisablesTheDeployment()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAi401(); };
        h.create(oneGroup(1, 3));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(!h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].attempts, 1);
        QCOMPARE(h.outcomes[1].errorClass, ErrorClass::Auth);
        QVERIFY(h.outcomes[1].error.contains(u"Incorrect API key"_qs));
        QVERIFY(h.eventMatching(u"authentication failed"_qs));
        // A later job does not wait forever on a dead deployment: it fails with a reason.
        h.router->submit(makeJob(2, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 2);
        QVERIFY(!h.outcomes[2].ok);
        QVERIFY2(h.outcomes[2].error.contains(u"no usable deployment"_qs), qPrintable(h.outcomes[2].error));
        QCOMPARE(h.server->seen.size(), 1);
        QVERIFY(h.router->snapshot().deployments[0].coolingDown);
    }

    void cooldownAfterAllowedFails()
    {
        Harness h;
        h.server->script = [](const SeenRequest &r, int) {
            return r.auth == bearer(u"gpt/1"_qs) ? openAi500() : openAiOk();
        };
        ModelList m = oneGroup(2, 3);
        m.router.allowedFails = 2;
        m.router.cooldownSeconds = 30;
        m.router.routingStrategy = u"least-busy"_qs;   // ties go to gpt/1 until it cools down
        h.create(m);
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].deploymentId, u"gpt/2"_qs);
        QCOMPARE(h.outcomes[1].attempts, 3);
        QCOMPARE(h.server->countFor(bearer(u"gpt/1"_qs)), 2);
        QVERIFY(h.eventMatching(u"gpt/1: cooling down"_qs));
        const RouterSnapshot s = h.router->snapshot();
        QVERIFY(s.deployments[0].coolingDown);
        QVERIFY(s.deployments[0].cooldownRemainingS > 20);
        QCOMPARE(s.deployments[0].failures, 2);
        // While it cools down nothing else goes there.
        h.router->submit(makeJob(2, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 2);
        QCOMPARE(h.server->countFor(bearer(u"gpt/1"_qs)), 2);
    }

    void cooldownEndsAndDeploymentIsUsedAgain()
    {
        Harness h;
        int failuresLeft = 1;
        h.server->script = [&](const SeenRequest &, int) {
            return failuresLeft-- > 0 ? openAi500() : openAiOk();
        };
        ModelList m = oneGroup(1, 1);
        m.router.allowedFails = 1;
        m.router.cooldownSeconds = 0.2;
        h.create(m);
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(h.outcomes[1].ok);
        QVERIFY(h.eventMatching(u"cool-down ended"_qs));
        QVERIFY(h.server->seen[1].atMs - h.server->seen[0].atMs >= 200);
    }

    void fallbacksWhenAGroupHasNothingUsable()
    {
        Harness h;
        h.server->script = [](const SeenRequest &r, int) {
            return r.auth == bearer(u"primary/1"_qs) ? openAi500() : openAiOk();
        };
        ModelList m;
        m.deployments << makeDeployment(u"primary/1"_qs, u"primary"_qs) << makeDeployment(u"backup/1"_qs, u"backup"_qs);
        m.router.numRetries = 0;
        m.router.allowedFails = 1;
        m.router.cooldownSeconds = 60;
        m.router.fallbacks.insert(u"primary"_qs, {u"backup"_qs});
        h.create(m);
        h.router->submit(makeJob(1, u"primary"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].deploymentId, u"backup/1"_qs);
        // primary is now cooling: the next job goes straight to the fallback.
        h.router->submit(makeJob(2, u"primary"_qs));
        QTRY_COMPARE(h.outcomes.size(), 2);
        QVERIFY(h.outcomes[2].ok);
        QCOMPARE(h.outcomes[2].attempts, 1);
        QCOMPARE(h.outcomes[2].deploymentId, u"backup/1"_qs);
        QCOMPARE(h.router->snapshot().fallbacks, 2);
        QVERIFY(h.eventMatching(u"fallback"_qs));
    }

    void contextWindowFallbacks()
    {
        Harness h;
        h.server->script = [](const SeenRequest &r, int) {
            return r.auth == bearer(u"small/1"_qs) ? openAiContextTooLong() : openAiOk();
        };
        ModelList m;
        m.deployments << makeDeployment(u"small/1"_qs, u"small"_qs) << makeDeployment(u"big/1"_qs, u"big"_qs)
                      << makeDeployment(u"other/1"_qs, u"other"_qs);
        m.router.contextWindowFallbacks.insert(u"small"_qs, {u"big"_qs});
        h.create(m);
        h.router->submit(makeJob(1, u"small"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].deploymentId, u"big/1"_qs);
        QCOMPARE(h.calls[0].errorClass, ErrorClass::ContextTooLong);
        QCOMPARE(h.server->countFor(bearer(u"other/1"_qs)), 0);
    }

    void contextTooLongWithoutFallbackFails()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiContextTooLong(); };
        h.create(oneGroup(1, 3));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(!h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].errorClass, ErrorClass::ContextTooLong);
        QCOMPARE(h.outcomes[1].attempts, 1);
        QVERIFY(h.outcomes[1].error.contains(u"maximum context length"_qs));
    }

    void budgetRefusalStopsDispatch()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        TestBudget budget;
        budget.allow = 2;
        RouterOptions o;
        o.budget = &budget;
        h.create(oneGroup(1), o);
        for (quint64 i = 1; i <= 5; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 5);
        int done = 0, stopped = 0;
        for (const JobOutcome &out : std::as_const(h.outcomes)) {
            done += out.ok;
            stopped += out.budgetStopped;
        }
        QCOMPARE(done, 2);
        QCOMPARE(stopped, 3);
        QCOMPARE(h.budgetSignals, 1);
        QCOMPARE(h.server->seen.size(), 2);
        QTRY_COMPARE(budget.settles, 2);
        // Later submissions are not dispatched either.
        h.router->submit(makeJob(6, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 6);
        QVERIFY(h.outcomes[6].budgetStopped);
        QCOMPARE(h.budgetSignals, 1);
    }

    void budgetReservesWorstCaseAndSettlesActualCost()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(12, 7); };
        ModelPrice price;
        price.inputPerToken = 2.5e-6;
        price.outputPerToken = 1e-5;
        PriceTable table;
        table.insert(u"openai"_qs, u"gpt-4o"_qs, price);
        TestBudget budget;
        budget.allow = 10;
        RouterOptions o;
        o.budget = &budget;
        o.prices = std::make_shared<const PriceTable>(table);
        h.create(oneGroup(1), o);
        const RouterJob job = makeJob(1, u"gpt"_qs, 300);
        h.router->submit(job);
        QTRY_COMPARE(h.outcomes.size(), 1);
        const qint64 promptEstimate = (job.request.system.size() + job.request.user.size() + 3) / 4;
        // A guard that knows only reserve() holds the hard bound (docs/ARCHITECTURE.md, "Budget").
        QCOMPARE(budget.lastReserve, std::max(worstCaseMicros(price, promptEstimate, 300), boundWorstCaseMicros(price, job.request)));
        QVERIFY(budget.lastReserve > 0);
        Usage u;
        u.promptTokens = 12;
        u.completionTokens = 7;
        u.reported = true;
        QCOMPARE(h.calls[0].costMicros, costMicros(price, u));
        QCOMPARE(h.router->snapshot().spendMicros, costMicros(price, u));
        QCOMPARE(h.router->snapshot().reservedMicros, 0);
        QCOMPARE(budget.settles, 1);
    }

    void costBasedRoutingPicksTheCheapest()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = configured(oneGroup(2));
        m.router.routingStrategy = u"cost-based-routing"_qs;
        m.deployments[0].model = u"gpt-4o"_qs;
        m.deployments[1].model = u"gpt-4o-mini"_qs;
        PriceTable table;
        ModelPrice dear, cheap;
        dear.inputPerToken = 2.5e-6;
        dear.outputPerToken = 1e-5;
        cheap.inputPerToken = 1.5e-7;
        cheap.outputPerToken = 6e-7;
        table.insert(u"openai"_qs, u"gpt-4o"_qs, dear);
        table.insert(u"openai"_qs, u"gpt-4o-mini"_qs, cheap);
        RouterOptions o;
        o.prices = std::make_shared<const PriceTable>(table);
        h.create(m, o);
        for (quint64 i = 1; i <= 5; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 5);
        QCOMPARE(h.server->countFor(bearer(u"gpt/2"_qs)), 5);
    }

    void overloadedRequeuesWithoutSpendingARetry()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int i) {
            if (i > 0)
                return anthropicOk(10, 5);
            CannedReply r;
            r.status = 529;
            r.headers = {{"content-type", "application/json"}};
            r.body = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
            return r;
        };
        ModelList m;
        m.deployments << makeDeployment(u"claude/1"_qs, u"claude"_qs, u"anthropic"_qs);
        m.router.numRetries = 0;
        h.create(m);
        h.router->submit(makeJob(1, u"claude"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY2(h.outcomes[1].ok, qPrintable(h.outcomes[1].error));
        QCOMPARE(h.calls[0].errorClass, ErrorClass::Overloaded);
        QCOMPARE(h.router->snapshot().retries, 0);
        QCOMPARE(h.router->snapshot().http429, 0);
    }

    void latencyBasedPrefersTheFaster()
    {
        Harness h;
        h.server->script = [](const SeenRequest &r, int) {
            CannedReply c = openAiOk(10, 5);
            c.delayMs = r.auth == bearer(u"gpt/1"_qs) ? 60 : 1;
            return c;
        };
        ModelList m = oneGroup(2);
        m.router.routingStrategy = u"latency-based-routing"_qs;
        RouterOptions o;
        o.shuffleSeed = 7;
        h.create(m, o);
        // One at a time, so every choice sees the latencies measured so far.
        for (quint64 i = 1; i <= 30; ++i) {
            h.router->submit(makeJob(i, u"gpt"_qs));
            QTRY_COMPARE(h.outcomes.size(), int(i));
        }
        // Both measured once, then mostly the fast one (exploration sends a few to the slow one).
        QVERIFY(h.server->countFor(bearer(u"gpt/2"_qs)) >= 22);
        QVERIFY(h.server->countFor(bearer(u"gpt/1"_qs)) >= 1);
    }

    void rpmLimitQueuesAndWakesWhenTheWindowFrees()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = oneGroup(1);
        m.deployments[0].limits.rpm = 2;
        h.create(m);
        h.router->setWindowForTesting(300, 10);
        for (quint64 i = 1; i <= 6; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 6);
        QCOMPARE(h.server->seen.size(), 6);   // no 429 involved, one call per job
        // Strict sliding window: any 3 consecutive requests span at least the window.
        for (int i = 2; i < h.server->seen.size(); ++i)
            QVERIFY2(h.server->seen[i].atMs - h.server->seen[i - 2].atMs >= 300,
                     qPrintable(u"%1 -> %2"_qs.arg(h.server->seen[i - 2].atMs).arg(h.server->seen[i].atMs)));
        QCOMPARE(h.router->snapshot().deployments[0].rpmLimit, 2);
    }

    void smallerJobsGoAheadOfABlockedHeadOnlyIfTheyDoNotDelayIt()
    {
        // tpm 1300 for a minute; OpenAI charges chars/4 (12 here) + max_tokens at admission.
        // A (612) goes; B (712) does not fit beside it and waits for A to leave the window.
        // C (612) would fit now, but B could not go beside it when A leaves: C waits behind B.
        // D (412) fits now and B still fits beside it: D goes first.
        Harness h;
        createTpm1300(h);
        const int maxTokens[] = {600, 700, 600, 400};
        for (quint64 i = 1; i <= 4; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs, maxTokens[i - 1]));
        QTRY_COMPARE(h.outcomes.size(), 2);
        QTest::qWait(100);
        QCOMPARE(h.server->seen.size(), 2);
        QVERIFY(h.outcomes.contains(1));
        QVERIFY(h.outcomes.contains(4));
        QVERIFY(h.server->seen[1].body.contains("\"max_tokens\":400"));
        h.router->cancelAll();
        QCOMPARE(h.outcomes.size(), 4);
        QVERIFY(h.outcomes[2].cancelled && h.outcomes[3].cancelled);
    }

    void aLargerJobAboutToFitIsWaitedForNotFilledPast()
    {
        // tpm 1300 over a 2 s window (the slack is a twentieth: 100 ms); OpenAI charges chars/4
        // (12 here) + max_tokens. X (162) and, half a window later, P (612) hold 774. Just before
        // X leaves, H (712), M (562) and S (462) arrive. H waits for P. M fits in a moment, when
        // X leaves; S fits now, but beside it M would not fit until P leaves. So S waits and M
        // goes first: the window fills with the larger call.
        constexpr qint64 kWindowMs = 2'000;
        Harness h;
        createTpm1300(h, kWindowMs, 10);
        QElapsedTimer clock;
        clock.start();
        h.router->submit(makeJob(1, u"gpt"_qs, 150));
        QTRY_COMPARE(h.server->seen.size(), 1);
        QTest::qWait(500);
        h.router->submit(makeJob(2, u"gpt"_qs, 600));
        QTRY_COMPARE(h.server->seen.size(), 2);
        QTest::qWait(int(kWindowMs - 60 - clock.elapsed()));
        if (clock.elapsed() > kWindowMs - 20)
            QSKIP("the machine was too slow to submit before X left the window");
        const int maxTokens[] = {700, 550, 450};
        for (quint64 i = 3; i <= 5; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs, maxTokens[i - 3]));
        QTRY_COMPARE_WITH_TIMEOUT(h.outcomes.size(), 5, 10'000);
        QCOMPARE(h.server->seen.size(), 5);
        QVERIFY2(h.server->seen[2].body.contains("\"max_tokens\":550"), h.server->seen[2].body.constData());
        QVERIFY(h.server->seen[3].body.contains("\"max_tokens\":700"));
        QVERIFY(h.server->seen[4].body.contains("\"max_tokens\":450"));
        QCOMPARE(h.router->snapshot().http429, 0);
    }

    void aWindowTakesTheSetThatFillsItBest()
    {
        // tpm 1300 over a 1 s window; OpenAI charges chars/4 (12 here) + max_tokens: calls of 612,
        // 462, 412, 412, 362 and 312. In queue order the first window holds 612 + 462 and none of
        // the rest fits the 226 left, the second 412 + 412 + 362, and 312 waits for a third. The
        // head goes with the set behind it that fills the window best: 612 + 362 + 312, then
        // 462 + 412 + 412 when they leave — two windows.
        constexpr qint64 kWindowMs = 1'000;
        Harness h;
        createTpm1300(h, kWindowMs, 10);
        const int maxTokens[] = {600, 450, 400, 400, 350, 300};
        for (quint64 i = 1; i <= 6; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs, maxTokens[i - 1]));
        QTRY_COMPARE_WITH_TIMEOUT(h.outcomes.size(), 6, 10'000);
        QCOMPARE(h.server->seen.size(), 6);
        QCOMPARE(h.router->snapshot().http429, 0);
        const qint64 first = h.server->seen[0].atMs;
        QStringList firstWindow;
        for (const SeenRequest &r : std::as_const(h.server->seen)) {
            if (r.atMs - first < kWindowMs)
                firstWindow << QString::fromUtf8(r.body.mid(r.body.indexOf("\"max_tokens\":") + 13, 3));
        }
        QCOMPARE(firstWindow, (QStringList{u"600"_qs, u"350"_qs, u"300"_qs}));
        // Everything in two windows: the last call goes when the first window's calls leave.
        QVERIFY2(h.server->seen.last().atMs - first < 2 * kWindowMs,
                 qPrintable(u"last call %1 ms after the first"_qs.arg(h.server->seen.last().atMs - first)));
    }

    void aWindowTakesItsShareOfCallsAndTokens()
    {
        // rpm 3 and tpm 1000 over a 1 s window; calls charged 700, 500, 300, 200, 100, 100, 100,
        // 50 and 50 (chars/4 is 12 here, the rest max_tokens) need three windows by either limit.
        // Largest first, the first window would take 700 + 300 and leave two requests nothing
        // fits, and the last call would wait for a fourth window; each window taking its share of
        // the calls and of the tokens sends everything in three.
        constexpr qint64 kWindowMs = 1'000;
        Harness h;
        submitShareCase(h, kWindowMs);
        QTRY_COMPARE_WITH_TIMEOUT(h.outcomes.size(), 9, 10'000);
        QCOMPARE(h.server->seen.size(), 9);
        QCOMPARE(h.router->snapshot().http429, 0);
        const qint64 first = h.server->seen[0].atMs;
        QVERIFY2(h.server->seen.last().atMs - first < 2 * kWindowMs + kWindowMs / 2,
                 qPrintable(u"last call %1 ms after the first"_qs.arg(h.server->seen.last().atMs - first)));
        // No window held more than its limits.
        for (int i = 0; i < h.server->seen.size(); ++i) {
            qint64 tokens = 0;
            int calls = 0;
            for (int j = i; j < h.server->seen.size() && h.server->seen[j].atMs - h.server->seen[i].atMs < kWindowMs; ++j) {
                tokens += chargeOf(h.server->seen[j]);
                ++calls;
            }
            QVERIFY2(calls <= 3 && tokens <= 1000, qPrintable(u"%1 calls, %2 tokens from call %3"_qs.arg(calls).arg(tokens).arg(i)));
        }
    }

    void aBucketsFirstBurstTakesItsShare()
    {
        // The same calls into a key counted as a bucket (rpm 3, tpm 1000): its first burst, sent
        // before any reply, plans its share of calls and tokens too, so it sends three calls where
        // largest first sends 700 + 300 and leaves a request unused. Should the key turn out to
        // be a window, that burst was its first window.
        Harness h;
        submitShareCase(h, 60'000, LimitAlgorithm::TokenBucket);
        QTRY_VERIFY_WITH_TIMEOUT(h.server->seen.size() >= 2, 5'000);
        QTest::qWait(300);   // the bucket refills a request in 20 s and 100 tokens in 6 s
        QCOMPARE(h.server->seen.size(), 3);
        qint64 tokens = 0;
        for (const SeenRequest &r : std::as_const(h.server->seen))
            tokens += chargeOf(r);
        QVERIFY2(tokens <= 1000, qPrintable(QString::number(tokens)));
        QCOMPARE(h.router->snapshot().http429, 0);
    }

    void tpmTooLargeForAnyDeploymentFails()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = oneGroup(1);
        m.deployments[0].limits.tpm = 500;
        h.create(m);
        h.router->submit(makeJob(1, u"gpt"_qs, 1000));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(!h.outcomes[1].ok);
        QVERIFY(h.outcomes[1].error.contains(u"exceeds the per-minute limits"_qs));
        QCOMPARE(h.server->seen.size(), 0);
    }

    void sharedPoolSharesOneWindow()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = oneGroup(2);
        for (Deployment &d : m.deployments) {
            d.limits.rpm = 3;
            d.rateLimitPool = u"org"_qs;
        }
        h.create(m);
        h.router->setWindowForTesting(400, 10);
        for (quint64 i = 1; i <= 6; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 6);
        // Two keys, one quota of 3 per window: never 4 within one window across both.
        for (int i = 3; i < h.server->seen.size(); ++i)
            QVERIFY(h.server->seen[i].atMs - h.server->seen[i - 3].atMs >= 400);
        const RouterSnapshot s = h.router->snapshot();
        QCOMPARE(s.deployments[0].windowKey, u"pool:org"_qs);
        QCOMPARE(s.deployments[0].rpmUsed, s.deployments[1].rpmUsed);
    }

    void sameKeyTwiceIsOnePool()
    {
        // Two config entries, one key: the provider counts one quota. The stricter stated limit
        // applies (with one warning), and neither gauge ever shows more used than that limit.
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = oneGroup(2);
        m.deployments[0].limits.rpm = 10;
        m.deployments[1].limits.rpm = 12;
        RouterOptions o;
        o.apiKeys.insert(u"gpt/1"_qs, u"sk-same"_qs);
        o.apiKeys.insert(u"gpt/2"_qs, u"sk-same"_qs);
        h.create(m, o);
        h.router->setWindowForTesting(60'000, 5);
        for (quint64 i = 1; i <= 14; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 10);
        QTest::qWait(100);
        QCOMPARE(h.outcomes.size(), 10);   // the other 4 wait for the shared window
        QCOMPARE(h.server->seen.size(), 10);
        QVERIFY(h.server->countFor("Bearer sk-same") == 10);
        const RouterSnapshot s = h.router->snapshot();
        QCOMPARE(s.deployments[0].windowKey, s.deployments[1].windowKey);
        QVERIFY(!s.deployments[0].windowKey.contains(u"sk-same"_qs));
        for (const DeploymentSnapshot &d : s.deployments) {
            QCOMPARE(d.rpmLimit, 10);
            QVERIFY2(d.rpmUsed <= d.rpmLimit, qPrintable(u"%1 / %2"_qs.arg(d.rpmUsed).arg(d.rpmLimit)));
            // Window-bound: the reason is rpm and the until-time is when the first call leaves the window.
            QCOMPARE(d.waitReason, WaitReason::Rpm);
            const qint64 in = d.waitUntilMs - QDateTime::currentMSecsSinceEpoch();
            QVERIFY2(in > 55'000 && in <= 60'100, qPrintable(QString::number(in)));
        }
        int warnings = 0;
        for (const QString &e : std::as_const(h.events))
            warnings += e.contains(u"different limits"_qs);
        QCOMPARE(warnings, 1);
        h.router->cancelAll();
    }

    void differentKeysStaySeparate()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = oneGroup(2);
        for (Deployment &d : m.deployments)
            d.limits.rpm = 2;
        h.create(m);   // keys key-gpt/1 and key-gpt/2
        for (quint64 i = 1; i <= 4; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 4);
        const RouterSnapshot s = h.router->snapshot();
        QVERIFY(s.deployments[0].windowKey != s.deployments[1].windowKey);
        QCOMPARE(s.deployments[0].rpmUsed, 2);
        QCOMPARE(s.deployments[0].waitReason, WaitReason::None);   // nothing queued
    }

    void coolingDownReasonAfterA429()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int i) { return i == 0 ? openAi429(5'000) : openAiOk(); };
        h.create(oneGroup(1, 0));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.server->seen.size(), 1);
        QTRY_COMPARE(h.calls.size(), 1);
        const DeploymentSnapshot d = h.router->snapshot().deployments[0];
        QCOMPARE(d.waitReason, WaitReason::CoolingDown);
        const qint64 in = d.waitUntilMs - QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(in > 3'000 && in <= 5'100, qPrintable(QString::number(in)));   // retry-after 5 s, not the 20 ms back-off
        h.router->cancelAll();
    }

    void shouldRetryFalseIsHonoured()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) {
            CannedReply r = openAi500();
            r.headers.append(qMakePair(QByteArray("x-should-retry"), QByteArray("false")));
            return r;
        };
        h.create(oneGroup(1, 3));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(!h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].attempts, 1);
        QVERIFY(h.outcomes[1].error.contains(u"x-should-retry"_qs));
        QCOMPARE(h.server->seen.size(), 1);
    }

    void perDayQuotaParksAndFailsOver()
    {
        // gpt/1 answers OpenAI's per-day 429; once that is known it is not asked again and the
        // jobs go to gpt/2.
        Harness h;
        h.server->script = [](const SeenRequest &r, int) {
            if (r.auth != bearer(u"gpt/1"_qs))
                return openAiOk();
            CannedReply c = openAi429(0);
            c.headers = {{"content-type", "application/json"}};
            c.body = "{\"error\":{\"message\":\"Rate limit reached for gpt-4o in organization org-x on requests per day "
                     "(RPD): Limit 200, Used 200, Requested 1. Please try again in 7h12m0s.\",\"type\":\"requests\","
                     "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
            return c;
        };
        h.create(oneGroup(2, 0));
        for (quint64 i = 1; i <= 6; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 6);
        for (const JobOutcome &o : std::as_const(h.outcomes))
            QVERIFY2(o.ok && o.deploymentId == u"gpt/2"_qs, qPrintable(o.error));
        // Only the first burst (sent before any reply) reached gpt/1; nothing after its refusal.
        const int refused = h.server->countFor(bearer(u"gpt/1"_qs));
        QVERIFY(refused >= 1 && refused <= 3);
        for (int i = 6; i < h.server->seen.size(); ++i)
            QVERIFY(h.server->seen[i].auth != bearer(u"gpt/1"_qs));
        const DeploymentSnapshot d = h.router->snapshot().deployments[0];
        QCOMPARE(d.waitReason, WaitReason::DailyQuota);
        const qint64 in = d.waitUntilMs - QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(in > 7 * 3'600'000 && in <= (7 * 60 + 12) * 60'000, qPrintable(QString::number(in)));
    }

    void learnsLimitFromHeaders()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) {
            CannedReply r = openAiOk();
            r.headers << qMakePair(QByteArray("x-ratelimit-limit-requests"), QByteArray("500"))
                      << qMakePair(QByteArray("x-ratelimit-remaining-requests"), QByteArray("499"))
                      << qMakePair(QByteArray("x-ratelimit-reset-requests"), QByteArray("120ms"));
            return r;
        };
        h.create(oneGroup(1));
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QCOMPARE(h.router->snapshot().deployments[0].rpmLimit, 500);
        QVERIFY(h.eventMatching(u"learned rpm limit 500"_qs));
    }

    void maxParallelRequests()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) {
            CannedReply r = openAiOk();
            r.delayMs = 30;
            return r;
        };
        ModelList m = oneGroup(1);
        m.deployments[0].limits.maxParallelRequests = 2;
        h.create(m);
        for (quint64 i = 1; i <= 7; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 7);
        QCOMPARE(h.server->maxInFlight, 2);
    }

    void timeoutCountsAsTransient()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int i) {
            CannedReply r = openAiOk();
            r.hang = i == 0;
            return r;
        };
        ModelList m = oneGroup(1, 1);
        m.deployments[0].timeoutSeconds = 0.1;
        h.create(m);
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY(h.outcomes[1].ok);
        QCOMPARE(h.outcomes[1].attempts, 2);
        QCOMPARE(h.calls[0].httpStatus, 0);
        QCOMPARE(h.calls[0].errorClass, ErrorClass::Transient);
        QVERIFY(h.calls[0].errorMessage.contains(u"no reply within"_qs));
    }

    void cancelAllFinishesEveryJobOnce()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) {
            CannedReply r;
            r.hang = true;
            return r;
        };
        ModelList m = configured(oneGroup(1));
        m.deployments[0].limits.maxParallelRequests = 2;
        h.create(m);
        for (quint64 i = 1; i <= 5; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.server->seen.size(), 2);
        QCOMPARE(h.router->pendingJobs(), 5);
        h.router->cancelAll();
        QCOMPARE(h.outcomes.size(), 5);
        for (const JobOutcome &o : std::as_const(h.outcomes))
            QVERIFY(o.cancelled);
        QCOMPARE(h.router->pendingJobs(), 0);
        QTest::qWait(20);
        QCOMPARE(h.duplicateOutcomes, 0);
        // The two aborted attempts are recorded (the provider may bill a request that left), nothing else.
        QCOMPARE(h.calls.size(), 2);
        for (const CallRecord &c : std::as_const(h.calls))
            QVERIFY(c.errorMessage.startsWith(u"cancelled by the user"_qs));
    }

    void pauseHoldsDispatch()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        h.create(oneGroup(1));
        h.router->pause();
        h.router->submit(makeJob(1, u"gpt"_qs));
        QTest::qWait(50);
        QCOMPARE(h.server->seen.size(), 0);
        QVERIFY(h.router->snapshot().paused);
        QCOMPARE(h.router->snapshot().queueDepth.value(u"gpt"_qs), 1);
        h.router->resume();
        QTRY_COMPARE(h.outcomes.size(), 1);
    }

    void simpleShuffleFollowsWeights()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = configured(oneGroup(2));
        m.router.routingStrategy = u"simple-shuffle"_qs;
        m.deployments[0].weight = 0.0;
        m.deployments[1].weight = 1.0;
        RouterOptions o;
        o.shuffleSeed = 42;
        h.create(m, o);
        for (quint64 i = 1; i <= 20; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 20);
        QCOMPARE(h.server->countFor(bearer(u"gpt/1"_qs)), 0);
    }

    void usageBasedV2PrefersHeadroom()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return openAiOk(); };
        ModelList m = oneGroup(2);
        m.router.routingStrategy = u"usage-based-routing-v2"_qs;
        m.deployments[0].limits.rpm = 2;
        m.deployments[1].limits.rpm = 100;
        h.create(m);
        for (quint64 i = 1; i <= 10; ++i)
            h.router->submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE(h.outcomes.size(), 10);
        QVERIFY(h.server->countFor(bearer(u"gpt/2"_qs)) >= 9);
    }

    void anthropicCountsInputAndOutput()
    {
        Harness h;
        h.server->script = [](const SeenRequest &, int) { return anthropicOk(40, 120); };
        ModelList m;
        m.deployments << makeDeployment(u"claude/1"_qs, u"claude"_qs, u"anthropic"_qs);
        m.deployments[0].limits.itpm = 10'000;
        m.deployments[0].limits.otpm = 10'000;
        h.create(m);
        h.router->submit(makeJob(1, u"claude"_qs, 4000));
        QTRY_COMPARE(h.outcomes.size(), 1);
        QVERIFY2(h.outcomes[1].ok, qPrintable(h.outcomes[1].error));
        const DeploymentSnapshot s = h.router->snapshot().deployments[0];
        QCOMPARE(s.itpmUsed, 40);     // settled to reported input tokens
        QCOMPARE(s.otpmUsed, 120);    // actual output, max_tokens does not count
        QCOMPARE(h.server->seen[0].auth, QByteArray("key-claude/1"));
    }

    void poolExceedsSixConnectionsPerHost()
    {
        // A real loopback server that answers nothing until 10 requests are open at once:
        // with a single QNetworkAccessManager only 6 could ever arrive.
        constexpr int kWanted = 10;
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> waiting;
        QHash<QTcpSocket *, QByteArray> buffers;
        int maxOpen = 0;
        auto answerAll = [&] {
            const QByteArray body = openAiOk().body;
            for (QTcpSocket *s : std::as_const(waiting))
                s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            waiting.clear();
        };
        connect(&server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [&, s] {
                    QByteArray &b = buffers[s];
                    b += s->readAll();
                    const int end = b.indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    const int cl = b.toLower().indexOf("content-length:");
                    const int len = cl < 0 ? 0 : b.mid(cl + 15, b.indexOf("\r\n", cl) - cl - 15).trimmed().toInt();
                    if (b.size() < end + 4 + len)
                        return;
                    b.remove(0, end + 4 + len);
                    waiting << s;
                    maxOpen = std::max(maxOpen, int(waiting.size()));
                    if (waiting.size() >= kWanted)
                        answerAll();
                });
            }
        });
        ModelList m = configured(oneGroup(1));
        m.deployments[0].apiBase = u"http://127.0.0.1:%1/v1"_qs.arg(server.serverPort());
        RouterOptions o;
        o.apiKeys.insert(u"gpt/1"_qs, u"key"_qs);
        Router router(m, o);
        int done = 0;
        connect(&router, &Router::jobFinished, this, [&](const JobOutcome &out) { done += out.ok; });
        for (quint64 i = 1; i <= kWanted; ++i)
            router.submit(makeJob(i, u"gpt"_qs));
        QTRY_COMPARE_WITH_TIMEOUT(done, kWanted, 10'000);
        QCOMPARE(maxOpen, kWanted);   // the router's own client is not held to 6 per host
    }
};

QTEST_GUILESS_MAIN(TstRouter)
#include "tst_router.moc"
