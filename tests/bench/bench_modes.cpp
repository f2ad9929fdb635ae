// Benchmark: the router against every counting mode of the provider simulator (docs/README.md,
// "Benchmarks"). Four providers with binding limits, two OpenAI keys on one group; one whole
// `discernus run` (ExperimentRunner) per mode, with the limits written in the model list and
// without them. Time is scaled: the simulator's window and the router's are --window-ms long.
//
// Per row: wall time / the minimum the simulator's limits allow for the work it actually counted,
// 429s the simulator sent, calls, and the pre-flight estimate (the engine's estimate assembler)
// against the run: duration, tokens and cost.
//
//   bench_modes [--texts N] [--window-ms W] [--latency-ms L] [--mode NAME] [--configured-only]
//               [--start-into MS]   (each run starts MS into a wall-clock window: the fixed mode's phase)
//               [--slack PERCENT]   (token limits PERCENT above a third of the demand: see sizeLimits)
//
// The minimum: per group and limit, D demanded of a limit L in total (the simulator's own count
// after settling) needs ceil(D / L) - 1 further windows (a bucket: D / L - 1 refills), plus one
// call's latency. Keys of one pool count their limit once; a key with a per-day quota serves at
// most its quota, and the group's other keys then carry the rest. With sliding windows calls are
// whole, so a group also needs at least as many windows as it takes to hold its calls' final
// charges (fewestWindows); the group's keys share those (the calls of keys without a per-day
// quota, among those keys). With fixed windows (reset on the wall clock) the first window ends at
// the first boundary after the run's first call, so the minimum is that much shorter.
#include "core/experiment/estimator.h"
#include "core/pricing/pricing.h"
#include "core/session/estimateinput.h"
#include "core/session/experimentrunner.h"
#include "core/session/project.h"
#include "core/sim/providersimulator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QThread>
#include <QDateTime>

#include <QSet>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <optional>
#include <memory>

using namespace wb;

namespace {

struct Mode {
    const char *name;
    const char *what;
    std::function<void(QList<SimKey> &)> apply;
};

// The charge modes change what providers with a tpm counter in their headers (OpenAI, Mistral)
// charge: the router is to learn it from those counters. Gemini sends no counters; it keeps its
// documented rule (charging it otherwise could only be learned one 429 at a time).
void forTpmKeys(QList<SimKey> &keys, SimCharge c)
{
    for (SimKey &k : keys)
        if (k.provider == u"openai" || k.provider == u"mistral")
            k.charge = c;
}

const QList<Mode> &modes()
{
    static const QList<Mode> m{
        {"provider", "each provider's documented rule (Anthropic a bucket, the others sliding windows)", [](QList<SimKey> &) {}},
        {"window", "every limit a sliding window, Anthropic's too (against the router's traits table)",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 k.algorithm = SimAlgorithm::Window;
         }},
        {"settle", "tpm charged prompt + max_tokens, settled to usage", [](QList<SimKey> &k) { forTpmKeys(k, SimCharge::ReserveThenSettle); }},
        {"max", "tpm charged max(prompt, max_tokens), never settled", [](QList<SimKey> &k) { forTpmKeys(k, SimCharge::MaxPromptOutput); }},
        {"reserve", "tpm charged prompt + max_tokens, never settled", [](QList<SimKey> &k) { forTpmKeys(k, SimCharge::Reserve); }},
        {"prompt_settle", "tpm charged the prompt alone, the completion added at the reply",
         [](QList<SimKey> &k) { forTpmKeys(k, SimCharge::PromptThenSettle); }},
        {"bucket_settle", "every limit a bucket, tpm charged prompt + max_tokens, settled to usage",
         [](QList<SimKey> &keys) {
             forTpmKeys(keys, SimCharge::ReserveThenSettle);
             for (SimKey &k : keys)
                 k.algorithm = SimAlgorithm::Bucket;
         }},
        {"bucket", "every limit a continuously refilled bucket",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 k.algorithm = SimAlgorithm::Bucket;
         }},
        {"fixed", "every limit a fixed window reset on the wall clock's multiples of the window",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 k.algorithm = SimAlgorithm::Fixed;
         }},
        {"oldest", "every limit a sliding window whose reset headers name when its oldest charge leaves",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys) {
                 k.algorithm = SimAlgorithm::Window;
                 k.resetNamesOldest = true;
             }
         }},
        {"pool", "both OpenAI keys draw on one organisation's limit",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 if (k.provider == u"openai")
                     k.pool = QStringLiteral("org-bench");
         }},
        {"no_headers", "no rate-limit headers, only 429 bodies",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 k.limitHeaders = false;
         }},
        // Anthropic documents that "60 RPM may be enforced as 1 request per second": any interval
        // shorter than window / rpm holds one request, so 1 ms here at every rpm the bench sets.
        {"short", "Anthropic also holds its requests over a second: one at a time at the rpm's pace, no burst",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 if (k.provider == u"anthropic")
                     k.shortIntervalMs = 1;
         }},
        {"bysize", "Mistral's older token-only headers (ratelimitbysize-*): no request limit named, no Retry-After",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 if (k.provider == u"mistral")
                     k.bySizeHeaders = true;
         }},
        // The token limits grow with the count, so the limits bind as tightly as in the other
        // modes and the minimum stays comparable; what differs is only how far the router's own
        // estimate is from the provider's count before the first replies.
        {"tokens", "every provider counts a prompt as 1.3x the usual tokens (its token limits 1.3x too)",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys) {
                 k.countFactor = 1.3;
                 for (qint64 *lim : {&k.tpm, &k.itpm})
                     *lim = std::llround(double(*lim) * 1.3);
             }
         }},
        {"admission", "every reply's rate-limit headers read as the provider admitted the call, not as the reply left",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 k.headersAtAdmission = true;
         }},
        {"admission_settle", "headers read at admission; tpm charged the prompt alone, the completion added at the reply",
         [](QList<SimKey> &keys) {
             forTpmKeys(keys, SimCharge::PromptThenSettle);
             for (SimKey &k : keys)
                 k.headersAtAdmission = true;
         }},
        {"daily", "second OpenAI key: a per-day quota of 2 requests",
         [](QList<SimKey> &keys) {
             for (SimKey &k : keys)
                 if (k.key == u"b-oa-2")
                     k.rpd = 2;
         }},
    };
    return m;
}

