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
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <map>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_map>

namespace wb {

using namespace storage_detail;

namespace {

/// Strings to dense ids, for the million text keys of a large sample: the keys in one buffer and
/// an open-addressing table of ids, so a lookup allocates nothing and a new key costs its bytes.
class StringInterner {
public:
    /// The id of `key`, adding it (as size() before the call) when new.
    int intern(std::string_view key)
    {
        // Keys tend to come again in the order they first came (a run's texts in corpus order, the
        // next run the same texts), or the same key several times: try the key after the last one
        // and the last one before hashing, which saves a cache miss in the table per key.
        for (const int guess : {m_last + 1, m_last})
            if (guess >= 0 && guess < size() && at(guess) == key)
                return m_last = guess;
        return m_last = lookup(key);
    }
    int size() const { return int(m_offsets.size()); }
    std::string_view at(int id) const
    {
        const size_t from = m_offsets[size_t(id)];
        const size_t to = size_t(id) + 1 < m_offsets.size() ? m_offsets[size_t(id) + 1] : m_bytes.size();
        return std::string_view(m_bytes).substr(from, to - from);
    }

private:
    int lookup(std::string_view key)
    {
        const quint64 h = hash(key);
        if ((m_offsets.size() + 1) * 2 > m_table.size())
            grow();
        size_t i = size_t(h) & (m_table.size() - 1);
        for (; m_table[i] >= 0; i = (i + 1) & (m_table.size() - 1))
            if (m_hashes[size_t(m_table[i])] == h && at(m_table[i]) == key)
                return m_table[i];
        const int id = int(m_offsets.size());
        m_table[i] = id;
        m_offsets.push_back(m_bytes.size());
        m_hashes.push_back(h);
        m_bytes.append(key);
        return id;
    }
    static quint64 hash(std::string_view s)
    {
        quint64 h = 0xcbf29ce484222325ull;   // FNV-1a, then MurmurHash3's finalizer: keys that differ
        for (char c : s)                      // in their last digit must differ in the low bits the
            h = (h ^ quint8(c)) * 0x100000001b3ull;   // table uses, or linear probing runs long
        h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdull;
        h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
        return h ^ (h >> 33);
    }
    void grow()
    {
        m_table.assign(std::max<size_t>(1024, m_table.size() * 2), -1);
        for (size_t id = 0; id < m_hashes.size(); ++id) {
            size_t i = size_t(m_hashes[id]) & (m_table.size() - 1);
            while (m_table[i] >= 0)
                i = (i + 1) & (m_table.size() - 1);
            m_table[i] = int(id);
        }
    }
    std::string m_bytes;
    std::vector<size_t> m_offsets;
    std::vector<quint64> m_hashes;
    std::vector<int> m_table;
    int m_last = -1;
};

/// A blocking queue of at most `capacity` items between one producer and one consumer thread.
template<typename T>
class BoundedQueue {
public:
    explicit BoundedQueue(size_t capacity) : m_capacity(capacity) {}
    void push(T &&item)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_items.size() < m_capacity; });
        m_items.push_back(std::move(item));
        m_changed.notify_all();
    }
    T pop()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_items.empty(); });
        T item = std::move(m_items.front());
        m_items.pop_front();
        m_changed.notify_all();
        return item;
    }

