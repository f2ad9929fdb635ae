#pragma once
// The provider simulator's batch settings (docs/FORMATS.md, "Simulator batch settings"): how fast a
// batch moves through its states, which of its requests fail, when it expires, and the provider's
// size and queue limits. Every field is optional: a key's `batch:` block overrides the top-level
// one, which overrides the provider's real defaults (resolveBatchParams).
#include <QString>
#include <optional>

namespace YAML { class Node; }

namespace wb {

struct Error;

struct SimBatchSettings {
    std::optional<qint64> validatingMs;      ///< validating / queued / pending before work starts
    std::optional<qint64> processingMs;      ///< from the start of work until every request is done (linear)
    std::optional<qint64> finalizingMs;      ///< finalizing (OpenAI), and cancelling -> cancelled
    std::optional<double> errorRate;         ///< fraction of requests that end with the provider's per-request error
    std::optional<qint64> expireAfterMs;     ///< from creation; unfinished requests then expire
    std::optional<qint64> maxRequests;       ///< requests per batch (0 = unlimited)
    std::optional<qint64> maxBytes;          ///< bytes per input file / inline request body (0 = unlimited)
    std::optional<qint64> enqueuedTokens;    ///< per key (pool) and model: input tokens of unfinished batches (0 = unlimited)
    std::optional<qint64> queuedRequests;    ///< per key (pool): requests of unfinished batches (0 = unlimited)
};

/// Reads a `batch:` mapping; returns the first problem (file, line, column, field) or nothing.
std::optional<Error> readSimBatchSettings(const YAML::Node &node, const QString &field, const QString &file,
                                          SimBatchSettings &out);

} // namespace wb
