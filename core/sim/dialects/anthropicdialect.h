#pragma once
// The Anthropic Messages wire format of the simulator (messages and count_tokens).
#include "core/sim/dialects/simdialect.h"

namespace wb::sim {

class AnthropicDialect final : public SimDialect {
public:
    Provider provider() const override { return Provider::Anthropic; }

    bool route(const QString &path, SimCall &call) const override;
    QString apiKey(const HttpRequest &req) const override;
    SimReply unauthorized(SimReplyContext &ctx, bool missing) const override;
    /// anthropic-version is required.
    std::optional<SimReply> checkHeaders(SimReplyContext &ctx, const HttpRequest &req) const override;

    /// Input tokens only, against the input-token window; output is booked when the reply is known,
    /// and a request waits while the output window is full.
    qint64 admissionCharge(const SimCall &call) const override;
    qint64 tokenLimit(const SimKey &key) const override { return key.itpm; }
    SimWindow &tokenWindow(SimWindows &w) const override { return w.itpm; }
    bool waitsForOutputWindow() const override { return true; }
    qint64 settle(SimCall &call, qint64 completion, qint64 now, SimKeyStats &stats) const override;

    SimReply errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                        const QString &code = {}, const QString &param = {}) const override;
    QString addRequestId(SimReplyContext &ctx, SimReply &reply) const override;
    SimReply serverError(SimReplyContext &ctx) const override;
    SimReply overloaded(SimReplyContext &ctx) const override;
    SimReply rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const override;
    /// "This request would exceed your account's rate limit": no limit named, the headers as the
    /// minute's buckets stand.
    SimReply refusedOverShortInterval(SimReplyContext &ctx, const SimCall &call, qint64 waitMs) const override;
    SimReply countTokensReply(SimReplyContext &ctx, const SimCall &call) const override;

protected:
    SimReply invalidJson(SimReplyContext &ctx, const QString &parserError) const override;
    std::optional<SimReply> parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const override;
    void writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged, const SimResets &resets,
                           ResponseHeaders &headers) const override;
    QByteArray successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                           bool truncated) const override;
};

} // namespace wb::sim
