// Tokenizer throughput: load time, single-thread MB/s over the shared corpus (both encodings),
// a parallel count over files, and megabyte-long single words.
//   bench_tokenize [corpus dir] [repetitions]
#include "core/tokenize/tokenizer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QThreadPool>

#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace wb;

namespace {

double seconds(const QElapsedTimer &t) { return double(t.nsecsElapsed()) / 1e9; }

// CPU time of this thread: the machine may be shared, so wall-clock MB/s understates the
// tokenizer; both are printed.
double threadCpu()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

QByteArray lowercase(int n, quint32 seed)
{
    QByteArray s(n, Qt::Uninitialized);
    quint32 x = seed;
    for (int i = 0; i < n; ++i) {
        x = (x * 1103515245u + 12345u) & 0x7fffffffu;
        s[i] = char('a' + (x >> 16) % 26);
    }
    return s;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString dir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(WB_SHARED_DATA_DIR "/corpus");
    const int reps = argc > 2 ? std::max(1, atoi(argv[2])) : 5;

    QList<QByteArray> files;
    qint64 bytes = 0;
    const QDir root(dir);
    for (const QString &sub : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        for (const QString &f : QDir(root.filePath(sub)).entryList(QDir::Files, QDir::Name)) {
            QFile file(QDir(root.filePath(sub)).filePath(f));
            if (file.open(QIODevice::ReadOnly)) {
                files << file.readAll();
                bytes += files.back().size();
            }
        }
    }
    if (files.isEmpty()) {
        std::fprintf(stderr, "no corpus files under %s\n", qPrintable(dir));
        return 1;
    }
    const double mb = double(bytes) / 1e6;
    std::printf("corpus: %lld files, %.2f MB (%s)\n", qlonglong(files.size()), mb, qPrintable(dir));

    for (Encoding e : {Encoding::O200kBase, Encoding::Cl100kBase}) {
        QElapsedTimer t;
        t.start();
        const Tokenizer &tok = Tokenizer::get(e);
        const double load = seconds(t);
        if (!tok.isValid()) {
            std::fprintf(stderr, "%s\n", qPrintable(tok.errorString()));
            return 1;
        }
        std::printf("\n%s: load %.1f ms (decompress + sha256 + parse + hash table)\n", qPrintable(encodingName(e)), load * 1e3);

        double best = 1e9, bestCpu = 1e9;
        qint64 tokens = 0;
        for (int r = 0; r < reps; ++r) {
            t.restart();
            const double c0 = threadCpu();
            qint64 n = 0;
            for (const QByteArray &f : files)
                n += tok.countUtf8(f);
            bestCpu = std::min(bestCpu, threadCpu() - c0);
            best = std::min(best, seconds(t));
            tokens = n;
        }
        std::printf("  count, 1 thread : %8.1f MB/s wall, %6.1f MB/s per CPU-second, %5.2f M tokens/s (%lld tokens, best of %d: %.1f ms)\n",
                    mb / best, mb / bestCpu, double(tokens) / best / 1e6, qlonglong(tokens), reps, best * 1e3);

        best = 1e9;
        for (int r = 0; r < reps; ++r) {
            t.restart();
            qint64 n = 0;
            for (const QByteArray &f : files)
                n += qint64(tok.encodeUtf8(f.constData(), f.size()).size());
            best = std::min(best, seconds(t));
        }
        std::printf("  encode, 1 thread: %8.1f MB/s\n", mb / best);

        QList<QString> strings;
        for (const QByteArray &f : files)
            strings << QString::fromUtf8(f);
        best = 1e9;
        for (int r = 0; r < reps; ++r) {
            t.restart();
            qint64 n = 0;
            for (const QString &s : strings)
                n += tok.count(s);
            best = std::min(best, seconds(t));
        }
        std::printf("  count(QString)  : %8.1f MB/s (incl. UTF-16 -> UTF-8)\n", mb / best);

        best = 1e9;
        for (int r = 0; r < reps; ++r) {
            t.restart();
            const std::vector<qsizetype> counts = countTokensParallel(e, files);
            best = std::min(best, seconds(t));
        }
        std::printf("  count, parallel : %8.1f MB/s  (QtConcurrent over files, %d threads)\n", mb / best,
                    QThreadPool::globalInstance()->maxThreadCount());

        const QByteArray aRun(1 << 20, 'a');
        t.restart();
        double c0 = threadCpu();
        const qsizetype na = tok.countUtf8(aRun);
        std::printf("  1 MiB of 'a' (one pre-token)           : %7.1f ms wall, %7.1f ms CPU, %lld tokens\n", seconds(t) * 1e3,
                    (threadCpu() - c0) * 1e3, qlonglong(na));
        const QByteArray word = lowercase(1 << 20, 12345);
        t.restart();
        c0 = threadCpu();
        const qsizetype nw = tok.countUtf8(word);
        std::printf("  1 MiB random lowercase (one pre-token) : %7.1f ms wall, %7.1f ms CPU, %lld tokens\n", seconds(t) * 1e3,
                    (threadCpu() - c0) * 1e3, qlonglong(nw));
    }
    return 0;
}
