#include "ui/keysview.h"

#include "core/secrets/keyresolver.h"
#include "core/secrets/keystore.h"
#include "ui/connectiontester.h"
#include "ui/keysmodel.h"
#include "ui/project.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace wb {
namespace ui {

KeysView::KeysView(Project *project, QWidget *parent)
    : QWidget(parent), m_project(project), m_model(new KeysModel(this)), m_connections(new QStandardItemModel(this)),
      m_keysView(new QTableView(this)), m_connView(new QTableView(this)), m_info(new QLabel(this)),
      m_store(new KeyStore(this)), m_tester(new ConnectionTester(this)), m_keysProxy(new QSortFilterProxyModel(this))
{
    m_keysView->setObjectName(QStringLiteral("keysTable"));
    // Sorted through a proxy (every key is in memory); rows map back to the model's entries.
    m_keysProxy->setSourceModel(m_model);
    m_keysProxy->setSortRole(Qt::DisplayRole);
    m_keysView->setModel(m_keysProxy);
    m_keysView->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    m_keysView->setSortingEnabled(true);
    m_keysView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_keysView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_keysView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_keysView->verticalHeader()->hide();
    m_keysView->setTabKeyNavigation(false);
    m_connView->setTabKeyNavigation(false);
    m_keysView->horizontalHeader()->setStretchLastSection(true);
    m_keysView->setColumnWidth(KeysModel::Reference, 260);
    m_keysView->setColumnWidth(KeysModel::Source, 180);
    m_keysView->setColumnWidth(KeysModel::Value, 160);

    auto *setBtn = new QPushButton(QIcon::fromTheme(QStringLiteral("document-edit")), tr("Set / replace key…"), this);
    auto *clearBtn = new QPushButton(QIcon::fromTheme(QStringLiteral("edit-clear")), tr("Clear key"), this);
    auto *refreshBtn = new QPushButton(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("Refresh"), this);
    connect(setBtn, &QPushButton::clicked, this, &KeysView::setSelectedKey);
    connect(clearBtn, &QPushButton::clicked, this, &KeysView::clearSelectedKey);
    connect(refreshBtn, &QPushButton::clicked, this, &KeysView::refresh);
    m_info->setWordWrap(true);
    m_info->setText(tr("Keys are stored in the system keychain and never written to project files, logs or results. "
                       "Only the last characters of a key are ever shown."));

    auto *keysBox = new QGroupBox(tr("API keys"), this);
    auto *kl = new QVBoxLayout(keysBox);
    kl->addWidget(m_info);
    kl->addWidget(m_keysView, 1);
    auto *kb = new QHBoxLayout;
    kb->addWidget(setBtn);
    kb->addWidget(clearBtn);
    kb->addWidget(refreshBtn);
    kb->addStretch();
    kl->addLayout(kb);

    m_connView->setObjectName(QStringLiteral("connectionsTable"));
    m_connView->setModel(m_connections);
    m_connView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_connView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_connView->verticalHeader()->hide();
    m_connView->horizontalHeader()->setStretchLastSection(true);
    m_connView->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    m_connView->setSortingEnabled(true);
    auto *testSel = new QPushButton(QIcon::fromTheme(QStringLiteral("network-transmit-receive")), tr("Test connection"), this);
    auto *testAllBtn = new QPushButton(tr("Test all"), this);
    testSel->setObjectName(QStringLiteral("testConnectionButton"));
    testAllBtn->setObjectName(QStringLiteral("testAllButton"));
    m_testSelected = testSel;
    m_testAll = testAllBtn;
    connect(testSel, &QPushButton::clicked, this, &KeysView::testSelected);
    connect(testAllBtn, &QPushButton::clicked, this, &KeysView::testAll);
    auto *connBox = new QGroupBox(tr("Connections"), this);
    auto *cl = new QVBoxLayout(connBox);
    cl->addWidget(m_connView, 1);
    auto *cb = new QHBoxLayout;
    cb->addWidget(testSel);
    cb->addWidget(testAllBtn);
    cb->addStretch();
    cl->addLayout(cb);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(keysBox, 1);
    layout->addWidget(connBox, 1);

    connect(m_project, &Project::changed, this, &KeysView::refresh);
    connect(m_tester, &ConnectionTester::result, this, [this](const QString &id, bool ok, const QString &msg, qint64) {
        for (int r = 0; r < m_connections->rowCount(); ++r) {
            if (m_connections->item(r, 0)->text() != id)
                continue;
            auto *item = m_connections->item(r, 2);
            item->setText(msg);
            item->setForeground(ok ? QColor(30, 130, 50) : QColor(190, 40, 40));
        }
    });
    // One test at a time: a click while busy used to leave its rows at "testing…" for good.
    connect(m_tester, &ConnectionTester::finished, this, [this] {
        m_testSelected->setEnabled(true);
        m_testAll->setEnabled(true);
    });
    connectStore();
    refresh();
}

KeysView::~KeysView() = default;

void KeysView::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    // Coming to the page re-reads every key: the user may have changed the keychain elsewhere.
    m_readNames.clear();
    refresh();
}

void KeysView::readKeys(const QStringList &names)
{
    for (const QString &name : names)
        m_store->readKey(name);
}

void KeysView::setKeyStore(KeyStore *store)
{
    if (m_store && m_store->parent() == this)
        m_store->deleteLater();
    m_store = store;
    connectStore();
    m_readNames.clear();
    refresh();
}

