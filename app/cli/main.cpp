// discernus — the headless command line over the engine (DESIGN §6).
#include "app/cli/commands.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstdio>

using namespace wb;

static void printUsage(QTextStream &out)
{
    out << QStringLiteral(
        "usage: discernus <command> [options]\n"
        "\n"
        "  estimate --config C --experiment E [--db D] [--prices F] [--json]  pre-flight tokens, cost, duration\n"
        "  run      --config C --experiment E --db D [--resume] [--max-budget USD] [--prices F] [--json]\n"
        "  export   --db D [--experiment NAME] [--long] -o out.csv\n"
        "  tokens   (--encoding o200k_base|cl100k_base | --model M) FILE...\n"
        "  keys     set|get|delete|list [NAME]                    API keys in the OS keychain\n"
        "  models   --config C [--prices F]                       groups, deployments, limits, prices\n"
        "  (--prices F: LiteLLM's model_prices_and_context_window.json, merged over the built-in prices)\n"
        "  test-connections --config C\n"
        "  simulate --port P [--limits FILE]                      local provider simulator (127.0.0.1)\n"
        "\n"
        "Exit codes: 0 success, 1 finished with failed jobs, 2 usage or input error,\n"
        "3 stopped by budget, 130 interrupted.\n");
}

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
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")
        || args.first() == QLatin1String("help")) {
        printUsage(args.isEmpty() ? err : out);
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == QLatin1String("--version")) {
        out << "discernus " << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    const QString cmd = args.takeFirst();
    int rc = 2;
    if (cmd == QLatin1String("run"))
        rc = cmdRun(args, out, err);
    else if (cmd == QLatin1String("estimate"))
        rc = cmdEstimate(args, out, err);
    else if (cmd == QLatin1String("export"))
        rc = cmdExport(args, out, err);
    else if (cmd == QLatin1String("tokens"))
        rc = cmdTokens(args, out, err);
    else if (cmd == QLatin1String("keys"))
        rc = cmdKeys(args, out, err);
    else if (cmd == QLatin1String("models"))
        rc = cmdModels(args, out, err);
    else if (cmd == QLatin1String("test-connections"))
        rc = cmdTestConnections(args, out, err);
    else if (cmd == QLatin1String("simulate"))
        rc = cmdSimulate(args, out, err);
    else {
        err << "discernus: unknown command '" << cmd << "'\n";
        printUsage(err);
        rc = 2;
    }
    out.flush();
    err.flush();
    return rc;
}
