#pragma once
// Checks on the paths the engine writes (results database, CSV export) that turn the OS's
// "cannot open" into an error naming the folder that is missing.
#include "core/common/result.h"

namespace wb {

/// The folder `filePath` would be created in must exist and be a folder. The error names that
/// folder and is reported against filePath. Says nothing about permissions: opening the file
/// reports those.
Result<void> checkParentFolder(const QString &filePath);

} // namespace wb
