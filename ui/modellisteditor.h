#pragma once
// The "Models" page: deployments grouped by model group, and the router/budget settings.
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QCheckBox;
class QSpinBox;
class QTableView;

namespace wb {
namespace ui {

class DeploymentTableModel;
class Project;

class ModelListEditor final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelListEditor)
public:
    explicit ModelListEditor(Project *project, QWidget *parent = nullptr);

    DeploymentTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    /// The reason of the last refused edit, shown above the table; empty when none.
    QString refusalText() const;

    /// "a: b, c; d: e" <-> {a: [b, c], d: [e]} (fallbacks field).
    static QString fallbacksToText(const QHash<QString, QStringList> &f, const QStringList &order);
    static QHash<QString, QStringList> fallbacksFromText(const QString &text);

public slots:
    void addDeployment();
    void addGroup();
    void duplicateSelected();
    void removeSelected();

private:
    void reload();
    void commitRouterForm(int mergeKey);
    void updateProblems();

    Project *m_project;
    DeploymentTableModel *m_model;
    QTableView *m_view;
    QLabel *m_problems;
    QLabel *m_refusal;
    QComboBox *m_strategy;
    QSpinBox *m_retries;
    QDoubleSpinBox *m_timeout;
    QSpinBox *m_allowedFails;
    QDoubleSpinBox *m_cooldown;
    QLineEdit *m_fallbacks;
    QCheckBox *m_budgetEnabled;
    QDoubleSpinBox *m_budget;
    QComboBox *m_budgetDuration;
    bool m_loading = false;
};

} // namespace ui
} // namespace wb
