#pragma once
// Internal to core/config (not part of its public API; includes yaml-cpp):
// typed reads from yaml-cpp nodes that turn every problem into an Error with
// file:line:column and the dotted field path, and an emitter that writes a
// node tree back in a shape LiteLLM (PyYAML) reads the same way.
#include "core/common/result.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>
#include <yaml-cpp/yaml.h>

namespace wb::yamlsupport {

inline QString qs(const std::string &s) { return QString::fromStdString(s); }
inline std::string ss(const QString &s) { return s.toStdString(); }

/// "\"fast\"", "a list", "a mapping", "nothing" — for "expected X, got Y".
QString describe(const YAML::Node &n);

/// Collects the first error (later ones are usually consequences of it) and the
/// keys nobody consumed. Readers never throw; on a bad value they record an error
/// and return std::nullopt. An absent or null node reads as std::nullopt with no error.
class Reader
{
public:
    explicit Reader(QString file) : m_file(std::move(file)) {}

    bool ok() const { return !m_error.has_value(); }

    /// Values for os.environ/NAME when the process environment has no NAME: the file's
    /// top-level `environment_variables:` (LiteLLM sets those at start-up).
    void setEnvironmentFallback(QHash<QString, QString> vars) { m_envFallback = std::move(vars); }
    /// The text of a scalar with `os.environ/NAME` replaced by the variable's value, as LiteLLM
    /// does for every string setting. An unset variable is an error naming it; `keychain/NAME`
    /// is an error here (the keychain is read at run time, for api_key only).
    std::optional<QString> text(const YAML::Node &n, const QString &field);
    /// Like text(), but an os.environ/NAME whose variable is set to the empty string is an error
    /// too: for settings where "empty" would silently change behaviour (redis_* turning sharing off).
    std::optional<QString> nonEmptyEnvText(const YAML::Node &n, const QString &field);
    /// Duplicate keys (PyYAML keeps the last one; so do we) as "field (line N)".
    QStringList duplicateKeys() const { return m_duplicates; }
    void noteDuplicate(const QString &where) { m_duplicates.append(where); }
    const Error &error() const { return *m_error; }

    void fail(const YAML::Node &at, const QString &field, const QString &message);
    void failAt(int line, int column, const QString &field, const QString &message);
    void noteUnknown(const QString &genericPath);
    QStringList unknownKeys() const { return m_unknown; }
    const QString &file() const { return m_file; }

    std::optional<QString> string(const YAML::Node &n, const QString &field);
    /// Accepts integral values in [min, max]; `expectation` reads "expected <expectation>, got ...".
    std::optional<qint64> integer(const YAML::Node &n, const QString &field, qint64 min, qint64 max,
                                  const QString &expectation);
    std::optional<double> number(const YAML::Node &n, const QString &field, double min, double max,
                                 bool minExclusive, const QString &expectation);
    std::optional<bool> boolean(const YAML::Node &n, const QString &field);
    /// A list of strings; a single string is accepted as a one-element list.
    std::optional<QStringList> stringList(const YAML::Node &n, const QString &field);

    static int lineOf(const YAML::Node &n);
    static int columnOf(const YAML::Node &n);

private:
    std::optional<QString> resolve(const YAML::Node &n, const QString &field, bool rejectEmpty);

    QString m_file;
    std::optional<Error> m_error;
    QStringList m_unknown;
    QHash<QString, QString> m_envFallback;
    QStringList m_duplicates;
};

/// A mapping whose known keys are taken one by one; whatever is left when
/// finish() is called is reported to the Reader as unknown.
class Map
{
public:
    /// `nullIsEmpty`: a null node (e.g. `router_settings:` with nothing under it) is an empty map.
    Map(Reader &r, const YAML::Node &node, QString path, QString genericPath, bool nullIsEmpty = true);

    bool valid() const { return m_valid; }
    bool has(const char *key) const { return m_entries.contains(QLatin1String(key)); }
    /// The value, or an undefined node when absent.
    YAML::Node take(const char *key);
    /// Like take(), but a missing or null value is an error at the map.
    YAML::Node required(const char *key);
    QString field(const char *key) const;
    const QString &path() const { return m_path; }
    const YAML::Node &node() const { return m_node; }
    void finish();

private:
    Reader &m_reader;
    YAML::Node m_node;
    QString m_path;
    QString m_genericPath;
    bool m_valid = false;
    QHash<QString, YAML::Node> m_entries;
    QStringList m_order;
};

/// Applies YAML merge keys (`<<: *anchor`, `<<: [*a, *b]`) in place, as PyYAML does: keys of
/// the merged mappings that the mapping does not set itself are added, `<<` is removed. yaml-cpp
/// keeps `<<` as an ordinary key. Values keep their source marks, so errors still name the line
/// where the value is written. Returns false (with `error` set) on a malformed merge.
bool expandMergeKeys(YAML::Node root, QString *error, int *line, int *column);

/// Parses YAML text, turning parser exceptions into file:line:column errors.
Result<YAML::Node> loadDocument(const QByteArray &yaml, const QString &file);

/// A string scalar; marked for quoting when PyYAML would read it as something
/// else (a number, a bool, null), so the file keeps meaning the same.
YAML::Node stringNode(const QString &s);
YAML::Node integerNode(qint64 v);
/// Shortest exact form with a '.' so PyYAML (YAML 1.1) reads it as a float, not a string.
YAML::Node doubleNode(double v);
YAML::Node boolNode(bool v);

/// Emits the tree keeping flow/block styles of collections; multi-line strings
/// become literal blocks.
QByteArray emitDocument(const YAML::Node &root);

/// Returns the key's value as a mapping, creating it (block style) when absent.
YAML::Node ensureMap(YAML::Node parent, const char *key);
bool hasKey(const YAML::Node &map, const char *key);

} // namespace wb::yamlsupport

namespace wb::yamlsupport {

/// Writes `updated` as a copy of `original` (the text `pristine` was parsed from) with only the
/// differences applied in place: changed scalars are replaced token by token, new keys become new
/// lines beside their siblings (or ", key: value" at the end of a one-line flow mapping), removed
/// one-line keys lose their line; a block sequence that grew gets block items after the item
/// before them, at its indentation, and one that shrank loses exactly the removed items' lines.
/// Comments, key order, quoting and blank lines of everything else stay as the user wrote them.
/// nullopt when a change cannot be made that way (a flow sequence that grew, a block scalar...):
/// the caller then emits the whole document.
std::optional<QByteArray> patchDocument(const QByteArray &original, const YAML::Node &pristine, const YAML::Node &updated);

} // namespace wb::yamlsupport
