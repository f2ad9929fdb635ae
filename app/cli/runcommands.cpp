// run and export: the verbs that touch the results database.
#include "app/cli/commands.h"
#include "app/cli/filteroptions.h"
#include "app/cli/verbparser.h"

#include "core/analysis/agreement.h"
#include "core/session/experimentrunner.h"
#include "core/session/learnedlimits.h"
#include "core/pricing/pricing.h"
#include "core/storage/resultstore.h"
#include "core/storage/serverdb.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSocketNotifier>

#include <csignal>
#include <unistd.h>

namespace wb {

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(g_signalPipe[1], &c, 1);
}

QString fmtDuration(double s)
{
    if (s < 0)
        return QStringLiteral("?");
    const qint64 t = qint64(s + 0.5);
    if (t >= 3600)
        return QStringLiteral("%1h%2m").arg(t / 3600).arg((t % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (t >= 60)
        return QStringLiteral("%1m%2s").arg(t / 60).arg(t % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1s").arg(t);
}

} // namespace

bool readRunOptions(const VerbArgs &a, RunOptions &opt, QTextStream &err)
{
    const QString verb = a.spec().name;
    opt.configPath = a.value(QStringLiteral("--config"));
    opt.experimentPath = a.value(QStringLiteral("--experiment"));
    opt.dbPath = a.value(QStringLiteral("--db"));
    opt.resume = a.has(QStringLiteral("--resume"));
    opt.priceMapPath = a.value(QStringLiteral("--prices"));
    opt.learnedLimitsPath = LearnedLimitStore::defaultPath();
    if (a.has(QStringLiteral("--max-budget"))) {
        bool ok = false;
        const double b = a.value(QStringLiteral("--max-budget")).toDouble(&ok);
        if (!ok || b < 0) {
            err << "discernus " << verb << ": --max-budget expects a non-negative number of US dollars\n";
            return false;
        }
        opt.maxBudgetOverride = b;
    }
    // Benchmarks and tests against a simulator whose window_ms is shortened shorten the router's
    // windows the same way, so a run of several windows takes seconds (docs/ARCHITECTURE.md,
    // "Shared limits in Redis"). Never set in production: the providers' windows are a minute.
    if (const QByteArray w = qgetenv("DISCERNUS_WINDOW_MS_FOR_TESTING"); !w.isEmpty()) {
        bool ok = false;
        const qint64 ms = w.toLongLong(&ok);
        if (!ok || ms < 100) {
            err << "discernus " << verb << ": DISCERNUS_WINDOW_MS_FOR_TESTING expects milliseconds (at least 100)\n";
            return false;
        }
        opt.windowMsForTesting = ms;
        err << "discernus " << verb << ": rate windows of " << ms << " ms (DISCERNUS_WINDOW_MS_FOR_TESTING), not 60 s\n";
    }
    return true;
}

int cmdRun(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"run");
    if (!a.parse(args, out, err))
        return a.exitCode();
    RunOptions opt;
    if (!readRunOptions(a, opt, err))
        return 2;
    return driveRun(a, opt, out, err);
}

namespace {

void storeStatistics(const QString &dbPath, bool quiet, QTextStream &err)
{
    auto conn = openReadConnection(dbPath);
    if (!conn)
        return;
    auto stored = computeAndStoreAgreement(dbPath, *conn, {});
    closeReadConnection(*conn);
    if (!quiet && stored && stored->computeMs >= 1000)
        err << "agreement statistics computed in " << QString::number(double(stored->computeMs) / 1000.0, 'f', 1)
            << " s and stored with the results\n";
}

} // namespace

int driveRun(const VerbArgs &a, const RunOptions &opt, QTextStream &out, QTextStream &err)
{
    const QString verb = a.spec().name;
    const bool quiet = a.has(QStringLiteral("--quiet"));
    const bool tty = ::isatty(STDERR_FILENO);

    ExperimentRunner runner(opt);
    RunSummary summary;
    // Messages from before the run starts are held back: when loading fails, the runner also
    // reports the error as an event, and the user should see it once, as one line, below.
    bool runStarted = false;
    QStringList earlyEvents;
    const auto printEvent = [&](const QString &m) {
        if (quiet)
            return;
        if (tty)
            err << "\r\033[K";
        err << m << '\n';
        err.flush();
    };
    QObject::connect(&runner, &ExperimentRunner::event, [&](const QString &m) {
        if (runStarted)
            printEvent(m);
        else
            earlyEvents.append(m);
    });
    QObject::connect(&runner, &ExperimentRunner::started, [&] {
        runStarted = true;
        for (const QString &m : std::as_const(earlyEvents))
            printEvent(m);
        earlyEvents.clear();
    });
    QElapsedTimer lastPrint;
    QObject::connect(&runner, &ExperimentRunner::progressChanged, [&](const RunProgress &p) {
        if (quiet || !runStarted || (lastPrint.isValid() && lastPrint.elapsed() < (tty ? 250 : 5000)))
            return;
        lastPrint.start();
        const RouterSnapshot s = runner.routerSnapshot();
        int queued = 0;
        for (int q : s.queueDepth)
            queued += q;
        QString line = QStringLiteral("%1/%2 done, %3 failed, %4 in flight, %5 queued, %6 calls, %7 x429, $%8")
                           .arg(p.done + p.failed)
                           .arg(p.total)
                           .arg(p.failed)
                           .arg(p.inFlight)
                           .arg(queued)
                           .arg(s.calls)
                           .arg(s.http429)
                           .arg(microsToUsd(p.costMicros), 0, 'f', 4);
        if (p.budgetUsd)
            line += QStringLiteral(" of $%1").arg(*p.budgetUsd, 0, 'f', 2);
        line += QStringLiteral(", %1 elapsed, ETA %2").arg(fmtDuration(p.elapsedS), fmtDuration(p.etaS));
        if (tty)
            err << "\r\033[K" << line;
        else
            err << line << '\n';
        err.flush();
    });
    QObject::connect(&runner, &ExperimentRunner::finished, [&](const RunSummary &s) {
        summary = s;
        QCoreApplication::exit(0);
    });

    // SIGINT/SIGTERM, first: buy nothing more, let the calls in flight land and be stored (they are
    // paid for), exit 130. Second: abort them. Third: quit at once (committed results are safe).
    if (::pipe(g_signalPipe) == 0) {
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    QSocketNotifier sigNotifier(g_signalPipe[0], QSocketNotifier::Read);
    int interrupts = 0;
    QObject::connect(&sigNotifier, &QSocketNotifier::activated, [&] {
        char c;
        [[maybe_unused]] auto n = ::read(g_signalPipe[0], &c, 1);
        ++interrupts;
        if (interrupts > 2)
            ::_exit(130);
        if (tty)
            err << "\r\033[K";
        if (interrupts == 1) {
            const int inFlight = runner.finishInFlight();
            err << "\ninterrupted: finishing " << inFlight << " calls in flight; ^C again to abort\n";
        } else {
            err << "\naborting the calls in flight (^C again to quit at once)\n";
            runner.cancel();
        }
        err.flush();
    });

    runner.start();
    QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    if (tty && !quiet)
        err << "\r\033[K";
    if (summary.storageFailed) {
        err << "discernus " << verb << ": " << summary.error << '\n';
    } else if (summary.error.isEmpty()) {
        for (const QString &m : std::as_const(earlyEvents))
            printEvent(m);
    } else {
        // Only warnings survive from the held-back messages (e.g. "SIMULATED" is moot now).
        for (const QString &m : std::as_const(earlyEvents))
            if (m.startsWith(QLatin1String("warning: ")))
                printEvent(m);
        err << "discernus " << verb << ": " << summary.error << '\n';
    }
    if (summary.error.isEmpty() && !quiet) {
        err << QStringLiteral("%1 jobs: %2 done, %3 failed, %4 already finished; %5 calls, %6 x429, %7 retries; "
                              "tokens %8 in / %9 out (%10 cached); $%11; %12%13\n")
                   .arg(summary.jobs)
                   .arg(summary.done)
                   .arg(summary.failed)
                   .arg(summary.skipped)
                   .arg(summary.calls)
                   .arg(summary.http429)
                   .arg(summary.retries)
                   .arg(summary.promptTokens)
                   .arg(summary.completionTokens)
                   .arg(summary.cachedTokens)
                   .arg(microsToUsd(summary.costMicros), 0, 'f', 4)
                   .arg(fmtDuration(summary.wallSeconds),
                        summary.simulated ? QStringLiteral(" (SIMULATED: results are not from real models)") : QString());
        if (summary.budgetStopped)
            err << "stopped by the budget: raise cost_controls.max_budget (or --max-budget) and run again with --resume\n";
        if (summary.cancelled)
            err << "interrupted: run again with --resume to finish\n";
        else if (summary.failed > 0)
            err << "some jobs failed: see `discernus export` (status, error) and run again with --resume to retry them\n";
    }
    // The agreement statistics of everything in the database, stored with it for the Statistics
    // view and `discernus stats` (docs/FORMATS.md, "Stored statistics"). Not for workers, which
    // end together, nor after an interrupt, which wants out.
    if (verb == u"run" && summary.error.isEmpty() && !summary.cancelled && summary.done > 0 && !isServerDatabase(opt.dbPath))
        storeStatistics(opt.dbPath, quiet, err);
    if (a.has(QStringLiteral("--json")))
        out << QJsonDocument(summary.toJson()).toJson(QJsonDocument::Compact) << '\n';
    return summary.exitCode();
}

int cmdExport(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"export");
    if (!a.parse(args, out, err))
        return a.exitCode();
    const QString outPath = a.value(QStringLiteral("-o"));
    if (!isServerDatabase(a.value(QStringLiteral("--db"))) && !QFileInfo::exists(a.value(QStringLiteral("--db")))) {
        err << "discernus export: " << a.value(QStringLiteral("--db")) << ": no such database\n";
        return 2;
    }
    ExportOptions opt;
    opt.filter = resultFilterFrom(a);
    opt.longFormat = a.has(QStringLiteral("--long"));
    opt.evidence = a.has(QStringLiteral("--evidence"));
    opt.columnsFile = true;
    if (opt.evidence && opt.longFormat)
        return a.usageError(err, QStringLiteral("--evidence is for the wide format; the long format always has an evidence column"));
    opt.rawCells = a.has(QStringLiteral("--raw-cells"));
    const bool tty = ::isatty(STDERR_FILENO);
    QElapsedTimer t;
    t.start();
    opt.progress = [&](qint64 done, qint64 total) {
        if (tty && t.elapsed() > 200) {
            t.restart();
            err << "\r\033[Kexporting " << done << '/' << total;
            err.flush();
        }
        return true;
    };
    auto rows = exportCsv(a.value(QStringLiteral("--db")), outPath, opt);
    if (tty)
        err << "\r\033[K";
    if (!rows) {
        err << "discernus export: " << rows.error().toString() << '\n';
        return 2;
    }
    err << "wrote " << *rows << " rows to " << outPath << '\n';
    Q_UNUSED(out);
    return 0;
}

} // namespace wb
