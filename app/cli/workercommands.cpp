// worker and status: several processes on one run in the PostgreSQL run store
// (docs/FORMATS.md, "PostgreSQL run store").
#include "app/cli/commands.h"
#include "app/cli/verbparser.h"

#include "core/pricing/pricing.h"
#include "core/session/runtypes.h"
#include "core/storage/serverdb.h"
#include "core/storage/sharedstatus.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace wb {

namespace {

/// A positive number from an option, or the default when the option is absent; false on a bad value.
bool positiveOption(const VerbArgs &a, const QString &option, double &value, QTextStream &err)
{
    if (!a.has(option))
        return true;
    bool ok = false;
    const double v = a.value(option).toDouble(&ok);
    if (!ok || v <= 0) {
        err << "discernus " << a.spec().name << ": " << option << " expects a positive number, not '" << a.value(option) << "'\n";
        return false;
    }
    value = v;
    return true;
}

QJsonObject countsJson(const ResultStore::Counts &c, qint64 spentMicros)
{
    return QJsonObject{{QStringLiteral("jobs"), c.jobs},
                       {QStringLiteral("done"), c.done},
                       {QStringLiteral("failed"), c.failed},
                       {QStringLiteral("pending"), c.pending - c.inFlight},
                       {QStringLiteral("in_flight"), c.inFlight},
                       {QStringLiteral("calls"), c.calls},
                       {QStringLiteral("http_429"), c.http429},
                       {QStringLiteral("spent_usd"), microsToUsd(spentMicros)}};
}

QJsonArray workersJson(const QList<WorkerInfo> &workers)
{
    QJsonArray out;
    for (const WorkerInfo &w : workers)
        out.append(QJsonObject{{QStringLiteral("id"), w.id},
                               {QStringLiteral("host"), w.host},
                               {QStringLiteral("pid"), w.pid},
                               {QStringLiteral("experiment"), w.experiment},
                               {QStringLiteral("state"), w.state},
                               {QStringLiteral("jobs_done"), w.jobsDone},
                               {QStringLiteral("jobs_in_flight"), w.jobsInFlight},
                               {QStringLiteral("started_ms"), w.startedMs},
                               {QStringLiteral("heartbeat_ms"), w.heartbeatMs},
                               {QStringLiteral("heartbeat_age_s"), double(w.heartbeatAgeMs) / 1000.0}});
    return out;
}

void printProgress(const ResultStore::Counts &c, qint64 spentMicros, QTextStream &out)
{
    out << QStringLiteral("jobs: %1 — %2 done, %3 failed, %4 pending, %5 in flight\n")
               .arg(c.jobs)
               .arg(c.done)
               .arg(c.failed)
               .arg(c.pending - c.inFlight)
               .arg(c.inFlight);
    out << QStringLiteral("calls: %1 (%2 x429); spent $%3\n").arg(c.calls).arg(c.http429).arg(microsToUsd(spentMicros), 0, 'f', 4);
}

void printWorkers(const QList<WorkerInfo> &workers, QTextStream &out)
{
    out << "workers: " << workers.size() << '\n';
    for (const WorkerInfo &w : workers)
        out << QStringLiteral("  %1  %2  pid %3  %4  %5 done, %6 in flight, last heartbeat %7 s ago\n")
                   .arg(w.id, w.host)
                   .arg(w.pid)
                   .arg(w.state)
                   .arg(w.jobsDone)
                   .arg(w.jobsInFlight)
                   .arg(double(w.heartbeatAgeMs) / 1000.0, 0, 'f', 1);
}

} // namespace

int cmdWorker(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"worker");
    if (!a.parse(args, out, err))
        return a.exitCode();
    RunOptions opt;
    if (!readRunOptions(a, opt, err))
        return 2;
    if (!isServerDatabase(opt.dbPath))
        return a.usageError(err, QStringLiteral("--db must name the PostgreSQL run store (postgresql://user@host:port/dbname); "
                                                "a SQLite file is one run's alone"));
    opt.joinRun = true;
    double leaseS = double(opt.leaseMs) / 1000.0;
    double window = opt.claimWindow;
    if (!positiveOption(a, QStringLiteral("--lease"), leaseS, err) || !positiveOption(a, QStringLiteral("--window"), window, err))
        return 2;
    opt.leaseMs = qint64(leaseS * 1000.0);
    opt.claimWindow = int(window);
    return driveRun(a, opt, out, err);
}

int cmdStatus(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"status");
    if (!a.parse(args, out, err))
        return a.exitCode();
    const QString db = a.value(QStringLiteral("--db"));
    const bool server = isServerDatabase(db);
    if (!server && !QFileInfo::exists(db)) {
        err << "discernus status: " << db << ": no such database\n";
        return 2;
    }
    // One connection for the progress and workers and the provider batches (docs/FORMATS.md,
    // "Batch execution").
    ResultStore store;
    if (auto ok = store.open(db); !ok) {
        err << "discernus status: " << ok.error().toString() << '\n';
        return 2;
    }
    auto status = sharedRunStatus(store);
    if (!status) {
        err << "discernus status: " << status.error().toString() << '\n';
        return 2;
    }
    const BatchListing which{a.has(QStringLiteral("--all")), a.value(QStringLiteral("--experiment"))};
    if (a.has(QStringLiteral("--json"))) {
        QJsonObject o = countsJson(status->counts, status->spentMicros);
        o.insert(QStringLiteral("database"), displayDatabase(db));
        o.insert(QStringLiteral("workers"), workersJson(status->workers));
        auto batches = batchesJson(store, which);
        if (!batches) {
            err << "discernus status: " << batches.error().toString() << '\n';
            return 2;
        }
        o.insert(QStringLiteral("batches"), *batches);
        out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
        return 0;
    }
    out << displayDatabase(db) << '\n';
    printProgress(status->counts, status->spentMicros, out);
    if (status->server)
        printWorkers(status->workers, out);
    if (auto ok = printBatches(store, which, out); !ok) {
        err << "discernus status: " << ok.error().toString() << '\n';
        return 2;
    }
    return 0;
}

} // namespace wb
