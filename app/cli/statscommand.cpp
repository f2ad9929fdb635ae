// stats: the agreement statistics of a results database (docs/FORMATS.md, "Agreement statistics").
#include "app/cli/commands.h"
#include "app/cli/filteroptions.h"
#include "app/cli/verbparser.h"

#include "core/analysis/agreement.h"
#include "core/storage/csvnotes.h"
#include "core/storage/resultquery.h"
#include "core/storage/serverdb.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace wb {

QList<CliOption> resultFilterOptions(bool withStatus)
{
    QList<CliOption> o = {
        {{QStringLiteral("run")}, QStringLiteral("RUN[,RUN...]"), QStringLiteral("only these runs")},
        {{QStringLiteral("model")}, QStringLiteral("GROUP"), QStringLiteral("only this model group's runs")},
        {{QStringLiteral("framework")}, QStringLiteral("ID"), QStringLiteral("only this framework's runs")},
        {{QStringLiteral("experiment")}, QStringLiteral("NAME"), QStringLiteral("only this experiment's runs")},
        {{QStringLiteral("search")}, QStringLiteral("TEXT"), QStringLiteral("only texts whose id contains TEXT (as the Results page's search)")},
    };
    if (withStatus)
        o << CliOption{{QStringLiteral("status")}, QStringLiteral("S"), QStringLiteral("only jobs in status S: pending, in_flight, done or failed")};
    return o;
}

ResultFilter resultFilterFrom(const VerbArgs &a)
{
    ResultFilter f;
    for (const QString &r : a.value(QStringLiteral("--run")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        f.runIds << r.trimmed();
    f.model = a.value(QStringLiteral("--model"));
    f.framework = a.value(QStringLiteral("--framework"));
    f.experiment = a.value(QStringLiteral("--experiment"));
    f.textLike = a.value(QStringLiteral("--search"));
    if (a.spec().name != QLatin1String("stats"))
        f.status = a.value(QStringLiteral("--status"));
    return f;
}

namespace {

QString fmt(double v)
{
    return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'f', 3);
}

QString alphaText(const AlphaEstimate &e)
{
    if (std::isnan(e.value.alpha))
        return QStringLiteral("–");
    return QStringLiteral("%1 [%2, %3]").arg(fmt(e.value.alpha), fmt(e.ci.low), fmt(e.ci.high));
}

void printReport(const AgreementReport &r, QTextStream &out)
{
    out << "Krippendorff's alpha with 95 % bootstrap intervals (" << r.options.bootstrapDraws << " draws, seed "
        << r.options.seed << "); units = texts.\n";
    for (const DimensionAgreement &d : r.dimensions) {
        out << '\n' << d.framework << " / " << d.dimension << "  (" << d.texts << " texts; models: " << d.models.join(QStringLiteral(", "))
            << ")\n";
        if (d.models.size() >= 2)
            out << "  across models   interval " << alphaText(d.interval) << "   ordinal " << alphaText(d.ordinal) << "   ("
                << d.interval.value.units << " texts with 2+ models)\n";
        for (const StabilityAgreement &s : d.stability)
            out << "  stability " << s.model << " (" << s.repetitions << " repetitions)   interval " << alphaText(s.interval)
                << "   ordinal " << alphaText(s.ordinal) << '\n';
        for (const PairCorrelation &p : d.pairs)
            out << "  " << p.modelA << " ~ " << p.modelB << "   pearson " << fmt(p.pearson.r) << "   spearman "
                << fmt(p.spearman.r) << "   n " << p.pearson.n << '\n';
    }
}

} // namespace

int cmdStats(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"stats");
    if (!a.parse(args, out, err))
        return a.exitCode();
    const QString dbPath = a.value(QStringLiteral("--db"));
    if (!isServerDatabase(dbPath) && !QFileInfo::exists(dbPath)) {
        err << "discernus stats: " << dbPath << ": no such database\n";
        return 2;
    }
    if (a.has(QStringLiteral("--json")) && a.has(QStringLiteral("-o")))
        return a.usageError(err, QStringLiteral("give either --json or -o, not both"));
    AgreementOptions opt;
    if (a.has(QStringLiteral("--draws"))) {
        bool ok = false;
        opt.bootstrapDraws = a.value(QStringLiteral("--draws")).toInt(&ok);
        if (!ok || opt.bootstrapDraws < 0 || opt.bootstrapDraws > 100000)
            return a.usageError(err, QStringLiteral("--draws expects a whole number from 0 to 100000"));
    }
    if (a.has(QStringLiteral("--seed"))) {
        bool ok = false;
        opt.seed = a.value(QStringLiteral("--seed")).toULongLong(&ok);
        if (!ok)
            return a.usageError(err, QStringLiteral("--seed expects a non-negative whole number"));
    }
    auto conn = openReadConnection(dbPath);
    if (!conn) {
        err << "discernus stats: " << conn.error().toString() << '\n';
        return 2;
    }
    // What is stored with the results is used while no result was written since (docs/FORMATS.md,
    // "Stored statistics"); the same data and options give the same numbers either way.
    auto lookup = a.has(QStringLiteral("--recompute")) ? computeAndStoreAgreement(dbPath, *conn, resultFilterFrom(a), opt)
                                                      : agreementFor(dbPath, *conn, resultFilterFrom(a), opt);
    closeReadConnection(*conn);
    if (!lookup) {
        err << "discernus stats: " << lookup.error().toString() << '\n';
        return 2;
    }
    const AgreementReport *report = &lookup->report;
    if (a.has(QStringLiteral("--json"))) {
        out << QJsonDocument(agreementToJson(*report)).toJson(QJsonDocument::Compact) << '\n';
        return 0;
    }
    if (a.has(QStringLiteral("-o"))) {
        const QString path = a.value(QStringLiteral("-o"));
        QSaveFile f(path);
        const QByteArray csv = agreementToCsv(*report);
        if (!f.open(QIODevice::WriteOnly) || f.write(csv) != csv.size() || !f.commit()) {
            err << "discernus stats: " << path << ": cannot write: " << f.errorString() << '\n';
            return 2;
        }
        if (auto r = writeColumnsFile(path, agreementCsvColumns()); !r) {
            err << "discernus stats: " << r.error().toString() << '\n';
            return 2;
        }
        err << "wrote " << (csv.count('\n') - 1) << " statistics to " << path << " (columns: " << columnsFilePath(path) << ")\n";
        return 0;
    }
    printReport(*report, out);
    if (lookup->stored) {
        out << "\nStored with the results on " << lookup->computedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")) << " UTC";
        if (lookup->computeMs >= 1000)   // worth saying only where it explains why they were kept
            out << " (computed in " << QString::number(double(lookup->computeMs) / 1000.0, 'f', 1) << " s)";
        out << "; no result was written since. --recompute computes them again.\n";
    }
    return 0;
}

} // namespace wb
