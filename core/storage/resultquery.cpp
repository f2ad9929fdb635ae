#include "core/storage/resultquery.h"

#include "core/storage/schema_p.h"
#include "core/storage/resultstore.h"
#include "core/storage/serverdb.h"
#include "core/storage/resultfilter_p.h"
#include "core/storage/sqlhelpers_p.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>
#include <QLocale>

#include <cmath>
#include <limits>
#include <numeric>

namespace wb {

using namespace storage_detail;

QString ResultRowView::scoresText() const
{
    QString s;
    for (const ScoreRow &r : scores) {
        if (!s.isEmpty())
            s += QLatin1Char(' ');
        s += r.dimension + QLatin1Char('=')
            + (r.score ? QString::number(*r.score, 'g', QLocale::FloatingPointShortest) : QStringLiteral("\u2013"));
    }
    return s;
}

FilterSql storage_detail::filterSql(const ResultFilter &f, const QString &a, bool planOrder)
{
    const QString p = a.isEmpty() ? QString() : a + QLatin1Char('.');
    // A unary + makes the column an expression, which no index serves.
    const QString plus = planOrder ? QStringLiteral("+") : QString();
    QStringList parts;
    FilterSql w;
    if (!f.runId.isEmpty()) {
        parts << plus + p + QStringLiteral("run_id = ?");
        w.binds << f.runId;
    }
    if (!f.runIds.isEmpty()) {
        parts << plus + p + QStringLiteral("run_id IN (") + placeholders(f.runIds.size()) + QLatin1Char(')');
        for (const QString &r : f.runIds)
            w.binds << r;
    }
    if (!f.model.isEmpty()) {
        parts << plus + p + QStringLiteral("run_id IN (SELECT run_id FROM runs WHERE model_group = ?)");
        w.binds << f.model;
    }
    if (!f.framework.isEmpty()) {
        parts << plus + p + QStringLiteral("run_id IN (SELECT run_id FROM runs WHERE framework = ?)");
        w.binds << f.framework;
    }
    if (!f.experiment.isEmpty()) {
        parts << plus + p + QStringLiteral("run_id IN (SELECT rr.run_id FROM runs rr JOIN experiments ee ON ee.id = rr.experiment_id"
                                           " WHERE ee.name = ?)");
        w.binds << f.experiment;
    }
    if (!f.status.isEmpty()) {
        parts << plus + p + QStringLiteral("status = ?");
        w.binds << f.status;
    }
    if (!f.textLike.isEmpty()) {
        QString pattern = f.textLike;
        pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
        pattern.replace(QLatin1Char('%'), QLatin1String("\\%"));
        pattern.replace(QLatin1Char('_'), QLatin1String("\\_"));
        parts << plus + p + QStringLiteral("text_id LIKE ? ESCAPE '\\'");
        w.binds << QString(QLatin1Char('%') + pattern + QLatin1Char('%'));
    }
    w.sql = parts.isEmpty() ? QStringLiteral("1 = 1") : parts.join(QLatin1String(" AND "));   // a boolean in PostgreSQL too
    return w;
}

bool storage_detail::runMatches(const ResultFilter &f, const QString &runId, const QString &modelGroup,
                                const QString &framework, const QString &experiment)
{
    return (f.runId.isEmpty() || f.runId == runId) && (f.runIds.isEmpty() || f.runIds.contains(runId))
        && (f.model.isEmpty() || f.model == modelGroup) && (f.framework.isEmpty() || f.framework == framework)
        && (f.experiment.isEmpty() || f.experiment == experiment);
}

namespace {

const QString kRowColumns = QStringLiteral(
    "j.id, e.name, j.run_id, r.model_group, r.framework, j.corpus, j.text_id, j.repetition, j.status, j.attempts,"
    " j.deployment_id, j.provider, j.model_version, j.prompt_tokens, j.completion_tokens, j.cached_tokens,"
    " j.cost_micros, j.latency_ms, j.last_error, j.completed_at"
    " FROM jobs j LEFT JOIN runs r ON r.run_id = j.run_id LEFT JOIN experiments e ON e.id = r.experiment_id");

ResultRowView readRow(const QSqlQuery &q)
{
    ResultRowView v;
    v.jobId = q.value(0).toLongLong();
    v.experiment = text(q, 1);
    v.runId = text(q, 2);
    v.modelGroup = text(q, 3);
    v.framework = text(q, 4);
    v.corpus = text(q, 5);
    v.textId = text(q, 6);
    v.repetition = q.value(7).toInt();
    v.status = jobStatusFromName(text(q, 8));
    v.attempts = q.value(9).toInt();
    v.deploymentId = text(q, 10);
    v.provider = text(q, 11);
    v.modelVersion = text(q, 12);
    v.promptTokens = q.value(13).toLongLong();
    v.completionTokens = q.value(14).toLongLong();
    v.cachedTokens = q.value(15).toLongLong();
    v.costMicros = q.value(16).toLongLong();
    v.latencyMs = q.value(17).toLongLong();
    v.error = text(q, 18);
    v.completedAt = text(q, 19);
    return v;
}

const QString kCallColumns = QStringLiteral(
    "SELECT id, deployment_id, provider, model_group, model_version, http_status, prompt_tokens,"
    " completion_tokens, cached_tokens, cache_write_tokens, cost_micros, latency_ms, request_id, error_class,"
    " error_message, started_at, job_id FROM calls");

CallView readCall(const QSqlQuery &q)
{
    CallView c;
    c.id = q.value(0).toLongLong();
    c.deploymentId = text(q, 1);
    c.provider = text(q, 2);
    c.modelGroup = text(q, 3);
    c.modelVersion = text(q, 4);
    c.httpStatus = q.value(5).toInt();
    c.promptTokens = q.value(6).toLongLong();
    c.completionTokens = q.value(7).toLongLong();
    c.cachedTokens = q.value(8).toLongLong();
    c.cacheWriteTokens = q.value(9).toLongLong();
    c.costMicros = q.value(10).toLongLong();
    c.latencyMs = q.value(11).toLongLong();
    c.requestId = text(q, 12);
    c.errorClass = text(q, 13);
    c.errorMessage = text(q, 14);
    c.startedAt = text(q, 15);
    c.jobId = q.value(16).toLongLong();
    return c;
}

ScoreRow readScore(const QSqlQuery &q, int col, bool withEvidence)
{
    ScoreRow s;
    s.dimension = text(q, col);
    const QVariant v = q.value(col + 1);
    if (!v.isNull())
        s.score = v.toDouble();
    if (withEvidence)
        s.evidence = text(q, col + 2);
    return s;
}

Result<void> attachScores(QSqlDatabase &db, QList<ResultRowView> &rows);

QString sortExpression(ResultSort::Key k);

Result<QList<ResultRowView>> fetchByScore(QSqlDatabase &db, const ResultFilter &filter, const ResultSort &sort,
                                          qint64 offset, int limit);

// Selects the page's ids from `jobs` alone (cheap, index-only where the filter allows), then joins
// only those rows, and fetches their scores with one IN query. With a `sort` the joined rows are
// ordered in SQL instead (the sort key may live in `runs`), paged by offset.
Result<QList<ResultRowView>> fetchPage(const QString &connName, const ResultFilter &filter, qint64 afterId,
                                       qint64 offset, int limit, const ResultSort *sort = nullptr,
                                       qint64 sortFewUpTo = kScoreSortFewUpTo)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    if (limit <= 0)
        return QList<ResultRowView>{};
    FilterSql w = filterSql(filter, sort ? QStringLiteral("j") : QString());
    bool smallScoreSort = false;
    if (sort && sort->key == ResultSort::Key::Score) {
        // A filter that leaves few jobs (a run, failed ones, a rare text): sorting those beats
        // walking the whole score index past the others. The count stops at the threshold, so
        // a filter most jobs pass costs little to count and walks the index.
        const qint64 kSortFewUpTo = sortFewUpTo;
        if (w.sql != QLatin1String("1")) {
            QSqlQuery c(*db);
            c.prepare(QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM jobs j WHERE ") + w.sql + QStringLiteral(" LIMIT ?)"));
            int b = 0;
            for (const QVariant &v : std::as_const(w.binds))
                c.bindValue(b++, v);
            c.bindValue(b, kSortFewUpTo + 1);
            if (!c.exec() || !c.next())
                return std::unexpected(sqlError(QStringLiteral("count results"), c.lastError()));
            smallScoreSort = c.value(0).toLongLong() <= kSortFewUpTo;
        }
        if (!smallScoreSort)
            return fetchByScore(*db, filter, *sort, qMax<qint64>(0, offset), limit);
    }
    if (afterId > 0) {
        w.sql += QStringLiteral(" AND id > ?");
        w.binds << afterId;
    }
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    if (sort) {
        const QString dir = sort->descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
        QString expr = sortExpression(sort->key);
        if (smallScoreSort) {
            // The order fetchByScore gives: scored jobs by score, then the rest (NULL) by id.
            const QString score = QStringLiteral("(CASE WHEN r.framework = ? THEN (SELECT s.score FROM scores s WHERE s.job_id = j.id"
                                                 " AND s.dimension = ?) END)");
            expr = score + QStringLiteral(" IS NULL, ") + score;
            w.binds << sort->framework << sort->dimension << sort->framework << sort->dimension;
        }
        q.prepare(QStringLiteral("SELECT ") + kRowColumns + QStringLiteral(" WHERE ") + w.sql + QStringLiteral(" ORDER BY ")
                  + expr + dir + QStringLiteral(", j.id") + dir + QStringLiteral(" LIMIT ? OFFSET ?"));
    } else {
        q.prepare(QStringLiteral("SELECT ") + kRowColumns + QStringLiteral(" WHERE j.id IN (SELECT id FROM jobs WHERE ") + w.sql
                  + QStringLiteral(" ORDER BY id LIMIT ? OFFSET ?) ORDER BY j.id"));
    }
    int i = 0;
    for (const QVariant &b : std::as_const(w.binds))
        q.bindValue(i++, b);
    q.bindValue(i++, limit);
    q.bindValue(i++, qMax<qint64>(0, offset));
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("read results"), q.lastError()));
    QList<ResultRowView> rows;
    rows.reserve(limit);
    while (q.next())
        rows.append(readRow(q));
    q.finish();
    if (auto ok = attachScores(*db, rows); !ok)
        return std::unexpected(ok.error());
    return rows;
}

