#include "ui/userguide.h"

#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QLocale>
#include <QPointer>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace wb {
namespace ui {

QString userGuideMarkdown()
{
    // The guide in the interface's language when there is one (USER-GUIDE.de.md), else English;
    // its headings are the page names of that language.
    QStringList names;
    for (const QString &lang : QLocale().uiLanguages())
        names << QStringLiteral(":/help/USER-GUIDE.%1.md").arg(lang.section(u'-', 0, 0));
    names << QStringLiteral(":/help/USER-GUIDE.md");
    for (const QString &name : std::as_const(names)) {
        QFile f(name);
        if (f.open(QIODevice::ReadOnly))
            return QString::fromUtf8(f.readAll());
    }
    return {};
}

void showUserGuide(QWidget *parent, const QString &section)
{
    static QPointer<QDialog> dialog;
    if (!dialog) {
        dialog = new QDialog(parent);
        dialog->setObjectName(QStringLiteral("userGuide"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle(QCoreApplication::translate("wb::ui::MainWindow", "Discernus Workbench — User guide"));
        auto *browser = new QTextBrowser(dialog);
        browser->setObjectName(QStringLiteral("userGuideBrowser"));
        browser->setOpenExternalLinks(false);
        browser->setMarkdown(userGuideMarkdown());
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
        QObject::connect(buttons, &QDialogButtonBox::rejected, dialog.data(), &QDialog::close);
        auto *l = new QVBoxLayout(dialog);
        l->addWidget(browser);
        l->addWidget(buttons);
        dialog->resize(720, 600);
    }
    auto *browser = dialog->findChild<QTextBrowser *>();
    // Markdown headings carry no anchors: find the heading block by its text.
    for (QTextBlock b = browser->document()->begin(); b.isValid(); b = b.next()) {
        if (b.blockFormat().headingLevel() > 0 && b.text().startsWith(section, Qt::CaseInsensitive)) {
            QTextCursor c(b);
            browser->setTextCursor(c);
            browser->verticalScrollBar()->setValue(browser->verticalScrollBar()->maximum());
            browser->ensureCursorVisible();
            break;
        }
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

} // namespace ui
} // namespace wb
