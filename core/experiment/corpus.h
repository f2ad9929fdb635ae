#pragma once
// Corpus sources: a folder of .txt (id = file stem), a .txt file, .csv (id,text) or .jsonl ({id,text}).
#include "core/common/result.h"
#include "core/config/experimentconfig.h"

#include <QList>
#include <QString>

#include <memory>

namespace wb {

struct CorpusFile;

/// One text of a corpus. A text loaded from a corpus source holds only where it lives in its file
/// (byte offset and length) plus its sizes and SHA-256; its content is read again from the file when
/// `text()` is asked for, so memory stays bounded by the largest text, not by the corpus
/// (docs/ARCHITECTURE.md, "Corpus texts"). A text built from a string holds that string.
class CorpusText {
public:
    CorpusText() = default;
    /// A text held in memory (probes, tests, the estimator's callers).
    CorpusText(QString corpus, QString id, QString text, QString sha256 = {});

    QString corpus;
    QString id;
    QString sha256;   ///< hex of the UTF-8 bytes (empty for a text built from a string without one)

    /// The content: the held string, or read and decoded from the source file on each call (safe
    /// from any thread). Should the file have changed since it was loaded, a warning is logged
    /// and what the file now holds there is returned.
    QString text() const;
    qsizetype chars() const { return m_chars; }   ///< UTF-16 code units of the content
    qint64 bytes() const { return m_bytes; }      ///< UTF-8 bytes of the content
    /// False for a text whose content stays in its file until `text()` reads it.
    bool isHeld() const { return !m_file; }

private:
    friend struct CorpusTextAccess;
    QString m_text;
    qsizetype m_chars = 0;
    qint64 m_bytes = 0;
    std::shared_ptr<const CorpusFile> m_file;
    qint64 m_offset = 0, m_length = 0;   ///< the text's record in m_file
};

/// Reads every text of a source; a file that isn't valid UTF-8 is an error naming it (and the line for
/// CSV/JSONL). Texts are returned sorted by id so plans are deterministic. Files are read as streams
/// (line by line for CSV and JSONL) and no text's content is kept: memory is bounded by the longest
/// line plus per-text metadata. Empty or whitespace-only texts are left out, with one warning per
/// source appended to `warnings`.
Result<QList<CorpusText>> loadCorpus(const CorpusSource &source, QStringList *warnings = nullptr);
/// Applies a run's include globs and limit.
QList<CorpusText> selectTexts(const QList<CorpusText> &all, const RunSpec &run);

} // namespace wb
