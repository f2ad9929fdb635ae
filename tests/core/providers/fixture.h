#pragma once
// Loads a recorded provider reply: tests/data/<provider>/<name>.headers holds the status line
// and the response headers as sent; <name>.json (or .sse / .html) holds the body byte for byte.
#include "core/providers/providertypes.h"

#include <QFile>
#include <QString>
#include <QTest>

Q_DECLARE_METATYPE(wb::ErrorClass)

// Data rows name only the fields that matter (designated initializers); GCC 12 warns about the
// rest even though they have defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace wbtest {

struct Fixture {
    int status = 0;
    wb::HeaderList headers;
    QByteArray body;
    bool ok = false;
};

inline QString dataDir(const QString &provider)
{
    return QStringLiteral(WB_SOURCE_DIR "/tests/data/") + provider + QLatin1Char('/');
}

inline Fixture loadFixture(const QString &provider, const QString &name)
{
    Fixture f;
    const QString base = dataDir(provider) + name;
    QFile headers(base + QStringLiteral(".headers"));
    if (!headers.open(QIODevice::ReadOnly))
        return f;
    const QList<QByteArray> lines = headers.readAll().split('\n');
    if (lines.isEmpty())
        return f;
    // "HTTP/2 429" or "HTTP/1.1 429 Too Many Requests"
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() < 2)
        return f;
    f.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        f.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    for (const char *ext : {".json", ".sse", ".html", ".txt"}) {
        QFile body(base + QLatin1String(ext));
        if (body.open(QIODevice::ReadOnly)) {
            f.body = body.readAll();
            f.ok = true;
            break;
        }
    }
    return f;
}

/// -1 in a data row means "must not be set".
inline qint64 orMinusOne(const std::optional<qint64> &v) { return v.value_or(-1); }

/// What a recorded reply must parse to. Rate-limit fields: -1 = must be absent.
struct Expect {
    wb::ErrorClass cls = wb::ErrorClass::None;
    QString text;
    qint64 prompt = 0, completion = 0, cached = 0, cacheWrite = 0;
    QString model, finish, requestId;
    qint64 limitReq = -1, remReq = -1, resetReqMs = -1;
    qint64 limitTok = -1, remTok = -1, resetTokMs = -1;
    qint64 limitIn = -1, remIn = -1, resetInMs = -1;
    qint64 limitOut = -1, remOut = -1, resetOutMs = -1;
    qint64 retryAfterMs = -1;
    qint64 queryCost = -1;
    QString messageContains;   ///< error message must contain this
    QString code;              ///< error code, checked when set
    QString type;              ///< error type, checked when set
};

/// Compares every field (QCOMPARE returns from this helper on the first mismatch).
inline void checkReply(const wb::ParsedReply &r, const Fixture &f, const Expect &e)
{
    QCOMPARE(r.httpStatus, f.status);
    QCOMPARE(r.requestId, e.requestId);
    const wb::RateLimitHeaders &l = r.limits;
    QCOMPARE(orMinusOne(l.limitRequests), e.limitReq);
    QCOMPARE(orMinusOne(l.remainingRequests), e.remReq);
    QCOMPARE(orMinusOne(l.resetRequestsMs), e.resetReqMs);
    QCOMPARE(orMinusOne(l.limitTokens), e.limitTok);
    QCOMPARE(orMinusOne(l.remainingTokens), e.remTok);
    QCOMPARE(orMinusOne(l.resetTokensMs), e.resetTokMs);
    QCOMPARE(orMinusOne(l.limitInputTokens), e.limitIn);
    QCOMPARE(orMinusOne(l.remainingInputTokens), e.remIn);
    QCOMPARE(orMinusOne(l.resetInputTokensMs), e.resetInMs);
    QCOMPARE(orMinusOne(l.limitOutputTokens), e.limitOut);
    QCOMPARE(orMinusOne(l.remainingOutputTokens), e.remOut);
    QCOMPARE(orMinusOne(l.resetOutputTokensMs), e.resetOutMs);
    QCOMPARE(orMinusOne(l.retryAfterMs), e.retryAfterMs);
    QCOMPARE(orMinusOne(l.queryCostTokens), e.queryCost);
    // Exactly one of completion / error.
    QCOMPARE(r.completion.has_value(), !r.error.has_value());
    if (e.cls == wb::ErrorClass::None) {
        QVERIFY2(r.completion.has_value(),
                 qPrintable(r.error ? wb::errorClassName(r.error->errorClass) + QLatin1String(": ") + r.error->message
                                    : QString()));
        const wb::Completion &c = *r.completion;
        QCOMPARE(c.text, e.text);
        QVERIFY(c.usage.reported);
        QCOMPARE(c.usage.promptTokens, e.prompt);
        QCOMPARE(c.usage.completionTokens, e.completion);
        QCOMPARE(c.usage.cachedTokens, e.cached);
        QCOMPARE(c.usage.cacheWriteTokens, e.cacheWrite);
        QCOMPARE(c.modelVersion, e.model);
        QCOMPARE(c.finishReason, e.finish);
    } else {
        QVERIFY2(r.error.has_value(), "expected an error, got a completion");
        const wb::ProviderError &err = *r.error;
        QCOMPARE(wb::errorClassName(err.errorClass), wb::errorClassName(e.cls));
        QCOMPARE(err.httpStatus, f.status);
        QVERIFY(!err.message.isEmpty());
        QVERIFY2(err.message.contains(e.messageContains), qPrintable(err.message));
        QCOMPARE(err.message, err.message.trimmed());
        if (!e.code.isNull())
            QCOMPARE(err.code, e.code);
        if (!e.type.isNull())
            QCOMPARE(err.type, e.type);
    }
}

} // namespace wbtest

Q_DECLARE_METATYPE(wbtest::Expect)