private:
    const size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<T> m_items;
};

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
    ScoreSample head;   // without the values: they go out per dimension
    head.models = sample.models;
    head.units = sample.units;
    head.dimensions = sample.dimensions;
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
    StringInterner runIds;   // id i = runs[i]
    for (int i = 0; i < runs.size(); ++i) {
        runs[i].model = int(head.models.indexOf(runs[i].group));
        runIds.intern(runs[i].runId.toStdString());
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
    StringInterner unitKeys;
    std::vector<std::pair<int, qint64>> firstSeen;   // per unit: (run, job id) where first seen
    {
        const FilterSql w = filterSql(filter, QStringLiteral("j"));
        Statement q(h, QStringLiteral("SELECT j.id, j.run_id, j.corpus, j.text_id, j.repetition FROM jobs j WHERE j.status = 'done' AND ") + w.sql);
        if (!q.ok())
            return std::unexpected(sqliteError(QStringLiteral("read jobs"), h));
        for (int i = 0; i < w.binds.size(); ++i)
            q.bindText(i + 1, w.binds[i].toString());
        std::string key, lastRunId;
        int lastRun = -1;
        int rc;
        while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
            // Jobs come in runs of one run id: look it up when it changes.
            if (const std::string_view runId = q.textAt(1); lastRun < 0 || runId != lastRunId) {
                lastRunId.assign(runId);
                lastRun = runIds.intern(runId);   // ids from runs.size() on: runs the filter leaves out
            }
            if (lastRun >= runs.size())
                continue;
            const qint64 id = sqlite3_column_int64(q.get(), 0);
            key.assign(q.textAt(2));
            key += '/';
            key += q.textAt(3);
            const int unit = unitKeys.intern(key);
            if (unit == int(firstSeen.size()))
                firstSeen.emplace_back(lastRun, id);
            else
                firstSeen[size_t(unit)] = std::min(firstSeen[size_t(unit)], std::pair{lastRun, id});
            jobs.add(id, JobTable::Job{lastRun, unit, sqlite3_column_int(q.get(), 4)});
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
    head.units.reserve(qsizetype(unitOrder.size()));
    for (int u : unitOrder) {
        const std::string_view name = unitKeys.at(u);
        head.units << QString::fromUtf8(name.data(), qsizetype(name.size()));
    }
    unitKeys = {};
    for (auto &[id, j] : jobs.read())
        j.unit = unitRenumber[size_t(j.unit)];
    jobs.finish();

    // Each dimension name is one walk of idx_scores_dimension_score, on this thread (one
    // connection, one snapshot). A second thread turns each walk's rows into values and visits
    // them while the next walk runs: reading and computing overlap on two cores. Runs of two
    // frameworks can share a name: its walk fills the dimensions of both, the later one waits.
    const int dims = int(head.dimensions.size());
    std::vector<std::vector<int>> targets(static_cast<size_t>(dims));   // per walk's first dimension: per run, the dimension it feeds
    {
        std::vector<bool> covered(static_cast<size_t>(dims), false);
        for (int d = 0; d < dims; ++d) {
            if (covered[size_t(d)])
                continue;
            std::vector<int> &target = targets[size_t(d)];
            target.assign(size_t(runs.size()), -1);
            for (int r = 0; r < runs.size(); ++r)
                for (int k = d; k < dims && runs[r].dims.contains(head.dimensions[d].dimension); ++k)
                    if (head.dimensions[k].dimension == head.dimensions[d].dimension && head.dimensions[k].framework == runs[r].framework) {
                        target[size_t(r)] = k;
                        covered[size_t(k)] = true;
                    }
        }
    }
    struct Walk {
        int dimension = -1;   // -1: reading stopped (an error)
        std::vector<std::pair<qint64, double>> rows;   // job id, score
    };
    BoundedQueue<Walk> queue(2);   // at most two walks (16 MB each at a million jobs) wait
    std::thread worker([&] {
        std::map<int, std::vector<ScoreSample::Value>> waiting;
        for (int d = 0; d < dims; ++d) {
            if (auto it = waiting.find(d); it != waiting.end()) {
                auto values = std::move(it->second);
                waiting.erase(it);
                visit(head, d, std::move(values));
                continue;
            }
            Walk walk = queue.pop();
            if (walk.dimension < 0)
                return;
            const std::vector<int> &target = targets[size_t(walk.dimension)];
            std::vector<std::vector<ScoreSample::Value>> filled(static_cast<size_t>(dims));
            filled[size_t(d)].reserve(walk.rows.size());
            for (const auto &[jobId, score] : walk.rows) {
                const JobTable::Job *j = jobs.find(jobId);
                if (!j || target[size_t(j->run)] < 0)
                    continue;
                const int k = target[size_t(j->run)];
                filled[size_t(k)].push_back(ScoreSample::Value{runs[j->run].model, j->unit, k, j->repetition, score});
            }
            walk = {};
            for (int k = d + 1; k < dims; ++k)
                if (std::find(target.begin(), target.end(), k) != target.end())
                    waiting[k] = std::move(filled[size_t(k)]);
            visit(head, d, std::move(filled[size_t(d)]));
        }
    });
    Result<bool> result = true;
    Statement scores(h, QStringLiteral("SELECT job_id, score FROM scores WHERE dimension = ? AND score IS NOT NULL"));
    for (int d = 0; d < dims && result; ++d) {
        if (targets[size_t(d)].empty())
            continue;   // filled by an earlier walk
        Walk walk;
        walk.dimension = d;
        int rc = SQLITE_ERROR;
        if (scores.ok()) {
            sqlite3_reset(scores.get());
            scores.bindText(1, head.dimensions[d].dimension);
            while ((rc = sqlite3_step(scores.get())) == SQLITE_ROW)
                walk.rows.emplace_back(sqlite3_column_int64(scores.get(), 0), sqlite3_column_double(scores.get(), 1));
        }
        if (rc != SQLITE_DONE) {
            result = std::unexpected(sqliteError(QStringLiteral("read scores"), h));
            break;
        }
        queue.push(std::move(walk));
    }
    if (!result)
        queue.push(Walk{});
    worker.join();
    return result;
}

} // namespace

Result<void> forEachDimension(const QString &connName, const ResultFilter &filter, const DimensionVisitor &visit)
{
    auto conn = connection(connName);
    if (!conn)
        return std::unexpected(conn.error());
    QSqlDatabase &db = *conn;
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
