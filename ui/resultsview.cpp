#include "ui/resultsview.h"

#include "core/storage/resultquery.h"
#include "core/storage/resultstore.h"
#include "core/bundle/bundle.h"
#include "core/experiment/corpus.h"
#include "core/experiment/prompt.h"
#include "ui/compareview.h"
#include "ui/resultsbackend.h"
#include "ui/resultsmodel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QHorizontalBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QLabel>
#include <QLineEdit>
#include <QFont>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <cmath>

namespace wb {
namespace ui {

namespace {
QString esc(const QString &s) { return s.toHtmlEscaped(); }

struct FilterChoices {
    QStringList runs, models;
};

/// A reply as JSON indented for reading when it is JSON (also inside a code fence or prose), else as it came.
QString prettyReply(const QString &raw)
{
    const qsizetype obj = raw.indexOf(QLatin1Char('{')), arr = raw.indexOf(QLatin1Char('['));
    const qsizetype begin = obj < 0 ? arr : arr < 0 ? obj : std::min(obj, arr);
    if (begin < 0)
        return raw;
    const qsizetype end = raw.lastIndexOf(raw[begin] == QLatin1Char('{') ? QLatin1Char('}') : QLatin1Char(']'));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(raw.mid(begin, end - begin + 1).toUtf8(), &err);
    if (end <= begin || err.error != QJsonParseError::NoError)
        return raw;
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}
} // namespace

// Read only on the query thread once handed over; `corpora` caches loaded sources there.
struct ResultsView::PromptContext {
    QList<Framework> frameworks;
    QList<CorpusSource> corpus;
    ExecutionSettings exec;
    mutable QHash<QString, QList<CorpusText>> corpora;
};

namespace {
struct DetailWithPrompt {
    Result<JobDetail> detail;
    QString text, system, user, note;
};
} // namespace

ResultsView::ResultsView(QWidget *parent)
    : QWidget(parent), m_model(new ResultsModel(this)), m_compare(new CompareView(this)), m_banner(new QLabel(this)),
      m_slowQueries(new ResultsBackend(this)), m_view(new QTableView(this)), m_textDebounce(new QTimer(this))
{
    m_banner->setObjectName(QStringLiteral("resultsBanner"));
    m_banner->setAlignment(Qt::AlignCenter);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("background:#dbe9ff; color:#123d7a; font-weight:bold; padding:4px;"));
    m_banner->hide();
    m_run = new QComboBox(this);
    m_modelGroup = new QComboBox(this);
    m_status = new QComboBox(this);
    m_run->setObjectName(QStringLiteral("runFilter"));
    m_modelGroup->setObjectName(QStringLiteral("modelFilter"));
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_run->setMinimumContentsLength(10);
    m_modelGroup->setMinimumContentsLength(10);
    m_run->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelGroup->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_status->addItem(tr("any status"), QString());
    m_status->addItem(tr("done"), QStringLiteral("done"));
    m_status->addItem(tr("failed"), QStringLiteral("failed"));
    m_status->addItem(tr("pending"), QStringLiteral("pending"));
    m_status->addItem(tr("in flight"), QStringLiteral("in_flight"));
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("textFilter"));
    m_text->setPlaceholderText(tr("Text id contains…"));
    m_text->setClearButtonEnabled(true);
    // In German the row is crowded; without a floor the layout squeezed the filter down to "T…".
    m_text->setMinimumWidth(m_text->fontMetrics().horizontalAdvance(m_text->placeholderText()) + 40);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("resultCount"));
    auto *refreshBtn = new QPushButton(QIcon::fromTheme(QStringLiteral("view-refresh")), tr("Refresh"), this);
    m_long = new QCheckBox(tr("Long format"), this);
    m_long->setToolTip(tr("One row per job and dimension, with the evidence"));
    auto *exportBtn = new QPushButton(QIcon::fromTheme(QStringLiteral("document-save-as")), tr("Export CSV…"), this);
    exportBtn->setObjectName(QStringLiteral("exportButton"));
    exportBtn->setToolTip(tr("Exports the results the filters select, with a side file describing the columns"));
    auto *openBtn = new QPushButton(QIcon::fromTheme(QStringLiteral("document-open")), tr("Open database…"), this);
    openBtn->setObjectName(QStringLiteral("openDatabaseButton"));

    // Two rows: filters, then the count and the actions. In one row (and in German) the widgets
    // overlapped at 1024 px.
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Run"), this));
    filters->addWidget(m_run);
    filters->addWidget(new QLabel(tr("Model"), this));
    filters->addWidget(m_modelGroup);
    filters->addWidget(m_status);
    filters->addWidget(m_text, 1);
    auto *actions = new QHBoxLayout;
    m_count->setWordWrap(true);
    m_count->setMinimumWidth(1);
    m_count->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    actions->addWidget(m_count, 1);
    actions->addWidget(refreshBtn);
    actions->addWidget(openBtn);
    actions->addSpacing(12);
    actions->addWidget(m_long);
    actions->addWidget(exportBtn);

    m_view->setObjectName(QStringLiteral("resultsTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    // Fixed row heights and no per-row size hints: the view never measures a million rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->setColumnWidth(ResultsModel::JobId, 70);
    m_view->setColumnWidth(ResultsModel::Scores, 320);
    m_view->setColumnWidth(ResultsModel::Text, 170);
    m_view->setColumnWidth(ResultsModel::Run, 130);
    m_view->setColumnWidth(ResultsModel::Repetition, 45);
    m_view->setWordWrap(false);
    m_view->setTabKeyNavigation(false);
    // A header click sorts the whole database by that column (in SQL, see ResultsModel::sort);
    // plan order (job id ascending) first. Scores has no order: a click there keeps the old one.
    m_view->horizontalHeader()->setSortIndicator(ResultsModel::JobId, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);
    connect(m_view->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this](int column, Qt::SortOrder) {
        if (m_model->isSortable(column))
            return;
        m_view->horizontalHeader()->setSortIndicator(m_model->sortColumn(), m_model->sortOrder().descending ? Qt::DescendingOrder
                                                                                                            : Qt::AscendingOrder);
    });
    // No title cut short ("mpletion toke"): each column at least as wide as its header, also
    // after the model (and the language of its headers) changes.
    auto fitHeaders = [this] {
        QHeaderView *h = m_view->horizontalHeader();
        for (int c = 0; c < m_model->columnCount(); ++c)
            if (h->sectionSize(c) < h->sectionSizeHint(c))
                h->resizeSection(c, h->sectionSizeHint(c));
    };
    fitHeaders();
    connect(m_model, &QAbstractItemModel::modelReset, this, fitHeaders);
    connect(m_model, &ResultsModel::dimensionColumnsChanged, this, [this, fitHeaders] {
        // One number a column, where the one text column of every score stood (it stays for
        // databases whose runs declare no dimensions).
        QHeaderView *h = m_view->horizontalHeader();
        const auto &dims = m_model->dimensionColumns();
        for (int i = 0; i < dims.size(); ++i)
            h->moveSection(h->visualIndex(ResultsModel::ColumnCount + i), h->visualIndex(ResultsModel::Scores));
        m_view->setColumnHidden(ResultsModel::Scores, !dims.isEmpty());
        fitHeaders();
    });

    m_detail = new QTextBrowser(this);
    m_detail->setObjectName(QStringLiteral("jobDetail"));
    m_detail->setPlaceholderText(tr("Select a result to see its scores, the text, the prompt as sent and the reply."));

    m_chart = new QChart;
    m_chart->setTitle(tr("Mean score per dimension"));
    // Beside the bars, one name a line: below them the model names were cut ("claude-h…").
    m_chart->legend()->setAlignment(Qt::AlignRight);
    m_chart->setLocalizeNumbers(true);   // "0,50" in German, like the table and the detail
    m_chart->setLocale(QLocale());
    {
        QFont f = m_chart->legend()->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);   // the groups' names whole at 1024 px
        m_chart->legend()->setFont(f);
    }
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    auto *chartView = new QChartView(m_chart, this);
    chartView->setObjectName(QStringLiteral("meanChart"));
    chartView->setRenderHint(QPainter::Antialiasing);
    chartView->setMinimumHeight(220);
    chartView->setMinimumWidth(360);   // room for a bar group per dimension and a readable legend
    chartView->setAccessibleName(tr("Mean score per dimension and model group"));
    m_detail->setMinimumWidth(240);

    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(m_detail);
    bottom->addWidget(chartView);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 1);
    auto *vert = new QSplitter(Qt::Vertical, this);
    vert->addWidget(m_view);
    vert->addWidget(bottom);
    vert->setStretchFactor(0, 3);
    vert->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(filters);
    layout->addLayout(actions);
    // The table with a job's detail, and the models side by side (box plots, scatter, pivot) on
    // a tab of their own: at 1024 x 700 they need the whole width to be read.
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("resultsTabs"));
    tabs->setDocumentMode(true);
    tabs->addTab(vert, tr("Table"));
    tabs->addTab(m_compare, tr("Compare models"));
    layout->addWidget(tabs, 1);

    m_textDebounce->setSingleShot(true);
    m_textDebounce->setInterval(300);
    connect(m_textDebounce, &QTimer::timeout, this, &ResultsView::applyFilter);
    connect(m_text, &QLineEdit::textChanged, m_textDebounce, qOverload<>(&QTimer::start));
    for (QComboBox *c : {m_run, m_modelGroup, m_status})
        connect(c, &QComboBox::activated, this, &ResultsView::applyFilter);
    connect(refreshBtn, &QPushButton::clicked, this, &ResultsView::refresh);
    connect(exportBtn, &QPushButton::clicked, this, &ResultsView::exportInteractive);
    connect(openBtn, &QPushButton::clicked, this, &ResultsView::openDatabaseInteractive);
    connect(m_model, &ResultsModel::totalChanged, this, [this](qint64 n) {
        m_count->setText(n < 0 ? tr("counting…") : tr("%1 results").arg(QLocale().toString(n)));
    });
    connect(m_model, &ResultsModel::pageLoaded, this, [this](const QString &error) {
        if (!error.isEmpty())
            m_count->setText(tr("Error: %1").arg(error));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &cur) {
        if (cur.isValid())
            showJob(cur.data(ResultsModel::JobIdRole).toLongLong());
    });
}

