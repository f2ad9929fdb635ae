#include "core/experiment/planner.h"

#include "core/experiment/prompt.h"
#include "core/tokenize/tokenestimator.h"

namespace wb {

QString jobKey(const QString &runId, const QString &corpus, const QString &textId, int repetition)
{
    return runId + u'|' + corpus + u'/' + textId + u'|' + QString::number(repetition);
}

QList<PlannedRun> planRuns(const ExperimentConfig &exp, const QHash<QString, Framework> &frameworks,
                           const QHash<QString, QList<CorpusText>> &corpora)
{
    QList<PlannedRun> out;
    for (const RunSpec &spec : exp.execution.matrix) {
        PlannedRun r;
        r.spec = spec;
        auto fw = frameworks.constFind(spec.framework);
        r.framework = fw == frameworks.cend() ? nullptr : &fw.value();
        r.texts = selectTexts(corpora.value(spec.corpus), spec);
        r.repetitions = spec.repetitions.value_or(exp.execution.repetitions);
        out.append(r);
    }
    return out;
}

QList<JobRow> planJobs(const QList<PlannedRun> &runs)
{
    QList<JobRow> jobs;
    for (const PlannedRun &r : runs)
        for (int rep = 1; rep <= r.repetitions; ++rep)
            for (const CorpusText &t : r.texts) {
                JobRow j;
                j.key = jobKey(r.spec.runId, t.corpus, t.id, rep);
                j.runId = r.spec.runId;
                j.corpus = t.corpus;
                j.textId = t.id;
                j.repetition = rep;
                jobs.append(j);
            }
    return jobs;
}

QList<QList<int>> packRunTexts(const TokenEstimator &tokens, const QString &provider, const QString &model, const Framework &fw,
                               const ExecutionSettings &exec, const QList<const CorpusText *> &texts)
{
    const qint64 fixed = tokens.promptTokens(provider, model, buildScoringRequest(fw, {}, exec)).tokens;
    QList<qint64> textTokens;
    textTokens.reserve(texts.size());
    for (const CorpusText *t : texts) {
        // What one more text adds to a batch prompt: its delimited block and its id in the schema line.
        const QString framed = QStringLiteral("\n<<<TEXT id=%1>>>\n%2\n<<<END TEXT>>>\n\"%1\",").arg(t->id, t->text);
        textTokens.append(tokens.textTokens(provider, model, framed).tokens);
    }
    return packBatches(textTokens, fixed, exec.batching.maxBatchTokens, exec.batching.maxTextsPerBatch);
}

} // namespace wb
