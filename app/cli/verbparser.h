#pragma once
// The command line's grammar: each verb declares its options once (VerbSpec), and both the
// parsing (QCommandLineParser) and the usage/help text are generated from that declaration,
// so the two cannot drift. Exit codes are listed in docs/FORMATS.md.
#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace wb {

/// One option of a verb. `names` without dashes ("config", or "o" + "output"); an empty
/// `valueName` makes it a flag.
struct CliOption {
    QStringList names;
    QString valueName;
    QString description;
    bool required = false;
    /// The value may be left out (`--count-tokens [N]`): the verb takes such an option out of the
    /// arguments itself before parsing; the parser and the help only see its name.
    bool optionalValue = false;
};

/// A verb's function: `args` are the words after the verb; returns the exit code.
using VerbCommand = int (*)(const QStringList &args, QTextStream &out, QTextStream &err);

struct VerbSpec {
    QString name;          ///< "run", "test-connections", ...
    VerbCommand command;
    QString summary;       ///< one line for `discernus --help`
    QString positionals;   ///< usage syntax after the options ("FILE...", "set|get|delete|list [NAME]")
    int maxPositionals = 0;   ///< -1: any number (the verb checks them itself)
    QList<CliOption> options;
    QString details;       ///< paragraph shown after the options in `discernus VERB --help`
};

/// Every verb, in the order `discernus --help` lists them.
const QList<VerbSpec> &verbSpecs();
/// The spec of `name`; nullptr for an unknown verb.
const VerbSpec *findVerb(QStringView name);

/// "usage: discernus run --config C ... [--json]"
QString usageLine(const VerbSpec &spec);
/// The full `discernus VERB --help` text.
QString verbHelp(const VerbSpec &spec);
/// The full `discernus --help` text.
QString globalHelp();

/// Parses a verb's arguments. Option names are given with their dashes ("--config", "-o"), as the
/// command bodies always wrote them.
class VerbArgs {
public:
    explicit VerbArgs(QStringView verb);

    /// Parses `args` (the words after the verb). On `--help` prints the help to `out`; on a usage
    /// error (unknown option, missing value, stray argument, missing required option) prints
    /// "discernus VERB: what is wrong" and the usage line to `err`. Returns false in both cases,
    /// with exitCode() 0 or 2.
    bool parse(const QStringList &args, QTextStream &out, QTextStream &err);
    int exitCode() const { return m_exitCode; }

    /// Prints "discernus VERB: message" and the usage line to `err`; returns 2.
    int usageError(QTextStream &err, const QString &message) const;

    bool has(const QString &option) const;            ///< option given (flag or value)
    QString value(const QString &option) const;       ///< its value, empty when not given
    const QStringList &positional() const { return m_positional; }
    const VerbSpec &spec() const { return *m_spec; }

private:
    const VerbSpec *m_spec;
    QCommandLineParser m_parser;
    QStringList m_positional;
    int m_exitCode = 0;
};

} // namespace wb
