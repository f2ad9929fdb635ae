#pragma once
// Which queued calls go together with a queue head that fits now: the router's dispatch and the
// estimator's schedule simulation both pick them here, so the estimate packs windows as the run
// does (docs/ARCHITECTURE.md, "Whole calls and the queue order"). Pure.
#include "core/limits/countingrule.h"

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

} // namespace wb
