#include "core/experiment/planner.h"

#include "core/experiment/prompt.h"
#include "core/limits/countingrule.h"
#include "core/pricing/pricing.h"
#include "core/tokenize/tokenestimator.h"

#include <algorithm>

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

QList<QList<int>> packRunTexts(const TokenEstimator &tokens, const ModelList &models, const QString &group, const PriceTable *prices,
                               const Framework &fw, const ExecutionSettings &exec, const QList<const CorpusText *> &texts)
{
    const QList<const Deployment *> deps = models.deploymentsOf(group);
    const QString provider = deps.isEmpty() ? providerPrefix(ProviderKind::OpenAi) : deps.first()->provider;
    const QString model = deps.isEmpty() ? QString() : deps.first()->model;

    // Output: every text of a batch may use max_tokens, and the model has an output ceiling.
    int maxTexts = std::max(1, exec.batching.maxTextsPerBatch);
    qint64 maxOutput = 32768;
    for (const Deployment *d : deps)
        if (prices)
            if (auto p = prices->forDeployment(*d); p && p->maxOutputTokens > 0)
                maxOutput = std::min(maxOutput, p->maxOutputTokens);
    maxTexts = int(std::max<qint64>(1, std::min<qint64>(maxTexts, maxOutput / std::max(1, exec.maxTokens))));

    // Per-minute limits a single call must fit (the smallest of the group, so every deployment can take
    // a batch): OpenAI and Mistral count max_tokens at admission, Anthropic's ITPM and Gemini's TPM count
    // input only. A 10 % margin covers the difference between our count and the provider's.
    qint64 capWithOutput = 0, capInput = exec.batching.maxBatchTokens;
    for (const Deployment *d : deps) {
        const CountingRule rule = countingRuleFor(d->provider);
        const bool inputOnly = rule == CountingRule::Anthropic || rule == CountingRule::Gemini;
        const std::optional<qint64> lim = rule == CountingRule::Anthropic ? d->limits.itpm : d->limits.tpm;
        if (!lim || *lim <= 0)
            continue;
        const qint64 usable = *lim * 9 / 10;
        if (inputOnly)
            capInput = std::min(capInput, usable);
        else
            capWithOutput = capWithOutput == 0 ? usable : std::min(capWithOutput, usable);
    }

    const qint64 fixed = tokens.promptTokens(provider, model, buildScoringRequest(fw, {}, exec)).tokens;
    QList<qint64> textTokens;
    textTokens.reserve(texts.size());
    for (const CorpusText *t : texts) {
        // What one more text adds to a batch prompt: its delimited block and its id in the schema line.
        const QString framed = QStringLiteral("\n<<<TEXT id=%1>>>\n%2\n<<<END TEXT>>>\n\"%1\",").arg(t->id, t->text());
        textTokens.append(tokens.textTokens(provider, model, framed).tokens);
    }
    return packBatches(textTokens, fixed, capInput, maxTexts, capWithOutput, exec.maxTokens);
}

} // namespace wb
