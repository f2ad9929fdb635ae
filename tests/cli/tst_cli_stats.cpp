// `discernus stats`, the filtered export and `discernus bundle` / `verify-bundle`, as a user runs
// them: the real binary on a copy of the bundled sample run with two repetitions (loopback
// simulator only).
#include "core/analysis/krippendorff.h"
#include "tests/support/csvreader.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using wbtest::parseCsv;

namespace {

const QString kSample = QStringLiteral(WB_SOURCE_DIR "/resources/sample");

struct Outcome {
    int code = -1;
    QByteArray out;
    QByteArray err;
    QByteArray describe() const { return "exit " + QByteArray::number(code) + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err; }
};

Outcome run(const QStringList &args, const QString &dir = {}, const QString &program = QStringLiteral(DISCERNUS_BIN))
{
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.start(program, args);
    Outcome o;
    if (!p.waitForFinished(150000)) {
        p.kill();
        p.waitForFinished();
        o.err = "timed out";
        return o;
    }
    o.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    o.out = p.readAllStandardOutput();
    o.err = p.readAllStandardError();
    return o;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstCliStats final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(u"sample"_s);
        QDirIterator it(kSample, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString src = it.next();
            const QString dst = m_project + u'/' + QDir(kSample).relativeFilePath(src);
            QVERIFY(QDir().mkpath(QFileInfo(dst).absolutePath()) && QFile::copy(src, dst));
            QFile::setPermissions(dst, QFile::permissions(dst) | QFile::WriteOwner);
        }
        // Two repetitions, so there is a stability alpha per model.
        QByteArray exp = readFile(m_project + u"/experiment.yaml"_s);
        QVERIFY(exp.contains("repetitions: 1"));
        exp.replace("repetitions: 1", "repetitions: 2");
        QFile f(m_project + u"/experiment.yaml"_s);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(exp);
        f.close();
        m_db = m_dir.filePath(u"results.sqlite"_s);
        const Outcome o = run({u"run"_s, u"--config"_s, m_project + u"/litellm_config.yaml"_s, u"--experiment"_s,
                               m_project + u"/experiment.yaml"_s, u"--db"_s, m_db, u"--quiet"_s});
        QVERIFY2(o.code == 0, o.describe().constData());
    }

    void statsJson()
    {
        const Outcome o = run({u"stats"_s, u"--db"_s, m_db, u"--json"_s, u"--draws"_s, u"200"_s});
        QVERIFY2(o.code == 0, o.describe().constData());
        const QJsonObject j = QJsonDocument::fromJson(o.out).object();
        QCOMPARE(j[u"bootstrap_draws"_s].toInt(), 200);
        const QJsonArray dims = j[u"dimensions"_s].toArray();
        QCOMPARE(dims.size(), 6);   // the sample framework's six foundations
        for (const QJsonValue &dv : dims) {
            const QJsonObject d = dv.toObject();
            QCOMPARE(d[u"models"_s].toArray().size(), 4);
            QCOMPARE(d[u"texts"_s].toInt(), 12);
            QCOMPARE(d[u"correlations"_s].toArray().size(), 6);   // 4 models: 6 pairs
            QCOMPARE(d[u"stability"_s].toArray().size(), 4);
            const QJsonObject a = d[u"across_models"_s][u"interval"_s].toObject();
            QVERIFY(a[u"alpha"_s].isDouble());
            QVERIFY(a[u"ci_low"_s].toDouble() <= a[u"alpha"_s].toDouble() + 1e-9 || a[u"ci_low"_s].isNull());
            QCOMPARE(a[u"units"_s].toInt(), 12);
            QCOMPARE(a[u"values"_s].toInt(), 48);
        }
        // Same seed: same output; a different seed moves the intervals, not the alphas.
        QCOMPARE(run({u"stats"_s, u"--db"_s, m_db, u"--json"_s, u"--draws"_s, u"200"_s}).out, o.out);
        const Outcome other = run({u"stats"_s, u"--db"_s, m_db, u"--json"_s, u"--draws"_s, u"200"_s, u"--seed"_s, u"5"_s});
        QVERIFY(other.out != o.out);
        QCOMPARE(QJsonDocument::fromJson(other.out)[u"dimensions"_s][0][u"across_models"_s][u"interval"_s][u"alpha"_s].toDouble(),
                 dims[0][u"across_models"_s][u"interval"_s][u"alpha"_s].toDouble());
    }

