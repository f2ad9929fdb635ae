#pragma once
// Corpus sources: a folder of .txt (id = file stem), a .txt file, .csv (id,text) or .jsonl ({id,text}).
#include "core/common/result.h"
#include "core/config/experimentconfig.h"

#include <QList>
#include <QString>

namespace wb {

struct CorpusText {
    QString corpus;
    QString id;
    QString text;
    QString sha256;   ///< hex of the UTF-8 bytes
};

/// Reads every text of a source; a file that isn't valid UTF-8 is an error naming it (and the line for
/// CSV/JSONL). Texts are returned sorted by id so plans are deterministic. CSV and JSONL files are
/// read line by line, so memory beyond the texts themselves is bounded by the longest line. Empty
/// or whitespace-only texts are left out, with one warning per source appended to `warnings`.
Result<QList<CorpusText>> loadCorpus(const CorpusSource &source, QStringList *warnings = nullptr);
/// Applies a run's include globs and limit.
QList<CorpusText> selectTexts(const QList<CorpusText> &all, const RunSpec &run);

} // namespace wb
