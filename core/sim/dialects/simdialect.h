#pragma once
// One wire format of the provider simulator: how a provider's requests are routed, authenticated
// and parsed, what it charges against its rate-limit windows, and how its replies, errors and
// rate-limit headers look. The server (simserver.cpp) handles sockets, timing and fault rolls and
// asks the call's dialect for everything provider-specific. The dialects mirror core/providers/:
// OpenAI, Anthropic and Gemini each have one; Mistral is the OpenAI dialect with its own
// differences.
//
// The admission and settlement rules here are the SIMULATOR'S OWN, written from the providers'
// documentation independently of the router's and the estimator's counting rules (core/limits).
// The simulator is the router's adversary in tests: sharing the rules would let a mistake in them
// pass unnoticed on both sides. Do not replace them with the engine's.
#include "core/sim/simconfig.h"
#include "core/sim/simformat.h"
#include "core/sim/simhttp.h"
#include "core/sim/simstats.h"
#include "core/sim/simwindow.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace wb::sim {

class SimDialect;

/// One key's (or pool's) rate-limit windows.
struct SimWindows {
    SimWindow rpm, tpm, itpm, otpm;
    /// The request limit over a short interval (SimKey::shortIntervalMs); unused when that is 0.
    SimWindow shortRpm;
    qint64 shortCapacity = 0;   ///< requests the short interval holds; 0: none
    explicit SimWindows(qint64 ms) : rpm(ms), tpm(ms), itpm(ms), otpm(ms), shortRpm(ms) {}
};

struct SimReply {
    enum class Action { Send, Reset, Hang };
    int status = 200;
    ResponseHeaders headers;
    QByteArray body;
    Action action = Action::Send;
};

/// One model call (or token count) that passed routing; filled in step by step by the server and
/// the dialect.
struct SimCall {
    const SimDialect *dialect = nullptr;   ///< the key's provider (set by authentication)
    bool countTokens = false;              ///< a token-count request: free, no windows
    const SimKey *key = nullptr;           ///< nullptr: accepted by accept_any_key, unlimited
    SimWindows *windows = nullptr;
    QString statsKey;
    QString model;
    QStringList messages;
    qint64 maxTokens = -1;                 ///< -1: not given
    qint64 promptTokens = 0;
    qint64 tpmCharge = 0;                  ///< tokens charged to tpm/itpm at admission
    SimWindow::EventId tpmEvent = 0;
    quint64 serial = 0;
    qint64 receivedAt = 0;
    /// The rate-limit headers as the call was admitted (SimKey::headersAtAdmission): what its reply shows.
    std::optional<ResponseHeaders> admittedHeaders;
};

/// Per window: how long until a rejected request fits (0 = it fits that window now).
struct SimWaits {
    qint64 rpm = 0, tokens = 0, otpm = 0;
    qint64 longest() const { return std::max({rpm, tokens, otpm}); }
};

/// Per window: time until the rejected request fits (on a 429), or -1 = until the window empties.
struct SimResets {
    qint64 rpm = -1, tpm = -1, itpm = -1, otpm = -1;
};

/// What the server lends a dialect while it builds a reply: ids and its clock.
class SimReplyContext {
public:
    /// A deterministic id (from the seed), e.g. randomId("req_", 32, true).
    virtual QString randomId(const char *prefix, int length, bool hex) = 0;
    /// Milliseconds of the server's monotonic clock (the windows' time).
    virtual qint64 now() const = 0;
    /// Wall-clock milliseconds at now() == 0, for absolute reset times and `created` stamps.
    virtual qint64 epochAtStart() const = 0;

protected:
    ~SimReplyContext() = default;
};

class SimDialect {
public:
    virtual ~SimDialect() = default;
    virtual Provider provider() const = 0;

    // ---- Requests --------------------------------------------------------------------------

    /// Whether this dialect serves `path`; marks token counts and takes a model named in the path.
    virtual bool route(const QString &path, SimCall &call) const = 0;
    /// The API key the request carries, empty when none.
    virtual QString apiKey(const HttpRequest &req) const = 0;
    /// The "key" is an OAuth access token from the simulator's token endpoint (Vertex AI).
    virtual bool usesAccessTokens() const { return false; }
    /// Whether keys of `keyProvider` may use this dialect's paths.
    virtual bool servesKeysOf(Provider keyProvider) const { return keyProvider == provider(); }
    /// A missing or unknown key (never echoing it).
    virtual SimReply unauthorized(SimReplyContext &ctx, bool missing) const = 0;
    /// Required headers besides the key; an error reply when one is missing.
    virtual std::optional<SimReply> checkHeaders(SimReplyContext &ctx, const HttpRequest &req) const;
    /// Reads model, messages and output limit from the body; an error reply when it is not acceptable.
    std::optional<SimReply> parseBody(SimReplyContext &ctx, const QByteArray &body, SimCall &call) const;
    /// A path no dialect serves, or a served path with a method other than POST.
    virtual SimReply badRoute(SimReplyContext &ctx, const QByteArray &method, const QString &path, bool known) const;

