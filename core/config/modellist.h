#pragma once
// Typed form of a LiteLLM-compatible litellm_config.yaml (docs/FORMATS.md).
#include "core/common/provider.h"
#include "core/common/result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace wb {

/// Limits of one deployment; unset = not configured (may be learned from headers).
struct RateLimits {
    std::optional<qint64> rpm;
    std::optional<qint64> tpm;
    std::optional<qint64> itpm;          ///< Anthropic input tokens / minute
    std::optional<qint64> otpm;          ///< Anthropic output tokens / minute
    std::optional<int> maxParallelRequests;
    /// LiteLLM's per-day quotas: requests and tokens (prompt + output) a key may use per day
    /// (docs/ARCHITECTURE.md, "Daily quotas stated in the model list").
    std::optional<qint64> rpd;
    std::optional<qint64> tpd;
    /// Whether any per-minute limit is stated (max_parallel_requests is no rate).
    bool statesARate() const { return rpm || tpm || itpm || otpm; }
    bool statesADailyQuota() const { return rpd || tpd; }
};

/// Per-deployment prices from the model list (USD per token): LiteLLM's custom-pricing fields,
/// read from litellm_params (which wins, as in LiteLLM) and model_info.
struct PriceOverride {
    std::optional<double> inputCostPerToken;
    std::optional<double> outputCostPerToken;
    std::optional<double> cacheReadInputTokenCost;
    std::optional<double> cacheCreationInputTokenCost;
    std::optional<double> cacheCreationInputTokenCostAbove1h;       ///< 1-hour cache writes
    std::optional<double> inputCostPerTokenAbove200k;               ///< prompts above 200k tokens
    std::optional<double> outputCostPerTokenAbove200k;
    std::optional<double> cacheReadInputTokenCostAbove200k;
    std::optional<double> cacheCreationInputTokenCostAbove200k;
    std::optional<qint64> maxInputTokens;    ///< context window
    std::optional<qint64> maxOutputTokens;
    /// Which block the prices came from ("litellm_params", "model_info", or both joined by " + ").
    QString origin;
    bool anyPrice() const
    {
        return inputCostPerToken || outputCostPerToken || cacheReadInputTokenCost || cacheCreationInputTokenCost
            || cacheCreationInputTokenCostAbove1h || inputCostPerTokenAbove200k || outputCostPerTokenAbove200k
            || cacheReadInputTokenCostAbove200k || cacheCreationInputTokenCostAbove200k;
    }
};

struct Deployment {
    QString id;            ///< stable: model_info.id if given, else "<model_name>/<n>" (n = 1-based within group)
    QString modelName;     ///< the group experiments refer to
    QString provider;      ///< openai | anthropic | mistral | gemini | vertex_ai (from the model prefix)
    QString model;         ///< provider's model id, prefix stripped ("gpt-4o")
    QString keyRef;        ///< "os.environ/NAME", "keychain/NAME", or a literal key (warned about)
    QString apiBase;       ///< empty = provider default
    RateLimits limits;
    double weight = 1.0;   ///< litellm_params.weight (simple-shuffle)
    QString rateLimitPool; ///< model_info.rate_limit_pool: deployments sharing one quota
    /// model_info.limit_algorithm (bucket | window | fixed): overrides the provider's LimitAlgorithm.
    std::optional<LimitAlgorithm> limitAlgorithm;
    PriceOverride price;
    std::optional<double> timeoutSeconds;  ///< litellm_params.timeout
    bool allowInsecureHttp = false;        ///< model_info.allow_insecure_http: plain http to non-loopback
    QString baseModel;     ///< model_info.base_model: the model to price by (LiteLLM's rule), e.g. for Azure
    QString apiBaseRef;    ///< api_base as written when it was os.environ/NAME (apiBase holds the value)
    /// A wildcard deployment (`model: openai/*`): a template the experiment run names the concrete
    /// model of (resolveRunModels). Never called as it is.
    bool wildcard = false;
    QString sourceFile;    ///< the include: file it came from; empty = the model list itself
    int entryIndex = -1;   ///< index in its file's model_list (-1 = added in memory)
    // Provider-specific litellm_params (docs/PROVIDERS.md, "Azure OpenAI", "Vertex AI"). Read by
    // readProviderParams(); an unset one falls back to LiteLLM's environment variable at load time.
    QString apiVersion;          ///< azure: api_version, else AZURE_API_VERSION, else kAzureDefaultApiVersion
    QString vertexProject;       ///< vertex_ai: vertex_project, else VERTEXAI_PROJECT, else the credentials' project_id
    QString vertexLocation;      ///< vertex_ai: vertex_location, else VERTEXAI_LOCATION, else us-central1
    /// vertex_ai: vertex_credentials as written (a file path, JSON text or os.environ/NAME), else
    /// VERTEXAI_CREDENTIALS; empty = GOOGLE_APPLICATION_CREDENTIALS. Read only when a token is needed,
    /// never copied, never logged.
    QString vertexCredentials;
    int line = 0;          ///< where it was defined (1-based), for messages

