// The router against the real provider simulator (core/sim) over loopback sockets, with
// windows shortened to one second on both sides: each provider's counting rule must match
// the simulator's strict sliding window exactly enough that no request is ever refused.
#include "core/router/router.h"
#include "core/sim/providersimulator.h"
#include "core/tokenize/tokenestimator.h"
#include "core/tokenize/tokenizer.h"

#include <QTest>

using namespace wb;

class TstRouterSim final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // The in-process simulator counts with the exact tokenizer; loading it takes ~100 ms
        // on the first request, a server-side delay no client margin should have to absorb.
        QVERIFY(Tokenizer::get(Encoding::O200kBase).count(u"warm up"_qs) > 0);
    }

    void zero429sUnderBindingLimits_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<qint64>("rpm");
        QTest::addColumn<qint64>("tpm");
        QTest::addColumn<qint64>("itpm");
        QTest::addColumn<qint64>("otpm");
        QTest::addColumn<bool>("estimator");
        QTest::newRow("openai rpm") << u"openai"_qs << qint64(3) << qint64(0) << qint64(0) << qint64(0) << false;
        QTest::newRow("openai tpm (chars/4 + max_tokens)") << u"openai"_qs << qint64(0) << qint64(700) << qint64(0) << qint64(0) << false;
        QTest::newRow("mistral rpm") << u"mistral"_qs << qint64(3) << qint64(0) << qint64(0) << qint64(0) << false;
        QTest::newRow("mistral tpm, estimator") << u"mistral"_qs << qint64(0) << qint64(900) << qint64(0) << qint64(0) << true;
        QTest::newRow("gemini rpm") << u"gemini"_qs << qint64(3) << qint64(0) << qint64(0) << qint64(0) << false;
        QTest::newRow("gemini tpm (input only), estimator") << u"gemini"_qs << qint64(0) << qint64(300) << qint64(0) << qint64(0) << true;
        QTest::newRow("anthropic rpm") << u"anthropic"_qs << qint64(3) << qint64(0) << qint64(0) << qint64(0) << false;
        QTest::newRow("anthropic itpm, estimator") << u"anthropic"_qs << qint64(0) << qint64(0) << qint64(300) << qint64(0) << true;
        QTest::newRow("anthropic otpm") << u"anthropic"_qs << qint64(0) << qint64(0) << qint64(0) << qint64(400) << false;
    }
    void zero429sUnderBindingLimits()
    {
        QFETCH(QString, provider);
        QFETCH(qint64, rpm);
        QFETCH(qint64, tpm);
        QFETCH(qint64, itpm);
        QFETCH(qint64, otpm);
        QFETCH(bool, estimator);
        constexpr qint64 kWindowMs = 1'000;
        constexpr int kJobs = 7;

        SimConfig cfg;
        cfg.windowMs = kWindowMs;
        cfg.acceptAnyKey = false;
        cfg.keys << SimKey{u"sk-strict"_qs, provider, rpm, tpm, itpm, otpm, {}};
        ProviderSimulator sim(cfg);
        const auto port = sim.start();
        QVERIFY2(port.has_value(), port ? "" : qPrintable(port.error().toString()));

        ModelList models;
        Deployment d;
        d.id = u"strict/1"_qs;
        d.modelName = u"strict"_qs;
        d.provider = provider;
        d.model = provider == u"anthropic" ? u"claude-3-5-haiku-20241022"_qs
            : provider == u"gemini"        ? u"gemini-2.5-flash"_qs
            : provider == u"mistral"       ? u"mistral-large-latest"_qs
                                           : u"gpt-4o"_qs;
        d.apiBase = sim.baseUrl() + (provider == u"openai" || provider == u"mistral" ? u"/v1"_qs : QString());
        if (rpm)
            d.limits.rpm = rpm;
        if (tpm)
            d.limits.tpm = tpm;
        if (itpm)
            d.limits.itpm = itpm;
        if (otpm)
            d.limits.otpm = otpm;
        models.deployments << d;
        RouterOptions o;
        o.apiKeys.insert(d.id, u"sk-strict"_qs);
        if (estimator)
            o.tokens = std::make_shared<TokenEstimator>();
        Router router(models, o);
        router.setWindowForTesting(kWindowMs, 50);
        int ok = 0, failed = 0;
        QString lastError;
        connect(&router, &Router::jobFinished, this, [&](const JobOutcome &out) {
            out.ok ? ++ok : ++failed;
            if (!out.ok)
                lastError = out.error;
        });
        for (int i = 0; i < kJobs; ++i) {
            RouterJob job;
            job.id = quint64(i + 1);
            job.group = d.modelName;
            job.request.system = u"Score the text for moral foundations and answer with one JSON object."_qs;
            job.request.user = u"Text %1: We hold these truths to be self-evident, that all men are created equal."_qs.arg(i);
            job.request.maxTokens = 150;
            router.submit(job);
        }
        QTRY_VERIFY_WITH_TIMEOUT(ok + failed == kJobs, 30'000);
        QVERIFY2(failed == 0, qPrintable(lastError));
        const SimStats stats = sim.stats();
        QCOMPARE(stats.rateLimited, 0);
        QCOMPARE(router.snapshot().http429, 0);
        QCOMPARE(stats.ok, kJobs);
    }
};

QTEST_GUILESS_MAIN(TstRouterSim)
#include "tst_routersim.moc"
