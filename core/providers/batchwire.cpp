#include "core/providers/batchwire.h"

#include "core/common/provider.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUuid>

namespace wb {

namespace {

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

qint64 number(const QJsonValue &v)
{
    // Gemini writes int64 counts as strings.
    return v.isString() ? v.toString().toLongLong() : v.toInteger();
}

QString chopSuffix(QString s, QLatin1String suffix)
{
    if (s.endsWith(suffix))
        s.chop(suffix.size());
    return s;
}

BatchState openAiState(const QString &s)
{
    if (s == u"validating")
        return BatchState::Validating;
    if (s == u"finalizing")
        return BatchState::Finalizing;
    if (s == u"cancelling")
        return BatchState::Cancelling;
    if (s == u"completed")
        return BatchState::Ended;
    if (s == u"failed")
        return BatchState::Failed;
    if (s == u"expired")
        return BatchState::Expired;
    if (s == u"cancelled")
        return BatchState::Cancelled;
    return BatchState::InProgress;
}

BatchState mistralState(const QString &s)
{
    if (s == u"QUEUED")
        return BatchState::Validating;
    if (s == u"SUCCESS")
        return BatchState::Ended;
    if (s == u"FAILED")
        return BatchState::Failed;
    if (s == u"TIMEOUT_EXCEEDED")
        return BatchState::Expired;
    if (s == u"CANCELLATION_REQUESTED")
        return BatchState::Cancelling;
    if (s == u"CANCELLED")
        return BatchState::Cancelled;
    return BatchState::InProgress;
}

BatchState geminiState(QString s)
{
    // The REST API says BATCH_STATE_*, the SDKs JOB_STATE_*.
    s.remove(QLatin1String("BATCH_STATE_")).remove(QLatin1String("JOB_STATE_"));
    if (s == u"PENDING" || s == u"QUEUED")
        return BatchState::Validating;
    if (s == u"SUCCEEDED")
        return BatchState::Ended;
    if (s == u"FAILED")
        return BatchState::Failed;
    if (s == u"EXPIRED")
        return BatchState::Expired;
    if (s == u"CANCELLING")
        return BatchState::Cancelling;
    if (s == u"CANCELLED")
        return BatchState::Cancelled;
    return BatchState::InProgress;
}

/// An item's error in the shape the live parser reads, with the status it implies.
int statusForAnthropicError(const QString &type)
{
    if (type == u"invalid_request_error")
        return 400;
    if (type == u"authentication_error")
        return 401;
    if (type == u"permission_error")
        return 403;
    if (type == u"not_found_error")
        return 404;
    if (type == u"rate_limit_error")
        return 429;
    if (type == u"overloaded_error")
        return 529;
    return 500;
}

} // namespace

BatchDialect batchDialectFor(const QString &provider)
{
    switch (providerKind(provider)) {
    case ProviderKind::OpenAi: return BatchDialect::OpenAi;
    case ProviderKind::Mistral: return BatchDialect::Mistral;
    case ProviderKind::Anthropic: return BatchDialect::Anthropic;
    case ProviderKind::Gemini: return BatchDialect::Gemini;
    default: return BatchDialect::None;
    }
}

QString batchDialectName(BatchDialect d)
{
    switch (d) {
    case BatchDialect::OpenAi: return QStringLiteral("openai");
    case BatchDialect::Mistral: return QStringLiteral("mistral");
    case BatchDialect::Anthropic: return QStringLiteral("anthropic");
    case BatchDialect::Gemini: return QStringLiteral("gemini");
    case BatchDialect::None: break;
    }
    return {};
}

QString batchUnsupportedReason(const QString &provider)
{
    if (batchDialectFor(provider) != BatchDialect::None)
        return {};
    switch (providerKind(provider)) {
    case ProviderKind::VertexAi:
        return QStringLiteral("vertex_ai: Vertex AI batch prediction takes its input from a Cloud Storage bucket or a "
                              "BigQuery table and writes its output there, which a run does not use");
    case ProviderKind::Azure:
        return QStringLiteral("azure: Azure OpenAI batches need a Global Batch deployment and are not spoken yet");
    default:
        return QStringLiteral("%1: no batch API").arg(provider.isEmpty() ? QStringLiteral("(no provider)") : provider);
    }
}

BatchLimits batchLimits(BatchDialect d)
{
    constexpr qint64 MB = 1024 * 1024;
    switch (d) {
    case BatchDialect::OpenAi: return {50000, 200 * MB};
    case BatchDialect::Mistral: return {100000, 512 * MB};     // the lower of the published figures
    case BatchDialect::Anthropic: return {100000, 256 * MB};
    case BatchDialect::Gemini: return {100000, 20 * MB};       // inline requests
    case BatchDialect::None: break;
    }
    return {0, 0};
}

QString batchStateName(BatchState s)
{
    switch (s) {
    case BatchState::Submitting: return QStringLiteral("submitting");
    case BatchState::Validating: return QStringLiteral("validating");
    case BatchState::InProgress: return QStringLiteral("in_progress");
    case BatchState::Finalizing: return QStringLiteral("finalizing");
    case BatchState::Cancelling: return QStringLiteral("cancelling");
    case BatchState::Ended: return QStringLiteral("ended");
    case BatchState::Failed: return QStringLiteral("failed");
    case BatchState::Expired: return QStringLiteral("expired");
    case BatchState::Cancelled: return QStringLiteral("cancelled");
    }
    return QStringLiteral("in_progress");
}

BatchState batchStateFromName(const QString &name)
{
    for (int i = int(BatchState::Submitting); i <= int(BatchState::Cancelled); ++i)
        if (batchStateName(BatchState(i)) == name)
            return BatchState(i);
    return BatchState::InProgress;
}

BatchWire::BatchWire(const Deployment &d, const QString &apiKey)
    : m_dialect(batchDialectFor(d.provider)), m_deployment(d), m_adapter(ProviderAdapter::forProvider(d.provider))
{
    const BuiltRequest probe = m_adapter->buildChat(d, apiKey, ChatRequest{});
    m_chatUrl = probe.request.url();
    for (const QByteArray &name : probe.request.rawHeaderList())
        if (name.compare("content-type", Qt::CaseInsensitive) != 0)
            m_authHeaders.append({name, probe.request.rawHeader(name)});
    const QString url = m_chatUrl.toString(QUrl::RemoveQuery);
    switch (m_dialect) {
    case BatchDialect::OpenAi:
    case BatchDialect::Mistral: m_root = chopSuffix(url, QLatin1String("/chat/completions")); break;
    case BatchDialect::Anthropic: m_root = url; break;
    case BatchDialect::Gemini: m_root = url.left(std::max<qsizetype>(0, url.indexOf(QLatin1String("/v1beta/")))); break;
    case BatchDialect::None: break;
    }
}

BuiltRequest BatchWire::withAuth(const QUrl &url, QByteArray body, const QByteArray &contentType) const
{
    BuiltRequest out;
    out.request = QNetworkRequest(url);
    out.request.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    if (!contentType.isEmpty())
        out.request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    for (const auto &[name, value] : m_authHeaders)
        out.request.setRawHeader(name, value);
    if (QUrl q(m_chatUrl); q.hasQuery() && !url.hasQuery()) {   // a key passed as ?key=
        QUrl u = url;
        u.setQuery(q.query());
        out.request.setUrl(u);
    }
    out.body = std::move(body);
    return out;
}

QByteArray BatchWire::item(const QString &customId, const ChatRequest &req) const
{
    const QJsonObject body = parseObject(m_adapter->buildChat(m_deployment, QString(), req).body);
    QJsonObject line;
    switch (m_dialect) {
    case BatchDialect::OpenAi:
        line = {{QStringLiteral("custom_id"), customId},
                {QStringLiteral("method"), QStringLiteral("POST")},
                {QStringLiteral("url"), QStringLiteral("/v1/chat/completions")},
                {QStringLiteral("body"), body}};
        break;
    case BatchDialect::Mistral:
        // The job names the model too; a line that repeats it is accepted.
        line = {{QStringLiteral("custom_id"), customId}, {QStringLiteral("body"), body}};
        break;
    case BatchDialect::Anthropic:
        line = {{QStringLiteral("custom_id"), customId}, {QStringLiteral("params"), body}};
        break;
    case BatchDialect::Gemini:
        line = {{QStringLiteral("request"), body},
                {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("key"), customId}}}};
        break;
    case BatchDialect::None: break;
    }
    return compact(line);
}

