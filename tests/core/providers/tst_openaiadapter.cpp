// OpenAI chat-completions adapter (also Mistral and OpenAI-compatible servers): request
// builder, parser over recorded replies, and the duration / retry-hint helpers it relies on.
#include "core/providers/openaiadapter.h"
#include "core/providers/wireparsing.h"
#include "fixture.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wb;
using wbtest::Expect;

namespace {

const QString kKey = QStringLiteral("sk-") + QStringLiteral("proj-TESTKEY0123456789abcdefSECRET");

// 2025-02-24T22:25:00Z, the Date of the recordings.
qint64 recordedNow() { return QDateTime(QDate(2025, 2, 24), QTime(22, 25, 0), Qt::UTC).toMSecsSinceEpoch(); }

Deployment deployment(const QString &provider, const QString &model, const QString &apiBase = {})
{
    Deployment d;
    d.id = model + QStringLiteral("/1");
    d.modelName = model;
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
    r.maxTokens = 1234;
    r.temperature = 0.25;
    return r;
}

} // namespace

class TestOpenAiAdapter final : public QObject {
    Q_OBJECT
private slots:
    void parse_data();
    void parse();
    void parseWithoutHeadersOrBody();
    void buildChat_data();
    void buildChat();
    void keyOnlyInAuthHeader();
    void noKeyNoAuthHeader();
    void noCountTokens();
    void goDuration_data();
    void goDuration();
    void retryAfter_data();
    void retryAfter();
    void retryHint_data();
    void retryHint();
};

