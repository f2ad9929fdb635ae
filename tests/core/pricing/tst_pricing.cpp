// Prices: built-in lookup with aliases, LiteLLM import, model_info overrides, and the cost of a
// call checked against hand arithmetic.
#include "core/pricing/pricing.h"

#include <QTest>

using namespace wb;

class TestPricing : public QObject {
    Q_OBJECT
private slots:
    void cost_data();
    void cost();
    void worstCase();
    void noDriftOverMillionsOfCalls();
    void builtInCoversListedModels();
    void lookup_data();
    void lookup();
    void cheaperAlternative();
    void importOddFile();
    void importSharedLiteLlmMap();
    void importErrors();
    void deploymentOverrides();
    void longPromptTier();
    void oneHourCacheWrites();
    void configTierPrices();
    void quoteOrigins();
};

static Usage usage(qint64 prompt, qint64 completion, qint64 cached = 0, qint64 written = 0)
{
    Usage u;
    u.promptTokens = prompt;
    u.completionTokens = completion;
    u.cachedTokens = cached;
    u.cacheWriteTokens = written;
    u.reported = true;
    return u;
}

void TestPricing::cost_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<qint64>("prompt");
    QTest::addColumn<qint64>("completion");
    QTest::addColumn<qint64>("cached");
    QTest::addColumn<qint64>("written");
    QTest::addColumn<bool>("batch");
    QTest::addColumn<qint64>("micros");

    // Hand arithmetic in micro-dollars (price per million tokens = micro-dollars per token).
    // 1000 x 2.50 + 500 x 10.00 = 2500 + 5000
    QTest::newRow("gpt-4o plain") << "openai" << "gpt-4o" << 1000LL << 500LL << 0LL << 0LL << false << 7500LL;
    // 976 x 2.50 + 1024 x 1.25 + 100 x 10 = 2440 + 1280 + 1000
    QTest::newRow("gpt-4o cached") << "openai" << "gpt-4o" << 2000LL << 100LL << 1024LL << 0LL << false << 4720LL;
    // Anthropic: prompt = input 300 + cache read 2000 + cache write 1500.
    // 300 x 0.80 + 2000 x 0.08 + 1500 x 1.00 + 250 x 4.00 = 240 + 160 + 1500 + 1000
    QTest::newRow("haiku cache read+write") << "anthropic" << "claude-3-5-haiku-20241022" << 3800LL << 250LL
                                            << 2000LL << 1500LL << false << 2900LL;
    // 12345 x 0.30 + 678 x 2.50 = 3703.5 + 1695 = 5398.5 -> half up
    QTest::newRow("gemini half up") << "gemini" << "gemini-2.5-flash" << 12345LL << 678LL << 0LL << 0LL << false
                                    << 5399LL;
    // 3 x 0.15 + 1 x 0.60 = 1.05 -> 1
    QTest::newRow("mini rounds down") << "openai" << "gpt-4o-mini" << 3LL << 1LL << 0LL << 0LL << false << 1LL;
    // 10 x 0.15 = 1.5 -> 2
    QTest::newRow("mini exact half") << "openai" << "gpt-4o-mini" << 10LL << 0LL << 0LL << 0LL << false << 2LL;
    // No cached price: cached tokens at the input price. 1000 x 0.50
    QTest::newRow("cached fallback") << "openai" << "gpt-3.5-turbo" << 1000LL << 0LL << 500LL << 0LL << false << 500LL;
    // Batch API: 1000 x 1.25 + 500 x 5.00
    QTest::newRow("gpt-4o batch") << "openai" << "gpt-4o" << 1000LL << 500LL << 0LL << 0LL << true << 3750LL;
    // 2000 x 15 + 1000 x 75 = 30000 + 75000
    QTest::newRow("opus") << "anthropic" << "claude-opus-4-1" << 2000LL << 1000LL << 0LL << 0LL << false << 105000LL;
    // 1,000,000 x 0.05 + 1,000,000 x 0.40 (gpt-5-nano) = 450,000
    QTest::newRow("nano large") << "openai" << "gpt-5-nano" << 1000000LL << 1000000LL << 0LL << 0LL << false
                                << 450000LL;
    // 7 x 0.10 + 3 x 0.30 (mistral small) = 0.7 + 0.9 = 1.6 -> 2
    QTest::newRow("mistral small") << "mistral" << "mistral-small-latest" << 7LL << 3LL << 0LL << 0LL << false << 2LL;
    // o3-mini: 1234 x 1.10 + 4321 x 4.40 = 1357.4 + 19012.4 = 20369.8 -> 20370
    QTest::newRow("o3-mini decimals") << "openai" << "o3-mini" << 1234LL << 4321LL << 0LL << 0LL << false << 20370LL;
}

