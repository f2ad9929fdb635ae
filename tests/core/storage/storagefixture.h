#pragma once
// Builds the small results database both storage tests use (the CSV expectations in
// tests/data/storage/ are written against exactly this content).
#include "core/storage/resultstore.h"

#include <QTest>

namespace wbtest {

inline wb::JobRow job(const QString &run, const QString &corpus, const QString &text, int rep = 1)
{
    wb::JobRow j;
    j.key = run + QLatin1Char('|') + corpus + QLatin1Char('/') + text + QLatin1Char('|') + QString::number(rep);
    j.runId = run;
    j.corpus = corpus;
    j.textId = text;
    j.repetition = rep;
    return j;
}

inline wb::ScoreRow score(const QString &dim, std::optional<double> v, const QString &evidence)
{
    return wb::ScoreRow{dim, v, evidence};
}

inline QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toUTC();
}

/// Experiments exp-a (runs gpt-mft [care, fairness], claude-x [fairness, novelty]) and exp-b
/// (run other [care, fairness]); five jobs: two done, one failed, one pending, one done in exp-b.
/// Returns the job ids in insertion order, or an empty list after a QTest failure.
inline QList<qint64> fillSample(wb::ResultStore &store)
{
    using namespace wb;
    if (!store.upsertExperiment(QStringLiteral("exp-a"), QStringLiteral("first"), QByteArray("experiment: {name: exp-a}\n")))
        return {};
    if (!store.upsertExperiment(QStringLiteral("exp-b"), QStringLiteral("second"), QByteArray()))
        return {};
    const RunRow runs[] = {
        {QStringLiteral("gpt-mft"), QStringLiteral("exp-a"), QStringLiteral("gpt-4o"), QStringLiteral("mft"), QStringLiteral("c"),
         {QStringLiteral("care"), QStringLiteral("fairness")}},
        {QStringLiteral("claude-x"), QStringLiteral("exp-a"), QStringLiteral("claude"), QStringLiteral("xf"), QStringLiteral("c"),
         {QStringLiteral("fairness"), QStringLiteral("novelty")}},
        {QStringLiteral("other"), QStringLiteral("exp-b"), QStringLiteral("m"), QStringLiteral("mft"), QStringLiteral("c"),
         {QStringLiteral("care"), QStringLiteral("fairness")}},
    };
    for (const RunRow &r : runs) {
        if (!store.upsertRun(r))
            return {};
    }
    const QList<JobRow> planned = {
        job(QStringLiteral("gpt-mft"), QStringLiteral("c"), QStringLiteral("t1")),
        job(QStringLiteral("gpt-mft"), QStringLiteral("c"), QStringLiteral("discours_\u00e9,2")),
        job(QStringLiteral("claude-x"), QStringLiteral("c"), QStringLiteral("t1")),
        job(QStringLiteral("claude-x"), QStringLiteral("c"), QStringLiteral("t2")),
        job(QStringLiteral("other"), QStringLiteral("c"), QStringLiteral("t1")),
    };
    auto rows = store.ensureJobs(planned);
    if (!rows)
        return {};
    QHash<QString, qint64> idByKey;
    for (const JobRow &r : *rows)
        idByKey.insert(r.key, r.id);
    QList<qint64> ids;
    for (const JobRow &p : planned)
        ids << idByKey.value(p.key);

    JobResult r1;
    r1.jobId = ids[0];
    r1.deploymentId = QStringLiteral("openai-1");
    r1.provider = QStringLiteral("openai");
    r1.modelVersion = QStringLiteral("gpt-4o-2024-08-06");
    r1.attempts = 1;
    r1.usage = Usage{1200, 300, 100, 0, true};
    r1.costMicros = 1234;
    r1.latencyMs = 850;
    r1.scores = {score(QStringLiteral("care"), 0.7, QStringLiteral("He said \"care\", twice")),
                 score(QStringLiteral("fairness"), 0.25, QStringLiteral("line1\nline2"))};
    r1.rawResponse = QStringLiteral("{\"care\":{\"score\":0.7}}");
    r1.completedAt = utc("2024-05-01T12:00:00.000Z");

    JobResult r2 = r1;
    r2.jobId = ids[1];
    r2.attempts = 2;
    r2.usage = Usage{1000, 200, 0, 0, true};
    r2.costMicros = 2000000;
    r2.latencyMs = 900;
    r2.scores = {score(QStringLiteral("care"), std::nullopt, QString()),
                 score(QStringLiteral("fairness"), 1.0, QStringLiteral("\u00dcn\u00efc\u00f6d\u00e9 \u65e5\u672c"))};
    r2.completedAt = utc("2024-05-01T12:00:01.500Z");

    JobResult r3;
    r3.jobId = ids[2];
    r3.status = JobStatus::Failed;
    r3.deploymentId = QStringLiteral("anthropic-a");
    r3.provider = QStringLiteral("anthropic");
    r3.attempts = 3;
    r3.error = QStringLiteral("parse failed: \"bad\" json,\nat line 1");
    r3.rawResponse = QStringLiteral("not json");
    r3.completedAt = utc("2024-05-01T12:00:02.000Z");

    JobResult r5;
    r5.jobId = ids[4];
    r5.deploymentId = QStringLiteral("d");
    r5.provider = QStringLiteral("p");
    r5.modelVersion = QStringLiteral("v");
    r5.attempts = 1;
    r5.usage = Usage{10, 5, 0, 0, true};
    r5.costMicros = 10;
    r5.latencyMs = 5;
    r5.scores = {score(QStringLiteral("care"), 0.5, QStringLiteral("ok")), score(QStringLiteral("fairness"), 0.5, QStringLiteral("ok"))};
    r5.completedAt = utc("2024-05-01T12:00:03.000Z");

    for (const JobResult &r : {r1, r2, r3, r5})
        store.recordResult(r);
    if (!store.flush())
        return {};
    return ids;
}

} // namespace wbtest
