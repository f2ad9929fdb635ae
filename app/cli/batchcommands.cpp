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

} // namespace

Result<QJsonArray> batchesJson(ResultStore &store, bool all)
{
    const auto batches = BatchStore(store).batches(all);
    if (!batches)
        return std::unexpected(batches.error());
    QJsonArray list;
    for (const BatchRow &b : *batches)
        list.append(QJsonObject{{QStringLiteral("batch_id"), b.providerBatchId},
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

Result<void> printBatches(ResultStore &store, bool all, QTextStream &out)
{
    const auto batches = BatchStore(store).batches(all);
    if (!batches)
        return std::unexpected(batches.error());
    if (batches->isEmpty()) {
        out << (all ? "no batches\n" : "no open batches\n");
        return {};
    }
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
