#include "core/experiment/estimator.h"

#include "core/common/logging.h"
#include "core/experiment/prompt.h"
#include "core/tokenize/tokenestimator.h"
#include "core/tokenize/tokenizer.h"

#include <QtConcurrent/QtConcurrentMap>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace wb {

namespace {

constexpr qint64 kNever = std::numeric_limits<qint64>::max();
constexpr qint64 kUsPerSecond = 1'000'000;

qint64 toUs(double seconds)
{
    return seconds <= 0 ? 0 : qint64(std::llround(seconds * double(kUsPerSecond)));
}

/// Sliding-window sum of charges with settle-able amounts. Charges arrive in time order, so the
/// live ones are a suffix; a Fenwick tree over all charges answers "when will enough have
/// expired for X more to fit" in O(log n) even after settlements changed amounts in the middle.
class SlidingSum {
public:
    explicit SlidingSum(qint64 windowUs = 60 * kUsPerSecond, qint64 marginUs = 0) : m_window(windowUs), m_margin(marginUs) {}

    int add(qint64 t, qint64 amount)
    {
        if (m_time.size() == m_cap)
            grow();
        const int idx = int(m_time.size());
        m_time.push_back(t);
        m_amount.push_back(amount);
        treeAdd(size_t(idx), amount);
        m_total += amount;
        return idx;
    }
    void settle(int idx, qint64 amount)
    {
        const qint64 delta = amount - m_amount[size_t(idx)];
        if (delta == 0)
            return;
        m_amount[size_t(idx)] = amount;
        treeAdd(size_t(idx), delta);
        m_total += delta;
        if (size_t(idx) < m_head)
            m_expired += delta;
    }
    void expire(qint64 now)
    {
        while (m_head < m_time.size() && m_time[m_head] + m_window <= now)
            m_expired += m_amount[m_head++];
    }
    qint64 used(qint64 now)
    {
        expire(now);
        return m_total - m_expired;
    }
    qint64 total() const { return m_total; }
    /// Earliest time >= now at which used + extra <= limit; kNever if extra > limit.
    qint64 earliestFit(qint64 now, qint64 extra, qint64 limit)
    {
        if (extra > limit)
            return kNever;
        const qint64 over = used(now) + extra - limit;
        if (over <= 0)
            return now;
        const size_t j = lowerBound(m_expired + over);
        if (j >= m_time.size())
            return kNever;   // cannot happen while amounts are non-negative
        return std::max(now, m_time[j] + m_window + m_margin);
    }

private:
    void treeAdd(size_t idx, qint64 delta)
    {
        for (size_t i = idx + 1; i <= m_cap; i += i & (~i + 1))
            m_tree[i] += delta;
    }
    /// Smallest 0-based index whose prefix sum (inclusive) >= target.
    size_t lowerBound(qint64 target) const
    {
        size_t pos = 0;
        qint64 rem = target;
        for (size_t step = m_cap; step > 0; step >>= 1) {
            if (pos + step <= m_cap && m_tree[pos + step] < rem) {
                pos += step;
                rem -= m_tree[pos];
            }
        }
        return pos;   // 1-based pos+1 -> 0-based pos
    }
    void grow()
    {
        m_cap = m_cap == 0 ? 64 : m_cap * 2;
        m_tree.assign(m_cap + 1, 0);
        for (size_t i = 1; i <= m_amount.size(); ++i) {
            m_tree[i] += m_amount[i - 1];
            const size_t j = i + (i & (~i + 1));
            if (j <= m_cap)
                m_tree[j] += m_tree[i];
        }
        m_time.reserve(m_cap);
        m_amount.reserve(m_cap);
    }

