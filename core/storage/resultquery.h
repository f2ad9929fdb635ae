#pragma once
// Read-only queries over the results database for the results browser (paged table, detail
// view, mean-score chart). Plain functions over a named connection: no QtSql in this header, no
// model classes. A connection belongs to the thread that opened it; open one per thread with
// openReadConnection() (or use ResultStore::connectionName() on the store's own thread).
//
// Paging at 1,000,000 rows: fetchResultsAfter() is keyset paging on jobs.id (constant time per
// page, the right call for canFetchMore/fetchMore); fetchResults() with an offset skips rows through
// an index and costs time proportional to the offset (see bench_storage for figures).
#include "core/common/result.h"
#include "core/storage/resultfilter.h"
#include "core/storage/resultstore.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <vector>

namespace wb {

/// One row of the results table: the job's columns and its scores (without evidence).
struct ResultRowView {
    qint64 jobId = 0;
    QString experiment;
    QString runId;
    QString modelGroup;
    QString framework;
    QString corpus;
    QString textId;
    int repetition = 1;
    JobStatus status = JobStatus::Pending;
    int attempts = 0;
    QString deploymentId;
    QString provider;
    QString modelVersion;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 cachedTokens = 0;
    qint64 costMicros = 0;
    qint64 latencyMs = 0;
    QString error;
    QString completedAt;            ///< ISO 8601 UTC as stored; empty while unfinished
    QList<ScoreRow> scores;         ///< in dimension-name order; evidence left empty

