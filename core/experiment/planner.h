#pragma once
// Plans an experiment's matrix into deterministic jobs: (run, text, repetition), in matrix order,
// texts sorted by id, repetitions ascending. The same inputs always give the same keys.
#include "core/config/experimentconfig.h"
#include "core/experiment/corpus.h"
#include "core/storage/resultstore.h"

#include <QHash>
#include <QList>

namespace wb {

struct PlannedRun {
    RunSpec spec;
    const Framework *framework = nullptr;
    QList<CorpusText> texts;
    int repetitions = 1;
};

QString jobKey(const QString &runId, const QString &corpus, const QString &textId, int repetition);

QList<PlannedRun> planRuns(const ExperimentConfig &exp, const QHash<QString, Framework> &frameworks,
                           const QHash<QString, QList<CorpusText>> &corpora);
QList<JobRow> planJobs(const QList<PlannedRun> &runs);

class TokenEstimator;
class PriceTable;
/// Token-exact packing of a run's texts into batches (indices into `texts`), as the provider of the
/// group's first deployment counts: the fixed part of the prompt once, each text with its framing.
/// Batches also stay sendable: texts x max_tokens within the model's output limit, and prompt (plus
/// max_tokens where the provider counts it at admission) within the smallest per-minute token limit of
/// the group. The runner and the estimate use this one function, so the estimate counts the calls
/// the run makes.
QList<QList<int>> packRunTexts(const TokenEstimator &tokens, const ModelList &models, const QString &group, const PriceTable *prices,
                               const Framework &fw, const ExecutionSettings &exec, const QList<const CorpusText *> &texts);

} // namespace wb
