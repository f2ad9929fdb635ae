// The engine's layering, enforced (docs/ARCHITECTURE.md, "What may depend on what"): a file under
// core/AREA may include headers only from AREA itself and from the areas AREA's CMake target
// depends on, directly or through them. Nothing under core/ may include ui/ or app/ headers, or a
// Qt Widgets header. The areas and their dependencies are read from core/*/CMakeLists.txt, so new
// areas are checked without touching this test.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QHash>
#include <QLibraryInfo>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace {

/// Each area's direct dependencies on other areas, from its CMakeLists.txt:
/// `wb_core_library(AREA ... DEPS ...)` and `target_link_libraries(wb_AREA ... wb_OTHER ...)`.
QHash<QString, QSet<QString>> readAreas(const QString &coreDir, QStringList *problems)
{
    QHash<QString, QSet<QString>> deps;
    QHash<QString, QString> folderOfTarget;   // "wb_router" -> "router"
    QHash<QString, QStringList> linkedTargets;   // folder -> every wb_* it names as a dependency
    const QRegularExpression library(QStringLiteral("wb_core_library\\s*\\(\\s*([A-Za-z0-9_]+)([^)]*)\\)"));
    const QRegularExpression link(QStringLiteral("target_link_libraries\\s*\\(\\s*(wb_[A-Za-z0-9_]+)([^)]*)\\)"));
    const QRegularExpression comment(QStringLiteral("#[^\n]*"));
    const QRegularExpression wbTarget(QStringLiteral("\\bwb_[A-Za-z0-9_]+\\b"));
    for (const QString &folder : QDir(coreDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        QFile f(coreDir + u'/' + folder + QStringLiteral("/CMakeLists.txt"));
        if (!f.open(QIODevice::ReadOnly))
            continue;   // not an area (no library of its own)
        const QString text = QString::fromUtf8(f.readAll()).remove(comment);
        const QRegularExpressionMatch m = library.match(text);
        if (!m.hasMatch()) {
            problems->append(QStringLiteral("core/%1/CMakeLists.txt: no wb_core_library(...)").arg(folder));
            continue;
        }
        if (m.captured(1) != folder)
            problems->append(QStringLiteral("core/%1/CMakeLists.txt: the library is named %2, not after its folder").arg(folder, m.captured(1)));
        folderOfTarget.insert(QStringLiteral("wb_") + m.captured(1), folder);
        deps.insert(folder, {});
        // Only what follows DEPS names dependencies (SOURCES are file names).
        const QString args = m.captured(2);
        const qsizetype depsAt = args.indexOf(QRegularExpression(QStringLiteral("\\bDEPS\\b")));
        QStringList &linked = linkedTargets[folder];
        for (auto it = wbTarget.globalMatch(depsAt < 0 ? QString() : args.mid(depsAt)); it.hasNext();)
            linked << it.next().captured(0);
        for (auto it = link.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch l = it.next();
            for (auto t = wbTarget.globalMatch(l.captured(2)); t.hasNext();)
                linked << t.next().captured(0);
        }
    }
    for (auto it = linkedTargets.cbegin(); it != linkedTargets.cend(); ++it)
        for (const QString &target : it.value())
            if (const QString other = folderOfTarget.value(target); !other.isEmpty() && other != it.key())
                deps[it.key()].insert(other);   // wb_options and the like are not areas
    return deps;
}

/// The areas `area` may include from: itself and its dependencies, transitively.
QSet<QString> allowedFrom(const QString &area, const QHash<QString, QSet<QString>> &deps)
{
    QSet<QString> seen{area};
    QStringList todo{area};
    while (!todo.isEmpty())
        for (const QString &d : deps.value(todo.takeLast()))
            if (!seen.contains(d)) {
                seen.insert(d);
                todo << d;
            }
    return seen;
}

/// Header names that only Qt Widgets provides ("QWidget", "qwidget.h"), from the installed Qt.
QSet<QString> widgetsOnlyHeaders()
{
    const QString headers = QLibraryInfo::path(QLibraryInfo::HeadersPath);
    QSet<QString> widgets;
    for (const QString &h : QDir(headers + QStringLiteral("/QtWidgets")).entryList(QDir::Files))
        widgets.insert(h);
    for (const char *module : {"QtCore", "QtGui", "QtNetwork", "QtSql", "QtConcurrent"})
        for (const QString &h : QDir(headers + u'/' + QLatin1String(module)).entryList(QDir::Files))
            widgets.remove(h);
    return widgets;
}

/// Every layering violation under `coreDir`, as "core/AREA/FILE:LINE: #include ... (why)".
QStringList violations(const QString &coreDir, const QSet<QString> &widgetHeaders)
{
    QStringList found;
    const QHash<QString, QSet<QString>> deps = readAreas(coreDir, &found);
    const QRegularExpression include(QStringLiteral("^\\s*#\\s*include\\s*([<\"])([^>\"]+)[>\"]"));
    for (auto area = deps.cbegin(); area != deps.cend(); ++area) {
        const QSet<QString> allowed = allowedFrom(area.key(), deps);
        QDirIterator it(coreDir + u'/' + area.key(), {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
                found << path + QStringLiteral(": cannot read");
                continue;
            }
            const QString shown = QStringLiteral("core/") + QDir(coreDir).relativeFilePath(path);
            int lineNo = 0;
            while (!f.atEnd()) {
                const QString line = QString::fromUtf8(f.readLine());
                ++lineNo;
                const QRegularExpressionMatch m = include.match(line);
                if (!m.hasMatch())
                    continue;
                const QString header = m.captured(2);
                const QStringList parts = header.split(u'/');
                QString why;
                if (parts.first() == u"core" && parts.size() > 2 && !allowed.contains(parts[1]))
                    why = deps.contains(parts[1]) ? QStringLiteral("core/%1 does not depend on core/%2").arg(area.key(), parts[1])
                                                  : QStringLiteral("core/%1 is not an area").arg(parts[1]);
                else if (parts.first() == u"ui" || parts.first() == u"app")
                    why = QStringLiteral("the engine never includes %1/ headers").arg(parts.first());
                else if (parts.first() == u"QtWidgets" || (m.captured(1) == u"<" && parts.size() == 1 && widgetHeaders.contains(header)))
                    why = QStringLiteral("the engine never uses Qt Widgets");
                if (!why.isEmpty())
                    found << QStringLiteral("%1:%2: %3 (%4)").arg(shown).arg(lineNo).arg(line.trimmed(), why);
            }
        }
    }
    found.sort();
    return found;
}

void write(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestLayering final : public QObject {
    Q_OBJECT
private slots:
    /// The repository itself.
    void coreRespectsItsDependencies()
    {
        const QString core = QStringLiteral(WB_SOURCE_DIR "/core");
        QStringList problems;
        const auto deps = readAreas(core, &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        // Sanity: the reader found the areas and the base of the graph.
        for (const char *area : {"common", "config", "providers", "router", "storage", "experiment"})
            QVERIFY2(deps.contains(QLatin1String(area)), area);
        QVERIFY(deps.value(QStringLiteral("common")).isEmpty());
        QVERIFY(allowedFrom(QStringLiteral("experiment"), deps).contains(QStringLiteral("common")));

        const QStringList found = violations(core, widgetsOnlyHeaders());
        QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("\n%1 include(s) against the layering:\n").arg(found.size()) + found.join(u'\n')));
    }

    /// The checker on a made-up tree: it must see what it is meant to catch, and only that.
    void detectsViolations()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString core = dir.path() + QStringLiteral("/core");
        write(core + QStringLiteral("/base/CMakeLists.txt"), "wb_core_library(base\n  SOURCES base.h\n  DEPS Qt6::Core)\n");
        write(core + QStringLiteral("/mid/CMakeLists.txt"),
              "# DEPS wb_top in a comment does not count\nwb_core_library(mid SOURCES mid.h mid.cpp DEPS wb_options wb_base)\n");
        write(core + QStringLiteral("/top/CMakeLists.txt"),
              "wb_core_library(top SOURCES top.cpp DEPS Qt6::Core)\ntarget_link_libraries(wb_top PRIVATE wb_mid)\n");
        write(core + QStringLiteral("/base/base.h"), "#pragma once\n#include <QString>\n");
        write(core + QStringLiteral("/mid/mid.h"), "#pragma once\n#include \"core/base/base.h\"\n#include \"core/mid/other.h\"\n");
        write(core + QStringLiteral("/mid/mid.cpp"),
              "#include \"core/mid/mid.h\"\n"
              "#include \"core/top/top.h\"\n"              // upwards: mid does not depend on top
              "// #include \"core/top/commented.h\" is text, not an include\n"
              "#include \"core/nowhere/x.h\"\n"            // not an area
              "#include \"ui/mainwindow.h\"\n"
              "#include <QtWidgets/QLabel>\n"
              "#include <QPushButton>\n");
        write(core + QStringLiteral("/top/sub/top.cpp"), "#include \"core/base/base.h\"\n#include \"app/cli/commands.h\"\n");

        QStringList problems;
        const auto deps = readAreas(core, &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        QCOMPARE(deps.value(QStringLiteral("mid")), QSet<QString>{QStringLiteral("base")});
        QCOMPARE(deps.value(QStringLiteral("top")), QSet<QString>{QStringLiteral("mid")});
        QCOMPARE(allowedFrom(QStringLiteral("top"), deps),
                 (QSet<QString>{QStringLiteral("top"), QStringLiteral("mid"), QStringLiteral("base")}));

        const QStringList found = violations(core, {QStringLiteral("QPushButton"), QStringLiteral("QLabel")});
        const QStringList expected{
            QStringLiteral("core/mid/mid.cpp:2: #include \"core/top/top.h\" (core/mid does not depend on core/top)"),
            QStringLiteral("core/mid/mid.cpp:4: #include \"core/nowhere/x.h\" (core/nowhere is not an area)"),
            QStringLiteral("core/mid/mid.cpp:5: #include \"ui/mainwindow.h\" (the engine never includes ui/ headers)"),
            QStringLiteral("core/mid/mid.cpp:6: #include <QtWidgets/QLabel> (the engine never uses Qt Widgets)"),
            QStringLiteral("core/mid/mid.cpp:7: #include <QPushButton> (the engine never uses Qt Widgets)"),
            QStringLiteral("core/top/sub/top.cpp:2: #include \"app/cli/commands.h\" (the engine never includes app/ headers)"),
        };
        QCOMPARE(found, expected);
    }

    /// The installed Qt tells Widgets headers apart from Core/Gui ones (else the check above is blind).
    void knowsWidgetsHeaders()
    {
        const QSet<QString> widgets = widgetsOnlyHeaders();
        if (widgets.isEmpty())
            QSKIP("Qt Widgets headers not installed: only <QtWidgets/...> includes are recognised");
        QVERIFY(widgets.contains(QStringLiteral("QWidget")));
        QVERIFY(widgets.contains(QStringLiteral("QMainWindow")));
        QVERIFY(!widgets.contains(QStringLiteral("QString")));
        QVERIFY(!widgets.contains(QStringLiteral("QObject")));
    }
};

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
