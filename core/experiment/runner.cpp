#include "core/experiment/runner.h"

#include "core/common/logging.h"
#include "core/config/duration.h"
#include "core/experiment/planner.h"
#include "core/experiment/project.h"
#include "core/experiment/prompt.h"
#include "core/pricing/pricing.h"
#include "core/router/router.h"
#include "core/secrets/keyresolver.h"
#include "core/secrets/keystore.h"
#include "core/sim/providersimulator.h"
#include "core/storage/resultstore.h"
#include "core/tokenize/tokenestimator.h"

#include <QDateTime>
#include <QSet>

#include <cmath>
#include <limits>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QLockFile>
#include <QMutex>
#include <QThread>
#include <QTimer>

namespace wb {

int RunSummary::exitCode() const
{
    if (!error.isEmpty())
        return 2;
    if (cancelled)
        return 130;
    if (budgetStopped)
        return 3;
    if (failed > 0)
        return 1;
    return 0;
}

QJsonObject RunSummary::toJson() const
{
    QJsonObject o{
        {QStringLiteral("experiment"), experiment},
        {QStringLiteral("jobs"), jobs},
        {QStringLiteral("done"), done},
        {QStringLiteral("failed"), failed},
        {QStringLiteral("skipped"), skipped},
        {QStringLiteral("calls"), calls},
        {QStringLiteral("http_429"), http429},
        {QStringLiteral("retries"), retries},
        {QStringLiteral("fallbacks"), fallbacks},
        {QStringLiteral("parse_retries"), parseRetries},
        {QStringLiteral("prompt_tokens"), promptTokens},
        {QStringLiteral("completion_tokens"), completionTokens},
        {QStringLiteral("cached_tokens"), cachedTokens},
        {QStringLiteral("cost_usd"), microsToUsd(costMicros)},
        {QStringLiteral("wall_s"), wallSeconds},
        {QStringLiteral("budget_stopped"), budgetStopped},
        {QStringLiteral("cancelled"), cancelled},
        {QStringLiteral("simulated"), simulated},
        {QStringLiteral("exit_code"), exitCode()},
    };
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

namespace {

/// Dollars with enough digits that small budgets don't read as $0.00.
QString usdText(qint64 micros)
{
    const double usd = microsToUsd(micros);
    return QStringLiteral("$") + QString::number(usd, 'f', usd < 10 ? 4 : 2);
}

/// Spend ledger spanning runs: reserve worst case before dispatch, settle to the actual cost.
class LedgerBudget final : public BudgetGuard {
public:
    qint64 capMicros = -1;          // -1 = no cap
    qint64 spentBeforeMicros = 0;   // ledger since the period start, before this run
    qint64 spentMicros = 0;         // this run
    qint64 reservedMicros = 0;
    std::function<void(qint64)> onSettled;

    bool reserve(qint64 micros) override
    {
        if (capMicros >= 0 && spentBeforeMicros + spentMicros + reservedMicros + micros > capMicros)
            return false;
        reservedMicros += micros;
        return true;
    }
    void settle(qint64 reserved, qint64 actual) override
    {
        reservedMicros -= reserved;
        spentMicros += actual;
        if (onSettled)
            onSettled(actual);
    }
    qint64 total() const { return spentBeforeMicros + spentMicros; }
};

struct JobInfo {
    JobRow row;
    const PlannedRun *run = nullptr;
    const CorpusText *text = nullptr;
    int attempts = 0;
    int parseRetries = 0;
    Usage usage;
    qint64 costMicros = 0;
    qint64 latencyMs = 0;
    QString raw;   // every reply so far, newest last
};

/// One router job = one call for one or more texts (batching).
struct PendingCall {
    QList<qint64> jobIds;           // job row ids, in text order
    const PlannedRun *run = nullptr;
    ChatRequest request;
    qint64 baseTokens = 0;          // o200k count, for calibration
};

} // namespace

class ExperimentRunner::Private {
public:
    ExperimentRunner *q = nullptr;
    RunOptions opt;
    LoadedProject project;
    QList<PlannedRun> runs;
    std::unique_ptr<QLockFile> runLock;
    std::unique_ptr<ResultStore> store;
    std::unique_ptr<Router> router;
    std::unique_ptr<ProviderSimulator> sim;
    std::shared_ptr<TokenEstimator> tokens;
    std::shared_ptr<PriceTable> prices;
    LedgerBudget budget;
    QHash<qint64, JobInfo> jobs;
    QHash<quint64, PendingCall> calls;
    quint64 nextCallId = 1;
    qint64 outstandingJobs = 0;
    // Calls planned but not yet handed to the router, per run. The router only ever holds a bounded
    // window of each run's calls, so memory stays flat however large the experiment (prompts are
    // built when a call is submitted), and every run keeps its share of the window.
    struct PlannedCall {
        const PlannedRun *run = nullptr;
        QList<qint64> jobIds;
    };
    QHash<const PlannedRun *, std::deque<PlannedCall>> unsent;
    QHash<const PlannedRun *, int> submittedByRun;
    int perRunWindow = 500;
    RunSummary summary;
    QElapsedTimer wall;
    // A child of the runner, so moveToThread() takes it along to the engine thread.
    QTimer *tick = nullptr;
    int warnedPercent = 0;
    bool finished = false;
    bool started = false;

    mutable QMutex snapMutex;
    RouterSnapshot snap;
    RunProgress prog;

    void fail(const Error &e);
    Result<void> checkStoredRunsMatch() const;
    void run();
    void submitCall(const PlannedRun *run, const QList<qint64> &jobIds, const ChatRequest *reask);
    void onCall(const CallRecord &c);
    void onJob(const JobOutcome &o);
    void completeJob(JobInfo &j, JobStatus status, const QString &error, const QList<DimensionScore> &scores,
                     const QString &deployment, const QString &provider, const QString &modelVersion);
    void maybeFinish();
    void pump();
    void dropUnsent();
    void finish();
    void updateSnapshot();
    double limitBoundEtaSeconds(const RouterSnapshot &s) const;
};

void ExperimentRunner::Private::fail(const Error &e)
{
    summary.error = e.toString();
    emit q->event(summary.error);
    finish();
}

Result<void> ExperimentRunner::Private::checkStoredRunsMatch() const
{
    auto stored = store->runs();
    if (!stored)
        return std::unexpected(stored.error());
    QHash<QString, RunRow> byId;
    for (const RunRow &r : std::as_const(*stored))
        byId.insert(r.runId, r);
    QStringList problems;
    QSet<QString> checkedTexts;
    auto hashes = store->textHashes();
    if (!hashes)
        return std::unexpected(hashes.error());
    for (const PlannedRun &r : runs) {
        auto it = byId.constFind(r.spec.runId);
        if (it == byId.cend())
            continue;
        QStringList dims;
        for (const Dimension &d : r.framework->dimensions)
            dims.append(d.id);
        if (!it->experiment.isEmpty() && it->experiment != project.experiment.name)
            problems << QStringLiteral("run '%1' belongs to experiment '%2'").arg(r.spec.runId, it->experiment);
        else if (it->modelGroup != r.spec.model)
            problems << QStringLiteral("run '%1' was stored with model group '%2', now '%3'").arg(r.spec.runId, it->modelGroup, r.spec.model);
        else if (it->framework != r.spec.framework || (!it->dimensions.isEmpty() && it->dimensions != dims))
            problems << QStringLiteral("run '%1' was stored with framework '%2' (%3), now '%4' (%5)")
                            .arg(r.spec.runId, it->framework, it->dimensions.join(u','), r.spec.framework, dims.join(u','));
        for (const CorpusText &t : r.texts) {
            const QString key = t.corpus + u'/' + t.id;
            if (checkedTexts.contains(key))
                continue;
            checkedTexts.insert(key);
            const QString old = hashes->value(key);
            if (!old.isEmpty() && old != t.sha256)
                problems << QStringLiteral("text '%1' changed since its results were stored").arg(key);
        }
    }
    if (problems.isEmpty())
        return {};
    const qsizetype shown = std::min<qsizetype>(problems.size(), 5);
    QString msg = QStringLiteral("this database holds results that don't match the experiment: ") + problems.mid(0, shown).join(QStringLiteral("; "));
    if (problems.size() > shown)
        msg += QStringLiteral("; and %1 more").arg(problems.size() - shown);
    msg += QStringLiteral(". Use new run ids or another --db, so earlier results stay as they were.");
    return wb::fail(msg, opt.dbPath);
}

void ExperimentRunner::Private::run()
{
    wall.start();
    auto loaded = loadProject(opt.configPath, opt.experimentPath);
    if (!loaded)
        return fail(loaded.error());
    project = std::move(*loaded);
    summary.experiment = project.experiment.name;
    for (const QString &w : std::as_const(project.warnings))
        emit q->event(QStringLiteral("warning: ") + w);

    // Keys: resolved once, kept in memory only.
    KeyStore keystore;
    auto keys = resolveKeys(project.models, keystore);
    if (!keys)
        return fail(keys.error());

    // The built-in simulator, when the model list asks for it.
    if (project.models.simulator.enabled && opt.startSimulator) {
        auto cfg = simulatorConfigFor(project.models, opt.configPath);
        if (!cfg)
            return fail(cfg.error());
        auto started = startSimulator(*cfg, quint16(project.models.simulator.port));
        if (!started)
            return fail(started.error());
        sim = std::move(*started);
        const quint16 port = sim->port();
        retargetLoopback(project.models, project.models.simulator.port, port);
        emit q->event(QStringLiteral("SIMULATED: provider simulator on 127.0.0.1:%1 — results are not from real models").arg(port));
    }
    summary.simulated = isSimulated(project.models);

    // One run per database at a time: two processes would both send (and pay for) every job.
    runLock = std::make_unique<QLockFile>(opt.dbPath + QStringLiteral(".lock"));
    runLock->setStaleLockTime(0);   // only a lock whose process is gone is stale
    if (!runLock->tryLock(0)) {
        if (runLock->error() != QLockFile::LockFailedError)
            return fail(Error{QStringLiteral("cannot create the lock file %1.lock next to the database (is the folder writable?)")
                                  .arg(opt.dbPath),
                              opt.dbPath, 0, 0, {}});
        qint64 pid = 0;
        QString host, app;
        runLock->getLockInfo(&pid, &host, &app);
        return fail(Error{QStringLiteral("another run (process %1 on %2) is using this database; wait for it to finish or use "
                                         "another --db")
                              .arg(pid)
                              .arg(host.isEmpty() ? QStringLiteral("this machine") : host),
                          opt.dbPath, 0, 0, {}});
    }

    store = std::make_unique<ResultStore>();
    if (auto ok = store->open(opt.dbPath); !ok)
        return fail(ok.error());

    runs = planRuns(project.experiment, project.frameworks, project.corpora);
    // What this database already holds must be what these runs mean: another experiment's run ids, a
    // changed model group, framework or text would silently mix results.
    if (auto ok = checkStoredRunsMatch(); !ok)
        return fail(ok.error());

    auto expId = store->upsertExperiment(project.experiment.name, project.experiment.description, project.experiment.sourceYaml);
    if (!expId)
        return fail(expId.error());

    tokens = std::make_shared<TokenEstimator>();
    if (auto cals = store->calibrations())
        for (const auto &c : *cals)
            tokens->setFactor(c.provider, c.model, c.factor, c.samples);
    prices = std::make_shared<PriceTable>(PriceTable::builtIn());
    if (!opt.priceMapPath.isEmpty()) {
        if (auto n = prices->importLiteLlm(opt.priceMapPath); !n)
            return fail(n.error());
        else
            emit q->event(QStringLiteral("prices: %1 models imported from %2").arg(*n).arg(opt.priceMapPath));
    }

    QList<StoredText> storedTexts;
    QSet<QString> seenTexts;
    for (const PlannedRun &r : std::as_const(runs)) {
        RunRow row{r.spec.runId, project.experiment.name, r.spec.model, r.spec.framework, r.spec.corpus, {}};
        for (const Dimension &d : r.framework->dimensions)
            row.dimensions.append(d.id);
        if (auto ok = store->upsertRun(row); !ok)
            return fail(ok.error());
        for (const CorpusText &t : r.texts) {
            if (seenTexts.contains(t.corpus + u'/' + t.id))
                continue;
            seenTexts.insert(t.corpus + u'/' + t.id);
            storedTexts.append({t.corpus, t.id, t.sha256, t.text.size(), 0});
        }
    }
    if (auto ok = store->upsertTexts(storedTexts); !ok)
        return fail(ok.error());

    const QList<JobRow> planned = planJobs(runs);
    auto all = store->ensureJobs(planned);
    if (!all)
        return fail(all.error());
    QStringList runIds;
    for (const PlannedRun &r : std::as_const(runs))
        runIds.append(r.spec.runId);
    auto todo = store->unfinishedJobs(runIds, /*includeFailed=*/opt.resume);
    if (!todo)
        return fail(todo.error());
    if (!opt.resume) {
        qint64 done = 0;
        for (const JobRow &j : std::as_const(*all))
            if (j.status == JobStatus::Done || j.status == JobStatus::Failed)
                ++done;
        if (done > 0)
            return fail(Error{QStringLiteral("the database already holds %1 finished jobs of these runs; use --resume to continue "
                                             "them, or another --db for a fresh run")
                                  .arg(done),
                              opt.dbPath, 0, 0, {}});
    }
    summary.jobs = all->size();
    summary.skipped = all->size() - todo->size();

    // Index what has to run.
    QHash<QString, const PlannedRun *> runById;
    for (const PlannedRun &r : std::as_const(runs))
        runById.insert(r.spec.runId, &r);
    QHash<QString, const CorpusText *> textByKey;
    for (const PlannedRun &r : std::as_const(runs))
        for (const CorpusText &t : r.texts)
            textByKey.insert(t.corpus + u'/' + t.id, &t);
    QList<qint64> ids;
    for (const JobRow &j : std::as_const(*todo)) {
        JobInfo info;
        info.row = j;
        info.attempts = j.attempts;   // attempts of earlier runs count too (resume)
        info.run = runById.value(j.runId);
        info.text = textByKey.value(j.corpus + u'/' + j.textId);
        if (!info.run || !info.text)
            continue;   // a job of a run or text no longer in the experiment: leave it alone
        jobs.insert(j.id, info);
        ids.append(j.id);
    }
    outstandingJobs = jobs.size();
    store->markInFlight(ids);

    // Budget: ledger of the period plus worst-case reservations.
    const CostControls cc = project.costControls();
    std::optional<double> cap = opt.maxBudgetOverride ? opt.maxBudgetOverride : cc.maxBudget;
    if (cap) {
        budget.capMicros = qint64(*cap * 1e6 + 0.5);
        QDateTime since = QDateTime::fromSecsSinceEpoch(0);
        if (auto secs = parseDurationSeconds(cc.budgetDuration); secs && *secs > 0)
            since = QDateTime::currentDateTimeUtc().addSecs(-*secs);
        if (auto spent = store->spendSince(since))
            budget.spentBeforeMicros = *spent;
        if (budget.spentBeforeMicros >= budget.capMicros && outstandingJobs > 0)
            emit q->event(QStringLiteral("budget of %1 already spent in this period (%2)")
                              .arg(usdText(budget.capMicros), usdText(budget.spentBeforeMicros)));
        // A deployment we cannot price would spend without counting against the cap.
        for (const Deployment &d : std::as_const(project.models.deployments))
            if (!prices->forDeployment(d))
                emit q->event(QStringLiteral("warning: no price known for %1 (%2/%3): its calls count as $0 against the budget; "
                                             "set model_info.input_cost_per_token and output_cost_per_token")
                                  .arg(d.id, d.provider, d.model));
    }
    budget.onSettled = [this](qint64) {
        if (budget.capMicros > 0) {
            const int pct = int(100.0 * double(budget.total()) / double(budget.capMicros));
            for (int level : {50, 80, 100})
                if (pct >= level && warnedPercent < level) {
                    warnedPercent = level;
                    emit q->budgetWarning(level);
                    emit q->event(QStringLiteral("budget: %1% of %2 spent").arg(level).arg(usdText(budget.capMicros)));
                }
        }
    };

    RouterOptions ro;
    ro.apiKeys = *keys;
    ro.prices = prices;
    ro.tokens = tokens;
    ro.budget = cap ? &budget : nullptr;
    router = std::make_unique<Router>(project.models, ro);
    QObject::connect(router.get(), &Router::callFinished, q, [this](const CallRecord &c) { onCall(c); });
    QObject::connect(router.get(), &Router::jobFinished, q, [this](const JobOutcome &o) { onJob(o); });
    QObject::connect(router.get(), &Router::event, q, &ExperimentRunner::event);
    QObject::connect(router.get(), &Router::budgetExhausted, q, [this] {
        summary.budgetStopped = true;
        emit q->event(QStringLiteral("budget reached: no further calls are dispatched; raise max_budget and --resume"));
    });

    emit q->started(summary.jobs);
    emit q->event(QStringLiteral("%1 jobs, %2 already finished, %3 to run").arg(summary.jobs).arg(summary.skipped).arg(outstandingJobs));

    // Dispatch: one call per job, or packed batches per run.
    const ExecutionSettings &exec = project.experiment.execution;
    QHash<const PlannedRun *, QList<qint64>> jobsByRun;
    for (qint64 id : std::as_const(ids))
        jobsByRun[jobs[id].run].append(id);
    for (const PlannedRun &r : std::as_const(runs)) {
        const QList<qint64> runJobs = jobsByRun.value(&r);
        if (runJobs.isEmpty())
            continue;
        if (!exec.batching.enabled) {
            for (qint64 id : std::as_const(runJobs))
                unsent[&r].push_back({&r, {id}});
            continue;
        }
        // Token-exact packing on the counting of the group's first deployment; one repetition at a time,
        // so a batch never carries the same text twice.
        QMap<int, QList<qint64>> byRepetition;
        for (qint64 id : std::as_const(runJobs))
            byRepetition[jobs[id].row.repetition].append(id);
        for (const QList<qint64> &repJobs : std::as_const(byRepetition)) {
            QList<const CorpusText *> texts;
            for (qint64 id : repJobs)
                texts.append(jobs[id].text);
            const auto batches = packRunTexts(*tokens, project.models, r.spec.model, prices.get(), *r.framework, exec, texts);
            for (const QList<int> &batch : batches) {
                QList<qint64> b;
                for (int i : batch)
                    b.append(repJobs[i]);
                unsent[&r].push_back({&r, b});
            }
        }
    }
    perRunWindow = std::max(200, 4000 / int(std::max<qsizetype>(1, runs.size())));
    tick->start();
    maybeFinish();
}

void ExperimentRunner::Private::pump()
{
    if (finished)
        return;
    if (summary.cancelled || summary.budgetStopped) {
        dropUnsent();
        return;
    }
    for (auto it = unsent.begin(); it != unsent.end(); ++it) {
        std::deque<PlannedCall> &queue = it.value();
        int &inRouter = submittedByRun[it.key()];
        while (!queue.empty() && inRouter < perRunWindow) {
            const PlannedCall c = std::move(queue.front());
            queue.pop_front();
            submitCall(c.run, c.jobIds, nullptr);
        }
    }
}

void ExperimentRunner::Private::dropUnsent()
{
    QList<qint64> ids;
    for (auto &queue : unsent)
        for (const PlannedCall &c : queue)
            ids += c.jobIds;
    unsent.clear();
    if (ids.isEmpty())
        return;
    store->markPending(ids);   // never sent: pending for --resume
    outstandingJobs -= ids.size();
}

void ExperimentRunner::Private::submitCall(const PlannedRun *run, const QList<qint64> &jobIds, const ChatRequest *reask)
{
    PendingCall pc;
    pc.jobIds = jobIds;
    pc.run = run;
    if (reask) {
        pc.request = *reask;
    } else {
        QList<const CorpusText *> texts;
        for (qint64 id : jobIds)
            texts.append(jobs[id].text);
        pc.request = buildScoringRequest(*run->framework, texts, project.experiment.execution);
    }
    pc.baseTokens = tokens->baseTokens(pc.request);
    const quint64 callId = nextCallId++;
    ++submittedByRun[run];
    RouterJob rj{callId, run->spec.model, pc.request};
    calls.insert(callId, std::move(pc));
    router->submit(rj);
}

void ExperimentRunner::Private::onCall(const CallRecord &c)
{
    ++summary.calls;
    if (c.httpStatus == 429)
        ++summary.http429;
    summary.promptTokens += c.usage.promptTokens;
    summary.completionTokens += c.usage.completionTokens;
    summary.cachedTokens += c.usage.cachedTokens;
    summary.costMicros += c.costMicros;
    // Every attempt precedes its job's outcome, so the call is still known here.
    const auto it = calls.constFind(c.jobId);
    if (it == calls.cend())
        return;
    store->recordCall(c, it->jobIds);   // a batch's call is linked to every text it carried
    // Calibrate the estimator on what the provider reports.
    if (c.usage.reported && c.errorClass == ErrorClass::None)
        if (const Deployment *d = project.models.deployment(c.deploymentId))
            tokens->observe(d->provider, d->model, it->baseTokens, c.usage.promptTokens);
    // Share the call's usage, cost and latency over the texts it carried.
    const qint64 n = it->jobIds.size();
    for (qint64 k = 0; k < n; ++k) {
        JobInfo &j = jobs[it->jobIds[k]];
        const auto share = [&](qint64 v) { return v / n + (k < v % n ? 1 : 0); };
        j.usage.promptTokens += share(c.usage.promptTokens);
        j.usage.completionTokens += share(c.usage.completionTokens);
        j.usage.cachedTokens += share(c.usage.cachedTokens);
        j.costMicros += share(c.costMicros);
        j.latencyMs += c.latencyMs;
    }
}

void ExperimentRunner::Private::onJob(const JobOutcome &o)
{
    auto node = calls.find(o.jobId);
    if (node == calls.end())
        return;
    PendingCall pc = std::move(node.value());
    calls.erase(node);
    --submittedByRun[pc.run];
    for (qint64 id : std::as_const(pc.jobIds))
        jobs[id].attempts += o.attempts;

    if (o.cancelled || o.budgetStopped) {
        // Back to pending (not failed): --resume picks them up.
        store->markPending(pc.jobIds);
        if (o.budgetStopped)
            summary.budgetStopped = true;
        outstandingJobs -= pc.jobIds.size();
        maybeFinish();
        return;
    }
    if (!o.ok && pc.jobIds.size() > 1 && (o.exceedsLimits || o.errorClass == ErrorClass::ContextTooLong)) {
        // A batch too large for the limits or the context window: halve it rather than fail its texts.
        const qsizetype half = pc.jobIds.size() / 2;
        emit q->event(QStringLiteral("a batch of %1 texts is too large for %2 (%3); splitting it")
                          .arg(pc.jobIds.size())
                          .arg(pc.run->spec.model, o.error));
        submitCall(pc.run, pc.jobIds.mid(0, half), nullptr);
        submitCall(pc.run, pc.jobIds.mid(half), nullptr);
        return;
    }
    if (!o.ok) {
        for (qint64 id : std::as_const(pc.jobIds))
            completeJob(jobs[id], JobStatus::Failed, o.error, {}, o.deploymentId, o.provider, {});
        maybeFinish();
        return;
    }

    const Framework &fw = *pc.run->framework;
    QStringList textIds;
    for (qint64 id : std::as_const(pc.jobIds)) {
        textIds.append(jobs[id].text->id);
        JobInfo &j = jobs[id];
        if (!j.raw.isEmpty())
            j.raw += QStringLiteral("\n\n----- re-ask -----\n\n");
        j.raw += o.completion.text;
    }
    const ParsedScores parsed = parseScores(fw, textIds, o.completion.text);
    for (const TextScores &ts : parsed.valid) {
        const qsizetype k = textIds.indexOf(ts.textId);
        if (k >= 0)
            completeJob(jobs[pc.jobIds[k]], JobStatus::Done, {}, ts.scores, o.deploymentId, o.provider, o.completion.modelVersion);
    }
    if (!parsed.invalid.isEmpty()) {
        QList<qint64> again;
        QString problem;
        for (qint64 id : std::as_const(pc.jobIds)) {
            JobInfo &j = jobs[id];
            const auto bad = parsed.invalid.constFind(j.text->id);
            if (bad == parsed.invalid.cend())
                continue;
            if (j.parseRetries < project.experiment.execution.maxParseRetries) {
                ++j.parseRetries;
                again.append(id);
                if (problem.isEmpty())
                    problem = bad.value();
            } else {
                completeJob(j, JobStatus::Failed, QStringLiteral("parse failure: ") + bad.value(), {}, o.deploymentId, o.provider,
                            o.completion.modelVersion);
            }
        }
        if (!again.isEmpty()) {
            summary.parseRetries += again.size();
            if (again.size() == pc.jobIds.size()) {
                // Nothing usable came back: ask again with the problem spelled out.
                const ChatRequest reask = buildReaskRequest(pc.request, problem);
                submitCall(pc.run, again, &reask);
            } else {
                // Part of a batch came back: ask only for the missing texts.
                submitCall(pc.run, again, nullptr);
            }
        }
    }
    maybeFinish();
}

void ExperimentRunner::Private::completeJob(JobInfo &j, JobStatus status, const QString &error, const QList<DimensionScore> &scores,
                                            const QString &deployment, const QString &provider, const QString &modelVersion)
{
    JobResult r;
    r.jobId = j.row.id;
    r.status = status;
    r.deploymentId = deployment;
    r.provider = provider;
    r.modelVersion = modelVersion;
    r.attempts = j.attempts;
    r.error = error;
    r.usage = j.usage;
    r.costMicros = j.costMicros;
    r.latencyMs = j.latencyMs;
    r.rawResponse = j.raw;
    for (const DimensionScore &s : scores)
        r.scores.append({s.dimension, s.score, s.evidence});
    store->recordResult(r);
    j.raw = QString();   // stored; a finished job keeps no reply text in memory
    if (status == JobStatus::Done)
        ++summary.done;
    else
        ++summary.failed;
    --outstandingJobs;
    emit q->jobCompleted(j.row.id, status == JobStatus::Done);
}

void ExperimentRunner::Private::maybeFinish()
{
    pump();   // top the router's window up (or drop what will never be sent)
    if (outstandingJobs <= 0 && calls.isEmpty())
        finish();
}

void ExperimentRunner::Private::finish()
{
    if (finished)
        return;
    finished = true;
    tick->stop();
    if (router) {
        const RouterSnapshot s = router->snapshot();
        summary.retries = s.retries;
        summary.fallbacks = s.fallbacks;
    }
    if (store) {
        if (tokens)
            for (const auto &c : tokens->calibrations())
                store->saveCalibration(c.provider, c.model, c.factor, c.samples);
        if (auto ok = store->flush(); !ok)
            emit q->event(QStringLiteral("storage: ") + ok.error().toString());
    }
    summary.wallSeconds = wall.isValid() ? double(wall.elapsed()) / 1000.0 : 0.0;
    updateSnapshot();
    if (sim)
        sim->stop();
    runLock.reset();
    emit q->finished(summary);
}

/// The least time the queued calls need at the rate the limits allow: per group, what its deployments
/// can admit per window (each limit divided by what a call has used of it so far), the queue's head
/// leaving when the router next wakes. A run's first minute often bursts through a whole window, so a
/// plain extrapolation from the jobs done so far is far too hopeful.
double ExperimentRunner::Private::limitBoundEtaSeconds(const RouterSnapshot &s) const
{
    QHash<QString, double> perMinute;   // group -> calls per minute
    QSet<QString> seenWindows;
    for (const DeploymentSnapshot &d : s.deployments) {
        if (seenWindows.contains(d.windowKey))
            continue;   // a pool's window is shared: count its capacity once
        seenWindows.insert(d.windowKey);
        double cap = std::numeric_limits<double>::infinity();
        const double calls = double(std::max<qint64>(d.rpmUsed, 1));
        auto bound = [&](qint64 used, qint64 limit, bool perCall) {
            if (limit <= 0)
                return;
            if (perCall) {
                cap = std::min(cap, double(limit));
            } else if (used > 0) {
                cap = std::min(cap, double(limit) / (double(used) / calls));
            }
        };
        bound(d.rpmUsed, d.rpmLimit, true);
        bound(d.tpmUsed, d.tpmLimit, false);
        bound(d.itpmUsed, d.itpmLimit, false);
        bound(d.otpmUsed, d.otpmLimit, false);
        if (std::isfinite(cap))
            perMinute[d.group] += cap;
        else
            perMinute[d.group] = std::numeric_limits<double>::infinity();
    }
    double worst = 0;
    for (auto it = s.queueDepth.cbegin(); it != s.queueDepth.cend(); ++it) {
        const double rate = perMinute.value(it.key(), std::numeric_limits<double>::infinity());
        if (it.value() > 0 && std::isfinite(rate) && rate > 0) {
            // The queue's head goes when the router next wakes; each further window's worth of calls
            // waits one more window.
            const double windows = std::max(0.0, std::ceil(double(it.value()) / rate) - 1.0);
            worst = std::max(worst, std::max(0.0, s.nextWakeS) + 60.0 * windows);
        }
    }
    return worst;
}

void ExperimentRunner::Private::updateSnapshot()
{
    RouterSnapshot s = router ? router->snapshot() : RouterSnapshot{};
    RunProgress p;
    p.total = summary.jobs - summary.skipped;
    p.done = summary.done;
    p.failed = summary.failed;
    p.inFlight = s.inFlight;
    p.costMicros = summary.costMicros;
    if (budget.capMicros >= 0)
        p.budgetUsd = microsToUsd(budget.capMicros);
    p.elapsedS = wall.isValid() ? double(wall.elapsed()) / 1000.0 : 0.0;
    const qint64 finishedJobs = p.done + p.failed;
    if (finishedJobs > 0 && p.total > finishedJobs)
        p.etaS = std::max(p.elapsedS / double(finishedJobs) * double(p.total - finishedJobs), limitBoundEtaSeconds(s));
    else if (p.total == finishedJobs)
        p.etaS = 0;
    {
        QMutexLocker lock(&snapMutex);
        snap = s;
        prog = p;
    }
    emit q->progressChanged(p);
}

ExperimentRunner::ExperimentRunner(RunOptions options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    qRegisterMetaType<wb::RunSummary>();
    qRegisterMetaType<wb::RunProgress>();
    d->q = this;
    d->opt = std::move(options);
    d->tick = new QTimer(this);
    d->tick->setInterval(200);
    connect(d->tick, &QTimer::timeout, this, [this] { d->updateSnapshot(); });
}

ExperimentRunner::~ExperimentRunner()
{
    if (d->router)
        d->router->disconnect(this);
    if (d->store) {
        d->store->flush();
    }
    if (d->sim)
        d->sim->stop();
}

RouterSnapshot ExperimentRunner::routerSnapshot() const
{
    QMutexLocker lock(&d->snapMutex);
    return d->snap;
}

RunProgress ExperimentRunner::progress() const
{
    QMutexLocker lock(&d->snapMutex);
    return d->prog;
}

void ExperimentRunner::start()
{
    if (d->started)
        return;
    d->started = true;
    // start() only schedules (KJob contract): the caller connects first, then the run begins.
    QTimer::singleShot(0, this, [this] { d->run(); });
}

void ExperimentRunner::pause()
{
    if (d->router) {
        d->router->pause();
        emit event(QStringLiteral("paused: in-flight calls finish, nothing new is sent"));
    }
}

void ExperimentRunner::resume()
{
    if (d->router) {
        d->router->resume();
        emit event(QStringLiteral("resumed"));
    }
}

void ExperimentRunner::cancel()
{
    d->summary.cancelled = true;
    if (d->router && !d->finished) {
        emit event(QStringLiteral("cancelled: unfinished jobs stay pending for --resume"));
        d->router->cancelAll();
        d->maybeFinish();   // calls never handed to the router go back to pending too
    } else if (!d->finished && !d->started) {
        d->finish();
    }
}

// ---------------------------------------------------------------------------------------------

class RunController::Private {
public:
    QThread thread;
    ExperimentRunner *runner = nullptr;
    bool running = false;
};

RunController::RunController(QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->thread.setObjectName(QStringLiteral("discernus-engine"));
}

RunController::~RunController()
{
    if (d->runner && d->thread.isRunning()) {
        // Delete on its own thread (it owns sockets and the database connection), then join.
        ExperimentRunner *r = d->runner;
        QMetaObject::invokeMethod(r, [r] { r->cancel(); delete r; }, Qt::BlockingQueuedConnection);
        d->runner = nullptr;
    }
    d->thread.quit();
    d->thread.wait();
}

bool RunController::isRunning() const { return d->running; }

void RunController::start(const RunOptions &options)
{
    if (d->running)
        return;
    if (d->runner) {
        d->runner->deleteLater();
        d->runner = nullptr;
    }
    if (!d->thread.isRunning())
        d->thread.start();
    d->runner = new ExperimentRunner(options);
    d->runner->moveToThread(&d->thread);
    connect(d->runner, &ExperimentRunner::started, this, &RunController::started);
    connect(d->runner, &ExperimentRunner::progressChanged, this, &RunController::progressChanged);
    connect(d->runner, &ExperimentRunner::budgetWarning, this, &RunController::budgetWarning);
    connect(d->runner, &ExperimentRunner::event, this, &RunController::event);
    connect(d->runner, &ExperimentRunner::finished, this, [this](const RunSummary &s) {
        d->running = false;
        emit finished(s);
    });
    d->running = true;
    QMetaObject::invokeMethod(d->runner, &ExperimentRunner::start, Qt::QueuedConnection);
}

void RunController::pause()
{
    if (d->runner)
        QMetaObject::invokeMethod(d->runner, &ExperimentRunner::pause, Qt::QueuedConnection);
}

void RunController::resume()
{
    if (d->runner)
        QMetaObject::invokeMethod(d->runner, &ExperimentRunner::resume, Qt::QueuedConnection);
}

void RunController::cancel()
{
    if (d->runner)
        QMetaObject::invokeMethod(d->runner, &ExperimentRunner::cancel, Qt::QueuedConnection);
}

RouterSnapshot RunController::routerSnapshot() const { return d->runner ? d->runner->routerSnapshot() : RouterSnapshot{}; }

RunProgress RunController::progress() const { return d->runner ? d->runner->progress() : RunProgress{}; }

} // namespace wb
