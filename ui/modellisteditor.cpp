#include "ui/modellisteditor.h"

#include "ui/adddeploymentdialog.h"
#include "ui/combochoicedelegate.h"

#include "ui/deploymenttablemodel.h"
#include "ui/project.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace wb {
namespace ui {

namespace {

enum MergeKeys { MergeRouter = 1001 };


} // namespace

QString ModelListEditor::fallbacksToText(const QHash<QString, QStringList> &f, const QStringList &order)
{
    QStringList keys;
    for (const QString &g : order)
        if (f.contains(g))
            keys << g;
    QStringList rest = f.keys();
    rest.sort();
    for (const QString &g : std::as_const(rest))
        if (!keys.contains(g))
            keys << g;
    QStringList parts;
    for (const QString &g : std::as_const(keys))
        parts << g + QLatin1String(": ") + f.value(g).join(QLatin1String(", "));
    return parts.join(QLatin1String("; "));
}

QHash<QString, QStringList> ModelListEditor::fallbacksFromText(const QString &text)
{
    QHash<QString, QStringList> out;
    for (const QString &part : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype colon = part.indexOf(QLatin1Char(':'));
        if (colon < 0)
            continue;
        const QString group = part.left(colon).trimmed();
        QStringList targets;
        for (const QString &t : part.mid(colon + 1).split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!t.trimmed().isEmpty())
                targets << t.trimmed();
        if (!group.isEmpty() && !targets.isEmpty())
            out.insert(group, targets);
    }
    return out;
}

ModelListEditor::ModelListEditor(Project *project, QWidget *parent)
    : QWidget(parent), m_project(project), m_model(new DeploymentTableModel(this)), m_view(new QTableView(this)),
      m_problems(new QLabel(this))
{
    m_view->setObjectName(QStringLiteral("deploymentsView"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new ComboChoiceDelegate(
        [](const QModelIndex &idx) {
            // Provider column: the prefixes LiteLLM knows.
            return idx.column() == DeploymentTableModel::Provider ? DeploymentTableModel::knownProviders() : QStringList();
        },
        m_view));
    m_view->setTabKeyNavigation(false);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed);

    auto *add = new QPushButton(QIcon::fromTheme(QStringLiteral("list-add")), tr("Add deployment"), this);
    auto *addGroup = new QPushButton(tr("Add model group…"), this);
    auto *dup = new QPushButton(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("Duplicate"), this);
    auto *rem = new QPushButton(QIcon::fromTheme(QStringLiteral("list-remove")), tr("Remove"), this);
    add->setToolTip(tr("Add a deployment to the selected model group (e.g. a second API key)"));
    connect(add, &QPushButton::clicked, this, &ModelListEditor::addDeployment);
    connect(addGroup, &QPushButton::clicked, this, &ModelListEditor::addGroup);
    connect(dup, &QPushButton::clicked, this, &ModelListEditor::duplicateSelected);
    connect(rem, &QPushButton::clicked, this, &ModelListEditor::removeSelected);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(addGroup);
    buttons->addWidget(dup);
    buttons->addWidget(rem);
    buttons->addStretch();

    // A refused edit: the reason where the edit was made, and the typed value back in the cell.
    m_refusal = new QLabel(this);
    m_refusal->setObjectName(QStringLiteral("editRefusal"));
    m_refusal->setWordWrap(true);
    m_refusal->setStyleSheet(QStringLiteral("color:#b02020; font-weight:bold;"));
    m_refusal->hide();
    connect(m_model, &DeploymentTableModel::editRefused, this, [this](const QModelIndex &idx, const QString &why, const QVariant &typed) {
        m_refusal->setText(tr("%1, %2: %3").arg(idx.data(DeploymentTableModel::DeploymentIdRole).toString(),
                                               m_model->headerData(idx.column(), Qt::Horizontal).toString(), why));
        m_refusal->show();
        Q_UNUSED(typed);   // the model keeps it in the cell, marked red
    });
    m_problems->setWordWrap(true);
    m_problems->setObjectName(QStringLiteral("problemsLabel"));
    m_problems->setStyleSheet(QStringLiteral("color: #8a4b00;"));

    // Router settings form.
    m_strategy = new QComboBox(this);
    m_strategy->addItems({QStringLiteral("usage-based-routing-v2"), QStringLiteral("usage-based-routing"),
                          QStringLiteral("simple-shuffle"), QStringLiteral("least-busy"),
                          QStringLiteral("latency-based-routing"), QStringLiteral("cost-based-routing")});
    m_retries = new QSpinBox(this);
    m_retries->setRange(0, 20);
    m_timeout = new QDoubleSpinBox(this);
    m_timeout->setRange(1, 3600);
    m_timeout->setSuffix(tr(" s"));
    m_allowedFails = new QSpinBox(this);
    m_allowedFails->setRange(0, 1000);
    m_cooldown = new QDoubleSpinBox(this);
    m_cooldown->setRange(0, 3600);
    m_cooldown->setSuffix(tr(" s"));
    m_fallbacks = new QLineEdit(this);
    m_fallbacks->setPlaceholderText(tr("group: fallback1, fallback2; other-group: fallback"));
    m_budgetEnabled = new QCheckBox(tr("Limit spend to"), this);
    m_budget = new QDoubleSpinBox(this);
    m_budget->setRange(0, 1e7);
    m_budget->setDecimals(2);
    m_budget->setPrefix(QStringLiteral("$ "));
    m_budgetDuration = new QComboBox(this);
    m_budgetDuration->setEditable(true);
    m_budgetDuration->addItem(tr("lifetime"), QString());
    for (const char *d : {"24h", "7d", "30d", "1mo"})
        m_budgetDuration->addItem(QString::fromLatin1(d), QString::fromLatin1(d));

    auto *routerBox = new QGroupBox(tr("Router"), this);
    auto *rf = new QFormLayout(routerBox);
    rf->addRow(tr("Routing strategy"), m_strategy);
    rf->addRow(tr("Retries"), m_retries);
    rf->addRow(tr("Timeout per call"), m_timeout);
    rf->addRow(tr("Allowed fails per minute"), m_allowedFails);
    rf->addRow(tr("Cooldown"), m_cooldown);
    rf->addRow(tr("Fallbacks"), m_fallbacks);
    auto *budgetBox = new QGroupBox(tr("Budget"), this);
    auto *bf = new QFormLayout(budgetBox);
    auto *budgetRow = new QHBoxLayout;
    budgetRow->addWidget(m_budgetEnabled);
    budgetRow->addWidget(m_budget, 1);
    bf->addRow(budgetRow);
    bf->addRow(tr("Period"), m_budgetDuration);

    auto *settings = new QHBoxLayout;
    settings->addWidget(routerBox, 2);
    settings->addWidget(budgetBox, 1);

    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(tr("<b>Deployments</b> — each row is one API endpoint and key; rows with the same "
                                "model group share its traffic."), this);
    title->setWordWrap(true);
    layout->addWidget(title);
    layout->addWidget(m_refusal);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_problems);
    layout->addLayout(settings);

