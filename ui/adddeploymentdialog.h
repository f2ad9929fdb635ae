#pragma once
// "Add deployment" / "Add model group": a small form — model group, provider, a model from the
// price table, key reference and limits — that builds the new row. In a simulated project the
// row points at the simulator (its api_base and a dummy key), never at the real provider.
#include "core/config/modellist.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace wb {
namespace ui {

class AddDeploymentDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AddDeploymentDialog)
public:
    /// `group` preselected (empty: a new group is typed); `models` is the list the row joins.
    AddDeploymentDialog(const ModelList &models, const QString &group, const QString &provider, QWidget *parent = nullptr);

    /// The deployment as the form describes it.
    Deployment deployment() const;
    /// Why the form cannot be accepted yet; empty when it can.
    QString problem() const;

    QComboBox *groupBox() const { return m_group; }
    QComboBox *providerBox() const { return m_provider; }
    QComboBox *modelBox() const { return m_model; }
    QComboBox *keyBox() const { return m_key; }

    /// The models of `provider` in the built-in price table ("gpt-4o-mini", …), sorted.
    static QStringList pricedModels(const QString &provider);

private:
    void providerChanged();
    void updateState();

    ModelList m_models;
    bool m_simulated;
    QComboBox *m_group, *m_provider, *m_model, *m_key;
    QSpinBox *m_rpm, *m_tpm;
    QLabel *m_price, *m_problem;
    QPushButton *m_ok = nullptr;
};

} // namespace ui
} // namespace wb
