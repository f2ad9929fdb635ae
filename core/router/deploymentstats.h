#pragma once
// What the router has measured of one deployment: counters for the monitor and the moving
// averages its admission and routing learn from replies. A plain value; no clock, no limits.
#include "core/providers/providertypes.h"

#include <QtGlobal>

namespace wb {

struct DeploymentStats {
    qint64 calls = 0, http429 = 0, retries = 0, failures = 0, spendMicros = 0;
    int consecutiveRateLimited = 0;  ///< 429/529 replies since the last success (drives the back-off)

    double latencyMsEwma = 0;
    double latencyPerTokenEwma = 0;  ///< ms per completion token (latency-based routing)
    bool hasLatency = false;
    double promptRatio = 1.0;        ///< reported / estimated prompt tokens (admission margin)
    /// Moving mean square of the ratio's deviation from promptRatio: how far one text's count
    /// strays from the average correction (starts at a 3 % spread until replies say otherwise).
    double promptRatioVar = 0.03 * 0.03;
    bool hasPromptSample = false;
    /// What to multiply an estimate by so that the provider's count stays below it for nearly
    /// every text: the average correction plus twice the observed spread.
    double promptFactor() const;
    double expectedOutput = 0;       ///< completion tokens (Anthropic's output-window reservation)
    bool hasOutputSample = false;

    /// A successful reply after `latencyMs`; `promptEstimate` is what admission estimated for its
    /// prompt (0 = not estimated). Usage that was not reported teaches only the latency.
    void recordSuccess(qint64 latencyMs, const Usage &usage, qint64 promptEstimate);
};

} // namespace wb
