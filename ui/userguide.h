#pragma once
// The offline user guide (docs/USER-GUIDE.md, embedded as :/help/USER-GUIDE.md), shown in a
// browser window that opens at the section of the page in use.
#include <QString>

class QWidget;

namespace wb {
namespace ui {

/// The guide's Markdown text; empty if the resource is missing.
QString userGuideMarkdown();
/// Shows the guide (one window, reused) scrolled to the heading `section` ("Run", "Models", …).
void showUserGuide(QWidget *parent, const QString &section);

} // namespace ui
} // namespace wb
