// Throughput of the provider simulator at zero latency and no limits (not a test: prints figures).
//   bench_simulator [calls=10000] [parallel=6] [provider=openai|anthropic|gemini]
// The client is a QNetworkAccessManager on the main thread (at most 6 connections per host, like
// the router's), the simulator runs on its own thread as in the app.
#include "core/common/promptcontract.h"
#include "core/sim/providersimulator.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTextStream>

#include <QDir>
#include <QFile>

#include <ctime>
#include <cstdio>
#include <unistd.h>

using namespace wb;

static double cpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1000.0 + double(ts.tv_nsec) / 1e6;
}

/// CPU ms used so far by the simulator's thread (Linux /proc; QThread names it after its objectName).
static double simThreadCpuMs()
{
    const QStringList tasks = QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &t : tasks) {
        QFile comm(QStringLiteral("/proc/self/task/%1/comm").arg(t));
        if (!comm.open(QIODevice::ReadOnly) || !comm.readAll().startsWith("wb-provider-sim"))
            continue;
        QFile stat(QStringLiteral("/proc/self/task/%1/stat").arg(t));
        if (!stat.open(QIODevice::ReadOnly))
            return -1;
        const QByteArray s = stat.readAll();
        const QList<QByteArray> f = s.mid(s.lastIndexOf(')') + 2).split(' ');
        const double ticks = f.value(11).toDouble() + f.value(12).toDouble();   // utime, stime
        return ticks * 1000.0 / double(sysconf(_SC_CLK_TCK));
    }
    return -1;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int calls = args.size() > 1 ? args[1].toInt() : 10'000;
    const int parallel = args.size() > 2 ? args[2].toInt() : 6;
    const QString provider = args.size() > 3 ? args[3] : QStringLiteral("openai");

    ProviderSimulator sim(SimConfig{});
    if (!sim.start()) {
        std::fprintf(stderr, "simulator did not start\n");
        return 1;
    }

    ScoringSchema schema;
    for (const char *d : {"care", "fairness", "loyalty", "authority", "sanctity", "liberty"})
        schema.dimensions.append({QLatin1String(d), 0.0, 1.0});
    schema.textIds = {QStringLiteral("speech-0001")};
    QString text;
    for (int i = 0; i < 40; ++i)
        text += QStringLiteral("We shall stand together, protect the weak and honour the promises we made to each other. ");
    const QString user = schemaLine(schema) + QStringLiteral("\n\n<<<TEXT id=speech-0001>>>\n") + text + QStringLiteral("\n<<<END TEXT>>>\n");
    const QString system = QStringLiteral("You are an expert annotator applying Moral Foundations Theory. Reply with JSON only.");

    QNetworkRequest req;
    QByteArray body;
    if (provider == u"anthropic") {
        req.setUrl(QUrl(sim.baseUrl() + QStringLiteral("/v1/messages")));
        req.setRawHeader("x-api-key", "bench");
        req.setRawHeader("anthropic-version", "2023-06-01");
        body = QJsonDocument(QJsonObject{{QStringLiteral("model"), QStringLiteral("claude-3-5-haiku-latest")}, {QStringLiteral("max_tokens"), 2000},
                                         {QStringLiteral("system"), system},
                                         {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), user}}}}})
                   .toJson(QJsonDocument::Compact);
    } else if (provider == u"gemini") {
        req.setUrl(QUrl(sim.baseUrl() + QStringLiteral("/v1beta/models/gemini-2.5-flash:generateContent")));
        req.setRawHeader("x-goog-api-key", "bench");
        body = QJsonDocument(QJsonObject{{QStringLiteral("systemInstruction"), QJsonObject{{QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), system}}}}}},
                                         {QStringLiteral("contents"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                                             {QStringLiteral("parts"), QJsonArray{QJsonObject{{QStringLiteral("text"), user}}}}}}}})
                   .toJson(QJsonDocument::Compact);
    } else {
        req.setUrl(QUrl(sim.baseUrl() + QStringLiteral("/v1/chat/completions")));
        req.setRawHeader("Authorization", "Bearer bench");
        body = QJsonDocument(QJsonObject{{QStringLiteral("model"), QStringLiteral("gpt-4o")}, {QStringLiteral("max_tokens"), 2000},
                                         {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), system}},
                                                                                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), user}}}}})
                   .toJson(QJsonDocument::Compact);
    }
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    QNetworkAccessManager nam;
    int sent = 0, done = 0, failed = 0;
    QElapsedTimer wall;
    const double cpu0 = cpuMs();
    const double simCpu0 = simThreadCpuMs();
    std::function<void()> sendOne = [&] {
        ++sent;
        QNetworkReply *r = nam.post(req, body);
        QObject::connect(r, &QNetworkReply::finished, r, [&, r] {
            if (r->error() != QNetworkReply::NoError || r->readAll().isEmpty())
                ++failed;
            r->deleteLater();
            if (++done == calls)
                QCoreApplication::quit();
            else if (sent < calls)
                sendOne();
        });
    };
    wall.start();
    for (int i = 0; i < std::min(parallel, calls); ++i)
        sendOne();
    QCoreApplication::exec();
    const double ms = double(wall.nsecsElapsed()) / 1e6;
    const double cpu = cpuMs() - cpu0;
    const double simCpu = simThreadCpuMs() - simCpu0;
    const SimStats st = sim.stats();
    std::printf("provider=%s calls=%d parallel=%d failed=%d wall=%.0f ms  => %.0f calls/s, %.3f CPU ms/call (client+server), "
                "%.3f CPU ms/call in the simulator thread, server max in-flight %lld, connections %lld, body %lld bytes\n",
                qPrintable(provider), calls, parallel, failed, ms, calls / (ms / 1000.0), cpu / calls, simCpu / calls, (long long)st.maxInFlight,
                (long long)st.connections, (long long)body.size());
    return failed ? 1 : 0;
}
