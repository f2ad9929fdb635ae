#pragma once
// Live limit state of one rate-limit window key (a deployment, or a pool of deployments
// that share one provider quota): rpm / tpm / itpm / otpm as sliding windows or token buckets
// (LimitAlgorithm), configured and observed limits, reconciled with a provider's headers in both
// directions, and what the provider charges a finished call learned from those headers
// (docs/ARCHITECTURE.md, "Limits"). Pure: the clock is an argument (ms of any monotonic clock),
// so every rule is unit-tested with no network.
#include "core/common/provider.h"
#include "core/limits/countingrule.h"
#include "core/limits/ratewindow.h"
#include "core/limits/refusal.h"
#include "core/limits/tokenbucket.h"

#include <QString>
#include <QStringList>
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <vector>

namespace wb {

struct LimitValues {
    std::optional<qint64> rpm = {}, tpm = {}, itpm = {}, otpm = {};
};

/// One charge, kept both as a sliding window's and as a token bucket's: the router follows both
/// models, so it can fall back from the bucket to the window at any moment.
struct ChargeTickets {
    RateWindow::Ticket window = 0;
    TokenBucket::Ticket bucket = 0;
};

/// Tickets of one admitted call, to settle it later.
struct Admission {
    qint64 at = 0;
    ChargeTickets requests, tokens, inputTokens;
    qint64 outputReserve = 0;
};

/// What a count read as the provider admitted a call may or may not hold beyond what it surely
/// holds, per way of charging (2 * AdmissionWay + ChargeModel): the calls sent within a network hop
/// of the replying one, which may have raced it there, and the settlements it may have seen. The
/// count is the sure part plus some of them, not anything in between (LimitState::learnReadingInstant).
struct MaybeCounted {
    static constexpr int kMax = 8;   // beyond this many, only the range they span is used
    qint64 amount[6][kMax] = {};
    int n[6] = {};
    void add(int way, qint64 a)
    {
        if (n[way] < kMax)
            amount[way][n[way]] = a;
        ++n[way];
    }
};

class LimitState {
public:
    enum Dim { Rpm, Tpm, Itpm, Otpm, DimCount };

