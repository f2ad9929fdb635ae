#include "core/config/modellist.h"

#include "core/common/logging.h"
#include "core/common/provider.h"
#include "core/config/duration.h"
#include "core/config/googlecredentials.h"
#include "core/config/yamlsupport.h"

#include <QFile>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUrl>
#include <algorithm>
#include <limits>

namespace wb {

using namespace yamlsupport;

namespace {

constexpr qint64 kMaxCount = std::numeric_limits<qint64>::max() / 4;

// LiteLLM guesses the provider of a bare model name; we do the same for the
// unambiguous families so a LiteLLM file that relies on it still loads.
QString inferProvider(const QString &model)
{
    static const QRegularExpression openai(QStringLiteral("^(gpt-|chatgpt-|o[1-9](-|$)|text-embedding-)"));
    if (openai.match(model).hasMatch())
        return QStringLiteral("openai");
    if (model.startsWith(u"claude-"))
        return QStringLiteral("anthropic");
    if (model.startsWith(u"gemini-"))
        return QStringLiteral("gemini");
    static const QRegularExpression mistral(QStringLiteral("^(mistral-|open-mistral|open-mixtral|codestral|ministral|pixtral)"));
    if (mistral.match(model).hasMatch())
        return QStringLiteral("mistral");
    return {};
}

QString joinQuoted(const QStringList &items)
{
    QStringList q;
    for (const QString &s : items)
        q.append(s);
    return q.join(QStringLiteral(", "));
}

struct FallbackRef {
    QString group;
    YAML::Node node;
    QString field;
};

void readFallbacks(Reader &r, const YAML::Node &n, const QString &field, QHash<QString, QStringList> &out,
                   QList<FallbackRef> &refs)
{
    if (!n.IsDefined() || n.IsNull())
        return;
    const QString shape = QStringLiteral("expected a list like [{gpt-4o: [claude-3.5-haiku]}], got ");
    if (!n.IsSequence()) {
        r.fail(n, field, shape + describe(n));
        return;
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
        const YAML::Node item = n[i];
        const QString itemField = field + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
        if (!item.IsMap()) {
            r.fail(item, itemField, shape + describe(item));
            return;
        }
        for (auto it = item.begin(); it != item.end(); ++it) {
            if (!it->first.IsScalar()) {
                r.fail(it->first, itemField, QStringLiteral("expected a model group name as key"));
                return;
            }
            const QString group = qs(it->first.Scalar());
            const QString f = itemField + QLatin1Char('.') + group;
            const auto targets = r.stringList(it->second, f);
            if (!r.ok())
                return;
            refs.append({group, it->first, itemField});
            for (std::size_t t = 0; t < (it->second.IsSequence() ? it->second.size() : 1); ++t) {
                const YAML::Node tn = it->second.IsSequence() ? it->second[t] : it->second;
                refs.append({qs(tn.Scalar()), tn, f});
            }
            out[group] += targets.value_or(QStringList{});
        }
    }
}

// Provider-specific litellm_params (docs/PROVIDERS.md, "Azure OpenAI", "Vertex AI", "The
// OpenAI-compatible family"): Azure's api_version, Vertex AI's project, location and credentials,
// and the api_base LiteLLM reads from the provider's variable when the deployment names none.
void readProviderParams(Reader &r, Map &p, Deployment &d, const YAML::Node &modelNode)
{
    const auto env = [](const char *name) { return qEnvironmentVariable(name).trimmed(); };
    const auto text = [&](const char *key, bool resolveEnv) {
        QString v = r.string(p.take(key), p.field(key)).value_or(QString()).trimmed();
        if (resolveEnv && v.startsWith(u"os.environ/"))
            v = qEnvironmentVariable(v.mid(11).toLatin1().constData()).trimmed();
        return v;
    };
    // LiteLLM also accepts the vertex_ai_* spellings.
    const auto either = [&](const char *key, const char *alias, bool resolveEnv) {
        const QString a = text(key, resolveEnv), b = text(alias, resolveEnv);
        return a.isEmpty() ? b : a;
    };
    d.apiVersion = text("api_version", true);
    d.vertexProject = either("vertex_project", "vertex_ai_project", true);
    d.vertexLocation = either("vertex_location", "vertex_ai_location", true);
    // Credentials stay as written (os.environ/ included): read only when a token is fetched.
    d.vertexCredentials = either("vertex_credentials", "vertex_ai_credentials", false);
    const ProviderTraits &t = providerTraits(d.provider);
    if (t.kind == ProviderKind::Azure && d.apiVersion.isEmpty())
        d.apiVersion = env("AZURE_API_VERSION").isEmpty() ? QLatin1String(kAzureDefaultApiVersion) : env("AZURE_API_VERSION");
    if (t.kind == ProviderKind::VertexAi) {
        if (d.vertexProject.isEmpty())
            d.vertexProject = env("VERTEXAI_PROJECT");
        if (d.vertexLocation.isEmpty())
            d.vertexLocation = env("VERTEXAI_LOCATION").isEmpty() ? QStringLiteral("us-central1") : env("VERTEXAI_LOCATION");
        if (d.vertexCredentials.isEmpty())
            d.vertexCredentials = env("VERTEXAI_CREDENTIALS");
        if (d.vertexProject.isEmpty())
            d.vertexProject = googleCredentialsProject(d.vertexCredentials);
    }
    if (d.apiBase.isEmpty() && *t.apiBaseVariable)
        d.apiBase = env(t.apiBaseVariable);
    if (r.ok() && d.apiBase.isEmpty() && !*t.requestApiBase && t.kind != ProviderKind::Unknown
        && t.wireFormat != WireFormat::VertexAi)
        r.fail(modelNode, p.field("api_base"),
               QStringLiteral("%1/ deployments need an api_base (%2) or the environment variable %3")
                   .arg(d.provider,
                        t.kind == ProviderKind::Azure ? QStringLiteral("the resource URL, https://NAME.openai.azure.com")
                                                      : QStringLiteral("the server's URL"),
                        QLatin1String(t.apiBaseVariable)));
}

struct DeploymentPos {
    YAML::Node idNode;     // model_info.id or the entry
    QString idField;
};

void readDeployment(Reader &r, const YAML::Node &node, int index, ModelList &list, QHash<QString, int> &groupCount,
                    QList<DeploymentPos> &positions)
{
    const QString path = QStringLiteral("model_list[") + QString::number(index) + QLatin1Char(']');
    Map e(r, node, path, QStringLiteral("model_list[]"), false);
    if (!e.valid())
        return;
    Deployment d;
    d.line = Reader::lineOf(node);

    const YAML::Node nameNode = e.required("model_name");
    d.modelName = r.string(nameNode, e.field("model_name")).value_or(QString()).trimmed();
    if (r.ok() && d.modelName.isEmpty())
        r.fail(nameNode, e.field("model_name"), QStringLiteral("must not be empty"));

    const YAML::Node paramsNode = e.required("litellm_params");
    Map p(r, paramsNode, path + QStringLiteral(".litellm_params"), QStringLiteral("model_list[].litellm_params"), false);
    Map info(r, e.take("model_info"), path + QStringLiteral(".model_info"), QStringLiteral("model_list[].model_info"));
    e.finish();
    if (!r.ok())
        return;

    // model_info first: allow_insecure_http decides whether api_base is acceptable.
    const YAML::Node idNode = info.take("id");
    if (const auto id = r.string(idNode, info.field("id"))) {
        d.id = id->trimmed();
        if (r.ok() && d.id.isEmpty())
            r.fail(idNode, info.field("id"), QStringLiteral("must not be empty"));
    }
    d.rateLimitPool = r.string(info.take("rate_limit_pool"), info.field("rate_limit_pool")).value_or(QString());
    const QString price = QStringLiteral("a non-negative number (USD per token)");
    d.price.inputCostPerToken = r.number(info.take("input_cost_per_token"), info.field("input_cost_per_token"), 0, 1e9, false, price);
    d.price.outputCostPerToken = r.number(info.take("output_cost_per_token"), info.field("output_cost_per_token"), 0, 1e9, false, price);
    d.price.cacheReadInputTokenCost = r.number(info.take("cache_read_input_token_cost"), info.field("cache_read_input_token_cost"), 0, 1e9, false, price);
    d.price.cacheCreationInputTokenCost = r.number(info.take("cache_creation_input_token_cost"), info.field("cache_creation_input_token_cost"), 0, 1e9, false, price);
    d.price.maxInputTokens = r.integer(info.take("max_input_tokens"), info.field("max_input_tokens"), 1, kMaxCount, QStringLiteral("a positive integer"));
    d.price.maxOutputTokens = r.integer(info.take("max_output_tokens"), info.field("max_output_tokens"), 1, kMaxCount, QStringLiteral("a positive integer"));
    d.allowInsecureHttp = r.boolean(info.take("allow_insecure_http"), info.field("allow_insecure_http")).value_or(false);

    // Limits: LiteLLM reads them from litellm_params; model_info is accepted too.
    const auto limit = [&](const char *key, qint64 min, const QString &expectation) -> std::optional<qint64> {
        const YAML::Node a = p.take(key);
        const YAML::Node b = info.take(key);
        const bool inA = a.IsDefined() && !a.IsNull();
        const bool inB = b.IsDefined() && !b.IsNull();
        if (inA && inB) {
            r.fail(b, info.field(key), QStringLiteral("also set in litellm_params; set it in one place"));
            return std::nullopt;
        }
        return inA ? r.integer(a, p.field(key), min, kMaxCount, expectation)
                   : r.integer(b, info.field(key), min, kMaxCount, expectation);
    };
    // A limit of 0 would let nothing through; leave the key out for "no limit".
    const QString positive = QStringLiteral("a positive integer (leave it out for no limit)");
    d.limits.rpm = limit("rpm", 1, positive);
    d.limits.tpm = limit("tpm", 1, positive);
    d.limits.itpm = limit("itpm", 1, positive);
    d.limits.otpm = limit("otpm", 1, positive);
    if (const auto mpr = limit("max_parallel_requests", 1, QStringLiteral("a positive integer")))
        d.limits.maxParallelRequests = static_cast<int>(std::min<qint64>(*mpr, std::numeric_limits<int>::max()));

    if (const auto w = r.number(p.take("weight"), p.field("weight"), 0, 1e9, true, QStringLiteral("a positive number")))
        d.weight = *w;
    d.timeoutSeconds = r.number(p.take("timeout"), p.field("timeout"), 0, 1e7, true, QStringLiteral("a positive number of seconds"));

    const YAML::Node baseNode = p.take("api_base");
    if (const auto base = r.string(baseNode, p.field("api_base")); base && !base->trimmed().isEmpty()) {
        const QUrl url(base->trimmed(), QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.host().isEmpty() || (scheme != u"http" && scheme != u"https")) {
            r.fail(baseNode, p.field("api_base"), QStringLiteral("expected an http:// or https:// URL with a host"));
        } else if (scheme == u"http" && !isLoopbackHost(url.host()) && !d.allowInsecureHttp) {
            r.fail(baseNode, p.field("api_base"),
                   QStringLiteral("plain http:// is allowed only for loopback hosts (127.0.0.1, localhost, ::1); "
                                  "use https:// or set model_info.allow_insecure_http: true"));
        } else {
            d.apiBase = base->trimmed();
        }
    }

    const YAML::Node modelNode = p.required("model");
    const QString model = r.string(modelNode, p.field("model")).value_or(QString()).trimmed();
    if (r.ok()) {
        const qsizetype slash = model.indexOf(QLatin1Char('/'));
        if (model.isEmpty()) {
            r.fail(modelNode, p.field("model"), QStringLiteral("must not be empty"));
        } else if (slash >= 0) {
            const QString prefix = model.left(slash);
            if (!knownProviderPrefixes().contains(prefix)) {
                r.fail(modelNode, p.field("model"),
                       QStringLiteral("unknown provider prefix \"") + prefix
                           + QStringLiteral("/\" (supported: ") + knownProviderPrefixes().join(QStringLiteral("/, "))
                           + QStringLiteral("/; use openai/<model> with api_base for an OpenAI-compatible server)"));
            } else if (model.mid(slash + 1).trimmed().isEmpty()) {
                r.fail(modelNode, p.field("model"), QStringLiteral("missing the model id after \"") + prefix + QStringLiteral("/\""));
            } else {
                d.provider = prefix;
                d.model = model.mid(slash + 1);
            }
        } else {
            // A bare name with an api_base is an OpenAI-compatible server (LiteLLM's rule).
            d.provider = d.apiBase.isEmpty() ? inferProvider(model) : providerPrefix(ProviderKind::OpenAi);
            d.model = model;
            if (d.provider.isEmpty())
                r.fail(modelNode, p.field("model"),
                       QStringLiteral("no provider prefix: write openai/, anthropic/, mistral/, gemini/ or vertex_ai/ "
                                      "before the model id (or give an api_base for an OpenAI-compatible server)"));
        }
    }

    if (r.ok())
        readProviderParams(r, p, d, modelNode);

    // Key references; the value itself never goes into a message.
    const YAML::Node keyNode = p.take("api_key");
    const QString keyField = p.field("api_key");
    if (const auto key = r.string(keyNode, keyField)) {
        d.keyRef = key->trimmed();
        static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (d.keyRef.startsWith(u"os.environ/")) {
            if (!envName.match(d.keyRef.mid(11)).hasMatch())
                r.fail(keyNode, keyField, QStringLiteral("expected os.environ/NAME with an environment variable name"));
        } else if (d.keyRef.startsWith(u"keychain/")) {
            if (!isValidKeychainName(d.keyRef.mid(9)))
                r.fail(keyNode, keyField,
                       QStringLiteral("expected keychain/NAME (letters, digits, '.', '_', '-', '@')"));
        } else if (!d.keyRef.isEmpty() && r.ok() && !d.isLoopback()) {
            list.warnings.append(Error{QStringLiteral("an API key is written in the file; use os.environ/NAME or keychain/NAME "
                                                      "(discernus keys set NAME)"),
                                       r.file(), Reader::lineOf(keyNode), Reader::columnOf(keyNode), keyField}
                                     .toString());
        }
    }
    p.finish();
    info.finish();
    if (!r.ok())
        return;

    const int n = ++groupCount[d.modelName];
    if (d.id.isEmpty())
        d.id = d.modelName + QLatin1Char('/') + QString::number(n);
    positions.append({idNode.IsDefined() ? idNode : node, idNode.IsDefined() ? info.field("id") : path});
    list.deployments.append(d);
}

// litellm_settings' logging callbacks (docs/PROVIDERS.md, "Tracing calls"). Takes only its own
// keys from the litellm_settings map, so it can sit beside the reading of the others.
void readTelemetrySettings(Reader &r, Map &ls, TelemetrySettings &t)
{
    for (const char *key : {"success_callback", "failure_callback", "callbacks"}) {
        const auto names = r.stringList(ls.take(key), ls.field(key));
        for (const QString &raw : names.value_or(QStringList{})) {
            const QString name = raw.trimmed().toLower();
            if (name == u"otel" || name == u"opentelemetry")
                t.otel = true;
            else if (name == u"langfuse" || name == u"langfuse_otel")
                t.langfuse = true;
            else if (!t.otherCallbacks.contains(name))
                t.otherCallbacks << name;
        }
    }
    const YAML::Node off = ls.take("turn_off_message_logging");
    if (off.IsDefined() && !off.IsNull())
        t.logMessages = !r.boolean(off, ls.field("turn_off_message_logging")).value_or(true);
}

Result<ModelList> parseImpl(const YAML::Node &root, const QByteArray &yaml, const QString &file)
{
    Reader r(file);
    ModelList list;
    list.path = file;
    list.sourceYaml = yaml;
    if (!root.IsDefined() || root.IsNull())
        return fail(QStringLiteral("the file is empty; expected a mapping with model_list"), file);

    Map top(r, root, {}, {}, false);
    if (!r.ok())
        return std::unexpected(r.error());

    const YAML::Node ml = top.required("model_list");
    QHash<QString, int> groupCount;
    QList<DeploymentPos> positions;
    if (r.ok()) {
        if (!ml.IsSequence())
            r.fail(ml, QStringLiteral("model_list"), QStringLiteral("expected a list of deployments, got ") + describe(ml));
        else if (ml.size() == 0)
            r.fail(ml, QStringLiteral("model_list"), QStringLiteral("lists no deployment"));
        for (std::size_t i = 0; r.ok() && i < ml.size(); ++i)
            readDeployment(r, ml[i], static_cast<int>(i), list, groupCount, positions);
    }
    if (!r.ok())
        return std::unexpected(r.error());

    // Ids are what results and the monitor refer to: they must be unique.
    QHash<QString, int> seen;
    for (int i = 0; i < list.deployments.size(); ++i) {
        const QString &id = list.deployments[i].id;
        if (const auto it = seen.constFind(id); it != seen.constEnd()) {
            r.fail(positions[i].idNode, positions[i].idField,
                   QStringLiteral("duplicate deployment id \"") + id + QStringLiteral("\" (also model_list[")
                       + QString::number(*it) + QStringLiteral("] at line ")
                       + QString::number(list.deployments[*it].line) + QLatin1Char(')'));
            return std::unexpected(r.error());
        }
        seen.insert(id, i);
    }

    // router_settings
    Map rs(r, top.take("router_settings"), QStringLiteral("router_settings"), QStringLiteral("router_settings"));
    QList<FallbackRef> fallbackRefs;
    if (rs.valid()) {
        RouterSettings &s = list.router;
        const YAML::Node strategyNode = rs.take("routing_strategy");
        if (const auto st = r.string(strategyNode, rs.field("routing_strategy"))) {
            if (!routingStrategies().contains(*st))
                r.fail(strategyNode, rs.field("routing_strategy"),
                       QStringLiteral("unknown routing strategy \"") + *st + QStringLiteral("\" (expected one of: ")
                           + joinQuoted(routingStrategies()) + QLatin1Char(')'));
            else
                s.routingStrategy = *st;
        }
        if (const auto v = r.integer(rs.take("num_retries"), rs.field("num_retries"), 0, 1000, QStringLiteral("a non-negative integer")))
            s.numRetries = static_cast<int>(*v);
        if (const auto v = r.number(rs.take("timeout"), rs.field("timeout"), 0, 1e7, true, QStringLiteral("a positive number of seconds")))
            s.timeoutSeconds = *v;
        if (const auto v = r.integer(rs.take("allowed_fails"), rs.field("allowed_fails"), 0, 1000000, QStringLiteral("a non-negative integer")))
            s.allowedFails = static_cast<int>(*v);
        if (const auto v = r.number(rs.take("cooldown_time"), rs.field("cooldown_time"), 0, 1e7, false, QStringLiteral("a non-negative number of seconds")))
            s.cooldownSeconds = *v;
        readFallbacks(r, rs.take("fallbacks"), rs.field("fallbacks"), s.fallbacks, fallbackRefs);
        readFallbacks(r, rs.take("context_window_fallbacks"), rs.field("context_window_fallbacks"), s.contextWindowFallbacks, fallbackRefs);
        s.redisHost = r.string(rs.take("redis_host"), rs.field("redis_host")).value_or(QString());
        if (const auto v = r.integer(rs.take("redis_port"), rs.field("redis_port"), 1, 65535, QStringLiteral("a port number (1-65535)")))
            s.redisPort = static_cast<int>(*v);
        rs.finish();
    }
    if (!r.ok())
        return std::unexpected(r.error());
    const QStringList groups = list.groups();
    for (const FallbackRef &f : std::as_const(fallbackRefs)) {
        if (!groups.contains(f.group)) {
            r.fail(f.node, f.field,
                   QStringLiteral("unknown model group \"") + f.group + QStringLiteral("\" (the model list defines: ")
                       + joinQuoted(groups) + QLatin1Char(')'));
            return std::unexpected(r.error());
        }
    }

    Map ls(r, top.take("litellm_settings"), QStringLiteral("litellm_settings"), QStringLiteral("litellm_settings"));
    if (ls.valid()) {
        readTelemetrySettings(r, ls, list.telemetry);
        ls.finish();
    }
    if (!list.telemetry.otherCallbacks.isEmpty())
        list.warnings.append(file + QStringLiteral(": litellm_settings callbacks discernus does not export (it exports otel and langfuse): ")
                             + list.telemetry.otherCallbacks.join(QStringLiteral(", ")));

    // cost_controls (ours, next to LiteLLM's keys)
    Map cc(r, top.take("cost_controls"), QStringLiteral("cost_controls"), QStringLiteral("cost_controls"));
    if (cc.valid()) {
        list.costControls.maxBudget = r.number(cc.take("max_budget"), cc.field("max_budget"), 0, 1e12, false,
                                               QStringLiteral("a non-negative amount in USD"));
        const YAML::Node durNode = cc.take("budget_duration");
        if (const auto dur = r.string(durNode, cc.field("budget_duration"))) {
            if (!parseDurationSeconds(*dur))
                r.fail(durNode, cc.field("budget_duration"),
                       QStringLiteral("expected a duration like 30s, 10m, 24h, 7d, 2w or 1mo, got ") + describe(durNode));
            else
                list.costControls.budgetDuration = dur->trimmed();
        }
        cc.finish();
    }

    // discernus: our extension block, ignored by LiteLLM.
    Map ds(r, top.take("discernus"), QStringLiteral("discernus"), QStringLiteral("discernus"));
    if (ds.valid()) {
        Map sim(r, ds.take("simulator"), QStringLiteral("discernus.simulator"), QStringLiteral("discernus.simulator"));
        if (sim.valid()) {
            list.simulator.enabled = r.boolean(sim.take("enabled"), sim.field("enabled")).value_or(false);
            if (const auto v = r.integer(sim.take("port"), sim.field("port"), 0, 65535, QStringLiteral("a port number (0-65535)")))
                list.simulator.port = static_cast<int>(*v);
            list.simulator.limitsFile = r.string(sim.take("limits"), sim.field("limits")).value_or(QString());
            sim.finish();
        }
        ds.finish();
    }
    top.finish();
    if (!r.ok())
        return std::unexpected(r.error());

    if (!r.unknownKeys().isEmpty()) {
        list.warnings.prepend(file + QStringLiteral(": ignoring settings discernus does not use: ")
                              + r.unknownKeys().join(QStringLiteral(", ")));
    }
    for (const QString &w : std::as_const(list.warnings))
        qCDebug(lcConfig).noquote() << w;
    return list;
}

// ---- writing ----------------------------------------------------------------

struct Writer {
    bool changed = false;

