// Making and checking the reproducibility bundle. The archive is streamed (targz.h); the manifest is
// its last member, so every file's hash is known when it is written, and the reader checks each
// file as it passes. Layout and manifest fields: docs/FORMATS.md, "Reproducibility bundle".
#include "core/bundle/bundle.h"

#include "core/bundle/targz.h"
#include "core/experiment/prompt.h"
#include "core/pricing/pricing.h"
#include "core/session/project.h"
#include "core/storage/resultquery.h"
#include "core/storage/serverdb.h"
#include "core/storage/resultstore.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSysInfo>
#include <QTemporaryDir>

namespace wb {

namespace {

const QString kManifest = QStringLiteral("manifest.json");
const QString kFormat = QStringLiteral("discernus-bundle/1");
const QString kKeyPlaceholder = QStringLiteral("REDACTED-literal-key");

/// The model list with every literal secret replaced by a placeholder; references to where a key
/// lives (os.environ/NAME, keychain/NAME) are kept, so the list still says which key each
/// deployment used. One warning per replaced line, naming the line, never the value.
QByteArray redactModelList(const QByteArray &yaml, const QString &fileName, QStringList &warnings)
{
    static const QRegularExpression keyLine(
        QStringLiteral(R"(^(\s*-?\s*(?:api_key|aws_secret_access_key|aws_session_token|vertex_credentials)\s*:\s*)(.*)$)"));
    QStringList lines = QString::fromUtf8(yaml).split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QRegularExpressionMatch m = keyLine.match(lines[i]);
        if (!m.hasMatch())
            continue;
        QString value = m.captured(2).trimmed();
        if (value.startsWith(QLatin1Char('#')) || value.isEmpty())
            continue;
        QString bare = value;
        if (bare.startsWith(QLatin1Char('"')) || bare.startsWith(QLatin1Char('\'')))
            bare = bare.mid(1);
        if (bare.startsWith(QLatin1String("os.environ/")) || bare.startsWith(QLatin1String("keychain/")))
            continue;
        lines[i] = m.captured(1) + kKeyPlaceholder;
        warnings << QStringLiteral("%1:%2: a literal key was replaced by the placeholder %3 in the bundle; "
                                   "refer to keys with os.environ/NAME or keychain/NAME")
                        .arg(fileName)
                        .arg(i + 1)
                        .arg(kKeyPlaceholder);
    }
    return lines.join(QLatin1Char('\n')).toUtf8();
}

QJsonValue optionalNumber(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QByteArray csvField(const QString &s)
{
    QByteArray b = s.toUtf8();
    if (!b.contains(',') && !b.contains('"') && !b.contains('\n') && !b.contains('\r'))
        return b;
    b.replace('"', "\"\"");
    return '"' + b + '"';
}

/// Everything the archive holds, in writing order.
class BundleBuilder {
public:
    BundleBuilder(const BundleOptions &o) : m_o(o) {}

    Result<BundleSummary> build()
    {
        if (!isServerDatabase(m_o.dbPath) && !QFileInfo(m_o.dbPath).isFile())
            return fail(QStringLiteral("no results database here"), m_o.dbPath);
        if (!m_tmp.isValid())
            return fail(QStringLiteral("cannot create a temporary folder"));
        auto project = loadProject(m_o.configPath, m_o.experimentPath);
        if (!project)
            return std::unexpected(project.error());
        m_p = std::move(*project);
        if (auto r = m_out.open(m_o.outPath); !r)
            return std::unexpected(r.error());

        for (auto step : {&BundleBuilder::addModelList, &BundleBuilder::addExperiment, &BundleBuilder::addPrompts,
                          &BundleBuilder::addPrices, &BundleBuilder::addDatabase}) {
            if (auto r = (this->*step)(); !r)
                return std::unexpected(r.error());
        }
        QJsonArray files;
        for (const auto &f : std::as_const(m_files))
            files.append(QJsonObject{{QStringLiteral("path"), f.path},
                                     {QStringLiteral("sha256"), QString::fromLatin1(f.sha256)},
                                     {QStringLiteral("bytes"), f.bytes}});
        m_manifest[QStringLiteral("format")] = kFormat;
        m_manifest[QStringLiteral("created_at")] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        m_manifest[QStringLiteral("software")] = QJsonObject{
            {QStringLiteral("name"), QStringLiteral("discernus")},
            {QStringLiteral("version"), m_o.softwareVersion},
            {QStringLiteral("qt_build"), QStringLiteral(QT_VERSION_STR)},
            {QStringLiteral("qt_runtime"), QString::fromLatin1(qVersion())},
            {QStringLiteral("compiler"), QStringLiteral(__VERSION__)},
#ifdef NDEBUG
            {QStringLiteral("build_type"), QStringLiteral("release")},
#else
            {QStringLiteral("build_type"), QStringLiteral("debug")},
#endif
            {QStringLiteral("abi"), QSysInfo::buildAbi()},
        };
        m_manifest[QStringLiteral("files")] = files;
        m_manifest[QStringLiteral("warnings")] = QJsonArray::fromStringList(m_warnings);
        if (auto r = m_out.addBytes(kManifest, QJsonDocument(m_manifest).toJson(QJsonDocument::Indented)); !r)
            return std::unexpected(r.error());
        if (auto r = m_out.finish(); !r)
            return std::unexpected(r.error());
        return BundleSummary{int(m_files.size()) + 1, m_warnings};
    }

private:
    struct FileEntry {
        QString path;
        QByteArray sha256;
        qint64 bytes = 0;
    };

    Result<void> addBytes(const QString &path, const QByteArray &bytes)
    {
        auto sha = m_out.addBytes(path, bytes);
        if (!sha)
            return std::unexpected(sha.error());
        m_files.append({path, *sha, bytes.size()});
        return {};
    }
    Result<void> addFile(const QString &path, const QString &source)
    {
        qint64 size = 0;
        auto sha = m_out.addFile(path, source, &size);
        if (!sha)
            return std::unexpected(sha.error());
        m_files.append({path, *sha, size});
        return {};
    }

    Result<void> addModelList()
    {
        return addBytes(QStringLiteral("litellm_config.yaml"),
                        redactModelList(m_p.models.sourceYaml, QFileInfo(m_o.configPath).fileName(), m_warnings));
    }

    /// experiment.yaml pointing at the bundle's own frameworks/ and corpus/, so
    /// `discernus run --config litellm_config.yaml --experiment experiment.yaml` works in the
    /// unpacked bundle once keys are supplied.
    Result<void> addExperiment()
    {
        const QString root = m_tmp.path() + QStringLiteral("/layout");   // only for relative paths
        ExperimentConfig exp = m_p.experiment;
        for (FrameworkRef &ref : exp.frameworks) {
            const QString inside = QStringLiteral("frameworks/") + ref.id + QStringLiteral(".yaml");
            if (auto r = addFile(inside, ref.path); !r)
                return r;
            ref.path = root + QLatin1Char('/') + inside;
        }
        for (CorpusSource &src : exp.corpus) {
            if (!m_p.corpora.contains(src.id))
                continue;   // no run reads it
            const QFileInfo fi(src.path);
            if (src.kind == CorpusSource::Kind::Folder) {
                const QString inside = QStringLiteral("corpus/") + src.id;
                // The loader's own selection: every *.txt below the folder.
                QStringList files;
                QDirIterator it(src.path, {QStringLiteral("*.txt")}, QDir::Files, QDirIterator::Subdirectories);
                while (it.hasNext())
                    files << it.next();
                files.sort();
                const QDir dir(src.path);
                for (const QString &f : std::as_const(files))
                    if (auto r = addFile(inside + QLatin1Char('/') + dir.relativeFilePath(f), f); !r)
                        return r;
                src.path = root + QLatin1Char('/') + inside;
            } else {
                const QString inside = QStringLiteral("corpus/") + src.id + QLatin1Char('.') + fi.suffix();
                if (auto r = addFile(inside, src.path); !r)
                    return r;
                src.path = root + QLatin1Char('/') + inside;
            }
        }
        if (auto r = addBytes(QStringLiteral("experiment.yaml"), serializeExperiment(exp, root + QStringLiteral("/experiment.yaml"))); !r)
            return r;

        // Per-text hashes, checked against what the database recorded when the texts were run.
        QHash<QString, QString> recorded;
        {
            ResultStore store;
            if (auto r = store.open(m_o.dbPath); !r)
                return std::unexpected(r.error());
            if (auto h = store.textHashes())
                recorded = *h;
            QJsonArray runs;
            if (auto rs = store.runs()) {
                for (const RunRow &r : *rs)
                    runs.append(QJsonObject{{QStringLiteral("run_id"), r.runId}, {QStringLiteral("experiment"), r.experiment},
                                            {QStringLiteral("model"), r.modelGroup}, {QStringLiteral("framework"), r.framework},
                                            {QStringLiteral("corpus"), r.corpus}});
            }
            m_manifest[QStringLiteral("runs")] = runs;
        }
        QJsonArray texts;
        QStringList corpusIds = m_p.corpora.keys();
        corpusIds.sort();
        int changed = 0;
        for (const QString &c : std::as_const(corpusIds)) {
            for (const CorpusText &t : m_p.corpora.value(c)) {
                texts.append(QJsonObject{{QStringLiteral("corpus"), c}, {QStringLiteral("id"), t.id},
                                         {QStringLiteral("sha256"), t.sha256}});
                const QString key = c + QLatin1Char('/') + t.id;
                if (recorded.contains(key) && !recorded.value(key).isEmpty() && recorded.value(key) != t.sha256)
                    ++changed;
            }
        }
        if (changed > 0)
            m_warnings << QStringLiteral("%1 text(s) of the corpus differ from the texts the database recorded when they were run "
                                         "(compare manifest.json \"texts\" with the texts table)")
                              .arg(changed);
        m_manifest[QStringLiteral("experiment")] = m_p.experiment.name;
        m_manifest[QStringLiteral("texts")] = texts;
        return {};
    }

    /// For each run the prompt of its first text exactly as the runner builds it, and per framework
    /// the SHA-256 of the prompt rendered around a fixed probe text: the prompt template's version,
    /// which changes whenever the wording the engine wraps around texts changes.
    Result<void> addPrompts()
    {
        QJsonObject templates;
        for (auto it = m_p.frameworks.cbegin(); it != m_p.frameworks.cend(); ++it) {
            const CorpusText probe{QStringLiteral("probe"), QStringLiteral("probe"), QStringLiteral("{{TEXT}}"), {}};
            const ChatRequest req = buildScoringRequest(*it, {&probe}, m_p.experiment.execution);
            templates[it.key()] = QString::fromLatin1(
                QCryptographicHash::hash((req.system + QStringLiteral("\n\x1e\n") + req.user).toUtf8(), QCryptographicHash::Sha256)
                    .toHex());
        }
        m_manifest[QStringLiteral("prompt_template_sha256")] = templates;
        for (const RunSpec &run : std::as_const(m_p.experiment.execution.matrix)) {
            const QList<CorpusText> texts = selectTexts(m_p.corpora.value(run.corpus), run);
            if (texts.isEmpty() || !m_p.frameworks.contains(run.framework))
                continue;
            const ChatRequest req = buildScoringRequest(m_p.frameworks.value(run.framework), {&texts.first()}, m_p.experiment.execution);
            const QJsonObject prompt{{QStringLiteral("run_id"), run.runId},
                                     {QStringLiteral("text_id"), texts.first().id},
                                     {QStringLiteral("system"), req.system},
                                     {QStringLiteral("user"), req.user},
                                     {QStringLiteral("temperature"), req.temperature},
                                     {QStringLiteral("max_tokens"), req.maxTokens},
                                     {QStringLiteral("template_sha256"), templates.value(run.framework)}};
            if (auto r = addBytes(QStringLiteral("prompts/") + run.runId + QStringLiteral(".json"),
                                  QJsonDocument(prompt).toJson(QJsonDocument::Indented));
                !r)
                return r;
        }
        return {};
    }

    /// The price of every deployment as the run priced it, and the table's date.
    Result<void> addPrices()
    {
        PriceTable table = PriceTable::builtIn();
        if (!m_o.pricesPath.isEmpty()) {
            if (auto r = table.importLiteLlm(m_o.pricesPath); !r)
                return std::unexpected(r.error());
            if (auto r = addFile(QStringLiteral("prices/model_prices_and_context_window.json"), m_o.pricesPath); !r)
                return r;
        }
        QJsonArray deployments;
        for (const Deployment &d : std::as_const(m_p.models.deployments)) {
            QJsonObject o{{QStringLiteral("deployment"), d.id}, {QStringLiteral("model_group"), d.modelName},
                          {QStringLiteral("provider"), d.provider}, {QStringLiteral("model"), d.model}};
            if (const auto key = table.resolve(d.provider, d.model))
                o[QStringLiteral("table_key")] = *key;
            if (const auto p = table.forDeployment(d)) {
                o[QStringLiteral("input_per_token")] = p->inputPerToken;
                o[QStringLiteral("output_per_token")] = p->outputPerToken;
                o[QStringLiteral("cached_input_per_token")] = optionalNumber(p->cachedInputPerToken);
                o[QStringLiteral("cache_write_per_token")] = optionalNumber(p->cacheWritePerToken);
                o[QStringLiteral("source")] = p->source;
            }
            deployments.append(o);
        }
        const QJsonObject prices{{QStringLiteral("built_in_as_of"), PriceTable::builtInAsOf()},
                                 {QStringLiteral("litellm_price_map"), m_o.pricesPath.isEmpty() ? QJsonValue()
                                                                                                 : QJsonValue(QStringLiteral("prices/model_prices_and_context_window.json"))},
                                 {QStringLiteral("deployments"), deployments}};
        m_manifest[QStringLiteral("price_table_as_of")] = PriceTable::builtInAsOf();
        return addBytes(QStringLiteral("prices.json"), QJsonDocument(prices).toJson(QJsonDocument::Indented));
    }

    /// calls.csv (per HTTP call: the model version the provider reported and its request id) and
    /// the consistent copy of the database.
    Result<void> addDatabase()
    {
        const QString copy = m_tmp.filePath(QStringLiteral("results.sqlite"));
        if (auto r = copyDatabase(m_o.dbPath, copy); !r)
            return r;
        auto conn = openReadConnection(copy);
        if (!conn)
            return std::unexpected(conn.error());
        const QString callsPath = m_tmp.filePath(QStringLiteral("calls.csv"));
        QFile calls(callsPath);
        if (!calls.open(QIODevice::WriteOnly)) {
            closeReadConnection(*conn);
            return fail(QStringLiteral("cannot write: %1").arg(calls.errorString()), callsPath);
        }
        calls.write("call_id,job_id,deployment_id,provider,model_group,model_version,request_id,http_status,error_class,started_at\r\n");
        auto n = forEachCall(*conn, [&calls](const CallView &c) {
            QByteArray line = QByteArray::number(c.id) + ',' + QByteArray::number(c.jobId);
            for (const QString &s : {c.deploymentId, c.provider, c.modelGroup, c.modelVersion, c.requestId})
                line += ',' + csvField(s);
            line += ',' + QByteArray::number(c.httpStatus) + ',' + csvField(c.errorClass) + ',' + csvField(c.startedAt) + "\r\n";
            return calls.write(line) == line.size();
        });
        closeReadConnection(*conn);
        calls.close();
        if (!n)
            return std::unexpected(n.error());
        if (auto r = addFile(QStringLiteral("calls.csv"), callsPath); !r)
            return r;
        return addFile(QStringLiteral("results.sqlite"), copy);
    }

    const BundleOptions &m_o;
    QTemporaryDir m_tmp;
    LoadedProject m_p;
    TarGzWriter m_out;
    QList<FileEntry> m_files;
    QJsonObject m_manifest;
    QStringList m_warnings;
};

/// Reads every member, hashing it; with `extractTo` also writes it there.
Result<BundleVerification> readAndCheck(const QString &bundlePath, const QString &extractTo)
{
    TarGzReader in;
    if (auto r = in.open(bundlePath); !r)
        return std::unexpected(r.error());
    struct Seen {
        QByteArray sha256;
        qint64 bytes = 0;
    };
    QHash<QString, Seen> seen;
    QStringList order;
    QByteArray manifestBytes;
    TarGzReader::Entry e;
    for (;;) {
        auto more = in.next(e);
        if (!more)
            return std::unexpected(more.error());
        if (!*more)
            break;
        if (seen.contains(e.path))
            return fail(e.path + QStringLiteral(": stored twice in the bundle"), bundlePath);
        std::unique_ptr<QFile> out;
        if (!extractTo.isEmpty()) {
            const QString target = QDir(extractTo).filePath(e.path);
            if (QDir::cleanPath(target).startsWith(QDir::cleanPath(extractTo) + QLatin1Char('/')) == false)
                return fail(e.path + QStringLiteral(": a path outside the bundle"), bundlePath);
            QDir().mkpath(QFileInfo(target).absolutePath());
            out = std::make_unique<QFile>(target);
            if (!out->open(QIODevice::WriteOnly))
                return fail(QStringLiteral("cannot write: %1").arg(out->errorString()), target);
        }
        QCryptographicHash hash(QCryptographicHash::Sha256);
        for (;;) {
            auto chunk = in.read(1 << 20);
            if (!chunk)
                return std::unexpected(chunk.error());
            if (chunk->isEmpty())
                break;
            hash.addData(*chunk);
            if (e.path == kManifest)
                manifestBytes += *chunk;
            if (out && out->write(*chunk) != chunk->size())
                return fail(QStringLiteral("cannot write: %1").arg(out->errorString()), out->fileName());
        }
        seen.insert(e.path, Seen{hash.result().toHex(), e.size});
        order << e.path;
    }
    if (!seen.contains(kManifest))
        return fail(QStringLiteral("manifest.json: missing, this is not a Discernus bundle"), bundlePath);
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(manifestBytes, &pe);
    if (!doc.isObject())
        return fail(QStringLiteral("manifest.json: not valid JSON (%1 at offset %2)").arg(pe.errorString()).arg(pe.offset), bundlePath);
    BundleVerification v;
    v.manifest = doc.object();
    if (v.manifest.value(QStringLiteral("format")).toString() != kFormat)
        return fail(QStringLiteral("manifest.json: format \"%1\", expected \"%2\"")
                        .arg(v.manifest.value(QStringLiteral("format")).toString(), kFormat),
                    bundlePath);
    QSet<QString> listed;
    for (const QJsonValue &fv : v.manifest.value(QStringLiteral("files")).toArray()) {
        const QJsonObject f = fv.toObject();
        const QString path = f.value(QStringLiteral("path")).toString();
        listed.insert(path);
        const auto it = seen.constFind(path);
        if (it == seen.constEnd())
            return fail(path + QStringLiteral(": listed in the manifest but missing from the bundle"), bundlePath);
        const QByteArray expected = f.value(QStringLiteral("sha256")).toString().toLatin1();
        if (it->sha256 != expected)
            return fail(path + QStringLiteral(": SHA-256 %1 does not match the manifest's %2 (the file was changed)")
                                   .arg(QString::fromLatin1(it->sha256), QString::fromLatin1(expected)),
                        bundlePath);
        if (it->bytes != f.value(QStringLiteral("bytes")).toInteger(-1))
            return fail(path + QStringLiteral(": %1 bytes, the manifest says %2").arg(it->bytes).arg(f.value(QStringLiteral("bytes")).toInteger(-1)),
                        bundlePath);
        ++v.files;
    }
    for (const QString &path : std::as_const(order)) {
        if (path != kManifest && !listed.contains(path))
            return fail(path + QStringLiteral(": in the bundle but not in the manifest"), bundlePath);
    }
    return v;
}

} // namespace

Result<BundleSummary> makeBundle(const BundleOptions &options)
{
    if (options.outPath.isEmpty())
        return fail(QStringLiteral("no output file given"));
    return BundleBuilder(options).build();
}

Result<BundleVerification> verifyBundle(const QString &bundlePath)
{
    return readAndCheck(bundlePath, {});
}

Result<QString> extractBundle(const QString &bundlePath, const QString &dir)
{
    QDir d(dir);
    if (d.exists() && !d.isEmpty())
        return fail(QStringLiteral("the folder is not empty"), dir);
    if (!QDir().mkpath(dir))
        return fail(QStringLiteral("cannot create the folder"), dir);
    auto v = readAndCheck(bundlePath, QDir(dir).absolutePath());
    if (!v)
        return std::unexpected(v.error());
    return QDir(dir).absoluteFilePath(QStringLiteral("results.sqlite"));
}

} // namespace wb
