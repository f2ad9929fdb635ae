// ustar headers (POSIX.1-1988, pax's "ustar Interchange Format") over zlib's gzip stream.
#include "core/bundle/targz.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QSaveFile>

#include <cstring>
#include <zlib.h>

namespace wb {

namespace {

constexpr int kBlock = 512;
constexpr qint64 kChunk = 1 << 20;

void putOctal(char *field, int width, qint64 value)
{
    // width - 1 octal digits and a NUL, as GNU tar writes them.
    const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0');
    std::memcpy(field, digits.constData(), size_t(width - 1));
    field[width - 1] = '\0';
}

/// The header block of a regular file; an error when the path cannot be stored.
Result<QByteArray> fileHeader(const QString &archivePath, qint64 size, qint64 mtime)
{
    QByteArray header(kBlock, '\0');
    char *h = header.data();
    const QByteArray path = archivePath.toUtf8();
    QByteArray name = path, prefix;
    if (path.size() > 100) {
        // Split at a '/' so that the name part fits in 100 bytes and the prefix in 155.
        qsizetype cut = path.lastIndexOf('/', 155);
        while (cut > 0 && path.size() - cut - 1 > 100)
            cut = -1;
        if (cut <= 0)
            return fail(QStringLiteral("path too long for a tar archive: %1").arg(archivePath));
        prefix = path.left(cut);
        name = path.mid(cut + 1);
    }
    if (path.isEmpty() || path.startsWith('/') || path.contains(".."))
        return fail(QStringLiteral("not a relative archive path: %1").arg(archivePath));
    std::memcpy(h, name.constData(), size_t(name.size()));
    putOctal(h + 100, 8, 0644);
    putOctal(h + 108, 8, 0);
    putOctal(h + 116, 8, 0);
    putOctal(h + 124, 12, size);
    putOctal(h + 136, 12, mtime);
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);   // magic with its NUL
    std::memcpy(h + 263, "00", 2);
    std::memcpy(h + 345, prefix.constData(), size_t(prefix.size()));
    // The checksum is computed with its own field as eight spaces.
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < kBlock; ++i)
        sum += static_cast<unsigned char>(h[i]);
    const QByteArray chk = QByteArray::number(sum, 8).rightJustified(6, '0');
    std::memcpy(h + 148, chk.constData(), 6);
    h[154] = '\0';
    h[155] = ' ';
    return header;
}

qint64 parseOctal(const char *field, int width)
{
    qint64 v = 0;
    for (int i = 0; i < width; ++i) {
        const char c = field[i];
        if (c == '\0' || c == ' ')
            continue;
        if (c < '0' || c > '7')
            return -1;
        v = v * 8 + (c - '0');
    }
    return v;
}

} // namespace

// ---- Writer -----------------------------------------------------------------------------------

class TarGzWriter::Private {
public:
    QString path;
    QSaveFile out;
    z_stream z{};
    bool zOpen = false;
    qint64 mtime = QDateTime::currentSecsSinceEpoch();

    ~Private()
    {
        if (zOpen)
            deflateEnd(&z);
    }

    Result<void> write(const char *data, qint64 n, int flush = Z_NO_FLUSH)
    {
        z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data));
        z.avail_in = uInt(n);
        char buf[1 << 16];
        do {
            z.next_out = reinterpret_cast<Bytef *>(buf);
            z.avail_out = sizeof buf;
            const int rc = deflate(&z, flush);
            if (rc == Z_STREAM_ERROR)
                return fail(QStringLiteral("compression failed"), path);
            const qint64 have = qint64(sizeof buf - z.avail_out);
            if (have > 0 && out.write(buf, have) != have)
                return fail(QStringLiteral("cannot write: %1").arg(out.errorString()), path);
        } while (z.avail_out == 0 || (flush == Z_FINISH && z.avail_in > 0));
        return {};
    }

    Result<void> pad(qint64 size)
    {
        const qint64 rest = (kBlock - size % kBlock) % kBlock;
        static const char zeros[kBlock] = {};
        return write(zeros, rest);
    }
};

