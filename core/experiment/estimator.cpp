#include "core/experiment/estimator.h"

#include "core/common/logging.h"
#include "core/experiment/prompt.h"
#include "core/experiment/recommendations.h"
#include "core/limits/countingrule.h"
#include "core/pricing/tokenbound.h"
#include "core/providers/batchwire.h"
#include "core/tokenize/tokenestimator.h"
#include "core/tokenize/tokenizer.h"

#include <QtConcurrent/QtConcurrentMap>

#include <QElapsedTimer>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace wb {

namespace {

bool cancelled(const EstimateInput &in)
{
    return in.cancel && in.cancel->load(std::memory_order_relaxed);
}

/// The run's texts: its corpus, include globs on ids, then the limit.
QList<int> selectTextIndices(const QList<EstimateText> &texts, const RunSpec &run)
{
    QList<QRegularExpression> globs;
    for (const QString &g : run.include)
        globs << QRegularExpression(QRegularExpression::wildcardToRegularExpression(g));
    QList<int> out;
    for (int i = 0; i < texts.size(); ++i) {
        if (texts[i].corpus != run.corpus)
            continue;
        if (!globs.isEmpty()
            && std::none_of(globs.cbegin(), globs.cend(), [&](const QRegularExpression &re) { return re.match(texts[i].id).hasMatch(); }))
            continue;
        out << i;
        if (run.limit && out.size() >= *run.limit)
            break;
    }
    return out;
}

/// Everything about one run the simulation and the cost need, for one mode.
struct RunCalls {
    RunEstimate est;
    int group = -1;
};

struct Mode {
    bool batched = false;
    std::vector<ScheduleCall> calls;
    /// Per call: prompt tokens no provider can exceed (core/pricing/tokenbound.h), what the worst
    /// case is priced at, as the budget's reservation near the cap is.
    std::vector<qint64> boundPrompt;
    QList<RunCalls> runs;
};

/// One run's texts, as the prompt builder and the packer see them.
struct RunTexts {
    QList<EstimateText> texts;
    QList<double> tokens;       ///< per text, in the provider's tokens
    QList<qint64> bytes;        ///< per text, UTF-8 bytes
    double framing = 0;         ///< tokens a batched prompt adds per text (markers, id)
    double framingChars = 0;
    double framingBytes = 0;
};

qint64 requestCharTokens(const ChatRequest &req)
{
    return charsToTokens(requestChars(req));
}

class Estimator {
public:
    explicit Estimator(const EstimateInput &in) : m_in(in) {}
    Result<EstimateReport> run();

private:
    Result<void> prepare();
    QDateTime learnedLimitsFor(const Deployment &d, RateLimits &limits) const;
    Result<Mode> buildMode(bool batched, int progressFrom, int progressTo);
    Result<RunCalls> buildRun(int r, bool batched, int progressFrom, int span, Mode &mode);
    RunEstimate describeRun(const RunSpec &run, const Deployment &dep, qsizetype texts) const;
    QList<QList<int>> units(const RunSpec &run, const Framework &fw, const Deployment &dep, bool batched, RunTexts &rt) const;
    qint64 countPrompt(const Deployment &d, const ChatRequest &req, QString *method) const;
    struct TextCounter {
        QString key;          // texts counted under one key are shared by every run using it
        double scale = 1.0;   // counted units -> the provider's tokens
        std::function<qint64(const QString &)> count;
    };
    TextCounter textCounterFor(const Deployment &d) const;
    Result<void> ensureCounted(const TextCounter &tc, const QList<int> &indices, int progressFrom, int progressTo);
    double outputPerText(const RunSpec &run, const Framework &fw) const;
    Result<ModeEstimate> simulateMode(const Mode &mode, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced);
    ModeEstimate evaluate(const Mode &mode, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced,
                          const ScheduleResult &sim) const;
    std::vector<qint64> addCosts(ModeEstimate &m, const Mode &mode, const QList<ScheduleDeployment> &deps,
                                 const QList<Deployment> &priced, const ScheduleResult &sim) const;
    void addDeployments(ModeEstimate &m, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced,
                        const ScheduleResult &sim, const std::vector<qint64> &expectedMicros) const;
    BudgetVerdict budget(const ModeEstimate &m) const;
    Result<BatchApiEstimate> batchApiAlternative(const Mode &planned, const ModeEstimate &live);
    /// A call of run `run` on deployment `d`: at the batch price when the whole plan is priced as
    /// batches (the side by side) or that run goes to the batch APIs (execution.mode).
    PriceMode priceModeOf(const Deployment &d, int run) const
    {
        const bool batch = m_batchPrices || (run >= 0 && size_t(run) < m_runBatch.size() && m_runBatch[size_t(run)]);
        return batch && batchDialectFor(d.provider) != BatchDialect::None ? PriceMode::BatchApi : PriceMode::Standard;
    }
    void decideRunModes(ModeEstimate &live);
    QStringList warnings(const ModeEstimate &planned) const;
    void report(int percent) const
    {
        if (m_in.progress)
            m_in.progress(std::clamp(percent, 0, 100));
    }

