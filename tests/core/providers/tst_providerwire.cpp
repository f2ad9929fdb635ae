// What all adapters share: adapter selection, default bases, error-class names, network-error
// classification, RFC 3339 / HTTP dates, and message hygiene (no full key ever survives).
#include "core/providers/provideradapter.h"
#include "core/providers/wireparsing.h"
#include "fixture.h"

#include <QDateTime>
#include <QNetworkReply>
#include <QTest>

using namespace wb;

class TestProviderWire final : public QObject {
    Q_OBJECT
private slots:
    void forProvider_data();
    void forProvider();
    void defaultApiBase();
    void errorClassNames();
    void rateLimitHeadersAny();
    void counts();
    void negativeRemainingIsIgnored();
    void networkErrors_data();
    void networkErrors();
    void rfc3339_data();
    void rfc3339();
    void sanitize_data();
    void sanitize();
    void status();
};

void TestProviderWire::forProvider_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("format");
    QTest::newRow("openai") << "openai" << "openai";
    QTest::newRow("mistral") << "mistral" << "openai";
    QTest::newRow("anthropic") << "anthropic" << "anthropic";
    QTest::newRow("gemini") << "gemini" << "gemini";
    QTest::newRow("vertex_ai") << "vertex_ai" << "vertex_ai";
    QTest::newRow("case") << "Anthropic" << "anthropic";
    QTest::newRow("hosted_vllm") << "hosted_vllm" << "openai";
    QTest::newRow("azure") << "azure" << "azure";
    QTest::newRow("not spoken falls back to openai") << "cohere" << "openai";
    QTest::newRow("empty") << "" << "openai";
}

void TestProviderWire::forProvider()
{
    QFETCH(QString, provider);
    QFETCH(QString, format);
    const auto adapter = ProviderAdapter::forProvider(provider);
    QVERIFY(adapter);
    QCOMPARE(adapter->wireFormat(), format);
    QCOMPARE(ProviderAdapter::forProvider(provider).get(), adapter.get());   // shared, stateless
}

void TestProviderWire::defaultApiBase()
{
    QCOMPARE(ProviderAdapter::defaultApiBase(QStringLiteral("openai")), QStringLiteral("https://api.openai.com/v1"));
    QCOMPARE(ProviderAdapter::defaultApiBase(QStringLiteral("mistral")), QStringLiteral("https://api.mistral.ai/v1"));
    QCOMPARE(ProviderAdapter::defaultApiBase(QStringLiteral("anthropic")), QStringLiteral("https://api.anthropic.com"));
    QCOMPARE(ProviderAdapter::defaultApiBase(QStringLiteral("gemini")), QStringLiteral("https://generativelanguage.googleapis.com"));
    QCOMPARE(ProviderAdapter::defaultApiBase(QStringLiteral("hosted_vllm")), QString());
}

void TestProviderWire::errorClassNames()
{
    const QList<ErrorClass> all{ErrorClass::None, ErrorClass::RateLimited, ErrorClass::Overloaded,
                                ErrorClass::ContextTooLong, ErrorClass::Auth, ErrorClass::Transient,
                                ErrorClass::Fatal, ErrorClass::BudgetExceeded};
    QStringList names;
    for (ErrorClass c : all)
        names << errorClassName(c);
    QCOMPARE(names, (QStringList{QStringLiteral("none"), QStringLiteral("rate_limited"), QStringLiteral("overloaded"),
                                 QStringLiteral("context_too_long"), QStringLiteral("auth"), QStringLiteral("transient"),
                                 QStringLiteral("fatal"), QStringLiteral("budget_exceeded")}));
}

void TestProviderWire::rateLimitHeadersAny()
{
    RateLimitHeaders h;
    QVERIFY(!h.any());
    h.resetOutputTokensMs = 0;   // a zero is still information
    QVERIFY(h.any());
    RateLimitHeaders r;
    r.retryAfterMs = 5;
    QVERIFY(r.any());
}

void TestProviderWire::counts()
{
    QCOMPARE(wire::parseCount(" 149984 "), std::optional<qint64>(149984));
    QCOMPARE(wire::parseCount("149984.0"), std::optional<qint64>(149984));
    QCOMPARE(wire::parseCount("0"), std::optional<qint64>(0));
    QCOMPARE(wire::parseCount("-1"), std::nullopt);
    QCOMPARE(wire::parseCount("-0.5"), std::nullopt);
    QCOMPARE(wire::parseCount("lots"), std::nullopt);
    QCOMPARE(wire::parseCount("1e300"), std::nullopt);
}

