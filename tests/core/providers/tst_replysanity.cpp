// Sanity bounds on what a provider sends (docs/PROVIDERS.md, "Sanity bounds"): recorded-style
// replies with impossible usage and rate-limit figures. None of them may reach the ledger or the
// limit windows as sent.
#include "core/providers/provideradapter.h"
#include "core/providers/wireparsing.h"
#include "fixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wb;

namespace {

// 2025-02-24T22:25:00Z, the Date of the recorded replies.
constexpr qint64 kRecordedAt = 1740435900000;

ParsedReply parseFixture(const QString &provider, const QString &name)
{
    const wbtest::Fixture f = wbtest::loadFixture(provider, name);
    if (!f.ok)
        qFatal("fixture %s/%s missing", qPrintable(provider), qPrintable(name));
    return ProviderAdapter::forProvider(provider)->parseAt(f.status, f.headers, f.body, kRecordedAt);
}

} // namespace

class TestReplySanity final : public QObject {
    Q_OBJECT
private slots:
    void absurdUsageIsNotTrusted()
    {
        // 10^18 prompt tokens once cost $18M and stopped every later run on that database.
        const ParsedReply r = parseFixture(QStringLiteral("openai"), QStringLiteral("absurd_usage_200"));
        QVERIFY(r.completion);
        QVERIFY(!r.error);
        QVERIFY(!r.completion->usage.reported);   // booked at the call's reservation instead
        QCOMPARE(r.completion->usage.promptTokens, 0);
        QVERIFY(!r.completion->text.isEmpty());
    }

    void absurdRateLimitHeadersAreIgnored()
    {
        const ParsedReply r = parseFixture(QStringLiteral("openai"), QStringLiteral("absurd_usage_200"));
        QCOMPARE(r.limits.resetTokensMs, std::nullopt);      // ten years
        QCOMPARE(r.limits.limitTokens, std::nullopt);        // 9e18
        QCOMPARE(r.limits.remainingTokens, std::nullopt);    // -1
        QCOMPARE(r.limits.limitRequests, std::optional<qint64>(5000));   // the sane ones still count
        QCOMPARE(r.limits.resetRequestsMs, std::optional<qint64>(12));
    }

    void absurdRetryAfterIsIgnored()
    {
        const ParsedReply r = parseFixture(QStringLiteral("openai"), QStringLiteral("absurd_retry_after_429"));
        QVERIFY(r.error);
        QCOMPARE(r.error->errorClass, ErrorClass::RateLimited);
        QVERIFY(!r.limits.retryAfterMs || *r.limits.retryAfterMs <= wire::kMaxPlausibleWaitMs);
        QCOMPARE(r.limits.resetTokensMs, std::optional<qint64>(3723000));   // 1h2m3s is plausible
    }

    void negativeUsageReadsAsZero()
    {
        const ParsedReply r = parseFixture(QStringLiteral("anthropic"), QStringLiteral("negative_usage_200"));
        QVERIFY(r.completion);
        const Usage &u = r.completion->usage;
        QVERIFY(u.reported);
        QCOMPARE(u.completionTokens, 0);
        QCOMPARE(u.promptTokens, 1830);   // cache reads only: the negative input counts as 0
        QCOMPARE(u.cachedTokens, 1830);
        QCOMPARE(r.limits.resetTokensMs, std::nullopt);   // six years away
        QCOMPARE(r.limits.resetRequestsMs, std::optional<qint64>(1000));
    }

    void nonIntegerHugeUsageIsNotTrusted()
    {
        const ParsedReply r = parseFixture(QStringLiteral("gemini"), QStringLiteral("absurd_usage_200"));
        QVERIFY(r.completion);
        QVERIFY(!r.completion->usage.reported);
    }

    void cachedTokensNeverExceedThePrompt()
    {
        Usage u;
        u.promptTokens = 100;
        u.cachedTokens = 500;
        u.cacheWriteTokens = 40;
        wire::finishUsage(u, false);
        QVERIFY(u.reported);
        QCOMPARE(u.cacheWriteTokens, 40);
        QCOMPARE(u.cachedTokens, 60);
    }

    void usageCounts_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<bool>("untrusted");
        QTest::newRow("plain") << QByteArray("12") << qint64(12) << false;
        QTest::newRow("absent") << QByteArray("null") << qint64(0) << false;
        QTest::newRow("negative") << QByteArray("-7") << qint64(0) << false;
        QTest::newRow("limit") << QByteArray("1000000000") << qint64(1'000'000'000) << false;
        QTest::newRow("above limit") << QByteArray("1000000001") << qint64(0) << true;
        QTest::newRow("1e18") << QByteArray("1e18") << qint64(0) << true;
        QTest::newRow("fraction") << QByteArray("12.5") << qint64(0) << true;
        QTest::newRow("string") << QByteArray("\"12\"") << qint64(0) << true;
    }
    void usageCounts()
    {
        QFETCH(QByteArray, json);
        QFETCH(qint64, value);
        QFETCH(bool, untrusted);
        const QJsonValue v = QJsonDocument::fromJson("{\"v\":" + json + "}").object().value(QStringLiteral("v"));
        bool flagged = false;
        QCOMPARE(wire::usageCount(v, &flagged), value);
        QCOMPARE(flagged, untrusted);
    }
};

QTEST_GUILESS_MAIN(TestReplySanity)
#include "tst_replysanity.moc"
