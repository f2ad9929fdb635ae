#include "core/limits/limitstate.h"

#include <algorithm>
#include <cmath>

namespace wb {

namespace {

// A charge model is only trusted once this many readings told the models apart, and its score is
// this many times better than the one in use.
constexpr int kChargeReadingsNeeded = 2;
constexpr double kChargeScoreRatio = 2;
// ... and before calls are admitted cheaper than so far (the larger of prompt and max_tokens, or
// the prompt alone, instead of their sum).
constexpr int kCheaperReadingsNeeded = 2;
constexpr double kCheaperScoreRatio = 4;
// Readings that told the instants apart before the provider's counters count as read at admission
// (learnReadingInstant).
constexpr int kInstantReadingsNeeded = 2;
// With more calls in the window than this, at most one charge reading per this share of the
// window (each is a pass over the window's calls).
constexpr std::size_t kChargeLedgerSmall = 64;
constexpr qint64 kChargeReadingShare = 600;
// How fast old readings fade from the charge-model scores and the residual spread.
constexpr double kScoreDecay = 0.7;
constexpr double kResidualWeight = 0.2;
// Replies that must agree before header evidence turns a window into a bucket.
constexpr int kAlgorithmScoreMax = 3;
constexpr int kAlgorithmVotesNeeded = 2;
// Replies whose reset times must place one boundary before fixed windows are used, and how
// precisely (a fraction of the period).
constexpr int kFixedRepliesNeeded = 2;
constexpr qint64 kFixedPrecisionDivisor = 4;

// A token counter at zero says only "the limit or more": a count past the limit shows as zero
// (docs/ARCHITECTURE.md, "The provider's counters are the truth"). Requests are admitted whole
// and never pass it.
bool tokensAtZero(LimitState::Dim d, qint64 remaining)
{
    return d != LimitState::Rpm && remaining <= 0;
}

// How far a count lies outside [lo, hi].
qint64 rangeOff(qint64 used, qint64 lo, qint64 hi)
{
    return used < lo ? lo - used : used > hi ? used - hi : 0;
}

// Whether some way of charging's range, widened by `tolerance`, holds the count.
bool anyWayWithin(qint64 used, const qint64 *lo, const qint64 *hi, int ways, qint64 tolerance)
{
    for (int m = 0; m < ways; ++m)
        if (rangeOff(used, lo[m], hi[m]) <= tolerance)
            return true;
    return false;
}

// How far a count lies from the nearest total a prediction at admission allows: what it surely
// holds plus some of what it may hold (MaybeCounted), or with more of those than are worth
// trying, anything in the range they span.
qint64 offAtAdmission(qint64 used, qint64 lo, qint64 hi, const MaybeCounted *maybe, int way)
{
    if (!maybe || maybe->n[way] > MaybeCounted::kMax)
        return rangeOff(used, lo, hi);
    qint64 best = std::numeric_limits<qint64>::max();
    for (unsigned mask = 0; mask < (1u << maybe->n[way]); ++mask) {
        qint64 total = lo;
        for (int i = 0; i < maybe->n[way]; ++i)
            total += (mask >> i & 1) ? maybe->amount[way][i] : 0;
        best = std::min(best, total > used ? total - used : used - total);
    }
    return best;
}

// A prediction at admission is sharp when at most one call (or settlement) may or may not be in
// the count: the count is one of two totals.
bool sharpAtAdmission(const MaybeCounted *maybe, int way)
{
    return maybe && maybe->n[way] <= 1;
}

// Anthropic's resets are RFC 3339 instants: whole seconds, and our clock against theirs.
qint64 resetGranularityMs(CountingRule rule)
{
    return rule == CountingRule::Anthropic ? 1000 : 0;
}

} // namespace

LimitState::LimitState(qint64 windowMs)
{
    setWindowMs(windowMs);
}

void LimitState::setWindowMs(qint64 ms)
{
    for (RateWindow &w : m_windows) {
        w.setWindowMs(ms);
        w.setGraceMs(std::min<qint64>(kReconcileGraceMs * 2, ms));
    }
    for (TokenBucket &b : m_buckets)
        b.setPeriodMs(ms);
}

void LimitState::setOutputWindowMs(qint64 ms)
{
    m_windows[Otpm].setWindowMs(ms);
    m_windows[Otpm].setGraceMs(std::min<qint64>(kReconcileGraceMs * 2, ms));
    // A bucket refilling over the window and its margin would fall behind the provider's by the
    // margin's share of every window it stays busy; the margin is the delay in fit() instead.
    for (TokenBucket &b : m_buckets)
        b.setPeriodMs(ms);
}

void LimitState::addConfigured(const LimitValues &v)
{
    const std::optional<qint64> in[DimCount] = {v.rpm, v.tpm, v.itpm, v.otpm};
    for (int d = 0; d < DimCount; ++d) {
        if (!in[d])
            continue;
        m_configured[d] = m_configured[d] ? std::min(*m_configured[d], *in[d]) : *in[d];
    }
}

void LimitState::remember(const LimitValues &v)
{
    const std::optional<qint64> in[DimCount] = {v.rpm, v.tpm, v.itpm, v.otpm};
    bool any = false;
    for (int d = 0; d < DimCount; ++d) {
        if (in[d] && *in[d] > 0 && !m_observed[d]) {
            m_observed[d] = *in[d];
            any = true;
        }
    }
    if (any)
        m_informed = true;
}

std::optional<qint64> LimitState::effective(Dim d) const
{
    if (m_configured[d] && m_observed[d])
        return std::min(*m_configured[d], *m_observed[d]);
    return m_configured[d] ? m_configured[d] : m_observed[d];
}

bool LimitState::anyLimit() const
{
    for (int d = 0; d < DimCount; ++d)
        if (effective(Dim(d)))
            return true;
    return false;
}

ChargeTickets LimitState::charge(Dim d, qint64 now, qint64 amount)
{
    // Both models follow every charge, so the window can take over from the bucket at once
    // (refusedBeyondTheWindow).
    const qint64 limit = limitOr0(d);
    return {m_windows[d].charge(now, amount), m_buckets[d].charge(now, limit, amount)};
}

void LimitState::settleCharge(Dim d, qint64 now, const ChargeTickets &t, qint64 amount)
{
    const qint64 limit = limitOr0(d);
    m_windows[d].settle(t.window, amount);
    m_buckets[d].settle(now, limit, t.bucket, amount);
}

qint64 LimitState::fit(Dim d, qint64 now, qint64 amount, qint64 limit)
{
    if (amount > limit)
        return RateWindow::kNever;
    const qint64 cap = capFor(d, amount, limit);
    // The bucket's safety margin is a delay, as the window's: the provider starts draining a
    // charge when the request arrives, up to the margin after us (otpm: counted before we charge).
    const qint64 lag = d == Otpm ? 0 : std::max<qint64>(0, m_windows[d].windowMs() - m_windows[Otpm].windowMs());
    return bucket() || probesBucket() ? m_buckets[d].earliestFit(now, amount, cap, lag)
                                      : m_windows[d].earliestFit(now, amount, cap);
}

bool LimitState::probesBucket() const
{
    // Counted as a window while its remaining counts lean to a bucket: one call at a time goes at
    // the bucket's pace. Its reply, with nothing else of ours on its way, is the clearest vote
    // those counts give; a refusal settles it the other way for good. Reset times vote at every
    // reply and need no such call (docs/ARCHITECTURE.md, "Bucket or window, from evidence").
    return m_algorithm == LimitAlgorithm::SlidingWindow && m_learnAlgorithm && !m_resetsNamed && !m_bucketRefused
        && !m_chargeHeld && m_algorithmScore > 0 && m_inFlight == 0;
}

qint64 LimitState::earliestAdmit(qint64 now, const AdmissionCost &c)
{
    qint64 t = std::max(now, m_blockedUntil);
    if (fixedWindows() && m_phase && !m_fixedConfirmed && m_inFlight > 0) {
        // Until a reply shows the provider forgetting at the boundary, one call at a time after it:
        // a provider whose reset times only looked like a boundary refuses no burst (its reply
        // reschedules).
        const qint64 b = boundaryAtOrBefore(now, m_phase->hi);
        if (b > m_fixedSince && m_windows[Rpm].chargedSince(now, b - 1) > 0)
            t = std::max(t, now + fixedPeriod());
    }
    const qint64 amounts[DimCount] = {c.requests, c.tokens, c.inputTokens, 0};
    for (int d = Rpm; d <= Itpm; ++d) {
        const auto lim = effective(Dim(d));
        if (!lim || amounts[d] <= 0)
            continue;
        const qint64 f = fit(Dim(d), now, amounts[d], *lim);
        if (f == RateWindow::kNever)
            return RateWindow::kNever;
        t = std::max(t, f);
        if (spreads(Dim(d)))
            t = std::max(t, m_spreadAt[d]);
    }
    if (fixedWindows() && m_phase && !m_fixedConfirmed) {
        // The call that tells (the first after the first boundary since the switch) waits, where
        // it is only a little, until a sliding window has room too: reset times that named a
        // sliding window's oldest charge placed the boundary up to a round trip before that
        // charge left, and the call sent there was refused. Not longer than the boundary's
        // uncertainty or a tenth of the window: a provider that does forget at its boundaries
        // would wait a window for calls spread over its last one (docs/ARCHITECTURE.md, "Fixed
        // windows").
        const qint64 b = boundaryAtOrBefore(t, m_phase->hi);
        if (b > m_fixedSince && m_windows[Rpm].chargedSince(now, b - 1) == 0) {
            qint64 sliding = t;
            for (int d = Rpm; d <= Itpm; ++d)
                if (const auto lim = effective(Dim(d)); lim && amounts[d] > 0)
                    sliding = std::max(sliding, m_windows[d].earliestSlidingFit(now, amounts[d], capFor(Dim(d), amounts[d], *lim)));
            if (sliding - t <= std::max(m_phase->hi - m_phase->lo, fixedPeriod() / 10))
                t = sliding;
        }
    }
    if (const auto lim = effective(Otpm); lim && c.outputReserve > 0) {
        // Output is charged when produced, so we hold an expected-output reservation for
        // every call in flight. An expectation above the limit is clamped (it could never
        // fit otherwise). If the calls in flight already hold too much, the window expiring
        // cannot help, their replies will (and every reply reschedules): report the latest
        // time the window alone could matter, so this never says "never". Only one call's
        // expectation is clamped: several calls asked together (a fill plan's set) hold each its
        // own.
        const qint64 want = m_outputReserved + (c.requests > 1 ? c.outputReserve : std::min(*lim, c.outputReserve));
        if (want > *lim)
            t = std::max(t, now + m_windows[Otpm].windowMs());
        else
            t = std::max(t, fit(Otpm, now, want, *lim));
    }
    return t;
}

Admission LimitState::admit(qint64 now, const AdmissionCost &c)
{
    Admission a;
    a.at = now;
    a.requests = charge(Rpm, now, c.requests);
    a.tokens = charge(Tpm, now, c.tokens);
    if (c.inputTokens > 0)
        a.inputTokens = charge(Itpm, now, c.inputTokens);
    a.outputReserve = c.outputReserve;
    m_outputReserved += c.outputReserve;
    if (c.promptMargin > 0)
        m_promptMargins[a.requests.window] = {now, c.promptMargin};
    ++m_inFlight;
    if (m_spread > 0) {
        // Each call keeps the next one back by its share of the rate, over the window as the
        // sliding windows count it (the safety margin included): no burst at all.
        const qint64 amounts[DimCount] = {c.requests, c.tokens, c.inputTokens, 0};
        for (int d = Rpm; d <= Itpm; ++d)
            if (const auto lim = effective(Dim(d)); lim && *lim > 0 && amounts[d] > 0 && spreads(Dim(d)))
                m_spreadAt[d] = std::max(m_spreadAt[d], now) + spreadShare(amounts[d], m_windows[d].windowMs(), *lim);
    }
    if (m_tracksSending)
        m_unsent.push_back(a);
    if (m_learnCharge) {
        // A key whose replies name no reset time keeps a window more: replaying its calls as a
        // bucket's needs the level they start from, and a level that calls kept above zero never
        // emptied within a window (docs/ARCHITECTURE.md, "Bucket or window, from evidence").
        const qint64 keep = ledgerKeep() + (m_resetsNamed ? 0 : m_windows[Otpm].windowMs());
        while (!m_ledger.empty() && m_ledger.begin()->second.at + keep <= now)
            m_ledger.erase(m_ledger.begin());
        // Every way of charging the call, whichever admitted it (scored against each other).
        const qint64 sum = c.sumTokens > 0 ? c.sumTokens : c.tokens;
        Charged charged;
        charged.at = now;
        charged.admitted = sum;
        charged.larger = c.largerTokens > 0 ? c.largerTokens : sum;
        charged.prompt = c.promptOnlyTokens > 0 ? c.promptOnlyTokens : sum;
        charged.tickets = a.tokens;
        charged.margin = c.promptMargin;
        m_ledger[a.tokens.window] = charged;
    }
    return a;
}

void LimitState::settle(qint64 now, const Admission &a, const Settlement &s)
{
    if (m_learnCharge && s.usageTokens) {
        if (const auto it = m_ledger.find(a.tokens.window); it != m_ledger.end()) {
            it->second.usage = s.usageTokens;
            it->second.settledAt = now;
            it->second.named = s.admittedTokens;
        }
    }
    if (const auto tokens = m_chargeModel ? settledTokens(*m_chargeModel, s) : s.tokens) {
        // Admitted on its prompt alone, a call's completion is counted as it is produced: the
        // provider's window holds it a round trip longer than the prompt, and the call is held
        // until then (docs/ARCHITECTURE.md, "The provider's counters are the truth").
        if (m_admission == AdmitPrompt && *tokens > m_windows[Tpm].amountOf(a.tokens.window))
            m_windows[Tpm].holdFrom(a.tokens.window, now);
        settleCharge(Tpm, now, a.tokens, *tokens);
    } else if (const auto it = m_ledger.find(a.tokens.window);
             s.usageTokens && holdsRisesUnseen() && it != m_ledger.end() && *s.usageTokens > m_windows[Tpm].amountOf(a.tokens.window)) {
        it->second.rise = *s.usageTokens - m_windows[Tpm].amountOf(a.tokens.window);
        m_anyRise = true;
        settleCharge(Tpm, now, a.tokens, *s.usageTokens);
    }
    if (s.inputTokens && a.inputTokens.window)
        settleCharge(Itpm, now, a.inputTokens, *s.inputTokens);
    if (s.outputTokens > 0)
        charge(Otpm, now, s.outputTokens);
    release(a);
}

void LimitState::release(const Admission &a)
{
    sent(a);
    m_outputReserved = std::max<qint64>(0, m_outputReserved - a.outputReserve);
    m_promptMargins.erase(a.requests.window);
    m_inFlight = std::max(0, m_inFlight - 1);
}

void LimitState::refund(qint64 now, const Admission &a)
{
    // Never made, as far as this key's provider counts: a bucket may have drained some of it
    // already, which taking out its whole amount would give back twice.
    const auto takeOut = [&](Dim d, const ChargeTickets &t) {
        m_windows[d].settle(t.window, 0);
        m_buckets[d].takeOut(now, limitOr0(d), t.bucket);
    };
    takeOut(Rpm, a.requests);
    takeOut(Tpm, a.tokens);
    if (a.inputTokens.window)
        takeOut(Itpm, a.inputTokens);
    m_ledger.erase(a.tokens.window);
    sent(a);
}

void LimitState::sent(const Admission &a)
{
    std::erase_if(m_unsent, [&](const Admission &u) { return u.requests.window == a.requests.window && u.at == a.at; });
}

void LimitState::sent(const Admission &a, qint64 at)
{
    sent(a);
    for (const auto &[d, t] : {std::pair{Rpm, &a.requests}, {Tpm, &a.tokens}, {Itpm, &a.inputTokens}})
        if (t->bucket)
            m_buckets[d].restamp(t->bucket, at);
}

bool LimitState::isUnsent(RateWindow::Ticket tokensTicket) const
{
    return !m_unsent.empty()
           && std::any_of(m_unsent.cbegin(), m_unsent.cend(), [&](const Admission &u) { return u.tokens.window == tokensTicket; });
}

qint64 LimitState::heldApart(Dim d, const std::vector<Admission> &apart, qint64 before, qint64 t) const
{
    qint64 sum = 0;
    for (const Admission &o : apart) {
        const ChargeTickets c = ticketsOf(o, d);
        if (!isUnsent(o.tokens.window))   // an unsent call is taken out as such (unsentCharged)
            sum += m_windows[d].heldAt(c.window, before, t);
    }
    return sum;
}

qint64 LimitState::unsentCharged(Dim d, qint64 before, bool inBucket) const
{
    qint64 sum = 0;
    for (const Admission &u : m_unsent) {
        if (u.at >= before)
            continue;   // counted among the calls sent after the replying one already
        const ChargeTickets t = ticketsOf(u, d);
        sum += inBucket ? m_buckets[d].amountOf(t.bucket) : t.window ? m_windows[d].amountOf(t.window) : 0;
    }
    return sum;
}

void LimitState::restamp(const Admission &a, qint64 at)
{
    // Calls that waited for a connection reach the provider after ones admitted later: its count
    // as it admitted the replying call lacks them, which chargedSince tells only by the time each
    // left us.
    sent(a, at);
    // The provider's bucket starts draining a charge when the request arrives, ours did at
    // admission: what ours drained in between is put back.
    if (at > a.at) {
        const std::pair<Dim, const ChargeTickets *> charged[] = {{Rpm, &a.requests}, {Tpm, &a.tokens}, {Itpm, &a.inputTokens}};
        for (const auto &[d, t] : charged) {
            const qint64 limit = limitOr0(d);
            if (t->bucket && limit > 0)
                m_buckets[d].adjust(at, limit, std::min(m_buckets[d].amountOf(t->bucket), limit * (at - a.at) / m_buckets[d].periodMs()));
        }
    }
    m_windows[Rpm].restamp(a.requests.window, at);
    m_windows[Tpm].restamp(a.tokens.window, at);
    m_windows[Itpm].restamp(a.inputTokens.window, at);
    if (const auto it = m_ledger.find(a.tokens.window); it != m_ledger.end())
        it->second.at = std::max(it->second.at, at);
}

void LimitState::blockUntil(qint64 t)
{
    m_blockedUntil = std::max(m_blockedUntil, t);
}

qint64 LimitState::used(Dim d, qint64 now)
{
    return bucket() ? m_buckets[d].used(now, limitOr0(d)) : m_windows[d].used(now);
}

qint64 LimitState::nextExpiry(qint64 now)
{
    qint64 t = RateWindow::kNever;
    for (int d = 0; d < DimCount; ++d)
        t = std::min(t, bucket() ? m_buckets[d].emptyAt(now, limitOr0(Dim(d))) : m_windows[d].nextExpiry(now));
    return t;
}

qint64 LimitState::windowNextExpiry(qint64 now)
{
    qint64 t = RateWindow::kNever;
    for (RateWindow &w : m_windows)
        t = std::min(t, w.nextExpiry(now));
    return t;
}

QString LimitState::dimName(Dim d)
{
    switch (d) {
    case Rpm: return QStringLiteral("rpm");
    case Tpm: return QStringLiteral("tpm");
    case Itpm: return QStringLiteral("itpm");
    case Otpm: return QStringLiteral("otpm");
    case DimCount: break;
    }
    return {};
}

qint64 LimitState::correctionThreshold(CountingRule rule, Dim d)
{
    // Anthropic rounds remaining token counts to the nearest thousand: a difference below
    // 1000 is rounding, not usage we missed.
    if (rule == CountingRule::Anthropic && d != Rpm)
        return 1000;
    return 1;
}

void LimitState::observeLimit(Dim d, std::optional<qint64> limit, QStringList &notes)
{
    if (!limit || *limit <= 0)
        return;
    const auto before = effective(d);
    const bool first = !m_observed[d].has_value();
    m_observed[d] = *limit;
    const auto after = effective(d);
    if (first && !m_configured[d])
        notes << QStringLiteral("learned %1 limit %2 from the provider").arg(dimName(d)).arg(*limit);
    else if (before && after && *after < *before)
        notes << QStringLiteral("%1 limit tightened from %2 to %3 by the provider").arg(dimName(d)).arg(*before).arg(*after);
}

void LimitState::adjust(Dim d, qint64 now, qint64 delta, qint64 until)
{
    if (delta == 0)
        return;
    if (bucket()) {
        m_buckets[d].adjust(now, limitOr0(d), delta);
        return;
    }
    RateWindow &w = m_windows[d];
    if (delta > 0) {
        w.chargeUntil(now, delta, until);
        return;
    }
    // Capacity given back lasts only while the charges it corrects surely do: until the oldest
    // of ours leaves. The next reading renews it; and it never exceeds what our own charges hold.
    const qint64 give = std::min(-delta, w.ordinaryUsed(now));
    const qint64 expiry = w.nextExpiry(now);
    if (give > 0 && expiry != RateWindow::kNever)
        w.chargeUntil(now, -give, expiry);
}

void LimitState::correct(qint64 now, qint64 sentAt, const ChargeTickets &own, CountingRule rule, Dim d, std::optional<qint64> limitHeader,
                         std::optional<qint64> remaining, std::optional<qint64> resetMs, qint64 threshold,
                         QStringList &notes, const std::vector<Admission> *apart)
{
    if (!remaining)
        return;
    const auto limit = limitHeader ? limitHeader : effective(d);
    if (!limit)
        return;
    qint64 providerUsed = std::max<qint64>(0, *limit - *remaining);
    // A counter at zero says only "the limit or more". A bucket that settles calls to more than
    // it admitted them for (prompts it counts above our estimate, a small max_tokens) holds more,
    // and its reset, the time until it is full again, says how much: read as the limit, the key
    // sent into a level still above it and was refused.
    // An instant in whole seconds may lie up to a second after the true one: so much more refill
    // may be counted in (resetSlack).
    qint64 resetSlack = 0;
    if (*remaining <= 0 && resetMs && *resetMs > 0 && bucket() && d != Rpm) {
        const double window = double(m_windows[Otpm].windowMs());
        const qint64 fromReset = qint64(double(*resetMs) * double(*limit) / window);
        if (fromReset > providerUsed) {
            providerUsed = fromReset;
            resetSlack = qint64(std::ceil(double(resetGranularityMs(rule)) * double(*limit) / window));
        }
    }
    // How much less than the way of charging in use the way that comes closest to this count
    // predicts: a drop that it explains is no evidence of fixed windows (a bucket that settles
    // to usage gives back at every reply).
    // The predictions cost a pass over every call of the window: a busy key (more than
    // kChargeLedgerSmall calls in it) is read every kChargeReadingShare of a window at most (and
    // whenever a drop needs explaining).
    // A token counter at zero says only "the limit or more": completions counted after admission
    // (a provider that reserves nothing for max_tokens) take a window's count past its limit.
    // Read as the limit, such a count looked like completions never counted, and the key sent
    // into room its provider did not have. It scores no way of charging, votes nothing and gives
    // nothing back; it only tightens (docs/ARCHITECTURE.md, "The provider's counters are the truth").
    const bool censored = tokensAtZero(d, *remaining) && providerUsed <= *limit;
    const bool predicts = d == Tpm && m_learnCharge && (!fixedWindows() || m_fixedConfirmed) && !censored;
    // Predictions at both instants the provider may have read its counters at; lo/hi: the one
    // believed (learnReadingInstant).
    qint64 lo[2 * AdmissionWays], hi[2 * AdmissionWays];
    qint64 loReply[2 * AdmissionWays], hiReply[2 * AdmissionWays], loAdmit[2 * AdmissionWays], hiAdmit[2 * AdmissionWays];
    bool predicted = false, predictedAtAdmission = false;
    MaybeCounted maybeAdmit;   // a window's: which totals the count at admission may be
    const auto believed = [&] {
        std::copy_n(m_readsAtAdmission ? loAdmit : loReply, 2 * AdmissionWays, lo);
        std::copy_n(m_readsAtAdmission ? hiAdmit : hiReply, 2 * AdmissionWays, hi);
    };
    const auto predictAtAdmission = [&] {
        if (!predictedAtAdmission)
            chargePredictionsAtAdmission(now, sentAt, own.window, false, loAdmit, hiAdmit, bucket() ? nullptr : &maybeAdmit);
        predictedAtAdmission = true;
    };
    const auto predict = [&] {
        if (predicted)
            return;
        predicted = true;
        chargePredictions(now, sentAt, own.window, loReply, hiReply);
        predictAtAdmission();
        believed();
    };
    std::optional<qint64> explainedByCharge;
    bool remodelled = false;   // this reading changed how we charge (learnCharge)
    bool drainShown = false;   // a key that may be a bucket: its bucket explains the count (below)
    const auto explain = [&] {
        predict();
        const int cur = chargeIndex(rule);
        const auto off = [&](int m) { return providerUsed < lo[m] ? lo[m] - providerUsed : std::max<qint64>(0, providerUsed - hi[m]); };
        int closest = cur;
        for (int m = 0; m < 2 * AdmissionWays; ++m) {
            if (off(m) < off(closest))
                closest = m;
        }
        explainedByCharge = std::max<qint64>(0, lo[cur] - lo[closest]);
    };
    if (predicts
        && (recentCalls(now) <= kChargeLedgerSmall || now - m_lastChargeReading >= m_windows[Otpm].windowMs() / kChargeReadingShare)) {
        explain();
        m_lastChargeReading = now;
        // When the provider read its count, first (not while a pool is undecided, nor while window
        // predictions face counters that look like a bucket's: as in learnCharge).
        bool bucketLike = !bucket() && m_learnAlgorithm && m_algorithmScore > 0;
        // Nor a count that a bucket explains as the reply left and no window does, from a key
        // naming neither reset times nor charges: a window read at admission falls short of the
        // count as of the reply, as a bucket's drain does (docs/ARCHITECTURE.md, "Bucket or
        // window, from evidence").
        const bool mayBeBucket = !bucket() && m_learnAlgorithm && !m_chargeHeld && !m_resetsNamed && !m_queryCostSeen
                && !m_settledCostNamed && !fixedWindows();
        qint64 bucketLo[2 * AdmissionWays], bucketHi[2 * AdmissionWays];   // as of the reply
        const qint64 tolerance = mayBeBucket ? waysTolerance(now, own.window, rule, false) : 0;
        if (mayBeBucket)
            chargePredictions(now, sentAt, own.window, bucketLo, bucketHi, LimitAlgorithm::TokenBucket);
        if (mayBeBucket && !bucketLike) {
            bucketLike = anyWayWithin(providerUsed, bucketLo, bucketHi, 2 * AdmissionWays, tolerance)
                    && !anyWayWithin(providerUsed, loReply, hiReply, 2 * AdmissionWays, tolerance);
        }
        if (!m_chargeHeld && !bucketLike
            && learnReadingInstant(now, own.window, loReply, hiReply, loAdmit, hiAdmit, bucket() ? nullptr : &maybeAdmit,
                                   providerUsed, threshold, rule, notes)) {
            believed();
            explainedByCharge.reset();
            explain();
            remodelled = true;
        }
        // While the instant is unknown, a window's way of admission is judged by the instant that
        // explains the count better, where the prediction at admission is sharp: a burst's first
        // replies, read at admission, show a cheaper admission that no way fits as of the reply.
        // Only with the settlement model in use (learnCharge): read at admission, the early counts
        // show no completion (docs/ARCHITECTURE.md, "When the provider reads its counters").
        qint64 admitOff[2 * AdmissionWays];
        const bool either = !m_instantKnown && !bucket();
        if (either) {
            for (int m = 0; m < 2 * AdmissionWays; ++m)
                admitOff[m] = sharpAtAdmission(&maybeAdmit, m)
                        ? offAtAdmission(providerUsed, loAdmit[m], hiAdmit[m], &maybeAdmit, m)
                        : std::numeric_limits<qint64>::max();
        }
        // Such a key's ways are scored by whichever refill explains the count better, as of the
        // reply: a bucket's drain leaves every way a window predicts off by as much, and the right
        // one never scores the better by the factor a cheaper way needs. One refill for every way,
        // the one whose closest way comes closest: the provider counts one way, and each way
        // scored by its own closer refill let the sum's bucket replay explain a window's counts
        // with 2-s replies, and no cheaper way was learned (docs/ARCHITECTURE.md, "Bucket or
        // window, from evidence"). And only where no way explains the count as a window within
        // the tolerance: our estimates of the calls on their way are off by up to that much, and
        // a bucket's replay of a wrong way then came closer by chance and was learned.
        qint64 wayLo[2 * AdmissionWays], wayHi[2 * AdmissionWays];
        bool replayed = false;   // scored as the bucket replay predicts
        std::copy_n(lo, 2 * AdmissionWays, wayLo);
        std::copy_n(hi, 2 * AdmissionWays, wayHi);
        if (mayBeBucket && !m_readsAtAdmission) {
            qint64 windowOff = std::numeric_limits<qint64>::max(), bucketOff = windowOff;
            for (int m = 0; m < 2 * AdmissionWays; ++m) {
                windowOff = std::min(windowOff, rangeOff(providerUsed, lo[m], hi[m]));
                bucketOff = std::min(bucketOff, rangeOff(providerUsed, bucketLo[m], bucketHi[m]));
            }
            if (bucketOff < windowOff && windowOff > tolerance) {
                std::copy_n(bucketLo, 2 * AdmissionWays, wayLo);
                std::copy_n(bucketHi, 2 * AdmissionWays, wayHi);
                replayed = true;
            }
        }
        // Scored as of the reply, the calls on their way are predicted at our estimate of their
        // prompts, not at the margin their charge holds above it (up to half as much again
        // before the model's first count): the provider counts the prompts. With that margin,
        // the sum of prompt and max_tokens missed Mistral's counts by the margin on the calls on
        // their way (49 of 54 tokens, 179 of 186), and the larger of the two, whose range holds
        // more, was learned (docs/ARCHITECTURE.md, "When the provider reads its counters").
        if (!bucket() && !m_readsAtAdmission && !replayed) {
            for (const RateWindow::Ticket t : countedOnTheirWay(now, sentAt, own.window)) {
                const Charged &c = m_ledger.at(t);
                for (int m = 0; m < 2 * AdmissionWays; ++m)
                    wayLo[m] -= c.marginIn(m / 2);
            }
        }
        remodelled = learnCharge(now, rule, providerUsed, wayLo, wayHi, either ? admitOff : nullptr, threshold, notes) || remodelled;
        if (mayBeBucket && !m_readsAtAdmission) {
            const int cur = chargeIndex(rule);
            drainShown = rangeOff(providerUsed, bucketLo[cur], bucketHi[cur]) <= tolerance;
        }
    }
    // A count read as the provider admitted the call is carried forward to now by what we know
    // happened since: the settlements it had not seen, the charges that left its window. For the
    // tightening, the calls sent after it count too (docs/ARCHITECTURE.md, "When the provider
    // reads its counters").
    qint64 providerWithLater = providerUsed;
    if (predicts && m_readsAtAdmission) {
        predictAtAdmission();
        qint64 fwdLo[2 * AdmissionWays], fwdHi[2 * AdmissionWays];
        chargePredictionsAtAdmission(now, sentAt, own.window, true, fwdLo, fwdHi);
        const int cur = chargeIndex(rule);
        // What of the reading our prediction explains (the calls it surely had, and of those it
        // perhaps had as many as the count allows) becomes what those calls hold now; the rest,
        // the provider's own excess or shortfall, is kept.
        const qint64 unexplained = providerUsed - std::clamp(providerUsed, loAdmit[cur], std::max(loAdmit[cur], hiAdmit[cur]));
        providerWithLater = std::max<qint64>(0, fwdHi[cur] + unexplained);
        providerUsed = std::max<qint64>(0, fwdLo[cur] + unexplained);
    }
    // Before the instant is known, a count that our charges explain as read at admission, and
    // that read as of the reply would give room back, gives nothing back: read at admission, a
    // burst's replies show their calls without those sent with them that raced them there, and
    // without the completions of calls answered after the replying one was admitted. A bucket's
    // give-back moves its level for good; a window's lasts until our oldest charge leaves, long
    // enough for a call to go into room the provider does not have (docs/ARCHITECTURE.md, "When
    // the provider reads its counters").
    // (Only where this reading was predicted: a busy key's are not, every one.)
    bool heldForInstant = false;
    if (predicted && !m_instantKnown) {
        const int cur = chargeIndex(rule);
        const qint64 tolerance = threshold + promptErrorOnTheirWay(now, own.window);
        heldForInstant = providerUsed + tolerance < loReply[cur] && providerUsed + tolerance >= loAdmit[cur]
                && providerUsed <= hiAdmit[cur] + tolerance;
    }
    // Tightening: what we could have been charged for when the provider computed `remaining` —
    // every charge still alive a little before now (the provider's window lags ours by the
    // network latency), plus output reserved for calls in flight.
    qint64 ours = bucket() ? used(d, now) : m_windows[d].usedSince(now, now - kReconcileGraceMs);
    if (d == Otpm)
        ours += m_outputReserved;
    const qint64 deficit = providerWithLater - ours;
    if (d != Rpm && !remodelled) {
        // The margin: twice the spread of what the provider counted beyond our prediction. A
        // reading that just changed how we charge measures that change, not the spread: a
        // bucket moved its level by the new way over every call it knows, room readings had
        // already given back included, and the count then lies far above it.
        const double r = deficit >= threshold ? double(deficit) : 0.0;
        m_residual2[d] = (1 - kResidualWeight) * m_residual2[d] + kResidualWeight * r * r;
        m_margin[d] = std::min<qint64>(*limit / 10, qint64(std::ceil(2.0 * std::sqrt(m_residual2[d]))));
    }
    if (deficit >= threshold) {
        const qint64 window = m_windows[d].windowMs();
        const qint64 reset = resetMs ? std::clamp<qint64>(*resetMs, 1, window) : window;
        adjust(d, now, deficit, now + reset);
        absorbCounted(d, sentAt, own, apart);
        m_resetSlack[d] = resetSlack;
        return;
    }
    if (censored)
        return;
    // Giving back, a charge about to leave our window is no evidence: the provider's clock may run
    // ahead of ours by the network latency, and the window's safety margin must survive
    // reconciliation.
    const qint64 lag = std::min<qint64>(kReconcileGraceMs, m_windows[d].windowMs() / 10);
    // A key that may be a bucket, counted as a window, whose bucket explains the count: what the
    // count holds beyond what our window keeps once the calls about to leave it have left is a
    // drain not done yet. Charged after admission (a completion, a settlement above the admission
    // charge), a window's calls may sum to more than the limit, which a sliding window forgets
    // with them and a bucket drains only at its rate: freed with the calls, that debt was refused
    // (docs/ARCHITECTURE.md, "Bucket or window, from evidence"). It is held for as long as a
    // bucket takes to drain it; a window's counts, made of whole calls, are not what its bucket
    // predicts once calls leave.
    if (drainShown) {
        if (m_drainDebt.until > now)
            m_windows[d].chargeUntil(now, -m_drainDebt.amount, m_drainDebt.until);
        m_drainDebt = {};
        const qint64 stays = m_windows[d].usedAt(now, now + lag) - unsentCharged(d, now + 1, false);
        const qint64 debt = providerUsed - stays;
        if (debt >= threshold) {
            const double perMs = double(*limit) / double(m_windows[Otpm].windowMs());
            m_drainDebt = {debt, now + qint64(std::ceil(double(debt) / perMs))};
            m_windows[d].chargeUntil(now, debt, m_drainDebt.until);
            return;
        }
    }
    // Held, nothing is given back; for a pool suspected, only what the replying key's counter
    // shows of its own calls: the other keys' calls sent before the replying one stay charged —
    // the pool's count if the provider counts the keys together, theirs alone (which this counter
    // does not show) if not. In a bucket they stay at their whole charge (what of the level is
    // theirs is not known). The output window holds no call's ticket.
    if ((m_chargeHeld && (!apart || d == Otpm)) || heldForInstant)
        return;
    // Nor the rises of settlements the count may not have seen yet, while they are held (settle).
    const qint64 unseenRises = d == Tpm && m_anyRise && holdsRisesUnseen() ? risesUnseen(now, sentAt, own.window) : 0;
    // Giving back: the provider counts less than we do. Calls sent after the replying one may
    // not be in its count yet; they stay charged. Nor is a charge about to leave our window
    // evidence (`lag`, above).
    if (bucket()) {
        // The provider shows a whole number for a level that drains continuously: its level may
        // be up to one unit above the count it shows, so one unit less than ours is rounding,
        // not capacity to give back (rounding ours up made a level a few hundredths above the
        // provider's look a whole unit fuller, and gave back a unit the provider still held).
        const qint64 onTheirWay = m_buckets[d].chargedSince(sentAt, own.bucket);
        // Read as the provider admitted the replying call (or perhaps so, while the instant is
        // unknown: Anthropic's input tokens are never told), the count also lacks the calls sent
        // after it that were answered before it: settled, they are no longer "on their way", yet
        // neither a drop nor room (docs/ARCHITECTURE.md, "A bucket whose counter drops at once").
        const qint64 answeredSince
                = !m_instantKnown || m_readsAtAdmission ? m_buckets[d].chargedSince(sentAt, own.bucket, true) - onTheirWay : 0;
        const double ours = m_buckets[d].level(now, *limit) - double(*limit) * double(lag) / double(m_windows[d].windowMs())
                - double(onTheirWay) - double(unsentCharged(d, sentAt, true))
                - double(apart ? heldApart(d, *apart, sentAt, now) : 0);
        const qint64 give = qint64(std::floor(ours - double(providerUsed) - 1.0)) - unseenRises - answeredSince;
        const auto unexplained = [&] {
            if (!explainedByCharge && predicts)
                explain();
            return give - explainedByCharge.value_or(0) - refusedHeld(d, now);
        };
        // Nor is the margin on the prompts of the calls the count holds and that are still on their
        // way (tpm, itpm): the provider counts their prompts, we charge our estimates with a margin
        // (half as much again before its first count of the model: docs/ARCHITECTURE.md, "Tokens"),
        // and a first burst of a dozen calls or more gives a third of itself back at its first reply.
        const qint64 margin = d == Tpm || d == Itpm ? promptMarginOnTheirWay(sentAt) : 0;
        const qint64 dropAtOnce = *limit / 10 + m_resetSlack[d] + margin;
        if (give >= threshold && !(m_learnAlgorithm && give > dropAtOnce && unexplained() > dropAtOnce)) {
            adjust(d, now, -give, 0);
            absorbCounted(d, sentAt, own, apart);
            m_resetSlack[d] = 0;
            return;
        }
        // (One key's counter, while the keys may be counted apart, is no evidence of fixed windows.)
        if (give < threshold || apart)
            return;
        // The provider forgot far more than a refilling bucket can between two replies (its
        // settlements are ours too): it forgets at once (fixed windows). A bucket would keep
        // draining what is given back, where such a provider holds every new call until its
        // boundary: the key counts as the sliding window it has followed all along, and the
        // window gives back only until our oldest charge leaves (docs/ARCHITECTURE.md, "Fixed windows").
        m_algorithmScore = -kAlgorithmScoreMax;
        countAsSlidingWindow(now);
        notes << QStringLiteral("counting this key's limits as sliding windows: the provider's counters dropped more "
                                "than a refilling bucket can");
    }
    // Until the instant is known, nor are the calls sent within a network hop before the replying
    // one: read at admission, the count may not have them yet (they raced it there; as
    // chargePredictionsAtAdmission). Read at the reply, the next count gives it back.
    const qint64 raced = predicts && !m_instantKnown ? networkHop(now, sentAt) : 0;
    // What our window keeps once the charges about to leave it have left; but room given back
    // earlier and about to lapse is still given now: read past it alone, a count that came just
    // before it lapsed gave the same room back a second time until then (docs/ARCHITECTURE.md,
    // "The provider's counters are the truth").
    const qint64 keeps = std::min(m_windows[d].usedAt(now, now + lag), m_windows[d].used(now));
    const qint64 ours2 = keeps
            - (m_windows[d].chargedSince(now, sentAt - raced - 1) - m_windows[d].amountOf(own.window))
            - unsentCharged(d, sentAt - raced, false) - (apart ? heldApart(d, *apart, sentAt, now + lag) : 0);
    const qint64 give = ours2 - providerUsed - unseenRises;
    if (give >= threshold)
        adjust(d, now, -give, 0);
}

void LimitState::absorbCounted(Dim d, qint64 sentAt, const ChargeTickets &own, const std::vector<Admission> *apart)
{
    // A bucket's level moved to the provider's count holds the calls sent before the replying one
    // as the provider counted them. Input tokens are counted once, at admission: those calls'
    // replies would give back our estimate's excess (the margin above all) a second time. Other
    // dimensions may still be settled by the provider itself (max_tokens given back), which ours
    // follows (docs/ARCHITECTURE.md, "The provider's counters are the truth"). Not in the count:
    // calls still waiting to be sent, and other keys' calls it may not show.
    if (d != Itpm || !bucket())
        return;
    std::vector<TokenBucket::Ticket> notCounted = {own.bucket};
    for (const Admission &u : m_unsent)
        notCounted.push_back(ticketsOf(u, d).bucket);
    if (apart)
        for (const Admission &o : *apart)
            notCounted.push_back(ticketsOf(o, d).bucket);
    m_buckets[d].absorbBefore(sentAt, notCounted);
}

void LimitState::forgetLearning()
{
    forgetAlgorithmVotes();
    forgetChargeScores();
}

void LimitState::forgetChargeScores()
{
    std::fill(std::begin(m_chargeScore), std::end(m_chargeScore), 0.0);
    std::fill(std::begin(m_chargeScoreAtAdmission), std::end(m_chargeScoreAtAdmission), 0.0);
    std::fill(std::begin(m_chargeScoreAsOfReply), std::end(m_chargeScoreAsOfReply), 0.0);
    std::fill(std::begin(m_cheaperTold), std::end(m_cheaperTold), false);
    std::fill(std::begin(m_cheaperToldAtAdmission), std::end(m_cheaperToldAtAdmission), false);
    std::fill(std::begin(m_cheaperToldAsOfReply), std::end(m_cheaperToldAsOfReply), false);
    m_chargeReadings = 0;
}

void LimitState::chargePredictions(qint64 now, qint64 sentAt, RateWindow::Ticket own, qint64 lo[6], qint64 hi[6],
                                   std::optional<LimitAlgorithm> as) const
{
    // What the provider would count now under each way of charging: a call's admission charge
    // is the sum of its prompt and max_tokens, the larger of the two (what OpenAI's guide
    // describes) or the prompt alone (nothing reserved for the output); once its reply told the
    // usage it is kept or settled to that usage. Index: 2 * AdmissionWay + ChargeModel. Calls
    // sent after the replying one may not be in the provider's count yet: those sent within the
    // first half of its round trip surely are (a burst leaves together and arrives long before
    // its first reply), later ones only perhaps (`hi` has them).
    // Counted as if the provider had them all, the ways that charge least looked best whenever
    // calls were on their way, and were learned (and refused).
    const qint64 horizon = sentAt + std::max<qint64>(0, now - sentAt) / 2;
    std::fill(lo, lo + 2 * AdmissionWays, 0);
    std::fill(hi, hi + 2 * AdmissionWays, 0);
    if (!(as ? *as == LimitAlgorithm::TokenBucket : bucket())) {
        for (const auto &[ticket, c] : m_ledger) {
            // The provider computed its count somewhere between the replying call's sending and
            // now: a charge that leaves its window in between may or may not be in it.
            if (!providerHolds(c.at, sentAt))
                continue;
            const bool surely = surelyCounted(ticket, c, now, sentAt, own);
            for (int way = 0; way < AdmissionWays; ++way) {
                const qint64 admitted = c.amount(way);
                const qint64 held[2] = {admitted, c.usage ? *c.usage : admitted};   // by ChargeModel
                for (int m = 0; m < 2; ++m) {
                    hi[2 * way + m] += held[m];
                    if (surely)
                        lo[2 * way + m] += held[m];
                }
            }
        }
        return;
    }
    // A bucket: the same charges and settlements replayed in time order, draining at the limit
    // per window in between and never below empty (docs/ARCHITECTURE.md, "Limits").
    const qint64 limit = limitOr0(Tpm);
    const double rate = double(limit) / double(m_windows[Otpm].windowMs());
    struct Step {
        qint64 at;
        const Charged *c;
        bool settles;
    };
    for (int withUnsure = 0; withUnsure < 2; ++withUnsure) {
        std::vector<Step> steps;
        for (const auto &[ticket, c] : m_ledger) {
            const bool surely = (c.at <= horizon || ticket == own) && !isUnsent(ticket);
            if (!surely && !withUnsure)
                continue;
            steps.push_back({c.at, &c, false});
            if (c.usage)
                steps.push_back({std::max(c.at, c.settledAt), &c, true});
        }
        std::stable_sort(steps.begin(), steps.end(), [](const Step &x, const Step &y) { return x.at < y.at; });
        qint64 *out = withUnsure ? hi : lo;
        for (int m = 0; m < 2 * AdmissionWays; ++m) {
            const int way = m / 2;
            const bool settles = ChargeModel(m % 2) == ChargeModel::SettledToUsage;
            double level = 0;
            qint64 t = steps.empty() ? now : steps.front().at;
            for (const Step &st : steps) {
                level = std::max(0.0, level - rate * double(st.at - t));
                t = st.at;
                const qint64 admitted = st.c->amount(way);
                if (!st.settles)
                    level += double(admitted);
                else if (settles)
                    level = std::max(0.0, level + double(*st.c->usage - admitted));
            }
            out[m] = qint64(std::llround(std::max(0.0, level - rate * double(std::max<qint64>(0, now - t)))));
        }
    }
    for (int m = 0; m < 2 * AdmissionWays; ++m) {
        if (hi[m] < lo[m])
            std::swap(hi[m], lo[m]);
    }
}

void LimitState::chargePredictionsAtAdmission(qint64 now, qint64 sentAt, RateWindow::Ticket own, bool forward, qint64 lo[6],
                                              qint64 hi[6], MaybeCounted *maybe, std::optional<LimitAlgorithm> as) const
{
    // The provider admitted the call a network hop after `sentAt`: a call sent within that hop of
    // it may have arrived before it or after (a burst's calls race on their connections), a reply
    // that reached us within it may have been settled there before, or not (docs/ARCHITECTURE.md,
    // "When the provider reads its counters").
    const qint64 hop = networkHop(now, sentAt);
    enum In { Not, Perhaps, Surely, Later };
    const auto counted = [&](RateWindow::Ticket ticket, const Charged &c) {
        if (ticket == own)
            return Surely;
        if (isUnsent(ticket))
            return Not;
        return c.at >= sentAt + hop ? Later : c.at <= sentAt - hop ? Surely : Perhaps;
    };
    // Which calls each pass counts: at admission, [0] what the provider surely had, [1] what it
    // perhaps had too; forward, [0] the calls it surely or perhaps had, [1] those and the ones
    // sent later.
    const auto takes = [&](In in, int pass) {
        return in == Surely || (in == Perhaps && (forward || pass == 1)) || (in == Later && forward && pass == 1);
    };
    // What a call holds under way `way` and model `m` at the instant: [0] settled only if surely
    // by then, [1] if perhaps.
    // (A call whose admission charge its reply named was admitted at that, whatever the way.)
    const auto held = [&](RateWindow::Ticket ticket, const Charged &c, int way, int m, qint64 out[2]) {
        const qint64 admitted = c.named.value_or(c.amount(way));
        out[0] = out[1] = admitted;
        if (ChargeModel(m) != ChargeModel::SettledToUsage || !c.usage)
            return;
        if (forward || (ticket != own && c.settledAt <= sentAt))
            out[0] = out[1] = *c.usage;
        else if (ticket != own && c.settledAt <= sentAt + hop)
            out[1] = *c.usage;
    };
    std::fill(lo, lo + 2 * AdmissionWays, 0);
    std::fill(hi, hi + 2 * AdmissionWays, 0);
    if (!(as ? *as == LimitAlgorithm::TokenBucket : bucket())) {
        const qint64 t = forward ? now : sentAt;
        for (const auto &[ticket, c] : m_ledger) {
            const In in = counted(ticket, c);
            if (in == Not || !providerHolds(c.at, t))
                continue;
            const bool stays = forward || providerHolds(c.at, t + hop);
            for (int m = 0; m < 2 * AdmissionWays; ++m) {
                qint64 v[2];
                held(ticket, c, m / 2, m % 2, v);
                const qint64 most = takes(in, 1) ? std::max(v[0], v[1]) : 0;
                const qint64 least = takes(in, 0) && stays ? std::min(v[0], v[1]) : 0;
                hi[m] += most;
                lo[m] += least;
                if (maybe && most > least)
                    maybe->add(m, most - least);
            }
        }
        return;
    }
    // A bucket: its charges and the settlements it had seen replayed in time order, draining in
    // between, up to the instant: at the earliest it may have been with what it surely had, and
    // at the latest with what it perhaps had too.
    const double rate = double(limitOr0(Tpm)) / double(m_windows[Otpm].windowMs());
    for (int m = 0; m < 2 * AdmissionWays; ++m) {
        qint64 v[2] = {0, 0};
        for (int pass = 0; pass < 2; ++pass) {
            const qint64 until = forward ? now : sentAt + pass * hop;
            std::vector<std::pair<qint64, qint64>> steps;   // (when, change of level)
            for (const auto &[ticket, c] : m_ledger) {
                if (!takes(counted(ticket, c), pass))
                    continue;
                const qint64 admitted = c.amount(m / 2);
                steps.emplace_back(c.at, admitted);
                qint64 h[2];
                held(ticket, c, m / 2, m % 2, h);
                if (h[pass] != admitted)
                    steps.emplace_back(std::max(c.at, c.settledAt), h[pass] - admitted);
            }
            std::stable_sort(steps.begin(), steps.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
            double level = 0;
            qint64 t = steps.empty() ? until : steps.front().first;
            for (const auto &[at, change] : steps) {
                level = std::max(0.0, std::max(0.0, level - rate * double(at - t)) + double(change));
                t = at;
            }
            v[pass] = qint64(std::llround(std::max(0.0, level - rate * double(std::max<qint64>(0, until - t)))));
        }
        // Forward, the second pass adds calls: it is the upper end whatever it comes to.
        lo[m] = forward ? v[0] : std::min(v[0], v[1]);
        hi[m] = forward ? v[1] : std::max(v[0], v[1]);
    }
}

bool LimitState::surelyCounted(RateWindow::Ticket ticket, const Charged &c, qint64 now, qint64 sentAt,
                               RateWindow::Ticket own) const
{
    // Sent within the first half of the replying call's round trip (a burst leaves together and
    // arrives long before its first reply), and not still waiting for a connection here.
    const qint64 horizon = sentAt + std::max<qint64>(0, now - sentAt) / 2;
    return (c.at <= horizon || ticket == own) && !isUnsent(ticket) && providerHolds(c.at, now);
}

std::vector<RateWindow::Ticket> LimitState::countedOnTheirWay(qint64 now, qint64 sentAt, RateWindow::Ticket own) const
{
    // The calls chargePredictions counts surely, at their admission charge: no reply yet.
    std::vector<RateWindow::Ticket> out;
    for (const auto &[ticket, c] : m_ledger) {
        if (ticket != own && !c.usage && providerHolds(c.at, sentAt) && surelyCounted(ticket, c, now, sentAt, own))
            out.push_back(ticket);
    }
    return out;
}

std::size_t LimitState::recentCalls(qint64 now) const
{
    // The ledger is in admission order: what is kept beyond ledgerKeep() is at its front.
    std::size_t old = 0;
    for (auto it = m_ledger.cbegin(); it != m_ledger.cend() && it->second.at + ledgerKeep() <= now; ++it)
        ++old;
    return m_ledger.size() - old;
}

qint64 LimitState::heldRises(qint64 now) const
{
    qint64 sum = 0;
    for (const auto &[ticket, c] : m_ledger)
        if (c.at + ledgerKeep() > now)
            sum += c.rise;
    return sum;
}

qint64 LimitState::risesUnseen(qint64 now, qint64 sentAt, RateWindow::Ticket own) const
{
    // Read as the provider admitted the replying call, a count has not seen the call's own
    // settlement, nor those whose replies reached us after it was sent.
    qint64 sum = 0;
    for (const auto &[ticket, c] : m_ledger)
        if (c.rise > 0 && (ticket == own || c.settledAt > sentAt) && providerHolds(c.at, now))
            sum += c.rise;
    return sum;
}

qint64 LimitState::promptMarginOnTheirWay(qint64 sentBefore) const
{
    qint64 sum = 0;
    for (const auto &[ticket, m] : m_promptMargins)
        if (m.first <= sentBefore)
            sum += m.second;
    return sum;
}

qint64 LimitState::promptErrorOnTheirWay(qint64 now, RateWindow::Ticket except) const
{
    qint64 sum = 0;
    for (const auto &[ticket, c] : m_ledger)
        if (ticket != except && !c.usage && providerHolds(c.at, now))
            sum += c.amount(AdmitSum) / 10;
    return sum;
}

bool LimitState::learnReadingInstant(qint64 now, RateWindow::Ticket own, const qint64 loReply[6], const qint64 hiReply[6],
                                     const qint64 loAdmit[6], const qint64 hiAdmit[6], const MaybeCounted *maybe,
                                     qint64 providerUsed, qint64 threshold, CountingRule rule, QStringList &notes)
{
    constexpr int kWays = 2 * AdmissionWays;
    // Calls on their way are charged our estimate of their prompt, which may be off by a tenth
    // (as in learnCharge); read at admission, so is the replying call. A way that misses by
    // less than that is no miss.
    const qint64 unsure = promptErrorOnTheirWay(now, own);
    const auto mine = m_ledger.find(own);
    const qint64 ownUnsure = mine != m_ledger.end() ? mine->second.amount(AdmitSum) / 10 : 0;
    // How far the closest way misses, and how wide the range is that it hits (the narrowest of
    // those that come as close): a burst whose calls may or may not be in the count explains
    // about anything. At admission, a window's count is one of the totals that the calls which
    // may have raced the replying one allow (MaybeCounted), not anything between them; where one
    // call may have, it is one of two, and a hit spans that total and the tolerance either side.
    qint64 width[2] = {0, 0};
    const auto bestOff = [&](const qint64 *lo, const qint64 *hi, qint64 tolerance, const MaybeCounted *totals, qint64 &wide) {
        qint64 best = std::numeric_limits<qint64>::max();
        for (int m = 0; m < kWays; ++m) {
            const qint64 raw = offAtAdmission(providerUsed, lo[m], hi[m], totals, m);
            const qint64 o = std::max<qint64>(0, raw - tolerance);
            const qint64 w = sharpAtAdmission(totals, m) && hi[m] > lo[m] ? std::min(hi[m] - lo[m], 2 * tolerance) : hi[m] - lo[m];
            if (o < best || (o == best && w < wide))
                best = o, wide = w;
        }
        return best;
    };
    const qint64 off[2] = {bestOff(loReply, hiReply, threshold + unsure, nullptr, width[0]),
                           bestOff(loAdmit, hiAdmit, threshold + unsure + ownUnsure, maybe, width[1])};
    // Scores made replaying a bucket predicted something else than a window's: start again.
    if (m_instantScoredAsBucket != bucket()) {
        std::fill(std::begin(m_instantScore), std::end(m_instantScore), 0.0);
        m_instantReadings = 0;
        m_instantScoredAsBucket = bucket();
    }
    // A reading is evidence when one instant explains it, within a range narrower than the other
    // misses by, and the other does not: two misses say more of the estimates (or of a refill not
    // yet known) than of the instant.
    if ((off[0] > 0) == (off[1] > 0))
        return false;
    // Or when the count as of the reply misses a sharp prediction by a whole call or more sent
    // with or after the replying one, as a count read at admission lacks them: a burst's first
    // replies, whose counts at admission may hold any of the calls that raced there. The margin
    // our prompt estimates carry before the model's first count is no call: the provider counts
    // the prompts, not our margin on them, and a reply-read burst's first count falls that far
    // short (docs/ARCHITECTURE.md, "When the provider reads its counters"). A smaller miss is an
    // estimate's error, a rounding or a drain.
    bool lacksCalls = false;
    if (off[0] > 0 && width[0] < off[0] && mine != m_ledger.end()) {
        qint64 smallest = std::numeric_limits<qint64>::max();
        for (const auto &[ticket, c] : m_ledger) {
            if (ticket != own && c.at >= mine->second.at)
                smallest = std::min({smallest, c.admitted, c.larger, c.prompt});   // (admit fills all three)
        }
        lacksCalls = off[0] - promptMarginOnTheirWay(now) >= smallest;
    }
    if (off[0] == 0 ? width[0] >= off[1] : (width[1] >= off[0] && !lacksCalls))
        return false;
    for (int i = 0; i < 2; ++i)
        m_instantScore[i] = kScoreDecay * m_instantScore[i] + double(off[i]);
    ++m_instantReadings;
    const int cur = m_readsAtAdmission ? 1 : 0;
    // Two such readings, and a score a quarter of the other's.
    if (m_instantReadings < kInstantReadingsNeeded || m_instantScore[1 - cur] * kCheaperScoreRatio >= m_instantScore[cur]
        || m_instantScore[cur] - m_instantScore[1 - cur] < 2.0 * double(threshold))
        return false;
    m_readsAtAdmission = !m_readsAtAdmission;
    m_instantKnown = m_chargeLearned = true;
    // What earlier readings corrected, and the spread they measured, they measured as of the
    // wrong instant (a count read at admission looked short, and room was given back twice).
    m_windows[Tpm].clearSynthetic();
    m_residual2[Tpm] = 0;
    m_margin[Tpm] = 0;
    // So was a settlement learned before it: counts read at admission lack the calls sent after
    // the replying one, and the other settlement model, scored as of the reply only (learnCharge),
    // took them for settlements. Remembered, such a settlement overfilled the next run's windows.
    // The counting rule's model again, and the readings from now on teach it anew. (Not the way
    // of admission: while the instant is unknown it is judged at both, learnCharge.)
    // docs/ARCHITECTURE.md, "When the provider reads its counters".
    if (m_modelLearnedBeforeInstant) {
        m_modelLearnedBeforeInstant = false;
        forgetChargeScores();
        applyChargeModel(documentedChargeModel(rule));
        m_chargeModel.reset();
        notes << QStringLiteral("the settlement its remaining tokens showed before that is forgotten (read at the other instant)");
    }
    notes << (m_readsAtAdmission ? QStringLiteral("the provider's remaining tokens are read as it admits a call, not as the reply leaves "
                                                  "(learned from its remaining tokens)")
                                 : QStringLiteral("the provider's remaining tokens are read as the reply leaves (learned from its "
                                                  "remaining tokens)"));
    return true;
}

bool LimitState::learnCharge(qint64 now, CountingRule rule, qint64 providerUsed, const qint64 lo[6], const qint64 hi[6],
                             const qint64 *admitOff, qint64 threshold, QStringList &notes)
{
    if (m_chargeHeld)
        return false;
    // Window predictions say nothing true of a provider whose counters look like a bucket's: it
    // has drained some of every charge, so the ways that charge least would look best.
    if (!bucket() && m_learnAlgorithm && m_algorithmScore > 0)
        return false;
    // Scores made as a bucket predicted something else than a window's: start again.
    if (m_scoredAsBucket != bucket()) {
        forgetChargeScores();
        m_scoredAsBucket = bucket();
    }
    constexpr int kWays = 2 * AdmissionWays;
    if (*std::max_element(lo, lo + kWays) - *std::min_element(lo, lo + kWays) < 2 * threshold)
        return false;   // nothing that would tell the ways apart
    const int model = int(m_chargeModel.value_or(documentedChargeModel(rule)));
    const int cur = 2 * m_admission + model;
    // A way is off by how far the provider's count lies outside [surely counted, + perhaps].
    // While the instant is unknown, the settlement model in use is also scored as read at
    // admission, each reading by the instant closer to it (off), and beside that as of one instant
    // over all readings (offReply, offAt), for choosing among its ways of admission below.
    qint64 off[kWays], offReply[kWays], offAt[kWays];
    for (int m = 0; m < kWays; ++m) {
        off[m] = offReply[m] = providerUsed < lo[m] ? lo[m] - providerUsed : providerUsed > hi[m] ? providerUsed - hi[m] : 0;
        // (Not the other model's: counts read at admission that show no completion yet would
        // make "kept" win, and a window that keeps 800 where the provider holds 1,000 is refused.)
        if (admitOff && m % 2 == model)
            off[m] = std::min(off[m], admitOff[m]);
        // (Where the prediction at admission is not sharp, a burst that raced explains anything.)
        offAt[m] = admitOff && m % 2 == model && admitOff[m] != std::numeric_limits<qint64>::max() ? admitOff[m] : offReply[m];
        m_chargeScore[m] = kScoreDecay * m_chargeScore[m] + double(off[m]);
        m_chargeScoreAsOfReply[m] = kScoreDecay * m_chargeScoreAsOfReply[m] + double(offReply[m]);
        m_chargeScoreAtAdmission[m] = kScoreDecay * m_chargeScoreAtAdmission[m] + double(offAt[m]);
    }
    // Calls still on their way are charged our estimate of their prompt, which may be off by a
    // tenth (as in drainVote). A cheaper way is learned only once some count told it apart from
    // the way in use by more than that error over the calls the provider holds: with prompts far
    // larger than max_tokens, the larger of the two and their sum differ by less than the
    // prompts' error, and a count that favours one says nothing.
    if (!bucket()) {
        const qint64 unsure = promptErrorOnTheirWay(now);
        for (int m = 0; m < kWays; ++m) {
            if (lo[cur] - lo[m] < 2 * (threshold + unsure))
                continue;
            m_cheaperTold[m / 2] = m_cheaperTold[m / 2] || off[m] < off[cur];
            m_cheaperToldAsOfReply[m / 2] = m_cheaperToldAsOfReply[m / 2] || offReply[m] < offReply[cur];
            m_cheaperToldAtAdmission[m / 2] = m_cheaperToldAtAdmission[m / 2] || offAt[m] < offAt[cur];
        }
    }
    ++m_chargeReadings;
    // After a refusal for tokens while admitting cheaper than the counting rule, only the rule's
    // admission is a candidate; where the provider names each call's charge (Mistral's query
    // cost), that teaches the admission (learnAdmissionCharge) and the counts only the settlement.
    const auto candidate = [&](int m) { return m_queryCostSeen ? m / 2 == m_admission : !m_cheaperRefused || m / 2 == AdmitSum; };
    // Admitting more per call than so far risks refusals while calls are on their way (the
    // headers correct the rest at the next reply): it takes more readings. Cheapest first: the
    // prompt alone, the larger of prompt and max_tokens, their sum.
    constexpr int kCost[AdmissionWays] = {2, 1, 0};   // by AdmissionWay
    const auto switchesTo = [&](int best, const auto &score, const bool *told) {
        const bool cheaper = kCost[best / 2] < kCost[m_admission];
        // A bucket's refill also makes the count fall short of what a window predicts. Where the
        // provider names no reset times but names each call's settled charge (Mistral's query
        // cost), the drain of its exact counts tells a bucket: a cheaper way waits until they
        // have said window (docs/ARCHITECTURE.md, "Bucket or window, from evidence").
        if (cheaper && m_learnAlgorithm && !bucket() && !m_resetsNamed && m_settledCostNamed && m_algorithmScore >= 0)
            return false;
        if (cheaper && !bucket() && !told[best / 2])
            return false;
        return best != cur && m_chargeReadings >= (cheaper ? kCheaperReadingsNeeded : kChargeReadingsNeeded)
                && score(best) * (cheaper ? kCheaperScoreRatio : kChargeScoreRatio) < score(cur)
                && score(cur) - score(best) >= 2.0 * double(threshold);
    };
    const auto byReading = [&](int m) { return m_chargeScore[m]; };
    int best = cur;
    for (int m = 0; m < kWays; ++m) {
        if (candidate(m) && byReading(m) < byReading(best))
            best = m;
    }
    // Where that changes nothing while the instant is unknown, the ways of admission of the
    // settlement model in use are judged each by the instant that explains all its readings
    // better: the provider reads at one. Reading by reading, the sum of prompt and max_tokens read
    // at admission explained the one reading of a burst that showed the prompt alone as of the
    // reply, and every later one as of the reply, where all ways agree once nothing is on its way
    // (docs/ARCHITECTURE.md, "When the provider reads its counters"). (Not the choice of model:
    // read at admission, a count without completions is "kept" as of the reply.)
    if (!switchesTo(best, byReading, m_cheaperTold)) {
        if (!admitOff)
            return false;
        const auto atAdmission = [&](int m) { return m_chargeScoreAtAdmission[m] < m_chargeScoreAsOfReply[m]; };
        const auto joint = [&](int m) { return atAdmission(m) ? m_chargeScoreAtAdmission[m] : m_chargeScoreAsOfReply[m]; };
        best = cur;
        for (int m = model; m < kWays; m += 2) {
            if (candidate(m) && joint(m) < joint(best))
                best = m;
        }
        if (!switchesTo(best, joint, atAdmission(best) ? m_cheaperToldAtAdmission : m_cheaperToldAsOfReply))
            return false;
    }
    // A bucket's level cannot be charged again call by call (it forgets what it drained): it
    // moves by what the new way holds more or less than the old one, over every call it knows —
    // less the rises it already holds (settle).
    if (bucket())
        m_buckets[Tpm].adjust(now, limitOr0(Tpm), hi[best] - hi[cur] - (best % 2 != model ? heldRises(now) : 0));
    m_chargeLearned = true;
    for (auto &[ticket, c] : m_ledger)
        c.rise = 0;   // from now on the way in use says what each call holds
    m_anyRise = false;
    if (best / 2 != m_admission) {
        setAdmission(now, best / 2, ChargeModel(best % 2), !bucket());
        notes << admissionNote(m_admission, QStringLiteral("its remaining tokens"));
    }
    if (best % 2 != model) {
        applyChargeModel(ChargeModel(best % 2));
        m_modelLearnedBeforeInstant = !m_instantKnown;
        notes << (*m_chargeModel == ChargeModel::SettledToUsage
                      ? QStringLiteral("the provider settles tpm to each call's usage (learned from its remaining tokens)")
                      : QStringLiteral("the provider keeps each call's tpm admission charge (learned from its remaining tokens)"));
    }
    return true;
}

void LimitState::setAdmission(qint64 now, int way, ChargeModel model, bool moveBucket)
{
    // Admitted from now on by the other way; what the window holds is charged again by it.
    m_admission = way;
    m_windows[Tpm].clearSynthetic();   // corrections made under the old way are stale
    for (const auto &[ticket, c] : m_ledger) {
        // (Admitted on the prompt alone, a completion counted from its reply on: as in settle.)
        if (way == AdmitPrompt && c.usage && *c.usage > c.prompt)
            m_windows[Tpm].holdFrom(c.tickets.window, c.settledAt);
        if ((c.usage && model == ChargeModel::SettledToUsage) || c.at + ledgerKeep() <= now)
            continue;
        if (moveBucket) {
            settleCharge(Tpm, now, c.tickets, c.amount(way));
        } else {
            m_windows[Tpm].settle(c.tickets.window, c.amount(way));
            m_buckets[Tpm].setAmount(c.tickets.bucket, c.amount(way));
        }
    }
}

QString LimitState::admissionNote(int way, const QString &source)
{
    switch (way) {
    case AdmitLarger:
        return QStringLiteral("the provider charges a call the larger of its prompt and max_tokens, not their sum (learned "
                              "from %1)").arg(source);
    case AdmitPrompt:
        return QStringLiteral("the provider charges a call its prompt alone until the reply, reserving nothing for "
                              "max_tokens (learned from %1)").arg(source);
    default:
        return QStringLiteral("the provider charges a call its prompt and max_tokens together (learned from %1)").arg(source);
    }
}

QStringList LimitState::refusedForTokens(qint64 now, CountingRule rule, const RefusedCall *refused)
{
    if (m_admission == AdmitSum || !m_learnCharge)
        return {};
    // A key counting as a bucket or as fixed windows that may learn otherwise blames its refill
    // first (refusedBeyondTheWindow): one refusal, one change. As a sliding window, the refusal
    // is the evidence: the provider holds more per call than the cheaper way says — unless its
    // count is what a bucket still holds of calls a window has let go (a burst whose completions
    // took it past the limit), which the sum of prompt and max_tokens would only hide by
    // halving every later window (docs/ARCHITECTURE.md, "A refusal a bucket explains").
    if (m_learnAlgorithm && (bucket() || fixedWindows()))
        return {};
    if (refused && refusalShowsADrain(now, rule, *refused)) {
        m_algorithm = LimitAlgorithm::TokenBucket;
        m_algorithmLearned = true;
        m_chargeLearned = true;
        m_algorithmScore = kAlgorithmScoreMax;
        // The provider's count did not hold the refused call's tokens (that is how it was read):
        // neither the bucket's level nor the replays of later readings do.
        if (const auto it = m_ledger.find(refused->ticket); it != m_ledger.end()) {
            m_buckets[Tpm].takeOut(now, limitOr0(Tpm), it->second.tickets.bucket);
            m_ledger.erase(it);
        }
        return {QStringLiteral("counting this key's limits as token buckets: the provider refused a call its window had "
                               "room for, holding what a bucket refilling since would still hold")};
    }
    m_cheaperRefused = true;
    m_chargeLearned = true;
    setAdmission(now, AdmitSum, m_chargeModel.value_or(documentedChargeModel(rule)), true);
    return {admissionNote(AdmitSum, QStringLiteral("a refusal"))};
}

bool LimitState::refusalShowsADrain(qint64 now, CountingRule rule, const RefusedCall &r)
{
    const auto limit = r.limit ? r.limit : effective(Tpm);
    if (!m_learnAlgorithm || bucket() || fixedWindows() || m_resetsNamed || m_bucketRefused || m_chargeHeld || !limit
        || *limit <= 0 || !r.remaining || tokensAtZero(Tpm, *r.remaining) || !m_ledger.contains(r.ticket))
        return false;
    const qint64 providerUsed = std::max<qint64>(0, *limit - *r.remaining);
    // The provider's count as it refused the call: without it, the calls sent before it surely
    // in, those sent after perhaps.
    auto refusedCall = m_ledger.extract(r.ticket);
    qint64 loWindow[2 * AdmissionWays], hiWindow[2 * AdmissionWays], loBucket[2 * AdmissionWays], hiBucket[2 * AdmissionWays];
    chargePredictions(now, r.sentAt, 0, loWindow, hiWindow, LimitAlgorithm::SlidingWindow);
    chargePredictions(now, r.sentAt, 0, loBucket, hiBucket, LimitAlgorithm::TokenBucket);
    const qint64 tolerance = waysTolerance(now, 0, rule, false);
    m_ledger.insert(std::move(refusedCall));
    const auto off = [&](qint64 lo, qint64 hi) {
        return providerUsed < lo ? lo - providerUsed : providerUsed > hi ? providerUsed - hi : 0;
    };
    // The calls on their way are charged the same estimates in both replays, which differ only by
    // what the older calls, settled to the provider's own counts, still hold: the closer one is
    // the evidence, within the tolerance of our estimates. Taken for the sum where the provider
    // was a bucket, a key halves every later window; taken for a bucket where it counts a
    // window, the next refusal turns it back (refusedBeyondTheWindow).
    const int cur = chargeIndex(rule);
    const qint64 bucketOff = off(loBucket[cur], hiBucket[cur]);
    if (bucketOff > tolerance)
        return false;
    for (int m = 0; m < 2 * AdmissionWays; ++m)
        if (off(loWindow[m], hiWindow[m]) <= bucketOff + correctionThreshold(rule, Tpm))
            return false;
    return true;
}

bool LimitState::countersShowRoom(const RateLimitHeaders &h, const Admission &a) const
{
    // What the refused call would have taken in each dimension (the provider did not count it).
    // Admitted a cheaper way than prompt + max_tokens (learned, or remembered from a run that
    // learned it wrongly), it takes the sum where the provider charges so: counters with room
    // for the cheaper charge alone may have refused it for its tokens, which is no shorter
    // interval (docs/ARCHITECTURE.md, "Shorter intervals").
    qint64 tokens = m_windows[Tpm].amountOf(a.tokens.window);
    if (const auto it = m_ledger.find(a.tokens.window); it != m_ledger.end())
        tokens = std::max(tokens, it->second.admitted);
    const qint64 input = m_windows[Itpm].amountOf(a.inputTokens.window);
    bool named = false;
    auto room = [&](std::optional<qint64> remaining, qint64 need) {
        if (!remaining)
            return true;
        named = true;
        return *remaining >= std::max<qint64>(1, need);
    };
    return room(h.remainingRequests, 1) && room(h.remainingTokens, tokens) && room(h.remainingInputTokens, input)
           && room(h.remainingOutputTokens, 1) && named;
}

void LimitState::noteRefused(qint64 now, const Admission &a)
{
    Refused r;
    r.at = now;
    r.amount[Rpm] = m_windows[Rpm].amountOf(a.requests.window);
    r.amount[Tpm] = m_windows[Tpm].amountOf(a.tokens.window);
    r.amount[Itpm] = m_windows[Itpm].amountOf(a.inputTokens.window);
    pruneRefused(now);
    m_refused.push_back(r);
}

void LimitState::pruneRefused(qint64 now)
{
    const qint64 window = m_windows[Rpm].windowMs();   // every window but the output's
    std::erase_if(m_refused, [&](const Refused &x) { return x.at + window <= now; });
}

qint64 LimitState::refusedHeld(Dim d, qint64 now)
{
    pruneRefused(now);
    qint64 sum = 0;
    for (const Refused &r : m_refused)
        sum += r.amount[d];
    return sum;
}

QStringList LimitState::refusedWithRoom(qint64 now, qint64 admittedAt)
{
    // Spreading requests first: that is what providers document ("60 RPM may be enforced as 1
    // request per second"). A call refused although it was already spread says the tokens are
    // held over short intervals too.
    const int before = m_spread;
    if (m_spread == 0)
        m_spread = 1;
    else if (m_spread == 1 && admittedAt >= m_spreadSince)
        m_spread = 2;
    if (m_spread == before)
        return {};
    m_spreadSince = now;
    for (qint64 &at : m_spreadAt)
        at = std::max(at, now);
    // The burst just accepted may still fill the provider's short interval: the first spread
    // request waits one request's share of the rate, whatever a retry-after says.
    if (const auto rpm = effective(Rpm); m_spread == 1 && rpm && *rpm > 0)
        m_spreadAt[Rpm] = std::max(m_spreadAt[Rpm], now + spreadShare(1, m_windows[Rpm].windowMs(), *rpm));
    return {m_spread == 1
                ? QStringLiteral("the provider refused a call its counters had room for: its limits hold over shorter "
                                 "intervals than a window, so requests are spread evenly from now on")
                : QStringLiteral("the provider refused a call that was already spread: tokens are spread evenly too")};
}

QStringList LimitState::refusedBeyondTheWindow(qint64 now)
{
    // A refusal while the bucket said there was room: the provider does not refill as fast as a
    // bucket would. Counting as a window from now on is the safe side (the window has followed
    // every charge all along); a wrong switch costs speed, never another 429.
    if (fixedWindows() && m_learnAlgorithm) {
        m_fixedRefused = true;
        countAsSlidingWindow(now);
        return {QStringLiteral("counting this key's limits as sliding windows: the provider refused a call after what "
                               "looked like its windows' boundary")};
    }
    if (!bucket() && m_learnAlgorithm && m_algorithm == LimitAlgorithm::SlidingWindow && !m_resetsNamed
        && m_algorithmScore > 0) {
        // Leaning to a bucket (a call may have gone at its pace, probesBucket): no bucket.
        m_bucketRefused = true;
        m_algorithmScore = -kAlgorithmScoreMax;
        return {QStringLiteral("counting this key's limits as sliding windows for good: the provider refused a call "
                               "while its counters looked like a bucket's")};
    }
    if (!bucket() || !m_learnAlgorithm)
        return {};
    m_bucketRefused = true;
    m_algorithmScore = -kAlgorithmScoreMax;
    countAsSlidingWindow(now);
    return {QStringLiteral("counting this key's limits as sliding windows: the provider refused a call its bucket had room for")};
}

LimitState::Reading LimitState::algorithmVote(qint64 now, qint64 sentAt, Dim d, qint64 granularityMs, qint64 rounding,
                                              std::optional<qint64> limitHeader, std::optional<qint64> remaining,
                                              std::optional<qint64> resetMs) const
{
    Reading out;
    const auto limit = limitHeader ? limitHeader : effective(d);
    if (!limit || *limit <= 0 || !remaining || !resetMs)
        return out;
    const qint64 used = std::max<qint64>(0, *limit - *remaining);
    if (used <= 2 * rounding)
        return out;   // nothing counted: both models say "full now"
    // A duration (OpenAI's) was computed between our sending and our reading the reply: the
    // counter is full again somewhere in [sentAt, now] + reset. An instant (Anthropic's, whole
    // seconds, already made "ms from now" when the reply was read) lies within its resolution
    // either way, whichever way the provider rounded.
    out.timed = true;
    out.lo = (granularityMs > 0 ? now - granularityMs : sentAt) + *resetMs - kFixedSlackMs;
    out.hi = now + *resetMs + granularityMs + kFixedSlackMs;
    // A bucket is full again once what it holds has drained at limit per window; a window once
    // its newest charge leaves, and the replying call's charge is at most `age` old. The
    // tolerance covers the header's resolution, the provider's rounding of `remaining` and the
    // network's share of the latency.
    const double window = double(m_windows[d].windowMs());
    const double age = double(std::max<qint64>(0, now - sentAt));
    const double tolerance = double(granularityMs) + double(rounding) * window / double(*limit) + std::max(50.0, window / 50);
    const double bucketReset = double(used) * window / double(*limit);
    const double windowReset = window - age;
    const double r = double(*resetMs);
    // Sooner than a window could empty and not when a bucket would be full: a boundary where the
    // provider forgets everything at once (fixed windows).
    // A counter that drains continuously shows a whole number: its level may be up to one unit
    // below what `remaining` says.
    const double unit = window / double(*limit);
    out.fixedLike = r < windowReset - tolerance && (r < bucketReset - tolerance - unit || r > bucketReset + tolerance);
    if (out.fixedLike || bucketReset + 2 * tolerance >= windowReset - tolerance)
        return out;   // not a bucket's nor a window's, or the two predictions too close to tell apart
    if (r <= bucketReset + tolerance)
        out.vote = +1;
    else if (r >= windowReset - tolerance)
        out.vote = -1;
    return out;
}

QStringList LimitState::learnAdmissionCharge(qint64 charged, qint64 promptTokens, qint64 maxTokens, qint64 usageTokens)
{
    if (!m_learnCharge || charged <= 0)
        return {};
    // The candidates: prompt + max_tokens (kept), the usage (settled), max(prompt, max_tokens).
    // A reading counts only when exactly one of them explains it.
    const auto near = [&](qint64 v) { return namesUsage(charged, v); };
    const qint64 larger = std::max(promptTokens, maxTokens);
    const bool sum = near(promptTokens + maxTokens), usage = near(usageTokens), max = near(larger);
    // A cost equal to the usage is the charge settled, whatever admission held before the reply
    // (the prompt alone or with max_tokens): only a cost that is not the usage names the
    // admission, and only then do the remaining counts no longer choose it. (A completion that
    // used all of max_tokens makes the usage the sum too: that cost tells neither.)
    if (usage) {
        m_settledCostNamed = m_settledCostNamed || !sum;
        return {};
    }
    m_queryCostSeen = true;
    if (max && !sum) {
        if (m_admission != AdmitLarger && !m_cheaperRefused && ++m_admitLargerVotes >= kAlgorithmVotesNeeded) {
            m_admission = AdmitLarger;
            m_chargeLearned = true;
            return {QStringLiteral("the provider charges a call the larger of its prompt and max_tokens, not their sum "
                                   "(learned from its query cost)")};
        }
    } else if (sum && !max) {
        m_admitLargerVotes = 0;
        if (m_admission == AdmitLarger) {
            m_admission = AdmitSum;
            m_chargeLearned = true;
            return {QStringLiteral("the provider charges a call its prompt and max_tokens together again "
                                   "(learned from its query cost)")};
        }
    }
    return {};
}

Settlement LimitState::settlementNaming(const Settlement &s, qint64 charged) const
{
    Settlement out = s;
    if (namesUsage(charged, s.usageTokens.value_or(0)))
        out.tokens = out.usageTokens = charged;
    else if (!m_instantKnown || !m_readsAtAdmission)
        out.tokens = out.usageTokens = out.admittedTokens = charged;
    else
        out.admittedTokens = charged;
    return out;
}

int LimitState::drainVote(qint64 now, qint64 sentAt, Dim d, std::optional<qint64> limitHeader, std::optional<qint64> remaining)
{
    const auto limit = limitHeader ? limitHeader : effective(d);
    if (!limit || *limit <= 0 || !remaining || fixedWindows() || tokensAtZero(d, *remaining))
        return 0;
    const qint64 window = m_windows[d].windowMs();
    const qint64 providerUsed = std::max<qint64>(0, *limit - *remaining);
    const qint64 bucketSays = m_buckets[d].used(now, *limit);
    // What a window provider surely still counts: our charges (our window is the longer one),
    // less those it may already have let go (about to leave ours: its clock runs ahead by up to
    // the latency) and those sent after the replying call (it may not have counted them yet).
    const qint64 lag = std::min<qint64>(kReconcileGraceMs, window / 10);
    const qint64 windowSays = m_windows[d].ordinaryUsed(now) - m_windows[d].ordinaryExpiringBy(now, now + lag)
            - m_windows[d].chargedSince(now, sentAt) - unsentCharged(d, sentAt, false);
    // Calls still in flight are charged our estimate, which may be off by a tenth.
    qint64 unsure = 0;
    if (d != Rpm) {
        for (const auto &[ticket, c] : m_ledger)
            if (!c.usage && c.at + window > now)
                unsure += c.admitted / 10;
    }
    // Settled charges are the provider's own figures (its query cost): half a percent covers
    // its rounding and the drain while the reply travelled.
    const qint64 tolerance = (d == Rpm ? 1 : std::max<qint64>(1, *limit / 200)) + unsure;
    // The calls sent after the replying one, and not still waiting to leave, are each in the
    // provider's count or not yet: either way it counts one of a few totals, a window its sure
    // part plus some of them, a bucket its level without the unsent calls less the others. A
    // count one of the bucket's totals explains and none of the window's is a bucket's (a burst's
    // replies come back in any order: the last one back, with nothing else on its way, need not
    // be the first one sent). Totals need those calls' charges as the provider made them: while
    // one is still on its way (our estimate, which may be off by more than a tenth before any
    // reply corrected it), only a count below all the window's totals says bucket. So for
    // requests, whose totals are every count in a range: a request that reached the provider late
    // (a burst opening connections) falls into it by chance.
    std::vector<qint64> later;
    bool laterEstimated = false;
    if (d == Tpm) {
        for (const RateWindow::Charge &c : m_windows[d].charges(now)) {
            if (c.at <= sentAt || c.amount <= 0 || isUnsent(c.id))
                continue;
            later.push_back(c.amount);
            if (const auto it = m_ledger.find(c.id); it != m_ledger.end() && !it->second.usage)
                laterEstimated = true;
        }
    }
    constexpr std::size_t kLaterMost = 10;   // 1,024 totals
    if (d != Tpm || laterEstimated || later.size() > kLaterMost) {
        if (windowSays - bucketSays <= 2 * tolerance)
            return 0;   // too little drained yet to tell
        if (std::abs(providerUsed - bucketSays) <= tolerance && providerUsed < windowSays - tolerance)
            return +1;
    } else {
        std::vector<qint64> totals{0};
        for (const qint64 v : later) {
            const std::size_t n = totals.size();
            for (std::size_t i = 0; i < n; ++i)
                totals.push_back(totals[i] + v);
        }
        const qint64 laterSum = totals.back();
        const auto explains = [&](qint64 base) {
            return std::any_of(totals.cbegin(), totals.cend(),
                               [&](qint64 t) { return std::abs(providerUsed - base - t) <= tolerance; });
        };
        const qint64 unsentInBucket = unsentCharged(d, std::numeric_limits<qint64>::max(), true);
        const qint64 bucketWithout = bucketSays - unsentInBucket - laterSum;
        if (windowSays - bucketWithout <= 2 * tolerance)
            return 0;   // too little drained yet to tell
        // A bucket has drained what it says and no more: a counter far below it forgot at once
        // (fixed windows), which a remaining count alone cannot place in time.
        if (explains(bucketWithout) && !explains(windowSays) && providerUsed < windowSays + laterSum - tolerance)
            return +1;
    }
    if (providerUsed >= windowSays - tolerance && providerUsed > bucketSays + tolerance)
        return -1;
    return 0;
}

qint64 LimitState::waysTolerance(qint64 now, RateWindow::Ticket own, CountingRule rule, bool atAdmission) const
{
    // Calls on their way are charged our estimate of their prompt (off by a tenth, as in
    // learnCharge); so is the replying call as read at admission.
    const auto mine = m_ledger.find(own);
    return correctionThreshold(rule, Tpm) + std::max<qint64>(1, limitOr0(Tpm) / 200) + promptErrorOnTheirWay(now, own)
            + (atAdmission && mine != m_ledger.end() ? mine->second.amount(AdmitSum) / 10 : 0);
}

int LimitState::drainVoteByWays(qint64 now, qint64 sentAt, RateWindow::Ticket own, CountingRule rule,
                                std::optional<qint64> remaining)
{
    const auto limit = effective(Tpm);
    if (!m_learnCharge || !limit || *limit <= 0 || !remaining || tokensAtZero(Tpm, *remaining) || fixedWindows()
        || m_ledger.empty())
        return 0;
    const qint64 providerUsed = std::max<qint64>(0, *limit - *remaining);
    // Each way of charging, as a window and as a bucket would hold it now and as the provider
    // admitted the replying call: our charges are estimates of what it holds, so the way is as
    // unknown as the refill. A count some way explains as a bucket's and none as a window's,
    // whenever read, is a bucket's drain; the other way round, a window's.
    constexpr int kWays = 2 * AdmissionWays;
    const qint64 tolerance = waysTolerance(now, own, rule, true);
    bool explains[2];
    for (int b = 0; b < 2; ++b) {
        const LimitAlgorithm as = b ? LimitAlgorithm::TokenBucket : LimitAlgorithm::SlidingWindow;
        qint64 lo[2][kWays], hi[2][kWays];   // [at admission][way]
        chargePredictions(now, sentAt, own, lo[0], hi[0], as);
        chargePredictionsAtAdmission(now, sentAt, own, false, lo[1], hi[1], nullptr, as);
        explains[b] = anyWayWithin(providerUsed, lo[0], hi[0], kWays, tolerance)
                || anyWayWithin(providerUsed, lo[1], hi[1], kWays, tolerance);
    }
    // A counter that forgot at a boundary (fixed windows) holds the calls sent since it, and a
    // bucket's drain may come to the same by chance: such a count says nothing.
    if (!explains[0] && explains[1]) {
        for (int m = 0; m < kWays && explains[1]; ++m) {
            const bool settles = ChargeModel(m % 2) == ChargeModel::SettledToUsage;
            qint64 later = 0;   // sent after the replying call: in the count or not yet
            std::vector<std::pair<qint64, qint64>> since[2];   // as of the reply, at admission
            for (const auto &[ticket, c] : m_ledger) {
                if (isUnsent(ticket) || !providerHolds(c.at, sentAt))
                    continue;
                const qint64 held = settles && c.usage ? *c.usage : c.amount(m / 2);
                if (c.at > sentAt && ticket != own) {
                    later += held;
                    continue;
                }
                since[0].emplace_back(c.at, held);
                since[1].emplace_back(c.at, ticket != own && settles && c.usage && c.settledAt <= sentAt ? *c.usage : c.amount(m / 2));
            }
            for (int at = 0; at < 2 && explains[1]; ++at) {
                qint64 sum = 0;
                for (auto it = since[at].crbegin(); it != since[at].crend(); ++it) {
                    sum += it->second;
                    if (providerUsed >= sum - tolerance && providerUsed <= sum + (at ? 0 : later) + tolerance) {
                        explains[1] = false;
                        break;
                    }
                }
            }
        }
    }
    if (explains[1] == explains[0])
        return 0;
    return explains[1] ? +1 : -1;
}

QStringList LimitState::learnAlgorithm(qint64 now, qint64 sentAt, CountingRule rule, const RateLimitHeaders &h,
                                       RateWindow::Ticket own)
{
    if (!m_learnAlgorithm || m_chargeHeld)
        return {};
    const qint64 granularity = resetGranularityMs(rule);
    std::vector<Reading> readings{algorithmVote(now, sentAt, Rpm, granularity, 0, h.limitRequests, h.remainingRequests, h.resetRequestsMs)};
    if (rule == CountingRule::Anthropic) {
        readings.push_back(algorithmVote(now, sentAt, Itpm, granularity, correctionThreshold(rule, Itpm), h.limitInputTokens,
                                         h.remainingInputTokens, h.resetInputTokensMs));
        readings.push_back(algorithmVote(now, sentAt, Otpm, granularity, correctionThreshold(rule, Otpm), h.limitOutputTokens,
                                         h.remainingOutputTokens, h.resetOutputTokensMs));
    } else {
        readings.push_back(algorithmVote(now, sentAt, Tpm, granularity, correctionThreshold(rule, Tpm), h.limitTokens,
                                         h.remainingTokens, h.resetTokensMs));
    }
    if (h.resetRequestsMs || h.resetTokensMs || h.resetInputTokensMs || h.resetOutputTokensMs)
        m_resetsNamed = true;
    const bool anyFixedLike = std::any_of(readings.cbegin(), readings.cend(), [](const Reading &r) { return r.fixedLike; });
    if (fixedWindows() || anyFixedLike)
        return learnFixed(now, sentAt, readings, rule, h);
    int vote = 0;
    for (const Reading &r : readings)
        vote += r.vote;
    if (vote == 0 && rule != CountingRule::Anthropic && !h.resetRequestsMs && !h.resetTokensMs) {
        // No reset times (Mistral): the remaining counts, where every charge of ours is known —
        // requests always, tokens when the provider names what it holds for each call once
        // settled. A cost named as the provider admits the call (its counters read then) is not
        // what it holds after settling the call: our window would hold more than the provider,
        // which reads as a drain.
        vote += drainVote(now, sentAt, Rpm, h.limitRequests, h.remainingRequests);
        if (h.queryCostTokens && m_settledCostNamed)
            vote += drainVote(now, sentAt, Tpm, h.limitTokens, h.remainingTokens);
        else if (!h.queryCostTokens && !m_queryCostSeen)
            vote += drainVoteByWays(now, sentAt, own, rule, h.remainingTokens);
    }
    if (vote == 0)
        return {};
    m_algorithmScore = std::clamp(m_algorithmScore + (vote > 0 ? 1 : -1), -kAlgorithmScoreMax, kAlgorithmScoreMax);
    if (!bucket() && !m_bucketRefused && m_algorithmScore >= kAlgorithmVotesNeeded) {
        m_algorithm = LimitAlgorithm::TokenBucket;
        m_algorithmLearned = true;
        return {QStringLiteral("counting this key's limits as token buckets: the provider's counters show a "
                               "continuous refill")};
    }
    // Towards the window, the safe side (it holds every charge longer), one reply is enough.
    if (bucket() && m_algorithmScore < 0) {
        countAsSlidingWindow(now);
        return {QStringLiteral("counting this key's limits as sliding windows: the provider's counters show "
                               "a window")};
    }
    return {};
}

void LimitState::assumeFixedBoundary(qint64 now, qint64 boundary)
{
    m_algorithm = LimitAlgorithm::FixedWindow;
    m_phase = Phase{boundary - kStatedFixedSkewMs, boundary + kStatedFixedSkewMs, 0};
    m_fixedConfirmed = true;
    m_fixedSince = now;
    applyFixed(now);
}

qint64 LimitState::boundaryAtOrBefore(qint64 t, qint64 boundary) const
{
    return fixedBoundaryAfter(t, boundary, fixedPeriod()) - fixedPeriod();
}

bool LimitState::providerHolds(qint64 at, qint64 now) const
{
    if (fixedWindows() && m_phase)
        return at >= boundaryAtOrBefore(now, (m_phase->lo + m_phase->hi) / 2);
    // The provider's window itself: ours is longer by the safety margin (the otpm window is not).
    return at + m_windows[Otpm].windowMs() > now;
}

void LimitState::countAsSlidingWindow(qint64 now)
{
    // Corrections made under the other rule are stale (the window has followed every charge).
    m_algorithm = LimitAlgorithm::SlidingWindow;
    m_algorithmLearned = true;
    for (RateWindow &w : m_windows)
        w.clearSynthetic();
    applyFixed(now);
}

void LimitState::applyFixed(qint64 now)
{
    // The request may reach the provider a safety margin after we send it, and its boundary lie
    // up to the phase's uncertainty before the latest place we know: a charge that close to a
    // boundary counts in the next window too (docs/ARCHITECTURE.md, "Fixed windows").
    for (int d = 0; d < DimCount; ++d) {
        RateWindow &w = m_windows[d];
        // Corrections made under the other rule are stale: capacity given back "until our oldest
        // charge leaves" would outlast charges that now leave at a boundary.
        if (w.fixed().has_value() != (fixedWindows() && m_phase.has_value()))
            w.clearSynthetic();
        if (!fixedWindows() || !m_phase) {
            if (w.fixed())
                w.setFixed(now, std::nullopt);
            continue;
        }
        const qint64 margin = w.windowMs() - fixedPeriod();
        w.setFixed(now, RateWindow::Fixed{m_phase->hi, fixedPeriod(), std::max<qint64>(0, margin) + (m_phase->hi - m_phase->lo)});
    }
}

LimitState::Phase LimitState::joinPhase(const Phase &known, qint64 lo, qint64 hi) const
{
    // [lo, hi] moved by whole periods next to the known boundary, then intersected (empty: lo > hi).
    const qint64 p = fixedPeriod();
    const qint64 k = qint64(std::llround(double(known.hi - hi) / double(p)));
    return Phase{std::max(known.lo, lo + k * p), std::min(known.hi, hi + k * p), known.replies};
}

QStringList LimitState::learnFixed(qint64 now, qint64 sentAt, const std::vector<Reading> &readings, CountingRule rule,
                                   const RateLimitHeaders &h)
{
    const qint64 p = fixedPeriod();
    if (fixedWindows() && m_phase && !m_fixedConfirmed) {
        // The first call sent after the first boundary since the switch: a provider with fixed
        // windows counts only the calls since that boundary; one still counting earlier calls
        // only looked fixed (a sliding window whose reset names its oldest charge). Checked
        // before anything else of the reply, so a reply without reset times answers it too.
        const qint64 b = boundaryAtOrBefore(sentAt, m_phase->hi);
        if (b > m_fixedSince) {
            // Requests where the provider counts them; else its input tokens, where our charges
            // are estimates (a tenth) and its count may be rounded.
            const bool anthropic = rule == CountingRule::Anthropic;
            const Dim d = h.limitRequests && h.remainingRequests ? Rpm : anthropic ? Itpm : Tpm;
            const auto limit = d == Rpm ? h.limitRequests : anthropic ? h.limitInputTokens : h.limitTokens;
            const auto remaining = d == Rpm ? h.remainingRequests : anthropic ? h.remainingInputTokens : h.remainingTokens;
            const qint64 since = m_windows[d].chargedSince(now, b - 1);
            const qint64 tolerance = d == Rpm ? 0 : correctionThreshold(rule, d) + since / 10;
            // What a sliding window would surely still hold of the calls sent before the boundary
            // when the provider read its counters (at the latest now): those sent less than a
            // period ago. Where that is nothing, both would count the same and the reply tells
            // nothing; a sliding window whose oldest charges left within the call's round trip
            // looked fixed again, and its next burst at the boundary was refused.
            const auto slidingHolds = [&] {
                qint64 sum = 0;
                for (const RateWindow::Charge &c : m_windows[d].charges(now))
                    if (c.at > now - p && c.at < b)
                        sum += c.amount;
                return sum;
            };
            if (!limit || !remaining) {
                m_fixedConfirmed = true;   // nothing to test
            } else if (*limit - *remaining <= since + tolerance) {
                if (slidingHolds() > tolerance)
                    m_fixedConfirmed = true;   // forgot what came before
                else
                    m_fixedSince = now;   // could not tell: one call first again after the next boundary
            } else {
                m_fixedRefused = true;
                m_phase.reset();
                countAsSlidingWindow(now);
                return {QStringLiteral("counting this key's limits as sliding windows: the provider still counted calls "
                                       "from before what looked like its windows' boundary")};
            }
        }
    }
    // The reply's own boundary: the readings of its dimensions agree (one limiter resets them all).
    std::optional<Phase> reply;
    bool fixedLike = false;
    for (const Reading &r : readings) {
        if (!r.timed)
            continue;
        fixedLike = fixedLike || r.fixedLike;
        if (!reply) {
            reply = Phase{r.lo, r.hi, 1};
            continue;
        }
        reply = joinPhase(*reply, r.lo, r.hi);
    }
    if (!reply)
        return {};
    // Where it lies against the boundary known so far (shifted by whole periods).
    std::optional<Phase> joined;
    if (m_phase && reply->lo <= reply->hi) {
        if (const Phase j = joinPhase(*m_phase, reply->lo, reply->hi); j.lo <= j.hi)
            joined = Phase{j.lo, j.hi, m_phase->replies + 1};
    }
    QStringList notes;
    if (fixedWindows() && m_phase) {
        if (!joined) {
            // A reset time off the boundary: not fixed windows after all (or not where we
            // thought). The sliding window is the safe side; the reply starts a new candidate.
            m_phase = reply->lo <= reply->hi && fixedLike ? std::optional<Phase>(Phase{reply->lo, reply->hi, 1}) : std::nullopt;
            countAsSlidingWindow(now);
            return {QStringLiteral("counting this key's limits as sliding windows: the provider's reset times no longer "
                                   "fall on one boundary")};
        }
        const qint64 before = m_phase->hi - m_phase->lo;
        m_phase = joined;
        if (before - (m_phase->hi - m_phase->lo) >= 10)
            applyFixed(now);   // a tighter phase shortens what a charge near a boundary holds
        return {};
    }
    if (!fixedLike)
        return {};
    // Not a bucket's refill: a key counting as a bucket turns into a window (the safe side), and
    // bucket votes so far are void.
    m_algorithmScore = std::min(m_algorithmScore, 0);
    if (bucket() && m_learnAlgorithm) {
        countAsSlidingWindow(now);
        notes << QStringLiteral("counting this key's limits as sliding windows: the provider's counters show no "
                                "continuous refill");
    }
    if (reply->lo > reply->hi)
        return notes;
    m_phase = joined ? joined : std::optional<Phase>(Phase{reply->lo, reply->hi, 1});
    if (m_learnAlgorithm && !m_fixedRefused && m_phase->replies >= kFixedRepliesNeeded
        && m_phase->hi - m_phase->lo <= p / kFixedPrecisionDivisor) {
        m_algorithm = LimitAlgorithm::FixedWindow;
        m_algorithmLearned = true;
        m_fixedConfirmed = false;
        m_fixedSince = now;
        applyFixed(now);
        notes << QStringLiteral("counting this key's limits as fixed windows of %1 s: the provider's counters reset at "
                                "once, on boundaries known to %2 ms")
                     .arg(double(p) / 1000.0, 0, 'f', 1)
                     .arg(m_phase->hi - m_phase->lo);
    }
    return notes;
}

void LimitState::applyChargeModel(ChargeModel m)
{
    // Corrections made under the old model are stale; the reading that follows makes new ones.
    m_chargeModel = m;
    m_windows[Tpm].clearSynthetic();
    // (A bucket's settled charges are forgotten: learnCharge moved its level as a whole.)
    for (const auto &[ticket, c] : m_ledger) {
        if (c.usage)
            m_windows[Tpm].settle(c.tickets.window, m == ChargeModel::SettledToUsage ? *c.usage : c.amount(m_admission));
    }
}

QStringList LimitState::reconcile(qint64 now, qint64 sentAt, CountingRule rule, const RateLimitHeaders &h)
{
    Admission none;
    none.at = sentAt;
    return reconcile(now, none, sentAt + 1, rule, h);
}

QStringList LimitState::reconcile(qint64 now, const Admission &a, qint64 sentAt, CountingRule rule,
                                  const RateLimitHeaders &h, const std::vector<Admission> *apart)
{
    QStringList notes;
    m_informed = true;
    observeLimit(Rpm, h.limitRequests, notes);
    correct(now, sentAt, a.requests, rule, Rpm, h.limitRequests, h.remainingRequests, h.resetRequestsMs,
            correctionThreshold(rule, Rpm), notes, apart);
    if (rule == CountingRule::Anthropic) {
        // Anthropic's combined "tokens" header is the most restrictive of several limits;
        // the input/output ones are what ITPM/OTPM mean.
        observeLimit(Itpm, h.limitInputTokens, notes);
        observeLimit(Otpm, h.limitOutputTokens, notes);
        correct(now, sentAt, a.inputTokens, rule, Itpm, h.limitInputTokens, h.remainingInputTokens,
                h.resetInputTokensMs, correctionThreshold(rule, Itpm), notes, apart);
        correct(now, sentAt, ChargeTickets{}, rule, Otpm, h.limitOutputTokens, h.remainingOutputTokens, h.resetOutputTokensMs,
                correctionThreshold(rule, Otpm), notes);
    } else {
        observeLimit(Tpm, h.limitTokens, notes);
        correct(now, sentAt, a.tokens, rule, Tpm, h.limitTokens, h.remainingTokens, h.resetTokensMs,
                correctionThreshold(rule, Tpm), notes, apart);
    }
    return notes;
}

QStringList LimitState::reconcileRefusal(qint64 now, const RefusalCounts &r, std::optional<qint64> retryAfterMs)
{
    QStringList notes;
    m_informed = true;
    const Dim d = dimOf(r);
    const bool first = !effective(d);
    observeLimit(d, r.limit, notes);
    // Nothing drained the bucket while its limit was unknown, and no counter has said its level.
    if (first && bucket())
        reseedBucket(d, now);
    if (r.used) {
        // Only tightens: a refusal is no evidence that anything was given back.
        const qint64 window = m_windows[d].windowMs();
        const qint64 deficit = *r.used - used(d, now);
        // At least used + requested - limit leaves by the retry-after; when the rest does is unknown.
        const qint64 soon = retryAfterMs ? std::clamp<qint64>(*r.used + r.requested.value_or(0) - r.limit, 0, deficit) : 0;
        if (soon > 0)
            adjust(d, now, soon, now + std::clamp<qint64>(*retryAfterMs, 1, window));
        if (deficit - soon > 0)
            adjust(d, now, deficit - soon, now + window);
    }
    return notes;
}

LimitState::Dim LimitState::dimOf(const RefusalCounts &r)
{
    return r.dim == RefusalCounts::Requests      ? Rpm
           : r.dim == RefusalCounts::InputTokens ? Itpm
           : r.dim == RefusalCounts::OutputTokens ? Otpm
                                                  : Tpm;
}

ChargeTickets LimitState::ticketsOf(const Admission &a, Dim d)
{
    return d == Rpm ? a.requests : d == Tpm ? a.tokens : d == Itpm ? a.inputTokens : ChargeTickets{};
}

namespace {
// What a bucket draining at `rate` per ms holds at `at` of `charges` (oldest first) made by then,
// but `except`.
double replayedLevel(const std::vector<RateWindow::Charge> &charges, qint64 at, double rate, RateWindow::Ticket except)
{
    double level = 0;
    std::optional<qint64> last;
    for (const RateWindow::Charge &c : charges) {
        if (c.id == except || c.at > at)
            continue;
        if (last)
            level = std::max(0.0, level - double(c.at - *last) * rate);
        level += double(c.amount);
        last = c.at;
    }
    return last ? std::max(0.0, level - double(at - *last) * rate) : 0.0;
}
} // namespace

void LimitState::reseedBucket(Dim d, qint64 now, RateWindow::Ticket except)
{
    const auto limit = effective(d);
    if (!limit || *limit <= 0)
        return;
    const double rate = double(*limit) / double(m_buckets[d].periodMs());
    const qint64 level = qint64(std::ceil(replayedLevel(m_windows[d].charges(now), now, rate, except)));
    m_buckets[d].adjust(now, *limit, level - m_buckets[d].used(now, *limit));
}

QStringList LimitState::learnFromRetryDelay(qint64 now, qint64 sentAt, const Admission &refused, const RefusalCounts &r,
                                            qint64 retryAfterMs)
{
    // Reset times or counters say more than one delay; a declared algorithm is never relearned;
    // after a bucket was refused the key stays a window.
    const Dim d = dimOf(r);
    const auto limit = effective(d);
    if (!m_learnAlgorithm || m_bucketRefused || m_resetsNamed || m_algorithm != LimitAlgorithm::SlidingWindow || d == Otpm
        || !limit || *limit <= 0 || retryAfterMs <= 0)
        return {};
    // Other refusals of the last window may not be counted by the provider, as ours counts them.
    pruneRefused(now);
    if (m_refused.size() > 1)
        return {};
    const ChargeTickets own = ticketsOf(refused, d);
    const qint64 amount = m_windows[d].amountOf(own.window);
    if (amount <= 0)
        return {};
    // The provider decided somewhere between the call leaving and its refusal coming back, and
    // knew the calls sent before then. Its window is ours without the safety margin.
    const qint64 decided = sentAt + (now - sentAt) / 2;
    const qint64 period = m_windows[Otpm].windowMs();
    const double rate = double(*limit) / double(period);
    const std::vector<RateWindow::Charge> charges = m_windows[d].charges(now);
    // The calls on their way were charged the margin our estimate of their prompts carries (half
    // as much again before the provider counted one): the provider decided on their prompts.
    // (The refused call was released: its margin is not among them.)
    const qint64 margins = d != Rpm ? promptMarginOnTheirWay(decided) : 0;
    const double level = std::max(0.0, replayedLevel(charges, decided, rate, own.window) - double(margins));
    const qint64 bucketWait = qint64(std::ceil(std::max(0.0, level + double(amount) - double(*limit)) / rate));
    // A window: the oldest charges leave until the call fits.
    std::vector<RateWindow::Charge> held;
    qint64 sum = -margins;
    for (const RateWindow::Charge &c : charges)
        if (c.id != own.window && c.at <= decided && c.at + period > decided) {
            held.push_back(c);
            sum += c.amount;
        }
    qint64 windowWait = 0;
    for (const RateWindow::Charge &c : held) {
        if (sum + amount <= *limit)
            break;
        sum -= c.amount;
        windowWait = c.at + period - decided;
    }
    // Half the round trip (when the provider decided), a delay stated in whole seconds, a
    // fiftieth of the window, and for tokens the calls on their way, charged our estimate, which
    // may be off by a tenth (the others are settled to the provider's usage).
    const TokenBucket &b = m_buckets[d];
    const qint64 unsure = d == Rpm ? 0 : (b.chargedSince(decided - period, own.bucket) - b.chargedSince(decided + 1, own.bucket)) / 10;
    const qint64 granularity = retryAfterMs % 1000 == 0 ? 1000 : 10;
    const qint64 tolerance = (now - sentAt) / 2 + granularity + period / 50 + qint64(std::ceil(double(unsure) / rate));
    if (windowWait - bucketWait <= 2 * tolerance || std::abs(retryAfterMs - bucketWait) > tolerance)
        return {};
    m_algorithm = LimitAlgorithm::TokenBucket;
    m_algorithmLearned = true;
    m_algorithmScore = kAlgorithmScoreMax;
    // What the provider holds now: the refused call is not in it, as its delay just said.
    for (const Dim x : {Rpm, Tpm, Itpm, Otpm})
        reseedBucket(x, now, ticketsOf(refused, x).window);
    return {QStringLiteral("counting this key's limits as token buckets: the provider's retry delay (%1 ms) is when a "
                           "bucket has room again (%2 ms), not a window (%3 ms)")
                .arg(retryAfterMs)
                .arg(bucketWait)
                .arg(windowWait)};
}

} // namespace wb
