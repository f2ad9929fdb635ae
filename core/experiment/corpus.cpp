#include "core/experiment/corpus.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringDecoder>

#include <algorithm>
#include <functional>

namespace wb {

namespace {

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
/// returns an error to stop.
Result<void> forEachLine(const QString &path, const std::function<Result<void>(const QString &, int)> &onLine)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(f.errorString()), path);
    int line = 0;
    while (!f.atEnd()) {
        const QByteArray bytes = f.readLine();
        if (bytes.isEmpty() && f.error() != QFileDevice::NoError)
            return fail(QStringLiteral("cannot read: %1").arg(f.errorString()), path, line + 1);
        ++line;
        auto text = decodeUtf8(bytes, path, line);
        if (!text)
            return std::unexpected(text.error());
        if (auto ok = onLine(*text, line); !ok)
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

CorpusText makeText(const QString &corpus, const QString &id, QString text)
{
    text.squeeze();   // a field read character by character has spare capacity; every text is kept
    const QByteArray utf8 = text.toUtf8();
    return CorpusText{corpus, id, std::move(text), sha256Hex(utf8)};
}

/// RFC 4180 records (quoted fields may span lines), fed one line at a time; each record
/// remembers its first line.
struct CsvRecord {
    QStringList fields;
    int line = 0;
};

class CsvReader {
public:
    explicit CsvReader(std::function<Result<void>(const CsvRecord &)> onRecord) : m_onRecord(std::move(onRecord))
    {
        m_rec.line = 1;
    }

    Result<void> feed(const QString &s)
    {
        for (qsizetype i = 0; i < s.size(); ++i) {
            const QChar c = s[i];
            if (m_inQuotes) {
                if (c == u'"') {
                    if (i + 1 < s.size() && s[i + 1] == u'"') {
                        m_field += u'"';
                        ++i;
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
        if (!(m_rec.fields.size() == 1 && m_rec.fields[0].isEmpty()))
            ok = m_onRecord(m_rec);
        m_rec = CsvRecord{};
        m_rec.line = m_line;
        return ok;
    }

    std::function<Result<void>(const CsvRecord &)> m_onRecord;
    CsvRecord m_rec;
    QString m_field;
    bool m_inQuotes = false, m_fieldStarted = false;
    int m_line = 1;
};

Result<QList<CorpusText>> loadCsv(const CorpusSource &src)
{
    QList<CorpusText> out;
    QStringList header;
    qsizetype idCol = -1, textCol = -1;
    CsvReader reader([&](const CsvRecord &rec) -> Result<void> {
        if (header.isEmpty()) {
            header = rec.fields;
            idCol = header.indexOf(QStringLiteral("id"));
            textCol = header.indexOf(QStringLiteral("text"));
            if (idCol < 0 || textCol < 0)
                return fail(QStringLiteral("header must name the columns 'id' and 'text'"), src.path, 1, 0, QStringLiteral("header"));
            return {};
        }
        if (rec.fields.size() <= std::max(idCol, textCol))
            return fail(QStringLiteral("expected %1 fields, got %2").arg(header.size()).arg(rec.fields.size()), src.path, rec.line);
        const QString id = rec.fields[idCol].trimmed();
        if (id.isEmpty())
            return fail(QStringLiteral("empty id"), src.path, rec.line, 0, QStringLiteral("id"));
        out.append(makeText(src.id, id, rec.fields[textCol]));
        return {};
    });
    if (auto ok = forEachLine(src.path, [&](const QString &line, int) { return reader.feed(line); }); !ok)
        return std::unexpected(ok.error());
    if (auto ok = reader.finish(src.path); !ok)
        return std::unexpected(ok.error());
    if (header.isEmpty())
        return fail(QStringLiteral("empty CSV: expected a header row with columns id,text"), src.path, 1);
    return out;
}

Result<QList<CorpusText>> loadJsonl(const CorpusSource &src)
{
    QList<CorpusText> out;
    auto ok = forEachLine(src.path, [&](const QString &line, int i) -> Result<void> {
        const QString l = line.trimmed();
        if (l.isEmpty())
            return {};
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(l.toUtf8(), &err);
        if (!doc.isObject())
            return fail(QStringLiteral("not a JSON object: %1").arg(err.errorString()), src.path, i, err.offset + 1);
        const QJsonObject o = doc.object();
        const QJsonValue idv = o.value(QStringLiteral("id"));
        const QString id = idv.isDouble() ? QString::number(idv.toDouble(), 'g', 15) : idv.toString();
        if (id.isEmpty())
            return fail(QStringLiteral("missing \"id\""), src.path, i, 0, QStringLiteral("id"));
        if (!o.value(QStringLiteral("text")).isString())
            return fail(QStringLiteral("missing or non-string \"text\""), src.path, i, 0, QStringLiteral("text"));
        out.append(makeText(src.id, id, o.value(QStringLiteral("text")).toString()));
        return {};
    });
    if (!ok)
        return std::unexpected(ok.error());
    return out;
}

/// A CSV or JSONL file of texts, or a single .txt file that is one text.
Result<QList<CorpusText>> loadFile(const CorpusSource &source, const QFileInfo &fi)
{
    const QString suffix = fi.suffix().toLower();
    if (suffix == QLatin1String("csv"))
        return loadCsv(source);
    if (suffix == QLatin1String("jsonl"))
        return loadJsonl(source);
    auto text = readText(source.path);
    if (!text)
        return std::unexpected(text.error());
    return QList<CorpusText>{makeText(source.id, fi.completeBaseName(), std::move(*text))};
}

/// Texts with nothing to score (empty or only whitespace) cost a paid call for no result: they are
/// left out, and the warning names them.
void dropEmptyTexts(QList<CorpusText> &texts, const CorpusSource &source, QStringList *warnings)
{
    QStringList empty;
    texts.removeIf([&](const CorpusText &t) {
        const bool blank = std::all_of(t.text.cbegin(), t.text.cend(), [](QChar c) { return c.isSpace(); });
        if (blank)
            empty.append(t.id);
        return blank;
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

} // namespace

Result<QList<CorpusText>> loadCorpus(const CorpusSource &source, QStringList *warnings)
{
    QList<CorpusText> out;
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
            auto text = readText(f);
            if (!text)
                return std::unexpected(text.error());
            // ids relative to the folder without extension keep subfolders distinct
            QString id = QDir(source.path).relativeFilePath(f);
            id.chop(4);
            out.append(makeText(source.id, id, std::move(*text)));
        }
    } else {
        auto r = loadFile(source, fi);
        if (!r)
            return r;
        out = std::move(*r);
    }
    std::sort(out.begin(), out.end(), [](const CorpusText &a, const CorpusText &b) { return a.id < b.id; });
    for (qsizetype i = 1; i < out.size(); ++i)
        if (out[i].id == out[i - 1].id)
            return fail(QStringLiteral("corpus '%1': duplicate text id '%2'").arg(source.id, out[i].id), source.path);
    dropEmptyTexts(out, source, warnings);
    return out;
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