    /// The run stored the statistics of everything it wrote; `stats` prints them without
    /// computing, and --recompute gives the same numbers.
    void theRunStoredItsStatistics()
    {
        const Outcome stored = run({u"stats"_s, u"--db"_s, m_db});
        QVERIFY2(stored.code == 0, stored.describe().constData());
        QVERIFY2(stored.out.contains("Stored with the results on "), stored.out.constData());
        const Outcome again = run({u"stats"_s, u"--db"_s, m_db, u"--recompute"_s});
        QVERIFY2(again.code == 0, again.describe().constData());
        QVERIFY(!again.out.contains("Stored with the results on "));
        QCOMPARE(again.out, stored.out.left(stored.out.indexOf("\nStored with the results on ")));
    }

    /// The alpha the command prints is the alpha of the scores the export holds (means over the
    /// two repetitions), computed here independently from the CSV.
    void statsAgreeWithTheExport()
    {
        const QString csv = m_dir.filePath(u"wide.csv"_s);
        Outcome o = run({u"export"_s, u"--db"_s, m_db, u"--status"_s, u"done"_s, u"-o"_s, csv});
        QVERIFY2(o.code == 0, o.describe().constData());
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(readFile(csv)));
        const QStringList &h = rows[0];
        const qsizetype model = h.indexOf(u"model"_s), text = h.indexOf(u"text_id"_s), care = h.indexOf(u"care"_s);
        QMap<QString, QMap<QString, std::pair<double, int>>> sums;   // text -> model -> (sum, n)
        QStringList models;
        for (qsizetype i = 1; i < rows.size(); ++i) {
            if (rows[i][care].isEmpty())
                continue;
            auto &s = sums[rows[i][text]][rows[i][model]];
            s.first += rows[i][care].toDouble();
            ++s.second;
            if (!models.contains(rows[i][model]))
                models << rows[i][model];
        }
        models.sort();
        wb::ReliabilityData data;
        for (const auto &byModel : std::as_const(sums)) {
            std::vector<double> unit;
            for (const QString &m : std::as_const(models))
                unit.push_back(byModel.contains(m) ? byModel[m].first / byModel[m].second : std::nan(""));
            data.push_back(unit);
        }
        const double expected = wb::krippendorffAlpha(data, wb::AlphaMetric::Interval).alpha;

        const QString statsCsv = m_dir.filePath(u"stats.csv"_s);
        o = run({u"stats"_s, u"--db"_s, m_db, u"--draws"_s, u"100"_s, u"-o"_s, statsCsv});
        QVERIFY2(o.code == 0, o.describe().constData());
        const QList<QStringList> stats = parseCsv(QString::fromUtf8(readFile(statsCsv)));
        QCOMPARE(stats[0].join(u','), u"framework,dimension,statistic,model_a,model_b,metric,value,ci_low,ci_high,units,values,bootstrap,draws,subsets"_s);
        bool found = false;
        for (const QStringList &r : stats) {
            if (r[1] == u"care"_s && r[2] == u"alpha_models"_s && r[5] == u"interval"_s) {
                QVERIFY2(std::abs(r[6].toDouble() - expected) < 1e-5, qPrintable(r.join(u',')));
                found = true;
            }
        }
        QVERIFY(found);
        QVERIFY(readFile(statsCsv + u".columns.txt"_s).startsWith("framework: "));

