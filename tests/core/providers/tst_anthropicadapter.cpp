// Anthropic messages adapter: request builder, count_tokens, parser over recorded replies
// (RFC 3339 reset headers converted against an injected "now").
#include "core/providers/anthropicadapter.h"
#include "fixture.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wb;
using wbtest::Expect;

namespace {

const QString kKey = QStringLiteral("sk-ant-") + QStringLiteral("api03-TESTKEY0123456789abcdefSECRET");

qint64 recordedNow() { return QDateTime(QDate(2025, 2, 24), QTime(22, 25, 0), Qt::UTC).toMSecsSinceEpoch(); }

Deployment deployment(const QString &apiBase = {})
{
    Deployment d;
    d.id = QStringLiteral("claude/1");
    d.modelName = QStringLiteral("claude");
    d.provider = QStringLiteral("anthropic");
    d.model = QStringLiteral("claude-sonnet-4-20250514");
    d.apiBase = apiBase;
    return d;
}

ChatRequest request()
{
    ChatRequest r;
    r.system = QStringLiteral("You are a careful coder of political speech.");
    r.user = QStringLiteral("Score this text. Reply in JSON.");
    r.maxTokens = 1500;
    r.temperature = 0.0;
    return r;
}

} // namespace

class TestAnthropicAdapter final : public QObject {
    Q_OBJECT
private slots:
    void parse_data();
    void parse();
    void resetInThePastIsZero();
    void buildChat_data();
    void buildChat();
    void cachedSystemPrompt();
    void countTokens();
};

void TestAnthropicAdapter::parse_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<Expect>("expect");
    const auto row = [](const char *fixture, Expect e) { QTest::newRow(fixture) << QString::fromLatin1(fixture) << e; };
    using EC = ErrorClass;

    row("success_cached",
        {.text = QStringLiteral(R"({"care": 0.9, "evidence": "shelter"})"),
         .prompt = 12 + 1830, .completion = 212, .cached = 1830, .cacheWrite = 0,
         .model = QStringLiteral("claude-sonnet-4-20250514"), .finish = QStringLiteral("stop"),
         .requestId = QStringLiteral("req_011CRYbR2kJ3sN4mP5qT6vW7"),
         .limitReq = 50, .remReq = 49, .resetReqMs = 1000,
         .limitTok = 28000, .remTok = 27000, .resetTokMs = 32000,
         .limitIn = 20000, .remIn = 19000, .resetInMs = 3000,
         .limitOut = 8000, .remOut = 8000, .resetOutMs = 0});
    row("cache_write_max_tokens",
        {.text = QStringLiteral(R"({"care": 0.4, "evid)"), .prompt = 25 + 2048, .completion = 100, .cached = 0,
         .cacheWrite = 2048, .model = QStringLiteral("claude-3-5-haiku-20241022"), .finish = QStringLiteral("length"),
         .requestId = QStringLiteral("req_cw")});
    row("rate_limit_429",
        {.cls = EC::RateLimited, .requestId = QStringLiteral("req_429"),
         .limitReq = 50, .remReq = 49, .resetReqMs = 1000,
         .limitTok = 28000, .remTok = 27000, .resetTokMs = 17000,
         .limitIn = 20000, .remIn = 0, .resetInMs = 17000,
         .limitOut = 8000, .remOut = 8000, .resetOutMs = 0,
         .retryAfterMs = 17000, .messageContains = QStringLiteral("20,000 input tokens per minute"),
         .type = QStringLiteral("rate_limit_error")});
    row("spend_cap_429",
        {.cls = EC::BudgetExceeded, .requestId = QStringLiteral("req_cap"),
         .messageContains = QStringLiteral("workspace API usage limits"), .code = QStringLiteral("enforced_spend_limit_reached")});
    row("credit_low_400",
        {.cls = EC::BudgetExceeded, .requestId = QStringLiteral("req_credit"), .messageContains = QStringLiteral("credit balance is too low")});
    row("overloaded_529",
        {.cls = EC::Overloaded, .requestId = QStringLiteral("req_011CS529abc"), .messageContains = QStringLiteral("Overloaded"),
         .type = QStringLiteral("overloaded_error")});
    row("api_error_500",
        {.cls = EC::Transient, .requestId = QStringLiteral("req_500"), .messageContains = QStringLiteral("Internal server error")});
    row("auth_401", {.cls = EC::Auth, .requestId = QStringLiteral("req_401"), .messageContains = QStringLiteral("invalid x-api-key")});
    row("permission_403", {.cls = EC::Auth, .requestId = QStringLiteral("req_403"), .messageContains = QStringLiteral("permission")});
    row("prompt_too_long_400",
        {.cls = EC::ContextTooLong, .requestId = QStringLiteral("req_long"), .messageContains = QStringLiteral("prompt is too long: 208310 tokens")});
    row("request_too_large_413",
        {.cls = EC::ContextTooLong, .requestId = QStringLiteral("req_413"), .messageContains = QStringLiteral("maximum allowed number of bytes")});
    row("not_found_404", {.cls = EC::Fatal, .requestId = QStringLiteral("req_404"), .messageContains = QStringLiteral("claude-9-opus")});
    row("instream_error_200",
        {.cls = EC::Overloaded, .requestId = QStringLiteral("req_instream"), .messageContains = QStringLiteral("Overloaded")});
    row("sse_error_200", {.cls = EC::Overloaded, .messageContains = QStringLiteral("Overloaded")});
    row("truncated_200",
        {.cls = EC::Transient, .requestId = QStringLiteral("req_trunc"), .messageContains = QStringLiteral("not valid JSON"),
         .type = QStringLiteral("malformed_reply")});
}