void TestPricing::cost()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(qint64, prompt);
    QFETCH(qint64, completion);
    QFETCH(qint64, cached);
    QFETCH(qint64, written);
    QFETCH(bool, batch);
    QFETCH(qint64, micros);
    const auto p = PriceTable::builtIn().find(provider, model);
    QVERIFY2(p, qPrintable(model));
    const Usage u = usage(prompt, completion, cached, written);
    if (batch)
        QCOMPARE(costMicros(*p, u, PriceMode::BatchApi), micros);
    else
        QCOMPARE(costMicros(*p, u), micros);
}

void TestPricing::worstCase()
{
    const PriceTable t = PriceTable::builtIn();
    // 1000 x 3 + 2000 x 15
    QCOMPARE(worstCaseMicros(*t.find(QStringLiteral("anthropic"), QStringLiteral("claude-sonnet-4-5")), 1000, 2000),
             33000);
    // Worst case never below the actual cost of a call within its max_tokens.
    const ModelPrice p = *t.find(QStringLiteral("openai"), QStringLiteral("gpt-4o"));
    QVERIFY(worstCaseMicros(p, 800, 300) >= costMicros(p, usage(800, 300, 400)));
    QCOMPARE(worstCaseMicros(p, 800, 300), 800 * 5 / 2 + 3000);
}

