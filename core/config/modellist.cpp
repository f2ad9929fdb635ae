#include "core/config/modellist.h"

#include "core/common/logging.h"
#include "core/common/provider.h"
#include "core/config/duration.h"
#include "core/config/googlecredentials.h"
#include "core/config/yamlsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
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
    if (d.apiBase.isEmpty() && t.kind == ProviderKind::LiteLlmProxy)
        d.apiBase = env("LITELLM_PROXY_URL");   // the name other clients of the proxy use
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

/// Where LiteLLM's custom-pricing fields go in PriceOverride. One row per field, so a new field
/// is one line here.
struct PriceField {
    const char *key;
    std::optional<double> PriceOverride::*member;
};
constexpr PriceField kPriceFields[] = {
    {"input_cost_per_token", &PriceOverride::inputCostPerToken},
    {"output_cost_per_token", &PriceOverride::outputCostPerToken},
    {"cache_read_input_token_cost", &PriceOverride::cacheReadInputTokenCost},
    {"cache_creation_input_token_cost", &PriceOverride::cacheCreationInputTokenCost},
    {"cache_creation_input_token_cost_above_1hr", &PriceOverride::cacheCreationInputTokenCostAbove1h},
    {"input_cost_per_token_above_200k_tokens", &PriceOverride::inputCostPerTokenAbove200k},
    {"output_cost_per_token_above_200k_tokens", &PriceOverride::outputCostPerTokenAbove200k},
    {"cache_read_input_token_cost_above_200k_tokens", &PriceOverride::cacheReadInputTokenCostAbove200k},
    {"cache_creation_input_token_cost_above_200k_tokens", &PriceOverride::cacheCreationInputTokenCostAbove200k},
};

/// The limits LiteLLM takes beside litellm_params, inside it, or in model_info.
struct LimitField {
    const char *key;
    std::optional<qint64> RateLimits::*member;   // nullptr: max_parallel_requests (an int)
};
constexpr LimitField kLimitFields[] = {
    {"rpm", &RateLimits::rpm},
    {"tpm", &RateLimits::tpm},
    {"itpm", &RateLimits::itpm},
    {"otpm", &RateLimits::otpm},
    {"rpd", &RateLimits::rpd},
    {"tpd", &RateLimits::tpd},
    {"max_parallel_requests", nullptr},
};

/// model_info.mode values that are chat-style calls discernus can make.
bool isChatMode(const QString &mode)
{
    return mode.isEmpty() || mode == u"chat" || mode == u"completion" || mode == u"responses";
}