    explicit LimitState(qint64 windowMs = RateWindow::kDefaultWindowMs);
    void setWindowMs(qint64 ms);
    /// The otpm window alone: output is charged when the reply is read, after the provider counted
    /// it, so the provider's charge always leaves first and needs no safety margin
    /// (docs/ARCHITECTURE.md, "Limits"). The buckets refill over this length too: the provider's
    /// window, their margin being a delay (fit), not a slower refill.
    void setOutputWindowMs(qint64 ms);
    qint64 windowMs() const { return m_windows[Rpm].windowMs(); }
    /// Window or bucket for every dimension: where admission starts (setLearnAlgorithm).
    void setAlgorithm(LimitAlgorithm a) { m_algorithm = a; }
    /// Whether a refusal the bucket cannot explain may turn the bucket into a window.
    void setLearnAlgorithm(bool on) { m_learnAlgorithm = on; }
    /// The provider refused a call for a per-minute limit: if this key counts as a bucket or as
    /// fixed windows (and may learn), it counts as a sliding window from now on. Returns a note
    /// when it switched.
    QStringList refusedBeyondTheWindow(qint64 now);
    /// The provider refused a call whose own counters (the refusal's headers) showed room, and named
    /// no limit: it holds its rates over intervals shorter than the minute too ("60 RPM may be
    /// enforced as 1 request per second"). Calls are spread from now on: requests no closer than
    /// the limit's rate allows; after such a refusal of a call already spread, tokens too
    /// (docs/ARCHITECTURE.md, "Shorter intervals"). `admittedAt`: when the refused call was
    /// admitted. Returns a note when the spreading changed.
    QStringList refusedWithRoom(qint64 now, qint64 admittedAt);
    /// 0: calls go in bursts as the limits allow; 1: requests spread; 2: tokens spread too.
    int spread() const { return m_spread; }
    /// Starts spread (remembered from an earlier run).
    void setSpread(int level) { m_spread = std::clamp(level, 0, 2); m_spreadSince = std::numeric_limits<qint64>::min() / 2; }
    /// Whether a refusal's headers show room for the call in every dimension they name (and name
    /// at least one): the counters the provider shows did not refuse it.
    bool countersShowRoom(const RateLimitHeaders &h, const Admission &a) const;
    /// The provider refused the call `a` (its charges stay: a provider may count a refused
    /// request). For a window after it, a count that lacks it is no evidence that the provider
    /// forgets faster than a bucket: such a provider simply did not count it.
    void noteRefused(qint64 now, const Admission &a);
    /// A successful reply's reset headers as evidence of how the provider refills: a bucket says
    /// "full again in used / limit of a window", a window "when the newest charge leaves". One
    /// reply turns a bucket into a window (the safe side), two that agree a window into a bucket;
    /// after a refusal the key never goes back to a bucket on header evidence. Call before reconcile(), so the
    /// reconciliation corrects the model then in use. Returns a note when it switched.
    /// `own`: the replying call's tpm ticket (its window's), when known.
    QStringList learnAlgorithm(qint64 now, qint64 sentAt, CountingRule rule, const RateLimitHeaders &h,
                               RateWindow::Ticket own = 0);
    LimitAlgorithm algorithm() const { return m_algorithm; }
    /// Fixed windows: one boundary on our clock as the reset times placed it (its latest possible
    /// time), and how far before it the provider's may lie; unset until reset times showed one.
    std::optional<qint64> fixedBoundary() const { return m_phase ? std::optional<qint64>(m_phase->hi) : std::nullopt; }
    std::optional<qint64> fixedUncertaintyMs() const
    {
        return m_phase ? std::optional<qint64>(m_phase->hi - m_phase->lo) : std::nullopt;
    }
    /// Forgets the reset-time votes so far (the model in use stays): they were another counter's,
    /// as for a learned pool that parts (docs/ARCHITECTURE.md, "Pools nobody configured").
    void forgetAlgorithmVotes() { m_algorithmScore = m_bucketRefused ? m_algorithmScore : 0; }
    /// For a state that stood for keys the provider counts apart (a learned pool that parted):
    /// forgets the votes on the algorithm and the scores of the ways of charging so far, and
    /// learns from the next reading on. Its charges must be its keys' own.
    void forgetLearning();
    /// Until a reply's counters have been reconciled, its charges may not be what the provider
    /// holds (a learned pool that parted: it gave back the other keys' calls, and may have given
    /// back some of them before, from one key's counter): the router sends one call at a time.
    void setResyncPending(bool on) { m_resyncPending = on; }
    bool resyncPending() const { return m_resyncPending; }
    /// What a settled call holds in tpm until evidence says otherwise. Unset (the default): what
    /// the counting rule documents (Settlement::tokens).
    void setChargeModel(ChargeModel m) { m_chargeModel = m; }
    /// The charge model in use: set, or learned from the headers; unset = the rule's documented one.
    std::optional<ChargeModel> chargeModel() const { return m_chargeModel; }
    /// Whether the provider's tpm headers may teach the charge model (false: keep the documented one).
    void setLearnChargeModel(bool on) { m_learnCharge = on; }
    /// While on, the state may hold several keys' calls that the provider counts apart (a pool
    /// suspected, not yet decided): readings score no way of charging, and give back only what
    /// reconcile()'s `apart` leaves to the replying key — one key's counter showing less than the
    /// state holds is no capacity of the other keys; nor do they vote on bucket or window.
    void holdChargeLearning(bool on) { m_chargeHeld = on; }
    /// Drops what readings gave back (the tightening stays): they may have read another key's
    /// counter, for a state that stood for keys the provider counts apart.
    void dropGivenBack()
    {
        for (RateWindow &w : m_windows)
            w.clearGivenBack();
    }
    /// A reply named what its call was charged (Mistral's query cost): learns whether the provider
    /// admits a call against max(prompt, max_tokens) rather than prompt + max_tokens. Two replies
    /// that only the larger of the two explains switch; one that it does not explain switches back.
    QStringList learnAdmissionCharge(qint64 charged, qint64 promptTokens, qint64 maxTokens, qint64 usageTokens);
    /// What a reply's settlement becomes where the provider named the call's charge (`charged`,
    /// Mistral's query cost): read as the reply left, what its counter holds for the call; read
    /// as the provider admitted the call (readsCountersAtAdmission), a charge that is not the
    /// usage names the admission only, and what the call holds once settled is the settlement
    /// model's (the usage, or that charge where the provider keeps it).
    Settlement settlementNaming(const Settlement &s, qint64 charged) const;
    /// Admit against max(prompt, max_tokens) instead of the counting rule's prompt + max_tokens.
    bool admitsLargerOfPromptAndMax() const { return m_admission == AdmitLarger; }
    void setAdmitLarger(bool on) { m_admission = on ? AdmitLarger : m_admission == AdmitLarger ? AdmitSum : m_admission; }
    /// Admit against the prompt alone (the provider reserves nothing for max_tokens and counts the
    /// output when the reply settles) instead of the counting rule's prompt + max_tokens.
    bool admitsPromptOnly() const { return m_admission == AdmitPrompt; }
    void setAdmitPromptOnly(bool on) { m_admission = on ? AdmitPrompt : m_admission == AdmitPrompt ? AdmitSum : m_admission; }
    /// The provider refused a call for its tokens: an admission cheaper than the counting rule's
    /// (learned, or remembered from an earlier run) was wrong; admits by the rule's again and
    /// never learns a cheaper one for this key. Not while the key counts as a bucket or as fixed
    /// windows and may learn its refill (the refusal turns that into a sliding window first).
    /// Returns a note when it switched.
    /// `refused`: the refused call and the token counter its refusal showed, where it showed one.
    /// A key that counts as a sliding window, may learn its refill and names no reset times is
    /// first asked whether the refusal is a bucket's: a count that the way in use, replayed as a
    /// bucket draining since, explains and no way as a window does turns it into a bucket instead,
    /// and the cheaper way stays (docs/ARCHITECTURE.md, "A refusal a bucket explains").
    struct RefusedCall {
        qint64 sentAt = 0;
        RateWindow::Ticket ticket = 0;   // its tokens' window ticket
        std::optional<qint64> limit, remaining;
    };
    QStringList refusedForTokens(qint64 now, CountingRule rule, const RefusedCall *refused = nullptr);
    /// Whether this key's counters taught the charge (admission and settlement) or the algorithm
    /// in use, rather than it being where the key started: worth remembering for the next run.
    bool chargeLearned() const { return m_chargeLearned; }
    /// How the provider charges this key is known from an earlier run (what it remembered is set).
    void setChargeRemembered() { m_chargeLearned = true; }
    /// Whether the provider was found to read the counters of a reply's headers when it admitted the
    /// call rather than when the reply left (learnReadingInstant); unset while neither learned nor
    /// remembered.
    std::optional<bool> readsCountersAtAdmission() const
    {
        return m_instantKnown ? std::optional<bool>(m_readsAtAdmission) : std::nullopt;
    }
    void setReadsCountersAtAdmission(bool on)
    {
        m_readsAtAdmission = on;
        m_instantKnown = true;
    }
    bool algorithmLearned() const { return m_algorithmLearned; }

