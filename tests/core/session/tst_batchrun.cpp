// Runs in batch mode (execution.mode: batch) end to end against the simulator's batch endpoints of
// OpenAI, Anthropic, Gemini and Mistral: every job done at half the live price, a run stopped right
// after submission resumed without sending anything twice, partial failures retried, expiry.
#include "core/pricing/pricing.h"
#include "core/providers/batchwire.h"
#include "core/session/experimentrunner.h"
#include "core/session/batchrunner.h"
#include "core/session/estimateinput.h"
#include "core/session/project.h"
#include "core/sim/providersimulator.h"

#include <QElapsedTimer>

#include <QDir>
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

const char *const kGroups[] = {"oa", "an", "ge", "mi"};

Project writeProject(const QTemporaryDir &dir, const QString &simBase, int texts, const QString &execExtra)
{
    const QString ml = QStringLiteral(
        "model_list:\n"
        "  - model_name: oa\n"
        "    litellm_params: {model: openai/gpt-4o-mini, api_key: oa-key, api_base: %1/v1}\n"
        "  - model_name: an\n"
        "    litellm_params: {model: anthropic/claude-3-5-haiku-20241022, api_key: an-key, api_base: %1}\n"
        "  - model_name: ge\n"
        "    litellm_params: {model: gemini/gemini-2.0-flash, api_key: ge-key, api_base: %1}\n"
        "  - model_name: mi\n"
        "    litellm_params: {model: mistral/mistral-small-latest, api_key: mi-key, api_base: %1/v1}\n")
                           .arg(simBase);
    QDir(dir.path()).mkpath(QStringLiteral("corpus"));
    for (int i = 0; i < texts; ++i) {
        QFile f(dir.filePath(QStringLiteral("corpus/t%1.txt").arg(i, 3, 10, QLatin1Char('0'))));
        f.open(QIODevice::WriteOnly);
        f.write(QByteArray("A short text about liberty and care, number ") + QByteArray::number(i) + '.');
    }
    QFile fw(dir.filePath(QStringLiteral("mft.yaml")));
    fw.open(QIODevice::WriteOnly);
    fw.write("framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n  dimensions:\n"
             "    - {id: care, name: Care, description: c, min: 0, max: 1}\n");
    fw.close();
    QString ex = QStringLiteral("experiment: {name: t, description: test}\ncorpus:\n  - {id: c, path: corpus/}\n"
                                "frameworks:\n  - {id: mft, path: mft.yaml}\nexecution:\n  max_tokens: 200\n"
                                "  mode: batch\n  batch_poll: 1s\n  batch_poll_max: 2s\n%1  matrix:\n")
                     .arg(execExtra);
    for (const char *g : kGroups)
        ex += QStringLiteral("    - {run_id: r-%1, model: %1, framework: mft, corpus_subset: c}\n").arg(QLatin1String(g));
    for (const auto &[name, text] : {std::pair{QStringLiteral("experiment.yaml"), ex.toUtf8()},
                                     std::pair{QStringLiteral("litellm_config.yaml"), ml.toUtf8()}}) {
        QFile f(dir.filePath(name));
        f.open(QIODevice::WriteOnly);
        f.write(text);
    }
    return {dir.filePath(QStringLiteral("litellm_config.yaml")), dir.filePath(QStringLiteral("experiment.yaml")),
            dir.filePath(QStringLiteral("results.db"))};
}

SimConfig simConfig(qint64 processingMs, double errorRate = 0, qint64 expireMs = 0)
{
    SimConfig c;
    c.seed = 7;
    c.latencyMs = 0;
    c.jitterMs = 0;
    for (const auto &[key, provider] : {std::pair{"oa-key", "openai"}, std::pair{"an-key", "anthropic"},
                                        std::pair{"ge-key", "gemini"}, std::pair{"mi-key", "mistral"}}) {
        SimKey k;
        k.key = QString::fromLatin1(key);
        k.provider = QString::fromLatin1(provider);
        c.keys.append(k);
    }
    c.batch.validatingMs = 50;
    c.batch.processingMs = processingMs;
    c.batch.finalizingMs = 50;
    if (errorRate > 0)
        c.batch.errorRate = errorRate;
    if (expireMs > 0)
        c.batch.expireAfterMs = expireMs;
    return c;
}

