#include "ui/gaugemodel.h"

#include "ui/enginetext.h"

#include <QBrush>
#include <QDateTime>
#include <QColor>
#include <QLocale>
#include <QSet>

namespace wb {
namespace ui {

GaugeModel::GaugeModel(Mode mode, QObject *parent) : QAbstractTableModel(parent), m_mode(mode) {}

QList<DeploymentSnapshot> GaugeModel::byProvider(const QList<DeploymentSnapshot> &deployments)
{
    QList<DeploymentSnapshot> out;
    QHash<QString, int> at;
    QHash<QString, QSet<QString>> windows;   // provider -> window keys already counted
    for (const DeploymentSnapshot &d : deployments) {
        int i = at.value(d.provider, -1);
        if (i < 0) {
            i = int(out.size());
            at.insert(d.provider, i);
            DeploymentSnapshot p;
            p.id = d.provider;
            p.provider = d.provider;
            out << p;
        }
        DeploymentSnapshot &p = out[i];
        // Deployments of one pool share a window: its usage and limit count once.
        if (!windows[d.provider].contains(d.windowKey)) {
            windows[d.provider].insert(d.windowKey);
            p.rpmUsed += d.rpmUsed;
            p.rpmLimit += d.rpmLimit;
            p.tpmUsed += d.tpmUsed;
            p.tpmLimit += d.tpmLimit;
            p.itpmUsed += d.itpmUsed;
            p.itpmLimit += d.itpmLimit;
            p.otpmUsed += d.otpmUsed;
            p.otpmLimit += d.otpmLimit;
        }
        p.inFlight += d.inFlight;
        p.calls += d.calls;
        p.http429 += d.http429;
        p.retries += d.retries;
        p.failures += d.failures;
        p.spendMicros += d.spendMicros;
        p.coolingDown = p.coolingDown || d.coolingDown;
        // A provider waits for what its first waiting deployment waits for.
        if (p.waitReason == WaitReason::None && d.waitReason != WaitReason::None) {
            p.waitReason = d.waitReason;
            p.waitUntilMs = d.waitUntilMs;
            p.failures = d.failures;
        }
        p.group = p.group.isEmpty() ? d.group : (p.group.split(QStringLiteral(", ")).contains(d.group) ? p.group : p.group + QStringLiteral(", ") + d.group);
    }
    return out;
}

void GaugeModel::update(const RouterSnapshot &snapshot)
{
    const QList<DeploymentSnapshot> rows = m_mode == Mode::Provider ? byProvider(snapshot.deployments) : snapshot.deployments;
    bool sameShape = rows.size() == m_rows.size();
    for (int i = 0; sameShape && i < rows.size(); ++i)
        sameShape = rows[i].id == m_rows[i].id;
    if (!sameShape) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    m_rows = rows;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void GaugeModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int GaugeModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int GaugeModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant GaugeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const DeploymentSnapshot &d = m_rows[index.row()];
    const auto col = Column(index.column());
    auto gauge = [&](qint64 used, qint64 limit) { return GaugeValue{used, limit}; };
    if (role == GaugeRole) {
        switch (col) {
        case Rpm: return QVariant::fromValue(gauge(d.rpmUsed, d.rpmLimit));
        case Tpm: return QVariant::fromValue(gauge(d.tpmUsed, d.tpmLimit));
        case Itpm: return QVariant::fromValue(gauge(d.itpmUsed, d.itpmLimit));
        case Otpm: return QVariant::fromValue(gauge(d.otpmUsed, d.otpmLimit));
        default: return {};
        }
    }
    if (role == SortRole) {
        switch (col) {
        case Rpm: return gauge(d.rpmUsed, d.rpmLimit).fraction() + double(d.rpmUsed) * 1e-12;
        case Tpm: return gauge(d.tpmUsed, d.tpmLimit).fraction() + double(d.tpmUsed) * 1e-12;
        case Itpm: return gauge(d.itpmUsed, d.itpmLimit).fraction();
        case Otpm: return gauge(d.otpmUsed, d.otpmLimit).fraction();
        case InFlight: return d.inFlight;
        case Calls: return d.calls;
        case Http429: return d.http429;
        case Retries: return d.retries;
        case Spend: return d.spendMicros;
        case State: return int(d.waitReason);
        default: return data(index, Qt::DisplayRole);
        }
    }
    const QLocale loc;
    auto usage = [&](qint64 used, qint64 limit) {
        return limit > 0 ? QStringLiteral("%1 / %2").arg(loc.toString(used), loc.toString(limit)) : loc.toString(used);
    };
    if (role == Qt::DisplayRole) {
        switch (col) {
        case Name: return m_mode == Mode::Provider ? d.provider : d.id;
        case Group: return d.group;
        case Rpm: return usage(d.rpmUsed, d.rpmLimit);
        case Tpm: return usage(d.tpmUsed, d.tpmLimit);
        case Itpm: return (d.itpmLimit || d.itpmUsed) ? usage(d.itpmUsed, d.itpmLimit) : QString();
        case Otpm: return (d.otpmLimit || d.otpmUsed) ? usage(d.otpmUsed, d.otpmLimit) : QString();
        case InFlight: return d.maxParallel > 0 ? QStringLiteral("%1 / %2").arg(d.inFlight).arg(d.maxParallel) : QString::number(d.inFlight);
        case Calls: return loc.toString(d.calls);
        case Http429: return loc.toString(d.http429);
        case Retries: return loc.toString(d.retries);
        case Spend: return EngineText::money(d.spendMicros, 4);
        case State: {
            const QString wait = EngineText::waitReason(d, QDateTime::currentMSecsSinceEpoch());
            if (!wait.isEmpty())
                return wait;
            if (d.coolingDown)
                return d.cooldownRemainingS < 0 ? tr("not used for the rest of the run") : tr("cooling down (%1 s)").arg(qRound(d.cooldownRemainingS));
            return d.inFlight > 0 ? tr("busy") : tr("idle");
        }
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole && col >= InFlight && col <= Spend)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && col == State)
        return data(index, Qt::DisplayRole);
    if (role == Qt::ForegroundRole && col == State && (d.coolingDown || d.waitReason != WaitReason::None))
        return QBrush(QColor(180, 60, 0));
    if (role == Qt::ForegroundRole && col == Http429 && d.http429 > 0)
        return QBrush(QColor(180, 60, 0));
    if (role == Qt::ToolTipRole && col == Name && m_mode == Mode::Deployment)
        return tr("Window: %1\nMean latency: %2 ms").arg(d.windowKey).arg(qRound(d.latencyMsEwma));
    return {};
}

QVariant GaugeModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Rpm: return tr("Requests in the last 60 s against the requests-per-minute limit");
        case Tpm: return tr("Tokens in the last 60 s against the tokens-per-minute limit");
        case Itpm: return tr("Input tokens per minute (Anthropic)");
        case Otpm: return tr("Output tokens per minute (Anthropic)");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return m_mode == Mode::Provider ? tr("Provider") : tr("Deployment");
    case Group: return m_mode == Mode::Provider ? tr("Model groups") : tr("Model group");
    case Rpm: return tr("RPM");
    case Tpm: return tr("TPM");
    case Itpm: return tr("ITPM");
    case Otpm: return tr("OTPM");
    case InFlight: return tr("In flight");
    case Calls: return tr("Calls");
    case Http429: return tr("429s");
    case Retries: return tr("Retries");
    case Spend: return tr("Spend");
    case State: return tr("State");
    default: return {};
    }
}

} // namespace ui
} // namespace wb
