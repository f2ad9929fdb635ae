#pragma once
// Learns which keys draw on one provider pool (an organisation's limit) that nobody configured,
// from the providers' own request counters (docs/ARCHITECTURE.md, "Pools nobody configured").
//
// A member is what the router already counts as one: a key (every deployment resolving to it) or a
// configured rate_limit_pool. Members of one scope (provider, base URL and model) may share a pool.
// After a reply that names the request limit L and what remains R, the provider counts U = L - R
// requests. The learner keeps the time each member's calls were sent and asks which of the
// scope's other members' calls, added to the replying member's own, explain U — allowing for the
// header's staleness: a call sent no later than the replying one is surely counted (unless it has
// left the window since), one sent after it may or may not be. When every explanation includes
// member B, the reply votes "pooled" for the pair; when none does although B's surely-counted calls
// would show, it votes "separate". Members whose replies announce different limits never share.
//
// Pairs of members with no limits configured or remembered start Suspected: admitted as one pool
// until a reply votes otherwise (so a pool nobody configured is never overrun while it is being
// learned). Two votes confirm a pool; a suspicion ends at the first "separate" vote, a confirmed
// pool after two net ones. Pure: the clock is an argument.
#include <QString>
#include <QtGlobal>

#include <deque>
#include <map>
#include <set>
#include <vector>

namespace wb {

class PoolLearner {
public:
    enum class Pair { Separate, Suspected, Pooled };
    /// At most this many other members of a scope are weighed per reply (2^n explanations).
    static constexpr int kMaxCandidates = 6;

    /// `windowMs`: the window (or refill period) the providers' counts are per.
    explicit PoolLearner(qint64 windowMs) : m_windowMs(windowMs) {}

    /// Adds a member; returns its index (0, 1, ...). `suspect`: it has no limits configured or
    /// remembered, so it is admitted as one pool with the scope's other suspects until shown apart.
    int addMember(const QString &scope, bool suspect);
    int size() const { return int(m_members.size()); }
    /// Remembered from an earlier run (or otherwise known): the two share a pool.
    void setPooled(int a, int b);

    /// Whether `m` has another member in its scope (else nothing about it is kept).
    bool hasPeers(int m) const { return m_members[size_t(m)].peers > 0; }
    /// A call of member `m` was sent at `at`.
    void sent(int m, qint64 at);
    /// The call of `m` sent at `at` was refused: the provider may not have counted it (OpenAI
    /// documents that it counts refused requests; others do not), so it explains a count or not.
    void refused(int m, qint64 at);
    /// The call of `m` sent at `from` only reached the provider at `to`.
    void restamp(int m, qint64 from, qint64 to);
    /// The call of `m` sent at `sentAt` was answered at `at` (and counted): any call sent after
    /// that surely reached the provider later, whatever the send times' skew.
    void answered(int m, qint64 sentAt, qint64 at);
    /// A reply to the call of `m` sent at `sentAt`, arriving at `now`, named the request limit and
    /// what remains of it; `bucket`: the key's counter refills continuously; `counted`: the call
    /// was not refused (it is in the count). Returns true when a pair changed state.
    bool observe(int m, qint64 now, qint64 sentAt, qint64 limit, qint64 remaining, bool bucket, bool counted);
    /// A successful reply of `m` named no request counter: it can never show a pool; its
    /// suspicions end. Returns true when a pair changed state.
    bool silent(int m);

    Pair pair(int a, int b) const;
    /// Per member the lowest member of its pool (itself when alone): pools are the connected
    /// components of the Suspected and Pooled pairs.
    std::vector<int> components() const;
    /// A member in a confirmed pool (Pooled with another member): worth remembering.
    bool confirmed(int m) const;
    /// A member in a Suspected pair (admitted as one pool with another member).
    bool suspected(int m) const;
    /// A suspected member no reply with a request counter has been seen from: its next call
    /// decides the suspicion soonest (it shows whether the other's calls are in its counter).
    bool unheard(int m) const { return !m_members[size_t(m)].heard && suspected(m); }
    /// Calls sent within this much of each other may reach the provider in either order: neither
    /// is surely in the count the other's reply shows.
    qint64 skewMs() const { return std::min<qint64>(1'000, m_windowMs / 20) / 2; }
    /// The earliest time a call of `m` leaves clear of the calls still on their way of the
    /// members suspected of sharing its pool (more than skewMs() after them), so that its reply
    /// shows whether they are in its counter: calls sent together show nothing either way (an
    /// answered call is surely counted and holds nothing). 0 when nothing holds it.
    qint64 clearOfSuspects(int m) const;

private:
    struct Member {
        QString scope;
        bool suspect = false;
        bool heard = false;           // a reply named its request counter
        qint64 limit = -1;            // last announced request limit (-1: none yet)
        int peers = 0;                // other members of its scope
        qint64 lastObserved = -1;     // when a reply was last weighed
        std::deque<qint64> sent;      // send times of calls not refused, ascending
        std::deque<qint64> refused;   // send times of refused calls (counted or not), ascending
        std::deque<std::pair<qint64, qint64>> answers;   // (sent, answered) of calls answered, by answer time
        std::multiset<qint64> onTheirWay;                  // send times of calls not answered nor refused
    };
    struct PairState {
        Pair state = Pair::Separate;
        int score = 0;                // +1 per "pooled" vote, -1 per "separate" vote, clamped
    };
    static std::pair<int, int> key(int a, int b) { return a < b ? std::pair{a, b} : std::pair{b, a}; }
    /// Moves the pair's score by `vote` and its state with it; true when the state changed.
    bool vote(int a, int b, int vote);
    bool setState(int a, int b, Pair p);
    /// Every pair of `m` decided beyond doubt (the score at its bound).
    bool settled(int m) const;
    /// Takes the call of `m` sent at `at` out of its sends.
    void takeOut(int m, qint64 at);
    /// The call of `x` sent at `sentAt` is no longer on its way.
    static void arrived(Member &x, qint64 sentAt);
    /// Inserts `at` into the ascending `times`, dropping those too old to explain a count.
    void record(std::deque<qint64> &times, qint64 at) const;

    qint64 m_windowMs;

    std::vector<Member> m_members;
    std::map<std::pair<int, int>, PairState> m_pairs;   // only pairs of one scope
};

} // namespace wb
