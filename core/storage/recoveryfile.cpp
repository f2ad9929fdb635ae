#include "core/storage/recoveryfile_p.h"

#include "core/common/logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace wb::storage_detail {

namespace {

constexpr int kFormatVersion = 1;

QJsonObject usageJson(const Usage &u)
{
    return {{QStringLiteral("prompt_tokens"), u.promptTokens},
            {QStringLiteral("completion_tokens"), u.completionTokens},
            {QStringLiteral("cached_tokens"), u.cachedTokens},
            {QStringLiteral("cache_write_tokens"), u.cacheWriteTokens},
            {QStringLiteral("usage_reported"), u.reported}};
}

Usage usageFrom(const QJsonObject &o)
{
    Usage u;
    u.promptTokens = o.value(u"prompt_tokens").toInteger();
    u.completionTokens = o.value(u"completion_tokens").toInteger();
    u.cachedTokens = o.value(u"cached_tokens").toInteger();
    u.cacheWriteTokens = o.value(u"cache_write_tokens").toInteger();
    u.reported = o.value(u"usage_reported").toBool();
    return u;
}

QByteArray line(QJsonObject o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

/// Every queued row as JSON Lines, after a header naming the database.
QByteArray serialize(const ResultWriter &w, const QString &dbPath, const std::function<QString(qint64)> &keyOf)
{
    QByteArray out = line({{QStringLiteral("recovery"), QStringLiteral("discernus")},
                           {QStringLiteral("version"), kFormatVersion},
                           {QStringLiteral("database"), QFileInfo(dbPath).absoluteFilePath()},
                           {QStringLiteral("written_at"), nowIso()}});
    for (const auto &c : w.queuedCalls()) {
        QJsonArray keys;
        for (qint64 id : c.jobIds)
            keys.append(keyOf(id));
        const CallRecord &r = c.call;
        QJsonObject o = usageJson(r.usage);
        o.insert(QStringLiteral("t"), QStringLiteral("call"));
        o.insert(QStringLiteral("jobs"), keys);
        o.insert(QStringLiteral("deployment"), r.deploymentId);
        o.insert(QStringLiteral("provider"), r.provider);
        o.insert(QStringLiteral("group"), r.group);
        o.insert(QStringLiteral("model_version"), r.modelVersion);
        o.insert(QStringLiteral("http_status"), r.httpStatus);
        o.insert(QStringLiteral("cost_micros"), r.costMicros);
        o.insert(QStringLiteral("latency_ms"), r.latencyMs);
        o.insert(QStringLiteral("request_id"), r.requestId);
        o.insert(QStringLiteral("error_class"), errorClassKey(r.errorClass));
        o.insert(QStringLiteral("error_message"), r.errorMessage);
        o.insert(QStringLiteral("started_at"), r.startedAt.isValid() ? isoUtc(r.startedAt) : QString());
        // A reply that came through a provider batch stays marked as one (calls.batch_id).
        if (!r.batchId.isEmpty())
            o.insert(QStringLiteral("batch_id"), r.batchId);
        out += line(o);
    }
    for (const auto &raw : w.queuedRaws())
        out += line({{QStringLiteral("t"), QStringLiteral("raw")},
                     {QStringLiteral("job"), keyOf(raw.jobId)},
                     {QStringLiteral("attempt"), raw.attempt},
                     {QStringLiteral("text"), raw.text},
                     {QStringLiteral("at"), raw.at}});
    for (const auto &qr : w.queuedResults()) {
        const JobResult &r = qr.result;
        QJsonArray scores;
        for (const ScoreRow &s : r.scores)
            scores.append(QJsonObject{{QStringLiteral("dimension"), s.dimension},
                                      {QStringLiteral("score"), s.score ? QJsonValue(*s.score) : QJsonValue()},
                                      {QStringLiteral("evidence"), s.evidence}});
        QJsonObject o = usageJson(r.usage);
        o.insert(QStringLiteral("t"), QStringLiteral("result"));
        o.insert(QStringLiteral("job"), keyOf(r.jobId));
        o.insert(QStringLiteral("status"), jobStatusName(r.status));
        o.insert(QStringLiteral("deployment"), r.deploymentId);
        o.insert(QStringLiteral("provider"), r.provider);
        o.insert(QStringLiteral("model_version"), r.modelVersion);
        o.insert(QStringLiteral("attempts"), r.attempts);
        o.insert(QStringLiteral("error"), r.error);
        o.insert(QStringLiteral("cost_micros"), r.costMicros);
        o.insert(QStringLiteral("latency_ms"), r.latencyMs);
        o.insert(QStringLiteral("scores"), scores);
        o.insert(QStringLiteral("raw"), r.rawResponse);
        o.insert(QStringLiteral("completed_at"), qr.completedAt);
        out += line(o);
    }
    for (const LedgerEntry &e : w.queuedLedger())
        out += line({{QStringLiteral("t"), QStringLiteral("spend")},
                     {QStringLiteral("at"), isoUtc(e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc())},
                     {QStringLiteral("micros"), e.micros},
                     {QStringLiteral("run_id"), e.runId}});
    return out;
}

/// Appends and syncs; a partial append is an error (the caller tries the next place).
Result<void> appendSynced(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append))
        return fail(f.errorString(), path);
    if (f.write(data) != data.size() || !f.flush())
        return fail(f.errorString(), path);
#ifdef Q_OS_UNIX
    if (::fsync(f.handle()) != 0)
        return fail(QStringLiteral("cannot sync the file to disk"), path);
#endif
    return {};
}

} // namespace

