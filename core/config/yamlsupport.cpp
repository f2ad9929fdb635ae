#include "core/config/yamlsupport.h"

#include <QLocale>
#include <QRegularExpression>
#include <cmath>
#include <yaml-cpp/depthguard.h>

namespace wb::yamlsupport {

QString describe(const YAML::Node &n)
{
    if (!n.IsDefined() || n.IsNull())
        return QStringLiteral("nothing");
    if (n.IsSequence())
        return QStringLiteral("a list");
    if (n.IsMap())
        return QStringLiteral("a mapping");
    QString s = qs(n.Scalar());
    if (s.size() > 40)
        s = s.left(37) + QStringLiteral("...");
    return QLatin1Char('"') + s + QLatin1Char('"');
}

int Reader::lineOf(const YAML::Node &n)
{
    if (!n.IsDefined())
        return 0;
    const YAML::Mark m = n.Mark();
    return m.line >= 0 ? m.line + 1 : 0;
}

int Reader::columnOf(const YAML::Node &n)
{
    if (!n.IsDefined())
        return 0;
    const YAML::Mark m = n.Mark();
    return m.line >= 0 && m.column >= 0 ? m.column + 1 : 0;
}

void Reader::fail(const YAML::Node &at, const QString &field, const QString &message)
{
    failAt(lineOf(at), columnOf(at), field, message);
}

void Reader::failAt(int line, int column, const QString &field, const QString &message)
{
    if (!m_error)
        m_error = Error{message, m_file, line, column, field};
}

void Reader::noteUnknown(const QString &genericPath)
{
    if (!m_unknown.contains(genericPath))
        m_unknown.append(genericPath);
}

std::optional<QString> Reader::resolve(const YAML::Node &n, const QString &field, bool rejectEmpty)
{
    QString t = qs(n.Scalar());
    // A quoted "os.environ/X" is still a reference for LiteLLM (it looks at the string).
    const QString trimmed = t.trimmed();
    if (trimmed.startsWith(u"os.environ/")) {
        const QString name = trimmed.mid(11);
        static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (!envName.match(name).hasMatch()) {
            fail(n, field, QStringLiteral("expected os.environ/NAME with an environment variable name"));
            return std::nullopt;
        }
        const QByteArray local = name.toLocal8Bit();
        std::optional<QString> value;
        if (qEnvironmentVariableIsSet(local.constData()))
            value = qEnvironmentVariable(local.constData());
        else if (const auto it = m_envFallback.constFind(name); it != m_envFallback.cend())
            value = *it;
        if (!value) {
            fail(n, field, QStringLiteral("the environment variable ") + name + QStringLiteral(" is not set"));
            return std::nullopt;
        }
        if (rejectEmpty && value->trimmed().isEmpty()) {
            fail(n, field, QStringLiteral("the environment variable ") + name + QStringLiteral(" is empty"));
            return std::nullopt;
        }
        return value;
    }
    if (trimmed.startsWith(u"keychain/")) {
        fail(n, field, QStringLiteral("keychain/NAME is read at run time and only for api_key; "
                                      "use os.environ/NAME or the value here"));
        return std::nullopt;
    }
    return t;
}

std::optional<QString> Reader::text(const YAML::Node &n, const QString &field)
{
    if (!n.IsDefined() || n.IsNull())
        return std::nullopt;
    if (!n.IsScalar()) {
        fail(n, field, QStringLiteral("expected a string, got ") + describe(n));
        return std::nullopt;
    }
    return resolve(n, field, false);
}

std::optional<QString> Reader::nonEmptyEnvText(const YAML::Node &n, const QString &field)
{
    if (!n.IsDefined() || n.IsNull())
        return std::nullopt;
    if (!n.IsScalar()) {
        fail(n, field, QStringLiteral("expected a string, got ") + describe(n));
        return std::nullopt;
    }
    return resolve(n, field, true);
}

std::optional<QString> Reader::string(const YAML::Node &n, const QString &field)
{
    if (!n.IsDefined() || n.IsNull())
        return std::nullopt;
    if (!n.IsScalar()) {
        fail(n, field, QStringLiteral("expected a string, got ") + describe(n));
        return std::nullopt;
    }
    return qs(n.Scalar());
}

// PyYAML (what LiteLLM uses) reads 150_000 as an int; accept the same.
static QString numericText(const YAML::Node &n, QString t)
{
    t = t.trimmed();
    if (n.Tag() != "!")
        t.remove(QLatin1Char('_'));
    return t;
}

std::optional<qint64> Reader::integer(const YAML::Node &n, const QString &field, qint64 min, qint64 max,
                                      const QString &expectation)
{
    if (!n.IsDefined() || n.IsNull())
        return std::nullopt;
    const auto bad = [&] {
        fail(n, field, QStringLiteral("expected ") + expectation + QStringLiteral(", got ") + describe(n));
        return std::nullopt;
    };
    if (!n.IsScalar())
        return bad();
    const auto raw = text(n, field);
    if (!raw)
        return std::nullopt;
    const QString t = numericText(n, *raw);
    bool ok = false;
    qint64 v = t.toLongLong(&ok);
    if (!ok) {
        const double d = t.toDouble(&ok);
        if (!ok || !std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15)
            return bad();
        v = static_cast<qint64>(d);
    }
    if (v < min || v > max)
        return bad();
    return v;
}

std::optional<double> Reader::number(const YAML::Node &n, const QString &field, double min, double max,
                                     bool minExclusive, const QString &expectation)
{
    if (!n.IsDefined() || n.IsNull())
        return std::nullopt;
    const auto bad = [&] {
        fail(n, field, QStringLiteral("expected ") + expectation + QStringLiteral(", got ") + describe(n));
        return std::nullopt;
    };
    if (!n.IsScalar())
        return bad();
    const auto raw = text(n, field);
    if (!raw)
        return std::nullopt;
    bool ok = false;
    const double d = numericText(n, *raw).toDouble(&ok);
    if (!ok || !std::isfinite(d))
        return bad();
    if (d < min || (minExclusive && d == min) || d > max)
        return bad();
    return d;
}

std::optional<bool> Reader::boolean(const YAML::Node &n, const QString &field)
{
    if (!n.IsDefined() || n.IsNull())
        return std::nullopt;
    if (n.IsScalar()) {
        const auto raw = text(n, field);
        if (!raw)
            return std::nullopt;
        // The YAML 1.1 spellings PyYAML accepts, so LiteLLM and we agree.
        const QString t = raw->trimmed().toLower();
        if (t == u"true" || t == u"yes" || t == u"on")
            return true;
        if (t == u"false" || t == u"no" || t == u"off")
            return false;
    }
    fail(n, field, QStringLiteral("expected true or false, got ") + describe(n));
    return std::nullopt;
}

std::optional<QStringList> Reader::stringList(const YAML::Node &n, const QString &field)
{
    if (!n.IsDefined() || n.IsNull())
        return std::nullopt;
    if (n.IsScalar())
        return QStringList{qs(n.Scalar())};
    if (!n.IsSequence()) {
        fail(n, field, QStringLiteral("expected a list of strings, got ") + describe(n));
        return std::nullopt;
    }
    QStringList out;
    for (std::size_t i = 0; i < n.size(); ++i) {
        const YAML::Node item = n[i];
        if (!item.IsScalar()) {
            fail(item, field + QLatin1Char('[') + QString::number(i) + QLatin1Char(']'),
                 QStringLiteral("expected a string, got ") + describe(item));
            return std::nullopt;
        }
        out.append(qs(item.Scalar()));
    }
    return out;
}

Map::Map(Reader &r, const YAML::Node &node, QString path, QString genericPath, bool nullIsEmpty)
    : m_reader(r), m_node(node), m_path(std::move(path)), m_genericPath(std::move(genericPath))
{
    if (!node.IsDefined() || (node.IsNull() && nullIsEmpty)) {
        m_valid = true;
        return;
    }
    if (!node.IsMap()) {
        r.fail(node, m_path, QStringLiteral("expected a mapping, got ") + describe(node));
        return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
            r.fail(key, m_path, QStringLiteral("keys must be plain strings"));
            return;
        }
        const QString k = qs(key.Scalar());
        if (m_entries.contains(k)) {
            // PyYAML, and so LiteLLM, keeps the last value of a repeated key; do the same, and say so.
            r.noteDuplicate(field(k.toUtf8().constData()) + QStringLiteral(" (line ")
                            + QString::number(Reader::lineOf(key)) + QLatin1Char(')'));
            m_entries.insert(k, it->second);
            continue;
        }
        m_entries.insert(k, it->second);
        m_order.append(k);
    }
    m_valid = true;
}