void TestOpenAiAdapter::parse_data()
{
    QTest::addColumn<QString>("dir");
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<Expect>("expect");
    const auto row = [](const char *dir, const char *fixture, Expect e) {
        QTest::addRow("%s/%s", dir, fixture) << QString::fromLatin1(dir) << QString::fromLatin1(fixture) << e;
    };
    using EC = ErrorClass;

    row("openai", "success_cached",
        {.text = QStringLiteral(R"({"care": 0.8, "fairness": 0.6, "evidence": "We must protect the vulnerable."})"),
         .prompt = 2006, .completion = 300, .cached = 1920,
         .model = QStringLiteral("gpt-4o-2024-08-06"), .finish = QStringLiteral("stop"),
         .requestId = QStringLiteral("req_7b4f8a2c1d9e4f60a1b2c3d4e5f60718"),
         .limitReq = 5000, .remReq = 4999, .resetReqMs = 12,
         .limitTok = 800000, .remTok = 797753, .resetTokMs = 179560});
    row("openai", "reasoning_length",
        {.text = QString(), .prompt = 812, .completion = 2000, .model = QStringLiteral("o3-mini-2025-01-31"),
         .finish = QStringLiteral("length"), .requestId = QStringLiteral("req_0a1b2c3d"),
         .resetReqMs = 1000, .resetTokMs = 360000});
    row("openai", "rate_limit_429",
        {.cls = EC::RateLimited, .requestId = QStringLiteral("req_429aa"),
         .limitReq = 500, .remReq = 499, .resetReqMs = 120, .limitTok = 30000, .remTok = 63, .resetTokMs = 3723000,
         .retryAfterMs = 644, .messageContains = QStringLiteral("Please try again in 644ms."),
         .code = QStringLiteral("rate_limit_exceeded"), .type = QStringLiteral("tokens")});
    row("openai", "rate_limit_429_retry_after",
        {.cls = EC::RateLimited, .requestId = QStringLiteral("req_429bb"), .retryAfterMs = 1500,
         .messageContains = QStringLiteral("requests per min (RPM)"), .type = QStringLiteral("requests")});
    row("openai", "rate_limit_429_http_date",
        {.cls = EC::RateLimited, .retryAfterMs = 30000, .messageContains = QStringLiteral("Rate limit reached")});
    row("openai", "rate_limit_429_message_seconds",
        {.cls = EC::RateLimited, .retryAfterMs = 1500, .messageContains = QStringLiteral("in 1.5s")});
    row("openai", "request_too_large_429",
        {.cls = EC::Fatal, .requestId = QStringLiteral("req_rtl"), .messageContains = QStringLiteral("Request too large")});
    row("openai", "insufficient_quota_429",
        {.cls = EC::BudgetExceeded, .requestId = QStringLiteral("req_quota"),
         .messageContains = QStringLiteral("exceeded your current quota"), .code = QStringLiteral("insufficient_quota")});
    row("openai", "invalid_key_401",
        {.cls = EC::Auth, .requestId = QStringLiteral("req_401"),
         .messageContains = QStringLiteral("Incorrect API key provided: sk-VKM***wjh3."), .code = QStringLiteral("invalid_api_key")});
    row("openai", "server_error_500",
        {.cls = EC::Transient, .messageContains = QStringLiteral("The server had an error"), .code = QString(),
         .type = QStringLiteral("server_error")});
    row("openai", "overloaded_503",
        {.cls = EC::Overloaded, .messageContains = QStringLiteral("currently overloaded")});
    row("openai", "overloaded_503_new",
        {.cls = EC::Overloaded, .requestId = QStringLiteral("req_503"), .code = QStringLiteral("server_is_overloaded")});
    row("openai", "bad_gateway_502",
        {.cls = EC::Transient, .messageContains = QStringLiteral("HTTP 502: 502 Bad Gateway")});
    row("openai", "context_length_400",
        {.cls = EC::ContextTooLong, .requestId = QStringLiteral("req_ctx"),
         .messageContains = QStringLiteral("maximum context length is 128000"), .code = QStringLiteral("context_length_exceeded")});
    row("openai", "model_not_found_404",
        {.cls = EC::Fatal, .messageContains = QStringLiteral("does not exist"), .code = QStringLiteral("model_not_found")});
    row("openai", "truncated_200",
        {.cls = EC::Transient, .requestId = QStringLiteral("req_trunc"), .messageContains = QStringLiteral("not valid JSON"),
         .type = QStringLiteral("malformed_reply")});
    row("openai", "no_choices_200",
        {.cls = EC::Transient, .requestId = QStringLiteral("chatcmpl-empty"), .messageContains = QStringLiteral("no choices[0].message")});
    row("openai", "refusal_200",
        {.cls = EC::Fatal, .requestId = QStringLiteral("chatcmpl-ref"), .messageContains = QStringLiteral("I'm sorry, I can't help"),
         .type = QStringLiteral("refusal")});
    row("openai", "ollama_error_404",
        {.cls = EC::Fatal, .messageContains = QStringLiteral("try pulling it first")});
    row("openai", "vllm_context_400",
        {.cls = EC::ContextTooLong, .messageContains = QStringLiteral("maximum context length is 4096"), .code = QStringLiteral("400")});

    row("mistral", "success",
        {.text = QStringLiteral(R"({"care": 0.7, "evidence": "protect"})"), .prompt = 16, .completion = 34,
         .model = QStringLiteral("mistral-small-latest"), .finish = QStringLiteral("stop"),
         .requestId = QStringLiteral("cmpl-e5cc70bb28c444948073e77776eb30ef"),
         .limitReq = 60, .remReq = 59, .limitTok = 500000, .remTok = 499950, .queryCost = 50});
    row("mistral", "rate_limit_429",
        {.cls = EC::RateLimited, .limitReq = 60, .remReq = 0, .limitTok = 500000, .remTok = 12000, .retryAfterMs = 3000,
         .messageContains = QStringLiteral("Rate limit exceeded"), .code = QStringLiteral("1300"), .type = QStringLiteral("rate_limited")});
    // Mistral's older, token-only header set (x-ratelimitbysize-*, ratelimitbysize-*), as clients
    // in the wild read it: the per-minute token limit and what this call cost; on a refusal
    // without retry-after, the seconds until the window frees are the wait.
    row("mistral", "success_bysize",
        {.text = QStringLiteral(R"({"care": 0.7, "evidence": "protect"})"), .prompt = 16, .completion = 34,
         .model = QStringLiteral("mistral-small-latest"), .finish = QStringLiteral("stop"),
         .requestId = QStringLiteral("cmpl-e5cc70bb28c444948073e77776eb30ef"),
         .limitTok = 2000000, .remTok = 1999950, .queryCost = 50});
    row("mistral", "rate_limit_429_bysize",
        {.cls = EC::RateLimited, .limitTok = 2000000, .remTok = 0, .retryAfterMs = 12000,
         .messageContains = QStringLiteral("Requests rate limit exceeded")});
    row("mistral", "rate_limit_429_gateway",
        {.cls = EC::RateLimited, .messageContains = QStringLiteral("Requests rate limit exceeded")});
    row("mistral", "unauthorized_401",
        {.cls = EC::Auth, .requestId = QStringLiteral("c61fd6dbdbf1e4a09e3c8ac0b1e0e6a2"), .messageContains = QStringLiteral("Unauthorized")});
    row("mistral", "unauthorized_detail_401", {.cls = EC::Auth, .messageContains = QStringLiteral("Unauthorized")});
    row("mistral", "context_too_long_400",
        {.cls = EC::ContextTooLong, .messageContains = QStringLiteral("too large for model with 32768 maximum context length")});
    row("mistral", "unknown_model_400",
        {.cls = EC::Fatal, .messageContains = QStringLiteral("Invalid model"), .code = QStringLiteral("unknown_model")});
    row("mistral", "server_error_500",
        {.cls = EC::Transient, .messageContains = QStringLiteral("Internal server error"), .code = QStringLiteral("1000")});
}

