#pragma once
// The OpenAI chat-completions wire format of the simulator, and Mistral's variant of it (same path,
// request and key header; its own errors, headers, ids and token accounting).
#include "core/sim/dialects/simdialect.h"

namespace wb::sim {

class OpenAiDialect : public SimDialect {
public:
    Provider provider() const override { return Provider::OpenAI; }

    bool route(const QString &path, SimCall &call) const override;
    QString apiKey(const HttpRequest &req) const override;
    /// Mistral keys call the same path.
    bool servesKeysOf(Provider keyProvider) const override;
    SimReply unauthorized(SimReplyContext &ctx, bool missing) const override;

    /// The request's characters / 4 plus its output limit: OpenAI's own estimate, never settled
    /// (unless the key says SimKey::settleToUsage).
    qint64 admissionCharge(const SimCall &call) const override;
    qint64 settle(SimCall &call, qint64 completion, qint64 now, SimKeyStats &stats) const override;

    SimReply errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                        const QString &code = {}, const QString &param = {}) const override;
    QString addRequestId(SimReplyContext &ctx, SimReply &reply) const override;
    SimReply serverError(SimReplyContext &ctx) const override;
    SimReply overloaded(SimReplyContext &ctx) const override;
    SimReply rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const override;

protected:
    SimReply invalidJson(SimReplyContext &ctx, const QString &parserError) const override;
    std::optional<SimReply> parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const override;
    void writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged, const SimResets &resets,
                           ResponseHeaders &headers) const override;
    QByteArray successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                           bool truncated) const override;
    void addSuccessHeaders(SimReplyContext &ctx, const SimCall &call, SimReply &reply) const override;
    /// A chat.completion body with one choice; `extra` holds the provider's additional top-level fields.
    QByteArray chatCompletion(SimReplyContext &ctx, const SimCall &call, const QString &id, QJsonObject choice,
                              const QJsonObject &usage, QJsonObject extra, bool truncated) const;
};

class MistralDialect final : public OpenAiDialect {
public:
    Provider provider() const override { return Provider::Mistral; }

    /// Only the OpenAI dialect owns the path; Mistral calls reach this dialect through their key.
    bool route(const QString &, SimCall &) const override { return false; }
    bool servesKeysOf(Provider keyProvider) const override { return keyProvider == Provider::Mistral; }

    /// Prompt tokens plus the output limit, settled to the actual total when the reply is known.
    qint64 admissionCharge(const SimCall &call) const override;
    qint64 settle(SimCall &call, qint64 completion, qint64 now, SimKeyStats &stats) const override;

    SimReply errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                        const QString &code = {}, const QString &param = {}) const override;
    QString addRequestId(SimReplyContext &ctx, SimReply &reply) const override;
    SimReply serverError(SimReplyContext &ctx) const override;
    SimReply overloaded(SimReplyContext &ctx) const override;
    SimReply rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const override;

protected:
    SimReply invalidJson(SimReplyContext &ctx, const QString &parserError) const override;
    void writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged, const SimResets &resets,
                           ResponseHeaders &headers) const override;
    QByteArray successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                           bool truncated) const override;
    void addSuccessHeaders(SimReplyContext &, const SimCall &, SimReply &) const override {}
};

} // namespace wb::sim
