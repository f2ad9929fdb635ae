#include "ui/deploymenttablemodel.h"

#include "ui/project.h"

#include "core/common/provider.h"
#include "core/pricing/pricing.h"
#include "core/secrets/keyresolver.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>
#include <algorithm>

namespace wb {
namespace ui {

namespace {

QVariant optInt(const std::optional<qint64> &v) { return v ? QVariant(*v) : QVariant(); }

// Prices are stored per token but people read them per million tokens.
QVariant perMillion(const std::optional<double> &perToken)
{
    return perToken ? QVariant(*perToken * 1e6) : QVariant();
}

bool parseOptInt(const QVariant &v, std::optional<qint64> &out)
{
    const QString s = v.toString().trimmed();
    if (s.isEmpty()) {
        out.reset();
        return true;
    }
    bool ok = false;
    const qint64 n = s.toLongLong(&ok);
    if (!ok || n <= 0)
        return false;
    out = n;
    return true;
}

bool parseOptPrice(const QVariant &v, std::optional<double> &out)
{
    const QString s = v.toString().trimmed();
    if (s.isEmpty()) {
        out.reset();
        return true;
    }
    bool ok = false;
    const double d = s.toDouble(&ok);
    if (!ok || d < 0)
        return false;
    out = d / 1e6;
    return true;
}

bool isLiteralKey(const QString &ref)
{
    return !ref.isEmpty() && !ref.startsWith(QLatin1String("os.environ/")) && !ref.startsWith(QLatin1String("keychain/"));
}

const PriceTable &priceTable()
{
    static const PriceTable table = PriceTable::builtIn();
    return table;
}

// A literal key told apart from the others by its last four characters (fewer for a short key),
// never more of it.
QString literalKeyLabel(const QString &key)
{
    return DeploymentTableModel::tr("in file: %1").arg(maskKey(key));
}

bool isGeneratedId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral("^.*/\\d+$"));
    return id.isEmpty() || re.match(id).hasMatch();
}

} // namespace

void renumberDeploymentIds(QList<Deployment> &list)
{
    QHash<QString, int> n;
    for (Deployment &d : list) {
        const int k = ++n[d.modelName];
        if (isGeneratedId(d.id))
            d.id = d.modelName + QLatin1Char('/') + QString::number(k);
    }
}

QStringList DeploymentTableModel::knownProviders()
{
    return knownProviderPrefixes();
}

