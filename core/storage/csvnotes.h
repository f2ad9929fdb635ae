#pragma once
// The side file that says what each column of a CSV export means (docs/FORMATS.md, "CSV export").
// A side file rather than a `#` comment line in the CSV: a comment line breaks every reader that
// takes the first line as the header.
#include "core/common/result.h"

#include <QString>

namespace wb {

/// "<csv>.columns.txt" next to the CSV file.
QString columnsFilePath(const QString &csvPath);
/// Writes `notes` (one "column: meaning" line per column, UTF-8) atomically to columnsFilePath(csvPath).
Result<void> writeColumnsFile(const QString &csvPath, const QString &notes);

} // namespace wb
