// The workbench's Estimate page and `discernus estimate` assemble the estimate in one place
// (prepareEstimate): on the bundled sample they must give identical figures, with and without the
// database of an earlier run (calibration, output lengths, money already spent).
#include "sampletestutil.h"
#include "ui/estimateview.h"
#include "ui/project.h"

#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wb::ui;

class TestEstimateParity final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(wbtest::copySample(m_dir.path()));
        QVERIFY(m_project.open(m_dir.path()));
    }

    void withoutDatabase()
    {
        const QString db = m_dir.filePath(QStringLiteral("none.sqlite"));   // does not exist
        const QJsonObject gui = guiEstimate(db);
        const QJsonObject cli = cliEstimate({});
        QVERIFY(!gui.isEmpty() && !cli.isEmpty());
        compare(gui, cli);
        m_withoutDb = gui;
    }

    void withDatabase()
    {
        const QString db = m_dir.filePath(QStringLiteral("results.sqlite"));
        QByteArray out;
        QCOMPARE(discernus({QStringLiteral("run"), QStringLiteral("--config"), config(), QStringLiteral("--experiment"), experiment(),
                            QStringLiteral("--db"), db, QStringLiteral("--quiet")},
                           &out),
                 0);
        const QJsonObject gui = guiEstimate(db);
        const QJsonObject cli = cliEstimate(db);
        QVERIFY(!gui.isEmpty() && !cli.isEmpty());
        compare(gui, cli);
        // The database changed the figures (spend, calibration): both sides really used it.
        QVERIFY(!m_withoutDb.isEmpty());
        QVERIFY(gui != m_withoutDb);
    }

private:
    QString config() const { return m_project.modelListPath(); }
    QString experiment() const { return m_project.experimentPath(); }

    QJsonObject guiEstimate(const QString &db) const
    {
        const auto r = EstimateView::compute(m_project.state(), db, nullptr);
        if (!r) {
            qWarning().noquote() << "GUI estimate failed:" << r.error().toString();
            return {};
        }
        return r->toJson();
    }

    QJsonObject cliEstimate(const QString &db) const
    {
        QStringList args{QStringLiteral("estimate"), QStringLiteral("--config"), config(), QStringLiteral("--experiment"), experiment(),
                         QStringLiteral("--json")};
        if (!db.isEmpty())
            args << QStringLiteral("--db") << db;
        QByteArray out;
        if (discernus(args, &out) != 0)
            return {};
        return QJsonDocument::fromJson(out).object();
    }

    int discernus(const QStringList &args, QByteArray *out) const
    {
        QProcess p;
        p.setWorkingDirectory(m_dir.path());
        p.start(QStringLiteral(DISCERNUS_BIN), args);
        if (!p.waitForFinished(120000))
            return -1;
        *out = p.readAllStandardOutput();
        if (p.exitCode() != 0)
            qWarning().noquote() << "discernus" << args.join(u' ') << "failed:" << p.readAllStandardError();
        return p.exitCode();
    }

    static void compare(const QJsonObject &gui, const QJsonObject &cli)
    {
        for (auto it = cli.begin(); it != cli.end(); ++it)
            QVERIFY2(gui.value(it.key()) == it.value(),
                     qPrintable(QStringLiteral("'%1' differs:\nGUI %2\nCLI %3")
                                    .arg(it.key(), QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), gui.value(it.key())}}).toJson()),
                                         QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), it.value()}}).toJson()))));
        QCOMPARE(gui.keys(), cli.keys());
    }

    QTemporaryDir m_dir;
    Project m_project;
    QJsonObject m_withoutDb;
};

QTEST_MAIN(TestEstimateParity)
#include "tst_estimateparity.moc"
