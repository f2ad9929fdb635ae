#pragma once
// The router's hook for rate windows and a budget shared with other processes
// (docs/ARCHITECTURE.md, "Shared limits in Redis"). The router still admits against its own
// LimitState first (its own calls only); a call it would admit is then asked of the shared store,
// which checks and reserves every dimension and the budget in one atomic step, and answers
// asynchronously. Implementations: core/redis (RedisSharedLimits).
#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace wb {

/// One call's request for shared admission.
struct SharedCharge {
    QByteArray pool;               ///< who the provider counts: a hash of provider, base URL and key (never the key)
    QString label;                 ///< the deployments that share the pool, for gauges (never the key)
    bool bucket = false;           ///< continuously refilled bucket instead of a sliding window
    qint64 windowMs = 60'000;      ///< window length (bucket: time to refill from empty)
    qint64 leaseMs = 0;            ///< how long holds live without a settlement (a dead process leaks nothing)
    qint64 requests = 1, tokens = 0, inputTokens = 0;   ///< rpm, tpm, itpm charged at admission
    qint64 outputReserve = 0;      ///< otpm held while in flight
    qint64 limits[4] = {0, 0, 0, 0};   ///< rpm, tpm, itpm, otpm in force; 0 = none known
    qint64 budgetEstimateMicros = 0, budgetBoundMicros = 0;   ///< worst cases (LedgerBudget::reserveBounded)
};

struct SharedVerdict {
    enum class Kind {
        Admitted,
        Wait,              ///< a shared window or bucket is full: ask again after waitMs
        BudgetWait,        ///< other calls hold the budget: ask again after waitMs
        BudgetExhausted,   ///< nothing in flight anywhere and the call's worst case does not fit
        Never,             ///< larger than a limit on its own
    };
    Kind kind = Kind::Wait;
    QString ticket;                ///< Admitted: settle or release it exactly once
    qint64 heldMicros = 0;         ///< Admitted: budget held for it
    qint64 waitMs = 0;
    int dim = -1;                  ///< Wait: the dimension (0 rpm .. 3 otpm) that frees last
};

/// What a reply settles (see core/limits/countingrule.h, Settlement).
struct SharedSettlement {
    std::optional<qint64> tokens, inputTokens;
    qint64 outputTokens = 0;
    qint64 costMicros = 0;         ///< booked against the shared budget
};

class SharedAdmission {
public:
    virtual ~SharedAdmission() = default;
    /// Asks for admission; `done` runs later on the caller's thread (never inside admit()), and
    /// not at all once `context` is destroyed. While the store is unreachable the request waits
    /// for it to come back (admission pauses; nothing is refused on that account).
    virtual void admit(const SharedCharge &charge, QObject *context, std::function<void(const SharedVerdict &)> done) = 0;
    /// The reply arrived: settle the charges to usage, book the cost, release the holds.
    virtual void settle(const QString &ticket, const SharedSettlement &s) = 0;
    /// The request reached the provider late: its charges count from now.
    virtual void restamp(const QString &ticket) = 0;
    /// A reply's rate-limit headers: the provider counts `limit - remaining` now, until `resetMs`.
    virtual void reconcile(const QByteArray &pool, int dim, qint64 limit, qint64 remaining, qint64 resetMs,
                           qint64 threshold) = 0;
    /// False while the store is unreachable (the monitor shows it).
    virtual bool available() const = 0;
    /// Where the state lives, for messages ("redis 127.0.0.1:6379").
    virtual QString describe() const = 0;
    /// Messages for the run's event log (lost, reconnected).
    virtual void setEventSink(std::function<void(const QString &)> sink) = 0;
};

} // namespace wb
