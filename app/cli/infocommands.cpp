// tokens, models, test-connections, keys, simulate.
#include "app/cli/commands.h"
#include "app/cli/keyscommand.h"
#include "app/cli/simulatecommand.h"
#include "app/cli/verbparser.h"

#include "core/common/provider.h"
#include "core/config/modellist.h"
#include "app/cli/untilfinished.h"
#include "core/experiment/counttokens.h"
#include "core/pricing/pricing.h"
#include "core/providers/provideradapter.h"
#include "core/session/connectiontest.h"
#include "core/session/keyresolution.h"
#include "core/session/project.h"
#include "core/session/simsession.h"
#include "core/tokenize/tokenestimator.h"
#include "core/tokenize/tokenizer.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

namespace wb {

namespace {

QString limitText(const std::optional<qint64> &v)
{
    return v ? QString::number(*v) : QStringLiteral("-");
}

QString perMillion(double perToken)
{
    return QStringLiteral("$%1").arg(perToken * 1e6, 0, 'f', perToken * 1e6 < 1 ? 3 : 2);
}

} // namespace

namespace {

struct FileText {
    QString path, text;
};

/// Reads each FILE as UTF-8; a file that cannot be read or decoded is reported and sets rc to 2.
QList<FileText> readTextFiles(const QStringList &paths, QTextStream &err, int &rc)
{
    QList<FileText> files;
    for (const QString &path : paths) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            err << "discernus tokens: " << path << ": " << f.errorString() << '\n';
            rc = 2;
            continue;
        }
        QStringDecoder dec(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        QString text = dec.decode(f.readAll());
        if (dec.hasError()) {
            err << "discernus tokens: " << path << ": not valid UTF-8\n";
            rc = 2;
            continue;
        }
        files.append({path, std::move(text)});
    }
    return files;
}

/// provider and model id of --model when no model list says otherwise: "provider/model", or a
/// bare id recognised by its family name (OpenAI when nothing matches).
std::pair<QString, QString> guessProvider(const QString &model)
{
    if (const qsizetype slash = model.indexOf(QLatin1Char('/')); slash > 0)
        return {model.left(slash), model.mid(slash + 1)};
    if (model.startsWith(QLatin1String("claude")))
        return {QStringLiteral("anthropic"), model};
    if (model.startsWith(QLatin1String("gemini")))
        return {QStringLiteral("gemini"), model};
    if (model.contains(QLatin1String("mistral")) || model.startsWith(QLatin1String("codestral")))
        return {QStringLiteral("mistral"), model};
    return {QStringLiteral("openai"), model};
}

/// With a model list: the deployment of --model that can count exactly (a count-tokens endpoint
/// and a key), and the simulator session it may need.
struct ExactCounter {
    ModelList models;
    SimSession sim;
    QHash<QString, QString> keys;
    QString deploymentId;   ///< empty: no exact counter, estimate instead
};

/// Fills counter from the model list at configPath; updates provider/modelId to the deployment
/// found. Returns 0, or the exit code of an error already reported.
int findExactCounter(const QString &configPath, const QString &model, ExactCounter &counter, QString &provider,
                     QString &modelId, QTextStream &err)
{
    auto loaded = loadModelList(configPath);
    if (!loaded) {
        err << "discernus tokens: " << loaded.error().toString() << '\n';
        return 2;
    }
    counter.models = std::move(*loaded);
    const ModelList &models = counter.models;
    // --model is a group (model_name), provider/model or a bare model id.
    QList<int> matches;
    for (int i = 0; i < models.deployments.size(); ++i) {
        const Deployment &d = models.deployments[i];
        if (d.modelName == model || d.provider + u'/' + d.model == model || d.model == model)
            matches << i;
    }
    if (matches.isEmpty()) {
        err << "discernus tokens: no deployment of '" << model << "' in " << configPath << "; estimating\n";
        return 0;
    }
    provider = models.deployments[matches.first()].provider;
    modelId = models.deployments[matches.first()].model;
    KeyResolveJob keyJob(models);
    keyJob.start();
    runUntil(&keyJob, &KeyResolveJob::finished);
    QHash<QString, QString> keyErrors;
    const QHash<QString, QString> available = keyJob.availableKeys(&keyErrors);
    QString why = QStringLiteral("%1 has no count-tokens endpoint").arg(provider);
    for (int i : std::as_const(matches)) {
        const Deployment &d = models.deployments[i];
        if (!CountTokens::hasEndpoint(d.provider))
            continue;
        if (!available.contains(d.id)) {
            why = keyErrors.value(d.id);
            continue;
        }
        counter.keys.insert(d.id, available.value(d.id));
        counter.deploymentId = d.id;
        provider = d.provider;
        modelId = d.model;
        break;
    }
    if (counter.deploymentId.isEmpty()) {
        if (!why.isEmpty())
            err << "discernus tokens: " << why << "; estimating\n";
        return 0;
    }
    auto started = SimSession::startFor(counter.models);
    if (!started) {
        err << "discernus tokens: " << started.error().toString() << '\n';
        return 2;
    }
    counter.sim = std::move(*started);
    return 0;
}

/// Each file as the user message of a request (what it costs as a prompt, the provider's message
/// framing included), counted by the provider's endpoint.
QList<CountTokensResult> countExactly(ExactCounter &counter, const QList<FileText> &files)
{
    QList<CountTokensSample> samples;
    for (const FileText &f : files) {
        ChatRequest r;
        r.user = f.text;
        samples.append({counter.deploymentId, r, f.path});
    }
    CountTokens job(counter.models, counter.keys, nullptr);
    job.addSamples(samples);
    job.start();
    runUntil(&job, &CountTokens::finished);
    return job.results();
}

} // namespace