    connect(m_model, &DeploymentTableModel::deploymentsEdited, this,
            [this](const QList<Deployment> &list, const QString &what) {
                m_refusal->hide();
                m_refusal->clear();
                ProjectState next = m_project->state();
                next.models.deployments = list;
                m_project->edit(next, what);
            });
    connect(m_project, &Project::changed, this, &ModelListEditor::reload);

    auto commit = [this] { commitRouterForm(MergeRouter); };
    connect(m_strategy, &QComboBox::currentTextChanged, this, commit);
    connect(m_retries, &QSpinBox::valueChanged, this, commit);
    connect(m_timeout, &QDoubleSpinBox::valueChanged, this, commit);
    connect(m_allowedFails, &QSpinBox::valueChanged, this, commit);
    connect(m_cooldown, &QDoubleSpinBox::valueChanged, this, commit);
    connect(m_fallbacks, &QLineEdit::editingFinished, this, [this] { commitRouterForm(0); });
    connect(m_budgetEnabled, &QCheckBox::toggled, this, commit);
    connect(m_budgetEnabled, &QCheckBox::toggled, m_budget, &QWidget::setEnabled);
    connect(m_budget, &QDoubleSpinBox::valueChanged, this, commit);
    connect(m_budgetDuration, &QComboBox::currentTextChanged, this, commit);
    reload();
}

