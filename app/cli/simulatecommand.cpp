#include "app/cli/simulatecommand.h"
#include "app/cli/verbparser.h"

#include "core/sim/providersimulator.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace wb {

namespace {

int g_signalFd[2] = {-1, -1};

extern "C" void onTerminationSignal(int)
{
    // Only async-signal-safe work here: wake the event loop through the pipe.
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[1], &c, 1);
}

} // namespace

int runSimulateCommand(const QStringList &argsIn, QTextStream &out, QTextStream &err)
{
    QStringList args = argsIn;
    if (!args.isEmpty() && args.first() == u"simulate")
        args.removeFirst();

    VerbArgs a(u"simulate");
    if (!a.parse(args, out, err))
        return a.exitCode();
    SimConfig config;
    const QString limitsFile = a.value(QStringLiteral("--limits"));
    const QString host = a.value(QStringLiteral("--host"));
    std::optional<quint64> seed;
    bool ok = false;
    const uint port = a.value(QStringLiteral("--port")).toUInt(&ok);
    if (!ok || port > 65535)
        return a.usageError(err, QStringLiteral("--port expects a number from 0 to 65535, got \"%1\"").arg(a.value(QStringLiteral("--port"))));
    config.port = quint16(port);
    if (a.has(QStringLiteral("--seed"))) {
        seed = a.value(QStringLiteral("--seed")).toULongLong(&ok);
        if (!ok)
            return a.usageError(err, QStringLiteral("--seed expects a non-negative integer, got \"%1\"").arg(a.value(QStringLiteral("--seed"))));
    }
    if (!limitsFile.isEmpty()) {
        Result<SimConfig> loaded = loadSimConfig(limitsFile);
        if (!loaded) {
            err << "discernus simulate: " << loaded.error().toString() << '\n';
            return 2;
        }
        config = std::move(*loaded);
        config.port = quint16(port);
    }
    if (!host.isEmpty())
        config.host = host;
    if (seed)
        config.seed = *seed;

    ProviderSimulator sim(config);
    const Result<quint16> listening = sim.start();
    if (!listening) {
        err << "discernus simulate: " << listening.error().toString() << '\n';
        return 2;
    }
    err << "listening on " << sim.baseUrl() << '\n';
    err.flush();

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0) {
        err << "discernus simulate: cannot set up signal handling\n";
        return 2;
    }
    QSocketNotifier notifier(g_signalFd[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &notifier, [&notifier] {
        notifier.setEnabled(false);
        char c;
        [[maybe_unused]] const auto n = ::read(g_signalFd[0], &c, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onTerminationSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    struct sigaction oldInt = {}, oldTerm = {};
    sigaction(SIGINT, &sa, &oldInt);
    sigaction(SIGTERM, &sa, &oldTerm);

    QCoreApplication::exec();

    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);
    sim.stop();
    ::close(g_signalFd[0]);
    ::close(g_signalFd[1]);
    g_signalFd[0] = g_signalFd[1] = -1;
    const SimStats s = sim.stats();
    err << "simulator stopped: " << s.requests << " requests, " << s.ok << " ok, " << s.rateLimited << " rate-limited\n";
    return 0;
}

} // namespace wb
