#include "ui/adddeploymentdialog.h"

#include "core/common/provider.h"
#include "core/pricing/pricing.h"
#include "ui/deploymenttablemodel.h"
#include "ui/enginetext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wb {
namespace ui {

QStringList AddDeploymentDialog::pricedModels(const QString &provider)
{
    static const PriceTable table = PriceTable::builtIn();
    const QString prefix = PriceTable::normalizeProvider(provider) + QLatin1Char('/');
    QStringList out;
    for (const QString &k : table.keys())
        if (k.startsWith(prefix))
            out << k.mid(prefix.size());
    out.sort();
    out.removeDuplicates();
    return out;
}

AddDeploymentDialog::AddDeploymentDialog(const ModelList &models, const QString &group, const QString &provider, QWidget *parent)
    : QDialog(parent), m_models(models), m_simulated(isSimulated(models))
{
    setObjectName(QStringLiteral("addDeploymentDialog"));
    setWindowTitle(group.isEmpty() ? tr("Add model group") : tr("Add deployment"));
    m_group = new QComboBox(this);
    m_group->setEditable(true);
    m_group->setObjectName(QStringLiteral("groupField"));
    m_group->addItems(models.groups());
    m_group->setCurrentText(group);
    m_group->lineEdit()->setPlaceholderText(tr("name the experiment uses, e.g. gpt-4o-mini"));
    m_provider = new QComboBox(this);
    m_provider->setObjectName(QStringLiteral("providerField"));
    m_provider->addItems(DeploymentTableModel::knownProviders());
    m_provider->setCurrentText(provider.isEmpty() ? QStringLiteral("openai") : provider);
    m_model = new QComboBox(this);
    m_model->setEditable(true);
    m_model->setObjectName(QStringLiteral("modelField"));
    m_key = new QComboBox(this);
    m_key->setEditable(true);
    m_key->setObjectName(QStringLiteral("keyField"));
    m_rpm = new QSpinBox(this);
    m_tpm = new QSpinBox(this);
    for (QSpinBox *b : {m_rpm, m_tpm}) {
        b->setRange(0, 100'000'000);
        b->setSpecialValueText(tr("none"));
        b->setGroupSeparatorShown(true);
    }
    m_price = new QLabel(this);
    m_price->setWordWrap(true);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("formProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color:#b02020;"));

    auto *form = new QFormLayout;
    form->addRow(tr("Model group"), m_group);
    form->addRow(tr("Provider"), m_provider);
    form->addRow(tr("Model"), m_model);
    form->addRow(QString(), m_price);
    form->addRow(tr("Key reference"), m_key);
    form->addRow(tr("Requests per minute"), m_rpm);
    form->addRow(tr("Tokens per minute"), m_tpm);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *l = new QVBoxLayout(this);
    if (m_simulated) {
        auto *sim = new QLabel(tr("This project runs against the built-in simulator: the new deployment points at it too."), this);
        sim->setWordWrap(true);
        l->addWidget(sim);
    }
    l->addLayout(form);
    l->addWidget(m_problem);
    l->addWidget(buttons);

    connect(m_provider, &QComboBox::currentTextChanged, this, &AddDeploymentDialog::providerChanged);
    for (QComboBox *b : {m_group, m_model, m_key})
        connect(b, &QComboBox::currentTextChanged, this, &AddDeploymentDialog::updateState);
    providerChanged();
}

void AddDeploymentDialog::providerChanged()
{
    const QString provider = m_provider->currentText();
    const QString keep = m_model->currentText();
    m_model->clear();
    m_model->addItems(pricedModels(provider));
    if (!keep.isEmpty() && m_model->findText(keep) >= 0)
        m_model->setCurrentText(keep);
    m_key->clear();
    QStringList refs;
    if (m_simulated) {
        // The simulator's dummy keys: a fresh one, so the new row gets a quota of its own.
        int n = 1;
        QStringList used;
        for (const Deployment &d : std::as_const(m_models.deployments))
            used << d.keyRef;
        while (used.contains(QStringLiteral("sim-%1-%2").arg(provider).arg(n)))
            ++n;
        refs << QStringLiteral("sim-%1-%2").arg(provider).arg(n);
    } else {
        const char *var = providerTraits(provider).apiKeyVariable;
        refs << QStringLiteral("os.environ/") + (*var ? QString::fromLatin1(var) : provider.toUpper() + QStringLiteral("_API_KEY"));
        for (const Deployment &d : std::as_const(m_models.deployments))
            if (d.provider == provider && !refs.contains(d.keyRef) && !DeploymentTableModel::isWarningOnly(d, DeploymentTableModel::KeyRef))
                refs << d.keyRef;
    }
    m_key->addItems(refs);
    updateState();
}

Deployment AddDeploymentDialog::deployment() const
{
    Deployment d;
    d.modelName = m_group->currentText().trimmed();
    d.provider = m_provider->currentText();
    d.model = m_model->currentText().trimmed();
    d.keyRef = m_key->currentText().trimmed();
    if (m_rpm->value() > 0)
        d.limits.rpm = m_rpm->value();
    if (m_tpm->value() > 0)
        d.limits.tpm = m_tpm->value();
    if (m_simulated) {
        // The simulator's address as the project's other rows of this wire format use it.
        for (const Deployment &o : std::as_const(m_models.deployments))
            if (providerTraits(o.provider).wireFormat == providerTraits(d.provider).wireFormat && !o.apiBase.isEmpty()) {
                d.apiBase = o.apiBase;
                break;
            }
        if (d.apiBase.isEmpty()) {
            const bool openAiPath = providerTraits(d.provider).wireFormat == WireFormat::OpenAi;
            d.apiBase = QStringLiteral("http://127.0.0.1:%1").arg(m_models.simulator.port > 0 ? m_models.simulator.port : 8765)
                + (openAiPath ? QStringLiteral("/v1") : QString());
        }
    }
    return d;
}

QString AddDeploymentDialog::problem() const
{
    const Deployment d = deployment();
    if (d.modelName.isEmpty())
        return tr("Name the model group: the experiment's runs refer to it.");
    if (d.model.isEmpty())
        return tr("Choose or type the provider's model id.");
    for (auto c : {DeploymentTableModel::Provider, DeploymentTableModel::Model, DeploymentTableModel::KeyRef, DeploymentTableModel::ApiBase}) {
        const QString p = DeploymentTableModel::validate(d, c);
        if (!p.isEmpty() && !DeploymentTableModel::isWarningOnly(d, c))
            return p;
    }
    return {};
}

void AddDeploymentDialog::updateState()
{
    static const PriceTable table = PriceTable::builtIn();
    const Deployment d = deployment();
    const auto price = table.find(d.provider, d.model);
    m_price->setText(price ? tr("Price: %1 input, %2 output per million tokens (%3)")
                                 .arg(EngineText::moneyUsd(price->inputPerToken * 1e6, 2), EngineText::moneyUsd(price->outputPerToken * 1e6, 2), price->source)
                           : tr("No price known for this model: its calls would count as $0 against the budget."));
    const QString p = problem();
    m_problem->setText(p);
    m_problem->setVisible(!p.isEmpty());
    if (m_ok)
        m_ok->setEnabled(p.isEmpty());
}

} // namespace ui
} // namespace wb
