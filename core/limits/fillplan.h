#pragma once
// Which queued calls go together with a queue head that fits now: the router's dispatch and the
// estimator's schedule simulation both pick them here, so the estimate packs windows as the run
// does (docs/ARCHITECTURE.md, "Whole calls and the queue order"). Pure.
#include "core/limits/countingrule.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace wb {

/// What a call takes from a window's token limits: the quantity a fill plan maximises.
constexpr qint64 fillValue(const AdmissionCost &c) { return c.tokens + c.inputTokens; }

/// `n` calls each charged `c`: a cheap upper bound of a queue's charges where the head is its
/// largest call (queues are kept largest first), so that a plan is skipped where even that fits.
constexpr AdmissionCost times(const AdmissionCost &c, qint64 n)
{
    return {c.requests * n, c.tokens * n, c.inputTokens * n, c.outputReserve * n, c.largerTokens * n,
            c.promptOnlyTokens * n, c.sumTokens * n};
}

/// `c` times num / den, for the charges countBinds weighs (a sample's sum scaled to its queue).
constexpr AdmissionCost scaled(const AdmissionCost &c, qint64 num, qint64 den)
{
    return {c.requests * num / den, c.tokens * num / den, c.inputTokens * num / den, c.outputReserve * num / den, 0, 0, 0,
            c.promptMargin * num / den};
}

/// Calls behind the head a fill plan looks at.
constexpr std::size_t kFillScan = 32;
/// Fits checks a fill plan may spend (each is one admission test on the deployment).
constexpr int kFillChecks = 256;

/// The best set found among `behind` on top of `base`: its indices (ascending), its value, and
/// the value of first fit in queue order (the first set the search completes).
struct FillSearch {
    std::vector<int> members;
    qint64 value = -1;
    qint64 firstFitValue = -1;
};

/// Depth first over `behind` (queue order), taking a call before leaving it out, so the first
/// complete set is first fit; a set that does not fit stays unfit with more calls added (charges
/// are never negative). At most `checks` calls of `fits`.
template <typename Fits>
FillSearch searchFill(const AdmissionCost &base, const std::vector<AdmissionCost> &behind, Fits &fits, int checks)
{
    const int n = int(behind.size());
    std::vector<qint64> rest(std::size_t(n) + 1, 0);   // the value of everything from i on
    for (int i = n - 1; i >= 0; --i)
        rest[std::size_t(i)] = rest[std::size_t(i) + 1] + fillValue(behind[std::size_t(i)]);
    FillSearch out;
    std::vector<int> chosen;
    auto search = [&](auto &&self, int i, const AdmissionCost &total, qint64 value) -> void {
        if (i == n || checks <= 0) {
            if (out.firstFitValue < 0)
                out.firstFitValue = value;
            if (value > out.value) {
                out.value = value;
                out.members = chosen;
            }
            return;
        }
        if (value + rest[std::size_t(i)] <= out.value)
            return;   // even every call left could not beat the best set
        const AdmissionCost with = total + behind[std::size_t(i)];
        --checks;
        if (fits(with)) {
            chosen.push_back(i);
            self(self, i + 1, with, value + fillValue(behind[std::size_t(i)]));
            chosen.pop_back();
        }
        self(self, i + 1, total, value);
    };
    search(search, 0, base, fillValue(base));
    return out;
}

/// What goes now instead of first fit in queue order.
struct FillPlan {
    std::vector<int> members;   ///< indices into `behind`, ascending
    bool passHead = false;      ///< the members go without the head, which waits behind them
};