YAML::Node Map::take(const char *key)
{
    const QString k = QLatin1String(key);
    const auto it = m_entries.find(k);
    if (it == m_entries.end())
        return YAML::Node(YAML::NodeType::Undefined);
    YAML::Node v = it.value();
    m_entries.erase(it);
    return v;
}

YAML::Node Map::required(const char *key)
{
    const bool present = has(key);
    YAML::Node v = take(key);
    if (!present || v.IsNull()) {
        if (present && Reader::lineOf(v) > 0)
            m_reader.fail(v, field(key), QStringLiteral("required field is empty"));
        else
            m_reader.fail(m_node, field(key), QStringLiteral("required field is missing"));
    }
    return v;
}

QString Map::field(const char *key) const
{
    return m_path.isEmpty() ? QString::fromUtf8(key) : m_path + QLatin1Char('.') + QString::fromUtf8(key);
}

void Map::finish()
{
    for (const QString &k : std::as_const(m_order)) {
        if (m_entries.contains(k))
            m_reader.noteUnknown(m_genericPath.isEmpty() ? k : m_genericPath + QLatin1Char('.') + k);
    }
    m_entries.clear();
}

namespace {

bool sameNode(const YAML::Node &a, const YAML::Node &b)
{
    return a.is(b);
}

bool expandMerges(YAML::Node n, int depth, QList<YAML::Node> &done, QString *error, int *line, int *column)
{
    // Deeper than any model list; guards against alias cycles.
    if (depth > 64) {
        *error = QStringLiteral("YAML nesting too deep (an alias that refers to itself?)");
        *line = Reader::lineOf(n);
        *column = Reader::columnOf(n);
        return false;
    }
    if (n.IsSequence()) {
        for (std::size_t i = 0; i < n.size(); ++i)
            if (!expandMerges(n[i], depth + 1, done, error, line, column))
                return false;
        return true;
    }
    if (!n.IsMap())
        return true;
    for (const YAML::Node &d : std::as_const(done))
        if (sameNode(d, n))
            return true;   // an anchored mapping reached again through an alias: already expanded
    done.append(n);

    QList<YAML::Node> sources;
    YAML::Node mergeKey;
    for (auto it = n.begin(); it != n.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == "<<" && it->first.Tag() != "!") {
            mergeKey = it->first;
            const YAML::Node v = it->second;
            if (v.IsMap()) {
                sources.append(v);
            } else if (v.IsSequence()) {
                for (std::size_t i = 0; i < v.size(); ++i) {
                    if (!v[i].IsMap()) {
                        *error = QStringLiteral("a merge key (<<) takes a mapping or a list of mappings");
                        *line = Reader::lineOf(v[i]);
                        *column = Reader::columnOf(v[i]);
                        return false;
                    }
                    sources.append(v[i]);
                }
            } else {
                *error = QStringLiteral("a merge key (<<) takes a mapping or a list of mappings");
                *line = Reader::lineOf(v);
                *column = Reader::columnOf(v);
                return false;
            }
        }
    }
    for (auto it = n.begin(); it != n.end(); ++it)
        if (!expandMerges(it->second, depth + 1, done, error, line, column))
            return false;
    if (sources.isEmpty())
        return true;
    for (const YAML::Node &src : std::as_const(sources))
        if (!expandMerges(src, depth + 1, done, error, line, column))
            return false;
    n.remove(std::string("<<"));
    // Earlier sources win over later ones; the mapping's own keys win over all (YAML merge spec).
    for (const YAML::Node &src : std::as_const(sources)) {
        for (auto it = src.begin(); it != src.end(); ++it) {
            if (!it->first.IsScalar())
                continue;
            const std::string k = it->first.Scalar();
            if (!hasKey(n, k.c_str()))
                n[k] = it->second;
        }
    }
    return true;
}

} // namespace

