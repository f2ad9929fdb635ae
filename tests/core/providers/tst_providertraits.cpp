// The provider traits table (core/common/provider.h) agrees with the adapters that actually
// build the requests and with the model list: wire format, count-tokens endpoint, base URLs.
#include "core/common/provider.h"
#include "core/config/modellist.h"
#include "core/providers/provideradapter.h"

#include <QTest>

using namespace wb;

namespace {
QString wireName(WireFormat f)
{
    switch (f) {
    case WireFormat::OpenAi: return u"openai"_qs;
    case WireFormat::Anthropic: return u"anthropic"_qs;
    case WireFormat::Gemini: return u"gemini"_qs;
    case WireFormat::AzureOpenAi: return u"azure"_qs;
    case WireFormat::VertexAi: return u"vertex_ai"_qs;
    }
    return {};
}
QString nameOf(ProviderKind k)
{
    return k == ProviderKind::Unknown ? u"cohere"_qs : providerPrefix(k);
}
} // namespace

class TstProviderTraits final : public QObject {
    Q_OBJECT
private slots:
    void adaptersFollowTheTable()
    {
        for (ProviderKind k : kProviderKinds) {
            const QString name = nameOf(k);
            const ProviderTraits &t = providerTraits(k);
            const auto adapter = ProviderAdapter::forProvider(name);
            QCOMPARE(adapter->wireFormat(), wireName(t.wireFormat));
            Deployment d;
            d.provider = name;
            d.model = u"m"_qs;
            d.apiBase = u"http://127.0.0.1:9"_qs;
            const auto count = adapter->buildCountTokens(d, QString(), ChatRequest{});
            QCOMPARE(count.has_value(), *t.countTokensEndpoint != 0);
            if (count)
                QVERIFY(count->request.url().path().endsWith(
                    QString::fromLatin1(t.countTokensEndpoint).section(u'}', -1)));
            QCOMPARE(ProviderAdapter::defaultApiBase(name), QString::fromLatin1(t.requestApiBase));
            QCOMPARE(defaultApiBase(name), QString::fromLatin1(t.defaultApiBase));
        }
    }
};

QTEST_GUILESS_MAIN(TstProviderTraits)
#include "tst_providertraits.moc"
