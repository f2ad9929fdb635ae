// The agreement report over a real results database: which values become coders and units, means
// over repetitions, stability, correlations and the filter.
#include "core/analysis/agreement.h"
#include "core/storage/resultstore.h"
#include "tests/support/scoredtexts.h"

#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

// Scores of dimension "d1" per model and text (repetition 1, 2); model "a" has two repetitions.
// Texts t1..t5. "c" did not score t5 (its job failed).
struct Planned {
    const char *model;
    int rep;
    double scores[5];
};
const Planned kPlan[] = {
    {"a", 1, {0.1, 0.4, 0.5, 0.9, 0.2}},
    {"a", 2, {0.3, 0.4, 0.7, 0.9, 0.2}},
    {"b", 1, {0.2, 0.5, 0.5, 0.8, 0.1}},
    {"c", 1, {0.9, 0.1, 0.3, 0.2, NA}},
};

} // namespace

class TstAgreement final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("r.sqlite"));
        ResultStore store;
        QVERIFY(store.open(m_db));
        QVERIFY(store.upsertExperiment(QStringLiteral("e"), {}, {}));
        for (const char *m : {"a", "b", "c"}) {
            const QString model = QString::fromLatin1(m);
            QVERIFY(store.upsertRun(RunRow{QStringLiteral("run-") + model, QStringLiteral("e"), model, QStringLiteral("mft"),
                                           QStringLiteral("c"), {QStringLiteral("d1")}}));
        }
        for (const Planned &p : kPlan) {
            const QString run = QStringLiteral("run-") + QString::fromLatin1(p.model);
            QList<JobRow> jobs;
            for (int t = 0; t < 5; ++t) {
                JobRow j;
                j.runId = run;
                j.corpus = QStringLiteral("c");
                j.textId = QStringLiteral("t%1").arg(t + 1);
                j.repetition = p.rep;
                j.key = run + QLatin1Char('|') + j.corpus + QLatin1Char('/') + j.textId + QLatin1Char('|') + QString::number(p.rep);
                jobs << j;
            }
            auto rows = store.ensureJobs(jobs);
            QVERIFY(rows);
            for (const JobRow &row : *rows) {
                if (row.repetition != p.rep)
                    continue;
                const int t = row.textId.mid(1).toInt() - 1;
                JobResult r;
                r.jobId = row.id;
                if (std::isnan(p.scores[t])) {
                    r.status = JobStatus::Failed;
                    r.error = QStringLiteral("boom");
                } else {
                    r.scores = {ScoreRow{QStringLiteral("d1"), p.scores[t], {}}};
                }
                store.recordResult(r);
            }
        }
        QVERIFY(store.flush());
        auto conn = openReadConnection(m_db);
        QVERIFY2(conn, conn ? "" : qPrintable(conn.error().toString()));
        m_conn = *conn;
    }
    void cleanupTestCase() { closeReadConnection(m_conn); }

    void acrossModelsUsesTheMeanOfRepetitions()
    {
        AgreementOptions o;
        o.bootstrapDraws = 200;
        auto report = agreementFromDatabase(m_conn, {}, o);
        QVERIFY2(report, report ? "" : qPrintable(report.error().toString()));
        QCOMPARE(report->dimensions.size(), 1);
        const DimensionAgreement &d = report->dimensions[0];
        QCOMPARE(d.framework, QStringLiteral("mft"));
        QCOMPARE(d.models, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
        QCOMPARE(d.texts, 5);
        // Model a's value per text is the mean of its two repetitions.
        const ReliabilityData expected = {
            {0.2, 0.2, 0.9}, {0.4, 0.5, 0.1}, {0.6, 0.5, 0.3}, {0.9, 0.8, 0.2}, {0.2, 0.1, NA},
        };
        const AlphaValue interval = krippendorffAlpha(expected, AlphaMetric::Interval);
        QVERIFY(std::abs(d.interval.value.alpha - interval.alpha) < 1e-12);
        QCOMPARE(d.interval.value.values, 14);
        QVERIFY(std::abs(d.ordinal.value.alpha - krippendorffAlpha(expected, AlphaMetric::Ordinal).alpha) < 1e-12);
        QVERIFY(d.interval.ci.low <= d.interval.ci.high);
        // Pairs a-b, a-c, b-c; c scored four texts.
        QCOMPARE(d.pairs.size(), 3);
        QCOMPARE(d.pairs[0].modelA, QStringLiteral("a"));
        QCOMPARE(d.pairs[0].modelB, QStringLiteral("b"));
        QCOMPARE(d.pairs[0].pearson.n, 5);
        QCOMPARE(d.pairs[1].pearson.n, 4);
        QVERIFY(d.pairs[0].pearson.r > 0.9);   // a and b agree
        QVERIFY(d.pairs[1].pearson.r < 0);     // c runs against a
        // Stability only for a, over its two repetitions.
        QCOMPARE(d.stability.size(), 1);
        QCOMPARE(d.stability[0].model, QStringLiteral("a"));
        QCOMPARE(d.stability[0].repetitions, 2);
        const ReliabilityData reps = {{0.1, 0.3}, {0.4, 0.4}, {0.5, 0.7}, {0.9, 0.9}, {0.2, 0.2}};
        QVERIFY(std::abs(d.stability[0].interval.value.alpha - krippendorffAlpha(reps, AlphaMetric::Interval).alpha) < 1e-12);
    }

    void filterNarrowsTheModels()
    {
        ResultFilter f;
        f.runIds = {QStringLiteral("run-a"), QStringLiteral("run-b")};
        auto report = agreementFromDatabase(m_conn, f, AgreementOptions{50, 7});
        QVERIFY(report);
        QCOMPARE(report->dimensions[0].models, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(report->dimensions[0].pairs.size(), 1);
        f = {};
        f.model = QStringLiteral("b");
        report = agreementFromDatabase(m_conn, f, AgreementOptions{50, 7});
        QVERIFY(report);
        QVERIFY(std::isnan(report->dimensions[0].interval.value.alpha));   // one model: nothing to agree
        QVERIFY(report->dimensions[0].pairs.isEmpty());
    }

    void jsonAndCsvCarryTheNumbers()
    {
        auto report = agreementFromDatabase(m_conn, {}, AgreementOptions{100, 3});
        QVERIFY(report);
        const QJsonObject json = agreementToJson(*report);
        const QJsonObject dim = json[QStringLiteral("dimensions")].toArray()[0].toObject();
        QCOMPARE(dim[QStringLiteral("across_models")][QStringLiteral("interval")][QStringLiteral("alpha")].toDouble(),
                 report->dimensions[0].interval.value.alpha);
        const QByteArray csv = agreementToCsv(*report);
        const QList<QByteArray> lines = csv.split('\n');
        QVERIFY(lines[0].startsWith("framework,dimension,statistic,"));
        // 2 alpha rows across models + 2 stability rows + 3 pairs x 2 correlations, and the empty tail.
        QCOMPARE(lines.size(), 1 + 2 + 2 + 6 + 1);
        QVERIFY(csv.contains("mft,d1,alpha_stability,a,,interval,"));
        // Same seed, same intervals.
        QCOMPARE(agreementToCsv(*agreementFromDatabase(m_conn, {}, AgreementOptions{100, 3})), csv);
    }

    void streamedDimensionsAreTheSample()
    {
        // forEachDimension() (what the report reads) hands over exactly scoreSample()'s values,
        // split by dimension, with the same models, units and dimensions, for any filter.
        // A second database: two frameworks that share the dimension name "d1" (one walk of the
        // score index fills both), a dimension no job scored, and a score the framework does not
        // declare.
        const QString two = m_dir.filePath(QStringLiteral("two.sqlite"));
        {
            ResultStore store;
            QVERIFY(store.open(two));
            QVERIFY(store.upsertExperiment(QStringLiteral("e"), {}, {}));
            const QStringList f1dims{QStringLiteral("d1"), QStringLiteral("d2"), QStringLiteral("unscored")};
            QVERIFY(store.upsertRun(RunRow{QStringLiteral("run-p"), QStringLiteral("e"), QStringLiteral("p"), QStringLiteral("f1"), QStringLiteral("c"), f1dims}));
            QVERIFY(store.upsertRun(RunRow{QStringLiteral("run-q"), QStringLiteral("e"), QStringLiteral("q"), QStringLiteral("f1"), QStringLiteral("c"), f1dims}));
            QVERIFY(store.upsertRun(RunRow{QStringLiteral("run-r"), QStringLiteral("e"), QStringLiteral("r"), QStringLiteral("f2"), QStringLiteral("c"), {QStringLiteral("d1")}}));
            for (const QString &run : {QStringLiteral("run-p"), QStringLiteral("run-q"), QStringLiteral("run-r")}) {
                QList<JobRow> jobs;
                for (int t = 0; t < 4; ++t)
                    for (int rep = 1; rep <= 2; ++rep) {
                        JobRow j;
                        j.runId = run;
                        j.corpus = QStringLiteral("c");
                        j.textId = QStringLiteral("t%1").arg(t);
                        j.repetition = rep;
                        j.key = run + QLatin1Char('|') + j.textId + QLatin1Char('|') + QString::number(rep);
                        jobs << j;
                    }
                auto rows = store.ensureJobs(jobs);
                QVERIFY(rows);
                for (const JobRow &row : *rows) {
                    JobResult r;
                    r.jobId = row.id;
                    const double base = 0.1 * double(row.id % 7);
                    r.scores = {ScoreRow{QStringLiteral("d1"), base, {}}, ScoreRow{QStringLiteral("d2"), 1 - base, {}},
                                ScoreRow{QStringLiteral("undeclared"), 0.5, {}}};
                    store.recordResult(r);
                }
            }
            QVERIFY(store.flush());
        }
        auto twoConn = openReadConnection(two);
        QVERIFY(twoConn);
        ResultFilter narrow;
        narrow.runIds = {QStringLiteral("run-a"), QStringLiteral("run-c")};
        ResultFilter narrowTwo;
        narrowTwo.model = QStringLiteral("r");
        for (const auto &[conn, f] : {std::pair{m_conn, ResultFilter{}}, std::pair{m_conn, narrow}, std::pair{*twoConn, ResultFilter{}},
                                      std::pair{*twoConn, narrowTwo}}) {
            auto sample = scoreSample(conn, f);
            QVERIFY(sample);
            int visits = 0;
            auto read = forEachDimension(conn, f, [&](const ScoreSample &head, int d, std::vector<ScoreSample::Value> &&values) {
                QCOMPARE(d, visits++);
                QCOMPARE(head.models, sample->models);
                QCOMPARE(head.units, sample->units);
                QCOMPARE(head.dimensions.size(), sample->dimensions.size());
                QVERIFY(head.values.isEmpty());
                auto key = [](const ScoreSample::Value &v) { return std::tuple(v.dimension, v.model, v.unit, v.repetition, v.score); };
                std::vector<std::tuple<int, int, int, int, double>> got, want;
                for (const ScoreSample::Value &v : values)
                    got.push_back(key(v));
                for (const ScoreSample::Value &v : std::as_const(sample->values))
                    if (v.dimension == d)
                        want.push_back(key(v));
                std::sort(got.begin(), got.end());
                std::sort(want.begin(), want.end());
                QCOMPARE(got, want);
            });
            QVERIFY(read);
            QCOMPARE(visits, int(sample->dimensions.size()));
        }
        auto all = scoreSample(*twoConn, {});
        QVERIFY(all);
        QCOMPARE(all->dimensions.size(), 4);   // f1/d1, f1/d2, f1/unscored, f2/d1
        closeReadConnection(*twoConn);
    }

    void reportSaysHowTheIntervalWasDrawn()
    {
        // Five texts: exact bootstrap by default; with the threshold below them, little bootstraps.
        auto report = agreementFromDatabase(m_conn, {}, AgreementOptions{100, 3});
        QVERIFY(report);
        QCOMPARE(report->dimensions[0].interval.ci.method, BootstrapMethod::Exact);
        QJsonObject alpha = agreementToJson(*report)[QStringLiteral("dimensions")].toArray()[0].toObject()[QStringLiteral("across_models")]
                                .toObject()[QStringLiteral("interval")].toObject();
        QCOMPARE(alpha[QStringLiteral("bootstrap")].toString(), QStringLiteral("exact"));
        QCOMPARE(alpha[QStringLiteral("draws")].toInt(), report->dimensions[0].interval.ci.draws);
        QVERIFY(!alpha.contains(QStringLiteral("subsets")));
        QVERIFY(agreementToCsv(*report).contains(",exact,"));

        AgreementOptions o{100, 3};
        o.exactBootstrapUpTo = 2;
        report = agreementFromDatabase(m_conn, {}, o);
        QVERIFY(report);
        const ConfidenceInterval &ci = report->dimensions[0].interval.ci;
        QCOMPARE(ci.method, BootstrapMethod::LittleBootstraps);
        QVERIFY(ci.low <= report->dimensions[0].interval.value.alpha && report->dimensions[0].interval.value.alpha <= ci.high);
        alpha = agreementToJson(*report)[QStringLiteral("dimensions")].toArray()[0].toObject()[QStringLiteral("across_models")]
                    .toObject()[QStringLiteral("interval")].toObject();
        QCOMPARE(alpha[QStringLiteral("bootstrap")].toString(), QStringLiteral("blb"));
        QCOMPARE(alpha[QStringLiteral("subsets")].toInt(), ci.subsets);
        QCOMPARE(alpha[QStringLiteral("subset_units")].toInt(), int(ci.subsetUnits));
        QVERIFY(agreementToCsv(*report).contains(QByteArray(",blb," + QByteArray::number(ci.draws) + ',' + QByteArray::number(ci.subsets) + "\r\n")));
    }

    void jsonRoundTripsTheReport()
    {
        // What is stored with the results is agreementToJson(); read back it must be the same
        // report, with either kind of interval.
        for (const qint64 exactUpTo : {qint64(20000), qint64(2)}) {
            AgreementOptions o{100, 3};
            o.exactBootstrapUpTo = exactUpTo;
            auto report = agreementFromDatabase(m_conn, {}, o);
            QVERIFY(report);
            const QJsonObject json = agreementToJson(*report);
            auto back = agreementFromJson(json);
            QVERIFY2(back, back ? "" : qPrintable(back.error().toString()));
            QCOMPARE(agreementToJson(*back), json);
            QCOMPARE(agreementToCsv(*back), agreementToCsv(*report));
            QCOMPARE(back->dimensions[0].interval.value.observedDisagreement, report->dimensions[0].interval.value.observedDisagreement);
        }
        QVERIFY(!agreementFromJson(QJsonObject{{QStringLiteral("dimensions"), 3}}));
    }

    void storedStatisticsServeUntilResultsAreWritten()
    {
        const QString db = m_dir.filePath(QStringLiteral("stored.sqlite"));
        ResultStore store;
        QVERIFY(store.open(db));
        QVERIFY(store.upsertExperiment(QStringLiteral("e"), {}, {}));
        auto addTexts = [&store](int from, int to) {
            return wbtest::addScoredTexts(store, QStringLiteral("run-a"), from, to, QStringLiteral("d1"), [](int t) { return double(t); })
                && wbtest::addScoredTexts(store, QStringLiteral("run-b"), from, to, QStringLiteral("d1"),
                                          [](int t) { return t + std::fmod(t, 3.0); });
        };
        for (const QString &m : {QStringLiteral("a"), QStringLiteral("b")})
            QVERIFY(store.upsertRun(RunRow{QStringLiteral("run-") + m, QStringLiteral("e"), m, QStringLiteral("mft"), QStringLiteral("c"),
                                           {QStringLiteral("d1")}}));
        QVERIFY(addTexts(0, 6));
        auto conn = openReadConnection(db);
        QVERIFY(conn);
        const AgreementOptions o{200, 5};

        auto first = agreementFor(db, *conn, {}, o);
        QVERIFY2(first, first ? "" : qPrintable(first.error().toString()));
        QVERIFY(!first->stored);
        QCOMPARE(first->report.dimensions[0].texts, 6);
        auto second = agreementFor(db, *conn, {}, o);
        QVERIFY(second);
        QVERIFY(second->stored);
        QVERIFY(second->computedAt.isValid());
        QCOMPARE(agreementToJson(second->report), agreementToJson(first->report));
        // Other options or another filter are other statistics.
        QVERIFY(!agreementFor(db, *conn, {}, AgreementOptions{200, 6})->stored);
        ResultFilter onlyA;
        onlyA.model = QStringLiteral("a");
        QVERIFY(!agreementFor(db, *conn, onlyA, o)->stored);

        // Results written: the stored report is outdated (still readable), and computed again.
        QVERIFY(addTexts(6, 9));
        auto outdated = storedAgreement(*conn, {}, o);
        QVERIFY(outdated && *outdated);
        QVERIFY(!(*outdated)->current);
        QCOMPARE((*outdated)->report.dimensions[0].texts, 6);
        auto third = agreementFor(db, *conn, {}, o);
        QVERIFY(third);
        QVERIFY(!third->stored);
        QCOMPARE(third->report.dimensions[0].texts, 9);
        QVERIFY(agreementFor(db, *conn, {}, o)->stored);

        // A change made outside discernus (a script, a database browser) outdates it too.
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("by-hand"));
            raw.setDatabaseName(db);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("UPDATE scores SET score = 100 WHERE job_id = (SELECT MIN(job_id) FROM scores)")));
            QCOMPARE(q.numRowsAffected(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("by-hand"));
        auto byHand = agreementFor(db, *conn, {}, o);
        QVERIFY(byHand && !byHand->stored);
        QVERIFY(agreementToJson(byHand->report) != agreementToJson(third->report));

        // A database the user made read-only (a re-opened bundle) is never written, not even here.
        closeReadConnection(*conn);
        store.close();
        QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        conn = openReadConnection(db);
        QVERIFY(conn);
        ResultFilter onlyB;
        onlyB.model = QStringLiteral("b");
        QVERIFY(!agreementFor(db, *conn, onlyB, o)->stored);
        QVERIFY(!agreementFor(db, *conn, onlyB, o)->stored);
        QVERIFY(agreementFor(db, *conn, {}, o)->stored);   // what was stored before is still read
        closeReadConnection(*conn);
    }

private:
    QTemporaryDir m_dir;
    QString m_db;
    QString m_conn;
};

QTEST_GUILESS_MAIN(TstAgreement)
#include "tst_agreement.moc"
