// bundle and verify-bundle: the reproducibility bundle (docs/FORMATS.md, "Reproducibility bundle").
#include "app/cli/commands.h"
#include "app/cli/verbparser.h"

#include "core/bundle/bundle.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace wb {

int cmdBundle(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"bundle");
    if (!a.parse(args, out, err))
        return a.exitCode();
    BundleOptions opt;
    opt.dbPath = a.value(QStringLiteral("--db"));
    opt.configPath = a.value(QStringLiteral("--config"));
    opt.experimentPath = a.value(QStringLiteral("--experiment"));
    opt.pricesPath = a.value(QStringLiteral("--prices"));
    opt.outPath = a.value(QStringLiteral("-o"));
    opt.softwareVersion = QCoreApplication::applicationVersion();
    auto summary = makeBundle(opt);
    if (!summary) {
        err << "discernus bundle: " << summary.error().toString() << '\n';
        return 2;
    }
    for (const QString &w : std::as_const(summary->warnings))
        err << "warning: " << w << '\n';
    err << "wrote " << opt.outPath << " (" << summary->files << " files with their SHA-256 in manifest.json)\n";
    return 0;
}

int cmdVerifyBundle(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"verify-bundle");
    if (!a.parse(args, out, err))
        return a.exitCode();
    if (a.positional().size() != 1)
        return a.usageError(err, QStringLiteral("give the bundle to check"));
    const QString path = a.positional().first();
    auto v = verifyBundle(path);
    if (a.has(QStringLiteral("--json"))) {
        QJsonObject o{{QStringLiteral("bundle"), path}, {QStringLiteral("ok"), bool(v)}};
        if (v)
            o[QStringLiteral("files")] = v->files;
        else
            o[QStringLiteral("error")] = v.error().message;
        out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
    }
    if (!v) {
        err << "discernus verify-bundle: " << v.error().toString() << '\n';
        return 1;
    }
    if (!a.has(QStringLiteral("--json")))
        out << path << ": OK, " << v->files << " files match manifest.json (created "
            << v->manifest.value(QStringLiteral("created_at")).toString() << ", discernus "
            << v->manifest.value(QStringLiteral("software")).toObject().value(QStringLiteral("version")).toString() << ")\n";
    return 0;
}

} // namespace wb
