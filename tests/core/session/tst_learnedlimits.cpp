// Limits learned from a provider, remembered across runs for the estimate
// (core/session/learnedlimits.h): the store's file (keyed by key reference, never by a key),
// its errors, and a run with no limits configured against the provider simulator whose estimate
// afterwards simulates the limits the run learned.
#include "core/experiment/estimator.h"
#include "core/router/routertypes.h"
#include "core/session/estimateinput.h"
#include "core/session/experimentrunner.h"
#include "core/session/learnedlimits.h"
#include "core/session/project.h"
#include "core/sim/providersimulator.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

Deployment deployment(const QString &id, const QString &keyRef)
{
    Deployment d;
    d.id = id;
    d.modelName = u"oa"_qs;
    d.provider = u"openai"_qs;
    d.model = u"gpt-4o-mini"_qs;
    d.keyRef = keyRef;
    d.apiBase = u"http://127.0.0.1:9/v1"_qs;
    return d;
}

void writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

/// A project of `texts` short texts scored by one OpenAI deployment `oa` at `baseUrl` with no
/// limits in its model list; returns {config, experiment}.
std::pair<QString, QString> writeProject(const QTemporaryDir &dir, const QString &baseUrl, int texts)
{
    QDir(dir.path()).mkpath(u"corpus"_qs);
    for (int i = 0; i < texts; ++i)
        writeFile(dir.filePath(u"corpus/t%1.txt"_qs.arg(i, 2, 10, QLatin1Char('0'))),
                  QByteArray("We hold these truths to be self-evident, text ") + QByteArray::number(i) + '.');
    writeFile(dir.filePath(u"mft.yaml"_qs),
              "framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n  dimensions:\n"
              "    - {id: care, name: Care, description: c, min: 0, max: 1}\n");
    writeFile(dir.filePath(u"experiment.yaml"_qs),
              "experiment: {name: learned}\ncorpus:\n  - {id: c, path: corpus/}\nframeworks:\n  - {id: mft, path: mft.yaml}\n"
              "execution:\n  max_tokens: 200\n  matrix:\n    - {run_id: r-oa, model: oa, framework: mft, corpus_subset: c}\n");
    const QString config = dir.filePath(u"litellm_config.yaml"_qs);
    writeFile(config, u"model_list:\n  - model_name: oa\n    litellm_params: {model: openai/gpt-4o-mini, api_key: sk-learn, "
                      "api_base: \"%1/v1\"}\n"_qs.arg(baseUrl).toUtf8());
    return {config, dir.filePath(u"experiment.yaml"_qs)};
}


/// A simulator with one OpenAI key `sk-learn` of 3 requests per one-second window, announcing
/// them in headers or not.
SimConfig learnKey(qint64 windowMs, bool headers)
{
    SimConfig cfg;
    cfg.windowMs = windowMs;
    cfg.latencyMs = 30;
    cfg.jitterMs = 0;
    cfg.acceptAnyKey = false;
    SimKey key;
    key.key = u"sk-learn"_qs;
    key.provider = u"openai"_qs;
    key.rpm = 3;
    key.limitHeaders = headers;
    cfg.keys << key;
    return cfg;
}