BuiltRequest BatchWire::upload(const QList<QByteArray> &items, const QString &fileName) const
{
    const QByteArray boundary = "wb-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    QByteArray body;
    qint64 size = 512;
    for (const QByteArray &i : items)
        size += i.size() + 1;
    body.reserve(size);
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n";
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName.toUtf8()
            + "\"\r\nContent-Type: application/jsonl\r\n\r\n";
    for (const QByteArray &i : items) {
        body += i;
        body += '\n';
    }
    body += "\r\n--" + boundary + "--\r\n";
    return withAuth(QUrl(m_root + QLatin1String("/files")), std::move(body), "multipart/form-data; boundary=" + boundary);
}

BuiltRequest BatchWire::create(const QString &fileId, const QList<QByteArray> &items, const QString &displayName) const
{
    auto joined = [&items] {
        QByteArray a;
        a.append('[');
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (i)
                a.append(',');
            a.append(items[i]);
        }
        a.append(']');
        return a;
    };
    switch (m_dialect) {
    case BatchDialect::OpenAi:
        return withAuth(QUrl(m_root + QLatin1String("/batches")),
                        compact({{QStringLiteral("input_file_id"), fileId},
                                 {QStringLiteral("endpoint"), QStringLiteral("/v1/chat/completions")},
                                 {QStringLiteral("completion_window"), QStringLiteral("24h")},
                                 {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("description"), displayName}}}}),
                        "application/json");
    case BatchDialect::Mistral:
        return withAuth(QUrl(m_root + QLatin1String("/batch/jobs")),
                        compact({{QStringLiteral("input_files"), QJsonArray{fileId}},
                                 {QStringLiteral("endpoint"), QStringLiteral("/v1/chat/completions")},
                                 {QStringLiteral("model"), m_deployment.model},
                                 {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("description"), displayName}}},
                                 {QStringLiteral("timeout_hours"), 24}}),
                        "application/json");
    case BatchDialect::Anthropic:
        // Written by hand around the items so 100,000 requests are not parsed into a DOM again.
        return withAuth(QUrl(m_root + QLatin1String("/batches")), "{\"requests\":" + joined() + '}', "application/json");
    case BatchDialect::Gemini: {
        QUrl url(m_chatUrl.toString(QUrl::RemoveQuery));
        url.setPath(url.path().replace(QLatin1String(":generateContent"), QLatin1String(":batchGenerateContent")));
        const QByteArray name = QJsonDocument(QJsonArray{displayName}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
        return withAuth(url,
                        "{\"batch\":{\"display_name\":" + name + ",\"input_config\":{\"requests\":{\"requests\":" + joined() + "}}}}",
                        "application/json");
    }
    case BatchDialect::None: break;
    }
    return {};
}

