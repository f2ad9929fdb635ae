#pragma once
// The results table over a results database, fast at 1,000,000 rows: rows are fetched in pages
// of `pageSize` by keyset paging (jobs.id > last id) on the query thread as the view scrolls
// (canFetchMore/fetchMore), so memory grows only with what was looked at and opening costs one
// page. The matching-row count is computed separately and reported through totalChanged().
#include "core/storage/resultquery.h"

#include <QAbstractTableModel>

namespace wb {
namespace ui {

class ResultsBackend;

class ResultsModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResultsModel)
public:
    enum Column {
        JobId, Run, Model, Framework, Text, Repetition, Status, Scores, Deployment, Provider, ModelVersion,
        PromptTokens, CompletionTokens, Cost, Latency, Attempts, Error, Completed, ColumnCount
    };
    enum Role { JobIdRole = Qt::UserRole + 1, ScoreRole };   ///< ScoreRole: a dimension column's number (double), null when none

    explicit ResultsModel(QObject *parent = nullptr);
    ~ResultsModel() override;

    void setDatabase(const QString &path);
    QString database() const;
    void setFilter(const ResultFilter &filter);
    const ResultFilter &filter() const { return m_filter; }
    /// Re-reads from the start (e.g. after a run wrote new rows).
    void refresh();
    void setPageSize(int n) { m_pageSize = n; }

    ResultsBackend *backend() const { return m_backend; }
    /// Matching rows in the database; -1 while unknown.
    qint64 totalCount() const { return m_total; }
    bool isLoading() const { return m_loading; }
    QString lastError() const { return m_error; }
    const ResultRowView *rowAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    /// Orders the rows by a column in SQL over the whole database (not just the loaded pages) and
    /// re-reads from the start; the Scores column has no order and is ignored.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    /// Every column sorts except Scores (the per-dimension columns after it sort by their number).
    bool isSortable(int column) const { return column >= 0 && column < columnCount() && column != Scores; }
    const ResultSort &sortOrder() const { return m_sort; }
    /// The column the current order is by.
    int sortColumn() const;
    /// One numeric column per framework dimension follows the fixed columns (from ColumnCount on),
    /// in this order; they arrive with the first page of a database.
    const QList<ScoreSample::Dimension> &dimensionColumns() const { return m_dims; }
    /// The column of a dimension; -1 when it has none.
    int dimensionColumn(const QString &framework, const QString &dimension) const;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    void totalChanged(qint64 total);
    /// The per-dimension columns changed (a database or filter with other frameworks).
    void dimensionColumnsChanged();
    /// A page arrived (or the first page after a reset); `error` is empty on success.
    void pageLoaded(const QString &error);

private:
    void requestPage();
    void requestDimensions();
    void setDimensionColumns(const QList<ScoreSample::Dimension> &dims);
    double scoreOf(const ResultRowView &r, int dimColumn) const;

    ResultsBackend *m_backend;
    ResultFilter m_filter;
    ResultSort m_sort;
    QList<ResultRowView> m_rows;
    QList<ScoreSample::Dimension> m_dims;
    quint64 m_generation = 0;    // bumps on every reset; late replies of older ones are dropped
    qint64 m_total = -1;
    int m_pageSize = 256;
    bool m_atEnd = true;
    bool m_loading = false;
    QString m_error;
};

QString statusLabel(JobStatus s);

} // namespace ui
} // namespace wb
