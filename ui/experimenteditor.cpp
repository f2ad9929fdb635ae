#include "ui/experimenteditor.h"

#include "ui/combochoicedelegate.h"

#include "ui/corpusbrowser.h"
#include "ui/corpusmodel.h"
#include "ui/matrixmodel.h"
#include "ui/project.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

namespace wb {
namespace ui {

namespace {

enum MergeKeys { MergeExecution = 2001, MergeName = 2002 };


QPushButton *button(const QString &icon, const QString &text, QWidget *parent)
{
    return new QPushButton(QIcon::fromTheme(icon), text, parent);
}

} // namespace

ExperimentEditor::ExperimentEditor(Project *project, QWidget *parent)
    : QWidget(parent), m_project(project), m_corpus(new CorpusModel(this)), m_matrix(new MatrixModel(this)),
      m_frameworks(new QStandardItemModel(this))
{
    // Header: name and description.
    m_name = new QLineEdit(this);
    m_description = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("experimentName"));
    m_description->setObjectName(QStringLiteral("experimentDescription"));
    auto *head = new QFormLayout;
    head->addRow(tr("Experiment name"), m_name);
    head->addRow(tr("Description"), m_description);

    // Corpus.
    m_corpusView = new QTableView(this);
    m_corpusView->setObjectName(QStringLiteral("corpusView"));
    m_corpusView->setModel(m_corpus);
    m_corpusView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_corpusView->horizontalHeader()->setSectionResizeMode(CorpusModel::Path, QHeaderView::Stretch);
    m_corpusView->verticalHeader()->hide();
    m_corpusView->setTabKeyNavigation(false);
    // A double-click opens the source's texts; F2 or a click on the selected cell still edits it.
    m_corpusView->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    m_corpusView->setToolTip(tr("Double-click a source to read its texts and preview prompts"));
    connect(m_corpusView, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &i) { browseCorpus(i.row()); });
    m_corpusSummary = new QLabel(this);
    auto *addFolder = button(QStringLiteral("folder-new"), tr("Add folder…"), this);
    auto *addFile = button(QStringLiteral("document-new"), tr("Add CSV/JSONL…"), this);
    auto *remCorpus = button(QStringLiteral("list-remove"), tr("Remove"), this);
    auto *browse = button(QStringLiteral("document-open"), tr("Texts…"), this);
    browse->setObjectName(QStringLiteral("browseCorpusButton"));
    browse->setToolTip(tr("Read the selected source's texts and preview the prompt a run sends"));
    connect(browse, &QPushButton::clicked, this, [this] { browseCorpus(m_corpusView->currentIndex().row()); });
    connect(addFolder, &QPushButton::clicked, this, &ExperimentEditor::addCorpusFolder);
    connect(addFile, &QPushButton::clicked, this, &ExperimentEditor::addCorpusFile);
    connect(remCorpus, &QPushButton::clicked, this, &ExperimentEditor::removeSelectedCorpus);
    auto *corpusBox = new QGroupBox(tr("Corpus"), this);
    auto *cl = new QVBoxLayout(corpusBox);
    cl->addWidget(m_corpusView, 1);
    auto *cb = new QHBoxLayout;
    cb->addWidget(addFolder);
    cb->addWidget(addFile);
    cb->addWidget(remCorpus);
    cb->addWidget(browse);
    cb->addStretch();
    cl->addLayout(cb);
    // On a line of its own: beside four buttons the German row set the window's width.
    cl->addWidget(m_corpusSummary);

    // Frameworks.
    m_frameworkView = new QTreeView(this);
    m_frameworkView->setObjectName(QStringLiteral("frameworkView"));
    m_frameworkView->setModel(m_frameworks);
    m_frameworkView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_frameworkView->setAlternatingRowColors(true);
    auto *addFw = button(QStringLiteral("list-add"), tr("Add framework…"), this);
    auto *remFw = button(QStringLiteral("list-remove"), tr("Remove"), this);
    connect(addFw, &QPushButton::clicked, this, &ExperimentEditor::addFrameworkFile);
    connect(remFw, &QPushButton::clicked, this, &ExperimentEditor::removeSelectedFramework);
    auto *fwBox = new QGroupBox(tr("Frameworks"), this);
    auto *fl = new QVBoxLayout(fwBox);
    fl->addWidget(m_frameworkView, 1);
    auto *fb = new QHBoxLayout;
    fb->addWidget(addFw);
    fb->addWidget(remFw);
    fb->addStretch();
    fl->addLayout(fb);

