#pragma once
// The one translation of a ResultFilter into SQL, shared by the results browser's queries and the
// CSV export so that an export holds exactly the rows the view shows.
#include "core/storage/resultquery.h"

#include <QString>
#include <QVariantList>

namespace wb::storage_detail {

/// A WHERE condition over `jobs` and its bound values ("1 = 1" when the filter is empty).
struct FilterSql {
    QString sql;
    QVariantList binds;
};

/// `alias` is the name `jobs` has in the query (empty: unqualified columns). With `planOrder` the
/// job columns are wrapped so SQLite cannot drive the scan through an index on them: a full export
/// reads in rowid (plan) order without sorting every row.
FilterSql filterSql(const ResultFilter &filter, const QString &alias, bool planOrder = false);

/// Whether a run (model group, framework, experiment name, id) passes the run-level parts of a filter.
bool runMatches(const ResultFilter &filter, const QString &runId, const QString &modelGroup, const QString &framework,
                const QString &experiment);

/// A filtered sort by score that matches at most this many jobs sorts them (ORDER BY); more walk
/// the score index (resultquery.cpp, fetchByScore).
constexpr qint64 kScoreSortFewUpTo = 20000;
/// fetchResultsSorted() with another threshold (tests reach both ways on a small database).
Result<QList<ResultRowView>> fetchResultsSortedWith(const QString &connName, const ResultFilter &filter, const ResultSort &sort,
                                                    qint64 offset, int limit, qint64 sortFewUpTo);

} // namespace wb::storage_detail