/// The first column of a query as ids, binding `binds` in order.
Result<QList<qint64>> idColumn(QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (int i = 0; i < binds.size(); ++i)
        q.bindValue(i, binds[i]);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("read results by score"), q.lastError()));
    QList<qint64> ids;
    while (q.next())
        ids << q.value(0).toLongLong();
    return ids;
}

// Ordered by one dimension's score: first the jobs that have it, walked in score order through
// idx_scores_dimension_score (scores drive the join, and the filter's job columns are wrapped so
// no jobs index can take over and force a sort of every row), then the jobs without it in job
// order — empty cells last in either direction, as a spreadsheet sorts them. A page costs its
// offset in index steps; only a page past the last scored job counts the scored ones.
Result<QList<ResultRowView>> fetchByScore(QSqlDatabase &db, const ResultFilter &filter, const ResultSort &sort,
                                          qint64 offset, int limit)
{
    const QString dir = sort.descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    const FilterSql w = filterSql(filter, QStringLiteral("j"), true);
    const QString inFramework = QStringLiteral("+j.run_id IN (SELECT run_id FROM runs WHERE framework = ?)");
    const QString scored = QStringLiteral(" FROM scores s CROSS JOIN jobs j ON j.id = s.job_id WHERE s.dimension = ?"
                                          " AND s.score IS NOT NULL AND ")
        + inFramework + QStringLiteral(" AND ") + w.sql;
    const QVariantList scoredBinds = QVariantList{sort.dimension, sort.framework} + w.binds;
    auto ids = idColumn(db, QStringLiteral("SELECT s.job_id") + scored + QStringLiteral(" ORDER BY s.score") + dir + QStringLiteral(", s.job_id")
                                + dir + QStringLiteral(" LIMIT ? OFFSET ?"),
                        scoredBinds + QVariantList{limit, offset});
    if (!ids)
        return std::unexpected(ids.error());
    if (ids->size() < limit) {
        qint64 scoredCount = offset + ids->size();
        if (ids->isEmpty() && offset > 0) {
            auto n = idColumn(db, QStringLiteral("SELECT COUNT(*)") + scored, scoredBinds);
            if (!n)
                return std::unexpected(n.error());
            scoredCount = n->value(0);
        }
        auto unscored = idColumn(db, QStringLiteral("SELECT j.id FROM jobs j WHERE ") + w.sql + QStringLiteral(" AND NOT (") + inFramework
                                         + QStringLiteral(" AND EXISTS (SELECT 1 FROM scores s WHERE s.job_id = j.id AND s.dimension = ?"
                                                          " AND s.score IS NOT NULL)) ORDER BY j.id")
                                         + dir + QStringLiteral(" LIMIT ? OFFSET ?"),
                                 w.binds + QVariantList{sort.framework, sort.dimension, limit - ids->size(), qMax<qint64>(0, offset - scoredCount)});
        if (!unscored)
            return std::unexpected(unscored.error());
        *ids += *unscored;
    }
    QList<ResultRowView> rows;
    if (ids->isEmpty())
        return rows;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT ") + kRowColumns + QStringLiteral(" WHERE j.id IN (") + placeholders(ids->size()) + QLatin1Char(')'));
    for (int i = 0; i < ids->size(); ++i)
        q.bindValue(i, ids->at(i));
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("read results"), q.lastError()));
    QHash<qint64, ResultRowView> byId;
    while (q.next()) {
        ResultRowView r = readRow(q);
        byId.insert(r.jobId, std::move(r));
    }
    q.finish();
    rows.reserve(ids->size());
    for (qint64 id : std::as_const(*ids))
        if (auto it = byId.find(id); it != byId.end())
            rows.append(std::move(*it));
    if (auto ok = attachScores(db, rows); !ok)
        return std::unexpected(ok.error());
    return rows;
}

