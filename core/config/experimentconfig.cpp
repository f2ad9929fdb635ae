#include "core/config/experimentconfig.h"

#include "core/common/logging.h"
#include "core/config/duration.h"
#include "core/config/yamlsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <limits>

namespace wb {

using namespace yamlsupport;

namespace {

constexpr qint64 kIntMax = std::numeric_limits<int>::max();

QString index(const QString &base, std::size_t i)
{
    return base + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
}

std::optional<CorpusSource::Kind> kindOf(const QString &relPath, const QString &absPath)
{
    const QFileInfo fi(absPath);
    if (relPath.endsWith(QLatin1Char('/')) || fi.isDir())
        return CorpusSource::Kind::Folder;
    const QString suffix = fi.suffix().toLower();
    if (suffix == u"csv")
        return CorpusSource::Kind::Csv;
    if (suffix == u"jsonl")
        return CorpusSource::Kind::Jsonl;
    if (suffix == u"txt")
        return CorpusSource::Kind::TextFile;
    return std::nullopt;
}

Result<void> writeAtomically(const QByteArray &bytes, const QString &path)
{
    if (bytes.isEmpty())
        return fail(QStringLiteral("nothing to write"), path);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write: ") + f.errorString(), path);
    if (f.write(bytes) != bytes.size() || !f.commit())
        return fail(QStringLiteral("cannot write: ") + f.errorString(), path);
    return {};
}

/// A duration field (`30s`, `10m`, `2h`); nullopt when absent or invalid (then r has failed).
std::optional<qint64> durationField(Reader &r, const YAML::Node &n, const QString &field)
{
    const auto text = r.string(n, field);
    if (!text)
        return std::nullopt;
    const auto secs = parseDurationSeconds(*text);
    if (!secs)
        r.fail(n, field, QStringLiteral("expected a duration like 30s, 10m, 24h, 7d, 2w or 1mo, got ") + describe(n));
    return secs;
}

std::optional<ExecutionMode> modeField(Reader &r, const YAML::Node &n, const QString &field)
{
    const auto text = r.string(n, field);
    if (!text)
        return std::nullopt;
    const auto mode = executionModeFromName(text->trimmed());
    if (!mode)
        r.fail(n, field, QStringLiteral("expected live, batch or auto, got ") + describe(n));
    return mode;
}

void readCostControls(Reader &r, const YAML::Node &n, CostControls &out)
{
    Map cc(r, n, QStringLiteral("cost_controls"), QStringLiteral("cost_controls"));
    if (!cc.valid())
        return;
    out.maxBudget = r.number(cc.take("max_budget"), cc.field("max_budget"), 0, 1e12, false,
                             QStringLiteral("a non-negative amount in USD"));
    const YAML::Node durNode = cc.take("budget_duration");
    if (const auto dur = r.string(durNode, cc.field("budget_duration"))) {
        if (!parseDurationSeconds(*dur))
            r.fail(durNode, cc.field("budget_duration"),
                   QStringLiteral("expected a duration like 30s, 10m, 24h, 7d, 2w or 1mo, got ") + describe(durNode));
        else
            out.budgetDuration = dur->trimmed();
    }
    cc.finish();
}

Result<ExperimentConfig> parseExperimentImpl(const QByteArray &yaml, const QString &file, bool checkFiles)
{
    auto doc = loadDocument(yaml, file);
    if (!doc)
        return std::unexpected(doc.error());
    const YAML::Node root = *doc;
    if (!root.IsDefined() || root.IsNull())
        return fail(QStringLiteral("the file is empty; expected experiment, corpus, frameworks and execution"), file);

    Reader r(file);
    ExperimentConfig exp;
    exp.path = file;
    exp.sourceYaml = yaml;
    const QDir baseDir = QFileInfo(file).absoluteDir();

    Map top(r, root, {}, {}, false);
    if (!r.ok())
        return std::unexpected(r.error());

    Map meta(r, top.required("experiment"), QStringLiteral("experiment"), QStringLiteral("experiment"), false);
    if (r.ok()) {
        const YAML::Node nameNode = meta.required("name");
        exp.name = r.string(nameNode, meta.field("name")).value_or(QString()).trimmed();
        if (r.ok() && exp.name.isEmpty())
            r.fail(nameNode, meta.field("name"), QStringLiteral("must not be empty"));
        exp.description = r.string(meta.take("description"), meta.field("description")).value_or(QString());
        meta.finish();
    }

    // Entries with an id and a path relative to the experiment file.
    const auto readEntries = [&](const char *key, const auto &each) {
        const QString field = QString::fromLatin1(key);
        const YAML::Node seq = top.required(key);
        if (!r.ok())
            return;
        if (!seq.IsSequence() || seq.size() == 0) {
            r.fail(seq, field, QStringLiteral("expected a non-empty list of {id, path}, got ") + describe(seq));
            return;
        }
        QHash<QString, int> seen;
        for (std::size_t i = 0; r.ok() && i < seq.size(); ++i) {
            Map m(r, seq[i], index(field, i), field + QStringLiteral("[]"), false);
            if (!m.valid())
                return;
            const YAML::Node idNode = m.required("id");
            const QString id = r.string(idNode, m.field("id")).value_or(QString()).trimmed();
            const YAML::Node pathNode = m.required("path");
            const QString rel = r.string(pathNode, m.field("path")).value_or(QString()).trimmed();
            if (!r.ok())
                return;
            if (id.isEmpty() || rel.isEmpty()) {
                r.fail(id.isEmpty() ? idNode : pathNode, m.field(id.isEmpty() ? "id" : "path"), QStringLiteral("must not be empty"));
                return;
            }
            if (seen.contains(id)) {
                r.fail(idNode, m.field("id"), QStringLiteral("duplicate id \"") + id + QStringLiteral("\""));
                return;
            }
            seen.insert(id, int(i));
            const QString abs = QDir::cleanPath(baseDir.absoluteFilePath(rel));
            if (checkFiles && !QFileInfo::exists(abs)) {
                r.fail(pathNode, m.field("path"), QStringLiteral("no such file or folder: ") + abs);
                return;
            }
            each(id, rel, abs, pathNode, m);
            m.finish();
        }
    };

    readEntries("corpus", [&](const QString &id, const QString &rel, const QString &abs, const YAML::Node &pathNode, Map &m) {
        const auto kind = kindOf(rel, abs);
        if (!kind) {
            r.fail(pathNode, m.field("path"),
                   QStringLiteral("expected a folder of .txt files or a .csv, .jsonl or .txt file"));
            return;
        }
        if (checkFiles && *kind == CorpusSource::Kind::Folder && !QFileInfo(abs).isDir()) {
            r.fail(pathNode, m.field("path"), QStringLiteral("not a folder: ") + abs);
            return;
        }
        exp.corpus.append({id, abs, *kind});
    });
    if (r.ok()) {
        readEntries("frameworks", [&](const QString &id, const QString &, const QString &abs, const YAML::Node &, Map &) {
            exp.frameworks.append({id, abs});
        });
    }
    if (!r.ok())
        return std::unexpected(r.error());

    Map ex(r, top.required("execution"), QStringLiteral("execution"), QStringLiteral("execution"), false);
    ExecutionSettings &es = exp.execution;
    if (r.ok()) {
        if (const auto v = r.number(ex.take("temperature"), ex.field("temperature"), 0, 2, false, QStringLiteral("a number from 0 to 2")))
            es.temperature = *v;
        if (const auto v = r.integer(ex.take("max_tokens"), ex.field("max_tokens"), 1, kIntMax, QStringLiteral("a positive integer")))
            es.maxTokens = int(*v);
        if (const auto v = r.integer(ex.take("repetitions"), ex.field("repetitions"), 1, 1000000, QStringLiteral("an integer >= 1")))
            es.repetitions = int(*v);
        if (const auto v = r.integer(ex.take("max_parse_retries"), ex.field("max_parse_retries"), 0, 100, QStringLiteral("a non-negative integer")))
            es.maxParseRetries = int(*v);
        Map b(r, ex.take("batching"), QStringLiteral("execution.batching"), QStringLiteral("execution.batching"));
        if (b.valid()) {
            es.batching.enabled = r.boolean(b.take("enabled"), b.field("enabled")).value_or(false);
            if (const auto v = r.integer(b.take("max_batch_tokens"), b.field("max_batch_tokens"), 1, kIntMax, QStringLiteral("a positive integer")))
                es.batching.maxBatchTokens = *v;
            if (const auto v = r.integer(b.take("max_texts_per_batch"), b.field("max_texts_per_batch"), 1, 100000, QStringLiteral("a positive integer")))
                es.batching.maxTextsPerBatch = int(*v);
            b.finish();
        }
        if (const auto m = modeField(r, ex.take("mode"), ex.field("mode")))
            es.mode = *m;
        if (const auto v = durationField(r, ex.take("batch_after"), ex.field("batch_after")))
            es.batchApi.batchAfterSeconds = *v;
        const YAML::Node retryNode = ex.take("batch_retry");
        if (const auto v = r.string(retryNode, ex.field("batch_retry"))) {
            if (v->trimmed() == u"batch")
                es.batchApi.retry = BatchApiSettings::Retry::Batch;
            else if (v->trimmed() == u"live")
                es.batchApi.retry = BatchApiSettings::Retry::Live;
            else
                r.fail(retryNode, ex.field("batch_retry"), QStringLiteral("expected batch or live, got ") + describe(retryNode));
        }
        if (const auto v = durationField(r, ex.take("batch_poll"), ex.field("batch_poll"))) {
            es.batchApi.pollSeconds = *v;
            es.batchApi.pollMaxSeconds = std::max(es.batchApi.pollMaxSeconds, *v);
        }
        if (const auto v = durationField(r, ex.take("batch_poll_max"), ex.field("batch_poll_max")))
            es.batchApi.pollMaxSeconds = std::max(*v, es.batchApi.pollSeconds);
        if (const auto v = r.integer(ex.take("batch_queue_tokens"), ex.field("batch_queue_tokens"), 0,
                                     std::numeric_limits<qint64>::max(), QStringLiteral("a non-negative integer")))
            es.batchApi.maxEnqueuedTokens = *v;
    }
    if (!r.ok())
        return std::unexpected(r.error());

    QStringList corpusIds, frameworkIds;
    for (const auto &c : std::as_const(exp.corpus))
        corpusIds.append(c.id);
    for (const auto &f : std::as_const(exp.frameworks))
        frameworkIds.append(f.id);

    const YAML::Node matrix = ex.required("matrix");
    if (r.ok() && (!matrix.IsSequence() || matrix.size() == 0))
        r.fail(matrix, QStringLiteral("execution.matrix"), QStringLiteral("expected a non-empty list of runs, got ") + describe(matrix));
    QHash<QString, int> runIds;
    for (std::size_t i = 0; r.ok() && i < matrix.size(); ++i) {
        const QString path = index(QStringLiteral("execution.matrix"), i);
        Map m(r, matrix[i], path, QStringLiteral("execution.matrix[]"), false);
        if (!m.valid())
            break;
        RunSpec run;
        run.line = Reader::lineOf(matrix[i]);
        const YAML::Node idNode = m.required("run_id");
        run.runId = r.string(idNode, m.field("run_id")).value_or(QString()).trimmed();
        if (r.ok() && run.runId.isEmpty())
            r.fail(idNode, m.field("run_id"), QStringLiteral("must not be empty"));
        if (r.ok() && runIds.contains(run.runId))
            r.fail(idNode, m.field("run_id"),
                   QStringLiteral("duplicate run_id \"") + run.runId + QStringLiteral("\" (also on line ")
                       + QString::number(runIds.value(run.runId)) + QLatin1Char(')'));
        runIds.insert(run.runId, run.line);

        const YAML::Node modelNode = m.required("model");
        run.model = r.string(modelNode, m.field("model")).value_or(QString()).trimmed();
        run.modelLine = Reader::lineOf(modelNode);
        run.modelColumn = Reader::columnOf(modelNode);

        // With a single framework or corpus the reference may be left out.
        const YAML::Node fwNode = frameworkIds.size() == 1 && !m.has("framework") ? YAML::Node(YAML::NodeType::Undefined) : m.required("framework");
        run.framework = fwNode.IsDefined() ? r.string(fwNode, m.field("framework")).value_or(QString()).trimmed() : frameworkIds.first();
        if (r.ok() && !frameworkIds.contains(run.framework))
            r.fail(fwNode, m.field("framework"),
                   QStringLiteral("unknown framework \"") + run.framework + QStringLiteral("\" (defined: ")
                       + frameworkIds.join(QStringLiteral(", ")) + QLatin1Char(')'));

        const YAML::Node subset = corpusIds.size() == 1 && !m.has("corpus_subset") ? YAML::Node(YAML::NodeType::Undefined) : m.required("corpus_subset");
        YAML::Node corpusNode = subset;
        QString corpusField = m.field("corpus_subset");
        if (!r.ok()) {
        } else if (!subset.IsDefined()) {
            run.corpus = corpusIds.first();
        } else if (subset.IsMap()) {
            Map s(r, subset, corpusField, QStringLiteral("execution.matrix[].corpus_subset"));
            corpusNode = s.required("corpus");
            corpusField = s.field("corpus");
            run.corpus = r.string(corpusNode, corpusField).value_or(QString()).trimmed();
            run.include = r.stringList(s.take("include"), s.field("include")).value_or(QStringList{});
            if (const auto v = r.integer(s.take("limit"), s.field("limit"), 1, kIntMax, QStringLiteral("a positive integer")))
                run.limit = int(*v);
            s.finish();
        } else if (subset.IsScalar()) {
            run.corpus = qs(subset.Scalar()).trimmed();
        } else {
            r.fail(subset, corpusField, QStringLiteral("expected a corpus id or {corpus, include, limit}, got ") + describe(subset));
        }
        if (r.ok() && !corpusIds.contains(run.corpus))
            r.fail(corpusNode, corpusField,
                   QStringLiteral("unknown corpus \"") + run.corpus + QStringLiteral("\" (defined: ")
                       + corpusIds.join(QStringLiteral(", ")) + QLatin1Char(')'));
        if (const auto v = r.integer(m.take("repetitions"), m.field("repetitions"), 1, 1000000, QStringLiteral("an integer >= 1")))
            run.repetitions = int(*v);
        run.mode = modeField(r, m.take("mode"), m.field("mode"));
        m.finish();
        es.matrix.append(run);
    }
    ex.finish();

    readCostControls(r, top.take("cost_controls"), exp.costControls);
    top.finish();
    if (!r.ok())
        return std::unexpected(r.error());
    if (!r.unknownKeys().isEmpty())
        exp.warnings.append(file + QStringLiteral(": ignoring unknown settings: ") + r.unknownKeys().join(QStringLiteral(", ")));
    for (const QString &w : std::as_const(exp.warnings))
        qCDebug(lcConfig).noquote() << w;
    return exp;
}

Result<Framework> parseFrameworkImpl(const QByteArray &yaml, const QString &file)
{
    auto doc = loadDocument(yaml, file);
    if (!doc)
        return std::unexpected(doc.error());
    const YAML::Node root = *doc;
    if (!root.IsDefined() || root.IsNull())
        return fail(QStringLiteral("the file is empty; expected framework: {id, name, dimensions}"), file);
    Reader r(file);
    Framework fw;
    fw.path = file;
    fw.sourceYaml = yaml;

    Map top(r, root, {}, {}, false);
    if (!r.ok())
        return std::unexpected(r.error());
    Map m(r, top.required("framework"), QStringLiteral("framework"), QStringLiteral("framework"), false);
    if (!r.ok())
        return std::unexpected(r.error());
    const YAML::Node idNode = m.required("id");
    fw.id = r.string(idNode, m.field("id")).value_or(QString()).trimmed();
    if (r.ok() && fw.id.isEmpty())
        r.fail(idNode, m.field("id"), QStringLiteral("must not be empty"));
    fw.name = r.string(m.take("name"), m.field("name")).value_or(fw.id);
    fw.version = r.string(m.take("version"), m.field("version")).value_or(QString());
    fw.instructions = r.string(m.take("instructions"), m.field("instructions")).value_or(QString());
    const YAML::Node dims = m.required("dimensions");
    if (r.ok() && (!dims.IsSequence() || dims.size() == 0))
        r.fail(dims, m.field("dimensions"), QStringLiteral("expected a non-empty list of dimensions, got ") + describe(dims));
    QHash<QString, int> seen;
    for (std::size_t i = 0; r.ok() && i < dims.size(); ++i) {
        Map d(r, dims[i], index(QStringLiteral("framework.dimensions"), i), QStringLiteral("framework.dimensions[]"), false);
        if (!d.valid())
            break;
        Dimension dim;
        const YAML::Node did = d.required("id");
        dim.id = r.string(did, d.field("id")).value_or(QString()).trimmed();
        if (r.ok() && dim.id.isEmpty())
            r.fail(did, d.field("id"), QStringLiteral("must not be empty"));
        // Dimension ids become CSV columns beside the fixed ones (docs/FORMATS.md, "CSV export"): they must not collide.
        static const QStringList reserved{QStringLiteral("experiment"), QStringLiteral("run_id"), QStringLiteral("model"),
                                          QStringLiteral("deployment"), QStringLiteral("provider"), QStringLiteral("model_version"),
                                          QStringLiteral("framework"), QStringLiteral("text_id"), QStringLiteral("repetition"),
                                          QStringLiteral("status"), QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"),
                                          QStringLiteral("cached_tokens"), QStringLiteral("cost_usd"), QStringLiteral("latency_ms"),
                                          QStringLiteral("attempts"), QStringLiteral("error"), QStringLiteral("completed_at"),
                                          QStringLiteral("dimension"), QStringLiteral("score"), QStringLiteral("evidence"),
                                          QStringLiteral("batch")};
        if (r.ok() && reserved.contains(dim.id))
            r.fail(did, d.field("id"), QStringLiteral("\"") + dim.id + QStringLiteral("\" is a column name of the CSV export; choose another id"));
        if (r.ok() && seen.contains(dim.id))
            r.fail(did, d.field("id"),
                   QStringLiteral("duplicate dimension id \"") + dim.id + QStringLiteral("\" (also on line ")
                       + QString::number(seen.value(dim.id)) + QLatin1Char(')'));
        seen.insert(dim.id, Reader::lineOf(dims[i]));
        dim.name = r.string(d.take("name"), d.field("name")).value_or(dim.id);
        dim.description = r.string(d.take("description"), d.field("description")).value_or(QString());
        const QString num = QStringLiteral("a number");
        const YAML::Node minNode = d.take("min");
        const YAML::Node maxNode = d.take("max");
        if (const auto v = r.number(minNode, d.field("min"), -1e12, 1e12, false, num))
            dim.min = *v;
        if (const auto v = r.number(maxNode, d.field("max"), -1e12, 1e12, false, num))
            dim.max = *v;
        if (r.ok() && dim.min >= dim.max)
            r.fail(maxNode.IsDefined() ? maxNode : dims[i], d.field("max"),
                   QStringLiteral("max (") + QString::number(dim.max) + QStringLiteral(") must be greater than min (")
                       + QString::number(dim.min) + QLatin1Char(')'));
        d.finish();
        fw.dimensions.append(dim);
    }
    m.finish();
    top.finish();
    if (!r.ok())
        return std::unexpected(r.error());
    if (!r.unknownKeys().isEmpty())
        fw.warnings.append(file + QStringLiteral(": ignoring unknown settings: ") + r.unknownKeys().join(QStringLiteral(", ")));
    return fw;
}

} // namespace

QString executionModeName(ExecutionMode m)
{
    switch (m) {
    case ExecutionMode::Live: return QStringLiteral("live");
    case ExecutionMode::Batch: return QStringLiteral("batch");
    case ExecutionMode::Auto: return QStringLiteral("auto");
    }
    return QStringLiteral("live");
}

std::optional<ExecutionMode> executionModeFromName(const QString &name)
{
    for (ExecutionMode m : {ExecutionMode::Live, ExecutionMode::Batch, ExecutionMode::Auto})
        if (name == executionModeName(m))
            return m;
    return std::nullopt;
}

namespace {

// ---- writing ----------------------------------------------------------------

void setString(YAML::Node map, const char *key, const QString &now, const QString &before, bool keepEmpty = false)
{
    if (now == before && hasKey(map, key))
        return;
    if (now.isEmpty() && !keepEmpty) {
        if (hasKey(map, key))
            map.remove(key);
        return;
    }
    map[key] = stringNode(now);
}

template <typename T, typename Make>
void setValue(YAML::Node map, const char *key, const T &now, const T &before, const T &dflt, Make make)
{
    if (now == before && (hasKey(map, key) || now == dflt))
        return;
    map[key] = make(now);
}

QString relativePath(const QString &abs, const QDir &dir, bool folder)
{
    QString rel = dir.relativeFilePath(abs);
    if (folder && !rel.endsWith(QLatin1Char('/')))
        rel += QLatin1Char('/');
    return rel;
}

QByteArray serializeExperimentImpl(const ExperimentConfig &exp, const QString &targetPath)
{
    YAML::Node root;
    std::optional<ExperimentConfig> orig;
    if (!exp.sourceYaml.isEmpty()) {
        auto doc = loadDocument(exp.sourceYaml, exp.path);
        if (doc && doc->IsMap()) {
            root = *doc;
            if (auto o = parseExperimentImpl(exp.sourceYaml, exp.path, false))
                orig = std::move(*o);
        }
    }
    if (!root.IsMap())
        root = YAML::Node(YAML::NodeType::Map);
    const ExperimentConfig base = orig ? *orig : ExperimentConfig{};
    const QDir dir = QFileInfo(targetPath).absoluteDir();

    YAML::Node meta = ensureMap(root, "experiment");
    setString(meta, "name", exp.name, base.name, true);
    setString(meta, "description", exp.description, base.description);

    const auto entries = [&](const char *key, const auto &items, const auto &origItems, const YAML::Node &origSeq,
                             const auto &isFolder) {
        YAML::Node seq(YAML::NodeType::Sequence);
        for (const auto &item : items) {
            qsizetype j = -1;
            for (qsizetype i = 0; i < origItems.size() && j < 0; ++i)
                if (origItems[i].id == item.id)
                    j = i;
            YAML::Node n = j >= 0 ? YAML::Clone(origSeq[std::size_t(j)]) : YAML::Node(YAML::NodeType::Map);
            if (j < 0) {
                n["id"] = stringNode(item.id);
                n.SetStyle(YAML::EmitterStyle::Block);
            }
            // Rewrite the path when it moved or the file is saved elsewhere (relative paths).
            const bool sameDir = QFileInfo(exp.path).absoluteDir() == dir;
            if (j < 0 || !sameDir || origItems[j].path != item.path)
                n["path"] = stringNode(relativePath(item.path, dir, isFolder(item)));
            seq.push_back(n);
        }
        root[key] = seq;
    };
    const YAML::Node origCorpus = orig ? YAML::Node(root["corpus"]) : YAML::Node();
    const YAML::Node origFw = orig ? YAML::Node(root["frameworks"]) : YAML::Node();
    entries("corpus", exp.corpus, base.corpus, origCorpus,
            [](const CorpusSource &c) { return c.kind == CorpusSource::Kind::Folder; });
    entries("frameworks", exp.frameworks, base.frameworks, origFw, [](const FrameworkRef &) { return false; });

    YAML::Node ex = ensureMap(root, "execution");
    const ExecutionSettings &en = exp.execution;
    const ExecutionSettings &eb = base.execution;
    const ExecutionSettings dflt;
    setValue(ex, "temperature", en.temperature, eb.temperature, dflt.temperature, doubleNode);
    setValue(ex, "max_tokens", qint64(en.maxTokens), qint64(eb.maxTokens), qint64(dflt.maxTokens), integerNode);
    setValue(ex, "repetitions", qint64(en.repetitions), qint64(eb.repetitions), qint64(dflt.repetitions), integerNode);
    setValue(ex, "max_parse_retries", qint64(en.maxParseRetries), qint64(eb.maxParseRetries), qint64(dflt.maxParseRetries), integerNode);
    if (en.batching.enabled != eb.batching.enabled || en.batching.maxBatchTokens != eb.batching.maxBatchTokens
        || en.batching.maxTextsPerBatch != eb.batching.maxTextsPerBatch || !orig) {
        const bool flow = !hasKey(ex, "batching");
        YAML::Node b = ensureMap(ex, "batching");
        if (flow)
            b.SetStyle(YAML::EmitterStyle::Flow);
        b["enabled"] = boolNode(en.batching.enabled);
        b["max_batch_tokens"] = integerNode(en.batching.maxBatchTokens);
        b["max_texts_per_batch"] = integerNode(en.batching.maxTextsPerBatch);
    }

    if (en.mode != eb.mode || (en.mode != dflt.mode && !hasKey(ex, "mode")))
        ex["mode"] = stringNode(executionModeName(en.mode));
    if (en.batchApi.retry != eb.batchApi.retry)
        ex["batch_retry"] = stringNode(en.batchApi.retry == BatchApiSettings::Retry::Live ? QStringLiteral("live") : QStringLiteral("batch"));
    setValue(ex, "batch_queue_tokens", en.batchApi.maxEnqueuedTokens, eb.batchApi.maxEnqueuedTokens, dflt.batchApi.maxEnqueuedTokens, integerNode);
    if (en.batchApi.batchAfterSeconds != eb.batchApi.batchAfterSeconds)
        ex["batch_after"] = stringNode(QString::number(en.batchApi.batchAfterSeconds) + QLatin1Char('s'));

    const YAML::Node origMatrix = orig ? YAML::Node(ex["matrix"]) : YAML::Node();
    YAML::Node matrix(YAML::NodeType::Sequence);
    for (const RunSpec &run : en.matrix) {
        qsizetype j = -1;
        for (qsizetype i = 0; i < eb.matrix.size() && j < 0; ++i)
            if (eb.matrix[i].runId == run.runId)
                j = i;
        const RunSpec rb = j >= 0 ? eb.matrix[j] : RunSpec{};
        YAML::Node n = j >= 0 ? YAML::Clone(origMatrix[std::size_t(j)]) : YAML::Node(YAML::NodeType::Map);
        if (j < 0)
            n["run_id"] = stringNode(run.runId);
        if (j < 0 || run.model != rb.model)
            n["model"] = stringNode(run.model);
        if (j < 0 || run.framework != rb.framework)
            n["framework"] = stringNode(run.framework);
        if (j < 0 || run.corpus != rb.corpus || run.include != rb.include || run.limit != rb.limit) {
            if (run.include.isEmpty() && !run.limit) {
                n["corpus_subset"] = stringNode(run.corpus);
            } else {
                YAML::Node s(YAML::NodeType::Map);
                s.SetStyle(YAML::EmitterStyle::Flow);
                s["corpus"] = stringNode(run.corpus);
                if (!run.include.isEmpty()) {
                    YAML::Node inc(YAML::NodeType::Sequence);
                    for (const QString &g : run.include)
                        inc.push_back(stringNode(g));
                    s["include"] = inc;
                }
                if (run.limit)
                    s["limit"] = integerNode(*run.limit);
                n["corpus_subset"] = s;
            }
        }
        if (j < 0 || run.repetitions != rb.repetitions) {
            if (run.repetitions)
                n["repetitions"] = integerNode(*run.repetitions);
            else if (hasKey(n, "repetitions"))
                n.remove("repetitions");
        }
        if (j < 0 || run.mode != rb.mode) {
            if (run.mode)
                n["mode"] = stringNode(executionModeName(*run.mode));
            else if (hasKey(n, "mode"))
                n.remove("mode");
        }
        matrix.push_back(n);
    }
    ex["matrix"] = matrix;

    const CostControls &cn = exp.costControls;
    const CostControls &cb = base.costControls;
    if (cn.maxBudget != cb.maxBudget || cn.budgetDuration != cb.budgetDuration) {
        YAML::Node cc = ensureMap(root, "cost_controls");
        if (cn.maxBudget)
            cc["max_budget"] = doubleNode(*cn.maxBudget);
        else if (hasKey(cc, "max_budget"))
            cc.remove("max_budget");
        setString(cc, "budget_duration", cn.budgetDuration, cb.budgetDuration);
        if (cc.size() == 0)
            root.remove("cost_controls");
    }
    return emitDocument(root);
}

QByteArray serializeFrameworkImpl(const Framework &fw)
{
    YAML::Node root;
    std::optional<Framework> orig;
    if (!fw.sourceYaml.isEmpty()) {
        auto doc = loadDocument(fw.sourceYaml, fw.path);
        if (doc && doc->IsMap()) {
            root = *doc;
            if (auto o = parseFrameworkImpl(fw.sourceYaml, fw.path))
                orig = std::move(*o);
        }
    }
    if (!root.IsMap())
        root = YAML::Node(YAML::NodeType::Map);
    const Framework base = orig ? *orig : Framework{};
    YAML::Node m = ensureMap(root, "framework");
    setString(m, "id", fw.id, base.id, true);
    setString(m, "name", fw.name, base.name);
    setString(m, "version", fw.version, base.version);
    setString(m, "instructions", fw.instructions, base.instructions);
    const YAML::Node origDims = orig ? YAML::Node(m["dimensions"]) : YAML::Node();
    YAML::Node dims(YAML::NodeType::Sequence);
    for (const Dimension &d : fw.dimensions) {
        qsizetype j = -1;
        for (qsizetype i = 0; i < base.dimensions.size() && j < 0; ++i)
            if (base.dimensions[i].id == d.id)
                j = i;
        const Dimension db = j >= 0 ? base.dimensions[j] : Dimension{};
        YAML::Node n = j >= 0 ? YAML::Clone(origDims[std::size_t(j)]) : YAML::Node(YAML::NodeType::Map);
        if (j < 0) {
            n.SetStyle(YAML::EmitterStyle::Flow);
            n["id"] = stringNode(d.id);
        }
        if (j < 0 || d.name != db.name)
            n["name"] = stringNode(d.name);
        if (j < 0 || d.description != db.description)
            n["description"] = stringNode(d.description);
        if (j < 0 || d.min != db.min)
            n["min"] = doubleNode(d.min);
        if (j < 0 || d.max != db.max)
            n["max"] = doubleNode(d.max);
        dims.push_back(n);
    }
    m["dimensions"] = dims;
    return emitDocument(root);
}

} // namespace

Result<ExperimentConfig> parseExperiment(const QByteArray &yaml, const QString &pathForMessages)
{
    try {
        return parseExperimentImpl(yaml, pathForMessages, true);
    } catch (const std::exception &e) {
        return fail(QStringLiteral("could not read the experiment: ") + QString::fromUtf8(e.what()), pathForMessages);
    }
}

Result<ExperimentConfig> loadExperiment(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the experiment: ") + f.errorString(), path);
    return parseExperiment(f.readAll(), path);
}

Result<void> resolveRunModels(ExperimentConfig &exp, ModelList &models)
{
    QStringList corpusIds, frameworkIds;
    for (const auto &c : exp.corpus)
        corpusIds.append(c.id);
    for (const auto &f : exp.frameworks)
        frameworkIds.append(f.id);
    QList<Deployment> concrete;
    QStringList materialized;
    for (qsizetype i = 0; i < exp.execution.matrix.size(); ++i) {
        RunSpec &run = exp.execution.matrix[i];
        const QString path = QStringLiteral("execution.matrix[") + QString::number(i) + QLatin1Char(']');
        const GroupResolution g = materialized.contains(run.model) ? GroupResolution{GroupResolution::Kind::Group, run.model, {}, {}}
                                                                   : resolveGroup(models, run.model);
        switch (g.kind) {
        case GroupResolution::Kind::Group:
            break;
        case GroupResolution::Kind::Alias:
            run.model = g.group;
            break;
        case GroupResolution::Kind::Wildcard:
            concrete += g.concrete;
            materialized.append(run.model);
            break;
        case GroupResolution::Kind::Skipped:
        case GroupResolution::Kind::Unknown: {
            QStringList groups;
            for (const QString &name : models.groups())
                if (!name.contains(QLatin1Char('*')))
                    groups.append(name);
            const QString where = models.path.isEmpty() ? QStringLiteral("the model list") : models.path;
            const QString message = g.kind == GroupResolution::Kind::Skipped
                ? g.message
                : g.message + QStringLiteral(" (") + where + QStringLiteral(" defines: ") + groups.join(QStringLiteral(", "))
                      + QLatin1Char(')');
            return fail(message, exp.path, run.modelLine > 0 ? run.modelLine : run.line,
                        run.modelLine > 0 ? run.modelColumn : 0, path + QStringLiteral(".model"));
        }
        }
        if (!frameworkIds.contains(run.framework))
            return fail(QStringLiteral("unknown framework \"") + run.framework + QLatin1Char('"'), exp.path, run.line, 0,
                        path + QStringLiteral(".framework"));
        if (!corpusIds.contains(run.corpus))
            return fail(QStringLiteral("unknown corpus \"") + run.corpus + QLatin1Char('"'), exp.path, run.line, 0,
                        path + QStringLiteral(".corpus_subset"));
    }
    models.deployments.removeIf([](const Deployment &d) { return d.wildcard; });
    models.deployments += concrete;
    return {};
}

Result<void> validateExperimentAgainst(const ExperimentConfig &exp, const ModelList &models)
{
    ExperimentConfig e = exp;
    ModelList m = models;
    return resolveRunModels(e, m);
}

QByteArray serializeExperiment(const ExperimentConfig &exp, const QString &targetPath)
{
    try {
        QByteArray out = serializeExperimentImpl(exp, targetPath);
        // Nothing we model changed and the relative paths still hold: keep the
        // original bytes, comments and all.
        if (!exp.sourceYaml.isEmpty()
            && QFileInfo(exp.path).absoluteDir() == QFileInfo(targetPath).absoluteDir()) {
            if (const auto orig = parseExperimentImpl(exp.sourceYaml, exp.path, false);
                orig && serializeExperimentImpl(*orig, targetPath) == out)
                return exp.sourceYaml;
        }
        return out;
    } catch (const std::exception &e) {
        qCWarning(lcConfig) << "could not serialize the experiment:" << e.what();
        return {};
    }
}

Result<void> saveExperiment(const ExperimentConfig &exp, const QString &path)
{
    return writeAtomically(serializeExperiment(exp, path), path);
}

Result<Framework> parseFramework(const QByteArray &yaml, const QString &pathForMessages)
{
    try {
        return parseFrameworkImpl(yaml, pathForMessages);
    } catch (const std::exception &e) {
        return fail(QStringLiteral("could not read the framework: ") + QString::fromUtf8(e.what()), pathForMessages);
    }
}

Result<Framework> loadFramework(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the framework: ") + f.errorString(), path);
    return parseFramework(f.readAll(), path);
}

QByteArray serializeFramework(const Framework &fw)
{
    try {
        QByteArray out = serializeFrameworkImpl(fw);
        if (!fw.sourceYaml.isEmpty()) {
            if (const auto orig = parseFrameworkImpl(fw.sourceYaml, fw.path); orig && serializeFrameworkImpl(*orig) == out)
                return fw.sourceYaml;
        }
        return out;
    } catch (const std::exception &e) {
        qCWarning(lcConfig) << "could not serialize the framework:" << e.what();
        return {};
    }
}

Result<void> saveFramework(const Framework &fw, const QString &path)
{
    return writeAtomically(serializeFramework(fw), path);
}

} // namespace wb
