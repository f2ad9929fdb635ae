#include "core/sim/simstats.h"

namespace wb {

QJsonObject SimStats::toJson() const
{
    QJsonObject keyObjects;
    for (auto it = keys.cbegin(); it != keys.cend(); ++it) {
        const SimKeyStats &k = it.value();
        keyObjects.insert(it.key(), QJsonObject{{QStringLiteral("requests"), k.requests},
                                                {QStringLiteral("ok"), k.ok},
                                                {QStringLiteral("http_429"), k.rateLimited},
                                                {QStringLiteral("faults"), k.faults},
                                                {QStringLiteral("tokens_charged"), k.tokensCharged},
                                                {QStringLiteral("prompt_tokens"), k.promptTokens},
                                                {QStringLiteral("completion_tokens"), k.completionTokens}});
    }
    return QJsonObject{{QStringLiteral("requests"), requests},
                       {QStringLiteral("ok"), ok},
                       {QStringLiteral("http_429"), rateLimited},
                       {QStringLiteral("auth_errors"), authErrors},
                       {QStringLiteral("bad_requests"), badRequests},
                       {QStringLiteral("faults"), QJsonObject{{QStringLiteral("http500"), http500},
                                                              {QStringLiteral("overloaded"), overloaded},
                                                              {QStringLiteral("reset"), resets},
                                                              {QStringLiteral("hang"), hangs},
                                                              {QStringLiteral("malformed"), malformed},
                                                              {QStringLiteral("invalid_json"), invalidJson}}},
                       {QStringLiteral("in_flight"), inFlight},
                       {QStringLiteral("max_in_flight"), maxInFlight},
                       {QStringLiteral("connections"), connections},
                       {QStringLiteral("token_requests"), tokenRequests},
                       {QStringLiteral("tokens_issued"), tokensIssued},
                       {QStringLiteral("keys"), keyObjects},
                       {QStringLiteral("batch"), batch.toJson()}};
}

QJsonObject SimBatchStats::toJson() const
{
    return QJsonObject{{QStringLiteral("batches_created"), batchesCreated},
                       {QStringLiteral("batches_refused"), batchesRefused},
                       {QStringLiteral("cancel_requests"), cancelRequests},
                       {QStringLiteral("requests_submitted"), requestsSubmitted},
                       {QStringLiteral("distinct_custom_ids"), distinctCustomIds},
                       {QStringLiteral("resubmitted"), resubmitted},
                       {QStringLiteral("max_submissions"), maxSubmissions},
                       {QStringLiteral("result_fetches"), resultFetches},
                       {QStringLiteral("succeeded"), succeeded},
                       {QStringLiteral("errored"), errored},
                       {QStringLiteral("expired"), expired},
                       {QStringLiteral("cancelled"), cancelled},
                       {QStringLiteral("prompt_tokens"), promptTokens},
                       {QStringLiteral("completion_tokens"), completionTokens}};
}

} // namespace wb
