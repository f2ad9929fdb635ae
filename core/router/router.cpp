#include "core/router/router.h"

#include "core/common/check.h"
#include "core/common/logging.h"
#include "core/limits/countingrule.h"
#include "core/limits/fillplan.h"
#include "core/limits/limitstate.h"
#include "core/limits/poollearner.h"
#include "core/limits/slowstart.h"
#include "core/pricing/pricing.h"
#include "core/pricing/tokenbound.h"
#include "core/providers/provideradapter.h"
#include "core/providers/quotaparsing.h"
#include "core/providers/vertexauth.h"
#include "core/router/connectionpool.h"
#include "core/router/deploymentstats.h"
#include "core/router/failuretracker.h"
#include "core/router/httpclient.h"
#include "core/router/routercall.h"
#include "core/router/routingstrategy.h"
#include "core/router/sharedadmission.h"
#include "core/tokenize/tokenestimator.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <random>
#include <unordered_map>

namespace wb {

namespace {

constexpr qint64 kNever = RateWindow::kNever;
// A spend-cap (provider-side budget) cool-down: long enough to be "for this run".
constexpr qint64 kSpendCapCooldownMs = 3'600'000;
// A cool-down longer than this counts as "not coming back" when deciding to fail queued jobs.
constexpr qint64 kHopelessCooldownMs = 600'000;
// A job rate-limited this many times in a row fails instead of looping forever.
constexpr int kMaxRequeues = 200;
// Extra length of a shared window charge over a local one (see askShared).
constexpr qint64 kSharedSlackMs = 1'000;
// Below this, the gap between admission and the request leaving is noise, not worth a restamp.
constexpr qint64 kRestampThresholdMs = 5;
// A daily quota is parked at least this long even when the provider names a nearer reset
// (OpenAI's RPD "try again in 43.2s"): such a call is never retried every few seconds.
constexpr qint64 kMinQuotaParkMs = 60'000;
// What a prompt estimate resting on a prior tokenizer factor is charged (admissionPrompt()).
constexpr double kUncalibratedMargin = 1.5;

/// The request never reached a live server: refused, no such host, TLS failure, no network.
/// Not the job's fault, so it spends no retry; the deployment is parked and probed instead.
bool unreachable(const RouterCall &call)
{
    if (call.httpStatus() > 0 || call.timedOut())
        return false;
    using E = QNetworkReply::NetworkError;
    switch (call.networkError()) {
    case E::ConnectionRefusedError:
    case E::HostNotFoundError:
    case E::SslHandshakeFailedError:
    case E::TemporaryNetworkFailureError:
    case E::NetworkSessionFailedError:
    case E::ProxyConnectionRefusedError:
    case E::ProxyNotFoundError:
        return true;
    case E::RemoteHostClosedError:
        // Closed before the request was out: the server went away, it did not fail this call.
        return !call.wasSent();
    default:
        return false;
    }
}

QString wallText(const QDateTime &at)
{
    return at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

} // namespace

struct JobState {
    RouterJob job;
    QString group;               // current group (changes with fallbacks)
    QStringList triedGroups;
    qint64 chars = 0;
    int attempts = 0;
    int retriesUsed = 0;
    int requeues = 0;
    bool passedOver = false;     // a set behind it that filled a window better went first (once)
    qint64 notBefore = 0;
    QString lastDeployment, lastProvider;
    ErrorClass lastClass = ErrorClass::None;
    QString lastError;
    QHash<int, qint64> promptEstimate;   // deployment index -> estimated prompt tokens (exact counts)
    qint64 baseTokens = -1;              // base-encoding count, scaled per model (-1: not yet counted)
};

struct DeploymentState {
    Deployment dep;
    int index = 0;
    CountingRule rule = CountingRule::OpenAi;
    std::shared_ptr<const ProviderAdapter> adapter;
    LimitState *limits = nullptr;        // shared by every deployment of the window key
    SlowStart *slowStart = nullptr;      // its pace while a limit is unknown (core/limits/slowstart.h)
    std::optional<ModelPrice> price;
    QString apiKey;
    qint64 timeoutMs = 0;
    int maxParallel = 0;                 // 0 = unlimited
    int inFlight = 0;
    FailureTracker failures;
    bool dead = false;                   // auth failure: never usable again in this run
    QString unusableReason;
    bool coolingAnnounced = false;
    DeploymentStats stats;
    // The token estimator holds counts this provider reported for the model (earlier runs, or
    // another deployment of it in this one): its prior factor is a measured one (admissionPrompt()).
    bool countCalibrated = false;
    // Its prompts are estimated as a base count times the estimator's factor for the model
    // (TokenEstimator::promptTokens): the factor is read again after each reply of the model, so
    // jobs queued before a calibration are not charged by the factor they were first counted with.
    bool scaledCount = false;
    double tokenFactor = 1.0;
    QString windowKey;                   // who shares `limits` (never derived text of the key itself)
    int member = 0;                      // its key (or configured pool) in Private::pools
    // Unreachable: parked since outageSince; one real call at a time probes it from probeAt on.
    bool outage = false;
    bool probeInFlight = false;
    int outageAttempts = 0;
    qint64 outageSince = 0, probeAt = 0;
    QDateTime outageSinceWall;
    // A daily or spend quota is exhausted until quotaUntil (kNever: for the rest of the run).
    qint64 quotaUntil = 0;
    QDateTime quotaUntilWall;            // invalid when kNever
    QString quotaWhat;
    bool quotaDaily = true;
    bool quotaStated = false;            // parked by the model list's rpd/tpd, not by a refusal
    QString dailyKey;                    // its key (or configured pool) in Private::daily
    bool budgetWaiting = false;          // the head job's worst case did not fit the budget here
    // Shared limits (options.shared): the pool id the store knows this key by, and no call
    // before sharedNotBefore because the shared window said so.
    QByteArray sharedPool;
    QString sharedLabel;                 // the deployments of the pool, for gauges
    qint64 sharedNotBefore = 0;
    WaitReason sharedWait = WaitReason::None;
};

using JobPtr = std::unique_ptr<JobState>;

/// One call on the wire; it owns its job until the reply decides where the job goes next.
struct InFlightCall {
    JobPtr job;
    int dep = 0;
    Admission admission;
    qint64 reservedMicros = 0;
    qint64 boundMicros = 0;              // the hard-bound worst case (core/pricing/tokenbound.h)
    qint64 promptEstimate = 0;
    qint64 startMs = 0;
    qint64 sentMs = 0;                   // when the provider counts it from (admission, or restamp)
    qint64 uploadedMs = -1;              // when its upload finished (onCallSent); -1 while not sent
    bool sent() const { return uploadedMs >= 0; }
    bool probe = false;                  // the one call probing an unreachable deployment
    // A key with no configured limits: what its window held when this call was admitted, the call
    // included, for refusals that name nothing (core/limits/slowstart.h, RefusalBounds).
    std::optional<RefusalBounds::Point> held;
    bool boundsProbe = false;            // admitted beyond what the key has been seen to accept
    // Such a point is taken in the router's charges; when the call is accepted each call in it is
    // valued at what its provider counted (Router::Private::settleHeldPoint).
    quint64 heldId = 0;
    std::vector<quint64> heldAlong;      // the key's other calls in flight when this one was admitted
    // The model list's tpd: tokens this call was counted with today, and the day it counted in.
    qint64 dayTokens = 0;
    qint64 dayResetsAt = 0;
    QDateTime startedAt;
    QString hostKey;
    QNetworkAccessManager *nam = nullptr;
    QString sharedTicket;                // admitted by the shared store; settled exactly once
};

/// A call answered on a key that may share a pool with others (PoolLearner::hasPeers), kept for
/// two windows (a reply may be a window late): when a pool nobody configured parts, each state
/// gives back the charges of the keys that are no longer in it (applyPools).
struct AnsweredCall {
    int member = 0;
    LimitState *state = nullptr;         // where its tickets are valid (nullptr: nowhere now)
    Admission admission;
    qint64 at = 0;
};

/// A job whose shared admission is being asked (at most one per group: FIFO).
struct PendingShared {
    JobPtr job;
    int dep = 0;
    qint64 reservedMicros = 0, boundMicros = 0;
};

class Router::Private {
public:
    explicit Private(Router *q) : q(q), connections(q) {}

    Router *q;
    ModelList models;
    RouterOptions options;
    RoutingStrategy strategy = RoutingStrategy::UsageBasedV2;
    RetryPolicy retry;
    qint64 windowMs = RateWindow::kDefaultWindowMs;
    qint64 marginMs = 200;
    std::mt19937_64 rng;
    QElapsedTimer clock;

    std::vector<std::unique_ptr<DeploymentState>> deps;
    std::map<QString, std::unique_ptr<LimitState>> limits;       // by window key
    std::map<QString, std::unique_ptr<SlowStart>> slowStarts;    // by window key
    // Pools nobody configured (core/limits/poollearner.h): members are the sets above (a key or a
    // configured pool); a learned pool's members share one LimitState. States made when pools
    // change live until the router ends (in-flight calls may hold tickets on them).
    std::unique_ptr<PoolLearner> pools;
    std::vector<QList<int>> memberDeps;                         // member -> deployment indexes
    std::vector<QString> memberKey;                             // member -> its own window key
    std::vector<std::unique_ptr<LimitState>> learnedStates;
    std::vector<std::unique_ptr<SlowStart>> learnedPaces;
    // The daily quotas the model list states (rpd, tpd), per key or configured pool (a member's
    // key): counted when a call is sent, tokens settled to usage (docs/ARCHITECTURE.md, "Daily
    // quotas stated in the model list").
    struct DailyUse {
        std::optional<qint64> rpd, tpd;   // the lowest any deployment of the key states
        qint64 requests = 0, tokens = 0;
        qint64 tokensInFlight = 0;        // of `tokens`: worst cases of calls not answered yet
        qint64 resetsAtWall = 0;          // epoch ms; the counts start over then
        QString provider;
    };
    std::map<QString, DailyUse> daily;
    QStringList startNotes;   // said at the first dispatch (see dispatch())
    QSet<QString> warnedWindows;                                // differing limits already reported
    QHash<QString, QList<int>> groupDeps;                       // group -> deployment indexes
    QStringList groupOrder;
    // Every job not finished is owned by exactly one of: a queue, `delayed`, or its in-flight call.
    std::map<QString, std::deque<JobPtr>> queues;               // per group: largest first, retries in front
    std::map<QString, std::size_t> unsortedTail;                // per group: jobs submitted since the last sort
    std::multimap<qint64, JobPtr> delayed;                      // retry back-off: notBefore -> job
    std::unordered_map<RouterCall *, InFlightCall> inFlight;
    std::deque<AnsweredCall> recentAnswered;   // oldest first
    /// A call's part in RefusalBounds' points (InFlightCall::held), kept while it is in flight or a
    /// call in flight counts it: the tokens it was charged (of the dimension the points count)
    /// and the prompt estimate within them; once it ended, how much of that its provider did not
    /// hold (docs/ARCHITECTURE.md, "Refusals that name nothing").
    struct HeldPart {
        qint64 charge = 0;
        qint64 prompt = 0;
        double count = 0;               // its prompt as our tokenizer counted it, before any factor
        std::optional<qint64> excess;   // tokens the provider did not hold
        bool notHeld = false;           // refused or failed: not its request either
        int refs = 0;                   // calls in flight whose points count it
    };
    std::unordered_map<quint64, HeldPart> heldParts;
    quint64 lastHeldId = 0;

    ConnectionPool connections;
    CallDeadlines *deadlines = nullptr;   // every call's timeout behind one timer

    QTimer *wakeTimer = nullptr;
    std::function<void()> beforeDispatch;
    bool dispatchPending = false;
    bool paused = false;
    bool budgetStopped = false;
    bool budgetSignalled = false;
    bool busy = false;            // had work since the last idle()
    qint64 totalFallbacks = 0, totalCalls = 0, total429 = 0, totalRetries = 0, totalSpend = 0, reserved = 0;
    int queuedCount = 0;
    std::map<quint64, PendingShared> sharedPending;             // by request number
    QSet<QString> sharedAsking;                                 // groups whose head is being asked
    quint64 sharedSeq = 0;

    qint64 now() const { return clock.elapsed(); }

    // --- setup -------------------------------------------------------------------------
    void build();
    void rebuildWindows();
    /// Moves deployments (and their calls in flight) to the LimitStates the learned pools call for.
    /// Returns the states it made, each with the state it copied (whose tickets it shares).
    std::map<LimitState *, LimitState *> applyPools(qint64 now);
    /// Feeds a reply's request counter to the pool learner; returns notes about pools learned.
    /// Called before the reply is reconciled, so its counter corrects the pool the key is in
    /// from now on; `moved`: the deployment went to a LimitState that does not hold c's tickets.
    QStringList learnPools(DeploymentState &d, const InFlightCall &c, const ParsedReply &reply, qint64 now, bool &moved);
    QString poolKey(int firstMember) const { return u"learned:"_qs + deps[size_t(memberDeps[size_t(firstMember)].front())]->dep.id; }

    // --- scheduling ----------------------------------------------------------------------
    void scheduleDispatch();
    void dispatch();
    void armTimer(qint64 wakeAt);
    /// Arms the wake timer for `at` unless it already fires sooner.
    void wakeBy(qint64 at);
    bool handleUnusableGroup(const QString &group, qint64 now, qint64 &wake);
    bool usable(const DeploymentState &d, qint64 now) const
    {
        return !d.dead && !d.failures.coolingDown(now) && now >= d.quotaUntil
            && (!d.outage || (now >= d.probeAt && !d.probeInFlight));
    }
    bool hopeless(const DeploymentState &d, qint64 now) const
    {
        return d.dead || d.failures.cooldownUntil() - now > kHopelessCooldownMs
            || d.quotaUntil - now > kHopelessCooldownMs || (d.outage && now - d.outageSince > retry.outageGiveUpMs);
    }
    /// Why the deployment cannot take its group's next call, and until when (monotonic ms).
    std::pair<WaitReason, qint64> waitReason(DeploymentState &d, qint64 now);
    bool slowStartHolds(DeploymentState &d, JobState *job, qint64 t, qint64 *wake = nullptr);
    /// Nothing configured paces the key and a limit its provider refuses on is still unknown:
    /// the slow start holds its calls (core/limits/slowstart.h).
    bool paced(const DeploymentState &d) const
    {
        return d.maxParallel == 0 && !d.slowStart->gaveUp() && exploring(*d.limits, d.rule);
    }
    /// A key's calls on their way, for the slow start (docs/ARCHITECTURE.md, "Presumed
    /// accepted"): those not yet presumed accepted (all of them before the key's first refusal
    /// that names its limit) and when the next of them will be; the most requests a presumed
    /// one's window held.
    struct OnTheirWay {
        int unconfirmed = 0;
        qint64 presumedRequests = 0;
        qint64 next = RateWindow::kNever;
    };
    OnTheirWay onTheirWay(const DeploymentState &d, qint64 t) const;
    int callsBeforeFirstReply(const DeploymentState &d) const;
    /// After refusals that name nothing: what `cost` would make the key's window hold.
    RefusalBounds::Point heldWith(DeploymentState &d, const AdmissionCost &cost, qint64 t);
    void takeHeldPoint(DeploymentState &d, InFlightCall &c, JobState *job, const AdmissionCost &cost, qint64 t);
    void settleHeldPoint(DeploymentState &d, const InFlightCall &c, const ParsedReply &reply, const Usage &usage);
    /// Whether the refusals a key has seen hold `job` back: its point would be refused, or it is a
    /// probe while another is in flight. `earliest` learns when a charge leaves the window.
    bool boundsHold(DeploymentState &d, JobState *job, qint64 t, qint64 &earliest);
    qint64 wallMs(qint64 monotonic) const { return QDateTime::currentMSecsSinceEpoch() + (monotonic - now()); }
    AdmissionCost costFor(JobState *job, DeploymentState &d);
    qint64 promptEstimate(JobState *job, DeploymentState &d);
    void refreshTokenFactor(const DeploymentState &d);
    /// The calls sent on the other keys `d`'s state stands for, in flight or answered.
    std::vector<Admission> callsApart(const DeploymentState &d) const
    {
        std::vector<Admission> out;
        for (const auto &[call, c] : inFlight) {
            const DeploymentState &o = *deps[size_t(c.dep)];
            if (c.sent() && o.limits == d.limits && o.member != d.member)
                out.push_back(c.admission);
        }
        for (const AnsweredCall &r : recentAnswered)
            if (r.state == d.limits && r.member != d.member)
                out.push_back(r.admission);
        return out;
    }
    int memberInFlight(int member) const
    {
        int n = 0;
        for (int i : memberDeps[size_t(member)])
            n += deps[size_t(i)]->inFlight;
        return n;
    }
    qint64 admissionPrompt(JobState *job, DeploymentState &d);
    int choose(const QString &group, JobState *job, qint64 now, qint64 &earliest, bool &never);
    int pick(const std::vector<int> &candidates, JobState *job, qint64 now);
    RoutingCandidate candidate(DeploymentState &d, JobState *job, qint64 now);
    double headroom(DeploymentState &d, const AdmissionCost &c, qint64 now);
    /// Starts the group's queued jobs in order while they can be admitted; `t` follows the clock.
    void dispatchGroup(const QString &group, std::deque<JobPtr> &queue, qint64 &t, qint64 &wake);
    /// The head of `queue` waits until `headAt`: sends the jobs behind it that fit now without
    /// making it wait longer.
    void backfill(const QString &group, std::deque<JobPtr> &queue, qint64 &t, qint64 headAt, qint64 &wake);
    /// The head of `queue` fits on `d` now. Lines up first the jobs that fill most of what `d`
    /// admits now, where first fit in queue order fills less (core/limits/fillplan.h); true when
    /// they go ahead of the head (it was passed over and the queue has a new head).
    bool lineUp(std::deque<JobPtr> &queue, DeploymentState &d, qint64 t);
    /// False when the budget stops dispatch (the job stays at the head of its queue).
    bool reserveBudget(JobState *job, DeploymentState &d, qint64 &reserve, qint64 &bound);
    void start(JobPtr job, DeploymentState &d, qint64 now, qint64 reservedMicros, qint64 boundMicros = 0,
               const QString &sharedTicket = {});
    /// Asks the shared store (options.shared) to admit the job on `d`; the verdict starts or requeues it.
    void askShared(JobPtr job, DeploymentState &d, qint64 reservedMicros, qint64 boundMicros);
    void onSharedVerdict(quint64 seq, const SharedVerdict &v);
    /// Finishes the jobs waiting for a shared verdict (cancel, budget stop); their local holds go back.
    void dropSharedPending(bool budget);

