#pragma once
// Prices per model (built-in table, LiteLLM price map import, model_info overrides)
// and the cost of a call from its actual usage, to the micro-dollar.
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/providers/providertypes.h"

#include <QDate>
#include <QHash>
#include <QString>
#include <optional>

namespace wb {

struct ModelPrice {
    double inputPerToken = 0;        ///< USD
    double outputPerToken = 0;
    std::optional<double> cachedInputPerToken;
    std::optional<double> cacheWritePerToken;
    std::optional<double> batchInputPerToken;
    std::optional<double> batchOutputPerToken;
    std::optional<double> cacheWrite1hPerToken;          ///< 1-hour cache writes (Anthropic)
    /// Prompts above 200k tokens are billed at these for every token of the call (Gemini 2.5 Pro,
    /// Claude Sonnet 4/4.5 with the 1M context); each falls back to its normal price.
    std::optional<double> inputPerTokenAbove200k;
    std::optional<double> outputPerTokenAbove200k;
    std::optional<double> cachedInputPerTokenAbove200k;
    std::optional<double> cacheWritePerTokenAbove200k;
    std::optional<double> cacheWrite1hPerTokenAbove200k;
    qint64 contextWindow = 0;        ///< max input tokens; 0 = unknown
    qint64 maxOutputTokens = 0;
    QString source;                  ///< "built-in 2026-11-01", "litellm", "model_info"
};

/// What an import of LiteLLM's price map did, so a caller can tell the user.
struct LiteLlmImportStats {
    int entries = 0;            ///< top-level keys in the file
    int imported = 0;           ///< chat/completion entries with a token price, now in the table
    int skippedSampleSpec = 0;  ///< the "sample_spec" documentation entry
    int skippedNotChat = 0;     ///< embedding, image, audio, rerank, ... (priced per something else)
    int skippedNoPrice = 0;     ///< chat entries without a usable input/output token price
    int malformed = 0;          ///< not an object, or no litellm_provider
    int oddFields = 0;          ///< fields present with an unusable value (string, negative, ...), ignored
};

/// Prompt tokens above which the "above 200k" prices apply (LiteLLM's threshold).
inline constexpr qint64 kLongPromptThreshold = 200000;

/// Where the price a deployment is billed at comes from (`discernus models` shows it).
enum class PriceOrigin {
    Config,          ///< the model list's own prices (litellm_params / model_info)
    LiteLlmMap,      ///< an imported model_prices_and_context_window.json entry for this model
    BuiltIn,         ///< the built-in table's entry for this model
    FamilyFallback,  ///< no entry for this exact model: a dated/versioned sibling's or the family's
    Unknown,         ///< no price: the call counts as $0 against budgets
};
QString priceOriginName(PriceOrigin origin);   ///< "config", "LiteLLM price map", "built-in", ...

struct PriceQuote {
    std::optional<ModelPrice> price;
    PriceOrigin origin = PriceOrigin::Unknown;
    QString matchedKey;     ///< the table key used ("openai/gpt-3.5-turbo"), empty for config-only prices
};

/// How the provider bills the call: the synchronous API or its Batch API (50 % on all four).
enum class PriceMode { Standard, BatchApi };

class PriceTable {
public:
    /// The built-in table (with its as-of date).
    static PriceTable builtIn();
    static QString builtInAsOf();
    static QDate builtInAsOfDate();
    /// Merges entries of LiteLLM's model_prices_and_context_window.json (they win over built-in).
    /// Returns the number of entries imported.
    Result<int> importLiteLlm(const QString &jsonPath);
    /// Same, with the counts of what was skipped and why.
    Result<LiteLlmImportStats> importLiteLlmWithStats(const QString &jsonPath);
    Result<LiteLlmImportStats> importLiteLlmJson(const QByteArray &json, const QString &nameForMessages = {});

