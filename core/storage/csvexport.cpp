// CSV export of the results database (columns and format: docs/FORMATS.md).
//
// RFC 4180 is the contract: UTF-8, a header row, CRLF line ends, fields quoted when they contain
// a comma, a double quote, CR or LF, quotes doubled. Numeric columns are written as numbers. Text
// cells hold what models, providers and researchers wrote (evidence, error messages, model versions,
// text ids), and a spreadsheet runs a cell that begins with = + - @ as a formula
// (=HYPERLINK(...), @cmd|...). So by default a text cell beginning with one of those, a tab or a
// carriage return gets a leading single quote (OWASP's rule for CSV injection); a text cell that is
// entirely a number is left alone. ExportOptions::rawCells (`discernus export --raw-cells`) writes
// every cell exactly as stored, for tools that read the file as data only (docs/FORMATS.md).
//
// The export has three parts, in this order in the file: the column set (which dimensions become
// columns, read from the runs), row assembly (one job's lines from its row and its scores), and the
// writer (a buffered QSaveFile, so a failed or cancelled export leaves the target untouched).
#include "core/common/logging.h"
#include "core/storage/resultquery.h"
#include "core/storage/csvnotes.h"
#include "core/storage/resultfilter_p.h"
#include "core/storage/resultstore.h"
#include "core/storage/serverdb.h"
#include "core/storage/storagepaths.h"
#include "core/storage/sqlhelpers_p.h"

#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QScopeGuard>
#include <QSet>

namespace wb {

using namespace storage_detail;

namespace {

// ---- Field formatting -------------------------------------------------------------------------

void appendField(QByteArray &line, const QByteArray &value)
{
    bool quote = false;
    for (char c : value) {
        if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        line += value;
        return;
    }
    line += '"';
    for (char c : value) {
        if (c == '"')
            line += '"';
        line += c;
    }
    line += '"';
}

/// A text cell a spreadsheet would run as a formula gets a leading single quote, unless raw.
QString safeCell(const QString &value, bool raw)
{
    if (raw || value.isEmpty())
        return value;
    const QChar c = value.front();
    if (c != u'=' && c != u'+' && c != u'-' && c != u'@' && c != u'\t' && c != u'\r')
        return value;
    bool isNumber = false;
    value.toDouble(&isNumber);   // "-0.5" is a value, not a formula
    return isNumber ? value : QLatin1Char('\'') + value;
}

void appendField(QByteArray &line, const QString &value, bool raw)
{
    appendField(line, safeCell(value, raw).toUtf8());
}

/// Micro-dollars as dollars with exactly six decimals, in integer arithmetic (no rounding drift).
QByteArray formatMicros(qint64 micros)
{
    const bool negative = micros < 0;
    const quint64 m = negative ? quint64(-(micros + 1)) + 1 : quint64(micros);
    QByteArray frac = QByteArray::number(m % 1000000);
    frac.prepend(QByteArray(6 - frac.size(), '0'));
    return (negative ? QByteArray("-") : QByteArray()) + QByteArray::number(m / 1000000) + '.' + frac;
}

QByteArray formatScore(const QVariant &v)
{
    if (v.isNull())
        return {};
    // Shortest text that reads back as the same double: 0.7 stays "0.7", not 0.69999999999999996.
    return QByteArray::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
}

// ---- Column set -------------------------------------------------------------------------------

/// What the export covers and which columns it has.
struct ColumnSet {
    /// The Results page's filter over `jobs j`. The unary + of planOrder keeps SQLite from driving
    /// the scan through idx_jobs_run_status, which would need a sort of every row; a plain rowid
    /// scan is already in plan order.
    FilterSql where;
    QStringList dimensions;                     ///< wide format: one column each, in first-seen order
    QHash<QString, QStringList> runDimensions;  ///< long format: each run's dimensions, framework order
    bool evidence = false;                      ///< wide format: an evidence column after each score

