// The free-space pre-flight of `discernus run` on a really small filesystem: a 600 KiB tmpfs
// holding the database. The run must refuse to start (exit 2) with a message naming the path and
// the free space, before a single call is bought (counted by a separate `discernus simulate`).
// Then the whole disk-full story from the command line (tests/tools/diskfull.sh). Both need root
// and a private mount namespace; elsewhere they are skipped with the reason.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

const QString kBin = QStringLiteral(DISCERNUS_BIN);

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace

class TestCliDiskSpace final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    bool m_privateMounts = false;
    QString m_whyNot;
    QProcess m_sim;
    QString m_base;
    QStringList m_mounts;

    QString path(const QString &rel) const { return m_dir.path() + u'/' + rel; }

    /// The simulator's request count (its /sim/stats), through curl to stay out of this thread's
    /// event loop; -1 when it cannot be read.
    int simRequests()
    {
        QProcess curl;
        curl.start(u"curl"_s, {u"-s"_s, u"--max-time"_s, u"5"_s, m_base + u"/sim/stats"_s});
        if (!curl.waitForFinished(10'000) || curl.exitCode() != 0)
            return -1;
        const QJsonObject o = QJsonDocument::fromJson(curl.readAllStandardOutput()).object();
        return o.contains(u"requests"_s) ? o.value(u"requests"_s).toInt() : -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kBin).isExecutable(), qPrintable(kBin));
        QVERIFY(m_dir.isValid());
        // A tmpfs mount without touching the machine needs root and a mount namespace of this
        // process's own (made while the process has a single thread; the children inherit it).
        if (geteuid() != 0)
            m_whyNot = u"needs root to mount a small tmpfs"_s;
        else if (QStandardPaths::findExecutable(u"curl"_s).isEmpty())
            m_whyNot = u"needs curl to read the simulator's request count"_s;
        else if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            m_whyNot = u"no private mount namespace here: "_s + QString::fromLocal8Bit(strerror(errno));
        else
            m_privateMounts = true;
        if (!m_privateMounts)
            return;

        m_sim.setProcessChannelMode(QProcess::SeparateChannels);
        m_sim.start(kBin, {u"simulate"_s, u"--port"_s, u"0"_s});
        QVERIFY(m_sim.waitForStarted(5'000));
        const QRegularExpression listening(u"listening on (http://\\S+)"_s);
        QByteArray err;
        QRegularExpressionMatch m;
        QElapsedTimer t;
        t.start();
        while (!(m = listening.match(QString::fromUtf8(err))).hasMatch() && t.elapsed() < 10'000
               && m_sim.state() == QProcess::Running) {
            m_sim.waitForReadyRead(200);
            err += m_sim.readAllStandardError();
        }
        QVERIFY2(m.hasMatch(), err.constData());
        m_base = m.captured(1);

        QVERIFY(QDir().mkpath(path(u"corpus"_s)));
        for (int i = 1; i <= 40; ++i)
            QVERIFY(writeFile(path(u"corpus/t%1.txt"_s.arg(i, 3, 10, QChar(u'0'))),
                              "Text " + QByteArray::number(i) + " speaks of care and liberty.\n"));
        QVERIFY(writeFile(path(u"litellm_config.yaml"_s),
                          "model_list:\n  - model_name: oa\n    litellm_params: {model: openai/gpt-4o-mini, api_key: k-oa, "
                          "api_base: " + m_base.toUtf8() + "/v1}\n"));
        QVERIFY(writeFile(path(u"mft.yaml"_s), "framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n"
                                               "  dimensions:\n    - {id: care, name: Care, description: c, min: 0, max: 1}\n"));
        QVERIFY(writeFile(path(u"experiment.yaml"_s),
                          "experiment: {name: space, description: pre-flight}\ncorpus:\n  - {id: c, path: corpus/}\n"
                          "frameworks:\n  - {id: mft, path: mft.yaml}\nexecution:\n  max_tokens: 200\n  matrix:\n"
                          "    - {run_id: r1, model: oa, framework: mft, corpus_subset: c}\n"));
    }

    void cleanupTestCase()
    {
        for (const QString &m : std::as_const(m_mounts))
            umount2(m.toLocal8Bit().constData(), MNT_DETACH);
        if (m_sim.state() != QProcess::NotRunning) {
            m_sim.terminate();
            if (!m_sim.waitForFinished(5'000))
                m_sim.kill();
        }
    }

    void preflightRefusesASmallDisk()
    {
        if (!m_privateMounts)
            QSKIP(qPrintable(m_whyNot));
        const QString small = path(u"small"_s);
        QVERIFY(QDir().mkpath(small));
        QVERIFY2(mount("tmpfs", small.toLocal8Bit().constData(), "tmpfs", 0, "size=600k") == 0, strerror(errno));
        m_mounts.append(small);
        const QString db = small + u"/results.db"_s;

        const int before = simRequests();
        QVERIFY(before >= 0);
        QProcess run;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_dir.path());
        run.setProcessEnvironment(env);
        run.start(kBin, {u"run"_s, u"--config"_s, path(u"litellm_config.yaml"_s), u"--experiment"_s,
                         path(u"experiment.yaml"_s), u"--db"_s, db, u"--quiet"_s});
        QVERIFY(run.waitForFinished(60'000));
        const QString err = QString::fromUtf8(run.readAllStandardError());
        const QByteArray why = "exit " + QByteArray::number(run.exitCode()) + "\n" + err.toUtf8();
        QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 2, why.constData());
        QVERIFY2(err.contains(db), why.constData());
        QVERIFY2(err.contains(u"not enough free space"_s), why.constData());
        // "… KiB free on <mount point>": the free space and where it is.
        QVERIFY2(QRegularExpression(u"\\d+(\\.\\d+)? [KM]i?B free on "_s + QRegularExpression::escape(small)).match(err).hasMatch(),
                 why.constData());
        QCOMPARE(simRequests(), before);   // nothing bought
    }

    /// The command-line story end to end: the disk fills mid-run, exit 4, every paid reply kept,
    /// and the resume in a roomy folder buys nothing twice (counted by the simulator).
    void diskFullMidRunScript()
    {
        if (!m_privateMounts)
            QSKIP(qPrintable(m_whyNot));
        QProcess sh;
        sh.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"DISCERNUS_BIN"_s, kBin);
        sh.setProcessEnvironment(env);
        sh.start(u"bash"_s, {QStringLiteral(WB_SOURCE_DIR "/tests/tools/diskfull.sh"), QString(), u"200"_s});
        QVERIFY(sh.waitForFinished(150'000));
        const QByteArray out = sh.readAll();
        qInfo().noquote() << out;
        if (sh.exitCode() == 77)
            QSKIP(qPrintable(u"diskfull.sh cannot run here: "_s + QString::fromUtf8(out).trimmed()));
        QVERIFY2(sh.exitStatus() == QProcess::NormalExit && sh.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("diskfull: all checks passed"), out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliDiskSpace)
#include "tst_cli_diskspace.moc"
