// Project handling: open, edit with undo/redo, save (keeping what we do not model), save as.
#include "sampletestutil.h"
#include "ui/project.h"
#include "ui/uisettings.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QStandardPaths>
#include <QUndoStack>

using namespace wb;
using namespace wb::ui;

class TestProject : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void opensSampleFolder();
    void editUndoRedoAndModified();
    void mergeKeyCollapsesTyping();
    void saveRoundTripKeepsUnknownKeys();
    void saveAsWritesBothFiles();
    void saveKeepsCommentedOriginalOnce();
    void openErrorsNameTheFile();
    void simulatorDetection();
    void recentProjectsInSettings();
    void sampleLocator();
};

void TestProject::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("DiscernusTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_project"));
    QStandardPaths::setTestModeEnabled(true);
}

void TestProject::opensSampleFolder()
{
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    Project p;
    QSignalSpy opened(&p, &Project::opened);
    auto r = p.open(dir.path());
    QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(opened.size(), 1);
    QVERIFY(p.isOpen());
    QVERIFY(!p.isModified());
    QCOMPARE(p.state().experiment.name, QStringLiteral("mft-sample"));
    QCOMPARE(p.state().frameworks.size(), 1);
    QVERIFY(!p.state().frameworks[0].dimensions.isEmpty());
    QVERIFY(p.state().models.deployments.size() >= 4);
    QCOMPARE(p.displayName(), QStringLiteral("mft-sample"));
    QVERIFY(p.isSimulated());
}

void TestProject::editUndoRedoAndModified()
{
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    Project p;
    QVERIFY(p.open(dir.path()));
    QSignalSpy modified(&p, &Project::modifiedChanged);
    QSignalSpy changed(&p, &Project::changed);
    ProjectState next = p.state();
    const double oldT = next.experiment.execution.temperature;
    next.experiment.execution.temperature = 0.7;
    p.edit(next, QStringLiteral("temperature"));
    QVERIFY(p.isModified());
    QCOMPARE(modified.last().at(0).toBool(), true);
    QCOMPARE(p.state().experiment.execution.temperature, 0.7);
    next = p.state();
    next.models.deployments.removeLast();
    const qsizetype n = next.models.deployments.size();
    p.edit(next, QStringLiteral("remove"));
    QCOMPARE(p.state().models.deployments.size(), n);
    p.undoStack()->undo();
    QCOMPARE(p.state().models.deployments.size(), n + 1);
    p.undoStack()->undo();
    QCOMPARE(p.state().experiment.execution.temperature, oldT);
    QVERIFY(!p.isModified());   // back where it was saved
    p.undoStack()->redo();
    QCOMPARE(p.state().experiment.execution.temperature, 0.7);
    QVERIFY(p.isModified());
    QCOMPARE(changed.size(), 5);
}

void TestProject::mergeKeyCollapsesTyping()
{
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    Project p;
    QVERIFY(p.open(dir.path()));
    for (int i = 1; i <= 5; ++i) {
        ProjectState next = p.state();
        next.experiment.execution.maxTokens = 100 * i;
        p.edit(next, QStringLiteral("max tokens"), 42);
    }
    QCOMPARE(p.undoStack()->count(), 1);
    p.undoStack()->undo();
    QCOMPARE(p.state().experiment.execution.maxTokens, 600);
}

void TestProject::saveRoundTripKeepsUnknownKeys()
{
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    // A LiteLLM key we do not model must survive a save.
    const QString ml = dir.filePath(QStringLiteral("litellm_config.yaml"));
    {
        QFile f(ml);
        QVERIFY(f.open(QIODevice::Append));
        f.write("litellm_settings:\n  drop_params: true\n");
    }
    Project p;
    QVERIFY(p.open(dir.path()));
    ProjectState next = p.state();
    next.models.deployments[0].limits.rpm = 1234;
    next.experiment.execution.temperature = 0.3;
    p.edit(next, QStringLiteral("edit"));
    QSignalSpy saved(&p, &Project::saved);
    auto r = p.save();
    QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(saved.size(), 1);
    QVERIFY(!p.isModified());
    QFile f(ml);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY(text.contains("drop_params"));
    QVERIFY(text.contains("1234"));
    Project q;
    QVERIFY(q.open(dir.path()));
    QCOMPARE(q.state().models.deployments[0].limits.rpm.value_or(0), 1234);
    QCOMPARE(q.state().experiment.execution.temperature, 0.3);
}