    bool filtered() const { return !where.binds.isEmpty(); }
    QString jobFilter() const { return filtered() ? QStringLiteral(" WHERE ") + where.sql : QString(); }
    void bind(QSqlQuery &q) const
    {
        for (const QVariant &b : where.binds)
            q.addBindValue(b);
    }
};

/// A filter naming an experiment, run, model or framework the database does not have is a
/// mistake (a typo on the command line), not an empty export.
Result<void> checkFilterNames(QSqlDatabase &db, const QString &dbPath, const ResultFilter &f)
{
    const struct {
        const char *what;
        const char *sql;
        QString value;
    } checks[] = {
        {"experiment", "SELECT 1 FROM experiments WHERE name = ?", f.experiment},
        {"run", "SELECT 1 FROM runs WHERE run_id = ?", f.runId},
        {"model", "SELECT 1 FROM runs WHERE model_group = ?", f.model},
        {"framework", "SELECT 1 FROM runs WHERE framework = ?", f.framework},
    };
    for (const auto &c : checks) {
        if (c.value.isEmpty())
            continue;
        QSqlQuery q(db);
        q.prepare(QString::fromLatin1(c.sql));
        q.addBindValue(c.value);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read filter values"), q.lastError(), dbPath));
        if (!q.next())
            return fail(QStringLiteral("no %1 named \"%2\" in the database").arg(QLatin1String(c.what), c.value), dbPath);
    }
    if (!f.status.isEmpty() && !QStringList{QStringLiteral("pending"), QStringLiteral("in_flight"), QStringLiteral("done"),
                                             QStringLiteral("failed")}.contains(f.status))
        return fail(QStringLiteral("status \"%1\": expected pending, in_flight, done or failed").arg(f.status), dbPath);
    return {};
}

Result<ColumnSet> readColumnSet(QSqlDatabase &db, const QString &dbPath, const ResultFilter &filter)
{
    ColumnSet cols;
    if (auto r = checkFilterNames(db, dbPath, filter); !r)
        return std::unexpected(r.error());
    // PostgreSQL has no unary + for text, and plans the scan by itself.
    cols.where = filterSql(filter, QStringLiteral("j"), !isPostgres(db));

    // Dimension columns: the union over the exported runs, in first-seen order (runs in the order
    // they were stored, each run's dimensions in framework order).
    QSet<QString> seen;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT r.run_id, r.dimensions, r.model_group, r.framework, e.name FROM runs r"
                               " LEFT JOIN experiments e ON e.id = r.experiment_id ORDER BY ")
                + runsInPlanOrder(db, QStringLiteral("r"))))
        return std::unexpected(sqlError(QStringLiteral("read runs"), q.lastError(), dbPath));
    while (q.next()) {
        if (!runMatches(filter, q.value(0).toString(), q.value(2).toString(), q.value(3).toString(), q.value(4).toString()))
            continue;
        QStringList dims;
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(1).toString().toUtf8()).array()) {
            const QString dim = v.toString();
            if (dim.isEmpty())
                continue;
            dims << dim;
            if (!seen.contains(dim)) {
                seen.insert(dim);
                cols.dimensions << dim;
            }
        }
        cols.runDimensions.insert(q.value(0).toString(), dims);
    }
    return cols;
}

QByteArray headerLine(const ColumnSet &cols, bool longFormat, bool raw)
{
    QByteArray h = "experiment,run_id,model,deployment,provider,model_version,framework,text_id,repetition,status,";
    if (longFormat) {
        h += "dimension,score,evidence,";
    } else {
        for (const QString &dim : cols.dimensions) {
            appendField(h, dim, raw);
            h += ',';
            if (cols.evidence) {
                appendField(h, dim + QStringLiteral("_evidence"), raw);
                h += ',';
            }
        }
    }
    h += "prompt_tokens,completion_tokens,cached_tokens,cost_usd,latency_ms,attempts,error,completed_at,batch\r\n";
    return h;
}

