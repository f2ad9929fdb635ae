#pragma once
// What the workbench's window tests share: test-mode settings, and the sample opened in a shown
// window on the Run page with its results going to a database of the test's own.
#include "sampletestutil.h"
#include "ui/mainwindow.h"
#include "ui/runmonitor.h"

#include <QCoreApplication>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace wbtest {

/// Settings and standard paths of a test, never the user's.
inline void useTestSettings(const char *testName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DiscernusTest"));
    QCoreApplication::setApplicationName(QString::fromLatin1(testName));
}

/// Copies the sample into `dir`, opens it in `w`, shows the Run page and points it at
/// `dir/dbName`. Returns the Run page, or null when any step failed.
inline wb::ui::RunMonitor *openSampleOnRunPage(wb::ui::MainWindow &w, const QTemporaryDir &dir, const QString &dbName)
{
    if (!copySample(dir.path()) || !w.openProject(dir.path(), true))
        return nullptr;
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        return nullptr;
    w.showPage(wb::ui::MainWindow::RunPage);
    wb::ui::RunMonitor *run = w.runPage();
    run->setDatabasePath(dir.filePath(dbName));
    return run;
}

} // namespace wbtest