        // Plain text for people.
        o = run({u"stats"_s, u"--db"_s, m_db, u"--draws"_s, u"50"_s, u"--framework"_s, u"mft"_s});
        QVERIFY2(o.code == 0 && o.out.contains("across models") && o.out.contains("stability"), o.describe().constData());
    }

    void exportTakesTheFilters()
    {
        const QString csv = m_dir.filePath(u"gemini.csv"_s);
        Outcome o = run({u"export"_s, u"--db"_s, m_db, u"--model"_s, u"gemini-flash"_s, u"--long"_s, u"-o"_s, csv});
        QVERIFY2(o.code == 0, o.describe().constData());
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(readFile(csv)));
        QCOMPARE(rows.size(), 1 + 12 * 2 * 6);   // 12 texts x 2 repetitions x 6 dimensions
        const qsizetype model = rows[0].indexOf(u"model"_s);
        for (qsizetype i = 1; i < rows.size(); ++i)
            QCOMPARE(rows[i][model], u"gemini-flash"_s);
        QVERIFY(QFile::exists(csv + u".columns.txt"_s));
        o = run({u"export"_s, u"--db"_s, m_db, u"--model"_s, u"gemini"_s, u"-o"_s, csv});
        QCOMPARE(o.code, 2);
        QVERIFY2(o.err.contains("no model named \"gemini\""), o.describe().constData());
    }

    void bundleVerifiedAndTampered()
    {
        const QString bundle = m_dir.filePath(u"run.tar.gz"_s);
        Outcome o = run({u"bundle"_s, u"--db"_s, m_db, u"--config"_s, m_project + u"/litellm_config.yaml"_s, u"--experiment"_s,
                         m_project + u"/experiment.yaml"_s, u"-o"_s, bundle});
        QVERIFY2(o.code == 0, o.describe().constData());
        QVERIFY2(o.err.contains("warning: litellm_config.yaml:"), o.describe().constData());
        for (const char *key : {"sim-openai-1", "sim-anthropic-1"})
            QVERIFY(!o.err.contains(key));
        QCOMPARE(run({u"tzf"_s, bundle}, {}, u"tar"_s).code, 0);
        o = run({u"verify-bundle"_s, bundle});
        QVERIFY2(o.code == 0 && o.out.contains(": OK, "), o.describe().constData());

        // One byte of the database copy changed; packed again by the system's tar.
        const QString x = m_dir.filePath(u"x"_s);
        QVERIFY(QDir().mkpath(x));
        QCOMPARE(run({u"xzf"_s, bundle, u"-C"_s, x}, {}, u"tar"_s).code, 0);
        QFile db(x + u"/results.sqlite"_s);
        QVERIFY(db.open(QIODevice::ReadWrite));
        QVERIFY(db.seek(db.size() - 100));
        char c = 0;
        QVERIFY(db.getChar(&c));
        QVERIFY(db.seek(db.size() - 100));
        QVERIFY(db.putChar(char(c ^ 0x20)));
        db.close();
        const QString tampered = m_dir.filePath(u"tampered.tar.gz"_s);
        QCOMPARE(run(QStringList{u"-czf"_s, tampered} + QDir(x).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), x, u"tar"_s).code, 0);
        o = run({u"verify-bundle"_s, tampered});
        QCOMPARE(o.code, 1);
        QVERIFY2(o.err.contains("results.sqlite: SHA-256"), o.describe().constData());
    }

    void helpAndUsageErrors()
    {
        const QList<std::pair<QString, QStringList>> verbs = {
            {u"stats"_s, {u"--db"_s, u"--run"_s, u"--model"_s, u"--framework"_s, u"--search"_s, u"--draws"_s, u"--seed"_s, u"--json"_s, u"-o"_s}},
            {u"export"_s, {u"--run"_s, u"--model"_s, u"--framework"_s, u"--status"_s, u"--search"_s, u"--evidence"_s}},
            {u"bundle"_s, {u"--db"_s, u"--config"_s, u"--experiment"_s, u"--prices"_s, u"-o"_s}},
            {u"verify-bundle"_s, {u"--json"_s}},
        };
        for (const auto &[verb, options] : verbs) {
            const Outcome o = run({verb, u"--help"_s});
            QVERIFY2(o.code == 0, o.describe().constData());
            const QString usage = QString::fromUtf8(o.out).section(u'\n', 0, 0);
            for (const QString &opt : options)
                QVERIFY2(usage.contains(opt), qPrintable(verb + u": "_s + opt + u" not in "_s + usage));
        }
        Outcome o = run({u"stats"_s, u"--db"_s, m_db, u"--json"_s, u"-o"_s, m_dir.filePath(u"s.csv"_s)});
        QCOMPARE(o.code, 2);
        o = run({u"stats"_s, u"--db"_s, m_db, u"--draws"_s, u"many"_s});
        QCOMPARE(o.code, 2);
        QVERIFY(o.err.contains("--draws"));
        o = run({u"export"_s, u"--db"_s, m_db, u"--long"_s, u"--evidence"_s, u"-o"_s, m_dir.filePath(u"e.csv"_s)});
        QCOMPARE(o.code, 2);
        o = run({u"verify-bundle"_s, m_dir.filePath(u"no-such.tar.gz"_s)});
        QCOMPARE(o.code, 1);
        QVERIFY2(o.err.contains("no-such.tar.gz"), o.describe().constData());
        o = run({u"bundle"_s, u"--db"_s, m_db, u"--config"_s, m_project + u"/litellm_config.yaml"_s, u"--experiment"_s,
                 m_project + u"/missing.yaml"_s, u"-o"_s, m_dir.filePath(u"b.tar.gz"_s)});
        QCOMPARE(o.code, 2);
        QVERIFY(o.err.contains("missing.yaml"));
        QVERIFY(!QFile::exists(m_dir.filePath(u"b.tar.gz"_s)));
    }

private:
    QTemporaryDir m_dir;
    QString m_project;
    QString m_db;
};

QTEST_GUILESS_MAIN(TstCliStats)
#include "tst_cli_stats.moc"
