#include "core/experiment/corpus.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStringDecoder>

#include <algorithm>
#include <functional>

namespace wb {

/// Where a loaded text's content lives: the file, and how to get the text out of one record's bytes.
struct CorpusFile {
    enum class Format { Whole, Jsonl, Csv };
    QString path;
    Format format = Format::Whole;
    qsizetype textCol = -1;   ///< CSV only
};

struct CorpusTextAccess {
    static CorpusText fileBacked(const QString &corpus, const QString &id, const QString &content,
                                 std::shared_ptr<const CorpusFile> file, qint64 offset, qint64 length)
    {
        const QByteArray utf8 = content.toUtf8();
        CorpusText t;
        t.corpus = corpus;
        t.id = id;
        t.sha256 = QString::fromLatin1(QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex());
        t.m_chars = content.size();
        t.m_bytes = utf8.size();
        t.m_file = std::move(file);
        t.m_offset = offset;
        t.m_length = length;
        return t;
    }
    static const CorpusFile &file(const CorpusText &t) { return *t.m_file; }
    static qint64 offset(const CorpusText &t) { return t.m_offset; }
    static qint64 length(const CorpusText &t) { return t.m_length; }
};

namespace {

Q_LOGGING_CATEGORY(lcCorpus, "wb.corpus")

QString sha256Hex(const QByteArray &utf8)
{
    return QString::fromLatin1(QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex());
}

/// Strict UTF-8 decode; on failure reports the 1-based line of the first bad byte (`firstLine`
/// is the line `bytes` starts on).
Result<QString> decodeUtf8(const QByteArray &bytes, const QString &file, int firstLine = 1)
{
    QStringDecoder dec(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = dec.decode(bytes);
    if (!dec.hasError()) {
        if (firstLine == 1 && text.startsWith(QChar(0xFEFF)))
            text.remove(0, 1);
        return text;
    }
    // Find the first invalid sequence to name its line.
    int line = firstLine;
    qsizetype i = 0;
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qsizetype n = bytes.size();
    while (i < n) {
        unsigned char c = p[i];
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = len > 0 && i + len <= n;
        for (int k = 1; ok && k < len; ++k)
            ok = (p[i + k] & 0xC0) == 0x80;
        if (!ok)
            break;
        if (c == '\n')
            ++line;
        i += len;
    }
    return fail(QStringLiteral("not valid UTF-8 (byte 0x%1 at offset %2); save the file as UTF-8")
                    .arg(i < n ? p[i] : 0, 2, 16, QLatin1Char('0'))
                    .arg(i),
                file, line);
}

Result<QByteArray> readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(f.errorString()), path);
    return f.readAll();
}

/// Reads a file line by line (each line with its '\n'), decoding each strictly: memory stays
/// bounded by the longest line, not the file (docs/FORMATS.md, "Experiment"). A '\n' byte never
/// occurs inside a UTF-8 sequence, so lines decode independently. `onLine(text, lineNumber)`
/// returns an error to stop; `textOffset` is the file offset of the decoded text's first byte (after
/// a byte-order mark).
using LineFn = std::function<Result<void>(const QString &text, int line, qint64 textOffset)>;
Result<void> forEachLine(const QString &path, const LineFn &onLine)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(f.errorString()), path);
    int line = 0;
    while (!f.atEnd()) {
        qint64 offset = f.pos();
        const QByteArray bytes = f.readLine();
        if (bytes.isEmpty() && f.error() != QFileDevice::NoError)
            return fail(QStringLiteral("cannot read: %1").arg(f.errorString()), path, line + 1);
        ++line;
        auto text = decodeUtf8(bytes, path, line);
        if (!text)
            return std::unexpected(text.error());
        if (line == 1 && bytes.startsWith("\xEF\xBB\xBF"))
            offset += 3;
        if (auto ok = onLine(*text, line, offset); !ok)
            return ok;
    }
    return {};
}

/// One file that is one text: its size is the text's, so reading it whole is bounded by the text.
Result<QString> readText(const QString &path)
{
    auto bytes = readAll(path);
    if (!bytes)
        return std::unexpected(bytes.error());
    return decodeUtf8(*bytes, path);
}

/// A text as loading sees it: its content is in hand only until the next text is read.
struct Loaded {
    CorpusText text;
    bool blank = false;
};

Loaded makeText(const QString &corpus, const QString &id, const QString &content,
                const std::shared_ptr<const CorpusFile> &file, qint64 offset, qint64 length)
{
    return Loaded{CorpusTextAccess::fileBacked(corpus, id, content, file, offset, length),
                  std::all_of(content.cbegin(), content.cend(), [](QChar c) { return c.isSpace(); })};
}

