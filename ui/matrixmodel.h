#pragma once
// The experiment matrix as an editable table: one row per run.
#include "core/config/experimentconfig.h"

#include <QAbstractTableModel>

namespace wb {
namespace ui {

class MatrixModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MatrixModel)
public:
    enum Column { RunId, Model, Framework, Corpus, Include, Limit, Repetitions, ColumnCount };
    /// Choices for the combo-box columns (Qt::UserRole on an index gives the list).
    enum Role { ChoicesRole = Qt::UserRole + 1 };

    explicit MatrixModel(QObject *parent = nullptr);

    void setRuns(const QList<RunSpec> &runs, int defaultRepetitions);
    const QList<RunSpec> &runs() const { return m_runs; }
    /// Valid choices shown in editors and used for validation.
    void setChoices(const QStringList &groups, const QStringList &frameworks, const QStringList &corpora);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    /// Adds a run (first model/framework/corpus, unique id); returns its row.
    int addRun();
    void remove(const QList<int> &rows);
    QString validate(int row, Column c) const;

signals:
    void runsEdited(const QList<RunSpec> &runs, const QString &description);
    /// setData() refused `typed` for `index`: the reason, for the person who typed it.
    void editRefused(const QModelIndex &index, const QString &reason, const QVariant &typed);

private:
    QList<RunSpec> m_runs;
    /// Refused edits kept in their cells until corrected: row<<32|column -> {typed text, reason}.
    QHash<quint64, std::pair<QString, QString>> m_refused;
    int m_defaultRepetitions = 1;
    QStringList m_groups, m_frameworks, m_corpora;
};

} // namespace ui
} // namespace wb
