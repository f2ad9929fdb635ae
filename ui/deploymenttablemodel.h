#pragma once
// Editable table of a model list's deployments, kept grouped by model group (model_name).
// The model edits its own copy and reports every change through deploymentsEdited(), so the
// owner can turn it into an undoable project edit; setDeployments() brings it back in step.
#include "core/config/modellist.h"

#include <QAbstractTableModel>

namespace wb {
namespace ui {

class DeploymentTableModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentTableModel)
public:
    enum Column {
        Group, Provider, Model, KeyRef, ApiBase, Rpm, Tpm, Itpm, Otpm, Weight,
        InputPrice, OutputPrice, Pool, ColumnCount
    };
    enum Role { ValidationRole = Qt::UserRole + 1, DeploymentIdRole };

    explicit DeploymentTableModel(QObject *parent = nullptr);

    void setDeployments(const QList<Deployment> &deployments);
    const QList<Deployment> &deployments() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    /// Adds a deployment after the last one of `group` (new group at the end). Returns its row.
    int addDeployment(const QString &group, const QString &provider = QStringLiteral("openai"));
    /// Adds `d` (a generated id) after the last deployment of its group. Returns its row.
    int addDeployment(const Deployment &d);
    int duplicate(int row);
    void remove(const QList<int> &rows);

    /// Problem with one cell, empty if fine (inline validation).
    static QString validate(const Deployment &d, Column c);
    /// Every problem of any cell of any row, as "deployment, column: message"; empty if all fine.
    QStringList problems() const;
    /// The same for a list; blockingOnly leaves out warnings (a literal or shared key) that do not stop a run.
    static QStringList problemsOf(const QList<Deployment> &list, bool blockingOnly);
    /// Another row of `list` carries the same key outside a common rate-limit pool: the message, else empty.
    static QString duplicateKey(const QList<Deployment> &list, int row);
    static bool isWarningOnly(const Deployment &d, Column c);
    static QStringList knownProviders();

signals:
    void deploymentsEdited(const QList<Deployment> &deployments, const QString &description);
    /// setData() refused `typed` for `index`: the reason, for the person who typed it.
    void editRefused(const QModelIndex &index, const QString &reason, const QVariant &typed);

private:
    void regroupAndRenumber();
    QList<Deployment> m_rows;
    /// Refused edits, kept in their cells (red, the reason as tooltip) until corrected: row<<32|column
    /// -> {typed text, reason}.
    QHash<quint64, std::pair<QString, QString>> m_refused;
};

/// Renumbers generated ids ("<group>/<n>") after groups changed; explicit ids are kept.
void renumberDeploymentIds(QList<Deployment> &list);

} // namespace ui
} // namespace wb