ResultsView::~ResultsView() = default;

QString ResultsView::database() const { return m_model->database(); }
QString ResultsView::detailText() const { return m_detail->toPlainText(); }
int ResultsView::chartSetCount() const { return m_chartSets; }

void ResultsView::setDatabase(const QString &path)
{
    m_requestedPath = path;
    setBanner(!m_bundleDb.isEmpty() && path == m_bundleDb
                  ? tr("Read-only bundle %1: results as archived, verified against its manifest").arg(m_bundleName)
                  : QString());
    m_detail->clear();
    m_model->setDatabase(QFileInfo::exists(path) ? path : QString());
    m_slowQueries->setDatabase(m_model->database());
    if (!QFileInfo::exists(path))
        m_count->setText(tr("No results yet — run the experiment first"));
    reloadFilterChoices();
    reloadMeans();
    m_compare->setSource(m_model->database(), m_model->filter());
}

void ResultsView::setPromptContext(const QList<Framework> &frameworks, const QList<CorpusSource> &corpus, const ExecutionSettings &exec)
{
    auto ctx = std::make_shared<PromptContext>();
    ctx->frameworks = frameworks;
    ctx->corpus = corpus;
    ctx->exec = exec;
    m_promptContext = ctx;
}

void ResultsView::setBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void ResultsView::refresh()
{
    // Re-check the path last asked for: a run may have created the file since.
    setDatabase(m_requestedPath);
}

