#include "core/session/runsetup.h"

#include "core/common/check.h"
#include "core/config/duration.h"
#include "core/limits/ratewindow.h"
#include "core/experiment/contextcheck.h"
#include "core/pricing/pricing.h"
#include "core/redis/redissharedlimits.h"
#include "core/router/router.h"
#include "core/session/databasecheck.h"
#include "core/session/keyresolution.h"
#include "core/session/learnedlimits.h"
#include "core/session/storagesafety.h"
#include "core/storage/serverdb.h"
#include "core/storage/storagepaths.h"
#include "core/telemetry/traceexporter.h"
#include "core/tokenize/tokenestimator.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QLockFile>
#include <QProcessEnvironment>
#include <QSet>
#include <QTimer>

namespace wb {

PreparedRun::PreparedRun() = default;
PreparedRun::PreparedRun(PreparedRun &&) noexcept = default;
PreparedRun &PreparedRun::operator=(PreparedRun &&) noexcept = default;
PreparedRun::~PreparedRun()
{
    router.reset();   // before the budget and the shared limits it points at
}

namespace {

using Emit = std::function<void(const QString &)>;

Error dbError(const QString &message, const QString &dbPath) { return Error{message, dbPath, 0, 0, {}}; }

/// One run per database at a time: two processes would both send (and pay for) every job.
Result<std::unique_ptr<QLockFile>> lockDatabase(const QString &dbPath)
{
    if (auto folder = checkParentFolder(dbPath); !folder)
        return std::unexpected(folder.error());
    auto lock = std::make_unique<QLockFile>(dbPath + QStringLiteral(".lock"));
    lock->setStaleLockTime(0);   // only a lock whose process is gone is stale
    if (lock->tryLock(0))
        return lock;
    if (lock->error() != QLockFile::LockFailedError)
        return std::unexpected(dbError(
            QStringLiteral("cannot create the lock file %1.lock next to the database%2")
                .arg(dbPath, lock->error() == QLockFile::PermissionError
                                 ? QStringLiteral(": the folder is not writable (or is on read-only media)")
                                 : QString()),
            dbPath));
    qint64 pid = 0;
    QString host, app;
    lock->getLockInfo(&pid, &host, &app);
    return std::unexpected(dbError(QStringLiteral("another run (process %1 on %2) is using this database; wait for it to finish or use "
                                                  "another --db")
                                       .arg(pid)
                                       .arg(host.isEmpty() ? QStringLiteral("this machine") : host),
                                   dbPath));
}

/// Stores the experiment, its runs and their texts (by hash, so a changed text is noticed later).
Result<void> registerRunsAndTexts(PreparedRun &p)
{
    ResultStore &store = *p.store;
    if (auto id = store.upsertExperiment(p.project.experiment.name, p.project.experiment.description, p.project.experiment.sourceYaml); !id)
        return std::unexpected(id.error());
    QList<StoredText> storedTexts;
    QSet<QString> seenTexts;
    for (const PlannedRun &r : std::as_const(p.runs)) {
        RunRow row{r.spec.runId, p.project.experiment.name, r.spec.model, r.spec.framework, r.spec.corpus, {}};
        for (const Dimension &d : r.framework->dimensions)
            row.dimensions.append(d.id);
        if (auto ok = store.upsertRun(row); !ok)
            return std::unexpected(ok.error());
        for (const CorpusText &t : r.texts) {
            const QString key = t.corpus + u'/' + t.id;
            if (seenTexts.contains(key))
                continue;
            seenTexts.insert(key);
            storedTexts.append({t.corpus, t.id, t.sha256, t.chars(), 0});
        }
    }
    return store.upsertTexts(storedTexts);
}

/// Creates the jobs of every run and collects those still to do. Without resume, finished jobs in
/// the database are an error: a fresh run must not silently skip them.
Result<void> collectJobs(PreparedRun &p)
{
    ResultStore &store = *p.store;
    auto all = store.ensureJobs(planJobs(p.runs));
    if (!all)
        return std::unexpected(all.error());
    QStringList runIds;
    for (const PlannedRun &r : std::as_const(p.runs))
        runIds.append(r.spec.runId);
    auto todo = store.unfinishedJobs(runIds, /*includeFailed=*/p.options.resume);
    if (!todo)
        return std::unexpected(todo.error());
    // A worker joins runs others may have half done; a run of its own must not skip finished jobs silently.
    if (!p.options.resume && !p.options.joinRun) {
        const qint64 done = std::ranges::count_if(*all, [](const JobRow &j) {
            return j.status == JobStatus::Done || j.status == JobStatus::Failed;
        });
        if (done > 0)
            return std::unexpected(dbError(QStringLiteral("the database already holds %1 finished jobs of these runs; use --resume to "
                                                          "continue them, or another --db for a fresh run")
                                               .arg(done),
                                           displayDatabase(p.options.dbPath)));
    }
    p.totalJobs = all->size();
    p.skippedJobs = all->size() - todo->size();

    QHash<QString, const PlannedRun *> runById;
    QHash<QString, const CorpusText *> textByKey;
    for (const PlannedRun &r : std::as_const(p.runs)) {
        runById.insert(r.spec.runId, &r);
        for (const CorpusText &t : r.texts)
            textByKey.insert(t.corpus + u'/' + t.id, &t);
    }
    for (const JobRow &j : std::as_const(*todo)) {
        PreparedJob job{j, runById.value(j.runId), textByKey.value(j.corpus + u'/' + j.textId)};
        if (job.run && job.text)   // a job of a run or text no longer in the experiment: leave it alone
            p.jobs.append(job);
    }
    return {};
}

/// Calibration learnt by earlier runs, and the prices (built in, optionally merged with LiteLLM's map).
Result<void> loadTokensAndPrices(PreparedRun &p, const Emit &emitEvent)
{
    p.tokens = std::make_shared<TokenEstimator>();
    if (auto cals = p.store->calibrations())
        for (const auto &c : *cals)
            p.tokens->setFactor(c.provider, c.model, c.factor, c.samples);
    p.prices = std::make_shared<PriceTable>(PriceTable::builtIn());
    if (p.options.priceMapPath.isEmpty())
        return {};
    auto n = p.prices->importLiteLlm(p.options.priceMapPath);
    if (!n)
        return std::unexpected(n.error());
    emitEvent(QStringLiteral("prices: %1 models imported from %2").arg(*n).arg(p.options.priceMapPath));
    return {};
}

/// Pre-flight: a text larger than every context window its run can use is refused before any call
/// (the same check `discernus estimate` reports, core/experiment/contextcheck.h).
Result<void> checkContextWindows(const PreparedRun &p)
{
    QList<OversizedText> tooLong;
    for (const PlannedRun &r : std::as_const(p.runs)) {
        QList<const CorpusText *> texts;
        for (const CorpusText &t : r.texts)
            texts.append(&t);
        tooLong += oversizedTexts(r.spec, *r.framework, texts, p.project.models, *p.prices, p.tokens.get(),
                                  p.project.experiment.execution);
    }
    if (tooLong.isEmpty())
        return {};
    constexpr qsizetype kNamed = 10;
    QStringList lines;
    for (qsizetype i = 0; i < std::min(tooLong.size(), kNamed); ++i)
        lines << tooLong[i].message();
    if (tooLong.size() > kNamed)
        lines << QStringLiteral("and %1 more (discernus estimate lists them all)").arg(tooLong.size() - kNamed);
    return fail(QStringLiteral("%1 text(s) exceed the context window of every model their run can use; nothing was sent. "
                               "Shorten them or leave them out (corpus_subset include/limit):\n  %2")
                    .arg(tooLong.size())
                    .arg(lines.join(QStringLiteral("\n  "))),
                p.project.experiment.path);
}

/// The budget several processes share in Redis: the same cap and period over the same keys (a hash
/// of them; the keys themselves never leave the process).
SharedBudgetSettings sharedBudget(const PreparedRun &p, const QHash<QString, QString> &keys)
{
    SharedBudgetSettings b;
    b.capMicros = p.budget->capMicros;
    b.spentBeforeMicros = p.budget->spentBeforeMicros;
    const CostControls cc = p.project.costControls();
    if (auto secs = parseDurationSeconds(cc.budgetDuration); secs && *secs > 0)
        b.periodSeconds = *secs;
    QStringList parts;
    for (const Deployment &d : std::as_const(p.project.models.deployments))
        parts << QString::fromLatin1(QCryptographicHash::hash((d.provider + u'\n' + d.effectiveApiBase() + u'\n'
                                                               + keys.value(d.id)).toUtf8(),
                                                              QCryptographicHash::Sha256).toHex());
    parts.sort();
    parts.removeDuplicates();
    parts << QString::number(b.capMicros) << cc.budgetDuration;
    b.id = QCryptographicHash::hash(parts.join(u'|').toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    return b;
}

void rememberedLimits(PreparedRun &p, RouterOptions &ro, const Emit &emitEvent)
{
    // Deployments without limits start with what an earlier run learned from the provider, as
    // the estimate does (docs/ARCHITECTURE.md, "Learned limits for the estimate"): no probe and
    // no slow start, and no refusals to learn again what one refusal taught last time.
    if (p.options.learnedLimitsPath.isEmpty())
        return;
    LearnedLimitStore store(p.options.learnedLimitsPath);
    if (auto ok = store.load(); !ok) {
        emitEvent(QStringLiteral("warning: learned limits ignored: %1").arg(ok.error().toString()));
        return;
    }
    const qint64 windowMs = p.options.windowMsForTesting > 0 ? p.options.windowMsForTesting : RateWindow::kDefaultWindowMs;
    for (const Deployment &d : std::as_const(p.project.models.deployments)) {
        const LearnedLimits *learned = store.find(d);
        // A pool learned from the provider's counters holds whatever limits are configured.
        if (learned && !learned->pool.isEmpty() && learned->windowMs == windowMs && d.rateLimitPool.isEmpty()) {
            ro.rememberedPools.insert(d.id, learned->pool);
            emitEvent(QStringLiteral("%1: starts in the provider pool learned on %2 (%3)")
                          .arg(d.id, learned->learnedAt.toString(Qt::ISODate), learned->pool));
        }
        // Quotas by the day hold whatever the window: today's use of rpd/tpd, and a quota refused
        // until a reset still ahead (docs/ARCHITECTURE.md, "Daily quotas stated in the model list").
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (learned && d.limits.statesADailyQuota() && learned->dayResetsAt.isValid() && learned->dayResetsAt > now) {
            ro.rememberedDailyUse.insert(d.id, DailyQuotaUse{learned->dayRequests, learned->dayTokens, learned->dayResetsAt});
            emitEvent(QStringLiteral("%1: its key already used %2 requests and %3 tokens of its daily quota today (until %4)")
                          .arg(d.id).arg(learned->dayRequests).arg(learned->dayTokens)
                          .arg(learned->dayResetsAt.toString(Qt::ISODate)));
        }
        if (learned && learned->quotaUntil.isValid() && learned->quotaUntil > now)
            ro.rememberedQuotas.insert(d.id, ExhaustedQuota{learned->quotaUntil, learned->quotaWhat, learned->quotaDaily});
        // How the provider counts a key holds whatever the limits and the window length.
        if (learned && learned->counting.any()) {
            ro.rememberedCounting.insert(d.id, learned->counting);
            emitEvent(QStringLiteral("%1: counts calls as the provider was seen to on %2")
                          .arg(d.id, learned->learnedAt.toString(Qt::ISODate)));
        }
        const RateLimits &l = d.limits;
        if (l.statesARate())
            continue;
        if (learned && learned->acceptedRequests > 0 && learned->windowMs == windowMs)
            ro.rememberedAccepted.insert(d.id, {learned->acceptedRequests, learned->acceptedTokens});
        if (!learned || !learned->any() || learned->windowMs != windowMs)
            continue;
        ro.rememberedLimits.insert(d.id, learned->limits);
        emitEvent(QStringLiteral("%1: starts with the limits learned from the provider on %2")
                      .arg(d.id, learned->learnedAt.toString(Qt::ISODate)));
    }
}

/// The budget: the ledger of the period plus worst-case reservations.
void setUpBudget(PreparedRun &p, const Emit &emitEvent)
{
    p.budget = std::make_unique<LedgerBudget>();
    const CostControls cc = p.project.costControls();
    const std::optional<double> cap = p.options.maxBudgetOverride ? p.options.maxBudgetOverride : cc.maxBudget;
    if (!cap)
        return;
    LedgerBudget &budget = *p.budget;
    budget.capMicros = qint64(*cap * 1e6 + 0.5);
    QDateTime since = QDateTime::fromSecsSinceEpoch(0);
    if (auto secs = parseDurationSeconds(cc.budgetDuration); secs && *secs > 0)
        since = QDateTime::currentDateTimeUtc().addSecs(-*secs);
    if (auto spent = p.store->spendSince(since))
        budget.spentBeforeMicros = *spent;
    if (budget.spentBeforeMicros >= budget.capMicros && !p.jobs.isEmpty())
        emitEvent(QStringLiteral("budget of %1 already spent in this period (%2)").arg(usdText(budget.capMicros), usdText(budget.spentBeforeMicros)));
    // A deployment we cannot price would spend without counting against the cap.
    for (const Deployment &d : std::as_const(p.project.models.deployments))
        if (!p.prices->forDeployment(d))
            emitEvent(QStringLiteral("warning: no price known for %1 (%2/%3): its calls count as $0 against the budget; "
                                     "set model_info.input_cost_per_token and output_cost_per_token")
                          .arg(d.id, d.provider, d.model));
}

} // namespace

RunSetup::RunSetup(RunOptions options, QObject *parent, const QString &keychainService)
    : QObject(parent), m_options(std::move(options)),
      m_keychainService(keychainService.isEmpty() ? KeyStore::defaultService() : keychainService)
{
}

RunSetup::~RunSetup() = default;

void RunSetup::start()
{
    if (m_started)
        return;
    m_started = true;
    QTimer::singleShot(0, this, &RunSetup::loadAndReadKeys);
}

void RunSetup::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    if (m_keys)
        m_keys->cancel();   // its finished() ends the setup
    else if (!m_started)
        done(fail(QStringLiteral("cancelled")));
    // Started but not yet reading keys: loadAndReadKeys() sees the flag.
}

Result<PreparedRun> RunSetup::takeResult()
{
    if (!WB_CHECK(m_result.has_value()))
        return fail(QStringLiteral("the run setup has not finished"));
    Result<PreparedRun> r = std::move(*m_result);
    m_result.reset();
    return r;
}

void RunSetup::done(Result<PreparedRun> result)
{
    if (!WB_CHECK(!m_finished))
        return;
    m_result = std::move(result);
    // Never from inside start() or cancel(): the caller may delete the setup from its handler.
    QTimer::singleShot(0, this, [this] {
        m_finished = true;
        emit finished();
    });
}

void RunSetup::loadAndReadKeys()
{
    if (m_cancelled)
        return done(fail(QStringLiteral("cancelled")));
    auto loaded = loadProject(m_options.configPath, m_options.experimentPath);
    if (!loaded)
        return done(std::unexpected(loaded.error()));
    m_project = std::move(*loaded);
    m_experimentName = m_project.experiment.name;
    for (const QString &w : std::as_const(m_project.warnings))
        emit event(QStringLiteral("warning: ") + w);
    // The simulator before the keys: access tokens of a simulated Vertex project come from it.
    if (m_options.startSimulator) {
        auto sim = SimSession::startFor(m_project.models);
        if (!sim)
            return done(std::unexpected(sim.error()));
        m_sim = std::move(*sim);
    }
    // Keys first, read once and kept in memory only: a locked keyring then holds up nothing else.
    m_keys = new KeyResolveJob(m_project.models, m_keychainService, this);
    connect(m_keys, &KeyResolveJob::finished, this, [this] {
        if (m_keys->isCancelled())
            return done(fail(QStringLiteral("cancelled while reading the keys")));
        auto keys = m_keys->keys();
        if (!keys)
            return done(std::unexpected(keys.error()));
        m_accessTokens = m_keys->accessTokens();
        prepare(*keys);
    });
    m_keys->start();
}

void RunSetup::prepare(const QHash<QString, QString> &keys)
{
    const Emit emitEvent = [this](const QString &m) { emit event(m); };
    PreparedRun p;
    p.options = m_options;
    p.project = std::move(m_project);

    if (p.options.startSimulator) {
        p.sim = std::move(m_sim);
        if (p.sim.isRunning())
            emitEvent(QStringLiteral("SIMULATED: provider simulator on 127.0.0.1:%1 — results are not from real models").arg(p.sim.port()));
    }
    p.simulated = isSimulated(p.project.models);

    // A file is one run's at a time (the lock); the PostgreSQL run store is shared by design: each
    // worker claims its jobs under a lease instead.
    const bool shared = isServerDatabase(p.options.dbPath);
    if (!shared) {
        auto lock = lockDatabase(p.options.dbPath);
        if (!lock)
            return done(std::unexpected(lock.error()));
        p.lock = std::move(*lock);
    } else if (p.options.leaseMs < 1000 || p.options.claimWindow < 1) {
        return done(fail(QStringLiteral("a worker's lease must be at least 1 s and its claim window at least 1 job")));
    }
    p.store = std::make_unique<ResultStore>();
    if (auto ok = p.store->open(p.options.dbPath); !ok)
        return done(std::unexpected(ok.error()));
    if (shared)
        p.leases = std::make_unique<JobLeases>(*p.store, JobLeases::newWorkerId(), p.options.leaseMs);
    p.runs = planRuns(p.project.experiment, p.project.frameworks, p.project.corpora);
    if (auto ok = checkStoredRunsMatch(*p.store, p.runs, p.project.experiment.name, p.options.dbPath); !ok)
        return done(std::unexpected(ok.error()));
    if (auto ok = loadTokensAndPrices(p, emitEvent); !ok)
        return done(std::unexpected(ok.error()));
    if (auto ok = checkContextWindows(p); !ok)
        return done(std::unexpected(ok.error()));
    if (auto ok = registerRunsAndTexts(p); !ok)
        return done(std::unexpected(ok.error()));
    if (auto ok = importRecoveryFiles(p, emitEvent); !ok)
        return done(std::unexpected(ok.error()));
    if (shared && p.options.resume) {
        // Failed jobs are retried by --resume; on the shared store that means pending again, to be claimed.
        QStringList runIds;
        for (const PlannedRun &r : std::as_const(p.runs))
            runIds.append(r.spec.runId);
        if (auto ok = p.leases->reopenFailed(runIds); !ok)
            return done(std::unexpected(ok.error()));
    }
    if (auto ok = collectJobs(p); !ok)
        return done(std::unexpected(ok.error()));
    if (!shared) {   // a server's disk is its administrator's
        if (auto ok = checkFreeSpace(p); !ok)
            return done(std::unexpected(ok.error()));
    }
    setUpBudget(p, emitEvent);

    RouterOptions ro;
    ro.apiKeys = keys;
    p.apiKeys = keys;
    ro.accessTokens = m_accessTokens;   // vertex_ai tokens keep refreshing while the router runs
    ro.prices = p.prices;
    ro.tokens = p.tokens;
    ro.budget = p.budget->hasCap() ? p.budget.get() : nullptr;
    const auto redisAt = p.project.models.router.redis();
    if (redisAt) {
        p.shared = std::make_unique<RedisSharedLimits>(*redisAt);
        if (p.budget->hasCap())
            p.shared->setBudget(sharedBudget(p, keys));
        ro.shared = p.shared.get();
    }
    rememberedLimits(p, ro, emitEvent);
    p.router = std::make_unique<Router>(p.project.models, ro);
    if (p.options.windowMsForTesting > 0)
        p.router->setWindowForTesting(p.options.windowMsForTesting, 100);
    // Tracing subscribes to the router's calls; it never holds one up (docs/PROVIDERS.md, "Tracing calls").
    QStringList traceWarnings;
    p.tracing = TraceExporter::forModelList(p.project.models, QProcessEnvironment::systemEnvironment(), &traceWarnings);
    for (const QString &w : std::as_const(traceWarnings))
        emitEvent(QStringLiteral("warning: tracing: ") + w);
    if (p.tracing) {
        connect(p.router.get(), &Router::callTraced, p.tracing.get(), &TraceExporter::record, Qt::DirectConnection);
        connect(p.router.get(), &Router::idle, p.tracing.get(), &TraceExporter::flush);
    }
    if (!p.shared)
        return done(std::move(p));
    // Rate windows and budget live in Redis (docs/ARCHITECTURE.md, "Shared limits in Redis"): the
    // run starts only once it answers; unreachable, the setup fails naming the address.
    emitEvent(QStringLiteral("shared limits: rate windows%1 in Redis at %2")
                  .arg(p.budget->hasCap() ? QStringLiteral(" and budget") : QString(), redisAt->address()));
    auto pending = std::make_shared<PreparedRun>(std::move(p));
    pending->shared->start([this, pending, emitEvent](Result<void> ok) {
        if (m_cancelled)
            return done(fail(QStringLiteral("cancelled")));
        if (!ok)
            return done(std::unexpected(Error{ok.error().message, pending->project.models.path, 0, 0,
                                              QStringLiteral("router_settings")}));
        if (pending->budget->hasCap() && pending->shared->sharedSpendMicros() > pending->budget->total())
            emitEvent(QStringLiteral("shared budget: %1 of %2 already spent in this period by all processes")
                          .arg(usdText(pending->shared->sharedSpendMicros()), usdText(pending->budget->capMicros)));
        done(std::move(*pending));
    });
}

} // namespace wb
