#include "core/experiment/prompt.h"

#include "core/common/promptcontract.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace wb {

ChatRequest buildScoringRequest(const Framework &fw, const QList<const CorpusText *> &texts, const ExecutionSettings &exec)
{
    ChatRequest r;
    // max_tokens is per text: a batch's reply holds one object per text. Capped where every current
    // model family accepts it; the router's worst-case budget reservation uses the same figure.
    r.maxTokens = int(std::min<qint64>(qint64(exec.maxTokens) * std::max<qsizetype>(1, texts.size()), 32768));
    r.temperature = exec.temperature;
    r.jsonMode = true;

    QString sys = QStringLiteral("You are an expert annotator applying the analytical framework \"%1\" (version %2).\n\n")
                      .arg(fw.name.isEmpty() ? fw.id : fw.name, fw.version.isEmpty() ? QStringLiteral("1") : fw.version);
    sys += fw.instructions.trimmed() + QStringLiteral("\n\nDimensions:\n");
    for (const Dimension &d : fw.dimensions)
        sys += QStringLiteral("- %1 (%2): %3 Score from %4 to %5.\n")
                   .arg(d.id, d.name.isEmpty() ? d.id : d.name, d.description.trimmed())
                   .arg(d.min)
                   .arg(d.max);
    if (texts.size() == 1) {
        sys += QStringLiteral("\nReply with one JSON object and nothing else. It has one key per dimension id; each value is an "
                              "object {\"score\": number, \"evidence\": short quote or paraphrase from the text}.");
    } else {
        sys += QStringLiteral("\nReply with a JSON array and nothing else: one object per text, in the order the texts are given. "
                              "Each object has \"text_id\" and one key per dimension id; each dimension value is an object "
                              "{\"score\": number, \"evidence\": short quote or paraphrase from that text}.");
    }
    r.system = sys;

    ScoringSchema schema;
    for (const Dimension &d : fw.dimensions)
        schema.dimensions.append({d.id, d.min, d.max});
    for (const CorpusText *t : texts)
        schema.textIds.append(t->id);

    QString user = schemaLine(schema) + u'\n';
    for (const CorpusText *t : texts)
        user += QStringLiteral("\n<<<TEXT id=%1>>>\n%2\n<<<END TEXT>>>\n").arg(t->id, t->text());
    r.user = user;
    return r;
}

ChatRequest buildReaskRequest(const ChatRequest &original, const QString &problem)
{
    ChatRequest r = original;
    r.user += QStringLiteral("\n\nYour previous reply could not be used: %1\nReply again with only the JSON described above.").arg(problem);
    return r;
}

namespace {

/// Cuts the JSON value out of a reply that may be wrapped in a code fence or prose.
QByteArray extractJson(const QString &reply)
{
    QString s = reply.trimmed();
    const qsizetype fence = s.indexOf(QLatin1String("```"));
    if (fence >= 0) {
        qsizetype start = s.indexOf(u'\n', fence);
        qsizetype end = s.indexOf(QLatin1String("```"), start < 0 ? fence + 3 : start);
        if (start >= 0 && end > start)
            s = s.mid(start + 1, end - start - 1).trimmed();
    }
    const qsizetype obj = s.indexOf(u'{');
    const qsizetype arr = s.indexOf(u'[');
    qsizetype begin = obj < 0 ? arr : arr < 0 ? obj : std::min(obj, arr);
    if (begin < 0)
        return {};
    const QChar close = s[begin] == u'{' ? u'}' : u']';
    const qsizetype end = s.lastIndexOf(close);
    if (end <= begin)
        return {};
    return s.mid(begin, end - begin + 1).toUtf8();
}

/// The top-level JSON objects inside a (possibly truncated) array: brace matching that respects
/// strings, each complete object parsed on its own.
QJsonArray completeObjects(const QString &reply)
{
    QJsonArray out;
    const qsizetype open = reply.indexOf(u'[');
    if (open < 0)
        return out;
    int depth = 0;
    bool inString = false, escaped = false;
    qsizetype start = -1;
    for (qsizetype i = open + 1; i < reply.size(); ++i) {
        const QChar c = reply[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == u'\\')
                escaped = true;
            else if (c == u'"')
                inString = false;
            continue;
        }
        if (c == u'"') {
            inString = true;
        } else if (c == u'{') {
            if (depth++ == 0)
                start = i;
        } else if (c == u'}' && depth > 0) {
            if (--depth == 0 && start >= 0) {
                const QJsonDocument d = QJsonDocument::fromJson(reply.mid(start, i - start + 1).toUtf8());
                if (d.isObject())
                    out.append(d.object());
                start = -1;
            }
        } else if (c == u']' && depth == 0) {
            break;
        }
    }
    return out;
}

