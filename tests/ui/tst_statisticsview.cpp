// The Statistics page: computed off the GUI thread over a real results database, the numbers of
// core/analysis shown per dimension, and a result for a database the page no longer shows dropped.
#include "core/storage/resultstore.h"
#include "ui/statisticsview.h"
#include "tests/support/scoredtexts.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace wb;

namespace {

/// Two models scoring `texts` texts on one dimension; model b = a + offset (perfectly correlated).
bool makeDatabase(const QString &path, int texts, double offset, const QString &framework)
{
    ResultStore store;
    if (!store.open(path) || !store.upsertExperiment(QStringLiteral("e"), {}, {}))
        return false;
    for (const QString &m : {QStringLiteral("a"), QStringLiteral("b")}) {
        if (!store.upsertRun(RunRow{QStringLiteral("run-") + m, QStringLiteral("e"), m, framework, QStringLiteral("c"), {QStringLiteral("d")}}))
            return false;
        const bool shifted = m != QLatin1String("a");
        if (!wbtest::addScoredTexts(store, QStringLiteral("run-") + m, 0, texts, QStringLiteral("d"),
                                    [&](int t) { return double(t) / texts + (shifted ? offset : 0.0); }))
            return false;
    }
    return true;
}

} // namespace

class TstStatisticsView final : public QObject {
    Q_OBJECT

private slots:
    void showsTheReportOfTheCurrentSource()
    {
        QTemporaryDir dir;
        const QString agree = dir.filePath(QStringLiteral("agree.sqlite")), shifted = dir.filePath(QStringLiteral("shifted.sqlite"));
        QVERIFY(makeDatabase(agree, 20, 0.0, QStringLiteral("same")));
        QVERIFY(makeDatabase(shifted, 20, 0.3, QStringLiteral("shift")));

        ui::StatisticsView view;
        view.resize(900, 500);
        view.show();
        QSignalSpy shown(&view, &ui::StatisticsView::reportShown);
        // Ask for one database and at once for the other: only the second may be shown.
        view.setSource(agree, {});
        view.setSource(shifted, {});
        QVERIFY(view.isBusy());   // the GUI thread did not compute it
        QTRY_VERIFY_WITH_TIMEOUT(!view.isBusy() && shown.count() >= 1, 20000);
        QTest::qWait(200);   // a late result of the first request would arrive now
        QCOMPARE(view.report().dimensions.size(), 1);
        QCOMPARE(view.report().dimensions[0].framework, QStringLiteral("shift"));
        const QTreeWidgetItem *top = view.tree()->topLevelItem(0);
        QCOMPARE(top->text(ui::StatisticsView::ComparisonColumn), QStringLiteral("shift / d"));
        // A constant shift: perfectly correlated, but interval alpha well below 1.
        const double alpha = view.report().dimensions[0].interval.value.alpha;
        QVERIFY(alpha < 0.9);
        QVERIFY(top->text(ui::StatisticsView::IntervalColumn).startsWith(QLocale().toString(alpha, 'f', 3)));
        // Twenty texts: the exact bootstrap, and the tooltip says so.
        QCOMPARE(top->toolTip(ui::StatisticsView::IntervalColumn),
                 ui::StatisticsView::tr("95 % interval: percentile bootstrap, %1 resamples").arg(view.report().dimensions[0].interval.ci.draws));
        bool pair = false;
        for (int i = 0; i < top->childCount(); ++i) {
            if (top->child(i)->text(ui::StatisticsView::ComparisonColumn) == QLatin1String("a vs b")) {
                QCOMPARE(top->child(i)->text(ui::StatisticsView::PearsonColumn), QLocale().toString(1.0, 'f', 3));
                QCOMPARE(top->child(i)->text(ui::StatisticsView::TextsColumn), QStringLiteral("20"));
                pair = true;
            }
        }
        QVERIFY(pair);

        // The statistics export of what is shown.
        const QString out = dir.filePath(QStringLiteral("stats.csv"));
        QVERIFY(view.exportCsv(out));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("shift,d,pearson,a,b,,1,"));
        QVERIFY(QFile::exists(out + QStringLiteral(".columns.txt")));
    }

    void hiddenPageWaitsUntilShown()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("r.sqlite"));
        QVERIFY(makeDatabase(db, 5, 0.0, QStringLiteral("f")));
        ui::StatisticsView view;
        view.setSource(db, {});
        QVERIFY(!view.isBusy());   // not visible: nothing computed yet
        QSignalSpy shown(&view, &ui::StatisticsView::reportShown);
        view.show();
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 20000);
        QCOMPARE(view.report().dimensions.size(), 1);
        QCOMPARE(view.report().dimensions[0].interval.value.alpha, 1.0);   // identical scores
    }

    void storedStatisticsShowAtOnceAndOutdatedOnesAreMarked()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("r.sqlite"));
        QVERIFY(makeDatabase(db, 12, 0.1, QStringLiteral("f")));
        // After a run: computed while the page is hidden, and stored with the results.
        ui::StatisticsView hidden;
        QSignalSpy prepared(&hidden, &ui::StatisticsView::reportShown);
        hidden.setSource(db, {});
        hidden.prepare();
        QVERIFY(hidden.isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(prepared.count() == 1, 20000);
        QCOMPARE(hidden.report().dimensions.size(), 1);

        // Another look: the stored report, said so, the same numbers.
        ui::StatisticsView view;
        QSignalSpy shown(&view, &ui::StatisticsView::reportShown);
        QSignalSpy outdated(&view, &ui::StatisticsView::outdatedReportShown);
        view.setSource(db, {});
        view.show();
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 1, 20000);
        QCOMPARE(outdated.count(), 0);
        QVERIFY2(view.statusText().contains(QStringLiteral("no result was written since")), qPrintable(view.statusText()));
        QCOMPARE(agreementToJson(view.report()), agreementToJson(hidden.report()));

        // Results written since: the stored figures are shown marked, then replaced.
        QVERIFY(makeDatabase(db, 15, 0.1, QStringLiteral("f")));
        view.setSource(db, {});
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() == 2, 20000);
        QCOMPARE(outdated.count(), 1);
        QCOMPARE(view.report().dimensions[0].texts, 15);
        QVERIFY(!view.statusText().contains(QStringLiteral("no result was written since")));
    }
};

QTEST_MAIN(TstStatisticsView)
#include "tst_statisticsview.moc"
