#pragma once
// Copies the bundled sample into a temporary folder so tests can edit, save and run it.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QString>

namespace wbtest {

inline QString sampleSourceDir() { return QStringLiteral(WB_SOURCE_DIR "/resources/sample"); }

inline bool copySample(const QString &to)
{
    const QDir src(sampleSourceDir());
    QDirIterator it(src.path(), QDir::Files, QDirIterator::Subdirectories);
    bool any = false;
    while (it.hasNext()) {
        const QString f = it.next();
        const QString target = QDir(to).filePath(src.relativeFilePath(f));
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::copy(f, target))
            return false;
        QFile(target).setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        any = true;
    }
    return any;
}

} // namespace wbtest
