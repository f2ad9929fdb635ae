#include "core/config/experimentconfig.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

QString dataDir()
{
    return QStringLiteral(WB_SOURCE_DIR "/tests/data/config");
}
QString expDir()
{
    return dataDir() + QStringLiteral("/experiment");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Lines 1-6 of a minimal experiment; rows append execution settings and a matrix.
const QByteArray kHead = "experiment: {name: e}\n"
                         "corpus:\n"
                         "  - {id: inaugural, path: corpus/inaugural/}\n"
                         "frameworks:\n"
                         "  - {id: mft, path: frameworks/mft.yaml}\n"
                         "execution:\n";
const QByteArray kMatrix = "  matrix:\n"
                           "    - {run_id: r1, model: gpt-4o, framework: mft, corpus_subset: inaugural}\n";

QString runDiff(const RunSpec &a, const RunSpec &b)
{
    if (a.runId != b.runId || a.model != b.model || a.framework != b.framework || a.corpus != b.corpus
        || a.include != b.include || a.limit != b.limit || a.repetitions != b.repetitions)
        return QStringLiteral("run %1 differs from %2").arg(a.runId, b.runId);
    return {};
}

} // namespace

class TestExperimentConfig final : public QObject {
    Q_OBJECT
private slots:
    void fullExample()
    {
        const auto exp = loadExperiment(expDir() + QStringLiteral("/experiment.yaml"));
        QVERIFY2(exp, qPrintable(exp ? QString() : exp.error().toString()));
        QCOMPARE(exp->name, QStringLiteral("mft-inaugural"));
        QCOMPARE(exp->description, QStringLiteral("MFT scoring of inaugural addresses across four model families"));
        QCOMPARE(exp->corpus.size(), 2);
        QCOMPARE(exp->corpus[0].id, QStringLiteral("inaugural"));
        QCOMPARE(exp->corpus[0].path, expDir() + QStringLiteral("/corpus/inaugural"));
        QCOMPARE(exp->corpus[0].kind, CorpusSource::Kind::Folder);
        QCOMPARE(exp->corpus[1].path, expDir() + QStringLiteral("/corpus/tweets.jsonl"));
        QCOMPARE(exp->corpus[1].kind, CorpusSource::Kind::Jsonl);
        QCOMPARE(exp->frameworks.size(), 1);
        QCOMPARE(exp->frameworks[0].path, expDir() + QStringLiteral("/frameworks/mft.yaml"));

        const ExecutionSettings &e = exp->execution;
        QCOMPARE(e.temperature, 0.1);
        QCOMPARE(e.maxTokens, 2000);
        QCOMPARE(e.repetitions, 1);
        QCOMPARE(e.maxParseRetries, 3);
        QVERIFY(e.batching.enabled);
        QCOMPARE(e.batching.maxBatchTokens, qint64(12000));
        QCOMPARE(e.batching.maxTextsPerBatch, 8);
        QCOMPARE(e.matrix.size(), 2);
        QCOMPARE(e.matrix[0].runId, QStringLiteral("gpt4o-mft"));
        QCOMPARE(e.matrix[0].model, QStringLiteral("gpt-4o"));
        QCOMPARE(e.matrix[0].framework, QStringLiteral("mft"));
        QCOMPARE(e.matrix[0].corpus, QStringLiteral("inaugural"));
        QVERIFY(e.matrix[0].include.isEmpty());
        QVERIFY(!e.matrix[0].limit);
        QVERIFY(!e.matrix[0].repetitions);
        QCOMPARE(e.matrix[0].line, 19);
        QCOMPARE(e.matrix[0].modelLine, 20);
        QCOMPARE(e.matrix[0].modelColumn, 14);
        QCOMPARE(e.matrix[1].corpus, QStringLiteral("tweets"));
        QCOMPARE(e.matrix[1].include, (QStringList{QStringLiteral("2020-*"), QStringLiteral("2021-*")}));
        QCOMPARE(e.matrix[1].limit, std::optional<int>(50));
        QCOMPARE(e.matrix[1].repetitions, std::optional<int>(3));
        QCOMPARE(exp->costControls.maxBudget, std::optional<double>(25));
        QCOMPARE(exp->costControls.budgetDuration, QStringLiteral("7d"));
        QCOMPARE(exp->warnings.size(), 1);
        QVERIFY2(exp->warnings[0].endsWith(QStringLiteral("ignoring unknown settings: execution.matrix[].notes")),
                 qPrintable(exp->warnings[0]));
    }

