// The simulator's dialects on their own: routing, keys, request parsing, the simulator's own
// admission and settlement rules, and reply shapes. No sockets (tst_simulator runs them end to end).
#include "core/sim/dialects/simdialects.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wb;
using namespace wb::sim;

namespace {

class FakeContext final : public SimReplyContext {
public:
    QString randomId(const char *prefix, int, bool) override { return QLatin1String(prefix) + QString::number(++ids); }
    qint64 now() const override { return clock; }
    qint64 epochAtStart() const override { return 1'740'000'000'000; }
    int ids = 0;
    qint64 clock = 1000;
};

QJsonObject json(const QByteArray &body) { return QJsonDocument::fromJson(body).object(); }

QByteArray header(const SimReply &r, const QByteArray &name)
{
    for (const auto &[n, v] : r.headers) {
        if (n == name)
            return v;
    }
    return {};
}

} // namespace

class TstSimDialects final : public QObject {
    Q_OBJECT
private slots:
    void routing_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("provider");   // -1: no dialect
        QTest::addColumn<bool>("countTokens");
        QTest::newRow("chat") << u"/v1/chat/completions"_qs << int(Provider::OpenAI) << false;
        QTest::newRow("messages") << u"/v1/messages"_qs << int(Provider::Anthropic) << false;
        QTest::newRow("anthropic count") << u"/v1/messages/count_tokens"_qs << int(Provider::Anthropic) << true;
        QTest::newRow("gemini generate") << u"/v1beta/models/gemini-2.5-flash:generateContent"_qs << int(Provider::Gemini) << false;
        QTest::newRow("gemini count") << u"/v1/models/gemini-2.5-flash:countTokens"_qs << int(Provider::Gemini) << true;
        QTest::newRow("gemini unknown method") << u"/v1beta/models/g:streamGenerateContent"_qs << -1 << false;
        QTest::newRow("unknown") << u"/v2/chat"_qs << -1 << false;
        QTest::newRow("openai-compatible base") << u"/openai/v1/chat/completions"_qs << int(Provider::OpenAI) << false;
        QTest::newRow("azure") << u"/openai/deployments/gpt-4o-prod/chat/completions"_qs << int(Provider::Azure) << false;
        QTest::newRow("vertex generate") << u"/v1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent"_qs
                                         << int(Provider::Vertex) << false;
        QTest::newRow("vertex count") << u"/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-pro:countTokens"_qs
                                      << int(Provider::Vertex) << true;
        QTest::newRow("vertex other publisher") << u"/v1/projects/p/locations/l/publishers/anthropic/models/claude:rawPredict"_qs << -1 << false;
    }
    void routing()
    {
        QFETCH(QString, path);
        QFETCH(int, provider);
        QFETCH(bool, countTokens);
        SimDialects dialects;
        SimCall call;
        const SimDialect *d = dialects.route(path, call);
        if (provider < 0) {
            QVERIFY(!d);
            return;
        }
        QVERIFY(d);
        QCOMPARE(int(d->provider()), provider);
        QCOMPARE(call.countTokens, countTokens);
    }

    void geminiTakesTheModelFromThePath()
    {
        SimDialects dialects;
        SimCall call;
        QVERIFY(dialects.route(u"/v1beta/models/gemini-2.5-pro:generateContent"_qs, call));
        QCOMPARE(call.model, u"gemini-2.5-pro"_qs);
    }

    void badRoutesAnswerInTheirFamilysFormat()
    {
        SimDialects dialects;
        FakeContext ctx;
        const SimReply gemini = dialects.forBadRoute(u"/v1beta/nothing"_qs).badRoute(ctx, "GET", u"/v1beta/nothing"_qs, false);
        QCOMPARE(gemini.status, 404);
        QCOMPARE(json(gemini.body).value(u"error"_qs).toObject().value(u"status"_qs).toString(), u"NOT_FOUND"_qs);
        const SimReply known = dialects.forBadRoute(u"/v1/messages"_qs).badRoute(ctx, "GET", u"/v1/messages"_qs, true);
        QCOMPARE(known.status, 405);
        QCOMPARE(json(known.body).value(u"error"_qs).toObject().value(u"code"_qs).toString(), u"unknown_url"_qs);
    }

    void keysAndTheirPaths()
    {
        SimDialects dialects;
        const SimDialect &openAi = dialects.forProvider(Provider::OpenAI);
        QVERIFY(openAi.servesKeysOf(Provider::OpenAI));
        QVERIFY(openAi.servesKeysOf(Provider::Mistral));   // Mistral speaks the chat-completions path
        QVERIFY(!openAi.servesKeysOf(Provider::Anthropic));
        QVERIFY(!dialects.forProvider(Provider::Anthropic).servesKeysOf(Provider::OpenAI));
        QCOMPARE(dialects.forProvider(Provider::Mistral).provider(), Provider::Mistral);

        HttpRequest req;
        req.headers.insert("authorization", "Bearer sk-test");
        QCOMPARE(openAi.apiKey(req), u"sk-test"_qs);
        req.headers.insert("x-api-key", "ak");
        QCOMPARE(dialects.forProvider(Provider::Anthropic).apiKey(req), u"ak"_qs);
        HttpRequest gemini;
        gemini.query = "key=gk";
        QCOMPARE(dialects.forProvider(Provider::Gemini).apiKey(gemini), u"gk"_qs);
    }

    void anthropicNeedsItsVersionHeader()
    {
        SimDialects dialects;
        FakeContext ctx;
        const SimDialect &a = dialects.forProvider(Provider::Anthropic);
        HttpRequest req;
        const std::optional<SimReply> r = a.checkHeaders(ctx, req);
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        req.headers.insert("anthropic-version", "2023-06-01");
        QVERIFY(!a.checkHeaders(ctx, req));
        QVERIFY(!dialects.forProvider(Provider::OpenAI).checkHeaders(ctx, HttpRequest()));
    }

    void parsing()
    {
        SimDialects dialects;
        FakeContext ctx;
        SimCall call;
        const QByteArray chat = R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_tokens":50})";
        QVERIFY(!dialects.forProvider(Provider::OpenAI).parseBody(ctx, chat, call));
        QCOMPARE(call.model, u"gpt-4o"_qs);
        QCOMPARE(call.messages, QStringList{u"hi"_qs});
        QCOMPARE(call.maxTokens, 50);

        // Anthropic requires max_tokens on messages, not on count_tokens.
        const QByteArray noMax = R"({"model":"claude","messages":[{"role":"user","content":"hi"}],"system":"be brief"})";
        SimCall messages;
        const std::optional<SimReply> err = dialects.forProvider(Provider::Anthropic).parseBody(ctx, noMax, messages);
        QVERIFY(err);
        QCOMPARE(err->status, 400);
        SimCall count;
        count.countTokens = true;
        QVERIFY(!dialects.forProvider(Provider::Anthropic).parseBody(ctx, noMax, count));
        QCOMPARE(count.messages, (QStringList{u"be brief"_qs, u"hi"_qs}));

        // Invalid JSON: each provider's own wording; Gemini's error status names the argument.
        SimCall bad;
        const std::optional<SimReply> mistral = dialects.forProvider(Provider::Mistral).parseBody(ctx, "{", bad);
        QVERIFY(mistral && json(mistral->body).value(u"message"_qs).toString().startsWith(u"Invalid JSON body"));
        const std::optional<SimReply> gemini = dialects.forProvider(Provider::Gemini).parseBody(ctx, R"({"stream":true})", bad);
        QVERIFY(gemini);
        QCOMPARE(json(gemini->body).value(u"error"_qs).toObject().value(u"status"_qs).toString(), u"INVALID_ARGUMENT"_qs);
    }

    void admissionRulesAreTheSimulatorsOwn()
    {
        SimDialects dialects;
        SimCall call;
        call.messages = {QString(40, u'x')};   // 40 characters: OpenAI's estimate is 10
        call.promptTokens = 12;
        call.maxTokens = 100;
        QCOMPARE(dialects.forProvider(Provider::OpenAI).admissionCharge(call), 10 + 100);
        QCOMPARE(dialects.forProvider(Provider::Mistral).admissionCharge(call), 12 + 100);
        QCOMPARE(dialects.forProvider(Provider::Anthropic).admissionCharge(call), 12);
        QCOMPARE(dialects.forProvider(Provider::Gemini).admissionCharge(call), 12);
        call.maxTokens = -1;   // no limit given: 4096 reserved
        QCOMPARE(dialects.forProvider(Provider::Mistral).admissionCharge(call), 12 + 4096);

        SimKey key;
        key.tpm = 1000;
        key.itpm = 2000;
        QCOMPARE(dialects.forProvider(Provider::Anthropic).tokenLimit(key), 2000);
        QCOMPARE(dialects.forProvider(Provider::OpenAI).tokenLimit(key), 1000);
        QVERIFY(dialects.forProvider(Provider::Anthropic).waitsForOutputWindow());
        QVERIFY(!dialects.forProvider(Provider::Gemini).waitsForOutputWindow());
    }

    void settlement()
    {
        SimDialects dialects;
        SimKey key;
        SimWindows windows(60'000);
        SimCall call;
        call.key = &key;
        call.windows = &windows;
        call.promptTokens = 12;
        call.tpmCharge = 112;
        call.tpmEvent = windows.tpm.add(0, call.tpmCharge);
        SimKeyStats stats;
        stats.tokensCharged = 112;
        // Mistral settles the admission charge to prompt + completion.
        QCOMPARE(dialects.forProvider(Provider::Mistral).settle(call, 30, 10, stats), 42);
        QCOMPARE(windows.tpm.used(10), 42);
        QCOMPARE(stats.tokensCharged, 42);
        // Anthropic books the output in its own window; OpenAI keeps its estimate.
        SimKeyStats a;
        QCOMPARE(dialects.forProvider(Provider::Anthropic).settle(call, 30, 10, a), 112);
        QCOMPARE(windows.otpm.used(10), 30);
        QCOMPARE(a.tokensCharged, 30);
        SimKeyStats o;
        QCOMPARE(dialects.forProvider(Provider::OpenAI).settle(call, 30, 10, o), 112);
        QCOMPARE(o.tokensCharged, 0);
    }

    void successReplies()
    {
        SimDialects dialects;
        FakeContext ctx;
        SimCall call;
        call.model = u"gpt-4o"_qs;
        call.promptTokens = 20;
        const SimReply openAi = dialects.forProvider(Provider::OpenAI).successReply(ctx, call, 0, u"ok"_qs, 3, true);
        const QJsonObject o = json(openAi.body);
        QCOMPARE(o.value(u"model"_qs).toString(), u"gpt-4o-2024-08-06"_qs);
        QCOMPARE(o.value(u"usage"_qs).toObject().value(u"total_tokens"_qs).toInt(), 23);
        QVERIFY(!header(openAi, "x-request-id").isEmpty());
        QVERIFY(!header(openAi, "openai-processing-ms").isEmpty());
        // No key (accept_any_key): no rate-limit headers.
        QVERIFY(header(openAi, "x-ratelimit-limit-requests").isEmpty());

        const SimReply mistral = dialects.forProvider(Provider::Mistral).successReply(ctx, call, 0, u"ok"_qs, 3, false);
        QVERIFY(header(mistral, "openai-processing-ms").isEmpty());
        QVERIFY(!header(mistral, "mistral-correlation-id").isEmpty());
        QCOMPARE(json(mistral.body).value(u"model"_qs).toString(), u"gpt-4o"_qs);

        call.model = u"claude-3-5-haiku-latest"_qs;
        const SimReply anthropic = dialects.forProvider(Provider::Anthropic).successReply(ctx, call, 0, u"ok"_qs, 3, true);
        QCOMPARE(json(anthropic.body).value(u"model"_qs).toString(), u"claude-3-5-haiku-20241022"_qs);
        QCOMPARE(json(anthropic.body).value(u"stop_reason"_qs).toString(), u"max_tokens"_qs);
    }
};

QTEST_GUILESS_MAIN(TstSimDialects)
#include "tst_simdialects.moc"
