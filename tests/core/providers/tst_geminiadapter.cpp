// Gemini generateContent adapter (also vertex_ai with its api_base): request builder,
// countTokens, parser over recorded replies incl. RetryInfo and blocked candidates.
#include "core/providers/geminiadapter.h"
#include "fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrlQuery>

using namespace wb;
using wbtest::Expect;

namespace {

const QString kKey = QStringLiteral("AIza") + QStringLiteral("SyTESTKEY0123456789abcdefghijSECRET");

Deployment deployment(const QString &provider = QStringLiteral("gemini"), const QString &model = QStringLiteral("gemini-2.0-flash"),
                      const QString &apiBase = {})
{
    Deployment d;
    d.id = QStringLiteral("gemini/1");
    d.modelName = QStringLiteral("gemini");
    d.provider = provider;
    d.model = model;
    d.apiBase = apiBase;
    return d;
}

ChatRequest request()
{
    ChatRequest r;
    r.system = QStringLiteral("You are a careful coder of political speech.");
    r.user = QStringLiteral("Score this text. Reply in JSON.");
    r.maxTokens = 900;
    r.temperature = 0.5;
    return r;
}

} // namespace

class TestGeminiAdapter final : public QObject {
    Q_OBJECT
private slots:
    void parse_data();
    void parse();
    void buildChat_data();
    void buildChat();
    void noJsonMode();
    void countTokens();
    void quotaFailureNamesThePerMinuteLimit();
};

