#include "ui/corpusbrowser.h"

#include "core/pricing/pricing.h"
#include "core/session/promptpreview.h"
#include "core/tokenize/tokenestimator.h"
#include "core/tokenize/tokenizer.h"
#include "ui/enginetext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace wb {
namespace ui {

namespace {

/// Shows the rows a search matched (all while `all` is set).
class SearchProxy final : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setMatches(bool all, QSet<int> rows)
    {
        m_all = all;
        m_rows = std::move(rows);
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &) const override { return m_all || m_rows.contains(row); }

private:
    bool m_all = true;
    QSet<int> m_rows;
};

/// Runs `work` on the thread pool and `done` with its result on the dialog's thread, unless the
/// dialog is gone by then.
template <typename T, typename Work, typename Done>
void runAsync(QObject *owner, Work work, Done done)
{
    auto *watcher = new QFutureWatcher<T>(owner);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, owner, [watcher, done = std::move(done)]() mutable {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

/// Six decimals (a prompt costs fractions of a cent), placed as the locale places money ("0,000472 $").
QString money(qint64 micros) { return EngineText::money(micros, 6); }

} // namespace

void CorpusTextsModel::setTexts(QList<CorpusText> texts)
{
    beginResetModel();
    m_texts = std::move(texts);
    m_tokens.clear();
    endResetModel();
}

void CorpusTextsModel::setTokens(QList<qint64> tokens)
{
    if (tokens.size() != m_texts.size())
        return;
    m_tokens = std::move(tokens);
    if (!m_texts.isEmpty())
        emit dataChanged(index(0, Tokens), index(int(m_texts.size()) - 1, Tokens));
}

int CorpusTextsModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_texts.size()); }
int CorpusTextsModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CorpusTextsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const CorpusText &t = m_texts[index.row()];
    const qint64 tok = tokens(index.row());
    if (role == SortRole) {
        switch (index.column()) {
        case Id: return t.id;
        case Chars: return qint64(t.chars());
        case Tokens: return tok;
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Id: return t.id;
        case Chars: return QLocale().toString(qint64(t.chars()));
        case Tokens: return tok < 0 ? tr("counting…") : QLocale().toString(tok);
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != Id)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant CorpusTextsModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id: return tr("Text");
    case Chars: return tr("Characters");
    case Tokens: return tr("Tokens");
    }
    return {};
}