BuiltRequest BatchWire::status(const QString &batchId) const
{
    switch (m_dialect) {
    case BatchDialect::OpenAi: return withAuth(QUrl(m_root + QLatin1String("/batches/") + batchId), {}, {});
    case BatchDialect::Mistral: return withAuth(QUrl(m_root + QLatin1String("/batch/jobs/") + batchId), {}, {});
    case BatchDialect::Anthropic: return withAuth(QUrl(m_root + QLatin1String("/batches/") + batchId), {}, {});
    case BatchDialect::Gemini: return withAuth(QUrl(m_root + QLatin1String("/v1beta/") + batchId), {}, {});
    case BatchDialect::None: break;
    }
    return {};
}

BuiltRequest BatchWire::cancel(const QString &batchId) const
{
    QString url;
    switch (m_dialect) {
    case BatchDialect::OpenAi: url = m_root + QLatin1String("/batches/") + batchId + QLatin1String("/cancel"); break;
    case BatchDialect::Mistral: url = m_root + QLatin1String("/batch/jobs/") + batchId + QLatin1String("/cancel"); break;
    case BatchDialect::Anthropic: url = m_root + QLatin1String("/batches/") + batchId + QLatin1String("/cancel"); break;
    case BatchDialect::Gemini: url = m_root + QLatin1String("/v1beta/") + batchId + QLatin1String(":cancel"); break;
    case BatchDialect::None: break;
    }
    return withAuth(QUrl(url), QByteArrayLiteral("{}"), "application/json");
}