    /// Adds a deployment's configured limits; for a shared pool the stricter value wins.
    void addConfigured(const LimitValues &v);
    /// Limits learned from the provider in an earlier run: taken as observed (headers and
    /// refusals replace them), and the key counts as informed (no probe).
    void remember(const LimitValues &v);
    std::optional<qint64> configured(Dim d) const { return m_configured[d]; }
    std::optional<qint64> observed(Dim d) const { return m_observed[d]; }
    /// The stricter of configured and observed; unset = unlimited (nothing known).
    std::optional<qint64> effective(Dim d) const;
    bool anyLimit() const;
    /// The model list states a limit of this key.
    bool anyConfigured() const
    {
        return m_configured[Rpm] || m_configured[Tpm] || m_configured[Itpm] || m_configured[Otpm];
    }
    /// A reply (with or without limit headers) or a refusal has been seen: what the provider
    /// announces is known. Before that a key without configured limits is probed one call at a time.
    bool informed() const { return m_informed; }
    /// Calls admitted and not yet settled or released.
    int inFlight() const { return m_inFlight; }
    /// Tokens held back from a limit for what the headers showed the model cannot predict
    /// (spread of the provider's count around ours); 0 for rpm and before any evidence.
    qint64 margin(Dim d) const { return m_margin[d]; }

    /// Earliest time >= now at which the call could be admitted (blocks included);
    /// RateWindow::kNever if it exceeds a limit on its own and can never be admitted.
    qint64 earliestAdmit(qint64 now, const AdmissionCost &c);
    bool canAdmit(qint64 now, const AdmissionCost &c) { return earliestAdmit(now, c) <= now; }
    Admission admit(qint64 now, const AdmissionCost &c);
    /// The reply arrived with usage: settle the admission charges (tpm by the charge model),
    /// charge otpm, release the output reservation.
    void settle(qint64 now, const Admission &a, const Settlement &s);
    /// The call ended without usage (error, timeout): charges stay (providers count failed
    /// requests too), only the output reservation is released.
    void release(const Admission &a);
    /// Takes the admission's rpm, tpm and itpm charges out again: the call is counted on another
    /// key's counter (a pool learned apart, docs/ARCHITECTURE.md). Its output reservation and
    /// in-flight count are left to release().
    void refund(qint64 now, const Admission &a);
    /// The request was only fully sent at `at` (> a.at): its charges count from then on, as
    /// they do at the provider. Marks it sent (sent()).
    void restamp(const Admission &a, qint64 at);
    /// Whether admitted calls count as unsent until sent() says they left: a request can wait in
    /// the HTTP client's queue for a free connection long after it was admitted, and a provider's
    /// count read meanwhile cannot hold it. Off: every call counts as sent when admitted.
    void setTracksSending(bool on) { m_tracksSending = on; }
    /// The request left (its upload finished): the provider may count it from now on.
    void sent(const Admission &a);
    /// The same, at `at`: its bucket charges are dated then (without moving the level, which
    /// restamp() does past a few milliseconds), so a reply's count is told which calls reached
    /// the provider after its own by the times they left, not when each was admitted.
    void sent(const Admission &a, qint64 at);

