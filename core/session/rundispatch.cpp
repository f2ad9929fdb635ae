// ExperimentRunner, part 2: planning the calls and feeding them to the router.
#include "core/experiment/prompt.h"
#include "core/router/router.h"
#include "core/session/runner_p.h"
#include "core/tokenize/tokenestimator.h"

#include <QMap>
#include <QTimer>

namespace wb {

namespace {
/// While nothing is claimable, how often a worker looks again (a dead worker's leases run out).
constexpr qint64 kClaimPollMs = 1000;
} // namespace

/// One call per job, or packed batches per run.
void ExperimentRunner::Private::planCalls(const QList<qint64> &ids)
{
    const ExecutionSettings &exec = p->project.experiment.execution;
    QHash<const PlannedRun *, QList<qint64>> jobsByRun;
    for (qint64 id : ids)
        if (!jobsInOpenBatches.contains(id))   // polled, not sent again
            jobsByRun[jobs[id].run].append(id);
    for (const PlannedRun &r : std::as_const(p->runs)) {
        const QList<qint64> runJobs = jobsByRun.value(&r);
        if (runJobs.isEmpty())
            continue;
        const bool viaBatchApi = batchRuns.contains(&r);
        if (!exec.batching.enabled) {
            for (qint64 id : runJobs) {
                if (viaBatchApi)
                    batchApi->enqueue(&r, {id});
                else
                    unsent[&r].push_back({&r, {id}});
            }
            continue;
        }
        // Token-exact packing on the counting of the group's first deployment; one repetition at a time,
        // so a batch never carries the same text twice.
        QMap<int, QList<qint64>> byRepetition;
        for (qint64 id : runJobs)
            byRepetition[jobs[id].row.repetition].append(id);
        for (const QList<qint64> &repJobs : std::as_const(byRepetition)) {
            QList<const CorpusText *> texts;
            for (qint64 id : repJobs)
                texts.append(jobs[id].text);
            const auto batches = packRunTexts(*p->tokens, p->project.models, r.spec.model, p->prices.get(), *r.framework, exec, texts);
            for (const QList<int> &batch : batches) {
                QList<qint64> b;
                for (int i : batch)
                    b.append(repJobs[i]);
                if (viaBatchApi)
                    batchApi->enqueue(&r, b);
                else
                    unsent[&r].push_back({&r, b});
            }
        }
    }
    perRunWindow = std::max(200, 4000 / int(std::max<qsizetype>(1, p->runs.size())));
}

void ExperimentRunner::Private::pump()
{
    if (finished || !p)
        return;
    if (summary.cancelled || summary.budgetStopped) {
        dropUnsent();
        return;
    }
    if (draining == Drain::Storage)
        return;   // kept: the run goes on if the write succeeds again
    if (p->leases && draining == Drain::None)
        claimMore();
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

/// Tops this worker's share up to the claim window once half of it has finished, so a worker
/// holds only what it can start soon and the others find the rest claimable.
void ExperimentRunner::Private::claimMore()
{
    qint64 held = 0;
    for (const auto &queue : std::as_const(unsent))
        for (const PlannedCall &c : queue)
            held += c.jobIds.size();
    for (const PendingCall &c : std::as_const(calls))
        held += c.jobIds.size();
    const int window = p->options.claimWindow;
    if (held > window / 2)
        return;
    if (lastEmptyClaim.isValid() && lastEmptyClaim.elapsed() < kClaimPollMs)
        return;
    QStringList runIds;
    for (const PlannedRun &r : std::as_const(p->runs))
        runIds.append(r.spec.runId);
    auto claimed = p->leases->claim(runIds, int(window - held));
    if (!claimed) {
        emit q->event(QStringLiteral("cannot claim jobs: %1; trying again").arg(claimed.error().toString()));
        lastEmptyClaim.start();
        return;
    }
    QList<qint64> mine;
    QList<qint64> foreign;
    for (qint64 id : std::as_const(*claimed)) {
        if (jobs.contains(id))
            mine.append(id);
        else if (!foreignClaims.contains(id))
            foreign.append(id);
    }
    if (!foreign.isEmpty()) {
        // Planned by a worker whose experiment has texts or runs this one lacks: leave them to it.
        for (qint64 id : std::as_const(foreign))
            foreignClaims.insert(id);
        (void)p->leases->release(foreign);
        emit q->event(QStringLiteral("%1 jobs of these runs are not in this worker's experiment; left to other workers")
                          .arg(foreign.size()));
    }
    if (mine.isEmpty()) {
        // Nothing to do now: every unfinished job is another worker's. Look again later — a worker
        // that died gives its jobs back when its leases run out. Our own replies are stored first.
        lastEmptyClaim.start();
        if (p->store->flush()) {
            if (auto left = p->leases->unfinished(runIds))
                storeUnfinished = *left - foreignClaims.size();
        }
        return;
    }
    lastEmptyClaim.invalidate();
    storeUnfinished = -1;
    outstandingJobs += mine.size();
    // Jobs of a batch a dead worker left open at its provider: polled here, not sent again.
    if (batchApi)
        jobsInOpenBatches.unite(batchApi->adoptForClaimed(mine));
    planCalls(mine);
}

/// The worker leaves the run: the jobs it still holds become claimable at once, not when their
/// leases run out, and the workers table says it stopped.
void ExperimentRunner::Private::leaveRun()
{
    if (!p || !p->leases)
        return;
    if (heartbeat)
        heartbeat->stop();
    if (auto ok = p->leases->retire(summary.done + summary.failed); !ok)
        emit q->event(QStringLiteral("could not give the unfinished jobs back (their leases run out instead): ")
                      + ok.error().toString());
}

void ExperimentRunner::Private::dropUnsent()
{
    if (summary.cancelled || summary.storageFailed)
        stopBatches();   // a budget stop still collects the batches already paid for
    QList<qint64> ids;
    for (auto &queue : unsent)
        for (const PlannedCall &c : queue)
            ids += c.jobIds;
    unsent.clear();
    if (ids.isEmpty())
        return;
    if (p->leases)
        p->leases->release(ids);   // never sent: claimable by the other workers at once
    else
        p->store->markPending(ids);   // never sent: pending for --resume
    outstandingJobs -= ids.size();
}

void ExperimentRunner::Private::submitCall(const PlannedRun *run, const QList<qint64> &jobIds, const ChatRequest *reask, bool live)
{
    if (!live && batchRuns.contains(run) && !batchesStopped) {   // re-asks and retries of a batch run go to the next batch
        batchApi->enqueue(run, jobIds, reask ? std::optional<ChatRequest>(*reask) : std::nullopt);
        return;
    }
    PendingCall pc;
    pc.jobIds = jobIds;
    pc.run = run;
    if (reask) {
        pc.request = *reask;
    } else {
        QList<const CorpusText *> texts;
        for (qint64 id : jobIds)
            texts.append(jobs[id].text);
        pc.request = buildScoringRequest(*run->framework, texts, p->project.experiment.execution);
    }
    pc.baseTokens = p->tokens->baseTokens(pc.request);
    const quint64 callId = nextCallId++;
    ++submittedByRun[run];
    RouterJob rj{callId, run->spec.model, pc.request};
    calls.insert(callId, std::move(pc));
    p->router->submit(rj);
}

void ExperimentRunner::Private::maybeFinish()
{
    pump();   // top the router's window up (or drop what will never be sent)
    if (outstandingJobs > 0 || !calls.isEmpty())
        return;
    // A worker stays while other workers hold jobs of the run: if one dies, its jobs come back.
    const bool stopping = summary.cancelled || summary.budgetStopped || draining != Drain::None;
    if (p && p->leases && !stopping && storeUnfinished != 0)
        return;
    finish();
}

} // namespace wb