RunOptions options(const Project &p, bool resume = false)
{
    RunOptions o;
    o.configPath = p.config;
    o.experimentPath = p.experiment;
    o.dbPath = p.db;
    o.resume = resume;
    return o;
}

RunSummary run(const Project &p, bool resume = false, int timeoutMs = 90000)
{
    ExperimentRunner runner(options(p, resume));
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    QObject::connect(&runner, &ExperimentRunner::event, [](const QString &m) { qInfo().noquote() << m; });
    runner.start();
    if (!done.wait(timeoutMs))
        return {};
    return done.first().first().value<RunSummary>();
}

/// A read-only view of the results database on its own connection.
class Db {
public:
    explicit Db(const QString &path) : m_name(QStringLiteral("check-%1").arg(quintptr(this)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~Db()
    {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QVariant scalar(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }
    QSqlQuery query(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        q.exec(sql);
        return q;
    }

private:
    QString m_name;
};

} // namespace

class TestBatchRun : public QObject {
    Q_OBJECT
private slots:
    void allFourProvidersAtHalfPrice();
    void budgetAtBatchPricesLetsTheRunProceed();
    void groupWithoutBatchApiRunsLiveAndSaysWhy();
    void killedAfterSubmissionResumesWithoutResending();
    void partialFailuresAreRetried();
    void expiredItemsGoBackToPending();
    void cancelledBatchesReturnJobsToPending();
};

namespace {
/// Starts a run, waits until its four batches are at the providers, and drops it as a kill would.
bool submitAndKill(QObject *ctx, const Project &p)
{
    auto runner = std::make_unique<ExperimentRunner>(options(p));
    int submitted = 0;
    QObject::connect(runner.get(), &ExperimentRunner::event, ctx, [&submitted](const QString &m) {
        if (m.contains(QLatin1String("requests submitted to")))
            ++submitted;
    });
    runner->start();
    QElapsedTimer t;
    t.start();
    while (submitted < 4 && t.elapsed() < 30000)
        QTest::qWait(20);
    return submitted == 4;
}
} // namespace

void TestBatchRun::allFourProvidersAtHalfPrice()
{
    ProviderSimulator sim(simConfig(300));
    QVERIFY(sim.start().has_value());
    QTemporaryDir dir;
    const Project p = writeProject(dir, sim.baseUrl(), 6, {});
    const RunSummary s = run(p);
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QCOMPARE(s.done, 24);
    QCOMPARE(s.failed, 0);

    const SimStats st = sim.stats();
    QCOMPARE(st.batch.batchesCreated, 4);       // one per provider
    QCOMPARE(st.batch.requestsSubmitted, 24);
    QCOMPARE(st.batch.resubmitted, 0);

    Db db(p.db);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM calls WHERE batch_id IS NOT NULL")).toInt(), 24);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM batches WHERE collected = 1 AND state = 'ended'")).toInt(), 4);
    // Every call booked at the batch price: half the live price of the same usage.
    const PriceTable prices = PriceTable::builtIn();
    QSet<QString> providersChecked;
    QSqlQuery calls = db.query(QStringLiteral("SELECT provider, deployment_id, prompt_tokens, completion_tokens, cached_tokens, cost_micros FROM calls"));
    const QHash<QString, QString> modelOf = {{QStringLiteral("openai"), QStringLiteral("gpt-4o-mini")},
                                             {QStringLiteral("anthropic"), QStringLiteral("claude-3-5-haiku-20241022")},
                                             {QStringLiteral("gemini"), QStringLiteral("gemini-2.0-flash")},
                                             {QStringLiteral("mistral"), QStringLiteral("mistral-small-latest")}};
    while (calls.next()) {
        const QString provider = calls.value(0).toString();
        const auto price = prices.find(provider, modelOf.value(provider));
        QVERIFY2(price, qPrintable(provider));
        Usage u;
        u.promptTokens = calls.value(2).toLongLong();
        u.completionTokens = calls.value(3).toLongLong();
        u.cachedTokens = calls.value(4).toLongLong();
        QVERIFY(u.promptTokens > 0 && u.completionTokens > 0);
        const qint64 booked = calls.value(5).toLongLong();
        const qint64 live = costMicros(*price, u);
        QCOMPARE(booked, costMicros(*price, u, PriceMode::BatchApi));
        // Half the live cost, to the rounding of one micro-dollar.
        QVERIFY2(std::abs(2 * booked - live) <= 2, qPrintable(QStringLiteral("%1: %2 vs live %3").arg(provider).arg(booked).arg(live)));
        // By hand for one call per provider: input and output tokens at half the list price.
        if (!providersChecked.contains(provider)) {
            providersChecked.insert(provider);
            const double usd = (double(u.promptTokens) * price->inputPerToken + double(u.completionTokens) * price->outputPerToken) / 2;
            QVERIFY(std::abs(double(booked) - usd * 1e6) <= 1.0);
        }
    }
    QCOMPARE(providersChecked.size(), 4);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'done'")).toInt(), 24);
}