void ResultsView::openDatabaseInteractive()
{
    const QString start = m_requestedPath.isEmpty() ? QString() : QFileInfo(m_requestedPath).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, tr("Open results database"), start,
                                                      tr("Results databases (*.sqlite *.db);;All files (*)"));
    if (!file.isEmpty())
        setDatabase(file);
}

void ResultsView::openBundleInteractive()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Open reproducibility bundle"), QString(),
                                                      tr("Bundles (*.tar.gz *.tgz);;All files (*)"));
    if (file.isEmpty())
        return;
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(this, &ResultsView::bundleOpened, this, [this, conn](const QString &error) {
        disconnect(*conn);
        if (!error.isEmpty())
            QMessageBox::warning(this, tr("Open bundle"), tr("The bundle cannot be opened: %1").arg(error));
    });
    openBundle(file);
}

void ResultsView::openBundle(const QString &bundlePath)
{
    auto dir = std::make_shared<QTemporaryDir>();
    if (!dir->isValid()) {
        emit bundleOpened(tr("no temporary folder: %1").arg(dir->errorString()));
        return;
    }
    const QString target = dir->filePath(QStringLiteral("bundle"));
    m_count->setText(tr("Verifying and unpacking %1…").arg(QFileInfo(bundlePath).fileName()));
    auto *watcher = new QFutureWatcher<Result<QString>>(this);
    connect(watcher, &QFutureWatcher<Result<QString>>::finished, this, [this, watcher, dir, bundlePath] {
        const Result<QString> db = watcher->result();
        watcher->deleteLater();
        if (!db) {
            m_count->setText(db.error().toString());
            emit bundleOpened(db.error().toString());
            return;
        }
        // Nothing may change what was archived: the file itself is made read-only too.
        QFile::setPermissions(*db, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        m_bundleDir = dir;
        m_bundleDb = *db;
        m_bundleName = QFileInfo(bundlePath).fileName();
        setDatabase(*db);
        emit bundleOpened({});
    });
    watcher->setFuture(QtConcurrent::run([bundlePath, target] { return extractBundle(bundlePath, target); }));
}

void ResultsView::applyFilter()
{
    ResultFilter f;
    f.runId = m_run->currentData().toString();
    f.model = m_modelGroup->currentData().toString();
    f.status = m_status->currentData().toString();
    f.textLike = m_text->text().trimmed();
    m_detail->clear();
    m_model->setFilter(f);
    reloadMeans();
    m_compare->setSource(m_model->database(), f);
}

void ResultsView::reloadFilterChoices()
{
    if (m_model->database().isEmpty())
        return;
    m_model->backend()->run<FilterChoices>([](const QString &conn) {
        FilterChoices c;
        if (conn.isEmpty())
            return c;
        c.runs = runIds(conn).value_or(QStringList());
        c.models = modelGroups(conn).value_or(QStringList());
        return c;
    }, [this](FilterChoices c) {
        auto fill = [](QComboBox *box, const QString &any, const QStringList &items) {
            const QString cur = box->currentData().toString();
            box->clear();
            box->addItem(any, QString());
            for (const QString &i : items)
                box->addItem(i, i);
            box->setCurrentIndex(std::max(0, box->findData(cur)));
        };
        fill(m_run, tr("all runs"), c.runs);
        fill(m_modelGroup, tr("all models"), c.models);
    });
}

void ResultsView::reloadMeans()
{
    const quint64 gen = ++m_meansGeneration;
    // Cleared at once: the old database's bars never stand while the new ones are computed.
    showMeans({});
    if (m_model->database().isEmpty())
        return;
    m_chart->setTitle(tr("Mean score per dimension — computing…"));
    const ResultFilter f = m_model->filter();
    // Exact means read every score (seconds at a million results); past kExactMeansUpTo results
    // the chart shows the means of the comparison sample instead, and says so in its title.
    constexpr qint64 kExactMeansUpTo = 50000;
    struct Means {
        QList<DimensionMean> means;
        int sampleTexts = 0;   // 0: exact
    };
    m_slowQueries->run<Means>([f](const QString &conn) {
        Means out;
        if (conn.isEmpty())
            return out;
        if (countResults(conn, f).value_or(0) <= kExactMeansUpTo) {
            out.means = meanScores(conn, f).value_or(QList<DimensionMean>());
            return out;
        }
        auto sample = comparisonSample(conn, f, CompareView::kSampleTexts);
        if (!sample)
            return out;
        out.sampleTexts = int(sample->texts.size());
        for (int m = 0; m < sample->models.size(); ++m)
            for (int d = 0; d < sample->dimensions.size(); ++d) {
                double sum = 0;
                qint64 n = 0;
                for (int t = 0; t < sample->texts.size(); ++t)
                    if (const double v = sample->mean(t, m, d); !std::isnan(v)) {
                        sum += v;
                        ++n;
                    }
                if (n > 0)
                    out.means.append(DimensionMean{sample->models[m], sample->dimensions[d].framework, sample->dimensions[d].dimension, sum / n, n});
            }
        return out;
    }, [this, gen](Means means) {
        if (gen != m_meansGeneration)
            return;
        showMeans(means.means);
        if (means.sampleTexts > 0)
            m_chart->setTitle(tr("Mean score per dimension (sample of %1 texts)").arg(QLocale().toString(means.sampleTexts)));
    });
}

void ResultsView::showMeans(const QList<DimensionMean> &means)
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *a : m_chart->axes())
        m_chart->removeAxis(a);
    m_chartSets = 0;
    m_chart->setTitle(tr("Mean score per dimension"));
    if (means.isEmpty()) {
        emit meansShown();
        return;
    }
    // Categories: dimensions (framework-qualified when several frameworks are present).
    QStringList frameworks;
    for (const DimensionMean &m : means)
        if (!frameworks.contains(m.framework))
            frameworks << m.framework;
    auto category = [&](const DimensionMean &m) {
        return frameworks.size() > 1 ? m.framework + QLatin1Char(':') + m.dimension : m.dimension;
    };
    QStringList categories, groups;
    for (const DimensionMean &m : means) {
        if (!categories.contains(category(m)))
            categories << category(m);
        if (!groups.contains(m.modelGroup))
            groups << m.modelGroup;
    }
    // Horizontal bars: dimension names stand whole on the left axis, where below a narrow chart
    // they were cut ("au…") even slanted. Listed top to bottom (the axis counts upwards).
    std::reverse(categories.begin(), categories.end());
    auto *series = new QHorizontalBarSeries;
    double maxValue = 0;
    for (const QString &g : std::as_const(groups)) {
        auto *set = new QBarSet(g);
        QList<qreal> values(categories.size(), 0.0);
        for (const DimensionMean &m : means)
            if (m.modelGroup == g) {
                values[categories.indexOf(category(m))] = m.mean;
                maxValue = std::max(maxValue, m.mean);
            }
        set->append(values);
        series->append(set);
        ++m_chartSets;
    }
    m_chart->addSeries(series);
    auto *names = new QBarCategoryAxis;
    names->append(categories);
    auto *scores = new QValueAxis;
    scores->setRange(0, maxValue <= 1.0 ? 1.0 : maxValue * 1.1);
    scores->setLabelFormat(QStringLiteral("%.2f"));
    scores->setTickCount(maxValue <= 1.0 ? 5 : scores->tickCount());
    m_chart->addAxis(names, Qt::AlignLeft);
    m_chart->addAxis(scores, Qt::AlignBottom);
    series->attachAxis(names);
    series->attachAxis(scores);
    emit meansShown();
}