bool expandMergeKeys(YAML::Node root, QString *error, int *line, int *column)
{
    QList<YAML::Node> done;
    return expandMerges(root, 0, done, error, line, column);
}

Result<YAML::Node> loadDocument(const QByteArray &yaml, const QString &file)
{
    try {
        return YAML::Load(yaml.toStdString());
    } catch (const YAML::DeepRecursion &e) {
        // yaml-cpp stops at a fixed nesting depth (so deep input never overflows the stack)
        // but names the problem "bad file".
        const int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
        const int column = e.mark.column >= 0 && line > 0 ? e.mark.column + 1 : 0;
        return fail(QStringLiteral("malformed YAML: lists and mappings are nested too deeply (%1 levels or more); "
                                   "a configuration needs only a few")
                        .arg(e.depth()),
                    file, line, column);
    } catch (const YAML::Exception &e) {
        const int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
        const int column = e.mark.column >= 0 && line > 0 ? e.mark.column + 1 : 0;
        return fail(QStringLiteral("malformed YAML: ") + qs(e.msg), file, line, column);
    } catch (const std::exception &e) {
        return fail(QStringLiteral("malformed YAML: ") + QString::fromUtf8(e.what()), file);
    }
}

static bool needsQuotes(const QString &s)
{
    if (s.isEmpty() || s.trimmed() != s)
        return true;
    static const QRegularExpression special(QStringLiteral(
        "^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|<<|=)$"));
    // Anything PyYAML might resolve to an int, float, sexagesimal or timestamp.
    static const QRegularExpression numberish(QStringLiteral("^[-+.]?[0-9][0-9a-fA-FxXoObB_.:+\\- eEtTzZ]*$|^[-+]?\\.(?:inf|Inf|INF|nan|NaN|NAN)$"));
    return special.match(s).hasMatch() || numberish.match(s).hasMatch();
}

