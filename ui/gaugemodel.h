#pragma once
// Live router state for the run monitor: one row per deployment, or per provider (sums).
// Fed a RouterSnapshot on the monitor's tick; when the set of rows is unchanged it only emits
// one dataChanged for the whole table, so a 5 Hz refresh costs one repaint however busy the run.
#include "core/router/routertypes.h"

#include <QAbstractTableModel>

namespace wb {
namespace ui {

/// used/limit of one rate-limit window, for the gauge delegate. limit 0 = none known.
struct GaugeValue {
    qint64 used = 0;
    qint64 limit = 0;
    double fraction() const { return limit > 0 ? double(used) / double(limit) : 0.0; }
};

class GaugeModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GaugeModel)
public:
    enum class Mode { Deployment, Provider };
    enum Column { Name, Group, Rpm, Tpm, Itpm, Otpm, InFlight, Calls, Http429, Retries, Spend, State, ColumnCount };
    enum Role {
        GaugeRole = Qt::UserRole + 1,   ///< QVariant<GaugeValue> on the limit columns
        SortRole,                       ///< the value a click on the header sorts by (numbers as numbers)
    };

    explicit GaugeModel(Mode mode, QObject *parent = nullptr);

    void update(const RouterSnapshot &snapshot);
    void clear();
    Mode mode() const { return m_mode; }
    const QList<DeploymentSnapshot> &rows() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    /// Sums deployments per provider (limits of a shared pool counted once).
    static QList<DeploymentSnapshot> byProvider(const QList<DeploymentSnapshot> &deployments);

private:
    Mode m_mode;
    QList<DeploymentSnapshot> m_rows;
};

} // namespace ui
} // namespace wb

Q_DECLARE_METATYPE(wb::ui::GaugeValue)
