// estimate: the pre-flight report (tokens, cost and duration) before anything is spent.
#include "app/cli/commands.h"

#include "core/experiment/estimateinput.h"
#include "core/experiment/project.h"

#include <QJsonDocument>

namespace wb {

int cmdEstimate(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const ParsedArgs a = parseArgs(args, {QStringLiteral("--config"), QStringLiteral("--experiment"), QStringLiteral("--db"), QStringLiteral("--prices")},
                                   {QStringLiteral("--json"), QStringLiteral("--no-recommendations")});
    if (!a.error.isEmpty() || !a.positional.isEmpty() || a.value(QStringLiteral("--config")).isEmpty()
        || a.value(QStringLiteral("--experiment")).isEmpty()) {
        err << "discernus estimate: " << (a.error.isEmpty() ? QStringLiteral("--config and --experiment are required") : a.error)
            << "\nusage: discernus estimate --config C --experiment E [--db D] [--prices LITELLM_JSON] [--json]\n"
               "  --db D   use the calibration, output lengths and spend recorded in an earlier run's database\n"
               "  --prices F  merge LiteLLM's model_prices_and_context_window.json over the built-in prices\n";
        return 2;
    }
    const QString configPath = a.value(QStringLiteral("--config"));
    auto project = loadProject(configPath, a.value(QStringLiteral("--experiment")));
    if (!project) {
        err << "discernus estimate: " << project.error().toString() << '\n';
        return 2;
    }
    for (const QString &w : std::as_const(project->warnings))
        err << "warning: " << w << '\n';
    auto ctx = prepareEstimate(*project, configPath, a.value(QStringLiteral("--db")));
    if (!ctx) {
        err << "discernus estimate: " << ctx.error().toString() << '\n';
        return 2;
    }
    ctx->input.recommendations = !a.has(QStringLiteral("--no-recommendations"));
    if (const QString pm = a.value(QStringLiteral("--prices")); !pm.isEmpty()) {
        if (auto n = ctx->input.prices.importLiteLlm(pm); !n) {
            err << "discernus estimate: " << n.error().toString() << '\n';
            return 2;
        }
    }
    auto report = estimateExperiment(ctx->input);
    if (!report) {
        err << "discernus estimate: " << report.error().toString() << '\n';
        return 2;
    }
    if (a.has(QStringLiteral("--json")))
        out << QJsonDocument(report->toJson()).toJson(QJsonDocument::Indented);
    else
        out << report->toText();
    out.flush();
    if (project->models.simulator.enabled)
        err << "SIMULATED: this model list points at the built-in provider simulator; durations use its latency\n";
    return 0;
}

} // namespace wb
