// The workbench's texts, prompts and comparisons on real SQLite files and the bundled sample: the
// corpus browser (list, search, tokens, prompt preview), the results table's dimension columns
// sorted in SQL, the text x model pivot, the box plots and scatter (never another database's
// data), the job detail with text, prompt and formatted reply, and a bundle reopened read-only.
#include "core/bundle/bundle.h"
#include "core/experiment/corpus.h"
#include "core/experiment/prompt.h"
#include "core/pricing/pricing.h"
#include "core/session/promptpreview.h"
#include "core/storage/resultstore.h"
#include "core/tokenize/tokenestimator.h"
#include "core/tokenize/tokenizer.h"
#include "tests/core/storage/storagefixture.h"
#include "tests/ui/sampletestutil.h"
#include "ui/compareview.h"
#include "ui/corpusbrowser.h"
#include "ui/experimenteditor.h"
#include "ui/pivotmodel.h"
#include "ui/project.h"
#include "ui/resultsbackend.h"
#include "ui/resultsmodel.h"
#include "ui/resultsview.h"

#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace wb;
using namespace wb::ui;

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void corpusBrowserListsSearchesAndPreviews();
    void doubleClickOpensCorpus();
    void dimensionColumnsSortInSql();
    void pivotPagesAndMarksSpread();
    void chartsNeverShowAnotherDatabase();
    void detailShowsTextPromptAndReply();
    void bundleReopensReadOnly();

private:
    QString sampleDb(const QString &name, QList<qint64> *ids = nullptr);
    /// A database of the sample experiment: run haiku-mft scored speeches/clean-water.
    QString speechDb(qint64 *jobId);

    QTemporaryDir m_dir;
    QString m_project;
};

void TestCompare::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("sample"));
    QVERIFY(wbtest::copySample(m_project));
}

QString TestCompare::sampleDb(const QString &name, QList<qint64> *ids)
{
    const QString db = m_dir.filePath(name);
    ResultStore store;
    if (!store.open(db))
        return {};
    const QList<qint64> made = wbtest::fillSample(store);
    if (ids)
        *ids = made;
    return made.size() == 5 ? db : QString();
}

QString TestCompare::speechDb(qint64 *jobId)
{
    const QString db = m_dir.filePath(QStringLiteral("speeches.sqlite"));
    ResultStore store;
    if (!store.open(db) || !store.upsertExperiment(QStringLiteral("mft-sample"), {}, QByteArray()))
        return {};
    if (!store.upsertRun({QStringLiteral("haiku-mft"), QStringLiteral("mft-sample"), QStringLiteral("claude-haiku"), QStringLiteral("mft"),
                          QStringLiteral("speeches"), {QStringLiteral("care"), QStringLiteral("purity")}}))
        return {};
    auto rows = store.ensureJobs({wbtest::job(QStringLiteral("haiku-mft"), QStringLiteral("speeches"), QStringLiteral("clean-water"))});
    if (!rows || rows->size() != 1)
        return {};
    JobResult r;
    r.jobId = rows->first().id;
    r.attempts = 1;
    r.scores = {wbtest::score(QStringLiteral("care"), 0.4, QStringLiteral("hand it to our grandchildren")),
                wbtest::score(QStringLiteral("purity"), 0.9, QStringLiteral("sacred"))};
    r.rawResponse = QStringLiteral("{\"care\":{\"score\":0.4,\"evidence\":\"hand it to our grandchildren\"},\"purity\":{\"score\":0.9,\"evidence\":\"sacred\"}}");
    r.completedAt = wbtest::utc("2024-05-01T12:00:00.000Z");
    store.recordResult(r);
    if (!store.flush())
        return {};
    *jobId = r.jobId;
    return db;
}