void TestOpenAiAdapter::parse()
{
    QFETCH(QString, dir);
    QFETCH(QString, fixture);
    QFETCH(Expect, expect);
    const wbtest::Fixture f = wbtest::loadFixture(dir, fixture);
    QVERIFY2(f.ok, qPrintable(dir + QLatin1Char('/') + fixture));
    const ParsedReply r = OpenAiAdapter().parseAt(f.status, f.headers, f.body, recordedNow());
    wbtest::checkReply(r, f, expect);
}

void TestOpenAiAdapter::parseWithoutHeadersOrBody()
{
    // A connection that delivered a status but nothing else still yields a classified error.
    const ParsedReply r = OpenAiAdapter().parse(502, {}, {});
    QVERIFY(!r.completion);
    QVERIFY(r.error);
    QCOMPARE(r.error->errorClass, ErrorClass::Transient);
    QCOMPARE(r.error->message, QStringLiteral("HTTP 502"));
    QVERIFY(!r.limits.any());

    const ParsedReply empty200 = OpenAiAdapter().parse(200, {}, {});
    QVERIFY(empty200.error);
    QCOMPARE(empty200.error->errorClass, ErrorClass::Transient);
}

void TestOpenAiAdapter::buildChat_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("apiBase");
    QTest::addColumn<bool>("jsonMode");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("tokenField");      // max_tokens | max_completion_tokens
    QTest::addColumn<bool>("hasTemperature");
    QTest::addColumn<bool>("hasSystemMessage");
    QTest::addColumn<bool>("hasResponseFormat");

    QTest::newRow("openai default base") << "openai" << "gpt-4o" << "" << true
        << "https://api.openai.com/v1/chat/completions" << "max_tokens" << true << true << true;
    QTest::newRow("openai no json mode") << "openai" << "gpt-4o-mini" << "" << false
        << "https://api.openai.com/v1/chat/completions" << "max_tokens" << true << true << false;
    QTest::newRow("o3-mini") << "openai" << "o3-mini" << "" << true
        << "https://api.openai.com/v1/chat/completions" << "max_completion_tokens" << false << true << true;
    QTest::newRow("o4-mini") << "openai" << "o4-mini-2025-04-16" << "" << true
        << "https://api.openai.com/v1/chat/completions" << "max_completion_tokens" << false << true << true;
    QTest::newRow("gpt-5") << "openai" << "gpt-5-mini" << "" << true
        << "https://api.openai.com/v1/chat/completions" << "max_completion_tokens" << false << true << true;
    QTest::newRow("gpt-5-chat is not a reasoning model") << "openai" << "gpt-5-chat-latest" << "" << true
        << "https://api.openai.com/v1/chat/completions" << "max_tokens" << true << true << true;
    QTest::newRow("o1-mini folds system into user") << "openai" << "o1-mini" << "" << true
        << "https://api.openai.com/v1/chat/completions" << "max_completion_tokens" << false << false << false;
    QTest::newRow("mistral default base") << "mistral" << "mistral-large-latest" << "" << true
        << "https://api.mistral.ai/v1/chat/completions" << "max_tokens" << true << true << true;
    QTest::newRow("litellm proxy base, trailing slash") << "openai" << "gpt-4o" << "http://127.0.0.1:4000/v1/" << true
        << "http://127.0.0.1:4000/v1/chat/completions" << "max_tokens" << true << true << true;
    QTest::newRow("vllm named o1 is not OpenAI's o1") << "hosted_vllm" << "o1-distill" << "http://127.0.0.1:8000/v1" << true
        << "http://127.0.0.1:8000/v1/chat/completions" << "max_tokens" << true << true << true;
    QTest::newRow("full endpoint as base") << "openai" << "gpt-4o" << "http://127.0.0.1:4000/v1/chat/completions" << true
        << "http://127.0.0.1:4000/v1/chat/completions" << "max_tokens" << true << true << true;
}

