#include "ui/matrixmodel.h"

#include <QBrush>
#include <QColor>
#include <QSet>
#include <algorithm>

namespace wb {
namespace ui {

MatrixModel::MatrixModel(QObject *parent) : QAbstractTableModel(parent) {}

void MatrixModel::setRuns(const QList<RunSpec> &runs, int defaultRepetitions)
{
    m_defaultRepetitions = defaultRepetitions;
    if (runs.size() == m_runs.size()) {
        m_runs = runs;
        if (!m_runs.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_runs = runs;
    m_refused.clear();
    endResetModel();
}

void MatrixModel::setChoices(const QStringList &groups, const QStringList &frameworks, const QStringList &corpora)
{
    m_groups = groups;
    m_frameworks = frameworks;
    m_corpora = corpora;
    if (!m_runs.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int MatrixModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_runs.size()); }
int MatrixModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString MatrixModel::validate(int row, Column c) const
{
    const RunSpec &r = m_runs.at(row);
    switch (c) {
    case RunId: {
        if (r.runId.trimmed().isEmpty())
            return tr("A run id is required");
        int same = 0;
        for (const RunSpec &o : m_runs)
            same += o.runId == r.runId;
        if (same > 1)
            return tr("Run ids must be unique");
        break;
    }
    case Model:
        if (!m_groups.contains(r.model))
            return tr("No model group \"%1\" in the model list").arg(r.model);
        break;
    case Framework:
        if (!m_frameworks.contains(r.framework))
            return tr("No framework \"%1\" in the experiment").arg(r.framework);
        break;
    case Corpus:
        if (!m_corpora.contains(r.corpus))
            return tr("No corpus source \"%1\" in the experiment").arg(r.corpus);
        break;
    default:
        break;
    }
    return {};
}

QVariant MatrixModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const RunSpec &r = m_runs[index.row()];
    const auto col = Column(index.column());
    // A refused edit stays in its cell, marked, so it can be corrected rather than retyped.
    if (const auto x = m_refused.constFind(quint64(index.row()) << 32 | quint64(index.column())); x != m_refused.cend()) {
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return x->first;
        if (role == Qt::ToolTipRole)
            return x->second;
        if (role == Qt::BackgroundRole)
            return QBrush(QColor(255, 200, 200));
    }
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (col) {
        case RunId: return r.runId;
        case Model: return r.model;
        case Framework: return r.framework;
        case Corpus: return r.corpus;
        // An empty cell read as "nothing"; say what it means (grey, like a default repetition count).
        case Include:
            if (r.include.isEmpty() && role == Qt::DisplayRole)
                return tr("every text");
            return r.include.join(QLatin1String(", "));
        case Limit:
            if (r.limit)
                return *r.limit;
            return role == Qt::DisplayRole ? QVariant(tr("no limit")) : QVariant();
        case Repetitions:
            if (r.repetitions)
                return *r.repetitions;
            return role == Qt::DisplayRole ? QVariant(tr("%1 (default)").arg(m_defaultRepetitions)) : QVariant();
        case ColumnCount: break;
        }
        return {};
    }
    if (role == ChoicesRole) {
        switch (col) {
        case Model: return m_groups;
        case Framework: return m_frameworks;
        case Corpus: return m_corpora;
        default: return {};
        }
    }
    const QString problem = validate(index.row(), col);
    if (role == Qt::ToolTipRole) {
        if (!problem.isEmpty())
            return problem;
        if (col == Include)
            return tr("Globs on text ids, comma separated; empty = every text");
        return {};
    }
    if (role == Qt::BackgroundRole && !problem.isEmpty())
        return QBrush(QColor(255, 220, 220));
    if (role == Qt::ForegroundRole
        && ((col == Repetitions && !r.repetitions) || (col == Include && r.include.isEmpty()) || (col == Limit && !r.limit)))
        return QBrush(QColor(Qt::gray));
    return {};
}

QVariant MatrixModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (o == Qt::Vertical)
        return section + 1;
    switch (section) {
    case RunId: return tr("Run id");
    case Model: return tr("Model group");
    case Framework: return tr("Framework");
    case Corpus: return tr("Corpus");
    case Include: return tr("Include");
    case Limit: return tr("Limit");
    case Repetitions: return tr("Repetitions");
    default: return {};
    }
}

Qt::ItemFlags MatrixModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

bool MatrixModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    RunSpec r = m_runs[index.row()];
    const QString s = value.toString().trimmed();
    const quint64 cell = quint64(index.row()) << 32 | quint64(index.column());
    auto refuse = [&](const QString &why) {
        m_refused.insert(cell, {value.toString(), why});
        emit dataChanged(index, index);
        emit editRefused(index, why, value);
        return false;
    };
    if (m_refused.remove(cell))
        emit dataChanged(index, index);
    switch (Column(index.column())) {
    case RunId:
        if (s.isEmpty()) {
            return refuse(tr("A run needs an id: results and resumes name it."));
            return false;
        }
        r.runId = s;
        break;
    case Model: r.model = s; break;
    case Framework: r.framework = s; break;
    case Corpus: r.corpus = s; break;
    case Include: {
        r.include.clear();
        for (const QString &g : s.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!g.trimmed().isEmpty())
                r.include << g.trimmed();
        break;
    }
    case Limit:
    case Repetitions: {
        std::optional<int> v;
        if (!s.isEmpty()) {
            bool ok = false;
            const int n = s.toInt(&ok);
            if (!ok || n <= 0) {
                return refuse(tr("\"%1\" is not a count: type a whole number above zero, or leave the cell empty").arg(s));
                return false;
            }
            v = n;
        }
        (index.column() == Limit ? r.limit : r.repetitions) = v;
        break;
    }
    case ColumnCount: return false;
    }
    // An unchanged value must not push an undo step or mark the project modified.
    const QVariant before = data(index, Qt::EditRole);
    const RunSpec previous = m_runs[index.row()];
    m_runs[index.row()] = r;
    if (data(index, Qt::EditRole) == before) {
        m_runs[index.row()] = previous;
        return false;
    }
    // Unique-id validation depends on other rows, so repaint the whole id column.
    emit dataChanged(this->index(0, 0), this->index(rowCount() - 1, ColumnCount - 1));
    emit runsEdited(m_runs, tr("Edit run %1").arg(r.runId));
    return true;
}

int MatrixModel::addRun()
{
    RunSpec r;
    r.model = m_groups.value(0);
    r.framework = m_frameworks.value(0);
    r.corpus = m_corpora.value(0);
    QSet<QString> ids;
    for (const RunSpec &o : std::as_const(m_runs))
        ids.insert(o.runId);
    const QString base = r.model.isEmpty() ? QStringLiteral("run") : r.model + QLatin1Char('-') + r.framework;
    r.runId = base;
    for (int n = 2; ids.contains(r.runId); ++n)
        r.runId = base + QLatin1Char('-') + QString::number(n);
    const int row = int(m_runs.size());
    beginInsertRows({}, row, row);
    m_runs << r;
    endInsertRows();
    emit runsEdited(m_runs, tr("Add run %1").arg(r.runId));
    return row;
}

void MatrixModel::remove(const QList<int> &rows)
{
    QList<int> sorted = rows;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    bool any = false;
    for (int r : std::as_const(sorted)) {
        if (r < 0 || r >= m_runs.size())
            continue;
        beginRemoveRows({}, r, r);
        m_runs.removeAt(r);
        endRemoveRows();
        any = true;
    }
    if (any)
        emit runsEdited(m_runs, tr("Remove %n run(s)", nullptr, int(sorted.size())));
}

} // namespace ui
} // namespace wb
