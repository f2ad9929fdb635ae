// A run through a LiteLLM proxy (the simulator answering as one, on loopback): calls go to the
// proxy named by LITELLM_PROXY_URL with the key of LITELLM_PROXY_API_KEY as a Bearer token, each
// call books the cost the proxy reports in x-litellm-response-cost (bounded by the budget's
// reservation), its call id is the stored request id, and the key appears in no database or log.
#include "core/session/experimentrunner.h"
#include "core/sim/providersimulator.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace wb;

namespace {

const QString kProxyKey = QStringLiteral("proxy-test-secret-do-not-log");
constexpr double kInputCost = 3e-5, kOutputCost = 9e-5;   // far from any built-in price

QStringList g_log;

void captureLog(QtMsgType, const QMessageLogContext &, const QString &msg) { g_log << msg; }

void writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TstLiteLlmProxy final : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    RunSummary run(const QByteArray &modelList, const QString &db, const QByteArray &budget = {})
    {
        writeFile(m_dir.filePath(u"litellm_config.yaml"_qs), modelList + budget);
        RunOptions o;
        o.configPath = m_dir.filePath(u"litellm_config.yaml"_qs);
        o.experimentPath = m_dir.filePath(u"experiment.yaml"_qs);
        o.dbPath = db;
        ExperimentRunner runner(o);
        QObject::connect(&runner, &ExperimentRunner::event, [](const QString &e) { g_log << e; });
        QSignalSpy done(&runner, &ExperimentRunner::finished);
        runner.start();
        if (!done.wait(60'000))
            return {};
        return done.first().first().value<RunSummary>();
    }

private slots:
    void initTestCase()
    {
        QDir(m_dir.path()).mkpath(u"corpus"_qs);
        for (int i = 0; i < 6; ++i)
            writeFile(m_dir.filePath(u"corpus/t%1.txt"_qs.arg(i)),
                      "A short text about liberty, care and the duties of office, number " + QByteArray::number(i) + '.');
        writeFile(m_dir.filePath(u"mft.yaml"_qs),
                  "framework:\n  id: mft\n  name: MFT\n  version: \"1\"\n  instructions: Score it.\n  dimensions:\n"
                  "    - {id: care, name: Care, description: c, min: 0, max: 1}\n");
        writeFile(m_dir.filePath(u"experiment.yaml"_qs),
                  "experiment: {name: proxied}\ncorpus:\n  - {id: c, path: corpus/}\nframeworks:\n  - {id: mft, path: mft.yaml}\n"
                  "execution:\n  max_tokens: 200\n  matrix:\n    - {run_id: r1, model: team-gpt, framework: mft, corpus_subset: c}\n");
    }

    void booksTheProxysCost()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        SimKey k;
        k.key = kProxyKey;
        k.provider = u"openai"_qs;
        k.litellmProxy = true;
        k.proxyInputCostPerToken = kInputCost;
        k.proxyOutputCostPerToken = kOutputCost;
        cfg.keys = {k};
        ProviderSimulator sim(cfg);
        QVERIFY(sim.start());
        // LiteLLM's prefix; the base and the key only in the environment.
        qputenv("LITELLM_PROXY_URL", sim.baseUrl().toUtf8());
        qputenv("LITELLM_PROXY_API_KEY", kProxyKey.toUtf8());
        g_log.clear();
        const QtMessageHandler previous = qInstallMessageHandler(captureLog);
        const QString db = m_dir.filePath(u"proxied.db"_qs);
        const RunSummary s = run("model_list:\n  - model_name: team-gpt\n    litellm_params: {model: litellm_proxy/gpt-4o-mini}\n", db);
        qInstallMessageHandler(previous);
        qunsetenv("LITELLM_PROXY_URL");
        qunsetenv("LITELLM_PROXY_API_KEY");
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QCOMPARE(s.done, 6);
        // Every call reached the proxy with its key (the simulator knows no other).
        QCOMPARE(sim.stats().keys.value(kProxyKey).ok, 6);
        QCOMPARE(sim.stats().authErrors, 0);

        {
            QSqlDatabase c = QSqlDatabase::addDatabase(u"QSQLITE"_qs, u"check"_qs);
            c.setDatabaseName(db);
            QVERIFY(c.open());
            QSqlQuery q(c);
            QVERIFY(q.exec(u"SELECT prompt_tokens, completion_tokens, cost_micros, request_id FROM calls WHERE http_status = 200"_qs));
            int rows = 0;
            qint64 total = 0;
            static const QRegularExpression uuid(u"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"_qs);
            while (q.next()) {
                ++rows;
                const qint64 expected = std::llround((q.value(0).toDouble() * kInputCost + q.value(1).toDouble() * kOutputCost) * 1e6);
                QVERIFY2(std::abs(q.value(2).toLongLong() - expected) <= 1,
                         qPrintable(u"booked %1, proxy reported %2"_qs.arg(q.value(2).toLongLong()).arg(expected)));
                QVERIFY2(uuid.match(q.value(3).toString()).hasMatch(), qPrintable(q.value(3).toString()));   // x-litellm-call-id
                total += q.value(2).toLongLong();
            }
            QCOMPARE(rows, 6);
            QCOMPARE(s.costMicros, total);
            QVERIFY(total > 0);
        }
        QSqlDatabase::removeDatabase(u"check"_qs);

        // The key is in neither the database (nor its WAL) nor anything logged.
        for (const QString &f : QDir(m_dir.path()).entryList({u"proxied.db*"_qs}, QDir::Files)) {
            QFile file(m_dir.filePath(f));
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(kProxyKey.toUtf8()), qPrintable(f));
        }
        QVERIFY(!g_log.isEmpty());
        for (const QString &line : std::as_const(g_log))
            QVERIFY2(!line.contains(kProxyKey), qPrintable(line));
    }

    // Whatever the proxy reports, spend never passes the cap: a call is booked at most what it held.
    void proxyCostBoundedByTheBudget()
    {
        SimConfig cfg;
        cfg.acceptAnyKey = false;
        SimKey k;
        k.key = kProxyKey;
        k.provider = u"openai"_qs;
        k.litellmProxy = true;
        k.proxyInputCostPerToken = 0.5;   // $0.5 a token: far beyond what any call could cost
        cfg.keys = {k};
        ProviderSimulator sim(cfg);
        QVERIFY(sim.start());
        const QByteArray ml = "model_list:\n  - model_name: team-gpt\n    litellm_params: {model: litellm_proxy/gpt-4o-mini, api_base: \""
                              + sim.baseUrl().toUtf8() + "\", api_key: " + kProxyKey.toUtf8() + "}\n";
        const RunSummary s = run(ml, m_dir.filePath(u"capped.db"_qs), "litellm_settings: {max_budget: 0.05}\n");
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        QVERIFY(s.calls > 0);
        QVERIFY2(s.costMicros <= 50'000, qPrintable(QString::number(s.costMicros)));
        QVERIFY(s.costMicros > 0);
    }
};

QTEST_GUILESS_MAIN(TstLiteLlmProxy)
#include "tst_litellmproxy.moc"