void TestPricing::noDriftOverMillionsOfCalls()
{
    const ModelPrice p = *PriceTable::builtIn().find(QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"));
    // One prompt token costs 0.15 micro-dollars: per-call rounding would book 0 for every call.
    CostAccumulator acc;
    qint64 perCallRounded = 0;
    for (int i = 0; i < 3'000'000; ++i) {
        acc.addPicos(costPicos(p, usage(1, 0)));
        perCallRounded += costMicros(p, usage(1, 0));
    }
    QCOMPARE(perCallRounded, 0);
    QCOMPARE(acc.micros(), 450000);   // 3e6 x 0.15
    QCOMPARE(acc.usd(), 0.45);
}

void TestPricing::builtInCoversListedModels()
{
    const PriceTable t = PriceTable::builtIn();
    const QList<QPair<QString, QString>> models = {
        {u"openai"_qs, u"gpt-4o"_qs}, {u"openai"_qs, u"gpt-4o-mini"_qs}, {u"openai"_qs, u"gpt-4.1"_qs},
        {u"openai"_qs, u"gpt-4.1-mini"_qs}, {u"openai"_qs, u"gpt-4.1-nano"_qs}, {u"openai"_qs, u"o1"_qs},
        {u"openai"_qs, u"o3"_qs}, {u"openai"_qs, u"o3-mini"_qs}, {u"openai"_qs, u"o4-mini"_qs},
        {u"openai"_qs, u"gpt-5"_qs}, {u"openai"_qs, u"gpt-5-mini"_qs}, {u"openai"_qs, u"gpt-5-nano"_qs},
        {u"openai"_qs, u"gpt-4-turbo"_qs}, {u"openai"_qs, u"gpt-3.5-turbo"_qs},
        {u"anthropic"_qs, u"claude-3-5-haiku-20241022"_qs}, {u"anthropic"_qs, u"claude-3-7-sonnet-20250219"_qs},
        {u"anthropic"_qs, u"claude-sonnet-4-20250514"_qs}, {u"anthropic"_qs, u"claude-sonnet-4-5-20250929"_qs},
        {u"anthropic"_qs, u"claude-opus-4-20250514"_qs}, {u"anthropic"_qs, u"claude-opus-4-1-20250805"_qs},
        {u"anthropic"_qs, u"claude-haiku-4-5-20251001"_qs},
        {u"mistral"_qs, u"mistral-large-latest"_qs}, {u"mistral"_qs, u"mistral-medium"_qs},
        {u"mistral"_qs, u"mistral-small-latest"_qs}, {u"mistral"_qs, u"open-mistral-nemo"_qs},
        {u"mistral"_qs, u"codestral"_qs}, {u"mistral"_qs, u"ministral-8b"_qs},
        {u"gemini"_qs, u"gemini-2.5-pro"_qs}, {u"gemini"_qs, u"gemini-2.5-flash"_qs},
        {u"gemini"_qs, u"gemini-2.5-flash-lite"_qs}, {u"gemini"_qs, u"gemini-2.0-flash"_qs},
        {u"gemini"_qs, u"gemini-1.5-pro"_qs}, {u"gemini"_qs, u"gemini-1.5-flash"_qs},
    };
    for (const auto &[prov, model] : models) {
        const auto p = t.find(prov, model);
        QVERIFY2(p, qPrintable(prov + u'/' + model));
        QVERIFY(p->inputPerToken > 0);
        QVERIFY(p->outputPerToken >= p->inputPerToken);
        QVERIFY(p->contextWindow > 0);
        QVERIFY(p->maxOutputTokens > 0);
        QVERIFY(p->batchInputPerToken && qFuzzyCompare(*p->batchInputPerToken * 2, p->inputPerToken));
        QVERIFY(p->batchOutputPerToken && qFuzzyCompare(*p->batchOutputPerToken * 2, p->outputPerToken));
        QVERIFY(p->source.startsWith(u"built-in "_qs));
        if (prov == u"anthropic"_qs) {
            QVERIFY(p->cacheWritePerToken && *p->cacheWritePerToken > p->inputPerToken);
            QVERIFY(p->cachedInputPerToken && *p->cachedInputPerToken < p->inputPerToken);
        }
    }
    QVERIFY(PriceTable::builtInAsOfDate().isValid());
    QCOMPARE(PriceTable::builtInAsOf(), PriceTable::builtInAsOfDate().toString(Qt::ISODate));
}

void TestPricing::lookup_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("key");   // empty = not found
    QTest::newRow("exact") << "openai" << "gpt-4o" << "openai/gpt-4o";
    QTest::newRow("openai dated") << "openai" << "gpt-4o-2024-08-06" << "openai/gpt-4o";
    QTest::newRow("mini not o3") << "openai" << "o3-mini-2025-01-31" << "openai/o3-mini";
    QTest::newRow("unknown date") << "openai" << "gpt-4.1-mini-2026-01-01" << "openai/gpt-4.1-mini";
    QTest::newRow("3.5 turbo 1106 has its own price") << "openai" << "gpt-3.5-turbo-1106" << "openai/gpt-3.5-turbo-1106";
    QTest::newRow("3.5 turbo 0613 falls back to the family") << "openai" << "gpt-3.5-turbo-0613" << "openai/gpt-3.5-turbo";
    QTest::newRow("anthropic dated") << "anthropic" << "claude-3-5-haiku-20241022" << "anthropic/claude-3-5-haiku";
    QTest::newRow("anthropic latest") << "anthropic" << "claude-3-5-haiku-latest" << "anthropic/claude-3-5-haiku";
    QTest::newRow("dotted group name") << "anthropic" << "claude-3.5-haiku" << "anthropic/claude-3-5-haiku";
    QTest::newRow("litellm qualified") << "anthropic" << "anthropic/claude-sonnet-4-5-20250929"
                                       << "anthropic/claude-sonnet-4-5";
    QTest::newRow("sonnet-4-0") << "anthropic" << "claude-sonnet-4-0" << "anthropic/claude-sonnet-4";
    QTest::newRow("opus 4.1 not 4") << "anthropic" << "claude-opus-4-1-20250805" << "anthropic/claude-opus-4-1";
    QTest::newRow("mistral bare") << "mistral" << "mistral-large" << "mistral/mistral-large-latest";
    QTest::newRow("mistral qualified") << "mistral" << "mistral/mistral-small-latest" << "mistral/mistral-small-latest";
    QTest::newRow("mistral medium") << "mistral" << "mistral-medium" << "mistral/mistral-medium-latest";
    QTest::newRow("codestral version") << "mistral" << "codestral-2508" << "mistral/codestral-latest";
    QTest::newRow("gemini version") << "gemini" << "gemini-2.0-flash-001" << "gemini/gemini-2.0-flash";
    QTest::newRow("gemini qualified") << "gemini" << "gemini/gemini-2.5-flash" << "gemini/gemini-2.5-flash";
    QTest::newRow("gemini preview") << "gemini" << "gemini-2.5-flash-preview-05-20" << "gemini/gemini-2.5-flash";
    QTest::newRow("lite is not flash") << "gemini" << "gemini-2.5-flash-lite" << "gemini/gemini-2.5-flash-lite";
    QTest::newRow("vertex gemini") << "vertex_ai" << "gemini-2.5-pro" << "gemini/gemini-2.5-pro";
    QTest::newRow("vertex claude") << "vertex_ai" << "claude-opus-4-1@20250805" << "anthropic/claude-opus-4-1";
    QTest::newRow("proxy claude") << "openai" << "claude-haiku-4-5" << "anthropic/claude-haiku-4-5";
    QTest::newRow("case") << "OpenAI" << "GPT-4o" << "openai/gpt-4o";
    QTest::newRow("unknown") << "openai" << "my-local-llama" << "";
    QTest::newRow("unknown provider") << "openai" << "gemini-9-ultra" << "";
}

