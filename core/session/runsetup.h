#pragma once
// The composition root of a run: loads the project, reads the keys (asynchronously, before anything
// else happens), starts the simulator session, locks, opens and cross-checks the results database,
// registers runs, texts and jobs, sets up prices, token calibration and the budget, and wires the
// router. What comes out (PreparedRun) owns everything the run needs; ExperimentRunner only drives
// it. docs/ARCHITECTURE.md, "A run from start to finish".
#include "core/common/result.h"
#include "core/experiment/planner.h"
#include "core/session/ledgerbudget.h"
#include "core/session/project.h"
#include "core/session/runtypes.h"
#include "core/session/simsession.h"
#include "core/storage/jobleases.h"
#include "core/storage/resultstore.h"

#include <QObject>
#include <memory>

class QLockFile;

namespace wb {

class AccessTokens;
class KeyResolveJob;
class PriceTable;
class RedisSharedLimits;
class Router;
class TraceExporter;
class TokenEstimator;

/// A job of this run still to do, with what it refers to (pointers into PreparedRun::runs).
struct PreparedJob {
    JobRow row;
    const PlannedRun *run = nullptr;
    const CorpusText *text = nullptr;
};

/// Everything one run needs. Built by RunSetup on the thread that will drive the run (the database
/// connection, the router's sockets and the simulator belong to it). Move-only; the pointers in
/// `jobs` and the router's budget stay valid across moves.
struct PreparedRun {
    PreparedRun();
    PreparedRun(PreparedRun &&) noexcept;
    PreparedRun &operator=(PreparedRun &&) noexcept;
    ~PreparedRun();

    RunOptions options;
    LoadedProject project;
    QList<PlannedRun> runs;
    QList<PreparedJob> jobs;                 ///< to run now, in database order
    qint64 totalJobs = 0;                    ///< all jobs of these runs
    qint64 skippedJobs = 0;                  ///< already finished before (resume)
    bool simulated = false;                  ///< isSimulated() of the list as run
    SimSession sim;
    std::unique_ptr<QLockFile> lock;         ///< one run per database at a time
    std::unique_ptr<ResultStore> store;
    std::unique_ptr<JobLeases> leases;       ///< PostgreSQL run store: jobs are claimed; null = all ours
    std::shared_ptr<TokenEstimator> tokens;
    std::shared_ptr<PriceTable> prices;
    std::unique_ptr<LedgerBudget> budget;    ///< the router points at it
    std::unique_ptr<RedisSharedLimits> shared;   ///< windows and budget shared through Redis; null = local only
    std::unique_ptr<Router> router;
    std::unique_ptr<TraceExporter> tracing;  ///< litellm_settings callbacks otel / langfuse; null = off
    QHash<QString, QString> apiKeys;         ///< deployment id -> key, in memory only (the batch APIs' calls)
};

/// Prepares a run from its options. start() schedules the work; finished() is emitted exactly once,
/// never from inside start() or cancel(); takeResult() then hands over the PreparedRun or the error.
/// Messages for the user (warnings, SIMULATED, prices imported, budget already spent) arrive as
/// event() in the order they happen.
class RunSetup final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunSetup)
public:
    /// `keychainService` is the keychain service the keys are read from (tests use their own).
    explicit RunSetup(RunOptions options, QObject *parent = nullptr, const QString &keychainService = {});
    ~RunSetup() override;

    void start();
    /// Stops waiting for the keychain; finished() follows with a cancelled error.
    void cancel();
    bool isCancelled() const { return m_cancelled; }
    Result<PreparedRun> takeResult();
    /// The experiment's name once the project is loaded (also when a later step failed).
    QString experimentName() const { return m_experimentName; }

signals:
    void event(const QString &message);
    void finished();

private:
    void loadAndReadKeys();
    void prepare(const QHash<QString, QString> &keys);
    void done(Result<PreparedRun> result);

    RunOptions m_options;
    QString m_keychainService;
    LoadedProject m_project;
    SimSession m_sim;   ///< started before the keys, so a simulated Vertex project gets its tokens from it
    QString m_experimentName;
    KeyResolveJob *m_keys = nullptr;
    std::shared_ptr<AccessTokens> m_accessTokens;
    std::optional<Result<PreparedRun>> m_result;
    bool m_started = false;
    bool m_cancelled = false;
    bool m_finished = false;
};

} // namespace wb