int cmdTokens(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"tokens");
    if (!a.parse(args, out, err))
        return a.exitCode();
    const QString enc = a.value(QStringLiteral("--encoding"));
    const QString model = a.value(QStringLiteral("--model"));
    const QString configPath = a.value(QStringLiteral("--config"));
    if (a.positional().isEmpty() || enc.isEmpty() == model.isEmpty())
        return a.usageError(err, QStringLiteral("give --encoding or --model, and at least one FILE"));
    if (!configPath.isEmpty() && model.isEmpty())
        return a.usageError(err, QStringLiteral("--config goes with --model"));
    std::optional<Encoding> encoding;
    if (!enc.isEmpty()) {
        if (enc == QLatin1String("o200k_base"))
            encoding = Encoding::O200kBase;
        else if (enc == QLatin1String("cl100k_base"))
            encoding = Encoding::Cl100kBase;
        else {
            err << "discernus tokens: unknown encoding '" << enc << "' (o200k_base or cl100k_base)\n";
            return 2;
        }
    }
    auto [provider, modelId] = guessProvider(model);
    ExactCounter counter;
    if (!configPath.isEmpty()) {
        if (const int rc = findExactCounter(configPath, model, counter, provider, modelId, err); rc != 0)
            return rc;
    }

    int rc = 0;
    const QList<FileText> files = readTextFiles(a.positional(), err, rc);
    QList<CountTokensResult> exact;
    if (!counter.deploymentId.isEmpty() && !files.isEmpty())
        exact = countExactly(counter, files);
    counter.sim.stop();

    TokenEstimator estimator;
    qint64 total = 0;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const FileText &f = files[i];
        if (encoding) {
            const qint64 n = Tokenizer::get(*encoding).count(f.text);
            total += n;
            out << n << '\t' << f.path << '\n';
        } else if (i < exact.size() && exact[i].tokens) {
            total += *exact[i].tokens;
            out << *exact[i].tokens << '\t' << f.path << '\t' << countMethodName(CountMethod::CountTokensEndpoint) << '\n';
        } else {
            if (i < exact.size())
                err << "discernus tokens: " << f.path << ": count-tokens failed: " << exact[i].error << "; estimating\n";
            const TokenCount c = estimator.textTokens(provider, modelId, f.text);
            total += c.tokens;
            out << c.tokens << '\t' << f.path << '\t' << countMethodName(c.method) << '\n';
        }
    }
    if (a.positional().size() > 1)
        out << total << "\ttotal\n";
    return rc;
}

