#pragma once
// A small one-group project answered by the in-process provider simulator, for the tests of what a
// run does when it is interrupted, killed or cannot write: real SQLite files, real loopback sockets.
#include "core/session/experimentrunner.h"
#include "core/sim/providersimulator.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>

namespace wb::test {

struct DurabilityProject {
    explicit DurabilityProject(int texts, int latencyMs, int maxParallel = 8, int jitterMs = 0) : sim(config(latencyMs, jitterMs))
    {
        ok = bool(sim.start()) && dir.isValid();
        if (!ok)
            return;
        configPath = dir.filePath(QStringLiteral("litellm_config.yaml"));
        experimentPath = dir.filePath(QStringLiteral("experiment.yaml"));
        db = dir.filePath(QStringLiteral("results.db"));
        write(configPath, QStringLiteral("model_list:\n  - model_name: oa\n    litellm_params: {model: openai/gpt-4o-mini, "
                                         "api_key: k-oa, api_base: %1/v1, max_parallel_requests: %2}\n")
                              .arg(sim.baseUrl())
                              .arg(maxParallel));
        write(dir.filePath(QStringLiteral("mft.yaml")),
              QStringLiteral("framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n  dimensions:\n"
                             "    - {id: care, name: Care, description: c, min: 0, max: 1}\n"
                             "    - {id: liberty, name: Liberty, description: l, min: 0, max: 1}\n"));
        QDir(dir.path()).mkpath(QStringLiteral("corpus"));
        for (int i = 0; i < texts; ++i)
            write(dir.filePath(QStringLiteral("corpus/t%1.txt").arg(i, 4, 10, QLatin1Char('0'))),
                  QStringLiteral("Text number %1 speaks of care, liberty and the law of the land.").arg(i));
        write(experimentPath, QStringLiteral("experiment: {name: durable, description: test}\ncorpus:\n  - {id: c, path: corpus/}\n"
                                             "frameworks:\n  - {id: mft, path: mft.yaml}\nexecution:\n  max_tokens: 200\n"
                                             "  matrix:\n    - {run_id: r1, model: oa, framework: mft, corpus_subset: c}\n"));
    }
    static SimConfig config(int latencyMs, int jitterMs)
    {
        SimConfig c;
        c.latencyMs = latencyMs;
        c.jitterMs = jitterMs;
        return c;
    }
    static void write(const QString &path, const QString &text)
    {
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(text.toUtf8());
    }
    RunOptions options(bool resume) const
    {
        RunOptions o;
        o.configPath = configPath;
        o.experimentPath = experimentPath;
        o.dbPath = db;
        o.resume = resume;
        return o;
    }
    QStringList cliArgs(bool resume) const
    {
        QStringList a{QStringLiteral("run"), QStringLiteral("--config"), configPath, QStringLiteral("--experiment"),
                      experimentPath, QStringLiteral("--db"), db, QStringLiteral("--json")};
        if (resume)
            a.append(QStringLiteral("--resume"));
        return a;
    }

    ProviderSimulator sim;
    QTemporaryDir dir;
    QString configPath, experimentPath, db;
    bool ok = false;
};

/// One integer from a query on a fresh read connection (-1 on error).
inline qint64 queryInt(const QString &db, const QString &sql)
{
    const QString name = QUuid::createUuid().toString();
    qint64 v = -1;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        c.setDatabaseName(db);
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(sql) && q.next())
                v = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return v;
}

inline qint64 doneJobs(const QString &db)
{
    return queryInt(db, QStringLiteral("SELECT count(*) FROM jobs WHERE status='done'"));
}

/// Runs to the end in this thread; an empty summary (jobs 0) when it did not finish in time.
inline RunSummary runToEnd(const RunOptions &o, int timeoutMs = 60000)
{
    ExperimentRunner runner(o);
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    runner.start();
    if (!done.wait(timeoutMs))
        return {};
    return done.first().first().value<RunSummary>();
}

} // namespace wb::test
