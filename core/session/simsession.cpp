#include "core/session/simsession.h"

#include "core/sim/providersimulator.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

namespace wb {

namespace {

/// Points loopback api_bases that use `fromPort` (or no port) at `toPort`.
void retargetLoopback(ModelList &models, int fromPort, int toPort)
{
    for (Deployment &d : models.deployments) {
        if (!d.isLoopback())
            continue;
        QUrl u(d.apiBase);
        if (u.port(-1) == fromPort || u.port(-1) == -1 || fromPort == 0) {
            u.setPort(toPort);
            d.apiBase = u.toString();
        }
    }
}

Result<std::unique_ptr<ProviderSimulator>> startOn(SimConfig cfg, quint16 port)
{
    cfg.port = port;
    auto sim = std::make_unique<ProviderSimulator>(cfg);
    if (sim->start())
        return sim;
    cfg.port = 0;
    sim = std::make_unique<ProviderSimulator>(cfg);
    if (auto p = sim->start(); !p)
        return std::unexpected(p.error());
    return sim;
}

} // namespace

SimSession::SimSession() = default;
SimSession::SimSession(SimSession &&) noexcept = default;
SimSession &SimSession::operator=(SimSession &&other) noexcept
{
    if (this != &other) {
        stop();
        m_sim = std::move(other.m_sim);
    }
    return *this;
}

SimSession::~SimSession() { stop(); }

quint16 SimSession::port() const { return m_sim ? m_sim->port() : 0; }

void SimSession::stop()
{
    if (m_sim)
        m_sim->stop();
    m_sim.reset();
}

Result<SimSession> SimSession::startFor(ModelList &models)
{
    SimSession session;
    if (!models.simulator.enabled)
        return session;
    auto cfg = simulatorConfigFor(models);
    if (!cfg)
        return std::unexpected(cfg.error());
    auto sim = startOn(*cfg, quint16(models.simulator.port));
    if (!sim)
        return std::unexpected(sim.error());
    session.m_sim = std::move(*sim);
    retargetLoopback(models, models.simulator.port, session.m_sim->port());
    return session;
}

Result<SimConfig> simulatorConfigFor(const ModelList &models)
{
    if (models.simulator.limitsFile.isEmpty()) {
        SimConfig cfg;
        cfg.acceptAnyKey = true;
        return cfg;
    }
    QString lf = models.simulator.limitsFile;
    if (QFileInfo(lf).isRelative())
        lf = QFileInfo(models.path).absoluteDir().filePath(lf);
    return loadSimConfig(lf);
}

} // namespace wb