    /// How its limits replenish: the override, else the provider's (traits table).
    LimitAlgorithm effectiveLimitAlgorithm() const
    {
        return limitAlgorithm ? *limitAlgorithm : providerTraits(provider).limitAlgorithm;
    }
    /// Effective base URL (provider default when apiBase is empty).
    QString effectiveApiBase() const;
    /// Rate-limit window key: the pool if set, else the deployment id.
    QString windowKey() const { return rateLimitPool.isEmpty() ? id : QStringLiteral("pool:") + rateLimitPool; }
    /// True when the effective api_base points at this machine (127.0.0.0/8, localhost, ::1):
    /// local servers (simulator, vLLM, Ollama) may use plain http and dummy keys.
    bool isLoopback() const;
};

/// The Azure OpenAI api-version used when neither api_version nor AZURE_API_VERSION is set.
inline constexpr const char *kAzureDefaultApiVersion = "2024-10-21";

/// Provider default base URL ("https://api.openai.com/v1", ...); empty for an unknown provider.
QString defaultApiBase(const QString &provider);
/// 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(const QString &host);
/// A URL whose host is a loopback address (isLoopbackHost); false for an empty URL.
bool isLoopbackUrl(const QString &url);
struct ModelList;
/// The one "is this project simulated" rule: the model list asks for the in-product simulator
/// (discernus.simulator.enabled) AND every deployment points at a loopback address. So the SIMULATED
/// banner, the run summary and the CLI agree, and never label a list that could bill a real provider.
bool isSimulated(const ModelList &models);
/// The one "does discernus speak this provider" rule, used for every deployment: true for the
/// prefixes of the provider traits table (core/common/provider.h) and the OpenAI-compatible family
/// documented in docs/PROVIDERS.md. A deployment of any other provider is skipped with a warning.
bool isSupportedProvider(const QString &prefix);
/// Names usable after keychain/: letters, digits and . _ - @, starting with a letter or digit.
bool isValidKeychainName(const QString &name);
/// The six routing strategies of LiteLLM's Router (docs/FORMATS.md, "router_settings").
QStringList routingStrategies();

/// litellm_settings.num_retries etc. fill these when router_settings does not set them
/// (router_settings wins, as in LiteLLM's Router).
struct RouterSettings {
    QString routingStrategy = QStringLiteral("usage-based-routing-v2");
    int numRetries = 3;
    double timeoutSeconds = 120.0;
    int allowedFails = 3;
    double cooldownSeconds = 30.0;
    QHash<QString, QStringList> fallbacks;               ///< group -> fallback groups, in order
    QHash<QString, QStringList> contextWindowFallbacks;
    /// Shared rate limits and budget (docs/ARCHITECTURE.md, "Shared limits in Redis"): set when
    /// redis_host or redis_url names a server. The password is a secret: never logged or shown.
    QString redisHost;
    int redisPort = 0;
    QString redisPassword;
    QString redisUrl;             ///< redis://[:password@]host[:port][/db], as written (resolved)
    /// The Redis endpoint redis_url or redis_host/redis_port/redis_password name; nullopt = none.
    struct RedisEndpoint {
        QString host;
        int port = 6379;
        QString password;
        int db = 0;
        QString address() const { return host + u':' + QString::number(port); }
    };
    std::optional<RedisEndpoint> redis() const;
    /// router_settings.http_client (discernus only): the router's own HTTP/1.1 client, or Qt's
    /// QNetworkAccessManager (docs/ARCHITECTURE.md, "CPU per call"). DISCERNUS_HTTP_CLIENT wins.
    enum class HttpClient { Builtin, Qt } httpClient = HttpClient::Builtin;
};

