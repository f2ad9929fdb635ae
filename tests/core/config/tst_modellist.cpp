#include "core/config/duration.h"
#include "core/config/modellist.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
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
    cmp("rpd", optText(a.limits.rpd), optText(b.limits.rpd));
    cmp("tpd", optText(a.limits.tpd), optText(b.limits.tpd));
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
                                           "model_list[].litellm_params.max_retries, litellm_settings.drop_params, "
                                           "litellm_settings.set_verbose, router_settings.enable_pre_call_checks, general_settings")),
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

    void limitAlgorithm()
    {
        // The provider's algorithm unless model_info names one.
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: a\n    litellm_params: {model: anthropic/claude-3-5-haiku-20241022}\n"
                                "  - model_name: a\n    litellm_params: {model: anthropic/claude-3-5-haiku-20241022}\n"
                                "    model_info: {limit_algorithm: window}\n"
                                "  - model_name: b\n    litellm_params: {model: openai/gpt-4o}\n"
                                "    model_info: {limit_algorithm: Bucket}\n"
                                "  - model_name: c\n    litellm_params: {model: gemini/gemini-2.5-flash}\n"
                                "    model_info: {limit_algorithm: fixed}\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list.has_value(), list ? "" : qPrintable(list.error().toString()));
        QCOMPARE(list->deployments.size(), 4);
        QCOMPARE(list->deployments[0].effectiveLimitAlgorithm(), LimitAlgorithm::TokenBucket);
        QCOMPARE(list->deployments[1].effectiveLimitAlgorithm(), LimitAlgorithm::SlidingWindow);
        QCOMPARE(list->deployments[2].effectiveLimitAlgorithm(), LimitAlgorithm::TokenBucket);
        QCOMPARE(list->deployments[3].effectiveLimitAlgorithm(), LimitAlgorithm::FixedWindow);
    }

    void dailyQuotas()
    {
        // LiteLLM's rpd/tpd, in litellm_params (LiteLLM's place), beside it or in model_info.
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: g\n    litellm_params: {model: gemini/gemini-2.5-pro, rpm: 150, tpm: 2000000, rpd: 1000}\n"
                                "  - model_name: g\n    litellm_params: {model: gemini/gemini-2.5-pro}\n"
                                "    model_info: {tpd: 50000}\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list.has_value(), list ? "" : qPrintable(list.error().toString()));
        QCOMPARE(list->deployments[0].limits.rpd, std::optional<qint64>(1000));
        QVERIFY(!list->deployments[0].limits.tpd);
        QCOMPARE(list->deployments[1].limits.tpd, std::optional<qint64>(50000));
        QVERIFY(list->deployments[0].limits.statesADailyQuota() && !list->deployments[1].limits.statesARate());
        QVERIFY(list->warnings.isEmpty());
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
        QTest::newRow("zero rpd") << QByteArray(kHead + "      rpd: 0\n") << 5 << 12
            << QStringLiteral("model_list[0].litellm_params.rpd") << QStringLiteral("expected a positive integer (leave it out for no limit), got \"0\"");
        QTest::newRow("tpd not a number") << QByteArray(kOne + "    model_info: {tpd: lots}\n") << 4 << 23
            << QStringLiteral("model_list[0].model_info.tpd") << QStringLiteral("expected a positive integer (leave it out for no limit), got \"lots\"");
        QTest::newRow("max_parallel_requests zero") << QByteArray(kHead + "      max_parallel_requests: 0\n") << 5 << 30
            << QStringLiteral("model_list[0].litellm_params.max_parallel_requests") << QStringLiteral("expected a positive integer, got \"0\"");
        QTest::newRow("limit_algorithm unknown") << QByteArray(kOne + "    model_info: {limit_algorithm: leaky}\n") << 4 << 35
            << QStringLiteral("model_list[0].model_info.limit_algorithm") << QStringLiteral("must be bucket, window or fixed, not \"leaky\"");
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
        QTest::newRow("azure without a resource") << QByteArray("model_list:\n  - model_name: a\n    litellm_params:\n      model: azure/gpt-4o\n") << 4 << 14
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("azure/ deployments need an api_base");
        QTest::newRow("http to remote host") << QByteArray(kHead + "      api_base: http://example.com/v1\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("plain http:// is allowed only for loopback hosts");
        QTest::newRow("http to lookalike host") << QByteArray(kHead + "      api_base: http://127.0.0.1.evil.example/v1\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("plain http:// is allowed only for loopback hosts");
        QTest::newRow("not a url") << QByteArray(kHead + "      api_base: ftp://example.com\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("expected an http:// or https:// URL");
        QTest::newRow("api_base variable unset") << QByteArray(kHead + "      api_base: os.environ/WB_TEST_SURELY_UNSET\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("the environment variable WB_TEST_SURELY_UNSET is not set");
        QTest::newRow("timeout variable unset") << QByteArray(kOne + "router_settings:\n  timeout: os.environ/WB_TEST_SURELY_UNSET\n") << 5 << 12
            << QStringLiteral("router_settings.timeout") << QStringLiteral("the environment variable WB_TEST_SURELY_UNSET is not set");
        QTest::newRow("keychain outside api_key") << QByteArray(kHead + "      api_base: keychain/base\n") << 5 << 17
            << QStringLiteral("model_list[0].litellm_params.api_base") << QStringLiteral("keychain/NAME is read at run time and only for api_key");
        QTest::newRow("bad merge key") << QByteArray(kHead + "      <<: 5\n") << 5 << 11
            << QString() << QStringLiteral("a merge key (<<) takes a mapping or a list of mappings");
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
        QTest::newRow("num_retries text") << QByteArray(kOne + "router_settings:\n  num_retries: three\n") << 5 << 16
            << QStringLiteral("router_settings.num_retries") << QStringLiteral("expected a non-negative integer, got \"three\"");
        QTest::newRow("timeout zero") << QByteArray(kOne + "router_settings:\n  timeout: 0\n") << 5 << 12
            << QStringLiteral("router_settings.timeout") << QStringLiteral("expected a positive number of seconds");
        QTest::newRow("redis port range") << QByteArray(kOne + "router_settings:\n  redis_port: 70000\n") << 5 << 15
            << QStringLiteral("router_settings.redis_port") << QStringLiteral("expected a port number (1-65535)");
        QTest::newRow("http_client unknown") << QByteArray(kOne + "router_settings:\n  http_client: curl\n") << 5 << 16
            << QStringLiteral("router_settings.http_client") << QStringLiteral("expected qt or builtin, got \"curl\"");
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

    // ---- LiteLLM's own reading rules (docs/FORMATS.md, "LiteLLM keys") ----

    void limitsLowestWins()
    {
        const QByteArray yaml = kHead + "      rpm: 5\n    rpm: 4\n    model_info:\n      rpm: 6\n      tpm: 1000\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        QCOMPARE(list->deployments[0].limits.rpm, std::optional<qint64>(4));
        QCOMPARE(list->deployments[0].limits.tpm, std::optional<qint64>(1000));
        const QString all = list->warnings.join(u'\n');
        QVERIFY2(all.contains(QStringLiteral("limits disagree (model_list[0].rpm = 4, model_list[0].litellm_params.rpm = 5, "
                                             "model_list[0].model_info.rpm = 6); using the lower, 4")),
                 qPrintable(all));
    }

    void unsupportedProvidersSkippedWithOneWarning()
    {
        const QByteArray yaml = kHead
            + "  - model_name: a\n    litellm_params: {model: bedrock/anthropic.claude-v2}\n"
              "  - model_name: emb\n    litellm_params: {model: openai/text-embedding-3-small}\n    model_info: {mode: embedding}\n"
              "  - model_name: b\n    litellm_params: {model: cohere/command-r, aws_region_name: x}\n"
              "  - model_name: c\n    litellm_params: {model: my-model}\n"
              "  - model_name: d\n    litellm_params: {model: azure/}\n"
              "  - model_name: e\n    litellm_params: {model: groq/llama-3.1-8b-instant}\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        QCOMPARE(list->deployments.size(), 2);
        QCOMPARE(list->deployments[1].provider, QStringLiteral("groq"));
        QCOMPARE(list->skipped.size(), 5);
        QCOMPARE(list->warnings.size(), 1);   // one warning naming them all; their own keys are not reported
        QCOMPARE(list->warnings[0],
                 QStringLiteral("m.yaml: skipping deployments discernus cannot call: a (bedrock/anthropic.claude-v2: provider "
                                "bedrock is not supported), emb (openai/text-embedding-3-small: embedding model), b "
                                "(cohere/command-r: provider cohere is not supported), c (my-model: no provider prefix, and "
                                "\"my-model\" names no provider discernus knows), d (azure/: no model id after azure/)"));
        // Group "a" still has its openai deployment; "b" has nothing left.
        QCOMPARE(resolveGroup(*list, QStringLiteral("a")).kind, GroupResolution::Kind::Group);
        const GroupResolution b = resolveGroup(*list, QStringLiteral("b"));
        QCOMPARE(b.kind, GroupResolution::Kind::Skipped);
        QVERIFY2(b.message.contains(QStringLiteral("no deployment discernus can call (cohere/command-r: provider cohere is not supported)")),
                 qPrintable(b.message));
        QVERIFY(isSupportedProvider(QStringLiteral("anthropic")));
        QVERIFY(isSupportedProvider(QStringLiteral("hosted_vllm")));
        QVERIFY(!isSupportedProvider(QStringLiteral("bedrock")));
    }

    void duplicateKeyLastWins()
    {
        const auto list = parseModelList(kHead + "      rpm: 1\n      rpm: 2\n", QStringLiteral("m.yaml"));
        QVERIFY(list);
        QCOMPARE(list->deployments[0].limits.rpm, std::optional<qint64>(2));
        QCOMPARE(list->warnings, QStringList{QStringLiteral(
                                     "m.yaml: repeated keys, the last value is used (as in LiteLLM): model_list[0].litellm_params.rpm (line 6)")});
    }

    void unknownRoutingStrategyWarns()
    {
        const auto list = parseModelList(kOne + "router_settings:\n  routing_strategy: free-key-optimization\n", QStringLiteral("m.yaml"));
        QVERIFY(list);
        QCOMPARE(list->router.routingStrategy, QStringLiteral("usage-based-routing-v2"));
        QVERIFY2(list->warnings.join(u'\n').contains(QStringLiteral("routing strategy \"free-key-optimization\" is not one discernus implements")),
                 qPrintable(list->warnings.join(u'\n')));
    }

    void httpClientSetting()
    {
        const auto dflt = parseModelList(kOne, QStringLiteral("m.yaml"));
        QVERIFY(dflt);
        QCOMPARE(dflt->router.httpClient, RouterSettings::HttpClient::Builtin);
        auto list = parseModelList(kOne + "router_settings:\n  http_client: qt\n", QStringLiteral("m.yaml"));
        QVERIFY(list);
        QCOMPARE(list->router.httpClient, RouterSettings::HttpClient::Qt);
        QVERIFY2(list->warnings.isEmpty(), qPrintable(list->warnings.join(u'\n')));
        // Saved back only when changed, and read again as written.
        ModelList edited = *dflt;
        edited.router.httpClient = RouterSettings::HttpClient::Qt;
        const QByteArray saved = serializeModelList(edited);
        QVERIFY2(saved.contains("http_client: qt"), saved.constData());
        const auto again = parseModelList(saved, QStringLiteral("m.yaml"));
        QVERIFY(again);
        QCOMPARE(again->router.httpClient, RouterSettings::HttpClient::Qt);
        QVERIFY(!serializeModelList(*dflt).contains("http_client"));
    }

    // A Redis setting read from an unset or empty variable must stop the load: leaving Redis off
    // quietly would let several processes overrun the keys they share.
    void redisEnvironmentErrors_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<bool>("setEmpty");
        for (const char *key : {"redis_host", "redis_port", "redis_password", "redis_url"}) {
            QTest::addRow("%s unset", key) << QByteArray(key) << false;
            QTest::addRow("%s empty", key) << QByteArray(key) << true;
        }
    }
    void redisEnvironmentErrors()
    {
        QFETCH(QByteArray, key);
        QFETCH(bool, setEmpty);
        const char *var = "WB_TEST_REDIS_SETTING";
        if (setEmpty)
            qputenv(var, "");
        else
            qunsetenv(var);
        const QByteArray yaml = kOne + "router_settings:\n  routing_strategy: simple-shuffle\n  " + key + ": os.environ/" + var + "\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        qunsetenv(var);
        QVERIFY2(!list, "an unset or empty variable for a Redis setting must be an error");
        const Error &e = list.error();
        QCOMPARE(e.file, QStringLiteral("m.yaml"));
        QCOMPARE(e.line, 6);
        QCOMPARE(e.field, QStringLiteral("router_settings.") + QString::fromLatin1(key));
        const QString expected = QStringLiteral("the environment variable WB_TEST_REDIS_SETTING ")
            + (setEmpty ? QStringLiteral("is empty") : QStringLiteral("is not set"));
        QCOMPARE(e.message, expected);
        QVERIFY2(e.toString().startsWith(QStringLiteral("m.yaml:6:")), qPrintable(e.toString()));
    }

    void environmentReferences()
    {
        qputenv("WB_TEST_BASE", "https://gateway.example/v1");
        qputenv("WB_TEST_PORT", "6380");
        qputenv("WB_TEST_RPM", "77");
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: a\n"
                                "    litellm_params:\n"
                                "      model: openai/gpt-4o\n"
                                "      api_base: \"os.environ/WB_TEST_BASE\"\n"
                                "      rpm: os.environ/WB_TEST_RPM\n"
                                "      api_key: os.environ/OPENAI_API_KEY\n"
                                "  - model_name: b\n"
                                "    litellm_params:\n"
                                "      model: openai/gpt-4o\n"
                                "      api_base: os.environ/WB_FILE_BASE\n"
                                "router_settings:\n"
                                "  redis_port: os.environ/WB_TEST_PORT\n"
                                "environment_variables:\n"
                                "  WB_FILE_BASE: https://from-file.example/v1\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        const Deployment &a = list->deployments[0];
        QCOMPARE(a.apiBase, QStringLiteral("https://gateway.example/v1"));
        QCOMPARE(a.apiBaseRef, QStringLiteral("os.environ/WB_TEST_BASE"));
        QCOMPARE(a.limits.rpm, std::optional<qint64>(77));
        QCOMPARE(a.keyRef, QStringLiteral("os.environ/OPENAI_API_KEY"));   // keys stay references
        QCOMPARE(list->deployments[1].apiBase, QStringLiteral("https://from-file.example/v1"));
        QCOMPARE(list->router.redisPort, 6380);
        QCOMPARE(list->router.redisHost, QString());
        // Saving an unchanged list keeps the references, and a changed rpm keeps them too.
        ModelList edited = *list;
        edited.deployments[0].limits.rpm = 80;
        const QByteArray out = serializeModelList(edited);
        QVERIFY(out.contains("api_base: \"os.environ/WB_TEST_BASE\""));
        QVERIFY(out.contains("rpm: 80"));
        QVERIFY(!out.contains("gateway.example"));
        qunsetenv("WB_TEST_BASE");
        qunsetenv("WB_TEST_PORT");
        qunsetenv("WB_TEST_RPM");
    }

    void mergeKeys()
    {
        const QByteArray yaml = "x-common: &common\n"
                                "  api_key: os.environ/OPENAI_API_KEY\n"
                                "  rpm: 10\n"
                                "  tpm: 5000\n"
                                "model_list:\n"
                                "  - model_name: a\n"
                                "    litellm_params:\n"
                                "      <<: *common\n"
                                "      model: openai/gpt-4o\n"
                                "  - model_name: b\n"
                                "    litellm_params:\n"
                                "      <<: [*common]\n"
                                "      model: openai/gpt-4o-mini\n"
                                "      rpm: 3\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        QCOMPARE(list->deployments[0].keyRef, QStringLiteral("os.environ/OPENAI_API_KEY"));
        QCOMPARE(list->deployments[0].limits.rpm, std::optional<qint64>(10));
        QCOMPARE(list->deployments[0].limits.tpm, std::optional<qint64>(5000));
        QCOMPARE(list->deployments[1].limits.rpm, std::optional<qint64>(3));   // the mapping's own key wins
        QCOMPARE(list->deployments[1].limits.tpm, std::optional<qint64>(5000));
        QVERIFY2(!list->warnings.join(u'\n').contains(QStringLiteral("<<")), qPrintable(list->warnings.join(u'\n')));
    }

    void includes()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("parts")));
        const auto write = [&](const QString &name, const QByteArray &text) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        write(QStringLiteral("parts/models.yaml"),
              "model_list:\n  - model_name: b\n    litellm_params: {model: anthropic/claude-haiku-4-5, rpm: 9}\n");
        write(QStringLiteral("main.yaml"), "include:\n  - parts/models.yaml\n" + kOne);
        write(QStringLiteral("only.yaml"), "include: parts/models.yaml\nlitellm_settings:\n  num_retries: 1\n");
        write(QStringLiteral("missing.yaml"), "include:\n  - nope.yaml\n");

        const auto main = loadModelList(dir.filePath(QStringLiteral("main.yaml")));
        QVERIFY2(main, main ? "" : qPrintable(main.error().toString()));
        QCOMPARE(main->groups(), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(main->deployments[1].sourceFile, QFileInfo(dir.filePath(QStringLiteral("parts/models.yaml"))).absoluteFilePath());
        QCOMPARE(main->deployments[1].limits.rpm, std::optional<qint64>(9));

        const auto only = loadModelList(dir.filePath(QStringLiteral("only.yaml")));
        QVERIFY2(only, only ? "" : qPrintable(only.error().toString()));
        QCOMPARE(only->deployments.size(), 1);
        QCOMPARE(only->router.numRetries, 1);

        const auto missing = loadModelList(dir.filePath(QStringLiteral("missing.yaml")));
        QVERIFY(!missing);
        QCOMPARE(missing.error().field, QStringLiteral("include"));
        QCOMPARE(missing.error().line, 2);   // the list item naming the file
        QVERIFY2(missing.error().message.contains(QStringLiteral("nope.yaml")), qPrintable(missing.error().toString()));

        // Editing a deployment that lives in the included file is refused, naming that file.
        ModelList edited = *main;
        edited.deployments[1].limits.rpm = 1;
        const auto saved = saveModelList(edited, dir.filePath(QStringLiteral("main.yaml")));
        QVERIFY(!saved);
        QVERIFY2(saved.error().message.contains(QStringLiteral("parts/models.yaml (include:); edit that file")),
                 qPrintable(saved.error().toString()));
    }

    void litellmSettings()
    {
        const QByteArray yaml = kOne
            + "  - model_name: b\n    litellm_params: {model: openai/gpt-4o-mini}\n"
              "litellm_settings:\n"
              "  num_retries: 5\n"
              "  request_timeout: 600\n"
              "  fallbacks: [{a: [b]}]\n"
              "  context_window_fallbacks: [{\"a\": [\"b\"]}]\n"
              "  max_budget: 12.5\n"
              "  budget_duration: 30d\n"
              "  model_alias_map: {gpt4: a}\n"
              "router_settings:\n"
              "  timeout: 30\n"
              "  model_group_alias: {\"fast\": \"b\", \"hidden-one\": {model: a, hidden: true}}\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        QCOMPARE(list->router.numRetries, 5);
        QCOMPARE(list->router.timeoutSeconds, 30.0);   // router_settings wins over request_timeout
        QCOMPARE(list->router.fallbacks.value(QStringLiteral("a")), QStringList{QStringLiteral("b")});
        QCOMPARE(list->router.contextWindowFallbacks.value(QStringLiteral("a")), QStringList{QStringLiteral("b")});
        QCOMPARE(list->costControls.maxBudget, std::optional<double>(12.5));
        QCOMPARE(list->costControls.budgetDuration, QStringLiteral("30d"));
        QCOMPARE(list->aliases.value(QStringLiteral("gpt4")), QStringLiteral("a"));
        QCOMPARE(list->aliases.value(QStringLiteral("fast")), QStringLiteral("b"));
        QCOMPARE(list->aliases.value(QStringLiteral("hidden-one")), QStringLiteral("a"));
        const GroupResolution fast = resolveGroup(*list, QStringLiteral("fast"));
        QCOMPARE(fast.kind, GroupResolution::Kind::Alias);
        QCOMPARE(fast.group, QStringLiteral("b"));
        QVERIFY2(list->warnings.isEmpty(), qPrintable(list->warnings.join(u'\n')));
    }

    void wildcards()
    {
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: \"*\"\n"
                                "    litellm_params: {model: openai/*, api_key: os.environ/OPENAI_API_KEY}\n"
                                "  - model_name: anthropic/*\n"
                                "    litellm_params: {model: anthropic/*, api_key: os.environ/ANTHROPIC_API_KEY, rpm: 50}\n"
                                "  - model_name: claude-sonnet-4-5\n"
                                "    litellm_params: {model: anthropic/claude-sonnet-4-5-20250929}\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        QVERIFY(list->deployments[0].wildcard);
        QCOMPARE(resolveGroup(*list, QStringLiteral("claude-sonnet-4-5")).kind, GroupResolution::Kind::Group);

        const GroupResolution claude = resolveGroup(*list, QStringLiteral("anthropic/claude-haiku-4-5"));
        QCOMPARE(claude.kind, GroupResolution::Kind::Wildcard);
        QCOMPARE(claude.group, QStringLiteral("anthropic/*"));   // more specific than "*"
        QCOMPARE(claude.concrete.size(), 1);
        QCOMPARE(claude.concrete[0].provider, QStringLiteral("anthropic"));
        QCOMPARE(claude.concrete[0].model, QStringLiteral("claude-haiku-4-5"));
        QCOMPARE(claude.concrete[0].modelName, QStringLiteral("anthropic/claude-haiku-4-5"));
        QCOMPARE(claude.concrete[0].limits.rpm, std::optional<qint64>(50));
        QVERIFY(!claude.concrete[0].wildcard);

        const GroupResolution gpt = resolveGroup(*list, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(gpt.kind, GroupResolution::Kind::Wildcard);
        QCOMPARE(gpt.concrete[0].provider, QStringLiteral("openai"));
        QCOMPARE(gpt.concrete[0].model, QStringLiteral("gpt-4o-mini"));   // never "*"
        QCOMPARE(gpt.concrete[0].keyRef, QStringLiteral("os.environ/OPENAI_API_KEY"));
        const GroupResolution prefixed = resolveGroup(*list, QStringLiteral("openai/gpt-4.1"));
        QCOMPARE(prefixed.concrete[0].model, QStringLiteral("gpt-4.1"));
    }

    void customPricingFields()
    {
        const QByteArray yaml = "model_list:\n"
                                "  - model_name: ft\n"
                                "    litellm_params:\n"
                                "      model: openai/ft:gpt-4o-mini:org:custom\n"
                                "      input_cost_per_token: 0.0000003\n"
                                "      output_cost_per_token: 0.0000012\n"
                                "    model_info:\n"
                                "      input_cost_per_token: 0.000001\n"
                                "      cache_read_input_token_cost: 0.00000015\n"
                                "      cache_creation_input_token_cost_above_1hr: 0.000006\n"
                                "      input_cost_per_token_above_200k_tokens: 0.0000025\n"
                                "      output_cost_per_token_above_200k_tokens: 0.000015\n"
                                "      base_model: gpt-4o-mini\n";
        const auto list = parseModelList(yaml, QStringLiteral("m.yaml"));
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        const PriceOverride &p = list->deployments[0].price;
        QCOMPARE(p.inputCostPerToken, std::optional<double>(0.0000003));   // litellm_params wins
        QCOMPARE(p.outputCostPerToken, std::optional<double>(0.0000012));
        QCOMPARE(p.cacheReadInputTokenCost, std::optional<double>(0.00000015));
        QCOMPARE(p.cacheCreationInputTokenCostAbove1h, std::optional<double>(0.000006));
        QCOMPARE(p.inputCostPerTokenAbove200k, std::optional<double>(0.0000025));
        QCOMPARE(p.outputCostPerTokenAbove200k, std::optional<double>(0.000015));
        QCOMPARE(p.origin, QStringLiteral("litellm_params + model_info"));
        QCOMPARE(list->deployments[0].baseModel, QStringLiteral("gpt-4o-mini"));
        QVERIFY2(list->warnings.isEmpty(), qPrintable(list->warnings.join(u'\n')));
    }

    void saveKeepsCommentsAndLayout()
    {
        const QByteArray original =
            "# Our lab's models -- reviewed 2026-11-02\n"
            "model_list:\n"
            "  - model_name: gpt-4o          # the main one\n"
            "    litellm_params:\n"
            "      model: openai/gpt-4o\n"
            "      api_key: os.environ/OPENAI_API_KEY   # never paste keys here\n"
            "      rpm: 500      # tier 2\n"
            "      tpm: 30_000\n"
            "\n"
            "  # Claude via the lab account\n"
            "  - model_name: claude\n"
            "    litellm_params: {model: anthropic/claude-haiku-4-5, api_key: 'os.environ/ANTHROPIC_API_KEY'}\n"
            "  - model_name: titan   # LiteLLM only: discernus skips it\n"
            "    litellm_params:\n"
            "      model: bedrock/amazon.titan-text-express-v1\n"
            "router_settings:\n"
            "  routing_strategy: simple-shuffle   # spread evenly\n"
            "  num_retries: 2\n";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("litellm_config.yaml"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(original);
        }
        auto list = loadModelList(path);
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        QCOMPARE(list->deployments.size(), 2);
        list->deployments[0].limits.rpm = 450;
        QVERIFY(saveModelList(*list, path));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray saved = f.readAll();
        QByteArray expected = original;
        expected.replace("      rpm: 500      # tier 2\n", "      rpm: 450      # tier 2\n");
        QCOMPARE(saved, expected);

        // A limit that was not written before becomes one new line beside its siblings,
        // and a changed router setting changes only its value.
        auto again = loadModelList(path);
        QVERIFY(again);
        again->deployments[0].limits.maxParallelRequests = 4;
        again->router.numRetries = 5;
        const QByteArray second = serializeModelList(*again);
        QByteArray expected2 = expected;
        expected2.replace("      tpm: 30_000\n", "      tpm: 30_000\n      max_parallel_requests: 4\n");
        expected2.replace("  num_retries: 2\n", "  num_retries: 5\n");
        QCOMPARE(second, expected2);
        // It still reads the same, and the skipped Bedrock deployment is still in the file.
        const auto reread = parseModelList(second, path);
        QVERIFY(reread);
        QCOMPARE(reread->deployments[0].limits.maxParallelRequests, std::optional<int>(4));
        QCOMPARE(reread->skipped.size(), 1);
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
        edited.deployments[1].limits.rpd = 2000;
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
        QVERIFY(text.contains("rpd: 2000"));
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
