#include "core/session/project.h"

#include <QMap>
#include <QSet>

namespace wb {

CostControls LoadedProject::costControls() const
{
    CostControls c = models.costControls;
    if (experiment.costControls.maxBudget)
        c.maxBudget = experiment.costControls.maxBudget;
    if (!experiment.costControls.budgetDuration.isEmpty())
        c.budgetDuration = experiment.costControls.budgetDuration;
    return c;
}

qint64 LoadedProject::textCount() const
{
    qint64 n = 0;
    for (const auto &c : corpora)
        n += c.size();
    return n;
}

Result<LoadedProject> loadProject(const QString &configPath, const QString &experimentPath)
{
    LoadedProject p;
    auto models = loadModelList(configPath);
    if (!models)
        return std::unexpected(models.error());
    p.models = std::move(*models);
    auto exp = loadExperiment(experimentPath);
    if (!exp)
        return std::unexpected(exp.error());
    p.experiment = std::move(*exp);
    p.warnings = p.models.warnings;
    // Aliases and wildcard groups become the concrete groups the runs name (docs/FORMATS.md).
    if (auto ok = resolveRunModels(p.experiment, p.models); !ok)
        return std::unexpected(ok.error());
    p.warnings += p.experiment.warnings + sharedQuotaWarnings(p.models);

    for (const FrameworkRef &ref : std::as_const(p.experiment.frameworks)) {
        auto fw = loadFramework(ref.path);
        if (!fw)
            return std::unexpected(fw.error());
        fw->id = ref.id;   // the experiment's id is what runs refer to
        p.frameworks.insert(ref.id, *fw);
    }
    QSet<QString> used;
    for (const RunSpec &r : std::as_const(p.experiment.execution.matrix))
        used.insert(r.corpus);
    for (const CorpusSource &src : std::as_const(p.experiment.corpus)) {
        if (!used.contains(src.id))
            continue;   // not needed by any run: don't read it
        auto texts = loadCorpus(src, &p.warnings);
        if (!texts)
            return std::unexpected(texts.error());
        p.corpora.insert(src.id, *texts);
    }
    return p;
}

QStringList sharedQuotaWarnings(const ModelList &models)
{
    QMap<QString, QStringList> byQuota;
    for (const Deployment &d : models.deployments)
        if (!d.keyRef.isEmpty())
            byQuota[d.effectiveApiBase() + u'\n' + d.keyRef + u'\n' + d.provider + u'/' + d.model + u'\n' + d.rateLimitPool].append(d.id);
    QStringList out;
    for (auto it = byQuota.cbegin(); it != byQuota.cend(); ++it)
        if (it.value().size() > 1 && it.key().endsWith(u'\n'))   // same key, no pool
            out << QStringLiteral("%1 use the same key for the same model: the provider counts them against one quota; "
                                  "give them the same model_info.rate_limit_pool so the router does too")
                       .arg(it.value().join(QStringLiteral(", ")));
    return out;
}

} // namespace wb
