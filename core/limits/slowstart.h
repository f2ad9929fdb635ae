#pragma once
// Slow start for a key whose provider does not say one of its limits (docs/ARCHITECTURE.md,
// "Limits", "No limits configured"). Gemini sends no rate-limit headers, nor does an
// OpenAI-compatible server configured so: after its first reply such a key knows no limit and,
// admitted freely, sends every queued call at once — each call sent after the unknown limit is
// passed is refused, a burst of 429s before the first refusal's text teaches the limit.
//
// While a dimension the provider refuses on has no known limit, the calls in flight on the key
// are held to what would send about twice as fast as the provider has already accepted
// (Little's law: in flight = rate x latency):
//     max(1, floor(kGrowth x calls accepted in the last window x mean latency / window)).
// Passing an unknown limit therefore costs at most that many 429s (one, while the accepted rate is
// below window / (kGrowth x latency)), and the admitted rate grows by a factor e every
// window / kGrowth as long as nothing is refused. A call not refused within a refusal's round
// trip after it left was let through, and no longer counts as in flight (presumedAcceptedAfterMs;
// for a key whose refusals name their limit, before the first one, a quarter of a generation).
// Once every such dimension has a limit (from a header or a refusal's text) the key is admitted
// as if the limits had been configured. Pure: the clock is an argument.
#include "core/common/provider.h"
#include "core/limits/ratewindow.h"

#include <QtGlobal>
#include <deque>
#include <optional>
#include <vector>

namespace wb {

class LimitState;

/// What refusals that name no count ("Rate limit exceeded", no headers) and the calls accepted
/// around them say about a key's unannounced limits (docs/ARCHITECTURE.md, "Refusals that name
/// nothing"). A point is what the key's own window held when a call was admitted, the call
/// included: requests, and the tokens its provider refuses on (tpm; itpm for Anthropic). An
/// accepted call shows both limits are at least its point; a refused one that at least one of
/// them is below its point. So a call whose point no accepted call exceeds fits, one at or beyond
/// a refused point in both would be refused, and one in between is a probe. Pure.
class RefusalBounds {
public:
    struct Point {
        qint64 requests = 0;
        qint64 tokens = 0;
    };
    enum class Verdict { Fits, Probe, Refused };
    void accepted(Point p);
    /// A refusal an accepted point already covers came from something else (another user of the
    /// key, a late window): it is not kept.
    void refused(Point p);
    Verdict verdict(Point p) const;
    /// A refusal that named nothing has been seen: admission follows the verdicts.
    bool learning() const { return m_learning; }
    /// The largest requests and tokens accepted so far (each on its own).
    Point proven() const { return m_proven; }
    int refusedPoints() const { return int(m_refused.size()); }

private:
    Point m_proven;
    std::vector<Point> m_refused;   // none at or beyond another in both
    bool m_learning = false;
};

class SlowStart {
public:
    /// How much faster than the accepted rate an exploring key may send.
    static constexpr double kGrowth = 2.0;

    explicit SlowStart(qint64 windowMs = RateWindow::kDefaultWindowMs) : m_windowMs(windowMs) {}
    void setWindowMs(qint64 ms) { m_windowMs = ms; }
    /// The provider answered a call of this key (not a refusal) after `latencyMs`.
    void accepted(qint64 now, qint64 latencyMs);
    /// Calls that may be in flight on the key while it explores (at least 1).
    int maxInFlight(qint64 now);
    /// Calls accepted within the last window.
    int acceptedInWindow(qint64 now);
    double meanLatencyMs() const { return m_latencyMs; }
    /// The provider refused a call of this key this long after its request had left. A refusal
    /// comes back within a round trip; an accepted call takes as long as its generation.
    void refusedAfter(qint64 ms);
    /// How long after its request left a call that has not been refused is taken as let through
    /// by the limits it met (docs/ARCHITECTURE.md, "Presumed accepted"): twice the slowest
    /// refusal seen (the router counts those that named their limit), plus kPresumeSlackMs.
    /// Before the key's first such refusal: nothing, or where setPresumeBeforeRefusal() was set, a
    /// quarter of the accepted calls' mean latency (once one was accepted).
    std::optional<qint64> presumedAcceptedAfterMs() const;
    /// Added to twice the slowest refusal: the timers' and the event loop's granularity.
    static constexpr qint64 kPresumeSlackMs = 10;
    /// Presume calls accepted before any refusal was seen: for a provider that announces no limit
    /// and whose every refusal names the limit it met (Gemini's quota), so that a call refused
    /// costs one 429 and teaches the limit, and the key need not learn one call per generation
    /// until then.
    void setPresumeBeforeRefusal(bool on) { m_presumeEarly = on; }
    /// The provider refused without naming any count: pacing cannot end in a learned limit, so it
    /// stops; the key is held by its retry-after and by bounds() instead.
    void giveUp() { m_gaveUp = true; }
    bool gaveUp() const { return m_gaveUp; }
    /// What was accepted and refused, for when refusals name nothing.
    RefusalBounds &bounds() { return m_bounds; }

private:
    qint64 m_windowMs;
    std::deque<qint64> m_accepted;   // reply times within the last window
    double m_latencyMs = 0;          // moving mean of accepted calls' latency
    bool m_hasLatency = false;
    qint64 m_slowestRefusalMs = -1;   // -1: no refusal seen yet
    bool m_gaveUp = false;
    bool m_presumeEarly = false;
    RefusalBounds m_bounds;
};

/// The dimensions providers counting by `rule` refuse calls on: rpm and tpm; Anthropic rpm, itpm
/// and otpm.
bool refusesOn(CountingRule rule, int limitStateDim);
/// `limits` has no configured limit, has had its first reply (LimitState::informed) and still
/// knows no limit for a dimension its provider refuses on: it is admitted at SlowStart's pace
/// (unless its deployment states max_parallel_requests, the router's check).
bool exploring(const LimitState &limits, CountingRule rule);

} // namespace wb