// Fills in the (evidence-less) scores of a page of rows with one IN query.
Result<void> attachScores(QSqlDatabase &db, QList<ResultRowView> &rows)
{
    if (rows.isEmpty())
        return {};
    QHash<qint64, qsizetype> index;
    for (qsizetype k = 0; k < rows.size(); ++k)
        index.insert(rows[k].jobId, k);
    QSqlQuery s(db);
    s.setForwardOnly(true);
    s.prepare(QStringLiteral("SELECT job_id, dimension, score FROM scores WHERE job_id IN (") + placeholders(rows.size())
              + QStringLiteral(") ORDER BY job_id, dimension"));
    for (int k = 0; k < rows.size(); ++k)
        s.bindValue(k, rows[k].jobId);
    if (!s.exec())
        return std::unexpected(sqlError(QStringLiteral("read scores"), s.lastError()));
    while (s.next()) {
        const auto it = index.constFind(s.value(0).toLongLong());
        if (it != index.constEnd())
            rows[*it].scores.append(readScore(s, 1, false));
    }
    return {};
}

// SQL for a sort key over `jobs j LEFT JOIN runs r`; an allow-list, never text from the caller.
QString sortExpression(ResultSort::Key k)
{
    using K = ResultSort::Key;
    switch (k) {
    case K::JobId: return QStringLiteral("j.id");
    case K::Run: return QStringLiteral("j.run_id");
    case K::ModelGroup: return QStringLiteral("r.model_group");
    case K::Framework: return QStringLiteral("r.framework");
    // As the table shows it: "corpus/text", or the text id alone without a corpus.
    case K::Text: return QStringLiteral("CASE WHEN COALESCE(j.corpus, '') = '' THEN j.text_id ELSE j.corpus || '/' || j.text_id END");
    case K::Repetition: return QStringLiteral("j.repetition");
    case K::Status: return QStringLiteral("j.status");
    case K::Deployment: return QStringLiteral("j.deployment_id");
    case K::Provider: return QStringLiteral("j.provider");
    case K::ModelVersion: return QStringLiteral("j.model_version");
    case K::PromptTokens: return QStringLiteral("j.prompt_tokens");
    case K::CompletionTokens: return QStringLiteral("j.completion_tokens");
    case K::Cost: return QStringLiteral("j.cost_micros");
    case K::Latency: return QStringLiteral("j.latency_ms");
    case K::Attempts: return QStringLiteral("j.attempts");
    case K::Error: return QStringLiteral("j.last_error");
    case K::Completed: return QStringLiteral("j.completed_at");
    case K::Score: break;   // fetchByScore
    }
    return QStringLiteral("j.id");
}

Result<QStringList> column(const QString &connName, const QString &sql)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    QSqlQuery q(*db);
    if (!q.exec(sql))
        return std::unexpected(sqlError(QStringLiteral("read list"), q.lastError()));
    QStringList out;
    while (q.next())
        out << text(q, 0);
    return out;
}

} // namespace

Result<QString> openReadConnection(const QString &dbPath)
{
    const bool server = isServerDatabase(dbPath);
    if (!server && !QFileInfo(dbPath).isFile())
        return fail(QStringLiteral("no results database here"), dbPath);
    auto db = openConnection(dbPath, QStringLiteral("read"), true);
    if (!db)
        return std::unexpected(db.error());
    const QString name = db->connectionName();
    const int version = schemaVersionOf(*db, dbPath).value_or(-1);
    // The read queries need nothing newer than schema 3: 4 only adds the score index, without
    // which a sort by score is slower, not wrong. So a database no writer has migrated yet (a
    // bundle, a file from the previous release) is read as it is, never migrated by a reader.
    constexpr int kOldestReadableSchema = 3;
    if (version < kOldestReadableSchema || version > ResultStore::latestSchemaVersion()) {
        *db = QSqlDatabase();
        closeConnection(name);
        if (version > ResultStore::latestSchemaVersion())
            return std::unexpected(newerSchemaError(version, dbPath));
        return fail(version == 0 ? QStringLiteral("not a results database (no schema)")
                                 : QStringLiteral("results database has schema version %1, expected %2")
                                       .arg(version)
                                       .arg(ResultStore::latestSchemaVersion()),
                    dbPath);
    }
    return name;
}

