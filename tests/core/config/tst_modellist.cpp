#include "core/config/duration.h"
#include "core/config/modellist.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

QString dataFile(const char *name)
{
    return QStringLiteral(WB_SOURCE_DIR "/tests/data/config/") + QLatin1String(name);
}

template <typename T>
QString optText(const std::optional<T> &v)
{
    return v ? QString::number(*v) : QStringLiteral("unset");
}

// Field-by-field difference, empty when equal; keeps failures readable.
QString diff(const Deployment &a, const Deployment &b)
{
    QStringList d;
    const auto cmp = [&](const char *what, const QString &x, const QString &y) {
        if (x != y)
            d << QLatin1String(what) + QStringLiteral(": ") + x + QStringLiteral(" != ") + y;
    };
    cmp("id", a.id, b.id);
    cmp("modelName", a.modelName, b.modelName);
    cmp("provider", a.provider, b.provider);
    cmp("model", a.model, b.model);
    cmp("keyRef", a.keyRef, b.keyRef);
    cmp("apiBase", a.apiBase, b.apiBase);
    cmp("rpm", optText(a.limits.rpm), optText(b.limits.rpm));
    cmp("tpm", optText(a.limits.tpm), optText(b.limits.tpm));
    cmp("itpm", optText(a.limits.itpm), optText(b.limits.itpm));
    cmp("otpm", optText(a.limits.otpm), optText(b.limits.otpm));
    cmp("maxParallel", optText(a.limits.maxParallelRequests), optText(b.limits.maxParallelRequests));
    cmp("weight", QString::number(a.weight), QString::number(b.weight));
    cmp("pool", a.rateLimitPool, b.rateLimitPool);
    cmp("inCost", optText(a.price.inputCostPerToken), optText(b.price.inputCostPerToken));
    cmp("outCost", optText(a.price.outputCostPerToken), optText(b.price.outputCostPerToken));
    cmp("cacheRead", optText(a.price.cacheReadInputTokenCost), optText(b.price.cacheReadInputTokenCost));
    cmp("cacheWrite", optText(a.price.cacheCreationInputTokenCost), optText(b.price.cacheCreationInputTokenCost));
    cmp("maxIn", optText(a.price.maxInputTokens), optText(b.price.maxInputTokens));
    cmp("maxOut", optText(a.price.maxOutputTokens), optText(b.price.maxOutputTokens));
    cmp("timeout", optText(a.timeoutSeconds), optText(b.timeoutSeconds));
    cmp("insecure", QString::number(a.allowInsecureHttp), QString::number(b.allowInsecureHttp));
    return d.join(QStringLiteral("; "));
}

QString diff(const ModelList &a, const ModelList &b)
{
    if (a.deployments.size() != b.deployments.size())
        return QStringLiteral("deployment count %1 != %2").arg(a.deployments.size()).arg(b.deployments.size());
    for (int i = 0; i < a.deployments.size(); ++i)
        if (const QString d = diff(a.deployments[i], b.deployments[i]); !d.isEmpty())
            return QStringLiteral("deployment %1: ").arg(i) + d;
    const RouterSettings &x = a.router, &y = b.router;
    if (x.routingStrategy != y.routingStrategy || x.numRetries != y.numRetries || x.timeoutSeconds != y.timeoutSeconds
        || x.allowedFails != y.allowedFails || x.cooldownSeconds != y.cooldownSeconds || x.fallbacks != y.fallbacks
        || x.contextWindowFallbacks != y.contextWindowFallbacks || x.redisHost != y.redisHost || x.redisPort != y.redisPort)
        return QStringLiteral("router settings differ");
    if (a.costControls.maxBudget != b.costControls.maxBudget || a.costControls.budgetDuration != b.costControls.budgetDuration)
        return QStringLiteral("cost controls differ");
    if (a.simulator.enabled != b.simulator.enabled || a.simulator.port != b.simulator.port
        || a.simulator.limitsFile != b.simulator.limitsFile)
        return QStringLiteral("simulator settings differ");
    return {};
}

const QByteArray kHead = "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/gpt-4o\n";
const QByteArray kOne = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o}\n";

} // namespace

