// CSV export (docs/FORMATS.md) compared byte for byte with expected files.
#include "core/storage/csvnotes.h"
#include "core/storage/resultquery.h"
#include "core/storage/resultstore.h"
#include "storagefixture.h"
#include "tests/support/csvreader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wbtest;

Q_DECLARE_METATYPE(wb::ResultFilter)

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return "<cannot read " + path.toUtf8() + '>';
    return f.readAll();
}

QString dataFile(const char *name)
{
    return QStringLiteral(WB_SOURCE_DIR "/tests/data/storage/") + QLatin1String(name);
}

/// Shows the first differing line, so a failure says more than "not equal".
QByteArray firstDifference(const QByteArray &actual, const QByteArray &expected)
{
    const QList<QByteArray> a = actual.split('\n'), e = expected.split('\n');
    for (qsizetype i = 0; i < qMax(a.size(), e.size()); ++i) {
        const QByteArray al = a.value(i), el = e.value(i);
        if (al != el)
            return "line " + QByteArray::number(i + 1) + "\n  actual:   " + al + "\n  expected: " + el;
    }
    return {};
}

} // namespace

class TstCsvExport final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("results.sqlite"));
        ResultStore store;
        QVERIFY(store.open(m_db));
        QCOMPARE(fillSample(store).size(), 5);
    }

    void wideMatchesExpected()
    {
        const QString out = m_dir.filePath(QStringLiteral("wide.csv"));
        auto n = exportCsv(m_db, out, {});
        QVERIFY2(n, n ? "" : qPrintable(n.error().toString()));
        QCOMPARE(*n, 5);
        const QByteArray actual = readAll(out), expected = readAll(dataFile("expected_wide.csv"));
        QVERIFY2(actual == expected, firstDifference(actual, expected).constData());
    }

    void longMatchesExpected()
    {
        const QString out = m_dir.filePath(QStringLiteral("long.csv"));
        ExportOptions opt;
        opt.longFormat = true;
        auto n = exportCsv(m_db, out, opt);
        QVERIFY2(n, n ? "" : qPrintable(n.error().toString()));
        QCOMPARE(*n, 10);   // 5 jobs x 2 dimensions of their framework
        const QByteArray actual = readAll(out), expected = readAll(dataFile("expected_long.csv"));
        QVERIFY2(actual == expected, firstDifference(actual, expected).constData());
    }

    void experimentFilterNarrowsRowsAndDimensions()
    {
        const QString out = m_dir.filePath(QStringLiteral("b.csv"));
        ExportOptions opt;
        opt.experiment = QStringLiteral("exp-b");
        auto n = exportCsv(m_db, out, opt);
        QVERIFY(n);
        QCOMPARE(*n, 1);
        QCOMPARE(readAll(out),
                 QByteArray("experiment,run_id,model,deployment,provider,model_version,framework,text_id,repetition,status,"
                            "care,fairness,prompt_tokens,completion_tokens,cached_tokens,cost_usd,latency_ms,attempts,error,"
                            "completed_at,batch\r\n"
                            "exp-b,other,m,d,p,v,mft,t1,1,done,0.5,0.5,10,5,0,0.000010,5,1,,2024-05-01T12:00:03.000Z,\r\n"));

        // exp-a's rows are exactly the full export without exp-b's last line.
        opt.experiment = QStringLiteral("exp-a");
        const QString outA = m_dir.filePath(QStringLiteral("a.csv"));
        auto na = exportCsv(m_db, outA, opt);
        QVERIFY(na);
        QCOMPARE(*na, 4);
        QByteArray expected = readAll(dataFile("expected_wide.csv"));
        expected.chop(expected.size() - expected.lastIndexOf("exp-b,"));
        QCOMPARE(readAll(outA), expected);
    }

    void errorsLeaveTheOutputUntouched()
    {
        const QString out = m_dir.filePath(QStringLiteral("keep.csv"));
        {
            QFile f(out);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("previous export\r\n");
        }
        ExportOptions unknown;
        unknown.experiment = QStringLiteral("no-such-experiment");
        auto r = exportCsv(m_db, out, unknown);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QLatin1String("no-such-experiment")));

        const QString missing = m_dir.filePath(QStringLiteral("missing.sqlite"));
        QVERIFY(!exportCsv(missing, out, {}));
        QVERIFY(!QFile::exists(missing));   // not created as a side effect

        ExportOptions cancel;
        int calls = 0;
        cancel.progress = [&calls](qint64, qint64) { return ++calls < 1; };
        r = exportCsv(m_db, out, cancel);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QLatin1String("cancel")));
        QCOMPARE(readAll(out), QByteArray("previous export\r\n"));
    }

    /// Text cells a spreadsheet would run as formulas are neutralised by default (OWASP: a
    /// leading '), numbers stay numbers, quotes and line breaks survive a round trip; rawCells
    /// writes every cell as stored.
    void formulaCellsAreNeutralisedUnlessRaw()
    {
        const QString db = m_dir.filePath(QStringLiteral("formulas.sqlite"));
        const QString nasty[] = {
            QStringLiteral("=HYPERLINK(\"http://x\",\"click\")"), QStringLiteral("+1+2"), QStringLiteral("-2+3"),
            QStringLiteral("@cmd|' /C calc'!A0"), QStringLiteral("\tTAB"), QStringLiteral("\rCR"),
        };
        {
            ResultStore store;
            QVERIFY(store.open(db));
            QVERIFY(store.upsertExperiment(QStringLiteral("=exp"), {}, QByteArray()));
            QVERIFY(store.upsertRun({QStringLiteral("r"), QStringLiteral("=exp"), QStringLiteral("g"), QStringLiteral("f"),
                                     QStringLiteral("c"), {QStringLiteral("x")}}));
            QList<JobRow> plan;
            for (const QString &t : nasty)
                plan << job(QStringLiteral("r"), QStringLiteral("c"), t);
            plan << job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("-0.5"));
            plan << job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("plain"));
            auto rows = store.ensureJobs(plan);
            QVERIFY(rows);
            for (const JobRow &j : *rows) {
                JobResult res;
                res.jobId = j.id;
                res.modelVersion = QStringLiteral("@version");
                res.costMicros = 1500;
                res.scores = {ScoreRow{QStringLiteral("x"), -0.25, j.textId + QStringLiteral(" said \"yes\",\nthen no")}};
                if (j.textId == QLatin1String("plain")) {
                    res.status = JobStatus::Failed;
                    res.error = QStringLiteral("=1+1 from the provider");
                }
                store.recordResult(res);
            }
        }
        const QString out = m_dir.filePath(QStringLiteral("formulas.csv"));
        ExportOptions opt;
        opt.longFormat = true;
        QVERIFY(exportCsv(db, out, opt));
        const QList<QStringList> safe = parseCsv(QString::fromUtf8(readAll(out)));
        QCOMPARE(safe.size(), 1 + 8);
        const QStringList header = safe.first();
        const auto col = [&header](const char *name) { return header.indexOf(QLatin1String(name)); };
        QVERIFY(col("text_id") >= 0 && col("evidence") >= 0 && col("error") >= 0 && col("score") >= 0);
        for (qsizetype i = 1; i < safe.size(); ++i) {
            const QStringList &r = safe[i];
            QCOMPARE(r.size(), header.size());
            QCOMPARE(r[col("experiment")], QStringLiteral("'=exp"));
            QCOMPARE(r[col("model_version")], QStringLiteral("'@version"));
            QCOMPARE(r[col("score")], QStringLiteral("-0.25"));        // a number stays a number
            QCOMPARE(r[col("cost_usd")], QStringLiteral("0.001500"));
            if (i <= 6)
                QCOMPARE(r[col("text_id")], QLatin1Char('\'') + nasty[i - 1]);
            // Evidence starts with the text id; "-0.5 said ..." is text, not a number, so it is
            // neutralised although the id "-0.5" alone is not.
            const QString rawEvidence = (i <= 6 ? nasty[i - 1] : r[col("text_id")]) + QStringLiteral(" said \"yes\",\nthen no");
            QCOMPARE(r[col("evidence")], i <= 7 ? QLatin1Char('\'') + rawEvidence : rawEvidence);
        }
        QCOMPARE(safe[7][col("text_id")], QStringLiteral("-0.5"));     // entirely a number: left alone
        QCOMPARE(safe[8][col("text_id")], QStringLiteral("plain"));
        QCOMPARE(safe[8][col("error")], QStringLiteral("'=1+1 from the provider"));
        for (const QStringList &r : safe) {
            for (const QString &cell : r) {
                const QChar c = cell.isEmpty() ? QChar() : cell.front();
                QVERIFY2(!(c == u'=' || c == u'+' || c == u'@' || c == u'\t' || c == u'\r')
                             && !(c == u'-' && cell != QLatin1String("-0.25") && cell != QLatin1String("-0.5")),
                         qPrintable(cell));
            }
        }

        opt.rawCells = true;
        QVERIFY(exportCsv(db, out, opt));
        const QList<QStringList> raw = parseCsv(QString::fromUtf8(readAll(out)));
        QCOMPARE(raw.size(), safe.size());
        for (qsizetype i = 1; i <= 6; ++i) {
            QCOMPARE(raw[i][col("text_id")], nasty[i - 1]);
            QCOMPARE(raw[i][col("evidence")], nasty[i - 1] + QStringLiteral(" said \"yes\",\nthen no"));
        }
        QCOMPARE(raw[1][col("experiment")], QStringLiteral("=exp"));
        QCOMPARE(raw[8][col("error")], QStringLiteral("=1+1 from the provider"));
    }

    void streamsManyRowsWithProgress()
    {
        const QString db = m_dir.filePath(QStringLiteral("many.sqlite"));
        const int jobs = 5000;
        {
            ResultStore store;
            QVERIFY(store.open(db));
            store.setFlushPolicy(2000, 0);
            QVERIFY(store.upsertRun({QStringLiteral("r"), QStringLiteral("e"), QStringLiteral("g"), QStringLiteral("f"),
                                     QStringLiteral("c"), {QStringLiteral("x"), QStringLiteral("y")}}));
            QList<JobRow> plan;
            for (int i = 0; i < jobs; ++i)
                plan << job(QStringLiteral("r"), QStringLiteral("c"), QStringLiteral("t%1").arg(i, 5, 10, QLatin1Char('0')));
            auto rows = store.ensureJobs(plan);
            QVERIFY(rows);
            for (const JobRow &j : *rows) {
                JobResult res;
                res.jobId = j.id;
                res.scores = {ScoreRow{QStringLiteral("x"), 0.5, {}}, ScoreRow{QStringLiteral("y"), 0.125, {}}};
                store.recordResult(res);
            }
        }
        QList<std::pair<qint64, qint64>> reports;
        ExportOptions opt;
        opt.progress = [&reports](qint64 done, qint64 total) {
            reports.append({done, total});
            return true;
        };
        const QString out = m_dir.filePath(QStringLiteral("many.csv"));
        auto n = exportCsv(db, out, opt);
        QVERIFY(n);
        QCOMPARE(*n, jobs);
        QVERIFY(reports.size() >= 3);
        QCOMPARE(reports.first(), (std::pair<qint64, qint64>{0, jobs}));
        QCOMPARE(reports.last(), (std::pair<qint64, qint64>{jobs, jobs}));
        for (qsizetype i = 1; i < reports.size(); ++i)
            QVERIFY(reports[i].first >= reports[i - 1].first);
        const QByteArray csv = readAll(out);
        QCOMPARE(csv.count("\r\n"), jobs + 1);
        QVERIFY(csv.contains(",t04999,1,done,0.5,0.125,0,0,0,0.000000,0,0,,"));

        opt.longFormat = true;
        auto nl = exportCsv(db, out, opt);
        QVERIFY(nl);
        QCOMPARE(*nl, 2 * jobs);
    }

    /// The export holds exactly the rows the Results page shows for the same filter (the page's
    /// rows come from fetchResults()).
    void filtersMatchTheResultsView_data()
    {
        QTest::addColumn<ResultFilter>("filter");
        QTest::addColumn<int>("rows");
        auto f = [](auto set) {
            ResultFilter r;
            set(r);
            return r;
        };
        QTest::newRow("model") << f([](ResultFilter &r) { r.model = QStringLiteral("claude"); }) << 2;
        QTest::newRow("framework") << f([](ResultFilter &r) { r.framework = QStringLiteral("mft"); }) << 3;
        QTest::newRow("run list") << f([](ResultFilter &r) { r.runIds = {QStringLiteral("gpt-mft"), QStringLiteral("other")}; }) << 3;
        QTest::newRow("status") << f([](ResultFilter &r) { r.status = QStringLiteral("done"); }) << 3;
        QTest::newRow("search") << f([](ResultFilter &r) { r.textLike = QStringLiteral("T1"); }) << 3;
        QTest::newRow("search with LIKE characters") << f([](ResultFilter &r) { r.textLike = QStringLiteral("s_\u00e9,"); }) << 1;
        QTest::newRow("combined") << f([](ResultFilter &r) {
            r.framework = QStringLiteral("mft");
            r.experiment = QStringLiteral("exp-a");
            r.status = QStringLiteral("done");
            r.textLike = QStringLiteral("t1");
        }) << 1;
    }
    void filtersMatchTheResultsView()
    {
        QFETCH(ResultFilter, filter);
        QFETCH(int, rows);
        const QString out = m_dir.filePath(QStringLiteral("filtered.csv"));
        ExportOptions opt;
        opt.filter = filter;
        auto n = exportCsv(m_db, out, opt);
        QVERIFY2(n, n ? "" : qPrintable(n.error().toString()));
        QCOMPARE(*n, rows);
        auto conn = openReadConnection(m_db);
        QVERIFY(conn);
        auto shown = fetchResults(*conn, filter, 0, 1000);
        closeReadConnection(*conn);
        QVERIFY(shown);
        const QList<QStringList> csv = parseCsv(QString::fromUtf8(readAll(out)));
        QCOMPARE(csv.size() - 1, shown->size());
        const int runCol = int(csv[0].indexOf(QStringLiteral("run_id"))), textCol = int(csv[0].indexOf(QStringLiteral("text_id")));
        for (qsizetype i = 0; i < shown->size(); ++i) {
            QCOMPARE(csv[i + 1][runCol], shown->at(i).runId);
            QCOMPARE(csv[i + 1][textCol], shown->at(i).textId);
        }
    }

    void unknownFilterNamesAreErrors()
    {
        ExportOptions opt;
        opt.filter.model = QStringLiteral("gemini");
        auto r = exportCsv(m_db, m_dir.filePath(QStringLiteral("x.csv")), opt);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QLatin1String("no model named \"gemini\"")));
        opt.filter = {};
        opt.filter.status = QStringLiteral("finished");
        QVERIFY(!exportCsv(m_db, m_dir.filePath(QStringLiteral("x.csv")), opt));
    }

    /// Summing the long format's cost (and tokens) gives each job once: the same totals as wide.
    void longFormatCountsEachJobOnce()
    {
        const QString wide = m_dir.filePath(QStringLiteral("sum-wide.csv")), longPath = m_dir.filePath(QStringLiteral("sum-long.csv"));
        QVERIFY(exportCsv(m_db, wide, {}));
        ExportOptions opt;
        opt.longFormat = true;
        QVERIFY(exportCsv(m_db, longPath, opt));
        auto total = [](const QString &path, const char *column) {
            const QList<QStringList> rows = parseCsv(QString::fromUtf8(readAll(path)));
            const qsizetype c = rows[0].indexOf(QLatin1String(column));
            double sum = 0;
            for (qsizetype i = 1; i < rows.size(); ++i)
                sum += rows[i][c].toDouble();
            return sum;
        };
        for (const char *column : {"cost_usd", "prompt_tokens", "completion_tokens", "attempts"})
            QVERIFY2(qFuzzyCompare(total(wide, column), total(longPath, column)), column);
        QVERIFY(total(wide, "cost_usd") > 2.0);
    }

    void wideEvidenceColumnsAndColumnNotes()
    {
        const QString out = m_dir.filePath(QStringLiteral("evidence.csv"));
        ExportOptions opt;
        opt.evidence = true;
        opt.columnsFile = true;
        opt.filter.runId = QStringLiteral("gpt-mft");
        QVERIFY(exportCsv(m_db, out, opt));
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(readAll(out)));
        const QStringList &h = rows[0];
        QCOMPARE(h.mid(10, 4), (QStringList{QStringLiteral("care"), QStringLiteral("care_evidence"), QStringLiteral("fairness"),
                                            QStringLiteral("fairness_evidence")}));
        QCOMPARE(rows[1][11], QStringLiteral("He said \"care\", twice"));
        QCOMPARE(rows[2][13], QStringLiteral("\u00dcn\u00efc\u00f6d\u00e9 \u65e5\u672c"));
        // The side file names every column, in header order.
        const QStringList notes = QString::fromUtf8(readAll(columnsFilePath(out))).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(notes.size(), h.size());
        for (qsizetype i = 0; i < h.size(); ++i)
            QVERIFY2(notes[i].startsWith(h[i] + QStringLiteral(": ")), qPrintable(notes[i]));
        // Without the option no side file.
        const QString plain = m_dir.filePath(QStringLiteral("plain.csv"));
        QVERIFY(exportCsv(m_db, plain, {}));
        QVERIFY(!QFile::exists(columnsFilePath(plain)));
    }

    /// The batch column holds the provider batch id of the job's last call, whether the call was
    /// its own or a multi-text call that served it; empty when that call was live.
    void batchColumnNamesTheProviderBatch()
    {
        const QString db = m_dir.filePath(QStringLiteral("batches.sqlite"));
        ResultStore store;
        QVERIFY(store.open(db));
        const QList<qint64> ids = fillSample(store);
        QCOMPARE(ids.size(), 5);
        CallRecord live;
        live.deploymentId = QStringLiteral("openai-1");
        live.provider = QStringLiteral("openai");
        live.httpStatus = 200;
        CallRecord viaBatch = live;
        viaBatch.batchId = QStringLiteral("batch_6f2a");
        store.recordCall(live, ids[0]);                        // live only
        store.recordCall(viaBatch, ids[1]);                    // batch only
        CallRecord shared = viaBatch;
        shared.provider = QStringLiteral("anthropic");
        shared.batchId = QStringLiteral("msgbatch_01");
        store.recordCall(shared, QList<qint64>{ids[2], ids[3]});   // one multi-text batch item
        store.recordCall(viaBatch, ids[4]);                    // a batch item, then retried live
        store.recordCall(live, ids[4]);
        QVERIFY(store.flush());

        const QString out = m_dir.filePath(QStringLiteral("batches.csv"));
        ExportOptions opt;
        opt.columnsFile = true;
        QVERIFY(exportCsv(db, out, opt));
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(readAll(out)));
        QCOMPARE(rows.size(), 6);
        const qsizetype col = rows[0].indexOf(QStringLiteral("batch"));
        QCOMPARE(col, rows[0].size() - 1);
        QHash<QString, QString> batchOf;   // run|text -> batch
        for (qsizetype i = 1; i < rows.size(); ++i)
            batchOf.insert(rows[i][1] + QLatin1Char('|') + rows[i][7], rows[i][col]);
        QCOMPARE(batchOf.value(QStringLiteral("gpt-mft|t1")), QString());
        QCOMPARE(batchOf.value(QStringLiteral("gpt-mft|discours_\u00e9,2")), QStringLiteral("batch_6f2a"));
        QCOMPARE(batchOf.value(QStringLiteral("claude-x|t1")), QStringLiteral("msgbatch_01"));
        QCOMPARE(batchOf.value(QStringLiteral("claude-x|t2")), QStringLiteral("msgbatch_01"));
        QCOMPARE(batchOf.value(QStringLiteral("other|t1")), QString());
        const QString notes = QString::fromUtf8(readAll(columnsFilePath(out)));
        QVERIFY(notes.contains(QStringLiteral("\nbatch: the provider's batch id")));
    }

private:
    QTemporaryDir m_dir;
    QString m_db;
};

QTEST_GUILESS_MAIN(TstCsvExport)
#include "tst_csvexport.moc"
