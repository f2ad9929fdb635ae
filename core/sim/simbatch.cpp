#include "core/sim/simbatch.h"

#include "core/common/check.h"

#include <QDateTime>
#include <QLocale>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace wb::sim {

using dialect_detail::toJson;

namespace {

constexpr quint32 kChunkItems = 256;   // requests per compressed chunk: big enough to share the prompts' repetition

enum class Phase { Validating, InProgress, Finalizing, Completed, Failed, Expired, Cancelling, Cancelled };

bool isTerminal(Phase p)
{
    return p == Phase::Completed || p == Phase::Failed || p == Phase::Expired || p == Phase::Cancelled;
}

QString s(const char *latin1) { return QString::fromLatin1(latin1); }

QJsonValue orNull(qint64 v) { return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(v); }

quint64 bytesHash(const QByteArray &b)
{
    quint64 h = 0xcbf29ce484222325ULL;
    for (const char ch : b)
        h = (h ^ quint8(ch)) * 0x100000001b3ULL;
    return mix64(h);
}

/// Replies produced for batch results: ids and timestamps must come out the same on every fetch,
/// so they derive from the batch and the request index instead of the server's id counter.
class ItemContext final : public SimReplyContext {
public:
    ItemContext(quint64 seed, qint64 at, qint64 epoch) : m_seed(seed), m_at(at), m_epoch(epoch) {}
    QString randomId(const char *prefix, int length, bool hex) override
    {
        static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        QString out = QLatin1String(prefix);
        quint64 h = mix64(m_seed ^ (0x5bd1e995ULL + m_counter++));
        for (int i = 0; i < length; ++i) {
            if (i % 8 == 7)
                h = mix64(h);
            out += QLatin1Char(hex ? "0123456789abcdef"[h % 16] : alphabet[h % 62]);
            h /= hex ? 16 : 62;
        }
        return out;
    }
    qint64 now() const override { return m_at; }
    qint64 epochAtStart() const override { return m_epoch; }

private:
    quint64 m_seed;
    qint64 m_at, m_epoch;
    quint64 m_counter = 0;
};

QString uuidFrom(SimReplyContext &ctx)
{
    const QString h = ctx.randomId("", 32, true);
    return h.left(8) + u'-' + h.mid(8, 4) + u'-' + h.mid(12, 4) + u'-' + h.mid(16, 4) + u'-' + h.mid(20);
}

qint64 epochSeconds(SimReplyContext &ctx, qint64 t) { return (ctx.epochAtStart() + t) / 1000; }

QString rfc3339(SimReplyContext &ctx, qint64 t)
{
    return QDateTime::fromMSecsSinceEpoch(ctx.epochAtStart() + t, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"));
}

QJsonObject parseObject(const QByteArray &bytes, bool *ok)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    *ok = doc.isObject();
    return doc.object();
}

/// A field a Google API accepts in snake_case or lowerCamelCase (proto3 JSON).
QJsonValue protoField(const QJsonObject &o, const char *snake, const char *camel)
{
    const QJsonValue v = o.value(QLatin1String(snake));
    return v.isUndefined() ? o.value(QLatin1String(camel)) : v;
}

struct MultipartPart {
    QByteArray name, filename, data;
};

/// multipart/form-data as curl, requests and QHttpMultiPart send it.
std::optional<QList<MultipartPart>> parseMultipart(const HttpRequest &req)
{
    const QByteArray type = req.header("content-type");
    const qsizetype b = type.indexOf("boundary=");
    if (!type.startsWith("multipart/form-data") || b < 0)
        return std::nullopt;
    QByteArray boundary = type.mid(b + 9);
    if (const qsizetype semi = boundary.indexOf(';'); semi >= 0)
        boundary.truncate(semi);
    boundary = boundary.trimmed();
    if (boundary.startsWith('"') && boundary.endsWith('"'))
        boundary = boundary.mid(1, boundary.size() - 2);
    const QByteArray delimiter = "--" + boundary;
    QList<MultipartPart> parts;
    qsizetype pos = req.body.indexOf(delimiter);
    while (pos >= 0) {
        pos += delimiter.size();
        if (req.body.mid(pos, 2) == "--")
            break;
        const qsizetype headEnd = req.body.indexOf("\r\n\r\n", pos);
        if (headEnd < 0)
            return std::nullopt;
        const qsizetype next = req.body.indexOf(QByteArray(QByteArray("\r\n") + delimiter), headEnd + 4);
        if (next < 0)
            return std::nullopt;
        MultipartPart part;
        const QByteArray head = req.body.mid(pos, headEnd - pos);
        static const QRegularExpression nameRe(QStringLiteral("\\bname=\"([^\"]*)\""));
        static const QRegularExpression fileRe(QStringLiteral("\\bfilename=\"([^\"]*)\""));
        const QString headText = QString::fromUtf8(head);
        part.name = nameRe.match(headText).captured(1).toUtf8();
        part.filename = fileRe.match(headText).captured(1).toUtf8();
        part.data = req.body.mid(headEnd + 4, next - headEnd - 4);
        parts.append(part);
        pos = next + 2;
    }
    return parts;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Settings

SimBatchParams resolveBatchParams(const SimConfig &config, const SimKey *key, Provider p)
{
    // The providers' documented limits (docs/PROVIDERS.md, "Batch APIs in the simulator").
    SimBatchParams r;
    r.validatingMs = 200;
    r.processingMs = 2000;
    r.finalizingMs = 200;
    r.expireAfterMs = 24 * 3'600'000LL;
    switch (p) {
    case Provider::Anthropic:
        r.maxRequests = 100'000;
        r.maxBytes = 256LL * 1024 * 1024;
        break;
    case Provider::Gemini:
        r.maxBytes = 20LL * 1024 * 1024;   // inline requests
        r.expireAfterMs = 48 * 3'600'000LL;
        break;
    case Provider::Mistral:
        r.maxRequests = 1'000'000;
        r.maxBytes = 512LL * 1024 * 1024;
        break;
    default:
        r.maxRequests = 50'000;
        r.maxBytes = 200LL * 1024 * 1024;
        break;
    }
    for (const SimBatchSettings *set : {&config.batch, key ? &key->batch : nullptr}) {
        if (!set)
            continue;
        r.validatingMs = set->validatingMs.value_or(r.validatingMs);
        r.processingMs = set->processingMs.value_or(r.processingMs);
        r.finalizingMs = set->finalizingMs.value_or(r.finalizingMs);
        r.expireAfterMs = set->expireAfterMs.value_or(r.expireAfterMs);
        r.maxRequests = set->maxRequests.value_or(r.maxRequests);
        r.maxBytes = set->maxBytes.value_or(r.maxBytes);
        r.enqueuedTokens = set->enqueuedTokens.value_or(r.enqueuedTokens);
        r.queuedRequests = set->queuedRequests.value_or(r.queuedRequests);
        r.errorRate = set->errorRate.value_or(r.errorRate);
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// Storage

struct SimBatches::Caller {
    Provider provider = Provider::OpenAI;   // the wire format that answers
    const SimDialect *dialect = nullptr;
    const SimKey *key = nullptr;            // nullptr: accepted by accept_any_key
    QString queueName;                      // the key's pool (or the key): queue limits count per queue
};

struct SimBatches::Batch {
    quint64 serial = 0;
    QString id;
    Provider provider = Provider::OpenAI;
    const SimKey *key = nullptr;
    QString queueName, model, endpoint, displayName, outputFileId, errorFileId, host;
    QStringList inputFiles;
    QJsonValue metadata = QJsonValue::Null;
    SimBatchParams params;
    qint64 createdAt = 0;
    qint64 cancelAt = -1;
    quint32 n = 0;
    QByteArray customIds;            // concatenated
    std::vector<quint32> idEnds;     // end offset of each custom_id in customIds
    std::vector<QByteArray> chunks;  // qCompress of kChunkItems request bodies joined by '\n'
    std::vector<quint32> invalid;    // sorted: requests whose body the provider rejects (their own error)
    qint64 enqueuedTokens = 0;
    QJsonArray validationErrors;     // OpenAI / Mistral: the batch fails once validation is over
    bool counted = false;            // outcomes added to the stats

    QByteArray customId(quint32 i) const
    {
        const quint32 begin = i ? idEnds[i - 1] : 0;
        return customIds.mid(begin, idEnds[i] - begin);
    }
};

struct SimBatches::File {
    QString id;
    Provider provider = Provider::OpenAI;
    QString filename, purpose;
    qint64 bytes = 0, createdAt = 0, lines = 0;
    QByteArray compressed;           // uploads
    QString batchId;                 // results: the batch they belong to
    bool errors = false;             // results: the error file
};

struct SimBatches::State {
    Phase phase = Phase::Validating;
    quint32 done = 0;                // requests finished (succeeded or errored)
    quint32 failed = 0;              // of those, errored
    qint64 inProgressAt = -1, finalizingAt = -1, endedAt = -1, cancellingAt = -1;
};

struct SimBatches::Item {
    quint32 index = 0;
    QByteArray customId;
    enum Kind { Succeeded, Errored, Expired, Cancelled } kind = Succeeded;
    int status = 200;
    QJsonObject body;                // the provider's reply, or its error body
    QString requestId;
};

/// Collects a batch's requests compactly while it is being created.
struct SimBatches::Builder {
    Batch &b;
    const SimDialect &dialect;
    SimReplyContext &ctx;
    QSet<QByteArray> seen;
    QByteArray pending;
    quint32 inChunk = 0;
    bool unique = true;              // custom_ids must differ within the batch

    /// Adds one request; false when the custom_id is already in this batch.
    bool add(const QByteArray &customId, const QJsonObject &body)
    {
        if (unique) {
            if (seen.contains(customId))
                return false;
            seen.insert(customId);
        }
        const QByteArray bytes = QJsonDocument(body).toJson(QJsonDocument::Compact);
        SimCall call;
        call.model = b.model;
        if (dialect.parseBody(ctx, bytes, call))
            b.invalid.push_back(b.n);
        // The queue counts input tokens by the simulator's own estimate (characters / 4).
        b.enqueuedTokens += openAiCharEstimate(call.messages);
        b.customIds += customId;
        b.idEnds.push_back(quint32(b.customIds.size()));
        if (inChunk)
            pending += '\n';
        pending += bytes;
        ++b.n;
        if (++inChunk == kChunkItems)
            flush();
        return true;
    }
    void flush()
    {
        if (inChunk)
            b.chunks.push_back(qCompress(pending, 6));
        pending.clear();
        inChunk = 0;
    }
};

SimBatches::SimBatches(const SimConfig &config, const SimDialects &dialects, SimBatchStats &stats)
    : m_config(config), m_dialects(dialects), m_stats(stats)
{
    for (const SimKey &k : config.keys)
        m_keys.insert(k.key, &k);
}

SimBatches::~SimBatches() = default;

qint64 SimBatches::submissions(const QByteArray &customId) const
{
    const auto it = m_submissions.find(bytesHash(customId));
    return it == m_submissions.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------------------------
// Timeline

SimBatches::State SimBatches::stateAt(const Batch &b, qint64 t) const
{
    State st;
    const SimBatchParams &p = b.params;
    const qint64 tv = b.createdAt + p.validatingMs;
    const qint64 tf = tv + p.processingMs;
    const qint64 tc = tf + p.finalizingMs;
    const qint64 te = b.createdAt + p.expireAfterMs;
    auto doneBy = [&](qint64 at) -> quint32 {
        if (at < tv)
            return 0;
        if (p.processingMs <= 0 || at >= tf)
            return b.n;
        return quint32(std::min<qint64>(b.n, (at - tv) * qint64(b.n) / p.processingMs));
    };
    auto finish = [&](Phase phase, quint32 done) {
        st.phase = phase;
        st.done = done;
        for (quint32 i = 0; i < done; ++i)
            st.failed += itemErrored(b, i) ? 1 : 0;
        return st;
    };
    if (!b.validationErrors.isEmpty()) {
        st.endedAt = t >= tv ? tv : -1;
        return finish(t < tv ? Phase::Validating : Phase::Failed, 0);
    }
    if (t >= tv)
        st.inProgressAt = tv;
    const bool expires = te < tf;
    if (b.cancelAt >= 0 && t >= b.cancelAt && (!expires || b.cancelAt < te)) {
        st.cancellingAt = b.cancelAt;
        st.inProgressAt = b.cancelAt >= tv ? tv : -1;
        const qint64 end = b.cancelAt + p.finalizingMs;
        if (t >= end)
            st.endedAt = end;
        return finish(t < end ? Phase::Cancelling : Phase::Cancelled, doneBy(b.cancelAt));
    }
    if (expires && t >= te) {
        st.endedAt = te;
        return finish(Phase::Expired, doneBy(te));
    }
    if (t < tv)
        return finish(Phase::Validating, 0);
    if (t < tf)
        return finish(Phase::InProgress, doneBy(t));
    st.finalizingAt = tf;
    if (t < tc)
        return finish(Phase::Finalizing, b.n);
    st.endedAt = tc;
    return finish(Phase::Completed, b.n);
}

bool SimBatches::itemErrored(const Batch &b, quint32 i) const
{
    if (std::binary_search(b.invalid.begin(), b.invalid.end(), i))
        return true;
    if (b.params.errorRate <= 0)
        return false;
    return unitFromHash(mix64(m_config.seed ^ mix64(b.serial * 0x9e3779b97f4a7c15ULL + i + 1))) < b.params.errorRate;
}

// ---------------------------------------------------------------------------------------------
// Routing

std::optional<SimReply> SimBatches::handle(SimReplyContext &ctx, const HttpRequest &req, const QString &path)
{
    const QByteArray &method = req.method;
    if (path == u"/sim/batch/custom_id") {
        const QByteArray id = req.queryItem("custom_id");
        SimReply r;
        r.body = toJson({{s("custom_id"), QString::fromUtf8(id)}, {s("submitted"), submissions(id)}});
        return r;
    }
    static const QRegularExpression geminiCreate(QStringLiteral("^/v1beta/models/([^/:]+):batchGenerateContent$"));
    static const QRegularExpression geminiBatch(QStringLiteral("^/v1beta/batches/([^/:]+)(:cancel)?$"));
    static const QRegularExpression anthropicBatch(QStringLiteral("^/v1/messages/batches(?:/([^/]+)(/results|/cancel)?)?$"));
    static const QRegularExpression openAiBatch(QStringLiteral("^/v1/batches(?:/([^/]+)(/cancel)?)?$"));
    static const QRegularExpression mistralJob(QStringLiteral("^/v1/batch/jobs(?:/([^/]+)(/cancel)?)?$"));
    static const QRegularExpression files(QStringLiteral("^/v1/files(?:/([^/]+)(/content)?)?$"));

    Caller c;
    auto wrongMethod = [&]() { return c.dialect->badRoute(ctx, method, path, true); };
    if (const auto m = geminiCreate.match(path); m.hasMatch()) {
        if (auto r = authenticate(ctx, req, Provider::Gemini, false, c))
            return r;
        return method == "POST" ? createGemini(ctx, req, c, m.captured(1)) : wrongMethod();
    }
    if (const auto m = geminiBatch.match(path); m.hasMatch()) {
        if (auto r = authenticate(ctx, req, Provider::Gemini, false, c))
            return r;
        const bool cancelling = m.hasCaptured(2);
        if (method != (cancelling ? "POST" : "GET"))
            return wrongMethod();
        Batch *b = findBatch(QStringLiteral("batches/") + m.captured(1), Provider::Gemini);
        if (!b)
            return notFound(ctx, Provider::Gemini, m.captured(1));
        return cancelling ? cancel(ctx, req, *b) : batchReply(ctx, req, *b);
    }
    if (const auto m = anthropicBatch.match(path); m.hasMatch()) {
        if (auto r = authenticate(ctx, req, Provider::Anthropic, false, c))
            return r;
        if (!m.hasCaptured(1))
            return method == "POST" ? createAnthropic(ctx, req, c) : wrongMethod();
        const QString what = m.captured(2);
        if (method != (what == u"/cancel" ? "POST" : "GET"))
            return wrongMethod();
        Batch *b = findBatch(m.captured(1), Provider::Anthropic);
        if (!b)
            return notFound(ctx, Provider::Anthropic, m.captured(1));
        if (what == u"/results")
            return anthropicResults(ctx, req, *b);
        return what == u"/cancel" ? cancel(ctx, req, *b) : batchReply(ctx, req, *b);
    }
    const auto openAi = openAiBatch.match(path);
    const auto mistral = mistralJob.match(path);
    if (openAi.hasMatch() || mistral.hasMatch()) {
        const Provider p = openAi.hasMatch() ? Provider::OpenAI : Provider::Mistral;
        const auto &m = openAi.hasMatch() ? openAi : mistral;
        if (auto r = authenticate(ctx, req, p, false, c))
            return r;
        if (!m.hasCaptured(1)) {
            if (method != "POST")
                return wrongMethod();
            return p == Provider::OpenAI ? createOpenAi(ctx, req, c) : createMistral(ctx, req, c);
        }
        const bool cancelling = m.hasCaptured(2);
        if (method != (cancelling ? "POST" : "GET"))
            return wrongMethod();
        Batch *b = findBatch(m.captured(1), p);
        if (!b)
            return notFound(ctx, p, m.captured(1));
        return cancelling ? cancel(ctx, req, *b) : batchReply(ctx, req, *b);
    }
    if (const auto m = files.match(path); m.hasMatch()) {
        if (auto r = authenticate(ctx, req, Provider::OpenAI, true, c))
            return r;
        if (!m.hasCaptured(1))
            return method == "POST" ? uploadFile(ctx, req, c) : wrongMethod();
        if (method != "GET")
            return wrongMethod();
        return fileObject(ctx, c, m.captured(1), m.hasCaptured(2));
    }
    return std::nullopt;
}

std::optional<SimReply> SimBatches::authenticate(SimReplyContext &ctx, const HttpRequest &req, Provider pathProvider,
                                                 bool mistralKeysToo, Caller &out) const
{
    const SimDialect &pathDialect = m_dialects.forProvider(pathProvider);
    out.dialect = &pathDialect;
    const QString key = pathDialect.apiKey(req);
    if (key.isEmpty())
        return pathDialect.unauthorized(ctx, true);
    const SimKey *k = m_keys.value(key);
    const std::optional<Provider> keyProvider = k ? providerFromName(k->provider) : std::nullopt;
    if (keyProvider && (*keyProvider == pathProvider || (mistralKeysToo && *keyProvider == Provider::Mistral))) {
        out.provider = *keyProvider;
        out.key = k;
        out.queueName = k->pool.isEmpty() ? QStringLiteral("key:") + k->key : QStringLiteral("pool:") + k->pool;
    } else if (m_config.acceptAnyKey) {
        out.provider = pathProvider;
        out.queueName = QStringLiteral("unknown:") + providerName(pathProvider);
    } else {
        return pathDialect.unauthorized(ctx, false);
    }
    out.dialect = &m_dialects.forProvider(out.provider);
    return out.dialect->checkHeaders(ctx, req);
}

SimBatches::Batch *SimBatches::findBatch(const QString &id, Provider p)
{
    const auto it = m_batches.find(id);
    return it == m_batches.end() || it->second->provider != p ? nullptr : it->second.get();
}

SimReply SimBatches::notFound(SimReplyContext &ctx, Provider p, const QString &what) const
{
    const SimDialect &d = m_dialects.forProvider(p);
    switch (p) {
    case Provider::Anthropic:
        return d.errorReply(ctx, 404, QStringLiteral("Not found"), s("not_found_error"));
    case Provider::Gemini:
        return d.errorReply(ctx, 404, QStringLiteral("Requested entity was not found."), s("NOT_FOUND"));
    case Provider::Mistral:
        return d.errorReply(ctx, 404, QStringLiteral("Not found: %1").arg(what), s("invalid_request_error"));
    default:
        return d.errorReply(ctx, 404, QStringLiteral("No such object: '%1'").arg(what), s("invalid_request_error"));
    }
}

// ---------------------------------------------------------------------------------------------
// Creation

SimBatches::Batch &SimBatches::accept(SimReplyContext &ctx, std::unique_ptr<Batch> b)
{
    if (b->provider == Provider::OpenAI || b->provider == Provider::Mistral) {
        // The output and error files exist from the start; they are listed once the batch has ended.
        for (const bool errors : {false, true}) {
            auto f = std::make_unique<File>();
            f->provider = b->provider;
            f->id = b->provider == Provider::Mistral ? uuidFrom(ctx) : ctx.randomId("file-", 22, false);
            f->filename = QStringLiteral("batch_%1_%2.jsonl").arg(b->id, errors ? s("error") : s("output"));
            f->purpose = b->provider == Provider::Mistral ? s("batch") : s("batch_output");
            f->batchId = b->id;
            f->errors = errors;
            f->createdAt = ctx.now();
            (errors ? b->errorFileId : b->outputFileId) = f->id;
            m_files[f->id] = std::move(f);
        }
    }
    if (b->validationErrors.isEmpty()) {
        ++m_stats.batchesCreated;
        m_stats.requestsSubmitted += b->n;
        for (quint32 i = 0; i < b->n; ++i) {
            quint32 &count = m_submissions[bytesHash(b->customId(i))];
            if (count == 0)
                ++m_stats.distinctCustomIds;
            else
                ++m_stats.resubmitted;
            ++count;
            m_stats.maxSubmissions = std::max<qint64>(m_stats.maxSubmissions, count);
        }
    } else {
        ++m_stats.batchesRefused;
    }
    Batch &ref = *b;
    m_batches[b->id] = std::move(b);
    return ref;
}

std::optional<QString> SimBatches::overQueue(SimReplyContext &ctx, const Batch &b) const
{
    const SimBatchParams &p = b.params;
    if (p.enqueuedTokens <= 0 && p.queuedRequests <= 0)
        return std::nullopt;
    qint64 tokens = b.enqueuedTokens, requests = b.n;
    for (const auto &[id, other] : m_batches) {
        if (other->queueName != b.queueName || other->provider != b.provider || !other->validationErrors.isEmpty())
            continue;
        const State st = stateAt(*other, ctx.now());
        if (isTerminal(st.phase))
            continue;
        requests += other->n - st.done;
        if (other->model == b.model)
            tokens += other->enqueuedTokens;
    }
    if (p.enqueuedTokens > 0 && tokens > p.enqueuedTokens)
        return QStringLiteral("Enqueued token limit reached for %1 in organization org-simulator. Limit: %2 enqueued tokens. "
                              "Please try again once some in_progress batches have been completed.")
            .arg(b.model, QLocale(QLocale::English).toString(p.enqueuedTokens));
    if (p.queuedRequests > 0 && requests > p.queuedRequests)
        return QStringLiteral("Number of batch requests in the processing queue would exceed your limit of %1 requests. "
                              "Please try again once some batches have ended.")
            .arg(p.queuedRequests);
    return std::nullopt;
}

SimReply SimBatches::uploadFile(SimReplyContext &ctx, const HttpRequest &req, const Caller &c)
{
    const SimDialect &d = *c.dialect;
    const std::optional<QList<MultipartPart>> parts = parseMultipart(req);
    if (!parts)
        return d.errorReply(ctx, 400, QStringLiteral("Expected a multipart/form-data body with the fields 'file' and 'purpose'."),
                            s("invalid_request_error"));
    const MultipartPart *file = nullptr;
    QByteArray purpose;
    for (const MultipartPart &p : *parts) {
        if (p.name == "file")
            file = &p;
        else if (p.name == "purpose")
            purpose = p.data.trimmed();
    }
    if (!file)
        return d.errorReply(ctx, 400, QStringLiteral("Missing required parameter: 'file'."), s("invalid_request_error"),
                            s("missing_required_parameter"), s("file"));
    if (purpose != "batch")
        return d.errorReply(ctx, 400, QStringLiteral("The simulator stores files with purpose 'batch' only."),
                            s("invalid_request_error"), {}, s("purpose"));
    const SimBatchParams params = resolveBatchParams(m_config, c.key, c.provider);
    if (params.maxBytes > 0 && file->data.size() > params.maxBytes)
        return d.errorReply(ctx, 400, QStringLiteral("File is too large."), s("invalid_request_error"));
    if (c.provider == Provider::OpenAI && !file->filename.endsWith(".jsonl"))
        return d.errorReply(ctx, 400, QStringLiteral("Invalid file format for Batch API. Must be .jsonl"), s("invalid_request_error"));

    auto f = std::make_unique<File>();
    f->provider = c.provider;
    f->id = c.provider == Provider::Mistral ? uuidFrom(ctx) : ctx.randomId("file-", 22, false);
    f->filename = QString::fromUtf8(file->filename);
    f->purpose = s("batch");
    f->bytes = file->data.size();
    f->createdAt = ctx.now();
    f->lines = file->data.count('\n') + (file->data.endsWith('\n') || file->data.isEmpty() ? 0 : 1);
    f->compressed = qCompress(file->data, 6);
    File &ref = *f;
    m_files[f->id] = std::move(f);
    return fileObject(ctx, c, ref.id, false);
}

SimReply SimBatches::fileObject(SimReplyContext &ctx, const Caller &c, const QString &id, bool content)
{
    const auto it = m_files.find(id);
    if (it == m_files.end() || (it->second->provider == Provider::Mistral) != (c.provider == Provider::Mistral))
        return c.dialect->errorReply(ctx, 404, QStringLiteral("No such File object: %1").arg(id), s("invalid_request_error"),
                                     {}, s("id"));
    File &f = *it->second;
    SimReply r;
    if (!f.batchId.isEmpty()) {
        Batch &b = *m_batches.at(f.batchId);
        const QByteArray data = resultFile(ctx, b, f.errors);
        f.bytes = data.size();
        f.lines = data.count('\n');
        if (content) {
            r.headers.emplaceBack(QByteArray("content-type"), QByteArray("application/octet-stream"));
            r.body = data;
            return r;
        }
    } else if (content) {
        r.headers.emplaceBack(QByteArray("content-type"), QByteArray("application/octet-stream"));
        r.body = qUncompress(f.compressed);
        return r;
    }
    QJsonObject o{{s("id"), f.id},
                  {s("object"), s("file")},
                  {s("bytes"), f.bytes},
                  {s("created_at"), epochSeconds(ctx, f.createdAt)},
                  {s("filename"), f.filename},
                  {s("purpose"), f.purpose}};
    if (f.provider == Provider::Mistral) {
        o.insert(s("sample_type"), f.batchId.isEmpty() ? s("batch_request") : f.errors ? s("batch_error") : s("batch_result"));
        o.insert(s("source"), f.batchId.isEmpty() ? s("upload") : s("mistral"));
        o.insert(s("num_lines"), f.lines);
        o.insert(s("mimetype"), s("application/jsonl"));
    } else {
        o.insert(s("status"), s("processed"));
        o.insert(s("expires_at"), QJsonValue::Null);
        o.insert(s("status_details"), QJsonValue::Null);
    }
    r.body = toJson(o);
    return r;
}

namespace {

QString hexId(const char *prefix, quint64 h, int length)
{
    QString out = QLatin1String(prefix);
    for (int i = 0; i < length; ++i) {
        if (i % 16 == 15)
            h = mix64(h);
        out += QLatin1Char("0123456789abcdef"[h % 16]);
        h /= 16;
    }
    return out;
}

QJsonObject openAiLineError(const char *code, const QString &message, qint64 line, const QString &param = {})
{
    return QJsonObject{{s("code"), s(code)},
                       {s("message"), message},
                       {s("param"), param.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(param)},
                       {s("line"), orNull(line)}};
}

} // namespace

/// Reads the uploaded JSONL files into the batch; a line the provider refuses fails the whole batch
/// once validation is over (OpenAI's and Mistral's behaviour), recorded in validationErrors.
static void fillFromJsonl(SimReplyContext &, SimBatches::Batch &b, SimBatches::Builder &builder,
                          const QList<QByteArray> &contents, bool openAi)
{
    qint64 lineNo = 0;
    for (const QByteArray &content : contents) {
        qsizetype pos = 0;
        while (pos < content.size() && b.validationErrors.isEmpty()) {
            qsizetype end = content.indexOf('\n', pos);
            if (end < 0)
                end = content.size();
            const QByteArray line = content.mid(pos, end - pos).trimmed();
            pos = end + 1;
            ++lineNo;
            if (line.isEmpty())
                continue;
            bool ok = false;
            const QJsonObject o = parseObject(line, &ok);
            auto refuse = [&](const char *code, const QString &message, const QString &param = {}) {
                b.validationErrors.append(openAiLineError(code, message, lineNo, param));
            };
            if (!ok) {
                refuse("invalid_json_line", QStringLiteral("This line is not parseable as valid JSON."));
                break;
            }
            const QJsonValue id = o.value(QLatin1String("custom_id"));
            const QJsonObject body = o.value(QLatin1String("body")).toObject();
            if (!id.isString() || id.toString().isEmpty()) {
                refuse("missing_required_parameter", QStringLiteral("Missing required parameter: 'custom_id'."), s("custom_id"));
                break;
            }
            if (openAi && o.value(QLatin1String("url")).toString() != b.endpoint) {
                refuse("url_mismatch", QStringLiteral("The URL provided for this request does not match the batch endpoint."), s("url"));
                break;
            }
            if (openAi && o.value(QLatin1String("method")).toString() != u"POST") {
                refuse("invalid_request", QStringLiteral("Invalid value for 'method': only POST is supported."), s("method"));
                break;
            }
            if (body.isEmpty()) {
                refuse("missing_required_parameter", QStringLiteral("Missing required parameter: 'body'."), s("body"));
                break;
            }
            if (openAi) {
                const QString model = body.value(QLatin1String("model")).toString();
                if (b.model.isEmpty())
                    b.model = model;
                else if (model != b.model) {
                    refuse("model_mismatch", QStringLiteral("All requests in a batch must use the same model: expected '%1', got '%2'.")
                                                 .arg(b.model, model), s("body.model"));
                    break;
                }
            }
            if (!builder.add(id.toString().toUtf8(), body)) {
                refuse("duplicate_custom_id", QStringLiteral("The custom_id for this request is a duplicate of another request. "
                                                             "The custom_id parameter must be unique for each request in a batch."),
                       s("custom_id"));
                break;
            }
        }
    }
    builder.flush();
    if (b.validationErrors.isEmpty() && b.n == 0)
        b.validationErrors.append(openAiLineError("empty_file", QStringLiteral("The batch input file is empty."), -1));
    if (b.validationErrors.isEmpty() && b.params.maxRequests > 0 && b.n > b.params.maxRequests)
        b.validationErrors.append(openAiLineError(
            "too_many_tasks", QStringLiteral("The batch input file contains %1 requests; a batch may contain at most %2.")
                                  .arg(b.n).arg(b.params.maxRequests), -1));
}

std::unique_ptr<SimBatches::Batch> SimBatches::newBatch(SimReplyContext &ctx, const Caller &c, QString id)
{
    auto b = std::make_unique<Batch>();
    b->serial = ++m_serial;
    b->id = std::move(id);
    b->provider = c.provider;
    b->key = c.key;
    b->queueName = c.queueName;
    b->params = resolveBatchParams(m_config, c.key, c.provider);
    b->createdAt = ctx.now();
    return b;
}

SimReply SimBatches::createOpenAi(SimReplyContext &ctx, const HttpRequest &req, const Caller &c)
{
    const SimDialect &d = *c.dialect;
    bool ok = false;
    const QJsonObject body = parseObject(req.body, &ok);
    if (!ok)
        return d.errorReply(ctx, 400, QStringLiteral("We could not parse the JSON body of your request."), s("invalid_request_error"));
    const QString fileId = body.value(QLatin1String("input_file_id")).toString();
    const QString endpoint = body.value(QLatin1String("endpoint")).toString();
    if (fileId.isEmpty())
        return d.errorReply(ctx, 400, QStringLiteral("Missing required parameter: 'input_file_id'."), s("invalid_request_error"),
                            s("missing_required_parameter"), s("input_file_id"));
    if (endpoint != u"/v1/chat/completions")
        return d.errorReply(ctx, 400, QStringLiteral("Invalid value: '%1'. The simulator supports '/v1/chat/completions'.").arg(endpoint),
                            s("invalid_request_error"), s("invalid_value"), s("endpoint"));
    if (body.value(QLatin1String("completion_window")).toString() != u"24h")
        return d.errorReply(ctx, 400, QStringLiteral("Invalid value for 'completion_window': expected '24h'."),
                            s("invalid_request_error"), s("invalid_value"), s("completion_window"));
    const auto f = m_files.find(fileId);
    if (f == m_files.end() || f->second->provider != Provider::OpenAI || !f->second->batchId.isEmpty())
        return d.errorReply(ctx, 404, QStringLiteral("No such File object: %1").arg(fileId), s("invalid_request_error"), {},
                            s("input_file_id"));

    std::unique_ptr<Batch> b = newBatch(ctx, c, ctx.randomId("batch_", 32, true));
    b->endpoint = endpoint;
    b->inputFiles = {fileId};
    b->metadata = body.value(QLatin1String("metadata"));
    if (b->metadata.isUndefined())
        b->metadata = QJsonValue::Null;
    Builder builder{*b, d, ctx, {}, {}, 0, true};
    fillFromJsonl(ctx, *b, builder, {qUncompress(f->second->compressed)}, true);
    if (b->validationErrors.isEmpty()) {
        if (const std::optional<QString> over = overQueue(ctx, *b))
            b->validationErrors.append(openAiLineError("token_limit_exceeded", *over, -1));
    }
    return batchReply(ctx, req, accept(ctx, std::move(b)));
}

SimReply SimBatches::createMistral(SimReplyContext &ctx, const HttpRequest &req, const Caller &c)
{
    const SimDialect &d = *c.dialect;
    bool ok = false;
    const QJsonObject body = parseObject(req.body, &ok);
    if (!ok)
        return d.errorReply(ctx, 400, QStringLiteral("Invalid JSON body"), s("invalid_request_error"));
    const QJsonArray inputs = body.value(QLatin1String("input_files")).toArray();
    const QString model = body.value(QLatin1String("model")).toString();
    const QString endpoint = body.value(QLatin1String("endpoint")).toString();
    if (inputs.isEmpty())
        return d.errorReply(ctx, 400, QStringLiteral("input_files: Field required"), s("invalid_request_error"), {}, s("input_files"));
    if (model.isEmpty())
        return d.errorReply(ctx, 400, QStringLiteral("model: Field required for this endpoint"), s("invalid_request_error"), {}, s("model"));
    if (endpoint != u"/v1/chat/completions")
        return d.errorReply(ctx, 400, QStringLiteral("endpoint: Input should be '/v1/chat/completions' (the simulator's only endpoint)"),
                            s("invalid_request_error"), {}, s("endpoint"));
    QList<QByteArray> contents;
    QStringList ids;
    for (const QJsonValue &v : inputs) {
        const auto f = m_files.find(v.toString());
        if (f == m_files.end() || f->second->provider != Provider::Mistral || !f->second->batchId.isEmpty())
            return notFound(ctx, Provider::Mistral, v.toString());
        contents.append(qUncompress(f->second->compressed));
        ids.append(v.toString());
    }
    std::unique_ptr<Batch> b = newBatch(ctx, c, uuidFrom(ctx));
    b->endpoint = endpoint;
    b->model = model;
    b->inputFiles = ids;
    b->metadata = body.value(QLatin1String("metadata")).isObject() ? body.value(QLatin1String("metadata")) : QJsonObject();
    const qint64 timeoutHours = body.value(QLatin1String("timeout_hours")).toInteger(24);
    b->params.expireAfterMs = std::min(b->params.expireAfterMs, timeoutHours * 3'600'000);
    Builder builder{*b, d, ctx, {}, {}, 0, true};
    fillFromJsonl(ctx, *b, builder, contents, false);
    if (b->validationErrors.isEmpty()) {
        if (const std::optional<QString> over = overQueue(ctx, *b)) {
            ++m_stats.batchesRefused;
            return d.errorReply(ctx, 429, *over, s("rate_limited"));
        }
    }
    return batchReply(ctx, req, accept(ctx, std::move(b)));
}

SimReply SimBatches::createAnthropic(SimReplyContext &ctx, const HttpRequest &req, const Caller &c)
{
    const SimDialect &d = *c.dialect;
    const SimBatchParams params = resolveBatchParams(m_config, c.key, c.provider);
    auto refuse = [&](int status, const QString &message, const char *type) {
        ++m_stats.batchesRefused;
        return d.errorReply(ctx, status, message, s(type));
    };
    if (params.maxBytes > 0 && req.body.size() > params.maxBytes)
        return refuse(413, QStringLiteral("Request exceeds the maximum allowed number of bytes."), "request_too_large");
    bool ok = false;
    const QJsonObject body = parseObject(req.body, &ok);
    if (!ok)
        return refuse(400, QStringLiteral("There was an error parsing the body of your request."), "invalid_request_error");
    const QJsonArray requests = body.value(QLatin1String("requests")).toArray();
    if (requests.isEmpty())
        return refuse(400, QStringLiteral("requests: List should have at least 1 item after validation, not 0"), "invalid_request_error");
    if (params.maxRequests > 0 && requests.size() > params.maxRequests)
        return refuse(400, QStringLiteral("requests: List should have at most %1 items after validation, not %2")
                               .arg(params.maxRequests).arg(requests.size()), "invalid_request_error");
    std::unique_ptr<Batch> b = newBatch(ctx, c, ctx.randomId("msgbatch_01", 22, false));
    b->host = QString::fromUtf8(req.header("host"));
    Builder builder{*b, d, ctx, {}, {}, 0, true};
    static const QRegularExpression idPattern(QStringLiteral("^[a-zA-Z0-9_-]{1,64}$"));
    for (qsizetype i = 0; i < requests.size(); ++i) {
        const QJsonObject r = requests[i].toObject();
        const QString id = r.value(QLatin1String("custom_id")).toString();
        if (!idPattern.match(id).hasMatch())
            return refuse(400, QStringLiteral("requests.%1.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'").arg(i),
                          "invalid_request_error");
        const QJsonObject params_ = r.value(QLatin1String("params")).toObject();
        if (params_.isEmpty())
            return refuse(400, QStringLiteral("requests.%1.params: Field required").arg(i), "invalid_request_error");
        if (b->model.isEmpty())
            b->model = params_.value(QLatin1String("model")).toString();
        if (!builder.add(id.toUtf8(), params_))
            return refuse(400, QStringLiteral("requests.%1.custom_id: Duplicate custom_id '%2'. Each request in a batch must have a "
                                              "unique custom_id.").arg(i).arg(id), "invalid_request_error");
    }
    builder.flush();
    if (const std::optional<QString> over = overQueue(ctx, *b))
        return refuse(429, *over, "rate_limit_error");
    return batchReply(ctx, req, accept(ctx, std::move(b)));
}

SimReply SimBatches::createGemini(SimReplyContext &ctx, const HttpRequest &req, const Caller &c, const QString &model)
{
    const SimDialect &d = *c.dialect;
    const SimBatchParams params = resolveBatchParams(m_config, c.key, c.provider);
    auto refuse = [&](int status, const QString &message, const char *status_) {
        ++m_stats.batchesRefused;
        return d.errorReply(ctx, status, message, s(status_));
    };
    if (params.maxBytes > 0 && req.body.size() > params.maxBytes)
        return refuse(400, QStringLiteral("Request payload size exceeds the limit: %1 bytes.").arg(params.maxBytes), "INVALID_ARGUMENT");
    bool ok = false;
    const QJsonObject body = parseObject(req.body, &ok);
    if (!ok)
        return refuse(400, QStringLiteral("Invalid JSON payload received."), "INVALID_ARGUMENT");
    const QJsonObject batch = body.value(QLatin1String("batch")).toObject();
    const QJsonObject input = protoField(batch, "input_config", "inputConfig").toObject();
    if (input.contains(QLatin1String("file_name")) || input.contains(QLatin1String("fileName")))
        return refuse(400, QStringLiteral("The simulator takes inline requests only (input_config.requests)."), "INVALID_ARGUMENT");
    const QJsonArray requests = input.value(QLatin1String("requests")).toObject().value(QLatin1String("requests")).toArray();
    if (requests.isEmpty())
        return refuse(400, QStringLiteral("* BatchGenerateContentRequest.batch.input_config.requests: requests is required\n"),
                      "INVALID_ARGUMENT");
    if (params.maxRequests > 0 && requests.size() > params.maxRequests)
        return refuse(400, QStringLiteral("* BatchGenerateContentRequest.batch.input_config.requests: at most %1 requests are allowed, "
                                          "got %2\n").arg(params.maxRequests).arg(requests.size()), "INVALID_ARGUMENT");
    std::unique_ptr<Batch> b = newBatch(ctx, c, QStringLiteral("batches/") + ctx.randomId("", 36, true));
    b->model = model;
    b->displayName = protoField(batch, "display_name", "displayName").toString();
    // Gemini does not require unique keys: duplicates are kept (and counted twice).
    Builder builder{*b, d, ctx, {}, {}, 0, false};
    for (qsizetype i = 0; i < requests.size(); ++i) {
        const QJsonObject r = requests[i].toObject();
        const QJsonValue key = r.value(QLatin1String("metadata")).toObject().value(QLatin1String("key"));
        const QByteArray id = key.isString() ? key.toString().toUtf8() : QByteArray::number(i);
        builder.add(id, r.value(QLatin1String("request")).toObject());
    }
    builder.flush();
    if (const std::optional<QString> over = overQueue(ctx, *b))
        return refuse(429, *over, "RESOURCE_EXHAUSTED");
    return batchReply(ctx, req, accept(ctx, std::move(b)));
}

// ---------------------------------------------------------------------------------------------
// Status

namespace {

const char *openAiStatus(Phase p)
{
    static const char *const names[] = {"validating", "in_progress", "finalizing", "completed", "failed", "expired", "cancelling", "cancelled"};
    return names[int(p)];
}

const char *mistralStatus(Phase p)
{
    static const char *const names[] = {"QUEUED", "RUNNING", "RUNNING", "SUCCESS", "FAILED", "TIMEOUT_EXCEEDED", "CANCELLATION_REQUESTED", "CANCELLED"};
    return names[int(p)];
}

const char *geminiState(Phase p)
{
    static const char *const names[] = {"BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED",
                                        "BATCH_STATE_FAILED", "BATCH_STATE_EXPIRED", "BATCH_STATE_RUNNING", "BATCH_STATE_CANCELLED"};
    return names[int(p)];
}

/// Proto3 JSON: int64 counts are strings and zero values are left out.
void putCount(QJsonObject &o, const char *name, qint64 v)
{
    if (v != 0)
        o.insert(s(name), QString::number(v));
}

} // namespace

SimReply SimBatches::batchReply(SimReplyContext &ctx, const HttpRequest &, Batch &b)
{
    const State st = stateAt(b, ctx.now());
    const bool ended = isTerminal(st.phase);
    const qint64 unfinished = ended && st.phase != Phase::Completed && st.phase != Phase::Failed ? b.n - st.done : 0;
    const qint64 succeeded = st.done - st.failed;
    auto at = [&](qint64 t) { return t < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(epochSeconds(ctx, t)); };
    auto when = [&](qint64 t) { return t < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(rfc3339(ctx, t)); };
    SimReply r;
    switch (b.provider) {
    case Provider::Anthropic: {
        const char *status = st.phase == Phase::Cancelling ? "canceling" : ended ? "ended" : "in_progress";
        // Anthropic moves requests out of "processing" only once the whole batch has ended.
        const QJsonObject counts{{s("processing"), ended ? 0 : qint64(b.n)},
                                 {s("succeeded"), ended ? succeeded : 0},
                                 {s("errored"), ended ? qint64(st.failed) : 0},
                                 {s("canceled"), st.phase == Phase::Cancelled ? unfinished : 0},
                                 {s("expired"), st.phase == Phase::Expired ? unfinished : 0}};
        const QString host = b.host.isEmpty() ? QStringLiteral("127.0.0.1") : b.host;
        r.body = toJson({{s("id"), b.id},
                         {s("type"), s("message_batch")},
                         {s("processing_status"), s(status)},
                         {s("request_counts"), counts},
                         {s("ended_at"), when(st.endedAt)},
                         {s("created_at"), rfc3339(ctx, b.createdAt)},
                         {s("expires_at"), rfc3339(ctx, b.createdAt + b.params.expireAfterMs)},
                         {s("archived_at"), QJsonValue::Null},
                         {s("cancel_initiated_at"), when(st.cancellingAt)},
                         {s("results_url"), ended ? QJsonValue(QStringLiteral("http://%1/v1/messages/batches/%2/results").arg(host, b.id))
                                                  : QJsonValue(QJsonValue::Null)}});
        return r;
    }
    case Provider::Gemini: {
        QJsonObject stats;
        putCount(stats, "requestCount", b.n);
        putCount(stats, "successfulRequestCount", succeeded);
        putCount(stats, "failedRequestCount", st.failed);
        putCount(stats, "pendingRequestCount", ended ? 0 : b.n - st.done);
        qint64 updated = b.createdAt;
        for (qint64 t : {st.inProgressAt, st.cancellingAt, st.endedAt})
            updated = std::max(updated, t);
        QJsonObject meta{{s("@type"), s("type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch")},
                         {s("model"), QString(QStringLiteral("models/") + b.model)},
                         {s("displayName"), b.displayName},
                         {s("createTime"), rfc3339(ctx, b.createdAt)},
                         {s("updateTime"), rfc3339(ctx, updated)},
                         {s("batchStats"), stats},
                         {s("state"), s(geminiState(st.phase))},
                         {s("name"), b.id}};
        if (ended)
            meta.insert(s("endTime"), rfc3339(ctx, st.endedAt));
        QJsonObject op{{s("name"), b.id}, {s("metadata"), meta}};
        if (ended)
            op.insert(s("done"), true);
        if (st.phase == Phase::Completed) {
            QJsonArray responses;
            forEachResult(ctx, b, Want::All, [&](const Item &it) {
                const QJsonObject metadata{{s("key"), QString::fromUtf8(it.customId)}};
                if (it.kind == Item::Succeeded)
                    responses.append(QJsonObject{{s("response"), it.body}, {s("metadata"), metadata}});
                else
                    responses.append(QJsonObject{{s("error"), it.body.value(QLatin1String("error"))}, {s("metadata"), metadata}});
            });
            const QJsonObject inlined{{s("inlinedResponses"), responses}};
            meta.insert(s("output"), QJsonObject{{s("inlinedResponses"), inlined}});
            op.insert(s("metadata"), meta);
            op.insert(s("response"), QJsonObject{{s("@type"), s("type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput")},
                                                 {s("inlinedResponses"), inlined}});
        }
        r.body = toJson(op);
        return r;
    }
    case Provider::Mistral: {
        QJsonArray errors;
        for (const QJsonValue &e : std::as_const(b.validationErrors))
            errors.append(QJsonObject{{s("message"), e.toObject().value(QLatin1String("message"))}, {s("count"), 1}});
        const bool showFiles = ended && st.phase != Phase::Failed;
        r.body = toJson({{s("id"), b.id},
                         {s("object"), s("batch")},
                         {s("input_files"), QJsonArray::fromStringList(b.inputFiles)},
                         {s("metadata"), b.metadata},
                         {s("endpoint"), b.endpoint},
                         {s("model"), b.model},
                         {s("agent_id"), QJsonValue::Null},
                         {s("output_file"), showFiles && succeeded > 0 ? QJsonValue(b.outputFileId) : QJsonValue(QJsonValue::Null)},
                         {s("error_file"), showFiles && st.failed > 0 ? QJsonValue(b.errorFileId) : QJsonValue(QJsonValue::Null)},
                         {s("errors"), errors},
                         {s("outputs"), QJsonValue::Null},
                         {s("status"), s(mistralStatus(st.phase))},
                         {s("created_at"), epochSeconds(ctx, b.createdAt)},
                         {s("total_requests"), qint64(b.n)},
                         {s("completed_requests"), qint64(st.done)},
                         {s("succeeded_requests"), succeeded},
                         {s("failed_requests"), qint64(st.failed)},
                         {s("started_at"), at(st.inProgressAt)},
                         {s("completed_at"), at(st.endedAt)}});
        return r;
    }
    default:
        break;
    }
    const bool failed = st.phase == Phase::Failed;
    const bool showFiles = ended && !failed;
    const bool counting = st.phase != Phase::Validating && !failed;
    r.body = toJson({{s("id"), b.id},
                     {s("object"), s("batch")},
                     {s("endpoint"), b.endpoint},
                     {s("model"), b.model},
                     {s("errors"), failed ? QJsonValue(QJsonObject{{s("object"), s("list")}, {s("data"), b.validationErrors}})
                                          : QJsonValue(QJsonValue::Null)},
                     {s("input_file_id"), b.inputFiles.value(0)},
                     {s("completion_window"), s("24h")},
                     {s("status"), s(openAiStatus(st.phase))},
                     {s("output_file_id"), showFiles && succeeded > 0 ? QJsonValue(b.outputFileId) : QJsonValue(QJsonValue::Null)},
                     {s("error_file_id"), showFiles && st.failed + unfinished > 0 ? QJsonValue(b.errorFileId) : QJsonValue(QJsonValue::Null)},
                     {s("created_at"), epochSeconds(ctx, b.createdAt)},
                     {s("in_progress_at"), at(st.inProgressAt)},
                     {s("expires_at"), epochSeconds(ctx, b.createdAt + b.params.expireAfterMs)},
                     {s("finalizing_at"), at(st.finalizingAt)},
                     {s("completed_at"), at(st.phase == Phase::Completed ? st.endedAt : -1)},
                     {s("failed_at"), at(failed ? st.endedAt : -1)},
                     {s("expired_at"), at(st.phase == Phase::Expired ? st.endedAt : -1)},
                     {s("cancelling_at"), at(st.cancellingAt)},
                     {s("cancelled_at"), at(st.phase == Phase::Cancelled ? st.endedAt : -1)},
                     {s("request_counts"), QJsonObject{{s("total"), counting ? qint64(b.n) : 0},
                                                       {s("completed"), succeeded},
                                                       {s("failed"), qint64(st.failed)}}},
                     {s("metadata"), b.metadata}});
    return r;
}

SimReply SimBatches::cancel(SimReplyContext &ctx, const HttpRequest &req, Batch &b)
{
    ++m_stats.cancelRequests;
    const State st = stateAt(b, ctx.now());
    const bool open = !isTerminal(st.phase) && st.phase != Phase::Cancelling;
    if (open)
        b.cancelAt = ctx.now();
    else if (b.provider == Provider::OpenAI || b.provider == Provider::Mistral)
        return m_dialects.forProvider(b.provider)
            .errorReply(ctx, 400, QStringLiteral("Cannot cancel a batch with status '%1'.")
                                      .arg(s(b.provider == Provider::OpenAI ? openAiStatus(st.phase) : mistralStatus(st.phase))),
                        s("invalid_request_error"));
    if (b.provider == Provider::Gemini) {
        SimReply r;
        r.body = "{}";
        return r;
    }
    return batchReply(ctx, req, b);
}

// ---------------------------------------------------------------------------------------------
// Results

void SimBatches::produce(const SimDialect &d, Batch &b, quint32 i, const QByteArray &body, Item &item, bool countUsage)
{
    const qint64 doneAt = b.createdAt + b.params.validatingMs + b.params.processingMs * (i + 1) / std::max<quint32>(1, b.n);
    ItemContext ctx(mix64(m_config.seed ^ mix64(b.serial * 0x100000001b3ULL + i)), doneAt, 0);
    SimCall call;
    call.dialect = &d;
    call.model = b.model;
    auto takeReply = [&](const SimReply &r) {
        item.kind = Item::Errored;
        item.status = r.status;
        bool ok = false;
        item.body = parseObject(r.body, &ok);
        for (const auto &[name, value] : r.headers)
            if (name == "x-request-id" || name == "request-id")
                item.requestId = QString::fromLatin1(value);
    };
    if (std::optional<SimReply> rejected = d.parseBody(ctx, body, call)) {
        takeReply(*rejected);
        return;
    }
    if (itemErrored(b, i)) {
        takeReply(d.serverError(ctx));
        return;
    }
    // As a live call would be answered (SimServer::answerModelCall), without rate-limit headers.
    const Provider p = d.provider();
    const double invalidRate = m_config.faults.invalidJson;
    const bool invalidJson = invalidRate > 0 && unitFromHash(mix64(m_config.seed ^ mix64(b.serial * 131 + i + 7))) < invalidRate;
    QString text = invalidJson ? invalidJsonReplyText(call.model) : replyText(m_config.seed, call.model, call.messages.join(u'\n'));
    bool truncated = false;
    if (call.maxTokens >= 0 && completionTokens(p, text) > call.maxTokens) {
        text = truncateToTokens(p, text, call.maxTokens);
        truncated = true;
    }
    const qint64 completion = completionTokens(p, text);
    const double factor = b.key ? b.key->countFactor : 1.0;
    const qint64 prompt = promptTokens(p, call.messages);
    call.promptTokens = factor == 1.0 ? prompt : qint64(std::llround(double(prompt) * factor));
    takeReply(d.successReply(ctx, call, 0, text, completion, truncated));
    item.kind = Item::Succeeded;
    if (countUsage) {
        m_stats.promptTokens += call.promptTokens;
        m_stats.completionTokens += completion;
    }
}

void SimBatches::forEachResult(SimReplyContext &ctx, Batch &b, Want want, const std::function<void(const Item &)> &fn)
{
    const State st = stateAt(b, ctx.now());
    if (!isTerminal(st.phase) || st.phase == Phase::Failed)
        return;
    ++m_stats.resultFetches;
    if (!b.counted) {
        b.counted = true;
        m_stats.succeeded += st.done - st.failed;
        m_stats.errored += st.failed;
        (st.phase == Phase::Cancelled ? m_stats.cancelled : m_stats.expired) += b.n - st.done;
    }
    const SimDialect &d = m_dialects.forProvider(b.provider);
    // OpenAI, Mistral and Anthropic do not keep the input order; Gemini's inline responses do.
    const bool reversed = b.provider != Provider::Gemini;
    const quint32 chunkCount = quint32(b.chunks.size());
    for (quint32 k = 0; k < chunkCount; ++k) {
        const quint32 c = reversed ? chunkCount - 1 - k : k;
        const quint32 first = c * kChunkItems;
        const quint32 last = std::min(b.n, first + kChunkItems);
        QList<QByteArray> bodies;
        for (quint32 i = first; i < last; ++i) {
            Item item;
            item.index = i;
            item.customId = b.customId(i);
            if (i >= st.done) {
                if (want == Want::Succeeded)
                    continue;
                item.kind = st.phase == Phase::Cancelled ? Item::Cancelled : Item::Expired;
                fn(item);
                continue;
            }
            if ((want == Want::Succeeded && itemErrored(b, i)) || (want == Want::Failed && !itemErrored(b, i)))
                continue;
            if (bodies.isEmpty())
                bodies = qUncompress(b.chunks[c]).split('\n');
            if (!WB_CHECK(i - first < quint32(bodies.size())))
                return;
            produce(d, b, i, bodies[i - first], item, want != Want::Failed);
            fn(item);
        }
    }
}

QByteArray SimBatches::resultFile(SimReplyContext &ctx, Batch &b, bool errors)
{
    QByteArray out;
    forEachResult(ctx, b, errors ? Want::Failed : Want::Succeeded, [&](const Item &it) {
        if (b.provider == Provider::Mistral && (it.kind == Item::Expired || it.kind == Item::Cancelled))
            return;   // Mistral's files hold the requests that ran; the rest simply has no line
        const quint64 h = mix64(m_config.seed ^ mix64(b.serial * 0x9e3779b97f4a7c15ULL + it.index + 3));
        QJsonObject line{{s("id"), b.provider == Provider::Mistral ? hexId("batch-", h, 24) : hexId("batch_req_", h, 32)},
                         {s("custom_id"), QString::fromUtf8(it.customId)}};
        if (it.kind == Item::Succeeded || it.kind == Item::Errored) {
            QJsonObject response{{s("status_code"), it.status}, {s("body"), it.body}};
            if (b.provider == Provider::OpenAI)
                response.insert(s("request_id"), it.requestId);
            line.insert(s("response"), response);
            line.insert(s("error"), QJsonValue::Null);
        } else {
            const bool expired = it.kind == Item::Expired;
            line.insert(s("response"), QJsonValue::Null);
            line.insert(s("error"),
                        QJsonObject{{s("code"), expired ? s("batch_expired") : s("batch_cancelled")},
                                    {s("message"), expired ? QStringLiteral("This request could not be executed before the completion window expired.")
                                                           : QStringLiteral("This request was not executed because the batch was cancelled.")}});
        }
        out += toJson(line);
        out += '\n';
    });
    return out;
}

SimReply SimBatches::anthropicResults(SimReplyContext &ctx, const HttpRequest &, Batch &b)
{
    const State st = stateAt(b, ctx.now());
    if (!isTerminal(st.phase))
        return m_dialects.forProvider(Provider::Anthropic)
            .errorReply(ctx, 400, QStringLiteral("Message Batch %1 has not yet ended; results are available once it has.").arg(b.id),
                        s("invalid_request_error"));
    SimReply r;
    r.headers.emplaceBack(QByteArray("content-type"), QByteArray("application/binary"));
    forEachResult(ctx, b, Want::All, [&](const Item &it) {
        QJsonObject result;
        switch (it.kind) {
        case Item::Succeeded:
            result = {{s("type"), s("succeeded")}, {s("message"), it.body}};
            break;
        case Item::Errored:
            result = {{s("type"), s("errored")}, {s("error"), it.body}};
            break;
        case Item::Expired:
            result = {{s("type"), s("expired")}};
            break;
        case Item::Cancelled:
            result = {{s("type"), s("canceled")}};
            break;
        }
        r.body += toJson({{s("custom_id"), QString::fromUtf8(it.customId)}, {s("result"), result}});
        r.body += '\n';
    });
    return r;
}

} // namespace wb::sim
