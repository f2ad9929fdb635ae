// End-to-end runs of the experiment runner against the provider simulator over real loopback
// sockets, with real SQLite files: faults and resume, budgets, batching, strict limits.
#include "core/session/experimentrunner.h"
#include "core/session/runcontroller.h"
#include "core/sim/providersimulator.h"
#include "core/storage/resultquery.h"
#include "core/storage/resultstore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSet>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

struct Project {
    QString config, experiment, db;
};

/// Writes a model list (one group per provider; `openaiKeys` deployments in the OpenAI group),
/// an MFT-like framework, `texts` short texts and an experiment over them into dir.
Project writeProject(const QTemporaryDir &dir, const ProviderSimulator &sim, int texts, const QString &extraRouter = {},
                     const QString &execution = {}, const QString &costControls = {}, const QString &limits = {},
                     const QStringList &groups = {QStringLiteral("oa"), QStringLiteral("an"), QStringLiteral("mi"), QStringLiteral("ge")})
{
    const QString base = sim.baseUrl();
    QString ml = QStringLiteral("model_list:\n");
    auto dep = [&](const QString &group, const QString &model, const QString &key, const QString &apiBase) {
        ml += QStringLiteral("  - model_name: %1\n    litellm_params: {model: %2, api_key: %3, api_base: %4%5}\n")
                  .arg(group, model, key, apiBase, limits.isEmpty() ? QString() : QStringLiteral(", ") + limits);
    };
    if (groups.contains(QStringLiteral("oa"))) {
        dep(QStringLiteral("oa"), QStringLiteral("openai/gpt-4o-mini"), QStringLiteral("k-oa-1"), base + QStringLiteral("/v1"));
        dep(QStringLiteral("oa"), QStringLiteral("openai/gpt-4o-mini"), QStringLiteral("k-oa-2"), base + QStringLiteral("/v1"));
    }
    if (groups.contains(QStringLiteral("an")))
        dep(QStringLiteral("an"), QStringLiteral("anthropic/claude-3-5-haiku-20241022"), QStringLiteral("k-an"), base);
    if (groups.contains(QStringLiteral("mi")))
        dep(QStringLiteral("mi"), QStringLiteral("mistral/mistral-small-latest"), QStringLiteral("k-mi"), base + QStringLiteral("/v1"));
    if (groups.contains(QStringLiteral("ge")))
        dep(QStringLiteral("ge"), QStringLiteral("gemini/gemini-2.5-flash"), QStringLiteral("k-ge"), base);
    ml += QStringLiteral("router_settings:\n  routing_strategy: usage-based-routing-v2\n") + extraRouter;
    if (!costControls.isEmpty())
        ml += QStringLiteral("cost_controls:\n") + costControls;

    QDir(dir.path()).mkpath(QStringLiteral("corpus"));
    static const char *words[] = {"liberty", "justice", "family", "nation", "harm", "order", "purity", "care", "law", "freedom"};
    for (int i = 0; i < texts; ++i) {
        QString t;
        for (int w = 0; w < 60; ++w)
            t += QString::fromLatin1(words[(i * 7 + w * 3) % 10]) + (w % 9 == 8 ? QStringLiteral(". ") : QStringLiteral(" "));
        QFile f(dir.filePath(QStringLiteral("corpus/t%1.txt").arg(i, 3, 10, QLatin1Char('0'))));
        f.open(QIODevice::WriteOnly);
        f.write(t.toUtf8());
    }
    QFile fw(dir.filePath(QStringLiteral("mft.yaml")));
    fw.open(QIODevice::WriteOnly);
    fw.write("framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n  dimensions:\n"
             "    - {id: care, name: Care, description: c, min: 0, max: 1}\n"
             "    - {id: fairness, name: Fairness, description: f, min: 0, max: 1}\n"
             "    - {id: liberty, name: Liberty, description: l, min: 0, max: 1}\n");
    fw.close();
    QString ex = QStringLiteral("experiment: {name: t, description: test}\ncorpus:\n  - {id: c, path: corpus/}\n"
                                "frameworks:\n  - {id: mft, path: mft.yaml}\nexecution:\n  max_tokens: 400\n")
                 + execution + QStringLiteral("  matrix:\n");
    for (const QString &g : groups)
        ex += QStringLiteral("    - {run_id: r-%1, model: %1, framework: mft, corpus_subset: c}\n").arg(g);
    QFile ef(dir.filePath(QStringLiteral("experiment.yaml")));
    ef.open(QIODevice::WriteOnly);
    ef.write(ex.toUtf8());
    ef.close();
    QFile mf(dir.filePath(QStringLiteral("litellm_config.yaml")));
    mf.open(QIODevice::WriteOnly);
    mf.write(ml.toUtf8());
    mf.close();
    return {dir.filePath(QStringLiteral("litellm_config.yaml")), dir.filePath(QStringLiteral("experiment.yaml")),
            dir.filePath(QStringLiteral("results.db"))};
}

