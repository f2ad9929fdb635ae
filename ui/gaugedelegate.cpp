#include "ui/gaugedelegate.h"

#include "ui/gaugemodel.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>

namespace wb {
namespace ui {

void GaugeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant v = index.data(GaugeModel::GaugeRole);
    if (!v.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const GaugeValue g = v.value<GaugeValue>();
    if (g.limit <= 0) {
        // No known limit: no bar, just the usage.
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    // Background and selection only; the text goes on top of the bar below.
    const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const QRect r = option.rect.adjusted(3, 3, -3, -3);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    {
        const double f = std::clamp(g.fraction(), 0.0, 1.0);
        // Green while there is headroom, amber near the limit, red at it.
        const QColor fill = f < 0.7 ? QColor(120, 190, 120) : f < 0.9 ? QColor(235, 185, 70) : QColor(220, 90, 80);
        painter->setPen(QColor(200, 200, 200));
        painter->setBrush(QColor(245, 245, 245));
        painter->drawRect(r);
        painter->setPen(Qt::NoPen);
        painter->setBrush(fill);
        painter->drawRect(QRect(r.left() + 1, r.top() + 1, int((r.width() - 1) * f), r.height() - 1));
        painter->setPen(QColor(30, 30, 30));
    }
    painter->drawText(r.adjusted(4, 0, -4, 0), Qt::AlignCenter, text);
    painter->restore();
}

QSize GaugeDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    if (index.data(GaugeModel::GaugeRole).isValid())
        s.setWidth(std::max(s.width() + 16, 130));
    return s;
}

} // namespace ui
} // namespace wb