void TestAnthropicAdapter::parse()
{
    QFETCH(QString, fixture);
    QFETCH(Expect, expect);
    const wbtest::Fixture f = wbtest::loadFixture(QStringLiteral("anthropic"), fixture);
    QVERIFY2(f.ok, qPrintable(fixture));
    const ParsedReply r = AnthropicAdapter().parseAt(f.status, f.headers, f.body, recordedNow());
    wbtest::checkReply(r, f, expect);
}

void TestAnthropicAdapter::resetInThePastIsZero()
{
    // A reply read late (or a skewed clock) must never yield a negative wait.
    const wbtest::Fixture f = wbtest::loadFixture(QStringLiteral("anthropic"), QStringLiteral("success_cached"));
    const ParsedReply r = AnthropicAdapter().parseAt(f.status, f.headers, f.body, recordedNow() + 3'600'000);
    QCOMPARE(r.limits.resetTokensMs, std::optional<qint64>(0));
    QCOMPARE(r.limits.resetRequestsMs, std::optional<qint64>(0));
}

void TestAnthropicAdapter::buildChat_data()
{
    QTest::addColumn<QString>("apiBase");
    QTest::addColumn<QString>("url");
    QTest::newRow("default") << "" << "https://api.anthropic.com/v1/messages";
    QTest::newRow("host") << "http://127.0.0.1:8080" << "http://127.0.0.1:8080/v1/messages";
    QTest::newRow("host with slash") << "http://127.0.0.1:8080/" << "http://127.0.0.1:8080/v1/messages";
    QTest::newRow("v1 pasted") << "https://api.anthropic.com/v1" << "https://api.anthropic.com/v1/messages";
    QTest::newRow("full endpoint") << "http://127.0.0.1:8080/v1/messages" << "http://127.0.0.1:8080/v1/messages";
}

void TestAnthropicAdapter::buildChat()
{
    QFETCH(QString, apiBase);
    QFETCH(QString, url);
    const ChatRequest req = request();
    const BuiltRequest b = AnthropicAdapter().buildChat(deployment(apiBase), kKey, req);
    QCOMPARE(b.request.url().toString(), url);
    QCOMPARE(b.request.rawHeader("x-api-key"), kKey.toUtf8());
    QCOMPARE(b.request.rawHeader("anthropic-version"), QByteArray("2023-06-01"));
    QVERIFY(!b.request.hasRawHeader("Authorization"));
    QVERIFY(!b.request.url().toString().contains(kKey));
    QVERIFY(!b.body.contains(kKey.toUtf8()));

    const QJsonObject body = QJsonDocument::fromJson(b.body).object();
    QCOMPARE(body.size(), 5);
    QCOMPARE(body.value(QLatin1String("model")).toString(), QStringLiteral("claude-sonnet-4-20250514"));
    QCOMPARE(body.value(QLatin1String("max_tokens")).toInt(), 1500);
    QVERIFY(body.value(QLatin1String("temperature")).isDouble());
    QCOMPARE(body.value(QLatin1String("temperature")).toDouble(), 0.0);
    QCOMPARE(body.value(QLatin1String("system")).toString(), req.system);
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().toObject().value(QLatin1String("role")).toString(), QStringLiteral("user"));
    QCOMPARE(messages.first().toObject().value(QLatin1String("content")).toString(), req.user);
}

void TestAnthropicAdapter::cachedSystemPrompt()
{
    ChatRequest req = request();
    req.cacheSystemPrompt = true;
    const QJsonObject body = QJsonDocument::fromJson(AnthropicAdapter().buildChat(deployment(), kKey, req).body).object();
    const QJsonArray system = body.value(QLatin1String("system")).toArray();
    QCOMPARE(system.size(), 1);
    const QJsonObject block = system.first().toObject();
    QCOMPARE(block.value(QLatin1String("type")).toString(), QStringLiteral("text"));
    QCOMPARE(block.value(QLatin1String("text")).toString(), req.system);
    QCOMPARE(block.value(QLatin1String("cache_control")).toObject().value(QLatin1String("type")).toString(),
             QStringLiteral("ephemeral"));
}

void TestAnthropicAdapter::countTokens()
{
    const AnthropicAdapter a;
    const auto b = a.buildCountTokens(deployment(QStringLiteral("http://127.0.0.1:8080")), kKey, request());
    QVERIFY(b);
    QCOMPARE(b->request.url().toString(), QStringLiteral("http://127.0.0.1:8080/v1/messages/count_tokens"));
    QCOMPARE(b->request.rawHeader("x-api-key"), kKey.toUtf8());
    QCOMPARE(b->request.rawHeader("anthropic-version"), QByteArray("2023-06-01"));
    const QJsonObject body = QJsonDocument::fromJson(b->body).object();
    QVERIFY(!body.contains(QLatin1String("max_tokens")));   // count_tokens rejects it
    QVERIFY(!body.contains(QLatin1String("temperature")));
    QCOMPARE(body.value(QLatin1String("system")).toString(), request().system);
    QCOMPARE(body.value(QLatin1String("messages")).toArray().size(), 1);

    const wbtest::Fixture f = wbtest::loadFixture(QStringLiteral("anthropic"), QStringLiteral("count_tokens"));
    QVERIFY(f.ok);
    QCOMPARE(a.parseCountTokens(f.body), std::optional<qint64>(2095));
    QCOMPARE(a.parseCountTokens(QByteArray("{\"type\":\"error\"}")), std::nullopt);
    QCOMPARE(a.parseCountTokens(QByteArray("{\"input_to")), std::nullopt);
}

QTEST_GUILESS_MAIN(TestAnthropicAdapter)
#include "tst_anthropicadapter.moc"