void writeFile(const QString &path, const QString &text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(text.toUtf8());
}

// --start-into MS: each measured run starts that far into a wall-clock window (where fixed windows
// have their boundaries), so a phase can be chosen; -1: whenever.
qint64 g_startIntoMs = -1;

/// How long a run may take before the bench cancels it: three minutes, or six windows where those
/// are longer (a real minute's).
qint64 guardMs(qint64 windowMs)
{
    return std::max<qint64>(180'000, 6 * windowMs);
}

RunSummary runExperiment(const QString &config, const QString &experiment, const QString &db, qint64 windowMs,
                         const QString &learnedLimits = {})
{
    if (g_startIntoMs >= 0) {
        const auto into = [&] { return QDateTime::currentMSecsSinceEpoch() % windowMs; };
        while (into() < g_startIntoMs || into() >= g_startIntoMs + 10)
            QThread::msleep(2);
    }
    RunOptions o;
    o.configPath = config;
    o.experimentPath = experiment;
    o.dbPath = db;
    o.windowMsForTesting = windowMs;
    o.learnedLimitsPath = learnedLimits;
    ExperimentRunner runner(o);
    RunSummary out;
    QObject::connect(&runner, &ExperimentRunner::finished, [&](const RunSummary &s) {
        out = s;
        QCoreApplication::exit(0);
    });
    // A run that cannot finish in time (guardMs) is cancelled and reported as such rather than
    // hanging the table.
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &runner, &ExperimentRunner::cancel);
    guard.start(int(guardMs(windowMs)));
    runner.start();
    QCoreApplication::exec();
    return out;
}

const char *kGroups[] = {"gpt-4o-mini", "claude-haiku", "mistral-small", "gemini-flash"};

QString experimentYaml(const QString &name, const QString &corpusDir, int limit)
{
    QString y = QStringLiteral("experiment: {name: %1}\ncorpus:\n  - {id: speeches, path: \"%2\"}\n"
                               "frameworks:\n  - {id: mft, path: mft.yaml}\n"
                               "execution:\n  temperature: 0.1\n  max_tokens: 600\n  matrix:\n")
                    .arg(name, corpusDir);
    for (const char *g : kGroups)
        y += QStringLiteral("    - {run_id: %1, model: %1, framework: mft, corpus_subset: {corpus: speeches, limit: %2}}\n")
                 .arg(QString::fromLatin1(g))
                 .arg(limit);
    return y;
}

SimKey simKey(const QString &name, const QString &provider)
{
    SimKey k;
    k.key = name;
    k.provider = provider;
    // Anthropic documents continuously refilled buckets (as the simulator's config file defaults).
    if (provider == u"anthropic")
        k.algorithm = SimAlgorithm::Bucket;
    return k;
}

