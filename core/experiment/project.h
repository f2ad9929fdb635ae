#pragma once
// Everything a run or an estimate needs, loaded and cross-checked in one go.
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/experiment/corpus.h"
#include "core/sim/providersimulator.h"

#include <memory>

#include <QHash>
#include <QStringList>

namespace wb {

struct LoadedProject {
    ModelList models;
    ExperimentConfig experiment;
    QHash<QString, Framework> frameworks;            ///< by id
    QHash<QString, QList<CorpusText>> corpora;       ///< by corpus id
    QStringList warnings;
    /// Effective budget: the experiment's cost_controls win over the model list's.
    CostControls costControls() const;
    qint64 textCount() const;
};

/// Loads model list, experiment, frameworks and corpora; validates references.
Result<LoadedProject> loadProject(const QString &configPath, const QString &experimentPath);

/// True when the host of url is a loopback address (127.0.0.0/8, localhost, ::1).
bool isLoopbackUrl(const QString &url);
/// Replaces the port of loopback api_bases that use `fromPort` (or no port) with `toPort`.
void retargetLoopback(ModelList &models, int fromPort, int toPort);
/// Every deployment points at a loopback server and the list asks for the simulator.
bool isSimulated(const ModelList &models);

/// Deployments that use the same key for the same model at the same endpoint but are not in one
/// rate_limit_pool: the provider counts them against one quota while the router would count them
/// twice. One warning per such set (naming deployments, never keys).
QStringList sharedQuotaWarnings(const ModelList &models);

/// Starts the simulator on `port`; if that port is taken, on any free one (the caller then
/// retargets the model list's loopback api_bases to sim->port()).
Result<std::unique_ptr<ProviderSimulator>> startSimulator(SimConfig cfg, quint16 port);
/// The simulator config a model list asks for (its `discernus.simulator.limits` file, or
/// accept-any-key, no limits). Relative paths are resolved against the model list's folder.
Result<SimConfig> simulatorConfigFor(const ModelList &models, const QString &modelListPath);

} // namespace wb
