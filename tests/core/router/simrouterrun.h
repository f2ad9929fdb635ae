#pragma once
// Running a router against the provider simulator over loopback, for the tests that learn limits
// or pools from what a run sees: the simulator's set-up, the jobs' submission and the wait.
#include "core/router/router.h"
#include "core/sim/providersimulator.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <functional>
#include <vector>

namespace wbtest {

/// What a run ended with.
struct SimRouterRun {
    wb::SimStats stats;
    wb::RouterSnapshot snapshot;
    QStringList errors, events;
    qint64 wallMs = 0;
    /// The most calls that were on their way at once (from each call's start and latency).
    int mostInFlight = 0;
    /// When each call (refusals included) left, in ms since the epoch, ascending.
    std::vector<qint64> starts;
    /// When the first call answered 429 left (ms since the epoch); -1: none was.
    qint64 firstRefusedStart = -1;
    /// The most calls on their way at once among those that left before the first refusal's.
    int mostInFlightBeforeRefusal = 0;
    /// The most calls that left within any `windowMs`: what one window of the provider held.
    int mostWithin(qint64 windowMs) const
    {
        int most = 0;
        for (size_t i = 0, j = 0; j < starts.size(); ++j) {
            while (starts[j] - starts[i] >= windowMs)
                ++i;
            most = std::max(most, int(j - i + 1));
        }
        return most;
    }
};

/// A simulator with `windowMs` windows, 20 ± 5 ms latency, answering only the keys it was given.
inline wb::SimConfig quickSimulator(qint64 windowMs)
{
    wb::SimConfig cfg;
    cfg.windowMs = windowMs;
    cfg.latencyMs = 20;
    cfg.jitterMs = 5;
    cfg.acceptAnyKey = false;
    return cfg;
}

/// Submits jobs 1 … `jobs` (made by `jobOf`) to `router`, waits up to 60 s for all of them, and
/// records into `out` what the router said and how the simulator counted.
inline void runJobs(wb::Router &router, wb::ProviderSimulator &sim, int jobs, const std::function<wb::RouterJob(quint64)> &jobOf,
                    SimRouterRun &out)
{
    QObject::connect(&router, &wb::Router::event, &router, [&](const QString &e) { out.events << e; });
    std::vector<std::pair<qint64, int>> edges;   // (ms, +1 start / -1 end)
    QObject::connect(&router, &wb::Router::callFinished, &router, [&](const wb::CallRecord &c) {
        const qint64 at = c.startedAt.toMSecsSinceEpoch();
        edges.emplace_back(at, 1);
        out.starts.push_back(at);
        edges.emplace_back(at + c.latencyMs, -1);
        if (c.httpStatus == 429 && (out.firstRefusedStart < 0 || at < out.firstRefusedStart))
            out.firstRefusedStart = at;
    });
    int finished = 0;
    QObject::connect(&router, &wb::Router::jobFinished, &router, [&](const wb::JobOutcome &r) {
        ++finished;
        if (!r.ok)
            out.errors << r.error;
    });
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < jobs; ++i)
        router.submit(jobOf(quint64(i + 1)));
    if (!QTest::qWaitFor([&] { return finished == jobs; }, 60'000))
        out.errors << QStringLiteral("only %1 of %2 jobs finished within 60 s").arg(finished).arg(jobs);
    out.wallMs = clock.elapsed();
    std::sort(out.starts.begin(), out.starts.end());
    std::sort(edges.begin(), edges.end());   // an end before a start of the same millisecond
    int now = 0, before = 0;
    for (const auto &e : edges) {
        out.mostInFlight = std::max(out.mostInFlight, now += e.second);
        // (Ends count until the refusal too: a call that left before it and ended after it was
        // on its way with the others.)
        if (out.firstRefusedStart < 0 || e.first < out.firstRefusedStart)
            out.mostInFlightBeforeRefusal = std::max(out.mostInFlightBeforeRefusal, before += e.second);
    }
    out.stats = sim.stats();
    out.snapshot = router.snapshot();
}

} // namespace wbtest
