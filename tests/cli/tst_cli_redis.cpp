// Several `discernus run` processes sharing one key pool and one budget through a real Redis,
// against `discernus simulate` in its own process (docs/ARCHITECTURE.md, "Shared limits in Redis").
#include "tests/support/redisserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

namespace {

struct Run {
    std::unique_ptr<QProcess> proc = std::make_unique<QProcess>();
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QByteArray out, err;
};

} // namespace

class TstCliRedis : public QObject {
    Q_OBJECT
    wb::test::RedisServer m_redis;
    QTemporaryDir m_dir;
    QProcess m_sim;
    QString m_base;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    bool write(const QString &name, const QByteArray &text) const
    {
        QFile f(path(name));
        return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
    }

    /// A project of `texts` one-call jobs on one simulated OpenAI key, sharing limits through Redis.
    bool project(const QString &name, int texts, const QByteArray &deploymentExtra, const QByteArray &costControls)
    {
        QDir(m_dir.path()).mkpath(name + QStringLiteral("/corpus"));
        for (int i = 0; i < texts; ++i)
            if (!write(name + QStringLiteral("/corpus/t%1.txt").arg(i, 2, 10, QLatin1Char('0')),
                       "Text " + QByteArray::number(i) + " speaks of care, liberty and the law of the land.\n"))
                return false;
        const QByteArray config = "model_list:\n"
                                  "  - model_name: oa\n"
                                  "    litellm_params: {model: openai/gpt-4o-mini, api_key: sim-shared, api_base: "
            + m_base.toUtf8() + "/v1, max_parallel_requests: 8" + deploymentExtra + "}\n"
                                  "router_settings:\n  redis_host: 127.0.0.1\n  redis_port: "
            + QByteArray::number(m_redis.port()) + "\n";
        const QByteArray framework = "framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n"
                                     "  dimensions:\n    - {id: care, name: Care, description: c, min: 0, max: 1}\n";
        const QByteArray experiment = "experiment: {name: " + name.toUtf8() + ", description: shared}\n"
                                      "corpus:\n  - {id: c, path: corpus/}\nframeworks:\n  - {id: mft, path: mft.yaml}\n"
                                      "execution:\n  max_tokens: 200\n  matrix:\n"
                                      "    - {run_id: r1, model: oa, framework: mft, corpus_subset: c}\n"
            + costControls;
        return write(name + QStringLiteral("/litellm_config.yaml"), config) && write(name + QStringLiteral("/mft.yaml"), framework)
            && write(name + QStringLiteral("/experiment.yaml"), experiment);
    }

    /// The simulator's and the router's windows, shortened alike so a test of two windows takes
    /// about half a minute instead of two.
    static constexpr int kWindowMs = 30'000;

