#include "ui/uisettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTranslator>

namespace wb {
namespace ui {

namespace {
// Keys live here only, so a typo cannot create a second setting silently.
constexpr auto kRecent = "project/recent";
constexpr auto kFirstRun = "project/firstRunDone";
constexpr auto kGeometry = "window/geometry";
constexpr auto kState = "window/state";
constexpr auto kLastDb = "run/lastDatabase";

QString key(const char *k) { return QString::fromLatin1(k); }

// The standard dialog buttons (Close, Cancel, Yes, …) take their text from Qt's own catalogue
// (qtbase_de.qm), which Debian ships apart from Qt (qt6-translations-l10n) and which is often not
// installed: without it every dialog said "Close" and "Cancel" in a German window. Qt asks for
// them in the context "QPlatformTheme" of every installed translator, so ours carries them too.
[[maybe_unused]] constexpr const char *kStandardButtons[] = {
    QT_TRANSLATE_NOOP("QPlatformTheme", "OK"),       QT_TRANSLATE_NOOP("QPlatformTheme", "Save"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Save All"), QT_TRANSLATE_NOOP("QPlatformTheme", "Open"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "&Yes"),     QT_TRANSLATE_NOOP("QPlatformTheme", "Yes to &All"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "&No"),      QT_TRANSLATE_NOOP("QPlatformTheme", "N&o to All"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Abort"),    QT_TRANSLATE_NOOP("QPlatformTheme", "Retry"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Ignore"),   QT_TRANSLATE_NOOP("QPlatformTheme", "Close"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Cancel"),   QT_TRANSLATE_NOOP("QPlatformTheme", "Discard"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Help"),     QT_TRANSLATE_NOOP("QPlatformTheme", "Apply"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Reset"),    QT_TRANSLATE_NOOP("QPlatformTheme", "Restore Defaults"),
};
} // namespace

QStringList UiSettings::recentProjects()
{
    QSettings s;
    QStringList out;
    for (const QString &p : s.value(key(kRecent)).toStringList()) {
        if (QFileInfo::exists(p))
            out << p;
    }
    return out;
}

void UiSettings::addRecentProject(const QString &experimentPath)
{
    const QString abs = QFileInfo(experimentPath).absoluteFilePath();
    QStringList list = recentProjects();
    list.removeAll(abs);
    list.prepend(abs);
    while (list.size() > MaxRecent)
        list.removeLast();
    QSettings().setValue(key(kRecent), list);
}

void UiSettings::removeRecentProject(const QString &experimentPath)
{
    QStringList list = QSettings().value(key(kRecent)).toStringList();
    list.removeAll(QFileInfo(experimentPath).absoluteFilePath());
    QSettings().setValue(key(kRecent), list);
}

bool UiSettings::firstRunDone() { return QSettings().value(key(kFirstRun), false).toBool(); }
void UiSettings::setFirstRunDone(bool done) { QSettings().setValue(key(kFirstRun), done); }
QByteArray UiSettings::windowGeometry() { return QSettings().value(key(kGeometry)).toByteArray(); }
void UiSettings::setWindowGeometry(const QByteArray &g) { QSettings().setValue(key(kGeometry), g); }
QByteArray UiSettings::windowState() { return QSettings().value(key(kState)).toByteArray(); }
void UiSettings::setWindowState(const QByteArray &st) { QSettings().setValue(key(kState), st); }

QString UiSettings::lastDatabase(const QString &experimentPath)
{
    QSettings s;
    s.beginGroup(key(kLastDb));
    // QSettings keys cannot hold '/', so the path is hex-encoded.
    return s.value(QString::fromLatin1(experimentPath.toUtf8().toHex())).toString();
}

void UiSettings::setLastDatabase(const QString &experimentPath, const QString &dbPath)
{
    QSettings s;
    s.beginGroup(key(kLastDb));
    s.setValue(QString::fromLatin1(experimentPath.toUtf8().toHex()), dbPath);
}

QString findSampleDir()
{
    QStringList candidates;
    const QString env = qEnvironmentVariable("DISCERNUS_SAMPLE_DIR");
    if (!env.isEmpty())
        candidates << env;
    const QString appDir = QCoreApplication::applicationDirPath();
    // Build tree: <build>/app/gui/discernus-workbench, <build>/tests/ui/tst_x; the build copies
    // the sample to <build>/share/discernus/sample. Installed: <prefix>/bin.
    for (const char *rel : {"../share/discernus/sample", "../../share/discernus/sample",
                            "../../../share/discernus/sample"})
        candidates << QDir(appDir).filePath(QString::fromLatin1(rel));
    for (const QString &d : QStandardPaths::standardLocations(QStandardPaths::GenericDataLocation))
        candidates << QDir(d).filePath(QStringLiteral("discernus/sample"));
#ifdef WB_SOURCE_SAMPLE_DIR
    candidates << QStringLiteral(WB_SOURCE_SAMPLE_DIR);
#endif
    for (const QString &c : std::as_const(candidates)) {
        if (QFileInfo::exists(QDir(c).filePath(QStringLiteral("experiment.yaml"))))
            return QDir(c).canonicalPath();
    }
    return {};
}

bool installTranslations(QCoreApplication *app, const QString &localeName)
{
    const QLocale locale = localeName.isEmpty() ? QLocale::system() : QLocale(localeName);
    // Numbers, dates and currency follow the chosen language too (QLocale() everywhere in the UI).
    if (!localeName.isEmpty())
        QLocale::setDefault(locale);
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app->installTranslator(qt);
    else
        delete qt;
    auto *own = new QTranslator(app);
    // Catalogues are compiled at build time and embedded under :/i18n.
    if (own->load(locale, QStringLiteral("discernus"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        app->installTranslator(own);
        return true;
    }
    delete own;
    return false;
}

} // namespace ui
} // namespace wb