    /// No admission before `t` (retry-after, reset after a 429, overload back-off).
    void blockUntil(qint64 t);
    qint64 blockedUntil() const { return m_blockedUntil; }

    qint64 used(Dim d, qint64 now);
    /// What the sliding window holds and when its next charge leaves, whichever model admits: a
    /// bucket with no known limit has no rate to drain at, a window always empties.
    qint64 windowUsed(Dim d, qint64 now) { return m_windows[d].used(now); }
    qint64 windowNextExpiry(qint64 now);
    qint64 outputReserved() const { return m_outputReserved; }
    /// Time the next window charge expires, or a bucket empties (kNever if none).
    qint64 nextExpiry(qint64 now);

    /// Reconciles with a reply's rate-limit headers: observed limits tighten or teach the limits;
    /// the provider's used count (limit - remaining) replaces our prediction in both directions —
    /// more used adds a charge until the reported reset, less used gives capacity back, except
    /// for calls sent after `sentAt` (the replying call's send time), which the provider may not
    /// have counted yet. Successive readings also teach the charge model and the margin.
    /// Returns human-readable notes about what was learned (for Router::event).
    QStringList reconcile(qint64 now, qint64 sentAt, CountingRule rule, const RateLimitHeaders &h);
    /// The same for the reply to `replying` (settled or released first): calls sent in the same
    /// millisecond as it, or later, are the ones the provider may not have counted yet.
    /// `apart`: while learning is held for a pool suspected (holdChargeLearning), the calls sent
    /// on the state's other keys. The replying key's counter then gives back what it shows of
    /// the key's own calls and keeps the others' charged, which holds whether the provider counts
    /// the keys together or apart (docs/ARCHITECTURE.md, "Pools nobody configured").
    QStringList reconcile(qint64 now, const Admission &replying, qint64 sentAt, CountingRule rule,
                          const RateLimitHeaders &h, const std::vector<Admission> *apart = nullptr);
    /// Learns from the counts a 429's text names (limit, used, requested): the limit, and what
    /// the provider counts beyond us — the part that must leave before the refused call fits
    /// until `retryAfterMs` (when given), the rest for a window.
    QStringList reconcileRefusal(qint64 now, const RefusalCounts &r, std::optional<qint64> retryAfterMs = {});
    /// A refusal of the call `refused` (sent at `sentAt`) that taught the limit `r` names, from a
    /// key whose replies show no counters (Gemini): its retry delay is when the provider has room
    /// for the call again, which a bucket and a window predict apart after a burst. A delay that
    /// fits the bucket's prediction and not the window's turns the window into a bucket
    /// (docs/ARCHITECTURE.md, "Bucket or window, from evidence"). Returns a note when it switched.
    QStringList learnFromRetryDelay(qint64 now, qint64 sentAt, const Admission &refused, const RefusalCounts &r,
                                    qint64 retryAfterMs);
    /// Corrections smaller than this are ignored (Anthropic rounds remaining to thousands).
    static qint64 correctionThreshold(CountingRule rule, Dim d);
    /// How far behind our clock a provider's window may lag (network latency) for reconcile.
    static constexpr qint64 kReconcileGraceMs = 1'000;
    /// What a reset time's instant is widened by either way (durations rounded to the millisecond,
    /// our clock read a little after the provider's).
    static constexpr qint64 kFixedSlackMs = 20;
    /// Fixed windows stated in the model list are placed on our wall clock's multiples of the
    /// window (the calendar minute), give or take this much clock skew between us and the provider.
    static constexpr qint64 kStatedFixedSkewMs = 250;
    /// Stated fixed windows: a boundary on our clock (`boundary`), known to kStatedFixedSkewMs
    /// either way. Counts as confirmed (no call goes alone first); reset times do not move it.
    void assumeFixedBoundary(qint64 now, qint64 boundary);