void TestCompare::corpusBrowserListsSearchesAndPreviews()
{
    Project p;
    QVERIFY(p.open(m_project));
    ExperimentEditor editor(&p);
    CorpusBrowser *b = editor.browseCorpus(0);
    QVERIFY(b);
    QSignalSpy counted(b, &CorpusBrowser::tokensCounted);
    QVERIFY(counted.wait(20000));
    QAbstractItemModelTester tester(b->textsModel());
    QCOMPARE(b->textsModel()->rowCount(), 12);
    // Tokens per text: o200k_base, as the Experiment page's totals count them.
    const auto texts = loadCorpus(p.state().experiment.corpus.first());
    QVERIFY(texts);
    const Tokenizer &tok = Tokenizer::get(Encoding::O200kBase);
    for (int r = 0; r < 12; ++r)
        QCOMPARE(b->textsModel()->tokens(r), qint64(tok.count(texts->at(r).text())));

    // Search matches ids and contents.
    QSignalSpy searched(b, &CorpusBrowser::searchApplied);
    b->setSearch(QStringLiteral("harbour"));
    QVERIFY(searched.wait(10000));
    QCOMPARE(b->visibleCount(), 1);
    b->setSearch(QStringLiteral("grandchildren"));   // only inside clean-water's text
    QVERIFY(searched.wait(10000));
    QVERIFY(b->visibleCount() >= 1);
    QVERIFY(b->visibleCount() < 12);
    b->setSearch(QString());
    QCOMPARE(b->visibleCount(), 12);

    QSignalSpy shown(b, &CorpusBrowser::textShown);
    b->selectText(QStringLiteral("clean-water"));
    QVERIFY(shown.wait(10000));
    const CorpusText &water = *std::find_if(texts->cbegin(), texts->cend(), [](const CorpusText &t) { return t.id == QLatin1String("clean-water"); });
    QCOMPARE(b->shownText(), water.text());

    // The preview is the runner's request, counted and priced like the estimate counts it.
    QSignalSpy previewed(b, &CorpusBrowser::previewShown);
    b->setPreviewChoice(QStringLiteral("mft"), QStringLiteral("claude-haiku"));
    b->previewPrompt();
    QVERIFY(previewed.wait(20000));
    const QString shownPreview = b->previewText();
    const ChatRequest req = buildScoringRequest(*p.state().framework(QStringLiteral("mft")), {&water}, p.state().experiment.execution);
    QVERIFY(shownPreview.contains(req.system.left(80)));
    QVERIFY(shownPreview.contains(water.text().left(60)));
    const TokenEstimator est;
    auto expected = previewPrompt(p.state().models, *p.state().framework(QStringLiteral("mft")), p.state().experiment.execution, water,
                                  QStringLiteral("claude-haiku"), PriceTable::builtIn(), est);
    QVERIFY(expected);
    QCOMPARE(expected->request.user, req.user);
    QVERIFY(expected->promptTokens > 0);
    QVERIFY2(shownPreview.contains(QLocale().toString(expected->promptTokens)), qPrintable(shownPreview.left(400)));
    QVERIFY(expected->inputCostMicros.has_value());   // the sample's models are priced
    // A group the model list lacks is an error naming it, not a silent empty preview.
    auto missing = previewPrompt(p.state().models, *p.state().framework(QStringLiteral("mft")), p.state().experiment.execution, water,
                                 QStringLiteral("no-such-group"), PriceTable::builtIn(), est);
    QVERIFY(!missing);
    QVERIFY(missing.error().toString().contains(QStringLiteral("no-such-group")));
    b->close();
}

void TestCompare::doubleClickOpensCorpus()
{
    Project p;
    QVERIFY(p.open(m_project));
    ExperimentEditor editor(&p);
    editor.resize(1000, 650);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    auto *view = editor.findChild<QTableView *>(QStringLiteral("corpusView"));
    QVERIFY(view);
    QSignalSpy opened(&editor, &ExperimentEditor::corpusBrowserOpened);
    QTRY_VERIFY(view->model()->rowCount() > 0);
    const QRect cell = view->visualRect(view->model()->index(0, 0));
    QVERIFY2(view->viewport()->rect().contains(cell.center()), qPrintable(QStringLiteral("%1,%2 %3x%4").arg(cell.x()).arg(cell.y()).arg(cell.width()).arg(cell.height())));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    QTRY_COMPARE(opened.count(), 1);
    auto *b = opened.first().first().value<CorpusBrowser *>();
    QVERIFY(b);
    QSignalSpy loaded(b, &CorpusBrowser::loaded);
    QVERIFY(loaded.wait(20000) || b->textsModel()->rowCount() == 12);
    QCOMPARE(b->textsModel()->rowCount(), 12);
    QTRY_VERIFY_WITH_TIMEOUT(!b->isBusy(), 20000);
    b->close();
}