YAML::Node stringNode(const QString &s)
{
    YAML::Node n(ss(s));
    if (needsQuotes(s))
        n.SetTag("!");
    return n;
}

YAML::Node integerNode(qint64 v)
{
    return YAML::Node(ss(QString::number(v)));
}

YAML::Node doubleNode(double v)
{
    QString t = QString::number(v, 'g', QLocale::FloatingPointShortest);
    if (!t.contains(QLatin1Char('.')) && !t.contains(u"inf") && !t.contains(u"nan")) {
        const qsizetype e = t.indexOf(QLatin1Char('e'));
        if (e < 0)
            t += QStringLiteral(".0");
        else
            t.insert(e, QStringLiteral(".0"));
    }
    return YAML::Node(ss(t));
}

YAML::Node boolNode(bool v)
{
    return YAML::Node(v ? std::string("true") : std::string("false"));
}

static void emitNode(YAML::Emitter &out, const YAML::Node &n)
{
    switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        out << YAML::Null;
        return;
    case YAML::NodeType::Scalar: {
        const std::string &v = n.Scalar();
        const std::string &tag = n.Tag();
        if (!tag.empty() && tag != "?" && tag != "!")
            out << YAML::VerbatimTag(tag);
        const QString q = qs(v);
        const bool multiLine = q.contains(QLatin1Char('\n'));
        // A literal block keeps exactly one trailing newline when read back ("clip"),
        // and cannot start with a space; anything else goes double-quoted with escapes.
        if (multiLine && q.endsWith(QLatin1Char('\n')) && !q.endsWith(QStringLiteral("\n\n"))
            && !q.startsWith(QLatin1Char(' ')) && !q.contains(QLatin1Char('\t')))
            out << YAML::Literal << v.substr(0, v.size() - 1);
        else if (multiLine || tag == "!")
            out << YAML::DoubleQuoted << v;
        else
            out << v;
        return;
    }
    case YAML::NodeType::Sequence:
        if (n.Style() == YAML::EmitterStyle::Flow)
            out << YAML::Flow;
        out << YAML::BeginSeq;
        for (const YAML::Node &item : n)
            emitNode(out, item);
        out << YAML::EndSeq;
        return;
    case YAML::NodeType::Map:
        if (n.Style() == YAML::EmitterStyle::Flow)
            out << YAML::Flow;
        out << YAML::BeginMap;
        for (auto it = n.begin(); it != n.end(); ++it) {
            out << YAML::Key;
            emitNode(out, it->first);
            out << YAML::Value;
            emitNode(out, it->second);
        }
        out << YAML::EndMap;
        return;
    }
}

