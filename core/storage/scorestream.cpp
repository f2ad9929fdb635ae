// forEachDimension(): the agreement statistics' input, one framework dimension at a time
// (docs/ARCHITECTURE.md, "Statistics at scale"). On SQLite it talks to the sqlite3 handle of the
// Qt connection directly: six million scores through QSqlQuery cost a QVariant per value and
// several seconds; through sqlite3_step they cost the index walk alone.
#include "core/storage/resultquery.h"

#include "core/storage/resultfilter_p.h"
#include "core/storage/sqlhelpers_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDriver>

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_map>

namespace wb {

using namespace storage_detail;

namespace {

/// Heterogeneous lookup, so a key assembled in a reused buffer is looked up without a copy.
struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StringIndex = std::unordered_map<std::string, int, StringHash, std::equal_to<>>;

struct Run {
    QString runId;
    QString group;
    QString framework;
    QStringList dims;
    int model = -1;
};

/// Every dimension of the sample, as scoreSample() splits it.
Result<void> visitSample(const ScoreSample &sample, const DimensionVisitor &visit)
{
    std::vector<std::vector<ScoreSample::Value>> byDim(size_t(sample.dimensions.size()));
    for (const ScoreSample::Value &v : sample.values)
        if (v.dimension >= 0 && v.dimension < int(byDim.size()))
            byDim[size_t(v.dimension)].push_back(v);
    ScoreSample head = sample;
    head.values.clear();
    for (size_t d = 0; d < byDim.size(); ++d)
        visit(head, int(d), std::move(byDim[d]));
    return {};
}

sqlite3 *sqliteHandle(const QSqlDatabase &db)
{
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

Error sqliteError(const QString &what, sqlite3 *h)
{
    Error e;
    e.message = what + QLatin1String(": ") + QString::fromUtf8(sqlite3_errmsg(h));
    return e;
}

/// One prepared statement, finalized on every path out.
class Statement {
public:
    Statement(sqlite3 *h, const QString &sql) { m_rc = sqlite3_prepare_v2(h, sql.toUtf8().constData(), -1, &m_stmt, nullptr); }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Q_DISABLE_COPY_MOVE(Statement)
    bool ok() const { return m_rc == SQLITE_OK && m_stmt; }
    sqlite3_stmt *get() const { return m_stmt; }
    void bindText(int i, const QString &s) { sqlite3_bind_text(m_stmt, i, s.toUtf8().constData(), -1, SQLITE_TRANSIENT); }
    std::string_view textAt(int col) const
    {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, col));
        return p ? std::string_view(p, size_t(sqlite3_column_bytes(m_stmt, col))) : std::string_view();
    }

private:
    sqlite3_stmt *m_stmt = nullptr;
    int m_rc = SQLITE_ERROR;
};

/// The finished jobs of the filter, looked up by id for every score: a dense table over the id
/// range when the jobs fill it well (the usual case: ids are a rowid), a hash map otherwise.
class JobTable {
public:
    struct Job {
        int run = -1;
        int unit = -1;
        int repetition = 1;
    };
    void add(qint64 id, const Job &j) { m_read.emplace_back(id, j); }
    void finish()
    {
        if (m_read.empty())
            return;
        qint64 lo = m_read.front().first, hi = lo;
        for (const auto &[id, j] : m_read) {
            lo = std::min(lo, id);
            hi = std::max(hi, id);
        }
        if (hi - lo < 4 * qint64(m_read.size()) + 1024) {
            m_first = lo;
            m_dense.assign(size_t(hi - lo + 1), Job{});
            for (const auto &[id, j] : m_read)
                m_dense[size_t(id - lo)] = j;
        } else {
            for (const auto &[id, j] : m_read)
                m_sparse.emplace(id, j);
        }
        m_read = {};
    }
    const Job *find(qint64 id) const
    {
        if (!m_dense.empty()) {
            if (id < m_first || id - m_first >= qint64(m_dense.size()))
                return nullptr;
            const Job &j = m_dense[size_t(id - m_first)];
            return j.run >= 0 ? &j : nullptr;
        }
        const auto it = m_sparse.find(id);
        return it == m_sparse.end() ? nullptr : &it->second;
    }
    std::vector<std::pair<qint64, Job>> &read() { return m_read; }

private:
    std::vector<std::pair<qint64, Job>> m_read;
    std::vector<Job> m_dense;
    qint64 m_first = 0;
    std::unordered_map<qint64, Job> m_sparse;
};

/// The SQLite path. Returns false (and visits nothing) when it does not apply.
Result<bool> visitSqlite(QSqlDatabase &db, const ResultFilter &filter, const QList<Run> &matching, const DimensionVisitor &visit)
{
    sqlite3 *h = sqliteHandle(db);
    if (!h)
        return false;
    {
        // Schema 3 databases read without migrating have no score index; a walk per dimension
        // would then scan every score.
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'idx_scores_dimension_score'")))
            return std::unexpected(sqlError(QStringLiteral("read schema"), q.lastError()));
        if (!q.next())
            return false;
    }
    QList<Run> runs = matching;
    ScoreSample head;
    for (const Run &r : std::as_const(runs)) {
        if (r.dims.isEmpty())
            return false;   // a placeholder run names its dimensions only in its scores
        if (!head.models.contains(r.group))
            head.models << r.group;
        for (const QString &d : r.dims)
            if (std::none_of(head.dimensions.cbegin(), head.dimensions.cend(),
                             [&](const ScoreSample::Dimension &x) { return x.framework == r.framework && x.dimension == d; }))
                head.dimensions << ScoreSample::Dimension{r.framework, d};
    }
    std::sort(head.models.begin(), head.models.end());
    std::sort(head.dimensions.begin(), head.dimensions.end(), [](const ScoreSample::Dimension &a, const ScoreSample::Dimension &b) {
        return std::tie(a.framework, a.dimension) < std::tie(b.framework, b.dimension);
    });
    StringIndex runIndex;
    for (int i = 0; i < runs.size(); ++i) {
        runs[i].model = int(head.models.indexOf(runs[i].group));
        runIndex.emplace(runs[i].runId.toStdString(), i);
    }

    // One read transaction, so the jobs and every dimension's scores are one snapshot.
    const bool ownTransaction = sqlite3_get_autocommit(h) != 0;
    if (ownTransaction && sqlite3_exec(h, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
        return std::unexpected(sqliteError(QStringLiteral("read scores"), h));
    struct EndTransaction {
        sqlite3 *h;
        bool own;
        ~EndTransaction()
        {
            if (own)
                sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
        }
    } end{h, ownTransaction};

    // The jobs: run, unit and repetition by id. Units are numbered as scoreSample() numbers them
    // (first seen over the runs in plan order, then job id), so the bootstrap draws the same units.
    JobTable jobs;
    StringIndex unitIndex;
    std::vector<std::pair<int, qint64>> firstSeen;   // per unit: (run, job id) where first seen
    {
        const FilterSql w = filterSql(filter, QStringLiteral("j"));
        Statement q(h, QStringLiteral("SELECT j.id, j.run_id, j.corpus, j.text_id, j.repetition FROM jobs j WHERE j.status = 'done' AND ") + w.sql);
        if (!q.ok())
            return std::unexpected(sqliteError(QStringLiteral("read jobs"), h));
        for (int i = 0; i < w.binds.size(); ++i)
            q.bindText(i + 1, w.binds[i].toString());
        std::string key;
        int rc;
        while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
            const auto run = runIndex.find(q.textAt(1));
            if (run == runIndex.end())
                continue;   // a run the filter leaves out
            const qint64 id = sqlite3_column_int64(q.get(), 0);
            key.assign(q.textAt(2));
            key += '/';
            key += q.textAt(3);
            auto unit = unitIndex.find(std::string_view(key));
            if (unit == unitIndex.end()) {
                unit = unitIndex.emplace(key, int(firstSeen.size())).first;
                firstSeen.emplace_back(run->second, id);
            } else {
                firstSeen[size_t(unit->second)] = std::min(firstSeen[size_t(unit->second)], std::pair{run->second, id});
            }
            jobs.add(id, JobTable::Job{run->second, unit->second, sqlite3_column_int(q.get(), 4)});
        }
        if (rc != SQLITE_DONE)
            return std::unexpected(sqliteError(QStringLiteral("read jobs"), h));
    }
    std::vector<int> unitOrder(firstSeen.size());
    std::iota(unitOrder.begin(), unitOrder.end(), 0);
    std::sort(unitOrder.begin(), unitOrder.end(), [&](int a, int b) { return firstSeen[size_t(a)] < firstSeen[size_t(b)]; });
    std::vector<int> unitRenumber(firstSeen.size());
    for (size_t i = 0; i < unitOrder.size(); ++i)
        unitRenumber[size_t(unitOrder[i])] = int(i);
    {
        std::vector<const std::string *> names(firstSeen.size());
        for (const auto &[name, i] : unitIndex)
            names[size_t(unitRenumber[size_t(i)])] = &name;
        head.units.reserve(qsizetype(names.size()));
        for (const std::string *n : names)
            head.units << QString::fromStdString(*n);
    }
    unitIndex = {};
    for (auto &[id, j] : jobs.read())
        j.unit = unitRenumber[size_t(j.unit)];
    jobs.finish();

    // Each dimension name is one walk of idx_scores_dimension_score. Runs of two frameworks can
    // share a name: its walk fills the dimensions of both, and the later one waits its turn.
    std::map<int, std::vector<ScoreSample::Value>> waiting;
    Statement scores(h, QStringLiteral("SELECT job_id, score FROM scores WHERE dimension = ? AND score IS NOT NULL"));
    if (!scores.ok())
        return std::unexpected(sqliteError(QStringLiteral("read scores"), h));
    for (int d = 0; d < head.dimensions.size(); ++d) {
        if (auto it = waiting.find(d); it != waiting.end()) {
            auto values = std::move(it->second);
            waiting.erase(it);
            visit(head, d, std::move(values));
            continue;
        }
        const QString &name = head.dimensions[d].dimension;
        std::vector<int> target(size_t(runs.size()), -1);   // per run: the dimension its scores of `name` feed
        for (int r = 0; r < runs.size(); ++r) {
            if (!runs[r].dims.contains(name))
                continue;
            for (int k = d; k < head.dimensions.size(); ++k)
                if (head.dimensions[k].dimension == name && head.dimensions[k].framework == runs[r].framework)
                    target[size_t(r)] = k;
        }
        std::map<int, std::vector<ScoreSample::Value>> filled;
        sqlite3_reset(scores.get());
        scores.bindText(1, name);
        int rc;
        while ((rc = sqlite3_step(scores.get())) == SQLITE_ROW) {
            const JobTable::Job *j = jobs.find(sqlite3_column_int64(scores.get(), 0));
            if (!j)
                continue;
            const int k = target[size_t(j->run)];
            if (k < 0)
                continue;
            filled[k].push_back(ScoreSample::Value{runs[j->run].model, j->unit, k, j->repetition, sqlite3_column_double(scores.get(), 1)});
        }
        if (rc != SQLITE_DONE)
            return std::unexpected(sqliteError(QStringLiteral("read scores"), h));
        for (auto &[k, values] : filled)
            if (k != d)
                waiting[k] = std::move(values);
        visit(head, d, std::move(filled[d]));
    }
    return true;
}

} // namespace

Result<void> forEachDimension(const QString &connName, const ResultFilter &filter, const DimensionVisitor &visit)
{
    QSqlDatabase db = QSqlDatabase::database(connName, false);
    if (!db.isValid() || !db.isOpen())
        return fail(QStringLiteral("no open results database connection named %1").arg(connName));
    if (!isPostgres(db)) {
        QList<Run> runs;
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT run_id, model_group, framework, dimensions FROM runs ORDER BY ") + runsInPlanOrder(db)))
            return std::unexpected(sqlError(QStringLiteral("read runs"), q.lastError()));
        while (q.next()) {
            Run r{text(q, 0), text(q, 1), text(q, 2), {}, -1};
            // The experiment condition is left to the SQL of the jobs.
            if (!runMatches(filter, r.runId, r.group, r.framework, filter.experiment))
                continue;
            for (const QJsonValue &v : QJsonDocument::fromJson(q.value(3).toString().toUtf8()).array())
                r.dims << v.toString();
            runs << r;
        }
        q.finish();
        auto done = visitSqlite(db, filter, runs, visit);
        if (!done)
            return std::unexpected(done.error());
        if (*done)
            return {};
    }
    auto sample = scoreSample(connName, filter);
    if (!sample)
        return std::unexpected(sample.error());
    return visitSample(*sample, visit);
}

} // namespace wb
