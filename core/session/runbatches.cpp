// ExperimentRunner, part 5: runs in batch mode (docs/FORMATS.md, "Batch execution"). The calls of a
// batch run go to the BatchRunner instead of the router; each item that comes back is booked as a
// call (marked with its batch id, at the batch price) and validated and stored like a live reply.
#include "core/experiment/estimator.h"
#include "core/providers/batchwire.h"
#include "core/session/estimateinput.h"
#include "core/session/runner_p.h"
#include "core/tokenize/tokenestimator.h"

namespace wb {

namespace {
/// Item errors and expiries a job may go through before it fails (or, expired, waits for --resume).
constexpr int kBatchRetries = 3;
} // namespace

/// Decides which runs use the batch APIs (execution.mode, per run; auto asks the estimate) and
/// picks up the batches a previous process left open.
void ExperimentRunner::Private::setUpBatches()
{
    batchApi = std::make_unique<BatchRunner>(
        *p, p->apiKeys,
        [this](const PlannedRun *run, const QList<qint64> &ids) {
            QList<const CorpusText *> texts;
            for (qint64 id : ids)
                texts.append(jobs[id].text);
            return buildScoringRequest(*run->framework, texts, p->project.experiment.execution);
        });
    QObject::connect(batchApi.get(), &BatchRunner::event, q, &ExperimentRunner::event);
    QObject::connect(batchApi.get(), &BatchRunner::itemFinished, q, [this](const BatchItemOutcome &o) { onBatchItem(o); });
    // Every item of a batch is on disk before the batch is marked collected.
    QObject::connect(batchApi.get(), &BatchRunner::batchCollected, q, [this] { commitReceived(); });
    QObject::connect(batchApi.get(), &BatchRunner::budgetRefused, q, [this](const QList<qint64> &ids) {
        p->store->markPending(ids);
        outstandingJobs -= ids.size();
        if (!summary.budgetStopped)
            emit q->event(QStringLiteral("budget reached: no further batches are submitted; raise max_budget and --resume"));
        summary.budgetStopped = true;
        QMetaObject::invokeMethod(q, [this] { maybeFinish(); }, Qt::QueuedConnection);
    });

    const ExecutionSettings &exec = p->project.experiment.execution;
    std::optional<EstimateReport> estimate;
    for (const PlannedRun &r : std::as_const(p->runs)) {
        ExecutionMode mode = r.spec.mode.value_or(exec.mode);
        if (mode == ExecutionMode::Auto) {
            if (!estimate) {
                auto ctx = prepareEstimate(p->project, p->options.dbPath, p->options.learnedLimitsPath);
                auto rep = ctx ? estimateExperiment(ctx->input) : Result<EstimateReport>(std::unexpected(ctx.error()));
                estimate = rep ? *rep : EstimateReport{};
                if (!rep)
                    emit q->event(QStringLiteral("batch: no estimate for execution.mode auto (%1); running live").arg(rep.error().toString()));
            }
            // The estimate decides per run, the same way `discernus estimate` shows it.
            QString reason = QStringLiteral("not in the estimate");
            mode = ExecutionMode::Live;
            for (const RunEstimate &re : std::as_const(estimate->planned.runs)) {
                if (re.runId != r.spec.runId)
                    continue;
                mode = re.mode == QLatin1String("batch") ? ExecutionMode::Batch : ExecutionMode::Live;
                reason = re.modeReason;
            }
            emit q->event(QStringLiteral("run %1: %2: %3").arg(r.spec.runId, executionModeName(mode), reason));
        }
        if (mode != ExecutionMode::Batch)
            continue;
        if (!batchApi->supportsGroup(r.spec.model)) {
            QStringList why;
            for (const Deployment *d : p->project.models.deploymentsOf(r.spec.model))
                if (const QString w = batchUnsupportedReason(d->provider); !why.contains(w))
                    why << w;
            emit q->event(QStringLiteral("run %1: no deployment of %2 has a batch API we speak (OpenAI, Anthropic, Gemini, Mistral); "
                                         "running live (%3)")
                              .arg(r.spec.runId, r.spec.model, why.join(QStringLiteral("; "))));
            continue;
        }
        batchRuns.insert(&r);
    }
    std::function<bool(const QList<qint64> &)> heldElsewhere;
    if (p->leases)
        heldElsewhere = [this](const QList<qint64> &ids) {
            const auto n = p->leases->heldByOthers(ids);
            return !n || *n > 0;   // unreadable: leave it rather than risk booking it twice
        };
    jobsInOpenBatches = batchApi->resumeOpen(heldElsewhere);
}

void ExperimentRunner::Private::onBatchItem(const BatchItemOutcome &o)
{
    // Only jobs this run still has open (a resumed batch may carry jobs finished since).
    QList<qint64> ids;
    for (qint64 id : o.jobIds)
        if (jobs.contains(id) && (jobsInOpenBatches.contains(id) || o.run))
            ids.append(id);
    if (ids.isEmpty() || !o.run || finished || batchesStopped)
        return;
    for (qint64 id : std::as_const(ids))
        jobsInOpenBatches.remove(id);

    if (o.kind == BatchItemOutcome::Kind::Reply) {
        CallRecord c;
        c.deploymentId = o.deploymentId;
        c.provider = o.provider;
        c.group = o.group;
        c.batchId = o.batchId;
        c.httpStatus = o.reply.completion ? 200 : (o.reply.error ? o.reply.error->httpStatus : 0);
        c.requestId = o.reply.requestId;
        c.latencyMs = o.latencyMs;
        c.startedAt = QDateTime::currentDateTimeUtc().addMSecs(-o.latencyMs);
        c.costMicros = o.costMicros;
        if (o.reply.completion) {
            c.usage = o.reply.completion->usage;
            c.modelVersion = o.reply.completion->modelVersion;
        } else if (o.reply.error) {
            c.errorClass = o.reply.error->errorClass;
            c.errorMessage = o.reply.error->message;
        }
        ++summary.calls;
        summary.promptTokens += c.usage.promptTokens;
        summary.completionTokens += c.usage.completionTokens;
        summary.cachedTokens += c.usage.cachedTokens;
        summary.costMicros += c.costMicros;
        p->store->recordCall(c, ids);
        if (c.usage.reported && c.errorClass == ErrorClass::None && o.baseTokens > 0)
            if (const Deployment *d = p->project.models.deployment(c.deploymentId))
                p->tokens->observe(d->provider, d->model, o.baseTokens, c.usage.promptTokens);
        const qint64 n = ids.size();
        for (qint64 k = 0; k < n; ++k) {
            JobInfo &j = jobs[ids[k]];
            const auto share = [&](qint64 v) { return v / n + (k < v % n ? 1 : 0); };
            j.usage.promptTokens += share(c.usage.promptTokens);
            j.usage.completionTokens += share(c.usage.completionTokens);
            j.usage.cachedTokens += share(c.usage.cachedTokens);
            j.costMicros += share(c.costMicros);
            j.latencyMs += c.latencyMs;
        }
    }
    for (qint64 id : std::as_const(ids))
        ++jobs[id].attempts;

    switch (o.kind) {
    case BatchItemOutcome::Kind::Reply:
        if (o.reply.completion) {
            PendingCall pc;
            pc.jobIds = ids;
            pc.run = o.run;
            if (o.reask) {
                pc.request = *o.reask;
            } else {
                QList<const CorpusText *> texts;
                for (qint64 id : std::as_const(ids))
                    texts.append(jobs[id].text);
                pc.request = buildScoringRequest(*o.run->framework, texts, p->project.experiment.execution);
            }
            JobOutcome jo;
            jo.ok = true;
            jo.completion = *o.reply.completion;
            jo.deploymentId = o.deploymentId;
            jo.provider = o.provider;
            validateReply(pc, jo);
            return;
        }
        retryBatchItem(o, ids, o.error);
        break;
    case BatchItemOutcome::Kind::Failed:
        retryBatchItem(o, ids, o.error);
        break;
    case BatchItemOutcome::Kind::Expired:
        // Back to pending: into the next batch while retries last, else for --resume.
        if (batchRetries.value(ids.first()) < kBatchRetries && !summary.cancelled && !summary.budgetStopped) {
            for (qint64 id : std::as_const(ids))
                ++batchRetries[id];
            batchApi->enqueue(o.run, ids, o.reask);
        } else {
            p->store->markPending(ids);
            outstandingJobs -= ids.size();
            emit q->event(QStringLiteral("%1 jobs %2; left pending for --resume").arg(ids.size()).arg(o.error));
        }
        break;
    case BatchItemOutcome::Kind::Cancelled:
        p->store->markPending(ids);
        outstandingJobs -= ids.size();
        break;
    }
    maybeFinish();
}

/// An item came back with an error: retried (in a new batch or live, execution.batch_retry) when
/// the error may pass, else its jobs fail with the provider's reason.
void ExperimentRunner::Private::retryBatchItem(const BatchItemOutcome &o, const QList<qint64> &ids, const QString &reason)
{
    const ErrorClass cls = o.reply.error ? o.reply.error->errorClass : ErrorClass::Transient;
    const bool mayPass = cls == ErrorClass::Transient || cls == ErrorClass::RateLimited || cls == ErrorClass::Overloaded;
    if (!mayPass || batchRetries.value(ids.first()) >= kBatchRetries || summary.cancelled) {
        for (qint64 id : ids)
            completeJob(jobs[id], JobStatus::Failed, reason, {}, o.deploymentId, o.provider, {});
        return;
    }
    for (qint64 id : ids)
        ++batchRetries[id];
    const bool live = p->project.experiment.execution.batchApi.retry == BatchApiSettings::Retry::Live;
    summary.retries += 1;
    if (live) {
        const ChatRequest *reask = o.reask ? &*o.reask : nullptr;
        submitCall(o.run, ids, reask, true);
    } else {
        batchApi->enqueue(o.run, ids, o.reask);
    }
}

/// The run stops (cancel, budget, storage): nothing more is submitted. Calls never submitted go back
/// to pending; jobs in batches open at the provider stay in flight with their batch recorded, and
/// --resume polls them.
void ExperimentRunner::Private::stopBatches()
{
    if (!batchApi || batchesStopped)
        return;
    batchesStopped = true;
    const QList<qint64> queued = batchApi->stop();
    const qint64 open = batchApi->openJobs();
    if (!queued.isEmpty())
        p->store->markPending(queued);
    outstandingJobs -= queued.size() + open;
    if (open > 0)
        emit q->event(QStringLiteral("%1 jobs stay in open batches; --resume collects them").arg(open));
}

} // namespace wb
