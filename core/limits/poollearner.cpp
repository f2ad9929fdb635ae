#include "core/limits/poollearner.h"

#include "core/common/check.h"

#include <algorithm>
#include <cmath>

namespace wb {

namespace {

// Votes that confirm a pool (or, against a confirmed one, part it); the score is clamped to this
// range, so old evidence never outweighs new evidence by more than a few replies.
constexpr int kConfirm = 2;
constexpr int kScoreMax = 3;

/// Calls of `times` (ascending) sent in (from, to].
qint64 countIn(const std::deque<qint64> &times, qint64 from, qint64 to)
{
    if (to <= from)
        return 0;
    const auto lo = std::upper_bound(times.begin(), times.end(), from);
    const auto hi = std::upper_bound(times.begin(), times.end(), to);
    return qint64(hi - lo);
}

/// Level of a bucket refilled at `rate` per ms that was charged one request at each of `times`
/// (ascending) up to `upTo`, at `evalAt` (no drain before the last charge counted), starting from
/// `startLevel` at `startAt` (before the first of `times`).
double bucketLevel(const std::vector<qint64> &times, qint64 upTo, qint64 evalAt, double rate, double startLevel = 0,
                   qint64 startAt = 0)
{
    double level = startLevel;
    qint64 last = startAt;
    bool any = startLevel > 0;
    for (qint64 t : times) {
        if (t > upTo)
            break;
        if (any)
            level = std::max(0.0, level - rate * double(t - last));
        level += 1;
        last = t;
        any = true;
    }
    if (any && evalAt > last)
        level = std::max(0.0, level - rate * double(evalAt - last));
    return level;
}

} // namespace

int PoolLearner::addMember(const QString &scope, bool suspect)
{
    const int m = int(m_members.size());
    Member x;
    x.scope = scope;
    x.suspect = suspect;
    m_members.push_back(std::move(x));
    for (int o = 0; o < m; ++o) {
        if (m_members[size_t(o)].scope != scope)
            continue;
        m_pairs[key(o, m)] = PairState{suspect && m_members[size_t(o)].suspect ? Pair::Suspected : Pair::Separate, 0};
        ++m_members[size_t(o)].peers;
        ++m_members[size_t(m)].peers;
    }
    return m;
}

void PoolLearner::setPooled(int a, int b)
{
    const auto it = m_pairs.find(key(a, b));
    if (it != m_pairs.end())
        it->second = PairState{Pair::Pooled, kConfirm};
}

void PoolLearner::record(std::deque<qint64> &times, qint64 at) const
{
    // Two windows are kept (a reply may be a window late); older sends can explain nothing.
    while (!times.empty() && times.front() < at - 2 * m_windowMs - 1'000)
        times.pop_front();
    times.insert(std::upper_bound(times.begin(), times.end(), at), at);
}

void PoolLearner::sent(int m, qint64 at)
{
    WB_CHECK(m >= 0 && m < size());
    if (!hasPeers(m))
        return;
    Member &x = m_members[size_t(m)];
    record(x.sent, at);
    // A call that never comes back (a time-out) holds nothing once older than any call it could
    // be told apart from.
    while (!x.onTheirWay.empty() && *x.onTheirWay.begin() < at - 2 * m_windowMs)
        x.onTheirWay.erase(x.onTheirWay.begin());
    x.onTheirWay.insert(at);
}

void PoolLearner::arrived(Member &x, qint64 sentAt)
{
    if (const auto it = x.onTheirWay.find(sentAt); it != x.onTheirWay.end())
        x.onTheirWay.erase(it);
}

void PoolLearner::takeOut(int m, qint64 at)
{
    WB_CHECK(m >= 0 && m < size());
    std::deque<qint64> &s = m_members[size_t(m)].sent;
    const auto it = std::lower_bound(s.begin(), s.end(), at);
    if (it != s.end() && *it == at)
        s.erase(it);
}

void PoolLearner::refused(int m, qint64 at)
{
    WB_CHECK(m >= 0 && m < size());
    arrived(m_members[size_t(m)], at);
    takeOut(m, at);
    if (hasPeers(m))
        record(m_members[size_t(m)].refused, at);
}

void PoolLearner::answered(int m, qint64 sentAt, qint64 at)
{
    WB_CHECK(m >= 0 && m < size());
    if (!hasPeers(m))
        return;
    arrived(m_members[size_t(m)], sentAt);
    auto &a = m_members[size_t(m)].answers;
    while (!a.empty() && a.front().second < at - 2 * m_windowMs - 1'000)
        a.pop_front();
    a.emplace_back(sentAt, at);
}

void PoolLearner::restamp(int m, qint64 from, qint64 to)
{
    WB_CHECK(m >= 0 && m < size());
    arrived(m_members[size_t(m)], from);
    takeOut(m, from);   // taken out where it was ...
    sent(m, to);        // ... and put in where the provider counts it from
}

bool PoolLearner::setState(int a, int b, Pair p)
{
    PairState &ps = m_pairs[key(a, b)];
    if (ps.state == p)
        return false;
    ps.state = p;
    return true;
}

bool PoolLearner::vote(int a, int b, int v)
{
    PairState &ps = m_pairs[key(a, b)];
    ps.score = std::clamp(ps.score + v, -kScoreMax, kScoreMax);
    switch (ps.state) {
    case Pair::Suspected:
        // The safe assumption ends at the first sign of two counters, and is confirmed by two of one.
        if (ps.score < 0)
            return setState(a, b, Pair::Separate);
        if (ps.score >= kConfirm)
            return setState(a, b, Pair::Pooled);
        return false;
    case Pair::Separate:
        return ps.score >= kConfirm ? setState(a, b, Pair::Pooled) : false;
    case Pair::Pooled:
        return ps.score <= -kConfirm ? setState(a, b, Pair::Separate) : false;
    }
    return false;
}

bool PoolLearner::silent(int m)
{
    bool changed = false;
    for (auto &[k, ps] : m_pairs)
        if ((k.first == m || k.second == m) && ps.state == Pair::Suspected)
            changed = setState(k.first, k.second, Pair::Separate) || changed;
    return changed;
}

bool PoolLearner::settled(int m) const
{
    for (const auto &[k, ps] : m_pairs)
        if ((k.first == m || k.second == m) && std::abs(ps.score) < kScoreMax)
            return false;
    return true;
}

bool PoolLearner::observe(int m, qint64 now, qint64 sentAt, qint64 limit, qint64 remaining, bool bucket, bool counted)
{
    WB_CHECK(m >= 0 && m < size());
    const qint64 windowMs = m_windowMs;
    Member &self = m_members[size_t(m)];
    if (limit <= 0 || windowMs <= 0 || !hasPeers(m))
        return false;
    // Once every pair of the member is beyond doubt, a reply now and then keeps watching (a
    // pool can change) without weighing every reply of a busy key.
    if (self.limit == limit && settled(m) && self.lastObserved >= 0 && now - self.lastObserved < windowMs / 50)
        return false;
    self.lastObserved = now;
    self.heard = true;
    self.limit = limit;
    // How far the provider's window may lie from ours (clock offset, network): a twentieth of the
    // window, at most a second.
    const qint64 grace = std::min<qint64>(1'000, windowMs / 20);
    // Requests sent within this much of each other may reach the provider in either order (each
    // on its own connection): only one sent this much before the replying call is surely counted.
    const qint64 skew = skewMs();
    const qint64 keepFrom = now - 2 * windowMs - grace;
    for (Member &x : m_members) {
        while (!x.sent.empty() && x.sent.front() < keepFrom)
            x.sent.pop_front();
        while (!x.refused.empty() && x.refused.front() < keepFrom)
            x.refused.pop_front();
    }

    bool changed = false;
    std::vector<int> candidates;
    for (int o = 0; o < size(); ++o) {
        if (o == m || m_members[size_t(o)].scope != self.scope)
            continue;
        const qint64 other = m_members[size_t(o)].limit;
        if (other >= 0 && other != limit) {
            // One pool announces one limit: different limits are different counters.
            changed = setState(m, o, Pair::Separate) || changed;
            m_pairs[key(m, o)].score = -kScoreMax;
            continue;
        }
        if (int(candidates.size()) < kMaxCandidates)
            candidates.push_back(o);
    }
    if (candidates.empty())
        return changed;

    const double used = double(std::max<qint64>(0, limit - remaining));
    const double rate = double(limit) / double(windowMs);
    // The requests an explanation (the replying member plus the members of `mask`) accounts for:
    // at least those surely counted (the replying call unless refused, those sent well before it
    // and still in the window), at most those that may be (sent since a window before it).
    auto bounds = [&](unsigned mask, bool asBucket) -> std::pair<double, double> {
        std::vector<int> who{m};
        for (size_t i = 0; i < candidates.size(); ++i)
            if (mask & (1u << i))
                who.push_back(candidates[i]);
        const qint64 own = counted ? 1 : 0;
        // Calls within the skew before the replying one are surely counted too when they were
        // answered before it was sent (the provider had them before it arrived).
        auto answeredFirst = [&](int w, qint64 from, std::vector<qint64> *times) {
            qint64 n = 0;
            for (const auto &[s, a] : m_members[size_t(w)].answers) {
                // Answered no later than the replying call left: the provider counted it before
                // producing that answer, so before the replying call could arrive.
                if (s > std::max(from, sentAt - skew) && s <= sentAt && a <= sentAt) {
                    ++n;
                    if (times)
                        times->push_back(s);
                }
            }
            return n;
        };
        if (!asBucket) {
            qint64 lo = own, hi = 0;
            for (int w : who) {
                lo += countIn(m_members[size_t(w)].sent, now - windowMs + grace, sentAt - skew)
                      + answeredFirst(w, now - windowMs + grace, nullptr);
                // Refused calls may be in the count or not: only the upper bound holds them.
                hi += countIn(m_members[size_t(w)].sent, sentAt - windowMs - grace, now)
                      + countIn(m_members[size_t(w)].refused, sentAt - windowMs - grace, now);
            }
            return {double(lo), double(hi)};
        }
        // A bucket drains continuously: the calls of the explanation drain together. Its level
        // when the window began is not known, but a bucket that refills its limit in a window
        // holds at most the calls of the window before (anything older has drained), and calls
        // sent at its pace keep it there: a key's own calls after a burst show its whole level,
        // which counting from an empty bucket took for another key's calls.
        const qint64 from = now - windowMs - grace;
        std::vector<qint64> times, sure;
        qint64 after = 0, before = 0;
        for (int w : who) {
            before += countIn(m_members[size_t(w)].sent, from - windowMs - 1, from)
                      + countIn(m_members[size_t(w)].refused, from - windowMs - 1, from);
            const std::deque<qint64> &s = m_members[size_t(w)].sent;
            for (auto it = std::upper_bound(s.begin(), s.end(), from); it != s.end(); ++it) {
                times.push_back(*it);
                if (*it <= sentAt - skew)
                    sure.push_back(*it);
            }
            after += countIn(s, sentAt, now);
            // Refused calls may be in the count or not: only the upper bound holds them.
            const std::deque<qint64> &r = m_members[size_t(w)].refused;
            for (auto it = std::upper_bound(r.begin(), r.end(), from); it != r.end(); ++it)
                times.push_back(*it);
            after += countIn(r, sentAt, now);
            answeredFirst(w, from, &sure);
        }
        if (counted)
            sure.push_back(sentAt);
        std::sort(times.begin(), times.end());
        std::sort(sure.begin(), sure.end());
        const double lo = bucketLevel(sure, sentAt, now + grace, rate);
        // (The count is a whole number for a level that drains continuously: up to one more.)
        const double hi = bucketLevel(times, sentAt, sentAt, rate, std::min(double(limit), double(before)), from)
                + double(after) + rate * double(grace) + 0.5;
        return {lo, hi};
    };
    const unsigned all = 1u << candidates.size();
    std::vector<bool> consistent(all);
    bool any = false;
    const auto weigh = [&](bool asBucket) {
        any = false;
        for (unsigned mask = 0; mask < all; ++mask) {
            const auto [lo, hi] = bounds(mask, asBucket);
            consistent[mask] = used >= lo - 0.5 && used <= hi + 0.5;
            any = any || consistent[mask];
        }
    };
    weigh(bucket);
    // A count below what a window would surely still hold, whoever's calls it shows, has drained:
    // the provider refills a bucket, which the key's own model may not have learned yet (it
    // learns nothing while it stands for keys that may be counted apart).
    if (!any && !bucket)
        weigh(true);
    if (!any)
        return changed;   // nothing we sent explains the count (another client): no evidence
    for (size_t i = 0; i < candidates.size(); ++i) {
        bool with = false, without = false;
        for (unsigned mask = 0; mask < all; ++mask) {
            if (!consistent[mask])
                continue;
            (mask & (1u << i) ? with : without) = true;
        }
        if (with && !without)
            changed = vote(m, candidates[i], +1) || changed;
        else if (without && !with)
            changed = vote(m, candidates[i], -1) || changed;
    }
    return changed;
}

PoolLearner::Pair PoolLearner::pair(int a, int b) const
{
    const auto it = m_pairs.find(key(a, b));
    return it == m_pairs.end() ? Pair::Separate : it->second.state;
}

std::vector<int> PoolLearner::components() const
{
    std::vector<int> root(m_members.size());
    for (size_t i = 0; i < root.size(); ++i)
        root[i] = int(i);
    auto find = [&](int i) {
        while (root[size_t(i)] != i)
            i = root[size_t(i)] = root[size_t(root[size_t(i)])];
        return i;
    };
    for (const auto &[k, ps] : m_pairs) {
        if (ps.state == Pair::Separate)
            continue;
        const int a = find(k.first), b = find(k.second);
        if (a != b)
            root[size_t(std::max(a, b))] = std::min(a, b);
    }
    std::vector<int> out(root.size());
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = find(int(i));
    return out;
}

bool PoolLearner::confirmed(int m) const
{
    for (const auto &[k, ps] : m_pairs)
        if ((k.first == m || k.second == m) && ps.state == Pair::Pooled)
            return true;
    return false;
}

qint64 PoolLearner::clearOfSuspects(int m) const
{
    qint64 at = 0;
    for (const auto &[k, ps] : m_pairs) {
        if (ps.state != Pair::Suspected || (k.first != m && k.second != m))
            continue;
        const Member &o = m_members[size_t(k.first == m ? k.second : k.first)];
        // The other's latest call still on its way (one answered is surely counted).
        if (!o.onTheirWay.empty())
            at = std::max(at, *o.onTheirWay.rbegin() + skewMs() + 1);
    }
    return at;
}

bool PoolLearner::suspected(int m) const
{
    for (const auto &[k, ps] : m_pairs)
        if ((k.first == m || k.second == m) && ps.state == Pair::Suspected)
            return true;
    return false;
}

} // namespace wb
