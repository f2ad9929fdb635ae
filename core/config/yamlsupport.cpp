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
static QString numericText(const YAML::Node &n)
{
    QString t = qs(n.Scalar()).trimmed();
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
    const QString t = numericText(n);
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
    bool ok = false;
    const double d = numericText(n).toDouble(&ok);
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
        // The YAML 1.1 spellings PyYAML accepts, so LiteLLM and we agree.
        const QString t = qs(n.Scalar()).toLower();
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
            r.fail(key, field(k.toUtf8().constData()), QStringLiteral("duplicate key"));
            return;
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
