#include "core/sim/dialects/simdialect.h"

#include "core/sim/simlitellm.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace wb::sim {

namespace dialect_detail {

QByteArray toJson(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
QByteArray num(qint64 v) { return QByteArray::number(v); }
QJsonValue nullable(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }

QString contentText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    QString out;
    const QJsonArray blocks = v.toArray();
    for (const QJsonValue &b : blocks) {
        const QJsonValue t = b.toObject().value(QLatin1String("text"));
        if (t.isString()) {
            if (!out.isEmpty())
                out += u'\n';
            out += t.toString();
        }
    }
    return out;
}

std::optional<qint64> positiveInt(const QJsonObject &o, QLatin1String name)
{
    if (!o.contains(name) || o.value(name).isNull())
        return std::nullopt;
    const QJsonValue v = o.value(name);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 1 || d != std::floor(d))
        return -2;
    return qint64(d);
}

qint64 remaining(SimWindow &w, qint64 now, qint64 limit) { return std::max<qint64>(0, limit - w.used(now)); }

qint64 resetIn(SimWindow &w, qint64 now, qint64 override)
{
    return override >= 0 && override != SimWindow::kNever ? override : w.untilEmpty(now);
}

} // namespace dialect_detail

using namespace dialect_detail;

std::optional<SimReply> SimDialect::checkHeaders(SimReplyContext &, const HttpRequest &) const
{
    return std::nullopt;
}

std::optional<SimReply> SimDialect::parseBody(SimReplyContext &ctx, const QByteArray &body, SimCall &call) const
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    if (!doc.isObject())
        return invalidJson(ctx, err.errorString());
    const QJsonObject object = doc.object();
    if (object.value(QLatin1String("stream")).toBool())
        return errorReply(ctx, 400, QStringLiteral("stream=true is not supported by the provider simulator"),
                          invalidRequestType());
    return parseRequest(ctx, object, call);
}

SimReply SimDialect::badRoute(SimReplyContext &ctx, const QByteArray &method, const QString &path, bool known) const
{
    return errorReply(ctx, known ? 405 : 404,
                      QStringLiteral("Unknown request URL: %1 %2. Please check the URL for typos.")
                          .arg(QString::fromLatin1(method), path),
                      QStringLiteral("invalid_request_error"), QStringLiteral("unknown_url"));
}

qint64 SimDialect::settle(SimCall &call, qint64, qint64, SimKeyStats &) const
{
    return call.tpmCharge;
}

QString SimDialect::organization(const SimCall &call)
{
    return call.key && !call.key->pool.isEmpty() ? QStringLiteral("org-") + call.key->pool : QStringLiteral("org-simulator");
}

QString SimDialect::addRequestId(SimReplyContext &, SimReply &) const
{
    return {};
}

SimReply SimDialect::countTokensReply(SimReplyContext &ctx, const SimCall &) const
{
    // Only dialects that route token counts override this; reaching it is a routing mistake.
    return errorReply(ctx, 404, QStringLiteral("token counting is not offered here"), invalidRequestType());
}

SimReply SimDialect::successReply(SimReplyContext &ctx, const SimCall &call, qint64 charged, const QString &text,
                                  qint64 completion, bool truncated) const
{
    SimReply r;
    r.headers = call.admittedHeaders ? *call.admittedHeaders : rateLimitHeaders(ctx, call, charged, {});
    r.body = successBody(ctx, call, text, completion, truncated);
    addSuccessHeaders(ctx, call, r);
    if (call.key && call.key->litellmProxy)
        addLiteLlmProxyHeaders(ctx, call, completion, r);
    addRequestId(ctx, r);
    return r;
}

ResponseHeaders SimDialect::rateLimitHeaders(SimReplyContext &ctx, const SimCall &call, qint64 charged,
                                             const SimResets &resets) const
{
    ResponseHeaders h;
    if (call.key && call.key->limitHeaders)
        writeLimitHeaders(ctx, call, charged, resets, h);
    return h;
}

void SimDialect::writeLimitHeaders(SimReplyContext &, const SimCall &, qint64, const SimResets &, ResponseHeaders &) const
{
}

void SimDialect::addSuccessHeaders(SimReplyContext &, const SimCall &, SimReply &) const
{
}

void SimDialect::addRetryHeaders(SimReplyContext &ctx, const SimCall &call, const SimWaits &waits,
                                 const SimResets &resets, const QByteArray &retryAfterName, SimReply &reply) const
{
    reply.headers += rateLimitHeaders(ctx, call, call.tpmCharge, resets);
    const qint64 wait = waits.longest();
    if (wait != SimWindow::kNever)
        reply.headers.emplaceBack(retryAfterName, num(ceilSeconds(wait)));
}

} // namespace wb::sim