QList<SimKey> baseKeys()
{
    return {simKey(QStringLiteral("b-oa-1"), QStringLiteral("openai")), simKey(QStringLiteral("b-oa-2"), QStringLiteral("openai")),
            simKey(QStringLiteral("b-an-1"), QStringLiteral("anthropic")), simKey(QStringLiteral("b-mi-1"), QStringLiteral("mistral")),
            simKey(QStringLiteral("b-ge-1"), QStringLiteral("gemini"))};
}

QString groupOf(const SimKey &k)
{
    if (k.provider == u"openai")
        return QStringLiteral("gpt-4o-mini");
    if (k.provider == u"anthropic")
        return QStringLiteral("claude-haiku");
    return k.provider == u"mistral" ? QStringLiteral("mistral-small") : QStringLiteral("gemini-flash");
}

/// The model list: the simulator's limits written per deployment (and the shared pool) or none;
/// with `declareAlgorithm` also each key's window or bucket (model_info.limit_algorithm), as a
/// researcher who knows how the provider refills would write it.
QString modelList(const QString &base, const QList<SimKey> &keys, bool configured, bool declareAlgorithm = false)
{
    QString ml = QStringLiteral("model_list:\n");
    for (const SimKey &k : keys) {
        const QString model = k.provider == u"openai"      ? QStringLiteral("openai/gpt-4o-mini")
                              : k.provider == u"anthropic" ? QStringLiteral("anthropic/claude-3-5-haiku-20241022")
                              : k.provider == u"mistral"   ? QStringLiteral("mistral/mistral-small-latest")
                                                           : QStringLiteral("gemini/gemini-2.5-flash");
        const QString apiBase = k.provider == u"openai" || k.provider == u"mistral" ? base + QStringLiteral("/v1") : base;
        QString limits;
        if (configured) {
            limits = QStringLiteral(", rpm: %1").arg(k.rpm);
            if (k.tpm)
                limits += QStringLiteral(", tpm: %1").arg(k.tpm);
            if (k.itpm)
                limits += QStringLiteral(", itpm: %1, otpm: %2").arg(k.itpm).arg(k.otpm);
            if (k.rpd)
                limits += QStringLiteral(", rpd: %1").arg(k.rpd);
        }
        ml += QStringLiteral("  - model_name: %1\n    litellm_params: {model: %2, api_key: %3, api_base: \"%4\"%5}\n")
                  .arg(groupOf(k), model, k.key, apiBase, limits);
        QStringList info;
        if (configured && !k.pool.isEmpty())
            info << QStringLiteral("rate_limit_pool: %1").arg(k.pool);
        if (declareAlgorithm)
            info << QStringLiteral("limit_algorithm: %1").arg(simAlgorithmName(k.algorithm));
        if (!info.isEmpty())
            ml += QStringLiteral("    model_info: {%1}\n").arg(info.join(QStringLiteral(", ")));
    }
    ml += QStringLiteral("router_settings: {routing_strategy: usage-based-routing-v2, num_retries: 3, timeout: 120}\n");
    return ml;
}

/// Limits that bind: every group's demand (measured by an unlimited sizing run) is about three
/// windows of each limit, and no single call exceeds a limit. Where the demand sets the limit
/// (more texts than the largest call needs), three windows need every window packed to the token;
/// `slack` (0.1 = 10 %) raises the token limits above a third of the demand.
void sizeLimits(QList<SimKey> &keys, const SimStats &sized, double maxOverMean, double slack)
{
    auto perCall = [&](const QString &key, auto field) {
        const SimKeyStats s = sized.keys.value(key);
        return s.ok > 0 ? double(s.*field) / double(s.ok) : 0.0;
    };
    auto fit = [&](double demand, double oneCall) { return qint64(std::ceil(std::max(demand / 3.0 * (1.0 + slack), oneCall * maxOverMean * 1.1))); };
    for (SimKey &k : keys) {
        const SimKeyStats s = sized.keys.value(k.key);
        const double n = double(s.ok);
        k.rpm = std::max<qint64>(1, qint64(std::ceil(n / 2.0)));
        if (k.provider == u"anthropic") {
            k.itpm = fit(double(s.promptTokens), perCall(k.key, &SimKeyStats::promptTokens));
            k.otpm = fit(double(s.completionTokens), perCall(k.key, &SimKeyStats::completionTokens));
        } else {
            k.tpm = fit(double(s.tokensCharged), perCall(k.key, &SimKeyStats::tokensCharged));
        }
    }
    // The group's keys get the same limits (the larger), so they can also stand for one pool.
    SimKey *first = nullptr;
    for (SimKey &k : keys) {
        if (k.provider != u"openai")
            continue;
        if (!first) {
            first = &k;
            continue;
        }
        first->rpm = k.rpm = std::max(first->rpm, k.rpm);
        first->tpm = k.tpm = std::max(first->tpm, k.tpm);
    }
}

