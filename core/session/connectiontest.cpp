#include "core/session/connectiontest.h"

#include "core/router/router.h"
#include "core/session/keyresolution.h"
#include "core/session/simsession.h"

#include <QTimer>

namespace wb {

namespace {

/// The router's own timeout ends a call; the guard only catches a router that never answers.
constexpr int kGuardSlackMs = 2000;

RouterJob connectionTestJob(const Deployment &d)
{
    RouterJob job;
    job.id = 1;
    job.group = d.modelName;
    job.request.system = QStringLiteral("You are a connection test.");
    job.request.user = QStringLiteral("Reply with the word OK.");
    job.request.maxTokens = 5;
    job.request.temperature = 0;
    job.request.jsonMode = false;
    return job;
}

ConnectionResult notAnswered(const QString &id, const QString &error, bool answered)
{
    ConnectionResult r;
    r.deploymentId = id;
    r.answered = answered;
    r.error = error;
    return r;
}

} // namespace

ConnectionTest::ConnectionTest(ModelList models, QStringList deploymentIds, double timeoutSeconds, QObject *parent,
                               const QString &keychainService)
    : QObject(parent), m_models(std::move(models)), m_ids(std::move(deploymentIds)), m_timeoutS(timeoutSeconds),
      m_keychainService(keychainService), m_guard(new QTimer(this))
{
    qRegisterMetaType<wb::ConnectionResult>();
    m_guard->setSingleShot(true);
    connect(m_guard, &QTimer::timeout, this, &ConnectionTest::onTimeout);
}

ConnectionTest::~ConnectionTest()
{
    if (m_router)
        m_router->disconnect(this);
}

quint16 ConnectionTest::simulatorPort() const { return m_sim ? m_sim->port() : 0; }

void ConnectionTest::start()
{
    if (m_started)
        return;
    m_started = true;
    QTimer::singleShot(0, this, &ConnectionTest::begin);
}

void ConnectionTest::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    m_guard->stop();
    if (m_keys)
        m_keys->cancel();
    if (m_router)
        m_router->disconnect(this);
    finishSoon();
}

void ConnectionTest::begin()
{
    if (m_cancelled)
        return;
    auto sim = SimSession::startFor(m_models);
    if (!sim) {
        for (const Deployment &d : std::as_const(m_models.deployments))
            if (m_ids.isEmpty() || m_ids.contains(d.id))
                report(notAnswered(d.id, sim.error().toString(), false));
        return finishSoon();
    }
    m_sim = std::make_unique<SimSession>(std::move(*sim));
    if (m_sim->isRunning())
        emit simulatorStarted(m_sim->port());
    m_keys = new KeyResolveJob(m_models, m_keychainService, this);
    connect(m_keys, &KeyResolveJob::finished, this, [this] {
        if (m_cancelled)
            return;
        m_keyValues = m_keys->availableKeys(&m_keyErrors);
        next();
    });
    m_keys->start();
}

/// Tests the next selected deployment, or finishes.
void ConnectionTest::next()
{
    if (m_router) {
        m_router->disconnect(this);
        m_router.release()->deleteLater();   // we may be inside one of its signals
    }
    while (!m_cancelled) {
        ++m_index;
        if (m_index >= m_models.deployments.size())
            return finishSoon();
        const Deployment &d = m_models.deployments[m_index];
        if (!m_ids.isEmpty() && !m_ids.contains(d.id))
            continue;
        if (!m_keyValues.contains(d.id)) {
            report(notAnswered(d.id, m_keyErrors.value(d.id), true));
            continue;
        }
        ModelList one = m_models;
        one.deployments = {d};
        one.router.fallbacks.clear();   // the answer must be this deployment's own
        one.router.timeoutSeconds = m_timeoutS;
        RouterOptions opt;
        opt.apiKeys.insert(d.id, m_keyValues.value(d.id));
        m_router = std::make_unique<Router>(one, opt);
        RetryPolicy noOutageWait;   // a test reports an unreachable server at once, not after 10 min
        noOutageWait.outageGiveUpMs = 0;
        m_router->setRetryPolicy(noOutageWait);
        m_lastHttpStatus = 0;
        connect(m_router.get(), &Router::callFinished, this, [this](const CallRecord &c) { m_lastHttpStatus = c.httpStatus; });
        connect(m_router.get(), &Router::jobFinished, this, &ConnectionTest::onOutcome);
        m_clock.start();
        m_guard->start(int(m_timeoutS * 1000) * (one.router.numRetries + 1) + kGuardSlackMs);
        m_router->submit(connectionTestJob(d));
        return;
    }
}

void ConnectionTest::onOutcome(const JobOutcome &o)
{
    m_guard->stop();
    const Deployment &d = m_models.deployments[m_index];
    ConnectionResult r;
    r.deploymentId = d.id;
    r.answered = true;
    r.ok = o.ok;
    r.ms = m_clock.elapsed();
    r.httpStatus = m_lastHttpStatus;
    r.errorClass = o.errorClass;
    if (o.ok)
        r.modelVersion = o.completion.modelVersion.isEmpty() ? d.model : o.completion.modelVersion;
    else
        r.error = o.error;
    const RouterSnapshot s = m_router->snapshot();
    for (const DeploymentSnapshot &ds : s.deployments)
        if (ds.id == d.id) {
            r.rpmLimit = ds.rpmLimit;
            r.tpmLimit = ds.tpmLimit;
            r.itpmLimit = ds.itpmLimit;
        }
    report(r);
    next();
}

void ConnectionTest::onTimeout()
{
    const Deployment &d = m_models.deployments[m_index];
    m_router->disconnect(this);
    m_router->cancelAll();
    ConnectionResult r = notAnswered(d.id, QStringLiteral("no answer within %1 s").arg(m_timeoutS), false);
    r.timedOut = true;
    r.ms = m_clock.elapsed();
    report(r);
    next();
}

void ConnectionTest::report(ConnectionResult r)
{
    m_results.append(r);
    emit result(r);
}

void ConnectionTest::finishSoon()
{
    if (m_finishQueued)
        return;
    m_finishQueued = true;
    QTimer::singleShot(0, this, [this] {
        if (m_sim)
            m_sim->stop();
        m_finished = true;
        emit finished();
    });
}

} // namespace wb