RunSummary runOnce(const Project &p, bool resume, std::optional<double> budget = std::nullopt, int timeoutMs = 60000)
{
    RunOptions o;
    o.configPath = p.config;
    o.experimentPath = p.experiment;
    o.dbPath = p.db;
    o.resume = resume;
    o.maxBudgetOverride = budget;
    ExperimentRunner runner(o);
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    runner.start();
    if (!done.wait(timeoutMs)) {
        qWarning("run did not finish in time");
        return {};
    }
    return done.first().first().value<RunSummary>();
}

/// A one-group project answered slowly, one call at a time: a run still going when a test looks.
struct SlowRun {
    SlowRun(int latencyMs, int texts) : sim(config(latencyMs))
    {
        ok = bool(sim.start()) && dir.isValid();
        if (ok)
            p = writeProject(dir, sim, texts, {}, {}, {}, QStringLiteral("max_parallel_requests: 1"), {QStringLiteral("oa")});
    }
    static SimConfig config(int latencyMs)
    {
        SimConfig c;
        c.latencyMs = latencyMs;
        return c;
    }
    RunOptions options() const
    {
        RunOptions o;
        o.configPath = p.config;
        o.experimentPath = p.experiment;
        o.dbPath = p.db;
        return o;
    }
    ProviderSimulator sim;
    QTemporaryDir dir;
    Project p;
    bool ok = false;
};

/// status -> count over the jobs table.
QHash<QString, int> statusCounts(const QString &db)
{
    QHash<QString, int> out;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        c.setDatabaseName(db);
        c.open();
        QSqlQuery q(c);
        q.exec(QStringLiteral("SELECT status, count(*) FROM jobs GROUP BY status"));
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toInt());
        q.exec(QStringLiteral("SELECT count(*) FROM jobs WHERE status='failed' AND (last_error IS NULL OR last_error='')"));
        if (q.next() && q.value(0).toInt() > 0)
            out.insert(QStringLiteral("failed-without-reason"), q.value(0).toInt());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    return out;
}

QHash<QString, double> scoresByTextAndDim(const QString &db, const QString &run)
{
    QHash<QString, double> out;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("scores"));
        c.setDatabaseName(db);
        c.open();
        QSqlQuery q(c);
        q.prepare(QStringLiteral("SELECT j.text_id, s.dimension, s.score FROM scores s JOIN jobs j ON j.id = s.job_id WHERE j.run_id = ?"));
        q.addBindValue(run);
        q.exec();
        while (q.next())
            out.insert(q.value(0).toString() + u'/' + q.value(1).toString(), q.value(2).toDouble());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("scores"));
    return out;
}

} // namespace