/// Reads one model_list entry. Returns without adding anything when the entry is skipped (a
/// provider or mode discernus does not call): its other keys are LiteLLM's business, not errors.
void readDeployment(Reader &r, const YAML::Node &node, int index, const QString &sourceFile, ModelList &list,
                    QHash<QString, int> &groupCount, QList<DeploymentPos> &positions)
{
    const QString path = QStringLiteral("model_list[") + QString::number(index) + QLatin1Char(']');
    Map e(r, node, path, QStringLiteral("model_list[]"), false);
    if (!e.valid())
        return;
    Deployment d;
    d.line = Reader::lineOf(node);
    d.entryIndex = index;
    d.sourceFile = sourceFile;

    const YAML::Node nameNode = e.required("model_name");
    d.modelName = r.string(nameNode, e.field("model_name")).value_or(QString()).trimmed();
    if (r.ok() && d.modelName.isEmpty())
        r.fail(nameNode, e.field("model_name"), QStringLiteral("must not be empty"));

    const YAML::Node paramsNode = e.required("litellm_params");
    Map p(r, paramsNode, path + QStringLiteral(".litellm_params"), QStringLiteral("model_list[].litellm_params"), false);
    Map info(r, e.take("model_info"), path + QStringLiteral(".model_info"), QStringLiteral("model_list[].model_info"));
    if (!r.ok())
        return;

    // ---- which provider and model: decides whether the rest is read at all ----
    const YAML::Node modelNode = p.required("model");
    const QString model = r.text(modelNode, p.field("model")).value_or(QString()).trimmed();
    const QString customProvider = r.text(p.take("custom_llm_provider"), p.field("custom_llm_provider")).value_or(QString()).trimmed();
    const QString mode = r.text(info.take("mode"), info.field("mode")).value_or(QString()).trimmed();
    if (!r.ok())
        return;
    if (model.isEmpty()) {
        r.fail(modelNode, p.field("model"), QStringLiteral("must not be empty"));
        return;
    }
    const auto skip = [&](const QString &reason) {
        list.skipped.append({d.modelName, model, reason, sourceFile, index, d.line});
    };
    if (!isChatMode(mode)) {
        skip(mode + QStringLiteral(" model"));
        return;
    }
    QString prefix;
    QString modelId = model;
    if (!customProvider.isEmpty()) {
        prefix = customProvider;
        if (model.startsWith(customProvider + QLatin1Char('/')))
            modelId = model.mid(customProvider.size() + 1);
    } else if (const qsizetype slash = model.indexOf(QLatin1Char('/')); slash >= 0) {
        prefix = model.left(slash);
        modelId = model.mid(slash + 1).trimmed();
    }
    if (!prefix.isEmpty() && !isSupportedProvider(prefix)) {
        skip(QStringLiteral("provider ") + prefix + QStringLiteral(" is not supported"));
        return;
    }
    if (!prefix.isEmpty() && modelId.isEmpty()) {
        skip(QStringLiteral("no model id after ") + prefix + QLatin1Char('/'));
        return;
    }

    // ---- model_info: allow_insecure_http decides whether api_base is acceptable ----
    const YAML::Node idNode = info.take("id");
    if (const auto id = r.text(idNode, info.field("id"))) {
        d.id = id->trimmed();
        if (r.ok() && d.id.isEmpty())
            r.fail(idNode, info.field("id"), QStringLiteral("must not be empty"));
    }
    d.rateLimitPool = r.text(info.take("rate_limit_pool"), info.field("rate_limit_pool")).value_or(QString());
    d.baseModel = r.text(info.take("base_model"), info.field("base_model")).value_or(QString()).trimmed();
    const YAML::Node algorithmNode = info.take("limit_algorithm");
    if (const auto algorithm = r.text(algorithmNode, info.field("limit_algorithm"))) {
        const QString a = algorithm->trimmed().toLower();
        if (a == u"bucket")
            d.limitAlgorithm = LimitAlgorithm::TokenBucket;
        else if (a == u"window")
            d.limitAlgorithm = LimitAlgorithm::SlidingWindow;
        else if (a == u"fixed")
            d.limitAlgorithm = LimitAlgorithm::FixedWindow;
        else
            r.fail(algorithmNode, info.field("limit_algorithm"),
                   QStringLiteral("must be bucket, window or fixed, not \"%1\"").arg(*algorithm));
    }
    d.allowInsecureHttp = r.boolean(info.take("allow_insecure_http"), info.field("allow_insecure_http")).value_or(false);

    // ---- prices: litellm_params wins over model_info, as in LiteLLM's cost lookup ----
    const QString price = QStringLiteral("a non-negative number (USD per token)");
    bool fromParams = false, fromInfo = false;
    for (const PriceField &f : kPriceFields) {
        const auto a = r.number(p.take(f.key), p.field(f.key), 0, 1e9, false, price);
        const auto b = r.number(info.take(f.key), info.field(f.key), 0, 1e9, false, price);
        fromParams |= a.has_value();
        fromInfo |= b.has_value() && !a.has_value();
        d.price.*f.member = a ? a : b;
    }
    d.price.origin = fromParams && fromInfo ? QStringLiteral("litellm_params + model_info")
                   : fromParams             ? QStringLiteral("litellm_params")
                   : fromInfo               ? QStringLiteral("model_info")
                                            : QString();
    d.price.maxInputTokens = r.integer(info.take("max_input_tokens"), info.field("max_input_tokens"), 1, kMaxCount, QStringLiteral("a positive integer"));
    d.price.maxOutputTokens = r.integer(info.take("max_output_tokens"), info.field("max_output_tokens"), 1, kMaxCount, QStringLiteral("a positive integer"));

    // ---- limits: beside litellm_params (LiteLLM's docs), inside it, or in model_info ----
    // A limit of 0 would let nothing through; leave the key out for "no limit".
    const QString positive = QStringLiteral("a positive integer (leave it out for no limit)");
    for (const LimitField &f : kLimitFields) {
        struct Place { YAML::Node node; QString field; };
        const Place places[] = {{e.take(f.key), e.field(f.key)}, {p.take(f.key), p.field(f.key)}, {info.take(f.key), info.field(f.key)}};
        std::optional<qint64> lowest;
        QStringList seen;
        bool differ = false;
        for (const Place &pl : places) {
            const auto v = r.integer(pl.node, pl.field, 1, kMaxCount, f.member ? positive : QStringLiteral("a positive integer"));
            if (!v)
                continue;
            differ |= lowest && *lowest != *v;
            lowest = lowest ? std::min(*lowest, *v) : *v;
            seen.append(pl.field + QStringLiteral(" = ") + QString::number(*v));
        }
        if (differ)
            list.warnings.append(Error{QStringLiteral("limits disagree (") + seen.join(QStringLiteral(", "))
                                           + QStringLiteral("); using the lower, ") + QString::number(*lowest),
                                       r.file(), d.line, 0, path + QLatin1Char('.') + QLatin1String(f.key)}
                                     .toString());
        if (f.member)
            d.limits.*f.member = lowest;
        else if (lowest)
            d.limits.maxParallelRequests = static_cast<int>(std::min<qint64>(*lowest, std::numeric_limits<int>::max()));
    }

    if (const auto w = r.number(p.take("weight"), p.field("weight"), 0, 1e9, true, QStringLiteral("a positive number")))
        d.weight = *w;
    d.timeoutSeconds = r.number(p.take("timeout"), p.field("timeout"), 0, 1e7, true, QStringLiteral("a positive number of seconds"));
    e.finish();

    const YAML::Node baseNode = p.take("api_base");
    if (const auto base = r.text(baseNode, p.field("api_base")); base && !base->trimmed().isEmpty()) {
        const QUrl url(base->trimmed(), QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        // Name the variable, not its value, when the value came from the environment.
        const QString raw = qs(baseNode.Scalar()).trimmed();
        const QString from = raw.startsWith(u"os.environ/") ? QStringLiteral(" (from ") + raw + QLatin1Char(')') : QString();
        if (!url.isValid() || url.host().isEmpty() || (scheme != u"http" && scheme != u"https")) {
            r.fail(baseNode, p.field("api_base"), QStringLiteral("expected an http:// or https:// URL with a host") + from);
        } else if (scheme == u"http" && !isLoopbackHost(url.host()) && !d.allowInsecureHttp) {
            r.fail(baseNode, p.field("api_base"),
                   QStringLiteral("plain http:// is allowed only for loopback hosts (127.0.0.1, localhost, ::1); "
                                  "use https:// or set model_info.allow_insecure_http: true") + from);
        } else {
            d.apiBase = base->trimmed();
            if (!from.isEmpty())
                d.apiBaseRef = raw;
        }
    }

    if (r.ok()) {
        d.wildcard = modelId.contains(QLatin1Char('*'));
        if (!prefix.isEmpty()) {
            d.provider = prefix;
            d.model = modelId;
        } else {
            // A bare name with an api_base is an OpenAI-compatible server (LiteLLM's rule).
            d.provider = d.apiBase.isEmpty() ? inferProvider(model) : providerPrefix(ProviderKind::OpenAi);
            d.model = model;
            if (d.provider.isEmpty()) {
                skip(QStringLiteral("no provider prefix, and \"") + model + QStringLiteral("\" names no provider discernus knows"));
                return;
            }
        }
    }

    if (r.ok())
        readProviderParams(r, p, d, modelNode);

    // Key references; the value itself never goes into a message, and is read at run time.
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

/// `{alias: group}` or `{alias: {model: group, hidden: true}}` (router_settings.model_group_alias,
/// litellm_settings.model_alias_map).
void readAliases(Reader &r, const YAML::Node &n, const QString &field, QHash<QString, QString> &out)
{
    if (!n.IsDefined() || n.IsNull())
        return;
    if (!n.IsMap()) {
        r.fail(n, field, QStringLiteral("expected a mapping of alias: model group, got ") + describe(n));
        return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
        if (!it->first.IsScalar()) {
            r.fail(it->first, field, QStringLiteral("expected an alias name as key"));
            return;
        }
        const QString alias = qs(it->first.Scalar());
        const QString f = field + QLatin1Char('.') + alias;
        YAML::Node target = it->second;
        if (target.IsMap()) {
            Map m(r, target, f, field + QStringLiteral(".*"));
            target = m.required("model");
            m.take("hidden");
            m.finish();
        }
        if (const auto g = r.text(target, f); g && !g->trimmed().isEmpty())
            out.insert(alias, g->trimmed());
        if (!r.ok())
            return;
    }
}

/// Settings LiteLLM accepts in both litellm_settings and router_settings.
struct SharedSettings {
    std::optional<int> numRetries;
    std::optional<double> timeoutSeconds;
    QHash<QString, QStringList> fallbacks, contextWindowFallbacks;
};

void readShared(Reader &r, Map &m, const char *timeoutKey, SharedSettings &s, QList<FallbackRef> &refs)
{
    if (const auto v = r.integer(m.take("num_retries"), m.field("num_retries"), 0, 1000, QStringLiteral("a non-negative integer")))
        s.numRetries = static_cast<int>(*v);
    s.timeoutSeconds = r.number(m.take(timeoutKey), m.field(timeoutKey), 0, 1e7, true, QStringLiteral("a positive number of seconds"));
    readFallbacks(r, m.take("fallbacks"), m.field("fallbacks"), s.fallbacks, refs);
    readFallbacks(r, m.take("context_window_fallbacks"), m.field("context_window_fallbacks"), s.contextWindowFallbacks, refs);
}

/// Reads `environment_variables:` (LiteLLM exports them at start-up; we use them for os.environ/).
QHash<QString, QString> environmentBlock(const YAML::Node &root)
{
    QHash<QString, QString> out;
    if (!root.IsMap() || !hasKey(root, "environment_variables"))
        return out;
    const YAML::Node &c = root;
    const YAML::Node env = c["environment_variables"];
    if (!env.IsMap())
        return out;
    for (auto it = env.begin(); it != env.end(); ++it)
        if (it->first.IsScalar() && it->second.IsScalar())
            out.insert(qs(it->first.Scalar()), qs(it->second.Scalar()));
    return out;
}

Result<ModelList> parseImpl(YAML::Node root, const QByteArray &yaml, const QString &file, int depth,
                            QHash<QString, int> &groupCount);

/// Reads a file named by include:, relative to the including file.
Result<ModelList> readInclude(const QString &name, const QString &parentFile, int depth, QHash<QString, int> &groupCount)
{
    const QString path = QFileInfo(name).isAbsolute() ? name : QFileInfo(parentFile).dir().filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the included file: ") + f.errorString(), path);
    const QByteArray bytes = f.readAll();
    auto doc = loadDocument(bytes, path);
    if (!doc)
        return std::unexpected(doc.error());
    return parseImpl(*doc, bytes, QFileInfo(path).absoluteFilePath(), depth + 1, groupCount);
}

Result<ModelList> parseImpl(YAML::Node root, const QByteArray &yaml, const QString &file, int depth,
                            QHash<QString, int> &groupCount)
{
    Reader r(file);
    ModelList list;
    list.path = file;
    list.sourceYaml = yaml;
    const bool included = depth > 0;
    if (!root.IsDefined() || root.IsNull())
        return fail(QStringLiteral("the file is empty; expected a mapping with model_list"), file);
    if (depth > 8)
        return fail(QStringLiteral("include: nested more than 8 deep (does a file include itself?)"), file);
    {
        QString error;
        int line = 0, column = 0;
        if (!expandMergeKeys(root, &error, &line, &column))
            return fail(error, file, line, column);
    }

    Map top(r, root, {}, {}, false);
    if (!r.ok())
        return std::unexpected(r.error());
    r.setEnvironmentFallback(environmentBlock(root));
    top.take("environment_variables");

    const bool hasList = top.has("model_list");
    const YAML::Node ml = hasList || included ? top.take("model_list") : YAML::Node();
    const YAML::Node includeNode = top.take("include");
    QList<ModelList> includedLists;
    if (const auto names = r.stringList(includeNode, QStringLiteral("include"))) {
        for (const QString &name : *names) {
            auto inc = readInclude(name, file, depth, groupCount);
            if (!inc) {
                Error err = inc.error();
                if (err.line == 0 && err.message.startsWith(u"cannot read")) {
                    // Point at the include: line of this file; the message names the missing file.
                    err = Error{err.message + QStringLiteral(" (") + err.file + QLatin1Char(')'), file,
                                Reader::lineOf(includeNode), 0, QStringLiteral("include")};
                }
                return std::unexpected(err);
            }
            list.includes.append(inc->path);
            includedLists.append(std::move(*inc));
        }
    }
    if (!r.ok())
        return std::unexpected(r.error());

    QList<DeploymentPos> positions;
    if (!hasList && !included && includedLists.isEmpty()) {
        r.fail(root, QStringLiteral("model_list"), QStringLiteral("required field is missing"));
    } else if (ml.IsDefined() && !ml.IsNull()) {
        if (!ml.IsSequence())
            r.fail(ml, QStringLiteral("model_list"), QStringLiteral("expected a list of deployments, got ") + describe(ml));
        for (std::size_t i = 0; r.ok() && i < ml.size(); ++i)
            readDeployment(r, ml[i], static_cast<int>(i), included ? file : QString(), list, groupCount, positions);
    } else if (hasList && !included && includedLists.isEmpty()) {
        r.fail(root, QStringLiteral("model_list"), QStringLiteral("required field is empty"));
    }
    if (!r.ok())
        return std::unexpected(r.error());
    // LiteLLM appends an included file's model_list to the including file's.
    for (ModelList &inc : includedLists) {
        for (Deployment &d : inc.deployments) {
            positions.append({YAML::Node(), QStringLiteral("model_list (") + d.sourceFile + QLatin1Char(')')});
            list.deployments.append(d);
        }
        list.skipped += inc.skipped;
        for (auto it = inc.aliases.cbegin(); it != inc.aliases.cend(); ++it)
            list.aliases.insert(it.key(), it.value());
        list.warnings += inc.warnings;
    }
    if (!included && list.deployments.isEmpty() && list.skipped.isEmpty())
        r.fail(ml.IsDefined() ? ml : root, QStringLiteral("model_list"), QStringLiteral("lists no deployment"));
    if (!r.ok())
        return std::unexpected(r.error());

    // Ids are what results and the monitor refer to: they must be unique.
    QHash<QString, int> seen;
    for (int i = 0; i < list.deployments.size(); ++i) {
        const QString &id = list.deployments[i].id;
        if (const auto it = seen.constFind(id); it != seen.constEnd()) {
            const Deployment &first = list.deployments[*it];
            r.fail(positions[i].idNode, positions[i].idField,
                   QStringLiteral("duplicate deployment id \"") + id + QStringLiteral("\" (also model_list[")
                       + QString::number(first.entryIndex) + QStringLiteral("] at line ")
                       + QString::number(first.line) + QLatin1Char(')'));
            return std::unexpected(r.error());
        }
        seen.insert(id, i);
    }

    QList<FallbackRef> fallbackRefs;
    // litellm_settings: LiteLLM's module settings. Ours are the ones that shape a run.
    SharedSettings fromLitellm;
    Map ls(r, top.take("litellm_settings"), QStringLiteral("litellm_settings"), QStringLiteral("litellm_settings"));
    if (ls.valid()) {
        readShared(r, ls, "request_timeout", fromLitellm, fallbackRefs);
        readAliases(r, ls.take("model_alias_map"), ls.field("model_alias_map"), list.aliases);
        readTelemetrySettings(r, ls, list.telemetry);
        list.costControls.maxBudget = r.number(ls.take("max_budget"), ls.field("max_budget"), 0, 1e12, false,
                                               QStringLiteral("a non-negative amount in USD"));
        const YAML::Node durNode = ls.take("budget_duration");
        if (const auto dur = r.text(durNode, ls.field("budget_duration"))) {
            if (!parseDurationSeconds(*dur))
                r.fail(durNode, ls.field("budget_duration"),
                       QStringLiteral("expected a duration like 30s, 10m, 24h, 7d, 2w or 1mo, got ") + describe(durNode));
            else
                list.costControls.budgetDuration = dur->trimmed();
        }
        ls.finish();
    }

    if (!list.telemetry.otherCallbacks.isEmpty())
        list.warnings.append(file + QStringLiteral(": litellm_settings callbacks discernus does not export (it exports otel and langfuse): ")
                             + list.telemetry.otherCallbacks.join(QStringLiteral(", ")));

    // router_settings (wins over litellm_settings, as LiteLLM's Router arguments do)
    SharedSettings fromRouter;
    Map rs(r, top.take("router_settings"), QStringLiteral("router_settings"), QStringLiteral("router_settings"));
    if (rs.valid()) {
        RouterSettings &s = list.router;
        const YAML::Node strategyNode = rs.take("routing_strategy");
        if (const auto st = r.text(strategyNode, rs.field("routing_strategy"))) {
            if (!routingStrategies().contains(*st))
                list.warnings.append(Error{QStringLiteral("routing strategy \"") + *st
                                               + QStringLiteral("\" is not one discernus implements; using ")
                                               + s.routingStrategy + QStringLiteral(" (one of: ")
                                               + joinQuoted(routingStrategies()) + QLatin1Char(')'),
                                           file, Reader::lineOf(strategyNode), Reader::columnOf(strategyNode),
                                           rs.field("routing_strategy")}
                                         .toString());
            else
                s.routingStrategy = *st;
        }
        readShared(r, rs, "timeout", fromRouter, fallbackRefs);
        if (const auto v = r.integer(rs.take("allowed_fails"), rs.field("allowed_fails"), 0, 1000000, QStringLiteral("a non-negative integer")))
            s.allowedFails = static_cast<int>(*v);
        if (const auto v = r.number(rs.take("cooldown_time"), rs.field("cooldown_time"), 0, 1e7, false, QStringLiteral("a non-negative number of seconds")))
            s.cooldownSeconds = *v;
        readAliases(r, rs.take("model_group_alias"), rs.field("model_group_alias"), list.aliases);
        const YAML::Node clientNode = rs.take("http_client");
        if (const auto c = r.text(clientNode, rs.field("http_client"))) {
            if (*c == u"qt")
                s.httpClient = RouterSettings::HttpClient::Qt;
            else if (*c == u"builtin")
                s.httpClient = RouterSettings::HttpClient::Builtin;
            else
                r.fail(clientNode, rs.field("http_client"), QStringLiteral("expected qt or builtin, got ") + describe(clientNode));
        }
        // Redis holds the shared rate windows and budget (docs/ARCHITECTURE.md, "Shared limits in
        // Redis"). Unlike LiteLLM, an unset or empty os.environ/ variable here is an error: quietly
        // leaving Redis off would let several processes overrun the shared keys' limits.
        s.redisHost = r.nonEmptyEnvText(rs.take("redis_host"), rs.field("redis_host")).value_or(QString());
        const YAML::Node portNode = rs.take("redis_port");
        if (const auto t = r.nonEmptyEnvText(portNode, rs.field("redis_port"))) {
            bool ok = false;
            const int port = t->trimmed().toInt(&ok);
            if (!ok || port < 1 || port > 65535)
                r.fail(portNode, rs.field("redis_port"), QStringLiteral("expected a port number (1-65535), got ") + describe(portNode));
            else
                s.redisPort = port;
        }
        s.redisPassword = r.nonEmptyEnvText(rs.take("redis_password"), rs.field("redis_password")).value_or(QString());
        const YAML::Node urlNode = rs.take("redis_url");
        if (const auto u = r.nonEmptyEnvText(urlNode, rs.field("redis_url")); u && !u->trimmed().isEmpty()) {
            s.redisUrl = u->trimmed();
            const QUrl url(s.redisUrl, QUrl::StrictMode);
            if (url.scheme() == u"rediss")
                r.fail(urlNode, rs.field("redis_url"), QStringLiteral("TLS (rediss://) is not supported; use redis:// on a trusted network"));
            else if (!url.isValid() || url.scheme() != u"redis" || url.host().isEmpty())
                r.fail(urlNode, rs.field("redis_url"), QStringLiteral("expected redis://[:password@]host[:port][/db], got ") + describe(urlNode));
            else if (url.port(6379) < 1 || url.port(6379) > 65535)
                r.fail(urlNode, rs.field("redis_url"), QStringLiteral("expected a port number (1-65535) in the URL"));
        }
        rs.finish();
    }
    if (!r.ok())
        return std::unexpected(r.error());
    {
        RouterSettings &s = list.router;
        if (const auto v = fromRouter.numRetries ? fromRouter.numRetries : fromLitellm.numRetries)
            s.numRetries = *v;
        if (const auto v = fromRouter.timeoutSeconds ? fromRouter.timeoutSeconds : fromLitellm.timeoutSeconds)
            s.timeoutSeconds = *v;
        s.fallbacks = fromRouter.fallbacks.isEmpty() ? fromLitellm.fallbacks : fromRouter.fallbacks;
        s.contextWindowFallbacks = fromRouter.contextWindowFallbacks.isEmpty() ? fromLitellm.contextWindowFallbacks
                                                                               : fromRouter.contextWindowFallbacks;
    }
    // A fallback must name something a run could use: a group, an alias, a wildcard match, or a
    // group whose deployments were skipped (it fails only if a run falls back to it).
    for (const FallbackRef &f : std::as_const(fallbackRefs)) {
        if (included)
            break;
        if (resolveGroup(list, f.group).kind == GroupResolution::Kind::Unknown) {
            r.fail(f.node, f.field,
                   QStringLiteral("unknown model group \"") + f.group + QStringLiteral("\" (the model list defines: ")
                       + joinQuoted(list.groups()) + QLatin1Char(')'));
            return std::unexpected(r.error());
        }
    }

    // cost_controls (ours, next to LiteLLM's keys; wins over litellm_settings.max_budget)
    Map cc(r, top.take("cost_controls"), QStringLiteral("cost_controls"), QStringLiteral("cost_controls"));
    if (cc.valid()) {
        if (const auto b = r.number(cc.take("max_budget"), cc.field("max_budget"), 0, 1e12, false,
                                    QStringLiteral("a non-negative amount in USD")))
            list.costControls.maxBudget = b;
        const YAML::Node durNode = cc.take("budget_duration");
        if (const auto dur = r.text(durNode, cc.field("budget_duration"))) {
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
            list.simulator.limitsFile = r.text(sim.take("limits"), sim.field("limits")).value_or(QString());
            sim.finish();
        }
        ds.finish();
    }
    top.finish();
    if (!r.ok())
        return std::unexpected(r.error());

    if (!r.duplicateKeys().isEmpty())
        list.warnings.prepend(file + QStringLiteral(": repeated keys, the last value is used (as in LiteLLM): ")
                              + r.duplicateKeys().join(QStringLiteral(", ")));
    if (!included && !list.skipped.isEmpty()) {
        QStringList names;
        for (const SkippedDeployment &s : std::as_const(list.skipped))
            names.append(s.modelName + QStringLiteral(" (") + s.model + QStringLiteral(": ") + s.reason + QLatin1Char(')'));
        list.warnings.prepend(file + QStringLiteral(": skipping deployments discernus cannot call: ")
                              + names.join(QStringLiteral(", ")));
    }
    if (!r.unknownKeys().isEmpty()) {
        list.warnings.prepend(file + QStringLiteral(": ignoring settings discernus does not use: ")
                              + r.unknownKeys().join(QStringLiteral(", ")));
    }
    if (!included)
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
    // model_name first: a new entry reads as LiteLLM's own examples do.
    if (!haveBase || d.modelName != base.modelName) {
        entry["model_name"] = stringNode(d.modelName);
        w.changed = true;
    }
    YAML::Node params = ensureMap(entry, "litellm_params");
    if (!haveBase || d.provider != base.provider || d.model != base.model) {
        params["model"] = stringNode(d.provider.isEmpty() ? d.model : d.provider + QLatin1Char('/') + d.model);
        w.changed = true;
    }
    w.putString(params, "api_key", d.keyRef, haveBase ? base.keyRef : QString());
    // An api_base read from os.environ/NAME stays a reference unless the user changed the value.
    if (!haveBase || d.apiBase != base.apiBase || d.apiBaseRef != base.apiBaseRef)
        w.putString(params, "api_base", d.apiBaseRef.isEmpty() ? d.apiBase : d.apiBaseRef,
                    haveBase ? (base.apiBaseRef.isEmpty() ? base.apiBase : base.apiBaseRef) : QString());

    const auto info = [&] { return ensureMap(entry, "model_info"); };
    const auto inInfo = [&](const char *key) { return hasKey(entry, "model_info") && hasKey(entry["model_info"], key); };
    const auto limit = [&](const char *key, std::optional<qint64> now, std::optional<qint64> before) {
        if (now == before)
            return;
        w.changed = true;
        // Keep a limit where the user put it (every place, when it is written in several);
        // a new one goes into litellm_params.
        YAML::Node places[3] = {entry, params, YAML::Node()};
        if (inInfo(key))
            places[2] = entry["model_info"];
        bool written = false;
        for (YAML::Node &m : places) {
            if (!m.IsDefined() || !hasKey(m, key))
                continue;
            if (now)
                m[key] = integerNode(*now);
            else
                m.remove(key);
            written = true;
        }
        if (!written && now)
            params[key] = integerNode(*now);
    };
    const auto toOpt = [](std::optional<int> v) { return v ? std::optional<qint64>(*v) : std::nullopt; };
    for (const LimitField &f : kLimitFields) {
        if (f.member)
            limit(f.key, d.limits.*f.member, base.limits.*f.member);
        else
            limit(f.key, toOpt(d.limits.maxParallelRequests), toOpt(base.limits.maxParallelRequests));
    }
    w.put(params, "weight", opt(d.weight, 1.0), opt(base.weight, 1.0), doubleNode);
    w.put(params, "timeout", d.timeoutSeconds, base.timeoutSeconds, doubleNode);

    const QString id = d.id.isEmpty() ? generatedId : d.id;
    const bool explicitId = inInfo("id");
    if (explicitId ? qs(entry["model_info"]["id"].Scalar()) != id : id != generatedId) {
        info()["id"] = stringNode(id);
        w.changed = true;
    }
    if (d.rateLimitPool != base.rateLimitPool)
        w.putString(info(), "rate_limit_pool", d.rateLimitPool, base.rateLimitPool);
    if (d.limitAlgorithm != base.limitAlgorithm)
        w.putString(info(), "limit_algorithm", d.limitAlgorithm ? limitAlgorithmName(*d.limitAlgorithm) : QString(),
                    base.limitAlgorithm ? limitAlgorithmName(*base.limitAlgorithm) : QString());
    // A price stays in the block it was written in; new ones go to model_info.
    for (const PriceField &f : kPriceFields) {
        const auto now = d.price.*f.member;
        const auto before = base.price.*f.member;
        if (now == before)
            continue;
        if (hasKey(params, f.key))
            w.put(params, f.key, now, before, doubleNode);
        else
            w.put(info(), f.key, now, before, doubleNode);
    }
    if (d.price.maxInputTokens != base.price.maxInputTokens)
        w.put(info(), "max_input_tokens", d.price.maxInputTokens, base.price.maxInputTokens, integerNode);
    if (d.price.maxOutputTokens != base.price.maxOutputTokens)
        w.put(info(), "max_output_tokens", d.price.maxOutputTokens, base.price.maxOutputTokens, integerNode);
    if (d.baseModel != base.baseModel)
        w.putString(info(), "base_model", d.baseModel, base.baseModel);
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

/// The fields the workbench edits, for "did an included deployment change?".
bool sameEditable(const Deployment &a, const Deployment &b)
{
    const auto limits = [](const RateLimits &l) { return std::tie(l.rpm, l.tpm, l.itpm, l.otpm, l.maxParallelRequests); };
    return a.modelName == b.modelName && a.provider == b.provider && a.model == b.model && a.keyRef == b.keyRef
        && a.apiBase == b.apiBase && limits(a.limits) == limits(b.limits) && a.weight == b.weight
        && a.timeoutSeconds == b.timeoutSeconds && a.rateLimitPool == b.rateLimitPool
        && a.price.inputCostPerToken == b.price.inputCostPerToken && a.price.outputCostPerToken == b.price.outputCostPerToken;
}

Result<QByteArray> serializeImpl(const ModelList &list)
{
    YAML::Node root;
    YAML::Node pristine;
    std::optional<ModelList> orig;
    if (!list.sourceYaml.isEmpty()) {
        auto doc = loadDocument(list.sourceYaml, list.path);
        auto doc2 = loadDocument(list.sourceYaml, list.path);
        if (doc && doc->IsMap() && doc2) {
            root = *doc;
            pristine = *doc2;
            if (auto o = parseModelList(list.sourceYaml, list.path))
                orig = std::move(*o);
        }
    }
    if (!root.IsMap())
        root = YAML::Node(YAML::NodeType::Map);
    Writer w;
    w.changed = !orig.has_value();

    // Deployments of include: files live there; this file cannot hold their edits.
    QList<const Deployment *> own;
    for (const Deployment &d : list.deployments) {
        if (d.sourceFile.isEmpty()) {
            own.append(&d);
            continue;
        }
        const Deployment *o = orig ? orig->deployment(d.id) : nullptr;
        if (!o || !sameEditable(*o, d))
            return fail(QStringLiteral("deployment ") + d.id + QStringLiteral(" comes from ") + d.sourceFile
                            + QStringLiteral(" (include:); edit that file"),
                        list.path);
    }
    int origOwn = 0;
    if (orig)
        for (const Deployment &d : orig->deployments)
            origOwn += d.sourceFile.isEmpty() ? 1 : 0;

    YAML::Node seq(YAML::NodeType::Sequence);
    const YAML::Node origSeq = orig && hasKey(root, "model_list") ? YAML::Node(root["model_list"]) : YAML::Node();
    if (origSeq.IsDefined() && origSeq.Style() == YAML::EmitterStyle::Flow)
        seq.SetStyle(YAML::EmitterStyle::Flow);
    if (!orig || origOwn != own.size())
        w.changed = true;

    // Entries the loader skipped (providers discernus does not call) stay, next to the
    // deployment that preceded them in the file.
    QMultiHash<QString, int> skippedAfter;   // deployment id ("" = the start) -> entry index
    if (orig && origSeq.IsSequence()) {
        for (const SkippedDeployment &s : std::as_const(orig->skipped)) {
            if (!s.sourceFile.isEmpty() || s.entryIndex < 0)
                continue;
            QString anchor;
            int best = -1;
            for (const Deployment &d : orig->deployments)
                if (d.sourceFile.isEmpty() && d.entryIndex < s.entryIndex && d.entryIndex > best) {
                    best = d.entryIndex;
                    anchor = d.id;
                }
            if (!anchor.isEmpty() && !list.deployment(anchor))
                anchor = QStringLiteral("\n");   // its anchor was removed: at the end
            skippedAfter.insert(anchor, s.entryIndex);
        }
    }
    const auto putSkipped = [&](const QString &anchor) {
        QList<int> idx = skippedAfter.values(anchor);
        std::sort(idx.begin(), idx.end());
        for (int i : idx)
            seq.push_back(YAML::Clone(origSeq[std::size_t(i)]));
    };
    putSkipped(QString());

    QHash<QString, int> groupCount;
    for (int k = 0; k < own.size(); ++k) {
        const Deployment &d = *own[k];
        const QString generated = d.modelName + QLatin1Char('/') + QString::number(++groupCount[d.modelName]);
        const Deployment *base = nullptr;
        if (orig)
            for (const Deployment &o : orig->deployments)
                if (o.sourceFile.isEmpty() && o.id == d.id)
                    base = &o;
        if (!base || base->entryIndex < 0 || !origSeq.IsSequence() || std::size_t(base->entryIndex) >= origSeq.size())
            base = nullptr;
        YAML::Node entry = base ? YAML::Clone(origSeq[std::size_t(base->entryIndex)]) : YAML::Node(YAML::NodeType::Map);
        writeDeployment(w, entry, d, base ? *base : Deployment{}, base != nullptr, generated);
        seq.push_back(entry);
        putSkipped(d.id);
    }
    putSkipped(QStringLiteral("\n"));
    if (orig && origSeq.IsSequence() && seq.size() != origSeq.size())
        w.changed = true;
    // Deployments in a new order: a change even if every entry kept its values.
    if (orig && !w.changed) {
        int i = 0;
        for (const Deployment &o : orig->deployments)
            if (o.sourceFile.isEmpty() && (i >= own.size() || own[i++]->id != o.id))
                w.changed = true;
    }
    if (seq.size() > 0 || hasKey(root, "model_list"))
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
    if (rn.httpClient != rb.httpClient) {
        const auto name = [](RouterSettings::HttpClient c) {
            return c == RouterSettings::HttpClient::Qt ? QStringLiteral("qt") : QStringLiteral("builtin");
        };
        w.putString(rs(), "http_client", name(rn.httpClient), name(rb.httpClient));
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
    // Otherwise change only what changed, in place, so comments and layout stay.
    if (orig && pristine.IsMap()) {
        if (auto patched = patchDocument(list.sourceYaml, pristine, root))
            return *patched;
        // A shape the patcher does not edit in place (see docs/FORMATS.md): the whole file is
        // written anew, which loses its comments (the workbench keeps a .bak of the original).
        qCWarning(lcConfig).noquote() << list.path
                                      << QStringLiteral(": this change cannot be made in place; rewriting the whole file (comments are lost)");
    }
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

bool isSupportedProvider(const QString &prefix)
{
    // The traits table (core/common/provider.h) is the one list of what discernus speaks.
    return providerSpoken(prefix);
}

namespace {

/// `openai/*` -> ^openai/(.*)$, as LiteLLM's pattern router builds it.
QRegularExpression wildcardPattern(const QString &modelName)
{
    QString re = QRegularExpression::escape(modelName);
    re.replace(QStringLiteral("\\*"), QStringLiteral("(.*)"));
    return QRegularExpression(QRegularExpression::anchoredPattern(re));
}

} // namespace

GroupResolution resolveGroup(const ModelList &list, const QString &name)
{
    GroupResolution out;
    bool hasConcrete = false;
    for (const Deployment &d : list.deployments)
        hasConcrete |= d.modelName == name && !d.wildcard;
    if (hasConcrete) {
        out.kind = GroupResolution::Kind::Group;
        out.group = name;
        return out;
    }
    if (const auto a = list.aliases.constFind(name); a != list.aliases.cend() && *a != name) {
        const GroupResolution target = resolveGroup(list, *a);
        if (target.kind == GroupResolution::Kind::Group) {
            out.kind = GroupResolution::Kind::Alias;
            out.group = target.group;
            return out;
        }
        if (target.kind != GroupResolution::Kind::Unknown)
            return target;
    }
    // A group LiteLLM would call by its own deployments, not through a wildcard.
    QStringList reasons;
    for (const SkippedDeployment &s : list.skipped)
        if (s.modelName == name)
            reasons.append(s.model + QStringLiteral(": ") + s.reason);
    if (!reasons.isEmpty()) {
        out.kind = GroupResolution::Kind::Skipped;
        out.group = name;
        out.message = QStringLiteral("model group \"") + name
                    + QStringLiteral("\" has no deployment discernus can call (") + reasons.join(QStringLiteral("; "))
                    + QLatin1Char(')');
        return out;
    }
    // The most specific pattern wins: the one with the most characters besides '*'.
    const Deployment *best = nullptr;
    qsizetype bestLiteral = -1;
    for (const Deployment &d : list.deployments) {
        if (!d.modelName.contains(QLatin1Char('*')))
            continue;
        const QRegularExpressionMatch m = wildcardPattern(d.modelName).match(name);
        if (!m.hasMatch())
            continue;
        const qsizetype literal = d.modelName.size() - d.modelName.count(QLatin1Char('*'));
        if (literal > bestLiteral) {
            best = &d;
            bestLiteral = literal;
        }
    }
    if (best) {
        out.kind = GroupResolution::Kind::Wildcard;
        out.group = best->modelName;
        int n = 0;
        for (const Deployment &d : list.deployments) {
            if (d.modelName != best->modelName)
                continue;
            const QRegularExpressionMatch m = wildcardPattern(d.modelName).match(name);
            Deployment c = d;
            QString model = d.model;
            for (int i = 1; i <= m.lastCapturedIndex(); ++i) {
                const qsizetype star = model.indexOf(QLatin1Char('*'));
                if (star < 0)
                    break;
                model.replace(star, 1, m.captured(i));
            }
            // `model_name: "*"` with `model: openai/*` and a request for "openai/gpt-4o": the
            // provider prefix is already there; don't send "openai/gpt-4o" as the model id.
            if (model.startsWith(d.provider + QLatin1Char('/')))
                model = model.mid(d.provider.size() + 1);
            c.model = model;
            c.modelName = name;
            c.wildcard = model.contains(QLatin1Char('*'));
            c.id = name + QLatin1Char('/') + QString::number(++n);
            c.entryIndex = -1;
            if (!c.wildcard && !model.isEmpty())
                out.concrete.append(c);
        }
        if (out.concrete.isEmpty()) {
            out.kind = GroupResolution::Kind::Unknown;
            out.message = QStringLiteral("\"") + name + QStringLiteral("\" matches ") + best->modelName
                        + QStringLiteral(" but names no concrete model");
        }
        return out;
    }
    out.message = QStringLiteral("unknown model group \"") + name + QLatin1Char('"');
    return out;
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

std::optional<RouterSettings::RedisEndpoint> RouterSettings::redis() const
{
    RedisEndpoint e;
    if (!redisUrl.isEmpty()) {
        const QUrl url(redisUrl);
        e.host = url.host();
        e.port = url.port(6379);
        e.password = url.password().isEmpty() ? redisPassword : url.password();
        const QString path = url.path().mid(1);
        e.db = path.isEmpty() ? 0 : path.toInt();
        return e;
    }
    if (redisHost.isEmpty())
        return std::nullopt;
    e.host = redisHost;
    e.port = redisPort > 0 ? redisPort : 6379;
    e.password = redisPassword;
    return e;
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
        QHash<QString, int> groupCount;
        return parseImpl(*doc, yaml, pathForMessages, 0, groupCount);
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

static Result<QByteArray> serializeChecked(const ModelList &list)
{
    try {
        return serializeImpl(list);
    } catch (const std::exception &e) {
        qCWarning(lcConfig) << "could not serialize the model list:" << e.what();
        return fail(QStringLiteral("could not serialize the model list"), list.path);
    }
}

QByteArray serializeModelList(const ModelList &list)
{
    auto r = serializeChecked(list);
    return r ? *r : QByteArray();
}

Result<void> saveModelList(const ModelList &list, const QString &path)
{
    auto serialized = serializeChecked(list);
    if (!serialized)
        return std::unexpected(serialized.error());
    const QByteArray bytes = *serialized;
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
