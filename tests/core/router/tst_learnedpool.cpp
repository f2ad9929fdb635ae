// Pools nobody configured (core/limits/poollearner.h), the router against the provider simulator
// over loopback: two keys of one simulator pool (an organisation's limit) with no limits in the
// model list are admitted as one pool and learned to be one; two independent keys announcing the
// same limit are not merged, and once apart each holds its own calls only; a pool remembered from
// an earlier run is used from the first call.
#include "core/config/modellist.h"
#include "core/router/router.h"
#include "tests/core/router/simrouterrun.h"
#include "core/sim/providersimulator.h"
#include "core/tokenize/tokenizer.h"

#include <QTest>

using namespace wb;

namespace {

constexpr qint64 kWindowMs = 1'000;

RouterJob job(quint64 id)
{
    RouterJob j;
    j.id = id;
    j.group = u"gpt"_qs;
    j.request.system = u"Score the text for moral foundations and answer with one JSON object."_qs;
    j.request.user = u"Text %1: We hold these truths to be self-evident, that all men are created equal."_qs.arg(id);
    j.request.maxTokens = 100;
    return j;
}

using PoolRun = wbtest::SimRouterRun;

/// `jobs` calls (made by `jobOf`) on two OpenAI deployments gpt/1 and gpt/2 with the simulator's
/// keys k-1 and k-2, no limits in the model list, windows of `windowMs`; `remember` adds to each
/// deployment's options what an earlier run learned.
PoolRun runTwoKeys(const SimConfig &cfg, qint64 windowMs, int jobs, const std::function<RouterJob(quint64)> &jobOf,
                   const std::function<void(const QString &, RouterOptions &)> &remember)
{
    ProviderSimulator sim(cfg);
    PoolRun out;
    if (const auto port = sim.start(); !port) {
        out.errors << port.error().toString();
        return out;
    }
    ModelList models;
    RouterOptions o;
    for (int i = 1; i <= 2; ++i) {
        Deployment d;
        d.id = u"gpt/%1"_qs.arg(i);
        d.modelName = u"gpt"_qs;
        d.provider = u"openai"_qs;
        d.model = u"gpt-4o-mini"_qs;
        d.apiBase = sim.baseUrl() + u"/v1"_qs;
        models.deployments << d;   // no limits configured
        o.apiKeys.insert(d.id, u"k-%1"_qs.arg(i));
        remember(d.id, o);
    }
    Router router(models, o);
    router.setWindowForTesting(windowMs, 50);
    wbtest::runJobs(router, sim, jobs, jobOf, out);
    return out;
}

/// `jobs` calls on two OpenAI keys (rpm 4 each (tpm never binds), shared by one simulator pool
/// when `pooled`); `remembered`: the limits an earlier run learned, `rememberPool` its pool.
PoolRun run(bool pooled, int jobs, bool remembered = false, bool rememberPool = false,
            const std::function<void(SimConfig &)> &tune = {})
{
    SimConfig cfg = wbtest::quickSimulator(kWindowMs);
    for (const QString &name : {u"k-1"_qs, u"k-2"_qs}) {
        SimKey k;
        k.key = name;
        k.provider = u"openai"_qs;
        k.rpm = 4;
        k.tpm = 1'000'000;   // announced, never binding (an unknown limit would pace the keys)
        if (pooled)
            k.pool = u"org"_qs;
        cfg.keys << k;
    }
    if (tune)
        tune(cfg);
    return runTwoKeys(cfg, kWindowMs, jobs, job, [&](const QString &id, RouterOptions &o) {
        if (remembered) {
            RateLimits l;
            l.rpm = 4;
            l.tpm = 1'000'000;
            o.rememberedLimits.insert(id, l);
        }
        if (rememberPool)
            o.rememberedPools.insert(id, u"learned:gpt/1"_qs);
    });
}

/// Every job done, none refused.
void expectAllDone(const PoolRun &r, int jobs)
{
    QVERIFY2(r.errors.isEmpty(), qPrintable(r.errors.join(u"; ")));
    QCOMPARE(r.stats.ok, jobs);
    QCOMPARE(r.stats.rateLimited, 0);
}

/// Two OpenAI keys counted apart, whose provider keeps each call's charge (prompt + max_tokens)
/// and shows its counters as it admitted the call (`headers_read: admission`); tpm binds. `before`:
/// what an earlier run's snapshot learned (limits, counting and pool remembered from it), or none.
PoolRun admittedRun(const QList<DeploymentSnapshot> &before, int jobs)
{
    constexpr qint64 kAdmittedWindowMs = 2'000;
    SimConfig cfg = wbtest::quickSimulator(kAdmittedWindowMs);
    cfg.latencyMs = 150;   // bursts whose calls are still on their way at each reply
    cfg.jitterMs = 40;
    cfg.latencyPerOutputTokenMs = 0.2;
    for (const QString &name : {u"k-1"_qs, u"k-2"_qs}) {
        SimKey k;
        k.key = name;
        k.provider = u"openai"_qs;
        k.rpm = 12;
        k.tpm = 11'000;   // about 8 calls a window
        k.headersAtAdmission = true;
        cfg.keys << k;
    }
    const auto remember = [&](const QString &id, RouterOptions &o) {
        for (const DeploymentSnapshot &d : before) {
            if (d.id != id)
                continue;
            RateLimits l;
            l.rpm = d.rpmLearned;
            l.tpm = d.tpmLearned;
            o.rememberedLimits.insert(id, l);
            o.rememberedCounting.insert(id, d.learnedCounting);
            if (!d.learnedPool.isEmpty())
                o.rememberedPools.insert(id, d.learnedPool);
        }
    };
    return runTwoKeys(cfg, kAdmittedWindowMs, jobs, [](quint64 id) {
        RouterJob j = job(id);
        // Prompts of ~300 to ~1,400 tokens, max_tokens 600: calls of unequal charge.
        j.request.user = QString(u"We hold these truths to be self-evident, that all men are created equal. "_qs)
                                 .repeated(15 + int(id * 37) % 70);
        j.request.maxTokens = 600;
        return j;
    }, remember);
}

} // namespace