class TestRunner final : public QObject {
    Q_OBJECT
private slots:
    void wholeRunStoresEveryResult()
    {
        ProviderSimulator sim;
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 10);
        const RunSummary s = runOnce(p, false);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.jobs, 40);   // 4 runs x 10 texts
        QCOMPARE(s.done, 40);
        QCOMPARE(s.failed, 0);
        QCOMPARE(s.exitCode(), 0);
        QCOMPARE(s.http429, 0);
        QCOMPARE(s.calls, 40);
        QVERIFY(s.promptTokens > 0 && s.completionTokens > 0);
        QVERIFY(s.costMicros > 0);
        const auto st = statusCounts(p.db);
        QCOMPARE(st.value(QStringLiteral("done")), 40);
        QCOMPARE(st.size(), 1);
        // the simulator answered every model call exactly once
        QCOMPARE(sim.stats().ok, 40);

        ExportOptions eo;
        auto rows = exportCsv(p.db, dir.filePath(QStringLiteral("out.csv")), eo);
        QVERIFY(rows);
        QCOMPARE(*rows, 40);

        // A second plain run refuses to silently redo or mix results.
        const RunSummary again = runOnce(p, false);
        QCOMPARE(again.exitCode(), 2);
        QVERIFY(again.error.contains(QStringLiteral("--resume")));
        // Resume with everything done: nothing is sent.
        const RunSummary resumed = runOnce(p, true);
        QCOMPARE(resumed.exitCode(), 0);
        QCOMPARE(resumed.calls, 0);
        QCOMPARE(resumed.skipped, 40);
        QCOMPARE(sim.stats().ok, 40);
    }

    void faultsEndDoneOrFailedAndResumeFinishesFailedOnly()
    {
        SimConfig cfg;
        cfg.seed = 11;
        cfg.faults.http500 = 0.12;
        cfg.faults.reset = 0.08;
        cfg.faults.hang = 0.05;
        cfg.faults.malformed = 0.08;
        cfg.faults.invalidJson = 0.15;
        ProviderSimulator sim(cfg);
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 15, QStringLiteral("  num_retries: 1\n  timeout: 1\n  allowed_fails: 1000\n"),
                                       QStringLiteral("  max_parse_retries: 1\n"));
        const RunSummary s = runOnce(p, false);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.jobs, 60);
        QCOMPARE(s.done + s.failed, 60);
        QVERIFY2(s.failed > 0, "with these fault rates some jobs must exhaust their retries");
        QVERIFY(s.retries > 0);
        QVERIFY(s.parseRetries > 0);
        QCOMPARE(s.exitCode(), 1);
        auto st = statusCounts(p.db);
        QCOMPARE(st.value(QStringLiteral("done")), int(s.done));
        QCOMPARE(st.value(QStringLiteral("failed")), int(s.failed));
        QCOMPARE(st.value(QStringLiteral("failed-without-reason")), 0);
        QCOMPARE(st.value(QStringLiteral("pending")) + st.value(QStringLiteral("in_flight")), 0);
        const auto before = scoresByTextAndDim(p.db, QStringLiteral("r-oa"));
        sim.stop();

        // Faults gone: --resume runs exactly the failed jobs.
        SimConfig cc;
        cc.port = sim.port();
        ProviderSimulator healthy(cc);
        QVERIFY(healthy.start());
        const RunSummary r = runOnce(p, true);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.exitCode(), 0);
        QCOMPARE(r.skipped, s.done);
        QCOMPARE(r.done, s.failed);
        QCOMPARE(r.calls, s.failed);
        QCOMPARE(statusCounts(p.db).value(QStringLiteral("done")), 60);
        // results that were already stored are untouched
        const auto after = scoresByTextAndDim(p.db, QStringLiteral("r-oa"));
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            QCOMPARE(after.value(it.key()), it.value());
    }

    void budgetIsNeverExceededAndRunResumes()
    {
        ProviderSimulator sim;
        QVERIFY(sim.start());
        QTemporaryDir full;
        const Project pf = writeProject(full, sim, 12);
        const RunSummary ref = runOnce(pf, false);
        QCOMPARE(ref.done, 48);
        const double cost = microsToUsdForTest(ref.costMicros);

        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 12);
        const double cap = cost * 0.4;
        const RunSummary s = runOnce(p, false, cap);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QVERIFY(s.budgetStopped);
        QCOMPARE(s.exitCode(), 3);
        QVERIFY(s.done > 0);
        QVERIFY(s.done < 48);
        QVERIFY2(s.costMicros <= qint64(cap * 1e6 + 0.5), qPrintable(QStringLiteral("spent %1 > cap %2").arg(s.costMicros).arg(cap * 1e6)));
        const auto st = statusCounts(p.db);
        QCOMPARE(st.value(QStringLiteral("failed")), 0);   // budget-stopped jobs are not failures
        QCOMPARE(st.value(QStringLiteral("in_flight")), 0);
        QCOMPARE(st.value(QStringLiteral("pending")), 48 - int(s.done));

        // The ledger spans runs: the same cap again dispatches nothing new beyond it.
        const RunSummary same = runOnce(p, true, cap);
        QCOMPARE(same.exitCode(), 3);
        QVERIFY(s.costMicros + same.costMicros <= qint64(cap * 1e6 + 0.5));

        const RunSummary rest = runOnce(p, true, cost * 3);
        QCOMPARE(rest.exitCode(), 0);
        QCOMPARE(statusCounts(p.db).value(QStringLiteral("done")), 48);
        QCOMPARE(rest.skipped + rest.done, 48);
    }

    void batchingSendsFewerCallsWithSameResults()
    {
        ProviderSimulator sim;
        QVERIFY(sim.start());
        QTemporaryDir single, batched;
        const QStringList groups{QStringLiteral("oa"), QStringLiteral("an")};
        const Project ps = writeProject(single, sim, 12, {}, {}, {}, {}, groups);
        const Project pb = writeProject(batched, sim, 12, {}, QStringLiteral("  batching: {enabled: true, max_batch_tokens: 1500, max_texts_per_batch: 8}\n"),
                                        {}, {}, groups);
        const RunSummary a = runOnce(ps, false);
        const RunSummary b = runOnce(pb, false);
        QCOMPARE(a.done, 24);
        QCOMPARE(b.done, 24);
        QVERIFY2(b.calls < a.calls, qPrintable(QStringLiteral("batched %1 calls vs %2").arg(b.calls).arg(a.calls)));
        QVERIFY2(b.promptTokens < a.promptTokens, "the framework instructions are sent once per batch");
        for (const QString &run : {QStringLiteral("r-oa"), QStringLiteral("r-an")}) {
            const auto sa = scoresByTextAndDim(ps.db, run);
            const auto sb = scoresByTextAndDim(pb.db, run);
            QCOMPARE(sa.size(), 36);
            QCOMPARE(sb, sa);
        }
    }

    void strictLimitsQueueInsteadOf429()
    {
        // rpm 4 per key and 2 keys: 10 jobs need the window to slide once (>= 60 s).
        ProviderSimulator sim(strictConfig());
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 10, {}, {}, {}, QStringLiteral("rpm: 4"), {QStringLiteral("oa")});
        const RunSummary s = runOnce(p, false, std::nullopt, 150000);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.done, 10);
        QCOMPARE(s.http429, 0);
        QCOMPARE(sim.stats().rateLimited, 0);
        QVERIFY(s.wallSeconds >= 59.0);   // the simulator would have refused anything earlier
    }

    void budgetStopEndsRunEvenWithRetriesPending()
    {
        // One group answers at once, the other only fails (and retries) slowly: when the budget stops
        // dispatch, the retrying jobs must end too instead of waiting in a queue nobody serves.
        ProviderSimulator fast;
        QVERIFY(fast.start());
        SimConfig bad;
        bad.latencyMs = 300;
        bad.faults.http500 = 1.0;
        ProviderSimulator failing(bad);
        QVERIFY(failing.start());
        QTemporaryDir dir;
        Project p = writeProject(dir, fast, 12, QStringLiteral("  num_retries: 3\n  allowed_fails: 1000\n"), {}, {}, {}, {QStringLiteral("oa")});
        QFile ml(p.config);
        QVERIFY(ml.open(QIODevice::Append));
        // a second group on the failing server, a model we have no price for (it reserves nothing)
        ml.write(QStringLiteral("extra_groups_marker: true\n").toUtf8());
        ml.close();
        QString text = readAll(p.config);
        text.replace(QStringLiteral("extra_groups_marker: true\n"), QString());
        text.replace(QStringLiteral("router_settings:"),
                     QStringLiteral("  - model_name: slow\n    litellm_params: {model: openai/my-local-llm, api_key: k-slow, api_base: %1/v1}\n"
                                    "router_settings:").arg(failing.baseUrl()));
        writeAll(p.config, text);
        QString ex = readAll(p.experiment);
        ex += QStringLiteral("    - {run_id: r-slow, model: slow, framework: mft, corpus_subset: c}\n");
        writeAll(p.experiment, ex);
        const RunSummary s = runOnce(p, false, 0.0005, 30000);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QVERIFY(s.budgetStopped);
        QCOMPARE(s.exitCode(), 3);
        const auto st = statusCounts(p.db);
        QCOMPARE(st.value(QStringLiteral("in_flight")), 0);
        QCOMPARE(st.value(QStringLiteral("done")) + st.value(QStringLiteral("failed")) + st.value(QStringLiteral("pending")), 24);
        QVERIFY(s.costMicros <= 500);
    }

    void oneRunPerDatabase()
    {
        SimConfig slow;
        slow.latencyMs = 400;
        ProviderSimulator sim(slow);
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 4, {}, {}, {}, {}, {QStringLiteral("oa")});
        RunOptions o{p.config, p.experiment, p.db};
        ExperimentRunner first(o);
        QSignalSpy firstDone(&first, &ExperimentRunner::finished);
        QSignalSpy started(&first, &ExperimentRunner::started);
        first.start();
        QVERIFY(started.wait(10000));
        const RunSummary second = runOnce(p, true);
        QCOMPARE(second.exitCode(), 2);
        QVERIFY2(second.error.contains(QStringLiteral("another run")), qPrintable(second.error));
        QVERIFY(firstDone.wait(20000));
        QCOMPARE(firstDone.first().first().value<RunSummary>().done, 4);
        QCOMPARE(sim.stats().ok, 4);   // nothing was sent twice
    }

    void storedRunsMustMatchTheExperiment()
    {
        ProviderSimulator sim;
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 3, {}, {}, {}, {}, {QStringLiteral("oa")});
        QCOMPARE(runOnce(p, false).exitCode(), 0);

        // The same run ids under another experiment name: refused, the first experiment's results stay.
        QString ex = readAll(p.experiment);
        writeAll(p.experiment, QString(ex).replace(QStringLiteral("name: t,"), QStringLiteral("name: other,")));
        RunSummary s = runOnce(p, true);
        QCOMPARE(s.exitCode(), 2);
        QVERIFY2(s.error.contains(QStringLiteral("belongs to experiment 't'")), qPrintable(s.error));
        writeAll(p.experiment, ex);

        // A text edited after its results were stored: refused on resume.
        writeAll(dir.filePath(QStringLiteral("corpus/t001.txt")), QStringLiteral("an edited text"));
        s = runOnce(p, true);
        QCOMPARE(s.exitCode(), 2);
        QVERIFY2(s.error.contains(QStringLiteral("'c/t001' changed")), qPrintable(s.error));
        QCOMPARE(statusCounts(p.db).value(QStringLiteral("done")), 3);
    }

    void aReplyCutAtMaxTokensFailsAtOnceSayingSo()
    {
        // max_tokens too small for the framework's answer: every reply is cut. Asking again would
        // be cut the same way and paid again, so each job fails at once, naming the cause; what
        // the cut replies cost is kept, and so are the replies.
        ProviderSimulator sim;
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 3, {}, QStringLiteral("  max_parse_retries: 2\n"), {}, {}, {QStringLiteral("oa")});
        QString ex = readAll(p.experiment);
        writeAll(p.experiment, ex.replace(QStringLiteral("max_tokens: 400"), QStringLiteral("max_tokens: 12")));
        const RunSummary s = runOnce(p, false);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.failed, 3);
        QCOMPARE(s.calls, 3);
        QCOMPARE(s.parseRetries, 0);
        QVERIFY(s.costMicros > 0);
        QCOMPARE(s.exitCode(), 1);
        QStringList errors;
        int raw = 0;
        {
            QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("cut"));
            c.setDatabaseName(p.db);
            QVERIFY(c.open());
            QSqlQuery q(c);
            q.exec(QStringLiteral("SELECT last_error FROM jobs WHERE status = 'failed'"));
            while (q.next())
                errors << q.value(0).toString();
            q.exec(QStringLiteral("SELECT count(*) FROM raw_responses"));
            raw = q.next() ? q.value(0).toInt() : -1;
        }
        QSqlDatabase::removeDatabase(QStringLiteral("cut"));
        QCOMPARE(errors.size(), 3);
        for (const QString &e : std::as_const(errors))
            QVERIFY2(e.startsWith(QStringLiteral("reply cut at max_tokens (12)")) && e.contains(QStringLiteral("execution.max_tokens")),
                     qPrintable(e));
        QCOMPARE(raw, 3);
    }

    void batchesStayWithinTightLimits()
    {
        // max_tokens is counted at admission (OpenAI): a batch of n texts reserves n x max_tokens, so
        // the packer must keep batches small enough for a 9,000-token-per-minute key.
        SimConfig c;
        c.acceptAnyKey = false;
        c.keys = {SimKey{QStringLiteral("k-oa-1"), QStringLiteral("openai"), 0, 9000, 0, 0, {}},
                  SimKey{QStringLiteral("k-oa-2"), QStringLiteral("openai"), 0, 9000, 0, 0, {}}};
        c.windowMs = 60000;
        ProviderSimulator sim(c);
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 8, {}, QStringLiteral("  batching: {enabled: true, max_batch_tokens: 6000, max_texts_per_batch: 8}\n"),
                                       {}, QStringLiteral("tpm: 9000"), {QStringLiteral("oa")});
        QString ex = readAll(p.experiment);
        writeAll(p.experiment, ex.replace(QStringLiteral("max_tokens: 400"), QStringLiteral("max_tokens: 1500")));
        const RunSummary s = runOnce(p, false, std::nullopt, 90000);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.done, 8);
        QCOMPARE(s.failed, 0);
        QVERIFY(s.calls > 1);          // not one batch of 8 x 1500 = 12,000 reserved tokens
        QVERIFY(s.calls < 8);          // but still batched
        QCOMPARE(sim.stats().rateLimited, 0);
    }

    void largeRunsStopCleanlyWithCallsNotYetSubmitted()
    {
        // 1,200 jobs per run in four runs: more than the router is handed at once (1,000 per run).
        // A budget stop must return both the router's queue and the calls never handed over to
        // pending, and --resume must then finish everything.
        ProviderSimulator sim;
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, 12, {}, QStringLiteral("  repetitions: 100\n"));
        const RunSummary s = runOnce(p, false, 0.05);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.jobs, 4800);
        QCOMPARE(s.exitCode(), 3);
        QVERIFY(s.costMicros <= 50000);
        auto st = statusCounts(p.db);
        QCOMPARE(st.value(QStringLiteral("in_flight")), 0);
        QCOMPARE(st.value(QStringLiteral("done")) + st.value(QStringLiteral("pending")), 4800);
        QVERIFY(st.value(QStringLiteral("pending")) > 800);   // more than any run's window: unsent ones too
        const RunSummary rest = runOnce(p, true, 1000.0);
        QCOMPARE(rest.exitCode(), 0);
        QCOMPARE(statusCounts(p.db).value(QStringLiteral("done")), 4800);
    }

    void runControllerRunsOnItsEngineThread()
    {
        // The GUI's path: the runner lives on an engine thread; progress and the monitor's snapshot
        // must keep coming from there (its timers have to move with it).
        SlowRun slow(150, 12);
        QVERIFY(slow.ok);
        RunController ctl;
        QSignalSpy done(&ctl, &RunController::finished);
        ctl.start(slow.options());
        QVERIFY(ctl.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(ctl.routerSnapshot().calls > 0, 10000);
        // The monitor polls: the snapshot moves on several times during the run.
        QSet<qint64> seen;
        QElapsedTimer t;
        t.start();
        while (done.isEmpty() && t.elapsed() < 30000) {
            seen.insert(ctl.progress().done);
            done.wait(100);
        }
        QVERIFY(!done.isEmpty());
        QVERIFY2(seen.size() >= 3, "progress is updated several times a second during a run");
        const RunSummary s = done.first().first().value<RunSummary>();
        QCOMPARE(s.done, 12);
        QCOMPARE(ctl.progress().done, 12);
        QCOMPARE(ctl.routerSnapshot().calls, 12);
        QVERIFY(!ctl.isRunning());
    }

    void runControllerDestroyedMidRunLeavesJobsPending()
    {
        // What closing the workbench during a run does: the controller cancels, waits for the runner
        // to finish on its thread, deletes it there and joins. Nothing is left in flight.
        SlowRun slow(300, 20);
        QVERIFY(slow.ok);
        const Project &p = slow.p;
        QElapsedTimer t;
        {
            RunController ctl;
            ctl.start(slow.options());
            QTRY_VERIFY_WITH_TIMEOUT(ctl.routerSnapshot().calls > 0, 10000);
            t.start();
        }
        QVERIFY2(t.elapsed() < 5000, "teardown does not wait for the calls' answers");
        const QHash<QString, int> counts = statusCounts(p.db);
        QCOMPARE(counts.value(QStringLiteral("in_flight")), 0);
        QVERIFY(counts.value(QStringLiteral("pending")) > 0);
        // And the run can be resumed to the end.
        const RunSummary s = runOnce(p, true);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(statusCounts(p.db).value(QStringLiteral("done")), 20);
    }

    void cancelBeforeTheKeysAreReadTouchesNothing()
    {
        QTemporaryDir dir;
        ProviderSimulator sim;
        QVERIFY(sim.start());
        const Project p = writeProject(dir, sim, 3, {}, {}, {}, {}, {QStringLiteral("oa")});
        ExperimentRunner runner(RunOptions{p.config, p.experiment, p.db});
        QSignalSpy done(&runner, &ExperimentRunner::finished);
        QSignalSpy started(&runner, &ExperimentRunner::started);
        runner.start();
        runner.cancel();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.size(), 1);
        QVERIFY(started.isEmpty());
        const RunSummary s = done.first().first().value<RunSummary>();
        QVERIFY(s.cancelled);
        QCOMPARE(s.exitCode(), 130);
        QVERIFY(!QFile::exists(p.db));
        QTest::qWait(50);
        QCOMPARE(done.size(), 1);   // exactly one terminal signal
    }

private:
    static QString readAll(const QString &path)
    {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return QString::fromUtf8(f.readAll());
    }
    static void writeAll(const QString &path, const QString &text)
    {
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(text.toUtf8());
    }
    static double microsToUsdForTest(qint64 m) { return double(m) / 1e6; }
    static SimConfig strictConfig()
    {
        SimConfig c;
        c.acceptAnyKey = false;
        c.keys = {SimKey{QStringLiteral("k-oa-1"), QStringLiteral("openai"), 4, 0, 0, 0, {}},
                  SimKey{QStringLiteral("k-oa-2"), QStringLiteral("openai"), 4, 0, 0, 0, {}}};
        return c;
    }
};

QTEST_GUILESS_MAIN(TestRunner)
#include "tst_runner.moc"
