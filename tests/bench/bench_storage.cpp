// Storage benchmark (not a test): fills a results database through the public ResultStore API and
// measures the operations the results view and the CLI depend on.
//
//   bench_storage [--fill PATH] [--rows N] [--reuse PATH] [--long] [--keep-csv] [--commit-every N]
//
//   --fill PATH   create PATH (replacing it) with N jobs: 4 model groups x N/4 texts, 6 MFT scores,
//                 one call and one raw response per job; ~1% failed, ~1% pending. Default: a temp file.
//   --rows N      jobs to create (default 1000000).
//   --reuse PATH  skip the fill and only measure an existing database.
//   --long        also time the long CSV export (6 rows per job).
//   --keep-csv    keep PATH.csv instead of deleting it.
//   --no-export   leave out the CSV export timings.
//   --commit-every N  commit after every N jobs (1 = as a run does: each reply durable on receipt);
//                 default 0 = large transactions.
//
// Reports insert rows/s, export MB/s, and page times of fetchResults (offset paging) and
// fetchResultsAfter (keyset paging) at offsets 0, N/2 and N-1, plus counts and mean scores.
#include "core/storage/resultquery.h"
#include "core/storage/resultstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace wb;

namespace {

void out(const QString &s)
{
    std::fprintf(stdout, "%s\n", qPrintable(s));
    std::fflush(stdout);
}

int fail(const QString &what, const Error &e)
{
    std::fprintf(stderr, "bench_storage: %s: %s\n", qPrintable(what), qPrintable(e.toString()));
    return 1;
}

const QStringList kDims = {QStringLiteral("care"), QStringLiteral("fairness"), QStringLiteral("loyalty"),
                           QStringLiteral("authority"), QStringLiteral("sanctity"), QStringLiteral("liberty")};
const QStringList kGroups = {QStringLiteral("gpt-4o"), QStringLiteral("claude-sonnet"), QStringLiteral("mistral-large"),
                             QStringLiteral("gemini-flash")};
const QStringList kProviders = {QStringLiteral("openai"), QStringLiteral("anthropic"), QStringLiteral("mistral"),
                                QStringLiteral("gemini")};

Result<qint64> fill(const QString &path, qint64 rows, qint64 commitEvery)
{
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    ResultStore store;
    if (auto r = store.open(path); !r)
        return std::unexpected(r.error());
    // Large transactions: ~60,000 jobs (each 9 rows) per commit.
    store.setFlushPolicy(500000, 0);
    if (auto r = store.upsertExperiment(QStringLiteral("bench-mft"), QStringLiteral("storage benchmark"),
                                        QByteArray("experiment: {name: bench-mft}\n"));
        !r)
        return std::unexpected(r.error());
    qint64 dbRows = 0;
    const qint64 perRun = (rows + kGroups.size() - 1) / kGroups.size();
    qint64 made = 0;
    const QString raw = QStringLiteral(
        "{\"care\":{\"score\":0.5,\"evidence\":\"...\"},\"fairness\":{\"score\":0.5,\"evidence\":\"...\"},"
        "\"loyalty\":{\"score\":0.5,\"evidence\":\"...\"},\"authority\":{\"score\":0.5,\"evidence\":\"...\"},"
        "\"sanctity\":{\"score\":0.5,\"evidence\":\"...\"},\"liberty\":{\"score\":0.5,\"evidence\":\"...\"}}");
    for (int g = 0; g < kGroups.size() && made < rows; ++g) {
        const QString runId = kGroups[g] + QStringLiteral("-mft");
        if (auto r = store.upsertRun({runId, QStringLiteral("bench-mft"), kGroups[g], QStringLiteral("mft"),
                                      QStringLiteral("speeches"), kDims});
            !r)
            return std::unexpected(r.error());
        QList<JobRow> plan;
        const qint64 n = std::min(perRun, rows - made);
        plan.reserve(n);
        for (qint64 i = 0; i < n; ++i) {
            JobRow j;
            j.textId = QStringLiteral("speech-%1").arg(i, 7, 10, QLatin1Char('0'));
            j.corpus = QStringLiteral("speeches");
            j.runId = runId;
            j.key = runId + QStringLiteral("|speeches/") + j.textId + QStringLiteral("|1");
            plan.append(std::move(j));
        }
        auto jobs = store.ensureJobs(plan);
        if (!jobs)
            return std::unexpected(jobs.error());
        plan.clear();
        dbRows += jobs->size();
        qint64 k = 0;
        for (const JobRow &j : std::as_const(*jobs)) {
            ++k;
            if (k % 97 == 0)
                continue;   // left pending
            CallRecord call;
            call.deploymentId = kProviders[g] + QStringLiteral("-1");
            call.provider = kProviders[g];
            call.group = kGroups[g];
            call.modelVersion = kGroups[g] + QStringLiteral("-2024");
            call.httpStatus = 200;
            call.usage = Usage{1500, 400, 0, 0, true};
            call.costMicros = 4750;
            call.latencyMs = 900 + (k % 300);
            call.requestId = QStringLiteral("req_%1").arg(j.id);
            call.startedAt = QDateTime::currentDateTimeUtc();
            store.recordCall(call, j.id);

            JobResult res;
            res.jobId = j.id;
            res.deploymentId = call.deploymentId;
            res.provider = call.provider;
            res.modelVersion = call.modelVersion;
            res.attempts = 1;
            res.usage = call.usage;
            res.costMicros = call.costMicros;
            res.latencyMs = call.latencyMs;
            res.rawResponse = raw;
            if (k % 100 == 0) {
                res.status = JobStatus::Failed;
                res.error = QStringLiteral("reply is not valid JSON");
                dbRows += 2;
            } else {
                for (int d = 0; d < kDims.size(); ++d)
                    res.scores.append(ScoreRow{kDims[d], double((j.id * 7 + d * 13) % 101) / 100.0,
                                               QStringLiteral("evidence sentence for the score")});
                dbRows += 2 + kDims.size();
            }
            store.recordResult(res);
            if (commitEvery > 0 && k % commitEvery == 0)
                if (auto r = store.flush(); !r)
                    return std::unexpected(r.error());
        }
        made += n;
    }
    if (auto r = store.flush(); !r)
        return std::unexpected(r.error());
    return dbRows;
}

/// Median of `reps` runs of f, in milliseconds.
template <typename F>
double medianMs(int reps, F &&f)
{
    QList<double> t;
    for (int i = 0; i < reps; ++i) {
        QElapsedTimer timer;
        timer.start();
        f();
        t.append(timer.nsecsElapsed() / 1e6);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({QStringLiteral("fill"), QStringLiteral("Create this database."), QStringLiteral("PATH")});
    p.addOption({QStringLiteral("rows"), QStringLiteral("Jobs to create."), QStringLiteral("N"), QStringLiteral("1000000")});
    p.addOption({QStringLiteral("reuse"), QStringLiteral("Measure an existing database."), QStringLiteral("PATH")});
    p.addOption({QStringLiteral("long"), QStringLiteral("Also time the long export.")});
    p.addOption({QStringLiteral("keep-csv"), QStringLiteral("Keep PATH.csv.")});
    p.addOption({QStringLiteral("no-export"), QStringLiteral("Skip the CSV export timings.")});
    p.addOption({QStringLiteral("commit-every"), QStringLiteral("Commit after every N jobs (0 = large transactions)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.process(app);

    QTemporaryDir tmp;
    QString path = p.value(QStringLiteral("reuse"));
    const bool reuse = !path.isEmpty();
    if (!reuse)
        path = p.isSet(QStringLiteral("fill")) ? p.value(QStringLiteral("fill")) : tmp.filePath(QStringLiteral("bench.sqlite"));
    const qint64 rows = p.value(QStringLiteral("rows")).toLongLong();
    if (!reuse && rows <= 0) {
        std::fprintf(stderr, "bench_storage: --rows must be positive\n");
        return 2;
    }

    if (!reuse) {
        QElapsedTimer t;
        t.start();
        auto n = fill(path, rows, p.value(QStringLiteral("commit-every")).toLongLong());
        if (!n)
            return fail(QStringLiteral("fill"), n.error());
        const double s = t.nsecsElapsed() / 1e9;
        out(QStringLiteral("fill: %1 jobs, %2 database rows in %3 s: %4 jobs/s, %5 rows/s; file %6 MB")
                .arg(rows)
                .arg(*n)
                .arg(s, 0, 'f', 2)
                .arg(rows / s, 0, 'f', 0)
                .arg(*n / s, 0, 'f', 0)
                .arg(QFileInfo(path).size() / 1e6, 0, 'f', 1));
    }

    if (reuse) {
        // A database from an older program is migrated here (e.g. schema 4 builds the score index).
        QElapsedTimer t;
        t.start();
        ResultStore store;
        if (auto ok = store.open(path); !ok)
            return fail(QStringLiteral("open"), ok.error());
        out(QStringLiteral("open with ResultStore (migrating an older schema): %1 ms").arg(t.nsecsElapsed() / 1e6, 0, 'f', 0));
    }
    auto conn = openReadConnection(path);
    if (!conn)
        return fail(QStringLiteral("open"), conn.error());
    auto total = countResults(*conn, {});
    if (!total)
        return fail(QStringLiteral("count"), total.error());
    const qint64 n = *total;
    out(QStringLiteral("count (no filter): %1 rows in %2 ms").arg(n).arg(medianMs(3, [&] { (void)countResults(*conn, {}); }), 0, 'f', 2));

    const int page = 100;
    for (qint64 offset : {qint64(0), n / 2, qMax<qint64>(0, n - 1)}) {
        qint64 got = 0, lastId = 0;
        const double ms = medianMs(5, [&] {
            auto r = fetchResults(*conn, {}, offset, page);
            got = r ? r->size() : -1;
            lastId = (r && !r->isEmpty()) ? r->first().jobId - 1 : 0;
        });
        const double keyset = medianMs(5, [&] { (void)fetchResultsAfter(*conn, {}, lastId, page); });
        out(QStringLiteral("fetchResults offset %1 limit %2: %3 rows in %4 ms; fetchResultsAfter same page: %5 ms")
                .arg(offset)
                .arg(page)
                .arg(got)
                .arg(ms, 0, 'f', 2)
                .arg(keyset, 0, 'f', 2));
    }

    ResultFilter byModel;
    byModel.model = kGroups[1];
    auto modelCount = countResults(*conn, byModel);
    const double modelCountMs = medianMs(3, [&] { (void)countResults(*conn, byModel); });
    const qint64 mid = modelCount ? *modelCount / 2 : 0;
    const double modelPageMs = medianMs(5, [&] { (void)fetchResults(*conn, byModel, mid, page); });
    out(QStringLiteral("filter model=%1: count %2 in %3 ms; page at offset %4: %5 ms")
            .arg(byModel.model)
            .arg(modelCount ? *modelCount : -1)
            .arg(modelCountMs, 0, 'f', 2)
            .arg(mid)
            .arg(modelPageMs, 0, 'f', 2));

    ResultFilter byStatus;
    byStatus.status = QStringLiteral("failed");
    byStatus.runId = kGroups[0] + QStringLiteral("-mft");
    auto failedCount = countResults(*conn, byStatus);
    const double failedMs = medianMs(5, [&] { (void)fetchResults(*conn, byStatus, 0, page); });
    out(QStringLiteral("filter run+status=failed: %1 rows; first page %2 ms").arg(failedCount ? *failedCount : -1).arg(failedMs, 0, 'f', 2));

    ResultFilter byText;
    byText.textLike = QStringLiteral("12345");
    const double textMs = medianMs(3, [&] { (void)fetchResults(*conn, byText, 0, page); });
    out(QStringLiteral("filter text like '12345': first page %1 ms").arg(textMs, 0, 'f', 2));

    const double detailMs = medianMs(5, [&] { (void)jobDetail(*conn, n / 2); });
    out(QStringLiteral("jobDetail: %1 ms").arg(detailMs, 0, 'f', 2));

    QElapsedTimer mt;
    mt.start();
    auto means = meanScores(*conn, {});
    out(QStringLiteral("meanScores (all): %1 groups x dimensions in %2 ms").arg(means ? means->size() : -1).arg(mt.nsecsElapsed() / 1e6, 0, 'f', 0));

    // The comparison views: pivot page, chart sample, dimension columns, a sort by one score.
    auto timed = [](auto &&fn) {
        QElapsedTimer t;
        t.start();
        fn();
        return t.nsecsElapsed() / 1e6;
    };
    qint64 pivotRows = -1, pivotTexts = -1, sampleTexts = -1;
    const double pivotMs = timed([&] {
        auto c = comparisonPage(*conn, {}, 0, 200);
        pivotRows = c ? c->texts.size() : -1;
        pivotTexts = c ? c->totalTexts : -1;
    });
    out(QStringLiteral("comparisonPage (pivot, first 200 texts, counted): %1 rows of %2 texts in %3 ms").arg(pivotRows).arg(pivotTexts).arg(pivotMs, 0, 'f', 0));
    const double pivotDeepMs = timed([&] { (void)comparisonPage(*conn, {}, pivotTexts / 2, 200, false); });
    out(QStringLiteral("comparisonPage (pivot, 200 texts from the middle): %1 ms").arg(pivotDeepMs, 0, 'f', 0));
    const double sampleMs = timed([&] {
        auto c = comparisonSample(*conn, {}, 2000);
        sampleTexts = c ? c->texts.size() : -1;
    });
    out(QStringLiteral("comparisonSample (box plots + scatter, 2,000 texts): %1 texts in %2 ms").arg(sampleTexts).arg(sampleMs, 0, 'f', 0));
    const double dimsMs = timed([&] { (void)dimensionList(*conn); });
    out(QStringLiteral("dimensionList: %1 ms").arg(dimsMs, 0, 'f', 2));
    ResultSort byScore;
    byScore.key = ResultSort::Key::Score;
    byScore.framework = QStringLiteral("mft");
    byScore.dimension = QStringLiteral("care");
    byScore.descending = true;
    const double scoreSortMs = timed([&] { (void)fetchResultsSorted(*conn, {}, byScore, 0, page); });
    out(QStringLiteral("fetchResultsSorted by a score (first page): %1 ms").arg(scoreSortMs, 0, 'f', 0));
    byScore.descending = false;
    const double scoreAscMs = timed([&] { (void)fetchResultsSorted(*conn, {}, byScore, 0, page); });
    const double scoreDeepMs = timed([&] { (void)fetchResultsSorted(*conn, {}, byScore, 10000, page); });
    const double scoreModelMs = timed([&] { (void)fetchResultsSorted(*conn, byModel, byScore, 0, page); });
    const double scoreFewMs = timed([&] { (void)fetchResultsSorted(*conn, byStatus, byScore, 0, page); });
    const double scoreTextMs = timed([&] { (void)fetchResultsSorted(*conn, byText, byScore, 0, page); });
    out(QStringLiteral("fetchResultsSorted by a score ascending: first page %1 ms; page at offset 10000: %2 ms; filter model=%3: %4 ms; "
                       "filter run+status=failed: %5 ms; filter text like '12345': %6 ms")
            .arg(scoreAscMs, 0, 'f', 0)
            .arg(scoreDeepMs, 0, 'f', 0)
            .arg(byModel.model)
            .arg(scoreModelMs, 0, 'f', 0)
            .arg(scoreFewMs, 0, 'f', 0)
            .arg(scoreTextMs, 0, 'f', 0));
    closeReadConnection(*conn);

    const QString csv = path + QStringLiteral(".csv");
    for (bool longFormat : {false, true}) {
        if (p.isSet(QStringLiteral("no-export")))
            break;
        if (longFormat && !p.isSet(QStringLiteral("long")))
            break;
        ExportOptions opt;
        opt.longFormat = longFormat;
        QElapsedTimer t;
        t.start();
        auto written = exportCsv(path, csv, opt);
        if (!written)
            return fail(QStringLiteral("export"), written.error());
        const double s = t.nsecsElapsed() / 1e9;
        const double mb = QFileInfo(csv).size() / 1e6;
        out(QStringLiteral("export %1: %2 rows, %3 MB in %4 s: %5 MB/s, %6 rows/s")
                .arg(longFormat ? QStringLiteral("long") : QStringLiteral("wide"))
                .arg(*written)
                .arg(mb, 0, 'f', 1)
                .arg(s, 0, 'f', 2)
                .arg(mb / s, 0, 'f', 1)
                .arg(*written / s, 0, 'f', 0));
    }
    if (!p.isSet(QStringLiteral("keep-csv")))
        QFile::remove(csv);
    return 0;
}
