#pragma once
// What a run is asked to do (RunOptions), what it reports while it runs (RunProgress) and what it
// reports at the end (RunSummary, with the exit codes of docs/FORMATS.md).
#include "core/common/result.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <optional>

namespace wb {

struct RunOptions {
    QString configPath;        ///< litellm_config.yaml
    QString experimentPath;    ///< experiment.yaml
    QString dbPath;            ///< results database
    bool resume = false;       ///< continue: only jobs not done (failed ones retried)
    std::optional<double> maxBudgetOverride;   ///< USD
    bool startSimulator = true;  ///< honour the model list's `discernus.simulator` block
    QString priceMapPath;        ///< LiteLLM model_prices_and_context_window.json merged over the built-in prices
    QString keychainService;     ///< empty: KeyStore::defaultService() (tests use their own)
    /// > 0: the router's rate windows last this long instead of 60 s (benchmarks against a
    /// simulator whose window_ms is shortened the same way).
    qint64 windowMsForTesting = 0;
    /// Where the limits the router learns from the providers are remembered for later estimates
    /// (core/session/learnedlimits.h; the apps pass LearnedLimitStore::defaultPath()). Empty: not
    /// remembered.
    QString learnedLimitsPath;
    // The PostgreSQL run store (dbPath is a postgresql:// URL): the run claims its jobs under a lease
    // and shares them with other workers (docs/FORMATS.md, "PostgreSQL run store").
    bool joinRun = false;        ///< a worker: joins the runs as they are, finished jobs are no error
    qint64 leaseMs = 30000;      ///< how long a claimed job stays this worker's without a heartbeat
    int claimWindow = 64;        ///< jobs claimed and not finished at most, per worker
};

struct RunSummary {
    QString experiment;
    qint64 jobs = 0, done = 0, failed = 0, skipped = 0;   ///< skipped = already done before (resume)
    qint64 calls = 0, http429 = 0, retries = 0, fallbacks = 0, parseRetries = 0;
    qint64 promptTokens = 0, completionTokens = 0, cachedTokens = 0;
    qint64 costMicros = 0;
    double wallSeconds = 0;
    bool budgetStopped = false;
    bool cancelled = false;
    bool simulated = false;    ///< every deployment pointed at the built-in simulator
    QString error;             ///< set when the run could not start (input error), or why storage failed
    bool storageFailed = false;   ///< a write failed for good: the run stopped buying (error says where, free space)
    QString recoveryFile;      ///< where the replies that could not be stored were saved (empty = none)
    int exitCode() const;      ///< 0, 1 failed jobs, 2 input error, 3 budget, 4 storage failure, 130 interrupted (docs/FORMATS.md)
    QJsonObject toJson() const;
};

struct RunProgress {
    qint64 total = 0, done = 0, failed = 0, inFlight = 0;
    qint64 costMicros = 0;
    qint64 spentBeforeMicros = 0;   ///< the ledger's spend in the budget period before this run
    std::optional<double> budgetUsd;
    double elapsedS = 0;
    double etaS = -1;          ///< -1 = unknown
};

} // namespace wb

Q_DECLARE_METATYPE(wb::RunSummary)
Q_DECLARE_METATYPE(wb::RunProgress)