void KeysView::connectStore()
{
    connect(m_store, &KeyStore::readFinished, this,
            [this](quint64, const QString &name, const QString &value, KeyStore::Status st, const QString &message) {
                // The value is masked at once and goes no further.
                if (st == KeyStore::Status::Ok)
                    m_model->setKeychainState(name, KeyEntry::State::Set, maskKey(value));
                else if (st == KeyStore::Status::NotFound)
                    m_model->setKeychainState(name, KeyEntry::State::Missing, QString());
                else
                    m_model->setKeychainState(name, KeyEntry::State::Error, QString(), KeyStore::describe(st, message));
            });
    connect(m_store, &KeyStore::writeFinished, this, [this](quint64, const QString &name, KeyStore::Status st, const QString &message) {
        if (st != KeyStore::Status::Ok)
            QMessageBox::warning(this, tr("Cannot store key"), KeyStore::describe(st, message));
        m_store->readKey(name);
    });
    connect(m_store, &KeyStore::removeFinished, this, [this](quint64, const QString &name, KeyStore::Status st, const QString &message) {
        if (st != KeyStore::Status::Ok && st != KeyStore::Status::NotFound)
            QMessageBox::warning(this, tr("Cannot clear key"), KeyStore::describe(st, message));
        m_store->readKey(name);
    });
}

void KeysView::refresh()
{
    const QStringList lookups = m_model->setDeployments(m_project->state().models.deployments);
    QStringList fresh;
    for (const QString &name : lookups)
        if (!m_readNames.contains(name))
            fresh << name;
    m_readNames << fresh;
    readKeys(fresh);
    rebuildConnections();
}

void KeysView::rebuildConnections()
{
    const QList<Deployment> &deps = m_project->state().models.deployments;
    // The table may be sorted by a header click: compare the sets of ids, not the row order.
    QStringList shown, wanted;
    for (int r = 0; r < m_connections->rowCount(); ++r)
        shown << m_connections->item(r, 0)->text();
    for (const Deployment &d : deps)
        wanted << d.id;
    shown.sort();
    wanted.sort();
    if (shown == wanted)
        return;
    m_connections->clear();
    m_connections->setHorizontalHeaderLabels({tr("Deployment"), tr("Endpoint"), tr("Result")});
    for (const Deployment &d : deps) {
        const QString endpoint = d.provider + QLatin1Char('/') + d.model + (d.apiBase.isEmpty() ? QString() : QStringLiteral(" @ ") + d.apiBase);
        m_connections->appendRow({new QStandardItem(d.id), new QStandardItem(endpoint), new QStandardItem(tr("not tested"))});
    }
    const QHeaderView *h = m_connView->horizontalHeader();
    m_connView->sortByColumn(h->sortIndicatorSection(), h->sortIndicatorOrder());
    m_connView->resizeColumnToContents(0);
    m_connView->resizeColumnToContents(1);
}

void KeysView::setKey(const QString &name, const QString &value)
{
    m_model->setKeychainState(name, KeyEntry::State::Checking, QString());
    m_store->writeKey(name, value);
}

void KeysView::setSelectedKey()
{
    const QModelIndex cur = m_keysProxy->mapToSource(m_keysView->currentIndex());
    if (!cur.isValid())
        return;
    const KeyEntry e = m_model->entries().at(cur.row());
    QString name = e.name;
    if (e.source != KeyEntry::Source::Keychain) {
        QMessageBox::information(this, tr("Set key"),
                                 tr("This reference reads the environment variable %1. Set it before starting the workbench, "
                                    "or change the deployment's key reference to keychain/NAME to keep the key in the keychain.")
                                     .arg(e.name));
        return;
    }
    bool ok = false;
    const QString value = QInputDialog::getText(this, tr("Set key %1").arg(name),
                                                tr("API key for %1 (stored in the system keychain):").arg(name),
                                                QLineEdit::Password, QString(), &ok);
    if (ok && !value.trimmed().isEmpty())
        setKey(name, value.trimmed());
}

void KeysView::clearSelectedKey()
{
    const QModelIndex cur = m_keysProxy->mapToSource(m_keysView->currentIndex());
    if (!cur.isValid())
        return;
    const KeyEntry e = m_model->entries().at(cur.row());
    if (e.source != KeyEntry::Source::Keychain)
        return;
    if (QMessageBox::question(this, tr("Clear key"), tr("Remove the key %1 from the keychain?").arg(e.name)) != QMessageBox::Yes)
        return;
    m_store->removeKey(e.name);
}

void KeysView::testSelected()
{
    if (m_tester->isBusy())
        return;
    QStringList ids;
    for (const QModelIndex &i : m_connView->selectionModel()->selectedRows())
        ids << m_connections->item(i.row(), 0)->text();
    if (ids.isEmpty())
        return testAll();
    for (int r = 0; r < m_connections->rowCount(); ++r)
        if (ids.contains(m_connections->item(r, 0)->text()))
            m_connections->item(r, 2)->setText(tr("testing…"));
    startTest(ids);
}

void KeysView::testAll()
{
    if (m_tester->isBusy())
        return;
    for (int r = 0; r < m_connections->rowCount(); ++r)
        m_connections->item(r, 2)->setText(tr("testing…"));
    startTest({});
}

void KeysView::startTest(const QStringList &ids)
{
    m_testSelected->setEnabled(false);
    m_testAll->setEnabled(false);
    m_tester->test(m_project->state().models, ids);
}

} // namespace ui
} // namespace wb