void TestCompare::dimensionColumnsSortInSql()
{
    QList<qint64> ids;
    const QString db = sampleDb(QStringLiteral("dims.sqlite"), &ids);
    QVERIFY(!db.isEmpty());
    ResultsModel m;
    QAbstractItemModelTester tester(&m);
    QSignalSpy dims(&m, &ResultsModel::dimensionColumnsChanged);
    QSignalSpy pages(&m, &ResultsModel::pageLoaded);
    m.setDatabase(db);
    QTRY_VERIFY(dims.count() >= 1 && pages.count() >= 1);
    QCOMPARE(m.columnCount(), int(ResultsModel::ColumnCount) + 4);
    const int care = m.dimensionColumn(QStringLiteral("mft"), QStringLiteral("care"));
    const int fairness = m.dimensionColumn(QStringLiteral("mft"), QStringLiteral("fairness"));
    QCOMPARE(care, int(ResultsModel::ColumnCount));
    QCOMPARE(m.headerData(fairness, Qt::Horizontal).toString(), QStringLiteral("mft:fairness"));
    QCOMPARE(m.data(m.index(0, care), ResultsModel::ScoreRole).toDouble(), 0.7);
    QVERIFY(!m.data(m.index(2, care), ResultsModel::ScoreRole).isValid());   // another framework's job
    QVERIFY(m.isSortable(fairness));
    QVERIFY(!m.isSortable(ResultsModel::Scores));
    pages.clear();
    m.sort(fairness, Qt::DescendingOrder);
    QVERIFY(pages.wait());
    QCOMPARE(m.sortColumn(), fairness);
    QList<qint64> order;
    for (int r = 0; r < m.rowCount(); ++r)
        order << m.data(m.index(r, 0), ResultsModel::JobIdRole).toLongLong();
    QCOMPARE(order, (QList<qint64>{ids[1], ids[4], ids[0], ids[3], ids[2]}));
}

void TestCompare::pivotPagesAndMarksSpread()
{
    const QString db = sampleDb(QStringLiteral("pivot.sqlite"));
    QVERIFY(!db.isEmpty());
    ResultsBackend backend;
    backend.setDatabase(db);
    PivotModel pm(&backend);
    QAbstractItemModelTester tester(&pm);
    pm.setPageSize(1);
    QSignalSpy pages(&pm, &PivotModel::pageLoaded);
    pm.refresh();
    QVERIFY(pages.wait());
    QVERIFY(pm.rowCount() >= 1);
    QTRY_COMPARE(pm.totalTexts(), 3);
    QCOMPARE(pm.models(), (QStringList{QStringLiteral("claude"), QStringLiteral("gpt-4o"), QStringLiteral("m")}));
    // Page by page (the model tester may ask for the next one too) until the ids run out; t2 has
    // no finished score, so two of the three texts have a row.
    for (int guard = 0; guard < 20 && (pm.isLoading() || pm.canFetchMore({})); ++guard) {
        if (pm.canFetchMore({}))
            pm.fetchMore({});
        QVERIFY(pages.wait());
    }
    QCOMPARE(pm.rowCount(), 2);
    int t1 = -1;
    for (int r = 0; r < pm.rowCount(); ++r)
        if (pm.data(pm.index(r, 0)).toString() == QLatin1String("c/t1"))
            t1 = r;
    QVERIFY(t1 >= 0);
    const int gptCare = pm.column(QStringLiteral("mft"), QStringLiteral("care"), QStringLiteral("gpt-4o"));
    const int mCare = pm.column(QStringLiteral("mft"), QStringLiteral("care"), QStringLiteral("m"));
    const int careSpread = pm.column(QStringLiteral("mft"), QStringLiteral("care"));
    QCOMPARE(pm.data(pm.index(t1, gptCare), PivotModel::ValueRole).toDouble(), 0.7);
    QCOMPARE(pm.data(pm.index(t1, mCare), PivotModel::ValueRole).toDouble(), 0.5);
    QVERIFY(std::abs(pm.data(pm.index(t1, careSpread), PivotModel::ValueRole).toDouble() - 0.2) < 1e-9);
    QVERIFY(pm.data(pm.index(t1, careSpread), Qt::BackgroundRole).isValid());   // disagreement marked
    QVERIFY(pm.headerData(careSpread, Qt::Horizontal).toString().contains(QStringLiteral("care")));
}

