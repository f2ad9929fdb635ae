#pragma once
// A corpus source's texts in view: the list (id, characters, o200k tokens), a search over ids and
// contents, a text's full content, and "Preview prompt": the request the runner would send for
// the selected text under a framework to a model group, with its token count and price
// (core/session/promptpreview.h). Loading, tokenizing, searching and previewing run on the thread
// pool; the dialog only shows what comes back.
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"
#include "core/experiment/corpus.h"

#include <QAbstractTableModel>
#include <QDialog>
#include <QSet>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;
class QTextBrowser;
class QTimer;

namespace wb {
namespace ui {

/// The texts of one source: id, characters and (once counted) tokens.
class CorpusTextsModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CorpusTextsModel)
public:
    enum Column { Id, Chars, Tokens, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1 };
    explicit CorpusTextsModel(QObject *parent = nullptr) : QAbstractTableModel(parent) {}

    void setTexts(QList<CorpusText> texts);
    void setTokens(QList<qint64> tokens);   ///< one per text, in order
    const QList<CorpusText> &texts() const { return m_texts; }
    qint64 tokens(int row) const { return row >= 0 && row < m_tokens.size() ? m_tokens[row] : -1; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<CorpusText> m_texts;
    QList<qint64> m_tokens;
};

class CorpusBrowser final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CorpusBrowser)
public:
    /// `frameworks` and `models` feed the prompt preview (the project's current state).
    CorpusBrowser(const CorpusSource &source, const QList<Framework> &frameworks, const ModelList &models,
                  const ExecutionSettings &exec, QWidget *parent = nullptr);
    ~CorpusBrowser() override;

    CorpusTextsModel *textsModel() const { return m_model; }
    QTableView *view() const { return m_view; }
    /// Rows the search leaves visible.
    int visibleCount() const;
    QString shownText() const;
    QString previewText() const;
    bool isBusy() const { return m_busy > 0; }

public slots:
    void setSearch(const QString &text);
    void selectText(const QString &id);
    void setPreviewChoice(const QString &framework, const QString &modelGroup);
    void previewPrompt();

signals:
    void loaded();              ///< texts listed (tokens may still be counting)
    void tokensCounted();
    void searchApplied();
    void textShown();
    void previewShown();

private:
    void applySearch();
    void showCurrent();
    void done();

    CorpusSource m_source;
    QList<Framework> m_frameworks;
    ModelList m_models;
    ExecutionSettings m_exec;
    CorpusTextsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QLineEdit *m_search;
    QTimer *m_searchDebounce;
    QLabel *m_status;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_text;
    QComboBox *m_framework, *m_modelGroup;
    QTextBrowser *m_preview;
    int m_busy = 0;
    quint64 m_searchGen = 0, m_textGen = 0, m_previewGen = 0;
};

} // namespace ui
} // namespace wb