void ResultsView::showJob(qint64 jobId)
{
    const std::shared_ptr<const PromptContext> ctx = m_promptContext;
    m_model->backend()->run<DetailWithPrompt>([jobId, ctx](const QString &conn) {
        DetailWithPrompt out;
        if (conn.isEmpty()) {
            out.detail = fail(tr("The results database cannot be opened"));
            return out;
        }
        out.detail = jobDetail(conn, jobId);
        if (!out.detail)
            return out;
        const ResultRowView &r = out.detail->row;
        if (!ctx) {
            out.note = tr("Open the experiment to see the text and the prompt.");
            return out;
        }
        // The text as the corpus file holds it now, and the prompt rebuilt by the runner's own code.
        const auto src = std::find_if(ctx->corpus.cbegin(), ctx->corpus.cend(), [&](const CorpusSource &c) { return c.id == r.corpus; });
        if (src == ctx->corpus.cend()) {
            out.note = tr("The open experiment has no corpus \"%1\".").arg(r.corpus);
            return out;
        }
        if (!ctx->corpora.contains(src->id)) {
            auto loaded = loadCorpus(*src);
            if (!loaded) {
                out.note = loaded.error().toString();
                return out;
            }
            ctx->corpora.insert(src->id, *loaded);
        }
        const QList<CorpusText> &texts = ctx->corpora[src->id];
        const auto t = std::find_if(texts.cbegin(), texts.cend(), [&](const CorpusText &x) { return x.id == r.textId; });
        if (t == texts.cend()) {
            out.note = tr("The corpus \"%1\" no longer holds the text \"%2\".").arg(r.corpus, r.textId);
            return out;
        }
        out.text = t->text();
        const auto fw = std::find_if(ctx->frameworks.cbegin(), ctx->frameworks.cend(), [&](const Framework &f) { return f.id == r.framework; });
        if (fw == ctx->frameworks.cend()) {
            out.note = tr("The open experiment has no framework \"%1\".").arg(r.framework);
            return out;
        }
        const ChatRequest req = buildScoringRequest(*fw, {&*t}, ctx->exec);
        out.system = req.system;
        out.user = req.user;
        return out;
    }, [this, jobId](DetailWithPrompt d) {
        if (!d.detail) {
            m_detail->setPlainText(d.detail.error().toString());
            return;
        }
        showDetail(*d.detail);
        QString html;
        const QString pre = QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>");
        if (!d.note.isEmpty())
            html += QStringLiteral("<p><i>%1</i></p>").arg(esc(d.note));
        if (!d.text.isNull())
            html += QStringLiteral("<h4>%1</h4>").arg(tr("Text")) + pre.arg(esc(d.text));
        if (!d.system.isNull())
            html += QStringLiteral("<h4>%1</h4><p><i>%2</i></p>")
                        .arg(tr("Prompt as sent"),
                             tr("Rebuilt by the runner's code from the experiment as it is now, for this text alone (a batched call held several texts)."))
                + QStringLiteral("<h5>%1</h5>").arg(tr("System")) + pre.arg(esc(d.system)) + QStringLiteral("<h5>%1</h5>").arg(tr("User"))
                + pre.arg(esc(d.user));
        if (!html.isEmpty())
            m_detail->append(html);
        m_detail->moveCursor(QTextCursor::Start);
        emit detailShown(jobId);
    });
}

