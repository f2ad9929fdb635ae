// The reproducibility bundle end to end on a copy of the bundled sample: made, listed by the
// system's tar, verified, tampered with (one byte of one file) and rejected naming that file,
// keys kept as references only, and unpacked for reading.
#include "core/bundle/bundle.h"
#include "core/bundle/targz.h"
#include "core/storage/resultstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

const QString kSample = QStringLiteral(WB_SOURCE_DIR "/resources/sample");

bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(f);
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::copy(f, target))
            return false;
    }
    return true;
}

/// Runs a system tool; returns stdout, or fails the test with stderr.
QByteArray tool(const QString &program, const QStringList &args, const QString &dir = {}, int *exitCode = nullptr)
{
    QProcess p;
    if (!dir.isEmpty())
        p.setWorkingDirectory(dir);
    p.start(program, args);
    p.waitForFinished(60000);
    if (exitCode)
        *exitCode = p.exitCode();
    return p.readAllStandardOutput() + p.readAllStandardError();
}

} // namespace

class TstBundle final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("project"));
        QVERIFY(copyTree(kSample, m_project));
        m_db = m_dir.filePath(QStringLiteral("results.sqlite"));
        ResultStore store;
        QVERIFY(store.open(m_db));
        QVERIFY(store.upsertExperiment(QStringLiteral("mft-sample"), {}, {}));
        QVERIFY(store.upsertRun(RunRow{QStringLiteral("haiku-mft"), QStringLiteral("mft-sample"), QStringLiteral("claude-haiku"),
                                       QStringLiteral("mft"), QStringLiteral("speeches"), {QStringLiteral("care")}}));
        JobRow j;
        j.key = QStringLiteral("haiku-mft|speeches/clean-water|1");
        j.runId = QStringLiteral("haiku-mft");
        j.corpus = QStringLiteral("speeches");
        j.textId = QStringLiteral("clean-water");
        auto rows = store.ensureJobs({j});
        QVERIFY(rows);
        CallRecord call;
        call.deploymentId = QStringLiteral("claude-haiku/1");
        call.provider = QStringLiteral("anthropic");
        call.group = QStringLiteral("claude-haiku");
        call.modelVersion = QStringLiteral("claude-3-5-haiku-20241022");
        call.httpStatus = 200;
        call.requestId = QStringLiteral("req_011CTestRequestId");
        call.startedAt = QDateTime::currentDateTimeUtc();
        store.recordCall(call, rows->first().id);
        JobResult r;
        r.jobId = rows->first().id;
        r.scores = {ScoreRow{QStringLiteral("care"), 0.5, QStringLiteral("x")}};
        store.recordResult(r);
        QVERIFY(store.flush());
    }

    void madeListedAndVerified()
    {
        const QString out = m_dir.filePath(QStringLiteral("run.tar.gz"));
        BundleOptions o{m_db, m_project + QStringLiteral("/litellm_config.yaml"), m_project + QStringLiteral("/experiment.yaml"), {},
                        out, QStringLiteral("9.9.9")};
        auto made = makeBundle(o);
        QVERIFY2(made, made ? "" : qPrintable(made.error().toString()));
        // The sample's dummy keys are literal: each is replaced, with a warning naming the line.
        QVERIFY(!made->warnings.isEmpty());
        QVERIFY(made->warnings.first().contains(QLatin1String("litellm_config.yaml:")));

        int rc = -1;
        const QByteArray listing = tool(QStringLiteral("tar"), {QStringLiteral("tzf"), out}, {}, &rc);
        QCOMPARE(rc, 0);
        QStringList names = QString::fromUtf8(listing).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (const char *expected : {"manifest.json", "litellm_config.yaml", "experiment.yaml", "frameworks/mft.yaml",
                                     "corpus/speeches/clean-water.txt", "prompts/haiku-mft.json", "prices.json", "calls.csv",
                                     "results.sqlite"})
            QVERIFY2(names.contains(QLatin1String(expected)), expected);
        QCOMPARE(names.size(), made->files);

        auto v = verifyBundle(out);
        QVERIFY2(v, v ? "" : qPrintable(v.error().toString()));
        QCOMPARE(v->files, made->files - 1);
        QCOMPARE(v->manifest.value(QStringLiteral("software")).toObject().value(QStringLiteral("version")).toString(),
                 QStringLiteral("9.9.9"));
        QVERIFY(!v->manifest.value(QStringLiteral("price_table_as_of")).toString().isEmpty());
        QVERIFY(v->manifest.value(QStringLiteral("prompt_template_sha256")).toObject().contains(QStringLiteral("mft")));
        // A SHA-256 per text, equal to the hash of the file's bytes.
        const QJsonArray texts = v->manifest.value(QStringLiteral("texts")).toArray();
        QVERIFY(texts.size() >= 3);
        QFile water(m_project + QStringLiteral("/corpus/clean-water.txt"));
        QVERIFY(water.open(QIODevice::ReadOnly));
        const QString waterSha = QString::fromLatin1(QCryptographicHash::hash(water.readAll(), QCryptographicHash::Sha256).toHex());
        bool found = false;
        for (const QJsonValue &t : texts)
            found = found || (t[QStringLiteral("id")].toString() == QLatin1String("clean-water") && t[QStringLiteral("sha256")].toString() == waterSha);
        QVERIFY(found);

        // Unpacked by the system's tar: no key value anywhere, references kept, calls recorded, the
        // database copy readable and complete.
        const QString x = m_dir.filePath(QStringLiteral("x"));
        QVERIFY(QDir().mkpath(x));
        tool(QStringLiteral("tar"), {QStringLiteral("xzf"), out, QStringLiteral("-C"), x}, {}, &rc);
        QCOMPARE(rc, 0);
        QFile cfg(x + QStringLiteral("/litellm_config.yaml"));
        QVERIFY(cfg.open(QIODevice::ReadOnly));
        const QByteArray config = cfg.readAll();
        QVERIFY(!config.contains("sim-openai-1"));
        QVERIFY(config.contains("REDACTED-literal-key"));
        QVERIFY(config.contains("model_name: claude-haiku"));
        QFile calls(x + QStringLiteral("/calls.csv"));
        QVERIFY(calls.open(QIODevice::ReadOnly));
        const QByteArray callsCsv = calls.readAll();
        QVERIFY(callsCsv.contains("claude-3-5-haiku-20241022,req_011CTestRequestId,200"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("copy"));
            db.setDatabaseName(x + QStringLiteral("/results.sqlite"));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM scores")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("copy"));

        // The bundle's experiment points at the bundle's own frameworks and corpus.
        QFile exp(x + QStringLiteral("/experiment.yaml"));
        QVERIFY(exp.open(QIODevice::ReadOnly));
        const QByteArray expYaml = exp.readAll();
        QVERIFY2(expYaml.contains("frameworks/mft.yaml") && expYaml.contains("corpus/speeches"), expYaml.constData());
    }

    void oneTamperedByteIsNamed()
    {
        const QString out = m_dir.filePath(QStringLiteral("run.tar.gz"));
        const QString x = m_dir.filePath(QStringLiteral("tamper"));
        QVERIFY(QDir().mkpath(x));
        int rc = -1;
        tool(QStringLiteral("tar"), {QStringLiteral("xzf"), out, QStringLiteral("-C"), x}, {}, &rc);
        QCOMPARE(rc, 0);
        // One byte of one text.
        QFile f(x + QStringLiteral("/corpus/speeches/free-speech.txt"));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        bytes[10] = char(bytes[10] ^ 0x01);
        QVERIFY(f.seek(0));
        QCOMPARE(f.write(bytes), bytes.size());
        f.close();
        // Packed again by GNU tar, so the reader is also tested on an archive it did not write.
        const QString tampered = m_dir.filePath(QStringLiteral("tampered.tar.gz"));
        const QStringList members = QDir(x).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
        tool(QStringLiteral("tar"), QStringList{QStringLiteral("--format=ustar"), QStringLiteral("-czf"), tampered} + members, x, &rc);
        QCOMPARE(rc, 0);
        auto v = verifyBundle(tampered);
        QVERIFY(!v);
        QVERIFY2(v.error().message.startsWith(QLatin1String("corpus/speeches/free-speech.txt: SHA-256")),
                 qPrintable(v.error().message));

        // A file added after the fact is named too.
        QFile extra(x + QStringLiteral("/extra.txt"));
        QVERIFY(extra.open(QIODevice::WriteOnly));
        extra.write("x");
        extra.close();
        QVERIFY(QFile::remove(tampered));
        QVERIFY(QFile::remove(f.fileName()));   // the original text back
        QVERIFY(QFile::copy(m_project + QStringLiteral("/corpus/free-speech.txt"), f.fileName()));
        tool(QStringLiteral("tar"), QStringList{QStringLiteral("--format=ustar"), QStringLiteral("-czf"), tampered}
                                        + QDir(x).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
             x, &rc);
        QCOMPARE(rc, 0);
        v = verifyBundle(tampered);
        QVERIFY(!v);
        QVERIFY2(v.error().message.startsWith(QLatin1String("extra.txt: in the bundle but not in the manifest")),
                 qPrintable(v.error().message));
    }

    void extractedForReading()
    {
        const QString dir = m_dir.filePath(QStringLiteral("open"));
        auto db = extractBundle(m_dir.filePath(QStringLiteral("run.tar.gz")), dir);
        QVERIFY2(db, db ? "" : qPrintable(db.error().toString()));
        QVERIFY(QFileInfo(*db).isFile());
        // Not into a folder that holds something.
        QVERIFY(!extractBundle(m_dir.filePath(QStringLiteral("run.tar.gz")), dir));
    }

    void truncatedArchiveIsAnError()
    {
        const QString out = m_dir.filePath(QStringLiteral("run.tar.gz"));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray all = f.readAll();
        const QString cut = m_dir.filePath(QStringLiteral("cut.tar.gz"));
        QFile c(cut);
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(all.left(all.size() / 2));
        c.close();
        QVERIFY(!verifyBundle(cut));
    }

private:
    QTemporaryDir m_dir;
    QString m_project;
    QString m_db;
};

QTEST_GUILESS_MAIN(TstBundle)
#include "tst_bundle.moc"
