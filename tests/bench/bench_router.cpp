// Router overhead benchmark (not a ctest test): N calls through wb::Router against a
// zero-latency, unlimited provider simulator on 127.0.0.1. The simulator runs in a child
// process (this binary with --serve) so the CPU time measured here is the router's and its
// HTTP client's alone.
//
//   bench_router [--calls N] [--parallel P] [--deployments D] [--strategy S]
//   bench_router --strict [--calls N] [--rpm R] [--window-ms W]
//   bench_router --fake [--calls N]      (no sockets: a fake QNAM answers at once, so the
//                                        figure is the router's own cost per call)
//
// Prints calls/s (wall) and CPU ms per call (user + system of this process). With --strict
// the simulator's key is limited to R requests per sliding window of W ms (router and
// simulator both use W) and the bench reports 429s and wall time / the minimum the limit
// allows: floor((N - 1) / R) * W.
#include "core/router/router.h"
#include "core/sim/providersimulator.h"

#include "../core/router/fakenetwork.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QSocketNotifier>

#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

namespace {

double cpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (double(u.ru_utime.tv_sec) + double(u.ru_stime.tv_sec)) * 1e3
        + (double(u.ru_utime.tv_usec) + double(u.ru_stime.tv_usec)) / 1e3;
}

int serve(QCoreApplication &app, qint64 rpm, qint64 windowMs)
{
    wb::SimConfig cfg;              // zero latency, no faults, any key accepted and unlimited
    if (rpm > 0) {
        cfg.windowMs = windowMs;
        cfg.acceptAnyKey = false;
        for (int i = 1; i <= 16; ++i)
            cfg.keys << wb::SimKey{u"sk-bench-%1"_qs.arg(i), u"openai"_qs, rpm, 0, 0, 0, {}};
    }
    wb::ProviderSimulator sim(cfg);
    const auto port = sim.start();
    if (!port) {
        std::fprintf(stderr, "simulator: %s\n", qPrintable(port.error().toString()));
        return 1;
    }
    std::printf("%u\n", unsigned(*port));
    std::fflush(stdout);
    // Run until the parent closes our stdin.
    QSocketNotifier stdinWatch(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&stdinWatch, &QSocketNotifier::activated, &app, [&] {
        char buf[64];
        if (::read(STDIN_FILENO, buf, sizeof buf) <= 0)
            app.quit();
    });
    const int rc = app.exec();
    sim.stop();
    return rc;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({u"serve"_qs, u"internal: run the simulator and print its port"_qs});
    p.addOption({u"calls"_qs, u"number of calls (10000)"_qs, u"N"_qs, u"10000"_qs});
    p.addOption({u"parallel"_qs, u"max_parallel_requests per deployment (0 = unlimited)"_qs, u"P"_qs, u"0"_qs});
    p.addOption({u"deployments"_qs, u"deployments in the group (1)"_qs, u"D"_qs, u"1"_qs});
    p.addOption({u"strategy"_qs, u"routing strategy"_qs, u"S"_qs, u"usage-based-routing-v2"_qs});
    p.addOption({u"strict"_qs, u"strict-limits run: the simulator enforces --rpm per --window-ms"_qs});
    p.addOption({u"rpm"_qs, u"requests per window per key in --strict mode (10)"_qs, u"R"_qs, u"10"_qs});
    p.addOption({u"window-ms"_qs, u"window length in --strict mode (60000)"_qs, u"W"_qs, u"60000"_qs});
    p.addOption({u"fake"_qs, u"answer from an in-process fake network manager instead of the simulator"_qs});
    p.process(app);
    const bool fake = p.isSet(u"fake"_qs);
    const bool strict = p.isSet(u"strict"_qs);
    const qint64 rpm = strict ? p.value(u"rpm"_qs).toLongLong() : 0;
    const qint64 windowMs = p.value(u"window-ms"_qs).toLongLong();
    if (p.isSet(u"serve"_qs))
        return serve(app, rpm, windowMs);

    const int calls = p.value(u"calls"_qs).toInt();
    const int parallel = p.value(u"parallel"_qs).toInt();
    const int deployments = std::max(1, p.value(u"deployments"_qs).toInt());

    QProcess server;
    int port = 9;
    if (!fake) {
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList serveArgs{u"--serve"_qs};
    if (strict)
        serveArgs << u"--strict"_qs << u"--rpm"_qs << QString::number(rpm) << u"--window-ms"_qs << QString::number(windowMs);
    server.start(QCoreApplication::applicationFilePath(), serveArgs);
    if (!server.waitForReadyRead(10'000)) {
        std::fprintf(stderr, "simulator did not start\n");
        return 1;
    }
    port = server.readLine().trimmed().toInt();
    }

    wb::ModelList models;
    models.router.routingStrategy = p.value(u"strategy"_qs);
    wb::RouterOptions options;
    for (int i = 1; i <= deployments; ++i) {
        wb::Deployment d;
        d.id = u"bench/%1"_qs.arg(i);
        d.modelName = u"bench"_qs;
        d.provider = u"openai"_qs;
        d.model = u"gpt-4o"_qs;
        d.apiBase = u"http://127.0.0.1:%1/v1"_qs.arg(port);
        if (parallel > 0)
            d.limits.maxParallelRequests = parallel;
        if (strict)
            d.limits.rpm = rpm;
        models.deployments << d;
        options.apiKeys.insert(d.id, u"sk-bench-%1"_qs.arg(i));
    }
    wb::Router router(models, options);
    if (strict && windowMs != 60'000)
        router.setWindowForTesting(windowMs, 200);
    if (fake) {
        auto fakeServer = std::make_shared<FakeServer>();
        const CannedReply reply = openAiOk(30, 20);
        fakeServer->script = [reply](const SeenRequest &, int) { return reply; };
        router.setNetworkAccessManagerFactory(
            [fakeServer](QObject *parent) { return new FakeNetworkManager(fakeServer, parent); });
    }
    int ok = 0, failed = 0;
    QObject::connect(&router, &wb::Router::jobFinished, &app, [&](const wb::JobOutcome &o) {
        (o.ok ? ok : failed) += 1;
    });
    QObject::connect(&router, &wb::Router::idle, &app, &QCoreApplication::quit);

    const double cpu0 = cpuMs();
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < calls; ++i) {
        wb::RouterJob job;
        job.id = quint64(i + 1);
        job.group = u"bench"_qs;
        job.request.system = u"Score the text against the framework and answer in JSON."_qs;
        job.request.user = u"We hold these truths to be self-evident, that all men are created equal."_qs;
        job.request.maxTokens = 200;
        router.submit(job);
    }
    app.exec();
    const double wallMs = double(wall.nsecsElapsed()) / 1e6;
    const double cpu = cpuMs() - cpu0;
    const wb::RouterSnapshot s = router.snapshot();

    if (!fake) {
        server.closeWriteChannel();
        if (!server.waitForFinished(5'000)) {
            server.terminate();
            server.waitForFinished(2'000);
        }
    }

    std::printf("bench_router: %d calls (%d ok, %d failed, %lld http 429), %d deployment(s), max_parallel %s, "
                "strategy %s, %d QNetworkAccessManager(s) (0: the router's own HTTP client)\n",
                calls, ok, failed, qint64(s.http429), deployments,
                parallel > 0 ? qPrintable(QString::number(parallel)) : "unlimited",
                qPrintable(p.value(u"strategy"_qs)), router.networkManagerCount());
    std::printf("  wall %.0f ms  ->  %.0f calls/s\n", wallMs, double(calls) / (wallMs / 1000.0));
    std::printf("  client CPU %.0f ms  ->  %.3f CPU ms per call (%s)\n", cpu, cpu / double(calls),
                fake ? "router alone: fake network manager, no sockets" : "router + HTTP client, simulator excluded");
    if (strict) {
        const double minimum = double((calls - 1) / (rpm * deployments)) * double(windowMs);
        std::printf("  strict: rpm %lld per %lld ms window x %d key(s): minimum %.0f ms, wall %.0f ms, ratio %.4f, "
                    "http 429 %lld\n",
                    rpm, windowMs, deployments, minimum, wallMs, minimum > 0 ? wallMs / minimum : 0.0, qint64(s.http429));
    }
    return failed == 0 ? 0 : 1;
}
