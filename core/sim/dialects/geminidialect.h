#pragma once
// The Gemini generateContent / countTokens wire format of the simulator. Gemini sends no
// rate-limit headers; its 429 carries the wait in the body (RetryInfo).
#include "core/sim/dialects/simdialect.h"

namespace wb::sim {

class GeminiDialect : public SimDialect {
public:
    Provider provider() const override { return Provider::Gemini; }

    bool route(const QString &path, SimCall &call) const override;
    /// Requests under /v1beta that no dialect serves get Gemini's error format.
    static bool answersBadRoute(const QString &path);
    QString apiKey(const HttpRequest &req) const override;
    SimReply unauthorized(SimReplyContext &ctx, bool missing) const override;
    SimReply badRoute(SimReplyContext &ctx, const QByteArray &method, const QString &path, bool known) const override;

    /// Input tokens only.
    qint64 admissionCharge(const SimCall &call) const override;

    SimReply errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                        const QString &code = {}, const QString &param = {}) const override;
    SimReply serverError(SimReplyContext &ctx) const override;
    SimReply overloaded(SimReplyContext &ctx) const override;
    SimReply rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const override;
    SimReply countTokensReply(SimReplyContext &ctx, const SimCall &call) const override;

protected:
    QString invalidRequestType() const override { return QStringLiteral("INVALID_ARGUMENT"); }
    SimReply invalidJson(SimReplyContext &ctx, const QString &parserError) const override;
    std::optional<SimReply> parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const override;
    QByteArray successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                           bool truncated) const override;
};

} // namespace wb::sim
