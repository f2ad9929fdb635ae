// The `discernus` command line's errors for paths and files that are not what they should be: each
// exits 2 with one line naming the path and the problem (a missing folder, a database written by
// a newer version, YAML nested too deeply), and nothing crashes.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString kBin = QStringLiteral(DISCERNUS_BIN);
const QString kSample = QStringLiteral(WB_SOURCE_DIR "/resources/sample");

struct Outcome {
    int code = -1;
    bool crashed = true;
    QString err;
    QByteArray describe() const
    {
        return "exit " + QByteArray::number(code) + (crashed ? " (crashed or timed out)" : "") + "\n--- stderr:\n"
             + err.toUtf8();
    }
};

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

class TestCliErrors final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString path(const QString &rel) const { return m_dir.path() + u'/' + rel; }

    Outcome cli(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_dir.path());
        env.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_dir.path());
        p.start(kBin, args);
        Outcome o;
        if (!p.waitForStarted(5'000))
            return o;
        p.closeWriteChannel();
        if (!p.waitForFinished(60'000)) {
            p.kill();
            p.waitForFinished(5'000);
            return o;
        }
        o.crashed = p.exitStatus() != QProcess::NormalExit;
        o.code = p.exitCode();
        o.err = QString::fromUtf8(p.readAllStandardError());
        return o;
    }

    QStringList runArgs(const QString &db) const
    {
        return {u"run"_s, u"--config"_s, path(u"litellm_config.yaml"_s), u"--experiment"_s,
                path(u"experiment.yaml"_s), u"--db"_s, db, u"--quiet"_s};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kBin).isExecutable(), qPrintable(kBin));
        QVERIFY(m_dir.isValid());
        QDirIterator it(kSample, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString src = it.next();
            const QString dst = path(QDir(kSample).relativeFilePath(src));
            QVERIFY(QDir().mkpath(QFileInfo(dst).absolutePath()));
            QVERIFY(QFile::copy(src, dst));
        }
    }

    void runWithMissingDbFolderNamesIt()
    {
        const QString folder = path(u"no-such/folder"_s);
        const Outcome o = cli(runArgs(folder + u"/results.db"_s));
        QVERIFY2(!o.crashed && o.code == 2, o.describe().constData());
        QVERIFY2(o.err.contains(u"the folder "_s + folder + u" does not exist"_s), o.describe().constData());
        QVERIFY2(!o.err.contains(u"writable"_s), o.describe().constData());
        QVERIFY(!QFileInfo::exists(path(u"no-such"_s)));
    }

    void exportToMissingFolderNamesIt()
    {
        const QString db = path(u"export-src.db"_s);
        QVERIFY(writeFile(db, QByteArray()));   // the output folder is checked before the database is read
        const QString folder = path(u"missing-out"_s);
        const Outcome o = cli({u"export"_s, u"--db"_s, db, u"-o"_s, folder + u"/out.csv"_s});
        QVERIFY2(!o.crashed && o.code == 2, o.describe().constData());
        QVERIFY2(o.err.contains(u"the folder "_s + folder + u" does not exist"_s), o.describe().constData());
    }

    void newerSchemaIsRefused()
    {
        const QString db = path(u"newer.db"_s);
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
            raw.setDatabaseName(db);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(u"PRAGMA journal_mode=WAL"_s));
            QVERIFY(q.exec(u"CREATE TABLE later_things (x)"_s));
            QVERIFY(q.exec(u"PRAGMA user_version = 999"_s));
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
        const QByteArray before = [&] {
            QFile f(db);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();

        const QString expected = u"written by a newer discernus (schema 999); upgrade"_s;
        const QList<QStringList> commands = {
            runArgs(db),
            {u"export"_s, u"--db"_s, db, u"-o"_s, path(u"newer.csv"_s)},
            {u"estimate"_s, u"--config"_s, path(u"litellm_config.yaml"_s), u"--experiment"_s,
             path(u"experiment.yaml"_s), u"--db"_s, db},
        };
        for (const QStringList &args : commands) {
            const Outcome o = cli(args);
            const QByteArray why = args.first().toUtf8() + ": " + o.describe();
            QVERIFY2(!o.crashed && o.code == 2, why.constData());
            QVERIFY2(o.err.contains(db + u": "_s + expected), why.constData());
        }
        QFile f(db);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);   // refused, not migrated or rewritten
        QVERIFY(!QFileInfo::exists(path(u"newer.csv"_s)));
    }

    void deepYamlNestingIsAClearError()
    {
        // yaml-cpp stops at a fixed depth; the error names the file and line and says what is wrong.
        const QString config = path(u"deep.yaml"_s);
        QVERIFY(writeFile(config, "model_list:\n  - model_name: a\n    litellm_params: " + QByteArray(5000, '[')
                                      + QByteArray(5000, ']') + "\n"));
        Outcome o = cli({u"models"_s, u"--config"_s, config});
        QVERIFY2(!o.crashed && o.code == 2, o.describe().constData());
        static const QRegularExpression where(uR"(deep\.yaml:3:\d+: malformed YAML: lists and mappings are nested too deeply)"_s);
        QVERIFY2(where.match(o.err).hasMatch(), o.describe().constData());

        // Block nesting, in the experiment this time.
        QByteArray nested = "experiment:\n";
        for (int i = 0; i < 3000; ++i)
            nested += QByteArray(2 * (i + 1), ' ') + "k" + QByteArray::number(i) + ":\n";
        const QString experiment = path(u"deep-experiment.yaml"_s);
        QVERIFY(writeFile(experiment, nested));
        o = cli({u"estimate"_s, u"--config"_s, path(u"litellm_config.yaml"_s), u"--experiment"_s, experiment});
        QVERIFY2(!o.crashed && o.code == 2, o.describe().constData());
        static const QRegularExpression whereBlock(uR"(deep-experiment\.yaml:\d+:\d+: malformed YAML: lists and mappings are nested too deeply)"_s);
        QVERIFY2(whereBlock.match(o.err).hasMatch(), o.describe().constData());
    }
};

QTEST_GUILESS_MAIN(TestCliErrors)
#include "tst_cli_errors.moc"