CorpusBrowser::CorpusBrowser(const CorpusSource &source, const QList<Framework> &frameworks, const ModelList &models,
                             const ExecutionSettings &exec, QWidget *parent)
    : QDialog(parent), m_source(source), m_frameworks(frameworks), m_models(models), m_exec(exec),
      m_model(new CorpusTextsModel(this)), m_proxy(new SearchProxy(this)), m_view(new QTableView(this)),
      m_searchDebounce(new QTimer(this))
{
    setObjectName(QStringLiteral("corpusBrowser"));
    setWindowTitle(tr("Corpus %1").arg(source.id));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(CorpusTextsModel::SortRole);
    m_view->setObjectName(QStringLiteral("corpusTexts"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(CorpusTextsModel::Id, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    // Ids whole: the counts take only the width their numbers need.
    m_view->horizontalHeader()->setSectionResizeMode(CorpusTextsModel::Id, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(CorpusTextsModel::Chars, QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(CorpusTextsModel::Tokens, QHeaderView::ResizeToContents);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("corpusSearch"));
    m_search->setPlaceholderText(tr("Search ids and texts…"));
    m_search->setClearButtonEnabled(true);
    m_status = new QLabel(tr("Loading…"), this);
    m_status->setObjectName(QStringLiteral("corpusStatus"));
    m_status->setWordWrap(true);

    auto *left = new QWidget(this);
    auto *ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(m_search);
    ll->addWidget(m_view, 1);
    ll->addWidget(m_status);

    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("corpusText"));
    m_text->setReadOnly(true);
    m_text->setPlaceholderText(tr("Select a text to read it."));

    m_framework = new QComboBox(this);
    m_framework->setObjectName(QStringLiteral("previewFramework"));
    for (const Framework &fw : m_frameworks)
        m_framework->addItem(fw.name.isEmpty() ? fw.id : fw.name, fw.id);
    m_modelGroup = new QComboBox(this);
    m_modelGroup->setObjectName(QStringLiteral("previewModel"));
    for (const QString &g : m_models.groups())
        if (!m_models.deploymentsOf(g).isEmpty())
            m_modelGroup->addItem(g, g);
    auto *previewBtn = new QPushButton(tr("Preview prompt"), this);
    previewBtn->setObjectName(QStringLiteral("previewPromptButton"));
    previewBtn->setToolTip(tr("Shows exactly what a run sends for the selected text: built by the runner's own code"));
    m_preview = new QTextBrowser(this);
    m_preview->setObjectName(QStringLiteral("promptPreview"));
    m_preview->setPlaceholderText(tr("Select a text, a framework and a model, then press Preview prompt."));
    auto *previewPage = new QWidget(this);
    auto *pl = new QVBoxLayout(previewPage);
    auto *choice = new QHBoxLayout;
    choice->addWidget(new QLabel(tr("Framework"), this));
    choice->addWidget(m_framework, 1);
    choice->addWidget(new QLabel(tr("Model"), this));
    choice->addWidget(m_modelGroup, 1);
    choice->addWidget(previewBtn);
    pl->addLayout(choice);
    pl->addWidget(m_preview, 1);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_text, tr("Text"));
    m_tabs->addTab(previewPage, tr("Prompt preview"));

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({380, 560});
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(960, 600);

    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(250);
    connect(m_searchDebounce, &QTimer::timeout, this, &CorpusBrowser::applySearch);
    connect(m_search, &QLineEdit::textChanged, m_searchDebounce, qOverload<>(&QTimer::start));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CorpusBrowser::showCurrent);
    connect(previewBtn, &QPushButton::clicked, this, &CorpusBrowser::previewPrompt);

    // Load, then count: the list shows as soon as the texts are known; tokens follow.
    ++m_busy;
    runAsync<Result<QList<CorpusText>>>(this, [source] { return loadCorpus(source); }, [this](Result<QList<CorpusText>> texts) {
        if (!texts) {
            m_status->setText(texts.error().toString());
            done();
            emit loaded();
            return;
        }
        m_model->setTexts(*texts);
        m_status->setText(tr("%n text(s); counting tokens…", nullptr, int(texts->size())));
        emit loaded();
        const QList<CorpusText> all = *texts;
        runAsync<QList<qint64>>(this, [all] {
            const Tokenizer &tok = Tokenizer::get(Encoding::O200kBase);
            QList<qint64> counts;
            counts.reserve(all.size());
            for (const CorpusText &t : all)
                counts << tok.count(t.text());
            return counts;
        }, [this](QList<qint64> counts) {
            m_model->setTokens(counts);
            qint64 sum = 0;
            for (qint64 c : std::as_const(counts))
                sum += c;
            m_status->setText(tr("%n text(s), %1 tokens (o200k_base)", nullptr, int(counts.size())).arg(QLocale().toString(sum)));
            done();
            emit tokensCounted();
        });
    });
}

CorpusBrowser::~CorpusBrowser() = default;

void CorpusBrowser::done() { --m_busy; }

int CorpusBrowser::visibleCount() const { return m_proxy->rowCount(); }
QString CorpusBrowser::shownText() const { return m_text->toPlainText(); }
QString CorpusBrowser::previewText() const { return m_preview->toPlainText(); }

void CorpusBrowser::setSearch(const QString &text)
{
    m_search->setText(text);
    m_searchDebounce->stop();
    applySearch();
}

void CorpusBrowser::applySearch()
{
    const QString needle = m_search->text().trimmed();
    const quint64 gen = ++m_searchGen;
    if (needle.isEmpty()) {
        static_cast<SearchProxy *>(m_proxy)->setMatches(true, {});
        emit searchApplied();
        return;
    }
    // Contents are read from their files: off the UI thread, and only the newest search lands.
    const QList<CorpusText> all = m_model->texts();
    ++m_busy;
    runAsync<QSet<int>>(this, [all, needle] {
        QSet<int> rows;
        for (int i = 0; i < all.size(); ++i)
            if (all[i].id.contains(needle, Qt::CaseInsensitive) || all[i].text().contains(needle, Qt::CaseInsensitive))
                rows.insert(i);
        return rows;
    }, [this, gen](QSet<int> rows) {
        done();
        if (gen != m_searchGen)
            return;
        static_cast<SearchProxy *>(m_proxy)->setMatches(false, rows);
        emit searchApplied();
    });
}

void CorpusBrowser::selectText(const QString &id)
{
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        const QModelIndex i = m_proxy->index(r, CorpusTextsModel::Id);
        if (i.data().toString() == id) {
            m_view->setCurrentIndex(i);
            return;
        }
    }
}

