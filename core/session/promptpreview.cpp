#include "core/session/promptpreview.h"

#include "core/experiment/prompt.h"
#include "core/pricing/pricing.h"
#include "core/tokenize/tokenestimator.h"

namespace wb {

Result<PromptPreview> previewPrompt(const ModelList &models, const Framework &fw, const ExecutionSettings &exec,
                                    const CorpusText &text, const QString &modelGroup, const PriceTable &prices,
                                    const TokenEstimator &tokens)
{
    const QList<const Deployment *> deps = models.deploymentsOf(modelGroup);
    const Deployment *d = nullptr;
    for (const Deployment *x : deps)
        if (!x->wildcard) {
            d = x;
            break;
        }
    if (!d)
        return fail(QStringLiteral("the model list has no callable deployment for model group \"%1\"").arg(modelGroup));
    PromptPreview p;
    p.request = buildScoringRequest(fw, {&text}, exec);
    p.deploymentId = d->id;
    p.provider = d->provider;
    p.model = d->model;
    const TokenCount c = tokens.promptTokens(d->provider, d->model, p.request);
    p.promptTokens = c.tokens;
    p.countMethod = countMethodName(c.method);
    const PriceQuote q = prices.quote(*d);
    if (q.price) {
        Usage u;
        u.promptTokens = p.promptTokens;
        u.reported = true;
        p.inputCostMicros = costMicros(*q.price, u);
        u.completionTokens = p.request.maxTokens;
        p.maxCostMicros = costMicros(*q.price, u);
    }
    p.priceSource = priceOriginName(q.origin);
    return p;
}

} // namespace wb
