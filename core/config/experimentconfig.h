#pragma once
// experiment.yaml and framework files (docs/FORMATS.md).
#include "core/common/result.h"
#include "core/config/modellist.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace wb {

struct Dimension {
    QString id;
    QString name;
    QString description;
    double min = 0.0;
    double max = 1.0;
};

struct Framework {
    QString id;
    QString name;
    QString version;
    QString instructions;
    QList<Dimension> dimensions;
    QString path;
    QStringList warnings;     ///< e.g. unknown keys (one warning listing them)
    QByteArray sourceYaml;    ///< original text, so saving keeps what we don't model
};

struct CorpusSource {
    QString id;
    QString path;     ///< absolute after loading (resolved against the experiment file)
    enum class Kind { Folder, Csv, Jsonl, TextFile } kind = Kind::Folder;
};

struct FrameworkRef {
    QString id;
    QString path;     ///< absolute after loading
};

/// How a run's calls reach the provider (docs/FORMATS.md, "Batch execution"): one HTTP call
/// each (live), packed into the provider's batch API at its batch price (batch), or batch when the
/// estimate says the live run would take longer than `batch_after` (auto).
enum class ExecutionMode { Live, Batch, Auto };
QString executionModeName(ExecutionMode m);                     ///< "live" | "batch" | "auto"
std::optional<ExecutionMode> executionModeFromName(const QString &name);

struct RunSpec {
    QString runId;
    QString model;           ///< a model_name (group) of the model list
    QString framework;       ///< a framework id
    QString corpus;          ///< a corpus id
    QStringList include;     ///< globs on text ids; empty = all
    std::optional<int> limit;
    std::optional<int> repetitions;   ///< overrides execution.repetitions
    std::optional<ExecutionMode> mode; ///< overrides execution.mode
    int line = 0;
    int modelLine = 0;       ///< where `model:` is (1-based), for "unknown model group" errors
    int modelColumn = 0;
};

struct BatchingSettings {
    bool enabled = false;
    qint64 maxBatchTokens = 15000;
    int maxTextsPerBatch = 20;
};

/// The provider batch APIs (execution.mode batch or auto).
struct BatchApiSettings {
    qint64 batchAfterSeconds = 2 * 3600;  ///< auto: batch when the live estimate is longer than this
    /// Items a batch returned with an error (not expired or cancelled: those go back to pending and
    /// into the next batch): retried in a new, smaller batch, or as live calls.
    enum class Retry { Batch, Live } retry = Retry::Batch;
    qint64 pollSeconds = 30;              ///< first poll interval; it backs off to pollMaxSeconds
    qint64 pollMaxSeconds = 600;
    /// Input tokens one key may have enqueued in open batches (OpenAI's batch queue limit);
    /// 0 = no limit known.
    qint64 maxEnqueuedTokens = 0;
};

struct ExecutionSettings {
    double temperature = 0.1;
    int maxTokens = 2000;
    int repetitions = 1;
    int maxParseRetries = 2;          ///< re-asks on invalid JSON before recording a parse failure
    BatchingSettings batching;
    ExecutionMode mode = ExecutionMode::Live;
    BatchApiSettings batchApi;
    QList<RunSpec> matrix;
};

struct ExperimentConfig {
    QString path;
    QString name;
    QString description;
    QList<CorpusSource> corpus;
    QList<FrameworkRef> frameworks;
    ExecutionSettings execution;
    CostControls costControls;        ///< optional; overrides the model list's when set
    QStringList warnings;
    QByteArray sourceYaml;
};

Result<ExperimentConfig> loadExperiment(const QString &path);
Result<ExperimentConfig> parseExperiment(const QByteArray &yaml, const QString &pathForMessages);
/// Cross-checks: every run's model resolves in the model list (a group, a model_group_alias, or a
/// wildcard group naming the concrete model; not a group whose deployments were all skipped),
/// framework/corpus ids exist.
Result<void> validateExperimentAgainst(const ExperimentConfig &exp, const ModelList &models);
/// Prepares a model list and experiment for running, as LiteLLM's Router resolves a request:
/// a run naming an alias is pointed at its group; a run naming a model a wildcard group matches
/// (`openai/*`, `*`) gets a group of that name whose deployments call the concrete model. The
/// wildcard templates themselves are removed, so nothing ever sends "model": "*". Errors name the
/// run's `model:` line.
Result<void> resolveRunModels(ExperimentConfig &exp, ModelList &models);
/// Writes atomically; corpus/framework paths are written relative to `path`'s folder.
Result<void> saveExperiment(const ExperimentConfig &exp, const QString &path);
/// The YAML saveExperiment writes (unknown keys and key order of sourceYaml kept).
QByteArray serializeExperiment(const ExperimentConfig &exp, const QString &targetPath);

Result<Framework> loadFramework(const QString &path);
Result<Framework> parseFramework(const QByteArray &yaml, const QString &pathForMessages);
Result<void> saveFramework(const Framework &fw, const QString &path);
QByteArray serializeFramework(const Framework &fw);

} // namespace wb