class TstLearnedPool final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(Tokenizer::get(Encoding::O200kBase).count(u"warm up"_qs) > 0);
    }

    void twoKeysOfOnePoolAreLearnedAsOne()
    {
        // The pool allows 4 calls a window for both keys together; each key announces rpm 4 and
        // the pool's remaining count. Each key taken at its word would send 8 a window.
        constexpr int kJobs = 16;
        const PoolRun r = run(true, kJobs);
        expectAllDone(r, kJobs);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.snapshot.deployments.size(), 2);
        const DeploymentSnapshot &a = r.snapshot.deployments[0], &b = r.snapshot.deployments[1];
        QVERIFY(!a.learnedPool.isEmpty());
        QCOMPARE(a.learnedPool, b.learnedPool);
        QCOMPARE(a.windowKey, b.windowKey);
        // Both keys took calls (the suspicion is tested from both sides).
        QVERIFY(r.stats.keys.value(u"k-1"_qs).ok > 0 && r.stats.keys.value(u"k-2"_qs).ok > 0);
    }

    void independentKeysWithTheSameLimitAreNotMerged()
    {
        constexpr int kJobs = 16;
        const PoolRun r = run(false, kJobs);
        expectAllDone(r, kJobs);
        if (QTest::currentTestFailed())
            return;
        const DeploymentSnapshot &a = r.snapshot.deployments[0], &b = r.snapshot.deployments[1];
        QVERIFY(a.learnedPool.isEmpty() && b.learnedPool.isEmpty());
        QVERIFY(a.windowKey != b.windowKey);
        QCOMPARE(r.events.filter(u"counts separately"_qs).size(), 1);
        // Each key has its own 4 a window: 16 calls fit in two windows, not four.
        QVERIFY2(r.wallMs < 3 * kWindowMs, qPrintable(u"%1 ms"_qs.arg(r.wallMs)));
    }

    void partedKeysHoldOnlyTheirOwnCalls()
    {
        // Two keys counted apart, rpm 4 each: 8 calls fit in one window. Until the second key's
        // first reply they are one pool of 4; the second key takes one call meanwhile, so that
        // reply tells them apart (with several of its own on their way either explanation fits).
        // Each key's state then holds its own calls only — the other key's answered calls are
        // given back — and the other 4 go at once, not a window later.
        constexpr int kJobs = 8;
        const PoolRun r = run(false, kJobs);
        expectAllDone(r, kJobs);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.events.filter(u"counts separately"_qs).size(), 1);
        for (const DeploymentSnapshot &d : r.snapshot.deployments) {
            const QString key = d.id == u"gpt/1" ? u"k-1"_qs : u"k-2"_qs;
            QCOMPARE(d.rpmUsed, r.stats.keys.value(key).requests);
        }
        QVERIFY2(r.wallMs < kWindowMs, qPrintable(u"%1 ms"_qs.arg(r.wallMs)));
    }

    void keysWhoseCountersRefillWithinARoundTripAreToldApart()
    {
        // Two independent keys whose request counters refill continuously (rpm 4 in a 1-s window:
        // one request every 250 ms) and replies that take 300 ms: by the time a reply leaves, a
        // call the other key sent with it has drained from any counter. Sent together, the keys'
        // calls never show whether they share a pool, and the run kept the pool's pace (24 calls
        // in 6 windows instead of 3). Each key sends clear of the other's calls on their way, so
        // a reply shows the other's burst — or, as here, that it is not in its counter.
        constexpr int kJobs = 24;
        const PoolRun r = run(false, kJobs, false, false, [](SimConfig &cfg) {
            cfg.latencyMs = 300;
            cfg.jitterMs = 50;
            for (SimKey &k : cfg.keys)
                k.algorithm = SimAlgorithm::Bucket;
        });
        expectAllDone(r, kJobs);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.events.filter(u"counts separately"_qs).size(), 1);
        QVERIFY2(r.wallMs < 5 * kWindowMs, qPrintable(u"%1 ms"_qs.arg(r.wallMs)));
    }

    void aChargeReadAtTheWrongInstantIsNotRemembered()
    {
        // Before a key knows that its provider shows the counters as it admitted the call, a
        // burst's counts lack the calls sent after the replying one; scored as of the reply, they
        // look like a provider that settles to usage. Once the instant is learned, what those
        // counts taught is forgotten: the key does not remember a settlement its provider never
        // made, and the next run, starting from what this one learned, is refused nothing.
        constexpr int kJobs = 48;
        const PoolRun first = admittedRun({}, kJobs);
        QVERIFY2(first.errors.isEmpty(), qPrintable(first.errors.join(u"; ")));
        QCOMPARE(first.stats.ok, kJobs);
        for (const DeploymentSnapshot &d : first.snapshot.deployments) {
            QCOMPARE(d.learnedCounting.countersAtAdmission, std::optional<bool>(true));
            QVERIFY2(d.learnedCounting.settledToUsage != std::optional<bool>(true), qPrintable(d.id + first.events.join(u'\n')));
        }
        const PoolRun second = admittedRun(first.snapshot.deployments, kJobs);
        expectAllDone(second, kJobs);
    }

    void aRememberedPoolIsUsedFromTheFirstCall()
    {
        // Limits remembered (no probe: both keys send at once); with the pool remembered too the
        // second run sends no more than the pool allows from the first call on ...
        constexpr int kJobs = 12;
        const PoolRun r = run(true, kJobs, true, true);
        expectAllDone(r, kJobs);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.snapshot.deployments[0].windowKey, r.snapshot.deployments[1].windowKey);
        // ... while the limits alone (each key believing the pool is its own) overrun it.
        const PoolRun without = run(true, kJobs, true, false);
        QVERIFY2(without.errors.isEmpty(), qPrintable(without.errors.join(u"; ")));
        QVERIFY(without.stats.rateLimited > 0);
    }
};

QTEST_GUILESS_MAIN(TstLearnedPool)
#include "tst_learnedpool.moc"