void TestOpenAiAdapter::buildChat()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(QString, apiBase);
    QFETCH(bool, jsonMode);
    QFETCH(QString, url);
    QFETCH(QString, tokenField);
    QFETCH(bool, hasTemperature);
    QFETCH(bool, hasSystemMessage);
    QFETCH(bool, hasResponseFormat);

    ChatRequest req = request();
    req.jsonMode = jsonMode;
    const BuiltRequest b = OpenAiAdapter().buildChat(deployment(provider, model, apiBase), kKey, req);
    QCOMPARE(b.request.url().toString(), url);
    QCOMPARE(b.request.rawHeader("Authorization"), QByteArray("Bearer " + kKey.toUtf8()));
    QCOMPARE(b.request.header(QNetworkRequest::ContentTypeHeader).toByteArray(), QByteArray("application/json"));

    QJsonParseError err;
    const QJsonObject body = QJsonDocument::fromJson(b.body, &err).object();
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(body.value(QLatin1String("model")).toString(), model);
    QCOMPARE(body.value(tokenField).toInt(), 1234);
    QCOMPARE(body.size(), 3 + (hasTemperature ? 1 : 0) + (hasResponseFormat ? 1 : 0));   // nothing unexpected
    QCOMPARE(body.contains(QLatin1String("temperature")), hasTemperature);
    if (hasTemperature)
        QCOMPARE(body.value(QLatin1String("temperature")).toDouble(), 0.25);
    QCOMPARE(body.value(QLatin1String("response_format")).toObject().value(QLatin1String("type")).toString(),
             hasResponseFormat ? QStringLiteral("json_object") : QString());

    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    QCOMPARE(messages.size(), hasSystemMessage ? 2 : 1);
    const QJsonObject user = messages.last().toObject();
    QCOMPARE(user.value(QLatin1String("role")).toString(), QStringLiteral("user"));
    if (hasSystemMessage) {
        QCOMPARE(messages.first().toObject().value(QLatin1String("role")).toString(), QStringLiteral("system"));
        QCOMPARE(messages.first().toObject().value(QLatin1String("content")).toString(), req.system);
        QCOMPARE(user.value(QLatin1String("content")).toString(), req.user);
    } else {
        QCOMPARE(user.value(QLatin1String("content")).toString(), req.system + QStringLiteral("\n\n") + req.user);
    }
}

void TestOpenAiAdapter::keyOnlyInAuthHeader()
{
    const BuiltRequest b = OpenAiAdapter().buildChat(deployment(QStringLiteral("openai"), QStringLiteral("gpt-4o")), kKey, request());
    QVERIFY(!b.request.url().toString().contains(kKey));
    QVERIFY(!b.body.contains(kKey.toUtf8()));
    int carriers = 0;
    for (const QByteArray &h : b.request.rawHeaderList())
        carriers += b.request.rawHeader(h).contains(kKey.toUtf8()) ? 1 : 0;
    QCOMPARE(carriers, 1);

    // A key pasted with a trailing newline must not break (or inject into) the header block.
    const BuiltRequest pasted = OpenAiAdapter().buildChat(deployment(QStringLiteral("openai"), QStringLiteral("gpt-4o")),
                                                          kKey + QStringLiteral("\r\n"), request());
    QCOMPARE(pasted.request.rawHeader("Authorization"), QByteArray("Bearer " + kKey.toUtf8()));
}

void TestOpenAiAdapter::noKeyNoAuthHeader()
{
    // Ollama / vLLM without auth: no "Authorization: Bearer " with an empty token.
    const BuiltRequest b = OpenAiAdapter().buildChat(
        deployment(QStringLiteral("ollama"), QStringLiteral("llama3.1"), QStringLiteral("http://127.0.0.1:11434/v1")), QString(), request());
    QVERIFY(!b.request.hasRawHeader("Authorization"));
    QCOMPARE(b.request.url().toString(), QStringLiteral("http://127.0.0.1:11434/v1/chat/completions"));
}

void TestOpenAiAdapter::noCountTokens()
{
    QVERIFY(!OpenAiAdapter().buildCountTokens(deployment(QStringLiteral("openai"), QStringLiteral("gpt-4o")), kKey, request()));
}

