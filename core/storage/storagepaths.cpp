#include "core/storage/storagepaths.h"

#include <QDir>
#include <QFileInfo>

namespace wb {

Result<void> checkParentFolder(const QString &filePath)
{
    const QFileInfo file(filePath);
    const QString folder = QDir::toNativeSeparators(file.absolutePath());
    const QFileInfo dir(file.absolutePath());
    if (!dir.exists())
        return fail(QStringLiteral("the folder %1 does not exist; create it first or choose another path").arg(folder),
                    filePath);
    if (!dir.isDir())
        return fail(QStringLiteral("%1 is not a folder").arg(folder), filePath);
    return {};
}

} // namespace wb