/// One run of the project into `dbPath`, remembering learned limits in `store`; its event lines
/// go to `events` (if given). An empty summary when it did not finish within a minute.
RunSummary runProject(const QString &config, const QString &experiment, const QString &dbPath, qint64 windowMs,
                      const QString &store, QStringList *events = nullptr)
{
    RunOptions o;
    o.configPath = config;
    o.experimentPath = experiment;
    o.dbPath = dbPath;
    o.windowMsForTesting = windowMs;
    o.learnedLimitsPath = store;
    ExperimentRunner runner(o);
    if (events)
        QObject::connect(&runner, &ExperimentRunner::event, &runner, [events](const QString &e) { *events << e; });
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    runner.start();
    if (!done.wait(60'000))
        return RunSummary{};
    return done.first().first().value<RunSummary>();
}
} // namespace

class TstLearnedLimits final : public QObject {
    Q_OBJECT
private slots:
    void rememberedByReferenceNeverByKey()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"sub/learned-limits.json"_qs);
        const QDateTime at = QDateTime::fromString(u"2026-11-30T10:00:00Z"_qs, Qt::ISODate);
        LearnedLimitStore store(path);
        const Deployment literal = deployment(u"oa/1"_qs, u"sk-literal-secret-123"_qs);
        const Deployment env = deployment(u"oa/2"_qs, u"os.environ/OPENAI_API_KEY"_qs);
        RateLimits a;
        a.rpm = 500;
        a.tpm = 30'000;
        store.remember(literal, 60'000, a, at);
        RateLimits b;
        b.tpm = 200'000;
        store.remember(env, 60'000, b, at);
        // A later reading adds a dimension and keeps the others.
        RateLimits c;
        c.rpm = 5'000;
        store.remember(env, 60'000, c, at.addDays(1));
        QVERIFY(store.save());

        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(!text.contains("sk-literal-secret-123"), text.constData());
        QVERIFY(text.contains("deployment oa/1"));
        QVERIFY(text.contains("os.environ/OPENAI_API_KEY"));

        LearnedLimitStore again(path);
        QVERIFY(again.load());
        QCOMPARE(again.entries().size(), 2);
        const LearnedLimits *l = again.find(env);
        QVERIFY(l);
        QCOMPARE(l->limits.rpm, std::optional<qint64>(5'000));
        QCOMPARE(l->limits.tpm, std::optional<qint64>(200'000));
        QCOMPARE(l->learnedAt, at.addDays(1));
        QCOMPARE(again.find(literal)->limits.rpm, std::optional<qint64>(500));
        // Another base URL, model or key reference is another entry.
        Deployment other = env;
        other.keyRef = u"os.environ/OTHER_KEY"_qs;
        QVERIFY(!again.find(other));
        other = env;
        other.apiBase = u"http://127.0.0.1:10/v1"_qs;
        QVERIFY(!again.find(other));
        // Counts per another window length replace, never mix with, what was there.
        RateLimits shortWindow;
        shortWindow.tpm = 900;
        again.remember(env, 1'000, shortWindow, at);
        QCOMPARE(again.find(env)->windowMs, 1'000);
        QVERIFY(!again.find(env)->limits.rpm);
    }

    void aLearnedPoolIsRememberedByName()
    {
        // Two keys a run learned to share one provider pool: both entries name it; a later run
        // that shows them apart (no pool in its snapshot) forgets it.
        QTemporaryDir dir;
        const QString path = dir.filePath(u"learned-limits.json"_qs);
        ModelList models;
        models.deployments << deployment(u"oa/1"_qs, u"os.environ/K1"_qs) << deployment(u"oa/2"_qs, u"os.environ/K2"_qs);
        RouterSnapshot snap;
        for (const QString &id : {u"oa/1"_qs, u"oa/2"_qs}) {
            DeploymentSnapshot ds;
            ds.id = id;
            ds.rpmLearned = 4;
            ds.learnedPool = u"learned:oa/1"_qs;
            snap.deployments << ds;
        }
        const QDateTime at = QDateTime::fromString(u"2026-11-30T10:00:00Z"_qs, Qt::ISODate);
        QCOMPARE(rememberLearnedLimits(path, models, snap, 60'000, at).value_or(-1), 2);
        LearnedLimitStore store(path);
        QVERIFY(store.load());
        QCOMPARE(store.find(models.deployments[0])->pool, u"learned:oa/1"_qs);
        QCOMPARE(store.find(models.deployments[1])->pool, u"learned:oa/1"_qs);
        snap.deployments[1].learnedPool.clear();
        QVERIFY(rememberLearnedLimits(path, models, snap, 60'000, at));
        QVERIFY(store.load());
        QVERIFY(store.find(models.deployments[1])->pool.isEmpty());
        // An empty pool name in the file is an error naming the field.
        writeFile(path, "{\"version\": 1, \"limits\": [\n"
                        "{\"provider\": \"openai\", \"api_base\": \"http://x/v1\", \"model\": \"m\", \"key\": \"os.environ/K\", "
                        "\"window_ms\": 60000, \"rpm\": 5, \"pool\": \"\", \"learned_at\": \"2026-11-30T10:00:00Z\"}\n"
                        "]}\n");
        const auto bad = store.load();
        QVERIFY(!bad);
        QCOMPARE(bad.error().field, u"limits[0].pool"_qs);
        QCOMPARE(bad.error().line, 2);
    }

    void brokenFileNamesLineAndField()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"learned-limits.json"_qs);
        writeFile(path, "{\"version\": 1, \"limits\": [\n"
                        "{\"provider\": \"openai\", \"api_base\": \"http://x/v1\", \"model\": \"m\", \"key\": \"os.environ/K\", "
                        "\"window_ms\": 60000, \"rpm\": 5, \"learned_at\": \"2026-11-30T10:00:00Z\"},\n"
                        "{\"provider\": \"openai\", \"api_base\": \"http://x/v1\", \"model\": \"m\", \"key\": \"os.environ/L\", "
                        "\"window_ms\": 60000, \"rpm\": -5, \"learned_at\": \"2026-11-30T10:00:00Z\"}\n"
                        "]}\n");
        LearnedLimitStore store(path);
        const auto r = store.load();
        QVERIFY(!r);
        QCOMPARE(r.error().file, path);
        QCOMPARE(r.error().line, 3);
        QCOMPARE(r.error().field, u"limits[1].rpm"_qs);
        QVERIFY(store.entries().isEmpty());

        // The members that last until a reset, and how the provider counts, are checked as closely.
        const QByteArray entry = "{\"provider\": \"openai\", \"api_base\": \"http://x/v1\", \"model\": \"m\", \"key\": \"os.environ/K\", "
                                 "\"window_ms\": 60000, \"learned_at\": \"2026-11-30T10:00:00Z\", ";
        const std::pair<QByteArray, QString> broken[] = {
            {"\"counting\": {\"admission\": \"max\"}}", u"limits[0].counting.admission"_qs},
            {"\"counting\": {\"spread\": \"calls\"}}", u"limits[0].counting.spread"_qs},
            {"\"counting\": {\"counters_read\": \"later\"}}", u"limits[0].counting.counters_read"_qs},
            {"\"day\": {\"requests\": 2, \"tokens\": -1, \"resets_at\": \"2026-12-05T00:00:00Z\"}}", u"limits[0].day"_qs},
            {"\"exhausted\": {\"until\": \"tomorrow\", \"what\": \"requests per day\"}}", u"limits[0].exhausted"_qs},
            {"\"accepted\": {\"requests\": 0, \"tokens\": 100}}", u"limits[0].accepted"_qs},
        };
        for (const auto &[member, field] : broken) {
            writeFile(path, "{\"version\": 1, \"limits\": [\n" + entry + member + "\n]}\n");
            const auto e = store.load();
            QVERIFY2(!e, qPrintable(field));
            QCOMPARE(e.error().field, field);
            QCOMPARE(e.error().line, 2);
        }
        writeFile(path, "{\"version\": 1, \"limits\": [\n" + entry
                            + "\"counting\": {\"admission\": \"larger\", \"refill\": \"bucket\"}}\n]}\n");
        QVERIFY(store.load());
        QCOMPARE(store.entries().first().counting.admitLarger, std::optional<bool>(true));
        QCOMPARE(store.entries().first().counting.bucket, std::optional<bool>(true));
        QVERIFY(!store.entries().first().counting.settledToUsage);
        // The third way of admission, written back as read.
        writeFile(path, "{\"version\": 1, \"limits\": [\n" + entry + "\"counting\": {\"admission\": \"prompt\"}}\n]}\n");
        QVERIFY(store.load());
        QCOMPARE(store.entries().first().counting.admitPromptOnly, std::optional<bool>(true));
        QCOMPARE(store.entries().first().counting.admitLarger, std::optional<bool>(false));
        QVERIFY(store.save());
        QVERIFY(store.load());
        QCOMPARE(store.entries().first().counting.admitPromptOnly, std::optional<bool>(true));
        // Limits held over short intervals: requests spread, or tokens too, written back as read.
        for (const auto &[word, level] : {std::pair{"requests", 1}, std::pair{"tokens", 2}}) {
            writeFile(path, "{\"version\": 1, \"limits\": [\n" + entry + "\"counting\": {\"spread\": \"" + word + "\"}}\n]}\n");
            QVERIFY(store.load());
            QCOMPARE(store.entries().first().counting.spread, std::optional<int>(level));
            QVERIFY(store.save());
            QVERIFY(store.load());
            QCOMPARE(store.entries().first().counting.spread, std::optional<int>(level));
        }
        // When the provider reads the counters a reply shows, written back as read.
        for (const auto &[word, atAdmission] : {std::pair{"admission", true}, std::pair{"reply", false}}) {
            writeFile(path, "{\"version\": 1, \"limits\": [\n" + entry + "\"counting\": {\"counters_read\": \"" + word + "\"}}\n]}\n");
            QVERIFY(store.load());
            QCOMPARE(store.entries().first().counting.countersAtAdmission, std::optional<bool>(atAdmission));
            QVERIFY(store.save());
            QVERIFY(store.load());
            QCOMPARE(store.entries().first().counting.countersAtAdmission, std::optional<bool>(atAdmission));
        }

        writeFile(path, "{\"version\": 1,\n \"limits\": [ oops ]}");
        const auto bad = store.load();
        QVERIFY(!bad);
        QCOMPARE(bad.error().line, 2);
        // A file that cannot be read is not overwritten by a run.
        RouterSnapshot snap;
        DeploymentSnapshot ds;
        ds.id = u"oa/1"_qs;
        ds.rpmLearned = 3;
        snap.deployments << ds;
        ModelList models;
        models.deployments << deployment(u"oa/1"_qs, u"os.environ/K"_qs);
        QVERIFY(!rememberLearnedLimits(path, models, snap, 60'000, QDateTime::currentDateTimeUtc()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("oops"));
    }

    void estimateUsesWhatARunLearned()
    {
        // One OpenAI key whose limits bind (3 requests a 1-second window, 12 texts: four windows),
        // written nowhere in the model list: the run learns them from the simulator's headers.
        constexpr qint64 kWindowMs = 1'000;
        const SimConfig cfg = learnKey(kWindowMs, true);
        ProviderSimulator sim(cfg);
        QVERIFY(sim.start());

        QTemporaryDir dir;
        const auto [config, experiment] = writeProject(dir, sim.baseUrl(), 12);
        const QString store = dir.filePath(u"learned-limits.json"_qs);

        auto estimate = [&](const QString &learned, bool expectLearned) -> double {
            auto project = loadProject(config, experiment);
            if (!project) {
                qWarning() << project.error().toString();
                return -1;
            }
            auto ctx = prepareEstimate(*project, {}, learned);
            if (!ctx) {
                qWarning() << ctx.error().toString();
                return -1;
            }
            ctx->input.latency = {cfg.latencyMs / 1000.0, 0.0};
            ctx->input.windowSeconds = double(kWindowMs) / 1000.0;
            ctx->input.recommendations = false;
            auto report = estimateExperiment(ctx->input);
            if (!report) {
                qWarning() << report.error().toString();
                return -1;
            }
            if (expectLearned) {
                const DeploymentEstimate &d = report->planned.deployments.value(0);
                if (!d.limitsLearnedAt.isValid() || !report->toText().contains(u"limits learned from the provider"_qs)
                    || !report->toJson().value(u"planned"_qs).toObject().value(u"deployments"_qs).toArray().at(0).toObject()
                            .contains(u"limits_learned_at"_qs))
                    return -2;
            }
            return report->planned.durationSeconds;
        };
        const double before = estimate(store, false);   // nothing learned yet: latency alone
        QVERIFY2(before >= 0 && before < 0.5, qPrintable(QString::number(before)));

        const RunSummary run = runProject(config, experiment, dir.filePath(u"results.db"_qs), kWindowMs, store);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        QCOMPARE(run.done, 12);

        LearnedLimitStore learned(store);
        QVERIFY(learned.load());
        QCOMPARE(learned.entries().size(), 1);
        QCOMPARE(learned.entries()[0].limits.rpm, std::optional<qint64>(3));
        QCOMPARE(learned.entries()[0].keyRef, u"deployment oa/1"_qs);
        QCOMPARE(learned.entries()[0].windowMs, kWindowMs);

        const double after = estimate(store, true);
        QVERIFY2(after > 0, "the estimate did not say it used learned limits");
        qInfo("estimate %.2f s (before the run: %.2f s), run %.2f s", after, before, run.wallSeconds);
        QVERIFY2(std::abs(after - run.wallSeconds) <= 0.1 * run.wallSeconds,
                 qPrintable(u"estimate %1 s, run %2 s"_qs.arg(after).arg(run.wallSeconds)));
        // Counted per another window length, the learned limits say nothing: not used.
        auto project = loadProject(config, experiment);
        QVERIFY(project);
        auto ctx = prepareEstimate(*project, {}, store);
        QVERIFY(ctx);
        ctx->input.recommendations = false;
        auto minute = estimateExperiment(ctx->input);
        QVERIFY(minute);
        QVERIFY(!minute->planned.deployments.value(0).limitsLearnedAt.isValid());
    }

    void whatTheSlowStartSawAcceptedIsRemembered()
    {
        // A key whose provider never told its rpm: what one window was seen to hold is written
        // down with the window it is per, read back, and handed to the next run's router.
        QTemporaryDir dir;
        const QString path = dir.filePath(u"learned-limits.json"_qs);
        RouterSnapshot snap;
        DeploymentSnapshot ds;
        ds.id = u"ge/1"_qs;
        ds.tpmLearned = 27'450;
        ds.acceptedRequests = 11;
        ds.acceptedTokens = 26'100;
        snap.deployments << ds;
        ModelList models;
        Deployment d = deployment(u"ge/1"_qs, u"os.environ/GEMINI_API_KEY"_qs);
        models.deployments << d;
        QVERIFY(rememberLearnedLimits(path, models, snap, 5'000, QDateTime::currentDateTimeUtc()));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().contains("\"accepted\":{\"requests\":11,\"tokens\":26100}"));
        }
        LearnedLimitStore store(path);
        QVERIFY(store.load());
        const LearnedLimits *e = store.find(d);
        QVERIFY(e);
        QCOMPARE(e->acceptedRequests, 11);
        QCOMPARE(e->acceptedTokens, 26'100);
        QCOMPARE(e->limits.tpm, std::optional<qint64>(27'450));
        QVERIFY(!e->limits.rpm);   // a floor, not the provider's limit
        // Counts per another window say nothing about this one.
        store.rememberAccepted(d, 60'000, 3, 900, QDateTime::currentDateTimeUtc());
        QCOMPARE(store.find(d)->acceptedRequests, 11);
        // Limits learned per another window replace the entry's, floor included.
        store.remember(d, 60'000, RateLimits{.tpm = 1'000'000}, QDateTime::currentDateTimeUtc());
        QCOMPARE(store.find(d)->acceptedRequests, 0);
        store.rememberAccepted(d, 60'000, 3, 900, QDateTime::currentDateTimeUtc());
        QCOMPARE(store.find(d)->acceptedRequests, 3);
    }

    void aSecondRunStartsWithWhatTheFirstLearned()
    {
        // A key whose provider announces nothing (no rate-limit headers): the first run learns
        // its limit from a refusal's text ("Limit 3, Used 3, Requested 1"); the second starts
        // with it and is never refused.
        constexpr qint64 kWindowMs = 1'000;
        ProviderSimulator sim(learnKey(kWindowMs, false));
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const auto [config, experiment] = writeProject(dir, sim.baseUrl(), 9);
        const QString store = dir.filePath(u"learned-limits.json"_qs);
        QStringList first, second;
        const RunSummary one = runProject(config, experiment, dir.filePath(u"one.db"_qs), kWindowMs, store, &first);
        QVERIFY2(one.error.isEmpty(), qPrintable(one.error));
        QCOMPARE(one.done, 9);
        const int refusedFirst = sim.stats().rateLimited;
        QVERIFY2(refusedFirst >= 1, "the first run had nothing to learn from");
        QVERIFY(first.filter(u"starts with the limits learned"_qs).isEmpty());

        // The first run's last calls leave the provider's window before the second begins.
        QTest::qWait(int(kWindowMs) + 200);
        const RunSummary two = runProject(config, experiment, dir.filePath(u"two.db"_qs), kWindowMs, store, &second);
        QVERIFY2(two.error.isEmpty(), qPrintable(two.error));
        QCOMPARE(two.done, 9);
        QVERIFY2(!second.filter(u"oa/1: starts with the limits learned from the provider on "_qs).isEmpty(),
                 qPrintable(second.join(u'\n')));
        QCOMPARE(sim.stats().rateLimited, refusedFirst);   // not one more
    }

    void howTheProviderCountsIsRemembered()
    {
        // A provider that charges the larger of prompt and max_tokens: the first run learns it from
        // the remaining-tokens counter and writes it down; the second run starts counting so, and
        // the estimate simulates it (a shorter schedule than charging the sum).
        constexpr qint64 kWindowMs = 1'000;
        SimConfig cfg = learnKey(kWindowMs, true);
        cfg.keys[0].rpm = 0;
        cfg.keys[0].tpm = 1'200;
        cfg.keys[0].charge = SimCharge::MaxPromptOutput;
        ProviderSimulator sim(cfg);
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const auto [config, experiment] = writeProject(dir, sim.baseUrl(), 9);
        const QString store = dir.filePath(u"learned-limits.json"_qs);
        QStringList first, second;
        const RunSummary one = runProject(config, experiment, dir.filePath(u"one.db"_qs), kWindowMs, store, &first);
        QVERIFY2(one.error.isEmpty(), qPrintable(one.error));
        QCOMPARE(one.done, 9);
        QVERIFY2(!first.filter(u"the larger of its prompt and max_tokens"_qs).isEmpty(), qPrintable(first.join(u'\n')));
        LearnedLimitStore remembered(store);
        QVERIFY(remembered.load());
        QCOMPARE(remembered.entries().size(), 1);
        QCOMPARE(remembered.entries().first().counting.admitLarger, std::optional<bool>(true));
        {
            QFile f(store);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(f.readAll().contains("\"counting\":{\"admission\":\"larger\""), "the store names the admission rule");
        }

        QTest::qWait(int(kWindowMs) + 200);
        const RunSummary two = runProject(config, experiment, dir.filePath(u"two.db"_qs), kWindowMs, store, &second);
        QVERIFY2(two.error.isEmpty(), qPrintable(two.error));
        QCOMPARE(two.done, 9);
        QVERIFY2(!second.filter(u"oa/1: counts calls as the provider was seen to on "_qs).isEmpty(), qPrintable(second.join(u'\n')));
        QVERIFY2(second.filter(u"the larger of its prompt and max_tokens"_qs).isEmpty(), "nothing left to learn");

        auto project = loadProject(config, experiment);
        QVERIFY(project);
        auto withMemory = prepareEstimate(*project, dir.filePath(u"two.db"_qs), store);
        QVERIFY(withMemory);
        withMemory->input.windowSeconds = double(kWindowMs) / 1000.0;
        // The same limits written in the model list, so both estimates are bound by them.
        withMemory->input.models.deployments[0].limits.tpm = 1'200;
        EstimateInput without = withMemory->input;
        without.learnedLimits.clear();
        const auto a = estimateExperiment(withMemory->input), b = estimateExperiment(without);
        QVERIFY(a && b);
        QVERIFY2(a->planned.durationSeconds < b->planned.durationSeconds,
                 qPrintable(u"%1 s with the larger remembered, %2 s charging the sum"_qs.arg(a->planned.durationSeconds)
                                .arg(b->planned.durationSeconds)));
    }

    void aDaysQuotaIsRememberedUntilItsReset_data()
    {
        QTest::addColumn<bool>("stated");
        QTest::newRow("rpd stated in the model list") << true;
        QTest::newRow("per-day refusal, nothing stated") << false;
    }
    void aDaysQuotaIsRememberedUntilItsReset()
    {
        // A key with 2 requests a day. Stated (`rpd: 2`), the first run sends 2 calls and no
        // more; refused, it sends a third that is refused. Either way the rest fail naming the
        // quota, the store remembers it, and a second run the same day, and its estimate, send
        // nothing to that key.
        QFETCH(bool, stated);
        SimConfig cfg = learnKey(60'000, true);        if (QDateTime::currentDateTimeUtc().time() > QTime(23, 45))
            QSKIP("the day's quota would reset during the test: waiting for it would be right");

        cfg.keys[0].rpm = 0;
        cfg.keys[0].rpd = 2;
        ProviderSimulator sim(cfg);
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const auto [config, experiment] = writeProject(dir, sim.baseUrl(), 5);
        if (stated) {
            QFile f(config);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray text = f.readAll().replace("api_key: sk-learn,", "api_key: sk-learn, rpd: 2,");
            f.close();
            writeFile(config, text);
        }
        const QString store = dir.filePath(u"learned-limits.json"_qs);
        const RunSummary one = runProject(config, experiment, dir.filePath(u"one.db"_qs), 60'000, store);
        QVERIFY2(one.error.isEmpty(), qPrintable(one.error));
        QCOMPARE(one.done, 2);
        QCOMPARE(one.failed, 3);
        QCOMPARE(one.exitCode(), 1);
        QCOMPARE(sim.stats().rateLimited, stated ? 0 : 1);

        LearnedLimitStore remembered(store);
        QVERIFY(remembered.load());
        QCOMPARE(remembered.entries().size(), 1);
        const LearnedLimits &e = remembered.entries().first();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (stated) {
            QCOMPARE(e.dayRequests, 2);
            QVERIFY(e.dayResetsAt > now);
            QCOMPARE(e.dayResetsAt.time(), QTime(0, 0));   // midnight UTC, LiteLLM's day
            QVERIFY(!e.quotaUntil.isValid());   // a stated quota is kept by its use, not as a refusal
        } else {
            QVERIFY(e.quotaUntil > now.addSecs(3600));
            QCOMPARE(e.quotaWhat, u"requests per day"_qs);
        }
        {
            QFile f(store);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(!f.readAll().contains("sk-learn"));   // keyed by reference, never by the key
        }

        // The estimate the same day: nothing for this key, the calls reported as over the quota.
        auto project = loadProject(config, experiment);
        QVERIFY(project);
        auto ctx = prepareEstimate(*project, dir.filePath(u"one.db"_qs), store);
        QVERIFY(ctx);
        const auto estimate = estimateExperiment(ctx->input);
        QVERIFY(estimate);
        QCOMPARE(estimate->planned.total.overDailyQuotaCalls, 5);

        QStringList events;
        const RunSummary two = runProject(config, experiment, dir.filePath(u"two.db"_qs), 60'000, store, &events);
        QVERIFY2(two.error.isEmpty(), qPrintable(two.error));
        QCOMPARE(two.done, 0);
        QCOMPARE(two.failed, 5);
        QCOMPARE(sim.stats().keys.value(u"sk-learn"_qs).ok, 2);
        QCOMPARE(sim.stats().rateLimited, stated ? 0 : 1);   // not one call more
        const QString said = events.join(u'\n');
        QVERIFY2(said.contains(stated ? u"already used 2 requests"_qs : u"was exhausted in an earlier run"_qs), qPrintable(said));
    }
};

QTEST_GUILESS_MAIN(TstLearnedLimits)
#include "tst_learnedlimits.moc"