DeploymentTableModel::DeploymentTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void DeploymentTableModel::setDeployments(const QList<Deployment> &deployments)
{
    if (deployments.size() == m_rows.size()) {
        // Same shape: keep the views' selection and editors, just repaint.
        m_rows = deployments;
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = deployments;
    m_refused.clear();
    endResetModel();
}

int DeploymentTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DeploymentTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DeploymentTableModel::validate(const Deployment &d, Column c)
{
    switch (c) {
    case Group:
        if (d.modelName.trimmed().isEmpty())
            return tr("The model group (model_name) is required");
        break;
    case Provider:
        if (!knownProviders().contains(d.provider))
            return tr("Unknown provider \"%1\"; use one of %2").arg(d.provider, knownProviders().join(QLatin1String(", ")));
        break;
    case Model:
        if (d.model.trimmed().isEmpty())
            return tr("The provider's model id is required");
        break;
    case KeyRef:
        if (d.keyRef.isEmpty())
            return tr("No key reference: use os.environ/NAME or keychain/NAME");
        if (!d.keyRef.startsWith(QLatin1String("os.environ/")) && !d.keyRef.startsWith(QLatin1String("keychain/"))
            && !(isLoopbackUrl(d.apiBase)))   // a local server's dummy key is no secret
            return tr("A literal key is stored in the file; prefer os.environ/NAME or keychain/NAME");
        if (d.keyRef.endsWith(QLatin1Char('/')))
            return tr("The key reference needs a name after the slash");
        break;
    case ApiBase:
        if (!d.apiBase.isEmpty()) {
            const QUrl u(d.apiBase, QUrl::StrictMode);
            if (!u.isValid() || u.host().isEmpty() || (u.scheme() != QLatin1String("https") && u.scheme() != QLatin1String("http")))
                return tr("Not a valid http(s) URL");
            if (u.scheme() == QLatin1String("http") && !isLoopbackUrl(d.apiBase) && !d.allowInsecureHttp)
                return tr("Plain http is only allowed for loopback hosts (set model_info.allow_insecure_http to opt in)");
        }
        break;
    case Rpm:
    case Tpm:
    case Itpm:
    case Otpm: {
        const std::optional<qint64> &v = c == Rpm ? d.limits.rpm : c == Tpm ? d.limits.tpm : c == Itpm ? d.limits.itpm : d.limits.otpm;
        if (v && *v <= 0)
            return tr("A limit must be positive (leave empty for none)");
        if ((c == Itpm || c == Otpm) && v && providerKind(d.provider) != ProviderKind::Anthropic)
            return tr("Input/output token limits apply to Anthropic deployments");
        break;
    }
    case Weight:
        if (!(d.weight > 0))
            return tr("The weight must be greater than zero");
        break;
    default:
        break;
    }
    return {};
}

QString DeploymentTableModel::duplicateKey(const QList<Deployment> &list, int row)
{
    const Deployment &d = list[row];
    if (d.keyRef.trimmed().isEmpty())
        return {};
    for (int r = 0; r < list.size(); ++r) {
        const Deployment &o = list[r];
        if (r == row || o.keyRef.trimmed() != d.keyRef.trimmed())
            continue;
        // Declared as one quota: that is what a shared key is.
        if (!d.rateLimitPool.isEmpty() && d.rateLimitPool == o.rateLimitPool)
            continue;
        return tr("The same key as %1: the provider counts both against one quota. Put both into one rate-limit pool, "
                  "or use another key").arg(o.id.isEmpty() ? tr("row %1").arg(r + 1) : o.id);
    }
    return {};
}

bool DeploymentTableModel::isWarningOnly(const Deployment &d, Column c)
{
    // A literal key or a shared key is allowed (yellow); everything else stops a run (red).
    return c == KeyRef && !d.keyRef.isEmpty() && !d.keyRef.endsWith(QLatin1Char('/'));
}

QStringList DeploymentTableModel::problemsOf(const QList<Deployment> &list, bool blockingOnly)
{
    QStringList out;
    DeploymentTableModel names;   // for the column titles
    for (int r = 0; r < list.size(); ++r) {
        const QString who = list[r].id.isEmpty() ? tr("row %1").arg(r + 1) : list[r].id;
        for (int c = 0; c < ColumnCount; ++c) {
            QString p = validate(list[r], Column(c));
            if (p.isEmpty() && c == KeyRef)
                p = duplicateKey(list, r);
            if (p.isEmpty() || (blockingOnly && isWarningOnly(list[r], Column(c))))
                continue;
            out << tr("%1, %2: %3").arg(who, names.headerData(c, Qt::Horizontal).toString(), p);
        }
    }
    return out;
}

QStringList DeploymentTableModel::problems() const { return problemsOf(m_rows, false); }

QVariant DeploymentTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Deployment &d = m_rows[index.row()];
    const auto col = Column(index.column());
    // A refused edit stays in its cell, marked, so it can be corrected rather than retyped.
    if (const auto r = m_refused.constFind(quint64(index.row()) << 32 | quint64(index.column())); r != m_refused.cend()) {
        switch (role) {
        case Qt::DisplayRole:
        case Qt::EditRole: return r->first;
        case Qt::ToolTipRole:
        case ValidationRole: return r->second;
        case Qt::BackgroundRole: return QBrush(QColor(255, 200, 200));
        case Qt::ForegroundRole: return QBrush(QColor(150, 0, 0));
        default: break;
        }
    }
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (col) {
        case Group: return d.modelName;
        case Provider: return d.provider;
        case Model: return d.model;
        case KeyRef:
            // A literal key is shown masked, even for editing: the full key never reaches the screen.
            return isLiteralKey(d.keyRef) ? literalKeyLabel(d.keyRef) : d.keyRef;
        case ApiBase:
            if (role == Qt::DisplayRole && d.apiBase.isEmpty())
                return tr("(provider default)");
            return d.apiBase;
        case Rpm:
        case Tpm:
        case Itpm:
        case Otpm: {
            const std::optional<qint64> &v = col == Rpm ? d.limits.rpm : col == Tpm ? d.limits.tpm : col == Itpm ? d.limits.itpm : d.limits.otpm;
            // Shown with the locale's group separators; edited as a plain number.
            if (role == Qt::DisplayRole && v)
                return QLocale().toString(*v);
            return optInt(v);
        }
        case Weight: return d.weight;
        case InputPrice:
        case OutputPrice: {
            const std::optional<double> &own = col == InputPrice ? d.price.inputCostPerToken : d.price.outputCostPerToken;
            if (own || role == Qt::EditRole)
                return perMillion(own);
            // Not overridden: show the price in use, from the price table.
            const auto p = priceTable().find(d.provider, d.model);
            return p ? QLocale().toString((col == InputPrice ? p->inputPerToken : p->outputPerToken) * 1e6, 'g', 6) : tr("unknown");
        }
        case Pool: return d.rateLimitPool;
        case ColumnCount: break;
        }
        return {};
    }
    const bool tablePrice = (col == InputPrice && !d.price.inputCostPerToken) || (col == OutputPrice && !d.price.outputCostPerToken);
    if (role == Qt::ForegroundRole && ((col == ApiBase && d.apiBase.isEmpty()) || tablePrice))
        return QBrush(QColor(Qt::gray));
    QString problem = validate(d, col);
    if (problem.isEmpty() && col == KeyRef)
        problem = duplicateKey(m_rows, index.row());
    if (role == ValidationRole)
        return problem;
    if (role == Qt::ToolTipRole) {
        if (!problem.isEmpty())
            return problem;
        if (col == InputPrice || col == OutputPrice) {
            if (!tablePrice)
                return tr("USD per million tokens, set for this deployment (model_info)");
            const auto p = priceTable().find(d.provider, d.model);
            return p ? tr("USD per million tokens, from the price table (%1); type a value to override it").arg(p->source)
                     : tr("No price known for this model: its calls count as $0 against the budget. Type a price per million tokens.");
        }
        if (col == KeyRef && isLiteralKey(d.keyRef))
            return tr("A key written in the model list file; only its last characters are shown");
        // The daily quotas have no column of their own: the per-minute cell names them.
        if (col == Rpm && d.limits.rpd)
            return tr("Also at most %1 requests per day (rpd in the model list)").arg(QLocale().toString(*d.limits.rpd));
        if (col == Tpm && d.limits.tpd)
            return tr("Also at most %1 tokens per day (tpd in the model list)").arg(QLocale().toString(*d.limits.tpd));
        return {};
        return {};
    }
    if (role == Qt::BackgroundRole && !problem.isEmpty())
        return QBrush(col == KeyRef && !d.keyRef.isEmpty() ? QColor(255, 243, 205) : QColor(255, 220, 220));
    if (role == DeploymentIdRole)
        return d.id;
    if (role == Qt::TextAlignmentRole && col >= Rpm && col <= OutputPrice)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DeploymentTableModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Vertical) {
        if (role == Qt::DisplayRole && section >= 0 && section < m_rows.size())
            return m_rows[section].id;
        return {};
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Itpm: return tr("Anthropic input tokens per minute");
        case Otpm: return tr("Anthropic output tokens per minute");
        case Pool: return tr("Deployments whose keys share one provider quota share one rate-limit window");
        case Weight: return tr("Relative share of traffic (simple-shuffle)");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Group: return tr("Model group");
    case Provider: return tr("Provider");
    case Model: return tr("Model id");
    case KeyRef: return tr("Key reference");
    case ApiBase: return tr("API base");
    case Rpm: return tr("RPM");
    case Tpm: return tr("TPM");
    case Itpm: return tr("ITPM");
    case Otpm: return tr("OTPM");
    case Weight: return tr("Weight");
    case InputPrice: return tr("Input $/M");
    case OutputPrice: return tr("Output $/M");
    case Pool: return tr("Rate-limit pool");
    default: return {};
    }
}

