#include "ui/keysmodel.h"

#include "core/common/provider.h"
#include "core/secrets/keyresolver.h"
#include "ui/project.h"

#include <QBrush>
#include <QColor>

namespace wb {
namespace ui {

KeysModel::KeysModel(QObject *parent)
    : QAbstractTableModel(parent), m_env([](const QString &n) { return qEnvironmentVariable(n.toUtf8().constData()); })
{
}

QString KeysModel::sourceName(KeyEntry::Source s)
{
    switch (s) {
    case KeyEntry::Source::Environment: return tr("environment");
    case KeyEntry::Source::Keychain: return tr("keychain");
    case KeyEntry::Source::Literal: return tr("in the file");
    case KeyEntry::Source::ProviderDefault: return tr("environment (provider default)");
    }
    return {};
}

QString KeysModel::stateName(KeyEntry::State s)
{
    switch (s) {
    case KeyEntry::State::Checking: return tr("checking…");
    case KeyEntry::State::Set: return tr("set");
    case KeyEntry::State::Missing: return tr("missing");
    case KeyEntry::State::Error: return tr("error");
    }
    return {};
}

QStringList KeysModel::setDeployments(const QList<Deployment> &deployments)
{
    QList<KeyEntry> entries;
    QHash<QString, int> at;
    for (const Deployment &d : deployments) {
        KeyEntry e;
        e.reference = d.keyRef;
        if (d.keyRef.startsWith(QLatin1String("os.environ/"))) {
            e.source = KeyEntry::Source::Environment;
            e.name = d.keyRef.mid(11);
        } else if (d.keyRef.startsWith(QLatin1String("keychain/"))) {
            e.source = KeyEntry::Source::Keychain;
            e.name = d.keyRef.mid(9);
        } else if (d.keyRef.isEmpty()) {
            const ProviderTraits &traits = providerTraits(d.provider);
            // A local server needs no key, nor does Vertex AI (resolveKeys() gives both an empty one).
            if ((!d.apiBase.isEmpty() && isLoopbackUrl(d.apiBase)) || !traits.apiKeyRequired)
                continue;
            e.source = KeyEntry::Source::ProviderDefault;
            e.name = QLatin1String(traits.apiKeyVariable);
            e.reference = QStringLiteral("os.environ/") + e.name;
        } else {
            e.source = KeyEntry::Source::Literal;
            e.name = isLoopbackUrl(d.apiBase) ? tr("(local server key)") : tr("(literal key)");
            e.reference = maskKey(d.keyRef);   // the literal itself is never shown
        }
        // Literal keys group by the key itself (held only in this local map, never shown): two
        // different keys can share a masked form such as "…-1".
        const QString k = e.source == KeyEntry::Source::Literal ? QStringLiteral("literal:") + d.keyRef : e.reference;
        if (at.contains(k)) {
            entries[at[k]].deployments << d.id;
            continue;
        }
        e.deployments << d.id;
        at.insert(k, int(entries.size()));
        entries << e;
    }
    QStringList lookups;
    for (KeyEntry &e : entries) {
        switch (e.source) {
        case KeyEntry::Source::Environment:
        case KeyEntry::Source::ProviderDefault: {
            const QString v = m_env(e.name);
            e.state = v.isEmpty() ? KeyEntry::State::Missing : KeyEntry::State::Set;
            e.masked = v.isEmpty() ? QString() : maskKey(v);
            break;
        }
        case KeyEntry::Source::Literal:
            e.state = KeyEntry::State::Set;
            e.masked = e.reference;
            if (e.name == tr("(literal key)"))
                e.message = tr("A literal key is stored in the model list; move it to the keychain");
            break;
        case KeyEntry::Source::Keychain: {
            // Keep what we knew until the new lookup answers, so a refresh does not flicker.
            for (const KeyEntry &old : std::as_const(m_entries))
                if (old.reference == e.reference) {
                    e.state = old.state;
                    e.masked = old.masked;
                    e.message = old.message;
                }
            lookups << e.name;
            break;
        }
        }
    }
    beginResetModel();
    m_entries = entries;
    endResetModel();
    return lookups;
}

void KeysModel::setKeychainState(const QString &name, KeyEntry::State state, const QString &maskedValue, const QString &message)
{
    for (int r = 0; r < m_entries.size(); ++r) {
        KeyEntry &e = m_entries[r];
        if (e.source != KeyEntry::Source::Keychain || e.name != name)
            continue;
        e.state = state;
        e.masked = maskedValue;
        e.message = message;
        emit dataChanged(index(r, 0), index(r, ColumnCount - 1));
    }
}

int KeysModel::rowOf(const QString &reference) const
{
    for (int r = 0; r < m_entries.size(); ++r)
        if (m_entries[r].reference == reference)
            return r;
    return -1;
}

int KeysModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_entries.size()); }
int KeysModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant KeysModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const KeyEntry &e = m_entries[index.row()];
    const auto col = Column(index.column());
    if (role == Qt::DisplayRole) {
        switch (col) {
        case Reference: return e.reference;
        case Source: return sourceName(e.source);
        case State: return stateName(e.state);
        case Value: return e.masked;
        case UsedBy: return e.deployments.join(QLatin1String(", "));
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole) {
        if (!e.message.isEmpty())
            return e.message;
        if (col == State && e.state == KeyEntry::State::Missing)
            return e.source == KeyEntry::Source::Keychain
                ? tr("Use \"Set key…\" to store it in the keychain")
                : tr("Set the environment variable %1 before starting the workbench, or store the key in the keychain").arg(e.name);
        return {};
    }
    if (role == Qt::ForegroundRole && col == State) {
        switch (e.state) {
        case KeyEntry::State::Set: return QBrush(QColor(30, 130, 50));
        case KeyEntry::State::Missing:
        case KeyEntry::State::Error: return QBrush(QColor(190, 40, 40));
        case KeyEntry::State::Checking: return QBrush(QColor(Qt::gray));
        }
    }
    if (role == Qt::BackgroundRole && e.source == KeyEntry::Source::Literal && !e.message.isEmpty())
        return QBrush(QColor(255, 243, 205));
    return {};
}

QVariant KeysModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case Reference: return tr("Key reference");
    case Source: return tr("Where");
    case State: return tr("Status");
    case Value: return tr("Value");
    case UsedBy: return tr("Used by");
    default: return {};
    }
}

} // namespace ui
} // namespace wb