void CorpusBrowser::setPreviewChoice(const QString &framework, const QString &modelGroup)
{
    m_framework->setCurrentIndex(std::max(0, m_framework->findData(framework)));
    m_modelGroup->setCurrentIndex(std::max(0, m_modelGroup->findData(modelGroup)));
}

void CorpusBrowser::showCurrent()
{
    const QModelIndex cur = m_proxy->mapToSource(m_view->currentIndex());
    if (!cur.isValid())
        return;
    const CorpusText t = m_model->texts().at(cur.row());
    const quint64 gen = ++m_textGen;
    ++m_busy;
    runAsync<QString>(this, [t] { return t.text(); }, [this, gen](QString s) {
        done();
        if (gen != m_textGen)
            return;
        m_text->setPlainText(s);
        emit textShown();
    });
}

void CorpusBrowser::previewPrompt()
{
    m_tabs->setCurrentIndex(1);
    const QModelIndex cur = m_proxy->mapToSource(m_view->currentIndex());
    const QString fwId = m_framework->currentData().toString();
    const QString group = m_modelGroup->currentData().toString();
    const Framework *fw = nullptr;
    for (const Framework &f : std::as_const(m_frameworks))
        if (f.id == fwId)
            fw = &f;
    if (!cur.isValid() || !fw || group.isEmpty()) {
        m_preview->setPlainText(tr("Select a text, a framework and a model first."));
        emit previewShown();
        return;
    }
    const CorpusText text = m_model->texts().at(cur.row());
    const Framework framework = *fw;
    const ModelList models = m_models;
    const ExecutionSettings exec = m_exec;
    const quint64 gen = ++m_previewGen;
    ++m_busy;
    m_preview->setPlainText(tr("Building the prompt…"));
    runAsync<Result<PromptPreview>>(this, [=] {
        static const TokenEstimator tokens;
        return wb::previewPrompt(models, framework, exec, text, group, PriceTable::builtIn(), tokens);
    }, [this, gen, textId = text.id](Result<PromptPreview> p) {
        done();
        if (gen != m_previewGen)
            return;
        if (!p) {
            m_preview->setPlainText(p.error().toString());
            emit previewShown();
            return;
        }
        const QLocale loc;
        QString html = QStringLiteral("<p>")
            + tr("<b>%1</b> to <b>%2</b> (%3, %4) · temperature %5 · max_tokens %6")
                  .arg(textId.toHtmlEscaped(), p->deploymentId.toHtmlEscaped(), p->provider.toHtmlEscaped(),
                       p->model.toHtmlEscaped(), loc.toString(p->request.temperature), loc.toString(p->request.maxTokens))
            + QStringLiteral("<br>")
            + tr("<b>Prompt tokens:</b> %1 (%2)").arg(loc.toString(p->promptTokens), EngineText::tokenMethodName(p->countMethod).toHtmlEscaped())
            + QStringLiteral(" · ");
        if (p->inputCostMicros)
            html += tr("<b>Price:</b> %1 for the prompt, at most %2 with a full reply (%3 prices)")
                        .arg(money(*p->inputCostMicros), money(p->maxCostMicros.value_or(0)), EngineText::priceOrigin(p->priceSource).toHtmlEscaped());
        else
            html += tr("<b>Price:</b> unknown (no price for this model)");
        html += QStringLiteral("</p><h4>%1</h4><pre style='white-space:pre-wrap'>%2</pre><h4>%3</h4><pre style='white-space:pre-wrap'>%4</pre>")
                    .arg(tr("System"), p->request.system.toHtmlEscaped(), tr("User"), p->request.user.toHtmlEscaped());
        m_preview->setHtml(html);
        emit previewShown();
    });
}

} // namespace ui
} // namespace wb
