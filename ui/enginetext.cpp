#include "ui/enginetext.h"

#include "ui/runmonitor.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <cmath>

namespace wb {
namespace ui {

NiceAxis niceAxis(double maxValue, int maxTicks)
{
    NiceAxis a;
    if (!(maxValue > 0) || maxTicks < 2)
        return a;
    const double raw = maxValue / double(maxTicks - 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / mag;
    const double f = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
    a.step = f * mag;
    a.max = std::ceil(maxValue / a.step - 1e-9) * a.step;
    a.ticks = int(std::lround(a.max / a.step)) + 1;
    // 2.5 × 10^k needs one decimal more than its magnitude.
    a.decimals = std::max(0, int(-std::floor(std::log10(a.step) + 1e-9)) + (f == 2.5 ? 1 : 0));
    return a;
}

QString EngineText::moneyUsd(double usd, int decimals)
{
    if (decimals < 0)
        decimals = std::abs(usd) < 0.1 && usd != 0 ? 4 : 2;
    return QLocale().toCurrencyString(usd, QStringLiteral("$"), decimals);
}

QString EngineText::money(qint64 micros, int decimals) { return moneyUsd(double(micros) / 1e6, decimals); }

QString EngineText::duration(double seconds) { return RunMonitor::formatDuration(seconds); }

QString EngineText::waitReason(const DeploymentSnapshot &d, qint64 nowMs)
{
    const double left = d.waitUntilMs > 0 ? std::max<double>(0, std::ceil(double(d.waitUntilMs - nowMs) / 1000.0)) : -1;
    const QString in = left >= 0 ? duration(left) : tr("unknown");
    switch (d.waitReason) {
    case WaitReason::None: return {};
    case WaitReason::Outage: return tr("provider unreachable: next try in %1").arg(in);
    case WaitReason::DailyQuota: {
        if (d.waitUntilMs <= 0)
            return tr("daily quota used up");
        // A reset on another day than today names the day too.
        const QDateTime until = QDateTime::fromMSecsSinceEpoch(d.waitUntilMs);
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs);
        return tr("daily quota used up until %1")
            .arg(until.date() == now.date() ? QLocale().toString(until.time(), QLocale::ShortFormat)
                                            : QLocale().toString(until, QLocale::ShortFormat));
    }
    case WaitReason::CoolingDown: return tr("cooling down after %n failure(s): %1", nullptr, int(d.failures)).arg(in);
    case WaitReason::Rpm: return tr("rpm window: next call in %1").arg(in);
    case WaitReason::Tpm: return tr("tpm window: next call in %1").arg(in);
    case WaitReason::Itpm: return tr("itpm window: next call in %1").arg(in);
    case WaitReason::Otpm: return tr("otpm window: next call in %1").arg(in);
    case WaitReason::Parallel:
        // Without max_parallel_requests the pace is the router's own while it learns limits the
        // provider does not announce (docs/ARCHITECTURE.md, "Slow start and learned limits").
        return d.maxParallel > 0 ? tr("%1 calls in flight (max_parallel_requests)").arg(d.inFlight)
                                 : tr("%1 calls in flight (limits being learned)").arg(d.inFlight);
    case WaitReason::Budget: return tr("budget: the next call could pass it");
    }
    return {};
}

/// A number of seconds the engine wrote with a decimal point ("1.2"), in the user's locale ("1,2").
static QString localSeconds(const QString &engine) { return QLocale().toString(engine.toDouble()); }

QString EngineText::event(const QString &m)
{
    // The engine's event lines (core/router/router.cpp, core/session/*.cpp), matched whole.
    struct Shape {
        QRegularExpression re;
        QString (*word)(const QRegularExpressionMatch &);
    };
    static const QList<Shape> shapes = {
        {QRegularExpression(QStringLiteral("^paused: in-flight calls finish, nothing new is sent$")),
         [](const QRegularExpressionMatch &) -> QString { return tr("Paused: no new calls are sent; calls in flight finish"); }},
        {QRegularExpression(QStringLiteral("^resumed$")), [](const QRegularExpressionMatch &) -> QString { return tr("Resumed"); }},
        {QRegularExpression(QStringLiteral("^cancelled: unfinished jobs stay pending for --resume$")),
         [](const QRegularExpressionMatch &) -> QString { return tr("Cancelled: unfinished jobs stay pending and can be resumed"); }},
        {QRegularExpression(QStringLiteral("^(\\d+) jobs, (\\d+) already finished, (\\d+) to run$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QLocale l;
             return tr("%1 jobs, %2 already finished, %3 to run")
                 .arg(l.toString(x.captured(1).toLongLong()), l.toString(x.captured(2).toLongLong()), l.toString(x.captured(3).toLongLong()));
         }},
        {QRegularExpression(QStringLiteral("^budget reached: no further calls are dispatched; raise max_budget and --resume$")),
         [](const QRegularExpressionMatch &) -> QString { return tr("Budget reached: no further calls are sent; raise the budget and resume"); }},
        {QRegularExpression(QStringLiteral("^budget: (\\d+)% of \\$([0-9.]+) spent$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("Budget: %1 % of %2 spent").arg(x.captured(1), moneyUsd(x.captured(2).toDouble(), 2)); }},
        {QRegularExpression(QStringLiteral("^budget: the next call could pass the budget; stopping dispatch$")),
         [](const QRegularExpressionMatch &) -> QString { return tr("Budget: the next call could pass the budget; no more calls are sent"); }},
        {QRegularExpression(QStringLiteral("^budget of \\$([0-9.]+) already spent in this period \\(\\$([0-9.]+)\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("The budget of %1 is already spent in this period (%2)").arg(moneyUsd(x.captured(1).toDouble(), 2), moneyUsd(x.captured(2).toDouble()));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): cool-down ended$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("%1: cool-down ended").arg(x.captured(1)); }},
        {QRegularExpression(QStringLiteral("^(\\S+): cooling down for ([0-9.]+) s after (\\d+) failures within a minute(?: \\(last: (.*)\\))?$")),
         [](const QRegularExpressionMatch &x) -> QString {
             QString s = tr("%1: cooling down for %2 s after %3 failures within a minute").arg(x.captured(1), localSeconds(x.captured(2)), x.captured(3));
             if (!x.captured(4).isEmpty())
                 s += QLatin1String(" (") + x.captured(4) + QLatin1Char(')');
             return s;
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): HTTP 429, paused for ([0-9.]+) s(.*)$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("%1: rate-limited (HTTP 429), waits %2 s").arg(x.captured(1), localSeconds(x.captured(2))) + x.captured(3); }},
        {QRegularExpression(QStringLiteral("^(\\S+): overloaded, paused for ([0-9.]+) s(.*)$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("%1: provider overloaded, waits %2 s").arg(x.captured(1), localSeconds(x.captured(2))) + x.captured(3); }},
        {QRegularExpression(QStringLiteral("^(\\S+): authentication failed, deployment disabled for this run$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("%1: authentication failed; the deployment is not used for the rest of this run").arg(x.captured(1)); }},
        {QRegularExpression(QStringLiteral("^(\\S+): provider spend limit reached, cooling down for (\\d+) min$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("%1: the provider's spend limit is reached; waits %2 min").arg(x.captured(1), x.captured(2)); }},
        {QRegularExpression(QStringLiteral("^fallback: job (\\d+) moves from (\\S+) to (\\S+) \\((.*)\\)$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("Fallback: job %1 moves from %2 to %3 (%4)").arg(x.captured(1), x.captured(2), x.captured(3), x.captured(4)); }},
        {QRegularExpression(QStringLiteral("^(\\S+): learned (\\w+) limit (\\d+) from the provider$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("%1: the provider reports a %2 limit of %3").arg(x.captured(1), x.captured(2), QLocale().toString(x.captured(3).toLongLong())); }},
        {QRegularExpression(QStringLiteral("^(\\S+): (\\w+) limit tightened from (\\d+) to (\\d+) by the provider$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QLocale l;
             return tr("%1: the provider lowers the %2 limit from %3 to %4").arg(x.captured(1), x.captured(2), l.toString(x.captured(3).toLongLong()), l.toString(x.captured(4).toLongLong()));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): starts with the limits learned from the provider on (\\S+)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QDateTime at = QDateTime::fromString(x.captured(2), Qt::ISODate);
             return tr("%1: starts with the limits the provider reported in an earlier run (%2)")
                 .arg(x.captured(1), at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : x.captured(2));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counts calls as the provider was seen to on (\\S+)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QDateTime at = QDateTime::fromString(x.captured(2), Qt::ISODate);
             return tr("%1: counts calls as the provider was seen to count them in an earlier run (%2)")
                 .arg(x.captured(1), at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : x.captured(2));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): starts in the provider pool learned on (\\S+) \\((.*)\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QDateTime at = QDateTime::fromString(x.captured(2), Qt::ISODate);
             return tr("%1: shares the provider's quota with the keys of pool %3, as an earlier run found (%2)")
                 .arg(x.captured(1), at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : x.captured(2),
                      x.captured(3));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): its key already used (\\d+) requests and (\\d+) tokens of its daily quota today \\(until (\\S+)\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QLocale l;
             const QDateTime until = QDateTime::fromString(x.captured(4), Qt::ISODate);
             return tr("%1: its key already used %2 requests and %3 tokens of its daily quota today (until %4)")
                 .arg(x.captured(1), l.toString(x.captured(2).toLongLong()), l.toString(x.captured(3).toLongLong()),
                      until.isValid() ? l.toString(until.toLocalTime(), QLocale::ShortFormat) : x.captured(4));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): refusals name no limit; calls are no longer paced, only the retry-after is kept$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider's refusals name no limit; calls are sent without pacing, waiting only when it says so").arg(x.captured(1));
         }},
        // What LimitState learned of the provider's counting (core/limits/limitstate.cpp).
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as sliding windows: the provider refused a call its bucket had room for$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider refused a call its refilling limit had room for; its limits now count as sliding windows").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as token buckets: the provider's counters show a continuous refill$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider's counters refill continuously; its limits now count as refilling buckets").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as sliding windows: the provider's counters show a window$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider's counters hold each call for a full minute; its limits now count as sliding windows").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as sliding windows: the provider's counters dropped more than a refilling bucket can$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider's counters dropped at once, more than a refilling limit can; its limits now count as sliding windows").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as sliding windows: the provider's counters show no continuous refill$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider's counters do not refill continuously; its limits now count as sliding windows").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as fixed windows of ([\\d.]+) s: the provider's counters reset at once, on boundaries known to (\\d+) ms$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider forgets its counts at once every %2 s; its limits now count as fixed windows (boundary known to %3 ms)")
                 .arg(x.captured(1), QLocale().toString(x.captured(2).toDouble(), 'f', 1), QLocale().toString(x.captured(3).toLongLong()));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as sliding windows: the provider still counted calls from before what looked like its windows' boundary$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: after the boundary the provider still counted earlier calls; its limits count as sliding windows again").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as sliding windows: the provider refused a call after what looked like its windows' boundary$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider refused a call after the boundary; its limits count as sliding windows again").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): counting this key's limits as sliding windows: the provider's reset times no longer fall on one boundary$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider's reset times no longer fall on one boundary; its limits count as sliding windows again").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider charges a call the larger of its prompt and max_tokens, not their sum \\(learned from its query cost\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider charges each call the larger of its prompt and its output allowance, not both (learned from the cost it reports)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider charges a call its prompt and max_tokens together again \\(learned from its query cost\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider charges each call its prompt and its output allowance together again (learned from the cost it reports)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider settles tpm to each call's usage \\(learned from its remaining tokens\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider counts each call's actual tokens once it is answered (learned from its remaining tokens)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider keeps each call's tpm admission charge \\(learned from its remaining tokens\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider keeps counting each call's reserved tokens (learned from its remaining tokens)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider charges a call the larger of its prompt and max_tokens, not their sum \\(learned from its remaining tokens\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider charges each call the larger of its prompt and its output allowance, not both (learned from its remaining tokens)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider charges a call its prompt alone until the reply, reserving nothing for max_tokens \\(learned from its remaining tokens\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider counts only each call's prompt until the reply, nothing for its output allowance (learned from its remaining tokens)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider charges a call its prompt and max_tokens together \\(learned from its remaining tokens\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider charges each call its prompt and its output allowance together (learned from its remaining tokens)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^(\\S+): the provider charges a call its prompt and max_tokens together \\(learned from a refusal\\)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("%1: the provider charges each call its prompt and its output allowance together (learned from a refusal)").arg(x.captured(1));
         }},
        {QRegularExpression(QStringLiteral("^a batch of (\\d+) texts is too large for (\\S+) \\((.*)\\); splitting it$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("A batch of %1 texts is too large for %2 (%3); it is split").arg(x.captured(1), x.captured(2), x.captured(3)); }},
        {QRegularExpression(QStringLiteral("^SIMULATED: provider simulator on 127\\.0\\.0\\.1:(\\d+) — results are not from real models$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("SIMULATED: provider simulator on 127.0.0.1:%1 — results are not from real models").arg(x.captured(1)); }},
        // Batch mode (core/session/batchrunner.cpp).
        {QRegularExpression(QStringLiteral("^batch: submitting (\\d+) requests \\((\\d+) bytes, ~(\\d+) input tokens\\) to (\\S+)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QLocale l;
             return tr("Batch: submitting %n request(s) to %1 (%2, ~%3 input tokens)", nullptr, x.captured(1).toInt())
                 .arg(x.captured(4), l.formattedDataSize(x.captured(2).toLongLong()), l.toString(x.captured(3).toLongLong()));
         }},
        {QRegularExpression(QStringLiteral("^batch (\\S+): (\\d+) requests submitted to (\\S+)$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("Batch %1: %n request(s) submitted to %2", nullptr, x.captured(2).toInt()).arg(x.captured(1), x.captured(3));
         }},
        {QRegularExpression(QStringLiteral("^batch (\\S+) (\\w+): (\\d+) succeeded, (\\d+) failed, (\\d+) expired, (\\d+) cancelled$")),
         [](const QRegularExpressionMatch &x) -> QString {
             const QLocale l;
             return tr("Batch %1 %2: %3 succeeded, %4 failed, %5 expired, %6 cancelled")
                 .arg(x.captured(1), batchState(x.captured(2)), l.toString(x.captured(3).toLongLong()), l.toString(x.captured(4).toLongLong()),
                      l.toString(x.captured(5).toLongLong()), l.toString(x.captured(6).toLongLong()));
         }},
        {QRegularExpression(QStringLiteral("^batch (\\S+): (\\d+) requests at (\\S+), (\\w+); polling again$")),
         [](const QRegularExpressionMatch &x) -> QString {
             return tr("Batch %1: %n request(s) at %2, %3; polling again", nullptr, x.captured(2).toInt())
                 .arg(x.captured(1), x.captured(3), batchState(x.captured(4)));
         }},
        {QRegularExpression(QStringLiteral("^batch: submission refused \\((.*)\\); trying again$")),
         [](const QRegularExpressionMatch &x) -> QString { return tr("Batch: the provider refused the submission (%1); trying again").arg(x.captured(1)); }},
        {QRegularExpression(QStringLiteral("^warning: (.*)$")), [](const QRegularExpressionMatch &x) -> QString { return tr("Warning: %1").arg(x.captured(1)); }},
        {QRegularExpression(QStringLiteral("^storage: (.*)$")), [](const QRegularExpressionMatch &x) -> QString { return tr("Storage: %1").arg(x.captured(1)); }},
    };
    for (const Shape &s : shapes) {
        const auto x = s.re.match(m);
        if (x.hasMatch())
            return s.word(x);
    }
    return m;
}

QString EngineText::binding(const BindingConstraint &b)
{
    if (b.isLatency())
        return tr("the replies' latency and parallelism: no rate limit makes calls wait");
    return tr("the %1 limit of %2 (queued calls waited %3 on it)").arg(b.limit, b.deploymentId, duration(b.waitedSeconds));
}

QString EngineText::budget(const BudgetVerdict &v)
{
    if (!v.budgetUsd)
        return tr("No budget set (cost_controls.max_budget).");
    const qint64 cap = qint64(std::llround(*v.budgetUsd * 1e6));
    const qint64 available = cap - v.spentMicros;
    const QString of = v.duration.isEmpty()
        ? tr("budget of %1 (%2 spent so far)").arg(money(cap, 2), money(v.spentMicros))
        : tr("budget of %1 per %2 (%3 spent in this period)").arg(money(cap, 2), v.duration, money(v.spentMicros));
    switch (v.status) {
    case BudgetVerdict::Status::NoBudget: return tr("No budget set (cost_controls.max_budget).");
    case BudgetVerdict::Status::Fits: return tr("Fits the %1 even in the worst case.").arg(of);
    case BudgetVerdict::Status::WorstCaseExceeds:
        return tr("The expected cost fits the %1, but the worst case (every reply as long as max_tokens allows) exceeds it by %2: "
                  "the run may stop for the budget.").arg(of, money(v.worstMicros - available));
    case BudgetVerdict::Status::Exceeds: {
        const double share = v.expectedMicros > 0 ? std::max<double>(0, double(available)) / double(v.expectedMicros) : 0;
        return tr("Does not fit the %1: the expected cost exceeds it by %2; the run would stop after about %3 % of its calls.")
            .arg(of, money(v.expectedMicros - available))
            .arg(int(std::floor(share * 100)));
    }
    }
    return {};
}

QString EngineText::recommendationTitle(const Recommendation &r)
{
    const QStringList &a = r.args;
    const QLocale l;
    switch (r.kind) {
    case Recommendation::Kind::AddKey:
        if (a.size() >= 2)
            return tr("Add a second key like %1 (of another organisation or project, with its own quota) to group %2").arg(a[0], a[1]);
        break;
    case Recommendation::Kind::HigherTier:
        if (a.size() >= 2)
            return a[1] == QLatin1String("parallel") ? tr("Allow twice the parallel requests on %1").arg(a[0])
                                                     : tr("Move %1 to a higher usage tier (twice its limits)").arg(a[0]);
        break;
    case Recommendation::Kind::EnableBatching:
        if (a.size() >= 5)
            return tr("Send several texts per call (batching, up to %1 tokens): %2 calls instead of %3, %4 prompt tokens instead of %5")
                .arg(l.toString(a[0].toLongLong()), l.toString(a[1].toLongLong()), l.toString(a[2].toLongLong()),
                     l.toString(a[3].toLongLong()), l.toString(a[4].toLongLong()));
        break;
    case Recommendation::Kind::CheaperModel:
        if (a.size() >= 3)
            return tr("Use %1 instead of %2 for group %3 (same family, list price; same limits and latency assumed)").arg(a[0], a[1], a[2]);
        break;
    }
    return r.title + QStringLiteral(" — ") + r.detail;
}

QString EngineText::recommendationEffect(const Recommendation &r)
{
    const double dt = r.durationSeconds - r.baseDurationSeconds;
    const qint64 dc = r.expectedCostMicros - r.baseExpectedCostMicros;
    QString time;
    if (std::abs(dt) < 1)
        time = tr("takes as long (%1)").arg(duration(r.durationSeconds));
    else if (dt < 0)
        time = tr("faster by %1 (%2 → %3)").arg(duration(-dt), duration(r.baseDurationSeconds), duration(r.durationSeconds));
    else
        time = tr("slower by %1 (%2 → %3)").arg(duration(dt), duration(r.baseDurationSeconds), duration(r.durationSeconds));
    QString cost;
    if (dc == 0)
        cost = tr("costs the same (%1)").arg(money(r.expectedCostMicros));
    else if (dc < 0)
        cost = tr("saves %1 (%2 → %3)").arg(money(-dc), money(r.baseExpectedCostMicros), money(r.expectedCostMicros));
    else
        cost = tr("costs %1 more (%2 → %3)").arg(money(dc), money(r.baseExpectedCostMicros), money(r.expectedCostMicros));
    return tr("%1; %2").arg(time, cost);
}

QString EngineText::tokenMethodName(const QString &m)
{
    if (m == QLatin1String("exact")) return tr("exact");
    if (m == QLatin1String("calibrated")) return tr("calibrated");
    if (m == QLatin1String("factor")) return tr("approximate");
    if (m == QLatin1String("count_tokens")) return tr("counted by the provider");
    if (m == QLatin1String("chars/4")) return tr("rough (characters ÷ 4)");
    if (m == QLatin1String("custom")) return tr("custom tokenizer");
    return m;
}

QString EngineText::batchState(const QString &s)
{
    if (s == QLatin1String("submitting")) return tr("submitting");
    if (s == QLatin1String("validating")) return tr("validating");
    if (s == QLatin1String("in_progress")) return tr("in progress");
    if (s == QLatin1String("finalizing")) return tr("finalizing");
    if (s == QLatin1String("cancelling")) return tr("cancelling");
    if (s == QLatin1String("ended")) return tr("ended");
    if (s == QLatin1String("failed")) return tr("failed");
    if (s == QLatin1String("expired")) return tr("expired");
    if (s == QLatin1String("cancelled")) return tr("cancelled");
    return s;
}

QString EngineText::priceOrigin(const QString &o)
{
    if (o == QLatin1String("config")) return tr("model list");
    if (o == QLatin1String("LiteLLM price map")) return tr("LiteLLM price map");
    if (o == QLatin1String("built-in")) return tr("built-in");
    if (o == QLatin1String("family fallback")) return tr("model family");
    if (o == QLatin1String("unknown")) return tr("unknown");
    return o;
}

QString EngineText::tokenMethodHelp(const QString &m)
{
    if (m == QLatin1String("exact"))
        return tr("Counted with the model's own tokenizer (tiktoken): the prompt tokens are exact.");
    if (m == QLatin1String("calibrated"))
        return tr("Counted with a similar tokenizer and corrected by the ratio learned from earlier replies of this model.");
    if (m == QLatin1String("factor"))
        return tr("Counted with a similar tokenizer times a fixed factor for this provider: expect a few per cent either way. "
                  "It becomes calibrated after a first run.");
    if (m == QLatin1String("count_tokens"))
        return tr("Counted by the provider's token-counting endpoint.");
    if (m == QLatin1String("chars/4"))
        return tr("No tokenizer is known for this model: characters divided by four, a rough guess.");
    if (m == QLatin1String("custom"))
        return tr("Counted with the tokenizer configured for this deployment.");
    return m;
}

} // namespace ui
} // namespace wb