/// RFC 4180 records (quoted fields may span lines), fed one line at a time; each record
/// remembers its first line.
struct CsvRecord {
    QStringList fields;
    int line = 0;
    qint64 offset = 0, length = 0;   ///< the record's bytes in the file
};

class CsvReader {
public:
    explicit CsvReader(std::function<Result<void>(const CsvRecord &)> onRecord) : m_onRecord(std::move(onRecord))
    {
        m_rec.line = 1;
    }

    /// `offset`: the file offset of `s`'s first byte.
    Result<void> feed(const QString &s, qint64 offset)
    {
        m_pos = offset;
        if (m_rec.fields.isEmpty() && m_field.isEmpty() && !m_fieldStarted)
            m_rec.offset = std::max(m_rec.offset, offset);
        for (qsizetype i = 0; i < s.size(); ++i) {
            const QChar c = s[i];
            m_pos += utf8Bytes(c);
            if (m_inQuotes) {
                if (c == u'"') {
                    if (i + 1 < s.size() && s[i + 1] == u'"') {
                        m_field += u'"';
                        ++i;
                        ++m_pos;
                    } else {
                        m_inQuotes = false;
                    }
                } else {
                    if (c == u'\n')
                        ++m_line;
                    m_field += c;
                }
                continue;
            }
            if (c == u'"' && !m_fieldStarted) {
                m_inQuotes = true;
                m_fieldStarted = true;
            } else if (c == u',') {
                endField();
            } else if (c == u'\r') {
                // part of CRLF; a lone CR is treated as a line end too
                if (!(i + 1 < s.size() && s[i + 1] == u'\n')) {
                    ++m_line;
                    if (auto ok = endRecord(); !ok)
                        return ok;
                }
            } else if (c == u'\n') {
                ++m_line;
                if (auto ok = endRecord(); !ok)
                    return ok;
            } else {
                m_field += c;
                m_fieldStarted = true;
            }
        }
        return {};
    }

    Result<void> finish(const QString &file)
    {
        if (m_inQuotes)
            return fail(QStringLiteral("unterminated quoted field"), file, m_rec.line);
        if (!m_field.isEmpty() || !m_rec.fields.isEmpty())
            return endRecord();
        return {};
    }

private:
    static int utf8Bytes(QChar c) { return c.isSurrogate() ? 2 : c.unicode() < 0x80 ? 1 : c.unicode() < 0x800 ? 2 : 3; }

    void endField()
    {
        m_rec.fields.append(m_field);
        m_field.clear();
        m_fieldStarted = false;
    }
    Result<void> endRecord()
    {
        endField();
        Result<void> ok;
        m_rec.length = m_pos - m_rec.offset;
        if (!(m_rec.fields.size() == 1 && m_rec.fields[0].isEmpty()))
            ok = m_onRecord(m_rec);
        m_rec = CsvRecord{};
        m_rec.line = m_line;
        m_rec.offset = m_pos;
        return ok;
    }

    std::function<Result<void>(const CsvRecord &)> m_onRecord;
    CsvRecord m_rec;
    QString m_field;
    bool m_inQuotes = false, m_fieldStarted = false;
    int m_line = 1;
    qint64 m_pos = 0;
};

Result<QList<Loaded>> loadCsv(const CorpusSource &src)
{
    QList<Loaded> out;
    auto file = std::make_shared<CorpusFile>(CorpusFile{src.path, CorpusFile::Format::Csv});
    QStringList header;
    qsizetype idCol = -1, textCol = -1;
    CsvReader reader([&](const CsvRecord &rec) -> Result<void> {
        if (header.isEmpty()) {
            header = rec.fields;
            idCol = header.indexOf(QStringLiteral("id"));
            textCol = header.indexOf(QStringLiteral("text"));
            if (idCol < 0 || textCol < 0)
                return fail(QStringLiteral("header must name the columns 'id' and 'text'"), src.path, 1, 0, QStringLiteral("header"));
            file->textCol = textCol;
            return {};
        }
        if (rec.fields.size() <= std::max(idCol, textCol))
            return fail(QStringLiteral("expected %1 fields, got %2").arg(header.size()).arg(rec.fields.size()), src.path, rec.line);
        const QString id = rec.fields[idCol].trimmed();
        if (id.isEmpty())
            return fail(QStringLiteral("empty id"), src.path, rec.line, 0, QStringLiteral("id"));
        out.append(makeText(src.id, id, rec.fields[textCol], file, rec.offset, rec.length));
        return {};
    });
    if (auto ok = forEachLine(src.path, [&](const QString &line, int, qint64 offset) { return reader.feed(line, offset); }); !ok)
        return std::unexpected(ok.error());
    if (auto ok = reader.finish(src.path); !ok)
        return std::unexpected(ok.error());
    if (header.isEmpty())
        return fail(QStringLiteral("empty CSV: expected a header row with columns id,text"), src.path, 1);
    return out;
}