BuiltRequest BatchWire::results(const QString &fileOrUrl) const
{
    if (fileOrUrl.startsWith(QLatin1String("http://")) || fileOrUrl.startsWith(QLatin1String("https://")))
        return withAuth(QUrl(fileOrUrl), {}, {});
    switch (m_dialect) {
    case BatchDialect::OpenAi:
    case BatchDialect::Mistral:
        return withAuth(QUrl(m_root + QLatin1String("/files/") + fileOrUrl + QLatin1String("/content")), {}, {});
    case BatchDialect::Anthropic:
        return withAuth(QUrl(m_root + QLatin1String("/batches/") + fileOrUrl + QLatin1String("/results")), {}, {});
    case BatchDialect::Gemini:
        return withAuth(QUrl(m_root + QLatin1String("/download/v1beta/") + fileOrUrl + QLatin1String(":download?alt=media")), {}, {});
    case BatchDialect::None: break;
    }
    return {};
}

ProviderError BatchWire::errorOf(int httpStatus, const QByteArray &body) const
{
    const ParsedReply r = m_adapter->parse(httpStatus >= 400 ? httpStatus : 500, {}, body);
    if (r.error)
        return *r.error;
    ProviderError e;
    e.errorClass = ErrorClass::Transient;
    e.httpStatus = httpStatus;
    e.message = QStringLiteral("unexpected reply: ") + QString::fromUtf8(body.left(200));
    return e;
}

Result<QString> BatchWire::parseUpload(int httpStatus, const QByteArray &body) const
{
    const QString id = parseObject(body).value(QLatin1String("id")).toString();
    if (httpStatus / 100 != 2 || id.isEmpty())
        return fail(QStringLiteral("file upload refused: ") + errorOf(httpStatus, body).message);
    return id;
}