namespace {

/// What a run will read for the deployment's key, named without the key itself.
struct KeySource {
    QString label;        ///< "OPENAI_API_KEY from the environment", "keychain lab-openai", ...
    QString kind;         ///< environment | keychain | literal | none
    QString variable;     ///< environment variable or keychain name
    bool available = true;
};

KeySource keySource(const Deployment &d)
{
    KeySource k;
    const auto fromEnv = [&k](const QString &var, const QString &why) {
        k.kind = QStringLiteral("environment");
        k.variable = var;
        k.available = !qEnvironmentVariable(var.toLocal8Bit().constData()).trimmed().isEmpty();
        k.label = var + QStringLiteral(" from the environment") + why + (k.available ? QString() : QStringLiteral(" (not set)"));
    };
    if (d.keyRef.startsWith(u"os.environ/")) {
        fromEnv(d.keyRef.mid(11), QString());
    } else if (d.keyRef.startsWith(u"keychain/")) {
        k.kind = QStringLiteral("keychain");
        k.variable = d.keyRef.mid(9);
        k.label = QStringLiteral("keychain ") + k.variable;
    } else if (!d.keyRef.isEmpty()) {
        k.kind = QStringLiteral("literal");
        k.label = QStringLiteral("written in the file");
    } else {
        // The rule the key resolver applies (core/secrets): local servers and keyless providers
        // need none, otherwise LiteLLM's default variable of the provider.
        const ProviderTraits &traits = providerTraits(d.provider);
        if (d.isLoopback() || !traits.apiKeyRequired) {
            k.kind = QStringLiteral("none");
            k.label = QStringLiteral("none needed");
        } else if (*traits.apiKeyVariable) {
            fromEnv(QLatin1String(traits.apiKeyVariable), QStringLiteral(" (no api_key given)"));
        } else {
            k.kind = QStringLiteral("none");
            k.available = false;
            k.label = QStringLiteral("none: give api_key");
        }
    }
    return k;
}

QString priceSourceText(const PriceQuote &q)
{
    switch (q.origin) {
    case PriceOrigin::Config:
        return QStringLiteral("config (") + q.price->source + QLatin1Char(')');
    case PriceOrigin::LiteLlmMap:
    case PriceOrigin::BuiltIn:
        return priceOriginName(q.origin) + QStringLiteral(": ") + q.matchedKey;
    case PriceOrigin::FamilyFallback:
        return QStringLiteral("family fallback: ") + q.matchedKey + QStringLiteral(" (no entry for this exact model)");
    case PriceOrigin::Unknown:
        break;
    }
    return priceOriginName(q.origin);
}

QJsonValue jsonOpt(const std::optional<double> &v, double scale = 1e6)
{
    return v ? QJsonValue(*v * scale) : QJsonValue();
}

QJsonValue jsonOpt(const std::optional<qint64> &v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue();
}

QJsonObject priceJson(const PriceQuote &q)
{
    QJsonObject o{{QStringLiteral("origin"), priceOriginName(q.origin)}, {QStringLiteral("table_key"), q.matchedKey}};
    if (!q.price)
        return o;
    const ModelPrice &p = *q.price;
    o.insert(QStringLiteral("source"), p.source);
    o.insert(QStringLiteral("input_per_million"), p.inputPerToken * 1e6);
    o.insert(QStringLiteral("output_per_million"), p.outputPerToken * 1e6);
    o.insert(QStringLiteral("cache_read_per_million"), jsonOpt(p.cachedInputPerToken));
    o.insert(QStringLiteral("cache_write_per_million"), jsonOpt(p.cacheWritePerToken));
    o.insert(QStringLiteral("cache_write_1h_per_million"), jsonOpt(p.cacheWrite1hPerToken));
    o.insert(QStringLiteral("input_above_200k_per_million"), jsonOpt(p.inputPerTokenAbove200k));
    o.insert(QStringLiteral("output_above_200k_per_million"), jsonOpt(p.outputPerTokenAbove200k));
    o.insert(QStringLiteral("context_window"), p.contextWindow > 0 ? QJsonValue(double(p.contextWindow)) : QJsonValue());
    return o;
}

QJsonObject deploymentJson(const Deployment &d, const PriceQuote &q)
{
    const KeySource k = keySource(d);
    return QJsonObject{
        {QStringLiteral("id"), d.id},
        {QStringLiteral("provider"), d.provider},
        {QStringLiteral("model"), d.model},
        {QStringLiteral("api_base"), d.effectiveApiBase()},
        {QStringLiteral("wildcard"), d.wildcard},
        {QStringLiteral("key"), QJsonObject{{QStringLiteral("kind"), k.kind},
                                            {QStringLiteral("name"), k.variable},
                                            {QStringLiteral("available"), k.available},
                                            {QStringLiteral("label"), k.label}}},
        {QStringLiteral("limits"), QJsonObject{{QStringLiteral("rpm"), jsonOpt(d.limits.rpm)},
                                               {QStringLiteral("tpm"), jsonOpt(d.limits.tpm)},
                                               {QStringLiteral("itpm"), jsonOpt(d.limits.itpm)},
                                               {QStringLiteral("otpm"), jsonOpt(d.limits.otpm)},
                                               {QStringLiteral("max_parallel_requests"),
                                                d.limits.maxParallelRequests ? QJsonValue(*d.limits.maxParallelRequests) : QJsonValue()}}},
        {QStringLiteral("price"), priceJson(q)},
    };
}

} // namespace