TarGzWriter::TarGzWriter() : d(std::make_unique<Private>()) {}
TarGzWriter::~TarGzWriter()
{
    if (d->out.isOpen())
        d->out.cancelWriting();
}

Result<void> TarGzWriter::open(const QString &path)
{
    d->path = path;
    d->out.setFileName(path);
    if (!d->out.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write: %1").arg(d->out.errorString()), path);
    // windowBits 15 + 16: a gzip wrapper (header and CRC-32) instead of zlib's.
    if (deflateInit2(&d->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return fail(QStringLiteral("cannot start compression"), path);
    d->zOpen = true;
    return {};
}

Result<QByteArray> TarGzWriter::addBytes(const QString &archivePath, const QByteArray &bytes)
{
    auto header = fileHeader(archivePath, bytes.size(), d->mtime);
    if (!header)
        return std::unexpected(header.error());
    if (auto r = d->write(header->constData(), header->size()); !r)
        return std::unexpected(r.error());
    if (auto r = d->write(bytes.constData(), bytes.size()); !r)
        return std::unexpected(r.error());
    if (auto r = d->pad(bytes.size()); !r)
        return std::unexpected(r.error());
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

Result<QByteArray> TarGzWriter::addFile(const QString &archivePath, const QString &sourcePath, qint64 *size)
{
    QFile in(sourcePath);
    if (!in.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(in.errorString()), sourcePath);
    const qint64 n = in.size();
    auto header = fileHeader(archivePath, n, d->mtime);
    if (!header)
        return std::unexpected(header.error());
    if (auto r = d->write(header->constData(), header->size()); !r)
        return std::unexpected(r.error());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    qint64 done = 0;
    while (done < n) {
        const QByteArray chunk = in.read(qMin(kChunk, n - done));
        if (chunk.isEmpty())
            return fail(QStringLiteral("cannot read: %1").arg(in.errorString()), sourcePath);
        hash.addData(chunk);
        if (auto r = d->write(chunk.constData(), chunk.size()); !r)
            return std::unexpected(r.error());
        done += chunk.size();
    }
    if (auto r = d->pad(n); !r)
        return std::unexpected(r.error());
    if (size)
        *size = n;
    return hash.result().toHex();
}

Result<void> TarGzWriter::finish()
{
    static const char zeros[2 * kBlock] = {};
    if (auto r = d->write(zeros, sizeof zeros, Z_FINISH); !r)
        return r;
    if (!d->out.commit())
        return fail(QStringLiteral("cannot write: %1").arg(d->out.errorString()), d->path);
    return {};
}

// ---- Reader -----------------------------------------------------------------------------------

class TarGzReader::Private {
public:
    QString path;
    QFile in;
    z_stream z{};
    bool zOpen = false;
    bool streamEnd = false;
    QByteArray inBuf = QByteArray(1 << 16, '\0');
    qint64 remaining = 0;   // data bytes of the current entry not read yet
    qint64 padding = 0;     // padding after them

    ~Private()
    {
        if (zOpen)
            inflateEnd(&z);
    }

    /// Exactly n decompressed bytes (fewer only at the end of the stream).
    Result<QByteArray> take(qint64 n)
    {
        QByteArray out(n, '\0');
        qint64 got = 0;
        while (got < n && !streamEnd) {
            if (z.avail_in == 0) {
                const qint64 r = in.read(inBuf.data(), inBuf.size());
                if (r < 0)
                    return fail(QStringLiteral("cannot read: %1").arg(in.errorString()), path);
                if (r == 0)
                    return fail(QStringLiteral("the archive ends early (truncated?)"), path);
                z.next_in = reinterpret_cast<Bytef *>(inBuf.data());
                z.avail_in = uInt(r);
            }
            z.next_out = reinterpret_cast<Bytef *>(out.data() + got);
            z.avail_out = uInt(n - got);
            const int rc = inflate(&z, Z_NO_FLUSH);
            if (rc == Z_STREAM_END)
                streamEnd = true;
            else if (rc != Z_OK && rc != Z_BUF_ERROR)
                return fail(QStringLiteral("not a valid gzip stream (%1)").arg(QString::fromLatin1(z.msg ? z.msg : "error")), path);
            got = n - z.avail_out;
        }
        out.truncate(got);
        return out;
    }

    Result<void> skip(qint64 n)
    {
        while (n > 0) {
            auto b = take(qMin(n, kChunk));
            if (!b)
                return std::unexpected(b.error());
            if (b->isEmpty())
                return fail(QStringLiteral("the archive ends inside an entry"), path);
            n -= b->size();
        }
        return {};
    }
};

TarGzReader::TarGzReader() : d(std::make_unique<Private>()) {}
TarGzReader::~TarGzReader() = default;

Result<void> TarGzReader::open(const QString &path)
{
    d->path = path;
    d->in.setFileName(path);
    if (!d->in.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(d->in.errorString()), path);
    // windowBits 15 + 32: accept a gzip or zlib header.
    if (inflateInit2(&d->z, 15 + 32) != Z_OK)
        return fail(QStringLiteral("cannot start decompression"), path);
    d->zOpen = true;
    return {};
}

Result<bool> TarGzReader::next(Entry &entry)
{
    if (auto r = d->skip(d->remaining + d->padding); !r)
        return std::unexpected(r.error());
    d->remaining = d->padding = 0;
    for (;;) {
        auto block = d->take(kBlock);
        if (!block)
            return std::unexpected(block.error());
        if (block->size() < kBlock) {
            if (block->isEmpty())
                return false;   // no end-of-archive blocks, but nothing cut off either
            return fail(QStringLiteral("the archive ends inside a header"), d->path);
        }
        const char *h = block->constData();
        if (block->count('\0') == kBlock)
            return false;   // end-of-archive marker
        unsigned sum = 0;
        for (int i = 0; i < kBlock; ++i)
            sum += (i >= 148 && i < 156) ? unsigned(' ') : static_cast<unsigned char>(h[i]);
        if (parseOctal(h + 148, 8) != qint64(sum))
            return fail(QStringLiteral("tar header checksum mismatch (not a tar archive, or damaged)"), d->path);
        const qint64 size = parseOctal(h + 124, 12);
        if (size < 0)
            return fail(QStringLiteral("tar header with an invalid size"), d->path);
        const QByteArray name(h, qsizetype(strnlen(h, 100)));
        const QByteArray prefix = std::memcmp(h + 257, "ustar", 5) == 0 ? QByteArray(h + 345, qsizetype(strnlen(h + 345, 155)))
                                                                      : QByteArray();
        const char type = h[156];
        d->remaining = size;
        d->padding = (kBlock - size % kBlock) % kBlock;
        if (type == '5') {
            if (auto r = d->skip(d->remaining + d->padding); !r)
                return std::unexpected(r.error());
            d->remaining = d->padding = 0;
            continue;   // directories carry nothing a bundle checks
        }
        if (type != '0' && type != '\0')
            return fail(QStringLiteral("unsupported tar entry type '%1' for %2").arg(QString(QLatin1Char(type)), QString::fromUtf8(name)), d->path);
        entry.path = QString::fromUtf8(prefix.isEmpty() ? name : prefix + '/' + name);
        entry.size = size;
        return true;
    }
}

Result<QByteArray> TarGzReader::read(qint64 maxBytes)
{
    const qint64 n = qMin(maxBytes, d->remaining);
    if (n <= 0)
        return QByteArray();
    auto b = d->take(n);
    if (!b)
        return std::unexpected(b.error());
    if (b->size() < n)
        return fail(QStringLiteral("the archive ends inside an entry"), d->path);
    d->remaining -= n;
    return b;
}

} // namespace wb
