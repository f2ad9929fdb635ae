#include "core/pricing/pricing.h"

#include "core/common/logging.h"
#include "core/common/provider.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <cmath>
#include <limits>

namespace wb {

namespace {

QString keyOf(const QString &provider, const QString &model)
{
    return provider + QLatin1Char('/') + model.toLower();
}

const QStringList &knownProviders()
{
    return knownProviderPrefixes();
}

/// Variants of a model id to try, most specific first: as given, "3.5" -> "3-5", without a
/// Vertex "@date", without date / version suffixes, without and with "-latest".
QStringList modelVariants(const QString &model)
{
    QStringList out;
    auto add = [&out](const QString &m) {
        if (!m.isEmpty() && !out.contains(m))
            out << m;
    };
    QString m = model.trimmed().toLower();
    add(m);
    if (const qsizetype at = m.indexOf(QLatin1Char('@')); at > 0) {
        m = m.left(at);
        add(m);
    }
    // "claude-3.5-haiku" -> "claude-3-5-haiku" (group names often use dots, ids dashes).
    if (m.startsWith(QLatin1String("claude")) && m.contains(QLatin1Char('.'))) {
        m.replace(QLatin1Char('.'), QLatin1Char('-'));
        add(m);
    }
    // Dated / versioned suffixes: -20241022, -2024-08-06, -2411 (Mistral), -001 (Gemini),
    // -preview-05-20 / -exp-... (Gemini previews price like the release), -v1:0.
    static const QRegularExpression suffix(QStringLiteral(
        "(-\\d{8}|-\\d{4}-\\d{2}-\\d{2}|-\\d{4}|-\\d{3}|-preview(-\\d{2}-\\d{2})?|-exp(-\\d{4})?|-v\\d+(:\\d+)?)$"));
    QString stripped = m;
    for (int i = 0; i < 3; ++i) {
        const QRegularExpressionMatch match = suffix.match(stripped);
        if (!match.hasMatch())
            break;
        stripped.chop(match.capturedLength());
        add(stripped);
    }
    const QString latest = QStringLiteral("-latest");
    if (stripped.endsWith(latest)) {
        add(stripped.chopped(latest.size()));
    } else {
        add(stripped + latest);
    }
    return out;
}

std::optional<double> jsonPrice(const QJsonObject &o, const char *field, int &odd)
{
    const QJsonValue v = o.value(QLatin1String(field));
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    double d = 0;
    bool ok = false;
    if (v.isDouble()) {
        d = v.toDouble();
        ok = true;
    } else if (v.isString()) {
        d = v.toString().toDouble(&ok);
    }
    if (!ok || !std::isfinite(d) || d < 0) {
        ++odd;
        return std::nullopt;
    }
    return d;
}

qint64 jsonCount(const QJsonObject &o, const char *field, int &odd)
{
    const QJsonValue v = o.value(QLatin1String(field));
    if (v.isUndefined() || v.isNull())
        return 0;
    double d = -1;
    bool ok = false;
    if (v.isDouble()) {
        d = v.toDouble();
        ok = true;
    } else if (v.isString()) {
        d = v.toString().toDouble(&ok);
    }
    if (!ok || !std::isfinite(d) || d < 0 || d > 1e12) {
        ++odd;
        return 0;
    }
    return qint64(d);
}

constexpr qint64 kPicosPerMicro = 1'000'000;

} // namespace

QString PriceTable::normalizeProvider(const QString &provider)
{
    const QString p = provider.trimmed().toLower();
    if (p.startsWith(QLatin1String("vertex_ai")))
        return QStringLiteral("vertex_ai");
    if (p == QLatin1String("google") || p == QLatin1String("google_ai_studio"))
        return QStringLiteral("gemini");
    if (p == QLatin1String("text-completion-openai"))
        return QStringLiteral("openai");
    return p;
}

QString PriceTable::providerOfModelName(const QString &model)
{
    const QString m = model.trimmed().toLower();
    auto starts = [&m](const char *s) { return m.startsWith(QLatin1String(s)); };
    if (starts("claude"))
        return QStringLiteral("anthropic");
    if (starts("gemini"))
        return QStringLiteral("gemini");
    if (starts("mistral") || starts("open-mistral") || starts("codestral") || starts("ministral")
        || starts("magistral") || starts("pixtral") || starts("devstral"))
        return QStringLiteral("mistral");
    if (starts("gpt-") || starts("chatgpt") || starts("o1") || starts("o3") || starts("o4"))
        return QStringLiteral("openai");
    return {};
}

void PriceTable::insert(const QString &provider, const QString &model, const ModelPrice &p)
{
    m_prices.insert(keyOf(normalizeProvider(provider), model), p);
}

void PriceTable::insertAlias(const QString &provider, const QString &alias, const QString &model)
{
    const QString prov = normalizeProvider(provider);
    m_aliases.insert(keyOf(prov, alias), keyOf(prov, model));
}

QList<QString> PriceTable::keys() const
{
    QList<QString> k = m_prices.keys();
    std::sort(k.begin(), k.end());
    return k;
}

std::optional<QString> PriceTable::resolveKey(const QString &providerIn, const QString &modelIn, bool *exact) const
{
    QString provider = normalizeProvider(providerIn);
    QString model = modelIn.trimmed();
    // A LiteLLM-style "provider/model" string: the prefix names the provider.
    if (const qsizetype slash = model.indexOf(QLatin1Char('/')); slash > 0) {
        const QString prefix = normalizeProvider(model.left(slash));
        if (knownProviders().contains(prefix) || prefix == provider || provider.isEmpty()) {
            provider = prefix;
            model = model.mid(slash + 1);
        }
    }
    const QStringList variants = modelVariants(model);

    QStringList providers{provider};
    // Gemini models on Vertex, and Claude models on Vertex, price like the direct API; a model
    // behind an OpenAI-compatible proxy is priced as its maker lists it.
    const QString maker = providerOfModelName(model);
    if (providerKind(provider) == ProviderKind::VertexAi && !providers.contains(providerPrefix(ProviderKind::Gemini)))
        providers << providerPrefix(ProviderKind::Gemini);
    if (!maker.isEmpty() && !providers.contains(maker))
        providers << maker;

    // The exact id at any of the providers before a sibling or the family at the first:
    // gpt-3.5-turbo-1106 has its own price, not gpt-3.5-turbo's.
    for (qsizetype vi = 0; vi < variants.size(); ++vi) {
        for (const QString &prov : std::as_const(providers)) {
            const QString k = keyOf(prov, variants[vi]);
            std::optional<QString> hit;
            if (m_prices.contains(k))
                hit = k;
            else if (const auto a = m_aliases.constFind(k); a != m_aliases.cend() && m_prices.contains(*a))
                hit = *a;
            if (hit) {
                if (exact) {
                    // The id as given, or without a Vertex "@version" (the same model).
                    const QString given = model.trimmed().toLower();
                    *exact = variants[vi] == given || given.startsWith(variants[vi] + QLatin1Char('@'));
                }
                return hit;
            }
        }
    }
    return std::nullopt;
}

std::optional<QString> PriceTable::resolve(const QString &provider, const QString &model) const
{
    return resolveKey(provider, model);
}

std::optional<ModelPrice> PriceTable::find(const QString &provider, const QString &model) const
{
    const auto k = resolveKey(provider, model);
    if (!k)
        return std::nullopt;
    return m_prices.value(*k);
}

std::optional<QString> PriceTable::cheaperAlternative(const QString &provider, const QString &model) const
{
    const auto k = resolveKey(provider, model);
    if (!k)
        return std::nullopt;
    if (const auto c = m_cheaper.constFind(*k); c != m_cheaper.cend())
        return *c;
    // The key may be an imported dated id: try the built-in canonical id it aliases.
    for (auto a = m_aliases.cbegin(); a != m_aliases.cend(); ++a) {
        if (a.key() == *k) {
            if (const auto c = m_cheaper.constFind(a.value()); c != m_cheaper.cend())
                return *c;
        }
    }
    return std::nullopt;
}

std::optional<ModelPrice> PriceTable::forDeployment(const Deployment &d) const
{
    return quote(d).price;
}

QString priceOriginName(PriceOrigin origin)
{
    switch (origin) {
    case PriceOrigin::Config:
        return QStringLiteral("config");
    case PriceOrigin::LiteLlmMap:
        return QStringLiteral("LiteLLM price map");
    case PriceOrigin::BuiltIn:
        return QStringLiteral("built-in");
    case PriceOrigin::FamilyFallback:
        return QStringLiteral("family fallback");
    case PriceOrigin::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

PriceQuote PriceTable::quote(const Deployment &d) const
{
    PriceQuote q;
    bool exact = false;
    const QString priceModel = d.baseModel.isEmpty() ? d.model : d.baseModel;
    if (const auto k = resolveKey(d.provider, priceModel, &exact)) {
        q.matchedKey = *k;
        q.price = m_prices.value(*k);
        q.origin = !exact                                          ? PriceOrigin::FamilyFallback
                 : q.price->source == QLatin1String("litellm")    ? PriceOrigin::LiteLlmMap
                                                                   : PriceOrigin::BuiltIn;
    }
    const PriceOverride &o = d.price;
    if (!q.price) {
        // The model list's own prices make a price alone when they give input or output.
        if (!o.inputCostPerToken && !o.outputCostPerToken)
            return q;
        q.price = ModelPrice{};
    }
    ModelPrice &p = *q.price;
    bool overridden = false;
    const auto apply = [&overridden](std::optional<double> &field, const std::optional<double> &v) {
        if (v) {
            field = v;
            overridden = true;
        }
    };
    if (o.inputCostPerToken) {
        p.inputPerToken = *o.inputCostPerToken;
        // A batch price derived from a stale list price would be wrong: derive it from the override.
        p.batchInputPerToken = *o.inputCostPerToken / 2;
        overridden = true;
    }
    if (o.outputCostPerToken) {
        p.outputPerToken = *o.outputCostPerToken;
        p.batchOutputPerToken = *o.outputCostPerToken / 2;
        overridden = true;
    }
    apply(p.cachedInputPerToken, o.cacheReadInputTokenCost);
    apply(p.cacheWritePerToken, o.cacheCreationInputTokenCost);
    apply(p.cacheWrite1hPerToken, o.cacheCreationInputTokenCostAbove1h);
    apply(p.inputPerTokenAbove200k, o.inputCostPerTokenAbove200k);
    apply(p.outputPerTokenAbove200k, o.outputCostPerTokenAbove200k);
    apply(p.cachedInputPerTokenAbove200k, o.cacheReadInputTokenCostAbove200k);
    apply(p.cacheWritePerTokenAbove200k, o.cacheCreationInputTokenCostAbove200k);
    if (o.maxInputTokens) {
        p.contextWindow = *o.maxInputTokens;
        overridden = true;
    }
    if (o.maxOutputTokens) {
        p.maxOutputTokens = *o.maxOutputTokens;
        overridden = true;
    }
    if (overridden) {
        const QString where = o.origin.isEmpty() ? QStringLiteral("model_info") : o.origin;
        p.source = p.source.isEmpty() ? where : p.source + QStringLiteral(" + ") + where;
    }
    // Config prices name the price; context-window overrides alone do not change where it comes from.
    if (o.anyPrice())
        q.origin = PriceOrigin::Config;
    return q;
}

Result<int> PriceTable::importLiteLlm(const QString &jsonPath)
{
    auto r = importLiteLlmWithStats(jsonPath);
    if (!r)
        return std::unexpected(r.error());
    return r->imported;
}

Result<LiteLlmImportStats> PriceTable::importLiteLlmWithStats(const QString &jsonPath)
{
    QFile f(jsonPath);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the price map: %1").arg(f.errorString()), jsonPath);
    return importLiteLlmJson(f.readAll(), jsonPath);
}

Result<LiteLlmImportStats> PriceTable::importLiteLlmJson(const QByteArray &json, const QString &name)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) {
        // Report a line:column like the YAML loaders do.
        int line = 1, col = 1;
        for (int i = 0; i < err.offset && i < json.size(); ++i) {
            if (json[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        return fail(QStringLiteral("not a valid price map: %1").arg(err.errorString()), name, line, col);
    }
    if (!doc.isObject())
        return fail(QStringLiteral("not a valid price map: the top level must be an object"), name);

    LiteLlmImportStats s;
    QSet<QString> imported;
    QHash<QString, ModelPrice> viaAlias;
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        ++s.entries;
        if (it.key() == QLatin1String("sample_spec")) {
            ++s.skippedSampleSpec;
            continue;
        }
        if (!it.value().isObject()) {
            ++s.malformed;
            continue;
        }
        const QJsonObject o = it.value().toObject();
        const QString litellmProvider = o.value(QLatin1String("litellm_provider")).toString();
        if (litellmProvider.isEmpty()) {
            ++s.malformed;
            continue;
        }
        const QString mode = o.value(QLatin1String("mode")).toString();
        if (!mode.isEmpty() && mode != QLatin1String("chat") && mode != QLatin1String("completion")
            && mode != QLatin1String("responses")) {
            ++s.skippedNotChat;
            continue;
        }
        int odd = 0;
        const auto in = jsonPrice(o, "input_cost_per_token", odd);
        const auto out = jsonPrice(o, "output_cost_per_token", odd);
        if (!in && !out) {
            s.oddFields += odd;
            ++s.skippedNoPrice;
            continue;
        }
        ModelPrice p;
        p.inputPerToken = in.value_or(0);
        p.outputPerToken = out.value_or(0);
        p.cachedInputPerToken = jsonPrice(o, "cache_read_input_token_cost", odd);
        p.cacheWritePerToken = jsonPrice(o, "cache_creation_input_token_cost", odd);
        p.batchInputPerToken = jsonPrice(o, "input_cost_per_token_batches", odd);
        p.batchOutputPerToken = jsonPrice(o, "output_cost_per_token_batches", odd);
        p.cacheWrite1hPerToken = jsonPrice(o, "cache_creation_input_token_cost_above_1hr", odd);
        p.inputPerTokenAbove200k = jsonPrice(o, "input_cost_per_token_above_200k_tokens", odd);
        p.outputPerTokenAbove200k = jsonPrice(o, "output_cost_per_token_above_200k_tokens", odd);
        p.cachedInputPerTokenAbove200k = jsonPrice(o, "cache_read_input_token_cost_above_200k_tokens", odd);
        p.cacheWritePerTokenAbove200k = jsonPrice(o, "cache_creation_input_token_cost_above_200k_tokens", odd);
        p.cacheWrite1hPerTokenAbove200k = jsonPrice(o, "cache_creation_input_token_cost_above_1hr_above_200k_tokens", odd);
        p.contextWindow = jsonCount(o, "max_input_tokens", odd);
        p.maxOutputTokens = jsonCount(o, "max_output_tokens", odd);
        if (p.maxOutputTokens == 0 && o.contains(QLatin1String("max_tokens")))
            p.maxOutputTokens = jsonCount(o, "max_tokens", odd);   // legacy field
        p.source = QStringLiteral("litellm");
        s.oddFields += odd;

        // Keys are "gpt-4o", "claude-3-5-haiku-20241022", "gemini/gemini-2.5-flash",
        // "mistral/mistral-large-latest", "vertex_ai/claude-...": drop the provider prefix.
        const QString provider = normalizeProvider(litellmProvider);
        QString model = it.key();
        for (const QString &prefix : {litellmProvider, provider}) {
            if (model.startsWith(prefix + QLatin1Char('/'))) {
                model = model.mid(prefix.size() + 1);
                break;
            }
        }
        const QString key = keyOf(provider, model);
        m_prices.insert(key, p);
        imported.insert(key);
        // A dated id the built-in table knows as an alias of the same model: the imported price
        // supersedes the built-in one under its canonical id too, so every spelling agrees --
        // unless the map prices the canonical id itself (applied after the loop).
        if (const auto a = m_aliases.constFind(key); a != m_aliases.cend())
            viaAlias.insert(*a, p);
        ++s.imported;
    }
    for (auto it = viaAlias.cbegin(); it != viaAlias.cend(); ++it)
        if (!imported.contains(it.key()))
            m_prices.insert(it.key(), it.value());
    qCInfo(lcPricing) << "imported" << s.imported << "of" << s.entries << "price entries from" << name
                      << "(not chat:" << s.skippedNotChat << "no price:" << s.skippedNoPrice
                      << "malformed:" << s.malformed << "odd fields:" << s.oddFields << ")";
    return s;
}

qint64 pricePicos(double usdPerToken)
{
    if (!(usdPerToken > 0))
        return 0;
    return qint64(std::llround(static_cast<long double>(usdPerToken) * 1e12L));
}

qint64 picosToMicros(qint64 picos)
{
    // costPicos() saturates at INT64_MAX; rounding must not wrap that into a negative cost.
    if (picos > std::numeric_limits<qint64>::max() - kPicosPerMicro)
        return std::numeric_limits<qint64>::max() / kPicosPerMicro;
    if (picos >= 0)
        return (picos + kPicosPerMicro / 2) / kPicosPerMicro;
    return -((-picos + kPicosPerMicro / 2) / kPicosPerMicro);
}

qint64 costPicos(const ModelPrice &p, const Usage &u, PriceMode mode)
{
    const bool batch = mode == PriceMode::BatchApi;
    // Google and Anthropic bill the whole call at the long-context rate once the prompt is over
    // the threshold (LiteLLM applies it the same way).
    const bool longPrompt = u.promptTokens > kLongPromptThreshold;
    const auto tier = [longPrompt](const std::optional<double> &above, const std::optional<double> &normal) {
        return longPrompt && above ? above : normal;
    };
    const double inputList = longPrompt && p.inputPerTokenAbove200k ? *p.inputPerTokenAbove200k : p.inputPerToken;
    const double outputList = longPrompt && p.outputPerTokenAbove200k ? *p.outputPerTokenAbove200k : p.outputPerToken;
    const bool tiered = longPrompt && (p.inputPerTokenAbove200k || p.outputPerTokenAbove200k);
    // A published batch price is for the normal tier; above it, half the tier's price.
    const qint64 in = pricePicos(batch ? (tiered ? inputList / 2 : p.batchInputPerToken.value_or(inputList / 2)) : inputList);
    const qint64 out = pricePicos(batch ? (tiered ? outputList / 2 : p.batchOutputPerToken.value_or(outputList / 2)) : outputList);
    // Batch discounts stack with cache pricing at the providers that offer both.
    const double f = batch ? 0.5 : 1.0;
    const std::optional<double> cachedPrice = tier(p.cachedInputPerTokenAbove200k, p.cachedInputPerToken);
    const std::optional<double> writePrice = tier(p.cacheWritePerTokenAbove200k, p.cacheWritePerToken);
    const std::optional<double> write1hPrice = tier(p.cacheWrite1hPerTokenAbove200k, p.cacheWrite1hPerToken);
    const qint64 cached = cachedPrice ? pricePicos(*cachedPrice * f) : in;
    const qint64 write = writePrice ? pricePicos(*writePrice * f) : in;
    const qint64 write1h = write1hPrice ? pricePicos(*write1hPrice * f) : write;

    const qint64 cachedTokens = std::max<qint64>(0, u.cachedTokens);
    const qint64 writeTokens = std::max<qint64>(0, u.cacheWriteTokens);
    const qint64 write1hTokens = std::clamp<qint64>(u.cacheWrite1hTokens, 0, writeTokens);
    const qint64 uncached = std::max<qint64>(0, u.promptTokens - cachedTokens - writeTokens);
    const __int128 total = __int128(uncached) * in + __int128(cachedTokens) * cached
                           + __int128(writeTokens - write1hTokens) * write + __int128(write1hTokens) * write1h
                           + __int128(std::max<qint64>(0, u.completionTokens)) * out;
    return total > std::numeric_limits<qint64>::max() ? std::numeric_limits<qint64>::max() : qint64(total);
}

qint64 costMicros(const ModelPrice &p, const Usage &u)
{
    return picosToMicros(costPicos(p, u, PriceMode::Standard));
}

qint64 costMicros(const ModelPrice &p, const Usage &u, PriceMode mode)
{
    return picosToMicros(costPicos(p, u, mode));
}

qint64 worstCasePicos(const ModelPrice &p, qint64 promptTokens, qint64 maxTokens, PriceMode mode)
{
    Usage u;
    u.promptTokens = promptTokens;
    u.completionTokens = maxTokens;
    return costPicos(p, u, mode);
}

qint64 worstCaseMicros(const ModelPrice &p, qint64 promptTokens, qint64 maxTokens)
{
    return picosToMicros(worstCasePicos(p, promptTokens, maxTokens, PriceMode::Standard));
}

qint64 worstCaseMicros(const ModelPrice &p, qint64 promptTokens, qint64 maxTokens, PriceMode mode)
{
    return picosToMicros(worstCasePicos(p, promptTokens, maxTokens, mode));
}

qint64 CostAccumulator::micros() const
{
    const __int128 m = (m_picos + kPicosPerMicro / 2) / kPicosPerMicro;
    if (m > std::numeric_limits<qint64>::max())
        return std::numeric_limits<qint64>::max();
    return qint64(m);
}

} // namespace wb
