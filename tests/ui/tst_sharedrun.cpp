// Run ▸ Watch Shared Run on a real PostgreSQL run store filled through the engine's own APIs:
// progress, spend and workers show and follow the store, the password never reaches a widget, an
// unreachable server is named, and a local worker gets the URL without its password and SIGINT.
#include "core/redis/redissharedlimits.h"
#include "core/storage/jobleases.h"
#include "core/storage/resultstore.h"
#include "guitestutil.h"
#include "tests/support/redisserver.h"
#include "tests/support/testpostgres.h"
#include "ui/project.h"
#include "ui/sharedrunpanel.h"

#include <QAbstractButton>
#include <QFile>
#include <QLocale>
#include <QLabel>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace wb;
using namespace wb::ui;

namespace {

const QString kPassword = QStringLiteral("Hush-9c1e7b");

JobRow job(const QString &text)
{
    JobRow j;
    j.runId = QStringLiteral("r");
    j.corpus = QStringLiteral("c");
    j.textId = text;
    j.repetition = 1;
    j.key = QStringLiteral("r|c/") + text + QStringLiteral("|1");
    return j;
}

/// Every text a user can see in `w` and its children: labels, buttons, table cells and headers,
/// tooltips, window titles.
QStringList visibleTexts(QWidget *w)
{
    QStringList out{w->windowTitle(), w->toolTip()};
    for (QWidget *c : w->findChildren<QWidget *>()) {
        out << c->toolTip() << c->windowTitle();
        if (auto *l = qobject_cast<QLabel *>(c))
            out << l->text();
        if (auto *b = qobject_cast<QAbstractButton *>(c))
            out << b->text();
        if (auto *t = qobject_cast<QTableWidget *>(c)) {
            for (int r = 0; r < t->rowCount(); ++r)
                for (int col = 0; col < t->columnCount(); ++col)
                    if (t->item(r, col))
                        out << t->item(r, col)->text();
        }
    }
    return out;
}

/// `url` with a password: the test cluster trusts loopback, so it connects whatever the password.
QString withPassword(const QString &url)
{
    QUrl u(url);
    u.setPassword(kPassword);
    return u.toString();
}

} // namespace

