#pragma once
// Exact prompt-token counts from the providers' own count-tokens endpoints (Anthropic
// POST /v1/messages/count_tokens, Gemini POST …/models/{model}:countTokens) for a small sample of
// requests, fed into a TokenEstimator so that later counts for those provider/models use the
// endpoint-derived factor and report CountMethod::CountTokensEndpoint.
//
// Counting is best effort: a deployment without an endpoint, without a key, answering 4xx/5xx or
// unreachable is reported in its CountTokensOutcome and never fails the caller; the estimate then
// keeps its (calibrated) factor.
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/providers/providertypes.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace wb {

class TokenEstimator;
struct EstimateInput;

/// One request to count on one deployment.
struct CountTokensSample {
    QString deploymentId;
    ChatRequest request;
    QString label;            ///< for the caller's messages (run:text id, file path); never sent
};

/// What counting one sample gave.
struct CountTokensResult {
    std::optional<qint64> tokens;   ///< the endpoint's count (the whole request, framing included)
    qint64 baseTokens = 0;          ///< TokenEstimator::baseTokens() of the request (o200k)
    QString error;                  ///< why there is no count
};

/// What counting gave for one deployment.
struct CountTokensOutcome {
    QString deploymentId, modelName, provider, model;
    int requested = 0, counted = 0;
    qint64 baseTokens = 0;      ///< o200k base count of the counted requests
    qint64 exactTokens = 0;     ///< the endpoint's counts of them, summed
    bool skipped = false;       ///< the provider has no count-tokens endpoint: nothing was sent
    QString error;              ///< first failure (no key, HTTP status and provider message, network); never a key
    bool ok() const { return !skipped && requested > 0 && counted == requested; }
    /// exact / base over what was counted; 0 when nothing was.
    double factor() const { return baseTokens > 0 ? double(exactTokens) / double(baseTokens) : 0.0; }
};

/// Sends sample requests to count-tokens endpoints and collects the counts. One object per batch
/// of samples; lives on a worker/engine thread or on the CLI's main thread with an event loop —
/// never the UI thread (it tokenizes each sample to calibrate). start() only schedules; exactly one
/// finished() follows unless cancel() is called (cancellation is quiet). Not self-deleting: read
/// results()/outcomes() after finished().
///
/// Count endpoints have their own rate limits (Anthropic's are per minute like the Messages API),
/// so at most maxParallel() requests are in flight (2 per deployment); a 429/529/503 waits for the
/// provider's retry-after (capped at 10 s) and retries that sample once. An auth or other 4xx
/// failure stops counting on that deployment: its remaining samples fail with the same message.
class CountTokens final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CountTokens)
public:
    /// keys: deployment id -> API key (a deployment without one is reported "no API key").
    /// estimator: fed every exact count (observeEndpointCount); may be null.
    CountTokens(ModelList models, QHash<QString, QString> keys, std::shared_ptr<TokenEstimator> estimator = {},
                QObject *parent = nullptr);
    ~CountTokens() override;

    /// The provider's wire format has a count-tokens endpoint (anthropic, gemini, vertex_ai).
    static bool hasEndpoint(const QString &provider);

    /// Before start(). Samples for unknown deployments are reported as errors, for deployments
    /// without an endpoint as skipped.
    void addSample(CountTokensSample sample);
    void addSamples(const QList<CountTokensSample> &samples);
    void setMaxParallel(int n);                 ///< default 3, at least 1
    int maxParallel() const { return m_maxParallel; }
    void setTimeoutMs(int ms);                  ///< per request transfer timeout, default 30 000
    /// Uses this manager instead of an own one (tests replay canned replies through it).
    void setNetworkAccessManager(QNetworkAccessManager *nam);

    void start();
    void cancel();

    const QList<CountTokensSample> &samples() const { return m_samples; }
    /// Parallel to samples().
    const QList<CountTokensResult> &results() const { return m_results; }
    /// One per deployment that had samples, in order of first sample.
    const QList<CountTokensOutcome> &outcomes() const { return m_outcomes; }

signals:
    void progress(int done, int total);
    void finished();

private:
    void pump();
    void send(int index);
    void onReply(int index, QNetworkReply *reply);
    void complete(int index, std::optional<qint64> tokens, const QString &error);
    void failRemaining(const QString &deploymentId, const QString &error);
    int outcomeIndex(const QString &deploymentId);
    void checkDone();

    ModelList m_models;
    QHash<QString, QString> m_keys;
    std::shared_ptr<TokenEstimator> m_estimator;
    QList<CountTokensSample> m_samples;
    QList<CountTokensResult> m_results;
    QList<CountTokensOutcome> m_outcomes;
    QList<int> m_queue;                         // sample indices waiting to be sent
    QHash<int, int> m_retries;                  // sample index -> retries spent
    QHash<QString, int> m_inFlightPerDeployment;
    QHash<QString, QString> m_stopped;          // deployment id -> error that stops it
    QList<QNetworkReply *> m_replies;
    QNetworkAccessManager *m_nam = nullptr;
    int m_maxParallel = 3;
    int m_timeoutMs = 30'000;
    int m_inFlight = 0, m_waiting = 0, m_done = 0;
    bool m_started = false, m_finished = false, m_cancelled = false;
};

/// The sample for an estimate: for every run whose group has a deployment with a count-tokens
/// endpoint, up to `perRun` of its texts (spread evenly over the run's selection), each built with
/// in.buildPrompt as a one-text call, for each distinct provider/model of the group that has an
/// endpoint — on its first deployment with a key in `keys` (or its first deployment at all, so the
/// missing key is reported). Identical requests to one deployment are sent once.
struct CountTokensPlan {
    QList<CountTokensSample> samples;
    QStringList runs;                 ///< run ids sampled
    QStringList skippedDeployments;   ///< of the runs' groups, without an endpoint (OpenAI, Mistral, …)
};
CountTokensPlan planCountTokens(const EstimateInput &in, const QHash<QString, QString> &keys, int perRun = 8);

} // namespace wb
