#include "core/providers/wireparsing.h"

#include "core/common/logging.h"

#include <QDateTime>
#include <QRegularExpression>

#include <atomic>
#include <cmath>
#include <limits>

namespace wb::wire {

namespace {

constexpr qint64 kNsPerMs = 1'000'000;
constexpr qint64 kMaxDigits = 15;   // keeps every intermediate value far inside qint64

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Parses "<digits>[.<digits>]" at pos; integer part and the fraction as numerator/10^fracDigits.
struct Decimal {
    qint64 whole = 0;
    qint64 frac = 0;
    int fracDigits = 0;
};

std::optional<Decimal> readDecimal(QByteArrayView s, qsizetype &pos)
{
    Decimal d;
    int digits = 0;
    while (pos < s.size() && isDigit(s[pos])) {
        if (++digits > kMaxDigits)
            return std::nullopt;
        d.whole = d.whole * 10 + (s[pos] - '0');
        ++pos;
    }
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && isDigit(s[pos])) {
            // Digits beyond nanoseconds cannot change a millisecond result; skip them.
            if (d.fracDigits < 9) {
                d.frac = d.frac * 10 + (s[pos] - '0');
                ++d.fracDigits;
            }
            ++digits;
            ++pos;
        }
    }
    if (digits == 0)
        return std::nullopt;
    return d;
}

qint64 pow10(int n)
{
    qint64 p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

// Decimal * unit (in ns), exact for the fraction thanks to 128-bit arithmetic.
std::optional<qint64> scaleNs(const Decimal &d, qint64 unitNs)
{
    __int128 ns = static_cast<__int128>(d.whole) * unitNs
        + static_cast<__int128>(d.frac) * unitNs / pow10(d.fracDigits);
    if (ns > std::numeric_limits<qint64>::max())
        return std::nullopt;
    return static_cast<qint64>(ns);
}

qint64 ceilNsToMs(qint64 ns) { return (ns + kNsPerMs - 1) / kNsPerMs; }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<qint64>(doe) - 719468;
}

bool readFixed(QByteArrayView s, qsizetype &pos, int width, int &out)
{
    if (pos + width > s.size())
        return false;
    int v = 0;
    for (int i = 0; i < width; ++i) {
        const char c = s[pos + i];
        if (!isDigit(c))
            return false;
        v = v * 10 + (c - '0');
    }
    pos += width;
    out = v;
    return true;
}

bool expect(QByteArrayView s, qsizetype &pos, char c)
{
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

std::optional<qint64> epochMs(int year, int month, int day, int hour, int minute, int second, int ms)
{
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    const qint64 days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    return ((days * 24 + hour) * 60 + minute) * 60'000LL + second * 1000LL + ms;
}

} // namespace

std::optional<qint64> parseGoDurationMs(QByteArrayView text)
{
    QByteArrayView s = text.trimmed();
    if (s.isEmpty())
        return std::nullopt;
    if (s.front() == '+')
        s = s.sliced(1);
    if (s.isEmpty() || s.front() == '-')
        return std::nullopt;   // a negative wait is meaningless here

    qint64 totalNs = 0;
    qsizetype pos = 0;
    bool anyUnit = false;
    while (pos < s.size()) {
        const auto number = readDecimal(s, pos);
        if (!number)
            return std::nullopt;
        qint64 unitNs = 0;
        const QByteArrayView rest = s.sliced(pos);
        if (rest.startsWith("ns")) {
            unitNs = 1;
            pos += 2;
        } else if (rest.startsWith("us")) {
            unitNs = 1'000;
            pos += 2;
        } else if (rest.startsWith("\xC2\xB5s") || rest.startsWith("\xCE\xBCs")) {   // µs, μs
            unitNs = 1'000;
            pos += 3;
        } else if (rest.startsWith("ms")) {
            unitNs = kNsPerMs;
            pos += 2;
        } else if (rest.startsWith("s")) {
            unitNs = 1'000 * kNsPerMs;
            pos += 1;
        } else if (rest.startsWith("m")) {
            unitNs = 60'000 * kNsPerMs;
            pos += 1;
        } else if (rest.startsWith("h")) {
            unitNs = 3'600'000 * kNsPerMs;
            pos += 1;
        } else if (rest.isEmpty() && !anyUnit) {
            unitNs = 1'000 * kNsPerMs;   // bare number: seconds
        } else {
            return std::nullopt;
        }
        anyUnit = true;
        const auto ns = scaleNs(*number, unitNs);
        if (!ns || *ns > std::numeric_limits<qint64>::max() - totalNs)
            return std::nullopt;
        totalNs += *ns;
    }
    return ceilNsToMs(totalNs);
}