void closeReadConnection(const QString &connName)
{
    closeConnection(connName);
}

Result<qint64> countResults(const QString &connName, const ResultFilter &filter)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    const FilterSql w = filterSql(filter, {});
    QSqlQuery q(*db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE ") + w.sql);
    for (int i = 0; i < w.binds.size(); ++i)
        q.bindValue(i, w.binds[i]);
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("count results"), q.lastError()));
    return q.value(0).toLongLong();
}

Result<QList<ResultRowView>> fetchResults(const QString &connName, const ResultFilter &filter, qint64 offset, int limit)
{
    return fetchPage(connName, filter, 0, offset, limit);
}

Result<QList<ResultRowView>> fetchResultsAfter(const QString &connName, const ResultFilter &filter, qint64 afterJobId,
                                               int limit)
{
    return fetchPage(connName, filter, afterJobId, 0, limit);
}

Result<QList<ResultRowView>> fetchResultsSorted(const QString &connName, const ResultFilter &filter,
                                                const ResultSort &sort, qint64 offset, int limit)
{
    return fetchPage(connName, filter, 0, offset, limit, &sort);
}

Result<QList<ResultRowView>> storage_detail::fetchResultsSortedWith(const QString &connName, const ResultFilter &filter,
                                                                    const ResultSort &sort, qint64 offset, int limit,
                                                                    qint64 sortFewUpTo)
{
    return fetchPage(connName, filter, 0, offset, limit, &sort, sortFewUpTo);
}

Result<JobDetail> jobDetail(const QString &connName, qint64 jobId)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    JobDetail d;
    {
        QSqlQuery q(*db);
        q.prepare(QStringLiteral("SELECT ") + kRowColumns + QStringLiteral(" WHERE j.id = ?"));
        q.addBindValue(jobId);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read job"), q.lastError()));
        if (!q.next())
            return fail(QStringLiteral("no job with id %1").arg(jobId));
        d.row = readRow(q);
    }
    {
        QSqlQuery q(*db);
        q.prepare(QStringLiteral("SELECT dimension, score, evidence FROM scores WHERE job_id = ? ORDER BY dimension"));
        q.addBindValue(jobId);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read scores"), q.lastError()));
        while (q.next()) {
            d.scores.append(readScore(q, 0, true));
            ScoreRow compact = d.scores.last();
            compact.evidence.clear();
            d.row.scores.append(compact);
        }
    }
    {
        const QString cols = kCallColumns + QStringLiteral(" WHERE ");
        QSqlQuery q(*db);
        q.prepare(cols + QStringLiteral("job_id = ? UNION ") + cols
                  + QStringLiteral("id IN (SELECT call_id FROM call_jobs WHERE job_id = ?) ORDER BY id"));
        q.addBindValue(jobId);
        q.addBindValue(jobId);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read calls"), q.lastError()));
        while (q.next())
            d.calls.append(readCall(q));
    }
    {
        QSqlQuery q(*db);
        q.prepare(QStringLiteral("SELECT attempt, text, received_at FROM raw_responses WHERE job_id = ? ORDER BY attempt"));
        q.addBindValue(jobId);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read raw responses"), q.lastError()));
        while (q.next())
            d.rawResponses.append(RawResponseView{q.value(0).toInt(), text(q, 1), text(q, 2)});
    }
    return d;
}

Result<QList<DimensionMean>> meanScores(const QString &connName, const ResultFilter &filter)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    struct RunInfo {
        QString runId, group, framework;
        QStringList dims;
    };
    QList<RunInfo> runs;
    {
        QSqlQuery q(*db);
        if (!q.exec(QStringLiteral("SELECT run_id, model_group, framework, dimensions FROM runs ORDER BY ") + runsInPlanOrder(*db)))
            return std::unexpected(sqlError(QStringLiteral("read runs"), q.lastError()));
        while (q.next()) {
            RunInfo r{text(q, 0), text(q, 1), text(q, 2), {}};
            // The experiment condition is left to the SQL below, which joins the experiments.
            if (!runMatches(filter, r.runId, r.group, r.framework, filter.experiment))
                continue;
            for (const QJsonValue &v : QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array())
                r.dims << v.toString();
            runs << r;
        }
    }
    // One pass per run over its scores, with one conditional aggregate per dimension of its
    // framework. A GROUP BY dimension would push every score (6,000,000 at a million jobs) through
    // SQLite's sorter, which is several times slower than this.
    const FilterSql w = filterSql(filter, QStringLiteral("j"));
    QMap<std::tuple<QString, QString, QString>, std::pair<double, qint64>> sums;
    for (const RunInfo &run : std::as_const(runs)) {
        QSqlQuery q(*db);
        q.setForwardOnly(true);
        QVariantList binds;
        QString select;
        if (run.dims.isEmpty()) {
            // Placeholder run without a framework description: group the few rows it has.
            select = QStringLiteral("SELECT s.dimension, TOTAL(s.score), COUNT(s.score)");
        } else {
            select = QStringLiteral("SELECT 0");
            for (const QString &dim : run.dims) {
                select += QStringLiteral(", TOTAL(CASE WHEN s.dimension = ? THEN s.score END),"
                                         " COUNT(CASE WHEN s.dimension = ? THEN s.score END)");
                binds << dim << dim;
            }
        }
        q.prepare(select + QStringLiteral(" FROM jobs j JOIN scores s ON s.job_id = j.id WHERE j.run_id = ? AND ") + w.sql
                  + (run.dims.isEmpty() ? QStringLiteral(" GROUP BY s.dimension") : QString()));
        binds << run.runId;
        binds += w.binds;
        for (int i = 0; i < binds.size(); ++i)
            q.bindValue(i, binds[i]);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("mean scores"), q.lastError()));
        while (q.next()) {
            if (run.dims.isEmpty()) {
                auto &acc = sums[{run.group, run.framework, text(q, 0)}];
                acc.first += q.value(1).toDouble();
                acc.second += q.value(2).toLongLong();
                continue;
            }
            for (int d = 0; d < run.dims.size(); ++d) {
                auto &acc = sums[{run.group, run.framework, run.dims[d]}];
                acc.first += q.value(1 + 2 * d).toDouble();
                acc.second += q.value(2 + 2 * d).toLongLong();
            }
        }
    }
    QList<DimensionMean> out;
    for (auto it = sums.cbegin(); it != sums.cend(); ++it) {
        if (it->second == 0)
            continue;   // every score NULL (or none): no mean to show
        const auto &[group, framework, dim] = it.key();
        out.append(DimensionMean{group, framework, dim, it->first / double(it->second), it->second});
    }
    return out;
}

