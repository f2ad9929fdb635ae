#pragma once
// Internal to core/sim: the batch endpoints of the provider simulator, in each provider's own wire
// format (docs/PROVIDERS.md, "Batch APIs in the simulator"; settings in docs/FORMATS.md):
//   OpenAI    POST /v1/files (multipart, purpose=batch), GET /v1/files/{id}[/content],
//             POST /v1/batches, GET /v1/batches/{id}, POST /v1/batches/{id}/cancel
//   Anthropic POST /v1/messages/batches, GET /v1/messages/batches/{id}[/results],
//             POST /v1/messages/batches/{id}/cancel
//   Gemini    POST /v1beta/models/{model}:batchGenerateContent (inline requests),
//             GET /v1beta/batches/{id}, POST /v1beta/batches/{id}:cancel
//   Mistral   POST /v1/files (a Mistral key), POST /v1/batch/jobs, GET /v1/batch/jobs/{id},
//             POST /v1/batch/jobs/{id}/cancel, GET /v1/files/{id}/content
//   simulator GET /sim/batch/custom_id?custom_id=X -> how often X was submitted
//
// A batch's state is a function of the clock: validating, then its requests finish one after the
// other over processing_ms, then finalizing; expiry and cancellation cut that short. Requests are
// kept compressed (chunks of request bodies), and replies are produced only when results are
// fetched, by the same reply logic as live calls, so the output never sits in memory.
#include "core/sim/dialects/simdialects.h"
#include "core/sim/simconfig.h"
#include "core/sim/simhttp.h"
#include "core/sim/simstats.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <functional>

#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace wb::sim {

/// A key's batch settings with the provider's defaults filled in.
struct SimBatchParams {
    qint64 validatingMs = 0, processingMs = 0, finalizingMs = 0, expireAfterMs = 0;
    qint64 maxRequests = 0, maxBytes = 0, enqueuedTokens = 0, queuedRequests = 0;
    double errorRate = 0;
};
/// Key settings over the config's, over the provider's real limits and a fast default timeline.
SimBatchParams resolveBatchParams(const SimConfig &config, const SimKey *key, Provider p);

class SimBatches {
public:
    SimBatches(const SimConfig &config, const SimDialects &dialects, SimBatchStats &stats);
    ~SimBatches();
    SimBatches(const SimBatches &) = delete;
    SimBatches &operator=(const SimBatches &) = delete;

    /// The reply when `path` is a batch endpoint; nothing when it is not one.
    std::optional<SimReply> handle(SimReplyContext &ctx, const HttpRequest &req, const QString &path);
    /// How many accepted batches carried this custom_id.
    qint64 submissions(const QByteArray &customId) const;

    struct Batch;
    struct File;
    struct Caller;
    struct State;
    struct Item;
    struct Builder;

private:
    std::optional<SimReply> authenticate(SimReplyContext &ctx, const HttpRequest &req, Provider pathProvider,
                                         bool mistralKeysToo, Caller &out) const;

    // OpenAI and Mistral
    SimReply uploadFile(SimReplyContext &ctx, const HttpRequest &req, const Caller &c);
    SimReply fileObject(SimReplyContext &ctx, const Caller &c, const QString &id, bool content);
    SimReply createOpenAi(SimReplyContext &ctx, const HttpRequest &req, const Caller &c);
    SimReply createMistral(SimReplyContext &ctx, const HttpRequest &req, const Caller &c);
    // Anthropic and Gemini
    SimReply createAnthropic(SimReplyContext &ctx, const HttpRequest &req, const Caller &c);
    SimReply createGemini(SimReplyContext &ctx, const HttpRequest &req, const Caller &c, const QString &model);
    SimReply anthropicResults(SimReplyContext &ctx, const HttpRequest &req, Batch &b);

    SimReply batchReply(SimReplyContext &ctx, const HttpRequest &req, Batch &b);
    SimReply cancel(SimReplyContext &ctx, const HttpRequest &req, Batch &b);
    Batch *findBatch(const QString &id, Provider p);
    SimReply notFound(SimReplyContext &ctx, Provider p, const QString &what) const;

    std::unique_ptr<Batch> newBatch(SimReplyContext &ctx, const Caller &c, QString id);
    /// Stores a created batch and counts its custom_ids (unless it failed validation).
    Batch &accept(SimReplyContext &ctx, std::unique_ptr<Batch> b);
    std::optional<QString> overQueue(SimReplyContext &ctx, const Batch &b) const;

    State stateAt(const Batch &b, qint64 t) const;
    bool itemErrored(const Batch &b, quint32 i) const;
    /// Every finished request's result, in the order the provider gives them.
    enum class Want { All, Succeeded, Failed };
    void forEachResult(SimReplyContext &ctx, Batch &b, Want want, const std::function<void(const Item &)> &fn);
    void produce(const SimDialect &d, Batch &b, quint32 i, const QByteArray &body, Item &item, bool countUsage);
    QByteArray resultFile(SimReplyContext &ctx, Batch &b, bool errors);

    const SimConfig &m_config;
    const SimDialects &m_dialects;
    SimBatchStats &m_stats;
    QHash<QString, const SimKey *> m_keys;
    std::map<QString, std::unique_ptr<Batch>> m_batches;
    std::map<QString, std::unique_ptr<File>> m_files;
    std::unordered_map<quint64, quint32> m_submissions;   // by hash of custom_id
    quint64 m_serial = 0;
};

} // namespace wb::sim
