#pragma once
// The text x model pivot: one row per text, per dimension one column per model group (the mean
// over the text's repetitions) and one for the spread across models (largest minus smallest),
// tinted by how far the models disagree. Rows come in pages of texts read on the query thread
// (core/storage/resultquery.h, comparisonPage), so a million results open as fast as a hundred.
#include "core/storage/resultquery.h"

#include <QAbstractTableModel>

namespace wb {
namespace ui {

class ResultsBackend;

class PivotModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PivotModel)
public:
    enum Role { ValueRole = Qt::UserRole + 1, SpreadRole };   ///< the cell's number; the row's spread on its dimension

    explicit PivotModel(ResultsBackend *backend, QObject *parent = nullptr);
    ~PivotModel() override;

    void setFilter(const ResultFilter &filter);
    /// Re-reads from the first page (a new database or new results).
    void refresh();
    void setPageSize(int n) { m_pageSize = n; }

    const QStringList &models() const { return m_models; }
    const QList<ScoreSample::Dimension> &dimensions() const { return m_dims; }
    /// Distinct texts matching the filter; -1 until counted (after the first page, on the query thread).
    qint64 totalTexts() const { return m_total; }
    bool isLoading() const { return m_loading; }
    QString lastError() const { return m_error; }
    /// The column of a model's mean on a dimension, or of the spread (model empty).
    int column(const QString &framework, const QString &dimension, const QString &model = {}) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    /// A page arrived (or failed: `error` is set).
    void pageLoaded(const QString &error);
    void totalChanged(qint64 texts);

private:
    void requestPage();
    int perDimension() const { return int(m_models.size()) + 1; }

    ResultsBackend *m_backend;
    ResultFilter m_filter;
    QStringList m_models;
    QList<ScoreSample::Dimension> m_dims;
    QStringList m_texts;
    QList<double> m_means;   // rows x models x dimensions
    QList<double> m_spreads;     // rows x dimensions
    QList<double> m_maxSpread;   // per dimension, over the loaded rows: scales the tint
    quint64 m_generation = 0;
    qint64 m_total = -1;
    qint64 m_offset = 0;     // text ids read so far
    int m_pageSize = 200;
    bool m_atEnd = true;
    bool m_loading = false;
    QString m_error;
};

} // namespace ui
} // namespace wb
