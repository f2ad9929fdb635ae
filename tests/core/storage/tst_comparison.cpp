// The comparison queries behind the results table's dimension columns, the text x model pivot and
// the charts, on real SQLite files: means over repetitions, spread, paging by text, the evenly
// spaced sample, filters, and ordering all results by one dimension's score.
#include "core/storage/resultfilter_p.h"
#include "core/storage/resultquery.h"
#include "core/storage/resultstore.h"
#include "tests/core/storage/storagefixture.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace wb;
using wbtest::job;
using wbtest::score;

class TestComparison : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void pageMeansAndSpread();
    void pagesFollowTextOrder();
    void sampleIsEvenlySpaced();
    void filterLimitsModels();
    void dimensionListAndScoreSort();
    void scoreSortOnASchema3Database();

private:
    QTemporaryDir m_dir;
    QString m_db, m_conn;
};

namespace {
// Model a scores x = i/10 in repetition 1 and i/10 + 0.1 in repetition 2 (mean i/10 + 0.05) and
// y = 0.5; model b scores x = i/10, plus 0.3 on odd texts, and y = 0.2. Text 10 failed for b.
double aX(int i) { return i / 10.0 + 0.05; }
double bX(int i) { return i / 10.0 + (i % 2 ? 0.3 : 0.0); }
QString textId(int i) { return QStringLiteral("t%1").arg(i, 2, 10, QLatin1Char('0')); }
} // namespace

void TestComparison::init()
{
    m_db = m_dir.filePath(QStringLiteral("cmp-%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
    {
        ResultStore store;
        QVERIFY(store.open(m_db));
        QVERIFY(store.upsertExperiment(QStringLiteral("e"), {}, QByteArray()));
        const QStringList dims{QStringLiteral("x"), QStringLiteral("y")};
        QVERIFY(store.upsertRun({QStringLiteral("ra"), QStringLiteral("e"), QStringLiteral("a"), QStringLiteral("f"), QStringLiteral("c"), dims}));
        QVERIFY(store.upsertRun({QStringLiteral("rb"), QStringLiteral("e"), QStringLiteral("b"), QStringLiteral("f"), QStringLiteral("c"), dims}));
        QList<JobRow> planned;
        for (int i = 1; i <= 10; ++i) {
            planned << job(QStringLiteral("ra"), QStringLiteral("c"), textId(i), 1) << job(QStringLiteral("ra"), QStringLiteral("c"), textId(i), 2)
                    << job(QStringLiteral("rb"), QStringLiteral("c"), textId(i), 1);
        }
        auto rows = store.ensureJobs(planned);
        QVERIFY(rows);
        for (const JobRow &r : *rows) {
            const int i = r.textId.mid(1).toInt();
            JobResult res;
            res.jobId = r.id;
            res.attempts = 1;
            res.completedAt = wbtest::utc("2024-05-01T12:00:00.000Z");
            if (r.runId == QLatin1String("ra")) {
                res.scores = {score(QStringLiteral("x"), i / 10.0 + (r.repetition == 2 ? 0.1 : 0.0), {}), score(QStringLiteral("y"), 0.5, {})};
            } else if (i == 10) {
                res.status = JobStatus::Failed;
                res.error = QStringLiteral("no reply");
            } else {
                res.scores = {score(QStringLiteral("x"), bX(i), {}), score(QStringLiteral("y"), 0.2, {})};
            }
            store.recordResult(res);
        }
        QVERIFY(store.flush());
    }
    auto conn = openReadConnection(m_db);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().toString()));
    m_conn = *conn;
}

void TestComparison::cleanup()
{
    if (!m_conn.isEmpty())
        closeReadConnection(m_conn);
    m_conn.clear();
}