/// The "text" of one JSONL line, or an error naming the line.
Result<QString> jsonlText(const QString &line, const QString &path, int i, QString *id)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &err);
    if (!doc.isObject())
        return fail(QStringLiteral("not a JSON object: %1").arg(err.errorString()), path, i, err.offset + 1);
    const QJsonObject o = doc.object();
    if (id) {
        const QJsonValue idv = o.value(QStringLiteral("id"));
        *id = idv.isDouble() ? QString::number(idv.toDouble(), 'g', 15) : idv.toString();
        if (id->isEmpty())
            return fail(QStringLiteral("missing \"id\""), path, i, 0, QStringLiteral("id"));
    }
    if (!o.value(QStringLiteral("text")).isString())
        return fail(QStringLiteral("missing or non-string \"text\""), path, i, 0, QStringLiteral("text"));
    return o.value(QStringLiteral("text")).toString();
}

Result<QList<Loaded>> loadJsonl(const CorpusSource &src)
{
    QList<Loaded> out;
    const auto file = std::make_shared<const CorpusFile>(CorpusFile{src.path, CorpusFile::Format::Jsonl});
    auto ok = forEachLine(src.path, [&](const QString &line, int i, qint64 offset) -> Result<void> {
        const QString l = line.trimmed();
        if (l.isEmpty())
            return {};
        QString id;
        auto text = jsonlText(l, src.path, i, &id);
        if (!text)
            return std::unexpected(text.error());
        // the line's bytes as stored: a first line's byte-order mark is left out
        out.append(makeText(src.id, id, *text, file, offset, line.toUtf8().size()));
        return {};
    });
    if (!ok)
        return std::unexpected(ok.error());
    return out;
}

/// A file that is one text, id `id`.
Result<Loaded> loadWhole(const QString &corpus, const QString &id, const QString &path)
{
    auto text = readText(path);
    if (!text)
        return std::unexpected(text.error());
    const auto file = std::make_shared<const CorpusFile>(CorpusFile{path, CorpusFile::Format::Whole});
    return makeText(corpus, id, *text, file, 0, QFileInfo(path).size());
}

/// A CSV or JSONL file of texts, or a single .txt file that is one text.
Result<QList<Loaded>> loadFile(const CorpusSource &source, const QFileInfo &fi)
{
    const QString suffix = fi.suffix().toLower();
    if (suffix == QLatin1String("csv"))
        return loadCsv(source);
    if (suffix == QLatin1String("jsonl"))
        return loadJsonl(source);
    auto t = loadWhole(source.id, fi.completeBaseName(), source.path);
    if (!t)
        return std::unexpected(t.error());
    return QList<Loaded>{*t};
}

/// Texts with nothing to score (empty or only whitespace) cost a paid call for no result: they are
/// left out, and the warning names them.
void dropEmptyTexts(QList<Loaded> &texts, const CorpusSource &source, QStringList *warnings)
{
    QStringList empty;
    texts.removeIf([&](const Loaded &t) {
        if (t.blank)
            empty.append(t.text.id);
        return t.blank;
    });
    if (empty.isEmpty() || !warnings)
        return;
    constexpr qsizetype kNamed = 10;
    QString names = QStringList(empty.mid(0, kNamed)).join(QStringLiteral(", "));
    if (empty.size() > kNamed)
        names += QStringLiteral(" and %1 more").arg(empty.size() - kNamed);
    warnings->append(QStringLiteral("%1: corpus '%2': %3 empty text%4 skipped (never sent): %5")
                         .arg(source.path, source.id)
                         .arg(empty.size())
                         .arg(empty.size() == 1 ? QString() : QStringLiteral("s"), names));
}

