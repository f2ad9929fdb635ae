#pragma once
// Every key reference of the model list and whether it is set — in the keychain, in the
// environment, or missing. Holds masked values only ("sk-…1234"); a full key never enters it.
#include "core/config/modellist.h"

#include <QAbstractTableModel>

namespace wb {
namespace ui {

struct KeyEntry {
    enum class Source { Environment, Keychain, Literal, ProviderDefault };
    enum class State { Checking, Set, Missing, Error };
    QString reference;       ///< as written: os.environ/NAME, keychain/NAME, or empty
    QString name;            ///< NAME (variable or keychain entry)
    Source source = Source::Environment;
    State state = State::Checking;
    QString masked;          ///< maskKey() of the value when set
    QString message;         ///< error text (never contains a key)
    QStringList deployments; ///< ids using it
};

class KeysModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeysModel)
public:
    enum Column { Reference, Source, State, Value, UsedBy, ColumnCount };

    explicit KeysModel(QObject *parent = nullptr);

    /// Rebuilds the list; environment references are resolved at once, keychain ones stay
    /// Checking until setKeychainState(). Returns the keychain names to look up.
    QStringList setDeployments(const QList<Deployment> &deployments);
    /// `maskedValue` must already be masked.
    void setKeychainState(const QString &name, KeyEntry::State state, const QString &maskedValue, const QString &message = {});
    const QList<KeyEntry> &entries() const { return m_entries; }
    int rowOf(const QString &reference) const;
    /// Environment lookup, replaceable in tests.
    void setEnvironment(std::function<QString(const QString &)> env) { m_env = std::move(env); }

    static QString sourceName(KeyEntry::Source s);
    static QString stateName(KeyEntry::State s);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<KeyEntry> m_entries;
    std::function<QString(const QString &)> m_env;
};

} // namespace ui
} // namespace wb
