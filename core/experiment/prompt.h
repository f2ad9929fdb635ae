#pragma once
// Scoring prompts (framework + texts) and the validation of replies against the framework.
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/experiment/corpus.h"
#include "core/providers/providertypes.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace wb {

/// One text or a batch of texts (then the reply is a JSON array in text order).
ChatRequest buildScoringRequest(const Framework &fw, const QList<const CorpusText *> &texts, const ExecutionSettings &exec);
/// The follow-up when a reply failed validation: the same request with the problem spelled out.
ChatRequest buildReaskRequest(const ChatRequest &original, const QString &problem);

struct DimensionScore {
    QString dimension;
    double score = 0;
    QString evidence;
};

struct TextScores {
    QString textId;
    QList<DimensionScore> scores;   ///< in framework order
};

struct ParsedScores {
    QList<TextScores> valid;        ///< texts whose scores passed validation
    QHash<QString, QString> invalid;   ///< text id -> problem (missing, out of range, ...)
};

/// Validates a model reply for the given texts. Tolerates code fences and prose around the JSON.
/// A single text expects an object (an array with one object is accepted); several, an array in
/// order (objects may carry "text_id"; then order does not matter).
ParsedScores parseScores(const Framework &fw, const QStringList &textIds, const QString &reply);

/// Packs texts into batches of at most maxBatchTokens prompt tokens and maxTexts texts (token-exact:
/// tokensOf gives each text's count). A text larger than the limit goes alone.
/// With capWithOutput > 0, a batch also keeps prompt + texts x outputPerText within it (a per-minute
/// token limit that counts max_tokens at admission).
QList<QList<int>> packBatches(const QList<qint64> &textTokens, qint64 fixedTokens, qint64 maxBatchTokens, int maxTexts,
                              qint64 capWithOutput = 0, qint64 outputPerText = 0);

} // namespace wb
