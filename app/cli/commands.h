#pragma once
// One function per `discernus` verb; each returns the process exit code (DESIGN §6).
#include <QHash>
#include <QStringList>
#include <QTextStream>
#include <optional>

namespace wb {

int cmdRun(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdEstimate(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdExport(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdTokens(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdKeys(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdModels(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdTestConnections(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdSimulate(const QStringList &args, QTextStream &out, QTextStream &err);

/// Minimal option parser: `--name value`, `--flag`, `-o value`, and positionals.
struct ParsedArgs {
    QHash<QString, QString> values;
    QStringList flags;
    QStringList positional;
    QString error;   ///< set on unknown options or a missing value
    bool has(const QString &flag) const { return flags.contains(flag); }
    QString value(const QString &name) const { return values.value(name); }
};
ParsedArgs parseArgs(const QStringList &args, const QStringList &valueOptions, const QStringList &flagOptions);

} // namespace wb
