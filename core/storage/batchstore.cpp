#include "core/storage/batchstore.h"

#include "core/storage/resultstore.h"
#include "core/storage/sqlhelpers_p.h"

namespace wb {

using namespace storage_detail;

namespace {

QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QString joinIds(const QList<qint64> &ids)
{
    QStringList parts;
    parts.reserve(ids.size());
    for (qint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(QLatin1Char(','));
}

} // namespace

BatchStore::BatchStore(const ResultStore &store) : m_connection(store.connectionName()), m_path(store.path()) {}

Result<qint64> BatchStore::insert(const BatchRow &b, const QList<BatchItemRow> &items)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (auto r = beginImmediate(db, m_path); !r)
        return std::unexpected(r.error());
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO batches(provider_batch_id, deployment_id, provider, model_group, state, provider_state,"
                             " requests, input_tokens, input_bytes, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    const QString now = nowIso();
    for (const QVariant &v : {textOrNull(b.providerBatchId), QVariant(b.deploymentId), QVariant(b.provider), QVariant(b.group),
                              QVariant(b.state), textOrNull(b.providerState), QVariant(b.requests), QVariant(b.inputTokens),
                              QVariant(b.inputBytes), QVariant(now), QVariant(now)})
        q.addBindValue(v);
    if (!q.exec()) {
        const Error e = sqlError(QStringLiteral("insert batch"), q.lastError(), m_path);
        rollback(db, m_path);
        return std::unexpected(e);
    }
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery qi(db);
    qi.prepare(QStringLiteral("INSERT INTO batch_items(batch_id, custom_id, run_id, job_ids) VALUES (?,?,?,?)"));
    for (const BatchItemRow &it : items) {
        qi.bindValue(0, id);
        qi.bindValue(1, it.customId);
        qi.bindValue(2, it.runId);
        qi.bindValue(3, joinIds(it.jobIds));
        if (!qi.exec()) {
            const Error e = sqlError(QStringLiteral("insert batch item"), qi.lastError(), m_path);
            rollback(db, m_path);
            return std::unexpected(e);
        }
    }
    if (auto r = commit(db, m_path); !r) {
        rollback(db, m_path);
        return std::unexpected(r.error());
    }
    return id;
}

Result<void> BatchStore::update(const BatchRow &b)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE batches SET provider_batch_id=?, state=?, provider_state=?, requests=?, succeeded=?, failed=?,"
                             " expired=?, cancelled=?, input_file=?, output_file=?, error_file=?, results_url=?, error=?,"
                             " collected=?, updated_at=? WHERE id=?"));
    for (const QVariant &v : {textOrNull(b.providerBatchId), QVariant(b.state), textOrNull(b.providerState), QVariant(b.requests),
                              QVariant(b.succeeded), QVariant(b.failed), QVariant(b.expired), QVariant(b.cancelled),
                              textOrNull(b.inputFile), textOrNull(b.outputFile), textOrNull(b.errorFile), textOrNull(b.resultsUrl),
                              textOrNull(b.error), QVariant(b.collected ? 1 : 0), QVariant(nowIso()), QVariant(b.id)})
        q.addBindValue(v);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("update batch"), q.lastError(), m_path));
    return {};
}

namespace {
/// A batch carries the jobs of one run process, so its first item names its experiment.
const char kExperimentOfBatch[] = "(SELECT e.name FROM batch_items bi JOIN runs r ON r.run_id = bi.run_id"
                                  " JOIN experiments e ON e.id = r.experiment_id WHERE bi.batch_id = batches.id LIMIT 1)";
} // namespace

Result<QList<BatchRow>> BatchStore::batches(bool all, const QString &experiment) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    QStringList where;
    if (!all)
        where << QStringLiteral("collected = 0");
    if (!experiment.isEmpty())
        where << QLatin1String(kExperimentOfBatch) + QStringLiteral(" = ?");
    const QString sql = QStringLiteral("SELECT id, provider_batch_id, deployment_id, provider, model_group, state, provider_state,"
                                       " requests, succeeded, failed, expired, cancelled, input_tokens, input_bytes, input_file,"
                                       " output_file, error_file, results_url, error, collected, created_at, updated_at, ")
                        + QLatin1String(kExperimentOfBatch) + QStringLiteral(" FROM batches")
                        + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")))
                        + QStringLiteral(" ORDER BY id");
    q.prepare(sql);
    if (!experiment.isEmpty())
        q.addBindValue(experiment);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("read batches"), q.lastError(), m_path));
    QList<BatchRow> out;
    while (q.next()) {
        BatchRow b;
        int i = 0;
        b.id = q.value(i++).toLongLong();
        b.providerBatchId = q.value(i++).toString();
        b.deploymentId = q.value(i++).toString();
        b.provider = q.value(i++).toString();
        b.group = q.value(i++).toString();
        b.state = q.value(i++).toString();
        b.providerState = q.value(i++).toString();
        for (qint64 *v : {&b.requests, &b.succeeded, &b.failed, &b.expired, &b.cancelled, &b.inputTokens, &b.inputBytes})
            *v = q.value(i++).toLongLong();
        for (QString *v : {&b.inputFile, &b.outputFile, &b.errorFile, &b.resultsUrl, &b.error})
            *v = q.value(i++).toString();
        b.collected = q.value(i++).toInt() != 0;
        b.createdAt = QDateTime::fromString(q.value(i++).toString(), Qt::ISODateWithMs);
        b.updatedAt = QDateTime::fromString(q.value(i++).toString(), Qt::ISODateWithMs);
        b.experiment = q.value(i++).toString();
        out.append(b);
    }
    return out;
}

Result<QString> BatchStore::latestExperiment() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(QStringLiteral("SELECT ") + QLatin1String(kExperimentOfBatch) + QStringLiteral(" FROM batches ORDER BY id DESC LIMIT 1")))
        return std::unexpected(sqlError(QStringLiteral("read batches"), q.lastError(), m_path));
    return q.next() ? q.value(0).toString() : QString();
}

Result<QList<BatchItemRow>> BatchStore::items(qint64 batchId) const
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT custom_id, run_id, job_ids FROM batch_items WHERE batch_id=?"));
    q.addBindValue(batchId);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("read batch items"), q.lastError(), m_path));
    QList<BatchItemRow> out;
    while (q.next()) {
        BatchItemRow it;
        it.customId = q.value(0).toString();
        it.runId = q.value(1).toString();
        for (const QString &s : q.value(2).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            it.jobIds.append(s.toLongLong());
        out.append(it);
    }
    return out;
}

} // namespace wb