class TestModelList final : public QObject {
    Q_OBJECT
private slots:
    void fullExample()
    {
        const auto list = loadModelList(dataFile("litellm_config.yaml"));
        QVERIFY2(list, qPrintable(list ? QString() : list.error().toString()));
        QCOMPARE(list->deployments.size(), 6);
        QCOMPARE(list->groups(), (QStringList{QStringLiteral("gpt-4o"), QStringLiteral("claude-3.5-haiku"),
                                              QStringLiteral("mistral-large"), QStringLiteral("gemini-2.5-flash"),
                                              QStringLiteral("local-llama")}));
        QCOMPARE(list->deploymentsOf(QStringLiteral("gpt-4o")).size(), 2);

        const Deployment &g1 = list->deployments[0];
        QCOMPARE(g1.id, QStringLiteral("gpt-4o/1"));
        QCOMPARE(g1.provider, QStringLiteral("openai"));
        QCOMPARE(g1.model, QStringLiteral("gpt-4o"));
        QCOMPARE(g1.keyRef, QStringLiteral("os.environ/OPENAI_API_KEY_1"));
        QCOMPARE(g1.limits.rpm, std::optional<qint64>(3500));
        QCOMPARE(g1.limits.tpm, std::optional<qint64>(150000));
        QCOMPARE(g1.line, 3);
        QCOMPARE(g1.windowKey(), QStringLiteral("gpt-4o/1"));

        const Deployment &g2 = list->deployments[1];
        QCOMPARE(g2.id, QStringLiteral("gpt-4o/2"));
        QCOMPARE(g2.keyRef, QStringLiteral("os.environ/OPENAI_API_KEY_2"));
        QCOMPARE(g2.rateLimitPool, QStringLiteral("openai-org"));
        QCOMPARE(g2.windowKey(), QStringLiteral("pool:openai-org"));
        QCOMPARE(g2.effectiveApiBase(), QStringLiteral("https://api.openai.com/v1"));

        const Deployment &c = list->deployments[2];
        QCOMPARE(c.provider, QStringLiteral("anthropic"));
        QCOMPARE(c.model, QStringLiteral("claude-3-5-haiku-20241022"));
        QCOMPARE(c.keyRef, QStringLiteral("keychain/anthropic-main"));
        QCOMPARE(c.limits.rpm, std::optional<qint64>(50));
        QCOMPARE(c.limits.itpm, std::optional<qint64>(50000));
        QCOMPARE(c.limits.otpm, std::optional<qint64>(10000));
        QVERIFY(!c.limits.tpm);
        QCOMPARE(c.effectiveApiBase(), QStringLiteral("https://api.anthropic.com"));

        const Deployment &m = list->deployments[3];
        QCOMPARE(m.provider, QStringLiteral("mistral"));
        QCOMPARE(m.effectiveApiBase(), QStringLiteral("https://api.mistral.ai/v1"));

        const Deployment &g = list->deployments[4];
        QCOMPARE(g.id, QStringLiteral("gemini-main"));
        QCOMPARE(g.provider, QStringLiteral("gemini"));
        QCOMPARE(g.price.inputCostPerToken, std::optional<double>(3.0e-07));
        QCOMPARE(g.price.outputCostPerToken, std::optional<double>(2.5e-06));
        QCOMPARE(g.price.maxInputTokens, std::optional<qint64>(1048576));
        QCOMPARE(g.timeoutSeconds, std::optional<double>(60));
        QCOMPARE(g.effectiveApiBase(), QStringLiteral("https://generativelanguage.googleapis.com"));
        QCOMPARE(list->deployment(QStringLiteral("gemini-main")), &g);

        const Deployment &l = list->deployments[5];
        QCOMPARE(l.provider, QStringLiteral("openai")); // bare name + api_base = OpenAI-compatible
        QCOMPARE(l.model, QStringLiteral("llama3.1:8b"));
        QCOMPARE(l.weight, 2.0);
        QCOMPARE(l.limits.maxParallelRequests, std::optional<int>(4));
        QVERIFY(l.isLoopback());
        QCOMPARE(l.effectiveApiBase(), QStringLiteral("http://127.0.0.1:11434/v1"));

        const RouterSettings &r = list->router;
        QCOMPARE(r.routingStrategy, QStringLiteral("usage-based-routing-v2"));
        QCOMPARE(r.numRetries, 3);
        QCOMPARE(r.timeoutSeconds, 120.0);
        QCOMPARE(r.allowedFails, 3);
        QCOMPARE(r.cooldownSeconds, 30.0);
        QCOMPARE(r.fallbacks.value(QStringLiteral("gpt-4o")), QStringList{QStringLiteral("claude-3.5-haiku")});
        QCOMPARE(r.fallbacks.size(), 1);
        QVERIFY(r.contextWindowFallbacks.isEmpty());
        QCOMPARE(r.redisHost, QStringLiteral("localhost"));
        QCOMPARE(r.redisPort, 6379);
        QCOMPARE(list->costControls.maxBudget, std::optional<double>(500.0));
        QCOMPARE(list->costControls.budgetDuration, QStringLiteral("30d"));
        QVERIFY(list->simulator.enabled);
        QCOMPARE(list->simulator.port, 0);
        QCOMPARE(list->simulator.limitsFile, QStringLiteral("sim-limits.yaml"));
    }