    static QString dimName(Dim d);

private:
    bool bucket() const { return m_algorithm == LimitAlgorithm::TokenBucket; }
    bool probesBucket() const;
    qint64 limitOr0(Dim d) const { return effective(d).value_or(0); }
    ChargeTickets charge(Dim d, qint64 now, qint64 amount);
    void settleCharge(Dim d, qint64 now, const ChargeTickets &t, qint64 amount);
    qint64 fit(Dim d, qint64 now, qint64 amount, qint64 limit);
    /// What a window may hold with `amount` in it: the limit less the safety margin, but never
    /// less than the call itself (the margin never makes a call that fits "never" admissible).
    qint64 capFor(Dim d, qint64 amount, qint64 limit) const { return std::max(limit - m_margin[d], amount); }
    /// Moves our count by `delta` (> 0 until `until`; < 0 given back while our charges last).
    void adjust(Dim d, qint64 now, qint64 delta, qint64 until);
    void observeLimit(Dim d, std::optional<qint64> limit, QStringList &notes);
    void correct(qint64 now, qint64 sentAt, const ChargeTickets &own, CountingRule rule, Dim d, std::optional<qint64> limitHeader,
                 std::optional<qint64> remaining, std::optional<qint64> resetMs, qint64 threshold,
                 QStringList &notes, const std::vector<Admission> *apart = nullptr);
    /// What the `apart` calls sent before `before` still hold in the window of `d` at `t`.
    qint64 heldApart(Dim d, const std::vector<Admission> &apart, qint64 before, qint64 t) const;
    /// What the provider's tpm counter would hold now under each way of charging (index
    /// 2 * AdmissionWay + ChargeModel): `lo` with the calls it surely counted, `hi` with those it may
    /// not have yet (sent after the replying call `own`, or still unsent). A window sums the
    /// charges it still holds, a bucket replays them (admission, settlement) draining in between.
    /// `as`: the refill replayed, when not the one in use.
    void chargePredictions(qint64 now, qint64 sentAt, RateWindow::Ticket own, qint64 lo[6], qint64 hi[6],
                           std::optional<LimitAlgorithm> as = {}) const;
    /// How long after a call left us the provider admitted it, at most: a 120th of the window,
    /// at most half the round trip of the reply that came back at `now`.
    qint64 networkHop(qint64 now, qint64 sentAt) const
    {
        return std::min<qint64>(std::max<qint64>(0, now - sentAt) / 2, m_windows[Otpm].windowMs() / 120);
    }
    /// The same as the provider counted when it admitted the replying call `own` (sent at
    /// `sentAt`): the calls sent before it, itself at its admission charge, the settlements it
    /// had seen. `lo`/`hi` span what is unsure (a reply that came back just after `sentAt`).
    /// With `forward`, to carry such a reading forward to now: `lo`, the calls it surely or perhaps
    /// had as the provider holds them now (settled since, or gone from its window); `hi`, those and
    /// the calls sent after it.
    /// (A window's, not forward, into `maybe` too: what its count is `lo` plus some of.)
    void chargePredictionsAtAdmission(qint64 now, qint64 sentAt, RateWindow::Ticket own, bool forward, qint64 lo[6],
                                      qint64 hi[6], MaybeCounted *maybe = nullptr, std::optional<LimitAlgorithm> as = {}) const;
    /// Scores the two instants a provider may read its counters at for the headers of a reply —
    /// as the reply leaves, or as it admits the call — and switches when one clearly fits better.
    /// A tenth of what the calls still on their way (but `except`) are charged: our estimate of
    /// their prompts may be off by that much.
    qint64 promptErrorOnTheirWay(qint64 now, RateWindow::Ticket except = 0) const;
    /// The prompt margins of the calls admitted at or before `sentBefore` and not yet released.
    qint64 promptMarginOnTheirWay(qint64 sentBefore) const;
    void absorbCounted(Dim d, qint64 sentAt, const ChargeTickets &own, const std::vector<Admission> *apart);
    // Until the way of charging and the instant the provider reads its counters are known, a call
    // settled above its admission charge holds its usage, and a count that may not have seen the
    // settlement gives none of it back (docs/ARCHITECTURE.md, "When the provider reads its counters").
    bool holdsRisesUnseen() const { return m_learnCharge && !m_chargeLearned && !m_instantKnown && !m_chargeModel; }
    qint64 risesUnseen(qint64 now, qint64 sentAt, RateWindow::Ticket own) const;
    qint64 heldRises(qint64 now) const;   // what the ledger's calls of a window settled above their admission charge
    /// How long a call's ways of charging are kept for the readings (a key without reset times
    /// keeps them a window longer, for replaying them as a bucket's only).
    qint64 ledgerKeep() const { return m_windows[Tpm].windowMs() + kReconcileGraceMs; }
    /// The ledger's calls within ledgerKeep() of `now`.
    std::size_t recentCalls(qint64 now) const;
    bool m_anyRise = false;     // some call of the ledger may hold a rise (spares the pass over it)
    /// Index of the way of charging in use, 2 * AdmissionWay + ChargeModel.
    int chargeIndex(CountingRule rule) const { return 2 * m_admission + int(m_chargeModel.value_or(documentedChargeModel(rule))); }
    bool learnReadingInstant(qint64 now, RateWindow::Ticket own, const qint64 loReply[6], const qint64 hiReply[6],
                             const qint64 loAdmit[6], const qint64 hiAdmit[6], const MaybeCounted *maybe,
                             qint64 providerUsed, qint64 threshold, CountingRule rule, QStringList &notes);
    /// One tpm reading: scores each charge model against the provider's count, may switch. True
    /// when it switched (the way or the model), so what we hold was just charged anew. `admitOff`:
    /// while the instant is unknown, how far each way's count at admission misses, where that is
    /// sharp; a way with the settlement model in use is as good as the instant that explains it
    /// better.
    bool learnCharge(qint64 now, CountingRule rule, qint64 providerUsed, const qint64 lo[6], const qint64 hi[6],
                     const qint64 *admitOff, qint64 threshold, QStringList &notes);
    void applyChargeModel(ChargeModel m);
    /// The calls a window's count as of the reply holds surely and at their admission charge
    /// (sent by the first half of the replying call's round trip, not answered yet).
    std::vector<RateWindow::Ticket> countedOnTheirWay(qint64 now, qint64 sentAt, RateWindow::Ticket own) const;
    /// Admits by `way` (AdmissionWay) from now on and charges what the window holds again by it;
    /// the bucket's level too with `moveBucket` (else its level was moved as a whole).
    void setAdmission(qint64 now, int way, ChargeModel model, bool moveBucket);
    static QString admissionNote(int way, const QString &source);
    /// Whether the refusal's count is a bucket's drain of the way in use and no window's (refusedForTokens).
    bool refusalShowsADrain(qint64 now, CountingRule rule, const RefusedCall &r);
    /// One dimension's reset time: vote +1 when it fits a bucket and not a window, -1 the other
    /// way, 0 unclear; `fixedLike` when it fits neither (a boundary); [lo, hi] where on our clock
    /// the provider's counter is full again (`timed`: something was counted and a reset given).
    struct Reading {
        int vote = 0;
        bool fixedLike = false;
        bool timed = false;
        qint64 lo = 0, hi = 0;
    };
    Reading algorithmVote(qint64 now, qint64 sentAt, Dim d, qint64 granularityMs, qint64 rounding,
                          std::optional<qint64> limitHeader, std::optional<qint64> remaining,
                          std::optional<qint64> resetMs) const;
    /// Fixed windows from reset times (learnAlgorithm's part for them); `readings` of one reply.
    QStringList learnFixed(qint64 now, qint64 sentAt, const std::vector<Reading> &readings, CountingRule rule,
                           const RateLimitHeaders &h);
    bool fixedWindows() const { return m_algorithm == LimitAlgorithm::FixedWindow; }
    /// The fixed windows' period: the otpm window's length (the others carry the safety margin).
    qint64 fixedPeriod() const { return m_windows[Otpm].windowMs(); }
    /// The last boundary at or before `t` of a phase through `boundary`.
    qint64 boundaryAtOrBefore(qint64 t, qint64 boundary) const;
    /// Sets every window fixed (at the learned phase) or sliding, as m_algorithm says.
    void applyFixed(qint64 now);
    /// A learned switch to the sliding window (the safe side), from a bucket or fixed windows.
    void countAsSlidingWindow(qint64 now);
    /// The bucket's level of `d` made anew from the window's charges (but `except`), drained at
    /// the known limit: a bucket whose limit was unknown never drained.
    void reseedBucket(Dim d, qint64 now, RateWindow::Ticket except = 0);
    static Dim dimOf(const RefusalCounts &r);
    /// An admission's tickets in dimension `d` (none for otpm, charged at the reply).
    static ChargeTickets ticketsOf(const Admission &a, Dim d);
    /// Whether the provider still counts a charge made at `at` (the tpm window's rule, without
    /// the safety margins), for scoring the charge models.
    bool providerHolds(qint64 at, qint64 now) const;
    /// The same from a remaining count alone (no reset time): a bucket has drained some of what
    /// a window still holds.
    int drainVote(qint64 now, qint64 sentAt, Dim d, std::optional<qint64> limitHeader, std::optional<qint64> remaining);
    /// The same for tokens where the provider names no charge: under every way of charging, and
    /// at either instant it may read its counters, what a window and a bucket would hold.
    int drainVoteByWays(qint64 now, qint64 sentAt, RateWindow::Ticket own, CountingRule rule,
                        std::optional<qint64> remaining);
    /// How near a way of charging's prediction must come to a count to explain it, for a key
    /// naming no charge: read as the reply left, or (`atAdmission`) as the provider admitted `own`.
    qint64 waysTolerance(qint64 now, RateWindow::Ticket own, CountingRule rule, bool atAdmission) const;