    // Matrix.
    m_matrixView = new QTableView(this);
    m_matrixView->setObjectName(QStringLiteral("matrixView"));
    m_matrixView->setModel(m_matrix);
    m_matrixView->setItemDelegate(new ComboChoiceDelegate([](const QModelIndex &idx) { return idx.data(MatrixModel::ChoicesRole).toStringList(); }, m_matrixView));
    m_matrixView->setTabKeyNavigation(false);
    // A refused edit: the reason next to the table, the typed text back in the cell for correction.
    m_refusal = new QLabel(this);
    m_refusal->setObjectName(QStringLiteral("editRefusal"));
    m_refusal->setWordWrap(true);
    m_refusal->setStyleSheet(QStringLiteral("color:#b02020; font-weight:bold;"));
    m_refusal->hide();
    // The models keep the typed text in the cell, marked; this says why.
    auto showRefusal = [this](const QModelIndex &, const QString &why, const QVariant &) {
        m_refusal->setText(why);
        m_refusal->show();
    };
    connect(m_matrix, &MatrixModel::editRefused, this, showRefusal);
    connect(m_matrix, &MatrixModel::runsEdited, m_refusal, &QWidget::hide);
    m_matrixView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_matrixView->horizontalHeader()->setStretchLastSection(true);
    m_matrixView->setAlternatingRowColors(true);
    auto *addRunBtn = button(QStringLiteral("list-add"), tr("Add run"), this);
    auto *remRun = button(QStringLiteral("list-remove"), tr("Remove"), this);
    connect(addRunBtn, &QPushButton::clicked, this, &ExperimentEditor::addRun);
    connect(remRun, &QPushButton::clicked, this, &ExperimentEditor::removeSelectedRuns);
    auto *matrixBox = new QGroupBox(tr("Matrix — one run per model group × framework × corpus"), this);
    auto *ml = new QVBoxLayout(matrixBox);
    ml->addWidget(m_refusal);
    ml->addWidget(m_matrixView, 1);
    auto *mb = new QHBoxLayout;
    mb->addWidget(addRunBtn);
    mb->addWidget(remRun);
    mb->addStretch();
    ml->addLayout(mb);

    // Execution settings.
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0, 2);
    m_temperature->setSingleStep(0.1);
    m_maxTokens = new QSpinBox(this);
    m_maxTokens->setRange(1, 1000000);
    m_repetitions = new QSpinBox(this);
    m_repetitions->setRange(1, 1000);
    m_parseRetries = new QSpinBox(this);
    m_parseRetries->setRange(0, 10);
    // How calls reach the provider (docs/FORMATS.md, "Batch execution"); item data = the YAML name.
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("executionMode"));
    m_mode->addItem(tr("Live"), executionModeName(ExecutionMode::Live));
    m_mode->addItem(tr("Batch (half price)"), executionModeName(ExecutionMode::Batch));
    m_mode->addItem(tr("Auto"), executionModeName(ExecutionMode::Auto));
    m_mode->setToolTip(tr("Live: one call per request, answered within the minute.\n"
                          "Batch: the providers' batch APIs (OpenAI, Anthropic, Gemini, Mistral) at half price, "
                          "results within 24 hours.\n"
                          "Auto: batch the runs whose live estimate takes longer than batch_after (default 2 h)."));
    m_batching = new QCheckBox(tr("Several texts per call"), this);
    m_batchTokens = new QSpinBox(this);
    m_batchTokens->setRange(100, 2000000);
    m_batchTokens->setSingleStep(1000);
    m_batchTexts = new QSpinBox(this);
    m_batchTexts->setRange(1, 1000);
    auto *execBox = new QGroupBox(tr("Execution"), this);
    auto *ef = new QFormLayout(execBox);
    ef->addRow(tr("Temperature"), m_temperature);
    ef->addRow(tr("Max output tokens"), m_maxTokens);
    ef->addRow(tr("Repetitions"), m_repetitions);
    ef->addRow(tr("Re-asks on invalid JSON"), m_parseRetries);
    ef->addRow(tr("Execution mode"), m_mode);
    ef->addRow(tr("Batching"), m_batching);
    ef->addRow(tr("Max tokens per batch"), m_batchTokens);
    ef->addRow(tr("Max texts per batch"), m_batchTexts);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(corpusBox);
    top->addWidget(fwBox);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(matrixBox);
    bottom->addWidget(execBox);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 1);
    auto *vert = new QSplitter(Qt::Vertical, this);
    vert->addWidget(top);
    vert->addWidget(bottom);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(head);
    layout->addWidget(vert, 1);

    connect(m_project, &Project::changed, this, &ExperimentEditor::reload);
    connect(m_corpus, &CorpusModel::editRefused, this, showRefusal);
    connect(m_corpus, &CorpusModel::statsChanged, this, &ExperimentEditor::updateCorpusSummary);
    connect(m_corpus, &CorpusModel::sourcesEdited, this, [this](const QList<CorpusSource> &sources, const QString &what) {
        ProjectState next = m_project->state();
        // A renamed source keeps its runs: follow the rename in the matrix.
        const QList<CorpusSource> &old = next.experiment.corpus;
        for (int i = 0; i < old.size() && i < sources.size(); ++i)
            if (old[i].id != sources[i].id)
                for (RunSpec &r : next.experiment.execution.matrix)
                    if (r.corpus == old[i].id)
                        r.corpus = sources[i].id;
        next.experiment.corpus = sources;
        m_project->edit(next, what);
    });
    connect(m_matrix, &MatrixModel::runsEdited, this, [this](const QList<RunSpec> &runs, const QString &what) {
        ProjectState next = m_project->state();
        next.experiment.execution.matrix = runs;
        m_project->edit(next, what);
    });
    auto commit = [this] { commitSettings(MergeExecution); };
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, commit);
    connect(m_maxTokens, &QSpinBox::valueChanged, this, commit);
    connect(m_repetitions, &QSpinBox::valueChanged, this, commit);
    connect(m_parseRetries, &QSpinBox::valueChanged, this, commit);
    connect(m_mode, &QComboBox::currentIndexChanged, this, commit);
    connect(m_batching, &QCheckBox::toggled, this, commit);
    connect(m_batchTokens, &QSpinBox::valueChanged, this, commit);
    connect(m_batchTexts, &QSpinBox::valueChanged, this, commit);
    connect(m_name, &QLineEdit::textEdited, this, [this] { commitSettings(MergeName); });
    // Trim only once the user leaves the field: trimming per keystroke ate a typed trailing space
    // (reload() wrote the trimmed name back before the next letter arrived).
    connect(m_name, &QLineEdit::editingFinished, this, [this] {
        const QString trimmed = m_name->text().trimmed();
        if (trimmed != m_name->text()) {
            m_name->setText(trimmed);
            commitSettings(MergeName);
        }
    });
    connect(m_description, &QLineEdit::textEdited, this, [this] { commitSettings(MergeName); });
    reload();
}

