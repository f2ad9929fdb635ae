#pragma once
// The rate-limit-aware router (docs/ARCHITECTURE.md). Lives on the engine thread.
#include "core/config/modellist.h"
#include "core/router/retrypolicy.h"
#include "core/router/routertypes.h"

#include <QObject>
#include <algorithm>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace wb {

class AccessTokens;
class PriceTable;
class SharedAdmission;
class TokenEstimator;

/// Worst-case reservation against a budget. Implementations persist
/// the spend ledger; the router only asks and settles. All amounts are micro-dollars.
class BudgetGuard {
public:
    virtual ~BudgetGuard() = default;
    /// Reserve before dispatch; false = would pass the cap, do not dispatch.
    virtual bool reserve(qint64 micros) = 0;
    /// Release a reservation and book the actual cost.
    virtual void settle(qint64 reservedMicros, qint64 actualMicros) = 0;
    /// Reserve a call whose provider count may exceed our estimate: `estimateMicros` is its worst
    /// case at the estimated prompt, `boundMicros` at the hard token bound (core/pricing/tokenbound.h).
    /// Returns the amount held (what an unmeasured reply is booked at), or -1 = do not dispatch.
    /// The default holds the bound.
    virtual qint64 reserveBounded(qint64 estimateMicros, qint64 boundMicros)
    {
        const qint64 hold = std::max(estimateMicros, boundMicros);
        return reserve(hold) ? hold : -1;
    }
    /// Releases a reserveBounded() reservation and books the actual cost.
    virtual void settleBounded(qint64 heldMicros, qint64 boundMicros, qint64 actualMicros)
    {
        Q_UNUSED(boundMicros);
        settle(heldMicros, actualMicros);
    }
};

struct RouterOptions {
    /// deployment id -> resolved API key (kept in memory only)
    QHash<QString, QString> apiKeys;
    /// OAuth tokens of the deployments that use them (vertex_ai), read at each dispatch so a
    /// refreshed token is used from the next call on; may be null.
    std::shared_ptr<const AccessTokens> accessTokens;
    std::shared_ptr<const PriceTable> prices;          ///< may be null: cost 0
    std::shared_ptr<TokenEstimator> tokens;            ///< may be null: chars/4
    BudgetGuard *budget = nullptr;                     ///< may be null: no budget
    /// Windows and budget shared with other processes (core/router/sharedadmission.h); may be null.
    SharedAdmission *shared = nullptr;
    quint64 shuffleSeed = 0;                           ///< deterministic simple-shuffle in tests
    /// deployment id -> limits an earlier run learned from the provider: where the model list
    /// states none, the deployment starts with them as if its provider had just announced them
    /// (no probe, no slow start); the provider's headers and refusals correct them.
    QHash<QString, RateLimits> rememberedLimits;
    /// deployment id -> the provider pool an earlier run learned it shares with the other
    /// deployments of the same name here (docs/ARCHITECTURE.md, "Pools nobody configured"):
    /// they start admitted as one pool; their counters can still show them apart.
    QHash<QString, QString> rememberedPools;
    /// deployment id -> what its key used of the model list's rpd/tpd today, as an earlier run
    /// left it; used only before that day's reset.
    QHash<QString, DailyQuotaUse> rememberedDailyUse;
    /// deployment id -> a daily or spend quota an earlier run was refused on: the deployment starts
    /// parked until then, and its jobs go to the group's others.
    QHash<QString, ExhaustedQuota> rememberedQuotas;
    /// deployment id -> how an earlier run saw the provider count its key (admission, settlement,
    /// refill): its window starts so; the counters can still teach otherwise. A limit_algorithm
    /// the model list states wins.
    QHash<QString, LearnedCounting> rememberedCounting;
    /// deployment id -> the most requests and tokens (tpm; Anthropic itpm) one window of its key
    /// was seen to hold with every call accepted, while a limit its provider refuses on stayed
    /// unknown: the slow start sends within that at once (docs/ARCHITECTURE.md, "Slow start and
    /// learned limits"). Used only where the model list states no rate limit.
    QHash<QString, std::pair<qint64, qint64>> rememberedAccepted;
};

class Router final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Router)
public:
    Router(ModelList models, RouterOptions options, QObject *parent = nullptr);
    ~Router() override;

    /// Queues a job; returns at once. Exactly one jobFinished follows per job.
    void submit(const RouterJob &job);
    /// Stop dispatching new calls (in-flight ones finish).
    void pause();
    void resume();
    /// Fail every queued job with cancelled=true and abort in-flight calls.
    void cancelAll();
    /// Budget ran out: queued jobs finish with budgetStopped=true.
    void drainForBudget();

    /// Cheap (no allocation beyond the lists); call on the router's thread, e.g. from another
    /// thread via QMetaObject::invokeMethod(router, &Router::snapshot, Qt::BlockingQueuedConnection, &snap).
    RouterSnapshot snapshot() const;
    int pendingJobs() const;       ///< queued + in flight

    /// For tests/benchmarks: use this manager instead of the router's own pool.
    /// The factory creates every member of the connection pool (the router adds a manager
    /// whenever all existing ones already have 6 calls in flight to a host).
    void setNetworkAccessManagerFactory(std::function<QNetworkAccessManager *(QObject *)> factory);

    /// Back-off delays (num_retries still comes from router_settings). Mainly for tests.
    void setRetryPolicy(const RetryPolicy &policy);
    /// Test hook: the sliding-window length (60 s) and the safety margin (200 ms) added after
    /// each window charge expires and each retry-after, so clock skew between us and the
    /// provider never turns into a 429. Call before the first submit().
    void setWindowForTesting(qint64 windowMs, qint64 safetyMarginMs);
    /// Number of QNetworkAccessManagers in the connection pool (tests, monitor).
    int networkManagerCount() const;
    /// Called on the router's thread at the start of every dispatch round, before any call of that
    /// round is sent: the runner commits the replies received since the previous round there, so a
    /// paid reply is durable before the next call is bought, in one transaction per round
    /// (docs/FORMATS.md, "Durability"). The hook may pause() the router (a failed write).
    void setBeforeDispatch(std::function<void()> hook);

signals:
    void callFinished(const wb::CallRecord &call);
    /// Right after callFinished, with what was asked and answered, for tracing (core/telemetry).
    /// Connect directly (same thread): the references live only during the emission.
    void callTraced(const wb::CallRecord &call, const wb::ChatRequest &request, const QString &replyText);
    void jobFinished(const wb::JobOutcome &outcome);
    void idle();                   ///< nothing queued or in flight
    void budgetExhausted();
    void event(const QString &message);   ///< human-readable: cooldowns, fallbacks, learned limits

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace wb

Q_DECLARE_METATYPE(wb::CallRecord)
Q_DECLARE_METATYPE(wb::JobOutcome)
Q_DECLARE_METATYPE(wb::RouterSnapshot)