    LimitAlgorithm m_algorithm = LimitAlgorithm::SlidingWindow;
    // Spreading (refusedWithRoom): per dimension the time the provider's short-interval counter
    // is empty again, each call adding its charge's share of the rate (a GCRA with no burst).
    int m_spread = 0;
    // Refused calls' charges of the last window (noteRefused), per dimension.
    struct Refused {
        qint64 at = 0;
        qint64 amount[DimCount] = {0, 0, 0, 0};
    };
    std::vector<Refused> m_refused;
    qint64 refusedHeld(Dim d, qint64 now);
    /// Drops the refused calls older than a window.
    void pruneRefused(qint64 now);
    qint64 m_spreadSince = 0;
    qint64 m_spreadAt[DimCount] = {0, 0, 0, 0};
    bool spreads(Dim d) const { return d == Rpm ? m_spread >= 1 : m_spread >= 2; }
    RateWindow m_windows[DimCount];
    TokenBucket m_buckets[DimCount];
    std::optional<qint64> m_configured[DimCount];
    std::optional<qint64> m_observed[DimCount];
    qint64 m_margin[DimCount] = {0, 0, 0, 0};
    double m_residual2[DimCount] = {0, 0, 0, 0};   // mean square of what the provider counted beyond us
    // How far above the provider's a bucket's level may sit after a tightening read from a reset
    // instant in whole seconds (a counter at zero): a later count that far lower is that rounding
    // given back, no evidence of a counter that forgets at once.
    qint64 m_resetSlack[DimCount] = {0, 0, 0, 0};
    // The drain a count showed not done yet (correct(), a key that may be a bucket counted as a
    // window): charged to the tpm window until `until`; the next such count replaces it.
    struct Debt {
        qint64 amount = 0, until = 0;
    };
    Debt m_drainDebt;
    qint64 m_blockedUntil = 0;
    qint64 m_outputReserved = 0;
    int m_inFlight = 0;
    bool m_informed = false;