// One hostile header must not reach the limit state: the rest of the reply still counts.
void TestProviderWire::negativeRemainingIsIgnored()
{
    const QByteArray body = R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",)"
                            R"("choices":[{"index":0,"message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}],)"
                            R"("usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}})";
    const HeaderList headers{{"x-ratelimit-limit-tokens", "150000"}, {"x-ratelimit-remaining-tokens", "-1"},
                             {"x-ratelimit-remaining-requests", "59"}};
    const auto reply = ProviderAdapter::forProvider(QStringLiteral("openai"))->parse(200, headers, body);
    QCOMPARE(reply.limits.limitTokens, std::optional<qint64>(150000));
    QCOMPARE(reply.limits.remainingTokens, std::nullopt);
    QCOMPARE(reply.limits.remainingRequests, std::optional<qint64>(59));
    QVERIFY(reply.completion);
}

void TestProviderWire::networkErrors_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<ErrorClass>("cls");
    QTest::addColumn<QString>("code");
    using E = QNetworkReply::NetworkError;
    QTest::newRow("refused") << int(E::ConnectionRefusedError) << ErrorClass::Transient << "ConnectionRefusedError";
    QTest::newRow("remote closed") << int(E::RemoteHostClosedError) << ErrorClass::Transient << "RemoteHostClosedError";
    QTest::newRow("host not found") << int(E::HostNotFoundError) << ErrorClass::Fatal << "HostNotFoundError";
    QTest::newRow("timeout") << int(E::TimeoutError) << ErrorClass::Transient << "TimeoutError";
    QTest::newRow("canceled by transfer timeout") << int(E::OperationCanceledError) << ErrorClass::Transient << "OperationCanceledError";
    QTest::newRow("tls handshake") << int(E::SslHandshakeFailedError) << ErrorClass::Transient << "SslHandshakeFailedError";
    QTest::newRow("temporary failure") << int(E::TemporaryNetworkFailureError) << ErrorClass::Transient << "TemporaryNetworkFailureError";
    QTest::newRow("proxy refused") << int(E::ProxyConnectionRefusedError) << ErrorClass::Transient << "ProxyConnectionRefusedError";
    QTest::newRow("proxy timeout") << int(E::ProxyTimeoutError) << ErrorClass::Transient << "ProxyTimeoutError";
    QTest::newRow("proxy not found") << int(E::ProxyNotFoundError) << ErrorClass::Fatal << "ProxyNotFoundError";
    QTest::newRow("protocol failure (malformed HTTP)") << int(E::ProtocolFailure) << ErrorClass::Transient << "ProtocolFailure";
    QTest::newRow("unknown scheme") << int(E::ProtocolUnknownError) << ErrorClass::Fatal << "ProtocolUnknownError";
    QTest::newRow("proxy auth") << int(E::ProxyAuthenticationRequiredError) << ErrorClass::Auth << "ProxyAuthenticationRequiredError";
    QTest::newRow("unknown network") << int(E::UnknownNetworkError) << ErrorClass::Transient << "UnknownNetworkError";
    QTest::newRow("not an enum value") << 12345 << ErrorClass::Transient << "12345";
}

void TestProviderWire::networkErrors()
{
    QFETCH(int, error);
    QFETCH(ErrorClass, cls);
    QFETCH(QString, code);
    const ProviderError e = classifyNetworkError(error, QStringLiteral("  Connection to api.example.com failed  "));
    QCOMPARE(errorClassName(e.errorClass), errorClassName(cls));
    QCOMPARE(e.code, code);
    QCOMPARE(e.httpStatus, 0);
    QCOMPARE(e.type, QStringLiteral("network"));
    QVERIFY(e.message.endsWith(QLatin1String("Connection to api.example.com failed")));
    if (error == int(QNetworkReply::HostNotFoundError))
        QVERIFY(e.message.startsWith(QLatin1String("cannot resolve host")));
    QVERIFY(!classifyNetworkError(error, QString()).message.isEmpty());
}

