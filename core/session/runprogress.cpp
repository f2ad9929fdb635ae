#include "core/session/runprogress.h"

#include "core/pricing/pricing.h"
#include "core/router/router.h"
#include "core/session/runner_p.h"

#include <QSet>
#include <cmath>
#include <limits>

namespace wb {

double limitBoundEtaSeconds(const RouterSnapshot &s)
{
    QHash<QString, double> perMinute;   // group -> calls per minute
    QSet<QString> seenWindows;
    for (const DeploymentSnapshot &d : s.deployments) {
        if (seenWindows.contains(d.windowKey))
            continue;   // a pool's window is shared: count its capacity once
        seenWindows.insert(d.windowKey);
        double cap = std::numeric_limits<double>::infinity();
        const double calls = double(std::max<qint64>(d.rpmUsed, 1));
        auto bound = [&](qint64 used, qint64 limit, bool perCall) {
            if (limit <= 0)
                return;
            if (perCall) {
                cap = std::min(cap, double(limit));
            } else if (used > 0) {
                cap = std::min(cap, double(limit) / (double(used) / calls));
            }
        };
        bound(d.rpmUsed, d.rpmLimit, true);
        bound(d.tpmUsed, d.tpmLimit, false);
        bound(d.itpmUsed, d.itpmLimit, false);
        bound(d.otpmUsed, d.otpmLimit, false);
        if (std::isfinite(cap))
            perMinute[d.group] += cap;
        else
            perMinute[d.group] = std::numeric_limits<double>::infinity();
    }
    double worst = 0;
    for (auto it = s.queueDepth.cbegin(); it != s.queueDepth.cend(); ++it) {
        const double rate = perMinute.value(it.key(), std::numeric_limits<double>::infinity());
        if (it.value() > 0 && std::isfinite(rate) && rate > 0) {
            // The queue's head goes when the router next wakes; each further window's worth of calls
            // waits one more window.
            const double windows = std::max(0.0, std::ceil(double(it.value()) / rate) - 1.0);
            worst = std::max(worst, std::max(0.0, s.nextWakeS) + 60.0 * windows);
        }
    }
    return worst;
}

void ExperimentRunner::Private::updateSnapshot()
{
    const RouterSnapshot s = p && p->router ? p->router->snapshot() : RouterSnapshot{};
    RunProgress now;
    now.total = summary.jobs - summary.skipped;
    now.done = summary.done;
    now.failed = summary.failed;
    now.inFlight = s.inFlight;
    now.costMicros = summary.costMicros;
    if (p && p->budget)
        now.spentBeforeMicros = p->budget->spentBeforeMicros;
    if (p && p->budget->hasCap())
        now.budgetUsd = microsToUsd(p->budget->capMicros);
    now.elapsedS = wall.isValid() ? double(wall.elapsed()) / 1000.0 : 0.0;
    const qint64 finishedJobs = now.done + now.failed;
    if (finishedJobs > 0 && now.total > finishedJobs)
        now.etaS = std::max(now.elapsedS / double(finishedJobs) * double(now.total - finishedJobs), limitBoundEtaSeconds(s));
    else if (now.total == finishedJobs)
        now.etaS = 0;
    {
        QMutexLocker lock(&snapMutex);
        snap = s;
        prog = now;
    }
    emit q->progressChanged(now);
}

} // namespace wb