void TestComparison::pageMeansAndSpread()
{
    auto page = comparisonPage(m_conn, {}, 0, 100);
    QVERIFY2(page, qPrintable(page ? QString() : page.error().toString()));
    QCOMPARE(page->models, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(page->dimensions.size(), 2);
    QCOMPARE(page->dimensions[0].dimension, QStringLiteral("x"));
    QCOMPARE(page->totalTexts, 10);
    QCOMPARE(page->idsRead, 10);
    QCOMPARE(page->texts.size(), 10);
    QCOMPARE(page->texts.first(), QStringLiteral("c/t01"));
    for (int t = 0; t < 10; ++t) {
        const int i = t + 1;
        QVERIFY(std::abs(page->mean(t, 0, 0) - aX(i)) < 1e-9);   // a: the mean of its two repetitions
        QVERIFY(std::abs(page->mean(t, 0, 1) - 0.5) < 1e-9);
        if (i == 10) {
            // b failed on t10: no mean, and no spread with one model left.
            QVERIFY(std::isnan(page->mean(t, 1, 0)));
            QVERIFY(std::isnan(page->spread(t, 0)));
            continue;
        }
        QVERIFY(std::abs(page->mean(t, 1, 0) - bX(i)) < 1e-9);
        QVERIFY(std::abs(page->spread(t, 0) - std::abs(aX(i) - bX(i))) < 1e-9);
        QVERIFY(std::abs(page->spread(t, 1) - 0.3) < 1e-9);
    }
}

void TestComparison::pagesFollowTextOrder()
{
    auto page = comparisonPage(m_conn, {}, 3, 4, false);
    QVERIFY(page);
    QCOMPARE(page->texts, (QStringList{QStringLiteral("c/t04"), QStringLiteral("c/t05"), QStringLiteral("c/t06"), QStringLiteral("c/t07")}));
    QCOMPARE(page->idsRead, 4);
    QCOMPARE(page->totalTexts, 0);   // not counted when not asked
    QVERIFY(std::abs(page->mean(1, 1, 0) - bX(5)) < 1e-9);
    auto last = comparisonPage(m_conn, {}, 8, 4);
    QVERIFY(last);
    QCOMPARE(last->idsRead, 2);
    QCOMPARE(last->texts.last(), QStringLiteral("c/t10"));
}

void TestComparison::sampleIsEvenlySpaced()
{
    auto all = comparisonSample(m_conn, {}, 100);
    QVERIFY(all);
    QVERIFY(!all->sampled);
    QCOMPARE(all->texts.size(), 10);
    auto sample = comparisonSample(m_conn, {}, 3);
    QVERIFY(sample);
    QVERIFY(sample->sampled);
    QCOMPARE(sample->totalTexts, 10);
    // Every fourth of the ten ids (ceil(10 / 3)).
    QCOMPARE(sample->texts, (QStringList{QStringLiteral("c/t01"), QStringLiteral("c/t05"), QStringLiteral("c/t09")}));
    QVERIFY(std::abs(sample->mean(2, 1, 0) - bX(9)) < 1e-9);
    // Over ten times more jobs than texts asked for: the texts of the jobs at evenly spaced ids
    // (1 and 15 of 1..30: t01 and t05), not counted.
    auto strided = comparisonSample(m_conn, {}, 2);
    QVERIFY(strided);
    QVERIFY(strided->sampled);
    QCOMPARE(strided->totalTexts, -1);
    QCOMPARE(strided->texts, (QStringList{QStringLiteral("c/t01"), QStringLiteral("c/t05")}));
    QVERIFY(std::abs(strided->mean(1, 0, 0) - aX(5)) < 1e-9);
    auto counted = countTexts(m_conn, {});
    QVERIFY(counted);
    QCOMPARE(*counted, 10);
}

void TestComparison::filterLimitsModels()
{
    ResultFilter f;
    f.model = QStringLiteral("a");
    f.textLike = QStringLiteral("t0");
    auto page = comparisonPage(m_conn, f, 0, 100);
    QVERIFY(page);
    QCOMPARE(page->models, QStringList{QStringLiteral("a")});
    QCOMPARE(page->totalTexts, 9);   // t01..t09
    QVERIFY(std::isnan(page->spread(0, 0)));
}

void TestComparison::dimensionListAndScoreSort()
{
    // The shared fixture: frameworks mft [care, fairness] and xf [fairness, novelty].
    const QString db = m_dir.filePath(QStringLiteral("sample.sqlite"));
    QList<qint64> ids;
    {
        ResultStore store;
        QVERIFY(store.open(db));
        ids = wbtest::fillSample(store);
        QCOMPARE(ids.size(), 5);
    }
    auto conn = openReadConnection(db);
    QVERIFY(conn);
    auto dims = dimensionList(*conn);
    QVERIFY(dims);
    QStringList names;
    for (const ScoreSample::Dimension &d : *dims)
        names << d.framework + QLatin1Char(':') + d.dimension;
    QCOMPARE(names, (QStringList{QStringLiteral("mft:care"), QStringLiteral("mft:fairness"), QStringLiteral("xf:fairness"),
                                 QStringLiteral("xf:novelty")}));
    ResultSort s;
    s.key = ResultSort::Key::Score;
    s.framework = QStringLiteral("mft");
    s.dimension = QStringLiteral("fairness");
    auto order = [&](const ResultSort &sort, qint64 offset, int limit) {
        QList<qint64> out;
        auto rows = fetchResultsSorted(*conn, {}, sort, offset, limit);
        if (rows)
            for (const ResultRowView &r : *rows)
                out << r.jobId;
        return out;
    };
    // 0.25, 0.5, 1.0; the jobs of the xf run have no mft:fairness and come last in either
    // direction (in job order, the direction's way).
    QCOMPARE(order(s, 0, 10), (QList<qint64>{ids[0], ids[4], ids[1], ids[2], ids[3]}));
    // Pages across the boundary between scored and unscored jobs, and past it.
    QCOMPARE(order(s, 2, 2), (QList<qint64>{ids[1], ids[2]}));
    QCOMPARE(order(s, 3, 10), (QList<qint64>{ids[2], ids[3]}));
    QCOMPARE(order(s, 4, 10), (QList<qint64>{ids[3]}));
    QCOMPARE(order(s, 5, 10), QList<qint64>{});
    s.descending = true;
    QCOMPARE(order(s, 0, 10), (QList<qint64>{ids[1], ids[4], ids[0], ids[3], ids[2]}));
    QCOMPARE(order(s, 1, 2), (QList<qint64>{ids[4], ids[0]}));
    QCOMPARE(order(s, 3, 1), (QList<qint64>{ids[3]}));
    // A filter applies to both parts: the xf framework alone leaves only unscored jobs.
    ResultFilter onlyXf;
    onlyXf.framework = QStringLiteral("xf");
    auto rows = fetchResultsSorted(*conn, onlyXf, s, 0, 10);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 2);
    QCOMPARE(rows->at(0).jobId, ids[3]);
    // A filter that leaves few jobs sorts them directly instead of walking the index; the order
    // is the same as the walk's over the same jobs.
    for (const bool descending : {false, true}) {
        s.descending = descending;
        ResultFilter expA;
        expA.experiment = QStringLiteral("exp-a");   // gpt-mft and claude-x: ids[0..3]
        QList<qint64> expected;
        for (qint64 id : order(s, 0, 10))
            if (id != ids[4])
                expected << id;
        auto few = fetchResultsSorted(*conn, expA, s, 0, 10);
        QVERIFY(few);
        QList<qint64> got;
        for (const ResultRowView &r : *few)
            got << r.jobId;
        QCOMPARE(got, expected);
        auto page = fetchResultsSorted(*conn, expA, s, 1, 2);
        QVERIFY(page);
        QCOMPARE(page->size(), 2);
        QCOMPARE(page->at(0).jobId, expected[1]);
        QCOMPARE(page->at(1).jobId, expected[2]);
        // The same filters walking the index (threshold 0) give the same rows in the same order.
        for (const ResultFilter &f : {expA, onlyXf}) {
            auto sorted = fetchResultsSorted(*conn, f, s, 0, 10);
            auto walked = storage_detail::fetchResultsSortedWith(*conn, f, s, 0, 10, 0);
            QVERIFY(sorted && walked);
            QList<qint64> a, b;
            for (const ResultRowView &r : *sorted)
                a << r.jobId;
            for (const ResultRowView &r : *walked)
                b << r.jobId;
            QCOMPARE(b, a);
            auto walkedPage = storage_detail::fetchResultsSortedWith(*conn, f, s, 1, 1, 0);
            QVERIFY(walkedPage);
            QCOMPARE(walkedPage->size(), 1);
            QCOMPARE(walkedPage->at(0).jobId, a[1]);
        }
    }
    closeReadConnection(*conn);
}

