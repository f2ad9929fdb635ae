#include "ui/resultsmodel.h"

#include "ui/resultsbackend.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <cmath>
#include <limits>

namespace wb {
namespace ui {

QString statusLabel(JobStatus s)
{
    switch (s) {
    case JobStatus::Pending: return ResultsModel::tr("pending");
    case JobStatus::InFlight: return ResultsModel::tr("in flight");
    case JobStatus::Done: return ResultsModel::tr("done");
    case JobStatus::Failed: return ResultsModel::tr("failed");
    }
    return {};
}

ResultsModel::ResultsModel(QObject *parent) : QAbstractTableModel(parent), m_backend(new ResultsBackend(this)) {}

ResultsModel::~ResultsModel() = default;

void ResultsModel::setDatabase(const QString &path)
{
    m_backend->setDatabase(path);
    refresh();
}

QString ResultsModel::database() const { return m_backend->database(); }

void ResultsModel::setFilter(const ResultFilter &filter)
{
    m_filter = filter;
    refresh();
}

void ResultsModel::refresh()
{
    beginResetModel();
    m_rows.clear();
    ++m_generation;
    m_atEnd = m_backend->database().isEmpty();
    m_loading = false;
    m_total = -1;
    m_error.clear();
    endResetModel();
    emit totalChanged(-1);
    if (m_atEnd) {
        setDimensionColumns({});
        return;
    }
    requestDimensions();
    requestPage();
    const quint64 gen = m_generation;
    const ResultFilter f = m_filter;
    m_backend->run<Result<qint64>>([f](const QString &conn) -> Result<qint64> {
        if (conn.isEmpty())
            return fail(tr("The results database cannot be opened"));
        return countResults(conn, f);
    }, [this, gen](Result<qint64> n) {
        if (gen != m_generation)
            return;
        m_total = n ? *n : -1;
        emit totalChanged(m_total);
    });
}

void ResultsModel::requestDimensions()
{
    const quint64 gen = m_generation;
    const ResultFilter f = m_filter;
    m_backend->run<QList<ScoreSample::Dimension>>([f](const QString &conn) {
        return conn.isEmpty() ? QList<ScoreSample::Dimension>() : dimensionList(conn, f).value_or(QList<ScoreSample::Dimension>());
    }, [this, gen](QList<ScoreSample::Dimension> dims) {
        if (gen == m_generation)
            setDimensionColumns(dims);
    });
}

void ResultsModel::setDimensionColumns(const QList<ScoreSample::Dimension> &dims)
{
    auto same = [](const QList<ScoreSample::Dimension> &a, const QList<ScoreSample::Dimension> &b) {
        if (a.size() != b.size())
            return false;
        for (qsizetype i = 0; i < a.size(); ++i)
            if (a[i].framework != b[i].framework || a[i].dimension != b[i].dimension)
                return false;
        return true;
    };
    if (same(dims, m_dims))
        return;
    // Columns go and come without touching the rows already loaded.
    if (!m_dims.isEmpty()) {
        beginRemoveColumns({}, ColumnCount, ColumnCount + int(m_dims.size()) - 1);
        m_dims.clear();
        endRemoveColumns();
    }
    if (!dims.isEmpty()) {
        beginInsertColumns({}, ColumnCount, ColumnCount + int(dims.size()) - 1);
        m_dims = dims;
        endInsertColumns();
    }
    emit dimensionColumnsChanged();
}

int ResultsModel::dimensionColumn(const QString &framework, const QString &dimension) const
{
    for (int i = 0; i < m_dims.size(); ++i)
        if (m_dims[i].framework == framework && m_dims[i].dimension == dimension)
            return ColumnCount + i;
    return -1;
}

int ResultsModel::sortColumn() const
{
    if (m_sort.key == ResultSort::Key::Score)
        return dimensionColumn(m_sort.framework, m_sort.dimension);
    const int k = int(m_sort.key);
    return k >= Scores ? k + 1 : k;
}

double ResultsModel::scoreOf(const ResultRowView &r, int dimColumn) const
{
    const ScoreSample::Dimension &d = m_dims[dimColumn - ColumnCount];
    if (r.framework == d.framework)
        for (const ScoreRow &x : r.scores)
            if (x.dimension == d.dimension && x.score)
                return *x.score;
    return std::numeric_limits<double>::quiet_NaN();
}

void ResultsModel::requestPage()
{
    if (m_loading || m_atEnd)
        return;
    m_loading = true;
    const quint64 gen = m_generation;
    const ResultFilter f = m_filter;
    const qint64 after = m_rows.isEmpty() ? 0 : m_rows.last().jobId;
    const qint64 offset = m_rows.size();
    const int limit = m_pageSize;
    const ResultSort sort = m_sort;
    m_backend->run<Result<QList<ResultRowView>>>([f, after, offset, sort, limit](const QString &conn) -> Result<QList<ResultRowView>> {
        if (conn.isEmpty())
            return fail(tr("The results database cannot be opened"));
        // Plan order keeps the constant-time keyset paging; any other order is sorted by SQL.
        if (sort == ResultSort{})
            return fetchResultsAfter(conn, f, after, limit);
        return fetchResultsSorted(conn, f, sort, offset, limit);
    }, [this, gen, limit](Result<QList<ResultRowView>> page) {
        if (gen != m_generation)
            return;
        if (!page) {
            m_loading = false;
            m_atEnd = true;
            m_error = page.error().toString();
            emit pageLoaded(m_error);
            return;
        }
        // Still "loading" while the rows go in: a view or tester asking for more from inside
        // the insert signals must not request the same page again.
        const bool atEnd = page->size() < limit;
        if (!page->isEmpty()) {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page->size() - 1));
            m_rows.append(std::move(*page));
            endInsertRows();
        }
        m_atEnd = atEnd;
        m_loading = false;
        emit pageLoaded({});
    });
}

void ResultsModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column))
        return;
    // Columns map one to one onto the sort keys, with Scores (not sortable) left out.
    static_assert(int(ResultSort::Key::Status) == Status && int(ResultSort::Key::Deployment) == Deployment - 1
                  && int(ResultSort::Key::Completed) == Completed - 1);
    ResultSort s;
    if (column >= ColumnCount) {
        s.key = ResultSort::Key::Score;
        s.framework = m_dims[column - ColumnCount].framework;
        s.dimension = m_dims[column - ColumnCount].dimension;
    } else {
        s.key = ResultSort::Key(column > Scores ? column - 1 : column);
    }
    s.descending = order == Qt::DescendingOrder;
    if (s == m_sort)
        return;
    m_sort = s;
    refresh();
}

const ResultRowView *ResultsModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int ResultsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ResultsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount + int(m_dims.size()); }

bool ResultsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_atEnd && !m_loading;
}

void ResultsModel::fetchMore(const QModelIndex &parent)
{
    if (!parent.isValid())
        requestPage();
}

QVariant ResultsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const ResultRowView &r = m_rows[index.row()];
    const auto col = Column(index.column());
    if (role == JobIdRole)
        return r.jobId;
    if (index.column() >= ColumnCount) {
        const double v = scoreOf(r, index.column());
        if (role == Qt::DisplayRole)
            return std::isnan(v) ? QVariant() : QVariant(QLocale().toString(v, 'f', 2));
        if (role == ScoreRole)
            return std::isnan(v) ? QVariant() : QVariant(v);
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role == Qt::DisplayRole) {
        const QLocale loc;
        switch (col) {
        case JobId: return r.jobId;
        case Run: return r.runId;
        case Model: return r.modelGroup;
        case Framework: return r.framework;
        case Text: return r.corpus.isEmpty() ? r.textId : r.corpus + QLatin1Char('/') + r.textId;
        case Repetition: return r.repetition;
        case Status: return statusLabel(r.status);
        case Scores: {
            // Same format as the detail pane: the locale's decimal separator, two decimals.
            const QLocale loc;
            QStringList parts;
            for (const ScoreRow &x : r.scores)
                parts << x.dimension + QLatin1Char('=') + (x.score ? loc.toString(*x.score, 'f', 2) : QStringLiteral("\u2013"));
            return parts.join(QLatin1Char(' '));
        }
        case Deployment: return r.deploymentId;
        case Provider: return r.provider;
        case ModelVersion: return r.modelVersion;
        case PromptTokens: return loc.toString(r.promptTokens);
        case CompletionTokens: return loc.toString(r.completionTokens);
        case Cost: return QStringLiteral("$%1").arg(loc.toString(double(r.costMicros) / 1e6, 'f', 6));
        case Latency: return tr("%1 ms").arg(loc.toString(r.latencyMs));
        case Attempts: return r.attempts;
        case Error: return r.error.left(200);
        case Completed: return r.completedAt;
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole && col == Error && !r.error.isEmpty())
        return r.error;
    if (role == Qt::ForegroundRole && col == Status) {
        if (r.status == JobStatus::Failed)
            return QBrush(QColor(190, 40, 40));
        if (r.status != JobStatus::Done)
            return QBrush(QColor(Qt::gray));
    }
    if (role == Qt::TextAlignmentRole && (col == JobId || col == Repetition || (col >= PromptTokens && col <= Attempts)))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Horizontal && section >= ColumnCount && section < columnCount()) {
        const ScoreSample::Dimension &d = m_dims[section - ColumnCount];
        bool oneFramework = true;
        for (const ScoreSample::Dimension &x : m_dims)
            oneFramework = oneFramework && x.framework == d.framework;
        if (role == Qt::DisplayRole)
            return oneFramework ? d.dimension : d.framework + QLatin1Char(':') + d.dimension;
        if (role == Qt::ToolTipRole)
            return tr("Score on %1 (framework %2); a click sorts all results by it").arg(d.dimension, d.framework);
        return {};
    }
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case JobId: return tr("Job");
    case Run: return tr("Run");
    case Model: return tr("Model group");
    case Framework: return tr("Framework");
    case Text: return tr("Text");
    case Repetition: return tr("Rep.");
    case Status: return tr("Status");
    case Scores: return tr("Scores");
    case Deployment: return tr("Deployment");
    case Provider: return tr("Provider");
    case ModelVersion: return tr("Model version");
    case PromptTokens: return tr("Prompt tokens");
    case CompletionTokens: return tr("Completion tokens");
    case Cost: return tr("Cost");
    case Latency: return tr("Latency");
    case Attempts: return tr("Attempts");
    case Error: return tr("Error");
    case Completed: return tr("Completed");
    default: return {};
    }
}

} // namespace ui
} // namespace wb