    // ---- The simulator's own admission rules (see the note at the top) ---------------------

    /// Tokens charged to the token window when the request is admitted.
    virtual qint64 admissionCharge(const SimCall &call) const = 0;
    /// The provider's own estimate of the request's input at admission (before it has counted).
    virtual qint64 promptEstimate(const SimCall &call) const { return call.promptTokens; }
    /// The limit and window the admission charge counts against.
    virtual qint64 tokenLimit(const SimKey &key) const { return key.tpm; }
    virtual SimWindow &tokenWindow(SimWindows &w) const { return w.tpm; }
    /// Whether a request also waits while the output-token window is full.
    virtual bool waitsForOutputWindow() const { return false; }
    /// Books what only the reply can tell; returns the tokens this call is charged in the end.
    virtual qint64 settle(SimCall &call, qint64 completion, qint64 now, SimKeyStats &stats) const;
    /// The organisation named in rate-limit messages: the key's pool when it has one.
    static QString organization(const SimCall &call);

    // ---- Replies ---------------------------------------------------------------------------

    virtual SimReply errorReply(SimReplyContext &ctx, int status, const QString &message, const QString &type,
                                const QString &code = {}, const QString &param = {}) const = 0;
    /// The provider's request-id header(s); returns the id ("" when the provider sends none).
    virtual QString addRequestId(SimReplyContext &ctx, SimReply &reply) const;
    virtual SimReply serverError(SimReplyContext &ctx) const = 0;
    virtual SimReply overloaded(SimReplyContext &ctx) const = 0;
    /// The 429 for a call that does not fit its windows now (call.key is set).
    virtual SimReply rateLimited(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits) const = 0;
    /// The 429 for a call the minute's windows admit but the short interval does not
    /// (SimKey::shortIntervalMs): by default the provider's usual refusal for requests.
    virtual SimReply refusedOverShortInterval(SimReplyContext &ctx, const SimCall &call, qint64 waitMs) const
    {
        SimWaits w;
        w.rpm = waitMs;
        return rateLimited(ctx, call, w);
    }
    /// The reply to a token-count request.
    virtual SimReply countTokensReply(SimReplyContext &ctx, const SimCall &call) const;
    /// A 200 with the reply text, its usage and the rate-limit headers.
    SimReply successReply(SimReplyContext &ctx, const SimCall &call, qint64 charged, const QString &text,
                          qint64 completion, bool truncated) const;
    /// The rate-limit headers of a call with a configured key (none for accept_any_key).
    ResponseHeaders rateLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged,
                                     const SimResets &resets) const;

protected:
    /// Error `type` for a request the dialect cannot accept.
    virtual QString invalidRequestType() const { return QStringLiteral("invalid_request_error"); }
    virtual SimReply invalidJson(SimReplyContext &ctx, const QString &parserError) const = 0;
    /// The provider-specific part of parseBody(): `body` is a JSON object.
    virtual std::optional<SimReply> parseRequest(SimReplyContext &ctx, const QJsonObject &body, SimCall &call) const = 0;
    virtual void writeLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged, const SimResets &resets,
                                   ResponseHeaders &headers) const;
    virtual QByteArray successBody(SimReplyContext &ctx, const SimCall &call, const QString &text, qint64 completion,
                                   bool truncated) const = 0;
    virtual void addSuccessHeaders(SimReplyContext &ctx, const SimCall &call, SimReply &reply) const;
    /// The Retry-After header of a 429 (when the request can fit at all) and the limit headers.
    void addRetryHeaders(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits, const SimResets &resets,
                         const QByteArray &retryAfterName, SimReply &reply) const;
};

// Helpers the dialects share.
namespace dialect_detail {
QByteArray toJson(const QJsonObject &o);
QByteArray num(qint64 v);
QJsonValue nullable(const QString &s);
/// A message's content as plain text: a string, or the text of [{type:"text", text}] blocks.
QString contentText(const QJsonValue &v);
/// A positive integer field: nullopt when absent, -2 when present but not a positive integer.
std::optional<qint64> positiveInt(const QJsonObject &o, QLatin1String name);
/// Reserved output tokens when a request gives no limit.
inline qint64 outputReserve(const SimCall &call) { return call.maxTokens >= 0 ? call.maxTokens : 4096; }
/// What is left of `limit` in a window now.
qint64 remaining(SimWindow &w, qint64 now, qint64 limit);
/// The reset time to advertise: the rejected request's wait when given, else until the window empties.
qint64 resetIn(SimWindow &w, qint64 now, qint64 override);
} // namespace dialect_detail

} // namespace wb::sim
