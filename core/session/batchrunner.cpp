#include "core/session/batchrunner.h"

#include "core/common/check.h"
#include "core/common/logging.h"
#include "core/pricing/pricing.h"
#include "core/pricing/tokenbound.h"
#include "core/session/runsetup.h"
#include "core/storage/resultstore.h"
#include "core/tokenize/tokenestimator.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>

namespace wb {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// A failed submission step is tried again this often before the batch's jobs fail.
constexpr int kSubmitAttempts = 5;
constexpr qint64 kSubmitRetryMs = 2000;

} // namespace

BatchRunner::BatchRunner(PreparedRun &run, QHash<QString, QString> apiKeys,
                         std::function<ChatRequest(const PlannedRun *, const QList<qint64> &)> buildRequest, QObject *parent)
    : QObject(parent), m_p(run), m_keys(std::move(apiKeys)), m_build(std::move(buildRequest)), m_store(*run.store)
{
    m_nam = new QNetworkAccessManager(this);
    m_timer = new QTimer(this);
    m_timer->setInterval(200);
    connect(m_timer, &QTimer::timeout, this, &BatchRunner::onTimer);
}

BatchRunner::~BatchRunner()
{
    for (QNetworkReply *r : std::as_const(m_replies)) {
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
}

LedgerBudget *BatchRunner::budget() const
{
    // As for the router: the ledger takes part only when there is a cap.
    return m_p.budget && m_p.budget->hasCap() ? m_p.budget.get() : nullptr;
}

QString BatchRunner::keyIdOf(const Deployment &d) const
{
    // Keys are compared by a hash of provider, base and key, never kept or logged.
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(d.provider.toUtf8());
    h.addData("\n");
    h.addData(d.apiBase.toUtf8());
    h.addData("\n");
    h.addData(m_keys.value(d.id).toUtf8());
    return QString::fromLatin1(h.result().toHex().left(16));
}

bool BatchRunner::supportsGroup(const QString &group) const
{
    for (const Deployment *d : m_p.project.models.deploymentsOf(group))
        if (batchDialectFor(d->provider) != BatchDialect::None)
            return true;
    return false;
}

const Deployment *BatchRunner::pickDeployment(const QString &group, qint64 tokens) const
{
    const qint64 cap = m_p.project.experiment.execution.batchApi.maxEnqueuedTokens;
    const Deployment *best = nullptr;
    qint64 bestLoad = 0;
    for (const Deployment *d : m_p.project.models.deploymentsOf(group)) {
        if (batchDialectFor(d->provider) == BatchDialect::None)
            continue;
        const qint64 load = m_enqueuedTokens.value(keyIdOf(*d));
        // A key with nothing enqueued takes even an item larger than its limit: it can never fit better.
        if (cap > 0 && load > 0 && load + tokens > cap)
            continue;
        if (!best || load < bestLoad) {
            best = d;
            bestLoad = load;
        }
    }
    return best;
}

void BatchRunner::enqueue(const PlannedRun *run, const QList<qint64> &jobIds, std::optional<ChatRequest> reask)
{
    if (m_stopped || !WB_CHECK(run))
        return;
    m_queue.push_back({run, jobIds, std::move(reask)});
    m_queuedJobs += jobIds.size();
    scheduleSubmit();
}

void BatchRunner::scheduleSubmit()
{
    if (m_submitScheduled || m_stopped)
        return;
    m_submitScheduled = true;
    QMetaObject::invokeMethod(this, [this] {
        m_submitScheduled = false;
        submitQueued();
    }, Qt::QueuedConnection);
}

/// Packs the queue into batches: per group, the deployment whose key has the least enqueued, filled
/// up to the provider's requests and bytes per batch and the key's enqueued-token limit.
void BatchRunner::submitQueued()
{
    if (m_stopped)
        return;
    std::deque<Queued> waiting;   // no key has room now: tried again when a batch ends
    while (!m_queue.empty()) {
        const QString group = m_queue.front().run->spec.model;
        std::shared_ptr<Open> b;
        QList<BatchItemRow> rows;
        BatchLimits limits;
        qint64 bytes = 0, tokens = 0;
        const Deployment *d = nullptr;
        std::optional<ModelPrice> price;
        std::deque<Queued> otherGroups;
        while (!m_queue.empty()) {
            Queued q = std::move(m_queue.front());
            m_queue.pop_front();
            if (q.run->spec.model != group) {
                otherGroups.push_back(std::move(q));
                continue;
            }
            const ChatRequest req = q.reask ? *q.reask : m_build(q.run, q.jobIds);
            const qint64 base = m_p.tokens ? m_p.tokens->baseTokens(req) : 0;
            if (!d) {
                const Deployment *first = m_p.project.models.deploymentsOf(group).value(0);
                const qint64 guess = first && m_p.tokens ? m_p.tokens->promptTokens(first->provider, first->model, req).tokens : base;
                d = pickDeployment(group, guess);
                if (!d) {
                    waiting.push_back(std::move(q));
                    continue;
                }
                b = std::make_shared<Open>();
                b->wire = std::make_unique<BatchWire>(*d, m_keys.value(d->id));
                b->keyId = keyIdOf(*d);
                limits = batchLimits(b->wire->dialect());
                price = m_p.prices ? m_p.prices->forDeployment(*d) : std::nullopt;
            }
            const qint64 inTokens = m_p.tokens ? m_p.tokens->promptTokens(d->provider, d->model, req).tokens : base;
            // A job sent again (retry, re-ask, expiry) gets a new id: one custom_id is one request.
            const qint64 first = q.jobIds.value(0);
            const int sent = m_sends.value(first);
            const QString customId = QStringLiteral("j") + QString::number(first)
                                     + (sent > 0 ? QStringLiteral("_r") + QString::number(sent) : QString());
            QByteArray line = b->wire->item(customId, req);
            const qint64 cap = m_p.project.experiment.execution.batchApi.maxEnqueuedTokens;
            const qint64 keyLoad = m_enqueuedTokens.value(b->keyId) + tokens;
            const bool full = !b->items.isEmpty()
                              && (b->items.size() >= limits.maxRequests || bytes + line.size() + 1 > limits.maxBytes
                                  || (cap > 0 && keyLoad + inTokens > cap));
            if (full || b->items.contains(customId)) {
                m_queue.push_front(std::move(q));
                break;
            }
            Item item;
            item.customId = customId;
            item.run = q.run;
            item.jobIds = q.jobIds;
            item.reask = std::move(q.reask);
            item.inputTokens = inTokens;
            item.baseTokens = base;
            if (budget() && price) {
                const qint64 estimate = worstCaseMicros(*price, inTokens, req.maxTokens, PriceMode::BatchApi);
                const qint64 bound = picosToMicros(worstCasePicos(*price, promptTokenBound(req), req.maxTokens, PriceMode::BatchApi));
                item.reservedMicros = budget()->reserveBounded(estimate, bound);
                item.boundMicros = bound;
                if (item.reservedMicros < 0) {
                    // Over budget: this call and everything still queued go back to pending.
                    m_budgetStopped = true;
                    QList<qint64> refused = q.jobIds;
                    for (auto *list : {&m_queue, &otherGroups, &waiting})
                        for (const Queued &r : *list)
                            refused += r.jobIds;
                    m_queue.clear();
                    otherGroups.clear();
                    waiting.clear();
                    m_queuedJobs = 0;
                    emit budgetRefused(refused);
                    break;
                }
            }
            bytes += line.size() + 1;
            tokens += inTokens;
            b->lines.append(std::move(line));
            rows.append({customId, q.run->spec.runId, q.jobIds});
            m_queuedJobs -= q.jobIds.size();
            b->items.insert(customId, std::move(item));
            m_sends[first] = sent + 1;
        }
        for (auto it = otherGroups.rbegin(); it != otherGroups.rend(); ++it)
            m_queue.push_front(std::move(*it));
        if (!b || b->items.isEmpty())
            continue;
        b->row.deploymentId = d->id;
        b->row.provider = d->provider;
        b->row.group = group;
        b->row.state = batchStateName(BatchState::Submitting);
        b->row.requests = b->items.size();
        b->row.inputTokens = tokens;
        b->row.inputBytes = bytes;
        b->row.createdAt = QDateTime::currentDateTimeUtc();
        // Stored before anything is sent: a kill from here on leaves a record of it.
        auto id = m_store.insert(b->row, rows);
        if (!id) {
            emit event(QStringLiteral("batch: cannot store the batch (%1); its jobs are retried live").arg(id.error().toString()));
            finishBatchItems(*b, BatchItemOutcome::Kind::Failed, id.error().toString());
            continue;
        }
        b->row.id = *id;
        m_enqueuedTokens[b->keyId] += tokens;
        m_open.insert(b->row.id, b);
        emit event(QStringLiteral("batch: submitting %1 requests (%2 bytes, ~%3 input tokens) to %4")
                       .arg(b->row.requests)
                       .arg(bytes)
                       .arg(tokens)
                       .arg(d->id));
        startSubmit(*b);
    }
    m_queue = std::move(waiting);
    if (!m_open.isEmpty() && !m_timer->isActive())
        m_timer->start();
}

void BatchRunner::send(Open &b, const BuiltRequest &req, bool post, std::function<void(int, const QByteArray &)> done)
{
    QNetworkRequest r = req.request;
    r.setTransferTimeout(300000);
    QNetworkReply *reply = post ? m_nam->post(r, req.body) : m_nam->get(r);
    m_replies.insert(reply);
    b.busy = true;
    const qint64 rowId = b.row.id;
    connect(reply, &QNetworkReply::finished, this, [this, reply, rowId, done = std::move(done)] {
        m_replies.remove(reply);
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        auto it = m_open.find(rowId);
        if (it == m_open.end() || m_stopped)
            return;
        it.value()->busy = false;
        done(status, body);
    });
}

void BatchRunner::saveRow(Open &b)
{
    if (auto r = m_store.update(b.row); !r)
        emit event(QStringLiteral("batch: cannot store the state of %1: %2").arg(b.row.providerBatchId, r.error().toString()));
}

/// Upload (OpenAI, Mistral) and create. A refused step is retried a few times; then the jobs fail
/// with the provider's reason.
void BatchRunner::startSubmit(Open &b)
{
    const qint64 rowId = b.row.id;
    auto retryOrFail = [this, rowId](const QString &reason, bool retryable) {
        auto it = m_open.find(rowId);
        if (it == m_open.end())
            return;
        Open &ob = *it.value();
        if (retryable && ++ob.submitFailures < kSubmitAttempts) {
            emit event(QStringLiteral("batch: submission refused (%1); trying again").arg(reason));
            QTimer::singleShot(kSubmitRetryMs * ob.submitFailures, this, [this, rowId] {
                if (auto i = m_open.find(rowId); i != m_open.end() && !m_stopped)
                    startSubmit(*i.value());
            });
            return;
        }
        ob.row.state = batchStateName(BatchState::Failed);
        ob.row.error = reason;
        finishBatchItems(ob, BatchItemOutcome::Kind::Failed, QStringLiteral("batch submission refused: ") + reason);
    };
    auto retryable = [](const ProviderError &e) {
        return e.errorClass == ErrorClass::Transient || e.errorClass == ErrorClass::RateLimited || e.errorClass == ErrorClass::Overloaded;
    };
    if (b.wire->uploadsFile() && b.row.inputFile.isEmpty()) {
        const BuiltRequest up = b.wire->upload(b.lines, QStringLiteral("discernus-batch-%1.jsonl").arg(b.row.id));
        send(b, up, true, [this, rowId, retryOrFail, retryable](int status, const QByteArray &body) {
            Open &ob = *m_open.value(rowId);
            auto file = ob.wire->parseUpload(status, body);
            if (!file)
                return retryOrFail(file.error().message, retryable(ob.wire->errorOf(status, body)));
            ob.row.inputFile = *file;
            saveRow(ob);
            startSubmit(ob);
        });
        return;
    }
    const BuiltRequest create = b.wire->create(b.row.inputFile, b.lines, QStringLiteral("discernus-%1").arg(b.row.id));
    send(b, create, true, [this, rowId, retryOrFail, retryable](int status, const QByteArray &body) {
        Open &ob = *m_open.value(rowId);
        auto st = ob.wire->parseStatus(status, body);
        if (!st)
            return retryOrFail(st.error().message, retryable(ob.wire->errorOf(status, body)));
        ob.row.providerBatchId = st->id;
        ob.row.state = batchStateName(st->state == BatchState::Submitting ? BatchState::Validating : st->state);
        ob.row.providerState = st->providerState;
        saveRow(ob);
        ob.lines.clear();
        ob.lines.squeeze();
        ob.intervalMs = m_p.project.experiment.execution.batchApi.pollSeconds * 1000;
        ob.nextPollMs = nowMs() + ob.intervalMs;
        emit event(QStringLiteral("batch %1: %2 requests submitted to %3").arg(ob.row.providerBatchId).arg(ob.row.requests).arg(ob.row.deploymentId));
    });
}

void BatchRunner::onTimer()
{
    if (m_stopped)
        return;
    const qint64 now = nowMs();
    const auto open = m_open;   // poll() may close batches
    for (const auto &b : open)
        if (!b->busy && !b->row.providerBatchId.isEmpty() && b->nextPollMs <= now && b->sources.isEmpty())
            poll(*b);
    if (m_open.isEmpty())
        m_timer->stop();
}

void BatchRunner::poll(Open &b)
{
    const qint64 rowId = b.row.id;
    send(b, b.wire->status(b.row.providerBatchId), false, [this, rowId](int status, const QByteArray &body) {
        Open &ob = *m_open.value(rowId);
        const BatchApiSettings &cfg = m_p.project.experiment.execution.batchApi;
        auto st = ob.wire->parseStatus(status, body);
        if (!st) {
            // A failed poll changes nothing: the batch is still there. Back off and ask again.
            ob.intervalMs = std::min(ob.intervalMs * 2, cfg.pollMaxSeconds * 1000);
            ob.nextPollMs = nowMs() + ob.intervalMs;
            qCWarning(lcRouter) << "batch poll failed:" << st.error().message;
            return;
        }
        const bool moved = st->succeeded != ob.row.succeeded || st->failed != ob.row.failed
                           || batchStateName(st->state) != ob.row.state;
        ob.row.state = batchStateName(st->state);
        ob.row.providerState = st->providerState;
        ob.row.succeeded = st->succeeded;
        ob.row.failed = st->failed;
        ob.row.expired = st->expired;
        ob.row.cancelled = st->cancelled;
        ob.row.outputFile = st->outputFile;
        ob.row.errorFile = st->errorFile;
        ob.row.resultsUrl = st->resultsUrl;
        if (!st->error.isEmpty())
            ob.row.error = st->error;
        if (moved)
            saveRow(ob);
        ob.intervalMs = moved ? cfg.pollSeconds * 1000 : std::min(ob.intervalMs * 2, cfg.pollMaxSeconds * 1000);
        ob.nextPollMs = nowMs() + ob.intervalMs;
        if (!batchStateFinal(st->state))
            return;
        // Results: OpenAI/Mistral output and error files, Anthropic's results, Gemini's inline list or file.
        ob.results.clear();
        ob.sources.clear();
        switch (ob.wire->dialect()) {
        case BatchDialect::OpenAi:
        case BatchDialect::Mistral:
            for (const QString &f : {st->outputFile, st->errorFile})
                if (!f.isEmpty())
                    ob.sources.append(f);
            break;
        case BatchDialect::Anthropic:
            ob.sources.append(st->resultsUrl.isEmpty() ? st->id : st->resultsUrl);
            break;
        case BatchDialect::Gemini:
            if (!st->inlineResults.isEmpty())
                ob.results = ob.wire->parseGeminiInline(st->inlineResults);
            else if (!st->outputFile.isEmpty())
                ob.sources.append(st->outputFile);
            break;
        case BatchDialect::None: break;
        }
        fetchResults(ob);
    });
}

void BatchRunner::fetchResults(Open &b)
{
    if (b.sources.isEmpty()) {
        collect(b, b.results);
        return;
    }
    const qint64 rowId = b.row.id;
    const QString source = b.sources.first();
    send(b, b.wire->results(source), false, [this, rowId](int status, const QByteArray &body) {
        Open &ob = *m_open.value(rowId);
        if (status / 100 != 2) {
            // Try again at the next poll (the provider may not have the file ready).
            qCWarning(lcRouter) << "batch results not available:" << status << ob.wire->errorOf(status, body).message;
            ob.sources.clear();
            ob.nextPollMs = nowMs() + ob.intervalMs;
            return;
        }
        ob.results += ob.wire->parseResults(body);
        ob.sources.removeFirst();
        fetchResults(ob);
    });
}

BatchItemOutcome BatchRunner::outcomeFor(const Open &b, const Item &item) const
{
    BatchItemOutcome o;
    o.run = item.run;
    o.jobIds = item.jobIds;
    o.reask = item.reask;
    o.deploymentId = b.row.deploymentId;
    o.provider = b.row.provider;
    o.group = b.row.group;
    o.batchId = b.row.providerBatchId;
    o.baseTokens = item.baseTokens;
    o.latencyMs = b.row.createdAt.isValid() ? b.row.createdAt.msecsTo(QDateTime::currentDateTimeUtc()) : 0;
    return o;
}

/// Every item of an ended batch is handed to the runner once; items the results do not mention
/// come back as expired (their jobs go back to pending) or, for a failed batch, with its reason.
void BatchRunner::collect(Open &b, const QList<BatchItemResult> &results)
{
    const Deployment *d = m_p.project.models.deployment(b.row.deploymentId);
    const std::optional<ModelPrice> price = d && m_p.prices ? m_p.prices->forDeployment(*d) : std::nullopt;
    QSet<QString> seen;
    for (const BatchItemResult &r : results) {
        auto it = b.items.constFind(r.customId);
        if (it == b.items.cend() || seen.contains(r.customId))
            continue;
        seen.insert(r.customId);
        BatchItemOutcome o = outcomeFor(b, *it);
        o.reply = r.reply;
        if (r.kind == BatchItemResult::Kind::Expired) {
            o.kind = BatchItemOutcome::Kind::Expired;
            o.error = QStringLiteral("expired at the provider (batch %1)").arg(b.row.providerBatchId);
        } else if (r.kind == BatchItemResult::Kind::Cancelled) {
            o.kind = BatchItemOutcome::Kind::Cancelled;
            o.error = QStringLiteral("cancelled (batch %1)").arg(b.row.providerBatchId);
        } else if (r.reply.completion) {
            o.costMicros = price ? costMicros(*price, r.reply.completion->usage, PriceMode::BatchApi) : 0;
        } else if (r.reply.error) {
            o.error = r.reply.error->message.isEmpty() ? errorClassName(r.reply.error->errorClass) : r.reply.error->message;
        }
        if (budget() && it->reservedMicros >= 0)
            budget()->settleBounded(it->reservedMicros, it->boundMicros, o.costMicros);
        emit itemFinished(o);
    }
    const BatchState state = batchStateFromName(b.row.state);
    for (auto it = b.items.cbegin(); it != b.items.cend(); ++it) {
        if (seen.contains(it.key()))
            continue;
        BatchItemOutcome o = outcomeFor(b, *it);
        if (state == BatchState::Failed) {
            o.kind = BatchItemOutcome::Kind::Failed;
            o.error = QStringLiteral("batch %1 failed: %2").arg(b.row.providerBatchId, b.row.error.isEmpty() ? b.row.providerState : b.row.error);
        } else if (state == BatchState::Cancelled) {
            o.kind = BatchItemOutcome::Kind::Cancelled;
            o.error = QStringLiteral("cancelled (batch %1)").arg(b.row.providerBatchId);
        } else {
            o.kind = BatchItemOutcome::Kind::Expired;
            o.error = QStringLiteral("no result in batch %1 (%2)").arg(b.row.providerBatchId, b.row.providerState);
        }
        if (budget() && it->reservedMicros >= 0)
            budget()->settleBounded(it->reservedMicros, it->boundMicros, 0);
        emit itemFinished(o);
    }
    emit event(QStringLiteral("batch %1 %2: %3 succeeded, %4 failed, %5 expired, %6 cancelled")
                   .arg(b.row.providerBatchId, b.row.state)
                   .arg(b.row.succeeded)
                   .arg(b.row.failed)
                   .arg(b.row.expired)
                   .arg(b.row.cancelled));
    closeBatch(b.row.id);
}

void BatchRunner::finishBatchItems(Open &b, BatchItemOutcome::Kind kind, const QString &reason)
{
    for (const Item &item : std::as_const(b.items)) {
        BatchItemOutcome o = outcomeFor(b, item);
        o.kind = kind;
        o.error = reason;
        if (budget() && item.reservedMicros >= 0)
            budget()->settleBounded(item.reservedMicros, item.boundMicros, 0);
        emit itemFinished(o);
    }
    if (b.row.id > 0)
        closeBatch(b.row.id);
}

/// The runner has stored every item (batchCollected is connected directly): the batch is done.
void BatchRunner::closeBatch(qint64 rowId)
{
    auto it = m_open.find(rowId);
    if (it == m_open.end())
        return;
    std::shared_ptr<Open> b = it.value();
    m_open.erase(it);
    emit batchCollected();
    b->row.collected = true;
    saveRow(*b);
    qint64 &load = m_enqueuedTokens[b->keyId];
    load = std::max<qint64>(0, load - b->row.inputTokens);
    if (!m_queue.empty())
        scheduleSubmit();
}

QSet<qint64> BatchRunner::resumeOpen(const std::function<bool(const QList<qint64> &)> &heldElsewhere)
{
    m_heldElsewhere = heldElsewhere;
    return scanOpen(nullptr);
}

QSet<qint64> BatchRunner::adoptForClaimed(const QList<qint64> &claimed)
{
    if (!m_heldElsewhere || claimed.isEmpty())
        return {};
    const QSet<qint64> ids(claimed.cbegin(), claimed.cend());
    return scanOpen(&ids);
}

/// Opens (polls again) the batches not collected yet; with `claimed`, only those carrying one of
/// these jobs, which this worker now holds (their sender's leases ran out). Without it, a batch
/// whose jobs another live worker holds is remembered and left to it.
QSet<qint64> BatchRunner::scanOpen(const QSet<qint64> *claimed)
{
    QSet<qint64> jobsInBatches;
    auto rows = m_store.batches(false);
    if (!rows) {
        emit event(QStringLiteral("batch: cannot read the open batches: ") + rows.error().toString());
        return jobsInBatches;
    }
    QHash<QString, const PlannedRun *> runs;
    for (const PlannedRun &r : std::as_const(m_p.runs))
        runs.insert(r.spec.runId, &r);
    for (const BatchRow &row : std::as_const(*rows)) {
        if (m_open.contains(row.id))
            continue;
        if (const auto known = m_elsewhere.constFind(row.id); known != m_elsewhere.cend() && claimed && !known->intersects(*claimed))
            continue;
        auto items = m_store.items(row.id);
        if (!items)
            continue;
        QList<qint64> ids;
        for (const BatchItemRow &it : std::as_const(*items))
            ids += it.jobIds;
        const bool ourClaim = claimed && std::any_of(ids.cbegin(), ids.cend(), [&](qint64 id) { return claimed->contains(id); });
        if (m_heldElsewhere && !ourClaim && (claimed || m_heldElsewhere(ids))) {
            // Another worker sent it and still polls it (its leases on the jobs are live): polling
            // it here too would book its replies twice. Adopted once its jobs are claimed here.
            m_elsewhere.insert(row.id, QSet<qint64>(ids.cbegin(), ids.cend()));
            continue;
        }
        m_elsewhere.remove(row.id);
        const Deployment *d = m_p.project.models.deployment(row.deploymentId);
        if (row.providerBatchId.isEmpty() || !d) {
            // Never confirmed by the provider (killed during the create) or no longer in the model
            // list: closed, and its jobs are planned again.
            BatchRow closed = row;
            closed.collected = true;
            closed.state = batchStateName(BatchState::Failed);
            closed.error = row.providerBatchId.isEmpty() ? QStringLiteral("not confirmed by the provider before the process ended")
                                                         : QStringLiteral("deployment %1 is no longer in the model list").arg(row.deploymentId);
            (void)m_store.update(closed);
            emit event(QStringLiteral("batch: closed an unfinished batch record (%1)").arg(closed.error));
            continue;
        }
        auto b = std::make_shared<Open>();
        b->row = row;
        b->wire = std::make_unique<BatchWire>(*d, m_keys.value(d->id));
        b->keyId = keyIdOf(*d);
        bool ours = false;
        for (const BatchItemRow &it : std::as_const(*items)) {
            Item item;
            item.customId = it.customId;
            item.run = runs.value(it.runId);
            item.jobIds = it.jobIds;
            item.reservedMicros = -1;   // reserved by the process that sent it
            if (item.run)
                ours = true;
            for (qint64 id : it.jobIds)
                jobsInBatches.insert(id);
            b->items.insert(item.customId, item);
        }
        if (!ours)
            continue;   // another experiment's runs: left to it
        b->intervalMs = m_p.project.experiment.execution.batchApi.pollSeconds * 1000;
        b->nextPollMs = 0;
        m_enqueuedTokens[b->keyId] += row.inputTokens;
        m_open.insert(row.id, b);
        emit event(QStringLiteral("batch %1: %2 requests at %3, %4; polling again").arg(row.providerBatchId).arg(row.requests).arg(row.deploymentId, row.state));
    }
    if (!m_open.isEmpty() && !m_stopped)
        m_timer->start();
    return jobsInBatches;
}

QList<qint64> BatchRunner::stop()
{
    m_stopped = true;
    m_timer->stop();
    QList<qint64> ids;
    for (const Queued &q : m_queue)
        ids += q.jobIds;
    m_queue.clear();
    m_queuedJobs = 0;
    for (QNetworkReply *r : std::as_const(m_replies)) {
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
    m_replies.clear();
    for (const auto &b : std::as_const(m_open))
        for (const Item &item : std::as_const(b->items))
            if (budget() && item.reservedMicros >= 0)
                budget()->settleBounded(item.reservedMicros, item.boundMicros, 0);
    return ids;
}

qint64 BatchRunner::openJobs() const
{
    qint64 n = 0;
    for (const auto &b : m_open)
        for (const Item &item : std::as_const(b->items))
            if (item.run)
                n += item.jobIds.size();
    return n;
}

qint64 BatchRunner::pendingJobs() const
{
    return m_queuedJobs + openJobs();
}

void BatchRunner::cancelOpen()
{
    for (const auto &b : std::as_const(m_open)) {
        if (b->row.providerBatchId.isEmpty() || batchStateFinal(batchStateFromName(b->row.state)))
            continue;
        QNetworkRequest r = b->wire->cancel(b->row.providerBatchId).request;
        QNetworkReply *reply = m_nam->post(r, b->wire->cancel(b->row.providerBatchId).body);
        m_replies.insert(reply);
        connect(reply, &QNetworkReply::finished, this, [this, reply] {
            m_replies.remove(reply);
            reply->deleteLater();
        });
        b->nextPollMs = 0;
    }
}

QList<BatchView> BatchRunner::view() const
{
    QList<BatchView> out;
    for (const auto &b : m_open)
        out.append({b->row.providerBatchId, b->row.provider, b->row.deploymentId, b->row.state, b->row.requests, b->row.succeeded,
                    b->row.failed, b->row.expired, b->row.cancelled, b->row.createdAt});
    return out;
}

BatchCancelJob::BatchCancelJob(ModelList models, QHash<QString, QString> apiKeys, QString dbPath, QObject *parent)
    : QObject(parent), m_models(std::move(models)), m_keys(std::move(apiKeys)), m_dbPath(std::move(dbPath))
{
    m_nam = new QNetworkAccessManager(this);
}

BatchCancelJob::~BatchCancelJob() = default;

void BatchCancelJob::done()
{
    QMetaObject::invokeMethod(this, &BatchCancelJob::finished, Qt::QueuedConnection);
}

void BatchCancelJob::start()
{
    auto store = std::make_shared<ResultStore>();
    if (auto ok = store->open(m_dbPath); !ok) {
        problems.append(ok.error().toString());
        return done();
    }
    auto rows = BatchStore(*store).batches(false);
    if (!rows) {
        problems.append(rows.error().toString());
        return done();
    }
    for (const BatchRow &row : std::as_const(*rows)) {
        if (row.providerBatchId.isEmpty() || batchStateFinal(batchStateFromName(row.state)))
            continue;
        const Deployment *d = m_models.deployment(row.deploymentId);
        if (!d) {
            problems.append(QStringLiteral("%1: deployment %2 is not in the model list").arg(row.providerBatchId, row.deploymentId));
            continue;
        }
        auto wire = std::make_shared<BatchWire>(*d, m_keys.value(d->id));
        const BuiltRequest req = wire->cancel(row.providerBatchId);
        QNetworkReply *reply = m_nam->post(req.request, req.body);
        ++m_pending;
        connect(reply, &QNetworkReply::finished, this, [this, reply, wire, store, row] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            // Gemini answers a cancel with an empty object; any 2xx is an accepted cancel.
            if (status / 100 == 2) {
                ++cancelled;
                BatchRow updated = row;
                const auto st = wire->parseStatus(status, body);
                updated.state = batchStateName(st ? st->state : BatchState::Cancelling);
                if (st)
                    updated.providerState = st->providerState;
                (void)BatchStore(*store).update(updated);
            } else {
                problems.append(QStringLiteral("%1: %2").arg(row.providerBatchId, wire->errorOf(status, body).message));
            }
            if (--m_pending == 0)
                done();
        });
    }
    if (m_pending == 0)
        done();
}

} // namespace wb