void ResultsView::showDetail(const JobDetail &d)
{
    const QLocale loc;
    const ResultRowView &r = d.row;
    QString html;
    html += QStringLiteral("<h3>%1 · %2 · %3</h3>").arg(esc(r.runId), esc(r.corpus + QLatin1Char('/') + r.textId),
                                                        tr("repetition %1").arg(r.repetition));
    html += QStringLiteral("<p>") + tr("<b>Status:</b> %1 &nbsp; <b>Model:</b> %2 (%3, %4) &nbsp; <b>Attempts:</b> %5")
                .arg(esc(statusLabel(r.status)), esc(r.modelGroup), esc(r.deploymentId), esc(r.modelVersion))
                .arg(r.attempts)
        + QStringLiteral("</p>");
    if (!r.error.isEmpty())
        html += QStringLiteral("<p style='color:#b02020'>") + tr("<b>Error:</b> %1").arg(esc(r.error)) + QStringLiteral("</p>");
    if (!d.scores.isEmpty()) {
        html += QStringLiteral("<table border='1' cellspacing='0' cellpadding='3'><tr><th>%1</th><th>%2</th><th>%3</th></tr>")
                    .arg(tr("Dimension"), tr("Score"), tr("Evidence"));
        for (const ScoreRow &s : d.scores)
            html += QStringLiteral("<tr><td>%1</td><td align='right'>%2</td><td>%3</td></tr>")
                        .arg(esc(s.dimension), s.score ? loc.toString(*s.score, 'f', 2) : QStringLiteral("–"), esc(s.evidence));
        html += QStringLiteral("</table>");
    }
    if (!d.calls.isEmpty()) {
        html += QStringLiteral("<h4>%1</h4><ul>").arg(tr("Calls"));
        for (const CallView &c : d.calls)
            html += QStringLiteral("<li>%1</li>")
                        .arg(esc(tr("%1 · HTTP %2 · %3 + %4 tokens · $%5 · %6 ms%7")
                                     .arg(c.deploymentId)
                                     .arg(c.httpStatus)
                                     .arg(loc.toString(c.promptTokens), loc.toString(c.completionTokens),
                                          loc.toString(double(c.costMicros) / 1e6, 'f', 6), loc.toString(c.latencyMs),
                                          c.errorClass.isEmpty() ? QString() : QStringLiteral(" · ") + c.errorClass
                                                                                 + QStringLiteral(": ") + c.errorMessage)));
        html += QStringLiteral("</ul>");
    }
    for (const RawResponseView &raw : d.rawResponses) {
        html += QStringLiteral("<h4>%1</h4>").arg(tr("Raw response (attempt %1)").arg(raw.attempt));
        html += QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>").arg(esc(prettyReply(raw.text)));
    }
    m_detail->setHtml(html);
}

