#include "core/experiment/project.h"

#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QMap>
#include <QUrl>

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
    if (auto ok = validateExperimentAgainst(p.experiment, p.models); !ok)
        return std::unexpected(ok.error());
    p.warnings = p.models.warnings + p.experiment.warnings + sharedQuotaWarnings(p.models);

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
        auto texts = loadCorpus(src);
        if (!texts)
            return std::unexpected(texts.error());
        p.corpora.insert(src.id, *texts);
    }
    return p;
}

bool isLoopbackUrl(const QString &url)
{
    const QUrl u(url);
    const QString host = u.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

void retargetLoopback(ModelList &models, int fromPort, int toPort)
{
    for (Deployment &d : models.deployments) {
        if (d.apiBase.isEmpty() || !isLoopbackUrl(d.apiBase))
            continue;
        QUrl u(d.apiBase);
        if (u.port(-1) == fromPort || u.port(-1) == -1 || fromPort == 0) {
            u.setPort(toPort);
            d.apiBase = u.toString();
        }
    }
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

bool isSimulated(const ModelList &models)
{
    if (models.deployments.isEmpty())
        return false;
    for (const Deployment &d : models.deployments)
        if (d.apiBase.isEmpty() || !isLoopbackUrl(d.apiBase))
            return false;
    return models.simulator.enabled;
}

Result<std::unique_ptr<ProviderSimulator>> startSimulator(SimConfig cfg, quint16 port)
{
    cfg.port = port;
    auto sim = std::make_unique<ProviderSimulator>(cfg);
    if (sim->start())
        return sim;
    cfg.port = 0;
    sim = std::make_unique<ProviderSimulator>(cfg);
    if (auto p = sim->start(); !p)
        return std::unexpected(p.error());
    return sim;
}

Result<SimConfig> simulatorConfigFor(const ModelList &models, const QString &modelListPath)
{
    if (models.simulator.limitsFile.isEmpty()) {
        SimConfig cfg;
        cfg.acceptAnyKey = true;
        return cfg;
    }
    QString lf = models.simulator.limitsFile;
    if (QFileInfo(lf).isRelative())
        lf = QFileInfo(modelListPath).absoluteDir().filePath(lf);
    return loadSimConfig(lf);
}

} // namespace wb
