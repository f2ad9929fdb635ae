// CSV export of the results database (DESIGN §5).
//
// RFC 4180 is the contract: UTF-8, a header row, CRLF line ends, fields quoted when they contain
// a comma, a double quote, CR or LF, quotes doubled. Values are written exactly as stored. We do
// not defuse spreadsheet formula injection (a text id or error message starting with = + - @): the
// file is data for R/pandas/Stata first, and prefixing a quote or tab would change the values
// researchers analyse. Whoever opens it in a spreadsheet should import it as text.
#include "core/common/logging.h"
#include "core/storage/resultstore.h"
#include "core/storage/sqlhelpers_p.h"

#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QSet>

namespace wb {

using namespace storage_detail;

namespace {

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

void appendField(QByteArray &line, const QString &value)
{
    appendField(line, value.toUtf8());
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

struct JobLine {
    qint64 id = -1;
    QByteArray prefix;       ///< experiment .. status, each field followed by a comma
    QByteArray suffix;       ///< prompt_tokens .. completed_at
    QString runId;
    struct Score {
        QString dimension;
        QByteArray score;
        QString evidence;
    };
    QList<Score> scores;
};

enum Col {
    CExperiment, CRunId, CModel, CDeployment, CProvider, CModelVersion, CFramework, CTextId, CRepetition, CStatus,
    CPrompt, CCompletion, CCached, CCost, CLatency, CAttempts, CError, CCompletedAt, CJobId
};

} // namespace

Result<qint64> exportCsv(const QString &dbPath, const QString &outPath, const ExportOptions &opt)
{
    if (!QFileInfo(dbPath).isFile())
        return fail(QStringLiteral("no results database here"), dbPath);
    if (outPath.isEmpty())
        return fail(QStringLiteral("no output file given"));

    // Through ResultStore so an older database is migrated rather than misread; the connection is
    // this thread's own, and WAL lets a running engine keep writing meanwhile.
    ResultStore store;
    if (auto r = store.open(dbPath); !r)
        return std::unexpected(r.error());
    QSqlDatabase db = QSqlDatabase::database(store.connectionName(), false);

    QVariant experimentId;
    if (!opt.experiment.isEmpty()) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id FROM experiments WHERE name = ?"));
        q.addBindValue(opt.experiment);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read experiments"), q.lastError(), dbPath));
        if (!q.next())
            return fail(QStringLiteral("no experiment named \"%1\" in the database").arg(opt.experiment), dbPath);
        experimentId = q.value(0);
    }
    const QString runFilter = experimentId.isNull() ? QString() : QStringLiteral(" WHERE experiment_id = ?");

    // Dimension columns: the union over the exported runs, in first-seen order (runs in the order
    // they were stored, each run's dimensions in framework order).
    QStringList dimensions;
    QHash<QString, QStringList> runDimensions;
    {
        QSet<QString> seen;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT run_id, dimensions FROM runs") + runFilter + QStringLiteral(" ORDER BY rowid"));
        if (!experimentId.isNull())
            q.addBindValue(experimentId);
        if (!q.exec())
            return std::unexpected(sqlError(QStringLiteral("read runs"), q.lastError(), dbPath));
        while (q.next()) {
            QStringList dims;
            for (const QJsonValue &v : QJsonDocument::fromJson(q.value(1).toString().toUtf8()).array()) {
                const QString dim = v.toString();
                if (dim.isEmpty())
                    continue;
                dims << dim;
                if (!seen.contains(dim)) {
                    seen.insert(dim);
                    dimensions << dim;
                }
            }
            runDimensions.insert(q.value(0).toString(), dims);
        }
    }

    // The unary + keeps SQLite from driving the scan through idx_jobs_run_status, which would
    // need a sort of every row; a plain rowid scan is already in plan order.
    const QString jobFilter = experimentId.isNull()
        ? QString()
        : QStringLiteral(" WHERE +j.run_id IN (SELECT run_id FROM runs WHERE experiment_id = ?)");

    qint64 total = 0;
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM jobs j") + jobFilter);
        if (!experimentId.isNull())
            q.addBindValue(experimentId);
        if (!q.exec() || !q.next())
            return std::unexpected(sqlError(QStringLiteral("count jobs"), q.lastError(), dbPath));
        total = q.value(0).toLongLong();
    }

