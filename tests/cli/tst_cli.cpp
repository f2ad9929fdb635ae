// End-to-end tests of the `discernus` command line (docs/FORMATS.md, "Exit codes"): the real
// binary, started as a user would start it, on copies of the bundled sample edited into good and bad inputs.
// Every child process gets a throwaway HOME / XDG dirs and no D-Bus session, so nothing here can
// touch the user's settings or keychain; the sample's simulator is the only server ever contacted.
#include "tests/support/csvreader.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <memory>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using wbtest::parseCsv;

namespace {

const QString kBin = QStringLiteral(DISCERNUS_BIN);
const QString kSample = QStringLiteral(WB_SOURCE_DIR "/resources/sample");
const QString kData = QStringLiteral(WB_SOURCE_DIR "/tests/data/cli");

const QStringList kDimensions = {u"care"_s, u"fairness"_s, u"loyalty"_s, u"authority"_s, u"sanctity"_s, u"liberty"_s};
const QStringList kDeployments = {u"gpt-4o-mini/1"_s, u"gpt-4o-mini/2"_s, u"claude-haiku/1"_s, u"mistral-small/1"_s, u"gemini-flash/1"_s};
const QStringList kSampleKeys = {u"sim-openai-1"_s, u"sim-openai-2"_s, u"sim-anthropic-1"_s, u"sim-mistral-1"_s, u"sim-gemini-1"_s};
constexpr int kSampleJobs = 48;   // 4 runs x 12 texts x 1 repetition

struct Outcome {
    int code = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    bool timedOut = false;
    QByteArray out;
    QByteArray err;

    QString errText() const { return QString::fromUtf8(err); }
    QStringList errLines() const { return QString::fromUtf8(err).split(u'\n', Qt::SkipEmptyParts); }
    /// The `--json` summary: the last line of stdout.
    QJsonObject json() const
    {
        const QList<QByteArray> lines = out.trimmed().split('\n');
        return QJsonDocument::fromJson(lines.isEmpty() ? QByteArray() : lines.last()).object();
    }
    /// What a failure message shows.
    QByteArray describe() const
    {
        return "exit " + QByteArray::number(code) + (status == QProcess::CrashExit ? " (crashed)" : "")
             + (timedOut ? " (timed out, killed)" : "") + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
    }
};

/// A process that neither hung, nor crashed, nor died of an assertion.
#define VERIFY_NO_CRASH(o)                                                                                                     \
    do {                                                                                                                       \
        QVERIFY2(!(o).timedOut, (o).describe().constData());                                                                   \
        QVERIFY2((o).status == QProcess::NormalExit, (o).describe().constData());                                              \
        for (const char *bad : {"Segmentation", "core dumped", "terminate called", "Aborted", "ASSERT", "QFATAL"})              \
            QVERIFY2(!(o).err.contains(bad), (o).describe().constData());                                                      \
    } while (false)

#define VERIFY_EXIT(o, expected)                                                                                               \
    do {                                                                                                                       \
        VERIFY_NO_CRASH(o);                                                                                                    \
        QVERIFY2((o).code == (expected), (o).describe().constData());                                                          \
    } while (false)

bool copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString dst = to + u'/' + QDir(from).relativeFilePath(src);
        if (!QDir().mkpath(QFileInfo(dst).absolutePath()) || !QFile::copy(src, dst))
            return false;
        QFile::setPermissions(dst, QFile::permissions(dst) | QFile::WriteOwner);
    }
    return true;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

/// Replaces the first occurrence of `from` in the file; returns the 1-based line where it was, or -1.
int editFile(const QString &path, const QString &from, const QString &to)
{
    QString text = QString::fromUtf8(readFile(path));
    const qsizetype at = text.indexOf(from);
    if (at < 0)
        return -1;
    const int line = int(QStringView(text).left(at).count(u'\n')) + 1;
    text.replace(at, from.size(), to);
    return writeFile(path, text.toUtf8()) ? line : -1;
}

/// Replaces every match; returns how many there were.
int editAll(const QString &path, const QRegularExpression &re, const QString &to)
{
    QString text = QString::fromUtf8(readFile(path));
    int n = 0;
    for (auto it = re.globalMatch(text); it.hasNext(); it.next())
        ++n;
    text.replace(re, to);
    return writeFile(path, text.toUtf8()) ? n : -1;
}


/// A CSV as header + rows of name -> value.
struct Csv {
    QStringList header;
    QList<QHash<QString, QString>> rows;
    bool rectangular = true;
};

Csv readCsv(const QString &path)
{
    Csv c;
    const QList<QStringList> all = parseCsv(QString::fromUtf8(readFile(path)));
    if (all.isEmpty())
        return c;
    c.header = all.first();
    for (qsizetype r = 1; r < all.size(); ++r) {
        if (all[r].size() != c.header.size())
            c.rectangular = false;
        QHash<QString, QString> row;
        for (qsizetype k = 0; k < c.header.size() && k < all[r].size(); ++k)
            row.insert(c.header[k], all[r][k]);
        c.rows.append(row);
    }
    return c;
}

QHash<QString, int> countBy(const Csv &c, const QString &column)
{
    QHash<QString, int> n;
    for (const auto &row : c.rows)
        ++n[row.value(column)];
    return n;
}

double sumOf(const Csv &c, const QString &column)
{
    double s = 0;
    for (const auto &row : c.rows)
        s += row.value(column).toDouble();
    return s;
}

/// One copy of the sample in a temporary folder, with helpers for the usual arguments.
struct Project {
    QTemporaryDir dir;
    QString path(const QString &rel) const { return dir.path() + u'/' + rel; }
    QString config() const { return path(u"litellm_config.yaml"_s); }
    QString experiment() const { return path(u"experiment.yaml"_s); }
    QString db(const QString &name = u"results.db"_s) const { return path(name); }
    QStringList runArgs(const QString &dbName = u"results.db"_s) const
    {
        return {u"run"_s, u"--config"_s, config(), u"--experiment"_s, experiment(), u"--db"_s, db(dbName), u"--json"_s};
    }
    /// Points the copy's simulator at one of tests/data/cli's limits files.
    bool useLimits(const QString &limitsFile)
    {
        return QFile::copy(kData + u'/' + limitsFile, path(limitsFile))
            && editFile(config(), u"limits: sim_limits.yaml"_s, u"limits: "_s + limitsFile) > 0;
    }
};

} // namespace