/// Given the admission cost of a head that fits now and those of the calls behind it (queue
/// order, largest first), the set to send now: the one whose charges fill most of what
/// `fits(total)` still accepts now. The head goes, with the set behind it that fills best;
/// where `mayPassHead` and a set without the head fills strictly more (the head's size leaves a
/// gap none of the rest fits), that set goes and the head waits. nullopt when first fit in queue
/// order (the way calls go without a plan) fills as much: where fewer than two calls are behind,
/// where everything fits now anyway, and where outputs reserved while calls are on their way
/// (Anthropic's otpm) are what holds the rest back, since a set chosen for its input tokens then
/// fills nothing that binds.
template <typename Fits>
std::optional<FillPlan> planFill(const AdmissionCost &head, const std::vector<AdmissionCost> &behind, Fits fits,
                                 bool mayPassHead, int checks = kFillChecks)
{
    if (behind.size() < 2)
        return std::nullopt;
    AdmissionCost all = head;
    for (const AdmissionCost &c : behind)
        all = all + c;
    if (fits(all) || (all.outputReserve > 0 && !fits(AdmissionCost{0, 0, 0, all.outputReserve, 0, 0, 0})))
        return std::nullopt;
    const FillSearch with = searchFill(head, behind, fits, checks);
    if (mayPassHead) {
        constexpr AdmissionCost nothing{0, 0, 0, 0, 0, 0, 0};
        const FillSearch without = searchFill(nothing, behind, fits, checks);
        if (without.value > with.value)
            return FillPlan{without.members, true};
    }
    if (with.value > with.firstFitValue)
        return FillPlan{with.members, false};
    return std::nullopt;
}

/// A deployment's limits per window (0 = none), by what they count.
struct WindowLimits {
    qint64 requests = 0;        ///< rpm
    qint64 tokens = 0;          ///< tpm
    qint64 inputTokens = 0;     ///< itpm
    qint64 outputReserve = 0;   ///< otpm
};

/// Whether a queue is bound by how many calls a window takes at least as much as by how large
/// they are: requests and the outputs held for calls on their way (about alike per call) need as
/// many windows as the tokens and input tokens, or more. `sum` is the charges of the whole queue
/// and of what the windows hold now; sizes count as expected, without the margin held against
/// the error of a prompt estimate.
/// Then every window must take about as many calls as it holds, each of about the queue's mean
/// size: largest first fills a window's tokens with a few large calls and leaves the small ones
/// more calls than the windows left can take (docs/ARCHITECTURE.md, "Whole calls and the queue
/// order").
inline bool countBinds(const WindowLimits &l, const AdmissionCost &sum)
{
    const auto windows = [](qint64 demand, qint64 limit) {
        return limit > 0 && demand > 0 ? std::ceil(double(demand) / double(limit) - 1e-9) : 0.0;
    };
    const double byCount = std::max(windows(sum.requests, l.requests), windows(sum.outputReserve, l.outputReserve));
    const auto expected = [&](qint64 v) { return v > 0 ? std::max<qint64>(0, v - sum.promptMargin) : 0; };
    const double bySize = std::max(windows(expected(sum.tokens), l.tokens), windows(expected(sum.inputTokens), l.inputTokens));
    return byCount > 1 && bySize > 1 && byCount >= bySize;
}

/// The charges of a queue of `n` calls (`costAt(i)` for position i), from at most 64 spread evenly
/// over it, scaled to its length: a queue of thousands is not walked at every dispatch.
template <typename CostAt>
AdmissionCost sampledCharges(std::size_t n, CostAt costAt)
{
    constexpr std::size_t kSample = 64;
    const std::size_t step = std::max<std::size_t>(1, n / kSample);
    AdmissionCost sum{0, 0, 0, 0, 0, 0, 0};
    std::size_t taken = 0;
    for (std::size_t i = 0; i < n; i += step, ++taken)
        sum = sum + costAt(i);
    return taken == 0 ? sum : scaled(sum, qint64(n), qint64(taken));
}

/// The positions a balanced plan looks at behind the head (position 0) of a queue of `n`, in
/// order: the kFillScan right behind it and the kFillScan at its end, where the smallest wait
/// (queues are kept largest first).
inline std::vector<std::size_t> bothEnds(std::size_t n)
{
    std::vector<std::size_t> at;
    for (std::size_t i = 1; i < n && at.size() < kFillScan; ++i)
        at.push_back(i);
    for (std::size_t i = std::max(at.empty() ? 1 : at.back() + 1, n - std::min(n, kFillScan)); i < n; ++i)
        at.push_back(i);
    return at;
}

/// Fits checks a balanced plan may spend.
constexpr int kBalanceChecks = 512;

