// The provider traits table (core/common/provider.h): names map to kinds and back, prefixes we do
// not speak are Unknown, and the columns hold the facts the engine relies on.
#include "core/common/provider.h"

#include <QTest>

using namespace wb;

Q_DECLARE_METATYPE(wb::ProviderKind)
Q_DECLARE_METATYPE(wb::CountingRule)
Q_DECLARE_METATYPE(wb::WireFormat)

class TstProvider final : public QObject {
    Q_OBJECT
private slots:
    void everyKnownKindRoundTrips()
    {
        int known = 0;
        for (ProviderKind k : kProviderKinds) {
            QCOMPARE(providerTraits(k).kind, k);
            if (k == ProviderKind::Unknown) {
                QVERIFY(providerPrefix(k).isEmpty());
                continue;
            }
            ++known;
            QCOMPARE(providerKind(providerPrefix(k)), k);
            QCOMPARE(providerKind(providerPrefix(k).toUpper()), k);   // LiteLLM prefixes are case-insensitive
            QVERIFY(knownProviderPrefixes().contains(providerPrefix(k)));
        }
        QCOMPARE(knownProviderPrefixes().size(), known);
        QCOMPARE(knownProviderPrefixes(),
                 (QStringList{u"openai"_qs, u"anthropic"_qs, u"mistral"_qs, u"gemini"_qs, u"vertex_ai"_qs, u"azure"_qs,
                              u"groq"_qs, u"openrouter"_qs, u"together_ai"_qs, u"deepseek"_qs, u"fireworks_ai"_qs, u"xai"_qs,
                              u"perplexity"_qs, u"cerebras"_qs, u"ollama"_qs, u"ollama_chat"_qs, u"hosted_vllm"_qs,
                              u"lm_studio"_qs, u"litellm_proxy"_qs}));
    }

    void unknownIsNotSpoken_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::newRow("empty") << QString();
        QTest::newRow("cohere") << u"cohere"_qs;
        QTest::newRow("bedrock") << u"bedrock"_qs;
        QTest::newRow("azure_ai (not azure)") << u"azure_ai"_qs;
        QTest::newRow("prefix of a known one") << u"vertex"_qs;
        QTest::newRow("longer than a known one") << u"vertex_ai-language-models"_qs;
    }
    void unknownIsNotSpoken()
    {
        QFETCH(QString, provider);
        QCOMPARE(providerKind(provider), ProviderKind::Unknown);
        QVERIFY(!providerSpoken(provider));
        const ProviderTraits &t = providerTraits(provider);
        QCOMPARE(t.wireFormat, WireFormat::OpenAi);
        QCOMPARE(t.countingRule, CountingRule::OpenAi);
        QCOMPARE(QLatin1String(t.defaultApiBase), QLatin1String(""));
        QCOMPARE(QLatin1String(t.apiKeyVariable), QLatin1String(""));
        QVERIFY(t.apiKeyRequired);
    }

    void columns_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<WireFormat>("wire");
        QTest::addColumn<CountingRule>("rule");
        QTest::addColumn<QString>("keyVariable");
        QTest::addColumn<bool>("countTokens");
        QTest::addColumn<bool>("exactTokenizer");
        QTest::newRow("openai") << u"openai"_qs << WireFormat::OpenAi << CountingRule::OpenAi << u"OPENAI_API_KEY"_qs << false << true;
        QTest::newRow("anthropic") << u"anthropic"_qs << WireFormat::Anthropic << CountingRule::Anthropic << u"ANTHROPIC_API_KEY"_qs << true << false;
        QTest::newRow("mistral: OpenAI wire, own rule") << u"mistral"_qs << WireFormat::OpenAi << CountingRule::Mistral << u"MISTRAL_API_KEY"_qs << false << false;
        QTest::newRow("gemini") << u"gemini"_qs << WireFormat::Gemini << CountingRule::Gemini << u"GEMINI_API_KEY"_qs << true << false;
        QTest::newRow("vertex_ai counts like gemini") << u"vertex_ai"_qs << WireFormat::VertexAi << CountingRule::Gemini << QString() << true << false;
        QTest::newRow("azure counts like openai") << u"azure"_qs << WireFormat::AzureOpenAi << CountingRule::OpenAi << u"AZURE_API_KEY"_qs << false << true;
        QTest::newRow("groq") << u"groq"_qs << WireFormat::OpenAi << CountingRule::OpenAi << u"GROQ_API_KEY"_qs << false << false;
    }
    void columns()
    {
        QFETCH(QString, provider);
        QFETCH(WireFormat, wire);
        QFETCH(CountingRule, rule);
        QFETCH(QString, keyVariable);
        QFETCH(bool, countTokens);
        QFETCH(bool, exactTokenizer);
        const ProviderTraits &t = providerTraits(provider);
        QCOMPARE(t.wireFormat, wire);
        QCOMPARE(t.countingRule, rule);
        QCOMPARE(QString::fromLatin1(t.apiKeyVariable), keyVariable);
        QCOMPARE(*t.countTokensEndpoint != 0, countTokens);
        QCOMPARE(t.tokenizer == TokenizerKind::Exact, exactTokenizer);
        // Anthropic documents a continuously replenished token bucket; the others a window (or nothing).
        QCOMPARE(t.limitAlgorithm,
                 t.kind == ProviderKind::Anthropic ? LimitAlgorithm::TokenBucket : LimitAlgorithm::SlidingWindow);
        // Azure's resource and Vertex AI's location make their hosts; the others have a default.
        if (t.kind != ProviderKind::Azure)
            QVERIFY(QString::fromLatin1(t.defaultApiBase).startsWith(u"https://"));
        if (t.kind != ProviderKind::Azure && t.kind != ProviderKind::VertexAi)
            QVERIFY(QString::fromLatin1(t.requestApiBase).startsWith(u"https://"));
        QVERIFY(!QString::fromLatin1(t.displayName).isEmpty());
        QVERIFY(*t.genAiSystem);
    }

    void vertexAiUsesAServiceAccount()
    {
        const ProviderTraits &v = providerTraits(ProviderKind::VertexAi);
        QVERIFY(!v.apiKeyRequired);
        QCOMPARE(v.credential, CredentialKind::GoogleServiceAccount);
        QCOMPARE(QLatin1String(v.defaultApiBase), QLatin1String("https://us-central1-aiplatform.googleapis.com"));
        QCOMPARE(QLatin1String(v.requestApiBase), QLatin1String(""));
    }

    void localServersNeedNoKey()
    {
        for (ProviderKind k : {ProviderKind::Ollama, ProviderKind::OllamaChat, ProviderKind::HostedVllm, ProviderKind::LmStudio})
            QVERIFY(!providerTraits(k).apiKeyRequired);
        // Groq counts requests per day and Azure a 10-second slice in x-ratelimit-*-requests.
        QVERIFY(!providerTraits(ProviderKind::Groq).requestHeadersPerMinute);
        QVERIFY(!providerTraits(ProviderKind::Azure).requestHeadersPerMinute);
        QVERIFY(providerTraits(ProviderKind::OpenAi).requestHeadersPerMinute);
    }
};

QTEST_GUILESS_MAIN(TstProvider)
#include "tst_provider.moc"
