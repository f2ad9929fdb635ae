// ExperimentRunner, part 1: the lifecycle — setup, start, pause, cancel, finish.
#include "core/session/experimentrunner.h"

#include "core/common/check.h"
#include "core/limits/ratewindow.h"
#include "core/pricing/pricing.h"
#include "core/router/router.h"
#include "core/session/learnedlimits.h"
#include "core/session/runner_p.h"
#include "core/session/storagesafety.h"
#include "core/storage/resultstore.h"
#include "core/tokenize/tokenestimator.h"

#include <QLockFile>
#include <QTimer>

namespace wb {

namespace {
/// After the calls in flight have landed, a failed write is tried this many times, this far apart,
/// before the run gives up and saves the replies to the recovery file.
constexpr int kStorageAttempts = 3;
constexpr int kStorageRetryMs = 500;
} // namespace

void ExperimentRunner::Private::fail(const Error &e)
{
    summary.error = e.toString();
    emit q->event(summary.error);
    finish();
}

void ExperimentRunner::Private::onSetupFinished()
{
    Result<PreparedRun> prepared = setup->takeResult();
    summary.experiment = setup->experimentName();
    setup->deleteLater();
    setup = nullptr;
    if (summary.cancelled)   // cancelled while the keys were read: nothing was touched
        return finish();
    if (!prepared)
        return fail(prepared.error());
    p.emplace(std::move(*prepared));
    begin();
}

/// The setup is done: index the jobs, wire the router, plan the calls and start sending.
void ExperimentRunner::Private::begin()
{
    summary.simulated = p->simulated;
    summary.jobs = p->totalJobs;
    summary.skipped = p->skippedJobs;
    QList<qint64> ids;
    for (const PreparedJob &pj : std::as_const(p->jobs)) {
        JobInfo info;
        info.row = pj.row;
        info.attempts = pj.row.attempts;   // attempts of earlier runs count too (resume)
        info.run = pj.run;
        info.text = pj.text;
        jobs.insert(pj.row.id, info);
        ids.append(pj.row.id);
    }
    p->store->setWriteFailureHandler([this](const Error &e) { onStorageFailure(e); });
    if (p->leases) {
        // Shared run store: jobs become ours only as they are claimed (pump()).
        outstandingJobs = 0;
        if (auto ok = p->leases->registerWorker(summary.experiment); !ok)
            return fail(ok.error());
        heartbeat = new QTimer(q);
        heartbeat->setInterval(int(std::max<qint64>(200, p->options.leaseMs / 3)));
        QObject::connect(heartbeat, &QTimer::timeout, q, [this] {
            if (auto ok = p->leases->heartbeat(summary.done + summary.failed); !ok)
                emit q->event(QStringLiteral("heartbeat failed (leases may run out): ") + ok.error().toString());
        });
        heartbeat->start();
    } else {
        outstandingJobs = jobs.size();
        p->store->markInFlight(ids);
    }
    connectRouter();
    setUpBatches();

    emit q->started(summary.jobs);
    if (p->leases)
        emit q->event(QStringLiteral("worker %1 joins: %2 jobs, %3 already finished, %4 unfinished, shared with other workers")
                          .arg(p->leases->workerId())
                          .arg(summary.jobs)
                          .arg(summary.skipped)
                          .arg(jobs.size()));
    else
        emit q->event(QStringLiteral("%1 jobs, %2 already finished, %3 to run").arg(summary.jobs).arg(summary.skipped).arg(outstandingJobs));
    if (!p->leases)
        planCalls(ids);
    tick->start();
    maybeFinish();
}

void ExperimentRunner::Private::connectRouter()
{
    p->budget->onSettled = [this](qint64) { onSettled(); };
    Router *router = p->router.get();
    // Replies (and failed attempts) are committed at the start of the router's next dispatch
    // round, before it sends anything: a paid reply is on disk before another call is bought, and
    // the replies that arrived together share one transaction (docs/FORMATS.md, "Durability").
    // Every reply schedules such a round; the store's own flush timer is the backstop.
    router->setBeforeDispatch([this] { commitReceived(); });
    QObject::connect(router, &Router::callFinished, q, [this](const CallRecord &c) { onCall(c); });
    QObject::connect(router, &Router::jobFinished, q, [this](const JobOutcome &o) {
        onJob(o);
        if (draining != Drain::None)
            scheduleDrainCheck();
    });
    QObject::connect(router, &Router::event, q, &ExperimentRunner::event);
    QObject::connect(router, &Router::budgetExhausted, q, [this] {
        summary.budgetStopped = true;
        emit q->event(QStringLiteral("budget reached: no further calls are dispatched; raise max_budget and --resume"));
    });
}

/// Warns once at 50, 80 and 100 % of the budget.
void ExperimentRunner::Private::onSettled()
{
    const LedgerBudget &budget = *p->budget;
    if (budget.capMicros <= 0)
        return;
    const int pct = int(100.0 * double(budget.total()) / double(budget.capMicros));
    for (int level : {50, 80, 100})
        if (pct >= level && warnedPercent < level) {
            warnedPercent = level;
            emit q->budgetWarning(level);
            emit q->event(QStringLiteral("budget: %1% of %2 spent").arg(level).arg(usdText(budget.capMicros)));
        }
}

void ExperimentRunner::Private::commitReceived()
{
    // While storage is failing the rows stay queued; checkDrain() retries the write.
    if (p && !finished && draining != Drain::Storage)
        (void)p->store->flush();   // a failure reaches onStorageFailure()
}

/// A write failed: buy nothing more, let the calls in flight land, then retry (checkDrain()).
void ExperimentRunner::Private::onStorageFailure(const Error &e)
{
    if (finished || !p || draining == Drain::Storage)
        return;
    draining = Drain::Storage;
    storageError = e;
    storageRetries = 0;
    p->router->pause();
    emit q->event(QStringLiteral("storage failure: %1 — no new calls are sent; waiting for the %2 calls in flight")
                      .arg(e.toString())
                      .arg(p->router->snapshot().inFlight));
    scheduleDrainCheck();
}

void ExperimentRunner::Private::scheduleDrainCheck()
{
    if (drainCheckQueued)
        return;
    drainCheckQueued = true;
    QMetaObject::invokeMethod(q, [this] { checkDrain(); }, Qt::QueuedConnection);
}

/// Runs outside the router's signals (queued), after each reply and on every tick while draining.
void ExperimentRunner::Private::checkDrain()
{
    drainCheckQueued = false;
    if (finished || !p || draining == Drain::None || p->router->snapshot().inFlight > 0)
        return;
    if (draining == Drain::FinishInFlight) {
        p->router->cancelAll();   // only calls never sent remain: back to pending
        maybeFinish();
        return;
    }
    // Every reply that was in flight is in memory now.
    if (p->store->flush()) {
        emit q->event(QStringLiteral("storage: writing works again; the run goes on"));
        draining = summary.cancelled ? Drain::FinishInFlight : Drain::None;
        if (draining == Drain::None)
            p->router->resume();
        maybeFinish();
        if (draining != Drain::None)
            scheduleDrainCheck();
        return;
    }
    if (++storageRetries < kStorageAttempts) {
        QTimer::singleShot(kStorageRetryMs, q, [this] { scheduleDrainCheck(); });
        return;
    }
    summary.storageFailed = true;
    p->router->cancelAll();
    dropUnsent();   // their jobs stay unfinished in the database; --resume runs them
    finish();
}

/// The run ends with rows the database would not take: they go to the recovery file.
void ExperimentRunner::Private::saveUnstoredReplies()
{
    const QString db = p->options.dbPath;
    const qint64 rows = p->store->queuedRows();
    QString where = QStringLiteral("every reply received was stored");
    if (rows > 0) {
        auto saved = p->store->saveUnwritten([this](qint64 id) { return jobs.value(id).row.key; });
        if (saved) {
            summary.recoveryFile = *saved;
            where = QStringLiteral("the %1 rows not stored were saved to the recovery file %2, which --resume stores first")
                        .arg(rows)
                        .arg(*saved);
        } else {
            where = QStringLiteral("the %1 rows not stored could not be saved either (%2)").arg(rows).arg(saved.error().toString());
        }
    }
    summary.error = QStringLiteral("storage failure on %1: %2 (%3); no further calls were bought; %4")
                        .arg(db, storageError.message, freeSpaceText(db), where);
}

void ExperimentRunner::Private::rememberLimits(const RouterSnapshot &s)
{
    // What the providers told about their limits, for later estimates of deployments with none
    // configured (docs/ARCHITECTURE.md, "Learned limits for the estimate").
    const RunOptions &o = p->options;
    if (o.learnedLimitsPath.isEmpty())
        return;
    const qint64 windowMs = o.windowMsForTesting > 0 ? o.windowMsForTesting : RateWindow::kDefaultWindowMs;
    if (auto r = rememberLearnedLimits(o.learnedLimitsPath, p->project.models, s, windowMs, QDateTime::currentDateTimeUtc()); !r)
        emit q->event(QStringLiteral("warning: the limits learned from the providers were not remembered: %1").arg(r.error().toString()));
}

void ExperimentRunner::Private::finish()
{
    if (finished)
        return;
    finished = true;
    tick->stop();
    if (p) {
        const RouterSnapshot s = p->router->snapshot();
        summary.retries = s.retries;
        summary.fallbacks = s.fallbacks;
        if (!summary.storageFailed) {
            for (const auto &c : p->tokens->calibrations())
                p->store->saveCalibration(c.provider, c.model, c.factor, c.samples);
            if (auto ok = p->store->flush(); !ok) {
                summary.storageFailed = true;
                storageError = ok.error();
            }
        }
        leaveRun();
        rememberLimits(s);
        if (summary.storageFailed) {
            saveUnstoredReplies();
            emit q->event(summary.error);
        }
    }
    summary.wallSeconds = wall.isValid() ? double(wall.elapsed()) / 1000.0 : 0.0;
    updateSnapshot();
    if (p) {
        p->sim.stop();
        p->lock.reset();
    }
    emit q->finished(summary);
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
    connect(d->tick, &QTimer::timeout, this, [this] {
        d->updateSnapshot();
        if (d->draining != Private::Drain::None)
            d->scheduleDrainCheck();
        else if (d->p && d->p->leases && !d->finished)
            d->maybeFinish();   // claims again, and ends once no job is left anywhere
    });
}

ExperimentRunner::~ExperimentRunner()
{
    if (d->p) {
        d->p->router->disconnect(this);
        d->p->router->setBeforeDispatch({});
        d->p->store->flush();
    }
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

bool ExperimentRunner::isFinished() const { return d->finished; }

void ExperimentRunner::start()
{
    if (d->started)
        return;
    d->started = true;
    d->wall.start();
    // start() only schedules (KJob contract): the caller connects first, then the run begins.
    d->setup = new RunSetup(d->opt, this, d->opt.keychainService);
    connect(d->setup, &RunSetup::event, this, &ExperimentRunner::event);
    connect(d->setup, &RunSetup::finished, this, [this] { d->onSetupFinished(); });
    d->setup->start();
}

void ExperimentRunner::pause()
{
    if (d->p && !d->finished) {
        d->p->router->pause();
        emit event(QStringLiteral("paused: in-flight calls finish, nothing new is sent"));
    }
}

void ExperimentRunner::resume()
{
    if (d->p && !d->finished) {
        d->p->router->resume();
        emit event(QStringLiteral("resumed"));
    }
}

int ExperimentRunner::finishInFlight()
{
    if (d->finished)
        return 0;
    if (!d->p) {
        cancel();
        return 0;
    }
    d->summary.cancelled = true;
    if (d->draining == Private::Drain::None)
        d->draining = Private::Drain::FinishInFlight;
    d->p->router->pause();
    const int n = d->p->router->snapshot().inFlight;
    emit event(QStringLiteral("stopping: finishing the %1 calls in flight; unfinished jobs stay pending for --resume").arg(n));
    d->maybeFinish();   // calls never handed to the router go back to pending
    d->scheduleDrainCheck();
    return n;
}

void ExperimentRunner::cancel()
{
    if (d->finished)
        return;
    d->summary.cancelled = true;
    if (d->p) {
        emit event(QStringLiteral("cancelled: unfinished jobs stay pending for --resume"));
        d->p->router->cancelAll();
        d->maybeFinish();   // calls never handed to the router go back to pending too
    } else if (d->setup) {
        d->setup->cancel();   // its finished() ends the run
    } else {
        d->finish();
    }
}

} // namespace wb
