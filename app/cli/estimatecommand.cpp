// estimate: the pre-flight report (tokens, cost and duration) before anything is spent.
#include "app/cli/commands.h"
#include "app/cli/verbparser.h"

#include "app/cli/untilfinished.h"
#include "core/experiment/counttokens.h"
#include "core/session/estimateinput.h"
#include "core/session/keyresolution.h"
#include "core/session/learnedlimits.h"
#include "core/session/project.h"
#include "core/session/simsession.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace wb {

namespace {

constexpr int kDefaultCountTokensSample = 8;

/// `--count-tokens [N]` / `--count-tokens=N`: the optional count is taken out before parsing, as
/// QCommandLineParser knows only options that always or never take a value. Returns 0 when absent, -1 on a bad N.
int takeCountTokens(QStringList &args)
{
    int n = 0;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        if (a == QLatin1String("--count-tokens")) {
            n = kDefaultCountTokensSample;
            args.removeAt(i);
            bool ok = false;
            if (i < args.size()) {
                const int v = args[i].toInt(&ok);
                if (ok) {
                    args.removeAt(i);
                    n = v > 0 ? v : -1;
                }
            }
            --i;
        } else if (a.startsWith(QLatin1String("--count-tokens="))) {
            bool ok = false;
            const int v = a.mid(15).toInt(&ok);
            n = ok && v > 0 ? v : -1;
            args.removeAt(i--);
        }
    }
    return n;
}

QJsonObject outcomeJson(const CountTokensOutcome &o)
{
    QJsonObject j{{QStringLiteral("deployment"), o.deploymentId},
                  {QStringLiteral("group"), o.modelName},
                  {QStringLiteral("provider"), o.provider},
                  {QStringLiteral("model"), o.model},
                  {QStringLiteral("requested"), o.requested},
                  {QStringLiteral("counted"), o.counted},
                  {QStringLiteral("base_tokens"), o.baseTokens},
                  {QStringLiteral("exact_tokens"), o.exactTokens}};
    if (o.counted > 0)
        j.insert(QStringLiteral("factor"), o.factor());
    if (!o.error.isEmpty())
        j.insert(QStringLiteral("error"), o.error);
    return j;
}

} // namespace

int cmdEstimate(const QStringList &argsIn, QTextStream &out, QTextStream &err)
{
    QStringList args = argsIn;
    const int countSample = takeCountTokens(args);
    if (countSample < 0) {
        err << "discernus estimate: --count-tokens expects a positive number of prompts per run\n";
        return 2;
    }
    VerbArgs a(u"estimate");
    if (!a.parse(args, out, err))
        return a.exitCode();
    const QString configPath = a.value(QStringLiteral("--config"));
    auto project = loadProject(configPath, a.value(QStringLiteral("--experiment")));
    if (!project) {
        err << "discernus estimate: " << project.error().toString() << '\n';
        return 2;
    }
    for (const QString &w : std::as_const(project->warnings))
        err << "warning: " << w << '\n';
    // Counting talks to the providers: against the simulator, start it as test-connections does.
    SimSession sim;
    if (countSample > 0) {
        auto started = SimSession::startFor(project->models);
        if (!started) {
            err << "discernus estimate: " << started.error().toString() << '\n';
            return 2;
        }
        sim = std::move(*started);
    }
    auto ctx = prepareEstimate(*project, a.value(QStringLiteral("--db")), LearnedLimitStore::defaultPath());
    if (!ctx) {
        err << "discernus estimate: " << ctx.error().toString() << '\n';
        return 2;
    }
    QJsonArray countJson;
    if (countSample > 0) {
        KeyResolveJob keyJob(ctx->input.models);
        keyJob.start();
        runUntil(&keyJob, &KeyResolveJob::finished);
        QHash<QString, QString> keyErrors;
        const QHash<QString, QString> keys = keyJob.availableKeys(&keyErrors);
        const CountTokensPlan plan = planCountTokens(ctx->input, keys, countSample);
        CountTokens counter(ctx->input.models, keys, ctx->tokens);
        counter.addSamples(plan.samples);
        counter.start();
        runUntil(&counter, &CountTokens::finished);
        for (const CountTokensOutcome &o : counter.outcomes()) {
            QJsonObject j = outcomeJson(o);
            // The resolver's message says why there is no key (never the key itself).
            if (o.error == QLatin1String("no API key") && keyErrors.contains(o.deploymentId))
                j.insert(QStringLiteral("error"), keyErrors.value(o.deploymentId));
            countJson.append(j);
            err << "count_tokens: " << o.deploymentId << " (" << o.provider << '/' << o.model << "): ";
            if (o.counted > 0)
                err << o.counted << '/' << o.requested << " prompts counted, " << o.exactTokens << " tokens, factor "
                    << QString::number(o.factor(), 'f', 4) << " over o200k";
            if (!o.error.isEmpty())
                err << (o.counted > 0 ? "; " : "") << "failed: " << j.value(QStringLiteral("error")).toString()
                    << " (the estimate keeps its factor)";
            err << '\n';
        }
        for (const QString &id : plan.skippedDeployments)
            countJson.append(QJsonObject{{QStringLiteral("deployment"), id}, {QStringLiteral("skipped"), true},
                                         {QStringLiteral("error"), QStringLiteral("no count-tokens endpoint")}});
        if (plan.samples.isEmpty())
            err << "count_tokens: no run uses a model with a count-tokens endpoint (Anthropic, Gemini)\n";
    }
    sim.stop();
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
    if (a.has(QStringLiteral("--json"))) {
        QJsonObject j = report->toJson();
        if (countSample > 0)
            j.insert(QStringLiteral("count_tokens"), countJson);
        out << QJsonDocument(j).toJson(QJsonDocument::Indented);
    } else {
        out << report->toText();
        if (countSample > 0) {
            out << "\nToken counts per run:\n";
            for (const RunEstimate &e : std::as_const(report->planned.runs))
                out << "  " << e.runId << "  " << e.provider << '/' << e.model << "  " << e.tokenMethod << '\n';
        }
    }
    out.flush();
    if (isSimulated(project->models))
        err << "SIMULATED: this model list points at the built-in provider simulator; durations use its latency\n";
    return 0;
}

} // namespace wb