    /// "care=0.7 fairness=0.2 loyalty=–" — compact text for a table cell.
    QString scoresText() const;
};

/// One HTTP attempt, as stored in `calls`.
struct CallView {
    qint64 id = 0;
    QString deploymentId;
    QString provider;
    QString modelGroup;
    QString modelVersion;
    int httpStatus = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    qint64 cachedTokens = 0;
    qint64 cacheWriteTokens = 0;
    qint64 costMicros = 0;
    qint64 latencyMs = 0;
    QString requestId;
    QString errorClass;             ///< "" | rate_limited | overloaded | context_too_long | auth | transient | fatal | budget_exceeded
    QString errorMessage;
    QString startedAt;
    qint64 jobId = 0;               ///< the job it served (the first one for a batched call)
};

struct RawResponseView {
    int attempt = 0;
    QString text;
    QString receivedAt;
};

/// Everything the detail view shows for one job.
struct JobDetail {
    ResultRowView row;
    QList<ScoreRow> scores;         ///< with evidence
    QList<CallView> calls;          ///< in the order they were made (includes batched calls that served the job)
    QList<RawResponseView> rawResponses;   ///< by attempt
};

/// Mean score of one dimension for one model group (NULL scores are left out of mean and count).
struct DimensionMean {
    QString modelGroup;
    QString framework;
    QString dimension;
    double mean = 0;
    qint64 count = 0;
};

/// Opens a read-only connection (query_only) to an existing results database on the calling
/// thread and returns its name. The schema must be current, or 3 (read as it is, without the score
/// index of schema 4): open it once with ResultStore first to migrate it.
Result<QString> openReadConnection(const QString &dbPath);
/// Closes a connection from openReadConnection(). Every QSqlQuery on it must be gone.
void closeReadConnection(const QString &connName);

Result<qint64> countResults(const QString &connName, const ResultFilter &filter);
/// Rows in job-id (plan) order, skipping `offset` matching rows.
Result<QList<ResultRowView>> fetchResults(const QString &connName, const ResultFilter &filter, qint64 offset, int limit);
/// Keyset paging: the next `limit` matching rows with jobs.id > afterJobId (0 = from the start).
Result<QList<ResultRowView>> fetchResultsAfter(const QString &connName, const ResultFilter &filter, qint64 afterJobId, int limit);
/// The column a sorted results page is ordered by (the results table's sortable columns).
/// Ties are broken by job id in the same direction, so the order is total and pages do not overlap.
struct ResultSort {
    enum class Key {
        JobId, Run, ModelGroup, Framework, Text, Repetition, Status, Deployment, Provider, ModelVersion,
        PromptTokens, CompletionTokens, Cost, Latency, Attempts, Error, Completed,
        Score   ///< the score of `dimension` (of runs with `framework`); jobs without one come last in either direction
    };
    Key key = Key::JobId;
    bool descending = false;
    QString framework;   ///< Key::Score only
    QString dimension;   ///< Key::Score only
    bool operator==(const ResultSort &) const = default;
};
/// Rows ordered by `sort` (ORDER BY in SQL, over every matching row), skipping `offset` of them.
/// Offset paging: a page costs time proportional to the offset plus a sort of the matching rows;
/// for plan order prefer fetchResultsAfter(). Key::Score needs no sort: it walks the score index
/// (schema 4), so a page costs its offset in index steps.
Result<QList<ResultRowView>> fetchResultsSorted(const QString &connName, const ResultFilter &filter,
                                                const ResultSort &sort, qint64 offset, int limit);
Result<JobDetail> jobDetail(const QString &connName, qint64 jobId);
/// Mean per dimension per model group over the filtered jobs, ordered by model group, framework, dimension.
/// Reads every matching score: a second or so at 6,000,000 scores — call it off the GUI thread.
Result<QList<DimensionMean>> meanScores(const QString &connName, const ResultFilter &filter);

/// The scores of finished jobs matching a filter, compactly: the strings once in tables, each
/// score as indices into them. Input of the agreement statistics (core/analysis); NULL scores and
/// unfinished jobs are left out.
struct ScoreSample {
    struct Dimension {
        QString framework;
        QString dimension;
    };
    struct Value {
        int model = 0;        ///< index into models
        int unit = 0;         ///< index into units
        int dimension = 0;    ///< index into dimensions
        int repetition = 1;
        double score = 0;
    };
    QStringList models;            ///< model groups, sorted
    QStringList units;             ///< "corpus/text_id", in first-seen order
    QList<Dimension> dimensions;   ///< sorted by framework, then dimension
    QList<Value> values;
};
/// Reads every score of the filtered, finished jobs (one pass; call it off the GUI thread).
Result<ScoreSample> scoreSample(const QString &connName, const ResultFilter &filter);

/// Called by forEachDimension() once per dimension: `head` holds the sample's models, units and
/// dimensions (no values), `values` every value of dimension `dimension`. It may run on a thread
/// forEachDimension() starts (one call at a time, in order, all before it returns).
using DimensionVisitor = std::function<void(const ScoreSample &head, int dimension, std::vector<ScoreSample::Value> &&values)>;
/// The same scores as scoreSample(), one dimension at a time, for samples too large to hold at once
/// (six million scores at a million jobs): `visit` is called for every dimension of head, in order,
/// also for one without values. On SQLite with the score index (schema 4) one read transaction: a
/// pass over the jobs, then a walk of the score index per dimension (docs/ARCHITECTURE.md,
/// "Statistics at scale"); otherwise scoreSample() split by dimension. Call it off the GUI thread.
Result<void> forEachDimension(const QString &connName, const ResultFilter &filter, const DimensionVisitor &visit);

/// Every stored call in id order, handed to `visit` one at a time (false stops early). For the
/// reproducibility bundle's per-call record of model versions and request ids.
Result<qint64> forEachCall(const QString &connName, const std::function<bool(const CallView &)> &visit);

/// A consistent copy of a results database as a SQLite file at destPath (VACUUM INTO on a
/// connection of this thread): taken inside one read transaction, so a run writing meanwhile (WAL)
/// cannot tear it. From the PostgreSQL run store every table is copied row by row out of one
/// snapshot, in the order the server's readers see them. destPath must not exist.
Result<void> copyDatabase(const QString &dbPath, const QString &destPath);

/// Every framework dimension of the runs matching `filter` (runs.dimensions), sorted by framework
/// then dimension: the results table's per-dimension columns and the comparison's columns.
Result<QList<ScoreSample::Dimension>> dimensionList(const QString &connName, const ResultFilter &filter = {});

/// Scores side by side: per text, model group and dimension the mean over the text's finished
/// repetitions. Read for a bounded set of texts only (a page of the pivot, or an evenly spaced
/// sample for the charts), each through the text-id index, so its cost does not grow with the
/// database beyond one pass over that index (docs/ARCHITECTURE.md, "Comparing models").
struct ScoreComparison {
    QStringList models;                        ///< model groups of the matching runs, sorted
    QList<ScoreSample::Dimension> dimensions;  ///< sorted by framework, then dimension
    QStringList texts;                         ///< "corpus/text_id" (text id alone without a corpus), in text-id order
    QList<double> means;                       ///< texts x models x dimensions; NaN where no score
    qint64 totalTexts = 0;                     ///< distinct text ids matching the filter; -1 when not counted
    bool sampled = false;                      ///< texts is a sample of totalTexts
    int idsRead = 0;                           ///< text ids read (texts without a finished score are left out)

    double mean(int text, int model, int dimension) const
    {
        return means[(qsizetype(text) * models.size() + model) * dimensions.size() + dimension];
    }
    /// Largest minus smallest model mean of a text on a dimension; NaN with fewer than two models.
    double spread(int text, int dimension) const;
};
/// The `limit` texts after the first `offset` (in text-id order) that match the filter: a pivot page.
/// `totalTexts` is counted only when `countTexts` is set (one pass over the text-id index).
Result<ScoreComparison> comparisonPage(const QString &connName, const ResultFilter &filter, qint64 offset, int limit,
                                       bool countTexts = true);
/// At most `maxTexts` texts spread evenly over all matching ones (all of them when there are no
/// more): the input of the box plots and the model-vs-model scatter. Over fewer than 10 x maxTexts
/// matching jobs every distinct text is listed and every k-th kept (totalTexts counted); over more,
/// the texts of the jobs at maxTexts evenly spaced job ids, one index seek each (totalTexts -1).
Result<ScoreComparison> comparisonSample(const QString &connName, const ResultFilter &filter, int maxTexts);
/// Distinct text ids of the matching jobs (one pass over the text-id index).
Result<qint64> countTexts(const QString &connName, const ResultFilter &filter);

/// Values for the filter drop-downs.
Result<QStringList> runIds(const QString &connName);
Result<QStringList> modelGroups(const QString &connName);
Result<QStringList> experimentNames(const QString &connName);

} // namespace wb
