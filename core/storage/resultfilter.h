#pragma once
// Which results a view, an export or the statistics cover: the Results page's filter, shared so an
// export holds exactly what the page shows (docs/FORMATS.md, "CSV export").
#include <QString>
#include <QStringList>

namespace wb {

/// Empty fields do not filter. All given fields must match.
struct ResultFilter {
    QString runId;          ///< exact run id
    QString model;          ///< exact model group (runs.model_group)
    QString status;         ///< pending | in_flight | done | failed
    QString textLike;       ///< substring of the text id, case-insensitive for ASCII
    QString experiment;     ///< exact experiment name
    QString framework;      ///< exact framework id (runs.framework)
    QStringList runIds;     ///< any of these runs (with runId: both must hold)
};

} // namespace wb