    /// Tolerant lookup: exact id, then without date/version suffixes and "-latest" aliases,
    /// then the provider implied by the model name (a claude-* model behind an OpenAI-compatible
    /// proxy, vertex_ai -> gemini). `model` may carry its provider prefix ("anthropic/claude-...").
    std::optional<ModelPrice> find(const QString &provider, const QString &model) const;
    /// The table key find() matched ("anthropic/claude-3-5-haiku"), for messages.
    std::optional<QString> resolve(const QString &provider, const QString &model) const;
    /// find() with the deployment's model_info overrides applied. With no table entry, the
    /// overrides alone make a price when they give an input or output price.
    std::optional<ModelPrice> forDeployment(const Deployment &d) const;
    /// forDeployment() and where the price comes from. model_info.base_model, when set, is what
    /// the table is searched for (LiteLLM prices an Azure deployment by its base model).
    PriceQuote quote(const Deployment &d) const;
    void insert(const QString &provider, const QString &model, const ModelPrice &p);
    /// `alias` (e.g. a dated id) resolves to `model` of the same provider.
    void insertAlias(const QString &provider, const QString &alias, const QString &model);
    QList<QString> keys() const;
    int size() const { return int(m_prices.size()); }

    /// A cheaper model of the same family and provider, from built-in knowledge
    /// ("gpt-4o" -> "gpt-4o-mini", "claude-sonnet-4-5" -> "claude-haiku-4-5"); nullopt if none.
    std::optional<QString> cheaperAlternative(const QString &provider, const QString &model) const;

    /// "anthropic", "gemini", ... as used in keys; "vertex_ai-language-models" -> "vertex_ai".
    static QString normalizeProvider(const QString &provider);
    /// Provider a bare model name belongs to (claude-* -> anthropic, ...); empty if unknown.
    static QString providerOfModelName(const QString &model);

private:
    /// `exact`: the key is this model id (or a declared alias of it), not a sibling or the family.
    std::optional<QString> resolveKey(const QString &provider, const QString &model, bool *exact = nullptr) const;

    QHash<QString, ModelPrice> m_prices;   // key: "provider/model"
    QHash<QString, QString> m_aliases;     // "provider/alias" -> "provider/model"
    QHash<QString, QString> m_cheaper;     // "provider/model" -> cheaper model id (same provider)
};

/// Price per token in pico-dollars (1e-12 USD), rounded to the nearest: every list price is a
/// whole number of pico-dollars, so integer arithmetic from here on is exact.
qint64 pricePicos(double usdPerToken);

/// Cost in pico-dollars of a call's actual usage: uncached input at the input price, cache reads
/// at the cached price (fallback: input), cache writes at the cache-write price (fallback: input;
/// the 1-hour ones at the 1-hour price, fallback: the cache-write price), output at the output
/// price. A prompt above kLongPromptThreshold tokens bills every token at the above-200k prices
/// where the model has them. Batch mode uses the batch prices (fallback: 50 %).
qint64 costPicos(const ModelPrice &p, const Usage &u, PriceMode mode = PriceMode::Standard);
/// Cost in micro-dollars (integer, exact accounting) of a call's actual usage, rounded half up once.
qint64 costMicros(const ModelPrice &p, const Usage &u);
qint64 costMicros(const ModelPrice &p, const Usage &u, PriceMode mode);
/// Worst case before dispatch: prompt tokens at full input price + maxTokens output.
qint64 worstCaseMicros(const ModelPrice &p, qint64 promptTokens, qint64 maxTokens);
qint64 worstCaseMicros(const ModelPrice &p, qint64 promptTokens, qint64 maxTokens, PriceMode mode);
qint64 worstCasePicos(const ModelPrice &p, qint64 promptTokens, qint64 maxTokens, PriceMode mode = PriceMode::Standard);
/// Pico-dollars -> micro-dollars, half up.
qint64 picosToMicros(qint64 picos);
inline double microsToUsd(qint64 m) { return double(m) / 1e6; }

/// Sums many calls' costs in pico-dollars (128-bit) and rounds once at the end, so totals over
/// millions of calls do not drift by per-call rounding.
class CostAccumulator {
public:
    void addPicos(qint64 picos) { m_picos += picos; }
    void add(const CostAccumulator &o) { m_picos += o.m_picos; }
    qint64 micros() const;   ///< rounded half up; saturates at INT64_MAX
    double usd() const { return microsToUsd(micros()); }
private:
    __int128 m_picos = 0;
};

} // namespace wb