QByteArray emitDocument(const YAML::Node &root)
{
    YAML::Emitter out;
    out.SetIndent(2);
    emitNode(out, root);
    QByteArray bytes(out.c_str(), static_cast<qsizetype>(out.size()));
    if (!bytes.endsWith('\n'))
        bytes.append('\n');
    return bytes;
}

YAML::Node ensureMap(YAML::Node parent, const char *key)
{
    if (!hasKey(parent, key) || !parent[key].IsMap())
        parent[key] = YAML::Node(YAML::NodeType::Map);
    return parent[key];
}

bool hasKey(const YAML::Node &map, const char *key)
{
    if (!map.IsMap())
        return false;
    const YAML::Node &c = map;
    return c[key].IsDefined();
}

} // namespace wb::yamlsupport

namespace wb::yamlsupport {

namespace {

struct Edit {
    qsizetype at = 0;       // byte offset in the original
    qsizetype length = 0;   // bytes replaced (0 = insertion)
    QByteArray text;
    int seq = 0;            // order of creation: insertions at one offset keep it
};

/// Same content, mapping keys in any order (LiteLLM reads a mapping, not a key order).
bool equivalent(const YAML::Node &a, const YAML::Node &b)
{
    if (a.Type() != b.Type())
        return false;
    if (a.IsScalar())
        return a.Scalar() == b.Scalar() && (a.Tag() == "!") == (b.Tag() == "!");
    if (a.IsSequence()) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!equivalent(a[i], b[i]))
                return false;
        return true;
    }
    if (a.IsMap()) {
        if (a.size() != b.size())
            return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            if (!it->first.IsScalar() || !hasKey(b, it->first.Scalar().c_str()))
                return false;
            const YAML::Node &cb = b;
            if (!equivalent(it->second, cb[it->first.Scalar()]))
                return false;
        }
        return true;
    }
    return true;
}

class Patcher
{
public:
    explicit Patcher(const QByteArray &src) : m_src(src) {}

    bool diff(const YAML::Node &o, const YAML::Node &n, bool inFlow);
    QList<Edit> edits;

private:
    qsizetype lineStart(qsizetype pos) const
    {
        while (pos > 0 && m_src[pos - 1] != '\n')
            --pos;
        return pos;
    }
    qsizetype lineEnd(qsizetype pos) const   // just after the '\n' (or the end)
    {
        while (pos < m_src.size() && m_src[pos] != '\n')
            ++pos;
        return pos < m_src.size() ? pos + 1 : pos;
    }
    std::optional<qsizetype> scalarEnd(const YAML::Node &o, qsizetype pos, bool inFlow) const;
    bool replaceScalar(const YAML::Node &o, const YAML::Node &n, bool inFlow);
    bool insertKey(const YAML::Node &map, const YAML::Node &key, const YAML::Node &value);
    bool removeKey(const YAML::Node &key, const YAML::Node &value);
    bool onOneLine(const YAML::Node &key, const YAML::Node &value) const;
    bool insertFlowKey(const YAML::Node &map, const YAML::Node &key, const YAML::Node &value);
    bool diffSequence(const YAML::Node &o, const YAML::Node &n);
    std::optional<int> dashColumn(const YAML::Node &item) const;
    qsizetype itemEnd(const YAML::Node &item, int dash) const;
    int nestedIndent(const YAML::Node &node) const;

    const QByteArray &m_src;
};

QByteArray scalarText(const YAML::Node &n)
{
    QByteArray t = emitDocument(n);
    while (t.endsWith('\n'))
        t.chop(1);
    return t;
}

