#pragma once
// Everything a run or an estimate needs, loaded and cross-checked in one go (docs/ARCHITECTURE.md:
// core/session is the composition root; core/experiment holds the domain it composes).
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/experiment/corpus.h"

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

/// Deployments that use the same key for the same model at the same endpoint but are not in one
/// rate_limit_pool: the provider counts them against one quota while the router would count them
/// twice. One warning per such set (naming deployments, never keys).
QStringList sharedQuotaWarnings(const ModelList &models);

} // namespace wb
