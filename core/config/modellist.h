#pragma once
// Typed form of a LiteLLM-compatible litellm_config.yaml (docs/FORMATS.md).
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
};

/// Per-deployment price overrides from model_info (USD per token).
struct PriceOverride {
    std::optional<double> inputCostPerToken;
    std::optional<double> outputCostPerToken;
    std::optional<double> cacheReadInputTokenCost;
    std::optional<double> cacheCreationInputTokenCost;
    std::optional<qint64> maxInputTokens;    ///< context window
    std::optional<qint64> maxOutputTokens;
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
    PriceOverride price;
    std::optional<double> timeoutSeconds;  ///< litellm_params.timeout
    bool allowInsecureHttp = false;        ///< model_info.allow_insecure_http: plain http to non-loopback
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
/// Names usable after keychain/: letters, digits and . _ - @, starting with a letter or digit.
bool isValidKeychainName(const QString &name);
/// The six routing strategies of LiteLLM's Router (docs/FORMATS.md, "router_settings").
QStringList routingStrategies();

struct RouterSettings {
    QString routingStrategy = QStringLiteral("usage-based-routing-v2");
    int numRetries = 3;
    double timeoutSeconds = 120.0;
    int allowedFails = 3;
    double cooldownSeconds = 30.0;
    QHash<QString, QStringList> fallbacks;               ///< group -> fallback groups, in order
    QHash<QString, QStringList> contextWindowFallbacks;
    QString redisHost;
    int redisPort = 0;
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

struct ModelList {
    QString path;                      ///< file it was read from (empty if built in memory)
    QList<Deployment> deployments;
    RouterSettings router;
    CostControls costControls;
    TelemetrySettings telemetry;
    SimulatorSettings simulator;
    QStringList warnings;              ///< e.g. unknown keys (one warning listing them), literal keys
    QByteArray sourceYaml;             ///< original text, so saving keeps what we don't model

    QStringList groups() const;        ///< model_names in first-seen order
    QList<const Deployment *> deploymentsOf(const QString &group) const;
    const Deployment *deployment(const QString &id) const;
};

/// Reads and validates; errors name file:line:column and the field.
Result<ModelList> loadModelList(const QString &path);
Result<ModelList> parseModelList(const QByteArray &yaml, const QString &pathForMessages);
/// Writes back, keeping unknown keys and comments where possible; never writes resolved key values.
Result<void> saveModelList(const ModelList &list, const QString &path);
QByteArray serializeModelList(const ModelList &list);

} // namespace wb