/// Whether the calls fit into `bins` windows of `limit` tokens and `rpm` requests: a depth-first
/// search placing the largest call first, never trying two windows of the same load for one call
/// (they are interchangeable). Gives up (nullopt) after `budget` placements.
std::optional<bool> fitsInto(const std::vector<qint64> &sorted, int bins, qint64 limit, qint64 rpm, qint64 budget)
{
    std::vector<qint64> load(std::size_t(bins), 0);
    std::vector<qint64> count(std::size_t(bins), 0);
    qint64 steps = 0;
    std::function<std::optional<bool>(std::size_t)> place = [&](std::size_t i) -> std::optional<bool> {
        if (i == sorted.size())
            return true;
        if (++steps > budget)
            return std::nullopt;
        for (int b = 0; b < bins; ++b) {
            bool seen = false;
            for (int c = 0; c < b && !seen; ++c)
                seen = load[std::size_t(c)] == load[std::size_t(b)] && count[std::size_t(c)] == count[std::size_t(b)];
            if (seen || load[std::size_t(b)] + sorted[i] > limit || (rpm > 0 && count[std::size_t(b)] >= rpm))
                continue;
            load[std::size_t(b)] += sorted[i];
            ++count[std::size_t(b)];
            const std::optional<bool> r = place(i + 1);
            load[std::size_t(b)] -= sorted[i];
            --count[std::size_t(b)];
            if (!r || *r)
                return r;
        }
        return false;
    };
    return place(0);
}

/// The fewest windows of `limit` tokens and `rpm` requests that hold every call of `charges`
/// (exact: by dynamic programming over subsets up to 16 calls, above by a bounded search from the
/// volume bound up; 0 when that search gives up). In a sliding window the calls sent within one
/// window-length interval share one window, so a schedule needs at least this many intervals:
/// its last call goes (bins - 1) windows after its first.
int fewestWindows(const QList<qint64> &charges, qint64 limit, qint64 rpm)
{
    const int n = int(charges.size());
    if (n == 0 || limit <= 0)
        return 0;
    if (n > 16) {
        std::vector<qint64> sorted(charges.cbegin(), charges.cend());
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        if (sorted.front() > limit)
            return 0;
        const qint64 total = std::accumulate(sorted.begin(), sorted.end(), qint64(0));
        int bins = int(std::max<qint64>((total + limit - 1) / limit, rpm > 0 ? (n + rpm - 1) / rpm : 1));
        for (; bins <= n; ++bins) {
            const std::optional<bool> fits = fitsInto(sorted, bins, limit, rpm, 20'000'000);
            if (!fits)
                return 0;
            if (*fits)
                return bins;
        }
        return n;
    }
    const quint32 all = (1u << n) - 1;
    std::vector<qint64> sum(std::size_t(all) + 1, 0);
    std::vector<int> count(std::size_t(all) + 1, 0);
    for (quint32 m = 1; m <= all; ++m) {
        const int low = std::countr_zero(m);
        sum[m] = sum[m & (m - 1)] + charges[low];
        count[m] = count[m & (m - 1)] + 1;
    }
    auto fits = [&](quint32 m) { return sum[m] <= limit && (rpm <= 0 || count[m] <= rpm); };
    std::vector<int> best(std::size_t(all) + 1, n + 1);
    best[0] = 0;
    for (quint32 m = 1; m <= all; ++m) {
        // The window that holds the lowest call of m: every subset of m containing it.
        const quint32 low = m & (~m + 1);
        const quint32 rest = m ^ low;
        for (quint32 s = rest;; s = (s - 1) & rest) {
            const quint32 bin = s | low;
            if (fits(bin))
                best[m] = std::min(best[m], best[m ^ bin] + 1);
            if (s == 0)
                break;
        }
    }
    return best[all];
}

struct GroupMinimum {
    QString group;
    double seconds = 0;   ///< the limits' minimum for this group (without the call's latency)
    double lastReply = 0; ///< when its last reply left the simulator, from the run's first call
};

