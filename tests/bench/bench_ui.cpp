// UI benchmark (not a test).
//
//   bench_ui run [--texts N] [--reps R]      a simulator run at full speed driven from the window:
//                                            longest and median event-loop stall, calls/s
//   bench_ui results --db PATH [--stats]     open time of the table, mean chart, box plots, scatter and
//                                            pivot, a sort by a score column, and memory, on an existing
//                                            database (bench_storage --fill PATH --rows 1000000); with
//                                            --stats also the Statistics view
//
// Stalls are measured with a 5 ms repeating timer on the UI thread: a stall is how much later
// than due a tick fires. Run it under xvfb-run (or QT_QPA_PLATFORM=offscreen) so painting is real.
#include "ui/mainwindow.h"
#include "ui/project.h"
#include "ui/compareview.h"
#include "ui/pivotmodel.h"
#include "ui/resultsmodel.h"
#include "ui/resultsview.h"
#include "ui/runmonitor.h"
#include "ui/statisticsview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <algorithm>
#include <limits>
#include <memory>
#include <cstdio>
#include <functional>
#include <vector>

using namespace wb::ui;

namespace {

qint64 statusKb(const QByteArray &field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(field.size()).trimmed().split(' ').first().toLongLong();
    return -1;
}
// Resident memory, and the anonymous part of it (without SQLite's memory-mapped file pages).
qint64 rssKb() { return statusKb("VmRSS:"); }
qint64 anonKb() { return statusKb("RssAnon:"); }

void write(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(text);
}

// Measures how late a 5 ms timer fires while the application runs.
class StallMeter final : public QObject {
public:
    explicit StallMeter(QObject *parent = nullptr) : QObject(parent)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kIntervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last > 0)
                m_stallsMs.push_back(std::max(0.0, double(now - m_last) / 1e6 - kIntervalMs));
            m_last = now;
        });
    }
    void start() { m_clock.start(); m_last = 0; m_stallsMs.clear(); m_timer.start(); }
    void stop() { m_timer.stop(); }
    double percentile(double p) const
    {
        if (m_stallsMs.empty())
            return 0;
        std::vector<double> v = m_stallsMs;
        std::sort(v.begin(), v.end());
        return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1)))];
    }
    double max() const { return m_stallsMs.empty() ? 0 : *std::max_element(m_stallsMs.begin(), m_stallsMs.end()); }
    size_t count() const { return m_stallsMs.size(); }
    size_t over(double ms) const { return size_t(std::count_if(m_stallsMs.begin(), m_stallsMs.end(), [ms](double s) { return s > ms; })); }
    static constexpr int kIntervalMs = 5;

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_stallsMs;
};

