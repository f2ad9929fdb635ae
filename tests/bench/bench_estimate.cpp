// Benchmark: how close is the pre-flight estimate to the run it predicts?
//
// 1. A calibration run (a few State of the Union addresses per model group) against the provider
//    simulator teaches the token factors and output lengths, stored in its database.
// 2. `estimate` of the target experiment (inaugural addresses) with that database.
// 3. The target run itself, against the same simulator with binding rate limits.
// Prints estimated vs actual duration, prompt tokens and cost, and the 429s the simulator sent.
//
//   bench_estimate [--texts N] [--calibration-texts N] [--corpus DIR] [--batching]
#include "core/session/estimateinput.h"
#include "core/experiment/estimator.h"
#include "core/session/project.h"
#include "core/session/experimentrunner.h"
#include "core/pricing/pricing.h"
#include "core/sim/providersimulator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>
#include <memory>

using namespace wb;

namespace {

void writeFile(const QString &path, const QString &text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(text.toUtf8());
}

RunSummary runExperiment(const QString &config, const QString &experiment, const QString &db)
{
    RunOptions o;
    o.configPath = config;
    o.experimentPath = experiment;
    o.dbPath = db;
    ExperimentRunner runner(o);
    RunSummary out;
    QObject::connect(&runner, &ExperimentRunner::finished, [&](const RunSummary &s) {
        out = s;
        QCoreApplication::exit(0);
    });
    runner.start();
    QCoreApplication::exec();
    return out;
}

QString experimentYaml(const QString &name, const QString &corpusDir, int limit, bool batching)
{
    QString y = QStringLiteral("experiment: {name: %1}\ncorpus:\n  - {id: speeches, path: \"%2\"}\n"
                               "frameworks:\n  - {id: mft, path: mft.yaml}\n"
                               "execution:\n  temperature: 0.1\n  max_tokens: 600\n"
                               "  batching: {enabled: %3, max_batch_tokens: 12000, max_texts_per_batch: 6}\n  matrix:\n")
                    .arg(name, corpusDir, batching ? QStringLiteral("true") : QStringLiteral("false"));
    for (const char *g : {"gpt-4o-mini", "claude-haiku", "mistral-small", "gemini-flash"})
        y += QStringLiteral("    - {run_id: %1, model: %1, framework: mft, corpus_subset: {corpus: speeches, limit: %2}}\n")
                 .arg(QString::fromLatin1(g))
                 .arg(limit);
    return y;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto intArg = [&](const char *name, int def) {
        const qsizetype i = args.indexOf(QString::fromLatin1(name));
        return i > 0 && i + 1 < args.size() ? args[i + 1].toInt() : def;
    };
    const int texts = intArg("--texts", 30);
    const int calTexts = intArg("--calibration-texts", 6);
    const bool batching = args.contains(QStringLiteral("--batching"));
    QString corpusRoot = QStringLiteral(WB_SHARED_DATA_DIR "/corpus");
    if (const qsizetype i = args.indexOf(QStringLiteral("--corpus")); i > 0 && i + 1 < args.size())
        corpusRoot = args[i + 1];

    // Strict limits that bind on every provider, and a realistic latency with jitter.
    SimConfig cfg;
    cfg.seed = 3;
    cfg.latencyMs = 400;
    cfg.latencyPerOutputTokenMs = 1.0;
    cfg.jitterMs = 100;
    cfg.acceptAnyKey = false;
    cfg.keys = {SimKey{QStringLiteral("b-oa-1"), QStringLiteral("openai"), 30, 40000, 0, 0, {}},
                SimKey{QStringLiteral("b-oa-2"), QStringLiteral("openai"), 30, 40000, 0, 0, {}},
                SimKey{QStringLiteral("b-an-1"), QStringLiteral("anthropic"), 30, 0, 40000, 8000, {}},
                SimKey{QStringLiteral("b-mi-1"), QStringLiteral("mistral"), 30, 60000, 0, 0, {}},
                SimKey{QStringLiteral("b-ge-1"), QStringLiteral("gemini"), 30, 50000, 0, 0, {}}};
    auto sim = std::make_unique<ProviderSimulator>(cfg);
    if (!sim->start()) {
        std::fprintf(stderr, "cannot start the simulator\n");
        return 1;
    }
    const QString base = sim->baseUrl();

    QTemporaryDir dir;
    const QString ml = QStringLiteral(
        "model_list:\n"
        "  - {model_name: gpt-4o-mini, litellm_params: {model: openai/gpt-4o-mini, api_key: b-oa-1, api_base: \"%1/v1\", rpm: 30, tpm: 40000}}\n"
        "  - {model_name: gpt-4o-mini, litellm_params: {model: openai/gpt-4o-mini, api_key: b-oa-2, api_base: \"%1/v1\", rpm: 30, tpm: 40000}}\n"
        "  - {model_name: claude-haiku, litellm_params: {model: anthropic/claude-3-5-haiku-20241022, api_key: b-an-1, api_base: \"%1\", rpm: 30, itpm: 40000, otpm: 8000}}\n"
        "  - {model_name: mistral-small, litellm_params: {model: mistral/mistral-small-latest, api_key: b-mi-1, api_base: \"%1/v1\", rpm: 30, tpm: 60000}}\n"
        "  - {model_name: gemini-flash, litellm_params: {model: gemini/gemini-2.5-flash, api_key: b-ge-1, api_base: \"%1\", rpm: 30, tpm: 50000}}\n"
        "router_settings: {routing_strategy: usage-based-routing-v2, num_retries: 3, timeout: 120}\n").arg(base);
    writeFile(dir.filePath(QStringLiteral("litellm_config.yaml")), ml);
    QFile::copy(QStringLiteral(WB_SOURCE_DIR "/resources/sample/frameworks/mft.yaml"), dir.filePath(QStringLiteral("mft.yaml")));
    writeFile(dir.filePath(QStringLiteral("calibrate.yaml")), experimentYaml(QStringLiteral("calibrate"), corpusRoot + QStringLiteral("/sotu"), calTexts, batching));
    writeFile(dir.filePath(QStringLiteral("target.yaml")), experimentYaml(QStringLiteral("target"), corpusRoot + QStringLiteral("/inaugural"), texts, batching));
    const QString config = dir.filePath(QStringLiteral("litellm_config.yaml"));
    const QString calDb = dir.filePath(QStringLiteral("calibration.db"));

    std::fprintf(stderr, "calibration run: %d texts x 4 groups ...\n", calTexts);
    const RunSummary cal = runExperiment(config, dir.filePath(QStringLiteral("calibrate.yaml")), calDb);
    if (!cal.error.isEmpty()) {
        std::fprintf(stderr, "calibration failed: %s\n", qPrintable(cal.error));
        return 1;
    }

    // A fresh provider for the target run: the calibration's calls must not still fill its windows
    // (the router of a new process cannot know about them; a real provider would remember).
    cfg.port = sim->port();
    sim->stop();
    sim = std::make_unique<ProviderSimulator>(cfg);
    if (!sim->start()) {
        std::fprintf(stderr, "cannot restart the simulator\n");
        return 1;
    }

    auto project = loadProject(config, dir.filePath(QStringLiteral("target.yaml")));
    if (!project) {
        std::fprintf(stderr, "%s\n", qPrintable(project.error().toString()));
        return 1;
    }
    auto ctx = prepareEstimate(*project, calDb);
    if (!ctx) {
        std::fprintf(stderr, "%s\n", qPrintable(ctx.error().toString()));
        return 1;
    }
    ctx->input.latency = {cfg.latencyMs / 1000.0, cfg.latencyPerOutputTokenMs / 1000.0};
    ctx->input.recommendations = false;
    auto report = estimateExperiment(ctx->input);
    if (!report) {
        std::fprintf(stderr, "%s\n", qPrintable(report.error().toString()));
        return 1;
    }
    const RunEstimate &est = report->planned.total;
    std::fprintf(stderr, "target run: %d texts x 4 groups (estimated %.1f s) ...\n", texts, report->planned.durationSeconds);
    const qint64 before429 = sim->stats().rateLimited;
    const RunSummary act = runExperiment(config, dir.filePath(QStringLiteral("target.yaml")), dir.filePath(QStringLiteral("target.db")));
    if (!act.error.isEmpty()) {
        std::fprintf(stderr, "target run failed: %s\n", qPrintable(act.error));
        return 1;
    }
    const qint64 got429 = sim->stats().rateLimited - before429;

    QTextStream out(stdout);
    auto row = [&](const char *what, double e, double a) {
        out << QStringLiteral("%1 %2 %3 %4\n")
                   .arg(QString::fromLatin1(what), -22)
                   .arg(e, 14, 'f', 2)
                   .arg(a, 14, 'f', 2)
                   .arg(a > 0 ? e / a : 0.0, 8, 'f', 4);
    };
    out << QStringLiteral("%1 %2 %3 %4\n").arg(QStringLiteral("figure"), -22).arg(QStringLiteral("estimated"), 14).arg(QStringLiteral("actual"), 14).arg(QStringLiteral("est/act"), 8);
    row("duration_s", report->planned.durationSeconds, act.wallSeconds);
    row("calls", double(est.calls), double(act.calls));
    row("prompt_tokens", double(est.promptTokens), double(act.promptTokens));
    row("output_tokens", double(est.expectedOutputTokens), double(act.completionTokens));
    row("cost_usd", microsToUsd(est.expectedCostMicros), microsToUsd(act.costMicros));
    out << "jobs " << act.jobs << ", done " << act.done << ", failed " << act.failed << ", http_429 from simulator " << got429
        << ", parse re-asks " << act.parseRetries << ", binding: " << report->planned.binding.describe() << '\n';
    sim->stop();
    return 0;
}