Result<BatchStatus> BatchWire::parseStatus(int httpStatus, const QByteArray &body) const
{
    const QJsonObject o = parseObject(body);
    if (httpStatus / 100 != 2 || o.isEmpty())
        return fail(errorOf(httpStatus, body).message);
    BatchStatus s;
    switch (m_dialect) {
    case BatchDialect::OpenAi: {
        s.id = o.value(QLatin1String("id")).toString();
        s.providerState = o.value(QLatin1String("status")).toString();
        s.state = openAiState(s.providerState);
        const QJsonObject c = o.value(QLatin1String("request_counts")).toObject();
        s.total = number(c.value(QLatin1String("total")));
        s.succeeded = number(c.value(QLatin1String("completed")));
        s.failed = number(c.value(QLatin1String("failed")));
        s.processing = std::max<qint64>(0, s.total - s.succeeded - s.failed);
        s.outputFile = o.value(QLatin1String("output_file_id")).toString();
        s.errorFile = o.value(QLatin1String("error_file_id")).toString();
        QStringList msgs;
        for (const QJsonValue e : o.value(QLatin1String("errors")).toObject().value(QLatin1String("data")).toArray())
            msgs.append(e.toObject().value(QLatin1String("message")).toString());
        s.error = msgs.join(QStringLiteral("; "));
        break;
    }
    case BatchDialect::Mistral: {
        s.id = o.value(QLatin1String("id")).toString();
        s.providerState = o.value(QLatin1String("status")).toString();
        s.state = mistralState(s.providerState);
        s.total = number(o.value(QLatin1String("total_requests")));
        s.succeeded = number(o.value(QLatin1String("succeeded_requests")));
        s.failed = number(o.value(QLatin1String("failed_requests")));
        s.processing = std::max<qint64>(0, s.total - number(o.value(QLatin1String("completed_requests"))));
        s.outputFile = o.value(QLatin1String("output_file")).toString();
        s.errorFile = o.value(QLatin1String("error_file")).toString();
        QStringList msgs;
        for (const QJsonValue e : o.value(QLatin1String("errors")).toArray())
            msgs.append(e.toObject().value(QLatin1String("message")).toString());
        s.error = msgs.join(QStringLiteral("; "));
        break;
    }
    case BatchDialect::Anthropic: {
        s.id = o.value(QLatin1String("id")).toString();
        s.providerState = o.value(QLatin1String("processing_status")).toString();
        s.state = s.providerState == u"ended" ? BatchState::Ended
                  : s.providerState == u"canceling" ? BatchState::Cancelling
                                                    : BatchState::InProgress;
        const QJsonObject c = o.value(QLatin1String("request_counts")).toObject();
        s.processing = number(c.value(QLatin1String("processing")));
        s.succeeded = number(c.value(QLatin1String("succeeded")));
        s.failed = number(c.value(QLatin1String("errored")));
        s.cancelled = number(c.value(QLatin1String("canceled")));
        s.expired = number(c.value(QLatin1String("expired")));
        s.total = s.processing + s.succeeded + s.failed + s.cancelled + s.expired;
        s.resultsUrl = o.value(QLatin1String("results_url")).toString();
        break;
    }
    case BatchDialect::Gemini: {
        // An Operation ({name, metadata, done, response}) or the batch resource itself.
        s.id = o.value(QLatin1String("name")).toString();
        const QJsonObject meta = o.contains(QLatin1String("metadata")) ? o.value(QLatin1String("metadata")).toObject() : o;
        s.providerState = meta.value(QLatin1String("state")).toString();
        s.state = geminiState(s.providerState);
        const QJsonObject stats = meta.value(QLatin1String("batchStats")).toObject();
        s.total = number(stats.value(QLatin1String("requestCount")));
        s.succeeded = number(stats.value(QLatin1String("successfulRequestCount")));
        s.failed = number(stats.value(QLatin1String("failedRequestCount")));
        s.processing = number(stats.value(QLatin1String("pendingRequestCount")));
        QJsonObject output = o.value(QLatin1String("response")).toObject();
        if (output.isEmpty())
            output = meta.value(QLatin1String("output")).toObject();
        s.outputFile = output.value(QLatin1String("responsesFile")).toString();
        const QJsonValue inl = output.value(QLatin1String("inlinedResponses"));
        if (!inl.isUndefined())
            s.inlineResults = inl.isArray() ? QJsonDocument(inl.toArray()).toJson(QJsonDocument::Compact)
                                            : QJsonDocument(inl.toObject()).toJson(QJsonDocument::Compact);
        if (o.value(QLatin1String("done")).toBool() && s.state < BatchState::Ended && !o.contains(QLatin1String("error")))
            s.state = BatchState::Ended;
        if (const QJsonObject err = o.value(QLatin1String("error")).toObject(); !err.isEmpty()) {
            s.error = err.value(QLatin1String("message")).toString();
            if (s.state < BatchState::Ended)
                s.state = BatchState::Failed;
        }
        break;
    }
    case BatchDialect::None: break;
    }
    if (s.id.isEmpty())
        return fail(QStringLiteral("batch reply without an id: ") + QString::fromUtf8(body.left(200)));
    return s;
}

BatchItemResult BatchWire::itemFromReply(const QString &customId, int status, const QByteArray &body) const
{
    BatchItemResult r;
    r.customId = customId;
    r.reply = m_adapter->parse(status, {}, body);
    return r;
}

