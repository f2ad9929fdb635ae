#pragma once
// What the runner will send for one text under one framework to one model group, built by the
// runner's own prompt builder (buildScoringRequest) and counted and priced like the estimator
// counts and prices it, so what a researcher previews is what a run sends (docs/ARCHITECTURE.md,
// "Prompt preview").
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/experiment/corpus.h"
#include "core/providers/providertypes.h"

#include <optional>

namespace wb {

class PriceTable;
class TokenEstimator;

struct PromptPreview {
    ChatRequest request;            ///< system and user parts, temperature, max_tokens as sent
    QString deploymentId;           ///< the group's first deployment (the one counted and priced)
    QString provider;
    QString model;
    qint64 promptTokens = 0;        ///< input tokens as the provider will count them
    QString countMethod;            ///< "exact" | "calibrated" | "factor" | "count-tokens endpoint"
    std::optional<qint64> inputCostMicros;   ///< the prompt at the deployment's input price; none when unpriced
    std::optional<qint64> maxCostMicros;     ///< the prompt plus a reply of max_tokens
    QString priceSource;            ///< where the price comes from ("built-in", "config", ...)
};

/// The request for `text` (one text, not batched) under `fw` to model group `modelGroup` of
/// `models`. Fails naming the group when the model list has no deployment for it.
Result<PromptPreview> previewPrompt(const ModelList &models, const Framework &fw, const ExecutionSettings &exec,
                                    const CorpusText &text, const QString &modelGroup, const PriceTable &prices,
                                    const TokenEstimator &tokens);

} // namespace wb