/// Reads one text's record again and takes its content out of it.
Result<QString> readRecord(const CorpusFile &file, qint64 offset, qint64 length)
{
    QFile f(file.path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(f.errorString()), file.path);
    if (!f.seek(offset))
        return fail(QStringLiteral("cannot seek to %1: %2").arg(offset).arg(f.errorString()), file.path);
    const QByteArray bytes = f.read(length);
    if (bytes.size() != length)
        return fail(QStringLiteral("the file is shorter than when it was loaded"), file.path);
    auto decoded = decodeUtf8(bytes, file.path);
    if (!decoded)
        return decoded;
    switch (file.format) {
    case CorpusFile::Format::Whole:
        return decoded;
    case CorpusFile::Format::Jsonl:
        return jsonlText(decoded->trimmed(), file.path, 1, nullptr);
    case CorpusFile::Format::Csv: {
        QString text;
        bool found = false;
        CsvReader reader([&](const CsvRecord &rec) -> Result<void> {
            if (!found && rec.fields.size() > file.textCol) {
                text = rec.fields[file.textCol];
                found = true;
            }
            return {};
        });
        if (auto ok = reader.feed(*decoded, offset); !ok)
            return std::unexpected(ok.error());
        if (auto ok = reader.finish(file.path); !ok)
            return std::unexpected(ok.error());
        if (!found)
            return fail(QStringLiteral("the record at byte %1 changed since it was loaded").arg(offset), file.path);
        return text;
    }
    }
    return decoded;
}

} // namespace

CorpusText::CorpusText(QString corpus_, QString id_, QString text, QString sha256_)
    : corpus(std::move(corpus_)), id(std::move(id_)), sha256(std::move(sha256_)), m_text(std::move(text)),
      m_chars(m_text.size()), m_bytes(m_text.toUtf8().size())
{
}

QString CorpusText::text() const
{
    if (!m_file)
        return m_text;
    auto content = readRecord(*m_file, m_offset, m_length);
    if (!content) {
        qCWarning(lcCorpus).noquote() << "corpus" << corpus << "text" << id << ":" << content.error().message;
        return {};
    }
    if (content->size() != m_chars || sha256Hex(content->toUtf8()) != sha256)
        qCWarning(lcCorpus).noquote() << m_file->path << ": text" << id << "changed since the corpus was loaded";
    return *content;
}

Result<QList<CorpusText>> loadCorpus(const CorpusSource &source, QStringList *warnings)
{
    QList<Loaded> out;
    const QFileInfo fi(source.path);
    if (!fi.exists())
        return fail(QStringLiteral("corpus '%1': no such file or folder").arg(source.id), source.path);
    if (fi.isDir()) {
        QDirIterator it(source.path, {QStringLiteral("*.txt")}, QDir::Files, QDirIterator::Subdirectories);
        QStringList files;
        while (it.hasNext())
            files.append(it.next());
        if (files.isEmpty())
            return fail(QStringLiteral("corpus '%1': the folder has no .txt files").arg(source.id), source.path);
        for (const QString &f : std::as_const(files)) {
            // ids relative to the folder without extension keep subfolders distinct
            QString id = QDir(source.path).relativeFilePath(f);
            id.chop(4);
            auto t = loadWhole(source.id, id, f);
            if (!t)
                return std::unexpected(t.error());
            out.append(std::move(*t));
        }
    } else {
        auto r = loadFile(source, fi);
        if (!r)
            return std::unexpected(r.error());
        out = std::move(*r);
    }
    std::sort(out.begin(), out.end(), [](const Loaded &a, const Loaded &b) { return a.text.id < b.text.id; });
    for (qsizetype i = 1; i < out.size(); ++i)
        if (out[i].text.id == out[i - 1].text.id)
            return fail(QStringLiteral("corpus '%1': duplicate text id '%2'").arg(source.id, out[i].text.id), source.path);
    dropEmptyTexts(out, source, warnings);
    QList<CorpusText> texts;
    texts.reserve(out.size());
    for (Loaded &l : out)
        texts.append(std::move(l.text));
    return texts;
}

QList<CorpusText> selectTexts(const QList<CorpusText> &all, const RunSpec &run)
{
    QList<QRegularExpression> globs;
    for (const QString &g : run.include)
        globs.append(QRegularExpression(QRegularExpression::wildcardToRegularExpression(g, QRegularExpression::UnanchoredWildcardConversion),
                                        QRegularExpression::NoPatternOption));
    QList<CorpusText> out;
    for (const CorpusText &t : all) {
        if (!globs.isEmpty()) {
            bool match = false;
            for (const auto &re : std::as_const(globs)) {
                const auto m = re.match(t.id);
                if (m.hasMatch() && m.capturedStart() == 0 && m.capturedLength() == t.id.size()) {
                    match = true;
                    break;
                }
            }
            if (!match)
                continue;
        }
        out.append(t);
        if (run.limit && out.size() >= *run.limit)
            break;
    }
    return out;
}

} // namespace wb