    // --- completion: settle the call, then act on the retry decision ---------------------
    void onCallFinished(RouterCall *call);
    void onCallSent(RouterCall *call);
    /// Parks the deployment (or backs its probe off) and puts the job back without spending a retry.
    void onUnreachable(JobPtr job, DeploymentState &d, const InFlightCall &c, const CallRecord &rec, qint64 now);
    void onReachable(DeploymentState &d, qint64 now);
    /// The key's daily quota entry when the model list states one (the day rolled over if it ended).
    DailyUse *dailyOf(const DeploymentState &d);
    /// Whether the daily quota the model list states for d's key leaves room for `job`. UsedUp:
    /// every deployment of the key is parked until the day ends. WaitForReplies: it fits only once
    /// calls in flight are settled to their usage; a reply reschedules.
    enum class DailyVerdict { Room, WaitForReplies, UsedUp };
    DailyVerdict dailyQuota(DeploymentState &d, JobState *job, qint64 t);
    qint64 dailyTokens(JobState *job, DeploymentState &d) { return promptEstimate(job, d) + job->job.request.maxTokens; }
    /// Parks d until `untilWall` (epoch ms; 0 = the run's end) for the quota `what`; returns whether it was news.
    /// `stated`: by the model list's rpd/tpd rather than a provider's refusal.
    bool parkForQuota(DeploymentState &d, qint64 t, qint64 untilWall, const QString &what, bool isDaily, bool stated = false);
    /// Parks the deployment until the quota's reset and puts the job back for the group's others.
    void onQuotaExhausted(JobPtr job, DeploymentState &d, const QuotaExhausted &quota, const CallRecord &rec, qint64 now);
    ParsedReply readReply(RouterCall *call, DeploymentState &d) const;
    CallRecord settleCall(RouterCall *call, const InFlightCall &c, const ParsedReply &reply, qint64 now);
    void actOnReply(JobPtr job, DeploymentState &d, const InFlightCall &c, const ParsedReply &reply,
                    const CallRecord &rec, qint64 now);
    void onRequeue(JobPtr job, DeploymentState &d, const ParsedReply &reply, const CallRecord &rec, qint64 now);
    void onRetry(JobPtr job, DeploymentState &d, const ParsedReply &reply, const CallRecord &rec, qint64 now);
    void onContextFallback(JobPtr job, const CallRecord &rec);
    void onFail(JobPtr job, DeploymentState &d, const CallRecord &rec, qint64 now);
    /// Counts a failure against the deployment's allowed_fails; announces a cool-down it starts.
    void recordFailure(DeploymentState &d, qint64 now, const std::optional<QString> &lastError);
    void requeueFront(JobPtr job);
    void delay(JobPtr job, qint64 until);
    /// Moves the job to the first candidate group it has not tried that can take calls now;
    /// `job` is left empty when it moved.
    bool moveToFallback(JobPtr &job, const QStringList &candidates, const QString &why);
    void finishJob(JobPtr job, JobOutcome outcome);
    void failJob(JobPtr job, ErrorClass c, const QString &message);
    void budgetStopJob(JobPtr job);
    void drainQueued(bool budget);
    void maybeIdle();
    void noteEvent(const QString &message);
    /// Passes a reply's remaining counts on to the shared store (it tightens, never loosens).
    void reconcileShared(DeploymentState &d, const RateLimitHeaders &h);
};

// ===== setup =================================================================================

void Router::Private::build()
{
    strategy = parseRoutingStrategy(models.router.routingStrategy);
    retry.numRetries = std::max(0, models.router.numRetries);
    rng.seed(options.shuffleSeed);
    for (const Deployment &dep : std::as_const(models.deployments)) {
        auto d = std::make_unique<DeploymentState>();
        d->dep = dep;
        d->index = int(deps.size());
        d->rule = countingRuleFor(dep.provider);
        d->adapter = ProviderAdapter::forProvider(dep.provider);
        if (options.prices)
            d->price = options.prices->forDeployment(dep);
        d->apiKey = options.apiKeys.value(dep.id);
        const double timeoutS = dep.timeoutSeconds.value_or(models.router.timeoutSeconds);
        d->timeoutMs = timeoutS > 0 ? qint64(timeoutS * 1000.0) : 0;
        d->maxParallel = dep.limits.maxParallelRequests.value_or(0);
        d->failures = FailureTracker(models.router.allowedFails, qint64(models.router.cooldownSeconds * 1000.0));
        if (!groupDeps.contains(dep.modelName)) {
            groupOrder << dep.modelName;
            // Every queue exists from the start: no insertion (and rehash) while dispatching.
            queues[dep.modelName];
        }
        groupDeps[dep.modelName] << d->index;
        d->scaledCount = options.tokens && TokenEstimator::family(dep.provider, dep.model) != TokenEstimator::Family::OpenAI;
        if (d->scaledCount)
            d->tokenFactor = options.tokens->factor(dep.provider, dep.model);
        deps.push_back(std::move(d));
    }
    rebuildWindows();
    // What earlier runs left: today's use of stated daily quotas, and quotas refused until a reset.
    const qint64 nowWall = QDateTime::currentMSecsSinceEpoch();
    for (const auto &dp : deps) {
        DeploymentState &d = *dp;
        if (const auto it = options.rememberedDailyUse.constFind(d.dep.id); it != options.rememberedDailyUse.cend()) {
            const qint64 resets = it->resetsAt.isValid() ? it->resetsAt.toMSecsSinceEpoch() : 0;
            if (DailyUse *use = dailyOf(d); use && resets > nowWall && resets <= use->resetsAtWall) {
                use->requests = std::max(use->requests, it->requests);
                use->tokens = std::max(use->tokens, it->tokens);
            }
        }
        if (const auto it = options.rememberedQuotas.constFind(d.dep.id); it != options.rememberedQuotas.cend()
            && it->until.isValid() && it->until.toMSecsSinceEpoch() > nowWall) {
            parkForQuota(d, 0, it->until.toMSecsSinceEpoch(), it->what, it->daily);
            startNotes << QStringLiteral("%1: %2 was exhausted in an earlier run until %3; its jobs go to the group's "
                                         "other deployments")
                              .arg(d.dep.id, it->daily ? QStringLiteral("daily quota (%1)").arg(it->what) : it->what,
                                   wallText(it->until));
        }
    }
}

Router::Private::DailyUse *Router::Private::dailyOf(const DeploymentState &d)
{
    const auto it = daily.find(d.dailyKey);
    if (it == daily.end() || (!it->second.rpd && !it->second.tpd))
        return nullptr;
    DailyUse &use = it->second;
    const qint64 nowWall = QDateTime::currentMSecsSinceEpoch();
    if (use.resetsAtWall <= nowWall) {
        use.requests = use.tokens = use.tokensInFlight = 0;
        use.resetsAtWall = nextDailyQuotaResetMs(use.provider, nowWall);
    }
    return &use;
}

Router::Private::DailyVerdict Router::Private::dailyQuota(DeploymentState &d, JobState *job, qint64 t)
{
    DailyUse *use = dailyOf(d);
    if (!use)
        return DailyVerdict::Room;
    const bool requestsLeft = !use->rpd || use->requests + 1 <= *use->rpd;
    const bool tokensLeft = !use->tpd || use->tokens + dailyTokens(job, d) <= *use->tpd;
    if (requestsLeft && tokensLeft)
        return DailyVerdict::Room;
    if (requestsLeft && use->tokensInFlight > 0)
        return DailyVerdict::WaitForReplies;   // their usage may leave room
    // Whatever tpd leaves may not hold the next call: the key is done for the day either way,
    // rather than sending smaller calls past larger ones.
    const QString what = !requestsLeft ? QStringLiteral("rpd %1 of the model list").arg(*use->rpd)
                                       : QStringLiteral("tpd %1 of the model list").arg(*use->tpd);
    bool news = false;
    for (int i : std::as_const(memberDeps[size_t(d.member)]))
        news = parkForQuota(*deps[size_t(i)], t, use->resetsAtWall, what, true, true) || news;
    if (news) {
        noteEvent(QStringLiteral("%1: %2 used up today (%3 requests, %4 tokens); parked until %5, its jobs go to the "
                                 "group's other deployments")
                      .arg(d.dep.id, what).arg(use->requests).arg(use->tokens).arg(wallText(d.quotaUntilWall)));
        scheduleDispatch();   // the next pass sees the group without it (other groups, or failing its jobs)
    }
    return DailyVerdict::UsedUp;
}

bool Router::Private::parkForQuota(DeploymentState &d, qint64 t, qint64 untilWall, const QString &what, bool isDaily, bool stated)
{
    qint64 until = kNever;
    QDateTime wall;
    if (untilWall > 0) {
        const qint64 nowWall = QDateTime::currentMSecsSinceEpoch();
        until = t + std::max<qint64>(0, untilWall - nowWall);
        wall = QDateTime::fromMSecsSinceEpoch(untilWall, Qt::UTC);
    }
    if (until <= d.quotaUntil && t < d.quotaUntil)
        return false;
    d.quotaUntil = until;
    d.quotaUntilWall = wall;
    d.quotaDaily = isDaily;
    d.quotaWhat = what;
    d.quotaStated = stated;
    return true;
}

void Router::Private::rebuildWindows()
{
    // A provider's limits belong to the key, not to the config entry: deployments of one provider
    // and base URL whose keys resolve to the same value share one set of windows, as do those
    // naming one rate_limit_pool (docs/ARCHITECTURE.md, "Limits"). Union-find over both relations;
    // the key value is only hashed here, never kept.
    const int n = int(deps.size());
    std::vector<int> parent(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        parent[size_t(i)] = i;
    auto root = [&](int i) {
        while (parent[size_t(i)] != i)
            i = parent[size_t(i)] = parent[size_t(parent[size_t(i)])];
        return i;
    };
    auto unite = [&](QHash<QByteArray, int> &seen, const QByteArray &k, int i) {
        auto it = seen.constFind(k);
        if (it == seen.cend())
            seen.insert(k, i);
        else
            parent[size_t(root(i))] = root(*it);
    };
    QHash<QByteArray, int> byPool, byKey;
    for (int i = 0; i < n; ++i) {
        const Deployment &dep = deps[size_t(i)]->dep;
        if (!dep.rateLimitPool.isEmpty())
            unite(byPool, dep.rateLimitPool.toUtf8(), i);
        const QString &key = deps[size_t(i)]->apiKey;
        if (!key.isEmpty()) {
            QCryptographicHash h(QCryptographicHash::Sha256);
            h.addData(QByteArray(QByteArray::number(int(providerKind(dep.provider))) + '\n'));
            h.addData(QByteArray(dep.effectiveApiBase().toUtf8().toLower() + '\n'));
            h.addData(key.toUtf8());
            unite(byKey, h.result(), i);
        }
    }
    // Each set's name: its pool when it has one, else its first deployment's id.
    QHash<int, QString> names;
    QHash<int, int> members;
    for (int i = 0; i < n; ++i) {
        const Deployment &dep = deps[size_t(i)]->dep;
        QString &name = names[root(i)];
        if (name.isEmpty() || (!dep.rateLimitPool.isEmpty() && !name.startsWith(u"pool:")))
            name = dep.rateLimitPool.isEmpty() ? dep.id : dep.windowKey();
        ++members[root(i)];
    }
    // The shared store's name for each set: the same for every process using the same pool or key,
    // whatever the config calls its entries (a hash; the key is never sent). A pool names the set
    // before a key, a key before a bare deployment id.
    QHash<int, std::pair<int, QByteArray>> basisOf;
    for (int i = 0; i < n; ++i) {
        const Deployment &dep = deps[size_t(i)]->dep;
        const QString &key = deps[size_t(i)]->apiKey;
        std::pair<int, QByteArray> b;
        if (!dep.rateLimitPool.isEmpty())
            b = {3, "pool\n" + dep.rateLimitPool.toUtf8()};
        else if (!key.isEmpty())
            b = {2, "key\n" + QByteArray::number(int(providerKind(dep.provider))) + '\n'
                        + dep.effectiveApiBase().toUtf8().toLower() + '\n' + key.toUtf8()};
        else
            b = {1, "dep\n" + dep.id.toUtf8()};
        auto &best = basisOf[root(i)];
        if (b.first > best.first)
            best = b;
    }
    QHash<int, QByteArray> poolIds;
    for (auto it = basisOf.cbegin(); it != basisOf.cend(); ++it)
        poolIds.insert(it.key(), QCryptographicHash::hash(it->second, QCryptographicHash::Sha256).toHex().left(32));
    QHash<int, QStringList> labels;
    for (int i = 0; i < n; ++i)
        labels[root(i)] << deps[size_t(i)]->dep.id;
    // Pools nobody configured: each set above is a member of the pool learner. Sets with no
    // limits configured or remembered start suspected of sharing one provider pool with the sets
    // of the same provider, base URL and model, and pools an earlier run learned start confirmed
    // (docs/ARCHITECTURE.md, "Pools nobody configured").
    pools = std::make_unique<PoolLearner>(windowMs);
    memberDeps.clear();
    memberKey.clear();
    learnedStates.clear();
    recentAnswered.clear();   // their states are gone
    learnedPaces.clear();
    QHash<int, int> memberOfRoot;
    for (int i = 0; i < n; ++i) {
        const int r = root(i);
        if (!memberOfRoot.contains(r)) {
            memberOfRoot.insert(r, int(memberDeps.size()));
            memberDeps.emplace_back();
            memberKey.push_back(members.value(r) > 1 && !names.value(r).startsWith(u"pool:") ? u"key:"_qs + names.value(r)
                                                                                             : names.value(r));
        }
        memberDeps[size_t(memberOfRoot.value(r))] << i;
    }
    QHash<QString, QList<int>> remembered;   // pool name an earlier run learned -> members
    for (size_t m = 0; m < memberDeps.size(); ++m) {
        QString scope;
        bool suspect = true;
        QStringList models;
        for (int i : std::as_const(memberDeps[m])) {
            const Deployment &dep = deps[size_t(i)]->dep;
            if (!dep.rateLimitPool.isEmpty())
                scope = u"configured pool\n"_qs + dep.rateLimitPool;   // stated: nothing to learn
            const RateLimits &l = dep.limits;
            if (l.statesARate() || options.rememberedLimits.contains(dep.id))
                suspect = false;
            models << dep.model;
            if (const QString p = options.rememberedPools.value(dep.id); !p.isEmpty() && dep.rateLimitPool.isEmpty()
                && !remembered.value(p).contains(int(m)))
                remembered[p] << int(m);
        }
        if (scope.isEmpty()) {
            const Deployment &first = deps[size_t(memberDeps[m].front())]->dep;
            models.sort();
            models.removeDuplicates();
            scope = QString::number(int(providerKind(first.provider))) + u'\n' + first.effectiveApiBase().toLower() + u'\n'
                    + models.join(u',');
        } else {
            suspect = false;
        }
        pools->addMember(scope, suspect);
    }
    for (const QList<int> &ms : std::as_const(remembered))
        for (qsizetype a = 0; a < ms.size(); ++a)
            for (qsizetype b = a + 1; b < ms.size(); ++b)
                pools->setPooled(ms[a], ms[b]);
    const std::vector<int> comps = pools->components();
    QHash<int, int> compSize;
    for (int c : comps)
        ++compSize[c];

    for (auto &[key, use] : daily) {
        use.rpd.reset();
        use.tpd.reset();
    }
    limits.clear();
    slowStarts.clear();
    QHash<int, LimitValues> firstLimits;
    QSet<int> warned;   // per set in this pass; warnedWindows across rebuilds
    for (int i = 0; i < n; ++i) {
        DeploymentState &d = *deps[size_t(i)];
        const int r = root(i);
        d.sharedPool = poolIds.value(r);
        d.sharedLabel = labels.value(r).join(QStringLiteral(", "));
        d.member = memberOfRoot.value(r);
        d.dailyKey = memberKey[size_t(d.member)];
        const int comp = comps[size_t(d.member)];
        d.windowKey = compSize.value(comp) > 1 ? poolKey(comp) : memberKey[size_t(d.member)];
        auto &slot = limits[d.windowKey];
        if (!slot) {
            slot = std::make_unique<LimitState>(windowMs + marginMs);
            slot->setOutputWindowMs(windowMs);
            // The first member decides how a shared set replenishes and what a call is charged.
            slot->setAlgorithm(d.dep.effectiveLimitAlgorithm());
            slot->setLearnChargeModel(d.rule != CountingRule::Anthropic);
            slot->setTracksSending(true);
            // The traits table's choice is where admission starts (a bucket falls back to a window
            // when the provider refuses what the bucket allowed); one the model list states is kept.
            slot->setLearnAlgorithm(!d.dep.limitAlgorithm.has_value());
            // How an earlier run saw the provider count this key is where this one starts.
            if (const auto it = options.rememberedCounting.constFind(d.dep.id); it != options.rememberedCounting.cend()) {
                if (it->admitLarger)
                    slot->setAdmitLarger(*it->admitLarger);
                if (it->admitPromptOnly)
                    slot->setAdmitPromptOnly(*it->admitPromptOnly);
                if (it->settledToUsage && d.rule != CountingRule::Anthropic)
                    slot->setChargeModel(*it->settledToUsage ? ChargeModel::SettledToUsage : ChargeModel::KeptAtAdmission);
                if (it->countersAtAdmission && d.rule != CountingRule::Anthropic)
                    slot->setReadsCountersAtAdmission(*it->countersAtAdmission);
                if ((it->admitLarger || it->admitPromptOnly || it->settledToUsage || it->countersAtAdmission)
                    && d.rule != CountingRule::Anthropic)
                    slot->setChargeRemembered();
                if (it->bucket && !d.dep.limitAlgorithm)
                    slot->setAlgorithm(*it->bucket ? LimitAlgorithm::TokenBucket : LimitAlgorithm::SlidingWindow);
                if (it->spread)
                    slot->setSpread(*it->spread);
            }
            // Fixed windows stated in the model list reset on the wall clock's multiples of the
            // window, the calendar minute (docs/ARCHITECTURE.md, "Fixed windows").
            if (d.dep.limitAlgorithm == LimitAlgorithm::FixedWindow) {
                const qint64 t = now();
                slot->assumeFixedBoundary(t, t - QDateTime::currentMSecsSinceEpoch() % windowMs);
            }
        }
        const RateLimits &l = d.dep.limits;
        if (l.statesADailyQuota()) {
            DailyUse &use = daily[d.dailyKey];
            auto lower = [](std::optional<qint64> &into, std::optional<qint64> v) {
                if (v)
                    into = into ? std::min(*into, *v) : *v;
            };
            lower(use.rpd, l.rpd);
            lower(use.tpd, l.tpd);
            use.provider = d.dep.provider;
        }
        const LimitValues v{l.rpm, l.tpm, l.itpm, l.otpm};
        slot->addConfigured(v);
        if (!l.statesARate()) {
            if (const auto it = options.rememberedLimits.constFind(d.dep.id); it != options.rememberedLimits.cend())
                slot->remember(LimitValues{it->rpm, it->tpm, it->itpm, it->otpm});
        }
        d.limits = slot.get();
        auto &pace = slowStarts[d.windowKey];
        if (!pace)
            pace = std::make_unique<SlowStart>(windowMs + marginMs);
        // Gemini announces no limit and every refusal of its names the quota it met.
        if (d.rule == CountingRule::Gemini)
            pace->setPresumeBeforeRefusal(true);
        d.slowStart = pace.get();
        if (!l.statesARate()) {
            if (const auto it = options.rememberedAccepted.constFind(d.dep.id); it != options.rememberedAccepted.cend())
                pace->bounds().accepted({it->first, it->second});
        }
        auto first = firstLimits.constFind(r);
        if (first == firstLimits.cend()) {
            firstLimits.insert(r, v);
        } else if ((first->rpm != v.rpm || first->tpm != v.tpm || first->itpm != v.itpm || first->otpm != v.otpm)
                   && !warned.contains(r) && !warnedWindows.contains(d.windowKey)) {
            warned.insert(r);
            warnedWindows.insert(d.windowKey);
            // Said at the first dispatch: nobody can be connected to event() while the router is being built.
            startNotes << QStringLiteral("%1 shares its rate limits with other deployments (%2) but states "
                                         "different limits; the lower of each applies")
                              .arg(d.dep.id, d.windowKey);
        }
    }
}

std::map<LimitState *, LimitState *> Router::Private::applyPools(qint64 t)
{
    // Each learned pool (component) keeps one of its members' states when no other pool claimed
    // it first; otherwise it gets a copy of its first member's state (a pool learned apart: the
    // copy holds the whole pool's charges until the provider's counters give back what is not
    // its own). Calls in flight follow their deployment: on a copy their tickets stay valid;
    // elsewhere they are charged again. Where a call no longer counts, its charges are taken out.
    const std::vector<int> comps = pools->components();
    const int n = int(memberDeps.size());
    auto stateOf = [&](int m) { return deps[size_t(memberDeps[size_t(m)].front())]->limits; };
    auto paceOf = [&](int m) { return deps[size_t(memberDeps[size_t(m)].front())]->slowStart; };
    std::map<int, std::vector<int>> byComp;
    for (int m = 0; m < n; ++m)
        byComp[comps[size_t(m)]].push_back(m);
    QSet<LimitState *> claimed;
    std::map<LimitState *, LimitState *> copyOf;   // copy -> the state it was copied from
    std::vector<LimitState *> target(size_t(n), nullptr);
    std::vector<SlowStart *> targetPace(size_t(n), nullptr);
    std::vector<QString> targetKey(static_cast<size_t>(n));
    for (const auto &[comp, ms] : byComp) {
        LimitState *keep = nullptr;
        SlowStart *pace = nullptr;
        for (int m : ms) {
            if (!claimed.contains(stateOf(m))) {
                keep = stateOf(m);
                pace = paceOf(m);
                break;
            }
        }
        if (!keep) {
            learnedStates.push_back(std::make_unique<LimitState>(*stateOf(ms.front())));
            learnedPaces.push_back(std::make_unique<SlowStart>(*paceOf(ms.front())));
            keep = learnedStates.back().get();
            pace = learnedPaces.back().get();
            keep->forgetLearning();   // what it learned it learned for other keys as well
            keep->setResyncPending(true);
            copyOf[keep] = stateOf(ms.front());
        }
        claimed.insert(keep);
        for (int m : ms) {
            target[size_t(m)] = keep;
            targetPace[size_t(m)] = pace;
            targetKey[size_t(m)] = ms.size() > 1 ? poolKey(ms.front()) : memberKey[size_t(m)];
        }
    }
    for (auto &[call, c] : inFlight) {
        DeploymentState &d = *deps[size_t(c.dep)];
        LimitState *from = d.limits;
        LimitState *to = target[size_t(d.member)];
        for (const auto &[copy, original] : copyOf) {
            if (original == from && copy != to) {   // copied along, but counted elsewhere
                copy->refund(t, c.admission);
                copy->release(c.admission);
            }
        }
        if (from == to)
            continue;
        from->refund(t, c.admission);
        from->release(c.admission);
        const auto copied = copyOf.find(to);
        if (copied == copyOf.end() || copied->second != from) {
            c.admission = to->admit(t, costFor(c.job.get(), d));
            if (c.sent())
                to->sent(c.admission);
        }
    }
    // Answered calls stay charged where they were, as the provider keeps them: only in the state
    // of their own key's pool (a copy made from it keeps their tickets).
    for (AnsweredCall &r : recentAnswered) {
        if (!r.state)
            continue;
        LimitState *to = target[size_t(r.member)];
        for (const auto &[copy, original] : copyOf)
            if (original == r.state && copy != to)
                copy->refund(t, r.admission);
        if (r.state == to)
            continue;
        r.state->refund(t, r.admission);
        const auto copied = copyOf.find(to);
        r.state = copied != copyOf.end() && copied->second == r.state ? to : nullptr;
    }
    for (const auto &dp : deps) {
        DeploymentState &d = *dp;
        d.limits = target[size_t(d.member)];
        d.slowStart = targetPace[size_t(d.member)];
        d.windowKey = targetKey[size_t(d.member)];
    }
    // What the state the copies were made from learned while it stood for keys the provider
    // counts apart is unsound. (Neither it nor a copy holds another pool's calls any more:
    // those answered within two windows and those in flight were taken out above.)
    // What their readings gave back may have been another key's calls: it goes too.
    for (const auto &[copy, original] : copyOf) {
        original->forgetLearning();
        original->setResyncPending(true);
        original->dropGivenBack();
        copy->dropGivenBack();
    }
    return copyOf;
}

QStringList Router::Private::learnPools(DeploymentState &d, const InFlightCall &c, const ParsedReply &reply, qint64 t,
                                       bool &moved)
{
    QStringList notes;
    moved = false;
    const int m = d.member;
    if (!pools->hasPeers(m))
        return notes;
    const bool refused = reply.error && reply.error->errorClass == ErrorClass::RateLimited;
    if (refused)
        pools->refused(m, c.sentMs);   // a refused call is not in the provider's count
    else if (reply.completion)
        pools->answered(m, c.sentMs, t);
    std::vector<PoolLearner::Pair> before(memberDeps.size());
    for (int o = 0; o < int(memberDeps.size()); ++o)
        before[size_t(o)] = pools->pair(m, o);
    bool changed = false;
    if (reply.limits.limitRequests && reply.limits.remainingRequests)
        changed = pools->observe(m, t, c.sentMs, *reply.limits.limitRequests, *reply.limits.remainingRequests,
                                 d.limits->algorithm() == LimitAlgorithm::TokenBucket, !refused);
    else if (reply.completion)
        changed = pools->silent(m);
    if (!changed)
        return notes;
    LimitState *was = d.limits;
    const auto copies = applyPools(t);
    if (d.limits != was) {
        // The replying call's charge belongs to its new pool, which learns the provider's count
        // from this reply next (settleCall): on a copy of the state it was charged on, with its
        // tickets (so the reply's own charge is kept as the provider keeps it).
        was->refund(t, c.admission);
        const auto copied = copies.find(d.limits);
        moved = copied == copies.end() || copied->second != was;
    }
    auto who = [&](int o) { return deps[size_t(memberDeps[size_t(o)].front())]->dep.id; };
    for (int o = 0; o < int(memberDeps.size()); ++o) {
        const PoolLearner::Pair now = pools->pair(m, o);
        if (now == before[size_t(o)])
            continue;
        if (now == PoolLearner::Pair::Pooled)
            notes << QStringLiteral("draws on one provider limit with %1 (each key's counter shows the other's calls); "
                                    "admitted as one pool")
                         .arg(who(o));
        else if (now == PoolLearner::Pair::Separate)
            notes << QStringLiteral("counts separately from %1 (its counter does not show the other's calls); "
                                    "admitted on its own limits")
                         .arg(who(o));
    }
    return notes;
}

// ===== scheduling ============================================================================

void Router::Private::scheduleDispatch()
{
    if (dispatchPending)
        return;
    dispatchPending = true;
    QMetaObject::invokeMethod(q, [this] { dispatch(); }, Qt::QueuedConnection);
}

void Router::Private::wakeBy(qint64 at)
{
    const qint64 t = now();
    if (!wakeTimer->isActive() || t + wakeTimer->remainingTime() > at)
        armTimer(at);
}

void Router::Private::armTimer(qint64 wakeAt)
{
    if (wakeAt == kNever) {
        wakeTimer->stop();
        return;
    }
    const qint64 ms = std::clamp<qint64>(wakeAt - now(), 0, std::numeric_limits<int>::max() / 2);
    wakeTimer->start(int(ms));
}

qint64 Router::Private::promptEstimate(JobState *job, DeploymentState &d)
{
    if (d.scaledCount) {
        if (job->baseTokens < 0)
            job->baseTokens = options.tokens->baseTokens(job->job.request);
        return qint64(std::llround(double(job->baseTokens) * d.tokenFactor));
    }
    auto it = job->promptEstimate.constFind(d.index);
    if (it != job->promptEstimate.cend())
        return *it;
    qint64 n = options.tokens ? options.tokens->promptTokens(d.dep.provider, d.dep.model, job->job.request).tokens
                              : charsToTokens(job->chars);
    job->promptEstimate.insert(d.index, n);
    return n;
}

void Router::Private::refreshTokenFactor(const DeploymentState &d)
{
    const double f = options.tokens->factor(d.dep.provider, d.dep.model);
    for (const auto &x : deps)
        if (x->scaledCount && x->dep.provider == d.dep.provider && x->dep.model == d.dep.model)
            x->tokenFactor = f;
}

qint64 Router::Private::admissionPrompt(JobState *job, DeploymentState &d)
{
    // Other providers' tokenizers are only estimated (and they add message framing we do not
    // see): charge a little more than the estimate, corrected by the error observed so far.
    // The reply settles the charge to what the provider counted, so the excess is held only
    // while the call is in flight.
    const double raw = double(promptEstimate(job, d));
    if (d.rule == CountingRule::OpenAi)
        return qint64(raw);   // exact tokenizer (only used for the budget's worst case)
    if (!d.stats.hasPromptSample) {
        // Before the provider has counted one prompt of this model — in this run or an earlier
        // one — the estimate rests on a prior factor, and another tokenizer or language can stray
        // far from it: the first calls are charged half as much again, so a provider counting up
        // to 1.5x the estimate is not overrun; their replies settle the charges to its counts.
        // It costs at most one round trip, once (docs/ARCHITECTURE.md, "Tokens"). Asked until
        // true: another deployment of the model answering in this run calibrates it too.
        if (!d.countCalibrated && options.tokens)
            d.countCalibrated = options.tokens->calibrationSamples(d.dep.provider, d.dep.model) > 0;
        return qint64(std::ceil(raw * (d.countCalibrated ? 1.1 : kUncalibratedMargin))) + 8;
    }
    // Never below what the provider has counted on average, plus the spread its counts showed.
    return qint64(std::ceil(raw * std::max(d.stats.promptRatio, d.stats.promptFactor()))) + 1;
}

AdmissionCost Router::Private::costFor(JobState *job, DeploymentState &d)
{
    const qint64 maxTokens = job->job.request.maxTokens;
    qint64 expected = 0;
    if (d.rule == CountingRule::Anthropic)
        expected = d.stats.hasOutputSample ? qint64(std::ceil(d.stats.expectedOutput)) : std::min<qint64>(maxTokens, 500);
    // OpenAI's rule needs no tokenizer: skip the estimate (it is the hot path of big runs).
    const qint64 prompt = d.rule == CountingRule::OpenAi ? 0 : admissionPrompt(job, d);
    AdmissionCost cost = admissionCost(d.rule, job->chars, prompt, maxTokens, expected);
    if (d.rule != CountingRule::OpenAi) {
        // The margin guards the window's other calls; it must not make a call that fits by the
        // estimate itself unadmittable (failed as "exceeds the limits"): such a call is charged
        // the whole limit instead, so it goes alone into an empty window.
        const qint64 estimate = promptEstimate(job, d);
        const AdmissionCost bare = admissionCost(d.rule, job->chars, estimate, maxTokens, expected);
        const auto clamp = [&](qint64 &v, qint64 bareV, LimitState::Dim dim) {
            if (const auto limit = d.limits->effective(dim); limit && v > *limit && bareV <= *limit)
                v = *limit;
        };
        clamp(cost.tokens, bare.tokens, LimitState::Tpm);
        clamp(cost.sumTokens, bare.sumTokens, LimitState::Tpm);
        clamp(cost.largerTokens, bare.largerTokens, LimitState::Tpm);
        clamp(cost.promptOnlyTokens, bare.promptOnlyTokens, LimitState::Tpm);
        clamp(cost.inputTokens, bare.inputTokens, LimitState::Itpm);
        cost.promptMargin = std::max<qint64>(0, prompt - estimate);
    }
    // What this provider was seen to charge.
    if (d.limits->admitsLargerOfPromptAndMax() && cost.largerTokens > 0)
        cost.tokens = cost.largerTokens;
    else if (d.limits->admitsPromptOnly() && cost.promptOnlyTokens > 0)
        cost.tokens = cost.promptOnlyTokens;
    return cost;
}

double Router::Private::headroom(DeploymentState &d, const AdmissionCost &c, qint64 t)
{
    // Smallest fraction of any known limit left after admitting this call.
    double h = 1.0;
    const qint64 amounts[] = {c.requests, c.tokens, c.inputTokens, c.outputReserve + d.limits->outputReserved()};
    for (int dim = 0; dim < LimitState::DimCount; ++dim) {
        const auto lim = d.limits->effective(LimitState::Dim(dim));
        if (!lim || *lim <= 0)
            continue;
        const double left = double(*lim - d.limits->used(LimitState::Dim(dim), t) - amounts[dim]) / double(*lim);
        h = std::min(h, left);
    }
    if (d.maxParallel > 0)
        h = std::min(h, double(d.maxParallel - d.inFlight - 1) / double(d.maxParallel));
    return h;
}

RoutingCandidate Router::Private::candidate(DeploymentState &d, JobState *job, qint64 t)
{
    // Only the figures the strategy reads: the others cost a tokenizer run or a window scan.
    const RoutingInputs needs = routingInputs(strategy);
    RoutingCandidate c;
    c.weight = d.dep.weight;
    c.inFlight = d.inFlight;
    c.hasLatency = d.stats.hasLatency;
    c.latencyPerToken = d.stats.latencyPerTokenEwma;
    if (needs.tokensUsed)
        c.tokensUsed = d.limits->used(d.rule == CountingRule::Anthropic ? LimitState::Itpm : LimitState::Tpm, t);
    if (needs.headroom)
        c.headroom = headroom(d, costFor(job, d), t);
    if (needs.cost)
        c.worstCaseMicros = d.price ? worstCaseMicros(*d.price, promptEstimate(job, d), job->job.request.maxTokens) : 0;
    return c;
}

int Router::Private::pick(const std::vector<int> &cands, JobState *job, qint64 t)
{
    if (cands.size() == 1)
        return cands.front();
    std::vector<RoutingCandidate> figures;
    figures.reserve(cands.size());
    for (int i : cands)
        figures.push_back(candidate(*deps[i], job, t));
    return cands[pickCandidate(strategy, figures, rng)];
}

int Router::Private::choose(const QString &group, JobState *job, qint64 t, qint64 &earliest, bool &never)
{
    std::vector<int> admissible;
    bool anyCouldEverFit = false;
    never = false;
    for (int i : groupDeps.value(group)) {
        DeploymentState &d = *deps[i];
        if (d.dead)
            continue;
        if (d.failures.coolingDown(t)) {
            earliest = std::min(earliest, d.failures.cooldownUntil());
            anyCouldEverFit = true;
            continue;
        }
        const DailyVerdict day = t < d.quotaUntil ? DailyVerdict::UsedUp : dailyQuota(d, job, t);
        if (day == DailyVerdict::UsedUp) {
            earliest = std::min(earliest, d.quotaUntil);
            anyCouldEverFit = true;
            continue;
        }
        if (day == DailyVerdict::WaitForReplies) {
            anyCouldEverFit = true;
            continue;
        }
        if (d.outage && (d.probeInFlight || t < d.probeAt)) {
            // Its probe's reply reschedules; otherwise wake when the next probe is due.
            if (!d.probeInFlight)
                earliest = std::min(earliest, d.probeAt);
            anyCouldEverFit = true;
            continue;
        }
        if (d.maxParallel > 0 && d.inFlight >= d.maxParallel) {
            anyCouldEverFit = true;   // a reply frees a slot and reschedules
            continue;
        }
        if (!d.limits->anyLimit() && !d.limits->informed()
            && d.limits->inFlight() >= callsBeforeFirstReply(d)) {
            // No limits configured and none heard yet: one or two calls until the first reply
            // tells what the provider announces (docs/ARCHITECTURE.md, "Limits"); its reply
            // reschedules.
            anyCouldEverFit = true;
            continue;
        }
        if (d.limits->resyncPending() && d.limits->inFlight() > 0) {
            // A parted pool's state: one call at a time until a reply's counters say what the
            // provider holds; a reply reschedules (docs/ARCHITECTURE.md, "Pools nobody configured").
            anyCouldEverFit = true;
            continue;
        }
        if (pools->unheard(d.member) && memberInFlight(d.member) > 0) {
            // A key suspected of sharing a pool takes one call until its first reply: the count in
            // that reply then shows the other keys' calls or not. With several of its own calls on
            // their way, either explanation fits and the suspicion (one pool's pace) lasts; a
            // reply reschedules (docs/ARCHITECTURE.md, "Pools nobody configured").
            anyCouldEverFit = true;
            continue;
        }
        if (const qint64 clear = pools->clearOfSuspects(d.member); clear > t) {
            // A key suspected of sharing a pool sends apart from the other suspects' calls: calls
            // sent together are in neither's count for sure, and the suspicion (one pool's pace)
            // would last (docs/ARCHITECTURE.md, "Pools nobody configured").
            earliest = std::min(earliest, clear);
            anyCouldEverFit = true;
            continue;
        }
        if (slowStartHolds(d, job, t, &earliest)) {
            // A limit the provider does not announce is still unknown: no faster than twice what
            // it has accepted (core/limits/slowstart.h); a reply reschedules, and so does a call
            // on its way becoming presumed accepted.
            anyCouldEverFit = true;
            continue;
        }
        if (boundsHold(d, job, t, earliest)) {
            anyCouldEverFit = true;
            continue;
        }
        if (t < d.sharedNotBefore) {   // the shared window is full (other processes use the key)
            earliest = std::min(earliest, d.sharedNotBefore);
            anyCouldEverFit = true;
            continue;
        }
        const qint64 at = d.limits->earliestAdmit(t, costFor(job, d));
        if (at == kNever)
            continue;
        anyCouldEverFit = true;
        if (at <= t)
            admissible.push_back(i);
        else
            earliest = std::min(earliest, at);
    }
    if (admissible.empty()) {
        never = !anyCouldEverFit;
        return -1;
    }
    // A key suspected of sharing a pool whose counter has not been seen takes the call: its
    // reply shows whether the others' calls are in its counter (docs/ARCHITECTURE.md, "Pools
    // nobody configured").
    if (admissible.size() > 1) {
        const auto unheard = std::find_if(admissible.begin(), admissible.end(),
                                          [&](int i) { return pools->unheard(deps[size_t(i)]->member); });
        if (unheard != admissible.end())
            return *unheard;
    }
    return pick(admissible, job, t);
}

bool Router::Private::handleUnusableGroup(const QString &group, qint64 t, qint64 &wake)
{
    const QList<int> members = groupDeps.value(group);
    bool anyUsable = false;
    for (int i : members)
        anyUsable = anyUsable || usable(*deps[i], t);
    if (anyUsable || members.isEmpty())
        return false;
    auto groupHopeless = [&](const QString &g) {
        for (int i : groupDeps.value(g))
            if (!hopeless(*deps[i], t))
                return false;
        return true;
    };
    auto reasonsOf = [&](const QString &g, QStringList &out) {
        for (int i : groupDeps.value(g)) {
            const DeploymentState &d = *deps[i];
            if (!d.dead && t < d.quotaUntil)
                out << QStringLiteral("%1 of deployment %2 exhausted until %3")
                           .arg(d.quotaDaily ? u"daily quota"_qs : d.quotaWhat, d.dep.id,
                                d.quotaUntil == kNever ? u"the run ends"_qs : wallText(d.quotaUntilWall));
            else if (!d.dead && d.outage)
                out << QStringLiteral("deployment %1 unreachable since %2 (%3)")
                           .arg(d.dep.id, wallText(d.outageSinceWall), d.unusableReason);
            else if (!d.unusableReason.isEmpty())
                out << d.dep.id + QLatin1String(": ") + d.unusableReason;
        }
    };
    // Nothing in this group can take a call now: each job moves to a fallback group it has not
    // tried that can; if neither this group nor any untried fallback will ever come back, the
    // job fails with the reasons instead of waiting forever; otherwise it waits for a cool-down.
    const QStringList fbs = models.router.fallbacks.value(group);
    const bool selfHopeless = groupHopeless(group);
    std::deque<JobPtr> &queue = queues[group];
    std::deque<JobPtr> keep;
    while (!queue.empty()) {
        JobPtr job = std::move(queue.front());
        queue.pop_front();
        --queuedCount;
        if (moveToFallback(job, fbs, QStringLiteral("no usable deployment in %1").arg(group)))
            continue;
        bool waitable = !selfHopeless;
        for (const QString &g : fbs)
            if (!job->triedGroups.contains(g) && groupDeps.contains(g) && !groupHopeless(g))
                waitable = true;
        if (!waitable) {
            QStringList reasons;
            reasonsOf(group, reasons);
            const QString msg = QStringLiteral("no usable deployment for group %1 (%2)")
                                    .arg(group, reasons.isEmpty() ? QStringLiteral("all disabled") : reasons.join(u"; "));
            const ErrorClass ec = job->lastClass != ErrorClass::None ? job->lastClass : ErrorClass::Fatal;
            failJob(std::move(job), ec, msg);
            continue;
        }
        keep.push_back(std::move(job));
        ++queuedCount;
    }
    queue = std::move(keep);
    if (queue.empty())
        return true;
    // Wake when the first cool-down here or in a fallback ends.
    QStringList watch{group};
    watch << fbs;
    for (const QString &g : std::as_const(watch))
        for (int i : groupDeps.value(g)) {
            const DeploymentState &d = *deps[i];
            if (d.dead)
                continue;
            if (d.failures.coolingDown(t))
                wake = std::min(wake, d.failures.cooldownUntil());
            if (t < d.quotaUntil)
                wake = std::min(wake, d.quotaUntil);
            if (d.outage && !d.probeInFlight)
                wake = std::min(wake, std::max(d.probeAt, t + 1));
            if (d.outage)   // when waiting for it stops being reasonable
                wake = std::min(wake, d.outageSince + retry.outageGiveUpMs + 1);
        }
    return true;
}

void Router::Private::dispatch()
{
    dispatchPending = false;
    // Notes from building the router, told once someone can listen: a run connects to event()
    // after the router is made (perhaps on another thread), and submits only after that.
    for (const QString &note : std::exchange(startNotes, {}))
        noteEvent(note);
    if (budgetStopped && (queuedCount > 0 || !delayed.empty())) {
        // Retries, 429 requeues and fallbacks that came back after the budget stop: they must not
        // wait forever in queues nobody serves any more.
        drainQueued(true);
    }
    if (beforeDispatch)
        beforeDispatch();
    if (paused) {
        wakeTimer->stop();
        return;
    }
    qint64 t = now();
    for (auto &d : deps)
        d->budgetWaiting = false;
    // Retries whose back-off has passed go to the front of their queue (they are the oldest).
    while (!delayed.empty() && delayed.begin()->first <= t) {
        JobPtr job = std::move(delayed.begin()->second);
        delayed.erase(delayed.begin());
        requeueFront(std::move(job));
    }
    // Announce cool-downs that ended.
    for (auto &d : deps) {
        if (d->coolingAnnounced && !d->failures.coolingDown(t) && !d->dead) {
            d->coolingAnnounced = false;
            d->unusableReason.clear();
            noteEvent(QStringLiteral("%1: cool-down ended").arg(d->dep.id));
        }
    }
    // Jobs submitted since the last round join their queue largest first: whole calls pack the
    // windows best that way (first-fit decreasing), and the smaller ones fill what the large ones
    // leave (backfill). Retries stay in front. (docs/ARCHITECTURE.md, "Whole calls and the queue order")
    for (auto &[group, fresh] : unsortedTail) {
        std::deque<JobPtr> &q = queues[group];
        const std::size_t n = std::min(fresh, q.size());
        std::stable_sort(q.end() - std::ptrdiff_t(n), q.end(),
                         [](const JobPtr &a, const JobPtr &b) { return charsToTokens(a->chars) > charsToTokens(b->chars); });
    }
    unsortedTail.clear();
    qint64 wake = delayed.empty() ? kNever : delayed.begin()->first;
    for (const QString &group : std::as_const(groupOrder)) {
        auto qit = queues.find(group);
        if (qit == queues.end() || qit->second.empty())
            continue;
        if (handleUnusableGroup(group, t, wake))
            continue;
        dispatchGroup(group, qit->second, t, wake);
        if (budgetStopped)
            break;
    }
    armTimer(wake);
    maybeIdle();
}

void Router::Private::dispatchGroup(const QString &group, std::deque<JobPtr> &queue, qint64 &t, qint64 &wake)
{
    while (!queue.empty() && !budgetStopped && !sharedAsking.contains(group)) {
        JobState *job = queue.front().get();
        qint64 earliest = kNever;
        bool never = false;
        const int idx = choose(group, job, t, earliest, never);
        if (idx < 0) {
            if (never) {
                JobPtr owned = std::move(queue.front());
                queue.pop_front();
                --queuedCount;
                JobOutcome o;
                o.errorClass = ErrorClass::Fatal;
                o.exceedsLimits = true;
                o.error = QStringLiteral("request (%1 characters, max_tokens %2) exceeds the per-minute limits of every "
                                         "deployment of %3")
                              .arg(job->chars)
                              .arg(job->job.request.maxTokens)
                              .arg(group);
                finishJob(std::move(owned), std::move(o));
                continue;
            }
            wake = std::min(wake, earliest);
            // The head waits for capacity; what fits in front of it without delaying it goes now.
            if (earliest != kNever && !options.shared)
                backfill(group, queue, t, earliest, wake);
            return;
        }
        DeploymentState &d = *deps[idx];
        // The jobs that fill the window best line up right behind the head, ahead of those they
        // pass over, or (once per job) in front of a head whose size leaves a gap none of the
        // rest fits: each then goes as the head in turn, now if it is admitted now, or as soon as
        // what holds it (one call at a time before a reply, say) lets it. Planned before the
        // head's charge is taken: the plan's fits checks include the head.
        if (!options.shared && lineUp(queue, d, t))
            continue;
        qint64 reserve = 0, bound = 0;
        if (!reserveBudget(job, d, reserve, bound)) {
            d.budgetWaiting = true;
            return;
        }
        d.budgetWaiting = false;
        JobPtr owned = std::move(queue.front());
        queue.pop_front();
        --queuedCount;
        if (options.shared) {
            askShared(std::move(owned), d, reserve, bound);
            return;   // the group's next job waits for this verdict
        }
        start(std::move(owned), d, t, reserve, bound);
        t = now();
    }
}

static WindowLimits windowLimits(const DeploymentState &d)
{
    return {d.limits->effective(LimitState::Rpm).value_or(0), d.limits->effective(LimitState::Tpm).value_or(0),
            d.limits->effective(LimitState::Itpm).value_or(0), d.limits->effective(LimitState::Otpm).value_or(0)};
}

/// What the deployment's windows hold now, per kind of charge: with the queue, what the windows
/// from now on must take.
static AdmissionCost heldNow(DeploymentState &d, qint64 t)
{
    return {d.limits->used(LimitState::Rpm, t), d.limits->used(LimitState::Tpm, t), d.limits->used(LimitState::Itpm, t),
            d.limits->used(LimitState::Otpm, t), 0, 0, 0};
}

bool Router::Private::lineUp(std::deque<JobPtr> &queue, DeploymentState &d, qint64 t)
{
    // Whole calls rarely fill a window exactly. Taking the calls behind a head in queue order
    // (largest first) can leave a gap none of the rest fits, where another set of them would
    // have filled it: a window more for the whole group. So the set of queued jobs that fills most
    // of what the deployment admits now goes first; the jobs it passes over lead the next window
    // (docs/ARCHITECTURE.md, "Whole calls and the queue order").
    if (!d.limits->anyLimit() || queue.size() < 3)
        return false;   // nothing to fill, or first fit is the best already
    JobState *head = queue.front().get();
    const AdmissionCost headCost = costFor(head, d);
    if (d.limits->canAdmit(t, times(headCost, qint64(std::min(queue.size(), kFillScan + 1)))))
        return false;   // room for as many calls as large as the head: the whole scan fits
    // The head is passed over only into a window already part held, where charges leave one by
    // one and the room now is a gap between them; into an empty one the largest goes first (a
    // large call passed over may find no window it fills well).
    const bool partHeld = d.limits->used(d.rule == CountingRule::Anthropic ? LimitState::Itpm : LimitState::Tpm, t) > 0;
    const bool mayPassHead = !head->passedOver && partHeld;
    const auto fits = [&](const AdmissionCost &c) { return d.limits->canAdmit(t, c); };
    // Where the calls a window takes bind as much as their size, the window takes as many as it
    // holds, of about the queue's mean size: the calls behind the head come from both ends of
    // the queue (largest first), so the smallest are among them.
    std::vector<std::size_t> at;   // queue positions of `behind`
    std::optional<FillPlan> plan;
    // Windows hold whole calls until they leave, so every window needs the mix. A bucket refills
    // each limit at its own pace whatever calls took it; only its first burst, before a reply
    // says what outputs to expect, is planned so (a key counted as a bucket may yet turn out to
    // be a window, whose first window that burst then spends).
    const bool mix = d.limits->algorithm() != LimitAlgorithm::TokenBucket || !d.stats.hasOutputSample;
    const AdmissionCost queued =
        mix ? sampledCharges(queue.size(), [&](std::size_t i) { return costFor(queue[i].get(), d); }) : AdmissionCost{};
    if (mix && countBinds(windowLimits(d), queued + heldNow(d, t))) {
        std::vector<AdmissionCost> behind;
        at = bothEnds(queue.size());
        for (std::size_t i : at)
            behind.push_back(costFor(queue[i].get(), d));
        // Any head may wait once behind a set of its share: into an empty window too, where the
        // largest calls would otherwise take the tokens of the calls the window could hold.
        plan = planBalanced(headCost, behind, fits, !head->passedOver, fillValue(queued) / qint64(queue.size()));
    }
    if (!plan) {
        at.clear();
        std::vector<AdmissionCost> behind;
        for (std::size_t i = 1; i < queue.size() && behind.size() < kFillScan; ++i) {
            at.push_back(i);
            behind.push_back(costFor(queue[i].get(), d));
        }
        plan = planFill(headCost, behind, fits, mayPassHead);
    }
    if (!plan)
        return false;
    std::vector<JobState *> members;
    for (int i : plan->members)
        members.push_back(queue[at[std::size_t(i)]].get());
    const auto inPlan = [&](const JobPtr &j) { return std::find(members.begin(), members.end(), j.get()) != members.end(); };
    const auto end = queue.begin() + std::ptrdiff_t(plan->members.empty() ? 1 : at[std::size_t(plan->members.back())] + 1);
    if (!plan->passHead) {
        std::stable_partition(queue.begin() + 1, end, inPlan);
        return false;
    }
    head->passedOver = true;
    std::stable_partition(queue.begin(), end, inPlan);
    return true;
}

void Router::Private::backfill(const QString &group, std::deque<JobPtr> &queue, qint64 &t, qint64 headAt, qint64 &wake)
{
    // Whole calls rarely fill a window exactly: the head of the queue may be too big for what is
    // left while a smaller job behind it fits. That job goes first only if, with its charge
    // added, the head can still go by `headAt` on the same deployment, give or take a twentieth
    // of a window — a job sent a window early is worth a head a moment late. A larger job behind
    // the head that fits within that twentieth (a charge about to leave the window) is waited
    // for: the smaller ones go now only where they leave it its room, so the window fills with
    // the larger call (docs/ARCHITECTURE.md, "Whole calls and the queue order").
    constexpr std::size_t kScan = 32;
    JobState *next = nullptr;
    qint64 nextAt = kNever;
    std::size_t i = 1;
    for (std::size_t scanned = 0; i < queue.size() && scanned < kScan && !budgetStopped; ++scanned) {
        JobState *head = queue.front().get();
        JobState *job = queue[i].get();
        qint64 earliest = kNever;
        bool never = false;
        const int idx = choose(group, job, t, earliest, never);
        if (idx < 0) {
            if (!next && earliest > t && earliest < headAt && earliest - t <= backfillSlack(windowMs)) {
                next = job;
                nextAt = earliest;
            }
            ++i;
            continue;
        }
        DeploymentState &d = *deps[idx];
        if (d.limits->earliestAdmit(t, costFor(head, d) + costFor(job, d)) > headAt + backfillSlack(d.limits->windowMs())
            || (next && d.limits->earliestAdmit(t, costFor(next, d) + costFor(job, d)) > nextAt)) {
            ++i;
            continue;
        }
        qint64 reserve = 0, bound = 0;
        if (!reserveBudget(job, d, reserve, bound)) {
            d.budgetWaiting = true;
            return;
        }
        JobPtr owned = std::move(queue[i]);
        queue.erase(queue.begin() + std::ptrdiff_t(i));
        --queuedCount;
        start(std::move(owned), d, t, reserve, bound);
        t = now();
    }
    wake = std::min(wake, nextAt);
}

bool Router::Private::reserveBudget(JobState *job, DeploymentState &d, qint64 &reserve, qint64 &bound)
{
    if (!options.budget)
        return true;
    qint64 estimate = 0;
    if (d.price) {
        estimate = worstCaseMicros(*d.price, admissionPrompt(job, d), job->job.request.maxTokens);
        bound = boundWorstCaseMicros(*d.price, job->job.request);
    }
    reserve = options.budget->reserveBounded(estimate, bound);
    if (reserve >= 0)
        return true;
    reserve = 0;
    if (reserved > 0) {
        // In-flight calls hold worst-case reservations; their actual cost is usually far
        // lower. Wait for them to settle (finishing a call pumps the queue again) before
        // deciding that the budget is spent.
        return false;
    }
    if (!budgetSignalled) {
        budgetSignalled = true;
        noteEvent(QStringLiteral("budget: the next call could pass the budget; stopping dispatch"));
        emit q->budgetExhausted();
    }
    drainQueued(true);
    return false;
}

void Router::Private::start(JobPtr owned, DeploymentState &d, qint64 t, qint64 reservedMicros, qint64 boundMicros,
                            const QString &sharedTicket)
{
    JobState *job = owned.get();
    InFlightCall c;
    c.sharedTicket = sharedTicket;
    c.job = std::move(owned);
    c.dep = d.index;
    const AdmissionCost cost = costFor(job, d);
    c.admission = d.limits->admit(t, cost);
    if (d.maxParallel == 0 && !d.limits->anyConfigured())
        takeHeldPoint(d, c, job, cost, t);
    if (DailyUse *use = dailyOf(d)) {
        ++use->requests;
        if (use->tpd) {
            c.dayTokens = dailyTokens(job, d);
            use->tokens += c.dayTokens;
            use->tokensInFlight += c.dayTokens;
        }
        c.dayResetsAt = use->resetsAtWall;
    }
    c.reservedMicros = reservedMicros;
    c.boundMicros = boundMicros;
    c.promptEstimate = d.rule == CountingRule::OpenAi ? 0 : promptEstimate(job, d);
    c.startMs = t;
    c.sentMs = t;
    pools->sent(d.member, t);
    c.startedAt = QDateTime::currentDateTimeUtc();
    reserved += reservedMicros;
    if (d.outage) {
        // The first real call after the back-off is the probe; the rest wait for its answer.
        c.probe = true;
        d.probeInFlight = true;
    }

    const bool oauth = options.accessTokens && options.accessTokens->covers(d.dep.id);
    BuiltRequest br = d.adapter->buildChat(d.dep, oauth ? options.accessTokens->token(d.dep.id) : d.apiKey,
                                           job->job.request);
    RouterCall *call = nullptr;
    if (HttpClient *client = connections.client()) {
        call = new RouterCall(client, d.timeoutMs, q, deadlines);
    } else {
        c.hostKey = ConnectionPool::hostKey(br.request.url());
        c.nam = connections.acquire(c.hostKey);
        call = new RouterCall(c.nam, d.timeoutMs, q, deadlines);
    }
    QObject::connect(call, &RouterCall::finished, q, [this](RouterCall *rc) { onCallFinished(rc); });
    QObject::connect(call, &RouterCall::sent, q, [this](RouterCall *rc) { onCallSent(rc); });
    ++d.inFlight;
    ++d.stats.calls;
    ++totalCalls;
    ++job->attempts;
    job->lastDeployment = d.dep.id;
    job->lastProvider = d.dep.provider;
    busy = true;
    inFlight.emplace(call, std::move(c));
    qCDebug(lcRouter) << "job" << job->job.id << "->" << d.dep.id << "attempt" << job->attempts;
    call->start(br);
}

int Router::Private::callsBeforeFirstReply(const DeploymentState &d) const
{
    // Two where the replies name no reset time (Mistral, Gemini): the first reply then shows the
    // second call held, which is how the provider's way of charging admission is read (a lone
    // call shows only its settled usage); a provider refusing two calls has limits far below a
    // run's needs. One where replies name reset times, as two calls sent together name the same
    // one, which reads like a fixed window's boundary; and one probe for keys suspected of one
    // pool, as calls on their way on two of them show nothing about the pool ("Pools nobody
    // configured"). See docs/ARCHITECTURE.md, "Limits".
    const bool resetsNamed = d.rule == CountingRule::OpenAi || d.rule == CountingRule::Anthropic;
    return resetsNamed || pools->suspected(d.member) ? 1 : 2;
}

Router::Private::OnTheirWay Router::Private::onTheirWay(const DeploymentState &d, qint64 t) const
{
    OnTheirWay w;
    const std::optional<qint64> after = d.slowStart->presumedAcceptedAfterMs();
    if (!after) {
        w.unconfirmed = d.limits->inFlight();
        return w;
    }
    for (const auto &[call, c] : inFlight) {
        if (deps[size_t(c.dep)]->slowStart != d.slowStart)
            continue;
        if (c.sent() && c.held && t - c.uploadedMs >= *after) {
            w.presumedRequests = std::max(w.presumedRequests, c.held->requests);
            continue;
        }
        ++w.unconfirmed;
        if (c.sent())
            w.next = std::min(w.next, c.uploadedMs + *after);
    }
    return w;
}

bool Router::Private::slowStartHolds(DeploymentState &d, JobState *job, qint64 t, qint64 *wake)
{
    // Nothing configured (max_parallel_requests is a pace the user chose) and a limit the
    // provider does not announce still unknown (core/limits/slowstart.h).
    if (!paced(d))
        return false;
    // A call whose request left longer ago than the provider takes to refuse one was let through
    // by the limits it met: it no longer counts as in flight for the pace. Otherwise the key
    // learns one call per generation where it could one per refusal's round trip
    // (docs/ARCHITECTURE.md, "Presumed accepted").
    const OnTheirWay w = onTheirWay(d, t);
    if (w.unconfirmed < d.slowStart->maxInFlight(t))
        return false;
    // A call that leaves the key's window within what one window was seen to hold, every call
    // accepted (in this run or a remembered one), cannot pass the unknown limit: it goes at once.
    // Paced beyond, the calls of a window go one by one and so leave it one by one, and every
    // later window inherits that spread (docs/ARCHITECTURE.md, "Slow start and learned limits").
    // A dimension whose limit is known is held by that limit, not by what was seen; requests are
    // also seen accepted by a presumed call (its tokens are valued at the reply: "Points valued at
    // the provider's counts").
    RefusalBounds::Point p = heldWith(d, costFor(job, d), t);
    if (d.limits->effective(LimitState::Rpm))
        p.requests = 0;
    // (Anthropic's: the input tokens stand in for the output ones, which no point holds.)
    if (d.rule == CountingRule::Anthropic ? d.limits->effective(LimitState::Itpm) && d.limits->effective(LimitState::Otpm)
                                          : d.limits->effective(LimitState::Tpm).has_value())
        p.tokens = 0;
    const RefusalBounds::Point proven = d.slowStart->bounds().proven();
    if (p.requests <= std::max(proven.requests, w.presumedRequests) && p.tokens <= proven.tokens)
        return false;
    if (wake)
        *wake = std::min(*wake, w.next);
    return true;
}

void Router::Private::takeHeldPoint(DeploymentState &d, InFlightCall &c, JobState *job, const AdmissionCost &cost, qint64 t)
{
    c.held = heldWith(d, {0, 0, 0, 0}, t);
    c.boundsProbe = d.slowStart->bounds().learning() && d.slowStart->bounds().verdict(*c.held) != RefusalBounds::Verdict::Fits;
    c.heldId = ++lastHeldId;
    HeldPart &own = heldParts[c.heldId];
    own.charge = d.rule == CountingRule::Anthropic ? cost.inputTokens : cost.tokens;
    // OpenAI's rule charges characters, which its provider counts as we do: nothing to revalue.
    own.prompt = d.rule == CountingRule::OpenAi ? 0 : std::min(own.charge, admissionPrompt(job, d));
    if (own.prompt > 0) {
        // Unscaled where the estimate is scaled: the factor may change before the reply.
        const qint64 estimate = promptEstimate(job, d);
        own.count = d.scaledCount ? double(job->baseTokens) : double(estimate);
    }
    for (const auto &[call, o] : inFlight) {
        if (o.heldId && deps[size_t(o.dep)]->slowStart == d.slowStart) {
            c.heldAlong.push_back(o.heldId);
            ++heldParts[o.heldId].refs;
        }
    }
}

void Router::Private::settleHeldPoint(DeploymentState &d, const InFlightCall &c, const ParsedReply &reply, const Usage &usage)
{
    // The point was taken in the router's charges. Before the provider had counted a prompt those
    // are half as much again as the estimate: accepted as such, the first calls' point alone could
    // hold more than the provider allows, and a later call (charged as counted) "fits" beyond the
    // limit, in this run and in the next that remembers the floor. So each call in it is valued
    // at what the router charges once counts are known: the provider's count of its prompt (for a
    // call still in flight, its own count times what the provider counted per counted token of
    // this call's) with the margin calibrated charges carry. A call refused or failed counts
    // nothing: it may never have been held.
    const auto part = heldParts.find(c.heldId);
    if (part == heldParts.end())
        return;
    HeldPart &own = part->second;
    const bool accepted = reply.completion.has_value();
    const double margin = d.stats.promptFactor() / std::max(d.stats.promptRatio, 1e-6);
    const auto excessAt = [&](qint64 prompt, double counted) {
        return std::clamp<qint64>(prompt - (qint64(std::ceil(counted * margin)) + 1), 0, prompt);
    };
    std::optional<double> ratio;   // the provider's count over our unscaled count, this call's
    if (!accepted) {
        own.excess = own.charge;
        own.notHeld = true;
    } else if (usage.reported && own.prompt > 0) {
        const qint64 counted = d.rule == CountingRule::Anthropic ? std::max<qint64>(0, usage.promptTokens - usage.cachedTokens)
                                                                 : usage.promptTokens;
        own.excess = excessAt(own.prompt, double(counted));
        if (own.count > 0)
            ratio = double(counted) / own.count;
    } else {
        own.excess = 0;
    }
    RefusalBounds::Point p = *c.held;
    p.tokens -= *own.excess;
    for (const quint64 id : c.heldAlong) {
        const auto it = heldParts.find(id);
        if (it == heldParts.end())
            continue;
        HeldPart &other = it->second;
        if (other.excess) {
            p.tokens -= *other.excess;
            p.requests -= other.notHeld ? 1 : 0;
        } else if (ratio) {
            p.tokens -= excessAt(other.prompt, other.count * *ratio);
        }
        if (--other.refs <= 0 && other.excess)
            heldParts.erase(it);
    }
    if (accepted)
        d.slowStart->bounds().accepted({std::max<qint64>(p.requests, 1), std::max<qint64>(p.tokens, 0)});
    if (own.refs <= 0)
        heldParts.erase(c.heldId);
}

RefusalBounds::Point Router::Private::heldWith(DeploymentState &d, const AdmissionCost &cost, qint64 t)
{
    // Window counts whichever model admits: the points must empty as time passes.
    if (d.rule == CountingRule::Anthropic)
        return {d.limits->windowUsed(LimitState::Rpm, t) + cost.requests, d.limits->windowUsed(LimitState::Itpm, t) + cost.inputTokens};
    return {d.limits->windowUsed(LimitState::Rpm, t) + cost.requests, d.limits->windowUsed(LimitState::Tpm, t) + cost.tokens};
}

bool Router::Private::boundsHold(DeploymentState &d, JobState *job, qint64 t, qint64 &earliest)
{
    // Only while the limits it refuses on are unknown and nothing configured paces the key
    // (docs/ARCHITECTURE.md, "Refusals that name nothing").
    if (d.maxParallel > 0 || !d.slowStart->bounds().learning() || !exploring(*d.limits, d.rule))
        return false;
    const RefusalBounds::Point p = heldWith(d, costFor(job, d), t);
    const RefusalBounds::Verdict v = d.slowStart->bounds().verdict(p);
    if (v == RefusalBounds::Verdict::Fits)
        return false;
    if (v == RefusalBounds::Verdict::Refused && p.requests > 1) {
        // Refused for sure while the window holds what it holds: wait for a charge to leave.
        earliest = std::min(earliest, d.limits->windowNextExpiry(t));
        return true;
    }
    // Beyond what was accepted (or alone in the window, where nothing can leave first): one probe
    // at a time on the key; its reply reschedules. (Not presumed accepted a refusal's round trip
    // after it left, as under the slow start: probing that fast, the key passed a limit it never
    // learns more often, and each such refusal pauses it a window; docs/ARCHITECTURE.md,
    // "Presumed accepted".)
    for (const auto &[call, c] : inFlight)
        if (c.boundsProbe && deps[size_t(c.dep)]->slowStart == d.slowStart)
            return true;
    return false;
}

std::pair<WaitReason, qint64> Router::Private::waitReason(DeploymentState &d, qint64 t)
{
    // In WaitReason's order of precedence.
    if (d.outage)
        return {WaitReason::Outage, d.probeInFlight ? kNever : d.probeAt};
    if (t < d.quotaUntil)
        return {WaitReason::DailyQuota, d.quotaUntil};
    if (d.dead)
        return {WaitReason::CoolingDown, kNever};
    if (d.failures.coolingDown(t))
        return {WaitReason::CoolingDown, d.failures.cooldownUntil()};
    if (d.limits->blockedUntil() > t)   // after a 429 or an overload
        return {WaitReason::CoolingDown, d.limits->blockedUntil()};
    if (t < d.sharedNotBefore)          // the shared window or budget (other processes) holds it
        return {d.sharedWait, d.sharedNotBefore};
    auto qit = queues.find(d.dep.modelName);
    if (qit == queues.end() || qit->second.empty())
        return {WaitReason::None, 0};
    JobState *head = qit->second.front().get();
    const AdmissionCost cost = costFor(head, d);
    // The limit that holds the head job longest names the wait.
    WaitReason reason = WaitReason::None;
    qint64 until = t;
    const std::pair<WaitReason, AdmissionCost> dims[] = {
        {WaitReason::Rpm, AdmissionCost{cost.requests, 0, 0, 0}},
        {WaitReason::Tpm, AdmissionCost{0, cost.tokens, 0, 0}},
        {WaitReason::Itpm, AdmissionCost{0, 0, cost.inputTokens, 0}},
        {WaitReason::Otpm, AdmissionCost{0, 0, 0, cost.outputReserve}},
    };
    for (const auto &[r, part] : dims) {
        const qint64 at = d.limits->earliestAdmit(t, part);
        if (at != kNever && at > until) {
            reason = r;
            until = at;
        }
    }
    if (reason != WaitReason::None)
        return {reason, until};
    if ((d.maxParallel > 0 && d.inFlight >= d.maxParallel)
        || (slowStartHolds(d, head, t)))
        return {WaitReason::Parallel, kNever};
    // Held by what refusals that named nothing showed: a probe in flight, or a window to drain.
    if (qint64 drained = kNever; boundsHold(d, head, t, drained))
        return {WaitReason::Parallel, drained};
    if (budgetStopped || d.budgetWaiting)
        return {WaitReason::Budget, kNever};
    return {WaitReason::None, 0};
}

// ===== shared limits (docs/ARCHITECTURE.md, "Shared limits in Redis") =======================

void Router::Private::askShared(JobPtr job, DeploymentState &d, qint64 reservedMicros, qint64 boundMicros)
{
    const AdmissionCost cost = costFor(job.get(), d);
    SharedCharge ch;
    ch.pool = d.sharedPool;
    ch.label = d.sharedLabel;
    ch.bucket = providerTraits(d.dep.provider).limitAlgorithm == LimitAlgorithm::TokenBucket;
    // A shared charge is timed by the store, a round trip away from each process's send: it
    // counts a little longer than a local one (docs/ARCHITECTURE.md, "Shared limits in Redis").
    ch.windowMs = windowMs + marginMs + kSharedSlackMs;
    // A hold outlives the longest the call can take; then a process that died leaks nothing.
    ch.leaseMs = (d.timeoutMs > 0 ? d.timeoutMs : 600'000) + 30'000;
    ch.requests = cost.requests;
    ch.tokens = cost.tokens;
    ch.inputTokens = cost.inputTokens;
    ch.outputReserve = cost.outputReserve;
    for (int dim = 0; dim < LimitState::DimCount; ++dim)
        ch.limits[dim] = d.limits->effective(LimitState::Dim(dim)).value_or(0);
    if (options.budget && d.price) {
        ch.budgetEstimateMicros = worstCaseMicros(*d.price, admissionPrompt(job.get(), d), job->job.request.maxTokens);
        ch.budgetBoundMicros = boundMicros;
    }
    const quint64 seq = ++sharedSeq;
    const QString group = job->group;
    reserved += reservedMicros;
    sharedAsking.insert(group);
    sharedPending.emplace(seq, PendingShared{std::move(job), d.index, reservedMicros, boundMicros});
    busy = true;
    options.shared->admit(ch, q, [this, seq](const SharedVerdict &v) { onSharedVerdict(seq, v); });
}

void Router::Private::onSharedVerdict(quint64 seq, const SharedVerdict &v)
{
    auto it = sharedPending.find(seq);
    if (it == sharedPending.end()) {
        // The job was cancelled or budget-stopped meanwhile: give the admission back unused.
        if (v.kind == SharedVerdict::Kind::Admitted)
            options.shared->settle(v.ticket, SharedSettlement{});
        return;
    }
    PendingShared p = std::move(it->second);
    sharedPending.erase(it);
    sharedAsking.remove(p.job->group);
    DeploymentState &d = *deps[p.dep];
    const qint64 t = now();
    reserved -= p.reservedMicros;
    if (v.kind == SharedVerdict::Kind::Admitted) {
        start(std::move(p.job), d, t, p.reservedMicros, p.boundMicros, v.ticket);
        scheduleDispatch();
        return;
    }
    if (options.budget)
        options.budget->settleBounded(p.reservedMicros, p.boundMicros, 0);
    switch (v.kind) {
    case SharedVerdict::Kind::Never: {
        JobOutcome o;
        o.errorClass = ErrorClass::Fatal;
        o.exceedsLimits = true;
        o.error = QStringLiteral("request exceeds the shared per-minute limits of %1").arg(d.dep.id);
        finishJob(std::move(p.job), std::move(o));
        break;
    }
    case SharedVerdict::Kind::BudgetExhausted:
        requeueFront(std::move(p.job));
        if (!budgetSignalled) {
            budgetSignalled = true;
            noteEvent(QStringLiteral("budget: the next call could pass the shared budget; stopping dispatch"));
            emit q->budgetExhausted();
        }
        drainQueued(true);
        break;
    default:
        d.sharedWait = v.kind == SharedVerdict::Kind::BudgetWait ? WaitReason::Budget
                       : v.dim >= 0 && v.dim < 4 ? WaitReason(int(WaitReason::Rpm) + v.dim)
                                                 : WaitReason::Rpm;
        d.sharedNotBefore = t + std::max<qint64>(1, v.waitMs);
        requeueFront(std::move(p.job));
        break;
    }
    scheduleDispatch();
}

void Router::Private::dropSharedPending(bool budget)
{
    std::map<quint64, PendingShared> pending;
    pending.swap(sharedPending);
    sharedAsking.clear();
    for (auto &[seq, p] : pending) {
        reserved -= p.reservedMicros;
        if (options.budget)
            options.budget->settleBounded(p.reservedMicros, p.boundMicros, 0);
        if (budget) {
            budgetStopJob(std::move(p.job));
        } else {
            JobOutcome o;
            o.cancelled = true;
            o.error = QStringLiteral("cancelled");
            finishJob(std::move(p.job), std::move(o));
        }
    }
}

void Router::Private::reconcileShared(DeploymentState &d, const RateLimitHeaders &h)
{
    const std::optional<qint64> lim[] = {h.limitRequests, h.limitTokens, h.limitInputTokens, h.limitOutputTokens};
    const std::optional<qint64> rem[] = {h.remainingRequests, h.remainingTokens, h.remainingInputTokens,
                                         h.remainingOutputTokens};
    const std::optional<qint64> reset[] = {h.resetRequestsMs, h.resetTokensMs, h.resetInputTokensMs,
                                           h.resetOutputTokensMs};
    for (int dim = 0; dim < LimitState::DimCount; ++dim) {
        const qint64 limit = lim[dim] ? *lim[dim] : d.limits->effective(LimitState::Dim(dim)).value_or(0);
        if (limit <= 0 || !rem[dim])
            continue;
        options.shared->reconcile(d.sharedPool, dim, limit, *rem[dim], reset[dim].value_or(windowMs) + marginMs,
                                  LimitState::correctionThreshold(d.rule, LimitState::Dim(dim)));
    }
}

// ===== completion ============================================================================

void Router::Private::requeueFront(JobPtr job)
{
    std::deque<JobPtr> &queue = queues[job->group];
    queue.push_front(std::move(job));
    ++queuedCount;
}

void Router::Private::delay(JobPtr job, qint64 until)
{
    job->notBefore = until;
    delayed.emplace(until, std::move(job));
}

bool Router::Private::moveToFallback(JobPtr &job, const QStringList &candidates, const QString &why)
{
    const qint64 t = now();
    for (const QString &g : candidates) {
        if (job->triedGroups.contains(g) || !groupDeps.contains(g))
            continue;
        bool anyUsable = false;
        for (int i : groupDeps.value(g))
            anyUsable = anyUsable || usable(*deps[i], t);
        if (!anyUsable)
            continue;
        noteEvent(QStringLiteral("fallback: job %1 moves from %2 to %3 (%4)").arg(job->job.id).arg(job->group, g, why));
        job->group = g;
        job->triedGroups << g;
        job->retriesUsed = 0;
        ++totalFallbacks;
        queues[g].push_back(std::move(job));
        ++queuedCount;
        scheduleDispatch();
        return true;
    }
    return false;
}

void Router::Private::onCallSent(RouterCall *call)
{
    // A request can wait for a connection (TCP/TLS set-up, or a free slot in the HTTP client)
    // long after we admitted it; the provider counts it from arrival, so must we, or its
    // charge would leave our window before it leaves the provider's.
    auto it = inFlight.find(call);
    if (it == inFlight.end())
        return;
    const qint64 t = now();
    DeploymentState &d = *deps[it->second.dep];
    it->second.uploadedMs = t;
    // Once a refusal's round trip has passed the call is presumed accepted, and the slow start may
    // send the next (docs/ARCHITECTURE.md, "Presumed accepted"): be awake then.
    if (it->second.held && paced(d))
        if (const std::optional<qint64> after = d.slowStart->presumedAcceptedAfterMs())
            wakeBy(t + *after);
    if (t - it->second.admission.at > kRestampThresholdMs) {
        d.limits->restamp(it->second.admission, t);
        pools->restamp(d.member, it->second.sentMs, t);
        it->second.sentMs = t;
    } else {
        d.limits->sent(it->second.admission, t);
    }
    // The shared charge was made when the store answered, a round trip before `admission.at`:
    // always move it to now.
    if (options.shared && !it->second.sharedTicket.isEmpty())
        options.shared->restamp(it->second.sharedTicket);
}

void Router::Private::onCallFinished(RouterCall *call)
{
    auto it = inFlight.find(call);
    if (it == inFlight.end())
        return;
    InFlightCall c = std::move(it->second);
    inFlight.erase(it);
    connections.release(c.nam, c.hostKey);
    DeploymentState &d = *deps[c.dep];
    --d.inFlight;
    WB_CHECK(d.inFlight >= 0);
    const qint64 t = now();

    const ParsedReply reply = readReply(call, d);
    const CallRecord rec = settleCall(call, c, reply, t);
    emit q->callFinished(rec);
    emit q->callTraced(rec, c.job->job.request, reply.completion ? reply.completion->text : QString());
    // The runner calibrates the estimator on the reply it was just given (callFinished): read the
    // model's factor again.
    if (d.scaledCount && rec.usage.reported)
        refreshTokenFactor(d);
    if (c.probe)
        d.probeInFlight = false;
    if (unreachable(*call)) {
        onUnreachable(std::move(c.job), d, c, rec, t);
        scheduleDispatch();
        return;
    }
    if (d.outage && call->httpStatus() > 0) {
        onReachable(d, t);
    } else if (d.outage && c.probe) {
        // A probe that timed out or was cut off proves nothing either way: back off again, and
        // the job (whose call it was) goes through the ordinary retry decision.
        ++d.outageAttempts;
        d.probeAt = t + retry.outageBackoffMs(d.outageAttempts, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
    }
    std::optional<QuotaExhausted> quota;
    if (reply.error && rec.httpStatus > 0)
        quota = quotaExhaustion(rec.httpStatus, call->headers(), call->body(), QDateTime::currentMSecsSinceEpoch());
    if (quota) {
        onQuotaExhausted(std::move(c.job), d, *quota, rec, t);
    } else if (reply.error && providerSaysDoNotRetry(call->headers())
               && retry.action(rec.errorClass, c.job->retriesUsed) != RetryAction::Fail) {
        // The provider knows a retry cannot succeed (OpenAI's SDKs honour the same header).
        c.job->lastClass = rec.errorClass;
        failJob(std::move(c.job), rec.errorClass,
                QStringLiteral("%1 (the provider says not to retry: x-should-retry: false)")
                    .arg(rec.errorMessage.isEmpty() ? errorClassName(rec.errorClass) : rec.errorMessage));
    } else {
        actOnReply(std::move(c.job), d, c, reply, rec, t);
    }
    scheduleDispatch();
}

void Router::Private::onUnreachable(JobPtr job, DeploymentState &d, const InFlightCall &c, const CallRecord &rec,
                                    qint64 t)
{
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    d.unusableReason = rec.errorMessage;
    if (!d.outage) {
        d.outage = true;
        d.outageSince = t;
        d.outageSinceWall = QDateTime::currentDateTimeUtc();
        d.outageAttempts = 1;
        d.probeAt = t + retry.outageBackoffMs(1, u);
        noteEvent(QStringLiteral("%1: unreachable (%2); parked, its jobs wait or go to the group's other "
                                 "deployments; next probe in %3 s")
                      .arg(d.dep.id, rec.errorMessage)
                      .arg(double(d.probeAt - t) / 1000.0, 0, 'f', 1));
    } else if (c.probe) {
        // Calls that left before the outage was seen say nothing new; only a failed probe backs off.
        ++d.outageAttempts;
        d.probeAt = t + retry.outageBackoffMs(d.outageAttempts, u);
        qCInfo(lcRouter).noquote() << d.dep.id << "still unreachable; next probe in" << (d.probeAt - t) << "ms";
    }
    job->lastClass = rec.errorClass;
    job->lastError = rec.errorMessage;
    requeueFront(std::move(job));
}

void Router::Private::onReachable(DeploymentState &d, qint64 t)
{
    noteEvent(QStringLiteral("%1: reachable again after %2 s").arg(d.dep.id).arg(double(t - d.outageSince) / 1000.0, 0, 'f', 1));
    d.outage = false;
    d.outageAttempts = 0;
    if (!d.dead && !d.failures.coolingDown(t))
        d.unusableReason.clear();
}

void Router::Private::onQuotaExhausted(JobPtr job, DeploymentState &d, const QuotaExhausted &quota,
                                       const CallRecord &rec, qint64 t)
{
    if (rec.httpStatus == 429) {
        ++d.stats.http429;
        ++total429;
    }
    const qint64 nowWall = QDateTime::currentMSecsSinceEpoch();
    const qint64 untilWall = quota.resetsAtMs ? nowWall + std::max(*quota.resetsAtMs - nowWall, kMinQuotaParkMs) : 0;
    if (parkForQuota(d, t, untilWall, quota.what, quota.kind == QuotaExhausted::Kind::Daily))
        noteEvent(QStringLiteral("%1: %2 exhausted until %3; its jobs go to the group's other deployments")
                      .arg(d.dep.id, d.quotaDaily ? QStringLiteral("daily quota (%1)").arg(quota.what) : quota.what,
                           d.quotaUntil == kNever ? u"the run ends"_qs : wallText(d.quotaUntilWall)));
    job->lastClass = rec.errorClass;
    job->lastError = rec.errorMessage;
    requeueFront(std::move(job));
}

ParsedReply Router::Private::readReply(RouterCall *call, DeploymentState &d) const
{
    ParsedReply reply;
    if (call->httpStatus() > 0) {
        reply = d.adapter->parse(call->httpStatus(), call->headers(), call->body());
    } else if (call->timedOut()) {
        reply.error = ProviderError{ErrorClass::Transient, 0, QStringLiteral("timeout"), {},
                                    QStringLiteral("no reply within %1 s").arg(double(call->timeoutMs()) / 1000.0), {}};
    } else {
        reply.error = classifyNetworkError(int(call->networkError()), call->errorString());
    }
    if (!reply.completion && !reply.error)
        reply.error = ProviderError{ErrorClass::Transient, call->httpStatus(), {}, {}, QStringLiteral("empty reply"), {}};
    return reply;
}

CallRecord Router::Private::settleCall(RouterCall *call, const InFlightCall &c, const ParsedReply &reply, qint64 t)
{
    DeploymentState &d = *deps[c.dep];
    // Limits: settle this call's charges, then reconcile with the provider's counts, which
    // already include this call as the provider settled it (docs/ARCHITECTURE.md, "Limits").
    // Usage beyond what the request could cost is clamped (and logged): it never reaches the ledger.
    const Usage usage = reply.completion ? boundedUsage(reply.completion->usage, c.job->job.request) : Usage{};
    Settlement settlement = reply.completion ? settlementFor(d.rule, usage) : Settlement{};
    QStringList notes;
    if (reply.completion && reply.limits.queryCostTokens && settlement.tokens && usage.reported) {
        // The provider named what it charged this call: what its counter holds for it, or where it
        // reads its counters at admission, what it admitted it at (LimitState::settlementNaming).
        const qint64 cost = *reply.limits.queryCostTokens;
        notes << d.limits->learnAdmissionCharge(cost, usage.promptTokens, c.job->job.request.maxTokens,
                                                settlement.usageTokens.value_or(0));
        settlement = d.limits->settlementNaming(settlement, cost);
    }
    if (c.dayTokens > 0) {
        // The day's tokens: what the call used, where it was counted at its worst case (which a
        // call that tells no usage keeps).
        if (DailyUse *use = dailyOf(d); use && use->resetsAtWall == c.dayResetsAt) {
            use->tokensInFlight = std::max<qint64>(0, use->tokensInFlight - c.dayTokens);
            if (usage.reported)
                use->tokens = std::max<qint64>(0, use->tokens - c.dayTokens + usage.promptTokens + usage.completionTokens);
        }
    }
    if (reply.completion) {
        d.limits->settle(t, c.admission, settlement);
        d.slowStart->accepted(t, t - c.startMs);
    } else {
        d.limits->release(c.admission);
    }
    if (c.heldId)
        settleHeldPoint(d, c, reply, usage);
    if (pools->hasPeers(d.member)) {
        // Its charge stays (settled, or as admitted for a refusal): kept to be given back should
        // its key's learned pool part (applyPools).
        while (!recentAnswered.empty() && recentAnswered.front().at + 2 * windowMs < t)
            recentAnswered.pop_front();
        recentAnswered.push_back(AnsweredCall{d.member, d.limits, c.admission, t});
    }
    // Whether this key's counter shows another key's calls (a provider pool nobody configured):
    // decided first, so the counter is reconciled with the pool it belongs to.
    bool moved = false;
    notes << learnPools(d, c, reply, t, moved);
    // A refusal that names nothing while the provider's own counters showed room for the call, or
    // while a provider that shows none was within the limits we know: it holds its rates over
    // shorter intervals too (docs/ARCHITECTURE.md, "Shorter intervals"). Its charges stay (a
    // provider may count a refused request); one that does not shows less than we hold, which
    // is no evidence about its refill. The calls sent with it may have been refused too, their
    // replies still on their way: its counters give nothing back and vote on nothing.
    const bool rateLimited = reply.error && reply.error->errorClass == ErrorClass::RateLimited
                             && !quotaExhaustion(reply.httpStatus, call->headers(), call->body(),
                                                 QDateTime::currentMSecsSinceEpoch());
    auto counts = rateLimited ? parseRefusalCounts(reply.error->message) : std::nullopt;
    if (rateLimited && !counts && reply.error->namedLimit) {
        counts = RefusalCounts{};
        counts->dim = reply.error->namedLimit->requests ? RefusalCounts::Requests : RefusalCounts::Tokens;
        counts->limit = reply.error->namedLimit->limit;
    }
    const RateLimitHeaders &h = reply.limits;
    const bool silent = !h.remainingRequests && !h.remainingTokens && !h.remainingInputTokens && !h.remainingOutputTokens;
    const bool withRoom = rateLimited && !counts && d.limits->anyLimit()
                          && (silent || d.limits->countersShowRoom(reply.limits, c.admission));
    if (rateLimited)
        d.limits->noteRefused(t, c.admission);
    if (withRoom)
        notes << d.limits->refusedWithRoom(t, c.admission.at);
    // A state that may stand for several keys the provider counts apart holds their calls
    // together: its counters teach nothing about charging until the pool is decided.
    d.limits->holdChargeLearning(pools->suspected(d.member) || withRoom);
    // A reply's reset times tell whether the provider refills a bucket or slides a window; the
    // model chosen is then the one reconciled. A refusal's headers may carry its own retry time.
    if (reply.completion)
        notes << d.limits->learnAlgorithm(t, c.sentMs, d.rule, reply.limits, c.admission.tokens.window);
    // Calls sent in the same millisecond as this one or later may not be in the provider's count.
    if (moved) {
        notes << d.limits->reconcile(t, c.sentMs, d.rule, reply.limits);
    } else if (pools->suspected(d.member) && !withRoom) {
        // One key's counter, for a state that stands for several: the other keys' calls stay
        // charged (docs/ARCHITECTURE.md, "Pools nobody configured").
        const std::vector<Admission> apart = callsApart(d);
        notes << d.limits->reconcile(t, c.admission, c.sentMs, d.rule, reply.limits, &apart);
    } else {
        notes << d.limits->reconcile(t, c.admission, c.sentMs, d.rule, reply.limits);
    }
    // A reply's counters were reconciled — or a provider that sends none (Gemini) answered: its
    // state has nothing more to learn before it takes more than one call.
    if (reply.completion || reply.limits.remainingRequests || reply.limits.remainingTokens
        || reply.limits.remainingInputTokens)
        d.limits->setResyncPending(false);
    if (rateLimited) {
        // Only a limit the bucket knew can show that the provider does not refill like one: a
        // refusal that teaches the limit, or names none, is no evidence either way. One with room
        // (above) says neither a cheaper charge nor the bucket was wrong.
        auto knownLimits = [&] {
            int n = 0;
            for (int dim = 0; dim < LimitState::DimCount; ++dim)
                n += d.limits->effective(LimitState::Dim(dim)).has_value() ? 1 : 0;
            return n;
        };
        bool taught = false;
        // A refusal that may be for tokens while calls were admitted cheaper than the counting
        // rule charges: the cheaper way was wrong.
        const bool wasBucket = d.limits->algorithm() == LimitAlgorithm::TokenBucket;
        if (!withRoom && (!counts || counts->dim != RefusalCounts::Requests)) {
            const LimitState::RefusedCall refused{c.sentMs, c.admission.tokens.window, reply.limits.limitTokens,
                                                  reply.limits.remainingTokens};
            notes << d.limits->refusedForTokens(t, d.rule, &refused);
        }
        // A refusal that just taught a bucket is no bucket's refusal (refusedBeyondTheWindow below).
        const bool becameBucket = !wasBucket && d.limits->algorithm() == LimitAlgorithm::TokenBucket;
        // How soon a refusal that names its limit comes back: a call not refused within about
        // that is let through (docs/ARCHITECTURE.md, "Presumed accepted").
        if (counts && c.sent())
            d.slowStart->refusedAfter(t - c.uploadedMs);
        if (counts) {
            const int known = knownLimits();
            notes << d.limits->reconcileRefusal(t, *counts, reply.limits.retryAfterMs);
            taught = knownLimits() > known;
            // The refusal that teaches a key without counters its limit also says, by its retry
            // delay, whether the provider refills a bucket (docs/ARCHITECTURE.md, "Bucket or
            // window, from evidence").
            if (taught && silent && reply.limits.retryAfterMs)
                notes << d.limits->learnFromRetryDelay(t, c.sentMs, c.admission, *counts, *reply.limits.retryAfterMs);
        } else if (exploring(*d.limits, d.rule)) {
            // Nothing to learn a limit from ("Rate limit exceeded"): growth pacing would never
            // end, and costs more time than the refusals it saves (docs/ARCHITECTURE.md, "Slow
            // start"). What the window held is the evidence instead ("Refusals that name nothing").
            if (c.held)
                d.slowStart->bounds().refused(*c.held);
            if (!d.slowStart->gaveUp()) {
                d.slowStart->giveUp();
                notes << QStringLiteral("refusals name no limit; calls are admitted within what the provider accepted, "
                                        "one at a time beyond it");
            }
        }
        if (d.limits->anyLimit() && !taught && !withRoom && !becameBucket)
            notes << d.limits->refusedBeyondTheWindow(t);
    }
    for (const QString &note : std::as_const(notes))
        noteEvent(QStringLiteral("%1: %2").arg(d.dep.id, note));

    // A reply the provider may have billed but that tells no usage (a 200 without usage or with a
    // truncated body, a timeout or reset after the request left) is booked at its worst case, so the
    // budget can never be passed by calls we could not measure. Error statuses are not billed.
    const int status = reply.httpStatus ? reply.httpStatus : call->httpStatus();
    const bool unmeasured = !usage.reported && ((status >= 200 && status < 300) || (status == 0 && call->wasSent()));
    qint64 cost = !d.price ? 0 : usage.reported ? costMicros(*d.price, usage) : unmeasured ? c.reservedMicros : 0;
    // A LiteLLM proxy prices the call itself: its figure is booked, but under a budget never more
    // than this call held against the cap (docs/PROVIDERS.md, "LiteLLM proxy as upstream").
    if (reply.completion && reply.proxy && reply.proxy->responseCostMicros)
        cost = options.budget ? std::min(*reply.proxy->responseCostMicros, std::max(c.reservedMicros, c.boundMicros))
                              : *reply.proxy->responseCostMicros;
    reserved -= c.reservedMicros;
    if (options.budget)
        options.budget->settleBounded(c.reservedMicros, c.boundMicros, cost);
    if (options.shared && !c.sharedTicket.isEmpty()) {
        options.shared->settle(c.sharedTicket, SharedSettlement{settlement.tokens, settlement.inputTokens,
                                                                settlement.outputTokens, cost});
        reconcileShared(d, reply.limits);
    }
    d.stats.spendMicros += cost;
    totalSpend += cost;

    CallRecord rec;
    rec.jobId = c.job->job.id;
    rec.deploymentId = d.dep.id;
    rec.provider = d.dep.provider;
    rec.group = c.job->group;
    rec.modelVersion = reply.completion ? reply.completion->modelVersion : QString();
    rec.httpStatus = status;
    rec.usage = usage;
    rec.costMicros = cost;
    rec.latencyMs = t - c.startMs;
    rec.requestId = reply.requestId;
    rec.errorClass = reply.error ? reply.error->errorClass : ErrorClass::None;
    rec.errorMessage = reply.error ? reply.error->message : QString();
    rec.startedAt = c.startedAt;
    return rec;
}

void Router::Private::actOnReply(JobPtr job, DeploymentState &d, const InFlightCall &c, const ParsedReply &reply,
                                 const CallRecord &rec, qint64 t)
{
    const ErrorClass ec = rec.errorClass;
    job->lastClass = ec;
    job->lastError = rec.errorMessage;

    switch (retry.action(ec, job->retriesUsed)) {
    case RetryAction::Done: {
        // readReply() gives every reply a completion or an error, and an error is never Done.
        if (!WB_CHECK(reply.completion)) {
            failJob(std::move(job), ErrorClass::Transient, QStringLiteral("empty reply"));
            break;
        }
        // Calibrating the TokenEstimator is the caller's business (the runner feeds it every
        // CallRecord); the router only learns its own admission error.
        // Against the estimate as it stands now: a calibration this reply brought is not its error.
        d.stats.recordSuccess(rec.latencyMs, rec.usage, d.scaledCount ? promptEstimate(job.get(), d) : c.promptEstimate);
        JobOutcome o;
        o.ok = true;
        o.completion = *reply.completion;
        finishJob(std::move(job), std::move(o));
        break;
    }
    case RetryAction::Requeue:
        onRequeue(std::move(job), d, reply, rec, t);
        break;
    case RetryAction::Retry:
        onRetry(std::move(job), d, reply, rec, t);
        break;
    case RetryAction::ContextFallback:
        onContextFallback(std::move(job), rec);
        break;
    case RetryAction::Fail:
        onFail(std::move(job), d, rec, t);
        break;
    }
}

void Router::Private::onRequeue(JobPtr job, DeploymentState &d, const ParsedReply &reply, const CallRecord &rec, qint64 t)
{
    // A 429 or an overload cools the deployment and puts the job back without spending a retry.
    const ErrorClass ec = rec.errorClass;
    const bool limited = ec == ErrorClass::RateLimited;
    if (limited) {
        ++d.stats.http429;
        ++total429;
    }
    ++d.stats.consecutiveRateLimited;
    std::optional<qint64> reset;
    for (const auto &r : {reply.limits.resetRequestsMs, reply.limits.resetTokensMs, reply.limits.resetInputTokensMs,
                          reply.limits.resetOutputTokensMs})
        if (r && (!reset || *r > *reset))
            reset = r;
    const qint64 block = retry.rateLimitBlockMs(reply.limits.retryAfterMs, limited ? reset : std::nullopt,
                                                d.stats.consecutiveRateLimited);
    d.limits->blockUntil(t + block + marginMs);
    noteEvent(QStringLiteral("%1: %2, paused for %3 s").arg(d.dep.id, limited ? u"HTTP 429"_qs : u"overloaded"_qs)
                  .arg(double(block + marginMs) / 1000.0, 0, 'f', 1));
    if (++job->requeues > kMaxRequeues) {
        failJob(std::move(job), ec, QStringLiteral("rate limited %1 times in a row: %2").arg(kMaxRequeues).arg(rec.errorMessage));
        return;
    }
    requeueFront(std::move(job));
}

void Router::Private::onRetry(JobPtr job, DeploymentState &d, const ParsedReply &reply, const CallRecord &rec, qint64 t)
{
    ++job->retriesUsed;
    ++d.stats.retries;
    ++totalRetries;
    recordFailure(d, t, rec.errorMessage);
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    const int retriesUsed = job->retriesUsed;
    delay(std::move(job), t + retry.backoffMs(retriesUsed - 1, u, reply.limits.retryAfterMs));
}

void Router::Private::onContextFallback(JobPtr job, const CallRecord &rec)
{
    const QString origin = job->triedGroups.isEmpty() ? job->group : job->triedGroups.first();
    QStringList cands = models.router.contextWindowFallbacks.value(job->group);
    if (job->group != origin)
        cands << models.router.contextWindowFallbacks.value(origin);
    if (!moveToFallback(job, cands, QStringLiteral("context window exceeded")))
        failJob(std::move(job), rec.errorClass,
                rec.errorMessage.isEmpty() ? QStringLiteral("prompt exceeds the context window") : rec.errorMessage);
}

void Router::Private::onFail(JobPtr job, DeploymentState &d, const CallRecord &rec, qint64 t)
{
    const ErrorClass ec = rec.errorClass;
    if (ec == ErrorClass::Auth) {
        d.dead = true;
        d.unusableReason = QStringLiteral("authentication failed: %1").arg(rec.errorMessage);
        noteEvent(QStringLiteral("%1: authentication failed, deployment disabled for this run").arg(d.dep.id));
    } else if (ec == ErrorClass::BudgetExceeded) {
        d.failures.coolFor(t, kSpendCapCooldownMs);
        d.coolingAnnounced = true;
        d.unusableReason = QStringLiteral("provider spend limit reached");
        noteEvent(QStringLiteral("%1: provider spend limit reached, cooling down for %2 min")
                      .arg(d.dep.id)
                      .arg(kSpendCapCooldownMs / 60'000));
    } else if (ec == ErrorClass::Transient) {
        recordFailure(d, t, std::nullopt);
        // Retries spent on this group: its fallbacks may still answer.
        if (moveToFallback(job, models.router.fallbacks.value(job->group),
                           QStringLiteral("%1 retries failed").arg(retry.numRetries)))
            return;
    }
    if (ec == ErrorClass::Transient) {
        const int attempts = job->attempts;
        failJob(std::move(job), ec, QStringLiteral("failed after %1 attempts: %2").arg(attempts).arg(rec.errorMessage));
    } else
        failJob(std::move(job), ec, rec.errorMessage.isEmpty() ? errorClassName(ec) : rec.errorMessage);
}

void Router::Private::recordFailure(DeploymentState &d, qint64 t, const std::optional<QString> &lastError)
{
    ++d.stats.failures;
    if (!d.failures.recordFailure(t))
        return;
    d.coolingAnnounced = true;
    d.unusableReason = QStringLiteral("cooling down after %1 failures").arg(models.router.allowedFails);
    QString message = QStringLiteral("%1: cooling down for %2 s after %3 failures within a minute")
                          .arg(d.dep.id)
                          .arg(models.router.cooldownSeconds)
                          .arg(models.router.allowedFails);
    if (lastError)
        message += QStringLiteral(" (last: %1)").arg(*lastError);
    noteEvent(message);
}

void Router::Private::finishJob(JobPtr job, JobOutcome o)
{
    o.jobId = job->job.id;
    o.deploymentId = job->lastDeployment;
    o.provider = job->lastProvider;
    o.attempts = job->attempts;
    if (!o.ok && o.errorClass == ErrorClass::None && !o.budgetStopped && !o.cancelled)
        o.errorClass = job->lastClass;
    job.reset();
    emit q->jobFinished(o);
}

void Router::Private::failJob(JobPtr job, ErrorClass c, const QString &message)
{
    JobOutcome o;
    o.ok = false;
    o.errorClass = c;
    o.error = message;
    finishJob(std::move(job), std::move(o));
}

void Router::Private::budgetStopJob(JobPtr job)
{
    JobOutcome o;
    o.budgetStopped = true;
    o.error = QStringLiteral("not dispatched: the budget could be exceeded");
    finishJob(std::move(job), std::move(o));
}

void Router::Private::drainQueued(bool budget)
{
    std::vector<JobPtr> jobs;
    for (auto &[group, queue] : queues) {
        std::move(queue.begin(), queue.end(), std::back_inserter(jobs));
        queue.clear();
    }
    for (auto &e : delayed)
        jobs.push_back(std::move(e.second));
    delayed.clear();
    queuedCount = 0;
    if (budget) {
        budgetStopped = true;
        dropSharedPending(true);
    }
    for (JobPtr &job : jobs) {
        if (budget) {
            budgetStopJob(std::move(job));
        } else {
            JobOutcome o;
            o.cancelled = true;
            o.error = QStringLiteral("cancelled");
            finishJob(std::move(job), std::move(o));
        }
    }
}

void Router::Private::maybeIdle()
{
    if (busy && queuedCount == 0 && delayed.empty() && inFlight.empty() && sharedPending.empty()) {
        busy = false;
        emit q->idle();
    }
}

void Router::Private::noteEvent(const QString &message)
{
    qCInfo(lcRouter).noquote() << message;
    emit q->event(message);
}

// ===== public ================================================================================

namespace {
/// router_settings.http_client, unless DISCERNUS_HTTP_CLIENT (qt | builtin) says otherwise.
bool usesQtClient(RouterSettings::HttpClient fromFile)
{
    const QByteArray env = qgetenv("DISCERNUS_HTTP_CLIENT").trimmed().toLower();
    if (env == "qt")
        return true;
    if (env == "builtin")
        return false;
    if (!env.isEmpty())
        qCWarning(lcRouter).noquote() << "DISCERNUS_HTTP_CLIENT must be qt or builtin, not" << env << "- ignored";
    return fromFile == RouterSettings::HttpClient::Qt;
}
} // namespace

Router::Router(ModelList models, RouterOptions options, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(this))
{
    qRegisterMetaType<wb::CallRecord>();
    qRegisterMetaType<wb::JobOutcome>();
    qRegisterMetaType<wb::RouterSnapshot>();
    d->models = std::move(models);
    d->options = std::move(options);
    d->clock.start();
    d->wakeTimer = new QTimer(this);
    d->wakeTimer->setSingleShot(true);
    // Precise: a wake-up exactly when a window frees up is the whole point.
    d->wakeTimer->setTimerType(Qt::PreciseTimer);
    connect(d->wakeTimer, &QTimer::timeout, this, [this] { d->dispatch(); });
    d->deadlines = new CallDeadlines(this);
    d->build();
    if (d->options.shared)
        d->options.shared->setEventSink([this](const QString &m) { d->noteEvent(m); });
    // Qt's client: the connection pool's QNetworkAccessManager path (docs/ARCHITECTURE.md, "CPU per call").
    if (usesQtClient(d->models.router.httpClient))
        d->connections.setFactory([](QObject *owner) { return new QNetworkAccessManager(owner); });
}

Router::~Router()
{
    if (d->options.shared)
        d->options.shared->setEventSink({});
    // Aborting is quiet (no finished signal); the jobs go with their owners.
    for (auto &[call, c] : d->inFlight)
        call->abort();
    d->inFlight.clear();
}

void Router::submit(const RouterJob &job)
{
    auto js = std::make_unique<JobState>();
    js->job = job;
    js->group = job.group;
    js->triedGroups << job.group;
    js->chars = requestChars(job.request);
    d->busy = true;
    if (!d->groupDeps.contains(job.group)) {
        d->failJob(std::move(js), ErrorClass::Fatal, QStringLiteral("unknown model group %1").arg(job.group));
        d->scheduleDispatch();   // for idle()
        return;
    }
    if (d->budgetStopped) {
        d->budgetStopJob(std::move(js));
        d->scheduleDispatch();
        return;
    }
    d->queues[job.group].push_back(std::move(js));
    ++d->unsortedTail[job.group];
    ++d->queuedCount;
    d->scheduleDispatch();
}

void Router::pause()
{
    d->paused = true;
    d->wakeTimer->stop();
}

void Router::resume()
{
    d->paused = false;
    d->scheduleDispatch();
}

void Router::cancelAll()
{
    // In-flight calls are aborted quietly; a request that already left may still be billed, so its
    // worst-case reservation is booked as spent (never under-count against a budget) and recorded
    // as an attempt, so the calls table, the spend and the summary agree.
    std::vector<std::pair<RouterCall *, InFlightCall>> calls(std::make_move_iterator(d->inFlight.begin()),
                                                             std::make_move_iterator(d->inFlight.end()));
    d->inFlight.clear();
    d->heldParts.clear();   // no call in flight counts any part now
    for (auto &[call, c] : calls) {
        const bool sent = call->wasSent();
        call->abort();
        DeploymentState &dep = *d->deps[c.dep];
        --dep.inFlight;
        if (c.probe)
            dep.probeInFlight = false;
        dep.limits->release(c.admission);
        d->connections.release(c.nam, c.hostKey);
        if (d->options.shared && !c.sharedTicket.isEmpty())
            d->options.shared->settle(c.sharedTicket, SharedSettlement{{}, {}, 0, sent ? c.reservedMicros : 0});
        d->reserved -= c.reservedMicros;
        const qint64 booked = sent ? c.reservedMicros : 0;
        if (d->options.budget)
            d->options.budget->settleBounded(c.reservedMicros, c.boundMicros, booked);
        dep.stats.spendMicros += booked;
        d->totalSpend += booked;
        CallRecord rec;
        rec.jobId = c.job->job.id;
        rec.deploymentId = dep.dep.id;
        rec.provider = dep.dep.provider;
        rec.group = c.job->group;
        rec.costMicros = booked;
        rec.latencyMs = d->now() - c.startMs;
        rec.errorClass = ErrorClass::Transient;
        rec.errorMessage = sent ? QStringLiteral("cancelled by the user after the request was sent (booked at its worst case)")
                                : QStringLiteral("cancelled by the user before the request was sent");
        rec.startedAt = c.startedAt;
        emit callFinished(rec);
        JobOutcome o;
        o.cancelled = true;
        o.error = QStringLiteral("cancelled");
        d->finishJob(std::move(c.job), std::move(o));
    }
    d->dropSharedPending(false);
    d->drainQueued(false);
    d->wakeTimer->stop();
    d->maybeIdle();
}

void Router::drainForBudget()
{
    if (!d->budgetSignalled) {
        d->budgetSignalled = true;
        emit budgetExhausted();
    }
    d->drainQueued(true);
    d->maybeIdle();
}

RouterSnapshot Router::snapshot() const
{
    RouterSnapshot s;
    const qint64 t = d->now();
    s.deployments.reserve(int(d->deps.size()));
    for (const auto &dp : d->deps) {
        DeploymentState &x = *dp;
        DeploymentSnapshot ds;
        ds.id = x.dep.id;
        ds.group = x.dep.modelName;
        ds.provider = x.dep.provider;
        ds.windowKey = x.windowKey;
        // A pool never shown apart is remembered too (it is the safe assumption next time).
        if (d->pools->confirmed(x.member) || (d->pools->suspected(x.member) && x.windowKey.startsWith(u"learned:")))
            ds.learnedPool = x.windowKey;
        ds.rpmUsed = x.limits->used(LimitState::Rpm, t);
        ds.rpmLimit = x.limits->effective(LimitState::Rpm).value_or(0);
        ds.tpmUsed = x.limits->used(LimitState::Tpm, t);
        ds.tpmLimit = x.limits->effective(LimitState::Tpm).value_or(0);
        ds.itpmUsed = x.limits->used(LimitState::Itpm, t);
        ds.itpmLimit = x.limits->effective(LimitState::Itpm).value_or(0);
        ds.otpmUsed = x.limits->used(LimitState::Otpm, t);
        ds.otpmLimit = x.limits->effective(LimitState::Otpm).value_or(0);
        ds.rpmLearned = x.limits->observed(LimitState::Rpm).value_or(0);
        ds.tpmLearned = x.limits->observed(LimitState::Tpm).value_or(0);
        ds.itpmLearned = x.limits->observed(LimitState::Itpm).value_or(0);
        ds.otpmLearned = x.limits->observed(LimitState::Otpm).value_or(0);
        // A key whose refusals named nothing is remembered at what it was seen to accept: the
        // next run admits within that and sends no probe (docs/ARCHITECTURE.md, "Refusals that
        // name nothing").
        if (x.slowStart->bounds().learning() && !x.limits->anyConfigured()) {
            const RefusalBounds::Point p = x.slowStart->bounds().proven();
            if (ds.rpmLearned == 0)
                ds.rpmLearned = p.requests;
            qint64 &tokens = x.rule == CountingRule::Anthropic ? ds.itpmLearned : ds.tpmLearned;
            if (tokens == 0)
                tokens = p.tokens;
        } else if (!x.limits->anyConfigured() && exploring(*x.limits, x.rule)) {
            // A limit it refuses on is still unknown (Gemini's rpm, which no header tells): what
            // its window was seen to hold is a floor the next run's slow start sends within.
            const RefusalBounds::Point p = x.slowStart->bounds().proven();
            ds.acceptedRequests = p.requests;
            ds.acceptedTokens = p.tokens;
        }
        ds.inFlight = x.inFlight;
        ds.maxParallel = x.maxParallel;
        ds.http429 = x.stats.http429;
        ds.retries = x.stats.retries;
        ds.failures = x.stats.failures;
        ds.calls = x.stats.calls;
        ds.spendMicros = x.stats.spendMicros;
        ds.coolingDown = x.dead || x.failures.coolingDown(t);
        ds.cooldownRemainingS = x.dead ? -1.0 : std::max<qint64>(0, x.failures.cooldownUntil() - t) / 1000.0;
        ds.latencyMsEwma = x.stats.latencyMsEwma;
        const auto [reason, until] = d->waitReason(x, t);
        ds.waitReason = reason;
        ds.waitUntilMs = until == kNever || until <= 0 ? 0 : d->wallMs(until);
        if (const Private::DailyUse *use = d->dailyOf(x)) {
            ds.rpdLimit = use->rpd.value_or(0);
            ds.tpdLimit = use->tpd.value_or(0);
            ds.dailyUse = DailyQuotaUse{use->requests, use->tokens, QDateTime::fromMSecsSinceEpoch(use->resetsAtWall, Qt::UTC)};
        }
        // A provider's refusal is remembered; a stated quota is kept by remembering the day's use
        // (the model list may state another quota next time).
        if (t < x.quotaUntil && x.quotaUntilWall.isValid() && !x.quotaStated)
            ds.exhausted = ExhaustedQuota{x.quotaUntilWall, x.quotaWhat, x.quotaDaily};
        if (x.limits->chargeLearned()) {
            ds.learnedCounting.admitLarger = x.limits->admitsLargerOfPromptAndMax();
            ds.learnedCounting.admitPromptOnly = x.limits->admitsPromptOnly();
            if (const auto m = x.limits->chargeModel())
                ds.learnedCounting.settledToUsage = *m == ChargeModel::SettledToUsage;
            ds.learnedCounting.countersAtAdmission = x.limits->readsCountersAtAdmission();
        }
        if (x.limits->algorithmLearned())
            ds.learnedCounting.bucket = x.limits->algorithm() == LimitAlgorithm::TokenBucket;
        if (x.limits->spread() > 0)
            ds.learnedCounting.spread = x.limits->spread();
        s.deployments.append(ds);
        s.inFlight += x.inFlight;
    }
    for (const auto &[group, queue] : d->queues)
        s.queueDepth[group] = int(queue.size());
    for (const auto &e : d->delayed)
        s.queueDepth[e.second->group] += 1;
    s.http429 = d->total429;
    s.retries = d->totalRetries;
    s.fallbacks = d->totalFallbacks;
    s.calls = d->totalCalls;
    s.spendMicros = d->totalSpend;
    s.reservedMicros = d->reserved;
    s.paused = d->paused;
    s.sharedLimits = d->options.shared != nullptr;
    s.sharedLimitsDown = s.sharedLimits && !d->options.shared->available();
    if (d->wakeTimer->isActive())
        s.nextWakeS = d->wakeTimer->remainingTime() / 1000.0;
    return s;
}

int Router::pendingJobs() const
{
    return d->queuedCount + int(d->delayed.size()) + int(d->inFlight.size()) + int(d->sharedPending.size());
}

void Router::setNetworkAccessManagerFactory(std::function<QNetworkAccessManager *(QObject *)> factory)
{
    d->connections.setFactory(std::move(factory));
}

void Router::setRetryPolicy(const RetryPolicy &policy)
{
    const int n = d->retry.numRetries;
    d->retry = policy;
    d->retry.numRetries = n;
}

void Router::setWindowForTesting(qint64 windowMs, qint64 safetyMarginMs)
{
    d->windowMs = windowMs;
    d->marginMs = safetyMarginMs;
    d->rebuildWindows();
}

int Router::networkManagerCount() const
{
    return d->connections.size();
}

void Router::setBeforeDispatch(std::function<void()> hook)
{
    d->beforeDispatch = std::move(hook);
}

} // namespace wb