    void startRun(Run &r, const QString &name, const QString &db)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DISCERNUS_WINDOW_MS_FOR_TESTING"), QString::number(kWindowMs));
        r.proc->setProcessEnvironment(env);
        // The simulator stands for a provider on another machine: the clients yield the CPU to it,
        // so a loaded test machine does not make it count a request long after it was sent.
        r.proc->setProgram(QStringLiteral("nice"));
        r.proc->setArguments({QStringLiteral("-n"), QStringLiteral("10"), QStringLiteral(DISCERNUS_BIN), QStringLiteral("run"), QStringLiteral("--config"), path(name + QStringLiteral("/litellm_config.yaml")),
                              QStringLiteral("--experiment"), path(name + QStringLiteral("/experiment.yaml")),
                              QStringLiteral("--db"), path(db), QStringLiteral("--json")});
        r.proc->start();
    }

    static bool finish(Run &r, int ms)
    {
        // A run that already ended (all its calls fit the first window) is finished too.
        const bool ok = r.proc->state() == QProcess::NotRunning || r.proc->waitForFinished(ms);
        r.out += r.proc->readAllStandardOutput();
        r.err += r.proc->readAllStandardError();
        return ok;
    }

    /// Waits until every run's event log has said `what` (reading their stderr as it comes).
    static bool waitForEvent(const QList<Run *> &runs, const QByteArray &what, int ms)
    {
        return QTest::qWaitFor([&] {
            bool all = true;
            for (Run *r : runs) {
                r->err += r->proc->readAllStandardError();
                all = all && r->err.contains(what);
            }
            return all;
        }, ms);
    }

    bool startSimulator(const QByteArray &limits)
    {
        if (!write(QStringLiteral("limits.yaml"), limits))
            return false;
        m_sim.setProgram(QStringLiteral(DISCERNUS_BIN));
        m_sim.setArguments({QStringLiteral("simulate"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--limits"),
                            path(QStringLiteral("limits.yaml"))});
        m_sim.start();
        QByteArray err;
        const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)"));
        QRegularExpressionMatch m;
        QElapsedTimer t;
        t.start();
        while (!(m = listening.match(QString::fromUtf8(err))).hasMatch() && t.elapsed() < 10'000) {
            m_sim.waitForReadyRead(200);
            err += m_sim.readAllStandardError();
        }
        m_base = m.captured(1);
        return !m_base.isEmpty();
    }

    static constexpr const char *kLimits =
        "latency_ms: 150\njitter_ms: 20\nwindow_ms: 30000\nkeys:\n  sim-shared: {provider: openai, rpm: 12, tpm: 1000000}\n"
        "faults: {http500: 0.0, overloaded: 0.0, reset: 0.0, hang: 0.0, malformed: 0.0, invalid_json: 0.0}\n";

    /// Every job done in one call each, no 429, and the run said where its limits live.
    static void checkClean(const Run &r, int jobs)
    {
        const QJsonObject j = r.json();
        QVERIFY2(!j.isEmpty(), r.err.constData());
        QByteArrayList why;   // the router's events around a 429, when there is one
        for (const QByteArray &line : r.err.split('\n'))
            if (line.contains("429") && !line.contains(" x429,"))
                why << line;
        QVERIFY2(j.value(u"http_429").toInt() == 0, why.join('\n').constData());
        QCOMPARE(j.value(u"done").toInt(), jobs);
        QCOMPARE(j.value(u"failed").toInt(), 0);
        QCOMPARE(j.value(u"calls").toInt(), jobs);
        QVERIFY2(r.err.contains("shared limits: rate windows in Redis at 127.0.0.1:"), r.err.constData());
    }

    void stopSimulator()
    {
        m_sim.terminate();
        if (!m_sim.waitForFinished(5'000))
            m_sim.kill();
        m_sim.waitForFinished(2'000);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString why = m_redis.start();
        if (!why.isEmpty())
            QFAIL(qPrintable(why));
    }

    void cleanup()
    {
        stopSimulator();
        if (!m_redis.isRunning())   // a test that failed while Redis was stopped
            QVERIFY(m_redis.start().isEmpty());
    }

    /// Two processes, one key of rpm 12, 10 calls each: alone each would send all 10 in the first
    /// window (20 > 12: eight 429s); sharing the window they send 12, then the rest a window later.
    void twoProcessesShareOneKey()
    {
        QVERIFY(startSimulator(kLimits));
        QVERIFY(project(QStringLiteral("steady"), 10, ", rpm: 12", {}));
        Run a, b;
        QElapsedTimer wall;
        wall.start();
        startRun(a, QStringLiteral("steady"), QStringLiteral("steady-a.db"));
        startRun(b, QStringLiteral("steady"), QStringLiteral("steady-b.db"));
        QVERIFY(finish(a, 200'000));
        QVERIFY(finish(b, 200'000));
        checkClean(a, 10);
        checkClean(b, 10);
        // 20 calls at 12 a window: the second window is needed, so sharing really held them back.
        QVERIFY2(wall.elapsed() > kWindowMs - 2'000, qPrintable(QString::number(wall.elapsed())));
    }

    /// Redis stopped for 10 s while two processes wait for the window, and back without its data:
    /// admission pauses (the event log says so), both reconnect with back-off and put back what
    /// they counted, so a third process started right after finds the window's 12 calls counted
    /// (without that it would send at once, inside the simulator's window: 429). Nothing is lost.
    void redisStoppedAndRestartedMidRun()
    {
        QVERIFY(startSimulator(kLimits));
        QVERIFY(project(QStringLiteral("outage"), 9, ", rpm: 12", {}));
        QVERIFY(project(QStringLiteral("late"), 3, ", rpm: 12", {}));
        Run a, b, c;
        QElapsedTimer wall;
        wall.start();
        startRun(a, QStringLiteral("outage"), QStringLiteral("outage-a.db"));
        startRun(b, QStringLiteral("outage"), QStringLiteral("outage-b.db"));
        // The first window's 12 calls are taken (of 18): whoever has calls left waits for the next.
        QVERIFY2(waitForEvent({&a, &b}, "shared limits: rate windows", 10'000), QByteArray(a.err + b.err).constData());
        QTest::qWait(2'000);
        QList<Run *> waiting;
        for (Run *r : {&a, &b})
            if (r->proc->state() != QProcess::NotRunning)
                waiting << r;
        QVERIFY2(!waiting.isEmpty(), "18 calls cannot fit a window of 12");
        m_redis.stop();
        QVERIFY2(waitForEvent(waiting, "admission paused, reconnecting", 5'000), QByteArray(a.err + b.err).constData());
        QTest::qWait(10'000);
        const QString why = m_redis.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        // Reconnection attempts back off to at most 5 s apart.
        QVERIFY2(waitForEvent(waiting, "admission resumes", 8'000), QByteArray(a.err + b.err).constData());
        QVERIFY2(wall.elapsed() < kWindowMs - 8'000, "the outage outlasted the test's window; the late run would prove nothing");
        startRun(c, QStringLiteral("late"), QStringLiteral("late-c.db"));
        QVERIFY(finish(a, 120'000));
        QVERIFY(finish(b, 120'000));
        QVERIFY(finish(c, 120'000));
        checkClean(a, 9);
        checkClean(b, 9);
        checkClean(c, 3);
        QVERIFY2(wall.elapsed() > kWindowMs - 2'000, qPrintable(QString::number(wall.elapsed())));
        // Each that waited says how long Redis was away: the full outage, admission paused all along.
        const QRegularExpression back(QStringLiteral("Redis at 127\\.0\\.0\\.1:\\d+ is back after ([0-9.]+) s; admission resumes"));
        for (const Run *r : std::as_const(waiting)) {
            QVERIFY2(r->err.contains("lost the connection to Redis at 127.0.0.1:"), r->err.constData());
            const QRegularExpressionMatch m = back.match(QString::fromUtf8(r->err));
            QVERIFY2(m.hasMatch(), r->err.constData());
            QVERIFY2(m.captured(1).toDouble() >= 9.5, qPrintable(m.captured(0)));
        }
    }

    /// Two processes under one cap: each alone would spend up to the cap; together they stop at it.
    void twoProcessesNeverPassTheSharedBudget()
    {
        QVERIFY(startSimulator("latency_ms: 50\njitter_ms: 10\nkeys:\n  sim-shared: {provider: openai, rpm: 10000, tpm: 10000000}\n"
                               "faults: {http500: 0.0, overloaded: 0.0, reset: 0.0, hang: 0.0, malformed: 0.0, invalid_json: 0.0}\n"));
        QVERIFY(project(QStringLiteral("budget"), 20, ", input_cost_per_token: 0.00001, output_cost_per_token: 0.00001",
                        "cost_controls: {max_budget: 0.03}\n"));
        Run a, b;
        startRun(a, QStringLiteral("budget"), QStringLiteral("budget-a.db"));
        startRun(b, QStringLiteral("budget"), QStringLiteral("budget-b.db"));
        QVERIFY(finish(a, 120'000));
        QVERIFY(finish(b, 120'000));
        const QJsonObject ja = a.json(), jb = b.json();
        QVERIFY2(!ja.isEmpty() && !jb.isEmpty(), QByteArray(a.err + b.err).constData());
        const double spent = ja.value(u"cost_usd").toDouble() + jb.value(u"cost_usd").toDouble();
        const int done = ja.value(u"done").toInt() + jb.value(u"done").toInt();
        // The cap binds (not all 40 jobs fit), and the two together stay under it.
        QVERIFY2(done < 40, qPrintable(QString::number(done)));
        QVERIFY2(done > 5, qPrintable(QString::number(done)));
        QVERIFY2(spent <= 0.03 + 1e-9, qPrintable(QString::number(spent, 'f', 6)));
        QVERIFY(ja.value(u"exit_code").toInt() == 3 || jb.value(u"exit_code").toInt() == 3);
    }
};

QTEST_GUILESS_MAIN(TstCliRedis)
#include "tst_cli_redis.moc"
