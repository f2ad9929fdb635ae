// discernus-workbench: the desktop application.
#include "core/session/runcontroller.h"
#include "ui/mainwindow.h"
#include "ui/uisettings.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Discernus"));
    QApplication::setApplicationName(QStringLiteral("discernus-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("Discernus Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(DISCERNUS_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.discernus.Workbench"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/discernus-workbench.svg")));
    qRegisterMetaType<wb::RunSummary>();
    qRegisterMetaType<wb::RunProgress>();

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Multi-LLM text-analysis workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption sample(QStringLiteral("sample"), QApplication::translate("main", "Open the bundled sample project."));
    QCommandLineOption lang(QStringLiteral("lang"), QApplication::translate("main", "User interface language (e.g. de)."),
                            QStringLiteral("locale"));
    parser.addOption(sample);
    parser.addOption(lang);
    parser.addPositionalArgument(QStringLiteral("experiment"),
                                 QApplication::translate("main", "experiment.yaml or a project folder to open."));
    parser.process(app);

    wb::ui::installTranslations(&app, parser.value(lang));

    wb::ui::MainWindow window;
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        window.openProject(args.first());
    else if (parser.isSet(sample))
        window.openSample();
    else
        window.openInitialProject();
    window.show();
    return app.exec();
}
