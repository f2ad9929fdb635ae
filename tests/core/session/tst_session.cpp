// The composition root's pieces: the simulator session, key resolution without the keychain, the
// connection test through the router, and the estimate assembler.
#include "core/session/connectiontest.h"
#include "core/session/estimateinput.h"
#include "core/session/keyresolution.h"
#include "core/session/project.h"
#include "core/session/simsession.h"
#include "core/sim/providersimulator.h"

#include <QSignalSpy>
#include <QTest>
#include <QUrl>

using namespace wb;

namespace {

const QString kSample = QStringLiteral(WB_SOURCE_DIR "/resources/sample");

ModelList sampleModels()
{
    auto ml = loadModelList(kSample + QStringLiteral("/litellm_config.yaml"));
    return ml ? *ml : ModelList{};
}

} // namespace

class TestSession final : public QObject {
    Q_OBJECT
private slots:
    void simSessionStartsRetargetsAndStops()
    {
        ModelList ml = sampleModels();
        QVERIFY(!ml.deployments.isEmpty());
        QVERIFY(isSimulated(ml));
        // Occupy the configured port: the session must fall back to a free one and follow it.
        SimConfig c;
        c.port = quint16(ml.simulator.port);
        ProviderSimulator busy(c);
        const bool portTaken = bool(busy.start());
        auto session = SimSession::startFor(ml);
        QVERIFY2(session, session ? "" : qPrintable(session.error().toString()));
        QVERIFY(session->isRunning());
        const quint16 port = session->port();
        QVERIFY(port > 0);
        if (portTaken)
            QVERIFY(port != quint16(c.port));
        for (const Deployment &d : std::as_const(ml.deployments))
            QCOMPARE(QUrl(d.apiBase).port(), int(port));
        QVERIFY(isSimulated(ml));   // still all loopback
        session->stop();
        QVERIFY(!session->isRunning());
    }

    void simSessionIsIdleWhenNotAsked()
    {
        ModelList ml = sampleModels();
        ml.simulator.enabled = false;
        const QString before = ml.deployments.first().apiBase;
        auto session = SimSession::startFor(ml);
        QVERIFY(session);
        QVERIFY(!session->isRunning());
        QCOMPARE(ml.deployments.first().apiBase, before);
        QVERIFY(!isSimulated(ml));
    }

    void keysWithoutKeychainFinishOnceAndResolve()
    {
        ModelList ml = sampleModels();   // literal keys: no keychain access at all
        KeyResolveJob job(ml);
        QSignalSpy done(&job, &KeyResolveJob::finished);
        job.start();
        QCOMPARE(done.size(), 0);   // never from inside start()
        QVERIFY(done.wait(5000));
        const auto keys = job.keys();
        QVERIFY(keys);
        QCOMPARE(keys->size(), ml.deployments.size());
        QCOMPARE(keys->value(ml.deployments.first().id), QStringLiteral("sim-openai-1"));
        QTest::qWait(20);
        QCOMPARE(done.size(), 1);
    }

    void missingEnvironmentKeyIsReportedPerDeployment()
    {
        ModelList ml = sampleModels();
        ml.deployments[0].keyRef = QStringLiteral("os.environ/WB_TEST_SURELY_UNSET_KEY");
        KeyResolveJob job(ml);
        QSignalSpy done(&job, &KeyResolveJob::finished);
        job.start();
        QVERIFY(done.wait(5000));
        QVERIFY(!job.keys());
        QVERIFY(job.keys().error().message.contains(QStringLiteral("WB_TEST_SURELY_UNSET_KEY")));
        QHash<QString, QString> errors;
        const auto available = job.availableKeys(&errors);
        QCOMPARE(available.size(), ml.deployments.size() - 1);
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.contains(ml.deployments[0].id));
    }

    void connectionTestGoesThroughTheRouterAgainstTheSimulator()
    {
        ModelList ml = sampleModels();
        ml.deployments[2].keyRef = QStringLiteral("sim-wrong-key");   // the simulator refuses it
        const QString wrong = ml.deployments[2].id;
        ConnectionTest test(ml, {}, 20);
        QSignalSpy sim(&test, &ConnectionTest::simulatorStarted);
        QSignalSpy results(&test, &ConnectionTest::result);
        QSignalSpy done(&test, &ConnectionTest::finished);
        test.start();
        QVERIFY(done.wait(60000));
        QCOMPARE(sim.size(), 1);
        QCOMPARE(test.results().size(), ml.deployments.size());
        QCOMPARE(results.size(), ml.deployments.size());
        for (qsizetype i = 0; i < test.results().size(); ++i) {
            const ConnectionResult r = test.results()[i];
            QCOMPARE(r.deploymentId, ml.deployments[i].id);   // in list order
            if (r.deploymentId == wrong) {
                QVERIFY(!r.ok);
                QCOMPARE(r.errorClass, ErrorClass::Auth);
                QCOMPARE(r.httpStatus, 401);
            } else {
                QVERIFY2(r.ok, qPrintable(r.deploymentId + QStringLiteral(": ") + r.error));
                QCOMPARE(r.httpStatus, 200);
                QVERIFY(r.rpmLimit > 0);   // the router's limits apply to the test call too
            }
        }
        QCOMPARE(test.simulatorPort(), quint16(0));   // stopped when done
    }

    void connectionTestOfChosenDeploymentsAndCancel()
    {
        ModelList ml = sampleModels();
        const QString id = ml.deployments[1].id;
        ConnectionTest one(ml, {id}, 20);
        QSignalSpy done(&one, &ConnectionTest::finished);
        one.start();
        QVERIFY(done.wait(30000));
        QCOMPARE(one.results().size(), 1);
        QCOMPARE(one.results().first().deploymentId, id);

        ConnectionTest cancelled(ml, {}, 20);
        QSignalSpy cdone(&cancelled, &ConnectionTest::finished);
        cancelled.start();
        cancelled.cancel();
        QCOMPARE(cdone.size(), 0);   // never from inside cancel()
        QVERIFY(cdone.wait(5000));
        QTest::qWait(50);
        QCOMPARE(cdone.size(), 1);
    }

    void estimateUsesTheSimulatorLatency()
    {
        auto project = loadProject(kSample + QStringLiteral("/litellm_config.yaml"), kSample + QStringLiteral("/experiment.yaml"));
        QVERIFY2(project, project ? "" : qPrintable(project.error().toString()));
        auto ctx = prepareEstimate(*project, {});
        QVERIFY(ctx);
        QCOMPARE(ctx->input.latency.baseSeconds, 0.4);   // sim_limits.yaml: latency_ms 400
        QVERIFY(ctx->input.tokens);
        QVERIFY(!ctx->input.texts.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
