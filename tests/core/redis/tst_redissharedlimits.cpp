// Shared admission and budget in a real Redis: atomicity across clients, exact waits, holds of a
// dead process expiring, the shared budget cap, and a server lost and restarted mid-run.
#include "core/redis/redisclient.h"
#include "core/redis/redissharedlimits.h"
#include "tests/support/redisserver.h"

#include <QSignalSpy>
#include <QTest>

using namespace wb;

namespace {

SharedCharge charge(const QByteArray &pool, qint64 rpm, qint64 tpm, qint64 tokens = 0)
{
    SharedCharge c;
    c.pool = pool;
    c.windowMs = 60'000;
    c.leaseMs = 60'000;
    c.tokens = tokens;
    c.limits[0] = rpm;
    c.limits[1] = tpm;
    return c;
}

} // namespace

class TstRedisSharedLimits : public QObject {
    Q_OBJECT
    test::RedisServer m_server;
    QObject m_context;

    RouterSettings::RedisEndpoint endpoint(int port = 0) const
    {
        RouterSettings::RedisEndpoint ep;
        ep.host = QStringLiteral("127.0.0.1");
        ep.port = port ? port : m_server.port();
        return ep;
    }

    std::unique_ptr<RedisSharedLimits> connected(const std::optional<SharedBudgetSettings> &budget = {})
    {
        auto s = std::make_unique<RedisSharedLimits>(endpoint());
        if (budget)
            s->setBudget(*budget);
        std::optional<Result<void>> r;
        s->start([&](Result<void> x) { r = std::move(x); });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, 10'000) || !*r)
            return nullptr;
        return s;
    }