QList<BatchItemResult> BatchWire::parseResults(const QByteArray &jsonl) const
{
    QList<BatchItemResult> out;
    qsizetype from = 0;
    while (from < jsonl.size()) {
        qsizetype to = jsonl.indexOf('\n', from);
        if (to < 0)
            to = jsonl.size();
        const QByteArray line = jsonl.mid(from, to - from).trimmed();
        from = to + 1;
        if (line.isEmpty())
            continue;
        const QJsonObject o = parseObject(line);
        if (m_dialect == BatchDialect::Anthropic) {
            const QString id = o.value(QLatin1String("custom_id")).toString();
            const QJsonObject res = o.value(QLatin1String("result")).toObject();
            const QString type = res.value(QLatin1String("type")).toString();
            if (type == u"succeeded") {
                out.append(itemFromReply(id, 200, compact(res.value(QLatin1String("message")).toObject())));
            } else if (type == u"expired" || type == u"canceled") {
                BatchItemResult r;
                r.customId = id;
                r.kind = type == u"expired" ? BatchItemResult::Kind::Expired : BatchItemResult::Kind::Cancelled;
                out.append(r);
            } else {
                // errored: {"type":"error","error":{"type":"invalid_request_error","message":…}}
                const QJsonObject err = res.value(QLatin1String("error")).toObject();
                const QString errType = err.value(QLatin1String("error")).toObject().value(QLatin1String("type")).toString();
                out.append(itemFromReply(id, statusForAnthropicError(errType), compact(err)));
            }
            continue;
        }
        if (m_dialect == BatchDialect::Gemini) {
            QJsonObject item = o;
            if (!item.contains(QLatin1String("metadata")) && item.contains(QLatin1String("key")))
                item.insert(QStringLiteral("metadata"), QJsonObject{{QStringLiteral("key"), item.value(QLatin1String("key"))}});
            out += parseGeminiInline(compact(QJsonObject{{QStringLiteral("inlinedResponses"), QJsonArray{item}}}));
            continue;
        }
        // OpenAI and Mistral: {custom_id, response:{status_code, body}, error}
        const QString id = o.value(QLatin1String("custom_id")).toString();
        const QJsonObject resp = o.value(QLatin1String("response")).toObject();
        const QJsonObject err = o.value(QLatin1String("error")).toObject();
        if (!resp.isEmpty()) {
            const QJsonValue b = resp.value(QLatin1String("body"));
            const QByteArray body = b.isObject() ? compact(b.toObject()) : b.toString().toUtf8();
            out.append(itemFromReply(id, int(resp.value(QLatin1String("status_code")).toInteger(200)), body));
            continue;
        }
        const QString code = err.value(QLatin1String("code")).toString();
        BatchItemResult r;
        r.customId = id;
        if (code == u"batch_expired") {
            r.kind = BatchItemResult::Kind::Expired;
        } else if (code == u"batch_cancelled") {
            r.kind = BatchItemResult::Kind::Cancelled;
        } else {
            r = itemFromReply(id, 400, compact(QJsonObject{{QStringLiteral("error"), err}}));
            if (r.reply.error && r.reply.error->message.isEmpty())
                r.reply.error->message = code;
        }
        out.append(r);
    }
    return out;
}

QList<BatchItemResult> BatchWire::parseGeminiInline(const QByteArray &inlineJson) const
{
    // {"inlinedResponses":[…]} (the REST shape) or the bare list.
    const QJsonDocument doc = QJsonDocument::fromJson(inlineJson);
    const QJsonArray items = doc.isArray() ? doc.array() : doc.object().value(QLatin1String("inlinedResponses")).toArray();
    QList<BatchItemResult> out;
    out.reserve(items.size());
    for (const QJsonValue v : items) {
        const QJsonObject o = v.toObject();
        const QString key = o.value(QLatin1String("metadata")).toObject().value(QLatin1String("key")).toString();
        if (o.contains(QLatin1String("response"))) {
            out.append(itemFromReply(key, 200, compact(o.value(QLatin1String("response")).toObject())));
        } else {
            const QJsonObject err = o.value(QLatin1String("error")).toObject();
            int code = int(err.value(QLatin1String("code")).toInteger(500));
            if (code < 100) {
                // A google.rpc.Status carries the gRPC code, not the HTTP status it maps to.
                static const QHash<int, int> http = {{3, 400}, {4, 504}, {5, 404}, {7, 403}, {8, 429},
                                                     {9, 400}, {11, 400}, {13, 500}, {14, 503}, {16, 401}};
                code = http.value(code, 500);
            } else if (code < 400 || code > 599) {
                code = 500;
            }
            out.append(itemFromReply(key, code, compact(QJsonObject{{QStringLiteral("error"), err}})));
        }
    }
    return out;
}

} // namespace wb
