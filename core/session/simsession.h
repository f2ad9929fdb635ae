#pragma once
// The in-product provider simulator for one run, estimate, count or connection test: started when
// the model list asks for it (discernus.simulator), the list's loopback deployments pointed at the
// port it really got, stopped when the session ends. The one place that does this; every verb and
// the workbench go through it (docs/ARCHITECTURE.md, "Simulator").
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/sim/simconfig.h"

#include <memory>

namespace wb {

class ProviderSimulator;

class SimSession final {
public:
    SimSession();
    SimSession(SimSession &&) noexcept;
    SimSession &operator=(SimSession &&) noexcept;
    ~SimSession();   ///< stops the simulator

    /// Starts the simulator when `models` asks for it (otherwise returns an idle session) and
    /// retargets `models`' loopback api_bases to its port. A relative limits file is resolved
    /// against the model list's folder (models.path). The configured port is tried first; when it
    /// is taken, any free one.
    static Result<SimSession> startFor(ModelList &models);

    bool isRunning() const { return m_sim != nullptr; }
    quint16 port() const;
    ProviderSimulator *simulator() const { return m_sim.get(); }
    void stop();

private:
    std::unique_ptr<ProviderSimulator> m_sim;
};

/// The simulator config a model list asks for (its `discernus.simulator.limits` file, or
/// accept-any-key and no limits). Relative paths are resolved against the model list's folder.
Result<SimConfig> simulatorConfigFor(const ModelList &models);

} // namespace wb