Result<ScoreSample> scoreSample(const QString &connName, const ResultFilter &filter)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    struct RunInfo {
        QString runId, group, framework;
        QStringList dims;
    };
    QList<RunInfo> runs;
    {
        QSqlQuery q(*db);
        if (!q.exec(QStringLiteral("SELECT run_id, model_group, framework, dimensions FROM runs ORDER BY ") + runsInPlanOrder(*db)))
            return std::unexpected(sqlError(QStringLiteral("read runs"), q.lastError()));
        while (q.next()) {
            RunInfo r{text(q, 0), text(q, 1), text(q, 2), {}};
            // The experiment condition is left to the SQL below.
            if (!runMatches(filter, r.runId, r.group, r.framework, filter.experiment))
                continue;
            for (const QJsonValue &v : QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array())
                r.dims << v.toString();
            runs << r;
        }
    }
    // Interned while reading, renumbered in sorted order at the end so the output does not depend
    // on the order rows come back in.
    QHash<QString, int> models, units;
    QHash<std::pair<QString, QString>, int> dims;
    QStringList modelNames;
    QList<ScoreSample::Dimension> dimNames;
    ScoreSample out;
    auto internDim = [&](const QString &framework, const QString &dim) {
        const std::pair<QString, QString> key{framework, dim};
        const auto it = dims.constFind(key);
        if (it != dims.constEnd())
            return *it;
        const int id = int(dimNames.size());
        dims.insert(key, id);
        dimNames.append(ScoreSample::Dimension{framework, dim});
        return id;
    };
    const FilterSql w = filterSql(filter, QStringLiteral("j"));
    for (const RunInfo &run : std::as_const(runs)) {
        int model = int(modelNames.size());
        if (const auto it = models.constFind(run.group); it != models.constEnd()) {
            model = *it;
        } else {
            models.insert(run.group, model);
            modelNames << run.group;
        }
        // Two cursors over one run, both in job id order, merged: the jobs give unit and
        // repetition once per job; the scores come as numbers (the dimension as its index in the
        // framework), so six million scores cost no string conversions.
        const QString where = QStringLiteral(" WHERE j.run_id = ? AND j.status = 'done' AND ") + w.sql;
        QSqlQuery jobs(*db), scores(*db);
        // PostgreSQL streams one forward-only result per connection at a time: there the jobs are
        // read whole first.
        jobs.setForwardOnly(!isPostgres(*db));
        scores.setForwardOnly(true);
        jobs.prepare(QStringLiteral("SELECT j.id, j.corpus, j.text_id, j.repetition FROM jobs j") + where + QStringLiteral(" ORDER BY j.id"));
        QString dimExpr = QStringLiteral("s.dimension");
        QVariantList dimBinds;
        if (!run.dims.isEmpty()) {
            dimExpr = QStringLiteral("CASE s.dimension");
            for (int i = 0; i < run.dims.size(); ++i) {
                dimExpr += QStringLiteral(" WHEN ? THEN %1").arg(i);
                dimBinds << run.dims[i];
            }
            dimExpr += QStringLiteral(" ELSE -1 END");
        }
        scores.prepare(QStringLiteral("SELECT s.job_id, ") + dimExpr + QStringLiteral(", s.score FROM jobs j JOIN scores s ON s.job_id = j.id")
                       + where + QStringLiteral(" AND s.score IS NOT NULL ORDER BY s.job_id"));
        QVariantList binds = QVariantList{run.runId} + w.binds;
        for (const QVariant &b : std::as_const(binds))
            jobs.addBindValue(b);
        for (const QVariant &b : std::as_const(dimBinds) + binds)
            scores.addBindValue(b);
        if (!jobs.exec() || !scores.exec())
            return std::unexpected(sqlError(QStringLiteral("read scores"), jobs.lastError().isValid() ? jobs.lastError() : scores.lastError()));
        QList<int> dimIds;
        for (const QString &d : run.dims)
            dimIds << internDim(run.framework, d);
        bool scoreValid = scores.next();
        while (jobs.next()) {
            const qint64 jobId = jobs.value(0).toLongLong();
            const QString unitKey = text(jobs, 1) + QLatin1Char('/') + text(jobs, 2);
            int unit = int(out.units.size());
            if (const auto it = units.constFind(unitKey); it != units.constEnd()) {
                unit = *it;
            } else {
                units.insert(unitKey, unit);
                out.units << unitKey;
            }
            const int repetition = jobs.value(3).toInt();
            while (scoreValid && scores.value(0).toLongLong() < jobId)
                scoreValid = scores.next();
            for (; scoreValid && scores.value(0).toLongLong() == jobId; scoreValid = scores.next()) {
                int dim = -1;
                if (run.dims.isEmpty()) {
                    dim = internDim(run.framework, text(scores, 1));
                } else {
                    const int i = scores.value(1).toInt();
                    if (i < 0)
                        continue;   // a dimension the framework does not declare
                    dim = dimIds[i];
                }
                out.values.append(ScoreSample::Value{model, unit, dim, repetition, scores.value(2).toDouble()});
            }
        }
        if (jobs.lastError().isValid() || scores.lastError().isValid())
            return std::unexpected(sqlError(QStringLiteral("read scores"), jobs.lastError().isValid() ? jobs.lastError() : scores.lastError()));
    }
    auto sortedOrder = [](qsizetype n, auto less) {
        QList<int> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), less);
        QList<int> newIndex(n);
        for (int i = 0; i < int(n); ++i)
            newIndex[order[i]] = i;
        return std::pair{order, newIndex};
    };
    const auto [modelOrder, modelIndex] = sortedOrder(modelNames.size(), [&](int a, int b) { return modelNames[a] < modelNames[b]; });
    const auto [dimOrder, dimIndex] = sortedOrder(dimNames.size(), [&](int a, int b) {
        return std::tie(dimNames[a].framework, dimNames[a].dimension) < std::tie(dimNames[b].framework, dimNames[b].dimension);
    });
    for (int i : modelOrder)
        out.models << modelNames[i];
    for (int i : dimOrder)
        out.dimensions << dimNames[i];
    for (ScoreSample::Value &v : out.values) {
        v.model = modelIndex[v.model];
        v.dimension = dimIndex[v.dimension];
    }
    return out;
}