/// The side file's text for an export with these columns, in header order.
QString exportColumnNotes(const ColumnSet &cols, bool longFormat)
{
    QStringList lines = {
        QStringLiteral("experiment: the experiment name"),
        QStringLiteral("run_id: the run (one model group x framework x corpus of the experiment)"),
        QStringLiteral("model: the model group the run asked for"),
        QStringLiteral("deployment: the deployment of the group that answered"),
        QStringLiteral("provider: that deployment's provider"),
        QStringLiteral("model_version: the model version the provider reported"),
        QStringLiteral("framework: the framework id"),
        QStringLiteral("text_id: the text (corpus-relative id)"),
        QStringLiteral("repetition: the repetition number (1 ..)"),
        QStringLiteral("status: pending, in_flight, done or failed"),
    };
    if (longFormat) {
        lines << QStringLiteral("dimension: the framework dimension of this row (every job has one row per dimension)")
              << QStringLiteral("score: the dimension's score; empty when the model gave none")
              << QStringLiteral("evidence: the model's evidence for the score");
    } else {
        for (const QString &dim : cols.dimensions) {
            lines << dim + QStringLiteral(": the score of dimension ") + dim + QStringLiteral("; empty when not scored");
            if (cols.evidence)
                lines << dim + QStringLiteral("_evidence: the model's evidence for ") + dim;
        }
    }
    const QString once = longFormat ? QStringLiteral("; on the job's first dimension row only, empty on its other rows, so a column sum counts each job once")
                                    : QString();
    lines << QStringLiteral("prompt_tokens: input tokens the provider reported, over all the job's calls") + once
          << QStringLiteral("completion_tokens: output tokens, over all the job's calls") + once
          << QStringLiteral("cached_tokens: input tokens served from the provider's cache") + once
          << QStringLiteral("cost_usd: the job's cost in US dollars (six decimals), over all its calls") + once
          << QStringLiteral("latency_ms: the job's total call latency in milliseconds") + once
          << QStringLiteral("attempts: calls made for the job, including retries and re-asks") + once
          << QStringLiteral("error: why the job failed; empty when it did not")
          << QStringLiteral("completed_at: when the job finished (ISO 8601, UTC)")
          << QStringLiteral("batch: the provider's batch id of the job's last call when it went through a provider "
                            "batch API (execution.mode batch); empty for a live call");
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

Result<qint64> countJobs(QSqlDatabase &db, const QString &dbPath, const ColumnSet &cols)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM jobs j") + cols.jobFilter());
    cols.bind(q);
    if (!q.exec() || !q.next())
        return std::unexpected(sqlError(QStringLiteral("count jobs"), q.lastError(), dbPath));
    return q.value(0).toLongLong();
}

// ---- Row assembly -----------------------------------------------------------------------------

/// One job's fixed fields, already formatted, and its scores, gathered before its lines are written.
struct JobLine {
    qint64 id = -1;
    QByteArray prefix;       ///< experiment .. status, each field followed by a comma
    QByteArray suffix;       ///< prompt_tokens .. completed_at
    QByteArray repeatSuffix; ///< the same with the job's counts left empty, for its 2nd, 3rd ... long rows
    QString runId;
    struct Score {
        QString dimension;
        QByteArray score;
        QString evidence;
    };
    QList<Score> scores;

    const Score *scoreFor(const QString &dimension) const
    {
        for (const Score &s : scores) {
            if (s.dimension == dimension)
                return &s;
        }
        return nullptr;
    }
};

// Columns of the job query below, in its SELECT order.
enum Col {
    CExperiment, CRunId, CModel, CDeployment, CProvider, CModelVersion, CFramework, CTextId, CRepetition, CStatus,
    CPrompt, CCompletion, CCached, CCost, CLatency, CAttempts, CError, CCompletedAt, CBatch, CJobId
};

const QString &jobQuerySql()
{
    static const QString sql = QStringLiteral(
        "SELECT e.name, j.run_id, r.model_group, j.deployment_id, j.provider, j.model_version,"
        " r.framework, j.text_id, j.repetition, j.status, j.prompt_tokens, j.completion_tokens,"
        " j.cached_tokens, j.cost_micros, j.latency_ms, j.attempts, j.last_error, j.completed_at,"
        // The job's last call: its own, or a multi-text call that served it (call_jobs).
        " (SELECT c.batch_id FROM calls c WHERE c.id IN (SELECT c2.id FROM calls c2 WHERE c2.job_id = j.id"
        " UNION ALL SELECT cj.call_id FROM call_jobs cj WHERE cj.job_id = j.id) ORDER BY c.id DESC LIMIT 1),"
        " j.id FROM jobs j LEFT JOIN runs r ON r.run_id = j.run_id"
        " LEFT JOIN experiments e ON e.id = r.experiment_id");
    return sql;
}