void TestOpenAiAdapter::goDuration_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("ms");   // -1 = invalid
    QTest::newRow("12ms") << QByteArray("12ms") << qint64(12);
    QTest::newRow("1s") << QByteArray("1s") << qint64(1000);
    QTest::newRow("6m0s") << QByteArray("6m0s") << qint64(360000);
    QTest::newRow("2m59.56s") << QByteArray("2m59.56s") << qint64(179560);
    QTest::newRow("1h2m3s") << QByteArray("1h2m3s") << qint64(3723000);
    QTest::newRow("0s") << QByteArray("0s") << qint64(0);
    QTest::newRow("0") << QByteArray("0") << qint64(0);
    QTest::newRow("fraction rounds up") << QByteArray("1.68122827s") << qint64(1682);
    QTest::newRow("43s") << QByteArray("43s") << qint64(43000);
    QTest::newRow("fractional ms") << QByteArray("16.5ms") << qint64(17);
    QTest::newRow("microseconds") << QByteArray("500us") << qint64(1);
    QTest::newRow("micro sign") << QByteArray("2000\xC2\xB5s") << qint64(2);
    QTest::newRow("nanoseconds") << QByteArray("1500000ns") << qint64(2);
    QTest::newRow("bare seconds") << QByteArray("2") << qint64(2000);
    QTest::newRow("bare fraction") << QByteArray("1.5") << qint64(1500);
    QTest::newRow("whitespace") << QByteArray(" 7s ") << qint64(7000);
    QTest::newRow("empty") << QByteArray("") << qint64(-1);
    QTest::newRow("word") << QByteArray("soon") << qint64(-1);
    QTest::newRow("negative") << QByteArray("-1s") << qint64(-1);
    QTest::newRow("unknown unit") << QByteArray("1x") << qint64(-1);
    QTest::newRow("unit only") << QByteArray("s") << qint64(-1);
    QTest::newRow("trailing number") << QByteArray("1s2") << qint64(-1);
    QTest::newRow("double dot") << QByteArray("1..5s") << qint64(-1);
    QTest::newRow("absurdly long") << QByteArray("99999999999999999999h") << qint64(-1);
}

void TestOpenAiAdapter::goDuration()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, ms);
    QCOMPARE(wbtest::orMinusOne(wire::parseGoDurationMs(text)), ms);
}

void TestOpenAiAdapter::retryAfter_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("seconds") << QByteArray("2") << qint64(2000);
    QTest::newRow("zero") << QByteArray("0") << qint64(0);
    QTest::newRow("fractional seconds") << QByteArray("1.25") << qint64(1250);
    QTest::newRow("http date") << QByteArray("Mon, 24 Feb 2025 22:25:30 GMT") << qint64(30000);
    QTest::newRow("http date in the past") << QByteArray("Mon, 24 Feb 2025 22:24:00 GMT") << qint64(0);
    QTest::newRow("rfc 850 date") << QByteArray("Mon, 24 Feb 2025 22:25:05 +0000") << qint64(5000);
    QTest::newRow("garbage") << QByteArray("later") << qint64(-1);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
}

void TestOpenAiAdapter::retryAfter()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, ms);
    QCOMPARE(wbtest::orMinusOne(wire::parseRetryAfterMs(value, recordedNow())), ms);
}

void TestOpenAiAdapter::retryHint_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("openai ms") << "Limit 30000, Used 29937, Requested 385. Please try again in 644ms. Visit https://x" << qint64(644);
    QTest::newRow("openai s") << "Please try again in 1.5s." << qint64(1500);
    QTest::newRow("openai go") << "Please try again in 6m0s. Visit" << qint64(360000);
    QTest::newRow("gemini") << "Quota exceeded.\nPlease retry in 1.68122827s." << qint64(1682);
    QTest::newRow("azure") << "Please retry after 20 seconds." << qint64(20000);
    QTest::newRow("later") << "Please reduce the prompt length or try again later." << qint64(-1);
    QTest::newRow("none") << "Overloaded" << qint64(-1);
}

void TestOpenAiAdapter::retryHint()
{
    QFETCH(QString, message);
    QFETCH(qint64, ms);
    QCOMPARE(wbtest::orMinusOne(wire::retryHintFromMessage(message)), ms);
}

QTEST_GUILESS_MAIN(TestOpenAiAdapter)
#include "tst_openaiadapter.moc"
