// Azure OpenAI, Vertex AI and the OpenAI-compatible family: request URLs, auth headers and bodies,
// Azure's rate-limit headers, the service-account JWT (signed with libcrypto, checked by the
// simulator's verifier) and the token endpoint's answers.
#include "core/common/provider.h"
#include "core/providers/azureadapter.h"
#include "core/providers/provideradapter.h"
#include "core/providers/vertexadapter.h"
#include "core/providers/vertexauth.h"
#include "core/sim/dialects/simoauth.h"
#include "tests/support/testserviceaccount.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrlQuery>

using namespace wb;

namespace {

Deployment dep(const QString &provider, const QString &model, const QString &base = {})
{
    Deployment d;
    d.id = provider + u'/' + model;
    d.provider = provider;
    d.model = model;
    d.apiBase = base;
    return d;
}

ChatRequest request()
{
    ChatRequest r;
    r.system = QStringLiteral("Score it.");
    r.user = QStringLiteral("A text.");
    r.maxTokens = 300;
    return r;
}

QJsonObject bodyOf(const BuiltRequest &b) { return QJsonDocument::fromJson(b.body).object(); }

} // namespace

class TstNewProviders final : public QObject {
    Q_OBJECT
private slots:
    void azureUrlKeyAndBody()
    {
        Deployment d = dep(u"azure"_qs, u"my-gpt4o"_qs, u"https://res.openai.azure.com/"_qs);
        d.apiVersion = u"2024-10-21"_qs;
        const auto adapter = ProviderAdapter::forProvider(d.provider);
        QCOMPARE(adapter->wireFormat(), u"azure"_qs);
        const BuiltRequest b = adapter->buildChat(d, u"az-key-123"_qs, request());
        QCOMPARE(b.request.url().toString(),
                 u"https://res.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21"_qs);
        QCOMPARE(b.request.rawHeader("api-key"), QByteArray("az-key-123"));
        QVERIFY(!b.request.hasRawHeader("Authorization"));
        QCOMPARE(bodyOf(b).value(u"max_tokens"_qs).toInt(), 300);
        QCOMPARE(bodyOf(b).value(u"messages"_qs).toArray().size(), 2);
    }

    void azureBaseNamingTheDeploymentIsKept()
    {
        Deployment d = dep(u"azure"_qs, u"x"_qs, u"https://res.openai.azure.com/openai/deployments/prod-4o?api-version=2025-01-01-preview"_qs);
        const QUrl url = AzureAdapter::chatUrl(d);
        QCOMPARE(url.path(), u"/openai/deployments/prod-4o/chat/completions"_qs);
        QCOMPARE(QUrlQuery(url).queryItemValue(u"api-version"_qs), u"2025-01-01-preview"_qs);
    }

    void azureOSeriesUsesReasoningParameters()
    {
        const auto adapter = ProviderAdapter::forProvider(u"azure"_qs);
        const QJsonObject forced = bodyOf(adapter->buildChat(dep(u"azure"_qs, u"o_series/my-reasoner"_qs, u"https://r.openai.azure.com"_qs), u"k"_qs, request()));
        QCOMPARE(forced.value(u"max_completion_tokens"_qs).toInt(), 300);
        QVERIFY(!forced.contains(u"temperature"_qs));
        QCOMPARE(forced.value(u"model"_qs).toString(), u"my-reasoner"_qs);
        const QJsonObject plain = bodyOf(adapter->buildChat(dep(u"azure"_qs, u"gpt-4o"_qs, u"https://r.openai.azure.com"_qs), u"k"_qs, request()));
        QVERIFY(plain.contains(u"temperature"_qs));
    }