void ExperimentEditor::reload()
{
    m_loading = true;
    const ProjectState &st = m_project->state();
    const ExperimentConfig &e = st.experiment;
    if (m_name->text() != e.name)
        m_name->setText(e.name);
    if (m_description->text() != e.description)
        m_description->setText(e.description);
    m_corpus->setSources(e.corpus);
    QStringList fwIds, corpusIds;
    for (const FrameworkRef &f : e.frameworks)
        fwIds << f.id;
    for (const CorpusSource &c : e.corpus)
        corpusIds << c.id;
    m_matrix->setChoices(st.models.groups(), fwIds, corpusIds);
    m_matrix->setRuns(e.execution.matrix, e.execution.repetitions);

    m_frameworks->clear();
    m_frameworks->setHorizontalHeaderLabels({tr("Framework / dimension"), tr("Range"), tr("Description")});
    for (const Framework &f : st.frameworks) {
        auto *item = new QStandardItem(f.name.isEmpty() ? f.id : tr("%1 (%2)").arg(f.name, f.id));
        item->setToolTip(f.path);
        auto *ver = new QStandardItem(f.version.isEmpty() ? QString() : tr("v%1").arg(f.version));
        auto *desc = new QStandardItem(tr("%n dimension(s)", nullptr, int(f.dimensions.size())));
        for (const Dimension &d : f.dimensions) {
            auto *di = new QStandardItem(d.name.isEmpty() ? d.id : tr("%1 (%2)").arg(d.name, d.id));
            auto *range = new QStandardItem(QStringLiteral("%1 – %2").arg(QLocale().toString(d.min), QLocale().toString(d.max)));
            auto *dd = new QStandardItem(d.description.simplified());
            dd->setToolTip(d.description);
            item->appendRow({di, range, dd});
        }
        m_frameworks->appendRow({item, ver, desc});
    }
    m_frameworkView->expandAll();
    m_frameworkView->resizeColumnToContents(0);

    const ExecutionSettings &x = e.execution;
    m_temperature->setValue(x.temperature);
    m_maxTokens->setValue(x.maxTokens);
    m_repetitions->setValue(x.repetitions);
    m_parseRetries->setValue(x.maxParseRetries);
    m_mode->setCurrentIndex(std::max(0, m_mode->findData(executionModeName(x.mode))));
    m_batching->setChecked(x.batching.enabled);
    m_batchTokens->setValue(int(x.batching.maxBatchTokens));
    m_batchTexts->setValue(x.batching.maxTextsPerBatch);
    m_batchTokens->setEnabled(x.batching.enabled);
    m_batchTexts->setEnabled(x.batching.enabled);
    m_loading = false;
    updateCorpusSummary();
}

CorpusBrowser *ExperimentEditor::browseCorpus(int row)
{
    const QList<CorpusSource> &sources = m_project->state().experiment.corpus;
    if (row < 0 || row >= sources.size())
        return nullptr;
    auto *b = new CorpusBrowser(sources[row], m_project->state().frameworks, m_project->state().models,
                                m_project->state().experiment.execution, this);
    b->setAttribute(Qt::WA_DeleteOnClose);
    b->show();
    emit corpusBrowserOpened(b);
    return b;
}

