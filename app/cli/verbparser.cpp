#include "app/cli/verbparser.h"

#include "core/common/check.h"

#include <algorithm>

namespace wb {

namespace {

QString dashed(const QString &name)
{
    return (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

QString undashed(const QString &option)
{
    qsizetype i = 0;
    while (i < option.size() && i < 2 && option[i] == u'-')
        ++i;
    return option.mid(i);
}

/// " FILE", " [N]" or nothing, after an option's name.
QString valueSuffix(const CliOption &o)
{
    if (o.valueName.isEmpty())
        return {};
    return o.optionalValue ? QStringLiteral(" [%1]").arg(o.valueName) : u' ' + o.valueName;
}

/// "-o, --output FILE" as the help's left column.
QString optionColumn(const CliOption &o)
{
    QStringList names;
    for (const QString &n : o.names)
        names << dashed(n);
    return names.join(QStringLiteral(", ")) + valueSuffix(o);
}

/// "--config C" or "[--json]" as a word of the usage line.
QString usageWord(const CliOption &o)
{
    const QString s = dashed(o.names.first()) + valueSuffix(o);
    return o.required ? s : u'[' + s + u']';
}

/// "A is required", "A and B are required", "A, B and C are required".
QString requiredMessage(const QStringList &names)
{
    if (names.size() == 1)
        return names.first() + QStringLiteral(" is required");
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") + names.last()
         + QStringLiteral(" are required");
}

const QString kExitCodes = QStringLiteral(
    "Exit codes: 0 success, 1 finished with failed jobs, 2 usage or input error,\n"
    "3 stopped by budget, 130 interrupted.\n");

} // namespace

QString usageLine(const VerbSpec &spec)
{
    QStringList words{QStringLiteral("usage: discernus"), spec.name};
    for (const CliOption &o : spec.options)
        words << usageWord(o);
    if (!spec.positionals.isEmpty())
        words << spec.positionals;
    return words.join(u' ');
}

QString verbHelp(const VerbSpec &spec)
{
    QList<std::pair<QString, QString>> rows;
    for (const CliOption &o : spec.options)
        rows.append({optionColumn(o), o.description});
    rows.append({QStringLiteral("-h, --help"), QStringLiteral("show this help")});
    qsizetype width = 0;
    for (const auto &r : std::as_const(rows))
        width = std::max(width, r.first.size());
    QString text = usageLine(spec) + QStringLiteral("\n\n") + spec.summary + QStringLiteral("\n\nOptions:\n");
    for (const auto &[column, description] : std::as_const(rows)) {
        // A description may run over several lines; continuation lines line up under the first.
        const QStringList lines = description.split(u'\n');
        text += QStringLiteral("  ") + column.leftJustified(width) + QStringLiteral("  ") + lines.first() + u'\n';
        for (qsizetype i = 1; i < lines.size(); ++i)
            text += QString(width + 4, u' ') + lines[i] + u'\n';
    }
    if (!spec.details.isEmpty())
        text += u'\n' + spec.details + u'\n';
    return text;
}

QString globalHelp()
{
    qsizetype width = 0;
    for (const VerbSpec &v : verbSpecs())
        width = std::max(width, v.name.size());
    QString text = QStringLiteral("usage: discernus <command> [options]\n\nCommands:\n");
    for (const VerbSpec &v : verbSpecs())
        text += QStringLiteral("  ") + v.name.leftJustified(width) + QStringLiteral("  ") + v.summary + u'\n';
    text += QStringLiteral(
                "\n"
                "Run `discernus <command> --help` for the options of a command.\n"
                "Everywhere: --verbose shows the engine's info messages; --version prints the version.\n"
                "\n")
          + kExitCodes;
    return text;
}

const VerbSpec *findVerb(QStringView name)
{
    for (const VerbSpec &v : verbSpecs())
        if (v.name == name)
            return &v;
    return nullptr;
}

VerbArgs::VerbArgs(QStringView verb)
    : m_spec(findVerb(verb))
{
    WB_CHECK(m_spec);   // every command parses with its own, registered spec
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsCompactedShortOptions);
    if (m_spec) {
        for (const CliOption &o : m_spec->options) {
            QCommandLineOption option(o.names, o.description);
            if (!o.valueName.isEmpty() && !o.optionalValue)
                option.setValueName(o.valueName);
            m_parser.addOption(option);
        }
    }
    m_parser.addOption(QCommandLineOption(QStringList{QStringLiteral("h"), QStringLiteral("help")}));
}

int VerbArgs::usageError(QTextStream &err, const QString &message) const
{
    err << "discernus " << m_spec->name << ": " << message << '\n'
        << usageLine(*m_spec) << "\n(`discernus " << m_spec->name << " --help` explains the options)\n";
    return 2;
}

bool VerbArgs::parse(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (!m_spec) {
        err << "discernus: internal error: a command without a spec\n";
        m_exitCode = 2;
        return false;
    }
    // QCommandLineParser expects the program name first.
    const bool ok = m_parser.parse(QStringList{QStringLiteral("discernus")} + args);
    if (m_parser.isSet(QStringLiteral("help"))) {
        out << verbHelp(*m_spec);
        m_exitCode = 0;
        return false;
    }
    m_exitCode = 2;
    if (!ok) {
        // Messages in the command line's own words (not Qt's translated ones), naming the option
        // as the user typed it.
        QString message;
        if (const QStringList unknown = m_parser.unknownOptionNames(); !unknown.isEmpty()) {
            QString typed = dashed(unknown.first());
            for (const QString &a : args) {
                const QString name = a.section(u'=', 0, 0);
                if (a.startsWith(u'-') && undashed(name) == unknown.first()) {
                    typed = name;
                    break;
                }
            }
            message = QStringLiteral("unknown option %1").arg(typed);
        } else if (!args.isEmpty() && args.last().startsWith(u'-') && !args.last().contains(u'=')) {
            // The only other failures: a value option last with nothing after it, or a flag given
            // a value with '='.
            message = QStringLiteral("option %1 needs a value").arg(args.last());
        } else {
            const auto isFlag = [this](const QString &name) {
                return std::any_of(m_spec->options.cbegin(), m_spec->options.cend(), [&](const CliOption &o) {
                    return o.names.contains(undashed(name)) && (o.valueName.isEmpty() || o.optionalValue);
                });
            };
            const auto withValue = std::find_if(args.cbegin(), args.cend(), [&](const QString &a) {
                return a.startsWith(u'-') && a.contains(u'=') && isFlag(a.section(u'=', 0, 0));
            });
            message = withValue == args.cend() ? m_parser.errorText()
                                               : QStringLiteral("option %1 takes no value").arg(withValue->section(u'=', 0, 0));
        }
        usageError(err, message);
        return false;
    }
    m_positional = m_parser.positionalArguments();
    if (m_spec->maxPositionals >= 0 && m_positional.size() > m_spec->maxPositionals) {
        usageError(err, QStringLiteral("unexpected argument '%1'").arg(m_positional.value(m_spec->maxPositionals)));
        return false;
    }
    QStringList missing;
    bool anyMissing = false;
    for (const CliOption &o : m_spec->options) {
        if (!o.required)
            continue;
        missing << dashed(o.names.first());
        anyMissing = anyMissing || m_parser.value(o.names.first()).isEmpty();
    }
    if (anyMissing) {
        usageError(err, requiredMessage(missing));
        return false;
    }
    m_exitCode = 0;
    return true;
}

bool VerbArgs::has(const QString &option) const
{
    return m_parser.isSet(undashed(option));
}

QString VerbArgs::value(const QString &option) const
{
    return m_parser.value(undashed(option));
}

} // namespace wb
