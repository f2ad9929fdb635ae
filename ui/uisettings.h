#pragma once
// Typed settings of the workbench (docs/ARCHITECTURE.md, "Conventions"): every key and its default in one place.
// Only paths and window state are stored here — never API keys or key values.
#include <QByteArray>
#include <QString>
#include <QStringList>

class QTranslator;
class QCoreApplication;

namespace wb {
namespace ui {

class UiSettings final {
public:
    static QStringList recentProjects();
    /// Moves `experimentPath` to the front of the list (max 8 entries, existing files only).
    static void addRecentProject(const QString &experimentPath);
    static void removeRecentProject(const QString &experimentPath);

    static bool firstRunDone();
    static void setFirstRunDone(bool done);

    static QByteArray windowGeometry();
    static void setWindowGeometry(const QByteArray &g);
    static QByteArray windowState();
    static void setWindowState(const QByteArray &s);

    static QString lastDatabase(const QString &experimentPath);
    static void setLastDatabase(const QString &experimentPath, const QString &dbPath);

    static constexpr int MaxRecent = 8;
};

/// The bundled sample project (litellm_config.yaml, experiment.yaml, frameworks/, corpus/).
/// Looks, in order, at $DISCERNUS_SAMPLE_DIR, next to the binary in the build tree
/// (<build>/share/discernus/sample), the install prefix (<prefix>/share/discernus/sample),
/// the XDG data dirs and finally the source tree. Empty if none has an experiment.yaml.
QString findSampleDir();

/// Installs the Qt and workbench translations for the system locale (or `localeName`).
/// Returns true when a workbench catalogue for that language was found.
bool installTranslations(QCoreApplication *app, const QString &localeName = {});

} // namespace ui
} // namespace wb