void TestGeminiAdapter::parse_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<Expect>("expect");
    const auto row = [](const char *fixture, Expect e) { QTest::newRow(fixture) << QString::fromLatin1(fixture) << e; };
    using EC = ErrorClass;

    row("success_cached",
        {.text = QStringLiteral(R"({"care": 0.75, "evidence": "help"})"),
         .prompt = 4210, .completion = 58 + 200, .cached = 4096,
         .model = QStringLiteral("gemini-2.5-flash"), .finish = QStringLiteral("stop"),
         .requestId = QStringLiteral("mJm8aO3YLZ2wnvgPjo6j6A0")});
    // RetryInfo says "1s" but the text says 1.68122827s: the longer one wins.
    row("rate_limit_429",
        {.cls = EC::RateLimited, .retryAfterMs = 1682, .messageContains = QStringLiteral("You exceeded your current quota"),
         .code = QStringLiteral("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), .type = QStringLiteral("RESOURCE_EXHAUSTED")});
    row("rate_limit_429_43s",
        {.cls = EC::RateLimited, .retryAfterMs = 43000, .messageContains = QStringLiteral("Resource has been exhausted")});
    row("api_key_invalid_400",
        {.cls = EC::Auth, .messageContains = QStringLiteral("API key not valid"), .code = QStringLiteral("API_KEY_INVALID"),
         .type = QStringLiteral("INVALID_ARGUMENT")});
    row("permission_denied_403", {.cls = EC::Auth, .messageContains = QStringLiteral("unregistered callers")});
    row("overloaded_503", {.cls = EC::Overloaded, .messageContains = QStringLiteral("The model is overloaded")});
    row("internal_500", {.cls = EC::Transient, .messageContains = QStringLiteral("internal error"), .type = QStringLiteral("INTERNAL")});
    row("context_too_long_400",
        {.cls = EC::ContextTooLong, .messageContains = QStringLiteral("exceeds the maximum number of tokens allowed (1048576)")});
    row("model_not_found_404", {.cls = EC::Fatal, .messageContains = QStringLiteral("is not found for API version v1beta")});
    row("safety_200",
        {.cls = EC::Fatal, .requestId = QStringLiteral("safety123"), .messageContains = QStringLiteral("withheld the reply (finishReason: SAFETY)"),
         .code = QStringLiteral("SAFETY")});
    row("recitation_200",
        {.cls = EC::Fatal, .requestId = QStringLiteral("recit123"), .messageContains = QStringLiteral("RECITATION"),
         .code = QStringLiteral("RECITATION")});
    row("prompt_blocked_200",
        {.cls = EC::Fatal, .requestId = QStringLiteral("blocked123"), .messageContains = QStringLiteral("blocked the prompt"),
         .code = QStringLiteral("SAFETY")});
    row("empty_stop_200",
        {.cls = EC::Transient, .requestId = QStringLiteral("empty123"), .messageContains = QStringLiteral("no text (finishReason: STOP)")});
    row("thinking_max_tokens_200",
        {.text = QString(), .prompt = 300, .completion = 2000, .model = QStringLiteral("gemini-2.5-pro"),
         .finish = QStringLiteral("length"), .requestId = QStringLiteral("think123")});
    row("truncated_200", {.cls = EC::Transient, .messageContains = QStringLiteral("not valid JSON")});
}

void TestGeminiAdapter::parse()
{
    QFETCH(QString, fixture);
    QFETCH(Expect, expect);
    const wbtest::Fixture f = wbtest::loadFixture(QStringLiteral("gemini"), fixture);
    QVERIFY2(f.ok, qPrintable(fixture));
    const ParsedReply r = GeminiAdapter().parseAt(f.status, f.headers, f.body, 0);
    wbtest::checkReply(r, f, expect);
}

void TestGeminiAdapter::buildChat_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("apiBase");
    QTest::addColumn<QString>("url");
    QTest::newRow("default") << "gemini" << "gemini-2.0-flash" << ""
        << "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent";
    QTest::newRow("models/ prefix") << "gemini" << "models/gemini-2.5-pro" << ""
        << "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent";
    QTest::newRow("simulator host") << "gemini" << "gemini-2.0-flash" << "http://127.0.0.1:9000/"
        << "http://127.0.0.1:9000/v1beta/models/gemini-2.0-flash:generateContent";
    QTest::newRow("v1beta pasted") << "gemini" << "gemini-2.0-flash" << "http://127.0.0.1:9000/v1beta"
        << "http://127.0.0.1:9000/v1beta/models/gemini-2.0-flash:generateContent";
    QTest::newRow("vertex_ai speaks the gemini format") << "vertex_ai" << "gemini-2.0-flash" << "http://127.0.0.1:9001"
        << "http://127.0.0.1:9001/v1beta/models/gemini-2.0-flash:generateContent";
}

void TestGeminiAdapter::buildChat()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(QString, apiBase);
    QFETCH(QString, url);
    const ChatRequest req = request();
    const BuiltRequest b = GeminiAdapter().buildChat(deployment(provider, model, apiBase), kKey, req);
    QCOMPARE(b.request.url().toString(), url);
    QVERIFY(!b.request.url().hasQuery());   // never ?key=
    QVERIFY(!b.request.url().toString().contains(kKey));
    QVERIFY(!b.body.contains(kKey.toUtf8()));
    QCOMPARE(b.request.rawHeader("x-goog-api-key"), kKey.toUtf8());
    QVERIFY(!b.request.hasRawHeader("Authorization"));

    const QJsonObject body = QJsonDocument::fromJson(b.body).object();
    QCOMPARE(body.size(), 3);
    const QJsonArray contents = body.value(QLatin1String("contents")).toArray();
    QCOMPARE(contents.size(), 1);
    QCOMPARE(contents.first().toObject().value(QLatin1String("role")).toString(), QStringLiteral("user"));
    const QJsonArray parts = contents.first().toObject().value(QLatin1String("parts")).toArray();
    QCOMPARE(parts.size(), 1);
    QCOMPARE(parts.first().toObject().value(QLatin1String("text")).toString(), req.user);
    QCOMPARE(body.value(QLatin1String("systemInstruction")).toObject().value(QLatin1String("parts")).toArray()
                 .first().toObject().value(QLatin1String("text")).toString(), req.system);
    const QJsonObject config = body.value(QLatin1String("generationConfig")).toObject();
    QCOMPARE(config.value(QLatin1String("maxOutputTokens")).toInt(), 900);
    QCOMPARE(config.value(QLatin1String("temperature")).toDouble(), 0.5);
    QCOMPARE(config.value(QLatin1String("responseMimeType")).toString(), QStringLiteral("application/json"));
}