int cmdModels(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"models");
    if (!a.parse(args, out, err))
        return a.exitCode();
    auto models = loadModelList(a.value(QStringLiteral("--config")));
    if (!models) {
        err << "discernus models: " << models.error().toString() << '\n';
        return 2;
    }
    const bool json = a.has(QStringLiteral("--json"));
    const QStringList warnings = models->warnings + sharedQuotaWarnings(*models);
    for (const QString &w : warnings)
        err << "warning: " << w << '\n';
    PriceTable prices = PriceTable::builtIn();
    QString priceTable = QStringLiteral("built-in table as of ") + PriceTable::builtInAsOf();
    if (const QString pm = a.value(QStringLiteral("--prices")); !pm.isEmpty()) {
        auto n = prices.importLiteLlm(pm);
        if (!n) {
            err << "discernus models: " << n.error().toString() << '\n';
            return 2;
        }
        priceTable = QString::number(*n) + QStringLiteral(" models imported from ") + pm;
    }
    if (json) {
        QJsonArray groups;
        for (const QString &group : models->groups()) {
            QJsonArray deps;
            for (const Deployment *d : models->deploymentsOf(group))
                deps.append(deploymentJson(*d, prices.quote(*d)));
            groups.append(QJsonObject{{QStringLiteral("name"), group},
                                      {QStringLiteral("fallbacks"), QJsonArray::fromStringList(models->router.fallbacks.value(group))},
                                      {QStringLiteral("deployments"), deps}});
        }
        QJsonObject aliases;
        for (auto it = models->aliases.cbegin(); it != models->aliases.cend(); ++it)
            aliases.insert(it.key(), it.value());
        QJsonArray skipped;
        for (const SkippedDeployment &s : std::as_const(models->skipped))
            skipped.append(QJsonObject{{QStringLiteral("model_name"), s.modelName},
                                       {QStringLiteral("model"), s.model},
                                       {QStringLiteral("reason"), s.reason},
                                       {QStringLiteral("line"), s.line}});
        const RouterSettings &r = models->router;
        const QJsonObject doc{
            {QStringLiteral("config"), models->path},
            {QStringLiteral("prices"), priceTable},
            {QStringLiteral("simulated"), isSimulated(*models)},
            {QStringLiteral("router"), QJsonObject{{QStringLiteral("routing_strategy"), r.routingStrategy},
                                                   {QStringLiteral("num_retries"), r.numRetries},
                                                   {QStringLiteral("timeout"), r.timeoutSeconds},
                                                   {QStringLiteral("allowed_fails"), r.allowedFails},
                                                   {QStringLiteral("cooldown_time"), r.cooldownSeconds}}},
            {QStringLiteral("max_budget"), jsonOpt(models->costControls.maxBudget, 1.0)},
            {QStringLiteral("budget_duration"), models->costControls.budgetDuration},
            {QStringLiteral("groups"), groups},
            {QStringLiteral("aliases"), aliases},
            {QStringLiteral("skipped"), skipped},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
        };
        out << QJsonDocument(doc).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "prices: " << priceTable << '\n';
    out << "routing: " << models->router.routingStrategy << ", retries " << models->router.numRetries << ", timeout "
        << models->router.timeoutSeconds << "s, cooldown " << models->router.cooldownSeconds << "s after "
        << models->router.allowedFails << " fails\n";
    if (models->costControls.maxBudget)
        out << "budget: $" << QString::number(*models->costControls.maxBudget, 'f', 2)
            << (models->costControls.budgetDuration.isEmpty() ? QString() : QStringLiteral(" per ") + models->costControls.budgetDuration)
            << '\n';
    if (isSimulated(*models))
        out << "SIMULATED: the workbench starts its provider simulator for this model list\n";
    for (const QString &group : models->groups()) {
        out << '\n' << group;
        if (auto fb = models->router.fallbacks.value(group); !fb.isEmpty())
            out << "  (fallbacks: " << fb.join(QStringLiteral(", ")) << ')';
        if (group.contains(u'*'))
            out << "  (wildcard: an experiment run names the model, e.g. model: "
                << QString(group).replace(u'*', QStringLiteral("gpt-4o")) << ')';
        out << '\n';
        for (const Deployment *d : models->deploymentsOf(group)) {
            out << "  " << d->id << "  " << d->provider << '/' << d->model << "  key " << keySource(*d).label
                << "\n    base " << d->effectiveApiBase() << "\n    rpm " << limitText(d->limits.rpm) << "  tpm " << limitText(d->limits.tpm)
                << "  itpm " << limitText(d->limits.itpm) << "  otpm " << limitText(d->limits.otpm);
            if (d->limits.maxParallelRequests)
                out << "  parallel " << *d->limits.maxParallelRequests;
            if (!d->rateLimitPool.isEmpty())
                out << "  pool " << d->rateLimitPool;
            out << '\n';
            if (d->wildcard)
                continue;   // priced once a run names the model
            const PriceQuote q = prices.quote(*d);
            if (const auto &p = q.price) {
                out << "    price " << perMillion(p->inputPerToken) << " in / " << perMillion(p->outputPerToken) << " out per 1M tokens";
                if (p->inputPerTokenAbove200k || p->outputPerTokenAbove200k)
                    out << " (above 200k prompt tokens: " << perMillion(p->inputPerTokenAbove200k.value_or(p->inputPerToken))
                        << " / " << perMillion(p->outputPerTokenAbove200k.value_or(p->outputPerToken)) << ')';
                if (p->cachedInputPerToken)
                    out << ", cache read " << perMillion(*p->cachedInputPerToken);
                if (p->cacheWritePerToken)
                    out << ", cache write " << perMillion(*p->cacheWritePerToken);
                if (p->cacheWrite1hPerToken)
                    out << " (1h " << perMillion(*p->cacheWrite1hPerToken) << ')';
                if (p->contextWindow > 0)
                    out << ", context " << p->contextWindow;
                out << "\n    billed from " << priceSourceText(q) << '\n';
            } else {
                out << "    price unknown (counts as $0): set input_cost_per_token / output_cost_per_token in litellm_params\n";
            }
        }
    }
    if (!models->aliases.isEmpty()) {
        out << "\naliases:";
        QStringList names = models->aliases.keys();
        names.sort();
        for (const QString &n : std::as_const(names))
            out << "\n  " << n << " -> " << models->aliases.value(n);
        out << '\n';
    }
    if (!models->skipped.isEmpty()) {
        out << "\nskipped (discernus does not call these):";
        for (const SkippedDeployment &s : std::as_const(models->skipped))
            out << "\n  " << s.modelName << "  " << s.model << "  " << s.reason;
        out << '\n';
    }
    return 0;
}