    QSaveFile out(outPath);
    if (!out.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write: %1").arg(out.errorString()), outPath);

    const bool longFormat = opt.longFormat;
    QByteArray buffer;
    buffer.reserve(1 << 20);
    {
        QByteArray h = "experiment,run_id,model,deployment,provider,model_version,framework,text_id,repetition,status,";
        if (longFormat) {
            h += "dimension,score,evidence,";
        } else {
            for (const QString &dim : std::as_const(dimensions)) {
                appendField(h, dim);
                h += ',';
            }
        }
        h += "prompt_tokens,completion_tokens,cached_tokens,cost_usd,latency_ms,attempts,error,completed_at\r\n";
        buffer += h;
    }

    // Two forward-only cursors merged on job id: one row per job, and the scores in job order.
    // A single join would repeat (and Qt would convert) every job column once per dimension.
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT e.name, j.run_id, r.model_group, j.deployment_id, j.provider, j.model_version,"
                             " r.framework, j.text_id, j.repetition, j.status, j.prompt_tokens, j.completion_tokens,"
                             " j.cached_tokens, j.cost_micros, j.latency_ms, j.attempts, j.last_error, j.completed_at,"
                             " j.id FROM jobs j LEFT JOIN runs r ON r.run_id = j.run_id"
                             " LEFT JOIN experiments e ON e.id = r.experiment_id")
              + jobFilter + QStringLiteral(" ORDER BY j.id"));
    QSqlQuery sq(db);
    sq.setForwardOnly(true);
    sq.prepare(QStringLiteral("SELECT s.job_id, s.dimension, s.score, ")
               + (longFormat ? QStringLiteral("s.evidence") : QStringLiteral("NULL"))
               + QStringLiteral(" FROM scores s")
               + (experimentId.isNull() ? QString()
                                        : QStringLiteral(" WHERE s.job_id IN (SELECT id FROM jobs WHERE run_id IN"
                                                         " (SELECT run_id FROM runs WHERE experiment_id = ?))"))
               + QStringLiteral(" ORDER BY s.job_id, s.dimension"));
    if (!experimentId.isNull())
        sq.addBindValue(experimentId);
    if (!sq.exec())
        return std::unexpected(sqlError(QStringLiteral("read scores"), sq.lastError(), dbPath));
    bool scoreValid = sq.next();
    if (!experimentId.isNull())
        q.addBindValue(experimentId);
    if (!q.exec())
        return std::unexpected(sqlError(QStringLiteral("read results"), q.lastError(), dbPath));

    qint64 rowsWritten = 0;
    qint64 jobsDone = 0;
    JobLine job;

    auto emitJob = [&]() {
        if (job.id < 0)
            return;
        if (longFormat) {
            // One row per dimension of the run's framework, scored or not, so every job has the
            // same rows; a dimension scored but not declared (should not happen) follows.
            QStringList dims = runDimensions.value(job.runId);
            for (const auto &s : std::as_const(job.scores)) {
                if (!dims.contains(s.dimension))
                    dims << s.dimension;
            }
            if (dims.isEmpty())
                dims << QString();   // keep the job visible even without dimension information
            for (const QString &dim : std::as_const(dims)) {
                buffer += job.prefix;
                appendField(buffer, dim);
                buffer += ',';
                const JobLine::Score *score = nullptr;
                for (const auto &s : std::as_const(job.scores)) {
                    if (s.dimension == dim) {
                        score = &s;
                        break;
                    }
                }
                if (score)
                    buffer += score->score;
                buffer += ',';
                if (score)
                    appendField(buffer, score->evidence);
                buffer += ',';
                buffer += job.suffix;
                ++rowsWritten;
            }
        } else {
            buffer += job.prefix;
            for (const QString &dim : std::as_const(dimensions)) {
                for (const auto &s : std::as_const(job.scores)) {
                    if (s.dimension == dim) {
                        buffer += s.score;
                        break;
                    }
                }
                buffer += ',';
            }
            buffer += job.suffix;
            ++rowsWritten;
        }
        ++jobsDone;
    };

    auto flushBuffer = [&]() -> bool {
        if (buffer.isEmpty())
            return true;
        const bool ok = out.write(buffer) == buffer.size();
        buffer.clear();
        return ok;
    };

    if (opt.progress && !opt.progress(0, total)) {
        out.cancelWriting();
        return fail(QStringLiteral("export cancelled"), outPath);
    }

    while (q.next()) {
        const qint64 id = q.value(CJobId).toLongLong();
        if (id != job.id) {
            emitJob();
            if (buffer.size() > (1 << 20) && !flushBuffer()) {
                out.cancelWriting();
                return fail(QStringLiteral("write failed: %1").arg(out.errorString()), outPath);
            }
            if (opt.progress && jobsDone % 2000 == 0 && jobsDone > 0 && !opt.progress(jobsDone, total)) {
                out.cancelWriting();
                return fail(QStringLiteral("export cancelled"), outPath);
            }
            job = JobLine();
            job.id = id;
            job.runId = q.value(CRunId).toString();
            QByteArray &p = job.prefix;
            for (int c : {CExperiment, CRunId, CModel, CDeployment, CProvider, CModelVersion, CFramework, CTextId}) {
                appendField(p, q.value(c).toString());
                p += ',';
            }
            p += QByteArray::number(q.value(CRepetition).toLongLong());
            p += ',';
            appendField(p, q.value(CStatus).toString());
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
            appendField(s, q.value(CError).toString());
            s += ',';
            appendField(s, q.value(CCompletedAt).toString());
            s += "\r\n";
        }
        while (scoreValid && sq.value(0).toLongLong() < id)
            scoreValid = sq.next();   // scores of jobs outside the export (cannot happen with a filter)
        while (scoreValid && sq.value(0).toLongLong() == id) {
            job.scores.append(JobLine::Score{sq.value(1).toString(), formatScore(sq.value(2)),
                                             longFormat ? sq.value(3).toString() : QString()});
            scoreValid = sq.next();
        }
    }
    if (q.lastError().isValid() || sq.lastError().isValid()) {
        out.cancelWriting();
        const QSqlError e = q.lastError().isValid() ? q.lastError() : sq.lastError();
        return std::unexpected(sqlError(QStringLiteral("read results"), e, dbPath));
    }
    emitJob();
    if (!flushBuffer()) {
        out.cancelWriting();
        return fail(QStringLiteral("write failed: %1").arg(out.errorString()), outPath);
    }
    if (opt.progress && !opt.progress(jobsDone, total)) {
        out.cancelWriting();
        return fail(QStringLiteral("export cancelled"), outPath);
    }
    if (!out.commit())
        return fail(QStringLiteral("cannot write: %1").arg(out.errorString()), outPath);
    qCInfo(lcStorage) << "exported" << rowsWritten << "rows to" << outPath;
    return rowsWritten;
}

} // namespace wb