void TestPricing::lookup()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(QString, key);
    const PriceTable t = PriceTable::builtIn();
    const auto k = t.resolve(provider, model);
    if (key.isEmpty()) {
        QVERIFY2(!k, qPrintable(k.value_or(QString())));
        QVERIFY(!t.find(provider, model));
    } else {
        QVERIFY2(k, qPrintable(model));
        QCOMPARE(*k, key);
        QVERIFY(t.find(provider, model));
    }
}

void TestPricing::cheaperAlternative()
{
    const PriceTable t = PriceTable::builtIn();
    QCOMPARE(t.cheaperAlternative(u"openai"_qs, u"gpt-4o-2024-08-06"_qs).value_or(QString()), u"gpt-4o-mini"_qs);
    QCOMPARE(t.cheaperAlternative(u"anthropic"_qs, u"claude-sonnet-4-5"_qs).value_or(QString()), u"claude-haiku-4-5"_qs);
    QCOMPARE(t.cheaperAlternative(u"gemini"_qs, u"gemini-2.5-pro"_qs).value_or(QString()), u"gemini-2.5-flash"_qs);
    QVERIFY(!t.cheaperAlternative(u"openai"_qs, u"gpt-5-nano"_qs));
    // Every suggestion exists in the table and is cheaper on both input and output.
    for (const QString &key : t.keys()) {
        const QString prov = key.section(u'/', 0, 0), model = key.section(u'/', 1);
        if (const auto c = t.cheaperAlternative(prov, model)) {
            const auto a = t.find(prov, model), b = t.find(prov, *c);
            QVERIFY2(b, qPrintable(*c));
            QVERIFY2(b->inputPerToken <= a->inputPerToken && b->outputPerToken <= a->outputPerToken, qPrintable(key));
            QVERIFY(b->inputPerToken + b->outputPerToken < a->inputPerToken + a->outputPerToken);
        }
    }
}