/// A job's fixed fields from the current row of the job query.
JobLine startJobLine(const QSqlQuery &q, bool raw)
{
    JobLine job;
    job.id = q.value(CJobId).toLongLong();
    job.runId = q.value(CRunId).toString();
    QByteArray &p = job.prefix;
    for (int c : {CExperiment, CRunId, CModel, CDeployment, CProvider, CModelVersion, CFramework, CTextId}) {
        appendField(p, q.value(c).toString(), raw);
        p += ',';
    }
    p += QByteArray::number(q.value(CRepetition).toLongLong());
    p += ',';
    appendField(p, q.value(CStatus).toString(), raw);
    p += ',';
    QByteArray &s = job.suffix;
    for (int c : {CPrompt, CCompletion, CCached}) {
        s += QByteArray::number(q.value(c).toLongLong());
        s += ',';
    }
    s += formatMicros(q.value(CCost).toLongLong());
    s += ',';
    s += QByteArray::number(q.value(CLatency).toLongLong());
    s += ',';
    s += QByteArray::number(q.value(CAttempts).toLongLong());
    s += ',';
    QByteArray tail;
    appendField(tail, q.value(CError).toString(), raw);
    tail += ',';
    appendField(tail, q.value(CCompletedAt).toString(), raw);
    tail += ',';
    appendField(tail, q.value(CBatch).toString(), raw);
    tail += "\r\n";
    s += tail;
    // Six empty counts: summing a long export's cost (or tokens) gives each job once.
    job.repeatSuffix = QByteArray(",,,,,,") + tail;
    return job;
}

/// Long format: one row per dimension of the run's framework, scored or not, so every job has the
/// same rows; a dimension scored but not declared (should not happen) follows.
qint64 appendLongRows(QByteArray &buffer, const JobLine &job, const ColumnSet &cols, bool raw)
{
    QStringList dims = cols.runDimensions.value(job.runId);
    for (const auto &s : job.scores) {
        if (!dims.contains(s.dimension))
            dims << s.dimension;
    }
    if (dims.isEmpty())
        dims << QString();   // keep the job visible even without dimension information
    bool first = true;
    for (const QString &dim : std::as_const(dims)) {
        buffer += job.prefix;
        appendField(buffer, dim, raw);
        buffer += ',';
        const JobLine::Score *score = job.scoreFor(dim);
        if (score)
            buffer += score->score;
        buffer += ',';
        if (score)
            appendField(buffer, score->evidence, raw);
        buffer += ',';
        buffer += first ? job.suffix : job.repeatSuffix;
        first = false;
    }
    return dims.size();
}

/// Wide format: one row per job, a score column per dimension of the whole export.
qint64 appendWideRow(QByteArray &buffer, const JobLine &job, const ColumnSet &cols, bool raw)
{
    buffer += job.prefix;
    for (const QString &dim : cols.dimensions) {
        const JobLine::Score *score = job.scoreFor(dim);
        if (score)
            buffer += score->score;
        buffer += ',';
        if (cols.evidence) {
            if (score)
                appendField(buffer, score->evidence, raw);
            buffer += ',';
        }
    }
    buffer += job.suffix;
    return 1;
}

/// The job rows and the scores, as two forward-only cursors merged on job id. A single join would
/// repeat (and Qt would convert) every job column once per dimension.
class ResultCursor {
public:
    ResultCursor(QSqlDatabase &db, const ColumnSet &cols, bool longFormat, bool raw)
        : m_cols(cols), m_evidence(longFormat || cols.evidence), m_raw(raw), m_streamJobs(!isPostgres(db)), m_jobs(db), m_scores(db)
    {
    }

