#include "core/experiment/counttokens.h"

#include "core/common/logging.h"
#include "core/experiment/estimator.h"
#include "core/providers/provideradapter.h"
#include "core/tokenize/tokenestimator.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

#include <algorithm>

namespace wb {

namespace {

// Two per deployment: enough to finish a sample of 8 in a few round trips without looking like
// a burst to a count endpoint whose RPM is a fraction of the Messages API's.
constexpr int kPerDeploymentParallel = 2;
constexpr qint64 kDefaultRetryAfterMs = 1000;
constexpr qint64 kMaxRetryAfterMs = 10'000;
constexpr int kRetriesPerSample = 1;

const Deployment *findDeployment(const ModelList &models, const QString &id)
{
    for (const Deployment &d : models.deployments) {
        if (d.id == id)
            return &d;
    }
    return nullptr;
}

} // namespace

CountTokens::CountTokens(ModelList models, QHash<QString, QString> keys, std::shared_ptr<TokenEstimator> estimator,
                         QObject *parent)
    : QObject(parent), m_models(std::move(models)), m_keys(std::move(keys)), m_estimator(std::move(estimator))
{
}

CountTokens::~CountTokens()
{
    m_cancelled = true;
    for (QNetworkReply *r : std::as_const(m_replies)) {
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
}

bool CountTokens::hasEndpoint(const QString &provider)
{
    Deployment probe;
    probe.provider = provider;
    probe.model = QStringLiteral("probe");
    probe.apiBase = QStringLiteral("http://127.0.0.1");
    return ProviderAdapter::forProvider(provider)->buildCountTokens(probe, QString(), ChatRequest{}).has_value();
}

void CountTokens::addSample(CountTokensSample sample)
{
    if (m_started)
        return;
    m_samples.append(std::move(sample));
    m_results.append(CountTokensResult{});
}

void CountTokens::addSamples(const QList<CountTokensSample> &samples)
{
    for (const CountTokensSample &s : samples)
        addSample(s);
}

void CountTokens::setMaxParallel(int n) { m_maxParallel = std::max(1, n); }

void CountTokens::setTimeoutMs(int ms) { m_timeoutMs = std::max(1, ms); }

void CountTokens::setNetworkAccessManager(QNetworkAccessManager *nam) { m_nam = nam; }

int CountTokens::outcomeIndex(const QString &deploymentId)
{
    for (qsizetype i = 0; i < m_outcomes.size(); ++i) {
        if (m_outcomes[i].deploymentId == deploymentId)
            return int(i);
    }
    CountTokensOutcome o;
    o.deploymentId = deploymentId;
    if (const Deployment *d = findDeployment(m_models, deploymentId)) {
        o.modelName = d->modelName;
        o.provider = d->provider;
        o.model = d->model;
    }
    m_outcomes.append(o);
    return int(m_outcomes.size() - 1);
}

void CountTokens::start()
{
    if (m_started)
        return;
    m_started = true;
    if (!m_nam)
        m_nam = new QNetworkAccessManager(this);
    // Decide what can never be sent now, so outcomes exist in sample order before any reply.
    for (int i = 0; i < m_samples.size(); ++i) {
        const QString &id = m_samples[i].deploymentId;
        CountTokensOutcome &o = m_outcomes[outcomeIndex(id)];
        ++o.requested;
        const Deployment *d = findDeployment(m_models, id);
        if (!d) {
            m_stopped.insert(id, QStringLiteral("no deployment \"%1\" in the model list").arg(id));
        } else if (!hasEndpoint(d->provider)) {
            o.skipped = true;
            m_stopped.insert(id, QStringLiteral("%1 has no count-tokens endpoint").arg(d->provider));
        } else if (!m_keys.contains(id)) {
            m_stopped.insert(id, QStringLiteral("no API key"));
        }
        m_queue.append(i);
    }
    // Scheduled, not run: exactly one finished() after start() returns, even with nothing to do.
    QTimer::singleShot(0, this, &CountTokens::pump);
}

void CountTokens::cancel()
{
    if (m_cancelled || m_finished)
        return;
    m_cancelled = true;
    for (QNetworkReply *r : std::as_const(m_replies)) {
        r->disconnect(this);
        r->abort();
        r->deleteLater();
    }
    m_replies.clear();
    m_queue.clear();
}

void CountTokens::pump()
{
    if (m_cancelled || m_finished)
        return;
    for (qsizetype q = 0; q < m_queue.size();) {
        const int index = m_queue[q];
        const QString &id = m_samples[index].deploymentId;
        if (const auto it = m_stopped.constFind(id); it != m_stopped.cend()) {
            m_queue.removeAt(q);
            complete(index, std::nullopt, *it);
            continue;
        }
        if (m_inFlight >= m_maxParallel)
            break;
        if (m_inFlightPerDeployment.value(id) >= kPerDeploymentParallel) {
            ++q;
            continue;
        }
        m_queue.removeAt(q);
        send(index);
    }
    checkDone();
}

void CountTokens::send(int index)
{
    const CountTokensSample &s = m_samples[index];
    const Deployment *d = findDeployment(m_models, s.deploymentId);
    const auto adapter = ProviderAdapter::forProvider(d->provider);
    std::optional<BuiltRequest> br = adapter->buildCountTokens(*d, m_keys.value(s.deploymentId), s.request);
    if (!br) {
        complete(index, std::nullopt, QStringLiteral("%1 has no count-tokens endpoint").arg(d->provider));
        return;
    }
    br->request.setTransferTimeout(m_timeoutMs);
    ++m_inFlight;
    ++m_inFlightPerDeployment[s.deploymentId];
    QNetworkReply *reply = m_nam->post(br->request, br->body);
    m_replies.append(reply);
    connect(reply, &QNetworkReply::finished, this, [this, index, reply] { onReply(index, reply); });
}

void CountTokens::onReply(int index, QNetworkReply *reply)
{
    m_replies.removeOne(reply);
    reply->deleteLater();
    --m_inFlight;
    const QString id = m_samples[index].deploymentId;
    --m_inFlightPerDeployment[id];
    if (m_cancelled)
        return;
    const Deployment *d = findDeployment(m_models, id);
    const auto adapter = ProviderAdapter::forProvider(d->provider);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();

    if (status == 0) {
        const ProviderError e = classifyNetworkError(int(reply->error()), reply->errorString());
        complete(index, std::nullopt, e.message);
    } else if (status / 100 == 2) {
        if (const std::optional<qint64> n = adapter->parseCountTokens(body); n && *n > 0)
            complete(index, *n, {});
        else
            complete(index, std::nullopt, QStringLiteral("HTTP %1: the reply has no token count").arg(status));
    } else {
        const ParsedReply p = adapter->parse(status, reply->rawHeaderPairs(), body);
        const ProviderError e = p.error.value_or(ProviderError{ErrorClass::Fatal, status, {}, {}, {}, {}});
        const QString message = QStringLiteral("HTTP %1 %2: %3").arg(status).arg(errorClassName(e.errorClass), e.message);
        const bool requeue = e.errorClass == ErrorClass::RateLimited || e.errorClass == ErrorClass::Overloaded;
        if (requeue && m_retries.value(index) < kRetriesPerSample) {
            ++m_retries[index];
            ++m_waiting;
            const qint64 wait = std::clamp<qint64>(p.limits.retryAfterMs.value_or(kDefaultRetryAfterMs), 0, kMaxRetryAfterMs);
            qCInfo(lcExperiment) << "count_tokens on" << id << "rate limited; retrying in" << wait << "ms";
            QTimer::singleShot(std::chrono::milliseconds(wait), this, [this, index] {
                --m_waiting;
                if (m_cancelled)
                    return;
                m_queue.prepend(index);
                pump();
            });
            return;
        }
        // A bad key or a refused request will not get better with the next sample.
        if (e.errorClass == ErrorClass::Auth || e.errorClass == ErrorClass::Fatal || e.errorClass == ErrorClass::BudgetExceeded
            || e.errorClass == ErrorClass::ContextTooLong)
            m_stopped.insert(id, message);
        complete(index, std::nullopt, message);
    }
    pump();
}

void CountTokens::complete(int index, std::optional<qint64> tokens, const QString &error)
{
    const CountTokensSample &s = m_samples[index];
    CountTokensResult &r = m_results[index];
    CountTokensOutcome &o = m_outcomes[outcomeIndex(s.deploymentId)];
    r.tokens = tokens;
    r.error = error;
    if (tokens) {
        // Same base the estimator scales (o200k of system + user), so the ratio is its factor.
        r.baseTokens = m_estimator ? m_estimator->baseTokens(s.request) : TokenEstimator().baseTokens(s.request);
        ++o.counted;
        o.baseTokens += r.baseTokens;
        o.exactTokens += *tokens;
        if (m_estimator)
            m_estimator->observeEndpointCount(o.provider, o.model, r.baseTokens, *tokens);
    } else {
        if (o.error.isEmpty()) {
            o.error = error;
            if (!o.skipped)   // once per deployment: its other samples usually fail the same way
                qCInfo(lcExperiment) << "count_tokens on" << s.deploymentId << "failed:" << error;
        }
    }
    ++m_done;
    emit progress(m_done, int(m_samples.size()));
}

void CountTokens::checkDone()
{
    if (m_finished || m_cancelled || m_done < m_samples.size() || m_inFlight > 0 || m_waiting > 0)
        return;
    m_finished = true;
    emit finished();
}

CountTokensPlan planCountTokens(const EstimateInput &in, const QHash<QString, QString> &keys, int perRun)
{
    CountTokensPlan plan;
    if (perRun <= 0 || !in.buildPrompt)
        return plan;
    QSet<QString> seenRequests, skipped;
    for (const RunSpec &run : in.experiment.execution.matrix) {
        // Targets: per provider/model of the group with an endpoint, its first deployment with a key.
        QList<const Deployment *> targets;
        QStringList pairs;
        for (const Deployment &d : in.models.deployments) {
            if (d.modelName != run.model)
                continue;
            if (!CountTokens::hasEndpoint(d.provider)) {
                if (!skipped.contains(d.id)) {
                    skipped.insert(d.id);
                    plan.skippedDeployments << d.id;
                }
                continue;
            }
            const QString pair = d.provider + u'/' + d.model;
            const qsizetype at = pairs.indexOf(pair);
            if (at < 0) {
                pairs << pair;
                targets << &d;
            } else if (!keys.contains(targets[at]->id) && keys.contains(d.id)) {
                targets[at] = &d;
            }
        }
        if (targets.isEmpty())
            continue;
        const Framework *fw = nullptr;
        for (const Framework &f : in.frameworks) {
            if (f.id == run.framework)
                fw = &f;
        }
        if (!fw)
            continue;
        // The run's selection as the estimator makes it: its corpus, include globs, limit.
        QList<QRegularExpression> globs;
        for (const QString &g : run.include)
            globs << QRegularExpression(QRegularExpression::wildcardToRegularExpression(g));
        QList<int> selected;
        for (int i = 0; i < in.texts.size(); ++i) {
            if (in.texts[i].corpus != run.corpus)
                continue;
            if (!globs.isEmpty() && std::none_of(globs.cbegin(), globs.cend(),
                                                 [&](const QRegularExpression &re) { return re.match(in.texts[i].id).hasMatch(); }))
                continue;
            selected << i;
            if (run.limit && selected.size() >= *run.limit)
                break;
        }
        if (selected.isEmpty())
            continue;
        // Evenly spread, so a corpus sorted by length or source is sampled across its range.
        const qsizetype n = std::min<qsizetype>(perRun, selected.size());
        QList<int> picks;
        for (qsizetype k = 0; k < n; ++k)
            picks << selected[qsizetype((double(k) + 0.5) * double(selected.size()) / double(n))];
        bool any = false;
        for (const int t : std::as_const(picks)) {
            const ChatRequest req = in.buildPrompt(run, *fw, {in.texts[t]});
            for (const Deployment *d : std::as_const(targets)) {
                const QString dedupe = d->id + QChar(0) + req.system + QChar(0) + req.user;
                if (seenRequests.contains(dedupe))
                    continue;
                seenRequests.insert(dedupe);
                plan.samples.append({d->id, req, run.runId + u':' + in.texts[t].id});
                any = true;
            }
        }
        if (any)
            plan.runs << run.runId;
    }
    return plan;
}

} // namespace wb