void ExperimentEditor::updateCorpusSummary()
{
    if (m_corpus->pending() > 0) {
        m_corpusSummary->setText(tr("Counting tokens…"));
        return;
    }
    m_corpusSummary->setText(tr("%1 texts, %2 tokens")
                                 .arg(QLocale().toString(m_corpus->totalTexts()), QLocale().toString(m_corpus->totalTokens())));
}

void ExperimentEditor::commitSettings(int mergeKey)
{
    if (m_loading)
        return;
    ProjectState next = m_project->state();
    ExperimentConfig &e = next.experiment;
    e.name = m_name->text();
    e.description = m_description->text();
    ExecutionSettings &x = e.execution;
    x.temperature = m_temperature->value();
    x.maxTokens = m_maxTokens->value();
    x.repetitions = m_repetitions->value();
    x.maxParseRetries = m_parseRetries->value();
    x.mode = executionModeFromName(m_mode->currentData().toString()).value_or(ExecutionMode::Live);
    x.batching.enabled = m_batching->isChecked();
    x.batching.maxBatchTokens = m_batchTokens->value();
    x.batching.maxTextsPerBatch = m_batchTexts->value();
    m_batchTokens->setEnabled(x.batching.enabled);
    m_batchTexts->setEnabled(x.batching.enabled);
    m_project->edit(next, mergeKey == MergeName ? tr("Rename experiment") : tr("Change execution settings"), mergeKey);
}

void ExperimentEditor::addCorpusFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of .txt files"), m_project->directory());
    if (!dir.isEmpty())
        addCorpusSource(dir);
}

void ExperimentEditor::addCorpusFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Corpus file"), m_project->directory(),
                                                      tr("Corpus files (*.csv *.jsonl *.txt)"));
    if (!file.isEmpty())
        addCorpusSource(file);
}

void ExperimentEditor::addCorpusSource(const QString &path)
{
    ProjectState next = m_project->state();
    CorpusSource s;
    s.path = QFileInfo(path).absoluteFilePath();
    s.kind = CorpusModel::kindForPath(path);
    const QFileInfo fi(path);
    QString base = (fi.isDir() ? fi.fileName() : fi.completeBaseName()).toLower();
    if (base.isEmpty())
        base = QStringLiteral("corpus");
    s.id = base;
    for (int n = 2;; ++n) {
        bool clash = false;
        for (const CorpusSource &o : std::as_const(next.experiment.corpus))
            clash |= o.id == s.id;
        if (!clash)
            break;
        s.id = base + QLatin1Char('-') + QString::number(n);
    }
    next.experiment.corpus << s;
    m_project->edit(next, tr("Add corpus source %1").arg(s.id));
}

void ExperimentEditor::removeSelectedCorpus()
{
    const QModelIndex cur = m_corpusView->currentIndex();
    if (!cur.isValid())
        return;
    ProjectState next = m_project->state();
    next.experiment.corpus.removeAt(cur.row());
    m_project->edit(next, tr("Remove corpus source"));
}

void ExperimentEditor::addFrameworkFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Framework file"), m_project->directory(),
                                                      tr("Framework (*.yaml *.yml)"));
    if (file.isEmpty())
        return;
    if (auto r = m_project->addFramework(file); !r)
        QMessageBox::warning(this, tr("Cannot add framework"), r.error().toString());
}

void ExperimentEditor::removeSelectedFramework()
{
    QModelIndex cur = m_frameworkView->currentIndex();
    if (!cur.isValid())
        return;
    while (cur.parent().isValid())
        cur = cur.parent();
    const int row = cur.row();
    ProjectState next = m_project->state();
    if (row < 0 || row >= next.experiment.frameworks.size())
        return;
    next.experiment.frameworks.removeAt(row);
    if (row < next.frameworks.size())
        next.frameworks.removeAt(row);
    m_project->edit(next, tr("Remove framework"));
}

void ExperimentEditor::addRun()
{
    const int row = m_matrix->addRun();
    m_matrixView->setCurrentIndex(m_matrix->index(row, MatrixModel::RunId));
}

void ExperimentEditor::removeSelectedRuns()
{
    QList<int> rows;
    for (const QModelIndex &i : m_matrixView->selectionModel()->selectedRows())
        rows << i.row();
    if (rows.isEmpty() && m_matrixView->currentIndex().isValid())
        rows << m_matrixView->currentIndex().row();
    m_matrix->remove(rows);
}

QString ExperimentEditor::refusalText() const { return m_refusal && !m_refusal->isHidden() ? m_refusal->text() : QString(); }

} // namespace ui
} // namespace wb
