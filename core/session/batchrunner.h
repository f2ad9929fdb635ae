#pragma once
// Runs calls through the providers' batch APIs (docs/FORMATS.md, "Batch execution"): packs the
// calls it is given into batches per deployment (split by the provider's requests and bytes per
// batch and by each key's enqueued-token limit, keys balanced over the group's deployments),
// stores every batch with its items before it is sent, polls with back-off, and hands each item's
// reply back to the runner, which validates and stores it exactly like a live reply. Lives on the
// runner's thread and never blocks it.
#include "core/config/experimentconfig.h"
#include "core/providers/batchwire.h"
#include "core/storage/batchstore.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace wb {

class LedgerBudget;
struct PlannedRun;
struct PreparedRun;

/// One item's outcome, for the runner.
struct BatchItemOutcome {
    enum class Kind { Reply, Expired, Cancelled, Failed } kind = Kind::Reply;
    const PlannedRun *run = nullptr;
    QList<qint64> jobIds;
    std::optional<ChatRequest> reask;   ///< the re-ask this item carried (empty: the job's own prompt)
    ParsedReply reply;                  ///< Kind::Reply: completion or the provider's error
    QString error;                      ///< Kind::Failed/Expired/Cancelled: the provider's reason
    QString deploymentId, provider, group, batchId;
    qint64 costMicros = 0;              ///< at the batch price
    qint64 latencyMs = 0;               ///< from the batch's creation to its results
    qint64 baseTokens = 0;              ///< o200k count of the prompt, for calibration
};

/// A batch as `discernus status` and the Run page show it.
struct BatchView {
    QString providerBatchId, provider, deploymentId, state;
    qint64 requests = 0, succeeded = 0, failed = 0, expired = 0, cancelled = 0;
    QDateTime createdAt;
};

class BatchRunner final : public QObject {
    Q_OBJECT
public:
    /// `buildRequest` builds a call's prompt (the runner's prompt builder) when its batch is packed.
    BatchRunner(PreparedRun &run, QHash<QString, QString> apiKeys,
                std::function<ChatRequest(const PlannedRun *, const QList<qint64> &)> buildRequest, QObject *parent = nullptr);
    ~BatchRunner() override;

    /// The batches a previous process left open (or ended and not collected): polled again. Returns
    /// the jobs they carry, which must not be planned again. Batches that were never confirmed by the
    /// provider (killed during the create) are closed and their jobs returned to planning.
    /// `heldElsewhere` (a shared run store): true for jobs another live worker holds — its
    /// batches are left to it, neither polled nor closed here.
    QSet<qint64> resumeOpen(const std::function<bool(const QList<qint64> &)> &heldElsewhere = {});
    /// Jobs just claimed from the shared run store: a batch a worker left open when its leases ran
    /// out (it died) is adopted — polled here — instead of its jobs being sent again. Returns the
    /// jobs of the batches adopted.
    QSet<qint64> adoptForClaimed(const QList<qint64> &claimed);
    /// Queues a call; submitted from the event loop (several calls share a batch).
    void enqueue(const PlannedRun *run, const QList<qint64> &jobIds, std::optional<ChatRequest> reask = std::nullopt);
    /// Stops submitting and polling (the run ends; open batches stay open for --resume). Returns
    /// the jobs that were queued and never submitted.
    QList<qint64> stop();
    /// Jobs in batches open at the provider (what stop() leaves to --resume).
    qint64 openJobs() const;
    /// Cancels every open batch at its provider; their items come back as cancelled.
    void cancelOpen();
    /// Jobs in queued or open batches.
    qint64 pendingJobs() const;
    bool hasOpenBatches() const { return !m_open.isEmpty(); }
    QList<BatchView> view() const;
    /// Whether a group has a deployment whose batch API we speak (otherwise its runs stay live).
    bool supportsGroup(const QString &group) const;

signals:
    void itemFinished(const wb::BatchItemOutcome &outcome);
    /// Jobs never submitted because the budget could be exceeded (back to pending).
    void budgetRefused(const QList<qint64> &jobIds);
    /// A batch's items have all been handed over; the runner stores them before it is marked collected.
    void batchCollected();
    void event(const QString &message);

private:
    struct Item {
        QString customId;
        const PlannedRun *run = nullptr;
        QList<qint64> jobIds;
        std::optional<ChatRequest> reask;
        qint64 reservedMicros = 0;   ///< held in the budget (reserveBounded)
        qint64 boundMicros = 0;
        qint64 inputTokens = 0;
        qint64 baseTokens = 0;
    };
    struct Open {
        BatchRow row;
        std::unique_ptr<BatchWire> wire;
        QHash<QString, Item> items;
        QString keyId;
        qint64 nextPollMs = 0;
        qint64 intervalMs = 0;
        bool busy = false;        ///< a request of this batch is in flight
        int submitFailures = 0;
        QList<QByteArray> lines;  ///< until the provider has the input
        QList<BatchItemResult> results;   ///< gathered from the result files
        QStringList sources;              ///< result files still to fetch
    };
    struct Queued {
        const PlannedRun *run = nullptr;
        QList<qint64> jobIds;
        std::optional<ChatRequest> reask;
    };

