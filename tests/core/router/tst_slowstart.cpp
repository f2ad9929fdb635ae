// Slow start (core/limits/slowstart.h): a key with no configured limits whose provider announces
// none in headers (Gemini; any key of the simulator's no-headers mode) learns each limit from one
// refusal instead of a burst of them. Unit rules of SlowStart, then the router against the
// provider simulator over loopback with windows shortened to one second on both sides.
#include "core/config/modellist.h"
#include "core/limits/limitstate.h"
#include "core/limits/slowstart.h"
#include "core/router/router.h"
#include "tests/core/router/simrouterrun.h"
#include "core/sim/providersimulator.h"
#include "core/tokenize/tokenizer.h"

#include <QTest>

using namespace wb;

namespace {

RouterJob job(quint64 id, const QString &group)
{
    RouterJob j;
    j.id = id;
    j.group = group;
    j.request.system = u"Score the text for moral foundations and answer with one JSON object."_qs;
    j.request.user = u"Text %1: We hold these truths to be self-evident, that all men are created equal, that they "
                     "are endowed by their Creator with certain unalienable Rights."_qs.arg(id);
    j.request.maxTokens = 150;
    return j;
}


using QuietRun = wbtest::SimRouterRun;

/// Runs `jobs` calls on deployment quiet/1 of `key`'s provider against a simulator holding only
/// `key`, with nothing configured; one-second windows on both sides (or `windowMs`). `maxTokens` 0
/// keeps job()'s; `latencyMs` 0 keeps the quick simulator's; `jobOf` replaces job().
QuietRun runKey(const SimKey &key, int jobs, int maxTokens = 0, const RateLimits &remembered = {},
                std::optional<LimitAlgorithm> algorithm = {}, std::pair<qint64, qint64> accepted = {}, qint64 latencyMs = 0,
                qint64 windowMs = 1'000, const std::function<RouterJob(quint64)> &jobOf = {})
{
    const qint64 kWindowMs = windowMs;
    SimConfig cfg = wbtest::quickSimulator(kWindowMs);
    if (latencyMs > 0) {
        cfg.latencyMs = double(latencyMs);
        cfg.jitterMs = double(latencyMs) / 8;
    }
    cfg.keys << key;
    ProviderSimulator sim(cfg);
    QuietRun out;
    if (const auto port = sim.start(); !port) {
        out.errors << port.error().toString();
        return out;
    }
    const QString &provider = key.provider;
    ModelList models;
    Deployment d;
    d.id = u"quiet/1"_qs;
    d.modelName = u"quiet"_qs;
    d.provider = provider;
    d.model = provider == u"gemini" ? u"gemini-2.5-flash"_qs : provider == u"mistral" ? u"mistral-small-latest"_qs : u"gpt-4o"_qs;
    d.apiBase = sim.baseUrl() + (provider == u"gemini" ? QString() : u"/v1"_qs);
    d.limitAlgorithm = algorithm;
    models.deployments << d;   // no limits configured
    RouterOptions o;
    o.apiKeys.insert(d.id, key.key);
    if (remembered.statesARate())
        o.rememberedLimits.insert(d.id, remembered);
    if (accepted.first > 0)
        o.rememberedAccepted.insert(d.id, accepted);
    Router router(models, o);
    router.setWindowForTesting(kWindowMs, 50);
    wbtest::runJobs(router, sim, jobs, [&](quint64 id) {
        RouterJob j = jobOf ? jobOf(id) : job(id, d.modelName);
        if (maxTokens > 0)
            j.request.maxTokens = maxTokens;
        return j;
    }, out);
    return out;
}

/// Runs `jobs` calls on deployment quiet/1 of `provider` against a simulator key with `rpm` /
/// `tpm` (0 = none) that sends no rate-limit headers; one-second windows on both sides.
QuietRun runQuietKey(const QString &provider, qint64 rpm, qint64 tpm, int jobs, const RateLimits &remembered = {},
                     std::optional<LimitAlgorithm> algorithm = {}, std::pair<qint64, qint64> accepted = {})
{
    SimKey key;
    key.key = u"sk-quiet"_qs;
    key.provider = provider;
    key.rpm = rpm;
    key.tpm = tpm;
    key.limitHeaders = false;
    return runKey(key, jobs, 0, remembered, algorithm, accepted);
}

} // namespace

class TstSlowStart final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // The simulator counts with the exact tokenizer; load it before the clock matters.
        QVERIFY(Tokenizer::get(Encoding::O200kBase).count(u"warm up"_qs) > 0);
    }

    void paceFollowsTheAcceptedRate()
    {
        SlowStart s(10'000);
        QCOMPARE(s.maxInFlight(0), 1);   // nothing accepted yet: one at a time
        // 20 calls accepted within the window at 1 s each: 2 x 20 x 1000 / 10000 = 4 in flight.
        for (int i = 0; i < 20; ++i)
            s.accepted(100 * i, 1'000);
        QCOMPARE(s.acceptedInWindow(2'000), 20);
        QCOMPARE(s.maxInFlight(2'000), 4);
        // Once those calls are a window old the pace falls back to one at a time.
        QCOMPARE(s.maxInFlight(12'000), 1);
    }

    void aCallIsPresumedAcceptedAfterARefusalsRoundTrip()
    {
        SlowStart s(10'000);
        s.accepted(1'000, 2'000);
        QVERIFY(!s.presumedAcceptedAfterMs());   // no refusal yet: a call waits for its reply
        // Twice the slowest refusal and the slack: 120 ms, then 80 ms (the slowest stays).
        s.refusedAfter(120);
        QCOMPARE(s.presumedAcceptedAfterMs().value_or(-1), 2 * 120 + SlowStart::kPresumeSlackMs);
        s.refusedAfter(80);
        QCOMPARE(s.presumedAcceptedAfterMs().value_or(-1), 2 * 120 + SlowStart::kPresumeSlackMs);
    }

    void geminisCallsArePresumedAcceptedBeforeItsFirstRefusal()
    {
        SlowStart s(10'000);
        s.setPresumeBeforeRefusal(true);
        QVERIFY(!s.presumedAcceptedAfterMs());   // nothing accepted yet: no latency to go by
        // A quarter of the accepted calls' mean latency: 2 s, then 1.2 s (moving mean).
        s.accepted(1'000, 2'000);
        QCOMPARE(s.presumedAcceptedAfterMs().value_or(-1), 500);
        s.accepted(1'500, 400);
        QCOMPARE(s.presumedAcceptedAfterMs().value_or(-1), qint64((2'000 + 0.2 * (400 - 2'000)) / 4));
        // Never below the timers' slack, however quick the replies.
        SlowStart quick(10'000);
        quick.setPresumeBeforeRefusal(true);
        quick.accepted(0, 8);
        QCOMPARE(quick.presumedAcceptedAfterMs().value_or(-1), SlowStart::kPresumeSlackMs);
        // Once a refusal came back, its round trip says how soon a refused call would have.
        s.refusedAfter(30);
        QCOMPARE(s.presumedAcceptedAfterMs().value_or(-1), 2 * 30 + SlowStart::kPresumeSlackMs);
    }

    void aGeminiKeysFirstWindowDoesNotGoOneCallPerReply()
    {
        // Gemini tells no limit until it refuses, refuses at once, and names the limit it refused
        // on; an accepted call takes its generation (here 400 ms). Before the first refusal a
        // call not refused within a quarter of a generation was let through, so the key's first
        // window does not go one call per reply (and every later window inherits that spread):
        // several calls are on their way together before the refusal that teaches the token
        // limit, and that refusal is the only one. Waiting for each reply, at most two were (the
        // first two calls, sent before any reply; the pace grows to two after five replies).
        constexpr qint64 kWindowMs = 2'000;
        constexpr int kJobs = 12;
        SimKey key;
        key.key = u"sk-gemini"_qs;
        key.provider = u"gemini"_qs;
        const QuietRun free = runKey(key, kJobs, 0, {}, {}, {}, 400, kWindowMs);
        QVERIFY2(free.errors.isEmpty(), qPrintable(free.errors.join(u"; ")));
        const QList<qint64> charges = free.stats.keys.value(key.key).okCharges;
        QCOMPARE(charges.size(), kJobs);
        const qint64 largest = *std::max_element(charges.cbegin(), charges.cend());
        // Eight calls fit a window: the ninth is refused.
        key.tpm = 8 * largest + largest / 2;
        const QuietRun run = runKey(key, kJobs, 0, {}, {}, {}, 400, kWindowMs);
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors.join(u"; ")));
        QCOMPARE(run.stats.ok, kJobs);
        qInfo("calls on their way together before the first refusal: %d", run.mostInFlightBeforeRefusal);
        QVERIFY2(run.mostInFlightBeforeRefusal >= 3, qPrintable(QString::number(run.mostInFlightBeforeRefusal)));
        QCOMPARE(run.stats.rateLimited, 1);
        QCOMPARE(run.snapshot.deployments[0].tpmLimit, key.tpm);
    }

    void aKeyLearnsAtTheRefusalsPaceNotTheGenerations()
    {
        // Gemini tells no limit until it refuses, and refuses at once; an accepted call takes its
        // generation (here 400 ms). Three large calls go first (largest first) and the third is
        // refused for tokens, which teaches that limit and how soon a refusal comes back. Its
        // request limit stays unknown, so the fifteen small calls after it are paced: a call whose
        // request left longer ago than a refusal's round trip was let through by the limits it
        // met, so the next goes then, and the small calls are on their way together. Waiting for
        // each reply instead, at most three were (the pace grows with the calls accepted).
        constexpr qint64 kWindowMs = 2'000;
        constexpr int kLarge = 3, kSmall = 15;
        SimKey key;
        key.key = u"sk-gemini"_qs;
        key.provider = u"gemini"_qs;
        const auto sized = [](quint64 id) {
            RouterJob j = job(id, u"quiet"_qs);
            if (id <= kLarge)
                j.request.user = j.request.user.repeated(40);
            return j;
        };
        // What one large and one small call count, from a run without limits.
        const QuietRun free = runKey(key, kLarge + kSmall, 0, {}, {}, {}, 400, kWindowMs, sized);
        QVERIFY2(free.errors.isEmpty(), qPrintable(free.errors.join(u"; ")));
        const QList<qint64> charges = free.stats.keys.value(key.key).okCharges;
        QCOMPARE(charges.size(), kLarge + kSmall);
        const qint64 large = *std::max_element(charges.cbegin(), charges.cend());
        QVERIFY2(large > 1'000, qPrintable(QString::number(large)));
        // Two large calls fit a window, the third does not; the small ones all do.
        key.tpm = 2 * large + large / 2;
        const QuietRun run = runKey(key, kLarge + kSmall, 0, {}, {}, {}, 400, kWindowMs, sized);
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors.join(u"; ")));
        QCOMPARE(run.stats.ok, kLarge + kSmall);
        QCOMPARE(run.stats.rateLimited, 1);
        QCOMPARE(run.snapshot.deployments[0].tpmLimit, key.tpm);
        qInfo("calls on their way together: %d", run.mostInFlight);
        QVERIFY2(run.mostInFlight >= 5, qPrintable(QString::number(run.mostInFlight)));
    }

    void exploresOnlyUnknownRefusedDimensions()
    {
        LimitState l(1'000);
        QVERIFY(!exploring(l, CountingRule::Gemini));   // not informed: the router's probe applies
        RateLimitHeaders none;
        l.reconcile(10, 0, CountingRule::Gemini, none);
        QVERIFY(exploring(l, CountingRule::Gemini));
        RefusalCounts tpm;
        tpm.dim = RefusalCounts::Tokens;
        tpm.limit = 5'000;
        l.reconcileRefusal(20, tpm);
        QVERIFY(exploring(l, CountingRule::Gemini));   // rpm still unknown
        RefusalCounts rpm;
        rpm.dim = RefusalCounts::Requests;
        rpm.limit = 10;
        l.reconcileRefusal(30, rpm);
        QVERIFY(!exploring(l, CountingRule::Gemini));
        // Anthropic refuses on rpm, itpm and otpm: tpm is none of its business.
        LimitState a(1'000);
        a.reconcile(10, 0, CountingRule::Anthropic, none);
        a.reconcileRefusal(20, rpm);
        RefusalCounts itpm{RefusalCounts::InputTokens, 5'000, {}, {}};
        RefusalCounts otpm{RefusalCounts::OutputTokens, 1'000, {}, {}};
        a.reconcileRefusal(30, itpm);
        QVERIFY(exploring(a, CountingRule::Anthropic));
        a.reconcileRefusal(40, otpm);
        QVERIFY(!exploring(a, CountingRule::Anthropic));
        // A configured limit is the user's pace: no exploring.
        LimitState c(1'000);
        c.addConfigured(LimitValues{5, {}, {}, {}});
        c.reconcile(10, 0, CountingRule::Gemini, none);
        QVERIFY(!exploring(c, CountingRule::Gemini));
    }

    void oneRefusalPerLimitWithoutHeaders_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<qint64>("rpm");
        QTest::addColumn<qint64>("tpm");
        QTest::addColumn<int>("max429");
        // Gemini never sends limit headers; its 429 names the metric and the limit. Only tpm binds
        // (the simulator's rpm 0 = none): one refusal teaches it.
        QTest::newRow("gemini tpm") << u"gemini"_qs << qint64(0) << qint64(150) << 1;
        // OpenAI without headers (the simulator's no-headers mode): its 429 text names the limit
        // it refused on; tpm binds (two calls a window), rpm may: one refusal each.
        QTest::newRow("openai no headers, rpm and tpm") << u"openai"_qs << qint64(3) << qint64(500) << 2;
    }
    void oneRefusalPerLimitWithoutHeaders()
    {
        QFETCH(QString, provider);
        QFETCH(qint64, rpm);
        QFETCH(qint64, tpm);
        QFETCH(int, max429);
        constexpr int kJobs = 10;
        const QuietRun run = runQuietKey(provider, rpm, tpm, kJobs);
        // Every refused call was sent again: nothing is lost.
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors.join(u"; ")));
        const SimStats &stats = run.stats;
        QCOMPARE(stats.ok, kJobs);
        // The limits bind (the jobs need several windows), so each must be met: at least one
        // refusal in all. Admitted freely after the first reply, the key sent every queued call at
        // once and every call past the limit was refused (kJobs - the calls one window holds).
        // Paced, at most one call is in flight when a limit is passed — the accepted rate (a few
        // calls a window) times twice the latency (20 ms) over the window is far below one — so
        // each limit costs the one refusal that teaches it: at most one per binding dimension.
        QVERIFY2(stats.rateLimited >= 1, "the limits did not bind");
        QVERIFY2(stats.rateLimited <= max429, qPrintable(u"%1 refusals"_qs.arg(stats.rateLimited)));
        QCOMPARE(run.snapshot.deployments[0].tpmLimit, tpm);
    }

    void aFirstRunLearnsWhatAdmissionHolds()
    {
        // A Mistral key that holds only the prompt at admission and settles to usage after the
        // reply, with no limits written: its token limit fits two calls with max_tokens reserved
        // (how the router starts) and three as the provider counts. The two calls sent before
        // the first reply let that reply show the second held without its max_tokens, and the
        // next window's pair agrees: from then on three calls a window, none refused. With one
        // call before the first reply every later window's calls were a reply apart, no reply
        // ever showed a call on its way, and the key stayed at two a window.
        constexpr qint64 kWindowMs = 1'000;
        constexpr int kMaxTokens = 45;
        const auto run = [&](qint64 tpm, int jobs) {
            SimKey key;
            key.key = u"sk-mistral"_qs;
            key.provider = u"mistral"_qs;
            key.tpm = tpm;
            key.charge = SimCharge::PromptThenSettle;
            return runKey(key, jobs, kMaxTokens);
        };
        // What the provider counts for one call: its prompt and its completion.
        const wbtest::SimRouterRun one = run(0, 1);
        QVERIFY2(one.errors.isEmpty(), qPrintable(one.errors.join(u"; ")));
        const SimKeyStats k = one.stats.keys.value(u"sk-mistral"_qs);
        const qint64 prompt = k.promptTokens, completion = k.completionTokens;
        // Two settled calls leave room for a third's prompt (and 30 tokens, above the margin a
        // tenth of the limit can take), not for its prompt and max_tokens; two calls with
        // max_tokens reserved fit.
        const qint64 tpm = 3 * prompt + 2 * completion + 30;
        QVERIFY2(prompt > 0 && completion > 0 && completion < 30 && 2 * (prompt + kMaxTokens) <= tpm,
                 qPrintable(u"prompt %1, completion %2"_qs.arg(prompt).arg(completion)));
        qInfo("prompt %lld, completion %lld, tpm %lld", prompt, completion, tpm);
        const wbtest::SimRouterRun r = run(tpm, 10);
        QVERIFY2(r.errors.isEmpty(), qPrintable(r.errors.join(u"; ")));
        QCOMPARE(r.stats.rateLimited, 0);
        QCOMPARE(r.snapshot.deployments[0].tpmLimit, tpm);
        // Held as the prompt alone (here also the larger of prompt and max_tokens): three calls
        // in one window.
        const LearnedCounting &c = r.snapshot.deployments[0].learnedCounting;
        QVERIFY(c.admitPromptOnly.value_or(false) || c.admitLarger.value_or(false));
        QCOMPARE(r.mostWithin(kWindowMs), 3);
    }

    void aRememberedFloorIsSentAtOnce()
    {
        // Gemini tells no limit until it refuses. A window of a key paced by the slow start
        // holds calls sent one by one, so they leave it one by one, and every later window
        // inherits that spread. What an earlier run saw one window of the key accept (here 6
        // requests) cannot be refused: those calls go together. Beyond it the pace holds. Eight
        // calls, latency 20 ms, one-second windows: the first two together (until the key's first
        // reply), then one at a time, or two where a call not refused within the timers' slack
        // (10 ms, more than a quarter of a reply) is presumed accepted before the reply; with the
        // floor, the four more it allows at once.
        constexpr int kJobs = 8;
        const QuietRun paced = runQuietKey(u"gemini"_qs, 0, 0, kJobs);
        QVERIFY2(paced.errors.isEmpty(), qPrintable(paced.errors.join(u"; ")));
        qInfo("paced: %d on their way together", paced.mostInFlight);
        QVERIFY2(paced.mostInFlight >= 2 && paced.mostInFlight <= 3, qPrintable(QString::number(paced.mostInFlight)));
        QCOMPARE(paced.snapshot.deployments[0].rpmLimit, 0);   // nothing told it
        QVERIFY(paced.snapshot.deployments[0].acceptedRequests >= 2);
        const QuietRun floor = runQuietKey(u"gemini"_qs, 0, 0, kJobs, {}, {}, {6, 1'000'000});
        QVERIFY2(floor.errors.isEmpty(), qPrintable(floor.errors.join(u"; ")));
        QCOMPARE(floor.stats.rateLimited, 0);
        qInfo("with the floor: %d on their way together", floor.mostInFlight);
        QVERIFY2(floor.mostInFlight >= 4 && floor.mostInFlight <= 6, qPrintable(QString::number(floor.mostInFlight)));
        // Remembered again for the next run: at least what it started with.
        QVERIFY(floor.snapshot.deployments[0].acceptedRequests >= 6);
        QVERIFY(floor.snapshot.deployments[0].acceptedTokens > 0);
    }

    void refusalBoundsSortAcceptedProbeAndRefused()
    {
        using V = RefusalBounds::Verdict;
        RefusalBounds b;
        QVERIFY(!b.learning());
        b.accepted({2, 1'000});
        b.accepted({1, 3'000});
        // Each limit on its own is at least what any accepted call's window held.
        QCOMPARE(b.proven().requests, 2);
        QCOMPARE(b.proven().tokens, 3'000);
        QCOMPARE(b.verdict({2, 3'000}), V::Fits);
        b.refused({3, 3'500});
        QVERIFY(b.learning());
        QCOMPARE(b.verdict({3, 3'500}), V::Refused);
        QCOMPARE(b.verdict({4, 5'000}), V::Refused);   // more of both than was refused
        QCOMPARE(b.verdict({3, 3'100}), V::Probe);     // fewer tokens: either limit may have refused
        QCOMPARE(b.verdict({2, 9'000}), V::Probe);
        // A refusal already implied by another adds nothing; a stronger one replaces it.
        b.refused({5, 6'000});
        QCOMPARE(b.refusedPoints(), 1);
        b.refused({3, 3'200});
        QCOMPARE(b.refusedPoints(), 1);
        QCOMPARE(b.verdict({3, 3'300}), V::Refused);
        // An accepted call holding more of both than a refused one shows that refusal had another
        // cause (another user of the key): it no longer holds calls back.
        b.accepted({3, 3'300});
        QCOMPARE(b.refusedPoints(), 0);
        QCOMPARE(b.verdict({3, 3'300}), V::Fits);
        QCOMPARE(b.verdict({4, 3'300}), V::Probe);
        // A refusal within what was proven is another cause too: not kept.
        b.refused({2, 2'000});
        QCOMPARE(b.refusedPoints(), 0);
    }

    void refusalsNamingNothingBoundTheKey()
    {
        // Mistral without headers refuses with "Rate limit exceeded" and no counts: no limit can
        // be read, and growth pacing would never end. Released to the retry-after alone, the key
        // sent every queued call the moment the pause ended and most were refused again (a
        // burst per window). Bounded by what its window held when calls were accepted and
        // refused, it probes one call at a time beyond what was accepted. 12 jobs at 3 a window
        // need 4 windows: at most one refusal (the probe) per window.
        constexpr int kJobs = 12;
        const QuietRun run = runQuietKey(u"mistral"_qs, 3, 0, kJobs);
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors.join(u"; ")));
        QCOMPARE(run.stats.ok, kJobs);
        QVERIFY(run.stats.rateLimited >= 1);
        QVERIFY2(run.stats.rateLimited <= 4, qPrintable(u"%1 refusals"_qs.arg(run.stats.rateLimited)));
        QCOMPARE(run.events.filter(u"quiet/1: refusals name no limit"_qs).size(), 1);
        // What the key was seen to accept is what a next run remembers: three requests a window.
        const DeploymentSnapshot &s = run.snapshot.deployments[0];
        QCOMPARE(s.rpmLearned, 3);
        QVERIFY(s.tpmLearned > 0);

        // The next run starts with that and is refused nothing.
        RateLimits remembered;
        remembered.rpm = s.rpmLearned;
        remembered.tpm = s.tpmLearned;
        const QuietRun again = runQuietKey(u"mistral"_qs, 3, 0, kJobs, remembered);
        QVERIFY2(again.errors.isEmpty(), qPrintable(again.errors.join(u"; ")));
        QCOMPARE(again.stats.ok, kJobs);
        QCOMPARE(again.stats.rateLimited, 0);
    }

    void aRememberedFloorIsWhatTheProviderCounted()
    {
        // A Mistral key with no headers refuses naming nothing, so what the run remembers of its
        // token limit is the most its window was seen to hold when a call was accepted. The
        // router charges estimates, and before the provider has counted a prompt it charges
        // half as much again: the first two calls' point alone held more than the provider's
        // limit, and the next run started above it. Valued at what the provider counted (with
        // the margin calibrated charges carry), the floor stays within the limit and the next
        // run is refused nothing.
        constexpr int kMaxTokens = 10;
        constexpr int kJobs = 10;
        SimKey key;
        key.key = u"sk-quiet"_qs;
        key.provider = u"mistral"_qs;
        key.limitHeaders = false;
        const QuietRun one = runKey(key, 1, kMaxTokens);
        QVERIFY2(one.errors.isEmpty(), qPrintable(one.errors.join(u"; ")));
        const qint64 prompt = one.stats.keys.value(key.key).promptTokens;
        QVERIFY(prompt > 4 * kMaxTokens);
        // Two calls fit with max_tokens reserved, three do not; two at the first calls' charge
        // (half as much again) do not fit either.
        key.tpm = 2 * (prompt + kMaxTokens) + kMaxTokens;
        QVERIFY(2 * (prompt * 3 / 2 + kMaxTokens) > key.tpm);
        const QuietRun learn = runKey(key, kJobs, kMaxTokens);
        QVERIFY2(learn.errors.isEmpty(), qPrintable(learn.errors.join(u"; ")));
        QCOMPARE(learn.stats.ok, kJobs);
        QVERIFY(learn.stats.rateLimited >= 1);
        const DeploymentSnapshot &s = learn.snapshot.deployments[0];
        // In the router's charges, which carry a margin over the provider's count of each prompt
        // (a few percent): before, 2 x (1.5 x prompt + 8 + max_tokens).
        QVERIFY2(s.tpmLearned > 0 && s.tpmLearned <= key.tpm + prompt / 5,
                 qPrintable(u"remembered %1 tokens, the provider allows %2"_qs.arg(s.tpmLearned).arg(key.tpm)));

        RateLimits remembered;
        remembered.rpm = s.rpmLearned;
        remembered.tpm = s.tpmLearned;
        const QuietRun again = runKey(key, kJobs, kMaxTokens, remembered);
        QVERIFY2(again.errors.isEmpty(), qPrintable(again.errors.join(u"; ")));
        QCOMPARE(again.stats.ok, kJobs);
        QCOMPARE(again.stats.rateLimited, 0);
    }

    void refusalBoundsCountTheWindowEvenForABucket()
    {
        // A key declared a bucket with no limit known cannot drain its bucket (no rate to drain
        // at): the bounds read what the sliding window holds, which empties, so every job ends.
        constexpr int kJobs = 12;
        const QuietRun run = runQuietKey(u"mistral"_qs, 3, 0, kJobs, {}, LimitAlgorithm::TokenBucket);
        QVERIFY2(run.errors.isEmpty(), qPrintable(run.errors.join(u"; ")));
        QCOMPARE(run.stats.ok, kJobs);
        QVERIFY2(run.stats.rateLimited <= 4, qPrintable(u"%1 refusals"_qs.arg(run.stats.rateLimited)));
    }
};

QTEST_GUILESS_MAIN(TstSlowStart)
#include "tst_slowstart.moc"
