// Every page of the workbench holds at 1024×700, in English and in German: the window does not
// grow past that size, no widgets of one layout overlap, no header title, label or button is cut.
#include "layoutcheck.h"
#include "guitestutil.h"
#include "core/router/routertypes.h"
#include "ui/enginetext.h"
#include "ui/estimateview.h"
#include "ui/gaugemodel.h"
#include "ui/mainwindow.h"
#include "ui/project.h"
#include "ui/sharedrunpanel.h"
#include "ui/uisettings.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QTableView>
#include <QLocale>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace wb;
using namespace wb::ui;

class TestLayout : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void pagesHoldAt1024_data();
    void pagesHoldAt1024();
};

void TestLayout::initTestCase()
{
    wbtest::useTestSettings("tst_layout");
}

void TestLayout::pagesHoldAt1024_data()
{
    QTest::addColumn<QString>("lang");
    QTest::newRow("en") << QStringLiteral("en");
    QTest::newRow("de") << QStringLiteral("de");
}

void TestLayout::pagesHoldAt1024()
{
    QFETCH(QString, lang);
    for (QTranslator *t : qApp->findChildren<QTranslator *>()) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
    QVERIFY(installTranslations(qApp, lang));
    QTemporaryDir dir;
    QVERIFY(wbtest::copySample(dir.path()));
    MainWindow w;
    QVERIFY(w.openProject(dir.path(), true));
    w.resize(1024, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QSize min = w.minimumSizeHint();
    QVERIFY2(min.width() <= 1024 && min.height() <= 700,
             qPrintable(QStringLiteral("the window needs at least %1×%2").arg(min.width()).arg(min.height())));
    QStringList problems;
    for (int p = 0; p < MainWindow::PageCount; ++p) {
        w.showPage(p);
        if (p == MainWindow::EstimatePage) {
            QSignalSpy ready(w.estimatePage(), &EstimateView::estimateReady);
            if (w.estimatePage()->computeCount() == 0)
                ready.wait(60000);
        }
        QTest::qWait(150);
        QCOMPARE(w.size(), QSize(1024, 700));   // nothing on the page widened the window
        for (const QString &problem : wbtest::layoutProblems(&w))
            if (!problems.contains(problem))
                problems << QStringLiteral("page %1: %2").arg(p).arg(problem);
    }
    // What a deployment waits for is read in full on the Run page without scrolling: its State
    // column is as wide as the commonest wait ("RPM-Fenster: nächster Aufruf in 55 s") and within view.
    w.showPage(MainWindow::RunPage);
    QTest::qWait(100);
    auto *gauges = w.findChild<QTableView *>(QStringLiteral("deploymentGauges"));
    QVERIFY(gauges);
    for (WaitReason r : {WaitReason::Rpm, WaitReason::CoolingDown}) {
        DeploymentSnapshot d;
        d.waitReason = r;
        d.waitUntilMs = 55000;
        d.failures = 3;
        const QString text = EngineText::waitReason(d, 0);
        const int need = gauges->fontMetrics().horizontalAdvance(text) + 8;
        const int width = gauges->horizontalHeader()->sectionSize(GaugeModel::State);
        if (width < need)
            problems << QStringLiteral("run page: State column %1 px for \"%2\" (needs %3)").arg(width).arg(text).arg(need);
    }
    const int stateEnd = gauges->horizontalHeader()->sectionViewportPosition(GaugeModel::State)
                         + gauges->horizontalHeader()->sectionSize(GaugeModel::State);
    if (stateEnd > gauges->viewport()->width())
        problems << QStringLiteral("run page: the State column ends at %1 px, past the visible %2 px")
                        .arg(stateEnd).arg(gauges->viewport()->width());
    // At 1380 px the deployment's spend is in view as well.
    w.resize(1380, 860);
    QTest::qWait(150);
    const int spendEnd = gauges->horizontalHeader()->sectionViewportPosition(GaugeModel::Spend)
                         + gauges->horizontalHeader()->sectionSize(GaugeModel::Spend);
    if (spendEnd > gauges->viewport()->width())
        problems << QStringLiteral("run page at 1380 px: the Spend column ends at %1 px, past the visible %2 px")
                        .arg(spendEnd).arg(gauges->viewport()->width());
    w.resize(1024, 700);
    // Dialog buttons speak the interface's language even without Qt's own catalogue installed.
    if (lang == QLatin1String("de")) {
        QDialogButtonBox box(QDialogButtonBox::Close | QDialogButtonBox::Cancel | QDialogButtonBox::Yes);
        QCOMPARE(box.button(QDialogButtonBox::Close)->text(), QStringLiteral("Schließen"));
        QCOMPARE(box.button(QDialogButtonBox::Cancel)->text(), QStringLiteral("Abbrechen"));
        QCOMPARE(box.button(QDialogButtonBox::Yes)->text(), QStringLiteral("&Ja"));
    }
    // Run ▸ Watch Shared Run opens a window of its own; it holds within the same size.
    SharedRunPanel shared(w.project());
    shared.show();
    QVERIFY(QTest::qWaitForWindowExposed(&shared));
    const QSize sharedMin = shared.minimumSizeHint();
    if (sharedMin.width() > 1024 || sharedMin.height() > 700)
        problems << QStringLiteral("shared-run window needs at least %1×%2").arg(sharedMin.width()).arg(sharedMin.height());
    for (const QString &problem : wbtest::layoutProblems(&shared))
        problems << QStringLiteral("shared-run window: %1").arg(problem);
    w.project()->close();
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"
