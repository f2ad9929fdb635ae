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

namespace wb {

namespace {

QString sha256Hex(const QByteArray &utf8)
{
    return QString::fromLatin1(QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex());
}

/// Strict UTF-8 decode; on failure reports the 1-based line of the first bad byte.
Result<QString> decodeUtf8(const QByteArray &bytes, const QString &file)
{
    QStringDecoder dec(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = dec.decode(bytes);
    if (!dec.hasError()) {
        if (text.startsWith(QChar(0xFEFF)))
            text.remove(0, 1);
        return text;
    }
    // Find the first invalid sequence to name its line.
    int line = 1;
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

CorpusText makeText(const QString &corpus, const QString &id, QString text)
{
    const QByteArray utf8 = text.toUtf8();
    return CorpusText{corpus, id, std::move(text), sha256Hex(utf8)};
}

/// RFC 4180 records (quoted fields may span lines); each record remembers its first line.
struct CsvRecord {
    QStringList fields;
    int line = 0;
};

Result<QList<CsvRecord>> parseCsv(const QString &s, const QString &file)
{
    QList<CsvRecord> out;
    CsvRecord rec;
    QString field;
    bool inQuotes = false, fieldStarted = false;
    int line = 1;
    rec.line = 1;
    auto endField = [&] { rec.fields.append(field); field.clear(); fieldStarted = false; };
    auto endRecord = [&] {
        endField();
        if (!(rec.fields.size() == 1 && rec.fields[0].isEmpty()))
            out.append(rec);
        rec = CsvRecord{};
        rec.line = line;
    };
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (inQuotes) {
            if (c == u'"') {
                if (i + 1 < s.size() && s[i + 1] == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == u'\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == u'"' && !fieldStarted) {
            inQuotes = true;
            fieldStarted = true;
        } else if (c == u',') {
            endField();
        } else if (c == u'\r') {
            // part of CRLF; a lone CR is treated as a line end too
            if (!(i + 1 < s.size() && s[i + 1] == u'\n')) {
                ++line;
                endRecord();
            }
        } else if (c == u'\n') {
            ++line;
            endRecord();
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (inQuotes)
        return fail(QStringLiteral("unterminated quoted field"), file, rec.line);
    if (!field.isEmpty() || !rec.fields.isEmpty())
        endRecord();
    return out;
}

Result<QList<CorpusText>> loadCsv(const CorpusSource &src, const QString &text)
{
    auto recs = parseCsv(text, src.path);
    if (!recs)
        return std::unexpected(recs.error());
    if (recs->isEmpty())
        return fail(QStringLiteral("empty CSV: expected a header row with columns id,text"), src.path, 1);
    const QStringList header = recs->first().fields;
    const qsizetype idCol = header.indexOf(QStringLiteral("id"));
    const qsizetype textCol = header.indexOf(QStringLiteral("text"));
    if (idCol < 0 || textCol < 0)
        return fail(QStringLiteral("header must name the columns 'id' and 'text'"), src.path, 1, 0, QStringLiteral("header"));
    QList<CorpusText> out;
    for (qsizetype r = 1; r < recs->size(); ++r) {
        const CsvRecord &rec = recs->at(r);
        if (rec.fields.size() <= std::max(idCol, textCol))
            return fail(QStringLiteral("expected %1 fields, got %2").arg(header.size()).arg(rec.fields.size()), src.path, rec.line);
        const QString id = rec.fields[idCol].trimmed();
        if (id.isEmpty())
            return fail(QStringLiteral("empty id"), src.path, rec.line, 0, QStringLiteral("id"));
        out.append(makeText(src.id, id, rec.fields[textCol]));
    }
    return out;
}

Result<QList<CorpusText>> loadJsonl(const CorpusSource &src, const QString &text)
{
    QList<CorpusText> out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString l = lines[i].trimmed();
        if (l.isEmpty())
            continue;
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(l.toUtf8(), &err);
        if (!doc.isObject())
            return fail(QStringLiteral("not a JSON object: %1").arg(err.errorString()), src.path, int(i + 1), err.offset + 1);
        const QJsonObject o = doc.object();
        const QJsonValue idv = o.value(QStringLiteral("id"));
        const QString id = idv.isDouble() ? QString::number(idv.toDouble(), 'g', 15) : idv.toString();
        if (id.isEmpty())
            return fail(QStringLiteral("missing \"id\""), src.path, int(i + 1), 0, QStringLiteral("id"));
        if (!o.value(QStringLiteral("text")).isString())
            return fail(QStringLiteral("missing or non-string \"text\""), src.path, int(i + 1), 0, QStringLiteral("text"));
        out.append(makeText(src.id, id, o.value(QStringLiteral("text")).toString()));
    }
    return out;
}

} // namespace

Result<QList<CorpusText>> loadCorpus(const CorpusSource &source)
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
            auto bytes = readAll(f);
            if (!bytes)
                return std::unexpected(bytes.error());
            auto text = decodeUtf8(*bytes, f);
            if (!text)
                return std::unexpected(text.error());
            // ids relative to the folder without extension keep subfolders distinct
            QString id = QDir(source.path).relativeFilePath(f);
            id.chop(4);
            out.append(makeText(source.id, id, *text));
        }
    } else {
        auto bytes = readAll(source.path);
        if (!bytes)
            return std::unexpected(bytes.error());
        auto text = decodeUtf8(*bytes, source.path);
        if (!text)
            return std::unexpected(text.error());
        const QString suffix = fi.suffix().toLower();
        Result<QList<CorpusText>> r = suffix == QLatin1String("csv")     ? loadCsv(source, *text)
                                      : suffix == QLatin1String("jsonl") ? loadJsonl(source, *text)
                                                                          : Result<QList<CorpusText>>(QList<CorpusText>{makeText(source.id, fi.completeBaseName(), *text)});
        if (!r)
            return r;
        out = std::move(*r);
    }
    std::sort(out.begin(), out.end(), [](const CorpusText &a, const CorpusText &b) { return a.id < b.id; });
    for (qsizetype i = 1; i < out.size(); ++i)
        if (out[i].id == out[i - 1].id)
            return fail(QStringLiteral("corpus '%1': duplicate text id '%2'").arg(source.id, out[i].id), source.path);
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