/// litellm_settings' logging callbacks, as far as discernus exports them: "otel" / "langfuse"
/// (and "langfuse_otel") in success_callback, failure_callback or callbacks export every call as an
/// OpenTelemetry span (core/telemetry, docs/PROVIDERS.md "Tracing calls").
struct TelemetrySettings {
    bool otel = false;                ///< to OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT
    bool langfuse = false;            ///< to ${LANGFUSE_HOST}/api/public/otel/v1/traces
    QStringList otherCallbacks;       ///< named but not exported by discernus (warned about)
    /// Prompts and replies go into spans only when the file says turn_off_message_logging: false.
    bool logMessages = false;
};

struct CostControls {
    std::optional<double> maxBudget;   ///< USD
    QString budgetDuration;            ///< "30d", "24h", "7d", "1mo"; empty = lifetime
};

/// discernus-only extension (top-level `discernus:`), ignored by LiteLLM:
/// ask the app to start the provider simulator for this model list.
struct SimulatorSettings {
    bool enabled = false;
    int port = 0;              ///< 0 = any free port (api_base hosts are rewritten)
    QString limitsFile;        ///< relative to the model list
};

/// A deployment the loader left out, and why (shown once as a warning; an error only when an
/// experiment run needs its group and nothing else is left in it).
struct SkippedDeployment {
    QString modelName;
    QString model;       ///< litellm_params.model as written
    QString reason;      ///< "provider bedrock is not supported", "embedding model", ...
    QString sourceFile;  ///< as Deployment::sourceFile
    int entryIndex = -1;
    int line = 0;
};

struct ModelList {
    QString path;                      ///< file it was read from (empty if built in memory)
    QList<Deployment> deployments;
    QList<SkippedDeployment> skipped;
    /// router_settings.model_group_alias and litellm_settings.model_alias_map: name -> group.
    QHash<QString, QString> aliases;
    QStringList includes;              ///< include: files, absolute, in order
    RouterSettings router;
    CostControls costControls;
    TelemetrySettings telemetry;
    SimulatorSettings simulator;
    QStringList warnings;              ///< e.g. unknown keys (one warning listing them), literal keys
    QByteArray sourceYaml;             ///< original text, so saving keeps what we don't model

    QStringList groups() const;        ///< model_names in first-seen order (wildcard patterns included)
    QList<const Deployment *> deploymentsOf(const QString &group) const;
    const Deployment *deployment(const QString &id) const;
};

/// What a model name of an experiment run resolves to.
struct GroupResolution {
    enum class Kind { Group, Alias, Wildcard, Skipped, Unknown } kind = Kind::Unknown;
    QString group;                ///< the group it resolves to (Alias: the target; Wildcard: the pattern)
    QList<Deployment> concrete;   ///< Wildcard: the deployments with the concrete model filled in
    QString message;              ///< Skipped / Unknown: why it cannot run
};
/// Resolves `name` as LiteLLM's Router does: a group, then model_group_alias, then the most specific
/// wildcard pattern (`openai/*`, `*`) whose `*` is filled into litellm_params.model.
GroupResolution resolveGroup(const ModelList &list, const QString &name);

/// Reads and validates; errors name file:line:column and the field.
Result<ModelList> loadModelList(const QString &path);
Result<ModelList> parseModelList(const QByteArray &yaml, const QString &pathForMessages);
/// Writes back, keeping unknown keys and comments where possible; never writes resolved key values.
Result<void> saveModelList(const ModelList &list, const QString &path);
QByteArray serializeModelList(const ModelList &list);

} // namespace wb