    template <typename T, typename Make>
    void put(YAML::Node map, const char *key, const std::optional<T> &now, const std::optional<T> &before, Make make)
    {
        if (now == before)
            return;
        changed = true;
        if (now)
            map[key] = make(*now);
        else if (hasKey(map, key))
            map.remove(key);
    }
    void putString(YAML::Node map, const char *key, const QString &now, const QString &before)
    {
        if (now == before)
            return;
        changed = true;
        if (!now.isEmpty())
            map[key] = stringNode(now);
        else if (hasKey(map, key))
            map.remove(key);
    }
};

std::optional<double> opt(double v, double dflt)
{
    return v == dflt ? std::nullopt : std::optional<double>(v);
}

YAML::Node fallbacksNode(const QHash<QString, QStringList> &fb)
{
    YAML::Node seq(YAML::NodeType::Sequence);
    seq.SetStyle(YAML::EmitterStyle::Flow);
    QStringList keys = fb.keys();
    keys.sort();
    for (const QString &k : std::as_const(keys)) {
        YAML::Node item(YAML::NodeType::Map);
        YAML::Node targets(YAML::NodeType::Sequence);
        for (const QString &t : fb.value(k))
            targets.push_back(stringNode(t));
        item[ss(k)] = targets;
        seq.push_back(item);
    }
    return seq;
}

void writeDeployment(Writer &w, YAML::Node entry, const Deployment &d, const Deployment &base, bool haveBase,
                     const QString &generatedId)
{
    YAML::Node params = ensureMap(entry, "litellm_params");
    if (!haveBase || d.modelName != base.modelName) {
        entry["model_name"] = stringNode(d.modelName);
        w.changed = true;
    }
    if (!haveBase || d.provider != base.provider || d.model != base.model) {
        params["model"] = stringNode(d.provider.isEmpty() ? d.model : d.provider + QLatin1Char('/') + d.model);
        w.changed = true;
    }
    w.putString(params, "api_key", d.keyRef, haveBase ? base.keyRef : QString());
    w.putString(params, "api_base", d.apiBase, haveBase ? base.apiBase : QString());

    const auto info = [&] { return ensureMap(entry, "model_info"); };
    const auto limit = [&](const char *key, std::optional<qint64> now, std::optional<qint64> before) {
        if (now == before)
            return;
        w.changed = true;
        // Keep a limit where the user put it; new ones go where LiteLLM looks.
        const bool inInfo = hasKey(entry, "model_info") && hasKey(entry["model_info"], key);
        if (!now) {
            if (hasKey(params, key))
                params.remove(key);
            if (inInfo)
                entry["model_info"].remove(key);
            return;
        }
        // Assigning an existing key keeps its place in the mapping.
        (inInfo ? info() : params)[key] = integerNode(*now);
    };
    const auto toOpt = [](std::optional<int> v) { return v ? std::optional<qint64>(*v) : std::nullopt; };
    limit("rpm", d.limits.rpm, base.limits.rpm);
    limit("tpm", d.limits.tpm, base.limits.tpm);
    limit("itpm", d.limits.itpm, base.limits.itpm);
    limit("otpm", d.limits.otpm, base.limits.otpm);
    limit("max_parallel_requests", toOpt(d.limits.maxParallelRequests), toOpt(base.limits.maxParallelRequests));
    w.put(params, "weight", opt(d.weight, 1.0), opt(base.weight, 1.0), doubleNode);
    w.put(params, "timeout", d.timeoutSeconds, base.timeoutSeconds, doubleNode);

    const QString id = d.id.isEmpty() ? generatedId : d.id;
    const bool explicitId = hasKey(entry, "model_info") && hasKey(entry["model_info"], "id");
    if (explicitId ? qs(entry["model_info"]["id"].Scalar()) != id : id != generatedId) {
        info()["id"] = stringNode(id);
        w.changed = true;
    }
    const auto infoPut = [&](const char *key, std::optional<double> now, std::optional<double> before) {
        if (now != before)
            w.put(info(), key, now, before, doubleNode);
    };
    if (d.rateLimitPool != base.rateLimitPool)
        w.putString(info(), "rate_limit_pool", d.rateLimitPool, base.rateLimitPool);
    infoPut("input_cost_per_token", d.price.inputCostPerToken, base.price.inputCostPerToken);
    infoPut("output_cost_per_token", d.price.outputCostPerToken, base.price.outputCostPerToken);
    infoPut("cache_read_input_token_cost", d.price.cacheReadInputTokenCost, base.price.cacheReadInputTokenCost);
    infoPut("cache_creation_input_token_cost", d.price.cacheCreationInputTokenCost, base.price.cacheCreationInputTokenCost);
    if (d.price.maxInputTokens != base.price.maxInputTokens)
        w.put(info(), "max_input_tokens", d.price.maxInputTokens, base.price.maxInputTokens, integerNode);
    if (d.price.maxOutputTokens != base.price.maxOutputTokens)
        w.put(info(), "max_output_tokens", d.price.maxOutputTokens, base.price.maxOutputTokens, integerNode);
    if (d.allowInsecureHttp != base.allowInsecureHttp) {
        w.changed = true;
        if (d.allowInsecureHttp)
            info()["allow_insecure_http"] = boolNode(true);
        else
            entry["model_info"].remove("allow_insecure_http");
    }
    if (hasKey(entry, "model_info") && entry["model_info"].IsMap() && entry["model_info"].size() == 0)
        entry.remove("model_info");
}

QByteArray serializeImpl(const ModelList &list)
{
    YAML::Node root;
    std::optional<ModelList> orig;
    if (!list.sourceYaml.isEmpty()) {
        auto doc = loadDocument(list.sourceYaml, list.path);
        if (doc && doc->IsMap()) {
            root = *doc;
            if (auto o = parseModelList(list.sourceYaml, list.path))
                orig = std::move(*o);
        }
    }
    if (!root.IsMap())
        root = YAML::Node(YAML::NodeType::Map);
    Writer w;
    w.changed = !orig.has_value();

    YAML::Node seq(YAML::NodeType::Sequence);
    const YAML::Node origSeq = orig ? YAML::Node(root["model_list"]) : YAML::Node();
    if (orig && origSeq.Style() == YAML::EmitterStyle::Flow)
        seq.SetStyle(YAML::EmitterStyle::Flow);
    if (!orig || orig->deployments.size() != list.deployments.size())
        w.changed = true;
    QHash<QString, int> groupCount;
    for (int k = 0; k < list.deployments.size(); ++k) {
        const Deployment &d = list.deployments[k];
        const QString generated = d.modelName + QLatin1Char('/') + QString::number(++groupCount[d.modelName]);
        int j = -1;
        if (orig) {
            for (int i = 0; i < orig->deployments.size() && j < 0; ++i)
                if (orig->deployments[i].id == d.id)
                    j = i;
        }
        if (j != k)
            w.changed = true;
        YAML::Node entry = j >= 0 ? YAML::Clone(origSeq[j]) : YAML::Node(YAML::NodeType::Map);
        writeDeployment(w, entry, d, j >= 0 ? orig->deployments[j] : Deployment{}, j >= 0, generated);
        seq.push_back(entry);
    }
    root["model_list"] = seq;

    const RouterSettings rb = orig ? orig->router : RouterSettings{};
    const RouterSettings &rn = list.router;
    const auto rs = [&] { return ensureMap(root, "router_settings"); };
    if (rn.routingStrategy != rb.routingStrategy)
        w.putString(rs(), "routing_strategy", rn.routingStrategy, rb.routingStrategy);
    if (rn.numRetries != rb.numRetries)
        w.put(rs(), "num_retries", std::optional<qint64>(rn.numRetries), std::optional<qint64>(rb.numRetries), integerNode);
    if (rn.timeoutSeconds != rb.timeoutSeconds)
        w.put(rs(), "timeout", std::optional<double>(rn.timeoutSeconds), std::optional<double>(rb.timeoutSeconds), doubleNode);
    if (rn.allowedFails != rb.allowedFails)
        w.put(rs(), "allowed_fails", std::optional<qint64>(rn.allowedFails), std::optional<qint64>(rb.allowedFails), integerNode);
    if (rn.cooldownSeconds != rb.cooldownSeconds)
        w.put(rs(), "cooldown_time", std::optional<double>(rn.cooldownSeconds), std::optional<double>(rb.cooldownSeconds), doubleNode);
    if (rn.fallbacks != rb.fallbacks) {
        w.changed = true;
        rs()["fallbacks"] = fallbacksNode(rn.fallbacks);
    }
    if (rn.contextWindowFallbacks != rb.contextWindowFallbacks) {
        w.changed = true;
        rs()["context_window_fallbacks"] = fallbacksNode(rn.contextWindowFallbacks);
    }
    if (rn.redisHost != rb.redisHost)
        w.putString(rs(), "redis_host", rn.redisHost, rb.redisHost);
    if (rn.redisPort != rb.redisPort) {
        const auto port = [](int p) { return p > 0 ? std::optional<qint64>(p) : std::nullopt; };
        w.put(rs(), "redis_port", port(rn.redisPort), port(rb.redisPort), integerNode);
    }

    const CostControls cb = orig ? orig->costControls : CostControls{};
    if (list.costControls.maxBudget != cb.maxBudget)
        w.put(ensureMap(root, "cost_controls"), "max_budget", list.costControls.maxBudget, cb.maxBudget, doubleNode);
    if (list.costControls.budgetDuration != cb.budgetDuration)
        w.putString(ensureMap(root, "cost_controls"), "budget_duration", list.costControls.budgetDuration, cb.budgetDuration);

    const SimulatorSettings sb = orig ? orig->simulator : SimulatorSettings{};
    const SimulatorSettings &sn = list.simulator;
    const auto sim = [&] { return ensureMap(ensureMap(root, "discernus"), "simulator"); };
    if (sn.enabled != sb.enabled) {
        w.changed = true;
        sim()["enabled"] = boolNode(sn.enabled);
    }
    if (sn.port != sb.port) {
        w.changed = true;
        sim()["port"] = integerNode(sn.port);
    }
    if (sn.limitsFile != sb.limitsFile)
        w.putString(sim(), "limits", sn.limitsFile, sb.limitsFile);

    // Nothing we model changed: hand back the original bytes, comments and all.
    if (!w.changed)
        return list.sourceYaml;
    return emitDocument(root);
}

} // namespace

QString defaultApiBase(const QString &provider)
{
    return QLatin1String(providerTraits(provider).defaultApiBase);
}

bool isLoopbackHost(const QString &host)
{
    QString h = host.trimmed().toLower();
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    if (h == u"localhost" || h == u"localhost.")
        return true;
    const QHostAddress addr(h);
    return !addr.isNull() && addr.isLoopback();
}

bool isLoopbackUrl(const QString &url)
{
    return !url.isEmpty() && isLoopbackHost(QUrl(url).host());
}

bool isSimulated(const ModelList &models)
{
    if (!models.simulator.enabled || models.deployments.isEmpty())
        return false;
    return std::ranges::all_of(models.deployments, [](const Deployment &d) { return d.isLoopback(); });
}

bool isValidKeychainName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$"));
    return re.match(name).hasMatch();
}