    // What each tpm charge of the last window holds under each charge model, to score the models
    // against the provider's count (keyed by the tpm charge's window ticket).
    struct Charged {
        qint64 at = 0;
        qint64 admitted = 0;
        qint64 larger = 0;              // what the larger of prompt and max_tokens would have charged
        qint64 prompt = 0;              // what the prompt alone would have charged
        std::optional<qint64> usage;    // set when the reply told it
        ChargeTickets tickets;
        qint64 settledAt = 0;           // when the reply told it
        qint64 rise = 0;                // what it was settled above its admission charge while that was unsure
        std::optional<qint64> named;    // the admission charge its reply named (Mistral's query cost read at admission)
        qint64 margin = 0;              // of its prompt's charge, above our estimate (AdmissionCost::promptMargin)
        qint64 amount(int admission) const { return admission == AdmitLarger ? larger : admission == AdmitPrompt ? prompt : admitted; }
        /// What `amount(admission)` holds above our estimate of what the provider counts.
        qint64 marginIn(int admission) const
        {
            const qint64 m = std::min(margin, prompt);
            // (The larger of prompt and max_tokens: max_tokens is the sum less the prompt.)
            return admission == AdmitLarger ? std::max<qint64>(0, larger - std::max(prompt - m, admitted - prompt)) : m;
        }
    };
    std::map<RateWindow::Ticket, Charged> m_ledger;
    /// Whether a window's count as of the reply to `own` (sent at `sentAt`) surely holds `c`
    /// (chargePredictions; a charge that left the provider's window by `sentAt` aside).
    bool surelyCounted(RateWindow::Ticket ticket, const Charged &c, qint64 now, qint64 sentAt, RateWindow::Ticket own) const;
    // Admitted calls not yet sent (setTracksSending): no provider count can hold them.
    bool m_tracksSending = false;
    std::vector<Admission> m_unsent;
    // The prompt margin (AdmissionCost::promptMargin) of each call on its way, by its request
    // ticket: when it was admitted, and how much.
    std::map<RateWindow::Ticket, std::pair<qint64, qint64>> m_promptMargins;
    /// What the unsent calls admitted before `before` hold in dimension d (window or bucket).
    qint64 unsentCharged(Dim d, qint64 before, bool inBucket) const;
    bool isUnsent(RateWindow::Ticket tokensTicket) const;
    /// Starts the scores of the ways of charging afresh (learnCharge).
    void forgetChargeScores();
    std::optional<ChargeModel> m_chargeModel;
    bool m_learnCharge = false;
    bool m_chargeHeld = false;
    bool m_resetsNamed = false;     // a reply named a reset time (learnAlgorithm): refills show there
    bool m_settledCostNamed = false;   // a reply's query cost was its settled usage (learnAdmissionCharge)
    bool m_queryCostSeen = false;   // a reply named its call's admission charge, not its usage (learnAdmissionCharge)
    qint64 m_lastChargeReading = std::numeric_limits<qint64>::min() / 2;   // when learnCharge last scored
    // Decaying sum of |provider - prediction| per way of charging: [2 * AdmissionWay + ChargeModel],
    // as of the instant believed (learnReadingInstant), or while it is unknown, for the model in
    // use, whichever instant comes closer to each reading. Beside it, as of each instant alone:
    // the provider reads its counters at one instant, so where the choice reading by reading
    // switches nothing, the ways of admission of the model in use are judged again, each by the
    // instant that explains all its readings (learnCharge).
    double m_chargeScore[6] = {0, 0, 0, 0, 0, 0};
    double m_chargeScoreAsOfReply[6] = {0, 0, 0, 0, 0, 0};
    double m_chargeScoreAtAdmission[6] = {0, 0, 0, 0, 0, 0};
    // When the provider reads the counters a reply's headers show: as the reply leaves (what
    // most documents imply), or as it admits the call (the reply then shows neither its own
    // settlement nor anything after it). Learned from which fits (learnReadingInstant); scores
    // are decaying sums of how far the best way of charging missed at each instant.
    bool m_readsAtAdmission = false;
    bool m_instantKnown = false;
    // learnCharge changed the settlement model while the instant was unknown, from counts scored
    // as of the reply (learnReadingInstant undoes it once the instant is learned).
    bool m_modelLearnedBeforeInstant = false;
    double m_instantScore[2] = {0, 0};   // [at reply, at admission]
    int m_instantReadings = 0;
    bool m_instantScoredAsBucket = false;
    // per AdmissionWay: a count told it from the way in use beyond our prompts' error (learnCharge)
    bool m_cheaperTold[3] = {false, false, false};
    bool m_cheaperToldAsOfReply[3] = {false, false, false};
    bool m_cheaperToldAtAdmission[3] = {false, false, false};
    int m_chargeReadings = 0;
    bool m_scoredAsBucket = false;   // the scores were made replaying a bucket
    bool m_resyncPending = false;
    bool m_learnAlgorithm = false;
    // How a call is charged at admission: the counting rule's prompt + max_tokens, the larger of
    // the two, or the prompt alone (max_tokens not reserved).
    enum AdmissionWay { AdmitSum = 0, AdmitLarger = 1, AdmitPrompt = 2, AdmissionWays = 3 };
    int m_admission = AdmitSum;
    bool m_cheaperRefused = false;   // a refusal for tokens while admitting cheaper than the rule
    int m_admitLargerVotes = 0;
    bool m_chargeLearned = false, m_algorithmLearned = false;
    int m_algorithmScore = 0;        // replies voting bucket (+) or window (-), clamped
    bool m_bucketRefused = false;    // a refusal while counting as a bucket: stay a window
    // Fixed windows: where a boundary lies on our clock, [lo, hi] (one of them; the others every
    // period away), from how many replies; whether a call sent after the first boundary since the
    // switch showed the provider forgetting what came before (until then one call at a time).
    struct Phase {
        qint64 lo = 0, hi = 0;
        int replies = 0;
    };
    std::optional<Phase> m_phase;
    Phase joinPhase(const Phase &known, qint64 lo, qint64 hi) const;
    bool m_fixedRefused = false;
    bool m_fixedConfirmed = false;
    qint64 m_fixedSince = 0;
};

} // namespace wb
