#pragma once
// Runs an experiment end to end: plan -> router -> parse/validate -> storage. Lives on an engine
// thread with its own event loop; the UI talks to it through RunController (queued signals/slots).
#include "core/common/result.h"
#include "core/router/routertypes.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <memory>
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
    QString error;             ///< set when the run could not start (input error)
    int exitCode() const;      ///< DESIGN §6: 0, 1 failed jobs, 2 input error, 3 budget, 130 interrupted
    QJsonObject toJson() const;
};

struct RunProgress {
    qint64 total = 0, done = 0, failed = 0, inFlight = 0;
    qint64 costMicros = 0;
    std::optional<double> budgetUsd;
    double elapsedS = 0;
    double etaS = -1;          ///< -1 = unknown
};

class ExperimentRunner final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExperimentRunner)
public:
    explicit ExperimentRunner(RunOptions options, QObject *parent = nullptr);
    ~ExperimentRunner() override;

    /// Thread-safe copies for monitors (updated on the engine thread at ~5 Hz).
    RouterSnapshot routerSnapshot() const;
    RunProgress progress() const;

public slots:
    void start();      ///< schedules the run; emits finished() exactly once
    void pause();
    void resume();
    void cancel();     ///< in-flight calls are aborted; the run can be resumed later

signals:
    void started(qint64 totalJobs);
    void progressChanged(const wb::RunProgress &p);
    void jobCompleted(qint64 jobRowId, bool ok);
    void budgetWarning(int percent);       ///< 50, 80, 100
    void event(const QString &message);
    void finished(const wb::RunSummary &summary);

private:
    class Private;
    std::unique_ptr<Private> d;
};

/// Owns an engine thread and an ExperimentRunner on it; safe to use from the UI thread.
class RunController final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunController)
public:
    explicit RunController(QObject *parent = nullptr);
    ~RunController() override;   ///< cancels and joins
    bool isRunning() const;
    void start(const RunOptions &options);
    void pause();
    void resume();
    void cancel();
    RouterSnapshot routerSnapshot() const;
    RunProgress progress() const;
signals:
    void started(qint64 totalJobs);
    void progressChanged(const wb::RunProgress &p);
    void budgetWarning(int percent);
    void event(const QString &message);
    void finished(const wb::RunSummary &summary);
private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace wb

Q_DECLARE_METATYPE(wb::RunSummary)
Q_DECLARE_METATYPE(wb::RunProgress)