    Result<void> start(const QString &dbPath)
    {
        // PostgreSQL streams one forward-only result per connection at a time: there the job
        // rows are read whole first, the scores streamed.
        m_jobs.setForwardOnly(m_streamJobs);
        m_jobs.prepare(jobQuerySql() + m_cols.jobFilter() + QStringLiteral(" ORDER BY j.id"));
        m_scores.setForwardOnly(true);
        m_scores.prepare(QStringLiteral("SELECT s.job_id, s.dimension, s.score, ")
                         + (m_evidence ? QStringLiteral("s.evidence") : QStringLiteral("NULL"))
                         + QStringLiteral(" FROM scores s")
                         + (m_cols.filtered() ? QStringLiteral(" WHERE s.job_id IN (SELECT j.id FROM jobs j WHERE ")
                                                    + m_cols.where.sql + QLatin1Char(')')
                                              : QString())
                         + QStringLiteral(" ORDER BY s.job_id, s.dimension"));
        m_cols.bind(m_jobs);
        if (!m_jobs.exec())
            return std::unexpected(sqlError(QStringLiteral("read results"), m_jobs.lastError(), dbPath));
        m_cols.bind(m_scores);
        if (!m_scores.exec())
            return std::unexpected(sqlError(QStringLiteral("read scores"), m_scores.lastError(), dbPath));
        m_scoreValid = m_scores.next();
        return {};
    }

    /// The next job with its scores; false at the end (check error() then).
    bool next(JobLine &job)
    {
        if (!m_jobs.next())
            return false;
        job = startJobLine(m_jobs, m_raw);
        while (m_scoreValid && m_scores.value(0).toLongLong() < job.id)
            m_scoreValid = m_scores.next();   // scores of jobs outside the export (cannot happen with a filter)
        while (m_scoreValid && m_scores.value(0).toLongLong() == job.id) {
            job.scores.append(JobLine::Score{m_scores.value(1).toString(), formatScore(m_scores.value(2)),
                                             m_evidence ? m_scores.value(3).toString() : QString()});
            m_scoreValid = m_scores.next();
        }
        return true;
    }

    std::optional<QSqlError> error() const
    {
        if (m_jobs.lastError().isValid())
            return m_jobs.lastError();
        if (m_scores.lastError().isValid())
            return m_scores.lastError();
        return std::nullopt;
    }

private:
    const ColumnSet &m_cols;
    bool m_evidence;
    bool m_raw;
    bool m_streamJobs;
    QSqlQuery m_jobs;
    QSqlQuery m_scores;
    bool m_scoreValid = false;
};

// ---- Writer -----------------------------------------------------------------------------------

/// Buffers lines and writes them to a QSaveFile in ~1 MB blocks; nothing reaches outPath unless
/// commit() succeeds.
class CsvWriter {
public:
    explicit CsvWriter(const QString &outPath) : m_path(outPath), m_out(outPath) { m_buffer.reserve(1 << 20); }

    Result<void> open()
    {
        if (!m_out.open(QIODevice::WriteOnly))
            return fail(QStringLiteral("cannot write: %1").arg(m_out.errorString()), m_path);
        return {};
    }
    QByteArray &buffer() { return m_buffer; }

    /// Writes the buffer out once it is large (always when `force`).
    Result<void> drain(bool force)
    {
        if (m_buffer.isEmpty() || (!force && m_buffer.size() <= (1 << 20)))
            return {};
        const bool ok = m_out.write(m_buffer) == m_buffer.size();
        m_buffer.clear();
        if (!ok)
            return abandon(QStringLiteral("write failed: %1").arg(m_out.errorString()));
        return {};
    }
    /// Leaves the target untouched and returns the error to report.
    std::unexpected<Error> abandon(const QString &message)
    {
        m_out.cancelWriting();
        return fail(message, m_path);
    }
    std::unexpected<Error> abandon(const Error &e)
    {
        m_out.cancelWriting();
        return std::unexpected(e);
    }
    Result<void> commit()
    {
        if (auto r = drain(true); !r)
            return r;
        if (!m_out.commit())
            return fail(QStringLiteral("cannot write: %1").arg(m_out.errorString()), m_path);
        return {};
    }

private:
    QString m_path;
    QSaveFile m_out;
    QByteArray m_buffer;
};

} // namespace