QStringList routingStrategies()
{
    return {QStringLiteral("simple-shuffle"),         QStringLiteral("least-busy"),
            QStringLiteral("usage-based-routing"),    QStringLiteral("usage-based-routing-v2"),
            QStringLiteral("latency-based-routing"),  QStringLiteral("cost-based-routing")};
}

QString Deployment::effectiveApiBase() const
{
    QString base = apiBase.isEmpty() ? defaultApiBase(provider) : apiBase;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base;
}

bool Deployment::isLoopback() const
{
    if (apiBase.isEmpty())
        return false;
    return isLoopbackHost(QUrl(apiBase).host());
}

QStringList ModelList::groups() const
{
    QStringList out;
    for (const Deployment &d : deployments)
        if (!out.contains(d.modelName))
            out.append(d.modelName);
    return out;
}

QList<const Deployment *> ModelList::deploymentsOf(const QString &group) const
{
    QList<const Deployment *> out;
    for (const Deployment &d : deployments)
        if (d.modelName == group)
            out.append(&d);
    return out;
}

const Deployment *ModelList::deployment(const QString &id) const
{
    for (const Deployment &d : deployments)
        if (d.id == id)
            return &d;
    return nullptr;
}

Result<ModelList> parseModelList(const QByteArray &yaml, const QString &pathForMessages)
{
    auto doc = loadDocument(yaml, pathForMessages);
    if (!doc)
        return std::unexpected(doc.error());
    try {
        return parseImpl(*doc, yaml, pathForMessages);
    } catch (const std::exception &e) {
        // yaml-cpp throws on a few odd shapes we did not anticipate; never let it out.
        return fail(QStringLiteral("could not read the model list: ") + QString::fromUtf8(e.what()), pathForMessages);
    }
}

Result<ModelList> loadModelList(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the model list: ") + f.errorString(), path);
    return parseModelList(f.readAll(), path);
}

QByteArray serializeModelList(const ModelList &list)
{
    try {
        return serializeImpl(list);
    } catch (const std::exception &e) {
        qCWarning(lcConfig) << "could not serialize the model list:" << e.what();
        return {};
    }
}

Result<void> saveModelList(const ModelList &list, const QString &path)
{
    const QByteArray bytes = serializeModelList(list);
    if (bytes.isEmpty())
        return fail(QStringLiteral("could not serialize the model list"), path);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write: ") + f.errorString(), path);
    if (f.write(bytes) != bytes.size() || !f.commit())
        return fail(QStringLiteral("cannot write: ") + f.errorString(), path);
    return {};
}

} // namespace wb