class TestCli final : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QProcessEnvironment m_env;

    std::unique_ptr<Project> makeProject(const QString &limitsFile = {})
    {
        auto p = std::make_unique<Project>();
        if (!p->dir.isValid() || !copyTree(kSample, p->dir.path()))
            return nullptr;
        if (!limitsFile.isEmpty() && !p->useLimits(limitsFile))
            return nullptr;
        return p;
    }

    void configure(QProcess &p, const QString &cwd)
    {
        p.setProcessEnvironment(m_env);
        p.setWorkingDirectory(cwd.isEmpty() ? m_home.path() : cwd);
        p.setProgram(kBin);
    }

    /// Runs the CLI to the end; a process still running after `timeoutMs` is killed (and reported).
    Outcome cli(const QStringList &args, int timeoutMs = 20'000, const QString &cwd = {})
    {
        QProcess p;
        configure(p, cwd);
        p.setArguments(args);
        p.start();
        Outcome o;
        if (!p.waitForStarted(5'000))
            return o;
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            o.timedOut = true;
            p.kill();
            p.waitForFinished(5'000);
        }
        o.code = p.exitCode();
        o.status = p.exitStatus();
        o.out = p.readAllStandardOutput();
        o.err = p.readAllStandardError();
        return o;
    }

    /// Exports a database to CSV (wide or long) and reads it back.
    Csv exportCsv(const QString &db, const QString &csvPath, bool longFormat = false)
    {
        QStringList args{u"export"_s, u"--db"_s, db, u"-o"_s, csvPath};
        if (longFormat)
            args.append(u"--long"_s);
        const Outcome o = cli(args);
        if (o.code != 0 || o.status != QProcess::NormalExit) {
            qWarning().noquote() << "export failed:" << o.describe();
            return {};
        }
        return readCsv(csvPath);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kBin).isExecutable(), qPrintable(kBin));
        QVERIFY(m_home.isValid());
        m_env = QProcessEnvironment::systemEnvironment();
        const QString home = m_home.path();
        m_env.insert(u"HOME"_s, home);
        m_env.insert(u"XDG_CONFIG_HOME"_s, home + u"/.config"_s);
        m_env.insert(u"XDG_DATA_HOME"_s, home + u"/.local/share"_s);
        m_env.insert(u"XDG_CACHE_HOME"_s, home + u"/.cache"_s);
        m_env.insert(u"XDG_STATE_HOME"_s, home + u"/.local/state"_s);
        m_env.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);   // no route to the user's keychain
        m_env.remove(u"DISCERNUS_TEST_UNSET_KEY"_s);
        // What a user sees: the CLI's own filtering of the engine's info messages (ctest sets this).
        m_env.remove(u"QT_LOGGING_RULES"_s);
    }

    // ---- 1. bad input: exit 2, one clear line naming file, line, column and field; no crash ----

    void badInput_data()
    {
        // editFile/from/to: an edit of the sample copy; %L in `expect` is the edited line.
        // dataFile/createAs: a file from tests/data/cli put into the copy.
        QTest::addColumn<QString>("editFile");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("dataFile");
        QTest::addColumn<QString>("createAs");
        QTest::addColumn<QString>("expect");

        const QString ml = u"litellm_config.yaml"_s, ex = u"experiment.yaml"_s, fw = u"frameworks/mft.yaml"_s;
        QTest::newRow("malformed YAML: model list")
            << ml << u"      rpm: 50\n"_s << u"      rpm: [50\n"_s << QString() << QString()
            << uR"(litellm_config\.yaml:\d+:\d+: malformed YAML)"_s;
        QTest::newRow("malformed YAML: experiment")
            << ex << u"  max_tokens: 600"_s << u"  max_tokens: [600"_s << QString() << QString()
            << uR"(experiment\.yaml:\d+:\d+: malformed YAML)"_s;
        QTest::newRow("malformed YAML: framework")
            << fw << u"  dimensions:\n"_s << u"  dimensions: {\n"_s << QString() << QString()
            << uR"(frameworks/mft\.yaml:\d+:\d+: malformed YAML)"_s;
        QTest::newRow("wrong type: rpm")
            << ml << u"      rpm: 60\n"_s << u"      rpm: fast\n"_s << QString() << QString()
            << uR"(litellm_config\.yaml:%L:\d+: model_list\[0\]\.litellm_params\.rpm: .*"fast")"_s;
        QTest::newRow("wrong type: temperature")
            << ex << u"  temperature: 0.1"_s << u"  temperature: hot"_s << QString() << QString()
            << uR"(experiment\.yaml:%L:\d+: execution\.temperature: .*"hot")"_s;
        QTest::newRow("wrong value: max_tokens")
            << ex << u"  max_tokens: 600"_s << u"  max_tokens: -1"_s << QString() << QString()
            << uR"(experiment\.yaml:%L:\d+: execution\.max_tokens: .*-1)"_s;
        QTest::newRow("wrong type: framework min")
            << fw << u"min: 0.0"_s << u"min: low"_s << QString() << QString()
            << uR"(frameworks/mft\.yaml:%L:\d+: framework\.dimensions\[0\]\.min: .*"low")"_s;
        QTest::newRow("unknown model group")
            << ex << u"model: claude-haiku,"_s << u"model: claude-nope,"_s << QString() << QString()
            << uR"(experiment\.yaml:%L:\d+: execution\.matrix\[1\]\.model: .*"claude-nope")"_s;
        // An unknown strategy name is only a warning (LiteLLM has strategies we do not implement).
        QTest::newRow("routing strategy not a name")
            << ml << u"routing_strategy: usage-based-routing-v2"_s << u"routing_strategy: [fastest-routing]"_s << QString() << QString()
            << uR"(litellm_config\.yaml:%L(:\d+)?: router_settings\.routing_strategy: expected a string)"_s;
        // A reference to an unset variable on a real (non-loopback, https) base: names the
        // deployment and the variable, prints no key. It fails before any call is made. The line
        // may be the api_key's (%L) or the deployment's (%M: where its model_name is).
        QTest::newRow("missing key reference")
            << ml << u"      api_key: sim-mistral-1\n      api_base: http://127.0.0.1:8765/v1\n"_s
            << u"      api_key: os.environ/DISCERNUS_TEST_UNSET_KEY\n      api_base: https://api.mistral.ai/v1\n"_s << QString() << QString()
            << uR"(litellm_config\.yaml:(%L|%M)(:\d+)?: model_list\[3\]\.litellm_params\.api_key: .*"mistral-small/1".*DISCERNUS_TEST_UNSET_KEY)"_s;
        QTest::newRow("corpus file not UTF-8")
            << QString() << QString() << QString() << u"latin1.txt"_s << u"corpus/zz-latin1.txt"_s
            << uR"(corpus/zz-latin1\.txt:2(:\d+)?: .*not valid UTF-8)"_s;
        QTest::newRow("missing corpus folder")
            << ex << u"    path: corpus/"_s << u"    path: no-such-folder/"_s << QString() << QString()
            << uR"(experiment\.yaml:%L:\d+: corpus\[0\]\.path: .*no-such-folder)"_s;
        QTest::newRow("CSV corpus with a broken row")
            << ex << u"    path: corpus/"_s << u"    path: speeches.csv"_s << u"broken_row.csv"_s << u"speeches.csv"_s
            << uR"(speeches\.csv:3(:\d+)?: .*expected 2 fields, got 1)"_s;
    }

    void badInput()
    {
        QFETCH(QString, editFile);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, dataFile);
        QFETCH(QString, createAs);
        QFETCH(QString, expect);

        auto p = makeProject();
        QVERIFY(p);
        if (!editFile.isEmpty()) {
            const int line = ::editFile(p->path(editFile), from, to);
            QVERIFY2(line > 0, qPrintable(u"the sample no longer contains: "_s + from));
            expect.replace(u"%L"_s, QString::number(line));
            const QString text = QString::fromUtf8(readFile(p->path(editFile)));
            const qsizetype dep = text.indexOf(u"  - model_name: mistral-small"_s);
            expect.replace(u"%M"_s, QString::number(QStringView(text).left(dep).count(u'\n') + 1));
        }
        if (!dataFile.isEmpty())
            QVERIFY(QFile::copy(kData + u'/' + dataFile, p->path(createAs)));

        const Outcome o = cli({u"run"_s, u"--config"_s, p->config(), u"--experiment"_s, p->experiment(), u"--db"_s, p->db()});
        VERIFY_EXIT(o, 2);
        QVERIFY2(o.out.isEmpty(), o.describe().constData());
        // One line, prefixed by the verb, locating the problem.
        const QStringList lines = o.errLines();
        QVERIFY2(lines.size() == 1, o.describe().constData());
        QVERIFY2(lines.first().startsWith(u"discernus run: "_s), o.describe().constData());
        const QRegularExpression re(expect);
        QVERIFY2(re.match(lines.first()).hasMatch(), qPrintable(u"expected /"_s + expect + u"/ in:\n"_s + o.errText()));
        for (const QString &key : kSampleKeys)
            QVERIFY2(!o.errText().contains(key), "an API key appeared in the error");
        QVERIFY2(!QFileInfo::exists(p->db()), "a database was created for input that could not be loaded");

        // `estimate` reads the same files and must refuse them the same way (it needs no keys).
        if (qstrcmp(QTest::currentDataTag(), "missing key reference") == 0)
            return;
        const Outcome e = cli({u"estimate"_s, u"--config"_s, p->config(), u"--experiment"_s, p->experiment()});
        VERIFY_EXIT(e, 2);
        QVERIFY2(e.out.isEmpty(), e.describe().constData());
        const QStringList elines = e.errLines();
        QVERIFY2(!elines.isEmpty() && elines.last().startsWith(u"discernus estimate: "_s) && re.match(elines.last()).hasMatch(),
                 qPrintable(u"expected /"_s + expect + u"/ in:\n"_s + e.errText()));
    }

    // ---- usage errors: exit 2 and a message saying what is wrong ----

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expect");   // regex on the first line of stderr

        const QString home = m_home.path();
        const QString cfg = kSample + u"/litellm_config.yaml"_s, exp = kSample + u"/experiment.yaml"_s;
        const QString latin1 = kData + u"/latin1.txt"_s;
        const QString simData = QStringLiteral(WB_SOURCE_DIR "/tests/data/sim");
        QTest::newRow("no command") << QStringList() << u"^usage: discernus <command>"_s;
        QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << u"^discernus: unknown command 'frobnicate'"_s;
        QTest::newRow("estimate without options") << QStringList{u"estimate"_s} << u"^discernus estimate: --config and --experiment are required"_s;
        QTest::newRow("run without options") << QStringList{u"run"_s} << u"^discernus run: --config, --experiment and --db are required"_s;
        QTest::newRow("run without --db") << QStringList{u"run"_s, u"--config"_s, cfg, u"--experiment"_s, exp}
                                          << u"^discernus run: .*--db"_s;
        QTest::newRow("run unknown option") << QStringList{u"run"_s, u"--bogus"_s} << u"^discernus run: unknown option --bogus"_s;
        QTest::newRow("run option without value") << QStringList{u"run"_s, u"--config"_s} << u"^discernus run: option --config needs a value"_s;
        QTest::newRow("run stray argument")
            << QStringList{u"run"_s, u"--config"_s, cfg, u"--experiment"_s, exp, u"--db"_s, home + u"/u.db"_s, u"extra"_s}
            << u"^discernus run: unexpected argument 'extra'"_s;
        QTest::newRow("run bad budget")
            << QStringList{u"run"_s, u"--config"_s, cfg, u"--experiment"_s, exp, u"--db"_s, home + u"/u.db"_s, u"--max-budget"_s, u"lots"_s}
            << u"^discernus run: --max-budget expects a non-negative number"_s;
        QTest::newRow("export without -o") << QStringList{u"export"_s, u"--db"_s, home + u"/u.db"_s}
                                           << u"^discernus export: --db and -o are required"_s;
        QTest::newRow("export stray argument")
            << QStringList{u"export"_s, u"--db"_s, home + u"/no-such.db"_s, u"-o"_s, home + u"/no-such.csv"_s, u"extra"_s}
            << u"^discernus export: unexpected argument 'extra'"_s;
        QTest::newRow("export of a missing db")
            << QStringList{u"export"_s, u"--db"_s, home + u"/no-such.db"_s, u"-o"_s, home + u"/no-such.csv"_s}
            << u"^discernus export: .*no-such\\.db: no such database"_s;
        QTest::newRow("tokens without files") << QStringList{u"tokens"_s, u"--encoding"_s, u"o200k_base"_s}
                                              << u"^discernus tokens: give --encoding or --model"_s;
        QTest::newRow("tokens with both") << QStringList{u"tokens"_s, u"--encoding"_s, u"o200k_base"_s, u"--model"_s, u"gpt-4o"_s, latin1}
                                          << u"^discernus tokens: give --encoding or --model"_s;
        QTest::newRow("tokens unknown encoding") << QStringList{u"tokens"_s, u"--encoding"_s, u"p50k_base"_s, latin1}
                                                 << u"^discernus tokens: unknown encoding 'p50k_base'"_s;
        QTest::newRow("tokens missing file") << QStringList{u"tokens"_s, u"--encoding"_s, u"o200k_base"_s, home + u"/no-such-file.txt"_s}
                                             << u"^discernus tokens: .*no-such-file\\.txt: "_s;
        QTest::newRow("tokens file not UTF-8") << QStringList{u"tokens"_s, u"--encoding"_s, u"o200k_base"_s, latin1}
                                               << u"^discernus tokens: .*latin1\\.txt: not valid UTF-8"_s;
        QTest::newRow("keys without subcommand") << QStringList{u"keys"_s} << u"^usage: discernus keys"_s;
        QTest::newRow("models without --config") << QStringList{u"models"_s} << u"^discernus models: --config is required"_s;
        QTest::newRow("models missing file") << QStringList{u"models"_s, u"--config"_s, home + u"/no-such.yaml"_s}
                                             << u"^discernus models: .*no-such\\.yaml"_s;
        QTest::newRow("models stray argument") << QStringList{u"models"_s, u"--config"_s, cfg, u"extra"_s}
                                               << u"^discernus models: unexpected argument 'extra'"_s;
        QTest::newRow("test-connections without --config") << QStringList{u"test-connections"_s}
                                                           << u"^discernus test-connections: --config is required"_s;
        QTest::newRow("simulate without --port") << QStringList{u"simulate"_s} << u"^discernus simulate: --port is required"_s;
        QTest::newRow("simulate bad port") << QStringList{u"simulate"_s, u"--port"_s, u"99999"_s}
                                           << u"^discernus simulate: --port expects a number"_s;
        QTest::newRow("simulate unknown option") << QStringList{u"simulate"_s, u"--bogus"_s} << u"^discernus simulate: unknown option --bogus"_s;
        QTest::newRow("simulate bad limits file")
            << QStringList{u"simulate"_s, u"--limits"_s, simData + u"/bad_type.yaml"_s, u"--port"_s, u"0"_s}
            << u"^discernus simulate: .*bad_type\\.yaml:3:"_s;
        QTest::newRow("simulate on a non-loopback host") << QStringList{u"simulate"_s, u"--port"_s, u"0"_s, u"--host"_s, u"0.0.0.0"_s}
                                                         << u"^discernus simulate: .*loopback"_s;
        QTest::newRow("flag with a value") << QStringList{u"models"_s, u"--config"_s, cfg, u"--json=yes"_s}
                                           << u"^discernus models: option --json takes no value"_s;
        QTest::newRow("export flag with a value") << QStringList{u"export"_s, u"--db=x.db"_s, u"--long=yes"_s}
                                                  << u"^discernus export: option --long takes no value"_s;
        QTest::newRow("short unknown option") << QStringList{u"export"_s, u"-x"_s} << u"^discernus export: unknown option -x"_s;
        QTest::newRow("help for an unknown verb") << QStringList{u"help"_s, u"frobnicate"_s}
                                                  << u"^discernus: unknown command 'frobnicate'"_s;
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expect);
        const Outcome o = cli(args, 10'000);
        VERIFY_EXIT(o, 2);
        QVERIFY2(o.out.isEmpty(), o.describe().constData());
        const QStringList lines = o.errLines();
        QVERIFY2(!lines.isEmpty() && QRegularExpression(expect).match(lines.first()).hasMatch(),
                 qPrintable(u"expected /"_s + expect + u"/ in:\n"_s + o.errText()));
        QVERIFY(!QFileInfo::exists(m_home.path() + u"/u.db"_s));
        QVERIFY(!QFileInfo::exists(m_home.path() + u"/no-such.db"_s));
        QVERIFY(!QFileInfo::exists(m_home.path() + u"/no-such.csv"_s));
    }

    // ---- help and version: generated from each verb's options, on stdout, exit 0 ----

    void verbHelp_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QStringList>("options");   // every option the verb accepts
        const auto rows = QList<std::pair<QString, QStringList>>{
            {u"run"_s, {u"--config"_s, u"--experiment"_s, u"--db"_s, u"--resume"_s, u"--max-budget"_s, u"--prices"_s, u"--json"_s, u"--quiet"_s}},
            {u"export"_s, {u"--db"_s, u"--experiment"_s, u"--long"_s, u"-o, --output"_s}},
            {u"estimate"_s,
             {u"--config"_s, u"--experiment"_s, u"--db"_s, u"--prices"_s, u"--count-tokens"_s, u"--json"_s, u"--no-recommendations"_s}},
            {u"tokens"_s, {u"--encoding"_s, u"--model"_s, u"--config"_s}},
            {u"keys"_s, {u"--value"_s, u"--reveal"_s}},
            {u"models"_s, {u"--config"_s, u"--prices"_s, u"--json"_s}},
            {u"test-connections"_s, {u"--config"_s, u"--timeout"_s}},
            {u"simulate"_s, {u"--port"_s, u"--host"_s, u"--limits"_s, u"--seed"_s}},
            {u"worker"_s, {u"--config"_s, u"--experiment"_s, u"--db"_s, u"--lease"_s, u"--window"_s, u"--json"_s, u"--quiet"_s}},
            {u"status"_s, {u"--db"_s, u"--all"_s, u"--json"_s}},
            {u"preview-prompt"_s, {u"--config"_s, u"--experiment"_s, u"--text"_s, u"--framework"_s, u"--model"_s, u"--prices"_s, u"--json"_s}},
        };
        for (const auto &[verb, options] : rows) {
            QTest::addRow("%s --help", qPrintable(verb)) << QStringList{verb, u"--help"_s} << verb << options;
            QTest::addRow("%s -h", qPrintable(verb)) << QStringList{verb, u"-h"_s} << verb << options;
            QTest::addRow("help %s", qPrintable(verb)) << QStringList{u"help"_s, verb} << verb << options;
        }
        // --help wins over everything else on the line, even a missing required option.
        QTest::newRow("run --db D --help") << QStringList{u"run"_s, u"--db"_s, u"x.db"_s, u"--help"_s} << u"run"_s
                                           << QStringList{u"--config"_s};
    }

    void verbHelp()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, verb);
        QFETCH(QStringList, options);
        const Outcome o = cli(args, 10'000);
        VERIFY_EXIT(o, 0);
        QVERIFY2(o.err.isEmpty(), o.describe().constData());
        const QString text = QString::fromUtf8(o.out);
        QVERIFY2(text.startsWith(u"usage: discernus "_s + verb + u' '), o.describe().constData());
        // Each option appears in the usage line and as a row of its own in the list.
        const QString usage = text.section(u'\n', 0, 0);
        for (const QString &opt : options) {
            QVERIFY2(usage.contains(opt.section(u", "_s, 0, 0)), qPrintable(opt + u" not in: "_s + usage));
            QVERIFY2(QRegularExpression(u"\\n  "_s + QRegularExpression::escape(opt) + u"[ \\n]"_s).match(text).hasMatch(),
                     qPrintable(opt + u" not listed in:\n"_s + text));
        }
        QVERIFY(text.contains(u"\n  -h, --help "_s));
        // A verb's help is about that verb only.
        QVERIFY(!text.contains(u"test-connections"_s) || verb == u"test-connections"_s);
    }

    void globalHelp()
    {
        for (const QStringList &args : {QStringList{u"--help"_s}, QStringList{u"-h"_s}, QStringList{u"help"_s}}) {
            const Outcome o = cli(args, 10'000);
            VERIFY_EXIT(o, 0);
            const QString text = QString::fromUtf8(o.out);
            QVERIFY2(text.startsWith(u"usage: discernus <command>"_s), o.describe().constData());
            for (const char *verb : {"run", "export", "estimate", "tokens", "keys", "models", "test-connections", "simulate"})
                QVERIFY2(text.contains(u"\n  "_s + QLatin1String(verb) + u' '), verb);
            QVERIFY(text.contains(u"--help"_s));
            QVERIFY(text.contains(u"130 interrupted"_s));
        }
    }

    void version()
    {
        const Outcome o = cli({u"--version"_s}, 10'000);
        VERIFY_EXIT(o, 0);
        QVERIFY2(QRegularExpression(u"^discernus \\d+\\.\\d+\\.\\d+\\n$"_s).match(QString::fromUtf8(o.out)).hasMatch(),
                 o.describe().constData());
    }

    // ---- 2. the sample end to end, and its export ----

    void sampleRunAndExport()
    {
        auto p = makeProject();   // the sample as shipped: its latency, its (mild) faults
        QVERIFY(p);
        const Outcome o = cli(p->runArgs(), 30'000, p->dir.path());
        VERIFY_EXIT(o, 0);
        const QJsonObject j = o.json();
        QVERIFY2(!j.isEmpty(), o.describe().constData());
        QCOMPARE(j.value(u"jobs"_s).toInt(), kSampleJobs);
        QCOMPARE(j.value(u"done"_s).toInt(), kSampleJobs);
        QCOMPARE(j.value(u"failed"_s).toInt(), 0);
        QCOMPARE(j.value(u"skipped"_s).toInt(), 0);
        QCOMPARE(j.value(u"http_429"_s).toInt(), 0);   // the sample's limits are generous
        QVERIFY(j.value(u"calls"_s).toInt() >= kSampleJobs);
        QVERIFY(j.value(u"cost_usd"_s).toDouble() > 0);
        QVERIFY(j.value(u"prompt_tokens"_s).toInt() > 0);
        QVERIFY(j.value(u"simulated"_s).toBool());
        QCOMPARE(j.value(u"exit_code"_s).toInt(), 0);
        QVERIFY2(o.errText().contains(u"SIMULATED"_s), o.describe().constData());
        for (const QString &key : kSampleKeys) {
            QVERIFY(!o.errText().contains(key));
            QVERIFY(!QString::fromUtf8(o.out).contains(key));
        }

        // Wide export: the columns of docs/FORMATS.md in order, one row per job, every score a number in [0, 1].
        const Csv wide = exportCsv(p->db(), p->path(u"wide.csv"_s));
        const QStringList expectedHeader = QStringList{u"experiment"_s, u"run_id"_s, u"model"_s, u"deployment"_s, u"provider"_s,
                                                       u"model_version"_s, u"framework"_s, u"text_id"_s, u"repetition"_s, u"status"_s}
                                         + kDimensions
                                         + QStringList{u"prompt_tokens"_s, u"completion_tokens"_s, u"cached_tokens"_s, u"cost_usd"_s,
                                                       u"latency_ms"_s, u"attempts"_s, u"error"_s, u"completed_at"_s, u"batch"_s};
        QCOMPARE(wide.header, expectedHeader);
        QVERIFY(wide.rectangular);
        QCOMPARE(wide.rows.size(), kSampleJobs);
        QSet<QString> jobKeys;
        double csvCost = 0;
        for (const auto &row : wide.rows) {
            QCOMPARE(row.value(u"status"_s), u"done"_s);
            QCOMPARE(row.value(u"experiment"_s), u"mft-sample"_s);
            QVERIFY2(kDeployments.contains(row.value(u"deployment"_s)), qPrintable(row.value(u"deployment"_s)));
            QVERIFY(row.value(u"error"_s).isEmpty());
            QVERIFY(!row.value(u"completed_at"_s).isEmpty());
            for (const QString &dim : kDimensions) {
                bool ok = false;
                const double v = row.value(dim).toDouble(&ok);
                QVERIFY2(ok && v >= 0.0 && v <= 1.0, qPrintable(dim + u" = "_s + row.value(dim)));
            }
            csvCost += row.value(u"cost_usd"_s).toDouble();
            jobKeys.insert(row.value(u"run_id"_s) + u'|' + row.value(u"text_id"_s) + u'|' + row.value(u"repetition"_s));
        }
        QCOMPARE(jobKeys.size(), kSampleJobs);   // one row per job, none twice
        QCOMPARE(countBy(wide, u"run_id"_s).size(), 4);
        QVERIFY(qAbs(csvCost - j.value(u"cost_usd"_s).toDouble()) < 1e-4);

        // Long export: one row per job x dimension.
        const Csv lng = exportCsv(p->db(), p->path(u"long.csv"_s), true);
        QVERIFY(lng.rectangular);
        QCOMPARE(lng.header.mid(10, 3), (QStringList{u"dimension"_s, u"score"_s, u"evidence"_s}));
        QCOMPARE(lng.rows.size(), kSampleJobs * int(kDimensions.size()));
        const QHash<QString, int> perDim = countBy(lng, u"dimension"_s);
        for (const QString &dim : kDimensions)
            QCOMPARE(perDim.value(dim), kSampleJobs);
    }

    // ---- 3. resume semantics ----

    void resumeNeedsTheFlag()
    {
        auto p = makeProject(u"fast_limits.yaml"_s);
        QVERIFY(p);
        const Outcome first = cli(p->runArgs(), 30'000, p->dir.path());
        VERIFY_EXIT(first, 0);
        QCOMPARE(first.json().value(u"done"_s).toInt(), kSampleJobs);
        QCOMPARE(exportCsv(p->db(), p->path(u"before.csv"_s)).rows.size(), kSampleJobs);
        const QByteArray csvBefore = readFile(p->path(u"before.csv"_s));

        // Again on the same database without --resume: refused, and the message says what to do.
        const Outcome again = cli(p->runArgs(), 30'000, p->dir.path());
        VERIFY_EXIT(again, 2);
        const QStringList lines = again.errLines();
        QVERIFY2(lines.size() == 1 && lines.first().contains(u"--resume"_s), again.describe().constData());
        QCOMPARE(again.json().value(u"calls"_s).toInt(), 0);
        QCOMPARE(again.json().value(u"exit_code"_s).toInt(), 2);
        exportCsv(p->db(), p->path(u"after.csv"_s));
        QCOMPARE(readFile(p->path(u"after.csv"_s)), csvBefore);   // the refused run changed nothing

        // With --resume: nothing left to do, nothing re-run.
        QStringList args = p->runArgs();
        args.append(u"--resume"_s);
        const Outcome resumed = cli(args, 30'000, p->dir.path());
        VERIFY_EXIT(resumed, 0);
        const QJsonObject j = resumed.json();
        QCOMPARE(j.value(u"calls"_s).toInt(), 0);
        QCOMPARE(j.value(u"skipped"_s).toInt(), kSampleJobs);
        QCOMPARE(j.value(u"done"_s).toInt(), 0);
        QCOMPARE(j.value(u"jobs"_s).toInt(), kSampleJobs);
    }

    // ---- 4. injected faults, then --resume retries only the failed jobs ----

    void faultsThenResume()
    {
        auto p = makeProject(u"fault_limits.yaml"_s);
        QVERIFY(p);
        // Fast failure: hangs end after 2 s, one retry, short cool-downs.
        QVERIFY(editFile(p->config(), u"num_retries: 3"_s, u"num_retries: 1"_s) > 0);
        QVERIFY(editFile(p->config(), u"timeout: 60"_s, u"timeout: 2"_s) > 0);
        QVERIFY(editFile(p->config(), u"cooldown_time: 30"_s, u"cooldown_time: 1"_s) > 0);

        const Outcome o = cli(p->runArgs(), 45'000, p->dir.path());
        VERIFY_NO_CRASH(o);
        QVERIFY2(o.code == 0 || o.code == 1, o.describe().constData());
        const QJsonObject j = o.json();
        const int done = j.value(u"done"_s).toInt(), failed = j.value(u"failed"_s).toInt();
        QCOMPARE(done + failed, kSampleJobs);
        QCOMPARE(o.code, failed > 0 ? 1 : 0);
        QVERIFY2(j.value(u"calls"_s).toInt() > kSampleJobs, "the faults were not injected");
        QVERIFY2(failed > 0, "no job failed: the fault rates no longer test --resume");
        QVERIFY2(o.errText().contains(u"--resume"_s), o.describe().constData());

        const Csv first = exportCsv(p->db(), p->path(u"first.csv"_s));
        QVERIFY(first.rectangular);
        QCOMPARE(first.rows.size(), kSampleJobs);
        QHash<QString, QString> doneAt;   // job -> completed_at of jobs done in the first run
        int csvFailed = 0;
        for (const auto &row : first.rows) {
            const QString status = row.value(u"status"_s);
            QVERIFY2(status == u"done"_s || status == u"failed"_s, qPrintable(u"job left as "_s + status));
            if (status == u"failed"_s) {
                ++csvFailed;
                QVERIFY2(!row.value(u"error"_s).trimmed().isEmpty(), "a failed job without a reason");
            } else {
                QVERIFY(row.value(u"error"_s).isEmpty());
                doneAt.insert(row.value(u"run_id"_s) + u'|' + row.value(u"text_id"_s), row.value(u"completed_at"_s));
            }
        }
        QCOMPARE(csvFailed, failed);

        // Faults off; --resume runs exactly the failed jobs.
        QVERIFY(editAll(p->path(u"fault_limits.yaml"_s), QRegularExpression(u"^faults:.*$"_s, QRegularExpression::MultilineOption),
                        u"faults: {}"_s) == 1);
        QStringList args = p->runArgs();
        args.append(u"--resume"_s);
        const Outcome r = cli(args, 30'000, p->dir.path());
        VERIFY_EXIT(r, 0);
        const QJsonObject rj = r.json();
        QCOMPARE(rj.value(u"skipped"_s).toInt(), done);
        QCOMPARE(rj.value(u"done"_s).toInt(), failed);
        QCOMPARE(rj.value(u"failed"_s).toInt(), 0);
        QCOMPARE(rj.value(u"calls"_s).toInt(), failed);   // no faults: one call per retried job

        const Csv last = exportCsv(p->db(), p->path(u"last.csv"_s));
        QCOMPARE(last.rows.size(), kSampleJobs);
        for (const auto &row : last.rows) {
            QCOMPARE(row.value(u"status"_s), u"done"_s);
            const QString key = row.value(u"run_id"_s) + u'|' + row.value(u"text_id"_s);
            if (doneAt.contains(key))   // finished jobs were not run again
                QCOMPARE(row.value(u"completed_at"_s), doneAt.value(key));
        }
    }

    // ---- 5. budget stop, then --resume with more money ----

    void budgetStopAndResume()
    {
        auto p = makeProject(u"fast_limits.yaml"_s);
        QVERIFY(p);
        const Outcome full = cli(p->runArgs(u"full.db"_s), 30'000, p->dir.path());
        VERIFY_EXIT(full, 0);
        const double fullCost = full.json().value(u"cost_usd"_s).toDouble();
        QVERIFY(fullCost > 0);

        const double budget = fullCost * 0.4;
        QStringList args = p->runArgs();
        args << u"--max-budget"_s << QString::number(budget, 'f', 6);
        const Outcome stopped = cli(args, 30'000, p->dir.path());
        VERIFY_EXIT(stopped, 3);
        const QJsonObject sj = stopped.json();
        QVERIFY(sj.value(u"budget_stopped"_s).toBool());
        const double spent = sj.value(u"cost_usd"_s).toDouble();
        const int doneFirst = sj.value(u"done"_s).toInt();
        QVERIFY2(spent <= budget, qPrintable(u"spent $%1 with a cap of $%2"_s.arg(spent, 0, 'f', 6).arg(budget, 0, 'f', 6)));
        QVERIFY2(spent > 0 && doneFirst > 0, stopped.describe().constData());
        QVERIFY(doneFirst < kSampleJobs);
        QCOMPARE(sj.value(u"failed"_s).toInt(), 0);
        // The message says how to continue.
        QVERIFY2(stopped.errText().contains(u"--resume"_s) && stopped.errText().contains(u"budget"_s), stopped.describe().constData());

        const Csv mid = exportCsv(p->db(), p->path(u"mid.csv"_s));
        QCOMPARE(mid.rows.size(), kSampleJobs);
        QCOMPARE(countBy(mid, u"status"_s).value(u"done"_s), doneFirst);
        QCOMPARE(countBy(mid, u"status"_s).value(u"failed"_s), 0);

        // The cap holds over the spend ledger, across runs: resuming with the same cap may use
        // only what is left of it, so it stops again without passing it.
        args = p->runArgs();
        args << u"--resume"_s << u"--max-budget"_s << QString::number(budget, 'f', 6);
        const Outcome same = cli(args, 30'000, p->dir.path());
        VERIFY_EXIT(same, 3);
        const double spentAgain = same.json().value(u"cost_usd"_s).toDouble();
        QVERIFY2(spent + spentAgain <= budget, qPrintable(u"spent $%1 + $%2 with a cap of $%3"_s.arg(spent, 0, 'f', 6)
                                                               .arg(spentAgain, 0, 'f', 6).arg(budget, 0, 'f', 6)));
        const int doneSecond = same.json().value(u"done"_s).toInt();
        QCOMPARE(same.json().value(u"skipped"_s).toInt(), doneFirst);
        QVERIFY(doneFirst + doneSecond < kSampleJobs);

        args = p->runArgs();
        args << u"--resume"_s << u"--max-budget"_s << u"100"_s;
        const Outcome rest = cli(args, 30'000, p->dir.path());
        VERIFY_EXIT(rest, 0);
        const QJsonObject rj = rest.json();
        QCOMPARE(rj.value(u"skipped"_s).toInt(), doneFirst + doneSecond);
        QCOMPARE(rj.value(u"done"_s).toInt(), kSampleJobs - doneFirst - doneSecond);

        const Csv last = exportCsv(p->db(), p->path(u"last.csv"_s));
        QCOMPARE(last.rows.size(), kSampleJobs);
        QCOMPARE(countBy(last, u"status"_s).value(u"done"_s), kSampleJobs);
        // Nothing paid twice, nothing lost: the jobs' costs add up to both runs' spend and to
        // what one uninterrupted run costs (up to the simulator's reply lengths varying a little).
        const double csvCost = sumOf(last, u"cost_usd"_s);
        const double bothRuns = spent + spentAgain + rj.value(u"cost_usd"_s).toDouble();
        QVERIFY2(qAbs(csvCost - bothRuns) < 1e-4, qPrintable(u"CSV $%1, runs $%2"_s.arg(csvCost).arg(bothRuns)));
        QVERIFY2(qAbs(csvCost - fullCost) < 0.1 * fullCost, qPrintable(u"CSV $%1, one full run $%2"_s.arg(csvCost).arg(fullCost)));
    }

    // ---- 6. SIGINT: exit 130, then --resume completes ----

    void interruptThenResume()
    {
        auto p = makeProject(u"slow_limits.yaml"_s);
        QVERIFY(p);
        // rpm 6 per deployment: 30 calls go out at once, the rest wait for the window (a minute).
        QCOMPARE(editAll(p->config(), QRegularExpression(u"rpm: \\d+"_s), u"rpm: 6"_s), 5);

        QProcess proc;
        configure(proc, p->dir.path());
        proc.setArguments(p->runArgs());
        proc.start();
        QVERIFY(proc.waitForStarted(5'000));
        QByteArray err;
        QElapsedTimer t;
        t.start();
        while (!err.contains(" to run") && t.elapsed() < 10'000 && proc.state() == QProcess::Running) {
            proc.waitForReadyRead(200);
            err += proc.readAllStandardError();
        }
        QVERIFY2(err.contains(" to run"), err.constData());
        QTest::qWait(1'500);
        QVERIFY2(proc.state() == QProcess::Running, "the slow run finished before it could be interrupted");
        QCOMPARE(::kill(pid_t(proc.processId()), SIGINT), 0);
        Outcome o;
        if (!proc.waitForFinished(15'000)) {
            o.timedOut = true;
            proc.kill();
            proc.waitForFinished(5'000);
        }
        o.code = proc.exitCode();
        o.status = proc.exitStatus();
        o.out = proc.readAllStandardOutput();
        o.err = err + proc.readAllStandardError();
        VERIFY_EXIT(o, 130);
        const QJsonObject j = o.json();
        QVERIFY(j.value(u"cancelled"_s).toBool());
        const int doneFirst = j.value(u"done"_s).toInt();
        QVERIFY(doneFirst < kSampleJobs);
        QVERIFY2(o.errText().contains(u"--resume"_s), o.describe().constData());

        const Csv mid = exportCsv(p->db(), p->path(u"mid.csv"_s));
        QCOMPARE(mid.rows.size(), kSampleJobs);
        QCOMPARE(countBy(mid, u"status"_s).value(u"done"_s), doneFirst);   // every finished job was kept

        // Resume on a fast simulator and the sample's limits.
        QVERIFY(QFile::remove(p->config()));
        QVERIFY(QFile::copy(kSample + u"/litellm_config.yaml"_s, p->config()));
        QFile::setPermissions(p->config(), QFile::permissions(p->config()) | QFile::WriteOwner);
        QVERIFY(p->useLimits(u"fast_limits.yaml"_s));
        QStringList args = p->runArgs();
        args.append(u"--resume"_s);
        const Outcome r = cli(args, 30'000, p->dir.path());
        VERIFY_EXIT(r, 0);
        QCOMPARE(r.json().value(u"skipped"_s).toInt(), doneFirst);
        QCOMPARE(r.json().value(u"done"_s).toInt(), kSampleJobs - doneFirst);
        const Csv last = exportCsv(p->db(), p->path(u"last.csv"_s));
        QCOMPARE(countBy(last, u"status"_s).value(u"done"_s), kSampleJobs);
    }

    // ---- 7. tokens, models, simulate, test-connections ----

    void tokensCounts()
    {
        QTemporaryDir dir;
        const QString hello = dir.filePath(u"hello.txt"_s), speech = kSample + u"/corpus/clean-water.txt"_s;
        QVERIFY(writeFile(hello, "hello world"));
        for (const QString &enc : {u"o200k_base"_s, u"cl100k_base"_s}) {
            const Outcome o = cli({u"tokens"_s, u"--encoding"_s, enc, hello});
            VERIFY_EXIT(o, 0);
            QCOMPARE(QString::fromUtf8(o.out), u"2\t"_s + hello + u'\n');
        }
        // Several files: one line each, like wc, then the total.
        const Outcome two = cli({u"tokens"_s, u"--encoding"_s, u"o200k_base"_s, hello, speech});
        VERIFY_EXIT(two, 0);
        const QStringList lines = QString::fromUtf8(two.out).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], u"2\t"_s + hello);
        const QStringList second = lines[1].split(u'\t');
        QCOMPARE(second.size(), 2);
        QCOMPARE(second[1], speech);
        const int n = second[0].toInt();
        QVERIFY(n > 20 && n < 200);   // a 231-byte English paragraph
        QCOMPARE(lines[2], QString::number(n + 2) + u"\ttotal"_s);

        // A model: a count and how it was obtained.
        const Outcome m = cli({u"tokens"_s, u"--model"_s, u"anthropic/claude-3-5-haiku"_s, hello});
        VERIFY_EXIT(m, 0);
        const QStringList f = QString::fromUtf8(m.out).trimmed().split(u'\t');
        QCOMPARE(f.size(), 3);
        QVERIFY(f[0].toInt() > 0);
        QCOMPARE(f[1], hello);
        QVERIFY(!f[2].isEmpty());
    }

    void estimateCountTokensOnSample()
    {
        // --count-tokens: the sample's Anthropic and Gemini prompts are counted by the simulator's
        // count endpoints (started by estimate itself), and those runs say so; the others do not.
        const Outcome o = cli({u"estimate"_s, u"--config"_s, kSample + u"/litellm_config.yaml"_s, u"--experiment"_s,
                               kSample + u"/experiment.yaml"_s, u"--count-tokens"_s, u"--json"_s},
                              30'000);
        VERIFY_EXIT(o, 0);
        const QJsonObject j = QJsonDocument::fromJson(o.out).object();
        QHash<QString, QString> method;
        for (const QJsonValue &r : j.value(u"planned"_s).toObject().value(u"runs"_s).toArray())
            method.insert(r.toObject().value(u"run_id"_s).toString(), r.toObject().value(u"token_method"_s).toString());
        QCOMPARE(method.size(), 4);
        QCOMPARE(method.value(u"haiku-mft"_s), u"count_tokens"_s);
        QCOMPARE(method.value(u"gemini-mft"_s), u"count_tokens"_s);
        QCOMPARE(method.value(u"gpt4omini-mft"_s), u"exact"_s);
        QCOMPARE(method.value(u"mistral-mft"_s), u"factor"_s);
        // Per deployment: 8 prompts counted on each endpoint, OpenAI and Mistral skipped.
        QHash<QString, QJsonObject> counted;
        for (const QJsonValue &c : j.value(u"count_tokens"_s).toArray())
            counted.insert(c.toObject().value(u"deployment"_s).toString(), c.toObject());
        for (const QString &d : {u"claude-haiku/1"_s, u"gemini-flash/1"_s}) {
            QCOMPARE(counted.value(d).value(u"counted"_s).toInt(), 8);
            QVERIFY(!counted.value(d).contains(u"error"_s));
        }
        for (const QString &d : {u"gpt-4o-mini/1"_s, u"gpt-4o-mini/2"_s, u"mistral-small/1"_s})
            QVERIFY(counted.value(d).value(u"skipped"_s).toBool());
        for (const QString &key : kSampleKeys)
            QVERIFY2(!o.out.contains(key.toUtf8()) && !o.err.contains(key.toUtf8()), "estimate printed an API key");

        // tokens --config: the same endpoint counts a file exactly.
        const Outcome t = cli({u"tokens"_s, u"--model"_s, u"claude-haiku"_s, u"--config"_s, kSample + u"/litellm_config.yaml"_s,
                               kSample + u"/corpus/clean-water.txt"_s});
        VERIFY_EXIT(t, 0);
        const QStringList f = QString::fromUtf8(t.out).trimmed().split(u'\t');
        QCOMPARE(f.size(), 3);
        QVERIFY(f[0].toInt() > 20);
        QCOMPARE(f[2], u"count_tokens"_s);
    }

    void oversizedAndEmptyTextsBeforeAnyCall()
    {
        // A text no model of its run can read (gpt-4o-mini: 128k tokens) and an empty one.
        auto p = makeProject();
        QVERIFY(p);
        QFile huge(p->path(u"corpus/huge-manifesto.txt"_s));
        QVERIFY(huge.open(QIODevice::WriteOnly));
        const QByteArray sentence = "the people of this nation deserve liberty and care. ";
        for (int i = 0; i < 20'000; ++i)
            huge.write(sentence);   // ~1 MB, ~200k tokens
        huge.close();
        QFile empty(p->path(u"corpus/blank-page.txt"_s));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.write(" \n\t\n");
        empty.close();

        const Outcome est = cli({u"estimate"_s, u"--config"_s, p->config(), u"--experiment"_s, p->experiment(), u"--json"_s},
                                60'000, p->dir.path());
        VERIFY_EXIT(est, 0);
        const QJsonArray tooLong = QJsonDocument::fromJson(est.out).object().value(u"oversized_texts"_s).toArray();
        QSet<QString> runs;
        for (const QJsonValue &v : tooLong) {
            const QJsonObject o = v.toObject();
            QCOMPARE(o.value(u"text_id"_s).toString(), u"huge-manifesto"_s);
            QVERIFY(o.value(u"tokens"_s).toInteger() > o.value(u"limit"_s).toInteger());
            runs.insert(o.value(u"run_id"_s).toString());
        }
        QVERIFY2(runs.contains(u"gpt4omini-mft"_s), est.describe().constData());
        QVERIFY2(!runs.contains(u"gemini-mft"_s), est.describe().constData());   // a 1M-token window
        QVERIFY2(est.errText().contains(u"blank-page"_s) && est.errText().contains(u"skipped"_s), est.describe().constData());

        const Outcome run = cli(p->runArgs(), 60'000, p->dir.path());
        VERIFY_EXIT(run, 2);
        QVERIFY2(run.errText().contains(u"huge-manifesto"_s) && run.errText().contains(u"context window"_s)
                     && run.errText().contains(u"openai/gpt-4o-mini"_s),
                 run.describe().constData());
        QCOMPARE(run.json().value(u"calls"_s).toInt(), 0);
    }

    void modelsListsDeployments()
    {
        const Outcome o = cli({u"models"_s, u"--config"_s, kSample + u"/litellm_config.yaml"_s});
        VERIFY_EXIT(o, 0);
        const QString text = QString::fromUtf8(o.out);
        for (const QString &d : kDeployments)
            QVERIFY2(text.contains(u"  "_s + d + u"  "_s), qPrintable(d + u" missing in:\n"_s + text));
        for (const QString &key : kSampleKeys)
            QVERIFY2(!text.contains(key) && !o.errText().contains(key), "models printed an API key");
    }

    void modelsJsonShowsPriceOriginAndKeySource()
    {
        const QString cfg = m_home.path() + u"/models-json.yaml"_s;
        {
            QFile f(cfg);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("model_list:\n"
                    "  - model_name: old\n"
                    "    litellm_params: {model: openai/gpt-3.5-turbo-1106}\n"
                    "  - model_name: ft\n"
                    "    litellm_params: {model: openai/ft:custom, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}\n"
                    "  - model_name: titan\n"
                    "    litellm_params: {model: bedrock/amazon.titan}\n");
        }
        const Outcome o = cli({u"models"_s, u"--config"_s, cfg, u"--json"_s});
        VERIFY_EXIT(o, 0);
        const QJsonObject doc = QJsonDocument::fromJson(o.out).object();
        const QJsonArray groups = doc.value(u"groups"_s).toArray();
        QCOMPARE(groups.size(), 2);
        const QJsonObject old = groups[0].toObject().value(u"deployments"_s).toArray()[0].toObject();
        QCOMPARE(old.value(u"price"_s).toObject().value(u"origin"_s).toString(), u"built-in"_s);
        QCOMPARE(old.value(u"price"_s).toObject().value(u"input_per_million"_s).toDouble(), 1.0);
        // No api_key: a run reads OpenAI's default variable, and the listing says which.
        QCOMPARE(old.value(u"key"_s).toObject().value(u"name"_s).toString(), u"OPENAI_API_KEY"_s);
        QCOMPARE(old.value(u"key"_s).toObject().value(u"kind"_s).toString(), u"environment"_s);
        const QJsonObject ft = groups[1].toObject().value(u"deployments"_s).toArray()[0].toObject();
        QCOMPARE(ft.value(u"price"_s).toObject().value(u"origin"_s).toString(), u"config"_s);
        QCOMPARE(doc.value(u"skipped"_s).toArray().size(), 1);
    }

    void simulateServesAndStops()
    {
        QProcess proc;
        configure(proc, {});
        proc.setArguments({u"simulate"_s, u"--port"_s, u"0"_s, u"--limits"_s, QStringLiteral(WB_SOURCE_DIR "/tests/data/sim/limits.yaml"),
                           u"--seed"_s, u"9"_s});
        proc.start();
        QVERIFY(proc.waitForStarted(5'000));
        const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
        QByteArray err;
        QRegularExpressionMatch m;
        QElapsedTimer t;
        t.start();
        while (!(m = listening.match(QString::fromUtf8(err))).hasMatch() && t.elapsed() < 10'000 && proc.state() == QProcess::Running) {
            proc.waitForReadyRead(200);
            err += proc.readAllStandardError();
        }
        QVERIFY2(m.hasMatch(), err.constData());
        const int port = m.captured(1).toInt();
        QVERIFY(port > 0 && port < 65536);

        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(u"http://127.0.0.1:%1/sim/stats"_s.arg(port)));
        req.setTransferTimeout(5'000);
        QNetworkReply *reply = nam.get(req);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        QCOMPARE(status, 200);
        QVERIFY2(QJsonDocument::fromJson(body).isObject(), body.constData());

        proc.terminate();   // SIGTERM
        Outcome o;
        if (!proc.waitForFinished(10'000)) {
            o.timedOut = true;
            proc.kill();
            proc.waitForFinished(5'000);
        }
        o.code = proc.exitCode();
        o.status = proc.exitStatus();
        o.err = err + proc.readAllStandardError();
        VERIFY_EXIT(o, 0);
    }

    // ---- batch mode: two experiments' batches in one database, `status` lists the current one's ----

    void batchStatusListsTheCurrentExperiment()
    {
        auto p = makeProject();
        QVERIFY(p);
        QVERIFY(editFile(p->experiment(), u"  repetitions: 1\n"_s,
                         u"  repetitions: 1\n  mode: batch\n  batch_poll: 1s\n  batch_poll_max: 1s\n"_s) > 0);
        QVERIFY(editAll(p->path(u"sim_limits.yaml"_s), QRegularExpression(u"^faults:.*$"_s, QRegularExpression::MultilineOption),
                        u"batch: {validating_ms: 50, processing_ms: 300, finalizing_ms: 50}"_s) == 1);
        // The experiment of each batch listed (the simulator restarts with each run, so its batch ids repeat).
        auto listed = [&](const QStringList &extra) {
            const Outcome o = cli(QStringList{u"status"_s, u"--db"_s, p->db(), u"--json"_s} + extra);
            QHash<QString, int> n;
            for (const QJsonValue &b : o.json().value(u"batches"_s).toArray())
                ++n[b.toObject().value(u"experiment"_s).toString()];
            return n;
        };
        Outcome o = cli(p->runArgs(), 60'000, p->dir.path());
        VERIFY_EXIT(o, 0);
        QCOMPARE(o.json().value(u"done"_s).toInt(), kSampleJobs);
        const int perRun = listed({}).value(u"mft-sample"_s);
        QVERIFY2(perRun >= 4, o.describe().constData());   // one per provider at least
        QCOMPARE(listed({}).size(), 1);

        // A second experiment (other name, other run ids) in batch mode into the same database.
        QVERIFY(editFile(p->experiment(), u"name: mft-sample"_s, u"name: second-study"_s) > 0);
        QCOMPARE(editAll(p->experiment(), QRegularExpression(u"-mft\\b"_s), u"-mft2"_s), 4);
        o = cli(p->runArgs(), 60'000, p->dir.path());
        VERIFY_EXIT(o, 0);
        QCOMPARE(o.json().value(u"done"_s).toInt(), kSampleJobs);
        QCOMPARE(listed({}), (QHash<QString, int>{{u"second-study"_s, perRun}}));
        QCOMPARE(listed({u"--experiment"_s, u"mft-sample"_s}), (QHash<QString, int>{{u"mft-sample"_s, perRun}}));
        QCOMPARE(listed({u"--all"_s}), (QHash<QString, int>{{u"mft-sample"_s, perRun}, {u"second-study"_s, perRun}}));
        const Outcome text = cli({u"status"_s, u"--db"_s, p->db()});
        VERIFY_EXIT(text, 0);
        QVERIFY2(text.out.contains("batches of experiment \"second-study\""), text.describe().constData());
        QCOMPARE(int(text.out.count("ended*")), perRun);
    }

    void testConnectionsOnSample()
    {
        const Outcome o = cli({u"test-connections"_s, u"--config"_s, kSample + u"/litellm_config.yaml"_s}, 30'000);
        VERIFY_EXIT(o, 0);
        const QStringList lines = QString::fromUtf8(o.out).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), int(kDeployments.size()));
        for (qsizetype i = 0; i < lines.size(); ++i) {
            QVERIFY2(lines[i].startsWith(kDeployments[i] + u"  "_s), qPrintable(lines[i]));
            QVERIFY2(lines[i].contains(u"  OK  HTTP 200"_s), qPrintable(lines[i]));
        }
        QVERIFY(o.errText().contains(u"SIMULATED"_s));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
