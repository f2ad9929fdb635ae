#include "core/session/estimateinput.h"

#include "core/common/logging.h"
#include "core/config/duration.h"
#include "core/experiment/planner.h"
#include "core/experiment/prompt.h"
#include "core/session/learnedlimits.h"
#include "core/session/simsession.h"
#include "core/storage/resultstore.h"
#include "core/tokenize/tokenestimator.h"

#include <QDateTime>
#include <QFileInfo>

namespace wb {

namespace {

/// The runner's prompt builder and batch packer take pointers to corpus texts.
template <typename Fn>
auto withCorpusTexts(const QList<EstimateText> &texts, Fn fn)
{
    QList<const CorpusText *> ptrs;
    ptrs.reserve(texts.size());
    for (const EstimateText &t : texts)
        ptrs.append(&t);
    return fn(ptrs);
}

} // namespace

Result<EstimateContext> prepareEstimate(const LoadedProject &project, const QString &dbPath, const QString &learnedLimitsPath)
{
    EstimateContext ctx;
    ctx.tokens = std::make_shared<TokenEstimator>();
    EstimateInput &in = ctx.input;
    in.models = project.models;
    in.experiment = project.experiment;
    for (const Framework &fw : project.frameworks)
        in.frameworks.append(fw);
    for (const CorpusSource &src : project.experiment.corpus)
        for (const CorpusText &t : project.corpora.value(src.id))
            in.texts.append(t);

    const ExecutionSettings exec = project.experiment.execution;
    in.buildPrompt = [exec](const RunSpec &, const Framework &fw, const QList<EstimateText> &texts) {
        return withCorpusTexts(texts, [&](const QList<const CorpusText *> &ptrs) { return buildScoringRequest(fw, ptrs, exec); });
    };
    const ModelList models = project.models;
    std::shared_ptr<TokenEstimator> tokens = ctx.tokens;
    const PriceTable prices = in.prices;
    in.packBatches = [exec, models, tokens, prices](const RunSpec &run, const Framework &fw, const QList<EstimateText> &texts) {
        return withCorpusTexts(texts, [&](const QList<const CorpusText *> &ptrs) {
            return packRunTexts(*tokens, models, run.model, &prices, fw, exec, ptrs);
        });
    };

    // What earlier runs taught: token calibration, output length, spend in this budget period.
    if (!dbPath.isEmpty() && QFileInfo::exists(dbPath)) {
        ResultStore store;
        if (auto ok = store.open(dbPath); !ok)
            return std::unexpected(ok.error());
        if (auto cals = store.calibrations())
            for (const auto &c : *cals)
                ctx.tokens->setFactor(c.provider, c.model, c.factor, c.samples);
        if (auto means = store.meanCompletionTokensPerText())
            in.meanOutputTokensPerText = *means;
        const CostControls cc = project.costControls();
        QDateTime since = QDateTime::fromSecsSinceEpoch(0);
        if (auto secs = parseDurationSeconds(cc.budgetDuration); secs && *secs > 0)
            since = QDateTime::currentDateTimeUtc().addSecs(-*secs);
        if (auto spent = store.spendSince(since))
            in.spentMicros = *spent;
    }
    in.tokens = ctx.tokens.get();

    // What earlier runs learned of the providers' limits (docs/ARCHITECTURE.md, "Learned limits
    // for the estimate"); the estimator uses them where the model list configures none.
    if (!learnedLimitsPath.isEmpty()) {
        LearnedLimitStore store(learnedLimitsPath);
        if (auto ok = store.load(); !ok)
            qCWarning(lcExperiment).noquote() << "learned limits ignored:" << ok.error().toString();
        for (const Deployment &d : project.models.deployments)
            if (const LearnedLimits *l = store.find(d))
                in.learnedLimits.insert(d.id, LearnedDeploymentLimits{l->limits, double(l->windowMs) / 1000.0, l->learnedAt, l->pool,
                                                                      l->dayRequests, l->dayTokens, l->dayResetsAt,
                                                                      l->quotaUntil, l->quotaWhat, l->counting});
    }

    // Against the simulator, its configured latency is the latency.
    if (project.models.simulator.enabled) {
        auto cfg = simulatorConfigFor(project.models);
        if (!cfg)
            return std::unexpected(cfg.error());
        in.latency.baseSeconds = cfg->latencyMs / 1000.0;
        in.latency.perOutputTokenSeconds = cfg->latencyPerOutputTokenMs / 1000.0;
    }
    return ctx;
}

} // namespace wb
