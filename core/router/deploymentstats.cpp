#include "core/router/deploymentstats.h"

#include <algorithm>
#include <cmath>

namespace wb {

namespace {
// Weight of the newest sample in every moving average: recent enough to follow a deployment
// that slows down, smooth enough that one outlier does not swing routing.
constexpr double kEwmaAlpha = 0.2;

void follow(double &average, bool &has, double sample)
{
    average = has ? average + kEwmaAlpha * (sample - average) : sample;
    has = true;
}
} // namespace

void DeploymentStats::recordSuccess(qint64 latencyMs, const Usage &usage, qint64 promptEstimate)
{
    consecutiveRateLimited = 0;
    const double perToken = double(latencyMs) / double(std::max<qint64>(1, usage.completionTokens));
    if (!hasLatency) {
        latencyMsEwma = double(latencyMs);
        latencyPerTokenEwma = perToken;
        hasLatency = true;
    } else {
        latencyMsEwma += kEwmaAlpha * (double(latencyMs) - latencyMsEwma);
        latencyPerTokenEwma += kEwmaAlpha * (perToken - latencyPerTokenEwma);
    }
    if (!usage.reported)
        return;
    follow(expectedOutput, hasOutputSample, double(usage.completionTokens));
    if (promptEstimate > 0 && usage.promptTokens > 0) {
        const double r = double(usage.promptTokens) / double(promptEstimate);
        if (hasPromptSample)
            promptRatioVar += kEwmaAlpha * ((r - promptRatio) * (r - promptRatio) - promptRatioVar);
        follow(promptRatio, hasPromptSample, r);
    }
}

double DeploymentStats::promptFactor() const
{
    return promptRatio + 2.0 * std::sqrt(promptRatioVar);
}

} // namespace wb
