#include "core/experiment/schedulesim.h"

#include "core/limits/countingrule.h"
#include "core/limits/fillplan.h"
#include "core/limits/limitstate.h"
#include "core/limits/slidingsum.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <queue>

namespace wb {

namespace {

constexpr qint64 kNever = SlidingSum::kNever;
/// earliest() result when a call waits for a call in flight to complete (otpm reservations,
/// max_parallel_requests): not a time a window can name, but not "never" either.
constexpr qint64 kWhenOneCompletes = kNever - 1;
constexpr qint64 kUsPerSecond = 1'000'000;

qint64 toUs(double seconds)
{
    return seconds <= 0 ? 0 : qint64(std::llround(seconds * double(kUsPerSecond)));
}

// The router's LimitState in microseconds on SlidingSum (see slidingsum.h for why not RateWindow).
// One difference is deliberate: the router clamps an output reservation larger than the otpm limit
// and waits for replies, the estimate reports such a call as never admissible.
// The router's TokenBucket (core/limits/tokenbucket.h) in microseconds: the level drains at
// limit / period and every charge or settlement moves it.
struct SimBucket {
    double level = 0;
    qint64 at = 0;
    qint64 positiveSince = 0;   // when the level last rose from empty
    void drain(qint64 now, qint64 limit, qint64 periodUs)
    {
        if (now > at) {
            level = std::max(0.0, level - double(now - at) * double(limit) / double(periodUs));
            at = now;
        }
    }
    void add(qint64 now, qint64 limit, qint64 periodUs, qint64 amount)
    {
        drain(now, limit, periodUs);
        const double before = level;
        level = std::max(0.0, level + double(amount));
        if (before <= 1e-9 && level > 1e-9)
            positiveSince = now;
    }
    // `lagUs`: the router's margin as a delay (TokenBucket::earliestFit).
    qint64 earliestFit(qint64 now, qint64 amount, qint64 limit, qint64 periodUs, qint64 lagUs)
    {
        if (amount > limit)
            return kNever;
        drain(now, limit, periodUs);
        const double rate = double(limit) / double(periodUs);
        const double lagging = level > 1e-9 ? rate * double(std::clamp<qint64>(now - positiveSince, 0, lagUs)) : 0.0;
        const double need = level + double(amount) - double(limit);
        if (need + lagging <= 1e-9)
            return now;
        return now + lagUs + qint64(std::ceil(std::max(0.0, need) * double(periodUs) / double(limit)));
    }
    qint64 used(qint64 now, qint64 limit, qint64 periodUs)
    {
        drain(now, limit, periodUs);
        return qint64(std::ceil(level - 1e-9));
    }
};

struct SimWindow {
    qint64 limit[4] = {0, 0, 0, 0};   // rpm, tpm, itpm, otpm; 0 = none
    SlidingSum sums[4];               // what was charged (totals; and admission when not a bucket)
    bool bucket = false;
    qint64 periodUs = 0;              // a bucket's refill period (the window, as the router's)
    qint64 marginUs = 0;              // and the margin as a delay after drain (TokenBucket::earliestFit)
    SimBucket buckets[4];
    // Spread calls (ScheduleDeployment::spread): when the provider's short interval is empty
    // again per rpm, tpm, itpm, as LimitState keeps it (each call adds its share of the rate).
    int spread = 0;
    qint64 spreadAt[3] = {0, 0, 0};
    bool spreads(int k) const { return k == 0 ? spread >= 1 : spread >= 2; }
    qint64 outReserved = 0;
    // The daily quotas (0 = none) and what was counted of them, as the router counts: each call
    // when sent, its tokens at prompt + max_tokens until the reply settles them to usage.
    qint64 rpd = 0, tpd = 0, dayRequests = 0, dayTokens = 0, dayTokensInFlight = 0;
    bool parked = false;
    enum Day { Room, WaitForReplies, UsedUp };
    Day day(const ScheduleCall &c) const
    {
        if (parked || (rpd > 0 && dayRequests + 1 > rpd))
            return UsedUp;
        if (tpd > 0 && dayTokens + c.promptTokens + c.maxTokens > tpd)
            return dayTokensInFlight > 0 ? WaitForReplies : UsedUp;   // replies may leave room
        return Room;
    }
    SimWindow(qint64 windowUs, qint64 marginUs)
        : sums{SlidingSum(windowUs, marginUs), SlidingSum(windowUs, marginUs), SlidingSum(windowUs, marginUs),
               SlidingSum(windowUs, 0)},   // otpm: charged at the reply, no margin (as the router)
          periodUs(windowUs), marginUs(marginUs)
    {
    }
    qint64 earliestFit(int k, qint64 now, qint64 amount)
    {
        return bucket ? buckets[k].earliestFit(now, amount, limit[k], periodUs, k == 3 ? 0 : marginUs) : sums[k].earliestFit(now, amount, limit[k]);
    }
    qint64 used(int k, qint64 now) { return bucket ? buckets[k].used(now, limit[k], periodUs) : sums[k].used(now); }
    int charge(int k, qint64 now, qint64 amount)
    {
        if (bucket && limit[k] > 0)
            buckets[k].add(now, limit[k], periodUs, amount);
        return sums[k].add(now, amount);
    }
    void settle(int k, qint64 now, int idx, qint64 charged, qint64 amount)
    {
        if (bucket && limit[k] > 0)
            buckets[k].add(now, limit[k], periodUs, amount - charged);
        sums[k].settle(idx, amount);
    }
};

struct SimDep {
    int group = 0;
    int window = 0;
    CountingRule rule = CountingRule::OpenAi;
    std::optional<ChargeModel> chargeModel;
    bool admitLarger = false;
    bool admitPromptOnly = false;
    int maxParallel = 0;   // 0 = none
    int inFlight = 0;
    bool replied = false;   // a reply came back (the router then knows the outputs to expect)
    LatencyModel latency;
};

struct InFlight {
    qint64 at;          // completion time
    quint64 seq;
    int call;
    int dep;
    int tokenCharge;    // index in the tpm window, for settlement
    int inputCharge;    // index in the itpm window, -1 = none
    bool operator>(const InFlight &o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

AdmissionCost costOf(const SimDep &d, const ScheduleCall &c)
{
    AdmissionCost cost = admissionCost(d.rule, CallTokens{c.charTokens, c.promptTokens, c.maxTokens, c.outputTokens});
    // As the router's costFor, once it learned so.
    if (d.admitLarger && cost.largerTokens > 0)
        cost.tokens = cost.largerTokens;
    else if (d.admitPromptOnly && cost.promptOnlyTokens > 0)
        cost.tokens = cost.promptOnlyTokens;
    return cost;
}

/// The reply's usage as the estimate expects it.
Settlement settlementOf(CountingRule rule, const ScheduleCall &c)
{
    Usage u;
    u.promptTokens = c.promptTokens;
    u.completionTokens = c.outputTokens;
    u.reported = true;
    return settlementFor(rule, u);
}

class ScheduleSimulation {
public:
    ScheduleSimulation(const QList<ScheduleDeployment> &deployments, const std::vector<ScheduleCall> &calls, int runCount,
                       double windowSeconds, double marginSeconds);
    ScheduleResult run(std::atomic<bool> *cancel);

private:
    void addDeployments(const QList<ScheduleDeployment> &deployments, qint64 windowUs, qint64 marginUs);
    void buildQueues();
    qint64 earliest(int di, const ScheduleCall &c, int &dim);
    qint64 earliest(int di, const AdmissionCost &cost, int &dim);
    /// The router's backfill: calls behind group g's blocked head that fit now without making
    /// the head wait past `headAt` go first. Returns when a larger call it waits for fits (kNever: none).
    qint64 backfill(int g, qint64 headAt);
    /// Group g's head fits on deployment di now: lines up first the calls that fill di best (the
    /// router's lineUp); true when they go ahead of the head.
    bool lineUp(int g, int di);
    /// Moves group g's head past calls already sent by backfill.
    void skipTaken(int g);
    double headroom(int di, const ScheduleCall &c);
    void admit(int di, int ci);
    void complete(const InFlight &f);
    /// Dispatches group g's queue heads while some deployment admits them; returns when the head
    /// that blocks could go (kNever if none).
    qint64 dispatchGroup(int g);
    /// Index of the deployment to take the call now, or -1 (and `waits` says what it waits on).
    int pickDeployment(int g, const ScheduleCall &c, qint64 &soonest, bool &everPossible);
    void chargeWaits(qint64 next);
    bool pending() const;
    void finish();

    const std::vector<ScheduleCall> &m_calls;
    ScheduleResult m_res;
    std::vector<SimWindow> m_windows;
    std::vector<SimDep> m_deps;
    int m_groupCount = 0;
    std::vector<std::vector<int>> m_depsOfGroup, m_queue;
    std::vector<std::size_t> m_head;
    std::vector<char> m_taken;   // per call: sent ahead of its queue's head (backfill)
    std::vector<char> m_passed;  // per call: passed over once by a set that filled a window better
    // What each blocked queue head waits on: every deployment that frees up soonest, with its limit.
    std::vector<std::vector<std::pair<int, int>>> m_waitOn;
    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>> m_inFlight;
    quint64 m_seq = 0;
    qint64 m_now = 0, m_lastFinish = 0;
    bool m_dailyFull = false;   // pickDeployment passed a deployment over its daily quota
};

ScheduleSimulation::ScheduleSimulation(const QList<ScheduleDeployment> &deployments, const std::vector<ScheduleCall> &calls,
                                       int runCount, double windowSeconds, double marginSeconds)
    : m_calls(calls)
{
    m_res.deploymentOf.assign(calls.size(), -1);
    m_res.runFinishSeconds.assign(std::size_t(std::max(0, runCount)), 0.0);
    m_res.deployments.resize(std::size_t(deployments.size()));
    addDeployments(deployments, toUs(windowSeconds), toUs(marginSeconds));
    buildQueues();
}

void ScheduleSimulation::addDeployments(const QList<ScheduleDeployment> &deployments, qint64 windowUs, qint64 marginUs)
{
    // Windows: one per key; the stricter configured limit of the members wins (like the router).
    QHash<QString, int> windowIndex;
    for (const ScheduleDeployment &d : deployments) {
        const QString key = d.windowKey.isEmpty() ? d.id : d.windowKey;
        int w = windowIndex.value(key, -1);
        if (w < 0) {
            w = int(m_windows.size());
            windowIndex.insert(key, w);
            m_windows.emplace_back(windowUs, marginUs);
            m_windows.back().bucket = d.algorithm == LimitAlgorithm::TokenBucket;
            m_windows.back().spread = d.spread;
            if (d.algorithm == LimitAlgorithm::FixedWindow) {
                // As the router: the margin (not for otpm) plus the wall clock's skew either way.
                const qint64 skewUs = 2 * LimitState::kStatedFixedSkewMs * 1000;
                for (int k = 0; k < 4; ++k)
                    m_windows.back().sums[k].setFixed(toUs(d.fixedFirstBoundarySeconds), windowUs, (k == 3 ? 0 : marginUs) + skewUs);
            }
        }
        SimWindow &win = m_windows[std::size_t(w)];
        auto lower = [](qint64 &into, std::optional<qint64> v) {
            if (v && *v > 0)
                into = into == 0 ? *v : std::min(into, *v);
        };
        lower(win.rpd, d.limits.rpd);
        lower(win.tpd, d.limits.tpd);
        win.dayRequests = std::max(win.dayRequests, d.dayRequestsUsed);
        win.dayTokens = std::max(win.dayTokens, d.dayTokensUsed);
        win.parked = win.parked || d.parked;
        qint64 *limit = win.limit;
        const std::optional<qint64> lims[4] = {d.limits.rpm, d.limits.tpm, d.limits.itpm, d.limits.otpm};
        for (int k = 0; k < 4; ++k) {
            if (lims[k] && *lims[k] > 0)
                limit[k] = limit[k] == 0 ? *lims[k] : std::min(limit[k], *lims[k]);
        }
        SimDep sd;
        sd.group = d.group;
        sd.window = w;
        sd.rule = d.rule;
        sd.chargeModel = d.chargeModel;
        sd.admitLarger = d.admitLarger;
        sd.admitPromptOnly = d.admitPromptOnly;
        sd.maxParallel = d.limits.maxParallelRequests.value_or(0) > 0 ? *d.limits.maxParallelRequests : 0;
        sd.latency = d.latency;
        m_deps.push_back(sd);
        m_groupCount = std::max(m_groupCount, d.group + 1);
    }
}

void ScheduleSimulation::buildQueues()
{
    for (const ScheduleCall &c : m_calls)
        m_groupCount = std::max(m_groupCount, c.group + 1);
    const auto groups = std::size_t(m_groupCount);
    m_depsOfGroup.resize(groups);
    for (std::size_t i = 0; i < m_deps.size(); ++i)
        m_depsOfGroup[std::size_t(m_deps[i].group)].push_back(int(i));
    m_queue.resize(groups);
    for (std::size_t i = 0; i < m_calls.size(); ++i)
        m_queue[std::size_t(m_calls[i].group)].push_back(int(i));
    // Largest first, as the router orders what is submitted to it.
    for (std::vector<int> &q : m_queue)
        std::stable_sort(q.begin(), q.end(), [&](int a, int b) {
            return m_calls[std::size_t(a)].charTokens > m_calls[std::size_t(b)].charTokens;
        });
    m_head.assign(groups, 0);
    m_taken.assign(m_calls.size(), 0);
    m_passed.assign(m_calls.size(), 0);
    m_waitOn.resize(groups);
}

// When could dep admit call c? Returns now when it can; kNever when it never can on its own
// merits; sets `dim` to the limit that decides.
qint64 ScheduleSimulation::earliest(int di, const ScheduleCall &c, int &dim)
{
    return earliest(di, costOf(m_deps[std::size_t(di)], c), dim);
}

qint64 ScheduleSimulation::earliest(int di, const AdmissionCost &cost, int &dim)
{
    const SimDep &d = m_deps[std::size_t(di)];
    SimWindow &w = m_windows[std::size_t(d.window)];
    qint64 t = m_now;
    dim = -1;
    const qint64 amounts[3] = {cost.requests, cost.tokens, cost.inputTokens};
    for (int k = 0; k < 3; ++k) {
        if (w.limit[k] == 0)
            continue;
        qint64 f = w.earliestFit(k, m_now, amounts[k]);
        if (w.spreads(k) && f != kNever)
            f = std::max(f, w.spreadAt[k]);
        if (f > t) {
            t = f;
            dim = k;
        }
    }
    if (w.limit[WaitOtpm] > 0 && cost.outputReserve > 0) {
        qint64 f;
        if (cost.outputReserve > w.limit[WaitOtpm])
            f = kNever;
        else if (w.outReserved + cost.outputReserve > w.limit[WaitOtpm])
            f = kWhenOneCompletes;
        else
            f = w.earliestFit(WaitOtpm, m_now, w.outReserved + cost.outputReserve);
        if (f > t) {
            t = f;
            dim = WaitOtpm;
        }
    }
    if (d.maxParallel > 0 && d.inFlight >= d.maxParallel && t < kWhenOneCompletes) {
        t = kWhenOneCompletes;
        dim = WaitParallel;
    }
    return t;
}

double ScheduleSimulation::headroom(int di, const ScheduleCall &c)
{
    const SimDep &d = m_deps[std::size_t(di)];
    SimWindow &w = m_windows[std::size_t(d.window)];
    const AdmissionCost cost = costOf(d, c);
    double h = 1.0;
    const qint64 amounts[4] = {cost.requests, cost.tokens, cost.inputTokens, cost.outputReserve};
    for (int k = 0; k < 4; ++k) {
        if (w.limit[k] == 0)
            continue;
        const qint64 used = w.used(k, m_now) + (k == WaitOtpm ? w.outReserved : 0);
        h = std::min(h, double(w.limit[k] - used - amounts[k]) / double(w.limit[k]));
    }
    if (d.maxParallel > 0)
        h = std::min(h, double(d.maxParallel - d.inFlight - 1) / double(d.maxParallel));
    return h;
}

void ScheduleSimulation::admit(int di, int ci)
{
    SimDep &d = m_deps[std::size_t(di)];
    SimWindow &w = m_windows[std::size_t(d.window)];
    const ScheduleCall &c = m_calls[std::size_t(ci)];
    const AdmissionCost cost = costOf(d, c);
    w.charge(WaitRpm, m_now, cost.requests);
    const int tok = w.charge(WaitTpm, m_now, cost.tokens);
    const int in = cost.inputTokens > 0 ? w.charge(WaitItpm, m_now, cost.inputTokens) : -1;
    if (w.spread > 0) {
        const qint64 amounts[3] = {cost.requests, cost.tokens, cost.inputTokens};
        for (int k = 0; k < 3; ++k)
            if (w.spreads(k) && w.limit[k] > 0 && amounts[k] > 0)
                w.spreadAt[k] = std::max(w.spreadAt[k], m_now) + spreadShare(amounts[k], w.periodUs, w.limit[k]);
    }
    w.outReserved += cost.outputReserve;
    ++w.dayRequests;
    w.dayTokens += c.promptTokens + c.maxTokens;
    w.dayTokensInFlight += c.promptTokens + c.maxTokens;
    ++d.inFlight;
    const double lat = d.latency.seconds(c.outputTokens);
    m_inFlight.push(InFlight{m_now + toUs(lat), m_seq++, ci, di, tok, in});
    m_res.deploymentOf[std::size_t(ci)] = di;
    ScheduleResult::Use &u = m_res.deployments[std::size_t(di)];
    ++u.calls;
    u.promptTokens += c.promptTokens;
    u.outputTokens += c.outputTokens;
    u.busySeconds += lat;
}

void ScheduleSimulation::complete(const InFlight &f)
{
    SimDep &d = m_deps[std::size_t(f.dep)];
    SimWindow &w = m_windows[std::size_t(d.window)];
    const ScheduleCall &c = m_calls[std::size_t(f.call)];
    --d.inFlight;
    d.replied = true;
    const AdmissionCost cost = costOf(d, c);
    w.outReserved -= cost.outputReserve;
    w.dayTokens -= c.maxTokens - c.outputTokens;
    w.dayTokensInFlight -= c.promptTokens + c.maxTokens;
    // What the reply settles, as the router's LimitState::settle applies it.
    const Settlement s = settlementOf(d.rule, c);
    if (const auto tokens = d.chargeModel ? settledTokens(*d.chargeModel, s) : s.tokens)
        w.settle(WaitTpm, f.at, f.tokenCharge, cost.tokens, *tokens);
    if (s.inputTokens && f.inputCharge >= 0)
        w.settle(WaitItpm, f.at, f.inputCharge, cost.inputTokens, *s.inputTokens);
    if (s.outputTokens > 0)
        w.charge(WaitOtpm, f.at, s.outputTokens);
    const double at = double(f.at) / double(kUsPerSecond);
    if (c.run >= 0 && std::size_t(c.run) < m_res.runFinishSeconds.size())
        m_res.runFinishSeconds[std::size_t(c.run)] = std::max(m_res.runFinishSeconds[std::size_t(c.run)], at);
    m_lastFinish = std::max(m_lastFinish, f.at);
}

int ScheduleSimulation::pickDeployment(int g, const ScheduleCall &c, qint64 &soonest, bool &everPossible)
{
    std::vector<std::pair<int, int>> &waits = m_waitOn[std::size_t(g)];
    waits.clear();
    int best = -1;
    double bestRoom = -2;
    soonest = kNever;
    everPossible = false;
    m_dailyFull = false;
    for (int di : m_depsOfGroup[std::size_t(g)]) {
        const SimWindow::Day day = m_windows[std::size_t(m_deps[std::size_t(di)].window)].day(c);
        if (day == SimWindow::UsedUp) {
            m_dailyFull = true;
            continue;
        }
        int dim = -1;
        const qint64 t = day == SimWindow::WaitForReplies ? kWhenOneCompletes : earliest(di, c, dim);
        if (t != kNever)
            everPossible = true;
        if (t <= m_now) {
            const double room = headroom(di, c);
            if (room > bestRoom
                || (room == bestRoom && m_deps[std::size_t(di)].inFlight < m_deps[std::size_t(best)].inFlight)) {
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
    if (best >= 0 || !everPossible)
        waits.clear();
    return best;
}

qint64 ScheduleSimulation::dispatchGroup(int g)
{
    const std::vector<int> &q = m_queue[std::size_t(g)];
    std::size_t &head = m_head[std::size_t(g)];
    for (skipTaken(g); head < q.size(); skipTaken(g)) {
        const int ci = q[head];
        qint64 soonest = kNever;
        bool everPossible = false;
        const int best = pickDeployment(g, m_calls[std::size_t(ci)], soonest, everPossible);
        if (best >= 0) {
            // As the router: the calls that fill the window best line up first.
            if (lineUp(g, best))   // planned before the head's charge
                continue;
            admit(best, ci);
            ++head;
        } else if (!everPossible) {
            // Larger than a limit of every deployment of its group (or no deployment), or past
            // every daily quota left: the router could never send it (today).
            if (m_dailyFull) {
                ++m_res.overDailyQuota;
                m_res.deploymentOf[std::size_t(ci)] = ScheduleResult::kOverDailyQuota;
            } else {
                ++m_res.unschedulable;
            }
            ++head;
        } else {
            if (soonest >= kWhenOneCompletes)
                return kNever;
            return std::min(soonest, backfill(g, soonest));
        }
    }
    return kNever;
}

bool ScheduleSimulation::lineUp(int g, int di)
{
    // As Router::Private::lineUp: the same scan depth, the same plan, the same checks.
    const SimDep &d = m_deps[std::size_t(di)];
    SimWindow &w = m_windows[std::size_t(d.window)];
    if (std::all_of(std::begin(w.limit), std::end(w.limit), [](qint64 l) { return l == 0; }))
        return false;
    std::vector<int> &q = m_queue[std::size_t(g)];
    const std::size_t h = m_head[std::size_t(g)];
    const int headCall = q[h];
    const AdmissionCost head = costOf(d, m_calls[std::size_t(headCall)]);
    int dim = -1;
    if (earliest(di, times(head, qint64(std::min(q.size() - h, kFillScan + 1))), dim) <= m_now)
        return false;
    const auto fits = [&](const AdmissionCost &c) {
        int k = -1;
        return earliest(di, c, k) <= m_now;
    };
    const bool mayPassHead = !m_passed[std::size_t(headCall)] && w.used(d.rule == CountingRule::Anthropic ? WaitItpm : WaitTpm, m_now) > 0;
    std::vector<int> calls;
    std::vector<AdmissionCost> behind;
    std::optional<FillPlan> plan;
    // As the router: where the calls a window takes bind as much as their size, from both ends.
    std::vector<int> open;   // the calls still queued, in order
    for (std::size_t i = h; i < q.size(); ++i)
        if (!m_taken[std::size_t(q[i])])
            open.push_back(q[i]);
    const WindowLimits limits{w.limit[WaitRpm], w.limit[WaitTpm], w.limit[WaitItpm], w.limit[WaitOtpm]};
    const AdmissionCost held{w.used(WaitRpm, m_now), w.used(WaitTpm, m_now), w.used(WaitItpm, m_now), w.used(WaitOtpm, m_now), 0, 0, 0};
    const AdmissionCost queued = sampledCharges(open.size(), [&](std::size_t i) { return costOf(d, m_calls[std::size_t(open[i])]); });
    if ((!w.bucket || !d.replied) && countBinds(limits, queued + held)) {
        for (std::size_t i : bothEnds(open.size())) {
            calls.push_back(open[i]);
            behind.push_back(costOf(d, m_calls[std::size_t(open[i])]));
        }
        plan = planBalanced(head, behind, fits, !m_passed[std::size_t(headCall)], fillValue(queued) / qint64(open.size()));
    }
    if (!plan) {
        calls.clear();
        behind.clear();
        for (std::size_t i = 1; i < open.size() && behind.size() < kFillScan; ++i) {
            calls.push_back(open[i]);
            behind.push_back(costOf(d, m_calls[std::size_t(open[i])]));
        }
        plan = planFill(head, behind, fits, mayPassHead);
    }
    if (!plan)
        return false;
    std::vector<int> members;
    for (int i : plan->members)
        members.push_back(calls[std::size_t(i)]);
    const auto inPlan = [&](int ci) { return std::find(members.begin(), members.end(), ci) != members.end(); };
    if (!plan->passHead) {
        std::stable_partition(q.begin() + std::ptrdiff_t(h) + 1, q.end(), inPlan);
        return false;
    }
    m_passed[std::size_t(headCall)] = 1;
    std::stable_partition(q.begin() + std::ptrdiff_t(h), q.end(), inPlan);
    return true;
}

void ScheduleSimulation::skipTaken(int g)
{
    const std::vector<int> &q = m_queue[std::size_t(g)];
    std::size_t &head = m_head[std::size_t(g)];
    while (head < q.size() && m_taken[std::size_t(q[head])])
        ++head;
}

qint64 ScheduleSimulation::backfill(int g, qint64 headAt)
{
    // As Router::Private::backfill: the same scan depth, the same tests on the chosen deployment,
    // the same wait for a larger call that fits within the slack.
    constexpr std::size_t kScan = 32;
    const std::vector<int> &q = m_queue[std::size_t(g)];
    const ScheduleCall &head = m_calls[std::size_t(q[m_head[std::size_t(g)]])];
    const std::vector<std::pair<int, int>> headWaits = m_waitOn[std::size_t(g)];
    // How soon a larger call must fit to be waited for: the slack of the window the head waits on.
    const qint64 waitSlack = headWaits.empty()
        ? 0 : backfillSlack(m_windows[std::size_t(m_deps[std::size_t(headWaits.front().first)].window)].periodUs);
    int next = -1;
    qint64 nextAt = kNever;
    std::size_t scanned = 0;
    for (std::size_t i = m_head[std::size_t(g)] + 1; i < q.size() && scanned < kScan; ++i) {
        const int ci = q[i];
        if (m_taken[std::size_t(ci)])
            continue;
        ++scanned;
        qint64 soonest = kNever;
        bool everPossible = false;
        const int best = pickDeployment(g, m_calls[std::size_t(ci)], soonest, everPossible);
        if (best < 0) {
            if (next < 0 && soonest > m_now && soonest < kWhenOneCompletes && soonest < headAt && soonest - m_now <= waitSlack) {
                next = ci;
                nextAt = soonest;
            }
            continue;
        }
        const SimDep &d = m_deps[std::size_t(best)];
        const AdmissionCost cost = costOf(d, m_calls[std::size_t(ci)]);
        int dim = -1;
        if (earliest(best, costOf(d, head) + cost, dim)
                > headAt + backfillSlack(m_windows[std::size_t(d.window)].periodUs)
            || (next >= 0 && earliest(best, costOf(d, m_calls[std::size_t(next)]) + cost, dim) > nextAt))
            continue;
        admit(best, ci);
        m_taken[std::size_t(ci)] = 1;
    }
    m_waitOn[std::size_t(g)] = headWaits;   // the head still waits on what it waited on
    return nextAt;
}

void ScheduleSimulation::chargeWaits(qint64 next)
{
    // Waiting time goes to the limit each blocked queue head waits on.
    for (int g = 0; g < m_groupCount; ++g) {
        const std::vector<std::pair<int, int>> &waits = m_waitOn[std::size_t(g)];
        if (m_head[std::size_t(g)] >= m_queue[std::size_t(g)].size() || waits.empty())
            continue;
        const double share = double(next - m_now) / double(kUsPerSecond) / double(waits.size());
        for (const auto &[d, dim] : waits) {
            if (dim >= 0)
                m_res.deployments[std::size_t(d)].waited[dim] += share;
        }
    }
}

bool ScheduleSimulation::pending() const
{
    if (!m_inFlight.empty())
        return true;
    for (int g = 0; g < m_groupCount; ++g) {
        if (m_head[std::size_t(g)] < m_queue[std::size_t(g)].size())
            return true;
    }
    return false;
}

ScheduleResult ScheduleSimulation::run(std::atomic<bool> *cancel)
{
    quint64 iterations = 0;
    for (;;) {
        if (cancel && (++iterations & 1023) == 0 && cancel->load(std::memory_order_relaxed)) {
            m_res.cancelled = true;
            return std::move(m_res);
        }
        // Dispatch every queue head that some deployment admits now.
        qint64 next = kNever;
        for (int g = 0; g < m_groupCount; ++g)
            next = std::min(next, dispatchGroup(g));
        if (!m_inFlight.empty())
            next = std::min(next, m_inFlight.top().at);
        if (next == kNever) {
            // Nothing in flight and nobody can ever wake: only possible if every remaining head waits
            // on an in-flight call that does not exist (defensive); count the rest as unschedulable.
            for (int g = 0; g < m_groupCount; ++g) {
                for (std::size_t i = m_head[std::size_t(g)]; i < m_queue[std::size_t(g)].size(); ++i)
                    m_res.unschedulable += m_taken[std::size_t(m_queue[std::size_t(g)][i])] ? 0 : 1;
                m_head[std::size_t(g)] = m_queue[std::size_t(g)].size();
            }
            break;
        }
        chargeWaits(next);
        m_now = next;
        while (!m_inFlight.empty() && m_inFlight.top().at <= m_now) {
            const InFlight f = m_inFlight.top();
            m_inFlight.pop();
            complete(f);
        }
        if (!pending())
            break;
    }
    finish();
    return std::move(m_res);
}

void ScheduleSimulation::finish()
{
    for (std::size_t i = 0; i < m_deps.size(); ++i) {
        const SimWindow &w = m_windows[std::size_t(m_deps[i].window)];
        ScheduleResult::Use &u = m_res.deployments[i];
        // Window totals (shared by a pool's members).
        u.windowRequests = w.sums[WaitRpm].total();
        u.windowTokens = w.sums[WaitTpm].total();
        u.windowInputTokens = w.sums[WaitItpm].total();
        u.windowOutputTokens = w.sums[WaitOtpm].total();
        std::copy(std::begin(w.limit), std::end(w.limit), std::begin(u.windowLimits));
    }
    m_res.durationSeconds = double(m_lastFinish) / double(kUsPerSecond);
}

} // namespace

QString scheduleLimitName(int limit)
{
    static const char *const names[] = {"rpm", "tpm", "itpm", "otpm", "max_parallel_requests"};
    if (!(limit >= 0 && limit < ScheduleLimitCount))
        return {};
    return QLatin1String(names[limit]);
}

ScheduleResult simulateSchedule(const QList<ScheduleDeployment> &deployments, const std::vector<ScheduleCall> &calls,
                                int runCount, std::atomic<bool> *cancel, double windowSeconds, double marginSeconds)
{
    ScheduleSimulation sim(deployments, calls, runCount, windowSeconds, marginSeconds);
    return sim.run(cancel);
}

} // namespace wb
