#pragma once
// Pre-flight check that every text fits the context window of a model its run can use
// (docs/ARCHITECTURE.md, "Pre-flight input checks"). A text that fits none would be sent anyway
// and either fail or be billed for a prompt the model cannot read: it is refused before any call.
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/experiment/corpus.h"
#include "core/providers/providertypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <functional>

namespace wb {

class PriceTable;
class TokenEstimator;

/// A text whose prompt is larger than every context window its run can use.
struct OversizedText {
    QString runId, corpus, textId;
    QString model;        ///< provider/model of the largest window the run can use
    qint64 tokens = 0;    ///< the text's single-text prompt, as estimated for that model
    qint64 limit = 0;     ///< that model's max_input_tokens
    QString message() const;
    QJsonObject toJson() const;
};

/// The largest context window a job of `group` can reach: its own deployments and those of its
/// context_window_fallbacks groups (max_input_tokens from the price table or model_info).
/// 0 when any of them is unknown: the check is skipped rather than refusing a text that may fit.
struct ContextLimit {
    qint64 tokens = 0;
    const Deployment *deployment = nullptr;   ///< whose window it is (counts in its tokens)
};
ContextLimit contextLimitFor(const ModelList &models, const PriceTable &prices, const QString &group);

/// The run's single-text prompt for a text (the runner's prompt builder).
using ContextPromptBuilder = std::function<ChatRequest(const CorpusText &)>;
/// Prompt tokens of a request as `deployment`'s provider counts them (the estimate's counter).
using ContextTokenCounter = std::function<qint64(const Deployment &, const ChatRequest &)>;

/// The texts of one run whose single-text prompt exceeds contextLimitFor(run.model). Texts whose
/// hard bound (UTF-8 bytes, core/pricing/tokenbound.h) already fits are never counted, so the
/// check costs a tokenizer pass only for texts near or above the limit.
QList<OversizedText> oversizedTexts(const RunSpec &run, const QList<const CorpusText *> &texts, const ModelList &models,
                                    const PriceTable &prices, const ContextPromptBuilder &prompt,
                                    const ContextTokenCounter &count);
/// The same with the runner's prompt (buildScoringRequest) and the token estimator (null: chars / 4).
QList<OversizedText> oversizedTexts(const RunSpec &run, const Framework &fw, const QList<const CorpusText *> &texts,
                                    const ModelList &models, const PriceTable &prices, const TokenEstimator *tokens,
                                    const ExecutionSettings &exec);

} // namespace wb