std::optional<qint64> parseRfc3339Ms(QByteArrayView text)
{
    const QByteArrayView s = text.trimmed();
    qsizetype pos = 0;
    int year, month, day, hour, minute, second;
    if (!readFixed(s, pos, 4, year) || !expect(s, pos, '-') || !readFixed(s, pos, 2, month)
        || !expect(s, pos, '-') || !readFixed(s, pos, 2, day))
        return std::nullopt;
    if (!(expect(s, pos, 'T') || expect(s, pos, 't') || expect(s, pos, ' ')))
        return std::nullopt;
    if (!readFixed(s, pos, 2, hour) || !expect(s, pos, ':') || !readFixed(s, pos, 2, minute)
        || !expect(s, pos, ':') || !readFixed(s, pos, 2, second))
        return std::nullopt;
    int ms = 0;
    if (expect(s, pos, '.')) {
        int digits = 0;
        while (pos < s.size() && isDigit(s[pos])) {
            if (digits < 3)
                ms = ms * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0)
            return std::nullopt;
        for (int d = digits; d < 3; ++d)
            ms *= 10;
    }
    int offsetMinutes = 0;
    if (expect(s, pos, 'Z') || expect(s, pos, 'z')) {
        // UTC
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh, om;
        if (!readFixed(s, pos, 2, oh) || !expect(s, pos, ':') || !readFixed(s, pos, 2, om))
            return std::nullopt;
        offsetMinutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;   // RFC 3339 requires an offset
    }
    if (pos != s.size())
        return std::nullopt;
    const auto local = epochMs(year, month, day, hour, minute, second, ms);
    if (!local)
        return std::nullopt;
    return *local - offsetMinutes * 60'000LL;
}

std::optional<qint64> parseHttpDateMs(QByteArrayView text)
{
    // IMF-fixdate, the only form servers may send (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
    const QByteArrayView s = text.trimmed();
    static constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() == 29 && s[3] == ',' && s.endsWith(" GMT")) {
        qsizetype pos = 5;
        int day, year, hour, minute, second;
        int month = 0;
        if (readFixed(s, pos, 2, day) && expect(s, pos, ' ')) {
            const QByteArrayView mon = s.sliced(pos, 3);
            for (int i = 0; i < 12; ++i) {
                if (mon == QByteArrayView(kMonths[i]))
                    month = i + 1;
            }
            pos += 3;
            if (month && expect(s, pos, ' ') && readFixed(s, pos, 4, year) && expect(s, pos, ' ')
                && readFixed(s, pos, 2, hour) && expect(s, pos, ':') && readFixed(s, pos, 2, minute)
                && expect(s, pos, ':') && readFixed(s, pos, 2, second))
                return epochMs(year, month, day, hour, minute, second, 0);
        }
    }
    // Obsolete forms (RFC 850, asctime, numeric offsets): rare, so the slow path is fine.
    const QDateTime dt = QDateTime::fromString(QString::fromLatin1(s), Qt::RFC2822Date);
    if (dt.isValid())
        return dt.toMSecsSinceEpoch();
    return std::nullopt;
}

