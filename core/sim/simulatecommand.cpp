#include "core/sim/simulatecommand.h"

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

const char *kUsage = "usage: discernus simulate --port P [--host 127.0.0.1] [--limits FILE] [--seed N]\n";

} // namespace

int runSimulateCommand(const QStringList &argsIn, QTextStream &out, QTextStream &err)
{
    QStringList args = argsIn;
    if (!args.isEmpty() && args.first() == u"simulate")
        args.removeFirst();

    SimConfig config;
    bool havePort = false;
    QString limitsFile;
    std::optional<quint64> seed;
    QString host;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"-h" || a == u"--help") {
            out << kUsage;
            return 0;
        }
        QString name = a, value;
        const qsizetype eq = a.indexOf(u'=');
        if (a.startsWith(u"--") && eq > 0) {
            name = a.left(eq);
            value = a.mid(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args[i + 1];
            if (name == u"--port" || name == u"--host" || name == u"--limits" || name == u"--seed")
                ++i;
        }
        if (name == u"--port") {
            bool ok = false;
            const uint p = value.toUInt(&ok);
            if (!ok || p > 65535) {
                err << "discernus simulate: --port expects a number from 0 to 65535, got \"" << value << "\"\n" << kUsage;
                return 2;
            }
            config.port = quint16(p);
            havePort = true;
        } else if (name == u"--host") {
            host = value;
        } else if (name == u"--limits") {
            limitsFile = value;
        } else if (name == u"--seed") {
            bool ok = false;
            seed = value.toULongLong(&ok);
            if (!ok) {
                err << "discernus simulate: --seed expects a non-negative integer, got \"" << value << "\"\n";
                return 2;
            }
        } else {
            err << "discernus simulate: unknown argument \"" << a << "\"\n" << kUsage;
            return 2;
        }
        if (value.isEmpty()) {
            err << "discernus simulate: " << name << " needs a value\n" << kUsage;
            return 2;
        }
    }
    if (!havePort) {
        err << "discernus simulate: --port is required (0 picks a free port)\n" << kUsage;
        return 2;
    }
    if (!limitsFile.isEmpty()) {
        Result<SimConfig> loaded = loadSimConfig(limitsFile);
        if (!loaded) {
            err << "discernus simulate: " << loaded.error().toString() << '\n';
            return 2;
        }
        const quint16 port = config.port;
        config = std::move(*loaded);
        config.port = port;
    }
    if (!host.isEmpty())
        config.host = host;
    if (seed)
        config.seed = *seed;

    ProviderSimulator sim(config);
    const Result<quint16> port = sim.start();
    if (!port) {
        err << "discernus simulate: " << port.error().toString() << '\n';
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
