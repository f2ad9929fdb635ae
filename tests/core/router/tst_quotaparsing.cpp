// Daily and spend quotas told apart from per-minute limits, on recorded replies of each provider
// (tests/data/<provider>/), and Gemini's reset at midnight Pacific across daylight saving time.
#include "core/providers/quotaparsing.h"

#include "../providers/fixture.h"

#include <QDateTime>
#include <QTimeZone>

using namespace wb;
using wbtest::loadFixture;

namespace {

// 2026-12-03 07:35:00 UTC = 23:35 PST on 2026-12-02.
const qint64 kWinterNow = QDateTime::fromString(u"2026-12-03T07:35:00Z"_qs, Qt::ISODate).toMSecsSinceEpoch();

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

} // namespace

class TstQuotaParsing final : public QObject {
    Q_OBJECT
private slots:
    void recordedReplies_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("kind");          // -1 = not a quota, 0 = daily, 1 = spend
        QTest::addColumn<qint64>("resetInMs");  // -1 = none (until the run ends), -2 = don't check
        QTest::addColumn<QString>("what");
        QTest::newRow("gemini per day") << u"gemini"_qs << u"rate_limit_429_per_day"_qs << 0 << qint64(-2) << u"requests per day"_qs;
        QTest::newRow("gemini per minute") << u"gemini"_qs << u"rate_limit_429"_qs << -1 << qint64(-2) << QString();
        QTest::newRow("gemini retry only") << u"gemini"_qs << u"rate_limit_429_43s"_qs << -1 << qint64(-2) << QString();
        QTest::newRow("openai rpd") << u"openai"_qs << u"rate_limit_429_rpd"_qs << 0 << qint64((2 * 60 + 13) * 60'000) << u"requests per day"_qs;
        QTest::newRow("openai tpd") << u"openai"_qs << u"rate_limit_429_tpd"_qs << 0 << qint64(414'720) << u"tokens per day"_qs;
        QTest::newRow("openai tpm") << u"openai"_qs << u"rate_limit_429"_qs << -1 << qint64(-2) << QString();
        QTest::newRow("openai insufficient_quota") << u"openai"_qs << u"insufficient_quota_429"_qs << 1 << qint64(-1) << u"quota (insufficient_quota)"_qs;
        QTest::newRow("openai project spend") << u"openai"_qs << u"project_spend_limit_429"_qs << 1 << qint64(-1) << u"spend limit (project_spend_limit_exceeded)"_qs;
        QTest::newRow("openai server error") << u"openai"_qs << u"server_error_500"_qs << -1 << qint64(-2) << QString();
        QTest::newRow("anthropic spend cap") << u"anthropic"_qs << u"spend_cap_429"_qs << 1 << qint64(-2) << u"spend limit"_qs;
        QTest::newRow("anthropic credit") << u"anthropic"_qs << u"credit_low_400"_qs << 1 << qint64(-1) << u"credit balance"_qs;
        QTest::newRow("anthropic per minute") << u"anthropic"_qs << u"rate_limit_429"_qs << -1 << qint64(-2) << QString();
        QTest::newRow("anthropic prompt too long") << u"anthropic"_qs << u"prompt_too_long_400"_qs << -1 << qint64(-2) << QString();
    }
    void recordedReplies()
    {
        QFETCH(QString, provider);
        QFETCH(QString, name);
        QFETCH(int, kind);
        QFETCH(qint64, resetInMs);
        QFETCH(QString, what);
        const wbtest::Fixture f = loadFixture(provider, name);
        QVERIFY2(f.ok, qPrintable(name));
        const auto q = quotaExhaustion(f.status, f.headers, f.body, kWinterNow);
        if (kind < 0) {
            QVERIFY2(!q, qPrintable(q ? q->what : QString()));
            return;
        }
        QVERIFY(q);
        QCOMPARE(int(q->kind), kind);
        QCOMPARE(q->what, what);
        if (resetInMs == -1)
            QVERIFY(!q->resetsAtMs);
        else if (resetInMs >= 0)
            QCOMPARE(*q->resetsAtMs - kWinterNow, resetInMs);
    }

    void geminiPerDayResetsAtMidnightPacific()
    {
        const auto f = loadFixture(u"gemini"_qs, u"rate_limit_429_per_day"_qs);
        const auto q = quotaExhaustion(f.status, f.headers, f.body, kWinterNow);
        QVERIFY(q && q->resetsAtMs);
        // Not the 47 s of RetryInfo: the next midnight in Los Angeles (PST, UTC-8).
        QCOMPARE(*q->resetsAtMs, utc("2026-12-03T08:00:00Z"));
    }

    void pacificMidnight_data()
    {
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("winter, evening") << utc("2026-12-03T07:35:00Z") << utc("2026-12-03T08:00:00Z");
        QTest::newRow("winter, just after midnight") << utc("2026-12-03T08:00:01Z") << utc("2026-12-04T08:00:00Z");
        QTest::newRow("summer (PDT, UTC-7)") << utc("2026-07-01T12:00:00Z") << utc("2026-07-02T07:00:00Z");
        QTest::newRow("day DST starts") << utc("2026-03-08T09:00:00Z") << utc("2026-03-09T07:00:00Z");
        QTest::newRow("day DST ends") << utc("2026-11-01T08:00:00Z") << utc("2026-11-02T08:00:00Z");
    }
    void pacificMidnight()
    {
        QFETCH(qint64, now);
        QFETCH(qint64, expected);
        if (!QTimeZone("America/Los_Angeles").isValid())
            QSKIP("no time-zone database on this machine");
        QCOMPARE(nextPacificMidnightMs(now), expected);
    }

    void anthropicSpendCapNamesItsReset()
    {
        const auto f = loadFixture(u"anthropic"_qs, u"spend_cap_429"_qs);
        const auto q = quotaExhaustion(f.status, f.headers, f.body, kWinterNow);
        QVERIFY(q && q->resetsAtMs);
        QCOMPARE(*q->resetsAtMs, utc("2025-03-01T00:00:00Z"));
    }

    void openAiDayHeaders()
    {
        const HeaderList h{{"x-ratelimit-remaining-requests-day", "0"}, {"x-ratelimit-reset-requests-day", "5h0m0s"}};
        const QByteArray body = R"({"error":{"message":"Rate limit reached.","type":"requests","code":"rate_limit_exceeded"}})";
        const auto q = quotaExhaustion(429, h, body, kWinterNow);
        QVERIFY(q && q->resetsAtMs);
        QCOMPARE(q->what, u"requests per day"_qs);
        QCOMPARE(*q->resetsAtMs - kWinterNow, qint64(5 * 3'600'000));
        QVERIFY(!quotaExhaustion(200, h, body, kWinterNow));
    }

    void shouldRetryHeader()
    {
        QVERIFY(providerSaysDoNotRetry({{"X-Should-Retry", "false"}}));
        QVERIFY(!providerSaysDoNotRetry({{"x-should-retry", "true"}}));
        QVERIFY(!providerSaysDoNotRetry({}));
    }
};

QTEST_GUILESS_MAIN(TstQuotaParsing)
#include "tst_quotaparsing.moc"
