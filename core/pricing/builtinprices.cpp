// The built-in price table: list prices in USD per million tokens as published by the providers,
// compiled by hand for the models researchers use (figures cross-checked against the copy of
// LiteLLM's published price map, model_prices_and_context_window.json). Prices change: importing a fresh LiteLLM map, or
// model_info overrides in the model list, take precedence over this table.
//
// Simplifications, stated so nobody mistakes them for facts:
//  - Gemini 2.5 Pro and Claude Sonnet 4/4.5 charge more for prompts above 200k tokens (kLongContext);
//    Gemini 1.5 Pro's 128k tier is not modelled.
//  - Batch prices are the providers' Batch API prices, 50 % of the standard ones for all four.
//  - Anthropic cache writes are the 5-minute TTL price (1.25 x input), 1-hour writes 2 x input;
//    cache reads 0.1 x input.
#include "core/pricing/pricing.h"

#include <QDate>

namespace wb {

namespace {

struct BuiltInPrice {
    const char *provider;
    const char *model;           // canonical id (the provider's alias where there is one)
    const char *aliases;         // space-separated: dated ids, "-latest" and other aliases
    double input, output;        // USD per million tokens
    double cachedInput;          // < 0 = no caching discount published
    double cacheWrite;           // < 0 = not applicable
    qint64 contextWindow, maxOutput;
    const char *cheaper;         // cheaper model of the same family, or nullptr
};

constexpr double kNone = -1;

// clang-format off
constexpr BuiltInPrice kPrices[] = {
    // ---- OpenAI (cached input: automatic prompt caching) ----
    {"openai", "gpt-4o", "gpt-4o-2024-08-06 gpt-4o-2024-11-20 chatgpt-4o-latest", 2.50, 10.00, 1.25, kNone, 128000, 16384, "gpt-4o-mini"},
    {"openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18", 0.15, 0.60, 0.075, kNone, 128000, 16384, nullptr},
    {"openai", "gpt-4.1", "gpt-4.1-2025-04-14", 2.00, 8.00, 0.50, kNone, 1047576, 32768, "gpt-4.1-mini"},
    {"openai", "gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 0.40, 1.60, 0.10, kNone, 1047576, 32768, "gpt-4.1-nano"},
    {"openai", "gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", 0.10, 0.40, 0.025, kNone, 1047576, 32768, nullptr},
    {"openai", "o1", "o1-2024-12-17", 15.00, 60.00, 7.50, kNone, 200000, 100000, "o3"},
    {"openai", "o3", "o3-2025-04-16", 2.00, 8.00, 0.50, kNone, 200000, 100000, "o4-mini"},
    {"openai", "o3-mini", "o3-mini-2025-01-31", 1.10, 4.40, 0.55, kNone, 200000, 100000, nullptr},
    {"openai", "o4-mini", "o4-mini-2025-04-16", 1.10, 4.40, 0.275, kNone, 200000, 100000, nullptr},
    {"openai", "gpt-5", "gpt-5-2025-08-07 gpt-5-chat-latest", 1.25, 10.00, 0.125, kNone, 272000, 128000, "gpt-5-mini"},
    {"openai", "gpt-5-mini", "gpt-5-mini-2025-08-07", 0.25, 2.00, 0.025, kNone, 272000, 128000, "gpt-5-nano"},
    {"openai", "gpt-5-nano", "gpt-5-nano-2025-08-07", 0.05, 0.40, 0.005, kNone, 272000, 128000, nullptr},
    {"openai", "gpt-4-turbo", "gpt-4-turbo-2024-04-09 gpt-4-turbo-preview", 10.00, 30.00, kNone, kNone, 128000, 4096, "gpt-4o"},
    {"openai", "gpt-3.5-turbo", "gpt-3.5-turbo-0125", 0.50, 1.50, kNone, kNone, 16385, 4096, nullptr},
    {"openai", "gpt-3.5-turbo-1106", "", 1.00, 2.00, kNone, kNone, 16385, 4096, nullptr},

    // ---- Anthropic (canonical = the provider's undated alias) ----
    {"anthropic", "claude-3-5-haiku", "claude-3-5-haiku-20241022 claude-3-5-haiku-latest claude-3.5-haiku", 0.80, 4.00, 0.08, 1.00, 200000, 8192, nullptr},
    {"anthropic", "claude-3-7-sonnet", "claude-3-7-sonnet-20250219 claude-3-7-sonnet-latest claude-3.7-sonnet", 3.00, 15.00, 0.30, 3.75, 200000, 64000, "claude-3-5-haiku"},
    {"anthropic", "claude-sonnet-4", "claude-sonnet-4-20250514 claude-sonnet-4-0 claude-4-sonnet", 3.00, 15.00, 0.30, 3.75, 200000, 64000, "claude-haiku-4-5"},
    {"anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929 claude-sonnet-4.5 claude-4-5-sonnet", 3.00, 15.00, 0.30, 3.75, 200000, 64000, "claude-haiku-4-5"},
    {"anthropic", "claude-opus-4", "claude-opus-4-20250514 claude-opus-4-0 claude-4-opus", 15.00, 75.00, 1.50, 18.75, 200000, 32000, "claude-sonnet-4-5"},
    {"anthropic", "claude-opus-4-1", "claude-opus-4-1-20250805 claude-opus-4.1", 15.00, 75.00, 1.50, 18.75, 200000, 32000, "claude-sonnet-4-5"},
    {"anthropic", "claude-haiku-4-5", "claude-haiku-4-5-20251001 claude-haiku-4.5", 1.00, 5.00, 0.10, 1.25, 200000, 64000, "claude-3-5-haiku"},

    // ---- Mistral (canonical = the "-latest" alias) ----
    {"mistral", "mistral-large-latest", "mistral-large mistral-large-2512 mistral-large-3", 0.50, 1.50, kNone, kNone, 262144, 262144, "mistral-small-latest"},
    {"mistral", "mistral-medium-latest", "mistral-medium mistral-medium-2508 mistral-medium-3", 0.40, 2.00, kNone, kNone, 131072, 131072, "mistral-small-latest"},
    {"mistral", "mistral-small-latest", "mistral-small mistral-small-2506", 0.10, 0.30, kNone, kNone, 131072, 131072, nullptr},
    {"mistral", "open-mistral-nemo", "open-mistral-nemo-2407 mistral-nemo", 0.15, 0.15, kNone, kNone, 131072, 131072, nullptr},
    {"mistral", "codestral-latest", "codestral codestral-2508", 0.30, 0.90, kNone, kNone, 262144, 262144, nullptr},
    {"mistral", "ministral-8b-latest", "ministral-8b ministral-8b-2512", 0.15, 0.15, kNone, kNone, 262144, 262144, nullptr},

    // ---- Gemini (Developer API; vertex_ai resolves here too) ----
    {"gemini", "gemini-2.5-pro", "", 1.25, 10.00, 0.125, kNone, 1048576, 65536, "gemini-2.5-flash"},
    {"gemini", "gemini-2.5-flash", "", 0.30, 2.50, 0.03, kNone, 1048576, 65536, "gemini-2.5-flash-lite"},
    {"gemini", "gemini-2.5-flash-lite", "", 0.10, 0.40, 0.01, kNone, 1048576, 65536, nullptr},
    {"gemini", "gemini-2.0-flash", "gemini-2.0-flash-001", 0.10, 0.40, 0.025, kNone, 1048576, 8192, nullptr},
    {"gemini", "gemini-1.5-pro", "gemini-1.5-pro-002 gemini-1.5-pro-latest", 1.25, 5.00, 0.3125, kNone, 2097152, 8192, "gemini-1.5-flash"},
    {"gemini", "gemini-1.5-flash", "gemini-1.5-flash-002 gemini-1.5-flash-latest", 0.075, 0.30, 0.01875, kNone, 1048576, 8192, nullptr},
};
// clang-format on

// Long-context prices: every token of a call whose prompt is above 200k tokens (USD per million).
struct LongContextPrice {
    const char *provider;
    const char *model;
    double input, output, cachedInput, cacheWrite;   // cacheWrite < 0: not applicable
};
constexpr LongContextPrice kLongContext[] = {
    {"gemini", "gemini-2.5-pro", 2.50, 15.00, 0.25, kNone},
    {"anthropic", "claude-sonnet-4", 6.00, 22.50, 0.60, 7.50},
    {"anthropic", "claude-sonnet-4-5", 6.00, 22.50, 0.60, 7.50},
};

// The date the figures above were last checked against the providers' price pages.
constexpr int kAsOfYear = 2025, kAsOfMonth = 12, kAsOfDay = 1;

} // namespace

QDate PriceTable::builtInAsOfDate()
{
    return QDate(kAsOfYear, kAsOfMonth, kAsOfDay);
}

QString PriceTable::builtInAsOf()
{
    return builtInAsOfDate().toString(Qt::ISODate);
}

PriceTable PriceTable::builtIn()
{
    PriceTable t;
    const QString source = QStringLiteral("built-in ") + builtInAsOf();
    for (const BuiltInPrice &b : kPrices) {
        ModelPrice p;
        p.inputPerToken = b.input / 1e6;
        p.outputPerToken = b.output / 1e6;
        if (b.cachedInput >= 0)
            p.cachedInputPerToken = b.cachedInput / 1e6;
        if (b.cacheWrite >= 0)
            p.cacheWritePerToken = b.cacheWrite / 1e6;
        p.batchInputPerToken = b.input / 2 / 1e6;
        p.batchOutputPerToken = b.output / 2 / 1e6;
        p.contextWindow = b.contextWindow;
        p.maxOutputTokens = b.maxOutput;
        // Anthropic's 1-hour cache writes cost twice the input price (5-minute ones 1.25 x).
        if (b.cacheWrite >= 0 && QLatin1String(b.provider) == QLatin1String("anthropic"))
            p.cacheWrite1hPerToken = 2 * b.input / 1e6;
        for (const LongContextPrice &l : kLongContext) {
            if (qstrcmp(l.provider, b.provider) != 0 || qstrcmp(l.model, b.model) != 0)
                continue;
            p.inputPerTokenAbove200k = l.input / 1e6;
            p.outputPerTokenAbove200k = l.output / 1e6;
            p.cachedInputPerTokenAbove200k = l.cachedInput / 1e6;
            if (l.cacheWrite >= 0) {
                p.cacheWritePerTokenAbove200k = l.cacheWrite / 1e6;
                p.cacheWrite1hPerTokenAbove200k = 2 * l.input / 1e6;
            }
        }
        p.source = source;
        const QString provider = QLatin1String(b.provider);
        const QString model = QLatin1String(b.model);
        t.insert(provider, model, p);
        const QStringList aliases = QString::fromLatin1(b.aliases).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString &a : aliases)
            t.insertAlias(provider, a, model);
        if (b.cheaper)
            t.m_cheaper.insert(provider + QLatin1Char('/') + model, QLatin1String(b.cheaper));
    }
    return t;
}

} // namespace wb