std::optional<qint64> parseRetryAfterMs(QByteArrayView value, qint64 nowMs)
{
    const QByteArrayView s = value.trimmed();
    if (s.isEmpty())
        return std::nullopt;
    if (isDigit(s.front()) || s.front() == '.') {
        qsizetype pos = 0;
        const auto number = readDecimal(s, pos);
        if (!number || pos != s.size())
            return std::nullopt;
        const auto ns = scaleNs(*number, 1'000 * kNsPerMs);
        if (!ns)
            return std::nullopt;
        return ceilNsToMs(*ns);
    }
    const auto at = parseHttpDateMs(s);
    if (!at)
        return std::nullopt;
    return std::max<qint64>(0, *at - nowMs);
}

std::optional<qint64> parseCount(QByteArrayView value)
{
    const QByteArrayView s = value.trimmed();
    bool ok = false;
    qint64 n = s.toLongLong(&ok);
    if (!ok) {
        const double d = s.toDouble(&ok);
        ok = ok && std::isfinite(d) && std::abs(d) < 9.0e15;
        n = ok ? static_cast<qint64>(d) : 0;
    }
    if (!ok)
        return std::nullopt;
    // A limit or a remaining count below zero means nothing a router can act on; trusting it
    // would stall a deployment until the window slides. Logged as an anomaly and ignored.
    if (n < 0 || s.startsWith('-')) {
        noteAnomaly(Anomaly::NegativeCount, QStringLiteral("ignored a negative rate-limit count in a reply header: %1")
                                                .arg(QString::fromLatin1(s)));
        return std::nullopt;
    }
    if (n > kMaxPlausibleCount) {
        noteAnomaly(Anomaly::AbsurdCount, QStringLiteral("ignored an impossible rate-limit count in a reply header: %1")
                                              .arg(QString::fromLatin1(s)));
        return std::nullopt;
    }
    return n;
}

void noteAnomaly(Anomaly kind, const QString &detail)
{
    // A provider that sends one usually sends it on every reply: say it once, not per call.
    static std::atomic<bool> said[int(Anomaly::KindCount)];
    if (!said[int(kind)].exchange(true))
        qCWarning(lcProvider).noquote() << detail << "(further ones are handled the same way without a message)";
}

qint64 usageCount(const QJsonValue &v, bool *untrusted)
{
    if (v.isUndefined() || v.isNull())
        return 0;
    const double d = v.toDouble(-1);
    if (!v.isDouble() || !std::isfinite(d) || d > double(kMaxPlausibleTokens) || d != std::floor(d)) {
        if (v.isDouble() && d < 0) {
            noteAnomaly(Anomaly::NegativeUsage, QStringLiteral("a reply reported a negative token count (%1); read as 0")
                                                    .arg(scalarText(v)));
            return 0;
        }
        noteAnomaly(Anomaly::AbsurdUsage, QStringLiteral("a reply reported an impossible token count (%1); its usage is not "
                                                         "trusted and the call is booked at its reservation")
                                              .arg(scalarText(v).left(40)));
        *untrusted = true;
        return 0;
    }
    if (d < 0) {
        noteAnomaly(Anomaly::NegativeUsage, QStringLiteral("a reply reported a negative token count (%1); read as 0")
                                                .arg(scalarText(v)));
        return 0;
    }
    return qint64(d);
}

void finishUsage(Usage &u, bool untrusted)
{
    if (untrusted) {
        u = Usage{};
        return;   // reported stays false: booked at the reservation, which the bound caps
    }
    u.reported = true;
    u.cacheWriteTokens = std::min(u.cacheWriteTokens, u.promptTokens);
    u.cachedTokens = std::min(u.cachedTokens, u.promptTokens - u.cacheWriteTokens);
}

void checkLimits(RateLimitHeaders &l)
{
    for (std::optional<qint64> *w : {&l.resetRequestsMs, &l.resetTokensMs, &l.resetInputTokensMs, &l.resetOutputTokensMs,
                                     &l.retryAfterMs}) {
        if (*w && (**w < 0 || **w > kMaxPlausibleWaitMs)) {
            noteAnomaly(Anomaly::AbsurdWait, QStringLiteral("ignored an impossible wait in a reply (%1 s)").arg(**w / 1000));
            w->reset();
        }
    }
}

std::optional<qint64> retryHintFromMessage(QStringView message)
{
    static const QLatin1String kDurationLeads[] = {QLatin1String("try again in "),
                                                   QLatin1String("retry in ")};
    for (const QLatin1String lead : kDurationLeads) {
        const qsizetype at = message.indexOf(lead, 0, Qt::CaseInsensitive);
        if (at < 0)
            continue;
        qsizetype begin = at + lead.size();
        qsizetype end = begin;
        while (end < message.size() && !message[end].isSpace())
            ++end;
        QStringView token = message.sliced(begin, end - begin);
        // The sentence ends right after the duration: "in 644ms." / "in 1.68s,".
        while (!token.isEmpty() && QStringLiteral(".,;:)").contains(token.back()))
            token.chop(1);
        if (token.isEmpty() || !token.front().isDigit())
            continue;
        if (const auto ms = parseGoDurationMs(token.toLatin1()))
            return ms;
    }
    // Azure OpenAI style: "Please retry after 20 seconds."
    const qsizetype after = message.indexOf(QLatin1String("retry after "), 0, Qt::CaseInsensitive);
    if (after >= 0) {
        qsizetype pos = after + 12;
        qsizetype end = pos;
        while (end < message.size() && (message[end].isDigit() || message[end] == u'.'))
            ++end;
        if (end > pos && message.sliced(end).trimmed().startsWith(QLatin1String("second"), Qt::CaseInsensitive)) {
            const QByteArray digits = message.sliced(pos, end - pos).toLatin1();
            qsizetype p = 0;
            if (const auto d = readDecimal(digits, p); d && p == digits.size())
                if (const auto ns = scaleNs(*d, 1'000 * kNsPerMs))
                    return ceilNsToMs(*ns);
        }
    }
    return std::nullopt;
}

QString sanitizeMessage(const QString &message)
{
    QString m = message.trimmed();
    constexpr qsizetype kMaxLength = 1000;
    if (m.size() > kMaxLength)
        m = m.left(kMaxLength) + QStringLiteral("…");
    // Only pay for the regex when a key prefix is present at all.
    if (m.contains(QLatin1String("sk-")) || m.contains(QLatin1String("AIza"))) {
        static const QRegularExpression keyLike(
            QStringLiteral("(sk-(?:ant-|proj-)?|AIza)[A-Za-z0-9_\\-]{16,}"));
        m.replace(keyLike, QStringLiteral("\\1***"));
    }
    return m;
}

QString bodyExcerpt(const QByteArray &body)
{
    constexpr qsizetype kMax = 300;
    QString text = QString::fromUtf8(body.left(4 * kMax));
    // Gateways send HTML error pages; tags only make the message unreadable.
    if (text.contains(u'<')) {
        static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
        text.remove(tags);
    }
    text = text.simplified();
    if (text.size() > kMax)
        text = text.left(kMax) + QStringLiteral("…");
    return sanitizeMessage(text);
}

QString scalarText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == std::floor(d) && std::abs(d) < 1e15)
            return QString::number(static_cast<qint64>(d));
        return QString::number(d);
    }
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    default:
        return {};
    }
}