void TestBatchRun::budgetAtBatchPricesLetsTheRunProceed()
{
    ProviderSimulator sim(simConfig(200));
    QVERIFY(sim.start().has_value());
    QTemporaryDir dir;
    const Project p = writeProject(dir, sim.baseUrl(), 6, {});

    // The estimate's worst case at batch prices (execution.mode batch) and live.
    auto project = loadProject(p.config, p.experiment);
    QVERIFY2(project, project ? "" : qPrintable(project.error().toString()));
    auto ctx = prepareEstimate(*project, QString());
    QVERIFY(ctx);
    auto batch = estimateExperiment(ctx->input);
    QVERIFY(batch);
    ctx->input.experiment.execution.mode = ExecutionMode::Live;
    auto live = estimateExperiment(ctx->input);
    QVERIFY(live);
    for (const RunEstimate &r : std::as_const(batch->planned.runs))
        QCOMPARE(r.mode, QStringLiteral("batch"));
    const qint64 batchWorst = batch->planned.total.worstCostMicros;
    const qint64 liveWorst = live->planned.total.worstCostMicros;
    QVERIFY(batchWorst > 0);
    // A budget the batch plan fits even in the worst case, the live plan's worst case does not.
    const qint64 cap = batchWorst + batchWorst / 5;
    QVERIFY2(cap < liveWorst, qPrintable(QStringLiteral("%1 vs %2").arg(cap).arg(liveWorst)));
    ctx->input.experiment.costControls.maxBudget = double(cap) / 1e6;
    ctx->input.experiment.execution.mode = ExecutionMode::Batch;
    QCOMPARE(estimateExperiment(ctx->input)->budget.status, BudgetVerdict::Status::Fits);
    ctx->input.experiment.execution.mode = ExecutionMode::Live;
    QVERIFY(estimateExperiment(ctx->input)->budget.status != BudgetVerdict::Status::Fits);

    // The run submits all 24 requests at once: their reservations at the batch price fit the cap
    // (at the live price they would not), so it runs to the end.
    RunOptions o = options(p);
    o.maxBudgetOverride = double(cap) / 1e6;
    ExperimentRunner runner(o);
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    runner.start();
    QVERIFY(done.wait(90000));
    const RunSummary s = done.first().first().value<RunSummary>();
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QVERIFY(!s.budgetStopped);
    QCOMPARE(s.done, 24);
    QCOMPARE(sim.stats().batch.requestsSubmitted, 24);

    // Booked: half of what the same usage costs live.
    const PriceTable prices = PriceTable::builtIn();
    Db db(p.db);
    QSqlQuery calls = db.query(QStringLiteral("SELECT c.provider, d.model, c.prompt_tokens, c.completion_tokens, c.cost_micros "
                                              "FROM calls c JOIN (SELECT 'openai' AS provider, 'gpt-4o-mini' AS model UNION ALL "
                                              "SELECT 'anthropic', 'claude-3-5-haiku-20241022' UNION ALL SELECT 'gemini', 'gemini-2.0-flash' "
                                              "UNION ALL SELECT 'mistral', 'mistral-small-latest') d ON d.provider = c.provider"));
    qint64 booked = 0, atLivePrices = 0;
    int n = 0;
    while (calls.next()) {
        const auto price = prices.find(calls.value(0).toString(), calls.value(1).toString());
        QVERIFY(price);
        Usage u;
        u.promptTokens = calls.value(2).toLongLong();
        u.completionTokens = calls.value(3).toLongLong();
        booked += calls.value(4).toLongLong();
        atLivePrices += costMicros(*price, u);
        ++n;
    }
    QCOMPARE(n, 24);
    QCOMPARE(booked, s.costMicros);
    QVERIFY2(std::abs(2 * booked - atLivePrices) <= 2 * n, qPrintable(QStringLiteral("%1 vs live %2").arg(booked).arg(atLivePrices)));
    QVERIFY(booked <= cap);
}

