// The provider batches of a results database for `status`, and cancel-batches
// (docs/FORMATS.md, "Batch execution").
#include "app/cli/commands.h"
#include "app/cli/untilfinished.h"
#include "app/cli/verbparser.h"

#include "core/session/batchrunner.h"
#include "core/session/keyresolution.h"
#include "core/storage/batchstore.h"
#include "core/storage/resultstore.h"

#include <QFileInfo>
#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace wb {

namespace {

QString ageText(const QDateTime &since)
{
    const qint64 s = since.isValid() ? since.secsTo(QDateTime::currentDateTimeUtc()) : 0;
    if (s < 120)
        return QStringLiteral("%1s").arg(s);
    if (s < 7200)
        return QStringLiteral("%1m").arg(s / 60);
    return QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

struct Listed {
    QString experiment;             ///< empty with --all
    QList<BatchRow> rows;
    qint64 openElsewhere = 0;       ///< open batches of other experiments (not listed)
};

Result<Listed> listBatches(ResultStore &store, const BatchListing &which)
{
    const BatchStore bs(store);
    Listed l;
    if (!which.all) {
        if (which.experiment.isEmpty()) {
            auto latest = bs.latestExperiment();
            if (!latest)
                return std::unexpected(latest.error());
            l.experiment = *latest;
        } else {
            l.experiment = which.experiment;
        }
    }
    auto rows = which.all || !l.experiment.isEmpty() ? bs.batches(true, l.experiment) : Result<QList<BatchRow>>(QList<BatchRow>{});
    if (!rows)
        return std::unexpected(rows.error());
    l.rows = *rows;
    if (!which.all) {
        auto open = bs.batches(false);
        if (!open)
            return std::unexpected(open.error());
        QSet<qint64> listed;
        for (const BatchRow &b : std::as_const(l.rows))
            listed.insert(b.id);
        for (const BatchRow &b : std::as_const(*open))
            l.openElsewhere += listed.contains(b.id) ? 0 : 1;
    }
    return l;
}

} // namespace

Result<QJsonArray> batchesJson(ResultStore &store, const BatchListing &which)
{
    const auto listed = listBatches(store, which);
    if (!listed)
        return std::unexpected(listed.error());
    const QList<BatchRow> *batches = &listed->rows;
    QJsonArray list;
    for (const BatchRow &b : *batches)
        list.append(QJsonObject{{QStringLiteral("batch_id"), b.providerBatchId},
                                {QStringLiteral("experiment"), b.experiment},
                                {QStringLiteral("provider"), b.provider},
                                {QStringLiteral("deployment"), b.deploymentId},
                                {QStringLiteral("state"), b.state},
                                {QStringLiteral("requests"), b.requests},
                                {QStringLiteral("succeeded"), b.succeeded},
                                {QStringLiteral("failed"), b.failed},
                                {QStringLiteral("expired"), b.expired},
                                {QStringLiteral("cancelled"), b.cancelled},
                                {QStringLiteral("collected"), b.collected},
                                {QStringLiteral("created_at"), b.createdAt.toString(Qt::ISODate)}});
    return list;
}

Result<void> printBatches(ResultStore &store, const BatchListing &which, QTextStream &out)
{
    const auto listed = listBatches(store, which);
    if (!listed)
        return std::unexpected(listed.error());
    if (listed->openElsewhere > 0)
        out << listed->openElsewhere << " open batch(es) of other experiments: --all lists them\n";
    const QList<BatchRow> *batches = &listed->rows;
    if (batches->isEmpty()) {
        out << "no batches\n";
        return {};
    }
    if (!listed->experiment.isEmpty())
        out << "batches of experiment \"" << listed->experiment << "\" (* = collected):\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
               .arg(QStringLiteral("batch"), -40)
               .arg(QStringLiteral("provider"), -10)
               .arg(QStringLiteral("requests"), 8)
               .arg(QStringLiteral("state"), -12)
               .arg(QStringLiteral("ok/failed/expired/cancelled"), -28)
               .arg(QStringLiteral("age"));
    for (const BatchRow &b : *batches)
        out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                   .arg(b.providerBatchId.isEmpty() ? QStringLiteral("(not confirmed)") : b.providerBatchId, -40)
                   .arg(b.provider, -10)
                   .arg(b.requests, 8)
                   .arg(b.state + (b.collected ? QStringLiteral("*") : QString()), -12)
                   .arg(QStringLiteral("%1/%2/%3/%4").arg(b.succeeded).arg(b.failed).arg(b.expired).arg(b.cancelled), -28)
                   .arg(ageText(b.createdAt));
    return {};
}

int cmdCancelBatches(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"cancel-batches");
    if (!a.parse(args, out, err))
        return a.exitCode();
    const QString dbPath = a.value(QStringLiteral("--db"));
    if (!QFileInfo::exists(dbPath)) {
        err << "discernus cancel-batches: " << dbPath << ": no such database\n";
        return 2;
    }
    auto models = loadModelList(a.value(QStringLiteral("--config")));
    if (!models) {
        err << "discernus cancel-batches: " << models.error().toString() << '\n';
        return 2;
    }
    KeyResolveJob keyJob(*models);
    keyJob.start();
    runUntil(&keyJob, &KeyResolveJob::finished);
    BatchCancelJob job(*models, keyJob.availableKeys(nullptr), dbPath);
    job.start();
    runUntil(&job, &BatchCancelJob::finished);
    for (const QString &p : std::as_const(job.problems))
        err << "discernus cancel-batches: " << p << '\n';
    out << job.cancelled << " batches cancelled; --resume collects what they finished and returns the rest to pending\n";
    return job.problems.isEmpty() ? 0 : 1;
}

} // namespace wb
