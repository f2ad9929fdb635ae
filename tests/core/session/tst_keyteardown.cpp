// Keys are read before a run starts, asynchronously: a keyring that waits to be unlocked holds up
// nothing, and a run (or the workbench) torn down meanwhile goes away at once. Runs inside
// tests/with-keyring.sh against a real gnome-keyring; the unlock prompt is never answered.
#include "../../ui/sampletestutil.h"
#include "../secrets/lockedkeyring.h"
#include "core/secrets/keystore.h"
#include "core/session/keyresolution.h"
#include "core/session/runcontroller.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

const QString kService = QStringLiteral("discernus-workbench-test-teardown");

/// The sample with its first deployment's key in the keychain.
bool writeProject(const QTemporaryDir &dir)
{
    if (!wbtest::copySample(dir.path()))
        return false;
    QFile f(dir.filePath(QStringLiteral("litellm_config.yaml")));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    QByteArray yaml = f.readAll();
    f.close();
    yaml.replace("api_key: sim-openai-1", "api_key: keychain/teardown-key");
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(yaml) == yaml.size();
}

} // namespace

class TestKeyTeardown final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("WB_THROWAWAY_KEYRING") != u"1")
            QSKIP("needs the throwaway keyring of tests/with-keyring.sh");
        KeyStore store(kService);
        QSignalSpy written(&store, &KeyStore::writeFinished);
        store.writeKey(QStringLiteral("teardown-key"), QStringLiteral("sim-openai-1"));
        QVERIFY(written.wait(20000));
        QCOMPARE(written.first().at(2).value<KeyStore::Status>(), KeyStore::Status::Ok);
        QVERIFY(m_dir.isValid());
        QVERIFY(writeProject(m_dir));
        m_models = loadModelList(m_dir.filePath(QStringLiteral("litellm_config.yaml"))).value_or(ModelList{});
        QVERIFY(!m_models.deployments.isEmpty());
    }

    void unlockedKeyringResolves()
    {
        KeyResolveJob job(m_models, kService);
        QSignalSpy done(&job, &KeyResolveJob::finished);
        job.start();
        QVERIFY(done.wait(20000));
        const auto keys = job.keys();
        QVERIFY2(keys, keys ? "" : qPrintable(keys.error().toString()));
        QCOMPARE(keys->value(m_models.deployments.first().id), QStringLiteral("sim-openai-1"));
    }

    void lockedKeyringKeepsTheReadPendingUntilCancelled()
    {
        QVERIFY(wbtest::installSilentPrompter(&m_prompter));
        QVERIFY(wbtest::lockLoginKeyring());
        KeyResolveJob job(m_models, kService);
        QSignalSpy done(&job, &KeyResolveJob::finished);
        job.start();
        QVERIFY(!done.wait(1500));                      // waiting for the unlock prompt
        QTRY_VERIFY_WITH_TIMEOUT(m_prompter.promptsHeld() > 0, 5000);
        QElapsedTimer t;
        t.start();
        job.cancel();
        QVERIFY(done.wait(2000));
        QVERIFY(t.elapsed() < 1000);
        QVERIFY(job.isCancelled());
        QVERIFY(!job.keys());
    }

    void runTornDownWhileItsKeysAreReadExitsCleanly()
    {
        // (the keyring is still locked, its prompt unanswered)
        const QString db = m_dir.filePath(QStringLiteral("teardown.sqlite"));
        QElapsedTimer t;
        {
            RunController ctl;
            QSignalSpy started(&ctl, &RunController::started);
            QSignalSpy finished(&ctl, &RunController::finished);
            RunOptions o;
            o.configPath = m_dir.filePath(QStringLiteral("litellm_config.yaml"));
            o.experimentPath = m_dir.filePath(QStringLiteral("experiment.yaml"));
            o.dbPath = db;
            o.keychainService = kService;
            ctl.start(o);
            QVERIFY(!started.wait(1500));   // held by the keyring
            QVERIFY2(finished.isEmpty(), finished.isEmpty() ? "" : qPrintable(finished.first().first().value<RunSummary>().error));
            QVERIFY(ctl.isRunning());
            t.start();
        }   // what closing the workbench does
        QVERIFY2(t.elapsed() < 3000, "teardown does not wait for the keyring");
        QVERIFY(!QFile::exists(db));   // nothing was touched before the keys were there
        QTest::qWait(200);              // late keychain answers go nowhere
    }

private:
    QTemporaryDir m_dir;
    ModelList m_models;
    wbtest::SilentPrompter m_prompter;
};

QTEST_GUILESS_MAIN(TestKeyTeardown)
#include "tst_keyteardown.moc"
