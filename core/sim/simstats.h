#pragma once
// What the simulator has seen, for tests and for `GET /sim/stats`.
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace wb {

struct SimKeyStats {
    qint64 requests = 0;          ///< model calls received with this key (count endpoints excluded)
    qint64 ok = 0;                ///< 200 replies with a complete body (malformed / invalid_json faults excluded)
    qint64 rateLimited = 0;       ///< 429 replies
    qint64 faults = 0;            ///< injected faults of any kind
    qint64 tokensCharged = 0;     ///< tokens charged to the rate-limit windows (after settling)
    qint64 promptTokens = 0;      ///< reported prompt tokens of the replies sent
    qint64 completionTokens = 0;  ///< reported completion tokens of the replies sent
    qint64 firstRequestAt = -1;   ///< simulator clock (ms since start) of the first model call
    qint64 lastOkAt = -1;         ///< simulator clock (ms since start) of the last 200 reply
    /// Per 200 reply, in order: its final charge to the tpm window (Anthropic: itpm), for a
    /// benchmark's lower bound on the time the limits allow (tests/bench/bench_modes.cpp).
    QList<qint64> okCharges;
};

/// Batch endpoints (core/sim/simbatch.h). A request counts as submitted when its batch is accepted
/// for processing; `resubmitted` counts requests whose custom_id an earlier accepted batch already
/// carried (GET /sim/batch/custom_id?custom_id=X gives one id's count).
struct SimBatchStats {
    qint64 batchesCreated = 0;     ///< accepted for processing
    qint64 batchesRefused = 0;     ///< refused at creation or failed validation (limits, bad lines)
    qint64 cancelRequests = 0;
    qint64 requestsSubmitted = 0;
    qint64 distinctCustomIds = 0;
    qint64 resubmitted = 0;
    qint64 maxSubmissions = 0;     ///< the most times one custom_id was submitted
    qint64 resultFetches = 0;      ///< result files / result lists served
    qint64 succeeded = 0, errored = 0, expired = 0, cancelled = 0;   ///< per request, once per batch
    qint64 promptTokens = 0, completionTokens = 0;                  ///< reported usage of the succeeded requests
    qint64 storedBytes = 0;        ///< what the simulator keeps of batches and uploads (compressed requests, ids)
    QJsonObject toJson() const;
};

struct SimStats {
    qint64 requests = 0;       ///< every HTTP request to an API path
    qint64 ok = 0;             ///< 200s (incl. count_tokens / countTokens)
    qint64 rateLimited = 0;    ///< 429s
    qint64 authErrors = 0;     ///< 401/403 and Gemini's 400 API_KEY_INVALID
    qint64 badRequests = 0;    ///< other 4xx
    qint64 http500 = 0, overloaded = 0, resets = 0, hangs = 0, malformed = 0, invalidJson = 0;
    qint64 inFlight = 0;       ///< received, reply not yet sent (hung requests until their connection closes)
    qint64 maxInFlight = 0;
    qint64 connections = 0;    ///< connections accepted
    qint64 tokenRequests = 0;  ///< POST /token (Vertex AI service-account token exchanges)
    qint64 tokensIssued = 0;   ///< access tokens handed out
    /// By key name for configured keys; keys accepted by accept_any_key are grouped as
    /// "unknown:<provider>" so no real key ever shows up here.
    QMap<QString, SimKeyStats> keys;
    SimBatchStats batch;
    /// The wall clock (ms since the epoch) at the simulator clock's zero: fixed windows reset on
    /// the wall clock's multiples of the window, so this places them on the simulator's clock.
    qint64 clockEpochMs = 0;

    QJsonObject toJson() const;
};

} // namespace wb