void TestBatchRun::groupWithoutBatchApiRunsLiveAndSaysWhy()
{
    SimConfig cfg = simConfig(200);
    SimKey az;
    az.key = QStringLiteral("az-key");
    az.provider = QStringLiteral("azure");
    cfg.keys.append(az);
    ProviderSimulator sim(cfg);
    QVERIFY(sim.start().has_value());
    QTemporaryDir dir;
    const Project p = writeProject(dir, sim.baseUrl(), 3, {});
    for (const auto &[file, text] : {std::pair{p.config, QStringLiteral("  - model_name: az\n    litellm_params: {model: azure/gpt-4o-mini, "
                                                                         "api_key: az-key, api_base: %1, api_version: \"2024-10-21\"}\n")
                                                             .arg(sim.baseUrl())},
                                     std::pair{p.experiment, QStringLiteral("    - {run_id: r-az, model: az, framework: mft, corpus_subset: c}\n")}}) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::Append));
        f.write(text.toUtf8());
    }
    ExperimentRunner runner(options(p));
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    QStringList events;
    QObject::connect(&runner, &ExperimentRunner::event, [&events](const QString &m) { events << m; });
    runner.start();
    QVERIFY(done.wait(90000));
    const RunSummary s = done.first().first().value<RunSummary>();
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QCOMPARE(s.done, 15);
    const QStringList why = events.filter(QStringLiteral("run r-az: no deployment of az has a batch API"));
    QCOMPARE(why.size(), 1);
    QVERIFY2(why.first().contains(QStringLiteral("running live (azure: ")), qPrintable(why.first()));
    Db db(p.db);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM calls WHERE provider = 'azure' AND batch_id IS NULL")).toInt(), 3);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM calls WHERE batch_id IS NOT NULL")).toInt(), 12);
    QVERIFY(batchUnsupportedReason(QStringLiteral("vertex_ai")).contains(QStringLiteral("Cloud Storage")));
    QVERIFY(batchUnsupportedReason(QStringLiteral("openai")).isEmpty());
}

void TestBatchRun::killedAfterSubmissionResumesWithoutResending()
{
    // Slow batches: the run is stopped while all four are open at the providers.
    ProviderSimulator sim(simConfig(4000));
    QVERIFY(sim.start().has_value());
    QTemporaryDir dir;
    const Project p = writeProject(dir, sim.baseUrl(), 5, {});
    QVERIFY(submitAndKill(this, p));
    {
        Db db(p.db);
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM batches WHERE provider_batch_id IS NOT NULL AND collected = 0")).toInt(), 4);
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'done'")).toInt(), 0);
    }
    const RunSummary s = run(p, true);
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QCOMPARE(s.done, 20);
    QCOMPARE(s.failed, 0);
    const SimStats st = sim.stats();
    QCOMPARE(st.batch.batchesCreated, 4);
    QCOMPARE(st.batch.requestsSubmitted, 20);
    QCOMPARE(st.batch.resubmitted, 0);
    QCOMPARE(st.batch.maxSubmissions, 1);
    Db db(p.db);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'done'")).toInt(), 20);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM calls WHERE batch_id IS NOT NULL")).toInt(), 20);
}

