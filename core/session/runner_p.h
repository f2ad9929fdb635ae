#pragma once
// ExperimentRunner's state, shared by the files it is split into:
//   experimentrunner.cpp  lifecycle: setup, start, pause, cancel, finish
//   rundispatch.cpp       planning calls (batches) and feeding the router a bounded window of them
//   runreplies.cpp        what comes back: usage and cost per text, reply validation, re-asks, results
//   runprogress.cpp       progress and the limit-bound ETA for monitors
//   runbatches.cpp        runs in batch mode: the provider batch APIs (BatchRunner) and their items
#include "core/session/experimentrunner.h"
#include "core/experiment/prompt.h"
#include "core/session/batchrunner.h"
#include "core/session/runsetup.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <deque>
#include <optional>

class QTimer;

namespace wb {

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

/// A call planned but not yet handed to the router.
struct PlannedCall {
    const PlannedRun *run = nullptr;
    QList<qint64> jobIds;
};

class ExperimentRunner::Private {
public:
    ExperimentRunner *q = nullptr;
    RunOptions opt;
    RunSetup *setup = nullptr;
    std::optional<PreparedRun> p;    // set once the setup succeeded
    QHash<qint64, JobInfo> jobs;
    QHash<quint64, PendingCall> calls;
    quint64 nextCallId = 1;
    qint64 outstandingJobs = 0;
    // The router only ever holds a bounded window of each run's calls, so memory stays flat however
    // large the experiment (prompts are built when a call is submitted), and every run keeps its share.
    QHash<const PlannedRun *, std::deque<PlannedCall>> unsent;
    QHash<const PlannedRun *, int> submittedByRun;
    int perRunWindow = 500;
    RunSummary summary;
    // Batch mode (docs/FORMATS.md, "Batch execution"): the runs whose calls go to the batch APIs.
    std::unique_ptr<BatchRunner> batchApi;
    QSet<const PlannedRun *> batchRuns;
    QSet<qint64> jobsInOpenBatches;   // a resumed run polls them instead of planning them again
    QHash<qint64, int> batchRetries;  // per job: retries after an item error or expiry
    bool batchesStopped = false;
    QElapsedTimer wall;
    QTimer *tick = nullptr;   // a child of the runner, so moveToThread() takes it along
    int warnedPercent = 0;
    bool finished = false;
    bool started = false;

    // Stopping without losing what was paid for (docs/FORMATS.md, "Storage failure", "Interrupting
    // a run"): dispatch is paused, the calls in flight land, then the run ends.
    enum class Drain { None, FinishInFlight, Storage };
    Drain draining = Drain::None;
    bool drainCheckQueued = false;
    int storageRetries = 0;
    Error storageError;

    // The PostgreSQL run store (p->leases set): jobs are claimed a window at a time, under a lease
    // the heartbeat renews, and the run ends when no job of its runs is left unfinished anywhere.
    QTimer *heartbeat = nullptr;      // a child of the runner
    QElapsedTimer lastEmptyClaim;     // valid: the last claim found nothing; claim again after kClaimPollMs
    qint64 storeUnfinished = -1;      // jobs of the runs pending or in flight in the store, at the last empty claim
    QSet<qint64> foreignClaims;       // claimed jobs this worker does not know (texts no longer in the experiment)

    mutable QMutex snapMutex;
    RouterSnapshot snap;
    RunProgress prog;

    // experimentrunner.cpp
    void onSetupFinished();
    void begin();
    void connectRouter();
    void onSettled();
    void fail(const Error &e);
    void finish();
    void rememberLimits(const RouterSnapshot &s);
    void onStorageFailure(const Error &e);
    void scheduleDrainCheck();
    void checkDrain();
    void saveUnstoredReplies();
    /// Commits the replies received so far; the router calls it before each dispatch round.
    void commitReceived();
    // rundispatch.cpp
    void planCalls(const QList<qint64> &ids);
    void claimMore();
    void leaveRun();
    void pump();
    void dropUnsent();
    void submitCall(const PlannedRun *run, const QList<qint64> &jobIds, const ChatRequest *reask, bool live = false);
    void maybeFinish();
    // runreplies.cpp
    void onCall(const CallRecord &c);
    void onJob(const JobOutcome &o);
    void validateReply(const PendingCall &pc, const JobOutcome &o);
    void completeJob(JobInfo &j, JobStatus status, const QString &error, const QList<DimensionScore> &scores,
                     const QString &deployment, const QString &provider, const QString &modelVersion);
    // runbatches.cpp
    void setUpBatches();
    void onBatchItem(const BatchItemOutcome &o);
    void retryBatchItem(const BatchItemOutcome &o, const QList<qint64> &ids, const QString &reason);
    void stopBatches();
    // runprogress.cpp
    void updateSnapshot();
};

} // namespace wb