bool looksLikeContextTooLong(const QString &message, const QString &code)
{
    if (code == QLatin1String("context_length_exceeded") || code == QLatin1String("string_above_max_length"))
        return true;
    static const QLatin1String kPhrases[] = {
        QLatin1String("maximum context length"),               // OpenAI (older), vLLM, Mistral
        QLatin1String("context window"),                       // OpenAI "Your input exceeds the context window"
        QLatin1String("prompt is too long"),                   // Anthropic
        QLatin1String("exceed context limit"),                 // Anthropic input + max_tokens
        QLatin1String("exceeds the maximum number of tokens"), // Gemini
        QLatin1String("too large for model"),                  // Mistral
    };
    for (const QLatin1String phrase : kPhrases) {
        if (message.contains(phrase, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

ErrorClass classForStatus(int s)
{
    if (s >= 200 && s < 300)
        return ErrorClass::None;
    switch (s) {
    case 401:
    case 403:
        return ErrorClass::Auth;
    case 402:   // Payment Required: OpenRouter and some proxies when credit runs out
        return ErrorClass::BudgetExceeded;
    case 408:   // request timeout
    case 409:   // conflict: OpenAI's "try again" on concurrent processing
        return ErrorClass::Transient;
    case 413:
        return ErrorClass::ContextTooLong;
    case 429:
        return ErrorClass::RateLimited;
    case 529:
        return ErrorClass::Overloaded;
    default:
        break;
    }
    if (s >= 500)
        return ErrorClass::Transient;
    if (s >= 400)
        return ErrorClass::Fatal;
    if (s >= 300)
        return ErrorClass::Fatal;   // redirects are followed by the network layer; one reaching us will not go away
    return ErrorClass::Transient;   // 0 / 1xx: no real reply
}

ProviderError malformedReply(int httpStatus, const QString &what, const QByteArray &body)
{
    ProviderError e;
    e.errorClass = ErrorClass::Transient;
    e.httpStatus = httpStatus;
    e.type = QStringLiteral("malformed_reply");
    const QString excerpt = bodyExcerpt(body);
    e.message = excerpt.isEmpty() ? what : what + QStringLiteral(": ") + excerpt;
    return e;
}

} // namespace wb::wire