    qint64 m_window;
    qint64 m_margin;   // the router waits this much past an expiry before admitting again
    std::vector<qint64> m_time, m_amount, m_tree;
    size_t m_cap = 0;
    size_t m_head = 0;
    qint64 m_total = 0, m_expired = 0;
};

enum Dim { DimRpm, DimTpm, DimItpm, DimOtpm, DimParallel, DimCount };

const char *dimName(int d)
{
    static const char *names[] = {"rpm", "tpm", "itpm", "otpm", "max_parallel_requests"};
    return names[d];
}

struct SimWindow {
    qint64 limit[4] = {0, 0, 0, 0};   // rpm, tpm, itpm, otpm; 0 = none
    SlidingSum sums[4];
    qint64 outReserved = 0;
    SimWindow(qint64 windowUs, qint64 marginUs)
        : sums{SlidingSum(windowUs, marginUs), SlidingSum(windowUs, marginUs), SlidingSum(windowUs, marginUs),
               SlidingSum(windowUs, marginUs)}
    {
    }
};

struct SimDep {
    int group = 0;
    int window = 0;
    ScheduleRule rule = ScheduleRule::OpenAi;
    int maxParallel = 0;   // 0 = none
    int inFlight = 0;
    LatencyModel latency;
};

struct Charge {
    qint64 tokens = 0, input = 0, outReserve = 0;
};

Charge chargeFor(ScheduleRule rule, const ScheduleCall &c)
{
    Charge ch;
    switch (rule) {
    case ScheduleRule::OpenAi:
        ch.tokens = c.charTokens + c.maxTokens;
        break;
    case ScheduleRule::Mistral:
        ch.tokens = c.promptTokens + c.maxTokens;
        break;
    case ScheduleRule::Anthropic:
        ch.input = c.promptTokens;
        ch.tokens = c.promptTokens;
        ch.outReserve = c.outputTokens;
        break;
    case ScheduleRule::Gemini:
        ch.tokens = c.promptTokens;
        break;
    }
    return ch;
}

struct InFlight {
    qint64 at;          // completion time
    quint64 seq;
    int call;
    int dep;
    int tokenCharge;    // index in the tpm window, for settlement
    int inputCharge;
    bool operator>(const InFlight &o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

} // namespace

ScheduleRule scheduleRuleFor(const QString &provider)
{
    const QString p = provider.toLower();
    if (p == QLatin1String("anthropic"))
        return ScheduleRule::Anthropic;
    if (p == QLatin1String("mistral"))
        return ScheduleRule::Mistral;
    if (p == QLatin1String("gemini") || p.startsWith(QLatin1String("vertex_ai")))
        return ScheduleRule::Gemini;
    return ScheduleRule::OpenAi;   // and every OpenAI-compatible server
}

ScheduleResult simulateSchedule(const QList<ScheduleDeployment> &deployments, const std::vector<ScheduleCall> &calls,
                                int runCount, std::atomic<bool> *cancel, double windowSeconds, double marginSeconds)
{
    ScheduleResult res;
    const qint64 windowUs = toUs(windowSeconds);
    const qint64 marginUs = toUs(marginSeconds);
    res.deploymentOf.assign(calls.size(), -1);
    res.runFinishSeconds.assign(size_t(std::max(0, runCount)), 0.0);
    res.deployments.resize(size_t(deployments.size()));

    // Windows: one per key; the stricter configured limit of the members wins (like the router).
    std::vector<SimWindow> windows;
    QHash<QString, int> windowIndex;
    std::vector<SimDep> deps;
    int groupCount = 0;
    for (const ScheduleDeployment &d : deployments) {
        const QString key = d.windowKey.isEmpty() ? d.id : d.windowKey;
        int w = windowIndex.value(key, -1);
        if (w < 0) {
            w = int(windows.size());
            windowIndex.insert(key, w);
            windows.emplace_back(windowUs, marginUs);
        }
        const std::optional<qint64> lims[4] = {d.limits.rpm, d.limits.tpm, d.limits.itpm, d.limits.otpm};
        for (int k = 0; k < 4; ++k) {
            if (lims[k] && *lims[k] > 0)
                windows[size_t(w)].limit[k] = windows[size_t(w)].limit[k] == 0 ? *lims[k]
                                                                                 : std::min(windows[size_t(w)].limit[k], *lims[k]);
        }
        SimDep sd;
        sd.group = d.group;
        sd.window = w;
        sd.rule = d.rule;
        sd.maxParallel = d.limits.maxParallelRequests.value_or(0) > 0 ? *d.limits.maxParallelRequests : 0;
        sd.latency = d.latency;
        deps.push_back(sd);
        groupCount = std::max(groupCount, d.group + 1);
    }
    for (const ScheduleCall &c : calls)
        groupCount = std::max(groupCount, c.group + 1);

    auto depsOfGroup = std::vector<std::vector<int>>(size_t(groupCount));
    for (size_t i = 0; i < deps.size(); ++i)
        depsOfGroup[size_t(deps[i].group)].push_back(int(i));
    auto queue = std::vector<std::vector<int>>(size_t(groupCount));
    for (size_t i = 0; i < calls.size(); ++i)
        queue[size_t(calls[i].group)].push_back(int(i));
    std::vector<size_t> head(size_t(groupCount), 0);
    std::vector<qint64> wake(size_t(groupCount), 0);
    // What each blocked queue head waits on: every deployment that frees up soonest, with its limit.
    auto waitOn = std::vector<std::vector<std::pair<int, int>>>(size_t(groupCount));

    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>> inFlight;
    quint64 seq = 0;
    qint64 now = 0, lastFinish = 0;
    quint64 iterations = 0;

    // When could dep admit call c? Returns now when it can; kNever when it never can on its own
    // merits; sets `dim` to the limit that decides.
    auto earliest = [&](int di, const ScheduleCall &c, int &dim) -> qint64 {
        SimDep &d = deps[size_t(di)];
        SimWindow &w = windows[size_t(d.window)];
        const Charge ch = chargeFor(d.rule, c);
        qint64 t = now;
        dim = -1;
        const qint64 amounts[3] = {1, ch.tokens, ch.input};
        for (int k = 0; k < 3; ++k) {
            if (w.limit[k] == 0)
                continue;
            const qint64 f = w.sums[k].earliestFit(now, amounts[k], w.limit[k]);
            if (f > t) {
                t = f;
                dim = k;
            }
        }
        if (w.limit[DimOtpm] > 0 && ch.outReserve > 0) {
            qint64 f;
            if (ch.outReserve > w.limit[DimOtpm])
                f = kNever;
            else if (w.outReserved + ch.outReserve > w.limit[DimOtpm])
                f = kNever - 1;   // frees up when a call in flight completes
            else
                f = w.sums[DimOtpm].earliestFit(now, w.outReserved + ch.outReserve, w.limit[DimOtpm]);
            if (f > t) {
                t = f;
                dim = DimOtpm;
            }
        }
        if (d.maxParallel > 0 && d.inFlight >= d.maxParallel && t < kNever - 1) {
            t = kNever - 1;
            dim = DimParallel;
        }
        return t;
    };
    auto headroom = [&](int di, const ScheduleCall &c) -> double {
        const SimDep &d = deps[size_t(di)];
        SimWindow &w = windows[size_t(d.window)];
        const Charge ch = chargeFor(d.rule, c);
        double h = 1.0;
        const qint64 amounts[4] = {1, ch.tokens, ch.input, ch.outReserve};
        for (int k = 0; k < 4; ++k) {
            if (w.limit[k] == 0)
                continue;
            const qint64 used = w.sums[k].used(now) + (k == DimOtpm ? w.outReserved : 0);
            h = std::min(h, double(w.limit[k] - used - amounts[k]) / double(w.limit[k]));
        }
        if (d.maxParallel > 0)
            h = std::min(h, double(d.maxParallel - d.inFlight - 1) / double(d.maxParallel));
        return h;
    };
    auto admit = [&](int di, int ci) {
        SimDep &d = deps[size_t(di)];
        SimWindow &w = windows[size_t(d.window)];
        const ScheduleCall &c = calls[size_t(ci)];
        const Charge ch = chargeFor(d.rule, c);
        w.sums[DimRpm].add(now, 1);
        const int tok = w.sums[DimTpm].add(now, ch.tokens);
        const int in = ch.input > 0 ? w.sums[DimItpm].add(now, ch.input) : -1;
        w.outReserved += ch.outReserve;
        ++d.inFlight;
        const double lat = d.latency.seconds(c.outputTokens);
        inFlight.push(InFlight{now + toUs(lat), seq++, ci, di, tok, in});
        res.deploymentOf[size_t(ci)] = di;
        ScheduleResult::Use &u = res.deployments[size_t(di)];
        ++u.calls;
        u.promptTokens += c.promptTokens;
        u.outputTokens += c.outputTokens;
        u.busySeconds += lat;
    };
    auto complete = [&](const InFlight &f) {
        SimDep &d = deps[size_t(f.dep)];
        SimWindow &w = windows[size_t(d.window)];
        const ScheduleCall &c = calls[size_t(f.call)];
        const Charge ch = chargeFor(d.rule, c);
        --d.inFlight;
        w.outReserved -= ch.outReserve;
        // What the reply settles (the router's settlementFor, with expected usage).
        switch (d.rule) {
        case ScheduleRule::OpenAi:
            break;   // charged at admission, not refunded
        case ScheduleRule::Mistral:
            w.sums[DimTpm].settle(f.tokenCharge, c.promptTokens + c.outputTokens);
            break;
        case ScheduleRule::Anthropic:
            w.sums[DimTpm].settle(f.tokenCharge, c.promptTokens + c.outputTokens);
            w.sums[DimOtpm].add(f.at, c.outputTokens);
            break;
        case ScheduleRule::Gemini:
            break;
        }
        const double at = double(f.at) / double(kUsPerSecond);
        if (c.run >= 0 && size_t(c.run) < res.runFinishSeconds.size())
            res.runFinishSeconds[size_t(c.run)] = std::max(res.runFinishSeconds[size_t(c.run)], at);
        lastFinish = std::max(lastFinish, f.at);
    };

    for (;;) {
        if (cancel && (++iterations & 1023) == 0 && cancel->load(std::memory_order_relaxed)) {
            res.cancelled = true;
            return res;
        }
        // Dispatch every queue head that some deployment admits now.
        qint64 next = kNever;
        for (int g = 0; g < groupCount; ++g) {
            std::vector<int> &q = queue[size_t(g)];
            const std::vector<int> &gd = depsOfGroup[size_t(g)];
            while (head[size_t(g)] < q.size()) {
                const int ci = q[size_t(head[size_t(g)])];
                const ScheduleCall &c = calls[size_t(ci)];
                int best = -1;
                double bestRoom = -2;
                qint64 soonest = kNever;
                std::vector<std::pair<int, int>> &waits = waitOn[size_t(g)];
                waits.clear();
                bool everPossible = false;
                for (int di : gd) {
                    int dim = -1;
                    const qint64 t = earliest(di, c, dim);
                    if (t != kNever)
                        everPossible = true;
                    if (t <= now) {
                        const double room = headroom(di, c);
                        if (room > bestRoom || (room == bestRoom && deps[size_t(di)].inFlight < deps[size_t(best)].inFlight)) {
                            best = di;
                            bestRoom = room;
                        }
                    } else if (t == kNever) {
                        continue;   // this deployment can never take the call
                    } else if (t < soonest || waits.empty()) {
                        soonest = t;
                        waits.assign(1, {di, dim});
                    } else if (t == soonest) {
                        waits.push_back({di, dim});
                    }
                }
                if (best >= 0) {
                    waits.clear();
                    admit(best, ci);
                    ++head[size_t(g)];
                    continue;
                }
                if (!everPossible) {
                    waits.clear();
                    // Larger than a limit of every deployment of its group (or no deployment):
                    // the router could never send it.
                    ++res.unschedulable;
                    ++head[size_t(g)];
                    continue;
                }
                wake[size_t(g)] = soonest >= kNever - 1 ? kNever : soonest;
                next = std::min(next, wake[size_t(g)]);
                break;
            }
        }
        if (!inFlight.empty())
            next = std::min(next, inFlight.top().at);
        if (next == kNever) {
            // Nothing in flight and nobody can ever wake: only possible if every remaining head waits
            // on an in-flight call that does not exist (defensive); count the rest as unschedulable.
            for (int g = 0; g < groupCount; ++g) {
                res.unschedulable += qint64(queue[size_t(g)].size() - head[size_t(g)]);
                head[size_t(g)] = queue[size_t(g)].size();
            }
            break;
        }
        // Waiting time goes to the limit each blocked queue head waits on.
        for (int g = 0; g < groupCount; ++g) {
            const std::vector<std::pair<int, int>> &waits = waitOn[size_t(g)];
            if (head[size_t(g)] >= queue[size_t(g)].size() || waits.empty())
                continue;
            const double share = double(next - now) / double(kUsPerSecond) / double(waits.size());
            for (const auto &[d, dim] : waits) {
                if (dim >= 0)
                    res.deployments[size_t(d)].waited[dim] += share;
            }
        }
        now = next;
        while (!inFlight.empty() && inFlight.top().at <= now) {
            const InFlight f = inFlight.top();
            inFlight.pop();
            complete(f);
        }
        bool pending = !inFlight.empty();
        for (int g = 0; g < groupCount && !pending; ++g)
            pending = head[size_t(g)] < queue[size_t(g)].size();
        if (!pending)
            break;
    }
    for (size_t i = 0; i < deps.size(); ++i) {
        const SimWindow &w = windows[size_t(deps[i].window)];
        ScheduleResult::Use &u = res.deployments[i];
        // Window totals (shared by a pool's members).
        u.windowRequests = w.sums[DimRpm].total();
        u.windowTokens = w.sums[DimTpm].total();
        u.windowInputTokens = w.sums[DimItpm].total();
        u.windowOutputTokens = w.sums[DimOtpm].total();
        u.windowLimits[0] = w.limit[0];
        u.windowLimits[1] = w.limit[1];
        u.windowLimits[2] = w.limit[2];
        u.windowLimits[3] = w.limit[3];
    }
    res.durationSeconds = double(lastFinish) / double(kUsPerSecond);
    return res;
}

// ---------------------------------------------------------------------------------------------
// The estimate
// ---------------------------------------------------------------------------------------------

namespace {

QString fmtDuration(double s)
{
    if (s < 60)
        return QString::number(s, 'f', s < 10 ? 1 : 0) + QStringLiteral(" s");
    const qint64 total = qint64(std::llround(s));
    const qint64 h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
    if (h > 0)
        return QStringLiteral("%1h %2m %3s").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(sec, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1m %2s").arg(m).arg(sec, 2, 10, QLatin1Char('0'));
}

QString fmtUsd(qint64 micros)
{
    const double usd = microsToUsd(micros);
    return QLatin1Char('$') + QString::number(usd, 'f', std::abs(usd) < 10 ? 4 : 2);
}

QString fmtInt(qint64 v)
{
    QString s = QString::number(v < 0 ? -v : v);
    for (qsizetype i = s.size() - 3; i > 0; i -= 3)
        s.insert(i, QLatin1Char(','));
    return v < 0 ? QLatin1Char('-') + s : s;
}

QString fmtUtil(double u)
{
    return u < 0 ? QStringLiteral("-") : QString::number(std::lround(u * 100)) + QLatin1Char('%');
}

bool cancelled(const EstimateInput &in)
{
    return in.cancel && in.cancel->load(std::memory_order_relaxed);
}

/// The run's texts: its corpus, include globs on ids, then the limit.
QList<int> selectTexts(const QList<EstimateText> &texts, const RunSpec &run)
{
    QList<QRegularExpression> globs;
    for (const QString &g : run.include)
        globs << QRegularExpression(QRegularExpression::wildcardToRegularExpression(g));
    QList<int> out;
    for (int i = 0; i < texts.size(); ++i) {
        if (texts[i].corpus != run.corpus)
            continue;
        if (!globs.isEmpty()
            && std::none_of(globs.cbegin(), globs.cend(), [&](const QRegularExpression &re) { return re.match(texts[i].id).hasMatch(); }))
            continue;
        out << i;
        if (run.limit && out.size() >= *run.limit)
            break;
    }
    return out;
}

/// Everything about one run the simulation and the cost need, for one mode.
struct RunCalls {
    RunEstimate est;
    int group = -1;
};

struct Mode {
    bool batched = false;
    std::vector<ScheduleCall> calls;
    QList<RunCalls> runs;
};

class Estimator {
public:
    explicit Estimator(const EstimateInput &in) : m_in(in) {}
    Result<EstimateReport> run();

private:
    Result<void> prepare();
    Result<Mode> buildMode(bool batched, int progressFrom, int progressTo);
    qint64 countPrompt(const Deployment &d, const ChatRequest &req, QString *method) const;
    struct TextCounter {
        QString key;          // texts counted under one key are shared by every run using it
        double scale = 1.0;   // counted units -> the provider's tokens
        std::function<qint64(const QString &)> count;
    };
    TextCounter textCounterFor(const Deployment &d) const;
    Result<void> ensureCounted(const TextCounter &tc, const QList<int> &indices, int progressFrom, int progressTo);
    double outputPerText(const RunSpec &run, const Framework &fw) const;
    ModeEstimate evaluate(const Mode &mode, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced,
                          const ScheduleResult &sim) const;
    BudgetVerdict budget(const ModeEstimate &m) const;
    void report(int percent) const
    {
        if (m_in.progress)
            m_in.progress(std::clamp(percent, 0, 100));
    }

    const EstimateInput &m_in;
    QStringList m_groups;
    QList<ScheduleDeployment> m_sched;
    QList<Deployment> m_deps;            // parallel to m_sched: for prices
    QList<int> m_firstDepOfGroup;
    QList<const Framework *> m_fwOfRun;
    QList<QList<int>> m_textsOfRun;
    QStringList m_warnings;
    QHash<QString, std::vector<qint64>> m_baseCounts;   // counter key -> count per text (-1 = not yet)
};

Result<void> Estimator::prepare()
{
    if (!m_in.buildPrompt)
        return fail(QStringLiteral("estimate: no prompt builder given"));
    for (const Deployment &d : m_in.models.deployments) {
        qsizetype g = m_groups.indexOf(d.modelName);
        if (g < 0) {
            g = m_groups.size();
            m_groups << d.modelName;
            m_firstDepOfGroup << int(m_sched.size());
        }
        ScheduleDeployment s;
        s.id = d.id;
        s.group = int(g);
        s.rule = scheduleRuleFor(d.provider);
        s.windowKey = d.windowKey();
        s.limits = d.limits;
        s.latency = m_in.latencyByDeployment.value(d.id, m_in.latency);
        m_sched << s;
        m_deps << d;
    }
    const QList<RunSpec> &matrix = m_in.experiment.execution.matrix;
    for (const RunSpec &run : matrix) {
        if (!m_groups.contains(run.model))
            return fail(QStringLiteral("run %1: model group \"%2\" is not in the model list").arg(run.runId, run.model),
                        m_in.experiment.path, run.line);
        const Framework *fw = nullptr;
        for (const Framework &f : m_in.frameworks) {
            if (f.id == run.framework)
                fw = &f;
        }
        if (!fw)
            return fail(QStringLiteral("run %1: framework \"%2\" is not loaded").arg(run.runId, run.framework),
                        m_in.experiment.path, run.line);
        m_fwOfRun << fw;
        m_textsOfRun << selectTexts(m_in.texts, run);
        if (m_textsOfRun.last().isEmpty())
            m_warnings << QStringLiteral("run %1 selects no texts of corpus \"%2\"").arg(run.runId, run.corpus);
    }
    return {};
}

qint64 Estimator::countPrompt(const Deployment &d, const ChatRequest &req, QString *method) const
{
    if (m_in.countTokens) {
        if (method)
            *method = QStringLiteral("custom");
        return m_in.countTokens(d.provider, d.model, req);
    }
    if (m_in.tokens) {
        const TokenCount c = m_in.tokens->promptTokens(d.provider, d.model, req);
        if (method)
            *method = countMethodName(c.method);
        return c.tokens;
    }
    if (method)
        *method = QStringLiteral("chars/4");
    return (qint64(req.system.size()) + qint64(req.user.size()) + 3) / 4;
}

double Estimator::outputPerText(const RunSpec &run, const Framework &fw) const
{
    if (const auto it = m_in.meanOutputTokensPerText.constFind(run.runId); it != m_in.meanOutputTokensPerText.cend())
        return *it;
    if (const auto it = m_in.meanOutputTokensPerText.constFind(run.model); it != m_in.meanOutputTokensPerText.cend())
        return *it;
    return double(m_in.outputTokensPerText) + double(m_in.outputTokensPerDimension) * double(fw.dimensions.size());
}

Estimator::TextCounter Estimator::textCounterFor(const Deployment &d) const
{
    TextCounter tc;
    if (m_in.countTokens) {
        tc.key = QStringLiteral("custom:") + d.provider + u'/' + d.model;
        const EstimateTokenCounter counter = m_in.countTokens;
        const QString provider = d.provider, model = d.model;
        tc.count = [counter, provider, model](const QString &text) {
            ChatRequest r;
            r.user = text;
            return counter(provider, model, r);
        };
    } else if (m_in.tokens) {
        // Texts are counted once per encoding and shared by every model using it: OpenAI models
        // exactly in their own encoding, the other families in o200k times their (calibrated) factor,
        // which is how TokenEstimator counts them.
        Encoding enc = Encoding::O200kBase;
        if (TokenEstimator::family(d.provider, d.model) == TokenEstimator::Family::OpenAI)
            enc = encodingForModel(d.provider, d.model);
        else
            tc.scale = m_in.tokens->factor(d.provider, d.model);
        tc.key = encodingName(enc);
        tc.count = [enc](const QString &text) { return qint64(Tokenizer::get(enc).count(text)); };
    } else {
        tc.key = QStringLiteral("chars/4");
        tc.count = [](const QString &text) { return (qint64(text.size()) + 3) / 4; };
    }
    return tc;
}

Result<void> Estimator::ensureCounted(const TextCounter &tc, const QList<int> &indices, int progressFrom, int progressTo)
{
    std::vector<qint64> &base = m_baseCounts[tc.key];
    if (base.size() != size_t(m_in.texts.size()))
        base.assign(size_t(m_in.texts.size()), -1);
    QList<int> todo;
    for (int i : indices) {
        if (base[size_t(i)] < 0)
            todo << i;
    }
    // Chunks keep progress and cancellation responsive; each chunk is counted on all cores.
    constexpr qsizetype kChunk = 4096;
    for (qsizetype from = 0; from < todo.size(); from += kChunk) {
        if (cancelled(m_in))
            return fail(QStringLiteral("estimate cancelled"));
        QList<int> chunk = todo.mid(from, kChunk);
        QtConcurrent::blockingMap(chunk, [&](int i) { base[size_t(i)] = tc.count(m_in.texts[i].text); });
        report(progressFrom + int(double(progressTo - progressFrom) * double(from + chunk.size()) / double(todo.size())));
    }
    return {};
}

Result<Mode> Estimator::buildMode(bool batched, int progressFrom, int progressTo)
{
    Mode mode;
    mode.batched = batched;
    const ExecutionSettings &exec = m_in.experiment.execution;
    const int runCount = int(exec.matrix.size());
    const int span = std::max(1, (progressTo - progressFrom) / std::max(1, runCount));
    for (int r = 0; r < runCount; ++r) {
        const RunSpec &run = exec.matrix[r];
        const Framework &fw = *m_fwOfRun[r];
        const QList<int> &idx = m_textsOfRun[r];
        const int group = int(m_groups.indexOf(run.model));
        const Deployment &dep = m_deps[m_firstDepOfGroup[group]];
        const int runFrom = progressFrom + r * span;
        RunCalls rc;
        rc.group = group;
        RunEstimate &e = rc.est;
        e.runId = run.runId;
        e.group = run.model;
        e.framework = run.framework;
        e.corpus = run.corpus;
        e.provider = dep.provider;
        e.model = dep.model;
        e.texts = idx.size();
        e.repetitions = std::max(1, run.repetitions.value_or(exec.repetitions));
        const double perText = outputPerText(run, fw);

        const TextCounter tc = textCounterFor(dep);
        if (auto ok = ensureCounted(tc, idx, runFrom, runFrom + span * 3 / 4); !ok)
            return std::unexpected(ok.error());
        const std::vector<qint64> &base = m_baseCounts[tc.key];

        QList<EstimateText> runTexts;
        runTexts.reserve(idx.size());
        QList<double> textTokens;
        textTokens.reserve(idx.size());
        for (int i : idx) {
            runTexts << m_in.texts[i];
            textTokens << tc.scale * double(base[size_t(i)]);
        }

        // Per-text framing (markers, id) of a batched prompt, in tokens and characters: the third
        // text's increment over a two-text prompt, minus the text itself.
        double framing = 0, framingChars = 0;
        auto chars = [](const ChatRequest &q) { return qint64(q.system.size()) + qint64(q.user.size()); };
        QList<QList<int>> units;
        if (!batched) {
            units.reserve(runTexts.size());
            for (int i = 0; i < runTexts.size(); ++i)
                units << QList<int>{i};
        } else {
            if (runTexts.size() >= 3) {
                const ChatRequest q2 = m_in.buildPrompt(run, fw, runTexts.mid(0, 2));
                const ChatRequest q3 = m_in.buildPrompt(run, fw, runTexts.mid(0, 3));
                framing = std::max(0.0, double(countPrompt(dep, q3, nullptr) - countPrompt(dep, q2, nullptr)) - textTokens[2]);
                framingChars = std::max<double>(0, double(chars(q3) - chars(q2) - runTexts[2].text.size()));
            }
            if (m_in.packBatches) {
                units = m_in.packBatches(run, fw, runTexts);
            } else if (!runTexts.isEmpty()) {
                // The fixed part of a batched prompt: a two-text prompt minus its texts and framing.
                qint64 fixed = 0;
                if (runTexts.size() >= 2) {
                    const qint64 p2 = countPrompt(dep, m_in.buildPrompt(run, fw, runTexts.mid(0, 2)), nullptr);
                    fixed = std::max<qint64>(0, qint64(std::ceil(double(p2) - textTokens[0] - textTokens[1] - 2 * framing)));
                }
                QList<qint64> packTokens;
                packTokens.reserve(textTokens.size());
                for (double t : std::as_const(textTokens))
                    packTokens << qint64(std::ceil(t + framing));
                units = packBatches(packTokens, fixed, exec.batching.maxBatchTokens, std::max(1, exec.batching.maxTextsPerBatch));
            }
        }

        // Small runs: every prompt is built and counted exactly. Large ones: the first prompts are,
        // and they calibrate the rest, estimated from the per-text counts (tokens of separate
        // segments add up to within a token or two of the whole). A unit with a text count not
        // seen yet is always built, so max_tokens that grows with the batch is honoured.
        const bool allExact = units.size() <= m_in.exactPromptLimit;
        double corrTokens = 0, corrChars = 0;
        int samples = 0;
        QHash<int, int> maxTokensByCount;
        const int sampleTarget = std::max(1, m_in.calibrationSamples);
        qsizetype done = 0;
        for (const QList<int> &unit : std::as_const(units)) {
            if ((++done & 255) == 0) {
                if (cancelled(m_in))
                    return fail(QStringLiteral("estimate cancelled"));
                report(runFrom + span * 3 / 4 + int(double(span / 4) * double(done) / double(units.size())));
            }
            double estTokens = framing * double(unit.size());
            double estChars = framingChars * double(unit.size());
            for (int i : unit) {
                estTokens += textTokens[i];
                estChars += double(runTexts[i].text.size());
            }
            ScheduleCall c;
            c.group = group;
            c.run = r;
            const auto mt = maxTokensByCount.constFind(int(unit.size()));
            if (allExact || samples < sampleTarget || mt == maxTokensByCount.cend()) {
                QList<EstimateText> unitTexts;
                unitTexts.reserve(unit.size());
                for (int i : unit)
                    unitTexts << runTexts[i];
                const ChatRequest req = m_in.buildPrompt(run, fw, unitTexts);
                QString method;
                c.promptTokens = countPrompt(dep, req, e.tokenMethod.isEmpty() ? &method : nullptr);
                if (e.tokenMethod.isEmpty())
                    e.tokenMethod = method;
                c.charTokens = (chars(req) + 3) / 4;
                c.maxTokens = std::max(0, req.maxTokens);
                maxTokensByCount.insert(int(unit.size()), int(c.maxTokens));
                // Running mean of what the segments miss (instructions, schema line, chat framing).
                ++samples;
                corrTokens += (double(c.promptTokens) - estTokens - corrTokens) / samples;
                corrChars += (double(chars(req)) - estChars - corrChars) / samples;
            } else {
                c.promptTokens = std::max<qint64>(0, std::llround(estTokens + corrTokens));
                c.charTokens = (std::max<qint64>(0, std::llround(estChars + corrChars)) + 3) / 4;
                c.maxTokens = *mt;
            }
            c.outputTokens = std::min<qint64>(c.maxTokens, qint64(std::llround(perText * double(unit.size()))));
            for (int rep = 0; rep < e.repetitions; ++rep)
                mode.calls.push_back(c);
            e.calls += e.repetitions;
            e.promptTokens += c.promptTokens * e.repetitions;
            e.expectedOutputTokens += c.outputTokens * e.repetitions;
            e.worstOutputTokens += c.maxTokens * e.repetitions;
        }
        if (!allExact)
            e.tokenMethod += QStringLiteral(" (%1 prompts built, the rest from per-text counts)").arg(samples);
        mode.runs << rc;
        report(runFrom + span);
    }
    return mode;
}

ModeEstimate Estimator::evaluate(const Mode &mode, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced,
                                 const ScheduleResult &sim) const
{
    ModeEstimate m;
    m.batched = mode.batched;
    m.durationSeconds = sim.durationSeconds;

    std::vector<std::optional<ModelPrice>> price;
    price.reserve(size_t(priced.size()));
    for (const Deployment &d : priced)
        price.push_back(m_in.prices.forDeployment(d));
    std::vector<std::vector<int>> depsOfGroup(size_t(m_groups.size()));
    for (qsizetype i = 0; i < deps.size(); ++i)
        depsOfGroup[size_t(deps[i].group)].push_back(int(i));

    std::vector<CostAccumulator> runExpected(size_t(mode.runs.size())), runWorst(size_t(mode.runs.size())),
        depExpected(size_t(deps.size()));
    std::vector<qint64> runUnsched(size_t(mode.runs.size()), 0);
    std::vector<bool> runPriceKnown(size_t(mode.runs.size()), true);
    for (size_t i = 0; i < mode.calls.size(); ++i) {
        const ScheduleCall &c = mode.calls[i];
        const int d = sim.deploymentOf[i];
        if (d < 0) {
            ++runUnsched[size_t(c.run)];
            continue;
        }
        if (price[size_t(d)]) {
            Usage u;
            u.promptTokens = c.promptTokens;
            u.completionTokens = c.outputTokens;
            const qint64 p = costPicos(*price[size_t(d)], u);
            runExpected[size_t(c.run)].addPicos(p);
            depExpected[size_t(d)].addPicos(p);
        } else {
            runPriceKnown[size_t(c.run)] = false;
        }
        // Worst case: the dearest deployment the router could pick, at max_tokens.
        qint64 worst = 0;
        for (int gd : depsOfGroup[size_t(c.group)]) {
            if (price[size_t(gd)])
                worst = std::max(worst, worstCasePicos(*price[size_t(gd)], c.promptTokens, c.maxTokens));
            else
                runPriceKnown[size_t(c.run)] = false;
        }
        runWorst[size_t(c.run)].addPicos(worst);
    }

    CostAccumulator totalExpected, totalWorst;
    m.total.runId = QStringLiteral("total");
    for (qsizetype r = 0; r < mode.runs.size(); ++r) {
        RunEstimate e = mode.runs[r].est;
        e.expectedCostMicros = runExpected[size_t(r)].micros();
        e.worstCostMicros = runWorst[size_t(r)].micros();
        e.durationSeconds = size_t(r) < sim.runFinishSeconds.size() ? sim.runFinishSeconds[size_t(r)] : 0;
        e.unschedulableCalls = runUnsched[size_t(r)];
        e.priceKnown = runPriceKnown[size_t(r)];
        totalExpected.add(runExpected[size_t(r)]);
        totalWorst.add(runWorst[size_t(r)]);
        m.total.texts += e.texts;
        m.total.calls += e.calls;
        m.total.promptTokens += e.promptTokens;
        m.total.expectedOutputTokens += e.expectedOutputTokens;
        m.total.worstOutputTokens += e.worstOutputTokens;
        m.total.unschedulableCalls += e.unschedulableCalls;
        m.total.priceKnown = m.total.priceKnown && e.priceKnown;
        m.runs << e;
    }
    m.total.expectedCostMicros = totalExpected.micros();
    m.total.worstCostMicros = totalWorst.micros();
    m.total.durationSeconds = sim.durationSeconds;
    m.total.repetitions = 0;

    // A schedule shorter than one window can still use only one window's worth of each limit.
    const double minutes = std::max(sim.durationSeconds / 60.0, 1.0);
    double bestWait = 0, totalWait = 0;
    for (qsizetype i = 0; i < deps.size(); ++i) {
        const ScheduleResult::Use &u = sim.deployments[size_t(i)];
        DeploymentEstimate de;
        de.id = deps[i].id;
        de.group = m_groups.value(deps[i].group);
        de.provider = priced[i].provider;
        de.model = priced[i].model;
        de.windowKey = deps[i].windowKey;
        de.calls = u.calls;
        de.promptTokens = u.promptTokens;
        de.outputTokens = u.outputTokens;
        de.expectedCostMicros = depExpected[size_t(i)].micros();
        auto util = [&](qint64 used, qint64 limit) {
            return limit <= 0 ? -1.0 : std::min(1.0, double(used) / (double(limit) * minutes));
        };
        de.rpm = util(u.windowRequests, u.windowLimits[0]);
        de.tpm = util(u.windowTokens, u.windowLimits[1]);
        de.itpm = util(u.windowInputTokens, u.windowLimits[2]);
        de.otpm = util(u.windowOutputTokens, u.windowLimits[3]);
        if (const int mp = deps[i].limits.maxParallelRequests.value_or(0); mp > 0)
            de.parallel = std::min(1.0, u.busySeconds / (double(mp) * std::max(sim.durationSeconds, 1e-9)));
        for (int k = 0; k < DimCount; ++k) {
            de.waitedSeconds += u.waited[k];
            totalWait += u.waited[k];
            if (u.waited[k] > bestWait) {
                bestWait = u.waited[k];
                m.binding.deploymentId = de.id;
                m.binding.limit = QLatin1String(dimName(k));
                m.binding.waitedSeconds = u.waited[k];
            }
        }
        m.deployments << de;
    }
    // Waits too short to matter: the pace is set by latency.
    if (totalWait < 0.05 * sim.durationSeconds)
        m.binding = BindingConstraint{};
    return m;
}

BudgetVerdict Estimator::budget(const ModeEstimate &m) const
{
    BudgetVerdict v;
    v.expectedMicros = m.total.expectedCostMicros;
    v.worstMicros = m.total.worstCostMicros;
    v.spentMicros = m_in.spentMicros;
    const CostControls *cc = nullptr;
    if (m_in.experiment.costControls.maxBudget) {
        cc = &m_in.experiment.costControls;
        v.source = QStringLiteral("experiment");
    } else if (m_in.models.costControls.maxBudget) {
        cc = &m_in.models.costControls;
        v.source = QStringLiteral("model list");
    }
    if (!cc) {
        v.message = QStringLiteral("no budget set (cost_controls.max_budget)");
        return v;
    }
    v.budgetUsd = cc->maxBudget;
    v.duration = cc->budgetDuration;
    const qint64 budgetMicros = qint64(std::llround(*cc->maxBudget * 1e6));
    const qint64 available = budgetMicros - m_in.spentMicros;
    const QString period = v.duration.isEmpty() ? QString() : QStringLiteral(" per ") + v.duration;
    const QString of = QStringLiteral("budget %1%2 (%3)%4").arg(fmtUsd(budgetMicros), period, v.source,
        m_in.spentMicros > 0 ? QStringLiteral(", %1 already spent").arg(fmtUsd(m_in.spentMicros)) : QString());
    if (v.worstMicros <= available) {
        v.status = BudgetVerdict::Status::Fits;
        v.message = QStringLiteral("fits the %1 even in the worst case").arg(of);
    } else if (v.expectedMicros <= available) {
        v.status = BudgetVerdict::Status::WorstCaseExceeds;
        v.message = QStringLiteral("expected cost fits the %1, but the worst case (every reply at max_tokens) "
                                   "exceeds it by %2: the run may stop for the budget")
                        .arg(of, fmtUsd(v.worstMicros - available));
    } else {
        v.status = BudgetVerdict::Status::Exceeds;
        const double share = v.expectedMicros > 0 ? std::max<double>(0, double(available)) / double(v.expectedMicros) : 0;
        v.message = QStringLiteral("does not fit the %1: expected cost exceeds it by %2; the run would stop after "
                                   "about %3% of its calls")
                        .arg(of, fmtUsd(v.expectedMicros - available))
                        .arg(std::floor(share * 100));
    }
    return v;
}

Result<EstimateReport> Estimator::run()
{
    if (auto ok = prepare(); !ok)
        return std::unexpected(ok.error());
    const bool batching = m_in.experiment.execution.batching.enabled;
    EstimateReport rep;
    rep.experiment = m_in.experiment.name;
    rep.pricesAsOf = PriceTable::builtInAsOf();
    rep.latency = m_in.latency;
    const int runs = int(m_in.experiment.execution.matrix.size());

    // Counting dominates: planned mode 0..45 %, the other mode 45..80 %, simulations after.
    auto planned = buildMode(batching, 0, 45);
    if (!planned)
        return std::unexpected(planned.error());
    std::optional<ScheduleResult> plannedSim;
    auto simulateMode = [&](const Mode &mode, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced)
        -> Result<ModeEstimate> {
        // A price change alone does not change the schedule: reuse the planned simulation.
        if (&mode == &*planned && &deps == &m_sched && plannedSim)
            return evaluate(mode, deps, priced, *plannedSim);
        ScheduleResult sim = simulateSchedule(deps, mode.calls, runs, m_in.cancel, 60.0, m_in.windowMarginSeconds);
        if (sim.cancelled)
            return fail(QStringLiteral("estimate cancelled"));
        ModeEstimate est = evaluate(mode, deps, priced, sim);
        if (&mode == &*planned && &deps == &m_sched)
            plannedSim = std::move(sim);
        return est;
    };

    std::optional<Mode> other;
    if (batching || m_in.recommendations) {
        auto o = buildMode(!batching, 45, 80);
        if (!o)
            return std::unexpected(o.error());
        other = std::move(*o);
    }
    report(80);
    auto plannedEst = simulateMode(*planned, m_sched, m_deps);
    if (!plannedEst)
        return std::unexpected(plannedEst.error());
    rep.planned = *plannedEst;
    report(85);
    std::optional<ModeEstimate> otherEst;
    if (other) {
        auto o = simulateMode(*other, m_sched, m_deps);
        if (!o)
            return std::unexpected(o.error());
        otherEst = *o;
        if (batching)
            rep.unbatched = otherEst;
    }
    report(90);
    rep.budget = budget(rep.planned);

    if (m_in.recommendations) {
        const ModeEstimate &base = rep.planned;
        auto rec = [&](Recommendation::Kind kind, QString title, QString detail, const ModeEstimate &with) {
            Recommendation r;
            r.kind = kind;
            r.title = std::move(title);
            r.detail = std::move(detail);
            r.durationSeconds = with.durationSeconds;
            r.expectedCostMicros = with.total.expectedCostMicros;
            r.worstCostMicros = with.total.worstCostMicros;
            r.baseDurationSeconds = base.durationSeconds;
            r.baseExpectedCostMicros = base.total.expectedCostMicros;
            rep.recommendations << r;
        };
        const BindingConstraint &b = base.binding;
        const qsizetype bi = b.isLatency() ? -1
            : std::find_if(m_sched.cbegin(), m_sched.cend(), [&](const ScheduleDeployment &s) { return s.id == b.deploymentId; }) - m_sched.cbegin();
        if (bi >= 0 && bi < m_sched.size()) {
            // Another key with its own quota (another organisation / project): a clone of the
            // binding deployment outside any pool.
            QList<ScheduleDeployment> deps = m_sched;
            QList<Deployment> priced = m_deps;
            ScheduleDeployment clone = m_sched[bi];
            clone.id = clone.id + QStringLiteral("+key");
            clone.windowKey = clone.id;
            deps << clone;
            priced << m_deps[bi];
            auto withKey = simulateMode(*planned, deps, priced);
            if (!withKey)
                return std::unexpected(withKey.error());
            rec(Recommendation::Kind::AddKey,
                QStringLiteral("Add a key like %1 with its own quota").arg(b.deploymentId),
                QStringLiteral("a second deployment of group %1 with the same limits (a key of another organisation or "
                               "project; keys of one organisation share its quota)").arg(m_groups.value(m_sched[bi].group)),
                *withKey);

            // A higher usage tier: twice the limits of the binding window.
            QList<ScheduleDeployment> tier = m_sched;
            const QString key = m_sched[bi].windowKey;
            const bool parallel = b.limit == QLatin1String("max_parallel_requests");
            for (ScheduleDeployment &s : tier) {
                if (s.windowKey != key && s.id != b.deploymentId)
                    continue;
                auto dbl = [](std::optional<qint64> &v) { if (v) *v *= 2; };
                if (parallel) {
                    if (s.limits.maxParallelRequests)
                        *s.limits.maxParallelRequests *= 2;
                } else {
                    dbl(s.limits.rpm);
                    dbl(s.limits.tpm);
                    dbl(s.limits.itpm);
                    dbl(s.limits.otpm);
                }
            }
            auto withTier = simulateMode(*planned, tier, m_deps);
            if (!withTier)
                return std::unexpected(withTier.error());
            rec(Recommendation::Kind::HigherTier,
                parallel ? QStringLiteral("Allow twice the parallel requests on %1").arg(b.deploymentId)
                         : QStringLiteral("Move %1 to a higher usage tier (2x limits)").arg(b.deploymentId),
                parallel ? QStringLiteral("max_parallel_requests x2")
                         : QStringLiteral("rpm/tpm/itpm/otpm of its window doubled"),
                *withTier);
        }
        if (!batching && otherEst) {
            const ModeEstimate &bt = *otherEst;
            rec(Recommendation::Kind::EnableBatching,
                QStringLiteral("Enable multi-text batching (max_batch_tokens %1)").arg(m_in.experiment.execution.batching.maxBatchTokens),
                QStringLiteral("%1 calls instead of %2, %3 prompt tokens instead of %4")
                    .arg(fmtInt(bt.total.calls), fmtInt(base.total.calls), fmtInt(bt.total.promptTokens), fmtInt(base.total.promptTokens)),
                bt);
        }
        // Cheaper model of the same family, group by group (same limits and latency assumed).
        QStringList usedGroups;
        for (const RunSpec &r : m_in.experiment.execution.matrix) {
            if (!usedGroups.contains(r.model))
                usedGroups << r.model;
        }
        for (const QString &g : std::as_const(usedGroups)) {
            const int gi = int(m_groups.indexOf(g));
            const Deployment &first = m_deps[m_firstDepOfGroup[gi]];
            const auto alt = m_in.prices.cheaperAlternative(first.provider, first.model);
            if (!alt)
                continue;
            QList<Deployment> priced = m_deps;
            for (qsizetype i = 0; i < priced.size(); ++i) {
                if (m_sched[i].group == gi && priced[i].provider == first.provider) {
                    priced[i].model = *alt;
                    priced[i].price = {};
                }
            }
            auto cheaper = simulateMode(*planned, m_sched, priced);
            if (!cheaper)
                return std::unexpected(cheaper.error());
            if (cheaper->total.expectedCostMicros >= base.total.expectedCostMicros)
                continue;
            rec(Recommendation::Kind::CheaperModel,
                QStringLiteral("Use %1 instead of %2 for group %3").arg(*alt, first.model, g),
                QStringLiteral("same family, list price; assumes the same limits and latency"), *cheaper);
        }
    }

    for (const RunEstimate &e : std::as_const(rep.planned.runs)) {
        if (!e.priceKnown)
            m_warnings << QStringLiteral("run %1: no price known for %2/%3; its cost counts as 0 (add model_info "
                                         "input_cost_per_token/output_cost_per_token)").arg(e.runId, e.provider, e.model);
        if (e.unschedulableCalls > 0)
            m_warnings << QStringLiteral("run %1: %2 calls exceed a limit of every deployment of group %3 on their own "
                                         "and would never be sent").arg(e.runId).arg(e.unschedulableCalls).arg(e.group);
        if (e.tokenMethod == QLatin1String("chars/4"))
            m_warnings << QStringLiteral("run %1: prompt tokens estimated as characters / 4").arg(e.runId);
    }
    m_warnings.removeDuplicates();
    rep.warnings = m_warnings;
    report(100);
    return rep;
}

} // namespace

Result<EstimateReport> estimateExperiment(const EstimateInput &in)
{
    QElapsedTimer timer;
    timer.start();
    Estimator e(in);
    auto r = e.run();
    if (r)
        qCDebug(lcExperiment) << "estimate of" << r->planned.total.calls << "calls took" << timer.elapsed() << "ms";
    return r;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

QJsonObject RunEstimate::toJson() const
{
    QJsonObject o{
        {QStringLiteral("run_id"), runId},
        {QStringLiteral("texts"), texts},
        {QStringLiteral("calls"), calls},
        {QStringLiteral("prompt_tokens"), promptTokens},
        {QStringLiteral("expected_output_tokens"), expectedOutputTokens},
        {QStringLiteral("worst_output_tokens"), worstOutputTokens},
        {QStringLiteral("expected_cost_usd"), microsToUsd(expectedCostMicros)},
        {QStringLiteral("worst_cost_usd"), microsToUsd(worstCostMicros)},
        {QStringLiteral("duration_s"), durationSeconds},
        {QStringLiteral("price_known"), priceKnown},
    };
    if (!group.isEmpty()) {
        o.insert(QStringLiteral("model"), group);
        o.insert(QStringLiteral("provider"), provider);
        o.insert(QStringLiteral("provider_model"), model);
        o.insert(QStringLiteral("framework"), framework);
        o.insert(QStringLiteral("corpus"), corpus);
        o.insert(QStringLiteral("repetitions"), repetitions);
        o.insert(QStringLiteral("token_method"), tokenMethod);
    }
    if (unschedulableCalls > 0)
        o.insert(QStringLiteral("unschedulable_calls"), unschedulableCalls);
    return o;
}

QJsonObject DeploymentEstimate::toJson() const
{
    QJsonObject util;
    auto put = [&util](const char *k, double v) {
        if (v >= 0)
            util.insert(QLatin1String(k), v);
    };
    put("rpm", rpm);
    put("tpm", tpm);
    put("itpm", itpm);
    put("otpm", otpm);
    put("max_parallel_requests", parallel);
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("model"), group},
        {QStringLiteral("provider"), provider},
        {QStringLiteral("provider_model"), model},
        {QStringLiteral("window"), windowKey},
        {QStringLiteral("calls"), calls},
        {QStringLiteral("prompt_tokens"), promptTokens},
        {QStringLiteral("output_tokens"), outputTokens},
        {QStringLiteral("expected_cost_usd"), microsToUsd(expectedCostMicros)},
        {QStringLiteral("utilisation"), util},
        {QStringLiteral("waited_s"), waitedSeconds},
    };
}

QString BindingConstraint::describe() const
{
    if (isLatency())
        return QStringLiteral("latency/parallelism: no rate limit made calls wait");
    return QStringLiteral("%1 of deployment %2 (queued calls waited %3 on it)").arg(limit, deploymentId, fmtDuration(waitedSeconds));
}

QJsonObject ModeEstimate::toJson() const
{
    QJsonArray r, d;
    for (const RunEstimate &e : runs)
        r.append(e.toJson());
    for (const DeploymentEstimate &e : deployments)
        d.append(e.toJson());
    return QJsonObject{
        {QStringLiteral("batched"), batched},
        {QStringLiteral("runs"), r},
        {QStringLiteral("total"), total.toJson()},
        {QStringLiteral("deployments"), d},
        {QStringLiteral("binding_constraint"),
         QJsonObject{{QStringLiteral("deployment"), binding.deploymentId.isEmpty() ? QJsonValue() : QJsonValue(binding.deploymentId)},
                     {QStringLiteral("limit"), binding.limit},
                     {QStringLiteral("waited_s"), binding.waitedSeconds},
                     {QStringLiteral("text"), binding.describe()}}},
        {QStringLiteral("duration_s"), durationSeconds},
    };
}

QString BudgetVerdict::statusName(Status s)
{
    switch (s) {
    case Status::NoBudget: return QStringLiteral("no_budget");
    case Status::Fits: return QStringLiteral("fits");
    case Status::WorstCaseExceeds: return QStringLiteral("worst_case_exceeds");
    case Status::Exceeds: return QStringLiteral("exceeds");
    }
    return {};
}

QString Recommendation::kindName(Kind k)
{
    switch (k) {
    case Kind::AddKey: return QStringLiteral("add_key");
    case Kind::EnableBatching: return QStringLiteral("enable_batching");
    case Kind::CheaperModel: return QStringLiteral("cheaper_model");
    case Kind::HigherTier: return QStringLiteral("higher_tier");
    }
    return {};
}

QJsonObject Recommendation::toJson() const
{
    return QJsonObject{
        {QStringLiteral("kind"), kindName(kind)},
        {QStringLiteral("title"), title},
        {QStringLiteral("detail"), detail},
        {QStringLiteral("duration_s"), durationSeconds},
        {QStringLiteral("expected_cost_usd"), microsToUsd(expectedCostMicros)},
        {QStringLiteral("worst_cost_usd"), microsToUsd(worstCostMicros)},
        {QStringLiteral("base_duration_s"), baseDurationSeconds},
        {QStringLiteral("base_expected_cost_usd"), microsToUsd(baseExpectedCostMicros)},
    };
}

QJsonObject EstimateReport::toJson() const
{
    QJsonObject o{
        {QStringLiteral("experiment"), experiment},
        {QStringLiteral("prices_as_of"), pricesAsOf},
        {QStringLiteral("latency_model"), QJsonObject{{QStringLiteral("base_s"), latency.baseSeconds},
                                                      {QStringLiteral("per_output_token_s"), latency.perOutputTokenSeconds}}},
        {QStringLiteral("planned"), planned.toJson()},
    };
    if (unbatched)
        o.insert(QStringLiteral("unbatched"), unbatched->toJson());
    QJsonObject b{
        {QStringLiteral("status"), BudgetVerdict::statusName(budget.status)},
        {QStringLiteral("feasible"), budget.feasible()},
        {QStringLiteral("expected_cost_usd"), microsToUsd(budget.expectedMicros)},
        {QStringLiteral("worst_cost_usd"), microsToUsd(budget.worstMicros)},
        {QStringLiteral("spent_usd"), microsToUsd(budget.spentMicros)},
        {QStringLiteral("message"), budget.message},
    };
    if (budget.budgetUsd) {
        b.insert(QStringLiteral("max_budget_usd"), *budget.budgetUsd);
        b.insert(QStringLiteral("source"), budget.source);
        b.insert(QStringLiteral("budget_duration"), budget.duration);
    }
    o.insert(QStringLiteral("budget"), b);
    QJsonArray recs;
    for (const Recommendation &r : recommendations)
        recs.append(r.toJson());
    o.insert(QStringLiteral("recommendations"), recs);
    o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
    return o;
}

namespace {

/// Left-aligned first column, right-aligned numbers.
QString table(const QList<QStringList> &rows)
{
    if (rows.isEmpty())
        return {};
    QList<qsizetype> width;
    for (const QStringList &r : rows) {
        for (qsizetype c = 0; c < r.size(); ++c) {
            if (width.size() <= c)
                width << 0;
            width[c] = std::max(width[c], r[c].size());
        }
    }
    QString out;
    for (const QStringList &r : rows) {
        QString line;
        for (qsizetype c = 0; c < r.size(); ++c) {
            if (c > 0)
                line += QStringLiteral("  ");
            line += c == 0 ? r[c].leftJustified(width[c]) : r[c].rightJustified(width[c]);
        }
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        out += QStringLiteral("  ") + line + QLatin1Char('\n');
    }
    return out;
}

QString modeText(const ModeEstimate &m)
{
    QList<QStringList> rows;
    rows << QStringList{QStringLiteral("Run"), QStringLiteral("Model"), QStringLiteral("Texts"), QStringLiteral("Calls"),
                        QStringLiteral("Prompt tok"), QStringLiteral("Output tok"), QStringLiteral("Worst out"),
                        QStringLiteral("Cost"), QStringLiteral("Worst cost"), QStringLiteral("Duration")};
    auto row = [](const RunEstimate &e, const QString &model) {
        return QStringList{e.runId, model, fmtInt(e.texts), fmtInt(e.calls), fmtInt(e.promptTokens),
                           fmtInt(e.expectedOutputTokens), fmtInt(e.worstOutputTokens),
                           fmtUsd(e.expectedCostMicros) + (e.priceKnown ? QString() : QStringLiteral("?")),
                           fmtUsd(e.worstCostMicros), fmtDuration(e.durationSeconds)};
    };
    for (const RunEstimate &e : m.runs)
        rows << row(e, e.group);
    rows << row(m.total, QString());
    QString out = table(rows);

    QList<QStringList> drows;
    drows << QStringList{QStringLiteral("Deployment"), QStringLiteral("Calls"), QStringLiteral("rpm"), QStringLiteral("tpm"),
                         QStringLiteral("itpm"), QStringLiteral("otpm"), QStringLiteral("parallel"), QStringLiteral("Waited on")};
    for (const DeploymentEstimate &d : m.deployments) {
        if (d.calls == 0 && d.waitedSeconds == 0)
            continue;
        drows << QStringList{d.id, fmtInt(d.calls), fmtUtil(d.rpm), fmtUtil(d.tpm), fmtUtil(d.itpm), fmtUtil(d.otpm),
                             fmtUtil(d.parallel), d.waitedSeconds > 0 ? fmtDuration(d.waitedSeconds) : QStringLiteral("-")};
    }
    if (drows.size() > 1)
        out += QLatin1Char('\n') + table(drows);
    out += QStringLiteral("\n  Binding constraint: ") + m.binding.describe() + QLatin1Char('\n');
    return out;
}

} // namespace

QString EstimateReport::toText() const
{
    QString out = QStringLiteral("Estimate for experiment \"%1\" (built-in prices as of %2; latency %3 s + %4 ms per output token)\n\n")
                      .arg(experiment, pricesAsOf)
                      .arg(latency.baseSeconds)
                      .arg(latency.perOutputTokenSeconds * 1000);
    out += planned.batched ? QStringLiteral("Batched (as configured):\n") : QString();
    out += modeText(planned);
    if (unbatched) {
        out += QStringLiteral("\nUnbatched, for comparison:\n") + modeText(*unbatched);
        const RunEstimate &a = planned.total, &b = unbatched->total;
        out += QStringLiteral("\n  Batched vs unbatched: calls %1 vs %2, prompt tokens %3 vs %4, cost %5 vs %6, duration %7 vs %8\n")
                   .arg(fmtInt(a.calls), fmtInt(b.calls), fmtInt(a.promptTokens), fmtInt(b.promptTokens),
                        fmtUsd(a.expectedCostMicros), fmtUsd(b.expectedCostMicros), fmtDuration(a.durationSeconds),
                        fmtDuration(b.durationSeconds));
    }
    out += QStringLiteral("\nBudget: ");
    switch (budget.status) {
    case BudgetVerdict::Status::NoBudget: out += QStringLiteral("none set. "); break;
    case BudgetVerdict::Status::Fits: out += QStringLiteral("OK. "); break;
    case BudgetVerdict::Status::WorstCaseExceeds: out += QStringLiteral("AT RISK. "); break;
    case BudgetVerdict::Status::Exceeds: out += QStringLiteral("INFEASIBLE. "); break;
    }
    out += QStringLiteral("Expected %1, worst case %2; %3\n").arg(fmtUsd(budget.expectedMicros), fmtUsd(budget.worstMicros), budget.message);
    if (!recommendations.isEmpty()) {
        out += QStringLiteral("\nRecommendations:\n");
        for (const Recommendation &r : recommendations) {
            out += QStringLiteral("  - %1: duration %2 -> %3, cost %4 -> %5 (worst %6)\n      %7\n")
                       .arg(r.title, fmtDuration(r.baseDurationSeconds), fmtDuration(r.durationSeconds),
                            fmtUsd(r.baseExpectedCostMicros), fmtUsd(r.expectedCostMicros), fmtUsd(r.worstCostMicros), r.detail);
        }
    }
    if (!warnings.isEmpty()) {
        out += QStringLiteral("\nWarnings:\n");
        for (const QString &w : warnings)
            out += QStringLiteral("  ! ") + w + QLatin1Char('\n');
    }
    return out;
}

} // namespace wb