    void azureHeaders()
    {
        const auto adapter = ProviderAdapter::forProvider(u"azure"_qs);
        const QByteArray ok = R"({"id":"chatcmpl-1","model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2}})";
        // x-ratelimit-remaining-requests counts a 10-second slice: not a per-minute figure.
        ParsedReply r = adapter->parseAt(200, {{"x-ratelimit-remaining-requests", "19"}, {"x-ratelimit-limit-requests", "120"},
                                               {"x-ratelimit-remaining-tokens", "19913"}, {"apim-request-id", "a1b2"}},
                                         ok, 0);
        QVERIFY(r.completion);
        QVERIFY(!r.limits.remainingRequests);
        QVERIFY(!r.limits.limitRequests);
        QCOMPARE(r.limits.remainingTokens, std::optional<qint64>(19913));
        QCOMPARE(r.requestId, u"a1b2"_qs);

        const QByteArray limited = R"({"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 7 seconds."}})";
        r = adapter->parseAt(429, {{"x-ms-retry-after-ms", "6500"}}, limited, 0);
        QVERIFY(r.error);
        QCOMPARE(r.error->errorClass, ErrorClass::RateLimited);
        QCOMPARE(r.limits.retryAfterMs, std::optional<qint64>(7000));   // the larger of header and message
        r = adapter->parseAt(429, {{"x-rate-limit-reset-tokens", "55"}}, R"({"error":{"code":"429","message":"Rate limit is exceeded."}})", 0);
        QCOMPARE(r.limits.retryAfterMs, std::optional<qint64>(55000));
    }

    void groqReadsTokenHeadersButNotItsDailyRequestCounts()
    {
        const auto adapter = ProviderAdapter::forProvider(u"groq"_qs);
        const QByteArray ok = R"({"id":"x","model":"llama-3.3-70b-versatile","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]})";
        const ParsedReply r = adapter->parseAt(200, {{"x-ratelimit-limit-requests", "14400"}, {"x-ratelimit-remaining-requests", "14370"},
                                                     {"x-ratelimit-limit-tokens", "6000"}, {"x-ratelimit-remaining-tokens", "5000"}},
                                               ok, 0);
        QVERIFY(!r.limits.limitRequests);
        QCOMPARE(r.limits.limitTokens, std::optional<qint64>(6000));
        // OpenAI itself keeps reading its per-minute request headers.
        const ParsedReply o = ProviderAdapter::forProvider(u"openai"_qs)->parseAt(200, {{"x-ratelimit-limit-requests", "500"}}, ok, 0);
        QCOMPARE(o.limits.limitRequests, std::optional<qint64>(500));
    }

    void familyBasesAndPaths_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("apiBase");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("keyVariable");
        QTest::newRow("groq") << u"groq"_qs << QString() << u"https://api.groq.com/openai/v1/chat/completions"_qs << u"GROQ_API_KEY"_qs;
        QTest::newRow("openrouter") << u"openrouter"_qs << QString() << u"https://openrouter.ai/api/v1/chat/completions"_qs << u"OPENROUTER_API_KEY"_qs;
        QTest::newRow("together_ai") << u"together_ai"_qs << QString() << u"https://api.together.xyz/v1/chat/completions"_qs << u"TOGETHER_API_KEY"_qs;
        QTest::newRow("deepseek") << u"deepseek"_qs << QString() << u"https://api.deepseek.com/beta/chat/completions"_qs << u"DEEPSEEK_API_KEY"_qs;
        QTest::newRow("fireworks_ai") << u"fireworks_ai"_qs << QString() << u"https://api.fireworks.ai/inference/v1/chat/completions"_qs << u"FIREWORKS_API_KEY"_qs;
        QTest::newRow("xai") << u"xai"_qs << QString() << u"https://api.x.ai/v1/chat/completions"_qs << u"XAI_API_KEY"_qs;
        QTest::newRow("perplexity: no /v1") << u"perplexity"_qs << QString() << u"https://api.perplexity.ai/chat/completions"_qs << u"PERPLEXITYAI_API_KEY"_qs;
        QTest::newRow("cerebras") << u"cerebras"_qs << QString() << u"https://api.cerebras.ai/v1/chat/completions"_qs << u"CEREBRAS_API_KEY"_qs;
        QTest::newRow("ollama default") << u"ollama"_qs << QString() << u"http://localhost:11434/v1/chat/completions"_qs << u"OLLAMA_API_KEY"_qs;
        QTest::newRow("ollama_chat base with /v1") << u"ollama_chat"_qs << u"http://127.0.0.1:11434/v1"_qs << u"http://127.0.0.1:11434/v1/chat/completions"_qs << u"OLLAMA_API_KEY"_qs;
        QTest::newRow("hosted_vllm") << u"hosted_vllm"_qs << u"http://127.0.0.1:8000/v1"_qs << u"http://127.0.0.1:8000/v1/chat/completions"_qs << u"HOSTED_VLLM_API_KEY"_qs;
        QTest::newRow("lm_studio") << u"lm_studio"_qs << u"http://127.0.0.1:1234/v1/"_qs << u"http://127.0.0.1:1234/v1/chat/completions"_qs << u"LM_STUDIO_API_KEY"_qs;
    }
    void familyBasesAndPaths()
    {
        QFETCH(QString, provider);
        QFETCH(QString, apiBase);
        QFETCH(QString, url);
        QFETCH(QString, keyVariable);
        QVERIFY(providerSpoken(provider));
        const ProviderTraits &t = providerTraits(provider);
        QCOMPARE(t.wireFormat, WireFormat::OpenAi);
        QCOMPARE(QString::fromLatin1(t.apiKeyVariable), keyVariable);
        const BuiltRequest b = ProviderAdapter::forProvider(provider)->buildChat(dep(provider, u"org/some-model"_qs, apiBase), u"key"_qs, request());
        QCOMPARE(b.request.url().toString(), url);
        QCOMPARE(b.request.rawHeader("Authorization"), QByteArray("Bearer key"));
        // The rest after the first slash is the model, slashes included.
        QCOMPARE(bodyOf(b).value(u"model"_qs).toString(), u"org/some-model"_qs);
    }

    void notSpoken()
    {
        for (const QString &p : {u"cohere"_qs, u"bedrock"_qs, u"azure_ai"_qs, QString()}) {
            QVERIFY(!providerSpoken(p));
            QCOMPARE(providerKind(p), ProviderKind::Unknown);
        }
    }

    void vertexUrls_data()
    {
        QTest::addColumn<QString>("location");
        QTest::addColumn<QString>("apiBase");
        QTest::addColumn<QString>("url");
        QTest::newRow("regional") << u"europe-west4"_qs << QString()
                                  << u"https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent"_qs;
        QTest::newRow("global") << u"global"_qs << QString()
                                << u"https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/publishers/google/models/gemini-2.5-pro:generateContent"_qs;
        QTest::newRow("api_base overrides the host") << u"us-central1"_qs << u"http://127.0.0.1:9/"_qs
                                                     << u"http://127.0.0.1:9/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent"_qs;
    }
    void vertexUrls()
    {
        QFETCH(QString, location);
        QFETCH(QString, apiBase);
        QFETCH(QString, url);
        Deployment d = dep(u"vertex_ai"_qs, u"gemini-2.5-pro"_qs, apiBase);
        d.vertexProject = u"my-proj"_qs;
        d.vertexLocation = location;
        const auto adapter = ProviderAdapter::forProvider(d.provider);
        QCOMPARE(adapter->wireFormat(), u"vertex_ai"_qs);
        const BuiltRequest b = adapter->buildChat(d, u"ya29.token"_qs, request());
        QCOMPARE(b.request.url().toString(), url);
        QCOMPARE(b.request.rawHeader("Authorization"), QByteArray("Bearer ya29.token"));
        QVERIFY(!b.request.hasRawHeader("x-goog-api-key"));
        QCOMPARE(bodyOf(b).value(u"generationConfig"_qs).toObject().value(u"maxOutputTokens"_qs).toInt(), 300);
        const auto count = adapter->buildCountTokens(d, u"ya29.token"_qs, request());
        QVERIFY(count);
        QVERIFY(count->request.url().path().endsWith(u":countTokens"_qs));
    }

    void jwtIsSignedAndVerifiable()
    {
        const test::TestServiceAccount sa = test::makeTestServiceAccount();
        QVERIFY(!sa.privateKeyPem.isEmpty());
        auto account = parseServiceAccount(sa.credentialsJson(u"http://127.0.0.1:1/token"_qs), u"test"_qs);
        QVERIFY2(account, account ? "" : qPrintable(account.error().toString()));
        const qint64 now = 1'760'000'000;
        auto jwt = signedJwtAssertion(*account, QLatin1String(kCloudPlatformScope), now);
        QVERIFY(jwt);
        const QList<QByteArray> parts = jwt->split('.');
        QCOMPARE(parts.size(), 3);
        const QJsonObject header = QJsonDocument::fromJson(QByteArray::fromBase64(parts[0], QByteArray::Base64UrlEncoding)).object();
        const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding)).object();
        QCOMPARE(header.value(u"alg"_qs).toString(), u"RS256"_qs);
        QCOMPARE(header.value(u"kid"_qs).toString(), u"test-key-1"_qs);
        QCOMPARE(claims.value(u"iss"_qs).toString(), sa.clientEmail);
        QCOMPARE(claims.value(u"aud"_qs).toString(), u"http://127.0.0.1:1/token"_qs);
        QCOMPARE(claims.value(u"exp"_qs).toInteger() - claims.value(u"iat"_qs).toInteger(), 3600);
        QVERIFY(!jwt->contains('='));   // base64url without padding

        const QList<SimServiceAccount> known{{sa.clientEmail, sa.publicKeyPem}};
        QVERIFY(sim::verifyJwtGrant(tokenRequestBody(*jwt), known, now).ok);
        // Another key's public half does not verify it; a changed claim breaks the signature.
        const test::TestServiceAccount other = test::makeTestServiceAccount(u"other"_qs);
        QCOMPARE(sim::verifyJwtGrant(tokenRequestBody(*jwt), {{sa.clientEmail, other.publicKeyPem}}, now).errorDescription,
                 u"Invalid JWT Signature."_qs);
        QByteArray tampered = *jwt;
        tampered.replace(parts[1], QByteArray(claims.value(u"iss"_qs).toString().toUtf8()).toBase64(QByteArray::Base64UrlEncoding));
        QVERIFY(!sim::verifyJwtGrant(tokenRequestBody(tampered), known, now).ok);
        QVERIFY(!sim::verifyJwtGrant(tokenRequestBody(*jwt), known, now + 4000).ok);   // expired
    }

    void serviceAccountErrorsNeverQuoteTheKey()
    {
        const test::TestServiceAccount sa = test::makeTestServiceAccount();
        QByteArray json = sa.credentialsJson(u"http://203.0.113.5/token"_qs);
        auto a = parseServiceAccount(json, u"creds.json"_qs);
        QVERIFY(!a);
        QVERIFY(a.error().message.startsWith(u"token_uri"_qs));
        QVERIFY(!a.error().toString().contains(u"PRIVATE"_qs));
        a = parseServiceAccount(R"({"type":"authorized_user"})", u"creds.json"_qs);
        QVERIFY(!a);
        QVERIFY(a.error().message.contains(u"service_account"_qs));
    }

    void tokenReplies()
    {
        auto t = parseTokenReply(200, R"({"access_token":"ya29.abc","expires_in":3599,"token_type":"Bearer"})");
        QVERIFY(t);
        QCOMPARE(t->token, u"ya29.abc"_qs);
        QCOMPARE(t->expiresInS, 3599);
        t = parseTokenReply(400, R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
        QVERIFY(!t);
        QVERIFY(t.error().message.contains(u"invalid_grant"_qs));
        QVERIFY(!parseTokenReply(200, R"({"expires_in":3599})"));
    }

    void refreshBeforeExpiry()
    {
        QCOMPARE(refreshDelayMs(3599), (3599 - 300) * 1000);   // five minutes early
        QCOMPARE(refreshDelayMs(4), 2000);                     // short tokens: half-way
        QCOMPARE(refreshDelayMs(1), 1000);                     // never sooner than a second
    }
};

QTEST_GUILESS_MAIN(TstNewProviders)
#include "tst_newproviders.moc"
