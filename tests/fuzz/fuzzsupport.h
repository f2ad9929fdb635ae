#pragma once
// Shared by the fuzz targets (docs/ARCHITECTURE.md, "Fuzzing"): quiet logging, the reply input
// format, and a hard stop for a broken property so libFuzzer records the input.
#include "core/providers/providertypes.h"

#include <QByteArray>
#include <QRegularExpression>
#include <QtGlobal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace wbfuzz {

/// Silences Qt logging once per process: a parser that logs an anomaly per input would make the
/// fuzzer spend its time writing to stderr. qFatal still aborts.
inline void quietOnce()
{
    static const bool done = [] {
        qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &) {});
        return true;
    }();
    Q_UNUSED(done);
}

/// A property every input must keep. Aborts (which libFuzzer and the corpus test both report).
#define WBFUZZ_REQUIRE(cond)                                                                   \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "fuzz property broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                                      \
        }                                                                                      \
    } while (0)

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

/// A recorded reply as one file, the shape of tests/data/<provider>/<name>.headers followed by the
/// body: "HTTP/2 429\n", header lines "name: value", an empty line, then the body byte for byte.
struct Reply {
    int status = 0;
    wb::HeaderList headers;
    QByteArray body;
};

inline Reply splitReply(const QByteArray &in)
{
    Reply r;
    qsizetype headEnd = in.indexOf("\n\n");
    qsizetype bodyAt = headEnd + 2;
    const qsizetype crlf = in.indexOf("\r\n\r\n");
    if (crlf >= 0 && (headEnd < 0 || crlf < headEnd)) {
        headEnd = crlf;
        bodyAt = crlf + 4;
    }
    if (headEnd < 0) {
        headEnd = in.size();
        bodyAt = in.size();
    }
    const QList<QByteArray> lines = in.left(headEnd).split('\n');
    // What QNetworkReply hands over is a three-digit code (or 0 when there was none).
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    r.status = statusLine.size() >= 2 ? int(statusLine.at(1).toUInt() % 1000) : 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            r.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    r.body = in.mid(bodyAt);
    return r;
}

/// The reply's arrival time for every input (2025-02-24T22:25:00Z, as in the recorded replies),
/// so a crash reproduces whatever the clock says.
constexpr qint64 kNowMs = 1740435900000;

/// Provider messages are stored and shown, so anything shaped like a full API key must have been
/// masked (wire::sanitizeMessage).
inline bool holdsKey(const QString &text)
{
    static const QRegularExpression keyLike(QStringLiteral("(sk-(?:ant-|proj-)?|AIza)[A-Za-z0-9_\\-]{16,}"));
    return keyLike.match(text).hasMatch();
}

/// What every parsed reply must satisfy (docs/ARCHITECTURE.md, "Provider adapters").
inline void checkParsed(const wb::ParsedReply &r, int status)
{
    WBFUZZ_REQUIRE(r.httpStatus == status);
    WBFUZZ_REQUIRE(r.completion.has_value() != r.error.has_value());
    if (r.error) {
        WBFUZZ_REQUIRE(!holdsKey(r.error->message));
        WBFUZZ_REQUIRE(!r.error->message.isEmpty());
        WBFUZZ_REQUIRE(r.error->message == r.error->message.trimmed());
        WBFUZZ_REQUIRE(r.error->errorClass != wb::ErrorClass::None);
    }
    const wb::RateLimitHeaders &l = r.limits;
    for (const auto &v : {l.limitRequests, l.remainingRequests, l.limitTokens, l.remainingTokens,
                          l.limitInputTokens, l.remainingInputTokens, l.limitOutputTokens,
                          l.remainingOutputTokens, l.retryAfterMs})
        WBFUZZ_REQUIRE(!v || *v >= 0);
}

} // namespace wbfuzz