QString columnsFilePath(const QString &csvPath)
{
    return csvPath + QStringLiteral(".columns.txt");
}

Result<void> writeColumnsFile(const QString &csvPath, const QString &notes)
{
    const QString path = columnsFilePath(csvPath);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write: %1").arg(f.errorString()), path);
    const QByteArray bytes = notes.toUtf8();
    if (f.write(bytes) != bytes.size() || !f.commit())
        return fail(QStringLiteral("cannot write: %1").arg(f.errorString()), path);
    return {};
}

Result<qint64> exportCsv(const QString &dbPath, const QString &outPath, const ExportOptions &opt)
{
    if (!isServerDatabase(dbPath) && !QFileInfo(dbPath).isFile())
        return fail(QStringLiteral("no results database here"), dbPath);
    if (outPath.isEmpty())
        return fail(QStringLiteral("no output file given"));

    if (auto folder = checkParentFolder(outPath); !folder)
        return std::unexpected(folder.error());

    // Through ResultStore so an older database is migrated rather than misread; the connection is
    // this thread's own, and WAL lets a running engine keep writing meanwhile. A database in a
    // folder that cannot be written (read-only media) is read as it is (resultdb.cpp).
    ResultStore store;
    QString readConn;
    const auto closeRead = qScopeGuard([&readConn] {
        if (!readConn.isEmpty())
            closeReadConnection(readConn);
    });
    if (isServerDatabase(dbPath) || QFileInfo(QFileInfo(dbPath).absolutePath()).isWritable()) {
        if (auto r = store.open(dbPath); !r)
            return std::unexpected(r.error());
    } else {
        auto c = openReadConnection(dbPath);
        if (!c)
            return std::unexpected(c.error());
        readConn = *c;
    }
    QSqlDatabase db = QSqlDatabase::database(readConn.isEmpty() ? store.connectionName() : readConn, false);

    ResultFilter filter = opt.filter;
    if (filter.experiment.isEmpty())
        filter.experiment = opt.experiment;
    auto cols = readColumnSet(db, dbPath, filter);
    if (!cols)
        return std::unexpected(cols.error());
    cols->evidence = opt.evidence && !opt.longFormat;
    auto total = countJobs(db, dbPath, *cols);
    if (!total)
        return std::unexpected(total.error());

    CsvWriter writer(outPath);
    if (auto r = writer.open(); !r)
        return std::unexpected(r.error());
    writer.buffer() += headerLine(*cols, opt.longFormat, opt.rawCells);

    ResultCursor cursor(db, *cols, opt.longFormat, opt.rawCells);
    if (auto r = cursor.start(dbPath); !r)
        return writer.abandon(r.error());

    const QString cancelled = QStringLiteral("export cancelled");
    if (opt.progress && !opt.progress(0, *total))
        return writer.abandon(cancelled);

    qint64 rowsWritten = 0;
    qint64 jobsDone = 0;
    JobLine job;
    while (cursor.next(job)) {
        if (auto r = writer.drain(false); !r)
            return std::unexpected(r.error());
        if (opt.progress && jobsDone > 0 && jobsDone % 2000 == 0 && !opt.progress(jobsDone, *total))
            return writer.abandon(cancelled);
        rowsWritten += opt.longFormat ? appendLongRows(writer.buffer(), job, *cols, opt.rawCells)
                                      : appendWideRow(writer.buffer(), job, *cols, opt.rawCells);
        ++jobsDone;
    }
    if (const auto e = cursor.error())
        return writer.abandon(sqlError(QStringLiteral("read results"), *e, dbPath));
    if (opt.progress && !opt.progress(jobsDone, *total))
        return writer.abandon(cancelled);
    if (auto r = writer.commit(); !r)
        return std::unexpected(r.error());
    if (opt.columnsFile) {
        if (auto r = writeColumnsFile(outPath, exportColumnNotes(*cols, opt.longFormat)); !r)
            return std::unexpected(r.error());
    }
    qCInfo(lcStorage) << "exported" << rowsWritten << "rows to" << outPath;
    return rowsWritten;
}

} // namespace wb