class TestSharedRun : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { wbtest::useTestSettings("tst_sharedrun"); }

    void showsAndFollowsTheStore()
    {
        QString error;
        const QString url = test::freshPostgresDatabase(QStringLiteral("t_shareui"), &error);
        QVERIFY2(!url.isEmpty(), qPrintable(error));
        ResultStore a;
        QVERIFY(a.open(url));
        QList<JobRow> planned;
        for (int i = 0; i < 5; ++i)
            planned.append(job(QStringLiteral("t%1").arg(i)));
        auto rows = a.ensureJobs(planned);
        QVERIFY(rows);
        JobLeases la(a, QStringLiteral("worker-a"), 30000);
        QVERIFY(la.registerWorker(QStringLiteral("exp")));
        auto claimed = la.claim({QStringLiteral("r")}, 2);
        QVERIFY(claimed);
        QCOMPARE(claimed->size(), 2);
        QVERIFY(la.heartbeat(0));

        SharedRunPanel panel(nullptr);
        panel.setRefreshInterval(150);
        QSignalSpy refreshed(&panel, &SharedRunPanel::refreshed);
        QVERIFY(panel.watch(withPassword(url)));
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 20000);
        QVERIFY2(panel.lastError().isEmpty(), qPrintable(panel.lastError()));

        auto *table = panel.findChild<QTableWidget *>(QStringLiteral("sharedWorkers"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("worker-a"));
        QCOMPARE(table->item(0, 2)->text(), QString::number(QCoreApplication::applicationPid()));
        QCOMPARE(table->item(0, 5)->text(), QStringLiteral("2"));   // in flight
        QVERIFY(table->item(0, 6)->text().contains(QStringLiteral(" s ago")));
        const QString counts = panel.findChild<QLabel *>(QStringLiteral("sharedCounts"))->text();
        QVERIFY2(counts.contains(QStringLiteral("5 jobs: 0 done, 0 failed, 3 pending, 2 in flight")), qPrintable(counts));

        // A second worker joins and the first stores a result: the next refreshes show both.
        ResultStore b;
        QVERIFY(b.open(url));
        JobLeases lb(b, QStringLiteral("worker-b"), 30000);
        QVERIFY(lb.registerWorker(QStringLiteral("exp")));
        JobResult r;
        r.jobId = claimed->first();
        r.deploymentId = QStringLiteral("d");
        r.provider = QStringLiteral("openai");
        r.attempts = 1;
        r.rawResponse = QStringLiteral("{}");
        a.recordResult(r);
        QVERIFY(a.flush());
        QVERIFY(la.heartbeat(1));
        QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 2, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(panel.status().counts.done, qint64(1), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(panel.findChild<QLabel *>(QStringLiteral("sharedCounts"))->text().contains(QStringLiteral("1 done")),
                                 20000);

        // The password is used, never shown.
        QVERIFY(!panel.displayedDatabase().contains(kPassword));
        QVERIFY(panel.displayedDatabase().contains(QUrl(url).host()));
        for (const QString &t : visibleTexts(&panel))
            QVERIFY2(!t.contains(kPassword), qPrintable(t));
        panel.stopWatching();
    }

    void unreachableServerIsNamed()
    {
        SharedRunPanel panel(nullptr);
        QVERIFY(!panel.watch(QStringLiteral("/tmp/results.sqlite")));
        QSignalSpy refreshed(&panel, &SharedRunPanel::refreshed);
        const QString url = QStringLiteral("postgresql://someone:%1@127.0.0.1:1/nowhere").arg(kPassword);
        QVERIFY(panel.watch(url));
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 30000);
        QVERIFY(!panel.lastError().isEmpty());
        QVERIFY2(panel.lastError().contains(QStringLiteral("127.0.0.1:1/nowhere")), qPrintable(panel.lastError()));
        const QString state = panel.findChild<QLabel *>(QStringLiteral("sharedState"))->text();
        QVERIFY2(state.contains(QStringLiteral("127.0.0.1:1/nowhere")), qPrintable(state));
        for (const QString &t : visibleTexts(&panel))
            QVERIFY2(!t.contains(kPassword), qPrintable(t));
    }

    void menuOpensTheWindow()
    {
        MainWindow w;
        QVERIFY(w.findChild<QAction *>(QStringLiteral("watchSharedRunAction")));
        QString error;
        const QString url = test::freshPostgresDatabase(QStringLiteral("t_shareui_menu"), &error);
        QVERIFY2(!url.isEmpty(), qPrintable(error));
        SharedRunPanel *panel = w.watchSharedRun(url);
        QVERIFY(panel);
        QVERIFY(panel->isVisible());
        QVERIFY(panel->isWatching());
        panel->close();
        QVERIFY(!panel->isWatching());
    }

    /// A model list naming a Redis: the window shows what its shared windows count per pool, as
    /// the engine's own admission left it, says when Redis is gone and recovers when it is back.
    void gaugesFromTheSharedWindows()
    {
        test::RedisServer redis;
        const QString why = redis.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(wbtest::copySample(dir.path()));
        {
            QFile f(dir.filePath(QStringLiteral("litellm_config.yaml")));
            QVERIFY(f.open(QIODevice::ReadOnly));
            QByteArray yaml = f.readAll();
            f.close();
            yaml.replace(QByteArray("router_settings:\n"), QByteArray("router_settings:\n  redis_host: 127.0.0.1\n  redis_port: " + QByteArray::number(redis.port()) + "\n"));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(yaml);
        }
        Project project;
        QVERIFY(project.open(dir.path()));
        const auto endpoint = project.state().models.router.redis();
        QVERIFY(endpoint);

        // Three calls admitted through the shared windows by the engine's own client.
        RedisSharedLimits shared(*endpoint);
        std::optional<Result<void>> started;
        shared.start([&](Result<void> r) { started = r; });
        QTRY_VERIFY_WITH_TIMEOUT(started.has_value(), 10000);
        QVERIFY(*started);
        int admitted = 0;
        for (int i = 0; i < 3; ++i) {
            SharedCharge c;
            c.pool = "gaugepool";
            c.label = QStringLiteral("gpt-4o-mini/1, gpt-4o-mini/2");
            c.windowMs = 60000;
            c.leaseMs = 60000;
            c.tokens = 500;
            c.limits[0] = 30;
            c.limits[1] = 60000;
            shared.admit(c, this, [&](const SharedVerdict &v) { admitted += v.kind == SharedVerdict::Kind::Admitted; });
        }
        QTRY_COMPARE_WITH_TIMEOUT(admitted, 3, 10000);

        QString error;
        const QString url = test::freshPostgresDatabase(QStringLiteral("t_shareui_gauges"), &error);
        QVERIFY2(!url.isEmpty(), qPrintable(error));
        SharedRunPanel panel(&project);
        panel.setRefreshInterval(150);
        QVERIFY(panel.watch(url));
        panel.show();
        auto *table = panel.findChild<QTableWidget *>(QStringLiteral("sharedGauges"));
        QVERIFY(table);
        QVERIFY(table->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 1, 10000);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("gpt-4o-mini/1, gpt-4o-mini/2"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("3 / 30 (10 %)"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("%1 / %2 (3 %)").arg(QLocale().toString(1500), QLocale().toString(60000)));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("—"));
        QVERIFY(panel.gauges().connected);
        QCOMPARE(panel.gauges().gauges.size(), 1);
        QCOMPARE(panel.gauges().gauges.first().used[0], qint64(3));

        // Redis goes away: the window names it; back (empty, without persistence), it reads again.
        redis.stop();
        auto *state = panel.findChild<QLabel *>(QStringLiteral("sharedRedisState"));
        QTRY_VERIFY_WITH_TIMEOUT(!panel.gauges().connected, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(QStringLiteral("Redis at 127.0.0.1:%1").arg(redis.port())), 10000);
        QVERIFY2(state->text().contains(QStringLiteral("reconnecting")), qPrintable(state->text()));
        QVERIFY(redis.start().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(panel.gauges().connected, 15000);
        panel.stopWatching();
    }

    void noRedisNoGauges()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(wbtest::copySample(dir.path()));
        Project project;
        QVERIFY(project.open(dir.path()));
        SharedRunPanel panel(&project);
        QVERIFY(panel.watch(QStringLiteral("postgresql://someone@127.0.0.1:1/nowhere")));
        panel.show();
        QVERIFY(!panel.findChild<QTableWidget *>(QStringLiteral("sharedGauges"))->isVisible());
    }

    void localWorkerGetsPasswordInItsEnvironmentAndSigint()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(wbtest::copySample(dir.path()));
        Project project;
        QVERIFY(project.open(dir.path()));
        // A stand-in for discernus that records how it was started and what stops it: the worker
        // itself is tested with the CLI (tests/cli); here the panel's process handling is.
        const QString script = dir.filePath(QStringLiteral("fake-discernus.sh"));
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\n"
                "printf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args.txt\"\n"
                "printf '%s' \"$PGPASSWORD\" > \"$(dirname \"$0\")/pgpassword.txt\"\n"
                "trap 'echo stopped by SIGINT >&2; exit 3' INT\n"
                "while :; do sleep 0.05; done\n");
        f.close();
        QVERIFY(f.setPermissions(f.permissions() | QFile::ExeOwner));

        SharedRunPanel panel(&project);
        panel.setWorkerProgram(script);
        QVERIFY(!panel.startLocalWorker());   // nothing watched yet
        QVERIFY(panel.watch(QStringLiteral("postgresql://someone:%1@127.0.0.1:1/nowhere").arg(kPassword)));
        QVERIFY(panel.startLocalWorker());
        QTRY_COMPARE_WITH_TIMEOUT(panel.localWorkerState(), QProcess::Running, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dir.filePath(QStringLiteral("pgpassword.txt"))), 10000);
        QTest::qWait(200);   // the script has written both files
        QFile args(dir.filePath(QStringLiteral("args.txt")));
        QVERIFY(args.open(QIODevice::ReadOnly));
        const QStringList argv = QString::fromUtf8(args.readAll()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(argv.value(0), QStringLiteral("worker"));
        QCOMPARE(argv.value(argv.indexOf(QStringLiteral("--db")) + 1), QStringLiteral("postgresql://someone@127.0.0.1:1/nowhere"));
        QCOMPARE(argv.value(argv.indexOf(QStringLiteral("--config")) + 1), project.modelListPath());
        QCOMPARE(argv.value(argv.indexOf(QStringLiteral("--experiment")) + 1), project.experimentPath());
        QFile pw(dir.filePath(QStringLiteral("pgpassword.txt")));
        QVERIFY(pw.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(pw.readAll()), kPassword);

        panel.stopLocalWorker();
        QTRY_COMPARE_WITH_TIMEOUT(panel.localWorkerState(), QProcess::NotRunning, 10000);
        const QString state = panel.findChild<QLabel *>(QStringLiteral("localWorkerState"))->text();
        QVERIFY2(state.contains(QStringLiteral("exit code 3")) && state.contains(QStringLiteral("stopped by SIGINT")), qPrintable(state));
    }
};

QTEST_MAIN(TestSharedRun)
#include "tst_sharedrun.moc"