int cmdTestConnections(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"test-connections");
    if (!a.parse(args, out, err))
        return a.exitCode();
    const QString configPath = a.value(QStringLiteral("--config"));
    auto models = loadModelList(configPath);
    if (!models) {
        err << "discernus test-connections: " << models.error().toString() << '\n';
        return 2;
    }
    double timeoutS = 30.0;
    if (a.has(QStringLiteral("--timeout"))) {
        bool ok = false;
        timeoutS = a.value(QStringLiteral("--timeout")).toDouble(&ok);
        if (!ok || timeoutS <= 0) {
            err << "discernus test-connections: --timeout expects a positive number of seconds\n";
            return 2;
        }
    }
    ConnectionTest test(*models, {}, timeoutS);
    QObject::connect(&test, &ConnectionTest::simulatorStarted, [&](quint16 port) {
        err << "SIMULATED: provider simulator on 127.0.0.1:" << port << '\n';
        err.flush();
    });
    int failures = 0;
    QObject::connect(&test, &ConnectionTest::result, [&](const ConnectionResult &r) {
        const Deployment *d = models->deployment(r.deploymentId);
        out << r.deploymentId << "  " << (d ? d->provider + u'/' + d->model : QString()) << "  ";
        if (r.ok) {
            out << "OK  HTTP " << r.httpStatus << ", " << r.ms << " ms, model " << r.modelVersion;
            if (r.rpmLimit > 0)
                out << ", rpm limit " << r.rpmLimit;
            if (r.tpmLimit > 0)
                out << ", tpm limit " << r.tpmLimit;
            if (r.itpmLimit > 0)
                out << ", itpm limit " << r.itpmLimit;
        } else {
            ++failures;
            out << "FAIL  ";
            if (r.httpStatus > 0)
                out << "HTTP " << r.httpStatus << ' ' << errorClassName(r.errorClass) << ": ";
            out << r.error;
        }
        out << '\n';
        out.flush();
    });
    test.start();
    runUntil(&test, &ConnectionTest::finished);
    return failures == 0 ? 0 : 1;
}

int cmdKeys(const QStringList &args, QTextStream &out, QTextStream &err)
{
    return runKeysCommand(args, out, err);
}

int cmdSimulate(const QStringList &args, QTextStream &out, QTextStream &err)
{
    return runSimulateCommand(args, out, err);
}

} // namespace wb