void ModelListEditor::reload()
{
    m_loading = true;
    const ModelList &ml = m_project->state().models;
    const bool firstFill = m_model->rowCount() == 0;
    m_model->setDeployments(ml.deployments);
    if (firstFill) {
        // Fit ids, model ids and API bases once (a handful of rows); later edits keep the user's widths.
        m_view->resizeColumnsToContents();
    }
    if (m_strategy->findText(ml.router.routingStrategy) < 0)
        m_strategy->addItem(ml.router.routingStrategy);
    m_strategy->setCurrentText(ml.router.routingStrategy);
    m_retries->setValue(ml.router.numRetries);
    m_timeout->setValue(ml.router.timeoutSeconds);
    m_allowedFails->setValue(ml.router.allowedFails);
    m_cooldown->setValue(ml.router.cooldownSeconds);
    if (!m_fallbacks->hasFocus())
        m_fallbacks->setText(fallbacksToText(ml.router.fallbacks, ml.groups()));
    m_budgetEnabled->setChecked(ml.costControls.maxBudget.has_value());
    m_budget->setEnabled(ml.costControls.maxBudget.has_value());
    m_budget->setValue(ml.costControls.maxBudget.value_or(0));
    const int di = m_budgetDuration->findData(ml.costControls.budgetDuration);
    if (di >= 0)
        m_budgetDuration->setCurrentIndex(di);
    else
        m_budgetDuration->setCurrentText(ml.costControls.budgetDuration);
    m_loading = false;
    updateProblems();
}

QString ModelListEditor::refusalText() const { return m_refusal->isHidden() ? QString() : m_refusal->text(); }

void ModelListEditor::updateProblems()
{
    const QStringList p = m_model->problems();
    m_problems->setVisible(!p.isEmpty());
    if (p.isEmpty())
        return;
    QString text = tr("%n problem(s):", nullptr, int(p.size())) + QLatin1Char(' ') + p.first();
    if (p.size() > 1)
        text += tr(" (and %n more — hover the highlighted cells)", nullptr, int(p.size() - 1));
    m_problems->setText(text);
    m_problems->setToolTip(p.join(QLatin1Char('\n')));
}

void ModelListEditor::commitRouterForm(int mergeKey)
{
    if (m_loading)
        return;
    ProjectState next = m_project->state();
    RouterSettings &r = next.models.router;
    r.routingStrategy = m_strategy->currentText();
    r.numRetries = m_retries->value();
    r.timeoutSeconds = m_timeout->value();
    r.allowedFails = m_allowedFails->value();
    r.cooldownSeconds = m_cooldown->value();
    r.fallbacks = fallbacksFromText(m_fallbacks->text());
    CostControls &c = next.models.costControls;
    c.maxBudget = m_budgetEnabled->isChecked() ? std::optional<double>(m_budget->value()) : std::nullopt;
    const int di = m_budgetDuration->findText(m_budgetDuration->currentText());
    c.budgetDuration = di >= 0 ? m_budgetDuration->itemData(di).toString() : m_budgetDuration->currentText().trimmed();
    const ModelList &cur = m_project->state().models;
    if (r.routingStrategy == cur.router.routingStrategy && r.numRetries == cur.router.numRetries
        && r.timeoutSeconds == cur.router.timeoutSeconds && r.allowedFails == cur.router.allowedFails
        && r.cooldownSeconds == cur.router.cooldownSeconds && r.fallbacks == cur.router.fallbacks
        && c.maxBudget == cur.costControls.maxBudget && c.budgetDuration == cur.costControls.budgetDuration)
        return;
    m_project->edit(next, tr("Change router settings"), mergeKey);
}

void ModelListEditor::addDeployment()
{
    const QModelIndex cur = m_view->currentIndex();
    QString group;
    QString provider = QStringLiteral("openai");
    if (cur.isValid()) {
        const Deployment &d = m_model->deployments().at(cur.row());
        group = d.modelName;
        provider = d.provider;
    } else if (!m_model->deployments().isEmpty()) {
        group = m_model->deployments().last().modelName;
        provider = m_model->deployments().last().provider;
    } else {
        group = QStringLiteral("new-model");
    }
    AddDeploymentDialog dialog(m_project->state().models, group, provider, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const int row = m_model->addDeployment(dialog.deployment());
    m_view->setCurrentIndex(m_model->index(row, DeploymentTableModel::Model));
}

void ModelListEditor::addGroup()
{
    const QString provider = m_model->deployments().isEmpty() ? QString() : m_model->deployments().last().provider;
    AddDeploymentDialog dialog(m_project->state().models, QString(), provider, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const int row = m_model->addDeployment(dialog.deployment());
    m_view->setCurrentIndex(m_model->index(row, DeploymentTableModel::Model));
}

void ModelListEditor::duplicateSelected()
{
    const QModelIndex cur = m_view->currentIndex();
    if (!cur.isValid())
        return;
    const int row = m_model->duplicate(cur.row());
    m_view->setCurrentIndex(m_model->index(row, DeploymentTableModel::KeyRef));
}

void ModelListEditor::removeSelected()
{
    QList<int> rows;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        rows << i.row();
    if (rows.isEmpty() && m_view->currentIndex().isValid())
        rows << m_view->currentIndex().row();
    m_model->remove(rows);
}

} // namespace ui
} // namespace wb
