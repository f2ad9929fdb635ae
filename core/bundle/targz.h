#pragma once
// A minimal POSIX ustar archive in a gzip stream (zlib), written and read in blocks so a bundle
// with a large results database never sits in memory. Only what bundles need: regular files
// (paths up to 255 bytes through the ustar prefix field) and directories, which the reader skips.
// Archives written here list with `tar tzf`; the reader accepts ustar and GNU tar's own output
// for such paths (docs/FORMATS.md, "Reproducibility bundle").
#include "core/common/result.h"

#include <QByteArray>
#include <QString>
#include <memory>

namespace wb {

class TarGzWriter {
public:
    TarGzWriter();
    ~TarGzWriter();
    TarGzWriter(const TarGzWriter &) = delete;
    TarGzWriter &operator=(const TarGzWriter &) = delete;

    /// Starts writing `path` (atomically: nothing appears there unless finish() succeeds).
    Result<void> open(const QString &path);
    /// Appends a file's bytes under archivePath; returns their SHA-256 (hex).
    Result<QByteArray> addBytes(const QString &archivePath, const QByteArray &bytes);
    /// Appends a file from disk, streamed; returns its SHA-256 (hex) and sets *size.
    Result<QByteArray> addFile(const QString &archivePath, const QString &sourcePath, qint64 *size = nullptr);
    /// Writes the end-of-archive blocks, flushes gzip and commits the file.
    Result<void> finish();

private:
    class Private;
    std::unique_ptr<Private> d;
};

class TarGzReader {
public:
    TarGzReader();
    ~TarGzReader();
    TarGzReader(const TarGzReader &) = delete;
    TarGzReader &operator=(const TarGzReader &) = delete;

    Result<void> open(const QString &path);
    struct Entry {
        QString path;
        qint64 size = 0;
    };
    /// The next regular file; false at the end of the archive. Data of the previous entry not read
    /// is skipped.
    Result<bool> next(Entry &entry);
    /// Up to maxBytes of the current entry's data; empty at its end.
    Result<QByteArray> read(qint64 maxBytes);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace wb