    void scheduleSubmit();
    void submitQueued();
    void startSubmit(Open &b);
    void onTimer();
    void poll(Open &b);
    void fetchResults(Open &b);
    void collect(Open &b, const QList<BatchItemResult> &results);
    void finishBatchItems(Open &b, BatchItemOutcome::Kind kind, const QString &reason);
    void closeBatch(qint64 rowId);
    void send(Open &b, const BuiltRequest &req, bool post, std::function<void(int, const QByteArray &)> done);
    void saveRow(Open &b);
    const Deployment *pickDeployment(const QString &group, qint64 tokens) const;
    QString keyIdOf(const Deployment &d) const;
    LedgerBudget *budget() const;
    BatchItemOutcome outcomeFor(const Open &b, const Item &item) const;

    PreparedRun &m_p;
    QHash<QString, QString> m_keys;
    std::function<ChatRequest(const PlannedRun *, const QList<qint64> &)> m_build;
    BatchStore m_store;
    QNetworkAccessManager *m_nam = nullptr;
    QTimer *m_timer = nullptr;
    std::deque<Queued> m_queue;
    QHash<qint64, std::shared_ptr<Open>> m_open;   // by batches.id
    std::function<bool(const QList<qint64> &)> m_heldElsewhere;   // shared run store: another live worker's jobs
    QHash<qint64, QSet<qint64>> m_elsewhere;        // batches.id -> jobs: open batches another worker polls
    QSet<qint64> scanOpen(const QSet<qint64> *claimed);
    QHash<QString, qint64> m_enqueuedTokens;        // by key id (a hash, never the key)
    QHash<qint64, int> m_sends;                     // by a call's first job id: items sent so far
    qint64 m_queuedJobs = 0;
    bool m_submitScheduled = false;
    bool m_stopped = false;
    bool m_budgetStopped = false;
    QSet<QNetworkReply *> m_replies;
};

/// Cancels every batch a results database holds open at its provider (`discernus cancel-batches`).
/// The batches stay uncollected: the next --resume polls them and returns their unfinished jobs to
/// pending. finished() follows start() exactly once, never from inside it.
class BatchCancelJob final : public QObject {
    Q_OBJECT
public:
    BatchCancelJob(ModelList models, QHash<QString, QString> apiKeys, QString dbPath, QObject *parent = nullptr);
    ~BatchCancelJob() override;
    void start();
    int cancelled = 0;          ///< batches the provider accepted the cancel for
    QStringList problems;       ///< one line per batch that could not be cancelled

signals:
    void finished();

private:
    void done();
    ModelList m_models;
    QHash<QString, QString> m_keys;
    QString m_dbPath;
    QNetworkAccessManager *m_nam = nullptr;
    int m_pending = 0;
};

} // namespace wb
