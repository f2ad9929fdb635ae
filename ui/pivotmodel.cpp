#include "ui/pivotmodel.h"

#include "ui/resultsbackend.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <cmath>
#include <limits>

namespace wb {
namespace ui {

PivotModel::PivotModel(ResultsBackend *backend, QObject *parent) : QAbstractTableModel(parent), m_backend(backend) {}

PivotModel::~PivotModel() = default;

void PivotModel::setFilter(const ResultFilter &filter)
{
    m_filter = filter;
    refresh();
}

void PivotModel::refresh()
{
    beginResetModel();
    ++m_generation;
    m_models.clear();
    m_dims.clear();
    m_texts.clear();
    m_means.clear();
    m_spreads.clear();
    m_maxSpread.clear();
    m_total = -1;
    m_offset = 0;
    m_error.clear();
    m_loading = false;
    m_atEnd = m_backend->database().isEmpty();
    endResetModel();
    requestPage();
}

void PivotModel::requestPage()
{
    if (m_loading || m_atEnd)
        return;
    m_loading = true;
    const quint64 gen = m_generation;
    const ResultFilter f = m_filter;
    const qint64 offset = m_offset;
    const int limit = m_pageSize;
    m_backend->run<Result<ScoreComparison>>([f, offset, limit](const QString &conn) -> Result<ScoreComparison> {
        if (conn.isEmpty())
            return fail(tr("The results database cannot be opened"));
        return comparisonPage(conn, f, offset, limit, false);
    }, [this, gen, limit](Result<ScoreComparison> page) {
        if (gen != m_generation)
            return;
        m_loading = false;
        if (!page) {
            m_atEnd = true;
            m_error = page.error().toString();
            emit pageLoaded(m_error);
            return;
        }
        const bool first = m_offset == 0;
        m_offset += page->idsRead;
        if (first) {
            // Columns are known with the first page; later pages share them (same filter).
            beginResetModel();
            m_models = page->models;
            m_dims = page->dimensions;
            m_maxSpread.fill(0.0, m_dims.size());
            endResetModel();
        }
        const qsizetype n = page->texts.size();
        // Pages hold whole texts; a text's jobs never straddle two pages (they share the text id).
        if (n > 0 && page->models == m_models && page->dimensions.size() == m_dims.size()) {
            for (int t = 0; t < n; ++t)
                for (int d = 0; d < m_dims.size(); ++d) {
                    const double s = page->spread(t, d);
                    m_spreads << s;
                    if (!std::isnan(s))
                        m_maxSpread[d] = std::max(m_maxSpread[d], s);
                }
            beginInsertRows({}, int(m_texts.size()), int(m_texts.size() + n - 1));
            m_texts += page->texts;
            m_means += page->means;
            endInsertRows();
        }
        // Rows and ids differ (a text without a finished score has no row; one id under two
        // corpora has two), so the end is judged by the ids read.
        m_atEnd = page->idsRead < limit || m_dims.isEmpty();
        emit pageLoaded({});
        if (first) {
            // Counted after the first page is shown: the count walks the whole text-id index.
            const ResultFilter f = m_filter;
            m_backend->run<qint64>([f](const QString &conn) { return conn.isEmpty() ? qint64(-1) : countTexts(conn, f).value_or(-1); },
                                   [this, gen](qint64 n) {
                                       if (gen != m_generation)
                                           return;
                                       m_total = n;
                                       emit totalChanged(n);
                                   });
        }
    });
}

int PivotModel::column(const QString &framework, const QString &dimension, const QString &model) const
{
    for (int d = 0; d < m_dims.size(); ++d) {
        if (m_dims[d].framework != framework || m_dims[d].dimension != dimension)
            continue;
        if (model.isEmpty())
            return 1 + d * perDimension() + int(m_models.size());
        const qsizetype m = m_models.indexOf(model);
        return m < 0 ? -1 : 1 + d * perDimension() + int(m);
    }
    return -1;
}

int PivotModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_texts.size()); }

int PivotModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_dims.isEmpty() ? (parent.isValid() ? 0 : 1) : 1 + int(m_dims.size()) * perDimension();
}

bool PivotModel::canFetchMore(const QModelIndex &parent) const { return !parent.isValid() && !m_atEnd && !m_loading; }

void PivotModel::fetchMore(const QModelIndex &parent)
{
    if (!parent.isValid())
        requestPage();
}

QVariant PivotModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const int row = index.row();
    if (index.column() == 0)
        return role == Qt::DisplayRole || role == Qt::ToolTipRole ? QVariant(m_texts[row]) : QVariant();
    const int d = (index.column() - 1) / perDimension();
    const int m = (index.column() - 1) % perDimension();
    const qsizetype nm = m_models.size(), nd = m_dims.size();
    const double spread = m_spreads[row * nd + d];
    const bool isSpread = m == nm;
    const double v = isSpread ? spread : m_means[(row * nm + m) * nd + d];
    switch (role) {
    case Qt::DisplayRole:
        return std::isnan(v) ? QVariant() : QVariant(QLocale().toString(v, 'f', 2));
    case ValueRole:
        return std::isnan(v) ? QVariant() : QVariant(v);
    case SpreadRole:
        return std::isnan(spread) ? QVariant() : QVariant(spread);
    case Qt::TextAlignmentRole:
        return int(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole: {
        // The more the models disagree on this text (relative to the widest disagreement seen on
        // the dimension), the redder the spread cell.
        if (!isSpread || std::isnan(spread) || m_maxSpread.value(d) <= 0)
            return {};
        const double share = spread / m_maxSpread[d];
        return QBrush(QColor(220, 60, 40, int(30 + 150 * share)));
    }
    case Qt::ToolTipRole:
        if (isSpread && !std::isnan(spread))
            return tr("Spread across models on %1: %2 (largest minus smallest mean)")
                .arg(m_dims[d].dimension, QLocale().toString(spread, 'f', 2));
        return {};
    default:
        return {};
    }
}

QVariant PivotModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    if (section == 0)
        return tr("Text");
    if (m_dims.isEmpty())
        return {};
    const int d = (section - 1) / perDimension();
    const int m = (section - 1) % perDimension();
    bool oneFramework = true;
    for (const ScoreSample::Dimension &x : m_dims)
        oneFramework = oneFramework && x.framework == m_dims[d].framework;
    const QString dim = oneFramework ? m_dims[d].dimension : m_dims[d].framework + QLatin1Char(':') + m_dims[d].dimension;
    if (m == m_models.size())
        return role == Qt::DisplayRole ? tr("%1\nspread").arg(dim)
                                       : tr("Largest minus smallest model mean on %1").arg(dim);
    return QStringLiteral("%1\n%2").arg(dim, m_models[m]);
}

} // namespace ui
} // namespace wb
