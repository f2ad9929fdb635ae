// discernus — the headless command line over the engine (verbs and exit codes: docs/FORMATS.md).
#include "app/cli/commands.h"
#include "app/cli/verbparser.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>

using namespace wb;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("discernus"));
    QCoreApplication::setOrganizationName(QStringLiteral("Discernus"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DISCERNUS_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList args = app.arguments().mid(1);
    // The engine's info messages are for the GUI's log and for --verbose; the CLI prints its own.
    if (args.removeAll(QStringLiteral("--verbose")) == 0 && qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("wb.*.info=false"));
    if (args.isEmpty()) {
        err << globalHelp();
        return 2;
    }
    const QString first = args.first();
    if (first == QLatin1String("--help") || first == QLatin1String("-h")
        || (first == QLatin1String("help") && args.size() == 1)) {
        out << globalHelp();
        return 0;
    }
    if (first == QLatin1String("--version")) {
        out << "discernus " << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    if (first == QLatin1String("help"))   // `discernus help VERB` = `discernus VERB --help`
        args = {args.value(1), QStringLiteral("--help")};
    const QString cmd = args.takeFirst();
    int rc = 2;
    if (const VerbSpec *verb = findVerb(cmd)) {
        rc = verb->command(args, out, err);
    } else {
        err << "discernus: unknown command '" << cmd << "'\n" << globalHelp();
    }
    out.flush();
    err.flush();
    return rc;
}
