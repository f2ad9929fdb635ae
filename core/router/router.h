#pragma once
// The rate-limit-aware router (DESIGN §7). Lives on the engine thread.
#include "core/config/modellist.h"
#include "core/router/routertypes.h"

#include <QObject>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace wb {

class PriceTable;
class TokenEstimator;

/// Worst-case reservation against a budget (DESIGN §7, issue 3). Implementations persist
/// the spend ledger; the router only asks and settles. All amounts are micro-dollars.
class BudgetGuard {
public:
    virtual ~BudgetGuard() = default;
    /// Reserve before dispatch; false = would pass the cap, do not dispatch.
    virtual bool reserve(qint64 micros) = 0;
    /// Release a reservation and book the actual cost.
    virtual void settle(qint64 reservedMicros, qint64 actualMicros) = 0;
};

struct RouterOptions {
    /// deployment id -> resolved API key (kept in memory only)
    QHash<QString, QString> apiKeys;
    std::shared_ptr<const PriceTable> prices;          ///< may be null: cost 0
    std::shared_ptr<TokenEstimator> tokens;            ///< may be null: chars/4
    BudgetGuard *budget = nullptr;                     ///< may be null: no budget
    quint64 shuffleSeed = 0;                           ///< deterministic simple-shuffle in tests
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

    RouterSnapshot snapshot() const;
    int pendingJobs() const;       ///< queued + in flight

    /// For tests/benchmarks: use this manager instead of the router's own pool.
    void setNetworkAccessManagerFactory(std::function<QNetworkAccessManager *(QObject *)> factory);

signals:
    void callFinished(const wb::CallRecord &call);
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