std::optional<qsizetype> Patcher::scalarEnd(const YAML::Node &o, qsizetype pos, bool inFlow) const
{
    if (pos < 0 || pos >= m_src.size())
        return std::nullopt;
    const char first = m_src[pos];
    if (first == '"') {
        for (qsizetype i = pos + 1; i < m_src.size(); ++i) {
            if (m_src[i] == '\\')
                ++i;
            else if (m_src[i] == '"')
                return i + 1;
        }
        return std::nullopt;
    }
    if (first == '\'') {
        for (qsizetype i = pos + 1; i < m_src.size(); ++i) {
            if (m_src[i] == '\'') {
                if (i + 1 < m_src.size() && m_src[i + 1] == '\'')
                    ++i;
                else
                    return i + 1;
            }
        }
        return std::nullopt;
    }
    if (first == '|' || first == '>' || first == '*' || first == '&' || first == '!')
        return std::nullopt;   // block scalars, aliases, anchors, tags: not patched in place
    qsizetype end = pos;
    while (end < m_src.size()) {
        const char c = m_src[end];
        if (c == '\n' || c == '\r')
            break;
        if (c == '#' && end > pos && (m_src[end - 1] == ' ' || m_src[end - 1] == '\t'))
            break;
        if (inFlow && (c == ',' || c == ']' || c == '}'))
            break;
        ++end;
    }
    while (end > pos && (m_src[end - 1] == ' ' || m_src[end - 1] == '\t'))
        --end;
    // A plain scalar continued on the next line would be cut here: make sure it was not.
    if (QByteArray(m_src.constData() + pos, end - pos) != QByteArray::fromStdString(o.Scalar()))
        return std::nullopt;
    return end;
}

bool Patcher::replaceScalar(const YAML::Node &o, const YAML::Node &n, bool inFlow)
{
    const qsizetype pos = o.Mark().pos;
    const auto end = scalarEnd(o, pos, inFlow);
    if (!end)
        return false;
    edits.append({pos, *end - pos, scalarText(n), int(edits.size())});
    return true;
}

bool Patcher::onOneLine(const YAML::Node &key, const YAML::Node &value) const
{
    return key.IsScalar() && value.IsScalar() && key.Mark().line == value.Mark().line && key.Mark().pos >= 0
        && value.Mark().pos >= 0 && scalarEnd(value, value.Mark().pos, false).has_value()
        && key.Mark().pos < m_src.size() && m_src[key.Mark().pos] != '"' && m_src[key.Mark().pos] != '\'';
}

bool Patcher::insertKey(const YAML::Node &map, const YAML::Node &key, const YAML::Node &value)
{
    // After the last sibling written as "key: value" on one line, at the same indentation.
    YAML::const_iterator last = map.end();
    for (auto it = map.begin(); it != map.end(); ++it)
        if (onOneLine(it->first, it->second))
            last = it;
    if (last == map.end())
        return false;
    const int column = last->first.Mark().column;
    const qsizetype at = lineEnd(last->second.Mark().pos);
    const QByteArray indent(column, ' ');
    QByteArray text = indent + QByteArray::fromStdString(key.Scalar()) + ':';
    if (value.IsScalar() || ((value.IsMap() || value.IsSequence()) && value.Style() == YAML::EmitterStyle::Flow)) {
        text += ' ' + scalarText(value);
    } else if (value.IsMap() || value.IsSequence()) {
        const QList<QByteArray> lines = scalarText(value).split('\n');
        for (const QByteArray &l : lines)
            text += '\n' + indent + "  " + l;
    } else {
        return false;
    }
    text += '\n';
    // The sibling's line must end with a newline for the insertion to start a line.
    if (at == m_src.size() && !m_src.endsWith('\n'))
        text.prepend('\n');
    edits.append({at, 0, text, int(edits.size())});
    return true;
}

bool Patcher::removeKey(const YAML::Node &key, const YAML::Node &value)
{
    if (!onOneLine(key, value))
        return false;
    const qsizetype start = lineStart(key.Mark().pos);
    // Only when the key starts its line (not the first key of a "- key: value" list item).
    for (qsizetype i = start; i < key.Mark().pos; ++i)
        if (m_src[i] != ' ')
            return false;
    const qsizetype end = lineEnd(value.Mark().pos);
    edits.append({start, end - start, {}, int(edits.size())});
    return true;
}

