#pragma once
// Rate windows, buckets and budget holds shared by every process that names the same Redis
// (docs/ARCHITECTURE.md, "Shared limits in Redis"): the SharedAdmission the router consults.
// Each admission, settlement and reconciliation is one Lua script (core/redis/redisscripts.h);
// every hold carries an expiry, so a process that dies leaks no capacity. What this process
// still counts is kept locally too and put back if the server comes back without its data.
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/router/sharedadmission.h"

#include <QElapsedTimer>
#include <QObject>
#include <functional>
#include <map>
#include <unordered_map>

namespace wb {

namespace redis {
class RedisClient;
}

/// The budget several processes share: the same cap and period over the same keys.
struct SharedBudgetSettings {
    qint64 capMicros = -1;          ///< -1 = no cap: no budget in Redis
    qint64 spentBeforeMicros = 0;   ///< this process's ledger for the period before the run
    qint64 periodSeconds = 0;       ///< budget_duration; 0 = lifetime
    QByteArray id;                  ///< who shares it (a hash; see RunSetup)
};

class RedisSharedLimits final : public QObject, public SharedAdmission {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisSharedLimits)
public:
    explicit RedisSharedLimits(const RouterSettings::RedisEndpoint &endpoint, QObject *parent = nullptr);
    ~RedisSharedLimits() override;

    /// Before start(): the shared budget (LedgerBudget's worst-case rule, evaluated in Redis).
    void setBudget(const SharedBudgetSettings &budget);
    /// Connects. `done` (on this thread, later) gets an error naming the address when the server
    /// cannot be reached or refuses, or success once the scripts are loaded and the budget seeded.
    void start(std::function<void(Result<void>)> done);
    /// The shared spend of the period as last seen (seeded at start), micro-dollars.
    qint64 sharedSpendMicros() const { return m_sharedSpend; }
    redis::RedisClient &client() { return *m_client; }
    /// This process's name in Redis (tickets and its budget field).
    QByteArray processId() const { return m_proc; }

    void admit(const SharedCharge &charge, QObject *context, std::function<void(const SharedVerdict &)> done) override;
    void settle(const QString &ticket, const SharedSettlement &s) override;
    void restamp(const QString &ticket) override;
    void reconcile(const QByteArray &pool, int dim, qint64 limit, qint64 remaining, qint64 resetMs,
                   qint64 threshold) override;
    bool available() const override;
    QString describe() const override;
    void setEventSink(std::function<void(const QString &)> sink) override { m_sink = std::move(sink); }

    /// The nine keys a pool script takes (core/redis/redisscripts.h).
    QList<QByteArray> keysFor(const QByteArray &pool) const;

private:
    /// What this process still counts for one ticket, to put back after the server lost it.
    struct Held {
        QByteArray pool;
        bool bucket = false;
        qint64 windowMs = 0;
        qint64 limits[4] = {0, 0, 0, 0};
        qint64 amounts[4] = {0, 0, 0, 0};
        qint64 windowUntil = 0;        // local clock
        qint64 outputHeld = 0, leaseUntil = 0;
        qint64 budgetHeld = 0, budgetBound = 0;
    };
    qint64 now() const { return m_clock.elapsed(); }
    void handshake();
    void note(const QString &message);
    void pruneJournal();
    /// Names the pool, its window and limits in the registry the gauges read, when they changed.
    void describePool(const SharedCharge &c);
    QList<QByteArray> evalArgs(int script, const QByteArray &pool) const;
    qint64 budgetTtlMs() const;
    /// Seeds the shared budget with this process's ledger and what it booked (idempotent).
    QList<QByteArray> seedArgs() const;

    RouterSettings::RedisEndpoint m_endpoint;
    redis::RedisClient *m_client = nullptr;
    SharedBudgetSettings m_budget;
    QByteArray m_budgetKey;
    QByteArray m_proc;
    quint64 m_seq = 0;
    QElapsedTimer m_clock;
    std::unordered_map<QString, Held> m_journal;
    std::map<QByteArray, std::pair<bool, qint64>> m_pools;   // pool -> bucket?, window ms
    std::map<QByteArray, QByteArray> m_described;           // pool -> what kPoolRegistryKey says of it
    std::function<void(const QString &)> m_sink;
    qint64 m_sharedSpend = 0;
    qint64 m_booked = 0;               // cost this process booked through Redis
    qint64 m_lostAt = -1;
    int m_sinceJournalPrune = 0;
};

} // namespace wb
