// A budget cap holds whatever the provider counts (docs/ARCHITECTURE.md, "Budget"): the simulator
// counts each prompt count_factor = 6 times its usual count, on texts that are long runs of one
// character or of whitespace (where a real tokenizer's count is furthest from the estimate).
// Neither the provider's own bill nor the database's ledger may pass the cap.
#include "core/pricing/pricing.h"
#include "core/session/experimentrunner.h"
#include "core/sim/providersimulator.h"
#include "core/tokenize/tokenizer.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

namespace {

constexpr double kCountFactor = 6.0;
constexpr int kTexts = 32;
constexpr int kTextChars = 6000;

/// Long runs of one character, of spaces, tabs or newlines: o200k packs these into long tokens
/// (8 letters, 16 to 64 blanks), a provider's tokenizer may not. Six times our count stays within
/// the bytes, as any BPE tokenizer's count does (o200k packs "bbbb" only 4 to a token: six times
/// that would be 1.5 tokens per byte, which no tokenizer can bill; such a count is clamped, see
/// tst_tokenbound).
QString text(int i)
{
    static const char16_t letters[] = {u'a', u'f', u'l', u'o', u'x'};
    switch (i % 4) {
    case 0: return QString(kTextChars, QChar(letters[(i / 4) % 5]));
    case 1: return QString(kTextChars, u' ') + QStringLiteral("end %1").arg(i);
    case 2: return QString(kTextChars, u'\t') + QStringLiteral("end %1").arg(i);
    default: return QStringLiteral("start %1").arg(i) + QString(kTextChars, u'\n');
    }
}

struct Project {
    QString config, experiment, db;
};

Project writeProject(const QTemporaryDir &dir, const ProviderSimulator &sim, const QString &model, const QString &key,
                     const QString &apiBase)
{
    QDir(dir.path()).mkpath(QStringLiteral("corpus"));
    for (int i = 0; i < kTexts; ++i) {
        QFile f(dir.filePath(QStringLiteral("corpus/t%1.txt").arg(i, 3, 10, QLatin1Char('0'))));
        f.open(QIODevice::WriteOnly);
        f.write(text(i).toUtf8());
    }
    QFile fw(dir.filePath(QStringLiteral("fw.yaml")));
    fw.open(QIODevice::WriteOnly);
    fw.write("framework:\n  id: fw\n  name: F\n  version: \"1\"\n  instructions: Score it.\n  dimensions:\n"
             "    - {id: care, name: Care, description: c, min: 0, max: 1}\n");
    fw.close();
    QFile ef(dir.filePath(QStringLiteral("experiment.yaml")));
    ef.open(QIODevice::WriteOnly);
    ef.write("experiment: {name: inflation, description: test}\ncorpus:\n  - {id: c, path: corpus/}\n"
             "frameworks:\n  - {id: fw, path: fw.yaml}\nexecution:\n  max_tokens: 200\n  matrix:\n"
             "    - {run_id: r, model: g, framework: fw, corpus_subset: c}\n");
    ef.close();
    QFile mf(dir.filePath(QStringLiteral("litellm_config.yaml")));
    mf.open(QIODevice::WriteOnly);
    mf.write(QStringLiteral("model_list:\n  - model_name: g\n    litellm_params: {model: %1, api_key: %2, api_base: %3}\n")
                 .arg(model, key, sim.baseUrl() + apiBase)
                 .toUtf8());
    mf.close();
    return {mf.fileName(), ef.fileName(), dir.filePath(QStringLiteral("results.db"))};
}

RunSummary runOnce(const Project &p, std::optional<double> budget)
{
    RunOptions o;
    o.configPath = p.config;
    o.experimentPath = p.experiment;
    o.dbPath = p.db;
    o.maxBudgetOverride = budget;
    ExperimentRunner runner(o);
    QSignalSpy done(&runner, &ExperimentRunner::finished);
    runner.start();
    if (!done.wait(120000))
        return {};
    return done.first().first().value<RunSummary>();
}

/// What the provider billed, by its own count: its prompt and completion tokens at list price.
qint64 billedMicros(const SimKeyStats &k, const ModelPrice &price)
{
    Usage u;
    u.promptTokens = k.promptTokens;
    u.completionTokens = k.completionTokens;
    return costMicros(price, u);
}

qint64 sumOf(const QString &db, const QString &sql)
{
    qint64 v = -1;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("sum"));
        c.setDatabaseName(db);
        c.open();
        QSqlQuery q(c);
        if (q.exec(sql) && q.next())
            v = q.value(0).toLongLong();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("sum"));
    return v;
}

} // namespace