void TestGeminiAdapter::noJsonMode()
{
    ChatRequest req = request();
    req.jsonMode = false;
    req.system.clear();
    const QJsonObject body = QJsonDocument::fromJson(GeminiAdapter().buildChat(deployment(), kKey, req).body).object();
    QVERIFY(!body.contains(QLatin1String("systemInstruction")));
    QVERIFY(!body.value(QLatin1String("generationConfig")).toObject().contains(QLatin1String("responseMimeType")));
}

void TestGeminiAdapter::countTokens()
{
    const GeminiAdapter a;
    const auto b = a.buildCountTokens(deployment(), kKey, request());
    QVERIFY(b);
    QCOMPARE(b->request.url().toString(),
             QStringLiteral("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:countTokens"));
    QCOMPARE(b->request.rawHeader("x-goog-api-key"), kKey.toUtf8());
    QVERIFY(!b->body.contains(kKey.toUtf8()));
    const QJsonObject body = QJsonDocument::fromJson(b->body).object();
    QCOMPARE(body.keys(), QStringList{QStringLiteral("contents")});
    const QJsonArray parts = body.value(QLatin1String("contents")).toArray().first().toObject().value(QLatin1String("parts")).toArray();
    QCOMPARE(parts.size(), 2);   // system text counted too
    QCOMPARE(parts.at(0).toObject().value(QLatin1String("text")).toString(), request().system);
    QCOMPARE(parts.at(1).toObject().value(QLatin1String("text")).toString(), request().user);

    const wbtest::Fixture f = wbtest::loadFixture(QStringLiteral("gemini"), QStringLiteral("count_tokens"));
    QVERIFY(f.ok);
    QCOMPARE(a.parseCountTokens(f.body), std::optional<qint64>(31));
    QCOMPARE(a.parseCountTokens(QByteArray("{\"error\":{\"code\":400}}")), std::nullopt);
}

QTEST_GUILESS_MAIN(TestGeminiAdapter)
void TestGeminiAdapter::quotaFailureNamesThePerMinuteLimit()
{
    // A per-minute quota's QuotaFailure names its limit; a per-day one is no per-minute limit.
    const wbtest::Fixture perMinute = wbtest::loadFixture(QStringLiteral("gemini"), QStringLiteral("rate_limit_429"));
    QVERIFY(perMinute.ok);
    const ParsedReply r = GeminiAdapter().parseAt(perMinute.status, perMinute.headers, perMinute.body, 0);
    QVERIFY(r.error && r.error->namedLimit);
    QVERIFY(r.error->namedLimit->requests);
    QCOMPARE(r.error->namedLimit->limit, 15);
    const wbtest::Fixture perDay = wbtest::loadFixture(QStringLiteral("gemini"), QStringLiteral("rate_limit_429_per_day"));
    QVERIFY(perDay.ok);
    const ParsedReply d = GeminiAdapter().parseAt(perDay.status, perDay.headers, perDay.body, 0);
    QVERIFY(d.error && !d.error->namedLimit);
    // A token quota whose message names nothing (the limit is only in the details).
    const QByteArray tokens = R"({"error":{"code":429,"message":"You exceeded your current quota. Please retry in 3.2s.",
        "status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[
        {"quotaMetric":"generativelanguage.googleapis.com/generate_content_input_token_count",
         "quotaId":"GenerateContentInputTokensPerModelPerMinute","quotaValue":"250000"}]}]}})";
    const ParsedReply t = GeminiAdapter().parseAt(429, {}, tokens, 0);
    QVERIFY(t.error && t.error->namedLimit);
    QVERIFY(!t.error->namedLimit->requests);
    QCOMPARE(t.error->namedLimit->limit, 250'000);
    // A QuotaFailure that lists no violation names nothing.
    const QByteArray none = R"({"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED",
        "details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]}]}})";
    const ParsedReply n = GeminiAdapter().parseAt(429, {}, none, 0);
    QVERIFY(n.error && !n.error->namedLimit);
    QCOMPARE(n.error->errorClass, ErrorClass::RateLimited);
}

#include "tst_geminiadapter.moc"