bool Patcher::insertFlowKey(const YAML::Node &map, const YAML::Node &key, const YAML::Node &value)
{
    // `{a: 1, b: 2}` + c -> `{a: 1, b: 2, c: 3}`: after the last value, when it is a scalar.
    if (!value.IsScalar() || map.size() == 0)
        return false;
    YAML::const_iterator last;
    for (auto it = map.begin(); it != map.end(); ++it)
        last = it;
    if (!last->second.IsScalar())
        return false;
    const auto end = scalarEnd(last->second, last->second.Mark().pos, true);
    if (!end)
        return false;
    edits.append({*end, 0, ", " + QByteArray::fromStdString(key.Scalar()) + ": " + scalarText(value), int(edits.size())});
    return true;
}

std::optional<int> Patcher::dashColumn(const YAML::Node &item) const
{
    // A block sequence item starts "<spaces>- " on the line of its first token.
    const qsizetype pos = item.Mark().pos;
    if (pos < 0 || pos > m_src.size())
        return std::nullopt;
    const qsizetype start = lineStart(pos);
    qsizetype i = start;
    while (i < pos && m_src[i] == ' ')
        ++i;
    if (i >= pos || m_src[i] != '-')
        return std::nullopt;
    for (qsizetype j = i + 1; j < pos; ++j)
        if (m_src[j] != ' ')
            return std::nullopt;
    return int(i - start);
}

qsizetype Patcher::itemEnd(const YAML::Node &item, int dash) const
{
    // The item's lines: its first line and every following line indented deeper than its dash.
    // Blank and comment lines after its last such line belong to what follows.
    qsizetype end = lineEnd(item.Mark().pos);
    qsizetype at = end;
    while (at < m_src.size()) {
        const qsizetype next = lineEnd(at);
        qsizetype i = at;
        while (i < next && m_src[i] == ' ')
            ++i;
        const bool neutral = i >= next || m_src[i] == '\n' || m_src[i] == '\r' || m_src[i] == '#';
        if (!neutral) {
            if (i - at <= dash)
                break;
            end = next;
        }
        at = next;
    }
    return end;
}

int Patcher::nestedIndent(const YAML::Node &node) const
{
    // The step the user indents nested mappings by (2 unless the file shows otherwise).
    if (node.IsMap())
        for (auto it = node.begin(); it != node.end(); ++it)
            if (it->second.IsMap() && it->second.Style() != YAML::EmitterStyle::Flow && it->second.size() > 0
                && it->second.begin()->first.Mark().line > it->first.Mark().line)
                return std::max(1, it->second.begin()->first.Mark().column - it->first.Mark().column);
    return 2;
}

bool Patcher::diffSequence(const YAML::Node &o, const YAML::Node &n)
{
    // Block sequence that grew or shrank: items equal to an original one stay untouched (longest
    // common subsequence); between two kept items, originals and new ones are paired in order
    // and patched, extra originals lose exactly their lines, extra new ones are written as
    // block items after the preceding item, at its indentation.
    const std::size_t m = o.size(), k = n.size();
    if (m == 0)
        return false;
    std::vector<std::optional<int>> dash(m);
    for (std::size_t i = 0; i < m; ++i)
        if (!(dash[i] = dashColumn(o[i])))
            return false;
    std::vector<std::vector<int>> lcs(m + 1, std::vector<int>(k + 1, 0));
    for (std::size_t i = m; i-- > 0;)
        for (std::size_t j = k; j-- > 0;)
            lcs[i][j] = equivalent(o[i], n[j]) ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    const int itemIndent = m > 0 ? o[0].Mark().column - *dash[0] : 2;
    const auto flushGap = [&](std::size_t oi, std::size_t oEnd, std::size_t nj, std::size_t nEnd) {
        while (oi < oEnd && nj < nEnd)
            if (!diff(o[oi++], n[nj++], false))
                return false;
        for (; oi < oEnd; ++oi) {
            const qsizetype start = lineStart(o[oi].Mark().pos);
            edits.append({start, itemEnd(o[oi], *dash[oi]) - start, {}, int(edits.size())});
        }
        if (nj >= nEnd)
            return true;
        // New items go after the item before the gap, or before the first one.
        const qsizetype at = oi > 0 ? itemEnd(o[oi - 1], *dash[oi - 1]) : lineStart(o[0].Mark().pos);
        const int d = oi > 0 ? *dash[oi - 1] : *dash[0];
        QByteArray text;
        for (; nj < nEnd; ++nj) {
            YAML::Emitter out;
            out.SetIndent(nestedIndent(o[0]));
            emitNode(out, n[nj]);
            if (!out.good())
                return false;
            const QList<QByteArray> lines = QByteArray(out.c_str(), qsizetype(out.size())).split('\n');
            bool first = true;
            for (const QByteArray &l : lines) {
                if (l.isEmpty())
                    continue;
                text += QByteArray(d, ' ') + (first ? QByteArray("-") + QByteArray(itemIndent - 1, ' ') : QByteArray(itemIndent, ' '))
                      + l + '\n';
                first = false;
            }
        }
        if (at == m_src.size() && !m_src.endsWith('\n'))
            text.prepend('\n');
        edits.append({at, 0, text, int(edits.size())});
        return true;
    };
    std::size_t i = 0, j = 0, gi = 0, gj = 0;
    while (i < m && j < k) {
        if (equivalent(o[i], n[j]) && lcs[i][j] == lcs[i + 1][j + 1] + 1) {
            if (!flushGap(gi, i, gj, j))
                return false;
            gi = ++i;
            gj = ++j;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
            ++i;
        } else {
            ++j;
        }
    }
    return flushGap(gi, m, gj, k);
}