Result<qint64> forEachCall(const QString &connName, const std::function<bool(const CallView &)> &visit)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    QSqlQuery q(*db);
    q.setForwardOnly(true);
    if (!q.exec(kCallColumns + QStringLiteral(" ORDER BY id")))
        return std::unexpected(sqlError(QStringLiteral("read calls"), q.lastError()));
    qint64 n = 0;
    while (q.next()) {
        ++n;
        if (!visit(readCall(q)))
            break;
    }
    if (q.lastError().isValid())
        return std::unexpected(sqlError(QStringLiteral("read calls"), q.lastError()));
    return n;
}

namespace {

/// Every table of a new SQLite results database at destPath, filled from the PostgreSQL run store
/// `srcConn` inside one REPEATABLE READ transaction, so workers writing meanwhile cannot tear it.
/// Rows go in the order the server's readers see them (runs in plan order, the rest by key), so
/// the copy reads back exactly as the server does.
Result<void> copyServerDatabase(const QString &srcConn, const QString &dbPath, const QString &destPath)
{
    {
        ResultStore created;   // the schema, at the version the server has been checked to have
        if (auto r = created.open(destPath); !r)
            return r;
    }
    auto dest = openConnection(destPath, QStringLiteral("copy"), false);
    if (!dest)
        return std::unexpected(dest.error());
    const QString destName = dest->connectionName();
    QSqlDatabase src = QSqlDatabase::database(srcConn, false);
    Result<void> result;
    auto failWith = [&result](const QString &what, const QSqlQuery &q, const QString &where) {
        result = std::unexpected(sqlError(what, q.lastError(), where));
    };
    {
        QSqlQuery tables(*dest);
        QStringList names;
        if (!tables.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%' ORDER BY rowid")))
            failWith(QStringLiteral("list tables"), tables, destPath);
        while (result && tables.next())
            names << tables.value(0).toString();
        tables.finish();
        QSqlQuery read(src);
        read.setForwardOnly(true);   // rows streamed, not a whole table in memory
        if (result && !read.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ")))
            failWith(QStringLiteral("start a snapshot"), read, dbPath);
        if (result)
            result = beginImmediate(*dest, destPath);
        // Tables were created parent first, so rows referring to others come after them.
        for (const QString &table : std::as_const(names)) {
            if (!result)
                break;
            QStringList cols;
            QSqlQuery info(*dest);
            if (!info.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table))) {
                failWith(QStringLiteral("read the columns of ") + table, info, destPath);
                break;
            }
            while (info.next())
                cols << info.value(1).toString();
            info.finish();
            QSqlQuery clear(*dest);
            if (!clear.exec(QStringLiteral("DELETE FROM ") + table)) {   // schema_version: the server's own rows
                failWith(QStringLiteral("empty ") + table, clear, destPath);
                break;
            }
            const QString order = table == u"runs" ? runsInPlanOrder(src)
                : cols.contains(QStringLiteral("id")) ? QStringLiteral("id")
                                                      : QStringLiteral("1, 2");
            if (!read.exec(QStringLiteral("SELECT %1 FROM %2 ORDER BY %3").arg(cols.join(QStringLiteral(", ")), table, order))) {
                failWith(QStringLiteral("read ") + table, read, dbPath);
                break;
            }
            QSqlQuery write(*dest);
            write.prepare(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)").arg(table, cols.join(QStringLiteral(", ")), placeholders(int(cols.size()))));
            while (read.next()) {
                for (int i = 0; i < cols.size(); ++i)
                    write.bindValue(i, read.value(i));
                if (!write.exec()) {
                    failWith(QStringLiteral("copy a row of ") + table, write, destPath);
                    break;
                }
            }
            if (result && read.lastError().isValid())
                failWith(QStringLiteral("read ") + table, read, dbPath);
        }
        read.finish();
        (void)read.exec(QStringLiteral("ROLLBACK"));   // the snapshot only read
        if (result)
            result = commit(*dest, destPath);
        else
            rollback(*dest, destPath);
    }
    *dest = QSqlDatabase();
    closeConnection(destName);
    if (!result)
        QFile::remove(destPath);
    return result;
}

} // namespace

Result<void> copyDatabase(const QString &dbPath, const QString &destPath)
{
    if (QFileInfo::exists(destPath))
        return fail(QStringLiteral("already exists"), destPath);
    auto conn = openReadConnection(dbPath);
    if (conn && isServerDatabase(dbPath)) {
        Result<void> result = copyServerDatabase(*conn, dbPath, destPath);
        closeReadConnection(*conn);
        return result;
    }
    if (!conn)
        return std::unexpected(conn.error());
    Result<void> result;
    {
        QSqlDatabase db = QSqlDatabase::database(*conn, false);
        QSqlQuery pragma(db);
        // VACUUM INTO writes a new file, but query_only refuses it like any other write.
        pragma.exec(QStringLiteral("PRAGMA query_only = 0"));
        QSqlQuery q(db);
        q.prepare(QStringLiteral("VACUUM INTO ?"));
        q.addBindValue(destPath);
        if (!q.exec())
            result = std::unexpected(sqlError(QStringLiteral("copy the database to ") + destPath, q.lastError(), dbPath));
    }
    closeReadConnection(*conn);
    return result;
}

