// Every real LiteLLM proxy config in tests/data/litellm-configs (copied from LiteLLM's repository,
// see SOURCES.md there) either loads with the stated groups, or is refused for the stated reason.
#include "core/config/modellist.h"

#include <QDir>
#include <QTest>

using namespace wb;

namespace {

QString configDir()
{
    return QStringLiteral(WB_SOURCE_DIR "/tests/data/litellm-configs/");
}

struct Expectation {
    const char *file;
    int groups;             // -1: refused
    int deployments;
    int skipped;
    const char *refusal;    // part of the error message when refused
};

// Why each outcome is right is in docs/FORMATS.md ("LiteLLM keys") and the report of the change.
const Expectation kExpected[] = {
    {"aliases_config.yaml", 3, 3, 0, nullptr},
    {"aws_example_config.yaml", 6, 6, 0, nullptr},
    {"azure_config.yaml", 2, 2, 0, nullptr},
    {"azure_config_with_tpm.yaml", 1, 2, 0, nullptr},
    {"batches_litellm_config.yaml", 4, 4, 3, nullptr},
    {"build_from_pip_config.yaml", 1, 1, 0, nullptr},
    {"cache_no_params.yaml", 1, 1, 0, nullptr},
    {"cache_with_params.yaml", 1, 1, 0, nullptr},
    {"china_domestic_free_sources.yaml", 0, 0, 4, nullptr},
    {"config_with_env_vars.yaml", 4, 4, 0, nullptr},
    {"config_with_include.yaml", 1, 1, 0, nullptr},
    {"config_with_missing_include.yaml", -1, 0, 0, "cannot read the included file"},
    {"config_with_multiple_includes.yaml", 2, 2, 0, nullptr},
    {"coordination_redis_proxy_config.yaml", -1, 0, 0, "lists no deployment"},
    {"disable_schema_update.yaml", -1, 0, 0, "plain http:// is allowed only for loopback hosts"},
    {"e2e_docker_config.yaml", 4, 4, 0, nullptr},
    {"enterprise_config.yaml", 1, 1, 0, nullptr},
    {"free_key_optimization_config.yaml", 4, 6, 0, nullptr},
    {"health_check_test_config.yaml", 0, 0, 1, nullptr},
    {"hosted_litellm.yaml", -1, 0, 0, "model_list: required field is missing"},
    {"included_models.yaml", 1, 1, 0, nullptr},
    {"langfuse_config.yaml", -1, 0, 0, "model_list[0].litellm_params: required field is missing"},
    {"litellm_proxy_config.yaml", -1, 0, 0, "malformed YAML"},
    {"load_balancer.yaml", 1, 3, 1, nullptr},
    {"macos_optimized_config.yaml", 4, 4, 0, nullptr},
    {"model_cost_map_reload_config.yaml", 1, 1, 0, nullptr},
    {"models_file_1.yaml", 1, 1, 0, nullptr},
    {"models_file_2.yaml", 1, 1, 0, nullptr},
    {"multi_instance_simple_config.yaml", 1, 1, 0, nullptr},
    {"oai_misc_config.yaml", 4, 4, 1, nullptr},
    {"observatory_litellm_config.yaml", 4, 4, 0, nullptr},
    {"oci_proxy_test_config.yaml", 0, 0, 5, nullptr},
    {"opentelemetry_config.yaml", 1, 1, 0, nullptr},
    {"otel_test_config.yaml", 2, 3, 1, nullptr},
    {"pass_through_config.yaml", 6, 7, 0, nullptr},
    {"perf_mock_config.yaml", 1, 1, 0, nullptr},
    {"prometheus_test_config.yaml", 1, 1, 0, nullptr},
    {"proxy_server_config.yaml", 12, 14, 5, nullptr},
    {"queue.yaml", 1, 2, 0, nullptr},
    {"reject_metadata_tags_config.yaml", 1, 1, 0, nullptr},
    {"simple_config.yaml", 1, 1, 0, nullptr},
    {"spend_tracking_config.yaml", 1, 1, 0, nullptr},
    {"store_model_db_config.yaml", 1, 1, 0, nullptr},
    {"test_bad_config.yaml", 4, 4, 0, nullptr},
    {"test_cloudflare_azure_with_cache_config.yaml", 1, 1, 0, nullptr},
    {"test_config_no_auth.yaml", 3, 15, 6, nullptr},
    {"test_pipeline_config.yaml", 2, 2, 0, nullptr},
};

} // namespace

class TestLiteLlmConfigs : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // What a LiteLLM user running these files has in the environment (values are made up).
        for (const char *name : {"FAKE_OPENAI_API_BASE", "AZURE_API_BASE", "AZURE_OPENAI_API_BASE", "OPENAI_API_BASE",
                                 "AZURE_SWEDEN_API_BASE"})
            qputenv(name, "https://example-resource.openai.azure.com/");
        qputenv("REDIS_PORT", "6379");
    }

    void everyFileHasAnExpectation()
    {
        QStringList listed;
        for (const Expectation &e : kExpected)
            listed << QString::fromLatin1(e.file);
        QStringList files = QDir(configDir()).entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
        QCOMPARE(listed, files);
        QVERIFY(files.size() >= 40);
    }

    void loadsAsExpected_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < int(std::size(kExpected)); ++i)
            QTest::newRow(kExpected[i].file) << i;
    }
    void loadsAsExpected()
    {
        QFETCH(int, index);
        const Expectation &e = kExpected[index];
        const auto list = loadModelList(configDir() + QLatin1String(e.file));
        if (e.groups < 0) {
            QVERIFY2(!list, "loaded, but should have been refused");
            QVERIFY2(list.error().toString().contains(QLatin1String(e.refusal)), qPrintable(list.error().toString()));
            return;
        }
        QVERIFY2(list, list ? "" : qPrintable(list.error().toString()));
        if (qEnvironmentVariableIsSet("WB_PROBE"))
            qInfo() << e.file << list->groups().size() << list->deployments.size() << list->skipped.size() << list->warnings;
        QCOMPARE(list->groups().size(), e.groups);
        QCOMPARE(list->deployments.size(), e.deployments);
        QCOMPARE(list->skipped.size(), e.skipped);
        for (const Deployment &d : list->deployments) {
            QVERIFY2(isSupportedProvider(d.provider), qPrintable(d.id + QStringLiteral(": ") + d.provider));
            QVERIFY(!d.model.isEmpty());
        }
        // Saving an unchanged list writes the file back byte for byte.
        QCOMPARE(serializeModelList(*list), list->sourceYaml);
    }
};

QTEST_GUILESS_MAIN(TestLiteLlmConfigs)
#include "tst_litellmconfigs.moc"
