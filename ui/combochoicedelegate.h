#pragma once
// An item delegate that edits a cell with a combo box when the cell offers choices, and falls back to
// the default editor otherwise. `choices` decides per index (empty = default editor).
#include <QAbstractItemModel>
#include <QComboBox>
#include <QStyledItemDelegate>

#include <functional>

namespace wb::ui {

class ComboChoiceDelegate final : public QStyledItemDelegate {
public:
    using Choices = std::function<QStringList(const QModelIndex &)>;
    ComboChoiceDelegate(Choices choices, QObject *parent) : QStyledItemDelegate(parent), m_choices(std::move(choices)) {}

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &opt, const QModelIndex &idx) const override
    {
        const QStringList choices = m_choices(idx);
        if (choices.isEmpty())
            return QStyledItemDelegate::createEditor(parent, opt, idx);
        auto *box = new QComboBox(parent);
        box->addItems(choices);
        return box;
    }
    void setEditorData(QWidget *editor, const QModelIndex &idx) const override
    {
        if (auto *box = qobject_cast<QComboBox *>(editor))
            box->setCurrentText(idx.data(Qt::EditRole).toString());
        else
            QStyledItemDelegate::setEditorData(editor, idx);
    }
    void setModelData(QWidget *editor, QAbstractItemModel *m, const QModelIndex &idx) const override
    {
        if (auto *box = qobject_cast<QComboBox *>(editor))
            m->setData(idx, box->currentText());
        else
            QStyledItemDelegate::setModelData(editor, m, idx);
    }

private:
    Choices m_choices;
};

} // namespace wb::ui