    void unknownKeysWarnOnce()
    {
        const auto list = loadModelList(dataFile("litellm_config.yaml"));
        QVERIFY(list);
        // One warning for all unknown keys; the loopback literal key is not warned about.
        QCOMPARE(list->warnings.size(), 1);
        const QString w = list->warnings.first();
        QVERIFY2(w.endsWith(QStringLiteral("ignoring settings discernus does not use: model_list[].litellm_params.drop_params, "
                                           "model_list[].litellm_params.max_retries, router_settings.enable_pre_call_checks, "
                                           "litellm_settings.drop_params, litellm_settings.set_verbose, general_settings")),
                 qPrintable(w));
        QVERIFY(!w.contains(QStringLiteral("LITELLM_MASTER_KEY")));
        QVERIFY(!w.contains(QStringLiteral("sk-local-dummy")));
    }

    void literalKeys_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<bool>("warned");
        QTest::newRow("https literal") << QByteArray(kHead + "      api_key: sk-proj-SECRET1234\n") << true;
        QTest::newRow("default base literal") << QByteArray(kHead + "      api_key: sk-proj-SECRET1234\n      api_base: https://x.example/v1\n") << true;
        QTest::newRow("loopback literal") << QByteArray(kHead + "      api_key: sk-proj-SECRET1234\n      api_base: http://localhost:8080/v1\n") << false;
        QTest::newRow("ipv6 loopback literal") << QByteArray(kHead + "      api_key: sk-proj-SECRET1234\n      api_base: http://[::1]:8080/v1\n") << false;
        QTest::newRow("env ref") << QByteArray(kHead + "      api_key: os.environ/SECRET1234\n") << false;
        QTest::newRow("keychain ref") << QByteArray(kHead + "      api_key: keychain/openai-SECRET1234\n") << false;
    }
    void literalKeys()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(bool, warned);
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, qPrintable(list ? QString() : list.error().toString()));
        QCOMPARE(list->warnings.size(), warned ? 1 : 0);
        if (warned) {
            QCOMPARE(list->warnings.first().left(40), QStringLiteral("m.yaml:5:16: model_list[0].litellm_params.api_key: ").left(40));
            QVERIFY(list->warnings.first().startsWith(QStringLiteral("m.yaml:5:16: model_list[0].litellm_params.api_key: ")));
            QVERIFY(!list->warnings.first().contains(QStringLiteral("SECRET")));
        }
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");

        QTest::newRow("rpm not a number") << QByteArray(kHead + "      rpm: fast\n") << 5 << 12
            << QStringLiteral("model_list[0].litellm_params.rpm") << QStringLiteral("expected a positive integer (leave it out for no limit), got \"fast\"");
        QTest::newRow("negative tpm") << QByteArray(kHead + "      tpm: -5\n") << 5 << 12
            << QStringLiteral("model_list[0].litellm_params.tpm") << QStringLiteral("expected a positive integer (leave it out for no limit), got \"-5\"");
        QTest::newRow("zero rpm") << QByteArray(kHead + "      rpm: 0\n") << 5 << 12
            << QStringLiteral("model_list[0].litellm_params.rpm") << QStringLiteral("expected a positive integer (leave it out for no limit), got \"0\"");
        QTest::newRow("fractional rpm") << QByteArray(kHead + "      rpm: 2.5\n") << 5 << 12
            << QStringLiteral("model_list[0].litellm_params.rpm") << QStringLiteral("expected a positive integer (leave it out for no limit), got \"2.5\"");
        QTest::newRow("rpm in model_info wrong") << QByteArray(kOne + "    model_info: {rpm: [1]}\n") << 4 << 23
            << QStringLiteral("model_list[0].model_info.rpm") << QStringLiteral("expected a positive integer (leave it out for no limit), got a list");
        QTest::newRow("limit set twice") << QByteArray(kHead + "      rpm: 5\n    model_info:\n      rpm: 6\n") << 7 << 12
            << QStringLiteral("model_list[0].model_info.rpm") << QStringLiteral("also set in litellm_params");
        QTest::newRow("max_parallel_requests zero") << QByteArray(kHead + "      max_parallel_requests: 0\n") << 5 << 30
            << QStringLiteral("model_list[0].litellm_params.max_parallel_requests") << QStringLiteral("expected a positive integer, got \"0\"");
        QTest::newRow("weight zero") << QByteArray(kHead + "      weight: 0\n") << 5 << 15
            << QStringLiteral("model_list[0].litellm_params.weight") << QStringLiteral("expected a positive number");
        QTest::newRow("missing model_name") << QByteArray("model_list:\n  - litellm_params: {model: openai/gpt-4o}\n") << 2 << 5
            << QStringLiteral("model_list[0].model_name") << QStringLiteral("required field is missing");
        QTest::newRow("missing litellm_params") << QByteArray("model_list:\n  - model_name: a\n") << 2 << 5
            << QStringLiteral("model_list[0].litellm_params") << QStringLiteral("required field is missing");
        QTest::newRow("missing model") << QByteArray("model_list:\n  - model_name: a\n    litellm_params:\n      rpm: 1\n") << 4 << 7
            << QStringLiteral("model_list[0].litellm_params.model") << QStringLiteral("required field is missing");
        QTest::newRow("litellm_params is a list") << QByteArray("model_list:\n  - model_name: a\n    litellm_params: [a]\n") << 3 << 21
            << QStringLiteral("model_list[0].litellm_params") << QStringLiteral("expected a mapping, got a list");
        QTest::newRow("model_name is a mapping") << QByteArray("model_list:\n  - model_name: {x: 1}\n    litellm_params: {model: openai/x}\n") << 2 << 17
            << QStringLiteral("model_list[0].model_name") << QStringLiteral("expected a string, got a mapping");
        QTest::newRow("model_list not a list") << QByteArray("model_list: {}\n") << 1 << 13
            << QStringLiteral("model_list") << QStringLiteral("expected a list of deployments, got a mapping");
        QTest::newRow("missing model_list") << QByteArray("router_settings: {}\n") << 1 << 1
            << QStringLiteral("model_list") << QStringLiteral("required field is missing");
        QTest::newRow("top level a list") << QByteArray("- a\n- b\n") << 1 << 1
            << QString() << QStringLiteral("expected a mapping, got a list");
        QTest::newRow("unknown provider") << QByteArray("model_list:\n  - model_name: a\n    litellm_params:\n      model: cohere/command-r\n") << 4 << 14
            << QStringLiteral("model_list[0].litellm_params.model") << QStringLiteral("unknown provider prefix \"cohere/\"");
        QTest::newRow("azure without a resource") << QByteArray("model_list:\n  - model_name: a\n    litellm_params:\n      model: azure/gpt-4o\n") << 4 << 14
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("azure/ deployments need an api_base");
        QTest::newRow("no provider") << QByteArray("model_list:\n  - model_name: a\n    litellm_params:\n      model: my-model\n") << 4 << 14
            << QStringLiteral("model_list[0].litellm_params.model") << QStringLiteral("no provider prefix");
        QTest::newRow("prefix without model") << QByteArray("model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/\n") << 4 << 14
            << QStringLiteral("model_list[0].litellm_params.model") << QStringLiteral("missing the model id");
        QTest::newRow("http to remote host") << QByteArray(kHead + "      api_base: http://example.com/v1\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("plain http:// is allowed only for loopback hosts");
        QTest::newRow("http to lookalike host") << QByteArray(kHead + "      api_base: http://127.0.0.1.evil.example/v1\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("plain http:// is allowed only for loopback hosts");
        QTest::newRow("not a url") << QByteArray(kHead + "      api_base: ftp://example.com\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("expected an http:// or https:// URL");
        QTest::newRow("bad env ref") << QByteArray(kHead + "      api_key: os.environ/\n") << 5 << 16
            << QStringLiteral("model_list[0].litellm_params.api_key") << QStringLiteral("expected os.environ/NAME");
        QTest::newRow("bad keychain ref") << QByteArray(kHead + "      api_key: keychain/has space\n") << 5 << 16
            << QStringLiteral("model_list[0].litellm_params.api_key") << QStringLiteral("expected keychain/NAME");
        QTest::newRow("negative price") << QByteArray(kOne + "    model_info: {input_cost_per_token: -1}\n") << 4 << 40
            << QStringLiteral("model_list[0].model_info.input_cost_per_token") << QStringLiteral("expected a non-negative number");
        QTest::newRow("insecure flag not bool") << QByteArray(kOne + "    model_info: {allow_insecure_http: maybe}\n") << 4 << 39
            << QStringLiteral("model_list[0].model_info.allow_insecure_http") << QStringLiteral("expected true or false, got \"maybe\"");
        QTest::newRow("duplicate id") << QByteArray(kOne + "    model_info: {id: x}\n  - model_name: b\n    litellm_params: {model: openai/gpt-4o}\n    model_info: {id: x}\n") << 7 << 22
            << QStringLiteral("model_list[1].model_info.id") << QStringLiteral("duplicate deployment id \"x\" (also model_list[0] at line 2)");
        QTest::newRow("explicit id clashes with generated") << QByteArray(kOne + "  - model_name: b\n    litellm_params: {model: openai/gpt-4o}\n    model_info: {id: a/1}\n") << 6 << 22
            << QStringLiteral("model_list[1].model_info.id") << QStringLiteral("duplicate deployment id \"a/1\"");
        QTest::newRow("duplicate key") << QByteArray(kHead + "      rpm: 1\n      rpm: 2\n") << 6 << 7
            << QStringLiteral("model_list[0].litellm_params.rpm") << QStringLiteral("duplicate key");
        QTest::newRow("unknown routing strategy") << QByteArray(kOne + "router_settings:\n  routing_strategy: fastest\n") << 5 << 21
            << QStringLiteral("router_settings.routing_strategy") << QStringLiteral("unknown routing strategy \"fastest\" (expected one of: simple-shuffle, least-busy, usage-based-routing, usage-based-routing-v2, latency-based-routing, cost-based-routing)");
        QTest::newRow("num_retries text") << QByteArray(kOne + "router_settings:\n  num_retries: three\n") << 5 << 16
            << QStringLiteral("router_settings.num_retries") << QStringLiteral("expected a non-negative integer, got \"three\"");
        QTest::newRow("timeout zero") << QByteArray(kOne + "router_settings:\n  timeout: 0\n") << 5 << 12
            << QStringLiteral("router_settings.timeout") << QStringLiteral("expected a positive number of seconds");
        QTest::newRow("redis port range") << QByteArray(kOne + "router_settings:\n  redis_port: 70000\n") << 5 << 15
            << QStringLiteral("router_settings.redis_port") << QStringLiteral("expected a port number (1-65535)");
        QTest::newRow("fallback to unknown group") << QByteArray(kOne + "router_settings:\n  fallbacks: [{a: [zzz]}]\n") << 5 << 20
            << QStringLiteral("router_settings.fallbacks[0].a") << QStringLiteral("unknown model group \"zzz\" (the model list defines: a)");
        QTest::newRow("fallback from unknown group") << QByteArray(kOne + "router_settings:\n  context_window_fallbacks: [{b: [a]}]\n") << 5 << 31
            << QStringLiteral("router_settings.context_window_fallbacks[0]") << QStringLiteral("unknown model group \"b\"");
        QTest::newRow("fallbacks wrong shape") << QByteArray(kOne + "router_settings:\n  fallbacks: {a: [a]}\n") << 5 << 14
            << QStringLiteral("router_settings.fallbacks") << QStringLiteral("expected a list like [{gpt-4o: [claude-3.5-haiku]}], got a mapping");
        QTest::newRow("budget negative") << QByteArray(kOne + "cost_controls:\n  max_budget: -1\n") << 5 << 15
            << QStringLiteral("cost_controls.max_budget") << QStringLiteral("expected a non-negative amount in USD, got \"-1\"");
        QTest::newRow("budget duration") << QByteArray(kOne + "cost_controls:\n  budget_duration: 3 days\n") << 5 << 20
            << QStringLiteral("cost_controls.budget_duration") << QStringLiteral("expected a duration like 30s, 10m, 24h, 7d, 2w or 1mo, got \"3 days\"");
        QTest::newRow("simulator port") << QByteArray(kOne + "discernus:\n  simulator: {enabled: true, port: x}\n") << 5 << 36
            << QStringLiteral("discernus.simulator.port") << QStringLiteral("expected a port number (0-65535), got \"x\"");
        QTest::newRow("malformed: unclosed flow map") << QByteArray("model_list:\n  - model_name: a\n    litellm_params: {model: openai/x\n") << 4 << 1
            << QString() << QStringLiteral("malformed YAML: end of map flow not found");
        QTest::newRow("malformed: bad indentation") << QByteArray("model_list:\n  - model_name: a\n   litellm_params: {}\n") << 3 << 4
            << QString() << QStringLiteral("malformed YAML: end of sequence not found");
    }
    void errors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, field);
        QFETCH(QString, message);
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY(!list);
        const Error &e = list.error();
        QCOMPARE(e.file, QStringLiteral("m.yaml"));
        QCOMPARE(e.line, line);
        QCOMPARE(e.column, column);
        QCOMPARE(e.field, field);
        QVERIFY2(e.message.startsWith(message), qPrintable(e.message));
        const QString prefix = QStringLiteral("m.yaml:%1:%2: ").arg(line).arg(column) + (field.isEmpty() ? QString() : field + QStringLiteral(": "));
        QVERIFY2(e.toString().startsWith(prefix + message), qPrintable(e.toString()));
    }

    void emptyAndMissingFile()
    {
        auto empty = parseModelList(QByteArray(), QStringLiteral("m.yaml"));
        QVERIFY(!empty);
        QCOMPARE(empty.error().toString(), QStringLiteral("m.yaml: the file is empty; expected a mapping with model_list"));
        QTemporaryDir dir;
        const QString missing = dir.filePath(QStringLiteral("nope.yaml"));
        auto none = loadModelList(missing);
        QVERIFY(!none);
        QCOMPARE(none.error().file, missing);
        QVERIFY(none.error().message.startsWith(QStringLiteral("cannot read the model list")));
    }

    void providers_data()
    {
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QByteArray>("info");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("base");
        QTest::newRow("openai") << QByteArray("{model: openai/gpt-4o-mini}") << QByteArray() << QStringLiteral("openai") << QStringLiteral("gpt-4o-mini") << QStringLiteral("https://api.openai.com/v1");
        QTest::newRow("slashes kept") << QByteArray("{model: openai/meta-llama/Llama-3-8B, api_base: 'https://vllm.example/v1/'}") << QByteArray() << QStringLiteral("openai") << QStringLiteral("meta-llama/Llama-3-8B") << QStringLiteral("https://vllm.example/v1");
        QTest::newRow("vertex") << QByteArray("{model: vertex_ai/gemini-1.5-pro}") << QByteArray() << QStringLiteral("vertex_ai") << QStringLiteral("gemini-1.5-pro") << QStringLiteral("https://us-central1-aiplatform.googleapis.com");
        QTest::newRow("bare gpt") << QByteArray("{model: gpt-4o}") << QByteArray() << QStringLiteral("openai") << QStringLiteral("gpt-4o") << QStringLiteral("https://api.openai.com/v1");
        QTest::newRow("bare claude") << QByteArray("{model: claude-3-5-sonnet-latest}") << QByteArray() << QStringLiteral("anthropic") << QStringLiteral("claude-3-5-sonnet-latest") << QStringLiteral("https://api.anthropic.com");
        QTest::newRow("bare with base") << QByteArray("{model: qwen2, api_base: 'http://127.0.0.2:8000/v1'}") << QByteArray() << QStringLiteral("openai") << QStringLiteral("qwen2") << QStringLiteral("http://127.0.0.2:8000/v1");
        QTest::newRow("insecure opt-in") << QByteArray("{model: openai/x, api_base: 'http://10.0.0.5:8000/v1'}") << QByteArray("{allow_insecure_http: true}") << QStringLiteral("openai") << QStringLiteral("x") << QStringLiteral("http://10.0.0.5:8000/v1");
    }
    void providers()
    {
        QFETCH(QByteArray, params);
        QFETCH(QByteArray, info);
        QFETCH(QString, provider);
        QFETCH(QString, model);
        QFETCH(QString, base);
        QByteArray yaml = "model_list:\n  - model_name: a\n    litellm_params: " + params + "\n";
        if (!info.isEmpty())
            yaml += "    model_info: " + info + "\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, qPrintable(list ? QString() : list.error().toString()));
        QCOMPARE(list->deployments.first().provider, provider);
        QCOMPARE(list->deployments.first().model, model);
        QCOMPARE(list->deployments.first().effectiveApiBase(), base);
    }

    void loopbackHosts_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1") << true;
        QTest::newRow("127.8.9.10") << QStringLiteral("127.8.9.10") << true;
        QTest::newRow("localhost") << QStringLiteral("LocalHost") << true;
        QTest::newRow("::1") << QStringLiteral("::1") << true;
        QTest::newRow("[::1]") << QStringLiteral("[::1]") << true;
        QTest::newRow("10.0.0.1") << QStringLiteral("10.0.0.1") << false;
        QTest::newRow("128.0.0.1") << QStringLiteral("128.0.0.1") << false;
        QTest::newRow("localhost.example") << QStringLiteral("localhost.example") << false;
        QTest::newRow("empty") << QString() << false;
    }
    void loopbackHosts()
    {
        QFETCH(QString, host);
        QFETCH(bool, loopback);
        QCOMPARE(isLoopbackHost(host), loopback);
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("30s") << QStringLiteral("30s") << qint64(30);
        QTest::newRow("10m") << QStringLiteral("10m") << qint64(600);
        QTest::newRow("24h") << QStringLiteral("24h") << qint64(86400);
        QTest::newRow("7d") << QStringLiteral("7d") << qint64(7 * 86400);
        QTest::newRow("2w") << QStringLiteral("2w") << qint64(14 * 86400);
        QTest::newRow("30d") << QStringLiteral("30d") << qint64(30 * 86400);
        QTest::newRow("1mo") << QStringLiteral("1mo") << qint64(30 * 86400);
        QTest::newRow("zero") << QStringLiteral("0d") << qint64(-1);
        QTest::newRow("no unit") << QStringLiteral("30") << qint64(-1);
        QTest::newRow("unknown unit") << QStringLiteral("3y") << qint64(-1);
        QTest::newRow("negative") << QStringLiteral("-1d") << qint64(-1);
        QTest::newRow("words") << QStringLiteral("3 days") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        const auto d = parseDurationSeconds(text);
        QCOMPARE(d.value_or(-1), seconds);
    }

    void unchangedSaveKeepsBytes()
    {
        const auto list = loadModelList(dataFile("litellm_config.yaml"));
        QVERIFY(list);
        // Nothing modelled changed: the original text, comments included, is written back.
        QCOMPARE(serializeModelList(*list), list->sourceYaml);
    }

    void roundTripWithChanges()
    {
        auto list = loadModelList(dataFile("litellm_config.yaml"));
        QVERIFY(list);
        ModelList edited = *list;
        edited.deployments[0].limits.rpm = 100;
        edited.deployments[0].limits.tpm.reset();
        edited.deployments[1].limits.maxParallelRequests = 8;
        edited.deployments[2].price.outputCostPerToken = 4e-6;
        edited.deployments.removeAt(3); // mistral-large
        Deployment extra;
        extra.id = QStringLiteral("claude-3.5-haiku/2");
        extra.modelName = QStringLiteral("claude-3.5-haiku");
        extra.provider = QStringLiteral("anthropic");
        extra.model = QStringLiteral("claude-3-5-haiku-20241022");
        extra.keyRef = QStringLiteral("keychain/anthropic-second");
        extra.limits.rpm = 50;
        extra.limits.itpm = 40000;
        extra.rateLimitPool = QStringLiteral("anthropic-org");
        edited.deployments.append(extra);
        edited.router.routingStrategy = QStringLiteral("least-busy");
        edited.router.contextWindowFallbacks.insert(QStringLiteral("gpt-4o"), {QStringLiteral("gemini-2.5-flash")});
        edited.costControls.maxBudget = 12.5;
        edited.simulator.port = 4010;

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("saved.yaml"));
        const auto saved = saveModelList(edited, out);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().toString()));

        const auto reloaded = loadModelList(out);
        QVERIFY2(reloaded, qPrintable(reloaded ? QString() : reloaded.error().toString()));
        QVERIFY2(diff(*reloaded, edited).isEmpty(), qPrintable(diff(*reloaded, edited)));
        // Keys we do not model survive, and are still the only warning.
        QCOMPARE(reloaded->warnings, QStringList{list->warnings.first().replace(list->path, out)});
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("master_key: os.environ/LITELLM_MASTER_KEY"));
        QVERIFY(text.contains("drop_params: true"));
        // The new limit goes where LiteLLM reads it; an unchanged model_info limit stays put.
        QVERIFY(text.contains("max_parallel_requests: 4"));
        // Key order of the original is kept: model_list first, discernus last.
        QVERIFY(text.indexOf("model_list:") < text.indexOf("router_settings:"));
        QVERIFY(text.indexOf("general_settings:") < text.indexOf("discernus:"));
        QVERIFY(text.contains("output_cost_per_token: 4.0e-06"));

        // And loading what we saved, then saving again, is stable.
        QCOMPARE(serializeModelList(*reloaded), text);
    }

    void reorderKeepsIds()
    {
        auto list = loadModelList(dataFile("litellm_config.yaml"));
        QVERIFY(list);
        ModelList edited = *list;
        edited.deployments.swapItemsAt(0, 1);
        const QByteArray text = serializeModelList(edited);
        const auto reloaded = parseModelList(text, QStringLiteral("x.yaml"));
        QVERIFY(reloaded);
        QCOMPARE(reloaded->deployments[0].id, QStringLiteral("gpt-4o/2"));
        QCOMPARE(reloaded->deployments[0].keyRef, QStringLiteral("os.environ/OPENAI_API_KEY_2"));
        QCOMPARE(reloaded->deployments[1].id, QStringLiteral("gpt-4o/1"));
        QVERIFY2(diff(*reloaded, edited).isEmpty(), qPrintable(diff(*reloaded, edited)));
    }

    void buildFromScratch()
    {
        ModelList list;
        Deployment d;
        d.id = QStringLiteral("m/1");
        d.modelName = QStringLiteral("m");
        d.provider = QStringLiteral("gemini");
        d.model = QStringLiteral("gemini-2.5-flash");
        d.keyRef = QStringLiteral("os.environ/GEMINI_API_KEY");
        d.limits.tpm = 32000;
        d.price.inputCostPerToken = 3e-07;
        d.timeoutSeconds = 30;
        d.weight = 0.5;
        Deployment local;
        local.id = QStringLiteral("1.0"); // must stay a string
        local.modelName = QStringLiteral("true");
        local.provider = QStringLiteral("openai");
        local.model = QStringLiteral("x");
        local.apiBase = QStringLiteral("http://10.1.2.3:9000/v1");
        local.allowInsecureHttp = true;
        list.deployments = {d, local};
        list.router.fallbacks.insert(QStringLiteral("m"), {QStringLiteral("true")});
        list.router.numRetries = 0;
        list.costControls.budgetDuration = QStringLiteral("1mo");
        list.simulator.enabled = true;
        const QByteArray text = serializeModelList(list);
        // PyYAML needs a '.' to read a float; '1.0' and 'true' stay strings.
        QVERIFY2(text.contains("input_cost_per_token: 3.0e-07"), text.constData());
        QVERIFY2(text.contains("\"1.0\""), text.constData());
        const auto reloaded = parseModelList(text, QStringLiteral("x.yaml"));
        QVERIFY2(reloaded, qPrintable(reloaded ? QString() : reloaded.error().toString()));
        QVERIFY2(diff(*reloaded, list).isEmpty(), qPrintable(diff(*reloaded, list)));
    }
};

QTEST_GUILESS_MAIN(TestModelList)
#include "tst_modellist.moc"