Qt::ItemFlags DeploymentTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

bool DeploymentTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    Deployment d = m_rows[index.row()];
    const QString s = value.toString().trimmed();
    bool ok = true;
    // A refused edit says why (editRefused) and hands the typed text back for correction.
    const quint64 cell = quint64(index.row()) << 32 | quint64(index.column());
    auto refuse = [&](const QString &why) {
        m_refused.insert(cell, {value.toString(), why});
        emit dataChanged(index, index);
        emit editRefused(index, why, value);
        return false;
    };
    // A new value replaces a refused one; if it is refused too, refuse() marks it again.
    if (m_refused.remove(cell))
        emit dataChanged(index, index);
    switch (Column(index.column())) {
    case Group:
        if (s.isEmpty())
            return refuse(tr("The model group cannot be empty: the experiment's runs name it. To drop the deployment, use Remove."));
        d.modelName = s;
        break;
    case Provider: d.provider = s.toLower(); break;
    case Model: d.model = s; break;
    case KeyRef:
        if (isLiteralKey(d.keyRef) && s == literalKeyLabel(d.keyRef))
            return false;   // the masked text came back unchanged
        d.keyRef = s;
        break;
    case ApiBase: d.apiBase = s; break;
    case Rpm: ok = parseOptInt(value, d.limits.rpm); break;
    case Tpm: ok = parseOptInt(value, d.limits.tpm); break;
    case Itpm: ok = parseOptInt(value, d.limits.itpm); break;
    case Otpm: ok = parseOptInt(value, d.limits.otpm); break;
    case Weight: d.weight = value.toDouble(&ok); ok = ok && d.weight > 0; break;
    case InputPrice: ok = parseOptPrice(value, d.price.inputCostPerToken); break;
    case OutputPrice: ok = parseOptPrice(value, d.price.outputCostPerToken); break;
    case Pool: d.rateLimitPool = s; break;
    case ColumnCount: return false;
    }
    if (!ok) {
        switch (Column(index.column())) {
        case Rpm: case Tpm: case Itpm: case Otpm:
            return refuse(tr("\"%1\" is not a limit: type a whole number above zero, or leave the cell empty for none").arg(s));
        case Weight:
            return refuse(tr("\"%1\" is not a weight: type a number above zero").arg(s));
        case InputPrice: case OutputPrice:
            return refuse(tr("\"%1\" is not a price: type US dollars per million tokens (0 or more), or leave the cell empty for the price table's").arg(s));
        default:
            return refuse(tr("\"%1\" cannot be used here").arg(s));
        }
    }
    // An edit that changes nothing (editor opened and closed, same value typed) must not push an
    // undo step or mark the project modified. Compare the cell as the model shows it.
    const QVariant before = data(index, Qt::EditRole);
    const Deployment previous = m_rows[index.row()];
    m_rows[index.row()] = d;
    if (data(index, Qt::EditRole) == before) {
        m_rows[index.row()] = previous;
        return false;
    }
    const bool regroup = index.column() == Group && d.modelName != previous.modelName;
    if (regroup) {
        beginResetModel();
        regroupAndRenumber();
        endResetModel();
    } else {
        emit dataChanged(index, index);
    }
    emit deploymentsEdited(m_rows, tr("Edit %1 of %2").arg(headerData(index.column(), Qt::Horizontal).toString(), d.id));
    return true;
}

