// A LiteLLM proxy's reply: the OpenAI adapter reads its x-litellm-* headers (call id, reported
// cost, model id and group) besides the usual body and rate-limit headers; a reply without them
// carries no proxy information, and a cost that is not a price is ignored.
#include "core/common/provider.h"
#include "core/providers/provideradapter.h"

#include <QTest>

using namespace wb;

namespace {
const QByteArray kBody = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
                         "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                         "\"finish_reason\":\"stop\"}],"
                         "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":30,\"total_tokens\":150}}";
}

class TstLiteLlmProxyHeaders final : public QObject {
    Q_OBJECT
private slots:
    void traits()
    {
        const ProviderTraits &t = providerTraits(u"litellm_proxy");
        QCOMPARE(t.kind, ProviderKind::LiteLlmProxy);
        QCOMPARE(t.wireFormat, WireFormat::OpenAi);
        QCOMPARE(QLatin1String(t.apiBaseVariable), QLatin1String("LITELLM_PROXY_API_BASE"));
        QCOMPARE(QLatin1String(t.apiKeyVariable), QLatin1String("LITELLM_PROXY_API_KEY"));
    }

    void readsProxyHeaders()
    {
        const auto adapter = ProviderAdapter::forProvider(u"litellm_proxy"_qs);
        const HeaderList headers{{"x-litellm-call-id", "3f2a1b9c-1111-4222-8333-444455556666"},
                                 {"X-LiteLLM-Response-Cost", "0.0004215"},
                                 {"x-litellm-model-id", "a1b2c3"},
                                 {"x-litellm-model-group", "team-gpt"},
                                 {"x-ratelimit-remaining-tokens", "9850"},
                                 {"x-ratelimit-limit-tokens", "10000"}};
        const ParsedReply r = adapter->parse(200, headers, kBody);
        QVERIFY(r.completion);
        QVERIFY(r.proxy);
        QCOMPARE(r.requestId, u"3f2a1b9c-1111-4222-8333-444455556666"_qs);
        QCOMPARE(r.proxy->responseCostMicros, std::optional<qint64>(422));   // $0.0004215, rounded to micro-dollars
        QCOMPARE(r.proxy->modelId, u"a1b2c3"_qs);
        QCOMPARE(r.proxy->modelGroup, u"team-gpt"_qs);
        QCOMPARE(r.limits.remainingTokens, std::optional<qint64>(9850));
        QCOMPARE(r.completion->usage.promptTokens, 120);
    }

    void noProxyNoInfo()
    {
        const auto adapter = ProviderAdapter::forProvider(u"openai"_qs);
        const ParsedReply r = adapter->parse(200, {{"x-request-id", "req_1"}}, kBody);
        QVERIFY(!r.proxy);
        QCOMPARE(r.requestId, u"req_1"_qs);
    }

    void costThatIsNotAPrice_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("negative") << QByteArray("-1");
        QTest::newRow("text") << QByteArray("None");
        QTest::newRow("infinite") << QByteArray("inf");
    }
    void costThatIsNotAPrice()
    {
        QFETCH(QByteArray, value);
        const auto adapter = ProviderAdapter::forProvider(u"litellm_proxy"_qs);
        const ParsedReply r = adapter->parse(200, {{"x-litellm-response-cost", value}}, kBody);
        QVERIFY(r.proxy);
        QVERIFY(!r.proxy->responseCostMicros);
    }
};

QTEST_GUILESS_MAIN(TstLiteLlmProxyHeaders)
#include "tst_litellmproxyheaders.moc"