int benchRun(int texts, int reps)
{
    QTemporaryDir tmp;
    const QDir d(tmp.path());
    // A project the router can push at full speed: 4 groups x 2 deployments, no limits,
    // a simulator with no latency and no faults.
    QDir().mkpath(d.filePath(QStringLiteral("frameworks")));
    QFile::copy(QStringLiteral(WB_SOURCE_DIR "/resources/sample/frameworks/mft.yaml"), d.filePath(QStringLiteral("frameworks/mft.yaml")));
    for (int i = 0; i < texts; ++i)
        write(d.filePath(QStringLiteral("corpus/t%1.txt").arg(i, 5, 10, QLatin1Char('0'))),
              QByteArray("We must protect the vulnerable, honour our traditions and keep faith with one another. ") + QByteArray::number(i));
    QByteArray ml = "model_list:\n";
    const char *groups[][2] = {{"g-openai", "openai/gpt-4o-mini"}, {"g-anthropic", "anthropic/claude-3-5-haiku-20241022"},
                               {"g-mistral", "mistral/mistral-small-latest"}, {"g-gemini", "gemini/gemini-2.5-flash"}};
    for (auto &g : groups)
        for (int k = 1; k <= 2; ++k) {
            const bool openaiStyle = QByteArray(g[1]).startsWith("openai") || QByteArray(g[1]).startsWith("mistral");
            ml += QByteArray("  - model_name: ") + g[0] + "\n    litellm_params:\n      model: " + g[1] + "\n      api_key: bench-"
                + g[0] + "-" + QByteArray::number(k) + "\n      api_base: http://127.0.0.1:8799" + (openaiStyle ? "/v1" : "") + "\n";
        }
    ml += "router_settings:\n  routing_strategy: usage-based-routing-v2\n  num_retries: 3\n"
          "discernus:\n  simulator:\n    enabled: true\n    port: 8799\n    limits: sim_limits.yaml\n";
    write(d.filePath(QStringLiteral("litellm_config.yaml")), ml);
    write(d.filePath(QStringLiteral("sim_limits.yaml")), "seed: 1\nlatency_ms: 0\naccept_any_key: true\n");
    QByteArray exp = "experiment:\n  name: bench-ui\ncorpus:\n  - id: c\n    path: corpus/\nframeworks:\n  - id: mft\n    path: frameworks/mft.yaml\n"
                     "execution:\n  temperature: 0.1\n  max_tokens: 400\n  repetitions: "
        + QByteArray::number(reps) + "\n  matrix:\n";
    for (auto &g : groups)
        exp += QByteArray("    - {run_id: r-") + g[0] + ", model: " + g[0] + ", framework: mft, corpus_subset: c}\n";
    write(d.filePath(QStringLiteral("experiment.yaml")), exp);

    MainWindow w;
    w.resize(1360, 860);
    if (!w.openProject(tmp.path(), true)) {
        std::fprintf(stderr, "bench_ui: cannot open the generated project\n");
        return 2;
    }
    w.show();
    w.showPage(MainWindow::RunPage);
    RunMonitor *run = w.runPage();
    run->setDatabasePath(d.filePath(QStringLiteral("bench.sqlite")));
    QSignalSpy finished(run, &RunMonitor::runFinished);
    StallMeter meter;
    QElapsedTimer wall;
    QApplication::processEvents();
    meter.start();
    wall.start();
    run->start();
    while (finished.isEmpty() && wall.elapsed() < 600000)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    meter.stop();
    const wb::RunSummary s = run->lastSummary();
    if (!s.error.isEmpty()) {
        std::fprintf(stderr, "bench_ui: run failed: %s\n", qPrintable(s.error));
        return 1;
    }
    std::printf("bench_ui run: %lld jobs, %lld done, %lld failed, %lld calls in %.1f s = %.0f calls/s (engine wall %.1f s)\n",
                s.jobs, s.done, s.failed, s.calls, wall.elapsed() / 1000.0, double(s.calls) / (wall.elapsed() / 1000.0), s.wallSeconds);
    std::printf("event-loop stalls over %zu ticks of %d ms: median %.2f ms, p99 %.2f ms, max %.2f ms, %zu over 50 ms\n",
                meter.count(), StallMeter::kIntervalMs, meter.percentile(0.5), meter.percentile(0.99), meter.max(), meter.over(50));
    std::printf("process RSS at the end (UI + engine + simulator in one process): %lld MB, anonymous %lld MB\n", rssKb() / 1024, anonKb() / 1024);
    return 0;
}

// Milliseconds from `clock`'s start to the first emission of a signal (-1 until then); the
// `skip` first emissions are left out (a chart cleared at once before its data arrives).
// With `done`, the first emission after which it holds.
template<typename Sender, typename Signal>
std::shared_ptr<qint64> firstAt(Sender *sender, Signal signal, const QElapsedTimer &clock, int skip = 0,
                                std::function<bool()> done = {})
{
    auto at = std::make_shared<qint64>(-1);
    auto seen = std::make_shared<int>(0);
    QObject::connect(sender, signal, sender, [at, seen, skip, done, &clock] {
        if ((*seen)++ >= skip && *at < 0 && (!done || done()))
            *at = clock.elapsed();
    });
    return at;
}

