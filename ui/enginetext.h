#pragma once
// The engine's messages and values in the researcher's language: run events, wait reasons,
// the estimate's binding constraint, budget verdict and recommendations, money and axis ticks.
// The engine keeps English text for its logs and the CLI; the GUI words the same facts itself
// from the structured fields (wait reason, verdict status, recommendation args), and run events,
// which are plain lines, through a table of their known shapes (unknown lines pass unchanged).
#include "core/experiment/estimatereport.h"
#include "core/router/routertypes.h"

#include <QCoreApplication>
#include <QString>

namespace wb {
namespace ui {

/// Ticks for a value axis from 0: a 1-2-2.5-5 step, at most `maxTicks` ticks.
struct NiceAxis {
    double max = 1;
    double step = 1;
    int ticks = 2;
    int decimals = 0;   ///< enough to tell the ticks apart
};
NiceAxis niceAxis(double maxValue, int maxTicks = 6);

class EngineText final {
    Q_DECLARE_TR_FUNCTIONS(wb::ui::EngineText)
public:
    /// "$0.07" / "0,07 $" (QLocale's currency format, US dollars). decimals -1: 2, or 4 below 10 cents.
    static QString money(qint64 micros, int decimals = -1);
    static QString moneyUsd(double usd, int decimals = -1);
    /// "41 s", "3 min 05 s", "1 h 02 min".
    static QString duration(double seconds);
    /// What a deployment waits for and until when ("tpm window: next call in 41 s"); empty when
    /// it is not waiting. nowMs: epoch ms.
    static QString waitReason(const DeploymentSnapshot &d, qint64 nowMs);
    /// A run event line from the engine (Router / runner), translated when its shape is known.
    static QString event(const QString &engineMessage);
    /// "tpm of deployment X (queued calls waited 41 s on it)".
    static QString binding(const BindingConstraint &b);
    static QString budget(const BudgetVerdict &v);
    /// Title and detail of a recommendation, and what it does to time and money.
    static QString recommendationTitle(const Recommendation &r);
    static QString recommendationEffect(const Recommendation &r);
    /// The token-counting method, named and explained (for a tooltip).
    static QString tokenMethodName(const QString &method);
    static QString tokenMethodHelp(const QString &method);
    /// A provider batch's state (core's batches.state: "in_progress", "ended", …), in words.
    static QString batchState(const QString &state);
    /// Where a price comes from (core's priceOriginName: "config", "built-in", …), in words.
    static QString priceOrigin(const QString &originName);
};

} // namespace ui
} // namespace wb