namespace {

struct RunDims {
    QString runId, group, framework;
    QStringList dims;
};

Result<QList<RunDims>> matchingRuns(QSqlDatabase &db, const ResultFilter &filter)
{
    QList<RunDims> runs;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT r.run_id, r.model_group, r.framework, r.dimensions, e.name FROM runs r"
                               " LEFT JOIN experiments e ON e.id = r.experiment_id ORDER BY ")
                + runsInPlanOrder(db, QStringLiteral("r"))))
        return std::unexpected(sqlError(QStringLiteral("read runs"), q.lastError()));
    while (q.next()) {
        RunDims r{text(q, 0), text(q, 1), text(q, 2), {}};
        if (!runMatches(filter, r.runId, r.group, r.framework, text(q, 4)))
            continue;
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array())
            r.dims << v.toString();
        runs << r;
    }
    return runs;
}

bool dimensionLess(const ScoreSample::Dimension &a, const ScoreSample::Dimension &b)
{
    return std::tie(a.framework, a.dimension) < std::tie(b.framework, b.dimension);
}

/// Models and dimensions of the matching runs, and per text the mean over repetitions of every
/// finished job's scores, for the given text ids (read through idx_jobs_text, in chunks).
Result<ScoreComparison> compareTexts(QSqlDatabase &db, const ResultFilter &filter, const QStringList &textIds)
{
    auto runs = matchingRuns(db, filter);
    if (!runs)
        return std::unexpected(runs.error());
    ScoreComparison out;
    for (const RunDims &r : std::as_const(*runs)) {
        if (!out.models.contains(r.group))
            out.models << r.group;
        for (const QString &d : r.dims) {
            const ScoreSample::Dimension dim{r.framework, d};
            if (std::none_of(out.dimensions.cbegin(), out.dimensions.cend(), [&](const ScoreSample::Dimension &x) {
                    return x.framework == dim.framework && x.dimension == dim.dimension;
                }))
                out.dimensions << dim;
        }
    }
    std::sort(out.models.begin(), out.models.end());
    std::sort(out.dimensions.begin(), out.dimensions.end(), dimensionLess);
    QHash<QString, int> modelIndex, dimIndex;
    for (int i = 0; i < out.models.size(); ++i)
        modelIndex.insert(out.models[i], i);
    for (int i = 0; i < out.dimensions.size(); ++i)
        dimIndex.insert(out.dimensions[i].framework + QChar(0x1f) + out.dimensions[i].dimension, i);

    // Sums and counts per (text, model, dimension); texts keyed by "corpus/text_id".
    QMap<QString, int> textIndex;   // ordered: text id, then corpus
    struct Acc {
        double sum = 0;
        int n = 0;
    };
    QHash<qint64, Acc> acc;
    const qsizetype perText = qsizetype(out.models.size()) * out.dimensions.size();
    QStringList keys;
    const FilterSql w = filterSql(filter, QStringLiteral("j"));
    constexpr int kChunk = 500;
    for (qsizetype from = 0; from < textIds.size(); from += kChunk) {
        const QStringList chunk = textIds.mid(from, kChunk);
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT j.corpus, j.text_id, r.model_group, r.framework, s.dimension, s.score"
                                 " FROM jobs j JOIN runs r ON r.run_id = j.run_id JOIN scores s ON s.job_id = j.id"
                                 " WHERE j.text_id IN (")
                  + placeholders(chunk.size()) + QStringLiteral(") AND j.status = 'done' AND s.score IS NOT NULL AND ") + w.sql);
        int b = 0;
        for (const QString &t : chunk)
            q.bindValue(b++, t);
        for (const QVariant &v : std::as_const(w.binds))
            q.bindValue(b++, v);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("compare scores"), q.lastError()));
        while (q.next()) {
            const auto m = modelIndex.constFind(text(q, 2));
            const auto d = dimIndex.constFind(text(q, 3) + QChar(0x1f) + text(q, 4));
            if (m == modelIndex.constEnd() || d == dimIndex.constEnd())
                continue;
            const QString corpus = text(q, 0);
            const QString key = corpus.isEmpty() ? text(q, 1) : corpus + QLatin1Char('/') + text(q, 1);
            auto t = textIndex.constFind(key);
            if (t == textIndex.constEnd()) {
                t = textIndex.insert(key, int(keys.size()));
                keys << key;
            }
            Acc &a = acc[qint64(*t) * perText + qint64(*m) * out.dimensions.size() + *d];
            a.sum += q.value(5).toDouble();
            ++a.n;
        }
    }
    // Text order: as the ids were asked for (text-id order), corpus breaking ties.
    QHash<QString, int> idOrder;
    for (int i = 0; i < textIds.size(); ++i)
        idOrder.insert(textIds[i], i);
    QList<int> order(keys.size());
    std::iota(order.begin(), order.end(), 0);
    auto idOf = [&](const QString &key) { return key.mid(key.lastIndexOf(QLatin1Char('/')) + 1); };
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const int ia = idOrder.value(idOf(keys[a]), -1), ib = idOrder.value(idOf(keys[b]), -1);
        return ia != ib ? ia < ib : keys[a] < keys[b];
    });
    out.means.fill(std::numeric_limits<double>::quiet_NaN(), order.size() * perText);
    for (int i = 0; i < order.size(); ++i) {
        out.texts << keys[order[i]];
        for (qsizetype c = 0; c < perText; ++c) {
            const auto it = acc.constFind(qint64(order[i]) * perText + c);
            if (it != acc.constEnd() && it->n > 0)
                out.means[i * perText + c] = it->sum / it->n;
        }
    }
    return out;
}

/// Distinct text ids of the matching jobs in text-id order (unfiltered: a walk of idx_jobs_text).
QString distinctTextsSql(const FilterSql &w)
{
    return QStringLiteral("SELECT DISTINCT j.text_id FROM jobs j WHERE j.text_id IS NOT NULL AND ") + w.sql
        + QStringLiteral(" ORDER BY j.text_id");
}

} // namespace

double ScoreComparison::spread(int text, int dimension) const
{
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    int n = 0;
    for (int m = 0; m < models.size(); ++m) {
        const double v = mean(text, m, dimension);
        if (std::isnan(v))
            continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        ++n;
    }
    return n < 2 ? std::numeric_limits<double>::quiet_NaN() : hi - lo;
}

