#include "core/storage/records.h"

namespace wb {

QString jobStatusName(JobStatus s)
{
    switch (s) {
    case JobStatus::Pending: return QStringLiteral("pending");
    case JobStatus::InFlight: return QStringLiteral("in_flight");
    case JobStatus::Done: return QStringLiteral("done");
    case JobStatus::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("pending");
}

JobStatus jobStatusFromName(const QString &name)
{
    if (name == QLatin1String("done"))
        return JobStatus::Done;
    if (name == QLatin1String("failed"))
        return JobStatus::Failed;
    if (name == QLatin1String("in_flight"))
        return JobStatus::InFlight;
    return JobStatus::Pending;
}

} // namespace wb