QStringList recoveryFileCandidates(const QString &dbPath)
{
    const QString abs = QFileInfo(dbPath).absoluteFilePath();
    const QString name = QStringLiteral("discernus-recovery-%1.jsonl")
                             .arg(QString::fromLatin1(QCryptographicHash::hash(abs.toUtf8(), QCryptographicHash::Sha1).toHex().left(12)));
    QStringList out{abs + QStringLiteral(".recovery.jsonl")};
    const QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (!data.isEmpty())
        out.append(data + QStringLiteral("/discernus/recovery/") + name);
    out.append(QDir::tempPath() + u'/' + name);
    return out;
}

QStringList movedDatabaseRecoveryFiles(const QString &dbPath)
{
    const QFileInfo db(dbPath);
    const QString abs = db.absoluteFilePath();
    QStringList folders;
    const QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (!data.isEmpty())
        folders.append(data + QStringLiteral("/discernus/recovery"));
    folders.append(QDir::tempPath());
    QStringList out;
    for (const QString &folder : std::as_const(folders)) {
        const QFileInfoList files = QDir(folder).entryInfoList({QStringLiteral("discernus-recovery-*.jsonl")}, QDir::Files, QDir::Name);
        for (const QFileInfo &fi : files) {
            QFile f(fi.absoluteFilePath());
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QJsonObject header = QJsonDocument::fromJson(f.readLine().trimmed()).object();
            const QString was = header.value(u"database").toString();
            // Same file name, and nothing left where it was: that database was moved here.
            if (header.value(u"recovery").toString() == u"discernus" && !was.isEmpty() && was != abs
                && QFileInfo(was).fileName() == db.fileName() && !QFileInfo::exists(was))
                out.append(fi.absoluteFilePath());
        }
    }
    return out;
}

Result<QString> saveRecoveryFile(const ResultWriter &w, const QString &dbPath, const std::function<QString(qint64)> &keyOf)
{
    const QByteArray data = serialize(w, dbPath, keyOf);
    QStringList problems;
    for (const QString &path : recoveryFileCandidates(dbPath)) {
        const qint64 before = QFileInfo(path).size();
        auto ok = appendSynced(path, data);
        if (ok)
            return path;
        // Leave no torn tail behind: a reader would stop at it.
        if (QFileInfo::exists(path)) {
            QFile f(path);
            if (before == 0)
                f.remove();
            else
                f.resize(before);
        }
        problems.append(ok.error().toString());
    }
    return fail(QStringLiteral("no recovery file could be written: ") + problems.join(QStringLiteral("; ")));
}

