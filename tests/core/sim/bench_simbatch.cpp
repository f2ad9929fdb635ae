// Figures of the simulator's batch endpoints (not a test):
//   bench_simbatch [requests=100000] [text_chars=1500]
// Submits one Anthropic message batch of that many scoring requests (the provider's maximum is
// 100,000), waits for it to end and fetches the results; prints the submission and collection
// times, what the simulator stores, and the process's resident memory at each step.
#include "core/common/promptcontract.h"
#include "core/sim/providersimulator.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>

#include <cstdio>
#include <malloc.h>
#include <sys/resource.h>

using namespace wb;

namespace {

qint64 procStatusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').first().toLongLong();
    return -1;
}

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

QByteArray send(QNetworkAccessManager &nam, const QString &url, const QByteArray *body, int *status)
{
    QNetworkRequest r{QUrl(url)};
    r.setRawHeader("x-api-key", "bench");
    r.setRawHeader("anthropic-version", "2023-06-01");
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = body ? nam.post(r, *body) : nam.get(r);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray out = reply->readAll();
    reply->deleteLater();
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? QByteArray(argv[1]).toInt() : 100'000;
    const int textChars = argc > 2 ? QByteArray(argv[2]).toInt() : 1500;

    SimConfig config;
    config.batch.validatingMs = 100;
    config.batch.processingMs = 1000;
    config.batch.finalizingMs = 100;
    ProviderSimulator sim(config);
    if (!sim.start()) {
        std::fprintf(stderr, "the simulator did not start\n");
        return 1;
    }
    const qint64 rssStart = procStatusKb("VmRSS:");

    // Varied texts from a small English vocabulary in random order.
    const QStringList vocabulary = QStringLiteral(
        "the people nation freedom government must will our we have been great that this for with not all they their "
        "war peace justice law liberty duty country faith future children work justice honor strength hope world "
        "citizens shall upon every power union history common defense trust fear courage years today new old "
        "protect serve build promise change heart land free men women together stand before which those spirit").split(u' ');
    quint64 x = 12345;
    auto next = [&x] { x = x * 6364136223846793005ULL + 1442695040888963407ULL; return x >> 33; };
    ScoringSchema schema;
    schema.dimensions = {{QStringLiteral("care"), 0.0, 1.0}, {QStringLiteral("fairness"), -2.0, 2.0}, {QStringLiteral("loyalty"), 1.0, 7.0}};
    // Written line by line so the client side holds the body only once.
    QByteArray body = "{\"requests\":[";
    for (int i = 0; i < n; ++i) {
        const QString id = QStringLiteral("job-%1").arg(i);
        QString text;
        while (text.size() < textChars)
            text += vocabulary[int(next() % vocabulary.size())] + u' ';
        schema.textIds = {id};
        const QString user = schemaLine(schema) + QStringLiteral("\n\n<<<TEXT id=%1>>>\n%2\n<<<END TEXT>>>\n").arg(id, text);
        const QJsonObject request{
            {QStringLiteral("custom_id"), id},
            {QStringLiteral("params"), QJsonObject{{QStringLiteral("model"), QStringLiteral("claude-3-5-haiku-latest")},
                                                   {QStringLiteral("max_tokens"), 600},
                                                   {QStringLiteral("system"), QStringLiteral("You are an expert annotator. Score the text on each dimension.")},
                                                   {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                                                       {QStringLiteral("content"), user}}}}}}};
        if (i)
            body += ',';
        body += QJsonDocument(request).toJson(QJsonDocument::Compact);
    }
    body += "]}";
    QNetworkAccessManager nam;
    int status = 0;
    QElapsedTimer t;
    t.start();
    const double cpu0 = cpuSeconds();
    const QJsonObject created = QJsonDocument::fromJson(send(nam, sim.baseUrl() + QStringLiteral("/v1/messages/batches"), &body, &status)).object();
    const qint64 submitMs = t.elapsed();
    const double submitCpu = cpuSeconds() - cpu0;
    const qint64 bodyBytes = body.size();
    body = QByteArray();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);   // the finished reply and its upload buffer
    malloc_trim(0);   // give freed transient buffers back, so RSS shows what stays
    if (status != 200) {
        std::fprintf(stderr, "create failed: HTTP %d\n", status);
        return 1;
    }
    const qint64 rssSubmitted = procStatusKb("VmRSS:");
    const QString id = created.value(QStringLiteral("id")).toString();
    QJsonObject batch;
    do {
        QThread::msleep(200);
        batch = QJsonDocument::fromJson(send(nam, sim.baseUrl() + QStringLiteral("/v1/messages/batches/") + id, nullptr, &status)).object();
    } while (batch.value(QStringLiteral("processing_status")).toString() != u"ended");
    t.restart();
    const double cpu1 = cpuSeconds();
    const QByteArray results = send(nam, batch.value(QStringLiteral("results_url")).toString(), nullptr, &status);
    const qint64 resultsMs = t.elapsed();
    const double resultsCpu = cpuSeconds() - cpu1;
    const qint64 lines = results.count('\n');
    const SimBatchStats st = sim.stats().batch;
    std::printf("requests %d, request body %.1f MB, submission %lld ms (%.1f s CPU)\n", n, double(bodyBytes) / 1e6, submitMs, submitCpu);
    std::printf("simulator stores %.1f MB for the batch (%.0f bytes per request)\n", double(st.storedBytes) / 1e6,
                double(st.storedBytes) / n);
    std::printf("RSS: start %lld MB, after submission %lld MB, peak %lld MB (client and simulator in one process)\n",
                rssStart / 1024, rssSubmitted / 1024, procStatusKb("VmHWM:") / 1024);
    malloc_trim(0);
    std::printf("RSS after the results were read: %lld MB (the %.1f MB result text still held by the client)\n",
                procStatusKb("VmRSS:") / 1024, double(results.size()) / 1e6);
    std::printf("results: %lld lines, %.1f MB in %lld ms (%.1f s CPU, HTTP %d); succeeded %lld, submitted %lld, max per custom_id %lld\n",
                lines, double(results.size()) / 1e6, resultsMs, resultsCpu, status, st.succeeded, st.requestsSubmitted, st.maxSubmissions);
    return lines == n ? 0 : 1;
}
