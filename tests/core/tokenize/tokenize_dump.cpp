// Helper for tests/tools/fuzz_tokenize.mjs (not a CTest test): reads a JSON array of strings
// from the file given as argv[1] and prints {"o200k_base": [[ids]...], "cl100k_base": [[ids]...]}.
#include "core/tokenize/tokenizer.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: tokenize_dump strings.json\n");
        return 2;
    }
    QFile f(QString::fromLocal8Bit(argv[1]));
    if (!f.open(QIODevice::ReadOnly))
        return 2;
    const QJsonArray in = QJsonDocument::fromJson(f.readAll()).array();
    QJsonObject out;
    for (wb::Encoding e : {wb::Encoding::O200kBase, wb::Encoding::Cl100kBase}) {
        const wb::Tokenizer &t = wb::Tokenizer::get(e);
        QJsonArray all;
        for (const auto &v : in) {
            QJsonArray ids;
            for (int id : t.encode(v.toString()))
                ids.append(id);
            all.append(ids);
        }
        out.insert(wb::encodingName(e), all);
    }
    std::fwrite(QJsonDocument(out).toJson(QJsonDocument::Compact).constData(), 1,
                std::size_t(QJsonDocument(out).toJson(QJsonDocument::Compact).size()), stdout);
    return 0;
}
