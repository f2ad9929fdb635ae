#include "ui/connectiontester.h"

#include "core/experiment/project.h"
#include "core/router/router.h"
#include "core/secrets/keyresolver.h"
#include "core/secrets/keystore.h"
#include "core/sim/providersimulator.h"
#include "core/sim/simconfig.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QPointer>
#include <QThread>
#include <QTimer>

namespace wb {
namespace ui {

ConnectionTester::ConnectionTester(QObject *parent) : QObject(parent) {}

ConnectionTester::~ConnectionTester()
{
    if (!m_thread)
        return;
    *m_cancel = true;
    // Bounded: a provider that never answers must not hang quitting the application.
    if (m_thread->wait(QDeadlineTimer(3000))) {
        delete m_thread;
        return;
    }
    // Still busy: let it finish on its own. Its results go nowhere (the QPointer in report() is
    // null by then) and the thread object deletes itself once the thread ends.
    QThread *t = m_thread;
    m_thread = nullptr;
    disconnect(t, nullptr, this, nullptr);
    QObject::connect(t, &QThread::finished, t, &QObject::deleteLater);
}

void ConnectionTester::test(const ModelList &models, const QStringList &deploymentIds, double timeoutSeconds)
{
    if (m_thread)
        return;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const std::shared_ptr<std::atomic<bool>> cancel = m_cancel;
    QPointer<ConnectionTester> self(this);
    auto report = [self](const QString &id, bool ok, const QString &msg, qint64 ms) {
        QMetaObject::invokeMethod(self, [self, id, ok, msg, ms] {
            if (self)
                emit self->result(id, ok, msg, ms);
        }, Qt::QueuedConnection);
    };
    m_thread = QThread::create([models, deploymentIds, timeoutSeconds, report, cancel] {
        ModelList ml = models;
        std::unique_ptr<ProviderSimulator> sim;
        if (ml.simulator.enabled) {
            SimConfig cfg;
            if (!ml.simulator.limitsFile.isEmpty()) {
                QString lf = ml.simulator.limitsFile;
                if (QFileInfo(lf).isRelative())
                    lf = QFileInfo(ml.path).absoluteDir().filePath(lf);
                if (auto c = loadSimConfig(lf))
                    cfg = *c;
            }
            cfg.port = 0;
            cfg.acceptAnyKey = true;
            sim = std::make_unique<ProviderSimulator>(cfg);
            auto port = sim->start();
            if (!port) {
                for (const Deployment &d : std::as_const(ml.deployments))
                    if (deploymentIds.isEmpty() || deploymentIds.contains(d.id))
                        report(d.id, false, port.error().toString(), 0);
                return;
            }
            retargetLoopback(ml, ml.simulator.port, *port);
        }
        KeyStore store;
        for (int i = 0; i < ml.deployments.size(); ++i) {
            const Deployment &d = ml.deployments[i];
            if (*cancel)
                break;
            if (!deploymentIds.isEmpty() && !deploymentIds.contains(d.id))
                continue;
            auto key = resolveKey(ml, i, store);
            if (!key) {
                report(d.id, false, key.error().message, 0);
                continue;
            }
            ModelList one = ml;
            one.deployments = {d};
            one.router.numRetries = 0;
            one.router.fallbacks.clear();
            one.router.timeoutSeconds = timeoutSeconds;
            RouterOptions opt;
            opt.apiKeys.insert(d.id, *key);
            Router router(one, opt);
            RouterJob job;
            job.id = 1;
            job.group = d.modelName;
            job.request.system = QStringLiteral("You are a connection test.");
            job.request.user = QStringLiteral("Reply with the word OK.");
            job.request.maxTokens = 5;
            job.request.temperature = 0;
            job.request.jsonMode = false;
            QEventLoop loop;
            JobOutcome out;
            bool done = false;
            QObject::connect(&router, &Router::jobFinished, &loop, [&](const JobOutcome &o) {
                out = o;
                done = true;
                loop.quit();
            });
            QTimer::singleShot(int(timeoutSeconds * 1000) + 2000, &loop, &QEventLoop::quit);
            QTimer cancelPoll;
            QObject::connect(&cancelPoll, &QTimer::timeout, &loop, [&] {
                if (*cancel)
                    loop.quit();
            });
            cancelPoll.start(100);
            QElapsedTimer t;
            t.start();
            router.submit(job);
            if (!done)
                loop.exec();
            const qint64 ms = t.elapsed();
            if (!done) {
                router.cancelAll();
                report(d.id, false, ConnectionTester::tr("No answer within %1 s").arg(timeoutSeconds), ms);
            } else if (out.ok) {
                report(d.id, true, ConnectionTester::tr("OK — %1 answered in %2 ms").arg(out.completion.modelVersion.isEmpty() ? d.model : out.completion.modelVersion).arg(ms), ms);
            } else {
                report(d.id, false, errorClassName(out.errorClass) + QStringLiteral(": ") + out.error, ms);
            }
        }
        if (sim)
            sim->stop();
    });
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread->deleteLater();
        m_thread = nullptr;
        emit finished();
    });
    m_thread->start();
}

} // namespace ui
} // namespace wb