bool waitFor(const std::shared_ptr<qint64> &at, qint64 timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (*at < 0 && t.elapsed() < timeoutMs)
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    return *at >= 0;
}

int benchResults(const QString &db, bool withStats)
{
    if (!QFileInfo::exists(db)) {
        std::fprintf(stderr, "bench_ui: no database %s (make one with bench_storage --fill PATH --rows 1000000)\n", qPrintable(db));
        return 2;
    }
    const qint64 rssBefore = rssKb();
    const qint64 anonBefore = anonKb();
    ResultsView view;
    view.resize(1300, 800);
    view.show();
    QApplication::processEvents();
    StallMeter meter;
    meter.start();
    QElapsedTimer t;
    // Each figure is the time from setDatabase to the first emission of its signal; the views
    // load concurrently (the table on one query thread, the mean chart on another, the
    // comparison on a third), so the figures overlap rather than add up.
    auto firstPage = firstAt(view.model(), &ResultsModel::pageLoaded, t);
    auto total = firstAt(view.model(), &ResultsModel::totalChanged, t, 0, [&view] { return view.model()->totalCount() >= 0; });
    auto means = firstAt(&view, &ResultsView::meansShown, t, 1);   // the first is the chart cleared at once
    auto charts = firstAt(view.compareView(), &CompareView::chartsShown, t);
    auto pivotPage = firstAt(view.compareView()->pivotModel(), &PivotModel::pageLoaded, t);
    auto pivotTotal = firstAt(view.compareView()->pivotModel(), &PivotModel::totalChanged, t, 0,
                              [&view] { return view.compareView()->pivotModel()->totalTexts() >= 0; });
    t.start();
    view.setDatabase(db);
    const qint64 setMs = t.elapsed();
    for (const auto &at : {firstPage, total, means, charts, pivotPage, pivotTotal})
        if (!waitFor(at, 120000)) {
            std::fprintf(stderr, "bench_ui: a view did not load within 120 s\n");
            return 1;
        }
    const qint64 allMs = t.elapsed();
    const int boxSets = view.compareView()->boxSetCount();
    const int scatterPoints = view.compareView()->scatterPointCount();
    const int pivotRows = view.compareView()->pivotModel()->rowCount();
    // Scroll down through 40 pages as a user dragging the scroll bar would.
    QElapsedTimer s;
    s.start();
    for (int i = 0; i < 40; ++i) {
        const int before = view.model()->rowCount();
        view.view()->verticalScrollBar()->setValue(view.view()->verticalScrollBar()->maximum());
        while (view.model()->rowCount() == before && s.elapsed() < 60000)
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    }
    const qint64 scrollMs = s.elapsed();
    const int rowsLoaded = view.model()->rowCount();
    const qint64 totalRows = view.model()->totalCount();
    // A click on a score column's header: every result ordered by that dimension, highest first.
    qint64 sortMs = -1;
    double topScore = std::numeric_limits<double>::quiet_NaN();
    QString sortedBy;
    if (!view.model()->dimensionColumns().isEmpty()) {
        const int col = ResultsModel::ColumnCount;
        sortedBy = view.model()->headerData(col, Qt::Horizontal).toString();
        QSignalSpy sorted(view.model(), &ResultsModel::pageLoaded);
        QElapsedTimer st;
        st.start();
        view.view()->sortByColumn(col, Qt::DescendingOrder);
        while (sorted.isEmpty() && st.elapsed() < 120000)
            QApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        QApplication::processEvents();
        sortMs = st.elapsed();
        topScore = view.model()->index(0, col).data(ResultsModel::ScoreRole).toDouble();
    }
    // A text filter over the whole table.
    wb::ResultFilter f;
    f.textLike = QStringLiteral("999");
    QSignalSpy pages(view.model(), &ResultsModel::pageLoaded);
    QElapsedTimer ft;
    ft.start();
    view.model()->setFilter(f);
    while (pages.isEmpty())
        QApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    const qint64 filterMs = ft.elapsed();
    meter.stop();
    const qint64 rssView = rssKb(), anonView = anonKb();
    std::printf("bench_ui results: %lld rows in %s\n", totalRows, qPrintable(db));
    std::printf("setDatabase returned in %lld ms; first page shown after %lld ms; row count after %lld ms; mean chart after %lld ms\n",
                setMs, *firstPage, *total, *means);
    std::printf("compare (own query thread, timed from setDatabase): pivot first page after %lld ms (%d texts); box plots + scatter after %lld ms "
                "(%d box sets, %d points); pivot text count after %lld ms; everything after %lld ms\n",
                *pivotPage, pivotRows, *charts, boxSets, scatterPoints, *pivotTotal, allMs);
    std::printf("40 more pages by scrolling: %lld ms (%d rows loaded); sort by score column \"%s\" (descending, top %.3f): %lld ms; "
                "text filter first page: %lld ms\n",
                scrollMs, rowsLoaded, qPrintable(sortedBy), topScore, sortMs, filterMs);
    std::printf("RSS: %lld MB before, %lld MB after (+%lld MB); anonymous memory +%lld MB\n",
                rssBefore / 1024, rssView / 1024, (rssView - rssBefore) / 1024, (anonView - anonBefore) / 1024);
    std::printf("UI event-loop stalls meanwhile: median %.2f ms, max %.2f ms, %zu over 50 ms\n", meter.percentile(0.5), meter.max(),
                meter.over(50));
    if (withStats) {
        StatisticsView stats;
        stats.resize(1000, 700);
        QElapsedTimer st;
        auto shown = firstAt(&stats, &StatisticsView::reportShown, st);
        st.start();
        stats.setSource(db, {});
        stats.show();
        if (!waitFor(shown, 600000)) {
            std::fprintf(stderr, "bench_ui: statistics did not arrive within 600 s\n");
            return 1;
        }
        std::printf("statistics view (agreement over every finished score): %lld ms, %d dimensions; RSS now %lld MB\n", *shown,
                    stats.tree()->topLevelItemCount(), rssKb() / 1024);
        // The same once more with Recompute: what a look costs when nothing is stored (a database
        // of an older schema, or results written since), and what a run's end spends to store them.
        QElapsedTimer rt;
        auto recomputed = firstAt(&stats, &StatisticsView::reportShown, rt);
        rt.start();
        stats.recompute();
        if (!waitFor(recomputed, 600000)) {
            std::fprintf(stderr, "bench_ui: recomputed statistics did not arrive within 600 s\n");
            return 1;
        }
        std::printf("statistics computed again (Recompute): %lld ms; RSS now %lld MB\n", *recomputed, rssKb() / 1024);
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("DiscernusBench"));
    QApplication::setApplicationName(QStringLiteral("bench_ui"));
    QCommandLineParser p;
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("run | results"));
    p.addOption({QStringLiteral("texts"), QStringLiteral("Texts in the generated corpus."), QStringLiteral("N"), QStringLiteral("500")});
    p.addOption({QStringLiteral("reps"), QStringLiteral("Repetitions."), QStringLiteral("R"), QStringLiteral("10")});
    p.addOption({QStringLiteral("db"), QStringLiteral("Results database."), QStringLiteral("PATH")});
    p.addOption({QStringLiteral("stats"), QStringLiteral("results: also time the Statistics view (reads every score).")});
    p.addHelpOption();
    p.process(app);
    const QString mode = p.positionalArguments().value(0, QStringLiteral("run"));
    if (mode == QLatin1String("results"))
        return benchResults(p.value(QStringLiteral("db")), p.isSet(QStringLiteral("stats")));
    return benchRun(p.value(QStringLiteral("texts")).toInt(), p.value(QStringLiteral("reps")).toInt());
}
