#include "core/redis/redissharedlimits.h"

#include "core/common/logging.h"
#include "core/redis/redisclient.h"
#include "core/redis/redisscripts.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRandomGenerator>

namespace wb {

using redis::Reply;
using redis::Script;

namespace {

QByteArray num(qint64 v)
{
    return QByteArray::number(v);
}

// LedgerBudget::kFarFactor: far from the cap a call holds its estimate, near it its bound.
constexpr qint64 kFarFactor = 4;
// A shared bucket admits a call only when this much more refill is there too: a call that reaches
// the provider up to this long after the others (a new connection, a busy machine) still finds
// its token. It costs a burst one call at most; the steady rate is unchanged.
constexpr qint64 kBucketLagMs = 500;

} // namespace

RedisSharedLimits::RedisSharedLimits(const RouterSettings::RedisEndpoint &endpoint, QObject *parent)
    : QObject(parent), m_endpoint(endpoint)
{
    m_clock.start();
    m_client = new redis::RedisClient(endpoint.host, endpoint.port, endpoint.password, endpoint.db, this);
    m_proc = QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    m_client->setHandshake([this] { handshake(); });
    connect(m_client, &redis::RedisClient::lost, this, [this](const QString &why) {
        m_lostAt = now();
        note(QStringLiteral("shared limits: %1; admission paused, reconnecting").arg(why));
    });
    connect(m_client, &redis::RedisClient::connected, this, [this] {
        m_described.clear();   // a server back without its data has lost the registry too
        if (m_lostAt < 0)
            return;
        note(QStringLiteral("shared limits: Redis at %1 is back after %2 s; admission resumes")
                 .arg(m_endpoint.address())
                 .arg(double(now() - m_lostAt) / 1000.0, 0, 'f', 1));
        m_lostAt = -1;
    });
}

RedisSharedLimits::~RedisSharedLimits() = default;

void RedisSharedLimits::setBudget(const SharedBudgetSettings &budget)
{
    m_budget = budget;
    if (m_budget.capMicros < 0)
        return;
    // Fixed periods of budget_duration from the epoch, so every process finds the same key.
    const qint64 period = m_budget.periodSeconds > 0 ? QDateTime::currentSecsSinceEpoch() / m_budget.periodSeconds : 0;
    m_budgetKey = "wb:budget:{" + m_budget.id + "}:" + num(period);
}

qint64 RedisSharedLimits::budgetTtlMs() const
{
    return m_budget.periodSeconds > 0 ? m_budget.periodSeconds * 1000 + 3'600'000 : 0;
}

QList<QByteArray> RedisSharedLimits::keysFor(const QByteArray &pool) const
{
    const QByteArray p = "wb:{" + pool + "}:";
    const QByteArray b = m_budgetKey.isEmpty() ? p + "nobudget" : m_budgetKey;
    return {p + "w", p + "c", p + "s", p + "h", p + "ha", p + "b", b, b + ":h", b + ":ha"};
}

QList<QByteArray> RedisSharedLimits::evalArgs(int script, const QByteArray &pool) const
{
    QList<QByteArray> a{QByteArrayLiteral("EVALSHA"), redis::scriptSha(Script(script)), QByteArrayLiteral("9")};
    a << keysFor(pool);
    return a;
}

void RedisSharedLimits::start(std::function<void(Result<void>)> done)
{
    auto finished = std::make_shared<bool>(false);
    auto once = [done, finished](Result<void> r) {
        if (*finished)
            return;
        *finished = true;
        done(std::move(r));
    };
    connect(m_client, &redis::RedisClient::failed, this, [once](const QString &why) {
        once(std::unexpected(Error{why}));
    });
    // The first reply proves the connection, the password and the scripts.
    connect(m_client, &redis::RedisClient::connected, this, [this, once] {
        m_client->command(seedArgs(), [this, once](const Reply &r) {
            if (!r.ok)
                return once(std::unexpected(Error{QStringLiteral("Redis at %1: %2").arg(m_endpoint.address(), r.error)}));
            m_sharedSpend = r.integer;
            once({});
        });
    }, Qt::SingleShotConnection);
    m_client->open();
}

QList<QByteArray> RedisSharedLimits::seedArgs() const
{
    QList<QByteArray> args = evalArgs(int(Script::SeedBudget), QByteArrayLiteral("seed"));
    args << num(m_budget.spentBeforeMicros) << "p:" + m_proc << num(m_booked) << num(budgetTtlMs());
    return args;
}

void RedisSharedLimits::handshake()
{
    // Scripts are loaded on every connection: a restarted server has forgotten them.
    for (int s = 0; s < int(Script::Count); ++s)
        m_client->commandNow({QByteArrayLiteral("SCRIPT"), QByteArrayLiteral("LOAD"), redis::scriptText(Script(s))});
    if (m_budget.capMicros >= 0 && m_lostAt >= 0) {
        m_client->commandNow(seedArgs());
    }
    // Put back what we still count, in case the server lost it (a no-op for what it kept).
    pruneJournal();
    const qint64 t = now();
    for (const auto &[ticket, h] : m_journal) {
        QList<QByteArray> args = evalArgs(int(Script::Restore), h.pool);
        args << ticket.toUtf8() << num(std::max<qint64>(0, h.windowUntil - t))
             << num(h.amounts[0]) + ',' + num(h.amounts[1]) + ',' + num(h.amounts[2]) + ',' + num(h.amounts[3])
             << num(h.outputHeld) << num(std::max<qint64>(0, h.leaseUntil - t)) << num(h.budgetHeld)
             << num(h.budgetBound) << num(std::max<qint64>(0, h.leaseUntil - t)) << (h.bucket ? "1" : "0")
             << num(h.limits[0]) << num(h.limits[1]) << num(h.limits[2]) << num(h.limits[3]) << num(budgetTtlMs())
             << num(h.windowMs);
        m_client->commandNow(args);
    }
}

void RedisSharedLimits::pruneJournal()
{
    const qint64 t = now();
    for (auto it = m_journal.begin(); it != m_journal.end();) {
        if (it->second.windowUntil <= t && it->second.leaseUntil <= t)
            it = m_journal.erase(it);
        else
            ++it;
    }
}

void RedisSharedLimits::admit(const SharedCharge &c, QObject *context, std::function<void(const SharedVerdict &)> done)
{
    if (++m_sinceJournalPrune >= 512) {
        m_sinceJournalPrune = 0;
        pruneJournal();
    }
    const QString ticket = QString::fromLatin1(m_proc + ':' + num(qint64(++m_seq)));
    m_pools[c.pool] = {c.bucket, c.windowMs};
    describePool(c);
    const bool budget = m_budget.capMicros >= 0;
    QList<QByteArray> args = evalArgs(int(Script::Admit), c.pool);
    args << ticket.toLatin1() << num(c.windowMs) << num(c.leaseMs) << (c.bucket ? "1" : "0") << num(c.requests)
         << num(c.tokens) << num(c.inputTokens) << num(c.outputReserve) << num(c.limits[0]) << num(c.limits[1])
         << num(c.limits[2]) << num(c.limits[3]) << num(c.budgetEstimateMicros) << num(c.budgetBoundMicros)
         << num(budget ? m_budget.capMicros : -1) << num(kFarFactor) << num(budgetTtlMs()) << num(kBucketLagMs);
    QPointer<QObject> guard(context);
    m_client->command(args, [this, c, ticket, guard, done = std::move(done), budget](const Reply &r) {
        SharedVerdict v;
        if (!r.ok || r.array.size() < 4) {
            qCWarning(lcRouter).noquote() << "shared limits: admission script failed:" << r.error;
            v.kind = SharedVerdict::Kind::Wait;
            v.waitMs = 1'000;
        } else {
            switch (r.array[0]) {
            case 1: v.kind = SharedVerdict::Kind::Admitted; break;
            case 2: v.kind = SharedVerdict::Kind::BudgetWait; break;
            case 3: v.kind = SharedVerdict::Kind::BudgetExhausted; break;
            case 4: v.kind = SharedVerdict::Kind::Never; break;
            default: v.kind = SharedVerdict::Kind::Wait; break;
            }
            v.waitMs = r.array[1];
            v.dim = int(r.array[2]);
            v.heldMicros = r.array[3];
        }
        if (v.kind == SharedVerdict::Kind::Admitted) {
            v.ticket = ticket;
            Held h;
            h.pool = c.pool;
            h.bucket = c.bucket;
            h.windowMs = c.windowMs;
            std::copy(std::begin(c.limits), std::end(c.limits), std::begin(h.limits));
            h.amounts[0] = c.requests;
            h.amounts[1] = c.tokens;
            h.amounts[2] = c.inputTokens;
            h.windowUntil = now() + c.windowMs;
            h.outputHeld = c.outputReserve;
            h.leaseUntil = now() + c.leaseMs;
            if (budget) {
                h.budgetHeld = v.heldMicros;
                h.budgetBound = std::max(c.budgetEstimateMicros, c.budgetBoundMicros);
            }
            m_journal[ticket] = h;
        }
        if (guard)
            done(v);
        else if (v.kind == SharedVerdict::Kind::Admitted)
            settle(ticket, SharedSettlement{});   // nobody will send it
    });
}

void RedisSharedLimits::settle(const QString &ticket, const SharedSettlement &s)
{
    auto it = m_journal.find(ticket);
    if (it == m_journal.end())
        return;   // nothing this process holds any more (settled already)
    Held &h = it->second;
    QList<QByteArray> args = evalArgs(int(Script::Settle), h.pool);
    args << ticket.toLatin1() << num(h.windowMs) << (h.bucket ? "1" : "0") << num(s.tokens.value_or(-1))
         << num(s.inputTokens.value_or(-1)) << num(s.outputTokens) << num(s.costMicros) << "p:" + m_proc
         << num(h.limits[0]) << num(h.limits[1]) << num(h.limits[2]) << num(h.limits[3]);
    if (h.budgetBound > 0 && s.costMicros > 0)
        m_booked += s.costMicros;
    // The journal follows: settled amounts, the output charged now, no holds.
    if (s.tokens)
        h.amounts[1] = *s.tokens;
    if (s.inputTokens)
        h.amounts[2] = *s.inputTokens;
    h.outputHeld = 0;
    h.budgetHeld = h.budgetBound = 0;
    h.leaseUntil = 0;
    if (s.outputTokens > 0) {
        Held o = h;
        std::fill(std::begin(o.amounts), std::end(o.amounts), 0);
        o.amounts[3] = s.outputTokens;
        o.windowUntil = now() + h.windowMs;
        m_journal[ticket + u":o"] = o;
    }
    m_client->command(args);
}

void RedisSharedLimits::restamp(const QString &ticket)
{
    auto it = m_journal.find(ticket);
    if (it == m_journal.end())
        return;
    it->second.windowUntil = now() + it->second.windowMs;
    QList<QByteArray> args = evalArgs(int(Script::Restamp), it->second.pool);
    args << ticket.toLatin1() << num(it->second.windowMs);
    m_client->command(args);
}

void RedisSharedLimits::reconcile(const QByteArray &pool, int dim, qint64 limit, qint64 remaining, qint64 resetMs,
                                  qint64 threshold)
{
    // Only while connected: a stale header replayed later would tighten for nothing.
    if (!m_client->isConnected())
        return;
    QList<QByteArray> args = evalArgs(int(Script::Reconcile), pool);
    const auto info = m_pools.find(pool);
    const bool bucket = info != m_pools.end() && info->second.first;
    const qint64 windowMs = info != m_pools.end() ? info->second.second : 60'000;
    args << num(dim) << num(limit) << num(remaining) << num(resetMs) << num(threshold) << num(windowMs)
         << (bucket ? "1" : "0") << m_proc + ":r" + num(qint64(++m_seq));
    m_client->command(args);
}

bool RedisSharedLimits::available() const
{
    return m_client->isConnected();
}

QString RedisSharedLimits::describe() const
{
    return QStringLiteral("redis ") + m_endpoint.address();
}

void RedisSharedLimits::describePool(const SharedCharge &c)
{
    QByteArray sig = c.label.toUtf8() + '|' + num(c.windowMs) + (c.bucket ? "b" : "w");
    for (qint64 l : c.limits)
        sig += ',' + num(l);
    QByteArray &written = m_described[c.pool];
    if (written == sig)
        return;
    written = sig;
    const QJsonObject meta{{QStringLiteral("label"), c.label},
                           {QStringLiteral("window_ms"), c.windowMs},
                           {QStringLiteral("bucket"), c.bucket},
                           {QStringLiteral("limits"), QJsonArray{c.limits[0], c.limits[1], c.limits[2], c.limits[3]}}};
    // Safe to repeat (a lost reply is sent again): the value is set, not added to.
    m_client->command({QByteArrayLiteral("HSET"), QByteArray(redis::kPoolRegistryKey), c.pool,
                       QJsonDocument(meta).toJson(QJsonDocument::Compact)});
}

void RedisSharedLimits::note(const QString &message)
{
    qCInfo(lcRouter).noquote() << message;
    if (m_sink)
        m_sink(message);
}

} // namespace wb
