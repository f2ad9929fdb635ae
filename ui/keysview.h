#pragma once
// The "Keys" page: every key reference and its status (masked), set/replace/clear keychain
// entries, and "Test connection" per deployment.
#include <QWidget>

class QLabel;
class QPushButton;
class QShowEvent;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace wb {
class KeyStore;
}

namespace wb {
namespace ui {

class ConnectionTester;
class KeysModel;
class Project;

class KeysView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeysView)
public:
    explicit KeysView(Project *project, QWidget *parent = nullptr);
    ~KeysView() override;

    KeysModel *model() const { return m_model; }
    QStandardItemModel *connectionModel() const { return m_connections; }
    ConnectionTester *tester() const { return m_tester; }
    /// Replaces the keychain service (tests use a throwaway one).
    void setKeyStore(KeyStore *store);

public slots:
    void refresh();
    void setSelectedKey();
    void clearSelectedKey();
    /// Stores `value` under keychain NAME (async; the list refreshes when done).
    void setKey(const QString &name, const QString &value);
    void testSelected();
    void testAll();

private:
    void rebuildConnections();
    void readKeys(const QStringList &names);
    void startTest(const QStringList &ids);
    void showEvent(QShowEvent *e) override;
    void connectStore();

    Project *m_project;
    KeysModel *m_model;
    QStandardItemModel *m_connections;
    QTableView *m_keysView;
    QTableView *m_connView;
    QLabel *m_info;
    KeyStore *m_store;
    ConnectionTester *m_tester;
    QSortFilterProxyModel *m_keysProxy;
    QPushButton *m_testSelected = nullptr;
    QPushButton *m_testAll = nullptr;
    // Keychain names already looked up: each lookup can prompt or block in the keyring, so an
    // edit that leaves the key references alone must not re-read them all.
    QStringList m_readNames;
};

} // namespace ui
} // namespace wb
