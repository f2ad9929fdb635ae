#pragma once
// Paints a usage-vs-limit bar behind the "used / limit" text of the gauge columns.
#include <QStyledItemDelegate>

namespace wb {
namespace ui {

class GaugeDelegate final : public QStyledItemDelegate {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GaugeDelegate)
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace ui
} // namespace wb