Result<QList<ScoreSample::Dimension>> dimensionList(const QString &connName, const ResultFilter &filter)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    auto c = compareTexts(*db, filter, {});
    if (!c)
        return std::unexpected(c.error());
    return c->dimensions;
}

Result<ScoreComparison> comparisonPage(const QString &connName, const ResultFilter &filter, qint64 offset, int limit,
                                       bool countTexts)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    const FilterSql w = filterSql(filter, QStringLiteral("j"));
    QStringList ids;
    {
        QSqlQuery q(*db);
        q.setForwardOnly(true);
        q.prepare(distinctTextsSql(w) + QStringLiteral(" LIMIT ? OFFSET ?"));
        int b = 0;
        for (const QVariant &v : std::as_const(w.binds))
            q.bindValue(b++, v);
        q.bindValue(b++, limit);
        q.bindValue(b++, qMax<qint64>(0, offset));
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read texts"), q.lastError()));
        while (q.next())
            ids << text(q, 0);
    }
    auto out = compareTexts(*db, filter, ids);
    if (!out)
        return out;
    out->idsRead = int(ids.size());
    if (countTexts) {
        auto n = wb::countTexts(connName, filter);
        if (!n)
            return std::unexpected(n.error());
        out->totalTexts = *n;
    }
    return out;
}

Result<ScoreComparison> comparisonSample(const QString &connName, const ResultFilter &filter, int maxTexts)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    const FilterSql w = filterSql(filter, QStringLiteral("j"));
    auto bindAll = [&](QSqlQuery &q) {
        for (int b = 0; b < w.binds.size(); ++b)
            q.bindValue(b, w.binds[b]);
    };
    qint64 lo = 0, hi = 0;
    // The first and the last matching id, each one walk from its end of the primary key (MIN and
    // MAX in one SELECT would scan every job: 130 ms at a million).
    for (const bool last : {false, true}) {
        QSqlQuery q(*db);
        q.prepare(QStringLiteral("SELECT j.id FROM jobs j WHERE ") + w.sql + QStringLiteral(" ORDER BY j.id")
                  + (last ? QStringLiteral(" DESC") : QString()) + QStringLiteral(" LIMIT 1"));
        bindAll(q);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("sample texts"), q.lastError()));
        (last ? hi : lo) = q.next() ? q.value(0).toLongLong() : 0;
    }
    QStringList ids;
    qint64 total = 0;
    bool sampled = false;
    if (hi - lo + 1 <= qint64(maxTexts) * 10) {
        // Small enough to list every distinct text and keep every k-th.
        QSqlQuery q(*db);
        q.setForwardOnly(true);
        q.prepare(distinctTextsSql(w));
        bindAll(q);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read texts"), q.lastError()));
        QStringList all;
        while (q.next())
            all << text(q, 0);
        total = all.size();
        const qint64 step = maxTexts > 0 && total > maxTexts ? (total + maxTexts - 1) / maxTexts : 1;
        for (qint64 n = 0; n < total; n += step)
            ids << all[n];
        sampled = step > 1;
    } else {
        // Large: the texts of jobs at evenly spaced ids, one primary-key seek each, so the cost
        // does not grow with the database (a pass over a million text ids took seconds).
        QSqlQuery q(*db);
        q.setForwardOnly(true);
        // The first finished job at or after each point: a failed or pending one has no scores.
        q.prepare(QStringLiteral("SELECT j.text_id FROM jobs j WHERE j.id >= ? AND j.status = 'done' AND j.text_id IS NOT NULL AND ") + w.sql
                  + QStringLiteral(" ORDER BY j.id LIMIT 1"));
        QSet<QString> seen;
        for (int i = 0; i < maxTexts; ++i) {
            q.bindValue(0, lo + (hi - lo) * i / maxTexts);
            for (int b = 0; b < w.binds.size(); ++b)
                q.bindValue(b + 1, w.binds[b]);
            if (!q.exec())
                return std::unexpected(sqlError(QStringLiteral("sample texts"), q.lastError()));
            if (q.next() && !seen.contains(text(q, 0))) {
                seen.insert(text(q, 0));
                ids << text(q, 0);
            }
            q.finish();
        }
        std::sort(ids.begin(), ids.end());
        total = -1;   // not counted: that would be the pass the sample avoids
        sampled = true;
    }
    auto out = compareTexts(*db, filter, ids);
    if (!out)
        return out;
    out->totalTexts = total;
    out->sampled = sampled;
    out->idsRead = int(ids.size());
    return out;
}

Result<qint64> countTexts(const QString &connName, const ResultFilter &filter)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    const FilterSql w = filterSql(filter, QStringLiteral("j"));
    QSqlQuery q(*db);
    // COUNT(DISTINCT) over the covering text-id index counts in one walk: a quarter of the time of
    // counting the rows of a DISTINCT ... ORDER BY subquery (60 ms against 150-300 ms at a million
    // jobs). NULL text ids are not counted, as in distinctTextsSql().
    q.prepare(QStringLiteral("SELECT COUNT(DISTINCT j.text_id) FROM jobs j WHERE ") + w.sql);
    for (int i = 0; i < w.binds.size(); ++i)
        q.bindValue(i, w.binds[i]);
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("count texts"), q.lastError()));
    return q.value(0).toLongLong();
}

Result<QStringList> runIds(const QString &connName)
{
    auto db = connection(connName);
    if (!db)
        return std::unexpected(db.error());
    return column(connName, QStringLiteral("SELECT run_id FROM runs ORDER BY ") + runsInPlanOrder(*db));
}

Result<QStringList> modelGroups(const QString &connName)
{
    return column(connName, QStringLiteral("SELECT DISTINCT model_group FROM runs WHERE model_group IS NOT NULL"
                                           " AND model_group <> '' ORDER BY model_group"));
}

Result<QStringList> experimentNames(const QString &connName)
{
    return column(connName, QStringLiteral("SELECT name FROM experiments ORDER BY id"));
}

} // namespace wb