void TestProviderWire::rfc3339_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QDateTime>("expected");   // invalid = must not parse
    const QDateTime base(QDate(2025, 2, 24), QTime(22, 25, 32), Qt::UTC);
    QTest::newRow("Z") << QByteArray("2025-02-24T22:25:32Z") << base;
    QTest::newRow("fraction") << QByteArray("2025-02-24T22:25:32.5Z") << base.addMSecs(500);
    QTest::newRow("long fraction") << QByteArray("2025-02-24T22:25:32.123456789Z") << base.addMSecs(123);
    QTest::newRow("offset") << QByteArray("2025-02-24T23:25:32+01:00") << base;
    QTest::newRow("negative offset") << QByteArray("2025-02-24T17:25:32-05:00") << base;
    QTest::newRow("lowercase") << QByteArray("2025-02-24t22:25:32z") << base;
    QTest::newRow("leap year") << QByteArray("2024-02-29T00:00:00Z") << QDateTime(QDate(2024, 2, 29), QTime(0, 0), Qt::UTC);
    QTest::newRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << QDateTime(QDate(1970, 1, 1), QTime(0, 0), Qt::UTC);
    QTest::newRow("no offset") << QByteArray("2025-02-24T22:25:32") << QDateTime();
    QTest::newRow("date only") << QByteArray("2025-02-24") << QDateTime();
    QTest::newRow("bad month") << QByteArray("2025-13-24T22:25:32Z") << QDateTime();
    QTest::newRow("trailing junk") << QByteArray("2025-02-24T22:25:32Zjunk") << QDateTime();
    QTest::newRow("empty") << QByteArray() << QDateTime();
}

void TestProviderWire::rfc3339()
{
    QFETCH(QByteArray, text);
    QFETCH(QDateTime, expected);
    const auto ms = wire::parseRfc3339Ms(text);
    QCOMPARE(ms.has_value(), expected.isValid());
    if (ms)
        QCOMPARE(*ms, expected.toMSecsSinceEpoch());
}

void TestProviderWire::sanitize_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("trim") << "  Overloaded \n" << "Overloaded";
    QTest::newRow("masked by provider stays") << "Incorrect API key provided: sk-VKM***wjh3."
                                              << "Incorrect API key provided: sk-VKM***wjh3.";
    QTest::newRow("full openai key") << "bad key sk-" "proj-abcdefghijklmnopqrstuvwxyz0123 here" << "bad key sk-proj-*** here";
    QTest::newRow("full anthropic key") << "key sk-ant-" "api03-abcdefghijklmnopqrstuvwxyz" << "key sk-ant-***";
    QTest::newRow("full google key") << "key=AIza" "SyA1234567890abcdefghijklmnopqrstu&x" << "key=AIza***&x";
}

void TestProviderWire::sanitize()
{
    QFETCH(QString, in);
    QFETCH(QString, out);
    QCOMPARE(wire::sanitizeMessage(in), out);
    QVERIFY(wire::sanitizeMessage(QString(5000, u'x')).size() <= 1001);
}

void TestProviderWire::status()
{
    QCOMPARE(wire::classForStatus(200), ErrorClass::None);
    QCOMPARE(wire::classForStatus(429), ErrorClass::RateLimited);
    QCOMPARE(wire::classForStatus(529), ErrorClass::Overloaded);
    QCOMPARE(wire::classForStatus(500), ErrorClass::Transient);
    QCOMPARE(wire::classForStatus(502), ErrorClass::Transient);
    QCOMPARE(wire::classForStatus(504), ErrorClass::Transient);
    QCOMPARE(wire::classForStatus(401), ErrorClass::Auth);
    QCOMPARE(wire::classForStatus(403), ErrorClass::Auth);
    QCOMPARE(wire::classForStatus(413), ErrorClass::ContextTooLong);
    QCOMPARE(wire::classForStatus(400), ErrorClass::Fatal);
    QCOMPARE(wire::classForStatus(404), ErrorClass::Fatal);
    QCOMPARE(wire::classForStatus(408), ErrorClass::Transient);
    QCOMPARE(wire::classForStatus(0), ErrorClass::Transient);
}

QTEST_GUILESS_MAIN(TestProviderWire)
#include "tst_providerwire.moc"
