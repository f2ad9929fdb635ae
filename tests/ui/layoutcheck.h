#pragma once
// Layout problems a person would see on a page: sibling widgets of one layout that overlap,
// header sections too narrow for their title, labels and buttons cut short. Used by tst_layout
// (fails on any) and wb_screenshots (prints them next to the pictures).
#include <QAbstractButton>
#include <QAbstractItemView>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QStringList>
#include <QWidget>

#include <algorithm>

namespace wbtest {

inline bool inLayoutTree(const QLayout *l, const QWidget *w)
{
    if (!l)
        return false;
    if (l->indexOf(const_cast<QWidget *>(w)) >= 0)
        return true;
    for (int i = 0; i < l->count(); ++i)
        if (const QLayout *sub = l->itemAt(i)->layout(); sub && inLayoutTree(sub, w))
            return true;
    return false;
}

inline QString describe(const QWidget *w)
{
    QString name = w->objectName();
    if (name.isEmpty()) {
        if (auto *l = qobject_cast<const QLabel *>(w))
            name = QLatin1Char('"') + l->text().left(40) + QLatin1Char('"');
        else if (auto *b = qobject_cast<const QAbstractButton *>(w))
            name = QLatin1Char('"') + b->text() + QLatin1Char('"');
    }
    return QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') + name;
}

/// Problems of `root` and every visible widget under it.
inline QStringList layoutProblems(QWidget *root)
{
    QStringList out;
    QList<QWidget *> all = root->findChildren<QWidget *>();
    all.prepend(root);
    for (QWidget *w : std::as_const(all)) {
        if (!w->isVisibleTo(root) || w->isWindow())
            continue;
        // Siblings placed by the same layout must not overlap.
        if (QLayout *l = w->layout()) {
            QList<QWidget *> kids;
            for (QObject *o : w->children())
                if (auto *k = qobject_cast<QWidget *>(o); k && !k->isWindow() && k->isVisibleTo(root) && inLayoutTree(l, k))
                    kids << k;
            for (int i = 0; i < kids.size(); ++i)
                for (int j = i + 1; j < kids.size(); ++j)
                    if (kids[i]->geometry().intersects(kids[j]->geometry()))
                        out << QStringLiteral("overlap: %1 and %2 in %3").arg(describe(kids[i]), describe(kids[j]), describe(w));
        }
        // Header titles cut short ("mpletion toke", "auth…").
        if (auto *h = qobject_cast<QHeaderView *>(w); h && h->orientation() == Qt::Horizontal && h->isVisibleTo(root)) {
            const int last = h->logicalIndex(h->count() - 1);
            for (int i = 0; i < h->count(); ++i) {
                if (h->isSectionHidden(i) || h->sectionResizeMode(i) == QHeaderView::Stretch || (h->stretchLastSection() && i == last))
                    continue;
                const QString title = h->model() ? h->model()->headerData(i, Qt::Horizontal).toString() : QString();
                // A title on two lines ("authority" over "claude-haiku") needs its widest line.
                int textWidth = 0;
                for (const QString &line : title.split(QLatin1Char('\n')))
                    textWidth = std::max(textWidth, h->fontMetrics().horizontalAdvance(line));
                const int need = textWidth + 2 * h->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, h);
                if (!title.isEmpty() && h->sectionSize(i) < need)
                    out << QStringLiteral("header cut: \"%1\" is %2 px wide, needs %3 (%4)").arg(title).arg(h->sectionSize(i)).arg(need).arg(describe(h->parentWidget()));
            }
        }
        // Labels and buttons cut short (a label that may shrink says so with an Ignored policy).
        if (auto *l = qobject_cast<QLabel *>(w); l && !l->wordWrap() && l->sizePolicy().horizontalPolicy() != QSizePolicy::Ignored
            && !l->text().isEmpty() && l->pixmap().isNull() && l->width() + 1 < l->minimumSizeHint().width())
            out << QStringLiteral("label cut: %1 is %2 px wide, needs %3").arg(describe(l)).arg(l->width()).arg(l->minimumSizeHint().width());
        if (auto *b = qobject_cast<QAbstractButton *>(w); b && !b->text().isEmpty() && w->parentWidget() && w->parentWidget()->layout()
            && b->width() + 1 < b->minimumSizeHint().width())
            out << QStringLiteral("button cut: %1 is %2 px wide, needs %3").arg(describe(b)).arg(b->width()).arg(b->minimumSizeHint().width());
    }
    return out;
}

} // namespace wbtest
