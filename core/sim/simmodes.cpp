#include "core/sim/simmodes.h"

#include <algorithm>

namespace wb::sim {

namespace {
bool modeApplies(const SimDialect &dialect, const SimCall &call)
{
    // Anthropic's input limit is charged the prompt and its output limit the reply (its own rule).
    return call.key && call.key->charge != SimCharge::Provider && dialect.provider() != Provider::Anthropic;
}
} // namespace

qint64 admissionChargeFor(const SimDialect &dialect, const SimCall &call)
{
    if (!modeApplies(dialect, call))
        return dialect.admissionCharge(call);
    const qint64 prompt = dialect.promptEstimate(call);
    const qint64 output = dialect_detail::outputReserve(call);
    switch (call.key->charge) {
    case SimCharge::ReserveThenSettle:
    case SimCharge::Reserve:
        return prompt + output;
    case SimCharge::MaxPromptOutput:
        return std::max(prompt, output);
    case SimCharge::Prompt:
    case SimCharge::PromptThenSettle:
    case SimCharge::Provider:
        break;
    }
    return prompt;
}

qint64 settleFor(const SimDialect &dialect, SimCall &call, qint64 completion, qint64 now, SimKeyStats &stats)
{
    if (!modeApplies(dialect, call))
        return dialect.settle(call, completion, now, stats);
    if (call.key->charge != SimCharge::ReserveThenSettle && call.key->charge != SimCharge::PromptThenSettle)
        return call.tpmCharge;
    const qint64 actual = call.promptTokens + completion;
    dialect.tokenWindow(*call.windows).settle(call.tpmEvent, actual);
    stats.tokensCharged += actual - call.tpmCharge;
    return actual;
}

std::unique_ptr<SimWindows> makeWindows(const SimKey &key, qint64 windowMs, qint64 fixedPhaseMs)
{
    auto w = std::make_unique<SimWindows>(windowMs);
    if (key.resetNamesOldest) {
        for (SimWindow *x : {&w->rpm, &w->tpm, &w->itpm, &w->otpm})
            x->resetNamesOldest(true);
    }
    if (key.algorithm == SimAlgorithm::Fixed) {
        for (SimWindow *x : {&w->rpm, &w->tpm, &w->itpm, &w->otpm})
            x->useFixed(fixedPhaseMs);
    }
    if (key.shortIntervalMs > 0 && key.rpm > 0) {
        // rpm x interval / window requests at most (at least one), refilled at the rpm's rate:
        // a bucket of that capacity over a "window" of capacity x window / rpm.
        w->shortCapacity = std::max<qint64>(1, key.rpm * key.shortIntervalMs / windowMs);
        w->shortRpm = SimWindow(std::max<qint64>(1, w->shortCapacity * windowMs / key.rpm));
        w->shortRpm.useBucket(w->shortCapacity);
    }
    if (key.algorithm == SimAlgorithm::Bucket) {
        w->rpm.useBucket(key.rpm);
        w->tpm.useBucket(key.tpm);
        w->itpm.useBucket(key.itpm);
        w->otpm.useBucket(key.otpm);
    }
    return w;
}

} // namespace wb::sim