void TestProject::saveKeepsCommentedOriginalOnce()
{
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    const QString ml = dir.filePath(QStringLiteral("litellm_config.yaml"));
    {
        QFile f(ml);
        QVERIFY(f.open(QIODevice::Append));
        f.write("# keep this note\n");
    }
    Project p;
    QVERIFY(p.open(dir.path()));
    ProjectState next = p.state();
    next.experiment.execution.temperature = 0.4;
    p.edit(next, QStringLiteral("edit"));
    auto r = p.save();
    QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
    QVERIFY(p.lastBackups().contains(ml + QStringLiteral(".bak")));
    QFile bak(ml + QStringLiteral(".bak"));
    QVERIFY(bak.open(QIODevice::ReadOnly));
    QVERIFY(bak.readAll().contains("# keep this note"));
    bak.close();
    // Once per session: a second save must not overwrite the copy with the comment-less file.
    next.experiment.execution.temperature = 0.5;
    p.edit(next, QStringLiteral("edit"));
    QVERIFY(p.save());
    QVERIFY(!p.lastBackups().contains(ml + QStringLiteral(".bak")));
    QVERIFY(bak.open(QIODevice::ReadOnly));
    QVERIFY(bak.readAll().contains("# keep this note"));
}

void TestProject::saveAsWritesBothFiles()
{
    QTemporaryDir dir, other;
    QVERIFY(wbtest::copySample(dir.path()));
    Project p;
    QVERIFY(p.open(dir.path()));
    const QString target = other.filePath(QStringLiteral("copy"));
    auto r = p.saveAs(target);
    QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(p.experimentPath(), QDir(target).filePath(QStringLiteral("experiment.yaml")));
    QVERIFY(QFileInfo::exists(QDir(target).filePath(QStringLiteral("litellm_config.yaml"))));
    // The copy opens, and its corpus and frameworks still resolve.
    Project q;
    auto o = q.open(target);
    QVERIFY2(o.has_value(), qPrintable(o ? QString() : o.error().toString()));
    QCOMPARE(q.state().frameworks.size(), 1);
    QVERIFY(QFileInfo::exists(q.state().experiment.corpus[0].path));
}

void TestProject::openErrorsNameTheFile()
{
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    Project p;
    QFile::remove(dir.filePath(QStringLiteral("litellm_config.yaml")));
    auto r = p.open(dir.path());
    QVERIFY(!r);
    QVERIFY(r.error().toString().contains(QStringLiteral("litellm_config.yaml")));
    QFile f(dir.filePath(QStringLiteral("experiment.yaml")));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("experiment: [unclosed\n");
    f.close();
    r = p.open(dir.path());
    QVERIFY(!r);
    QVERIFY(r.error().toString().contains(QStringLiteral("experiment.yaml")));
    QVERIFY(!p.isOpen());
}

void TestProject::simulatorDetection()
{
    // One rule (wb::isSimulated) for the banner, the run summary and the CLI: the list asks for the
    // simulator AND every deployment is on loopback.
    ModelList ml;
    QVERIFY(!isSimulated(ml));
    Deployment d;
    d.apiBase = QStringLiteral("http://127.0.0.1:8765/v1");
    ml.deployments << d;
    QVERIFY(!isSimulated(ml));   // a local server (vLLM, Ollama) is not the simulator
    ml.simulator.enabled = true;
    QVERIFY(isSimulated(ml));
    d.apiBase = QStringLiteral("https://api.openai.com/v1");
    ml.deployments << d;
    QVERIFY(!isSimulated(ml));   // one deployment could bill a real provider: no SIMULATED label
    QVERIFY(isLoopbackUrl(QStringLiteral("http://localhost:1/v1")));
    QVERIFY(isLoopbackUrl(QStringLiteral("http://[::1]:1/")));
    QVERIFY(!isLoopbackUrl(QStringLiteral("http://10.0.0.1/")));
    QVERIFY(!isLoopbackUrl(QString()));
}

void TestProject::recentProjectsInSettings()
{
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    const QString exp = dir.filePath(QStringLiteral("experiment.yaml"));
    UiSettings::addRecentProject(exp);
    UiSettings::addRecentProject(exp);
    QCOMPARE(UiSettings::recentProjects().first(), exp);
    QCOMPARE(UiSettings::recentProjects().count(exp), 1);
    UiSettings::removeRecentProject(exp);
    QVERIFY(!UiSettings::recentProjects().contains(exp));
}

void TestProject::sampleLocator()
{
    qputenv("DISCERNUS_SAMPLE_DIR", QFile::encodeName(wbtest::sampleSourceDir()));
    QCOMPARE(findSampleDir(), QDir(wbtest::sampleSourceDir()).canonicalPath());
    qputenv("DISCERNUS_SAMPLE_DIR", "/nonexistent");
    // Falls back to the build tree copy or the source tree.
    QVERIFY(!findSampleDir().isEmpty());
    qunsetenv("DISCERNUS_SAMPLE_DIR");
}

QTEST_GUILESS_MAIN(TestProject)
#include "tst_project.moc"