/// Seconds the limits allow at least, for what the simulator counted (see the note at the top),
/// per group.
QList<GroupMinimum> groupMinimums(const QList<SimKey> &keys, const SimStats &st, double windowS)
{
    qint64 start = -1;
    for (const SimKeyStats &s : st.keys)
        if (s.firstRequestAt >= 0)
            start = start < 0 ? s.firstRequestAt : std::min(start, s.firstRequestAt);
    // Fixed windows: the run started this far into one, so its first window was that much shorter.
    const qint64 windowMs = qint64(std::llround(windowS * 1000));
    const double intoFixedS = double(((st.clockEpochMs + std::max<qint64>(0, start)) % windowMs + windowMs) % windowMs) / 1000.0;
    QList<GroupMinimum> out;
    struct Dim {
        qint64 limit = 0;
        double demand = 0;
    };
    for (const char *group : kGroups) {
        // Per limit domain (pool or key): its limits and what its keys were charged.
        QMap<QString, std::array<Dim, 4>> domains;
        QMap<QString, bool> daily;
        bool bucket = false, fixed = false;
        qint64 shortCapacity = 0;   // requests the short interval holds (SimKey::shortIntervalMs)
        for (const SimKey &k : keys) {
            if (groupOf(k) != QLatin1String(group))
                continue;
            const SimKeyStats s = st.keys.value(k.key);
            const QString dom = k.pool.isEmpty() ? k.key : k.pool;
            auto &d = domains[dom];
            const bool an = k.provider == u"anthropic";
            const qint64 limits[4] = {k.rpm, an ? k.itpm : k.tpm, k.otpm, 0};
            const double demand[4] = {double(s.ok), double(an ? s.promptTokens : s.tokensCharged), an ? double(s.completionTokens) : 0, 0};
            for (int i = 0; i < 3; ++i) {
                d[std::size_t(i)].limit = limits[i];
                d[std::size_t(i)].demand += demand[i];
            }
            daily[dom] = daily.value(dom) || k.rpd > 0;
            bucket = k.algorithm == SimAlgorithm::Bucket;
            fixed = k.algorithm == SimAlgorithm::Fixed;
            if (k.shortIntervalMs > 0 && k.rpm > 0)
                shortCapacity = std::max<qint64>(1, k.rpm * k.shortIntervalMs / windowMs);   // as the simulator
        }
        GroupMinimum gm;
        gm.group = QLatin1String(group);
        QList<qint64> charges;
        qint64 tokenLimit = 0, rpm = 0;
        int keysInGroup = 0;
        QSet<QString> pools;
        for (const SimKey &k : keys) {
            if (groupOf(k) != QLatin1String(group))
                continue;
            const SimKeyStats s = st.keys.value(k.key);
            if (s.lastOkAt >= 0)
                gm.lastReply = std::max(gm.lastReply, double(s.lastOkAt - std::max<qint64>(0, start)) / 1000.0);
            tokenLimit = k.provider == u"anthropic" ? k.itpm : k.tpm;
            rpm = k.rpm;
            // The keys with a per-day quota served what they served; the others carry the rest,
            // each call whole.
            if (k.rpd > 0)
                continue;
            charges += s.okCharges;
            if (k.pool.isEmpty())
                ++keysInGroup;
            else if (!pools.contains(k.pool)) {
                pools.insert(k.pool);
                ++keysInGroup;
            }
        }
        auto bound = [&](bool withoutDaily) {
            double b = 0;
            for (int i = 0; i < 3; ++i) {
                double demand = 0;
                qint64 limit = 0;
                bool unlimited = false;
                for (auto it = domains.cbegin(); it != domains.cend(); ++it) {
                    if (withoutDaily && daily.value(it.key()))
                        continue;
                    const Dim &d = it.value()[std::size_t(i)];
                    demand += d.demand;
                    unlimited = unlimited || d.limit == 0;
                    limit += d.limit;
                }
                if (unlimited || limit == 0 || demand <= 0)
                    continue;
                const double r = demand / double(limit);
                double windows = bucket ? std::max(0.0, r - 1.0) : std::max(0.0, std::ceil(r - 1e-9) - 1.0);
                // Requests held over a short interval go at the rpm's pace after its few.
                if (i == 0 && shortCapacity > 0)
                    windows = std::max(windows, (demand - double(shortCapacity)) / double(limit));
                b = std::max(b, windows > 0 && fixed ? windows * windowS - intoFixedS : windows * windowS);
            }
            return b;
        };
        gm.seconds = std::max(bound(false), daily.values().contains(true) ? bound(true) : 0.0);
        // Whole calls: with sliding windows every window holds whole calls, so the keys (equal
        // limits) together need at least fewestWindows() windows.
        if (!bucket && keysInGroup > 0) {
            const int bins = fewestWindows(charges, tokenLimit, rpm);
            const int after = (bins + keysInGroup - 1) / keysInGroup - 1;
            if (bins > 0 && after > 0)
                gm.seconds = std::max(gm.seconds, double(after) * windowS - (fixed ? intoFixedS : 0.0));
        }
        out << gm;
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto arg = [&](const char *name, const QString &def) {
        const qsizetype i = args.indexOf(QString::fromLatin1(name));
        return i > 0 && i + 1 < args.size() ? args[i + 1] : def;
    };
    const int texts = arg("--texts", QStringLiteral("8")).toInt();
    const qint64 windowMs = arg("--window-ms", QStringLiteral("5000")).toLongLong();
    const double latencyMs = arg("--latency-ms", QStringLiteral("150")).toDouble();
    const QString only = arg("--mode", {});
    g_startIntoMs = arg("--start-into", QStringLiteral("-1")).toLongLong();
    const bool configuredOnly = args.contains(QStringLiteral("--configured-only"));
    const QString corpusRoot = arg("--corpus", QStringLiteral(WB_SHARED_DATA_DIR "/corpus"));

    SimConfig cfg;
    cfg.seed = 5;
    cfg.latencyMs = latencyMs;
    cfg.latencyPerOutputTokenMs = 0.2;
    cfg.jitterMs = latencyMs / 4;
    cfg.windowMs = windowMs;
    cfg.acceptAnyKey = false;
    cfg.keys = baseKeys();

    QTemporaryDir dir;
    // WB_BENCH_KEEP=1 keeps the model lists, databases and learned limits for a look afterwards.
    if (qEnvironmentVariableIsSet("WB_BENCH_KEEP")) {
        dir.setAutoRemove(false);
        std::fprintf(stderr, "keeping %s\n", qPrintable(dir.path()));
    }
    QFile::copy(QStringLiteral(WB_SOURCE_DIR "/resources/sample/frameworks/mft.yaml"), dir.filePath(QStringLiteral("mft.yaml")));
    const QString target = dir.filePath(QStringLiteral("target.yaml"));
    writeFile(dir.filePath(QStringLiteral("calibrate.yaml")), experimentYaml(QStringLiteral("calibrate"), corpusRoot + QStringLiteral("/sotu"), 4));
    writeFile(target, experimentYaml(QStringLiteral("target"), corpusRoot + QStringLiteral("/inaugural"), texts));
    const QString config = dir.filePath(QStringLiteral("litellm_config.yaml"));
    const QString calDb = dir.filePath(QStringLiteral("calibration.db"));

    // The longest text over the mean: no limit may be smaller than the largest call.
    double maxOverMean = 1;
    {
        QDir corpus(corpusRoot + QStringLiteral("/inaugural"));
        const QFileInfoList files = corpus.entryInfoList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name).mid(0, texts);
        qint64 sum = 0, most = 0;
        for (const QFileInfo &f : files) {
            sum += f.size();
            most = std::max(most, f.size());
        }
        if (sum > 0)
            maxOverMean = double(most) * double(files.size()) / double(sum);
    }

    // Unlimited: a calibration run (the estimator's history) and a sizing run of the target.
    SimStats sized;
    double unlimitedWallS = 0;
    {
        ProviderSimulator sim(cfg);
        if (!sim.start())
            qFatal("cannot start the simulator");
        writeFile(config, modelList(sim.baseUrl(), cfg.keys, false));
        std::fprintf(stderr, "calibration and sizing runs (unlimited) ...\n");
        const RunSummary cal = runExperiment(config, dir.filePath(QStringLiteral("calibrate.yaml")), calDb, windowMs);
        if (!cal.error.isEmpty())
            qFatal("calibration failed: %s", qPrintable(cal.error));
        const SimStats before = sim.stats();
        const RunSummary size = runExperiment(config, target, dir.filePath(QStringLiteral("sizing.db")), windowMs);
        if (!size.error.isEmpty())
            qFatal("sizing run failed: %s", qPrintable(size.error));
        sized = sim.stats();
        unlimitedWallS = size.wallSeconds;
        for (auto it = sized.keys.begin(); it != sized.keys.end(); ++it) {
            const SimKeyStats b = before.keys.value(it.key());
            it->ok -= b.ok;
            it->tokensCharged -= b.tokensCharged;
            it->promptTokens -= b.promptTokens;
            it->completionTokens -= b.completionTokens;
        }
    }
    QList<SimKey> limited = baseKeys();
    sizeLimits(limited, sized, maxOverMean, arg("--slack", QStringLiteral("0")).toDouble() / 100.0);

    QTextStream out(stdout);
    out << QStringLiteral("bench_modes: %1 texts x 4 groups (2 OpenAI keys), window %2 ms, latency %3 ms; "
                          "the same run without limits took %4 s\n")
               .arg(texts).arg(windowMs).arg(latencyMs).arg(unlimitedWallS, 0, 'f', 1);
    out << "limits per key:";
    for (const SimKey &k : std::as_const(limited))
        out << ' ' << k.key << " rpm " << k.rpm << (k.provider == u"anthropic" ? QStringLiteral(" itpm %1 otpm %2").arg(k.itpm).arg(k.otpm)
                                                                           : QStringLiteral(" tpm %1").arg(k.tpm)) << ';';
    out << "\n\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10")
               .arg(QStringLiteral("mode"), -11).arg(QStringLiteral("limits"), -7)
               .arg(QStringLiteral("wall_s"), 7).arg(QStringLiteral("min_s"), 7).arg(QStringLiteral("ratio"), 6)
               .arg(QStringLiteral("429"), 5).arg(QStringLiteral("calls"), 6)
               .arg(QStringLiteral("dur est/act"), 15).arg(QStringLiteral("tokens est/act"), 17).arg(QStringLiteral("cost est/act $"), 17)
           << QStringLiteral("  per group (oa an mi ge): last reply/its minimum s\n");
    out.flush();

    // One row: wall time against the minimum the simulator's limits allow for what it counted.
    auto printRow = [&](const char *mode, const QString &limits, const QList<SimKey> &keys, const SimStats &st,
                        const RunSummary &act, const QString &estDuration, const QString &estTokens, const QString &estCost) {
        const double perCallS = (cfg.latencyMs + cfg.latencyPerOutputTokenMs * 100.0) / 1000.0;
        const QList<GroupMinimum> groups = groupMinimums(keys, st, double(windowMs) / 1000.0);
        double minimum = 0;
        // Each group's last reply against its own minimum, to say where time went.
        QStringList perGroup;
        for (const GroupMinimum &g : groups) {
            minimum = std::max(minimum, g.seconds + perCallS);
            perGroup << QStringLiteral("%1/%2").arg(g.lastReply, 0, 'f', 1).arg(g.seconds + perCallS, 0, 'f', 1);
        }
        // Which keys were refused, so a refusal can be traced to its provider.
        QStringList refusedKeys;
        for (auto it = st.keys.cbegin(); it != st.keys.cend(); ++it)
            if (it->rateLimited > 0)
                refusedKeys << QStringLiteral("%1 x%2").arg(it.key()).arg(it->rateLimited);
        const QString refused = refusedKeys.isEmpty() ? QString() : QStringLiteral("  (429: %1)").arg(refusedKeys.join(u", "));
        const QString status = !act.error.isEmpty() ? QStringLiteral("  ERROR ") + act.error
                               : act.cancelled      ? QStringLiteral("  (cancelled after %1 s, %2 of %3 jobs done)").arg(guardMs(windowMs) / 1000).arg(act.done).arg(act.jobs)
                               : act.failed > 0     ? QStringLiteral("  (%1 jobs failed)").arg(act.failed)
                                                    : QString();
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10  %12%11\n")
                   .arg(QLatin1String(mode), -11)
                   .arg(limits, -7)
                   .arg(act.wallSeconds, 7, 'f', 1)
                   .arg(minimum, 7, 'f', 1)
                   .arg(minimum > 0 ? act.wallSeconds / minimum : 0.0, 6, 'f', 3)
                   .arg(st.rateLimited, 5)
                   .arg(act.calls, 6)
                   .arg(QStringLiteral("%1/%2").arg(estDuration).arg(act.wallSeconds, 0, 'f', 1), 15)
                   .arg(QStringLiteral("%1/%2").arg(estTokens).arg(act.promptTokens + act.completionTokens), 17)
                   .arg(QStringLiteral("%1/%2").arg(estCost).arg(microsToUsd(act.costMicros), 0, 'f', 4), 17)
                   .arg(status + refused)
                   .arg(perGroup.join(u' '), -28);
        out.flush();
    };

    for (const Mode &m : modes()) {
        if (!only.isEmpty() && only != QLatin1String(m.name))
            continue;
        // The modes whose refill differs from the providers' documented one (the router's traits
        // table) also get a row with each key's algorithm declared in the model list.
        const bool declares = qstrcmp(m.name, "bucket") == 0 || qstrcmp(m.name, "window") == 0 || qstrcmp(m.name, "fixed") == 0;
        // The estimator's history comes from the providers it estimates: where a mode changes how
        // they count prompts, the calibration run is repeated against the mode's keys (unlimited),
        // as a researcher's earlier runs would have met the same providers.
        QString history = calDb;
        {
            QList<SimKey> keys = limited;
            m.apply(keys);
            if (std::any_of(keys.cbegin(), keys.cend(), [](const SimKey &k) { return k.countFactor != 1.0; })) {
                for (SimKey &k : keys)
                    k.rpm = k.tpm = k.itpm = k.otpm = k.rpd = 0;
                SimConfig c = cfg;
                c.keys = keys;
                ProviderSimulator sim(c);
                if (!sim.start())
                    qFatal("cannot start the simulator");
                writeFile(config, modelList(sim.baseUrl(), c.keys, false));
                history = dir.filePath(QStringLiteral("calibration-%1.db").arg(QLatin1String(m.name)));
                const RunSummary cal = runExperiment(config, dir.filePath(QStringLiteral("calibrate.yaml")), history, windowMs);
                if (!cal.error.isEmpty())
                    qFatal("calibration failed: %s", qPrintable(cal.error));
            }
        }
        for (const int variant : {0, 1, 2}) {
            const bool configured = variant != 2;
            const bool declareAlgorithm = variant == 1;
            if ((!configured && configuredOnly) || (declareAlgorithm && !declares))
                continue;
            SimConfig c = cfg;
            c.keys = limited;
            m.apply(c.keys);
            // Without limits in the model list the router learns them: the "learn" row is that
            // first run. The "none" row is a second run on a fresh simulator in the same mode,
            // whose estimate and router start with what the first remembered.
            const QString learned = configured ? QString() : dir.filePath(QStringLiteral("learned-%1.json").arg(QLatin1String(m.name)));
            if (!configured) {
                ProviderSimulator teacher(c);
                const auto port = teacher.start();
                if (!port)
                    qFatal("cannot start the simulator");
                c.port = *port;
                writeFile(config, modelList(teacher.baseUrl(), c.keys, false));
                const RunSummary taught = runExperiment(config, target, dir.filePath(QStringLiteral("%1-teach.db").arg(QLatin1String(m.name))),
                                                        windowMs, learned);
                if (!taught.error.isEmpty())
                    qFatal("teaching run failed: %s", qPrintable(taught.error));
                // The learning run itself: nothing configured, nothing remembered.
                printRow(m.name, QStringLiteral("learn"), c.keys, teacher.stats(), taught, QStringLiteral("-"),
                         QStringLiteral("-"), QStringLiteral("-"));
                teacher.stop();
            }
            ProviderSimulator sim(c);
            if (!sim.start())
                qFatal("cannot start the simulator");
            writeFile(config, modelList(sim.baseUrl(), c.keys, configured, declareAlgorithm));

            // The pre-flight estimate, as `discernus estimate` makes it.
            auto project = loadProject(config, target);
            if (!project)
                qFatal("%s", qPrintable(project.error().toString()));
            auto ctx = prepareEstimate(*project, history, learned);
            if (!ctx)
                qFatal("%s", qPrintable(ctx.error().toString()));
            ctx->input.latency = {c.latencyMs / 1000.0, c.latencyPerOutputTokenMs / 1000.0};
            ctx->input.windowSeconds = double(windowMs) / 1000.0;
            ctx->input.recommendations = false;
            const auto report = estimateExperiment(ctx->input);
            if (!report)
                qFatal("%s", qPrintable(report.error().toString()));
            const RunEstimate &est = report->planned.total;

            const QString db = dir.filePath(QStringLiteral("%1-%2.db").arg(QLatin1String(m.name)).arg(variant));
            const RunSummary act = runExperiment(config, target, db, windowMs, learned);
            printRow(m.name, declareAlgorithm ? QStringLiteral("alg") : configured ? QStringLiteral("model") : QStringLiteral("none"),
                     c.keys, sim.stats(), act,
                     QStringLiteral("%1").arg(report->planned.durationSeconds, 0, 'f', 1),
                     QStringLiteral("%1").arg(est.promptTokens + est.expectedOutputTokens),
                     QStringLiteral("%1").arg(microsToUsd(est.expectedCostMicros), 0, 'f', 4));
            out.flush();
            sim.stop();
        }
    }
    out << "\nratio = wall / minimum the simulator's limits allow for what it counted; 429 = replies the "
           "simulator refused; limits: model = written in the model list, alg = written with each key's "
           "limit_algorithm (bucket, window and fixed modes), learn = none written and none "
           "remembered (the router learns them from headers and refusals), none = none written, a second run "
           "whose estimate and router start with what the learn run remembered\n";
    return 0;
}
