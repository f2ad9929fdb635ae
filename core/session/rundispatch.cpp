// ExperimentRunner, part 2: planning the calls and feeding them to the router.
#include "core/experiment/prompt.h"
#include "core/router/router.h"
#include "core/session/runner_p.h"
#include "core/tokenize/tokenestimator.h"

#include <QMap>

namespace wb {

/// One call per job, or packed batches per run.
void ExperimentRunner::Private::planCalls()
{
    const ExecutionSettings &exec = p->project.experiment.execution;
    QHash<const PlannedRun *, QList<qint64>> jobsByRun;
    for (const PreparedJob &j : std::as_const(p->jobs))
        if (!jobsInOpenBatches.contains(j.row.id))   // polled, not sent again
            jobsByRun[j.run].append(j.row.id);
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
    if (summary.cancelled || summary.storageFailed)
        stopBatches();   // a budget stop still collects the batches already paid for
    QList<qint64> ids;
    for (auto &queue : unsent)
        for (const PlannedCall &c : queue)
            ids += c.jobIds;
    unsent.clear();
    if (ids.isEmpty())
        return;
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
    if (outstandingJobs <= 0 && calls.isEmpty())
        finish();
}

} // namespace wb
