#include "core/common/check.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QtGlobal>

Q_LOGGING_CATEGORY(lcCheck, "wb.check")

namespace wb::detail {

bool checkFailed(const char *expr, const char *file, int line, const char *func)
{
#ifndef NDEBUG
    qFatal("invariant broken: %s (%s:%d, %s)", expr, file, line, func);
#else
    // Once per place: a broken invariant inside a hot loop must not flood the log.
    static QMutex mutex;
    static QHash<QByteArray, bool> seen;
    const QByteArray where = QByteArray(file) + ':' + QByteArray::number(line);
    {
        QMutexLocker lock(&mutex);
        if (seen.contains(where))
            return false;
        seen.insert(where, true);
    }
    qCCritical(lcCheck, "invariant broken: %s (%s:%d, %s)", expr, file, line, func);
#endif
    return false;
}

} // namespace wb::detail