void TestPricing::importOddFile()
{
    PriceTable t = PriceTable::builtIn();
    const auto r = t.importLiteLlmWithStats(QStringLiteral(WB_SOURCE_DIR "/tests/data/pricing/litellm_odd.json"));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(r->entries, 11);
    QCOMPARE(r->imported, 5);
    QCOMPARE(r->skippedSampleSpec, 1);
    QCOMPARE(r->skippedNotChat, 2);
    QCOMPARE(r->skippedNoPrice, 1);
    QCOMPARE(r->malformed, 2);
    QCOMPARE(r->oddFields, 2);   // max_input_tokens "lots", output_cost_per_token -1

    // Imported entries win over built-in ones, under every spelling of the model.
    const auto g = t.find(u"openai"_qs, u"gpt-4o"_qs);
    QCOMPARE(g->source, u"litellm"_qs);
    QCOMPARE(costMicros(*g, usage(1000, 500)), 1000 * 5 + 500 * 20);
    QCOMPARE(costMicros(*g, usage(1000, 500), PriceMode::BatchApi), 1000 * 5 / 2 + 500 * 10);
    for (const QString &m : {u"claude-3-5-haiku-20241022"_qs, u"claude-3-5-haiku"_qs, u"claude-3-5-haiku-latest"_qs}) {
        const auto h = t.find(u"anthropic"_qs, m);
        QVERIFY(h);
        QCOMPARE(h->source, u"litellm"_qs);
        QCOMPARE(pricePicos(h->inputPerToken), 1'000'000);
    }
    const auto gem = t.find(u"gemini"_qs, u"gemini-2.5-flash"_qs);
    QCOMPARE(gem->source, u"litellm"_qs);
    QCOMPARE(pricePicos(gem->inputPerToken), 300'000);   // given as a string
    QCOMPARE(gem->contextWindow, 0);                      // "lots" ignored
    QCOMPARE(gem->maxOutputTokens, 65535);
    const auto mis = t.find(u"mistral"_qs, u"mistral-large"_qs);
    QCOMPARE(mis->source, u"litellm"_qs);
    QCOMPARE(mis->outputPerToken, 0.0);                   // -1 ignored
    QCOMPARE(mis->maxOutputTokens, 128000);               // legacy max_tokens
    const auto vtx = t.find(u"vertex_ai"_qs, u"claude-sonnet-4-5@20250929"_qs);
    QCOMPARE(pricePicos(vtx->inputPerToken), 3'300'000);
    // Direct Anthropic keeps its own price.
    QCOMPARE(pricePicos(t.find(u"anthropic"_qs, u"claude-sonnet-4-5"_qs)->inputPerToken), 3'000'000);
    // Skipped entries did not land.
    QVERIFY(!t.find(u"openai"_qs, u"text-embedding-3-small"_qs));
    QVERIFY(!t.find(u"openai"_qs, u"some-chat-model-without-prices"_qs));
    // Importing returns the imported count through the short API too.
    PriceTable empty;
    const auto n = empty.importLiteLlm(QStringLiteral(WB_SOURCE_DIR "/tests/data/pricing/litellm_odd.json"));
    QVERIFY(n);
    QCOMPARE(*n, 5);
    QCOMPARE(empty.size(), 5);
}

void TestPricing::importSharedLiteLlmMap()
{
    PriceTable t = PriceTable::builtIn();
    const auto r = t.importLiteLlmWithStats(QStringLiteral(WB_SHARED_DATA_DIR "/model_prices_and_context_window.json"));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    // Counts of this copy of the file (checked independently with a script over the JSON).
    QCOMPARE(r->entries, 2984);
    QCOMPARE(r->skippedSampleSpec, 1);
    QCOMPARE(r->imported, 2272);
    QCOMPARE(r->skippedNotChat, 568);
    QCOMPARE(r->skippedNoPrice, 142);
    QCOMPARE(r->malformed, 1);
    QCOMPARE(r->entries, r->imported + r->skippedSampleSpec + r->skippedNotChat + r->skippedNoPrice + r->malformed);

    const auto sonnet = t.find(u"anthropic"_qs, u"claude-3-7-sonnet-20250219"_qs);
    QCOMPARE(sonnet->source, u"litellm"_qs);
    QCOMPARE(pricePicos(*sonnet->cacheWritePerToken), 3'750'000);
    const auto flash = t.find(u"gemini"_qs, u"gemini/gemini-2.5-flash"_qs);
    QCOMPARE(flash->source, u"litellm"_qs);
    QCOMPARE(pricePicos(flash->outputPerToken), 2'500'000);
    QCOMPARE(pricePicos(*t.find(u"openai"_qs, u"gpt-4o"_qs)->batchOutputPerToken), 5'000'000);
    QCOMPARE(t.find(u"mistral"_qs, u"mistral-large-latest"_qs)->source, u"litellm"_qs);
    // The map lists gemini/gemini-1.5-flash as an embedding model: skipped, the built-in chat
    // price stays.
    QVERIFY(t.find(u"gemini"_qs, u"gemini-1.5-flash"_qs)->source.startsWith(u"built-in"_qs));
    // Claude 3.5 Haiku is no longer in the map: the built-in price answers.
    QVERIFY(t.find(u"anthropic"_qs, u"claude-3-5-haiku-20241022"_qs)->source.startsWith(u"built-in"_qs));
}

void TestPricing::importErrors()
{
    PriceTable t;
    auto r = t.importLiteLlmJson(QByteArrayLiteral("{\n  \"gpt-4o\": {\"input_cost_per_token\": 1e-6,,}\n}"),
                                 u"bad.json"_qs);
    QVERIFY(!r);
    QCOMPARE(r.error().file, u"bad.json"_qs);
    QCOMPARE(r.error().line, 2);
    r = t.importLiteLlmJson(QByteArrayLiteral("[1, 2]"), u"array.json"_qs);
    QVERIFY(!r);
    const auto missing = t.importLiteLlm(u"/nonexistent/prices.json"_qs);
    QVERIFY(!missing);
    QVERIFY(missing.error().toString().contains(u"/nonexistent/prices.json"_qs));
    QCOMPARE(t.size(), 0);
}

void TestPricing::deploymentOverrides()
{
    const PriceTable t = PriceTable::builtIn();
    Deployment d;
    d.provider = u"gemini"_qs;
    d.model = u"gemini-2.5-flash"_qs;
    d.price.inputCostPerToken = 2.0e-07;
    d.price.maxInputTokens = 100000;
    const auto p = t.forDeployment(d);
    QVERIFY(p);
    QCOMPARE(pricePicos(p->inputPerToken), 200'000);
    QCOMPARE(pricePicos(p->outputPerToken), 2'500'000);   // not overridden: list price
    QCOMPARE(p->contextWindow, 100000);
    QCOMPARE(p->maxOutputTokens, 65536);
    QVERIFY(p->source.endsWith(u"model_info"_qs));
    // 1000 x 0.20 + 100 x 2.50
    QCOMPARE(costMicros(*p, usage(1000, 100)), 450);
    QCOMPARE(costMicros(*p, usage(1000, 100), PriceMode::BatchApi), 225);

    // No override: the list price.
    Deployment plain = d;
    plain.price = {};
    QCOMPARE(t.forDeployment(plain)->source, u"built-in "_qs + PriceTable::builtInAsOf());

    // A model the table does not know, priced by model_info alone.
    Deployment local;
    local.provider = u"openai"_qs;
    local.model = u"llama-3.1-8b"_qs;
    QVERIFY(!t.forDeployment(local));
    local.price.inputCostPerToken = 1e-07;
    local.price.outputCostPerToken = 2e-07;
    const auto lp = t.forDeployment(local);
    QVERIFY(lp);
    QCOMPARE(lp->source, u"model_info"_qs);
    QCOMPARE(costMicros(*lp, usage(10000, 5000)), 1000 + 1000);
}

// All costs below are computed by hand from the providers' price pages (USD per million tokens).

void TestPricing::longPromptTier()
{
    const PriceTable builtIn = PriceTable::builtIn();
    const auto pro = builtIn.find(u"gemini"_qs, u"gemini-2.5-pro"_qs);
    QVERIFY(pro);
    // 300k prompt, 1k output, above 200k: 300000 x $2.50/M + 1000 x $15/M = $0.75 + $0.015.
    QCOMPARE(costMicros(*pro, usage(300000, 1000)), 765000);
    // Exactly 200k is not above: 200000 x $1.25/M + 1000 x $10/M = $0.25 + $0.01.
    QCOMPARE(costMicros(*pro, usage(200000, 1000)), 260000);
    // The same from LiteLLM's map.
    PriceTable imported = PriceTable::builtIn();
    QVERIFY(imported.importLiteLlm(QStringLiteral(WB_SHARED_DATA_DIR "/model_prices_and_context_window.json")));
    const auto pro2 = imported.find(u"gemini"_qs, u"gemini-2.5-pro"_qs);
    QCOMPARE(pro2->source, u"litellm"_qs);
    QCOMPARE(costMicros(*pro2, usage(300000, 1000)), 765000);
    // Claude Sonnet 4.5 from the map: 250k prompt = 190k uncached x $6 + 50k cache reads x $0.60
    // + 6k 5-minute writes x $7.50 + 4k 1-hour writes x $12; 2k output x $22.50.
    const auto sonnet = imported.find(u"anthropic"_qs, u"claude-sonnet-4-5-20250929"_qs);
    QVERIFY(sonnet);
    Usage u = usage(250000, 2000, 50000, 10000);
    u.cacheWrite1hTokens = 4000;
    QCOMPARE(costMicros(*sonnet, u), 1140000 + 30000 + 45000 + 48000 + 45000);
    // Worst case before sending applies the tier too.
    QCOMPARE(worstCaseMicros(*pro, 300000, 1000), 765000);
}

void TestPricing::oneHourCacheWrites()
{
    const auto sonnet = PriceTable::builtIn().find(u"anthropic"_qs, u"claude-sonnet-4-5"_qs);
    QVERIFY(sonnet);
    // 10k prompt: 7k uncached x $3 + 1k 5-minute writes x $3.75 + 2k 1-hour writes x $6; 100 output x $15.
    Usage u = usage(10000, 100, 0, 3000);
    u.cacheWrite1hTokens = 2000;
    QCOMPARE(costMicros(*sonnet, u), 21000 + 3750 + 12000 + 1500);
    // Without the 1-hour split every write is a 5-minute one: 3k x $3.75.
    QCOMPARE(costMicros(*sonnet, usage(10000, 100, 0, 3000)), 21000 + 11250 + 1500);
}

void TestPricing::configTierPrices()
{
    const auto list = parseModelList("model_list:\n"
                                     "  - model_name: ft\n"
                                     "    litellm_params:\n"
                                     "      model: openai/ft:gpt-4o-mini:lab::abc\n"
                                     "      input_cost_per_token: 0.000001\n"
                                     "      output_cost_per_token: 0.000002\n"
                                     "      input_cost_per_token_above_200k_tokens: 0.000003\n"
                                     "    model_info:\n"
                                     "      cache_creation_input_token_cost_above_1hr: 0.000004\n",
                                     u"m.yaml"_qs);
    QVERIFY(list);
    const PriceQuote q = PriceTable::builtIn().quote(list->deployments[0]);
    QCOMPARE(q.origin, PriceOrigin::Config);
    QVERIFY(q.price);
    // 250k prompt at the config's above-200k input price, output at its only output price.
    QCOMPARE(costMicros(*q.price, usage(250000, 1000)), 750000 + 2000);
    // 100k prompt with 10k 1-hour writes: 90k x $1 + 10k x $4; 1k x $2.
    Usage u = usage(100000, 1000, 0, 10000);
    u.cacheWrite1hTokens = 10000;
    QCOMPARE(costMicros(*q.price, u), 90000 + 40000 + 2000);
}

void TestPricing::quoteOrigins()
{
    const PriceTable builtIn = PriceTable::builtIn();
    const auto dep = [](const char *provider, const char *model, const char *baseModel = "") {
        Deployment d;
        d.provider = QString::fromLatin1(provider);
        d.model = QString::fromLatin1(model);
        d.baseModel = QString::fromLatin1(baseModel);
        return d;
    };
    // gpt-3.5-turbo-1106 is $1/$2, not the family's $0.50/$1.50: 1000 in + 1000 out = $0.003.
    const PriceQuote exact = builtIn.quote(dep("openai", "gpt-3.5-turbo-1106"));
    QCOMPARE(exact.origin, PriceOrigin::BuiltIn);
    QCOMPARE(exact.matchedKey, u"openai/gpt-3.5-turbo-1106"_qs);
    QCOMPARE(costMicros(*exact.price, usage(1000, 1000)), 3000);
    const PriceQuote family = builtIn.quote(dep("openai", "gpt-3.5-turbo-0613"));
    QCOMPARE(family.origin, PriceOrigin::FamilyFallback);
    QCOMPARE(family.matchedKey, u"openai/gpt-3.5-turbo"_qs);
    QCOMPARE(builtIn.quote(dep("openai", "my-local-model")).origin, PriceOrigin::Unknown);
    QVERIFY(!builtIn.quote(dep("openai", "my-local-model")).price);
    // An Azure-style deployment name priced by its base_model.
    const PriceQuote base = builtIn.quote(dep("azure", "prod-deployment-7", "gpt-4o"));
    QCOMPARE(base.origin, PriceOrigin::BuiltIn);
    QCOMPARE(base.matchedKey, u"openai/gpt-4o"_qs);

    PriceTable imported = PriceTable::builtIn();
    QVERIFY(imported.importLiteLlm(QStringLiteral(WB_SHARED_DATA_DIR "/model_prices_and_context_window.json")));
    const PriceQuote fromMap = imported.quote(dep("openai", "gpt-3.5-turbo-1106"));
    QCOMPARE(fromMap.origin, PriceOrigin::LiteLlmMap);
    QCOMPARE(costMicros(*fromMap.price, usage(1000, 1000)), 3000);
    // The family keeps its own price after the import.
    QCOMPARE(costMicros(*imported.find(u"openai"_qs, u"gpt-3.5-turbo"_qs), usage(1000, 1000)), 2000);
    QCOMPARE(priceOriginName(PriceOrigin::FamilyFallback), u"family fallback"_qs);
}

QTEST_GUILESS_MAIN(TestPricing)
#include "tst_pricing.moc"