void ResultsView::exportInteractive()
{
    if (m_model->database().isEmpty()) {
        QMessageBox::information(this, tr("Export CSV"), tr("There are no results to export yet."));
        return;
    }
    const QString out = QFileDialog::getSaveFileName(this, tr("Export results"),
                                                     QFileInfo(m_model->database()).absoluteDir().filePath(QStringLiteral("results.csv")),
                                                     tr("CSV (*.csv)"));
    if (out.isEmpty())
        return;
    // One-shot connection: a programmatic exportCsv() (tests, scripts) reports through the signal only.
    auto conn = std::make_shared<QMetaObject::Connection>();
    *conn = connect(this, &ResultsView::exportFinished, this, [this, conn](bool ok, qint64, const QString &message) {
        disconnect(*conn);
        // A long message (it names the file) goes to the status bar, not into the layout.
        if (ok)
            emit statusMessage(message);
        else
            QMessageBox::warning(this, tr("Export CSV"), tr("The export failed: %1").arg(message));
    });
    exportCsv(out, m_long->isChecked());
}

void ResultsView::exportCsv(const QString &outPath, bool longFormat)
{
    if (m_exporting)
        return;
    const QString db = m_model->database();
    if (db.isEmpty()) {
        emit exportFinished(false, 0, tr("There are no results to export yet."));
        return;
    }
    m_exporting = true;
    struct Shared {
        std::atomic<qint64> done{0}, total{0};
        std::atomic<bool> cancel{false};
    };
    auto shared = std::make_shared<Shared>();
    auto *dialog = new QProgressDialog(tr("Exporting the filtered results to %1…").arg(QFileInfo(outPath).fileName()), tr("Cancel"), 0, 100, this);
    dialog->setObjectName(QStringLiteral("exportProgress"));
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(300);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    auto *poll = new QTimer(dialog);
    connect(poll, &QTimer::timeout, dialog, [dialog, shared] {
        const qint64 t = shared->total.load();
        dialog->setValue(t > 0 ? int(shared->done.load() * 100 / t) : 0);
    });
    poll->start(100);
    connect(dialog, &QProgressDialog::canceled, dialog, [shared] { shared->cancel = true; });

    ExportOptions opt;
    opt.filter = m_model->filter();   // the rows the page shows, no more (docs/FORMATS.md, "CSV export")
    opt.columnsFile = true;
    opt.longFormat = longFormat;
    opt.progress = [shared](qint64 done, qint64 total) {
        shared->done = done;
        shared->total = total;
        return !shared->cancel.load();
    };
    auto *watcher = new QFutureWatcher<Result<qint64>>(this);
    connect(watcher, &QFutureWatcher<Result<qint64>>::finished, this, [this, watcher, dialog, outPath] {
        const Result<qint64> r = watcher->result();
        watcher->deleteLater();
        dialog->close();
        dialog->deleteLater();
        m_exporting = false;
        if (r)
            emit exportFinished(true, *r, tr("Exported %n row(s) to %1", nullptr, int(std::min<qint64>(*r, INT_MAX))).arg(outPath));
        else
            emit exportFinished(false, 0, r.error().toString());
    });
    watcher->setFuture(QtConcurrent::run([db, outPath, opt] { return wb::exportCsv(db, outPath, opt); }));
}

} // namespace ui
} // namespace wb