    const EstimateInput &m_in;
    QStringList m_groups;
    QList<ScheduleDeployment> m_sched;
    QList<QDateTime> m_learnedAt;        // parallel to m_sched: when its limits were learned (invalid: configured or none)
    QList<Deployment> m_deps;            // parallel to m_sched: for prices
    QList<int> m_firstDepOfGroup;
    QList<const Framework *> m_fwOfRun;
    QList<QList<int>> m_textsOfRun;
    QStringList m_warnings;
    QList<OversizedText> m_oversized;
    QHash<QString, std::vector<qint64>> m_baseCounts;   // counter key -> count per text (-1 = not yet)
    const Mode *m_planned = nullptr;
    std::optional<ScheduleResult> m_plannedSim;         // reused while only prices change
    bool m_batchPrices = false;                         // addCosts prices at the batch APIs' rates
    std::vector<bool> m_runBatch;                       // per run: sent to the batch APIs (execution.mode)
    QStringList m_runModeReason;                        // per run: why live or batch
};

Result<void> Estimator::prepare()
{
    if (!m_in.buildPrompt)
        return fail(QStringLiteral("estimate: no prompt builder given"));
    for (const Deployment &d : m_in.models.deployments) {
        qsizetype g = m_groups.indexOf(d.modelName);
        if (g < 0) {
            g = m_groups.size();
            m_groups << d.modelName;
            m_firstDepOfGroup << int(m_sched.size());
        }
        ScheduleDeployment s;
        s.id = d.id;
        s.group = int(g);
        s.rule = countingRuleFor(d.provider);
        s.algorithm = d.effectiveLimitAlgorithm();
        if (s.algorithm == LimitAlgorithm::FixedWindow) {
            // Stated fixed windows lie on the wall clock's multiples of the window; the run is
            // taken to start now.
            const qint64 w = std::max<qint64>(1, qint64(std::llround(m_in.windowSeconds * 1000)));
            s.fixedFirstBoundarySeconds = double(w - QDateTime::currentMSecsSinceEpoch() % w) / 1000.0;
        }
        s.windowKey = d.windowKey();
        // A pool learned from the provider's counters is simulated as if rate_limit_pool named it.
        if (const auto l = m_in.learnedLimits.constFind(d.id); d.rateLimitPool.isEmpty() && l != m_in.learnedLimits.cend()
            && !l->pool.isEmpty() && std::abs(l->windowSeconds - m_in.windowSeconds) <= 1e-3)
            s.windowKey = QStringLiteral("pool:") + l->pool;
        s.limits = d.limits;
        m_learnedAt << learnedLimitsFor(d, s.limits);
        if (const auto l = m_in.learnedLimits.constFind(d.id); l != m_in.learnedLimits.cend()) {
            // How the provider was seen to count the key, as the router will start (a stated
            // limit_algorithm wins).
            if (l->counting.admitLarger)
                s.admitLarger = *l->counting.admitLarger;
            if (l->counting.admitPromptOnly)
                s.admitPromptOnly = *l->counting.admitPromptOnly;
            if (l->counting.settledToUsage && s.rule != CountingRule::Anthropic)
                s.chargeModel = *l->counting.settledToUsage ? ChargeModel::SettledToUsage : ChargeModel::KeptAtAdmission;
            if (l->counting.bucket && !d.limitAlgorithm)
                s.algorithm = *l->counting.bucket ? LimitAlgorithm::TokenBucket : LimitAlgorithm::SlidingWindow;
            if (l->counting.spread)
                s.spread = *l->counting.spread;
            // What earlier runs left of the day: rpd/tpd already used, or a quota refused until a
            // reset (taken to lie beyond the run: docs/ARCHITECTURE.md, "Daily quotas stated in the model list").
            const QDateTime now = QDateTime::currentDateTimeUtc();
            if (l->dayResetsAt.isValid() && l->dayResetsAt > now) {
                s.dayRequestsUsed = l->dayRequests;
                s.dayTokensUsed = l->dayTokens;
            }
            if (l->quotaUntil.isValid() && l->quotaUntil > now) {
                s.parked = true;
                m_warnings << QStringLiteral("deployment %1: %2 was exhausted in an earlier run until %3; it takes no calls")
                                  .arg(d.id, l->quotaWhat, l->quotaUntil.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")));
            }
        }
        s.latency = m_in.latencyByDeployment.value(d.id, m_in.latency);
        m_sched << s;
        m_deps << d;
    }
    const QList<RunSpec> &matrix = m_in.experiment.execution.matrix;
    for (const RunSpec &run : matrix) {
        if (!m_groups.contains(run.model))
            return fail(QStringLiteral("run %1: model group \"%2\" is not in the model list").arg(run.runId, run.model),
                        m_in.experiment.path, run.line);
        const Framework *fw = nullptr;
        for (const Framework &f : m_in.frameworks) {
            if (f.id == run.framework)
                fw = &f;
        }
        if (!fw)
            return fail(QStringLiteral("run %1: framework \"%2\" is not loaded").arg(run.runId, run.framework),
                        m_in.experiment.path, run.line);
        m_fwOfRun << fw;
        m_textsOfRun << selectTextIndices(m_in.texts, run);
        if (m_textsOfRun.last().isEmpty())
            m_warnings << QStringLiteral("run %1 selects no texts of corpus \"%2\"").arg(run.runId, run.corpus);
        // The run's own pre-flight check (core/experiment/contextcheck.h), so the estimate names
        // the texts a run would refuse.
        QList<const CorpusText *> ptrs;
        for (int i : std::as_const(m_textsOfRun.last()))
            ptrs.append(&m_in.texts[i]);
        m_oversized += oversizedTexts(
            run, ptrs, m_in.models, m_in.prices,
            [&](const CorpusText &t) { return m_in.buildPrompt(run, *fw, {t}); },
            [this](const Deployment &d, const ChatRequest &req) { return countPrompt(d, req, nullptr); });
    }
    return {};
}

QDateTime Estimator::learnedLimitsFor(const Deployment &d, RateLimits &limits) const
{
    // A deployment with no rate limit configured is simulated with the limits its provider
    // announced to an earlier run — counted per the same window length (a shortened test
    // window's counts say nothing about a minute's).
    if (limits.statesARate())
        return {};
    const auto it = m_in.learnedLimits.constFind(d.id);
    if (it == m_in.learnedLimits.cend() || std::abs(it->windowSeconds - m_in.windowSeconds) > 1e-3)
        return {};
    limits.rpm = it->limits.rpm;
    limits.tpm = it->limits.tpm;
    limits.itpm = it->limits.itpm;
    limits.otpm = it->limits.otpm;
    return limits.statesARate() ? it->learnedAt : QDateTime();
}

qint64 Estimator::countPrompt(const Deployment &d, const ChatRequest &req, QString *method) const
{
    if (m_in.countTokens) {
        if (method)
            *method = QStringLiteral("custom");
        return m_in.countTokens(d.provider, d.model, req);
    }
    if (m_in.tokens) {
        const TokenCount c = m_in.tokens->promptTokens(d.provider, d.model, req);
        if (method)
            *method = countMethodName(c.method);
        return c.tokens;
    }
    if (method)
        *method = QStringLiteral("chars/4");
    return requestCharTokens(req);
}

double Estimator::outputPerText(const RunSpec &run, const Framework &fw) const
{
    if (const auto it = m_in.meanOutputTokensPerText.constFind(run.runId); it != m_in.meanOutputTokensPerText.cend())
        return *it;
    if (const auto it = m_in.meanOutputTokensPerText.constFind(run.model); it != m_in.meanOutputTokensPerText.cend())
        return *it;
    return double(m_in.outputTokensPerText) + double(m_in.outputTokensPerDimension) * double(fw.dimensions.size());
}

Estimator::TextCounter Estimator::textCounterFor(const Deployment &d) const
{
    TextCounter tc;
    if (m_in.countTokens) {
        tc.key = QStringLiteral("custom:") + d.provider + u'/' + d.model;
        const EstimateTokenCounter counter = m_in.countTokens;
        const QString provider = d.provider, model = d.model;
        tc.count = [counter, provider, model](const QString &text) {
            ChatRequest r;
            r.user = text;
            return counter(provider, model, r);
        };
    } else if (m_in.tokens) {
        // Texts are counted once per encoding and shared by every model using it: OpenAI models
        // exactly in their own encoding, the other families in o200k times their (calibrated) factor,
        // which is how TokenEstimator counts them.
        Encoding enc = Encoding::O200kBase;
        if (TokenEstimator::family(d.provider, d.model) == TokenEstimator::Family::OpenAI)
            enc = encodingForModel(d.provider, d.model);
        else
            tc.scale = m_in.tokens->factor(d.provider, d.model);
        tc.key = encodingName(enc);
        tc.count = [enc](const QString &text) { return qint64(Tokenizer::get(enc).count(text)); };
    } else {
        tc.key = QStringLiteral("chars/4");
        tc.count = [](const QString &text) { return charsToTokens(text.size()); };
    }
    return tc;
}

Result<void> Estimator::ensureCounted(const TextCounter &tc, const QList<int> &indices, int progressFrom, int progressTo)
{
    std::vector<qint64> &base = m_baseCounts[tc.key];
    if (base.size() != size_t(m_in.texts.size()))
        base.assign(size_t(m_in.texts.size()), -1);
    QList<int> todo;
    for (int i : indices) {
        if (base[size_t(i)] < 0)
            todo << i;
    }
    // Chunks keep progress and cancellation responsive; each chunk is counted on all cores.
    constexpr qsizetype kChunk = 4096;
    for (qsizetype from = 0; from < todo.size(); from += kChunk) {
        if (cancelled(m_in))
            return fail(QStringLiteral("estimate cancelled"));
        QList<int> chunk = todo.mid(from, kChunk);
        QtConcurrent::blockingMap(chunk, [&](int i) { base[size_t(i)] = tc.count(m_in.texts[i].text()); });
        report(progressFrom + int(double(progressTo - progressFrom) * double(from + chunk.size()) / double(todo.size())));
    }
    return {};
}

Result<Mode> Estimator::buildMode(bool batched, int progressFrom, int progressTo)
{
    Mode mode;
    mode.batched = batched;
    const int runCount = int(m_in.experiment.execution.matrix.size());
    const int span = std::max(1, (progressTo - progressFrom) / std::max(1, runCount));
    for (int r = 0; r < runCount; ++r) {
        const int runFrom = progressFrom + r * span;
        auto rc = buildRun(r, batched, runFrom, span, mode);
        if (!rc)
            return std::unexpected(rc.error());
        mode.runs << *rc;
        report(runFrom + span);
    }
    return mode;
}

RunEstimate Estimator::describeRun(const RunSpec &run, const Deployment &dep, qsizetype texts) const
{
    RunEstimate e;
    e.runId = run.runId;
    e.group = run.model;
    e.framework = run.framework;
    e.corpus = run.corpus;
    e.provider = dep.provider;
    e.model = dep.model;
    e.texts = texts;
    e.repetitions = std::max(1, run.repetitions.value_or(m_in.experiment.execution.repetitions));
    return e;
}

/// The calls of a run as lists of indices into rt.texts: one text each, or packed into batches.
/// Batched, it also measures the per-text framing into `rt`.
QList<QList<int>> Estimator::units(const RunSpec &run, const Framework &fw, const Deployment &dep, bool batched,
                                   RunTexts &rt) const
{
    QList<QList<int>> units;
    const QList<EstimateText> &texts = rt.texts;
    if (!batched) {
        units.reserve(texts.size());
        for (int i = 0; i < texts.size(); ++i)
            units << QList<int>{i};
        return units;
    }
    // Per-text framing (markers, id) of a batched prompt, in tokens and characters: the third
    // text's increment over a two-text prompt, minus the text itself.
    if (texts.size() >= 3) {
        const ChatRequest q2 = m_in.buildPrompt(run, fw, texts.mid(0, 2));
        const ChatRequest q3 = m_in.buildPrompt(run, fw, texts.mid(0, 3));
        rt.framing = std::max(0.0, double(countPrompt(dep, q3, nullptr) - countPrompt(dep, q2, nullptr)) - rt.tokens[2]);
        rt.framingChars = std::max<double>(0, double(requestChars(q3) - requestChars(q2) - texts[2].chars()));
        rt.framingBytes = std::max<double>(0, double(promptTokenBound(q3) - promptTokenBound(q2) - rt.bytes[2]));
    }
    if (m_in.packBatches)
        return m_in.packBatches(run, fw, texts);
    if (texts.isEmpty())
        return units;
    // The fixed part of a batched prompt: a two-text prompt minus its texts and framing.
    qint64 fixed = 0;
    if (texts.size() >= 2) {
        const qint64 p2 = countPrompt(dep, m_in.buildPrompt(run, fw, texts.mid(0, 2)), nullptr);
        fixed = std::max<qint64>(0, qint64(std::ceil(double(p2) - rt.tokens[0] - rt.tokens[1] - 2 * rt.framing)));
    }
    QList<qint64> packTokens;
    packTokens.reserve(rt.tokens.size());
    for (double t : std::as_const(rt.tokens))
        packTokens << qint64(std::ceil(t + rt.framing));
    const BatchingSettings &b = m_in.experiment.execution.batching;
    return packBatches(packTokens, fixed, b.maxBatchTokens, std::max(1, b.maxTextsPerBatch));
}

Result<RunCalls> Estimator::buildRun(int r, bool batched, int runFrom, int span, Mode &mode)
{
    std::vector<ScheduleCall> &calls = mode.calls;
    const RunSpec &run = m_in.experiment.execution.matrix[r];
    const Framework &fw = *m_fwOfRun[r];
    const QList<int> &idx = m_textsOfRun[r];
    RunCalls rc;
    rc.group = int(m_groups.indexOf(run.model));
    const Deployment &dep = m_deps[m_firstDepOfGroup[rc.group]];
    RunEstimate &e = rc.est;
    e = describeRun(run, dep, idx.size());
    const double perText = outputPerText(run, fw);

    const TextCounter tc = textCounterFor(dep);
    if (auto ok = ensureCounted(tc, idx, runFrom, runFrom + span * 3 / 4); !ok)
        return std::unexpected(ok.error());
    const std::vector<qint64> &base = m_baseCounts[tc.key];
    RunTexts rt;
    rt.texts.reserve(idx.size());
    rt.tokens.reserve(idx.size());
    rt.bytes.reserve(idx.size());
    for (int i : idx) {
        rt.texts << m_in.texts[i];
        rt.tokens << tc.scale * double(base[size_t(i)]);
        rt.bytes << m_in.texts[i].bytes();
    }
    const QList<QList<int>> units = this->units(run, fw, dep, batched, rt);

    // Small runs: every prompt is built and counted exactly. Large ones: the first prompts are,
    // and they calibrate the rest, estimated from the per-text counts (tokens of separate
    // segments add up to within a token or two of the whole). A unit with a text count not
    // seen yet is always built, so max_tokens that grows with the batch is honoured.
    const bool allExact = units.size() <= m_in.exactPromptLimit;
    double corrTokens = 0, corrChars = 0, corrBytes = 0;
    int samples = 0;
    QHash<int, int> maxTokensByCount;
    const int sampleTarget = std::max(1, m_in.calibrationSamples);
    qsizetype done = 0;
    for (const QList<int> &unit : units) {
        if ((++done & 255) == 0) {
            if (cancelled(m_in))
                return fail(QStringLiteral("estimate cancelled"));
            report(runFrom + span * 3 / 4 + int(double(span / 4) * double(done) / double(units.size())));
        }
        double estTokens = rt.framing * double(unit.size());
        double estChars = rt.framingChars * double(unit.size());
        double estBytes = rt.framingBytes * double(unit.size());
        for (int i : unit) {
            estTokens += rt.tokens[i];
            estChars += double(rt.texts[i].chars());
            estBytes += double(rt.bytes[i]);
        }
        qint64 boundPrompt = 0;
        ScheduleCall c;
        c.group = rc.group;
        c.run = r;
        const auto mt = maxTokensByCount.constFind(int(unit.size()));
        if (allExact || samples < sampleTarget || mt == maxTokensByCount.cend()) {
            QList<EstimateText> unitTexts;
            unitTexts.reserve(unit.size());
            for (int i : unit)
                unitTexts << rt.texts[i];
            const ChatRequest req = m_in.buildPrompt(run, fw, unitTexts);
            QString method;
            c.promptTokens = countPrompt(dep, req, e.tokenMethod.isEmpty() ? &method : nullptr);
            if (e.tokenMethod.isEmpty())
                e.tokenMethod = method;
            c.charTokens = requestCharTokens(req);
            c.maxTokens = std::max(0, req.maxTokens);
            boundPrompt = promptTokenBound(req);
            maxTokensByCount.insert(int(unit.size()), int(c.maxTokens));
            // Running mean of what the segments miss (instructions, schema line, chat framing).
            ++samples;
            corrTokens += (double(c.promptTokens) - estTokens - corrTokens) / samples;
            corrChars += (double(requestChars(req)) - estChars - corrChars) / samples;
            corrBytes += (double(boundPrompt) - estBytes - corrBytes) / samples;
        } else {
            c.promptTokens = std::max<qint64>(0, std::llround(estTokens + corrTokens));
            c.charTokens = charsToTokens(std::max<qint64>(0, std::llround(estChars + corrChars)));
            c.maxTokens = *mt;
            boundPrompt = std::max<qint64>(0, qint64(std::ceil(estBytes + corrBytes)));
        }
        c.outputTokens = std::min<qint64>(c.maxTokens, qint64(std::llround(perText * double(unit.size()))));
        for (int rep = 0; rep < e.repetitions; ++rep) {
            calls.push_back(c);
            mode.boundPrompt.push_back(boundPrompt);
        }
        e.calls += e.repetitions;
        e.promptTokens += c.promptTokens * e.repetitions;
        e.expectedOutputTokens += c.outputTokens * e.repetitions;
        e.worstOutputTokens += c.maxTokens * e.repetitions;
    }
    if (!allExact)
        e.tokenMethod += QStringLiteral(" (%1 prompts built, the rest from per-text counts)").arg(samples);
    return rc;
}

Result<ModeEstimate> Estimator::simulateMode(const Mode &mode, const QList<ScheduleDeployment> &deps,
                                             const QList<Deployment> &priced)
{
    // A price change alone does not change the schedule: reuse the planned simulation.
    const bool plannedSchedule = &mode == m_planned && &deps == &m_sched;
    if (plannedSchedule && m_plannedSim)
        return evaluate(mode, deps, priced, *m_plannedSim);
    const int runs = int(m_in.experiment.execution.matrix.size());
    ScheduleResult sim = simulateSchedule(deps, mode.calls, runs, m_in.cancel, m_in.windowSeconds, m_in.windowMarginSeconds);
    if (sim.cancelled)
        return fail(QStringLiteral("estimate cancelled"));
    ModeEstimate est = evaluate(mode, deps, priced, sim);
    if (plannedSchedule)
        m_plannedSim = std::move(sim);
    return est;
}

ModeEstimate Estimator::evaluate(const Mode &mode, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced,
                                 const ScheduleResult &sim) const
{
    ModeEstimate m;
    m.batched = mode.batched;
    m.durationSeconds = sim.durationSeconds;
    const std::vector<qint64> depExpected = addCosts(m, mode, deps, priced, sim);
    addDeployments(m, deps, priced, sim, depExpected);
    return m;
}

/// Runs and total: the calls' expected and worst-case cost on the deployments the schedule chose.
/// Returns the expected cost per deployment (micro-USD).
std::vector<qint64> Estimator::addCosts(ModeEstimate &m, const Mode &mode, const QList<ScheduleDeployment> &deps,
                         const QList<Deployment> &priced, const ScheduleResult &sim) const
{
    std::vector<std::optional<ModelPrice>> price;
    price.reserve(size_t(priced.size()));
    for (const Deployment &d : priced)
        price.push_back(m_in.prices.forDeployment(d));
    std::vector<std::vector<int>> depsOfGroup(size_t(m_groups.size()));
    for (qsizetype i = 0; i < deps.size(); ++i)
        depsOfGroup[size_t(deps[i].group)].push_back(int(i));

    const auto runCount = size_t(mode.runs.size());
    std::vector<CostAccumulator> runExpected(runCount), runWorst(runCount);
    std::vector<qint64> runUnsched(runCount, 0), runOverDaily(runCount, 0);
    std::vector<bool> runPriceKnown(runCount, true);
    std::vector<CostAccumulator> depExpected(size_t(deps.size()));
    for (size_t i = 0; i < mode.calls.size(); ++i) {
        const ScheduleCall &c = mode.calls[i];
        const int d = sim.deploymentOf[i];
        if (d == ScheduleResult::kOverDailyQuota) {
            ++runOverDaily[size_t(c.run)];
            continue;
        }
        if (d < 0) {
            ++runUnsched[size_t(c.run)];
            continue;
        }
        if (price[size_t(d)]) {
            Usage u;
            u.promptTokens = c.promptTokens;
            u.completionTokens = c.outputTokens;
            const qint64 p = costPicos(*price[size_t(d)], u, priceModeOf(priced[d], c.run));
            runExpected[size_t(c.run)].addPicos(p);
            depExpected[size_t(d)].addPicos(p);
        } else {
            runPriceKnown[size_t(c.run)] = false;
        }
        // Worst case: the dearest deployment the router could pick, at max_tokens, with the prompt
        // at the hard bound (UTF-8 bytes): what the budget guards against near the cap.
        qint64 worst = 0;
        for (int gd : depsOfGroup[size_t(c.group)]) {
            if (price[size_t(gd)])
                worst = std::max(worst, worstCasePicos(*price[size_t(gd)], std::max(c.promptTokens, mode.boundPrompt[i]), c.maxTokens,
                                                       priceModeOf(priced[gd], c.run)));
            else
                runPriceKnown[size_t(c.run)] = false;
        }
        runWorst[size_t(c.run)].addPicos(worst);
    }

    CostAccumulator totalExpected, totalWorst;
    m.total.runId = QStringLiteral("total");
    for (qsizetype r = 0; r < mode.runs.size(); ++r) {
        RunEstimate e = mode.runs[r].est;
        e.expectedCostMicros = runExpected[size_t(r)].micros();
        e.worstCostMicros = runWorst[size_t(r)].micros();
        e.durationSeconds = size_t(r) < sim.runFinishSeconds.size() ? sim.runFinishSeconds[size_t(r)] : 0;
        e.unschedulableCalls = runUnsched[size_t(r)];
        e.overDailyQuotaCalls = runOverDaily[size_t(r)];
        e.priceKnown = runPriceKnown[size_t(r)];
        if (size_t(r) < m_runBatch.size() && m_runBatch[size_t(r)])
            e.mode = QStringLiteral("batch");
        e.modeReason = m_runModeReason.value(r);
        totalExpected.add(runExpected[size_t(r)]);
        totalWorst.add(runWorst[size_t(r)]);
        m.total.texts += e.texts;
        m.total.calls += e.calls;
        m.total.promptTokens += e.promptTokens;
        m.total.expectedOutputTokens += e.expectedOutputTokens;
        m.total.worstOutputTokens += e.worstOutputTokens;
        m.total.unschedulableCalls += e.unschedulableCalls;
        m.total.overDailyQuotaCalls += e.overDailyQuotaCalls;
        m.total.priceKnown = m.total.priceKnown && e.priceKnown;
        m.runs << e;
    }
    m.total.expectedCostMicros = totalExpected.micros();
    m.total.worstCostMicros = totalWorst.micros();
    m.total.durationSeconds = sim.durationSeconds;
    m.total.repetitions = 0;

    std::vector<qint64> expectedMicros;
    expectedMicros.reserve(depExpected.size());
    for (const CostAccumulator &a : depExpected)
        expectedMicros.push_back(a.micros());
    return expectedMicros;
}

/// Per deployment: its calls, the utilisation of its window, what queued calls waited on; and the
/// binding constraint, the limit waited on longest.
void Estimator::addDeployments(ModeEstimate &m, const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced,
                               const ScheduleResult &sim, const std::vector<qint64> &expectedMicros) const
{
    // A schedule shorter than one window can still use only one window's worth of each limit.
    const double minutes = std::max(sim.durationSeconds / 60.0, 1.0);
    auto util = [minutes](qint64 used, qint64 limit) {
        return limit <= 0 ? -1.0 : std::min(1.0, double(used) / (double(limit) * minutes));
    };
    double bestWait = 0, totalWait = 0;
    for (qsizetype i = 0; i < deps.size(); ++i) {
        const ScheduleResult::Use &u = sim.deployments[size_t(i)];
        DeploymentEstimate de;
        de.id = deps[i].id;
        de.group = m_groups.value(deps[i].group);
        de.provider = priced[i].provider;
        de.model = priced[i].model;
        de.windowKey = deps[i].windowKey;
        de.limitsLearnedAt = m_learnedAt.value(i);
        de.calls = u.calls;
        de.promptTokens = u.promptTokens;
        de.outputTokens = u.outputTokens;
        de.expectedCostMicros = expectedMicros[size_t(i)];
        de.rpm = util(u.windowRequests, u.windowLimits[0]);
        de.tpm = util(u.windowTokens, u.windowLimits[1]);
        de.itpm = util(u.windowInputTokens, u.windowLimits[2]);
        de.otpm = util(u.windowOutputTokens, u.windowLimits[3]);
        if (const int mp = deps[i].limits.maxParallelRequests.value_or(0); mp > 0)
            de.parallel = std::min(1.0, u.busySeconds / (double(mp) * std::max(sim.durationSeconds, 1e-9)));
        for (int k = 0; k < ScheduleLimitCount; ++k) {
            de.waitedSeconds += u.waited[k];
            totalWait += u.waited[k];
            if (u.waited[k] > bestWait) {
                bestWait = u.waited[k];
                m.binding.deploymentId = de.id;
                m.binding.limit = scheduleLimitName(k);
                m.binding.waitedSeconds = u.waited[k];
            }
        }
        m.deployments << de;
    }
    // Waits too short to matter: the pace is set by latency.
    if (totalWait < 0.05 * sim.durationSeconds)
        m.binding = BindingConstraint{};
}

BudgetVerdict Estimator::budget(const ModeEstimate &m) const
{
    BudgetVerdict v;
    v.expectedMicros = m.total.expectedCostMicros;
    v.worstMicros = m.total.worstCostMicros;
    v.spentMicros = m_in.spentMicros;
    const CostControls *cc = nullptr;
    if (m_in.experiment.costControls.maxBudget) {
        cc = &m_in.experiment.costControls;
        v.source = QStringLiteral("experiment");
    } else if (m_in.models.costControls.maxBudget) {
        cc = &m_in.models.costControls;
        v.source = QStringLiteral("model list");
    }
    if (!cc) {
        v.message = QStringLiteral("no budget set (cost_controls.max_budget)");
        return v;
    }
    v.budgetUsd = cc->maxBudget;
    v.duration = cc->budgetDuration;
    const qint64 budgetMicros = qint64(std::llround(*cc->maxBudget * 1e6));
    const qint64 available = budgetMicros - m_in.spentMicros;
    const QString period = v.duration.isEmpty() ? QString() : QStringLiteral(" per ") + v.duration;
    const QString of = QStringLiteral("budget %1%2 (%3)%4").arg(formatEstimateUsd(budgetMicros), period, v.source,
        m_in.spentMicros > 0 ? QStringLiteral(", %1 already spent").arg(formatEstimateUsd(m_in.spentMicros)) : QString());
    const bool anyBatch = std::find(m_runBatch.cbegin(), m_runBatch.cend(), true) != m_runBatch.cend();
    const QString prices = anyBatch ? QStringLiteral(" (runs in batch mode at the batch price)") : QString();
    if (v.worstMicros <= available) {
        v.status = BudgetVerdict::Status::Fits;
        v.message = QStringLiteral("fits the %1 even in the worst case%2").arg(of, prices);
    } else if (v.expectedMicros <= available) {
        v.status = BudgetVerdict::Status::WorstCaseExceeds;
        v.message = QStringLiteral("expected cost fits the %1, but the worst case (every reply at max_tokens, every "
                                   "prompt counted at its UTF-8 bytes, the most any tokenizer can count) exceeds it by "
                                   "%2: the run may stop for the budget%3")
                        .arg(of, formatEstimateUsd(v.worstMicros - available), prices);
    } else {
        v.status = BudgetVerdict::Status::Exceeds;
        const double share = v.expectedMicros > 0 ? std::max<double>(0, double(available)) / double(v.expectedMicros) : 0;
        v.message = QStringLiteral("does not fit the %1: expected cost exceeds it by %2; the run would stop after "
                                   "about %3% of its calls%4")
                        .arg(of, formatEstimateUsd(v.expectedMicros - available))
                        .arg(std::floor(share * 100))
                        .arg(prices);
    }
    return v;
}

/// The providers' completion window for a batch (docs/PROVIDERS.md, "Batch APIs"): OpenAI's
/// `completion_window: 24h`, Anthropic's "ends within 24 h", Mistral's default `timeout_hours: 24`,
/// Gemini's 24 h target (its batches expire only after 48 h).
double batchCompletionWindowSeconds(BatchDialect)
{
    return 24 * 3600.0;
}

Result<BatchApiEstimate> Estimator::batchApiAlternative(const Mode &planned, const ModeEstimate &live)
{
    // Same calls, same schedule (reused), batch prices.
    m_batchPrices = true;
    auto priced = simulateMode(planned, m_sched, m_deps);
    m_batchPrices = false;
    if (!priced)
        return std::unexpected(priced.error());
    BatchApiEstimate b;
    b.expectedCostMicros = priced->total.expectedCostMicros;
    b.worstCostMicros = priced->total.worstCostMicros;
    b.priceKnown = priced->total.priceKnown;
    b.liveExpectedCostMicros = live.total.expectedCostMicros;
    b.liveDurationSeconds = live.durationSeconds;

    // Prompt tokens each key would have enqueued: a group's tokens spread over its batch-capable
    // deployments, as the batch runner balances them.
    QStringList dialects;
    QHash<QString, qint64> groupTokens;
    QHash<QString, int> groupKeys;
    b.windowSeconds = 0;
    for (qsizetype i = 0; i < live.deployments.size(); ++i) {
        const DeploymentEstimate &d = live.deployments[i];
        const BatchDialect dialect = batchDialectFor(m_deps[i].provider);
        if (dialect == BatchDialect::None) {
            b.liveCalls += d.calls;
            continue;
        }
        b.batchCalls += d.calls;
        groupTokens[d.group] += d.promptTokens;
        groupKeys[d.group] += 1;
        if (d.calls > 0) {
            b.windowSeconds = std::max(b.windowSeconds, batchCompletionWindowSeconds(dialect));
            if (!dialects.contains(batchDialectName(dialect)))
                dialects << batchDialectName(dialect);
        }
    }
    const qint64 queue = m_in.experiment.execution.batchApi.maxEnqueuedTokens;
    if (queue > 0) {
        for (auto it = groupTokens.cbegin(); it != groupTokens.cend(); ++it) {
            const qint64 perKey = it.value() / std::max(1, groupKeys.value(it.key()));
            b.windows = std::max<int>(b.windows, int((perKey + queue - 1) / queue));
        }
    }
    b.completionSeconds = b.batchCalls > 0 ? b.windows * b.windowSeconds : 0;
    if (b.batchCalls == 0) {
        b.basis = QStringLiteral("no deployment of a provider with a batch API (OpenAI, Anthropic, Gemini, Mistral): every call stays live");
    } else {
        b.basis = QStringLiteral("the providers' completion window (%1 h for %2)")
                      .arg(QString::number(b.windowSeconds / 3600.0, 'g', 4), dialects.join(QStringLiteral(", ")));
        if (b.windows > 1)
            b.basis += QStringLiteral(", %1 windows one after another for batch_queue_tokens %2 per key")
                           .arg(b.windows).arg(formatEstimateCount(queue));
        if (b.liveCalls > 0)
            b.basis += QStringLiteral("; %1 calls stay live (no batch API)").arg(formatEstimateCount(b.liveCalls));
    }
    return b;
}

/// Which runs go to the batch APIs, as the runner decides it (docs/FORMATS.md, "Batch execution"):
/// the run's `mode:` or execution.mode; `auto` batches a run whose live estimate (its finish in the
/// live schedule) is longer than batch_after. A group without a deployment of a provider with a
/// batch API stays live. `live` is the live plan's estimate; its runs get their mode and reason.
void Estimator::decideRunModes(ModeEstimate &live)
{
    const ExecutionSettings &exec = m_in.experiment.execution;
    const auto &matrix = exec.matrix;
    m_runBatch.assign(size_t(matrix.size()), false);
    m_runModeReason.clear();
    for (qsizetype r = 0; r < matrix.size(); ++r) {
        const RunSpec &spec = matrix[r];
        const ExecutionMode configured = spec.mode.value_or(exec.mode);
        const double seconds = r < live.runs.size() ? live.runs[r].durationSeconds : 0;
        bool batch = configured == ExecutionMode::Batch;
        QString reason = spec.mode ? QStringLiteral("mode: %1").arg(executionModeName(configured))
                                   : QStringLiteral("execution.mode: %1").arg(executionModeName(configured));
        if (configured == ExecutionMode::Auto) {
            batch = seconds > double(exec.batchApi.batchAfterSeconds);
            reason = QStringLiteral("auto: live estimate %1 %2 batch_after %3")
                         .arg(formatEstimateDuration(seconds), batch ? QStringLiteral("over") : QStringLiteral("within"),
                              formatEstimateDuration(double(exec.batchApi.batchAfterSeconds)));
        }
        if (batch) {
            const int g = int(m_groups.indexOf(spec.model));
            bool capable = false;
            QStringList why;
            for (qsizetype i = 0; i < m_sched.size(); ++i) {
                if (m_sched[i].group != g)
                    continue;
                capable = capable || batchDialectFor(m_deps[i].provider) != BatchDialect::None;
                if (const QString w = batchUnsupportedReason(m_deps[i].provider); !why.contains(w))
                    why << w;
            }
            if (!capable) {
                batch = false;
                reason += QStringLiteral("; no deployment of %1 has a batch API (OpenAI, Anthropic, Gemini, Mistral): live (%2)")
                              .arg(spec.model, why.join(QStringLiteral("; ")));
            }
        }
        m_runBatch[size_t(r)] = batch;
        m_runModeReason << reason;
        if (r < live.runs.size())
            live.runs[r].modeReason = reason;
    }
}

QStringList Estimator::warnings(const ModeEstimate &planned) const
{
    QStringList out = m_warnings;
    for (const RunEstimate &e : planned.runs) {
        if (!e.priceKnown)
            out << QStringLiteral("run %1: no price known for %2/%3; its cost counts as 0 (add model_info "
                                  "input_cost_per_token/output_cost_per_token)").arg(e.runId, e.provider, e.model);
        if (e.unschedulableCalls > 0)
            out << QStringLiteral("run %1: %2 calls exceed a limit of every deployment of group %3 on their own "
                                  "and would never be sent").arg(e.runId).arg(e.unschedulableCalls).arg(e.group);
        if (e.overDailyQuotaCalls > 0)
            out << QStringLiteral("run %1: %2 calls find the daily quotas (rpd/tpd) of every deployment of group %3 "
                                  "used up; they would fail, for a resumed run to send after the reset")
                       .arg(e.runId).arg(e.overDailyQuotaCalls).arg(e.group);
        if (e.tokenMethod == QLatin1String("chars/4"))
            out << QStringLiteral("run %1: prompt tokens estimated as characters / 4").arg(e.runId);
    }
    out.removeDuplicates();
    return out;
}

Result<EstimateReport> Estimator::run()
{
    if (auto ok = prepare(); !ok)
        return std::unexpected(ok.error());
    const bool batching = m_in.experiment.execution.batching.enabled;
    EstimateReport rep;
    rep.experiment = m_in.experiment.name;
    rep.pricesAsOf = PriceTable::builtInAsOf();
    rep.latency = m_in.latency;

    // Counting dominates: planned mode 0..45 %, the other mode 45..80 %, simulations after.
    auto planned = buildMode(batching, 0, 45);
    if (!planned)
        return std::unexpected(planned.error());
    m_planned = &*planned;
    std::optional<Mode> other;
    if (batching || m_in.recommendations) {
        auto o = buildMode(!batching, 45, 80);
        if (!o)
            return std::unexpected(o.error());
        other = std::move(*o);
    }
    report(80);
    auto plannedEst = simulateMode(*planned, m_sched, m_deps);
    if (!plannedEst)
        return std::unexpected(plannedEst.error());
    // The live schedule decides `auto`; the runs sent to the batch APIs are then priced at the
    // batch prices (same schedule), which the budget verdict and the planned cost use.
    ModeEstimate liveEst = *plannedEst;
    decideRunModes(liveEst);
    plannedEst = simulateMode(*planned, m_sched, m_deps);   // the schedule is reused: prices and modes only
    if (!plannedEst)
        return std::unexpected(plannedEst.error());
    rep.planned = *plannedEst;
    report(85);
    std::optional<ModeEstimate> otherEst;
    if (other) {
        auto o = simulateMode(*other, m_sched, m_deps);
        if (!o)
            return std::unexpected(o.error());
        otherEst = *o;
        if (batching)
            rep.unbatched = otherEst;
    }
    report(90);
    rep.budget = budget(rep.planned);
    auto batchApi = batchApiAlternative(*planned, liveEst);
    if (!batchApi)
        return std::unexpected(batchApi.error());
    rep.batchApi = *batchApi;

    if (m_in.recommendations) {
        const RecommendationInput ri{rep.planned, !batching && otherEst ? &*otherEst : nullptr, m_sched, m_deps,
                                     m_groups, m_firstDepOfGroup, m_in.experiment, m_in.prices};
        auto recs = recommend(ri, [&](const QList<ScheduleDeployment> &deps, const QList<Deployment> &priced) {
            return simulateMode(*planned, deps, priced);
        });
        if (!recs)
            return std::unexpected(recs.error());
        rep.recommendations = *recs;
    }
    rep.warnings = warnings(rep.planned);
    rep.oversized = m_oversized;
    qsizetype first = 0;
    for (const OversizedText &t : std::as_const(m_oversized))
        rep.warnings.insert(first++, QStringLiteral("TOO LONG: %1; `discernus run` refuses to start").arg(t.message()));
    report(100);
    return rep;
}

} // namespace

Result<EstimateReport> estimateExperiment(const EstimateInput &in)
{
    QElapsedTimer timer;
    timer.start();
    Estimator e(in);
    auto r = e.run();
    if (r)
        qCDebug(lcExperiment) << "estimate of" << r->planned.total.calls << "calls took" << timer.elapsed() << "ms";
    return r;
}

} // namespace wb
