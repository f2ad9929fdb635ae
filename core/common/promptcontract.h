#pragma once
// The machine-readable line every scoring prompt carries. Real models read it as
// an explicit output schema; the provider simulator parses it to produce replies
// that satisfy the framework. Kept in one place so both sides agree.
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace wb {

struct SchemaDimension {
    QString id;
    double min = 0.0;
    double max = 1.0;
};

struct ScoringSchema {
    QList<SchemaDimension> dimensions;
    QStringList textIds;   ///< one id: reply is a JSON object; several: a JSON array in this order
};

/// "OUTPUT_SCHEMA: {json}" as one line (no newline).
QString schemaLine(const ScoringSchema &schema);
/// Finds and parses the schema line anywhere in a prompt.
std::optional<ScoringSchema> parseSchemaLine(QStringView prompt);

} // namespace wb