Result<RecoveryImport> readRecoveryFile(const QString &file, ResultWriter &w, const std::function<qint64(const QString &)> &idOf)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return fail(f.errorString(), file);
    RecoveryImport stats;
    int lineNo = 0;
    while (!f.atEnd()) {
        ++lineNo;
        const QByteArray bytes = f.readLine().trimmed();
        if (bytes.isEmpty())
            continue;
        QJsonParseError pe{};
        const QJsonObject o = QJsonDocument::fromJson(bytes, &pe).object();
        if (pe.error != QJsonParseError::NoError)
            return fail(QStringLiteral("not a recovery record: ") + pe.errorString(), file, lineNo, int(pe.offset) + 1);
        const QString type = o.value(u"t").toString();
        if (type.isEmpty()) {
            if (o.value(u"recovery").toString() != u"discernus")
                return fail(QStringLiteral("not a discernus recovery file"), file, lineNo, 1, QStringLiteral("recovery"));
            if (o.value(u"version").toInt() > kFormatVersion)
                return fail(QStringLiteral("written by a newer discernus (recovery format %1); upgrade").arg(o.value(u"version").toInt()),
                            file, lineNo, 1, QStringLiteral("version"));
            continue;
        }
        if (type == u"call") {
            ResultWriter::QueuedCall c;
            bool known = true;
            for (const QJsonValue &k : o.value(u"jobs").toArray()) {
                const qint64 id = idOf(k.toString());
                known = known && id > 0;
                c.jobIds.append(id);
            }
            if (!known) {
                ++stats.skipped;
                continue;
            }
            CallRecord &r = c.call;
            r.usage = usageFrom(o);
            r.deploymentId = o.value(u"deployment").toString();
            r.provider = o.value(u"provider").toString();
            r.group = o.value(u"group").toString();
            r.modelVersion = o.value(u"model_version").toString();
            r.httpStatus = o.value(u"http_status").toInt();
            r.costMicros = o.value(u"cost_micros").toInteger();
            r.latencyMs = o.value(u"latency_ms").toInteger();
            r.requestId = o.value(u"request_id").toString();
            r.errorClass = errorClassFromKey(o.value(u"error_class").toString());
            r.errorMessage = o.value(u"error_message").toString();
            r.startedAt = QDateTime::fromString(o.value(u"started_at").toString(), Qt::ISODateWithMs);
            r.batchId = o.value(u"batch_id").toString();
            w.addQueuedCall(std::move(c));
        } else if (type == u"raw" || type == u"result") {
            const qint64 id = idOf(o.value(u"job").toString());
            if (id <= 0) {
                ++stats.skipped;
                continue;
            }
            if (type == u"raw") {
                w.addQueuedRaw({id, o.value(u"attempt").toInt(), o.value(u"text").toString(), o.value(u"at").toString()});
            } else {
                ResultWriter::QueuedResult qr;
                JobResult &r = qr.result;
                r.jobId = id;
                r.status = jobStatusFromName(o.value(u"status").toString());
                r.deploymentId = o.value(u"deployment").toString();
                r.provider = o.value(u"provider").toString();
                r.modelVersion = o.value(u"model_version").toString();
                r.attempts = o.value(u"attempts").toInt();
                r.error = o.value(u"error").toString();
                r.usage = usageFrom(o);
                r.costMicros = o.value(u"cost_micros").toInteger();
                r.latencyMs = o.value(u"latency_ms").toInteger();
                for (const QJsonValue &v : o.value(u"scores").toArray()) {
                    const QJsonObject s = v.toObject();
                    ScoreRow row{s.value(u"dimension").toString(), std::nullopt, s.value(u"evidence").toString()};
                    if (s.value(u"score").isDouble())
                        row.score = s.value(u"score").toDouble();
                    r.scores.append(row);
                }
                r.rawResponse = o.value(u"raw").toString();
                qr.completedAt = o.value(u"completed_at").toString();
                w.addQueuedResult(std::move(qr));
            }
        } else if (type == u"spend") {
            w.addQueuedSpend({QDateTime::fromString(o.value(u"at").toString(), Qt::ISODateWithMs), o.value(u"micros").toInteger(),
                        o.value(u"run_id").toString()});
        } else {
            return fail(QStringLiteral("unknown record type \"%1\"").arg(type), file, lineNo, 1, QStringLiteral("t"));
        }
        ++stats.rows;
    }
    return stats;
}

} // namespace wb::storage_detail