/// A file of the previous schema (no score index) is read as it is, sorted the same, and gets the
/// index when a writer opens it.
void TestComparison::scoreSortOnASchema3Database()
{
    const QString db = m_dir.filePath(QStringLiteral("schema3.sqlite"));
    QList<qint64> ids;
    {
        ResultStore store;
        QVERIFY(store.open(db));
        ids = wbtest::fillSample(store);
        QCOMPARE(ids.size(), 5);
    }
    auto indexCount = [&db] {
        int n = -1;
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("schema3-raw"));
            raw.setDatabaseName(db);
            if (raw.open()) {
                QSqlQuery q(raw);
                if (q.exec(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name = 'idx_scores_dimension_score'")) && q.next())
                    n = q.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("schema3-raw"));
        return n;
    };
    QCOMPARE(indexCount(), 1);
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("schema3-down"));
        raw.setDatabaseName(db);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        // Back to schema 3: what steps 4 and 5 added goes (see schema.cpp).
        QVERIFY(q.exec(QStringLiteral("DROP INDEX idx_scores_dimension_score")));
        QStringList triggers;
        QVERIFY(q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'trigger'")));
        while (q.next())
            triggers << q.value(0).toString();
        QCOMPARE(triggers.size(), 4);
        for (const QString &t : std::as_const(triggers))
            QVERIFY(q.exec(QStringLiteral("DROP TRIGGER ") + t));
        QVERIFY(q.exec(QStringLiteral("DROP TABLE results_version")));
        QVERIFY(q.exec(QStringLiteral("DROP TABLE stored_reports")));
        QVERIFY(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version > 3")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 3")));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("schema3-down"));
    QCOMPARE(indexCount(), 0);

    auto conn = openReadConnection(db);
    QVERIFY2(conn, qPrintable(conn ? QString() : conn.error().toString()));
    ResultSort s;
    s.key = ResultSort::Key::Score;
    s.framework = QStringLiteral("mft");
    s.dimension = QStringLiteral("fairness");
    auto rows = fetchResultsSorted(*conn, {}, s, 0, 10);
    QVERIFY(rows);
    QList<qint64> order;
    for (const ResultRowView &r : *rows)
        order << r.jobId;
    QCOMPARE(order, (QList<qint64>{ids[0], ids[4], ids[1], ids[2], ids[3]}));
    closeReadConnection(*conn);
    QCOMPARE(indexCount(), 0);   // a reader never migrates

    {
        ResultStore store;
        QVERIFY(store.open(db));
        QCOMPARE(store.schemaVersion(), ResultStore::latestSchemaVersion());
    }
    QCOMPARE(indexCount(), 1);
}

QTEST_GUILESS_MAIN(TestComparison)
#include "tst_comparison.moc"