bool Patcher::diff(const YAML::Node &o, const YAML::Node &n, bool inFlow)
{
    if (o.IsScalar() && n.IsScalar()) {
        if (o.Scalar() == n.Scalar())
            return true;
        return replaceScalar(o, n, inFlow);
    }
    if (o.IsMap() && n.IsMap()) {
        const bool flow = o.Style() == YAML::EmitterStyle::Flow;
        for (auto it = n.begin(); it != n.end(); ++it) {
            if (!it->first.IsScalar())
                return false;
            const std::string k = it->first.Scalar();
            if (hasKey(o, k.c_str())) {
                const YAML::Node &co = o;
                if (!diff(co[k], it->second, flow))
                    return false;
            } else if (flow ? !insertFlowKey(o, it->first, it->second) : !insertKey(o, it->first, it->second)) {
                return false;
            }
        }
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!it->first.IsScalar())
                return false;
            if (!hasKey(n, it->first.Scalar().c_str()) && (flow || !removeKey(it->first, it->second)))
                return false;
        }
        return true;
    }
    if (o.IsSequence() && n.IsSequence()) {
        if (o.size() != n.size())
            return o.Style() != YAML::EmitterStyle::Flow && diffSequence(o, n);
        const bool flow = o.Style() == YAML::EmitterStyle::Flow;
        for (std::size_t i = 0; i < o.size(); ++i)
            if (!diff(o[i], n[i], flow))
                return false;
        return true;
    }
    return o.IsNull() && n.IsNull();
}

} // namespace

std::optional<QByteArray> patchDocument(const QByteArray &original, const YAML::Node &pristine, const YAML::Node &updated)
{
    try {
        Patcher p(original);
        if (!p.diff(pristine, updated, false))
            return std::nullopt;
        // A node reached twice (an alias) yields the same edit twice: keep one.
        // From the end backwards, so earlier offsets stay valid; at one offset the later edit
        // first, so text inserted there keeps its order.
        std::sort(p.edits.begin(), p.edits.end(),
                  [](const Edit &a, const Edit &b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; });
        QByteArray out = original;
        qsizetype lastAt = -1;
        QByteArray lastText;
        for (const Edit &e : std::as_const(p.edits)) {
            if (e.at == lastAt && e.text == lastText)
                continue;
            out.replace(e.at, e.length, e.text);
            lastAt = e.at;
            lastText = e.text;
        }
        // The patched text must read back as exactly the updated tree, or we emit the whole.
        const auto reread = loadDocument(out, {});
        if (!reread || !equivalent(*reread, updated))
            return std::nullopt;
        return out;
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

} // namespace wb::yamlsupport
