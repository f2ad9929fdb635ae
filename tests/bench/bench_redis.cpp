// Shared admission through a real redis-server (docs/ARCHITECTURE.md, "Shared limits in Redis"):
//   bench_redis [--calls N] [--clients C] [--depth D] [--per-worker CALLS_PER_S]
// 1. round trip: one admission at a time (admit script, reply, next), p50 / p99 / max;
// 2. throughput: C connections (as C worker processes would hold) with D admissions each in
//    flight, every admitted call settled as a real call is (two scripts per call), calls per second;
// 3. workers one Redis serves: throughput / the calls per second one worker sends.
// Starts its own redis-server on a loopback port (tests/support/redisserver.h).
#include "core/redis/redissharedlimits.h"
#include "tests/support/redisserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace wb;

namespace {

SharedCharge charge(int pool)
{
    SharedCharge c;
    c.pool = "bench" + QByteArray::number(pool);
    c.tokens = 300;
    c.limits[0] = 1'000'000'000;   // never binding: we measure the store, not a wait
    c.limits[1] = 1'000'000'000'000;
    c.leaseMs = 60'000;
    return c;
}

int arg(const QStringList &args, const QString &name, int def)
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args[i + 1].toInt() : def;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int calls = arg(args, QStringLiteral("--calls"), 20'000);
    const int clients = arg(args, QStringLiteral("--clients"), 4);
    const int depth = arg(args, QStringLiteral("--depth"), 16);
    const int perWorker = arg(args, QStringLiteral("--per-worker"), 50);

    test::RedisServer server;
    if (const QString why = server.start(); !why.isEmpty()) {
        std::fprintf(stderr, "bench_redis: %s\n", qPrintable(why));
        return 2;
    }
    RouterSettings::RedisEndpoint ep;
    ep.host = server.host();
    ep.port = server.port();
    QObject ctx;
    std::vector<std::unique_ptr<RedisSharedLimits>> limits;
    for (int i = 0; i < clients; ++i) {
        auto s = std::make_unique<RedisSharedLimits>(ep);
        bool ok = false, done = false;
        s->start([&](Result<void> r) { ok = bool(r); done = true; });
        QTest::qWaitFor([&] { return done; }, 10'000);
        if (!ok) {
            std::fprintf(stderr, "bench_redis: cannot connect\n");
            return 2;
        }
        limits.push_back(std::move(s));
    }

    // 1. Round trip, one at a time.
    const int serial = std::min(calls, 5'000);
    std::vector<double> rtt;
    rtt.reserve(size_t(serial));
    for (int i = 0; i < serial; ++i) {
        QElapsedTimer t;
        t.start();
        bool got = false;
        QString ticket;
        limits[0]->admit(charge(0), &ctx, [&](const SharedVerdict &v) { got = true; ticket = v.ticket; });
        while (!got)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        rtt.push_back(double(t.nsecsElapsed()) / 1e6);
        limits[0]->settle(ticket, SharedSettlement{120, std::nullopt, 0, 0});
    }
    std::sort(rtt.begin(), rtt.end());
    auto pct = [&](double p) { return rtt[std::min(rtt.size() - 1, size_t(p * double(rtt.size())))]; };
    std::printf("admission round trip (%d sequential): p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", serial, pct(0.50),
                pct(0.99), rtt.back());

    // Redis's own CPU time: the server, not this client process, is what workers would share.
    auto redisCpu = [&] {
        double sum = 0;
        for (const QByteArray &line : server.command("INFO cpu").split('\n'))
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:"))
                sum += line.mid(line.indexOf(':') + 1).trimmed().toDouble();
        return sum;
    };
    const double cpuBefore = redisCpu();
    // 2. Throughput: `depth` in flight per connection; each admitted call is settled.
    int started = 0, finished = 0;
    QElapsedTimer wall;
    wall.start();
    std::function<void(int)> next = [&](int c) {
        if (started >= calls)
            return;
        ++started;
        limits[size_t(c)]->admit(charge(c % 2), &ctx, [&, c](const SharedVerdict &v) {
            limits[size_t(c)]->settle(v.ticket, SharedSettlement{120, std::nullopt, 0, 0});
            ++finished;
            next(c);
        });
    };
    for (int c = 0; c < clients; ++c)
        for (int k = 0; k < depth; ++k)
            next(c);
    while (finished < calls)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    // The settlements of the last calls are still on the wire: wait for a final round trip.
    bool drained = false;
    limits[0]->admit(charge(0), &ctx, [&](const SharedVerdict &) { drained = true; });
    while (!drained)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    const double secs = double(wall.nsecsElapsed()) / 1e9;
    const double rate = double(calls) / secs;
    std::printf("throughput: %d calls (admit + settle) over %d connections x %d in flight: %.2f s, %.0f calls/s\n",
                calls, clients, depth, secs, rate);
    const double cpu = redisCpu() - cpuBefore;
    const double perCore = cpu > 0 ? double(calls) / cpu : 0;
    std::printf("redis-server CPU: %.2f s for %d calls = %.1f us per call; one Redis core sustains %.0f calls/s\n", cpu,
                calls, cpu * 1e6 / calls, perCore);
    std::printf("workers one Redis serves at %d calls/s each: %.0f measured here (client-bound), %.0f at one Redis "
                "core (%.0f at 50%% load)\n",
                perWorker, rate / perWorker, perCore / perWorker, perCore / perWorker / 2);
    return 0;
}
