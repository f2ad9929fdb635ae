// F1 opens the user guide at the section of the page in use, in the interface's language: every
// page has a section, and the German interface gets the German guide.
#include "guitestutil.h"
#include "ui/mainwindow.h"
#include "ui/uisettings.h"
#include "ui/userguide.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QListWidget>
#include <QLocale>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTranslator>

using namespace wb::ui;

class TestUserGuide : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        wbtest::useTestSettings("tst_userguide");
    }
    void opensAtThePage_data()
    {
        QTest::addColumn<QString>("lang");
        QTest::addColumn<QString>("title");
        QTest::newRow("en") << QStringLiteral("en") << QStringLiteral("User guide");
        QTest::newRow("de") << QStringLiteral("de") << QStringLiteral("Benutzerhandbuch");
    }
    void opensAtThePage()
    {
        QFETCH(QString, lang);
        QFETCH(QString, title);
        for (QTranslator *t : qApp->findChildren<QTranslator *>()) {
            QCoreApplication::removeTranslator(t);
            delete t;
        }
        QVERIFY(installTranslations(qApp, lang));
        QVERIFY(userGuideMarkdown().section(u'\n', 0, 0).contains(title));

        QTemporaryDir dir;
        QVERIFY(wbtest::copySample(dir.path()));
        MainWindow w;
        QVERIFY(w.openProject(dir.path(), true));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *nav = w.findChild<QListWidget *>(QStringLiteral("pageNavigation"));
        auto *f1 = w.findChild<QAction *>(QStringLiteral("userGuideAction"));
        QVERIFY(nav && f1);
        QCOMPARE(nav->count(), int(MainWindow::PageCount));
        for (int page = 0; page < nav->count(); ++page) {
            w.showPage(page);
            f1->trigger();
            auto *browser = qApp->findChild<QTextBrowser *>(QStringLiteral("userGuideBrowser"));
            if (!browser)
                for (QWidget *top : QApplication::topLevelWidgets())
                    if ((browser = top->findChild<QTextBrowser *>(QStringLiteral("userGuideBrowser"))))
                        break;
            QVERIFY(browser);
            const QTextBlock at = browser->textCursor().block();
            QVERIFY2(at.blockFormat().headingLevel() > 0 && at.text() == nav->item(page)->text(),
                     qPrintable(QStringLiteral("page %1 (%2) opened at \"%3\"").arg(page).arg(nav->item(page)->text(), at.text())));
        }
        // The guide window is made once per language: close it before the next language.
        for (QWidget *top : QApplication::topLevelWidgets())
            if (top->objectName() == QLatin1String("userGuide"))
                top->close();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
};

QTEST_MAIN(TestUserGuide)
#include "tst_userguide.moc"