void TestBatchRun::partialFailuresAreRetried()
{
    ProviderSimulator sim(simConfig(200, 0.3));
    QVERIFY(sim.start().has_value());
    QTemporaryDir dir;
    const Project p = writeProject(dir, sim.baseUrl(), 8, QStringLiteral("  batch_retry: batch\n"));
    const RunSummary s = run(p);
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    const SimStats st = sim.stats();
    QVERIFY(st.batch.errored > 0);                      // some items failed at the provider ...
    QVERIFY(st.batch.batchesCreated > 4);               // ... and went into retry batches
    QCOMPARE(st.batch.resubmitted, 0);                   // each retry is a request of its own
    QCOMPARE(s.done + s.failed, 32);
    Db db(p.db);
    // What failed for good failed with the provider's reason; the rest is done.
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'failed' AND (last_error IS NULL OR last_error = '')")).toInt(), 0);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'done'")).toInt(), s.done);
    QVERIFY(s.done > 32 - st.batch.errored);   // retries turned failures into results
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM calls WHERE batch_id IS NOT NULL AND error_class IS NOT NULL"
                                      " AND error_class <> '' AND error_class <> 'none'")).toInt(),
             int(st.batch.errored));
}

void TestBatchRun::expiredItemsGoBackToPending()
{
    // Batches expire half-way: the finished half is stored, the rest goes into the next batch,
    // and what is still expired after the retries is left pending for --resume, never failed.
    ProviderSimulator sim(simConfig(1000, 0, 600));
    QVERIFY(sim.start().has_value());
    QTemporaryDir dir;
    const Project p = writeProject(dir, sim.baseUrl(), 6, {});
    const RunSummary s = run(p);
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    const SimStats st = sim.stats();
    QVERIFY(st.batch.expired > 0);
    QVERIFY(st.batch.batchesCreated > 4);
    QCOMPARE(s.failed, 0);
    Db db(p.db);
    const int done = db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'done'")).toInt();
    const int pending = db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'pending'")).toInt();
    QCOMPARE(done, s.done);
    QCOMPARE(done + pending, 24);
    QVERIFY(done > 0);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM batches WHERE state = 'expired'")).toInt() > 0, true);
}

void TestBatchRun::cancelledBatchesReturnJobsToPending()
{
    ProviderSimulator sim(simConfig(20000));
    QVERIFY(sim.start().has_value());
    QTemporaryDir dir;
    const Project p = writeProject(dir, sim.baseUrl(), 5, {});
    QVERIFY(submitAndKill(this, p));
    auto models = loadModelList(p.config);
    QVERIFY(models.has_value());
    QHash<QString, QString> keys;
    for (const Deployment &d : models->deployments)
        keys.insert(d.id, d.keyRef);   // literal keys in this model list
    BatchCancelJob job(*models, keys, p.db);
    QSignalSpy done(&job, &BatchCancelJob::finished);
    job.start();
    QVERIFY(done.wait(20000));
    QVERIFY2(job.problems.isEmpty(), qPrintable(job.problems.join(u'\n')));
    QCOMPARE(job.cancelled, 4);
    QCOMPARE(sim.stats().batch.cancelRequests, 4);
    // The next run collects them: nothing done, nothing failed, every job pending again.
    const RunSummary s = run(p, true);
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QCOMPARE(s.failed, 0);
    Db db(p.db);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE status = 'pending'")).toInt() + s.done, 20);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM batches WHERE collected = 0")).toInt(), 0);
    QCOMPARE(sim.stats().batch.batchesCreated, 4);   // nothing was sent again
}

QTEST_GUILESS_MAIN(TestBatchRun)
#include "tst_batchrun.moc"
