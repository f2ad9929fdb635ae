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

} // namespace wb