class TestBudgetBound final : public QObject {
    Q_OBJECT
private slots:
    void capHoldsAgainstInflatedCounts_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("apiBase");
        QTest::newRow("gemini") << QStringLiteral("gemini") << QStringLiteral("gemini-2.5-flash") << QString();
        QTest::newRow("openai") << QStringLiteral("openai") << QStringLiteral("gpt-4o-mini") << QStringLiteral("/v1");
    }
    void capHoldsAgainstInflatedCounts()
    {
        QFETCH(QString, provider);
        QFETCH(QString, model);
        QFETCH(QString, apiBase);
        const QString key = QStringLiteral("k-") + provider;
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        SimKey k;
        k.key = key;
        k.provider = provider;
        k.countFactor = kCountFactor;
        cfg.keys = {k};
        const std::optional<ModelPrice> price = PriceTable::builtIn().find(provider, model);
        QVERIFY(price);

        // Uncapped: what the whole run costs at the provider's count, and how far that count is
        // from our estimate.
        ProviderSimulator refSim(cfg);
        QVERIFY(refSim.start());
        QTemporaryDir refDir;
        const Project ref = writeProject(refDir, refSim, provider + u'/' + model, key, apiBase);
        const RunSummary full = runOnce(ref, std::nullopt);
        QCOMPARE(full.done, kTexts);
        const SimKeyStats refStats = refSim.stats().keys.value(key);
        qint64 estimate = 0;
        for (int i = 0; i < kTexts; ++i)
            estimate += Tokenizer::get(Encoding::O200kBase).count(text(i));
        QVERIFY2(double(refStats.promptTokens) > 3.0 * double(estimate),
                 qPrintable(QStringLiteral("provider counted %1 prompt tokens, estimate %2").arg(refStats.promptTokens).arg(estimate)));
        const qint64 fullCost = billedMicros(refStats, *price);

        // Capped at 40 % of that: the run stops for the budget, and neither the provider's bill
        // nor our ledger passes the cap.
        ProviderSimulator sim(cfg);
        QVERIFY(sim.start());
        QTemporaryDir dir;
        const Project p = writeProject(dir, sim, provider + u'/' + model, key, apiBase);
        const qint64 cap = fullCost * 4 / 10;
        const RunSummary s = runOnce(p, double(cap) / 1e6);
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.exitCode(), 3);
        QVERIFY(s.done > 0);
        const qint64 billed = billedMicros(sim.stats().keys.value(key), *price);
        // The ledger as the next run reads it (ResultStore::spendSince): booked calls plus manual entries.
        const qint64 ledger = sumOf(p.db, QStringLiteral("SELECT (SELECT COALESCE(SUM(cost_micros), 0) FROM calls)"
                                                         " + (SELECT COALESCE(SUM(micros), 0) FROM spend_ledger)"));
        qInfo("%s: cap %lld µ$, provider billed %lld µ$, ledger %lld µ$, run cost %lld µ$, %lld of %d jobs done "
              "(uncapped run: %lld µ$)",
              qPrintable(provider), cap, billed, ledger, s.costMicros, s.done, kTexts, fullCost);
        QVERIFY2(billed <= cap, qPrintable(QStringLiteral("provider billed %1 > cap %2").arg(billed).arg(cap)));
        QVERIFY2(ledger <= cap, qPrintable(QStringLiteral("ledger %1 > cap %2").arg(ledger).arg(cap)));
        QVERIFY(s.costMicros <= cap);
        // The ledger booked what the provider reported, not our estimate.
        QVERIFY2(qAbs(ledger - billed) <= s.calls, qPrintable(QStringLiteral("ledger %1 vs billed %2").arg(ledger).arg(billed)));
    }
};

QTEST_GUILESS_MAIN(TestBudgetBound)
#include "tst_budgetbound.moc"