std::optional<QString> validateObject(const Framework &fw, const QJsonObject &o, QList<DimensionScore> *out)
{
    for (const Dimension &d : fw.dimensions) {
        const QJsonValue v = o.value(d.id);
        double score = 0;
        QString evidence;
        if (v.isObject()) {
            const QJsonValue s = v.toObject().value(QStringLiteral("score"));
            if (!s.isDouble())
                return QStringLiteral("dimension '%1' has no numeric score").arg(d.id);
            score = s.toDouble();
            evidence = v.toObject().value(QStringLiteral("evidence")).toString();
        } else if (v.isDouble()) {
            score = v.toDouble();
        } else {
            return QStringLiteral("dimension '%1' is missing").arg(d.id);
        }
        if (score < d.min || score > d.max)
            return QStringLiteral("dimension '%1' score %2 is outside [%3, %4]").arg(d.id).arg(score).arg(d.min).arg(d.max);
        out->append({d.id, score, evidence});
    }
    return std::nullopt;
}

} // namespace

ParsedScores parseScores(const Framework &fw, const QStringList &textIds, const QString &reply)
{
    ParsedScores result;
    const QByteArray json = extractJson(reply);
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    auto allInvalid = [&](const QString &why) {
        for (const QString &id : textIds)
            result.invalid.insert(id, why);
        return result;
    };
    QJsonArray items;
    if (json.isEmpty() || doc.isNull()) {
        // A batch reply cut off (max_tokens) or broken mid-way: keep every complete object.
        items = completeObjects(reply);
        if (items.isEmpty())
            return allInvalid(json.isEmpty() ? QStringLiteral("the reply contains no JSON")
                                             : QStringLiteral("invalid JSON: %1").arg(err.errorString()));
    } else if (doc.isObject()) {
        items.append(doc.object());
    } else {
        items = doc.array();
    }

    // Match by text_id where given, else by position.
    QHash<QString, QJsonObject> byId;
    bool anyIds = false;
    for (const QJsonValue &v : std::as_const(items)) {
        const QString id = v.toObject().value(QStringLiteral("text_id")).toString();
        if (!id.isEmpty()) {
            anyIds = true;
            byId.insert(id, v.toObject());
        }
    }
    for (qsizetype i = 0; i < textIds.size(); ++i) {
        const QString &id = textIds[i];
        QJsonObject o;
        if (anyIds && byId.contains(id))
            o = byId.value(id);
        else if (!anyIds && i < items.size() && items[i].isObject())
            o = items[i].toObject();
        else if (textIds.size() == 1 && items.size() == 1 && items[0].isObject())
            o = items[0].toObject();
        else {
            result.invalid.insert(id, QStringLiteral("no result for this text"));
            continue;
        }
        TextScores ts{id, {}};
        if (auto problem = validateObject(fw, o, &ts.scores))
            result.invalid.insert(id, *problem);
        else
            result.valid.append(ts);
    }
    return result;
}

QList<QList<int>> packBatches(const QList<qint64> &textTokens, qint64 fixedTokens, qint64 maxBatchTokens, int maxTexts,
                              qint64 capWithOutput, qint64 outputPerText)
{
    QList<QList<int>> batches;
    QList<int> cur;
    qint64 curTokens = fixedTokens;
    for (int i = 0; i < textTokens.size(); ++i) {
        const qint64 t = textTokens[i];   // the caller counts each text with its framing (markers, id in the schema)
        const bool overCap = capWithOutput > 0 && curTokens + t + (cur.size() + 1) * outputPerText > capWithOutput;
        if (!cur.isEmpty() && (curTokens + t > maxBatchTokens || cur.size() >= maxTexts || overCap)) {
            batches.append(cur);
            cur.clear();
            curTokens = fixedTokens;
        }
        cur.append(i);
        curTokens += t;
    }
    if (!cur.isEmpty())
        batches.append(cur);
    return batches;
}

} // namespace wb