/// Where countBinds holds, the calls to send now: as many as fit now (the smallest first tells
/// how many), of no more than `meanValue` (the queue's mean fillValue) each on the whole, each in
/// turn the largest that leaves room for the rest of that many from the smallest left. So every
/// set takes its share of the calls and of the tokens, whether or not the calls a window takes
/// turn out fewer than the expectations now say (an output not yet seen is reserved at its
/// largest). The head may wait behind the set where `mayPassHead`. nullopt where first fit in
/// queue order sends as many calls of no more tokens, or where the checks run out.
template <typename Fits>
std::optional<FillPlan> planBalanced(const AdmissionCost &head, const std::vector<AdmissionCost> &behind, Fits fits,
                                     bool mayPassHead, qint64 meanValue, int checks = kBalanceChecks)
{
    const int n = int(behind.size());
    if (n < 2)
        return std::nullopt;
    // First fit in queue order: the head, then every call behind it that still fits.
    AdmissionCost total = head;
    int firstFit = 1;
    const auto value = [](const AdmissionCost &c) { return fillValue(c); };
    for (const AdmissionCost &c : behind) {
        if (--checks < 0)
            return std::nullopt;
        if (fits(total + c)) {
            total = total + c;
            ++firstFit;
        }
    }
    // Candidates smallest first (the head is index n).
    const auto cost = [&](int i) -> const AdmissionCost & { return i == n ? head : behind[std::size_t(i)]; };
    std::vector<int> left(std::size_t(n) + (mayPassHead ? 1 : 0));
    for (std::size_t i = 0; i < left.size(); ++i)
        left[i] = int(i);
    std::stable_sort(left.begin(), left.end(), [&](int a, int b) { return fillValue(cost(a)) < fillValue(cost(b)); });
    constexpr AdmissionCost nothing{0, 0, 0, 0, 0, 0, 0};
    AdmissionCost chosen = mayPassHead ? nothing : head;
    int most = mayPassHead ? 0 : 1;
    for (int i : left) {
        if (--checks < 0)
            return std::nullopt;
        if (!fits(chosen + cost(i)))
            break;
        chosen = chosen + cost(i);
        ++most;
    }
    if (most < firstFit || (most == firstFit && value(total) <= meanValue * most))
        return std::nullopt;
    const qint64 cap = meanValue * most;   // the set's share of the tokens
    std::vector<int> members;
    bool headTaken = !mayPassHead;
    chosen = headTaken ? head : nothing;
    for (int slot = headTaken ? 1 : 0; slot < most; ++slot) {
        const std::size_t rest = std::size_t(most - slot - 1);   // calls still to come after this one
        // The reserve for the rest: the smallest `rest` left other than the candidate at `pos`.
        const auto feasible = [&](std::size_t pos) {
            AdmissionCost with = chosen + cost(left[pos]);
            for (std::size_t k = 0, taken = 0; k < left.size() && taken < rest; ++k)
                if (k != pos) {
                    with = with + cost(left[k]);
                    ++taken;
                }
            --checks;
            return value(with) <= cap && fits(with);
        };
        // The largest candidate that leaves room for the rest: a smaller one leaves more, so the
        // search halves (the reserve of a candidate among the smallest differs by one call, which
        // the check of the pick covers).
        if (!feasible(0))
            break;
        std::size_t lo = 0, hi = left.size();   // feasible(lo); the first infeasible at or after hi
        while (hi - lo > 1 && checks > 0) {
            const std::size_t mid = lo + (hi - lo) / 2;
            if (feasible(mid))
                lo = mid;
            else
                hi = mid;
        }
        if (checks < 0)
            return std::nullopt;
        const std::size_t pick = lo;
        const int i = left[pick];
        chosen = chosen + cost(i);
        left.erase(left.begin() + std::ptrdiff_t(pick));
        if (i == n)
            headTaken = true;
        else
            members.push_back(i);
    }
    const int planned = int(members.size()) + (headTaken ? 1 : 0);
    if (planned < firstFit || (planned == firstFit && value(total) <= cap))
        return std::nullopt;
    std::sort(members.begin(), members.end());
    return FillPlan{members, !headTaken};
}

} // namespace wb