    void defaultsWithSingleCorpusAndFramework()
    {
        const auto exp = parseExperiment(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o}\n",
                                         expDir() + QStringLiteral("/x.yaml"));
        QVERIFY2(exp, qPrintable(exp ? QString() : exp.error().toString()));
        QCOMPARE(exp->execution.matrix[0].framework, QStringLiteral("mft"));
        QCOMPARE(exp->execution.matrix[0].corpus, QStringLiteral("inaugural"));
        QCOMPARE(exp->execution.temperature, 0.1);
        QCOMPARE(exp->execution.maxTokens, 2000);
        QVERIFY(exp->warnings.isEmpty());
    }

    void executionModes()
    {
        const auto exp = parseExperiment(kHead + "  mode: auto\n  batch_after: 90m\n  batch_retry: live\n  batch_poll: 5s\n"
                                                 "  batch_queue_tokens: 90000\n  matrix:\n"
                                                 "    - {run_id: r1, model: gpt-4o}\n    - {run_id: r2, model: gpt-4o, mode: live}\n",
                                         expDir() + QStringLiteral("/x.yaml"));
        QVERIFY2(exp, qPrintable(exp ? QString() : exp.error().toString()));
        const ExecutionSettings &e = exp->execution;
        QCOMPARE(e.mode, ExecutionMode::Auto);
        QCOMPARE(e.batchApi.batchAfterSeconds, 5400);
        QCOMPARE(e.batchApi.retry, BatchApiSettings::Retry::Live);
        QCOMPARE(e.batchApi.pollSeconds, 5);
        QCOMPARE(e.batchApi.maxEnqueuedTokens, 90000);
        QVERIFY(!e.matrix[0].mode);
        QCOMPARE(e.matrix[1].mode, std::optional<ExecutionMode>(ExecutionMode::Live));
        // Saved and read back: the same settings.
        const auto again = parseExperiment(serializeExperiment(*exp, expDir() + QStringLiteral("/x.yaml")), expDir() + QStringLiteral("/x.yaml"));
        QVERIFY2(again, qPrintable(again ? QString() : again.error().toString()));
        QCOMPARE(again->execution.mode, ExecutionMode::Auto);
        QCOMPARE(again->execution.matrix[1].mode, std::optional<ExecutionMode>(ExecutionMode::Live));
        QCOMPARE(again->execution.batchApi.retry, BatchApiSettings::Retry::Live);
        // Default: live.
        const auto plain = parseExperiment(kHead + kMatrix, expDir() + QStringLiteral("/x.yaml"));
        QCOMPARE(plain->execution.mode, ExecutionMode::Live);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        const QByteArray corpusHead = "experiment: {name: e}\ncorpus:\n";
        const QByteArray tail = "frameworks:\n  - {id: mft, path: frameworks/mft.yaml}\nexecution:\n" + kMatrix;

        QTest::newRow("temperature") << QByteArray(kHead + "  temperature: 3\n" + kMatrix) << 7 << 16
            << QStringLiteral("execution.temperature") << QStringLiteral("expected a number from 0 to 2, got \"3\"");
        QTest::newRow("max_tokens") << QByteArray(kHead + "  max_tokens: 0\n" + kMatrix) << 7 << 15
            << QStringLiteral("execution.max_tokens") << QStringLiteral("expected a positive integer, got \"0\"");
        QTest::newRow("repetitions") << QByteArray(kHead + "  repetitions: 0\n" + kMatrix) << 7 << 16
            << QStringLiteral("execution.repetitions") << QStringLiteral("expected an integer >= 1, got \"0\"");
        QTest::newRow("batching tokens") << QByteArray(kHead + "  batching: {enabled: true, max_batch_tokens: lots}\n" + kMatrix) << 7 << 47
            << QStringLiteral("execution.batching.max_batch_tokens") << QStringLiteral("expected a positive integer, got \"lots\"");
        QTest::newRow("mode") << QByteArray(kHead + "  mode: later\n" + kMatrix) << 7 << 9
            << QStringLiteral("execution.mode") << QStringLiteral("expected live, batch or auto, got \"later\"");
        QTest::newRow("batch_after") << QByteArray(kHead + "  mode: auto\n  batch_after: soon\n" + kMatrix) << 8 << 16
            << QStringLiteral("execution.batch_after") << QStringLiteral("expected a duration like 30s, 10m, 24h, 7d, 2w or 1mo, got \"soon\"");
        QTest::newRow("batch_retry") << QByteArray(kHead + "  batch_retry: never\n" + kMatrix) << 7 << 16
            << QStringLiteral("execution.batch_retry") << QStringLiteral("expected batch or live, got \"never\"");
        QTest::newRow("run mode") << QByteArray(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o, mode: slow}\n") << 8 << 41
            << QStringLiteral("execution.matrix[0].mode") << QStringLiteral("expected live, batch or auto, got \"slow\"");
        QTest::newRow("batching enabled") << QByteArray(kHead + "  batching: {enabled: sometimes}\n" + kMatrix) << 7 << 23
            << QStringLiteral("execution.batching.enabled") << QStringLiteral("expected true or false, got \"sometimes\"");
        QTest::newRow("corpus file missing") << QByteArray(corpusHead + "  - {id: inaugural, path: corpus/missing.csv}\n" + tail) << 3 << 27
            << QStringLiteral("corpus[0].path") << QStringLiteral("no such file or folder: ") + expDir() + QStringLiteral("/corpus/missing.csv");
        QTest::newRow("corpus path field missing") << QByteArray(corpusHead + "  - {id: inaugural}\n" + tail) << 3 << 5
            << QStringLiteral("corpus[0].path") << QStringLiteral("required field is missing");
        QTest::newRow("corpus type") << QByteArray(corpusHead + "  - {id: inaugural, path: experiment.yaml}\n" + tail) << 3 << 27
            << QStringLiteral("corpus[0].path") << QStringLiteral("expected a folder of .txt files or a .csv, .jsonl or .txt file");
        QTest::newRow("corpus duplicate id") << QByteArray(corpusHead + "  - {id: inaugural, path: corpus/inaugural/}\n  - {id: inaugural, path: corpus/tweets.jsonl}\n" + tail) << 4 << 10
            << QStringLiteral("corpus[1].id") << QStringLiteral("duplicate id \"inaugural\"");
        QTest::newRow("corpus empty") << QByteArray("experiment: {name: e}\ncorpus: []\n" + tail) << 2 << 9
            << QStringLiteral("corpus") << QStringLiteral("expected a non-empty list of {id, path}, got a list");
        QTest::newRow("framework file missing") << QByteArray("experiment: {name: e}\ncorpus:\n  - {id: inaugural, path: corpus/inaugural/}\nframeworks:\n  - {id: mft, path: nope.yaml}\nexecution:\n" + kMatrix) << 5 << 21
            << QStringLiteral("frameworks[0].path") << QStringLiteral("no such file or folder: ");
        QTest::newRow("unknown framework") << QByteArray(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o, framework: fmt, corpus_subset: inaugural}\n") << 8 << 46
            << QStringLiteral("execution.matrix[0].framework") << QStringLiteral("unknown framework \"fmt\" (defined: mft)");
        QTest::newRow("unknown corpus") << QByteArray(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o, framework: mft, corpus_subset: nope}\n") << 8 << 66
            << QStringLiteral("execution.matrix[0].corpus_subset") << QStringLiteral("unknown corpus \"nope\" (defined: inaugural)");
        QTest::newRow("duplicate run_id") << QByteArray(kHead + kMatrix + "    - {run_id: r1, model: x}\n") << 9 << 16
            << QStringLiteral("execution.matrix[1].run_id") << QStringLiteral("duplicate run_id \"r1\" (also on line 8)");
        QTest::newRow("corpus_subset list") << QByteArray(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o, corpus_subset: [a]}\n") << 8 << 50
            << QStringLiteral("execution.matrix[0].corpus_subset") << QStringLiteral("expected a corpus id or {corpus, include, limit}, got a list");
        QTest::newRow("subset limit") << QByteArray(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o, corpus_subset: {corpus: inaugural, limit: 0}}\n") << 8 << 77
            << QStringLiteral("execution.matrix[0].corpus_subset.limit") << QStringLiteral("expected a positive integer, got \"0\"");
        QTest::newRow("subset include") << QByteArray(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o, corpus_subset: {corpus: inaugural, include: {a: 1}}}\n") << 8 << 79
            << QStringLiteral("execution.matrix[0].corpus_subset.include") << QStringLiteral("expected a list of strings, got a mapping");
        QTest::newRow("run repetitions") << QByteArray(kHead + "  matrix:\n    - {run_id: r1, model: gpt-4o, repetitions: 0}\n") << 8 << 48
            << QStringLiteral("execution.matrix[0].repetitions") << QStringLiteral("expected an integer >= 1, got \"0\"");
        QTest::newRow("run without model") << QByteArray(kHead + "  matrix:\n    - {run_id: r1}\n") << 8 << 7
            << QStringLiteral("execution.matrix[0].model") << QStringLiteral("required field is missing");
        QTest::newRow("matrix missing") << QByteArray(kHead.left(kHead.size() - 1) + " {temperature: 0.5}\n") << 6 << 12
            << QStringLiteral("execution.matrix") << QStringLiteral("required field is missing");
        QTest::newRow("name missing") << QByteArray("experiment: {description: d}\n" + kHead.mid(kHead.indexOf('\n') + 1) + kMatrix) << 1 << 13
            << QStringLiteral("experiment.name") << QStringLiteral("required field is missing");
        QTest::newRow("budget duration") << QByteArray(kHead + kMatrix + "cost_controls: {budget_duration: forever}\n") << 9 << 34
            << QStringLiteral("cost_controls.budget_duration") << QStringLiteral("expected a duration like 30s, 10m, 24h, 7d, 2w or 1mo, got \"forever\"");
        QTest::newRow("malformed") << QByteArray("experiment: {name: e\ncorpus: []\n") << 2 << 7
            << QString() << QStringLiteral("malformed YAML: end of map flow not found");
    }
    void errors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, field);
        QFETCH(QString, message);
        const QString file = expDir() + QStringLiteral("/x.yaml");
        const auto exp = parseExperiment(yaml, file);
        QVERIFY(!exp);
        const Error &e = exp.error();
        QCOMPARE(e.file, file);
        QCOMPARE(e.line, line);
        QCOMPARE(e.column, column);
        QCOMPARE(e.field, field);
        QVERIFY2(e.message.startsWith(message), qPrintable(e.message));
    }

    void validateAgainstModelList()
    {
        const auto models = loadModelList(dataDir() + QStringLiteral("/litellm_config.yaml"));
        QVERIFY(models);
        const QString path = expDir() + QStringLiteral("/experiment.yaml");
        const auto good = loadExperiment(path);
        QVERIFY(good);
        QVERIFY(validateExperimentAgainst(*good, *models));

        QByteArray text = readAll(path);
        text.replace("model: gpt-4o", "model: gpt-5");
        const auto bad = parseExperiment(text, path);
        QVERIFY(bad);
        const auto v = validateExperimentAgainst(*bad, *models);
        QVERIFY(!v);
        QCOMPARE(v.error().file, path);
        QCOMPARE(v.error().line, 20);
        QCOMPARE(v.error().column, 14);
        QCOMPARE(v.error().field, QStringLiteral("execution.matrix[0].model"));
        QVERIFY2(v.error().message.startsWith(QStringLiteral("unknown model group \"gpt-5\" (") + models->path
                                              + QStringLiteral(" defines: gpt-4o, claude-3.5-haiku, ")),
                 qPrintable(v.error().message));
    }

    void runsNameAliasesAndWildcardModels()
    {
        const auto models = parseModelList("model_list:\n"
                                           "  - model_name: gpt-4o\n"
                                           "    litellm_params: {model: openai/gpt-4o}\n"
                                           "  - model_name: \"*\"\n"
                                           "    litellm_params: {model: openai/*, api_key: os.environ/OPENAI_API_KEY, rpm: 60}\n"
                                           "  - model_name: titan\n"
                                           "    litellm_params: {model: bedrock/amazon.titan-text-express-v1}\n"
                                           "router_settings:\n"
                                           "  model_group_alias: {main: gpt-4o}\n",
                                           QStringLiteral("m.yaml"));
        QVERIFY(models);
        const QString path = expDir() + QStringLiteral("/experiment.yaml");
        const auto loaded = loadExperiment(path);
        QVERIFY(loaded);
        ExperimentConfig exp = *loaded;
        QVERIFY(exp.execution.matrix.size() >= 1);
        RunSpec second = exp.execution.matrix[0];
        exp.execution.matrix[0].model = QStringLiteral("main");
        second.model = QStringLiteral("gpt-4.1-mini");
        second.runId = QStringLiteral("wild");
        exp.execution.matrix.append(second);
        QVERIFY(validateExperimentAgainst(exp, *models));

        ModelList m = *models;
        QVERIFY(resolveRunModels(exp, m));
        QCOMPARE(exp.execution.matrix[0].model, QStringLiteral("gpt-4o"));   // the alias's group
        const QList<const Deployment *> wild = m.deploymentsOf(QStringLiteral("gpt-4.1-mini"));
        QCOMPARE(wild.size(), 1);
        QCOMPARE(wild[0]->provider, QStringLiteral("openai"));
        QCOMPARE(wild[0]->model, QStringLiteral("gpt-4.1-mini"));
        QCOMPARE(wild[0]->limits.rpm, std::optional<qint64>(60));
        for (const Deployment &d : m.deployments)
            QVERIFY2(!d.wildcard && !d.model.contains(u'*'), qPrintable(d.id));

        // A group whose only deployment was skipped fails the run that needs it, saying why.
        exp.execution.matrix[1].model = QStringLiteral("titan");
        const auto v = validateExperimentAgainst(exp, *models);
        QVERIFY(!v);
        QCOMPARE(v.error().field, QStringLiteral("execution.matrix[1].model"));
        QVERIFY2(v.error().message.contains(QStringLiteral("model group \"titan\" has no deployment discernus can call "
                                                            "(bedrock/amazon.titan-text-express-v1: provider bedrock is not supported)")),
                 qPrintable(v.error().message));
    }

    void saveExperimentElsewhere()
    {
        const auto exp = loadExperiment(expDir() + QStringLiteral("/experiment.yaml"));
        QVERIFY(exp);
        ExperimentConfig edited = *exp;
        edited.execution.temperature = 0.7;
        edited.execution.batching.enabled = false;
        edited.execution.matrix[1].include.clear();
        edited.execution.matrix[1].limit.reset();
        RunSpec extra;
        extra.runId = QStringLiteral("mistral-mft");
        extra.model = QStringLiteral("mistral-large");
        extra.framework = QStringLiteral("mft");
        extra.corpus = QStringLiteral("tweets");
        extra.include = {QStringLiteral("2020-*")};
        extra.repetitions = 2;
        edited.execution.matrix.append(extra);
        edited.costControls.maxBudget.reset();

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("sub")));
        const QString out = dir.filePath(QStringLiteral("sub/exp.yaml"));
        const auto saved = saveExperiment(edited, out);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().toString()));
        const auto reloaded = loadExperiment(out);
        QVERIFY2(reloaded, qPrintable(reloaded ? QString() : reloaded.error().toString() + QLatin1Char('\n') + QString::fromUtf8(readAll(out))));
        // Relative paths were rewritten so they still point at the same files.
        QCOMPARE(reloaded->corpus[0].path, exp->corpus[0].path);
        QCOMPARE(reloaded->corpus[0].kind, CorpusSource::Kind::Folder);
        QCOMPARE(reloaded->corpus[1].path, exp->corpus[1].path);
        QCOMPARE(reloaded->frameworks[0].path, exp->frameworks[0].path);
        QCOMPARE(reloaded->execution.temperature, 0.7);
        QVERIFY(!reloaded->execution.batching.enabled);
        QCOMPARE(reloaded->execution.batching.maxBatchTokens, qint64(12000));
        QCOMPARE(reloaded->execution.maxParseRetries, 3);
        QCOMPARE(reloaded->execution.matrix.size(), 3);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(runDiff(reloaded->execution.matrix[i], edited.execution.matrix[i]).isEmpty(), qPrintable(QString::number(i)));
        QVERIFY(!reloaded->costControls.maxBudget);
        QCOMPARE(reloaded->costControls.budgetDuration, QStringLiteral("7d"));
        // The unknown key of the original run survives.
        QCOMPARE(reloaded->warnings.size(), 1);
        QVERIFY(readAll(out).contains("notes: kept as is"));
    }

    void unchangedSaveKeepsBytes()
    {
        const QString path = expDir() + QStringLiteral("/experiment.yaml");
        const auto exp = loadExperiment(path);
        QVERIFY(exp);
        QCOMPARE(serializeExperiment(*exp, path), exp->sourceYaml);
        const auto fw = loadFramework(expDir() + QStringLiteral("/frameworks/mft.yaml"));
        QVERIFY(fw);
        QCOMPARE(serializeFramework(*fw), fw->sourceYaml);
        // A change is written out (and loses comments, which yaml-cpp cannot keep).
        ExperimentConfig edited = *exp;
        edited.execution.maxTokens = 100;
        const QByteArray text = serializeExperiment(edited, path);
        QVERIFY(text != exp->sourceYaml);
        QVERIFY(text.contains("max_tokens: 100"));
    }

    void framework()
    {
        const auto fw = loadFramework(expDir() + QStringLiteral("/frameworks/mft.yaml"));
        QVERIFY2(fw, qPrintable(fw ? QString() : fw.error().toString()));
        QCOMPARE(fw->id, QStringLiteral("mft"));
        QCOMPARE(fw->name, QStringLiteral("Moral Foundations Theory"));
        QCOMPARE(fw->version, QStringLiteral("1.0"));
        QCOMPARE(fw->instructions, QStringLiteral("Score how strongly the text appeals to each moral foundation.\n"
                                                  "Quote the passage that shows it.\n"));
        QCOMPARE(fw->dimensions.size(), 3);
        QCOMPARE(fw->dimensions[0].id, QStringLiteral("care"));
        QCOMPARE(fw->dimensions[0].name, QStringLiteral("Care/Harm"));
        QCOMPARE(fw->dimensions[0].description, QStringLiteral("Protecting others from harm"));
        QCOMPARE(fw->dimensions[2].min, -1.0);
        QCOMPARE(fw->dimensions[2].max, 1.0);
        QCOMPARE(fw->warnings.size(), 1);
        QVERIFY(fw->warnings[0].endsWith(QStringLiteral("ignoring unknown settings: framework.citation")));
    }

    void frameworkErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        const QByteArray head = "framework:\n  id: mft\n  dimensions:\n";
        QTest::newRow("min >= max") << QByteArray(head + "    - {id: care, min: 1, max: 1}\n") << 4 << 31
            << QStringLiteral("framework.dimensions[0].max") << QStringLiteral("max (1) must be greater than min (1)");
        QTest::newRow("min above default max") << QByteArray(head + "    - {id: care, min: 2}\n") << 4 << 7
            << QStringLiteral("framework.dimensions[0].max") << QStringLiteral("max (1) must be greater than min (2)");
        QTest::newRow("duplicate dimension") << QByteArray(head + "    - {id: care}\n    - {id: care}\n") << 5 << 12
            << QStringLiteral("framework.dimensions[1].id") << QStringLiteral("duplicate dimension id \"care\" (also on line 4)");
        QTest::newRow("dimension id is a CSV column") << QByteArray(head + "    - {id: status}\n") << 4 << 12
            << QStringLiteral("framework.dimensions[0].id") << QStringLiteral("\"status\" is a column name of the CSV export; choose another id");
        QTest::newRow("min not a number") << QByteArray(head + "    - {id: care, min: low}\n") << 4 << 23
            << QStringLiteral("framework.dimensions[0].min") << QStringLiteral("expected a number, got \"low\"");
        QTest::newRow("dimension without id") << QByteArray(head + "    - {name: Care}\n") << 4 << 7
            << QStringLiteral("framework.dimensions[0].id") << QStringLiteral("required field is missing");
        QTest::newRow("no dimensions") << QByteArray("framework:\n  id: mft\n") << 2 << 3
            << QStringLiteral("framework.dimensions") << QStringLiteral("required field is missing");
        QTest::newRow("empty dimensions") << QByteArray("framework:\n  id: mft\n  dimensions: []\n") << 3 << 15
            << QStringLiteral("framework.dimensions") << QStringLiteral("expected a non-empty list of dimensions, got a list");
        QTest::newRow("no framework key") << QByteArray("id: mft\n") << 1 << 1
            << QStringLiteral("framework") << QStringLiteral("required field is missing");
    }
    void frameworkErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, field);
        QFETCH(QString, message);
        const auto fw = parseFramework(yaml, QStringLiteral("f.yaml"));
        QVERIFY(!fw);
        QCOMPARE(fw.error().line, line);
        QCOMPARE(fw.error().column, column);
        QCOMPARE(fw.error().field, field);
        QVERIFY2(fw.error().message.startsWith(message), qPrintable(fw.error().message));
        QVERIFY(fw.error().toString().startsWith(QStringLiteral("f.yaml:%1:%2: ").arg(line).arg(column)));
    }

    void frameworkRoundTrip()
    {
        const auto fw = loadFramework(expDir() + QStringLiteral("/frameworks/mft.yaml"));
        QVERIFY(fw);
        Framework edited = *fw;
        edited.dimensions[1].max = 5.0;
        edited.dimensions.append({QStringLiteral("sanctity"), QStringLiteral("Sanctity/Degradation"),
                                  QStringLiteral("Purity: \"clean\" vs. 'dirty'"), 0.0, 1.0});
        edited.instructions += QStringLiteral("Be brief.\n");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("fw.yaml"));
        QVERIFY(saveFramework(edited, out));
        const auto reloaded = loadFramework(out);
        QVERIFY2(reloaded, qPrintable(reloaded ? QString() : reloaded.error().toString()));
        QCOMPARE(reloaded->id, edited.id);
        QCOMPARE(reloaded->version, QStringLiteral("1.0"));
        QCOMPARE(reloaded->instructions, edited.instructions);
        QCOMPARE(reloaded->dimensions.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(reloaded->dimensions[i].id, edited.dimensions[i].id);
            QCOMPARE(reloaded->dimensions[i].name, edited.dimensions[i].name);
            QCOMPARE(reloaded->dimensions[i].description, edited.dimensions[i].description);
            QCOMPARE(reloaded->dimensions[i].min, edited.dimensions[i].min);
            QCOMPARE(reloaded->dimensions[i].max, edited.dimensions[i].max);
        }
        const QByteArray text = readAll(out);
        QVERIFY(text.contains("citation: Haidt & Graham 2007"));
        QVERIFY2(text.contains("instructions: |"), text.constData()); // still readable as a block
        QVERIFY(text.contains("version: \"1.0\""));
    }
};

QTEST_GUILESS_MAIN(TestExperimentConfig)
#include "tst_experimentconfig.moc"
