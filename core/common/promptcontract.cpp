#include "core/common/promptcontract.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace wb {

static const QLatin1String kMarker("OUTPUT_SCHEMA: ");

QString schemaLine(const ScoringSchema &schema)
{
    QJsonArray dims;
    for (const auto &d : schema.dimensions)
        dims.append(QJsonObject{{QStringLiteral("id"), d.id}, {QStringLiteral("min"), d.min}, {QStringLiteral("max"), d.max}});
    QJsonObject o{{QStringLiteral("dimensions"), dims},
                  {QStringLiteral("text_ids"), QJsonArray::fromStringList(schema.textIds)}};
    return kMarker + QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<ScoringSchema> parseSchemaLine(QStringView prompt)
{
    const qsizetype at = prompt.indexOf(kMarker);
    if (at < 0)
        return std::nullopt;
    QStringView rest = prompt.mid(at + kMarker.size());
    const qsizetype nl = rest.indexOf(QLatin1Char('\n'));
    if (nl >= 0)
        rest = rest.left(nl);
    const QJsonDocument doc = QJsonDocument::fromJson(rest.toUtf8());
    if (!doc.isObject())
        return std::nullopt;
    ScoringSchema s;
    for (const auto &v : doc.object().value(QStringLiteral("dimensions")).toArray()) {
        const QJsonObject d = v.toObject();
        s.dimensions.append({d.value(QStringLiteral("id")).toString(), d.value(QStringLiteral("min")).toDouble(0.0),
                             d.value(QStringLiteral("max")).toDouble(1.0)});
    }
    for (const auto &v : doc.object().value(QStringLiteral("text_ids")).toArray())
        s.textIds.append(v.toString());
    if (s.dimensions.isEmpty())
        return std::nullopt;
    return s;
}

} // namespace wb
