// The hard token bound behind the budget's worst case and the usage clamp (core/pricing/tokenbound.h).
#include "core/pricing/pricing.h"
#include "core/pricing/tokenbound.h"

#include <QTest>

using namespace wb;

class TestTokenBound final : public QObject {
    Q_OBJECT
private slots:
    void utf8Length_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("ascii") << QStringLiteral("hello, world");
        QTest::newRow("latin1") << QStringLiteral("Grüße, déjà vu");
        QTest::newRow("cjk") << QStringLiteral("民主主義と自由");
        QTest::newRow("emoji (surrogate pairs)") << QStringLiteral("ok 👍🏽 🇪🇺");
        QTest::newRow("whitespace run") << QString(5000, u' ');
    }
    void utf8Length()
    {
        QFETCH(QString, text);
        QCOMPARE(wb::utf8Length(text), text.toUtf8().size());
    }

    void promptBoundCountsBytesAndFraming()
    {
        ChatRequest r;
        r.user = QString(1000, u'a');
        QCOMPARE(promptTokenBound(r), 1000 + kBoundTokensPerMessage + kBoundTokensPerRequest);
        r.system = QStringLiteral("é");   // 2 bytes, one more message
        QCOMPARE(promptTokenBound(r), 1002 + 2 * kBoundTokensPerMessage + kBoundTokensPerRequest);
    }

    void boundWorstCaseIsPricedAtFullInputAndMaxTokens()
    {
        ModelPrice p;
        p.inputPerToken = 1e-6;    // $1 / M
        p.outputPerToken = 4e-6;
        ChatRequest r;
        r.user = QString(10'000, u' ');
        r.maxTokens = 500;
        const qint64 prompt = 10'000 + kBoundTokensPerMessage + kBoundTokensPerRequest;
        QCOMPARE(boundWorstCaseMicros(p, r), prompt * 1 + 500 * 4);
        QCOMPARE(boundWorstCaseMicros(p, r), worstCaseMicros(p, prompt, 500));
    }

    void usageWithinTheBoundIsKept()
    {
        ChatRequest r;
        r.user = QString(400, u'x');
        r.maxTokens = 100;
        Usage u;
        u.reported = true;
        u.promptTokens = 300;   // above any estimate, below the bound: booked as reported
        u.completionTokens = 100;
        u.cachedTokens = 50;
        bool clamped = true;
        const Usage b = boundedUsage(u, r, &clamped);
        QVERIFY(!clamped);
        QCOMPARE(b.promptTokens, 300);
        QCOMPARE(b.completionTokens, 100);
        QCOMPARE(b.cachedTokens, 50);
        QVERIFY(b.reported);
    }

    void impossibleUsageIsClampedToTheBound()
    {
        ChatRequest r;
        r.user = QString(400, u'x');
        r.maxTokens = 100;
        Usage u;
        u.reported = true;
        u.promptTokens = 1'000'000'000'000'000'000LL;   // 10^18
        u.completionTokens = 5000;
        u.cachedTokens = 2'000'000'000'000'000'000LL;
        bool clamped = false;
        const Usage b = boundedUsage(u, r, &clamped);
        QVERIFY(clamped);
        QCOMPARE(b.promptTokens, promptTokenBound(r));
        QCOMPARE(b.completionTokens, 100);
        QVERIFY(b.cachedTokens <= b.promptTokens);
        ModelPrice p;
        p.inputPerToken = 2.5e-6;
        p.outputPerToken = 10e-6;
        QVERIFY(costMicros(p, b) <= boundWorstCaseMicros(p, r));
    }

    void overflowingCostSaturatesInsteadOfWrapping()
    {
        ModelPrice p;
        p.inputPerToken = 2.5e-6;
        Usage u;
        u.promptTokens = 1'000'000'000'000'000'000LL;
        const qint64 m = costMicros(p, u);
        QVERIFY2(m > 0, qPrintable(QString::number(m)));
        QCOMPARE(m, std::numeric_limits<qint64>::max() / 1'000'000);
    }
};

QTEST_GUILESS_MAIN(TestTokenBound)
#include "tst_tokenbound.moc"