void TestCompare::chartsNeverShowAnotherDatabase()
{
    const QString a = sampleDb(QStringLiteral("charts-a.sqlite"));
    qint64 job = 0;
    const QString b = speechDb(&job);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    CompareView v;
    QSignalSpy shown(&v, &CompareView::chartsShown);
    v.setSource(a, {});
    QVERIFY(shown.wait(10000));
    QCOMPARE(v.sample().texts.size(), 2);   // t2 has no finished score
    QCOMPARE(v.sample().models.size(), 3);
    // Boxes for every model x dimension with scores: gpt-4o and m on mft:care/fairness.
    QCOMPARE(v.boxSetCount(), 4);
    v.setScatter(0, 1, 2);   // mft:care, gpt-4o against m: only t1 has both
    QCOMPARE(v.scatterPointCount(), 1);
    // Another database: the old charts go at once, before the new sample is read.
    v.setSource(b, {});
    QCOMPARE(v.boxSetCount(), 0);
    QCOMPARE(v.scatterPointCount(), 0);
    QVERIFY(v.isComputing());
    QVERIFY(v.sample().texts.isEmpty());
    QVERIFY(shown.wait(10000));
    QCOMPARE(v.sample().models, QStringList{QStringLiteral("claude-haiku")});
    QCOMPARE(v.boxSetCount(), 2);
}

void TestCompare::detailShowsTextPromptAndReply()
{
    qint64 job = 0;
    const QString db = speechDb(&job);
    QVERIFY(!db.isEmpty());
    Project p;
    QVERIFY(p.open(m_project));
    ResultsView view;
    view.setPromptContext(p.state().frameworks, p.state().experiment.corpus, p.state().experiment.execution);
    view.setDatabase(db);
    QSignalSpy detail(&view, &ResultsView::detailShown);
    view.showJob(job);
    QVERIFY(detail.wait(10000));
    const QString text = view.detailText();
    QVERIFY(text.contains(QStringLiteral("Our rivers were once sacred")));
    QVERIFY(text.contains(ResultsView::tr("Prompt as sent")));
    QVERIFY(text.contains(QStringLiteral("Moral Foundations Theory")));
    QVERIFY(text.contains(QStringLiteral("<<<TEXT id=clean-water>>>")));
    QVERIFY(text.contains(QStringLiteral("hand it to our grandchildren")));   // the evidence
    // The reply indented, one key a line.
    QVERIFY2(text.contains(QStringLiteral("\n    \"care\": {")), qPrintable(text));
}

void TestCompare::bundleReopensReadOnly()
{
    qint64 job = 0;
    const QString db = speechDb(&job);
    QVERIFY(!db.isEmpty());
    BundleOptions o;
    o.dbPath = db;
    o.configPath = m_project + QStringLiteral("/litellm_config.yaml");
    o.experimentPath = m_project + QStringLiteral("/experiment.yaml");
    o.outPath = m_dir.filePath(QStringLiteral("run.tar.gz"));
    o.softwareVersion = QStringLiteral("test");
    auto made = makeBundle(o);
    QVERIFY2(made, qPrintable(made ? QString() : made.error().toString()));
    ResultsView view;
    QSignalSpy opened(&view, &ResultsView::bundleOpened);
    QSignalSpy pages(view.model(), &ResultsModel::pageLoaded);
    view.openBundle(o.outPath);
    QVERIFY(opened.wait(20000));
    QCOMPARE(opened.first().first().toString(), QString());
    const QString shownDb = view.database();
    QVERIFY(shownDb != db);
    QVERIFY(!(QFileInfo(shownDb).permissions() & (QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther)));
    auto *banner = view.findChild<QLabel *>(QStringLiteral("resultsBanner"));
    QVERIFY(banner && !banner->isHidden());
    QVERIFY(banner->text().contains(QStringLiteral("run.tar.gz")));
    QTRY_COMPARE(view.model()->rowCount(), 1);
    // A bundle with one byte changed is refused, naming what failed.
    QFile f(o.outPath);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QByteArray bytes = f.readAll();
    bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x01);
    f.seek(0);
    f.write(bytes);
    f.close();
    opened.clear();
    view.openBundle(o.outPath);
    QVERIFY(opened.wait(20000));
    QVERIFY(!opened.first().first().toString().isEmpty());
    // The database last shown stays, with its banner.
    QCOMPARE(view.database(), shownDb);
    // Another database drops the banner.
    view.setDatabase(db);
    QVERIFY(banner->isHidden());
}

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
