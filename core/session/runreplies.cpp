// ExperimentRunner, part 3: what comes back from the router.
#include "core/experiment/prompt.h"
#include "core/router/router.h"
#include "core/session/runner_p.h"
#include "core/tokenize/tokenestimator.h"

namespace wb {

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
    p->store->recordCall(c, it->jobIds);   // a batch's call is linked to every text it carried
    // Calibrate the estimator on what the provider reports.
    if (c.usage.reported && c.errorClass == ErrorClass::None)
        if (const Deployment *d = p->project.models.deployment(c.deploymentId))
            p->tokens->observe(d->provider, d->model, it->baseTokens, c.usage.promptTokens);
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
        p->store->markPending(pc.jobIds);
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

    validateReply(pc, o);
}

/// A reply came back: store the texts it scored, re-ask (or ask again for the missing texts of a
/// batch) while the parse retries last, fail the rest.
void ExperimentRunner::Private::validateReply(const PendingCall &pc, const JobOutcome &o)
{
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
        // A reply the provider cut at max_tokens: for one text, asking again pays for the same
        // cut, so it fails at once, saying what to raise. A batch's missing texts are asked for
        // again as any others (the texts that came back make the next call shorter).
        const bool cut = o.completion.finishReason == QLatin1String("length");
        const bool cutAlone = cut && pc.jobIds.size() == 1;
        QList<qint64> again;
        QString problem;
        for (qint64 id : std::as_const(pc.jobIds)) {
            JobInfo &j = jobs[id];
            const auto bad = parsed.invalid.constFind(j.text->id);
            if (bad == parsed.invalid.cend())
                continue;
            if (!cutAlone && j.parseRetries < p->project.experiment.execution.maxParseRetries) {
                ++j.parseRetries;
                again.append(id);
                if (problem.isEmpty())
                    problem = bad.value();
            } else {
                // A batch's call asks for max_tokens times its texts (prompt.cpp): the message says so.
                const QString limit = pc.jobIds.size() == 1
                        ? QString::number(pc.request.maxTokens)
                        : QStringLiteral("%1 for %2 texts").arg(pc.request.maxTokens).arg(pc.jobIds.size());
                const QString why = cut ? QStringLiteral("reply cut at max_tokens (%1) before it was complete; raise "
                                                         "execution.max_tokens in the experiment (parse failure: %2)")
                                              .arg(limit, bad.value())
                                        : QStringLiteral("parse failure: ") + bad.value();
                completeJob(j, JobStatus::Failed, why, {}, o.deploymentId, o.provider, o.completion.modelVersion);
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
    p->store->recordResult(r);
    j.raw = QString();   // stored; a finished job keeps no reply text in memory
    if (status == JobStatus::Done)
        ++summary.done;
    else
        ++summary.failed;
    --outstandingJobs;
    emit q->jobCompleted(j.row.id, status == JobStatus::Done);
}

} // namespace wb