void DeploymentTableModel::regroupAndRenumber()
{
    // Keep groups contiguous in first-seen order, deployments in their relative order.
    QStringList order;
    for (const Deployment &d : std::as_const(m_rows))
        if (!order.contains(d.modelName))
            order << d.modelName;
    std::stable_sort(m_rows.begin(), m_rows.end(), [&](const Deployment &a, const Deployment &b) {
        return order.indexOf(a.modelName) < order.indexOf(b.modelName);
    });
    renumberDeploymentIds(m_rows);
}

int DeploymentTableModel::addDeployment(const QString &group, const QString &provider)
{
    Deployment d;
    d.modelName = group;
    d.provider = provider;
    d.keyRef = QStringLiteral("os.environ/") + provider.toUpper() + QStringLiteral("_API_KEY");
    return addDeployment(d);
}

int DeploymentTableModel::addDeployment(const Deployment &added)
{
    Deployment d = added;
    d.id.clear();
    const QString group = d.modelName;
    int row = int(m_rows.size());
    for (int r = 0; r < m_rows.size(); ++r)
        if (m_rows[r].modelName == group)
            row = r + 1;
    beginInsertRows({}, row, row);
    m_rows.insert(row, d);
    renumberDeploymentIds(m_rows);
    endInsertRows();
    emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    emit deploymentsEdited(m_rows, tr("Add deployment to %1").arg(group));
    return row;
}

int DeploymentTableModel::duplicate(int row)
{
    if (row < 0 || row >= m_rows.size())
        return -1;
    Deployment d = m_rows[row];
    d.id.clear();   // a copy gets a fresh generated id
    int at = row + 1;
    while (at < m_rows.size() && m_rows[at].modelName == d.modelName)
        ++at;
    beginInsertRows({}, at, at);
    m_rows.insert(at, d);
    renumberDeploymentIds(m_rows);
    endInsertRows();
    emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
    emit deploymentsEdited(m_rows, tr("Duplicate deployment of %1").arg(d.modelName));
    return at;
}

void DeploymentTableModel::remove(const QList<int> &rows)
{
    QList<int> sorted = rows;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    bool any = false;
    for (int r : std::as_const(sorted)) {
        if (r < 0 || r >= m_rows.size())
            continue;
        beginRemoveRows({}, r, r);
        m_rows.removeAt(r);
        endRemoveRows();
        any = true;
    }
    if (!any)
        return;
    renumberDeploymentIds(m_rows);
    if (!m_rows.isEmpty()) {
        emit headerDataChanged(Qt::Vertical, 0, rowCount() - 1);
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
    emit deploymentsEdited(m_rows, tr("Remove %n deployment(s)", nullptr, int(sorted.size())));
}

} // namespace ui
} // namespace wb