    /// Fires every charge at once and collects the verdicts in arrival order.
    static QList<SharedVerdict> admitAll(const QList<std::pair<RedisSharedLimits *, SharedCharge>> &asks, QObject *ctx)
    {
        auto got = std::make_shared<QList<SharedVerdict>>();
        for (const auto &[s, c] : asks)
            s->admit(c, ctx, [got](const SharedVerdict &v) { got->append(v); });
        QTest::qWaitFor([&] { return got->size() == asks.size(); }, 10'000);
        return *got;
    }

    qint64 hgetInt(const QByteArray &key, const QByteArray &field)
    {
        const QByteArray r = m_server.command("HGET " + key + ' ' + field);
        // "$3\r\n123\r\n" or "$-1\r\n"
        const QList<QByteArray> lines = r.split('\n');
        return lines.size() >= 2 ? lines[1].trimmed().toLongLong() : 0;
    }

private slots:
    void initTestCase()
    {
        const QString why = m_server.start();
        if (!why.isEmpty())
            QFAIL(qPrintable(why));
    }

    void twoClientsNeverOverAdmit()
    {
        auto a = connected(), b = connected();
        QVERIFY(a && b);
        // 120 requests race from two connections for rpm 50 / tpm 3000 at 100 tokens each: exactly
        // 30 fit, whatever the interleaving.
        QList<std::pair<RedisSharedLimits *, SharedCharge>> asks;
        for (int i = 0; i < 60; ++i) {
            asks.append({a.get(), charge("race", 50, 3000, 100)});
            asks.append({b.get(), charge("race", 50, 3000, 100)});
        }
        const QList<SharedVerdict> v = admitAll(asks, &m_context);
        QCOMPARE(v.size(), 120);
        int admitted = 0;
        for (const SharedVerdict &x : v) {
            if (x.kind == SharedVerdict::Kind::Admitted) {
                ++admitted;
                QVERIFY(!x.ticket.isEmpty());
            } else {
                QCOMPARE(int(x.kind), int(SharedVerdict::Kind::Wait));
                QCOMPARE(x.dim, 1);   // tpm binds
                QVERIFY(x.waitMs > 55'000 && x.waitMs <= 60'001);
            }
        }
        QCOMPARE(admitted, 30);
        QCOMPARE(hgetInt("wb:{race}:s", "t"), 3000);
        QCOMPARE(hgetInt("wb:{race}:s", "r"), 30);
        // Never fits on its own: refused for good, not waited for.
        const auto never = admitAll({{a.get(), charge("race", 50, 3000, 3001)}}, &m_context);
        QCOMPARE(int(never.value(0).kind), int(SharedVerdict::Kind::Never));
    }

    void waitEndsWhenTheWindowFrees()
    {
        auto a = connected();
        QVERIFY(a);
        SharedCharge c = charge("short", 3, 0);
        c.windowMs = 1'500;
        for (int i = 0; i < 3; ++i)
            QCOMPARE(int(admitAll({{a.get(), c}}, &m_context).value(0).kind), int(SharedVerdict::Kind::Admitted));
        const SharedVerdict w = admitAll({{a.get(), c}}, &m_context).value(0);
        QCOMPARE(int(w.kind), int(SharedVerdict::Kind::Wait));
        QCOMPARE(w.dim, 0);
        QVERIFY2(w.waitMs > 1'000 && w.waitMs <= 1'501, qPrintable(QString::number(w.waitMs)));
        QTest::qWait(int(w.waitMs) + 20);
        QCOMPARE(int(admitAll({{a.get(), c}}, &m_context).value(0).kind), int(SharedVerdict::Kind::Admitted));
    }

    void settlingToUsageFreesCapacity()
    {
        auto a = connected();
        QVERIFY(a);
        // Charged 1000 at admission, the reply used 200: the other 800 are free again at once.
        SharedCharge c = charge("settle", 0, 1'000, 1'000);
        const SharedVerdict first = admitAll({{a.get(), c}}, &m_context).value(0);
        QCOMPARE(int(first.kind), int(SharedVerdict::Kind::Admitted));
        SharedCharge small = charge("settle", 0, 1'000, 800);
        QCOMPARE(int(admitAll({{a.get(), small}}, &m_context).value(0).kind), int(SharedVerdict::Kind::Wait));
        a->settle(first.ticket, SharedSettlement{200, std::nullopt, 0, 0});
        QCOMPARE(int(admitAll({{a.get(), small}}, &m_context).value(0).kind), int(SharedVerdict::Kind::Admitted));
        QCOMPARE(hgetInt("wb:{settle}:s", "t"), 1'000);
    }

    void deadProcessHoldsExpire()
    {
        SharedBudgetSettings budget;
        budget.capMicros = 1'000;
        budget.id = "dead";
        auto dying = connected(budget);
        auto b = connected(budget);
        QVERIFY(dying && b);
        SharedCharge c = charge("dead", 0, 0);
        c.outputReserve = 800;
        c.limits[3] = 1'000;
        c.leaseMs = 400;
        c.budgetEstimateMicros = 100;
        c.budgetBoundMicros = 300;
        QCOMPARE(int(admitAll({{dying.get(), c}}, &m_context).value(0).kind), int(SharedVerdict::Kind::Admitted));
        dying.reset();   // gone without settling: its otpm and budget holds stay until their lease ends
        SharedCharge other = c;
        other.leaseMs = 60'000;
        const SharedVerdict w = admitAll({{b.get(), other}}, &m_context).value(0);
        QCOMPARE(int(w.kind), int(SharedVerdict::Kind::Wait));
        QCOMPARE(w.dim, 3);
        QTest::qWait(450);
        const SharedVerdict ok = admitAll({{b.get(), other}}, &m_context).value(0);
        QCOMPARE(int(ok.kind), int(SharedVerdict::Kind::Admitted));
        // The dead call may have been billed: its hold is booked at its bound, never just dropped.
        QCOMPARE(hgetInt("wb:budget:{dead}:0", "x"), 300);
        b->settle(ok.ticket, SharedSettlement{std::nullopt, std::nullopt, 0, 250});
        QTest::qWait(100);
        QCOMPARE(hgetInt("wb:budget:{dead}:0", "p:" + b->processId()), 250);
        QCOMPARE(hgetInt("wb:budget:{dead}:0", "bound"), 0);
    }

    void sharedBudgetNeverPassesTheCap()
    {
        SharedBudgetSettings budget;
        budget.capMicros = 1'000;
        budget.id = "cap";
        budget.spentBeforeMicros = 100;   // one process's ledger already holds $0.0001
        auto a = connected(budget), b = connected(budget);
        QVERIFY(a && b);
        SharedCharge c = charge("cap", 0, 0);
        c.budgetEstimateMicros = 100;
        c.budgetBoundMicros = 150;
        QList<std::pair<RedisSharedLimits *, SharedCharge>> asks;
        for (int i = 0; i < 10; ++i)
            asks << std::pair{a.get(), c} << std::pair{b.get(), c};
        const QList<SharedVerdict> v = admitAll(asks, &m_context);
        QStringList tickets;
        for (const SharedVerdict &x : v) {
            if (x.kind == SharedVerdict::Kind::Admitted) {
                tickets << x.ticket;
                // Far from the cap a call holds its estimate, near it its bound.
                QVERIFY(x.heldMicros == 100 || x.heldMicros == 150);
            } else {
                QCOMPARE(int(x.kind), int(SharedVerdict::Kind::BudgetWait));
            }
        }
        QCOMPARE(tickets.size(), 6);   // 100 + 6 x 150 <= 1000 < 100 + 7 x 150
        for (const QString &t : std::as_const(tickets))
            (t.startsWith(QString::fromLatin1(a->processId())) ? a : b)->settle(t, SharedSettlement{std::nullopt, std::nullopt, 0, 150});
        const SharedVerdict last = admitAll({{a.get(), c}}, &m_context).value(0);
        QCOMPARE(int(last.kind), int(SharedVerdict::Kind::BudgetExhausted));
        QCOMPARE(hgetInt("wb:budget:{cap}:0", "base") + hgetInt("wb:budget:{cap}:0", "p:" + a->processId())
                     + hgetInt("wb:budget:{cap}:0", "p:" + b->processId()),
                 1'000);
    }

    void unreachableAtStartNamesTheAddress()
    {
        int port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        RedisSharedLimits s(endpoint(port));
        std::optional<Result<void>> r;
        s.start([&](Result<void> x) { r = std::move(x); });
        QVERIFY(QTest::qWaitFor([&] { return r.has_value(); }, 10'000));
        QVERIFY(!*r);
        QVERIFY2(r->error().message.contains(QStringLiteral("cannot connect to Redis at 127.0.0.1:%1").arg(port)),
                 qPrintable(r->error().message));
    }

    void lostAndBackNothingLost()
    {
        auto a = connected();
        QVERIFY(a);
        a->client().setReconnectDelays(50, 200);
        QStringList events;
        a->setEventSink([&](const QString &m) { events << m; });
        const SharedCharge c = charge("lost", 2, 0);
        QCOMPARE(int(admitAll({{a.get(), c}}, &m_context).value(0).kind), int(SharedVerdict::Kind::Admitted));
        m_server.stop();
        QVERIFY(QTest::qWaitFor([&] { return !a->available(); }, 5'000));
        // Asked while the server is away: the request waits instead of failing.
        auto got = std::make_shared<QList<SharedVerdict>>();
        a->admit(c, &m_context, [got](const SharedVerdict &v) { got->append(v); });
        QTest::qWait(1'000);
        QVERIFY(got->isEmpty());
        QVERIFY2(events.join(u'\n').contains(u"lost the connection to Redis"), qPrintable(events.join(u'\n')));
        // Back without its data (no persistence): what this process counted is put back first.
        const QString why = m_server.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY(QTest::qWaitFor([&] { return !got->isEmpty(); }, 10'000));
        QCOMPARE(int(got->first().kind), int(SharedVerdict::Kind::Admitted));
        QCOMPARE(hgetInt("wb:{lost}:s", "r"), 2);
        const SharedVerdict full = admitAll({{a.get(), c}}, &m_context).value(0);
        QCOMPARE(int(full.kind), int(SharedVerdict::Kind::Wait));
        QVERIFY2(events.join(u'\n').contains(u"admission resumes"), qPrintable(events.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TstRedisSharedLimits)
#include "tst_redissharedlimits.moc"
