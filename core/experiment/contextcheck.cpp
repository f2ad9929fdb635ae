#include "core/experiment/contextcheck.h"

#include "core/experiment/prompt.h"
#include "core/pricing/pricing.h"
#include "core/pricing/tokenbound.h"
#include "core/tokenize/tokenestimator.h"
#include "core/limits/countingrule.h"

#include <QLocale>
#include <QSet>

namespace wb {

QString OversizedText::message() const
{
    const QLocale c = QLocale::c();
    return QStringLiteral("text %1/%2 (run %3): about %4 prompt tokens, more than the %5-token context window of %6")
        .arg(corpus, textId, runId, c.toString(tokens), c.toString(limit), model);
}

QJsonObject OversizedText::toJson() const
{
    return {{QStringLiteral("run_id"), runId},   {QStringLiteral("corpus"), corpus},
            {QStringLiteral("text_id"), textId}, {QStringLiteral("model"), model},
            {QStringLiteral("tokens"), tokens},  {QStringLiteral("limit"), limit}};
}

ContextLimit contextLimitFor(const ModelList &models, const PriceTable &prices, const QString &group)
{
    QStringList groups{group};
    for (const QString &g : models.router.contextWindowFallbacks.value(group))
        if (!groups.contains(g))
            groups << g;
    ContextLimit best;
    for (const Deployment &d : models.deployments) {
        if (!groups.contains(d.modelName))
            continue;
        const std::optional<ModelPrice> p = prices.forDeployment(d);
        const qint64 window = p ? p->contextWindow : d.price.maxInputTokens.value_or(0);   // model_info wins (forDeployment)
        if (window <= 0)
            return {};   // one window unknown: it may be large enough
        if (window > best.tokens)
            best = {window, &d};
    }
    return best;
}

QList<OversizedText> oversizedTexts(const RunSpec &run, const QList<const CorpusText *> &texts, const ModelList &models,
                                    const PriceTable &prices, const ContextPromptBuilder &prompt,
                                    const ContextTokenCounter &count)
{
    QList<OversizedText> out;
    const ContextLimit limit = contextLimitFor(models, prices, run.model);
    if (limit.tokens <= 0 || !limit.deployment || texts.isEmpty())
        return out;
    const Deployment &d = *limit.deployment;
    // The prompt around a text: what a single-text prompt adds to the text's own bytes.
    const CorpusText &first = *texts.first();
    const qint64 frameBound = promptTokenBound(prompt(CorpusText{first.corpus, first.id, QString(), {}}));
    for (const CorpusText *t : texts) {
        if (frameBound + t->bytes() <= limit.tokens)
            continue;   // fits even if every byte were a token
        const qint64 n = count(d, prompt(*t));
        if (n > limit.tokens)
            out.append({run.runId, t->corpus, t->id, d.provider + u'/' + d.model, n, limit.tokens});
    }
    return out;
}

QList<OversizedText> oversizedTexts(const RunSpec &run, const Framework &fw, const QList<const CorpusText *> &texts,
                                    const ModelList &models, const PriceTable &prices, const TokenEstimator *tokens,
                                    const ExecutionSettings &exec)
{
    return oversizedTexts(
        run, texts, models, prices, [&](const CorpusText &t) { return buildScoringRequest(fw, {&t}, exec); },
        [tokens](const Deployment &d, const ChatRequest &req) {
            return tokens ? tokens->promptTokens(d.provider, d.model, req).tokens : charsToTokens(requestChars(req));
        });
}

} // namespace wb
