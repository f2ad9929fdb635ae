#include "core/config/duration.h"

#include <QRegularExpression>

namespace wb {

std::optional<qint64> parseDurationSeconds(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*([0-9]{1,9})\\s*(s|m|h|d|w|mo)\\s*$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    if (n <= 0)
        return std::nullopt;
    const QString unit = m.captured(2);
    qint64 scale = 1;
    if (unit == u"m")
        scale = 60;
    else if (unit == u"h")
        scale = 3600;
    else if (unit == u"d")
        scale = 86400;
    else if (unit == u"w")
        scale = 7 * 86400;
    else if (unit == u"mo")
        scale = 30 * 86400;
    return n * scale;
}

} // namespace wb
