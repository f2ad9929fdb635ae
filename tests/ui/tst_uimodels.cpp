// Every workbench model under QAbstractItemModelTester, plus the behaviour each adds.
#include "core/storage/resultstore.h"
#include "tests/core/storage/storagefixture.h"
#include "ui/corpusmodel.h"
#include "ui/deploymenttablemodel.h"
#include "core/limits/limitstate.h"
#include "tests/core/limits/promptonlyprovider.h"
#include "ui/enginetext.h"
#include "ui/gaugemodel.h"
#include "ui/keysmodel.h"
#include "ui/matrixmodel.h"
#include "ui/resultsmodel.h"

#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QTableView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wb::ui;

namespace {
Deployment dep(const QString &group, const QString &provider, const QString &key, int n)
{
    Deployment d;
    d.modelName = group;
    d.provider = provider;
    d.model = provider + QStringLiteral("-model");
    d.keyRef = key;
    d.id = group + QLatin1Char('/') + QString::number(n);
    return d;
}

QList<Deployment> sampleDeployments()
{
    return {dep(QStringLiteral("gpt"), QStringLiteral("openai"), QStringLiteral("os.environ/WB_TEST_KEY_A"), 1),
            dep(QStringLiteral("gpt"), QStringLiteral("openai"), QStringLiteral("os.environ/WB_TEST_KEY_B"), 2),
            dep(QStringLiteral("claude"), QStringLiteral("anthropic"), QStringLiteral("keychain/anthropic-main"), 1)};
}
} // namespace

class TestUiModels : public QObject {
    Q_OBJECT
private slots:
    void niceAxisTicks_data();
    void niceAxisTicks();
    void engineTextWordsEventsAndWaits();
    void deploymentsEditAndValidate();
    void deploymentsDailyQuotaNamedAndKept();
    void deploymentsAddDuplicateRemoveKeepGroups();
    void deploymentsRegroupOnGroupEdit();
    void matrixEditValidateAddRemove();
    void corpusCountsInBackground();
    void gaugesByDeploymentAndProvider();
    void keysStatusNeverHoldsFullKey();
    void resultsPagedAndFiltered();
    void resultsHeaderClickSortsInSql();
};

void TestUiModels::deploymentsEditAndValidate()
{
    DeploymentTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDeployments(sampleDeployments());
    QCOMPARE(m.rowCount(), 3);
    QSignalSpy edited(&m, &DeploymentTableModel::deploymentsEdited);

    QVERIFY(m.setData(m.index(0, DeploymentTableModel::Rpm), QStringLiteral("3500")));
    QCOMPARE(m.deployments()[0].limits.rpm.value_or(0), 3500);
    {
        // The same value again is no edit: no undo step, no "modified".
        const qsizetype before = edited.size();
        QVERIFY(!m.setData(m.index(0, DeploymentTableModel::Rpm), QStringLiteral("3500")));
        QVERIFY(!m.setData(m.index(0, DeploymentTableModel::Model), m.data(m.index(0, DeploymentTableModel::Model), Qt::EditRole)));
        QCOMPARE(edited.size(), before);
    }
    QVERIFY(m.setData(m.index(0, DeploymentTableModel::Rpm), QString()));   // empty = no limit
    QVERIFY(!m.deployments()[0].limits.rpm.has_value());
    QVERIFY(!m.setData(m.index(0, DeploymentTableModel::Tpm), QStringLiteral("lots")));
    QVERIFY(!m.setData(m.index(0, DeploymentTableModel::Weight), QStringLiteral("0")));
    // Prices are edited per million tokens and stored per token.
    QVERIFY(m.setData(m.index(0, DeploymentTableModel::InputPrice), QStringLiteral("2.5")));
    QCOMPARE(m.deployments()[0].price.inputCostPerToken.value_or(0), 2.5e-6);
    QCOMPARE(m.data(m.index(0, DeploymentTableModel::InputPrice), Qt::EditRole).toDouble(), 2.5);
    QCOMPARE(edited.size(), 3);

    // Inline validation: plain http to a remote host, unknown provider, itpm on OpenAI, literal key.
    QVERIFY(m.setData(m.index(0, DeploymentTableModel::ApiBase), QStringLiteral("http://example.org/v1")));
    QVERIFY(!m.data(m.index(0, DeploymentTableModel::ApiBase), DeploymentTableModel::ValidationRole).toString().isEmpty());
    QVERIFY(m.setData(m.index(0, DeploymentTableModel::ApiBase), QStringLiteral("http://127.0.0.1:8765/v1")));
    QVERIFY(m.data(m.index(0, DeploymentTableModel::ApiBase), DeploymentTableModel::ValidationRole).toString().isEmpty());
    QVERIFY(m.setData(m.index(1, DeploymentTableModel::Provider), QStringLiteral("acme")));
    QVERIFY(!m.data(m.index(1, DeploymentTableModel::Provider), Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(m.setData(m.index(1, DeploymentTableModel::Itpm), QStringLiteral("1000")));
    QVERIFY(!m.data(m.index(1, DeploymentTableModel::Itpm), DeploymentTableModel::ValidationRole).toString().isEmpty());
    QVERIFY(m.setData(m.index(2, DeploymentTableModel::KeyRef), QStringLiteral("sk-literal-secret")));
    QVERIFY(!m.data(m.index(2, DeploymentTableModel::KeyRef), DeploymentTableModel::ValidationRole).toString().isEmpty());
    QCOMPARE(m.problems().size(), 3);
}

void TestUiModels::deploymentsDailyQuotaNamedAndKept()
{
    // rpd/tpd have no column: the per-minute cells name them, and editing those keeps them.
    QList<Deployment> deps = sampleDeployments();
    deps[0].limits.rpd = 250;
    deps[0].limits.tpd = 2'000'000;
    DeploymentTableModel m;
    m.setDeployments(deps);
    const QString rpmTip = m.data(m.index(0, DeploymentTableModel::Rpm), Qt::ToolTipRole).toString();
    QVERIFY2(rpmTip.contains(u"250"_qs) && rpmTip.contains(u"rpd"_qs), qPrintable(rpmTip));
    const QString tpmTip = m.data(m.index(0, DeploymentTableModel::Tpm), Qt::ToolTipRole).toString();
    QVERIFY2(tpmTip.contains(QLocale().toString(2'000'000)) && tpmTip.contains(u"tpd"_qs), qPrintable(tpmTip));
    QVERIFY(m.data(m.index(1, DeploymentTableModel::Rpm), Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(m.setData(m.index(0, DeploymentTableModel::Rpm), QStringLiteral("40")));
    QVERIFY(m.setData(m.index(0, DeploymentTableModel::Tpm), QStringLiteral("90000")));
    QCOMPARE(m.deployments()[0].limits.rpm.value_or(0), 40);
    QCOMPARE(m.deployments()[0].limits.rpd.value_or(0), 250);
    QCOMPARE(m.deployments()[0].limits.tpd.value_or(0), 2'000'000);
}

void TestUiModels::deploymentsAddDuplicateRemoveKeepGroups()
{
    DeploymentTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setDeployments(sampleDeployments());
    // A new deployment of "gpt" goes after the last gpt row, and ids follow the group order.
    const int row = m.addDeployment(QStringLiteral("gpt"), QStringLiteral("openai"));
    QCOMPARE(row, 2);
    QCOMPARE(m.deployments()[2].modelName, QStringLiteral("gpt"));
    QCOMPARE(m.deployments()[2].id, QStringLiteral("gpt/3"));
    QCOMPARE(m.deployments()[3].modelName, QStringLiteral("claude"));
    const int dup = m.duplicate(3);
    QCOMPARE(dup, 4);
    QCOMPARE(m.deployments()[4].id, QStringLiteral("claude/2"));
    QCOMPARE(m.deployments()[4].keyRef, QStringLiteral("keychain/anthropic-main"));
    m.remove({0, 4});
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.deployments()[0].id, QStringLiteral("gpt/1"));   // renumbered
    QCOMPARE(m.deployments()[1].id, QStringLiteral("gpt/2"));
    QCOMPARE(m.deployments()[2].id, QStringLiteral("claude/1"));
    // A new group lands at the end.
    m.addDeployment(QStringLiteral("gemini"), QStringLiteral("gemini"));
    QCOMPARE(m.deployments().last().id, QStringLiteral("gemini/1"));
    QCOMPARE(m.deployments().last().keyRef, QStringLiteral("os.environ/GEMINI_API_KEY"));
}

void TestUiModels::deploymentsRegroupOnGroupEdit()
{
    DeploymentTableModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<Deployment> list = sampleDeployments();
    list[0].id = QStringLiteral("explicit-id");   // ids from model_info.id are kept
    m.setDeployments(list);
    // Moving the first gpt deployment into "claude" keeps groups contiguous.
    QVERIFY(m.setData(m.index(1, DeploymentTableModel::Group), QStringLiteral("claude")));
    QStringList groups;
    for (const Deployment &d : m.deployments())
        groups << d.modelName;
    QCOMPARE(groups, (QStringList{QStringLiteral("gpt"), QStringLiteral("claude"), QStringLiteral("claude")}));
    QCOMPARE(m.deployments()[0].id, QStringLiteral("explicit-id"));
    QCOMPARE(m.deployments()[1].id, QStringLiteral("claude/1"));
    QCOMPARE(m.deployments()[2].id, QStringLiteral("claude/2"));
}

void TestUiModels::matrixEditValidateAddRemove()
{
    MatrixModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setChoices({QStringLiteral("gpt"), QStringLiteral("claude")}, {QStringLiteral("mft")}, {QStringLiteral("speeches")});
    RunSpec r;
    r.runId = QStringLiteral("gpt-mft");
    r.model = QStringLiteral("gpt");
    r.framework = QStringLiteral("mft");
    r.corpus = QStringLiteral("speeches");
    m.setRuns({r}, 2);
    QCOMPARE(m.data(m.index(0, MatrixModel::Repetitions)).toString(), QStringLiteral("2 (default)"));
    // Empty Include and Limit cells say what they mean; the editor still starts empty.
    QCOMPARE(m.data(m.index(0, MatrixModel::Include)).toString(), QStringLiteral("every text"));
    QCOMPARE(m.data(m.index(0, MatrixModel::Include), Qt::EditRole).toString(), QString());
    QCOMPARE(m.data(m.index(0, MatrixModel::Limit)).toString(), QStringLiteral("no limit"));
    QVERIFY(!m.data(m.index(0, MatrixModel::Limit), Qt::EditRole).isValid());
    QVERIFY(m.data(m.index(0, MatrixModel::Model), MatrixModel::ChoicesRole).toStringList().contains(QStringLiteral("claude")));

    QSignalSpy edited(&m, &MatrixModel::runsEdited);
    const int row = m.addRun();
    QCOMPARE(row, 1);
    QCOMPARE(m.runs()[1].runId, QStringLiteral("gpt-mft-2"));   // unique
    QVERIFY(m.setData(m.index(1, MatrixModel::Model), QStringLiteral("claude")));
    QVERIFY(m.setData(m.index(1, MatrixModel::Repetitions), QStringLiteral("3")));
    {
        const qsizetype before = edited.size();
        QVERIFY(!m.setData(m.index(1, MatrixModel::Model), QStringLiteral("claude")));
        QVERIFY(!m.setData(m.index(1, MatrixModel::Repetitions), QStringLiteral("3")));
        QCOMPARE(edited.size(), before);
    }
    QCOMPARE(m.runs()[1].repetitions.value_or(0), 3);
    QVERIFY(!m.setData(m.index(1, MatrixModel::Limit), QStringLiteral("-1")));
    QVERIFY(m.setData(m.index(1, MatrixModel::Include), QStringLiteral("speech-*, letter-?")));
    QCOMPARE(m.runs()[1].include, (QStringList{QStringLiteral("speech-*"), QStringLiteral("letter-?")}));
    // Unknown group and duplicate ids are flagged.
    QVERIFY(m.setData(m.index(1, MatrixModel::Model), QStringLiteral("nope")));
    QVERIFY(!m.validate(1, MatrixModel::Model).isEmpty());
    QVERIFY(m.setData(m.index(1, MatrixModel::RunId), QStringLiteral("gpt-mft")));
    QVERIFY(!m.validate(0, MatrixModel::RunId).isEmpty());
    m.remove({0});
    QCOMPARE(m.rowCount(), 1);
    QVERIFY(m.validate(0, MatrixModel::RunId).isEmpty());
    QCOMPARE(edited.size(), 7);
}

void TestUiModels::corpusCountsInBackground()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CorpusModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setCounter([](const CorpusSource &s) {
        CorpusStats st;
        if (s.id == QLatin1String("bad")) {
            st.error = QStringLiteral("not UTF-8");
            return st;
        }
        st.texts = 12;
        st.tokens = 3456;
        return st;
    });
    QSignalSpy counted(&m, &CorpusModel::statsChanged);
    m.setSources({CorpusSource{QStringLiteral("speeches"), dir.path(), CorpusSource::Kind::Folder},
                  CorpusSource{QStringLiteral("bad"), dir.filePath(QStringLiteral("x.csv")), CorpusSource::Kind::Csv}});
    QCOMPARE(m.data(m.index(0, CorpusModel::Texts)).toString(), CorpusModel::tr("counting…"));
    QTRY_COMPARE(m.pending(), 0);
    QCOMPARE(counted.size(), 2);
    QCOMPARE(m.data(m.index(0, CorpusModel::Texts), Qt::EditRole).toLongLong(), 12);
    QCOMPARE(m.data(m.index(0, CorpusModel::Tokens), Qt::EditRole).toLongLong(), 3456);
    QCOMPARE(m.data(m.index(1, CorpusModel::Texts), Qt::ToolTipRole).toString(), QStringLiteral("not UTF-8"));
    QCOMPARE(m.totalTexts(), 12);
    // Unchanged sources are not recounted.
    m.setSources(m.sources());
    QCOMPARE(m.pending(), 0);
    QVERIFY(m.setData(m.index(0, CorpusModel::Id), QStringLiteral("renamed")));
    QVERIFY(!m.setData(m.index(0, CorpusModel::Id), QStringLiteral("bad")));   // ids stay unique
    QCOMPARE(CorpusModel::kindForPath(dir.filePath(QStringLiteral("a.jsonl"))), CorpusSource::Kind::Jsonl);
    QCOMPARE(CorpusModel::kindForPath(dir.path()), CorpusSource::Kind::Folder);
}

void TestUiModels::gaugesByDeploymentAndProvider()
{
    GaugeModel deps(GaugeModel::Mode::Deployment);
    GaugeModel prov(GaugeModel::Mode::Provider);
    QAbstractItemModelTester t1(&deps, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester t2(&prov, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RouterSnapshot s;
    DeploymentSnapshot a;
    a.id = QStringLiteral("gpt/1");
    a.group = QStringLiteral("gpt");
    a.provider = QStringLiteral("openai");
    a.windowKey = QStringLiteral("pool:org");
    a.rpmUsed = 30;
    a.rpmLimit = 60;
    a.tpmUsed = 1000;
    a.tpmLimit = 60000;
    a.calls = 10;
    a.inFlight = 2;
    DeploymentSnapshot b = a;   // same pool: its window counts once
    b.id = QStringLiteral("gpt/2");
    b.calls = 5;
    DeploymentSnapshot c = a;
    c.id = QStringLiteral("claude/1");
    c.provider = QStringLiteral("anthropic");
    c.windowKey = QStringLiteral("claude/1");
    c.itpmLimit = 50000;
    c.itpmUsed = 45000;
    c.coolingDown = true;
    s.deployments = {a, b, c};
    deps.update(s);
    prov.update(s);
    QCOMPARE(deps.rowCount(), 3);
    QCOMPARE(prov.rowCount(), 2);
    const GaugeValue g = prov.data(prov.index(0, GaugeModel::Rpm), GaugeModel::GaugeRole).value<GaugeValue>();
    QCOMPARE(g.used, 30);
    QCOMPARE(g.limit, 60);
    QCOMPARE(prov.data(prov.index(0, GaugeModel::Calls)).toString(), QLocale().toString(15));
    QCOMPARE(prov.data(prov.index(0, GaugeModel::InFlight)).toString(), QStringLiteral("4"));
    const GaugeValue it = deps.data(deps.index(2, GaugeModel::Itpm), GaugeModel::GaugeRole).value<GaugeValue>();
    QCOMPARE(it.fraction(), 0.9);
    QVERIFY(deps.data(deps.index(2, GaugeModel::State)).toString().startsWith(GaugeModel::tr("cooling down").left(7)));

    // Same rows again: one dataChanged, no reset.
    QSignalSpy reset(&deps, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&deps, &QAbstractItemModel::dataChanged);
    s.deployments[0].rpmUsed = 59;
    deps.update(s);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    s.deployments.removeLast();
    deps.update(s);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(deps.rowCount(), 2);
}

void TestUiModels::keysStatusNeverHoldsFullKey()
{
    KeysModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString secret = QStringLiteral("sk-" "proj-abcdefghijklmnop1234");
    m.setEnvironment([secret](const QString &name) { return name == QLatin1String("WB_TEST_KEY_A") ? secret : QString(); });
    QList<Deployment> deps = sampleDeployments();
    deps << dep(QStringLiteral("gpt"), QStringLiteral("openai"), QStringLiteral("os.environ/WB_TEST_KEY_A"), 3);
    const QStringList lookups = m.setDeployments(deps);
    QCOMPARE(lookups, QStringList{QStringLiteral("anthropic-main")});
    QCOMPARE(m.rowCount(), 3);   // the shared reference is one row used by two deployments
    const int a = m.rowOf(QStringLiteral("os.environ/WB_TEST_KEY_A"));
    QCOMPARE(m.entries()[a].state, KeyEntry::State::Set);
    QCOMPARE(m.entries()[a].deployments.size(), 2);
    const int b = m.rowOf(QStringLiteral("os.environ/WB_TEST_KEY_B"));
    QCOMPARE(m.entries()[b].state, KeyEntry::State::Missing);
    const int k = m.rowOf(QStringLiteral("keychain/anthropic-main"));
    QCOMPARE(m.entries()[k].state, KeyEntry::State::Checking);
    m.setKeychainState(QStringLiteral("anthropic-main"), KeyEntry::State::Set, QStringLiteral("sk-ant-…wxyz"));
    QCOMPARE(m.data(m.index(k, KeysModel::State)).toString(), KeysModel::stateName(KeyEntry::State::Set));
    // No cell, in any role, shows more than the masked key.
    for (int r = 0; r < m.rowCount(); ++r)
        for (int c = 0; c < m.columnCount(); ++c)
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::EditRole)})
                QVERIFY(!m.data(m.index(r, c), role).toString().contains(QStringLiteral("abcdefghijklmnop")));
    // A literal key in the file is shown masked too.
    deps[0].keyRef = secret;
    m.setDeployments(deps);
    for (int r = 0; r < m.rowCount(); ++r)
        QVERIFY(!m.data(m.index(r, KeysModel::Reference)).toString().contains(QStringLiteral("abcdefghijklmnop")));
    // Different literal keys that mask alike ("…-1") stay separate rows; the same literal is one row.
    QList<Deployment> lits{dep(QStringLiteral("a"), QStringLiteral("openai"), QStringLiteral("sim-openai-1"), 1),
                           dep(QStringLiteral("b"), QStringLiteral("anthropic"), QStringLiteral("sim-anthropic-1"), 1),
                           dep(QStringLiteral("c"), QStringLiteral("openai"), QStringLiteral("sim-openai-1"), 2)};
    m.setDeployments(lits);
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.entries()[0].deployments.size(), 2);
    QCOMPARE(m.entries()[1].deployments.size(), 1);
}

namespace {
// The sample database plus 600 more done jobs in one run ("c/bulk-0000" …), so a table over it
// needs several pages.
bool fillPagedDatabase(const QString &db)
{
    ResultStore store;
    if (!store.open(db))
        return false;
    if (wbtest::fillSample(store).isEmpty())
        return false;
    // 600 more done jobs in one run, so the table needs several pages.
    QList<JobRow> planned;
    for (int i = 0; i < 600; ++i)
        planned << wbtest::job(QStringLiteral("gpt-mft"), QStringLiteral("c"), QStringLiteral("bulk-%1").arg(i, 4, 10, QLatin1Char('0')));
    auto rows = store.ensureJobs(planned);
    if (!rows)
        return false;
    for (const JobRow &r : *rows) {
        if (!r.textId.startsWith(QLatin1String("bulk-")))
            continue;
        JobResult res;
        res.jobId = r.id;
        res.deploymentId = QStringLiteral("openai-1");
        res.provider = QStringLiteral("openai");
        res.attempts = 1;
        res.scores = {wbtest::score(QStringLiteral("care"), 0.5, QString()), wbtest::score(QStringLiteral("fairness"), 0.1, QString())};
        res.rawResponse = QStringLiteral("{}");
        store.recordResult(res);
    }
    return bool(store.flush());
}
} // namespace

void TestUiModels::resultsPagedAndFiltered()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("results.sqlite"));
    QVERIFY(fillPagedDatabase(db));
    ResultsModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    m.setPageSize(100);
    QSignalSpy pages(&m, &ResultsModel::pageLoaded);
    QSignalSpy total(&m, &ResultsModel::totalChanged);
    m.setDatabase(db);
    QVERIFY(pages.wait());
    QCOMPARE(pages.last().at(0).toString(), QString());
    QCOMPARE(m.rowCount(), 100);
    QTRY_COMPARE(m.totalCount(), 605);
    // Scrolling fetches page by page until the end.
    // (QAbstractItemModelTester fetches more on its own too, so just keep asking until done.)
    for (int guard = 0; m.rowCount() < 605 && guard < 40; ++guard) {
        if (m.canFetchMore({}))
            m.fetchMore({});
        pages.wait(1000);
    }
    QCOMPARE(m.rowCount(), 605);
    QVERIFY(!m.canFetchMore({}));
    // Rows come in job-id order.
    QVERIFY(m.rowAt(0)->jobId < m.rowAt(604)->jobId);

    ResultFilter f;
    f.status = QStringLiteral("failed");
    m.setFilter(f);
    QVERIFY(pages.wait());
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.data(m.index(0, ResultsModel::Status)).toString(), statusLabel(JobStatus::Failed));
    QVERIFY(m.data(m.index(0, ResultsModel::Error)).toString().contains(QStringLiteral("parse failed")));
    f = {};
    f.textLike = QStringLiteral("bulk-01");
    m.setFilter(f);
    QVERIFY(pages.wait());
    QCOMPARE(m.rowCount(), 100);   // bulk-0100 .. bulk-0199
    QTRY_COMPARE(m.totalCount(), 100);
    f = {};
    f.runId = QStringLiteral("claude-x");
    m.setFilter(f);
    QVERIFY(pages.wait());
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.data(m.index(0, ResultsModel::Model)).toString(), QStringLiteral("claude"));

    // A database that does not exist gives an error, not a crash.
    m.setDatabase(dir.filePath(QStringLiteral("missing/none.sqlite")));
    QVERIFY(pages.wait());
    QVERIFY(!m.lastError().isEmpty());
    QCOMPARE(m.rowCount(), 0);
}

// A header click orders the whole database (ORDER BY in SQL), not just the page loaded: the
// text that sorts last sits in the last page of plan order, yet is the first row after the clicks.
void TestUiModels::resultsHeaderClickSortsInSql()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("results.sqlite"));
    QVERIFY(fillPagedDatabase(db));
    ResultsModel m;
    m.setPageSize(100);
    QSignalSpy pages(&m, &ResultsModel::pageLoaded);
    // Every text in plan order, read independently through the paging API.
    m.setDatabase(db);
    QVERIFY(pages.wait());
    for (int guard = 0; m.canFetchMore({}) && guard < 40; ++guard) {
        m.fetchMore({});
        QVERIFY(pages.wait());
    }
    QCOMPARE(m.rowCount(), 605);
    QStringList texts;
    for (int r = 0; r < m.rowCount(); ++r)
        texts << m.data(m.index(r, ResultsModel::Text)).toString();
    const QString planFirst = texts.first();
    QStringList sorted = texts;
    sorted.sort();
    QStringList reversed = sorted;
    std::reverse(reversed.begin(), reversed.end());

    QTableView view;
    view.resize(900, 400);
    view.horizontalHeader()->setSortIndicator(ResultsModel::JobId, Qt::AscendingOrder);
    view.setSortingEnabled(true);
    view.setModel(&m);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QHeaderView *h = view.horizontalHeader();
    auto clickHeader = [&](int section) {
        view.scrollTo(m.index(0, section));
        const QPoint at(h->sectionViewportPosition(section) + h->sectionSize(section) / 2, h->height() / 2);
        pages.clear();
        QTest::mouseClick(h->viewport(), Qt::LeftButton, {}, at);
        QVERIFY(pages.wait());
    };
    clickHeader(ResultsModel::Text);
    QCOMPARE(h->sortIndicatorSection(), int(ResultsModel::Text));
    QCOMPARE(h->sortIndicatorOrder(), Qt::AscendingOrder);
    QVERIFY(h->isSortIndicatorShown());
    QCOMPARE(m.data(m.index(0, ResultsModel::Text)).toString(), sorted.first());
    clickHeader(ResultsModel::Text);
    QCOMPARE(h->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(m.rowCount(), 100);
    QStringList firstPage;
    for (int r = 0; r < m.rowCount(); ++r)
        firstPage << m.data(m.index(r, ResultsModel::Text)).toString();
    QCOMPARE(firstPage, reversed.mid(0, 100));
    QVERIFY(texts.indexOf(firstPage.last()) >= 100);   // came from beyond the first page of plan order
    // Paging on in the sorted order: every row once, in order.
    for (int guard = 0; m.canFetchMore({}) && guard < 40; ++guard) {
        m.fetchMore({});
        QVERIFY(pages.wait());
    }
    QCOMPARE(m.rowCount(), 605);
    QStringList desc;
    for (int r = 0; r < m.rowCount(); ++r)
        desc << m.data(m.index(r, ResultsModel::Text)).toString();
    QCOMPARE(desc, reversed);
    // Job id ascending again is plan order.
    clickHeader(ResultsModel::JobId);
    QCOMPARE(h->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(m.data(m.index(0, ResultsModel::Text)).toString(), planFirst);
}

void TestUiModels::niceAxisTicks_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("max");
    QTest::addColumn<double>("step");
    QTest::addColumn<int>("decimals");
    // Ticks a person reads at a glance: 0, 0.05, 0.10 … rather than 0 3 5 8 10 or 0.003 0.005.
    QTest::newRow("cents") << 0.23 << 0.25 << 0.05 << 2;
    QTest::newRow("ten dollars") << 10.0 << 10.0 << 2.0 << 0;
    QTest::newRow("budget line") << 5.25 << 6.0 << 2.0 << 0;
    QTest::newRow("tenths of a cent") << 0.0042 << 0.005 << 0.001 << 3;
    QTest::newRow("seconds") << 173.0 << 200.0 << 50.0 << 0;
    QTest::newRow("2.5 step") << 11.0 << 12.5 << 2.5 << 1;
}

void TestUiModels::niceAxisTicks()
{
    QFETCH(double, value);
    QFETCH(double, max);
    QFETCH(double, step);
    QFETCH(int, decimals);
    const NiceAxis a = niceAxis(value);
    QVERIFY(a.max >= value);
    QVERIFY(qAbs(a.max - max) < 1e-9);
    QVERIFY(qAbs(a.step - step) < 1e-9);
    QCOMPARE(a.decimals, decimals);
    QVERIFY(a.ticks >= 2 && a.ticks <= 6);
}

void TestUiModels::engineTextWordsEventsAndWaits()
{
    // Known engine lines are reworded (and so translatable); unknown ones pass unchanged.
    QCOMPARE(EngineText::event(QStringLiteral("paused: in-flight calls finish, nothing new is sent")),
             EngineText::tr("Paused: no new calls are sent; calls in flight finish"));
    QCOMPARE(EngineText::event(QStringLiteral("gpt/1: HTTP 429, paused for 2.5 s")),
             EngineText::tr("%1: rate-limited (HTTP 429), waits %2 s").arg(QStringLiteral("gpt/1"), QStringLiteral("2.5")));
    QCOMPARE(EngineText::event(QStringLiteral("something new")), QStringLiteral("something new"));
    // Batch mode's lines are worded too (German shows no English event).
    for (const QString &line : {QStringLiteral("batch: submitting 60 requests (140460 bytes, ~30725 input tokens) to gpt/1"),
                                QStringLiteral("batch batch_1: 60 requests submitted to gpt/1"),
                                QStringLiteral("batch batch_1 ended: 59 succeeded, 1 failed, 0 expired, 0 cancelled"),
                                QStringLiteral("batch batch_1: 60 requests at gpt/1, in_progress; polling again")})
        QVERIFY2(EngineText::event(line) != line, qPrintable(line));
    QCOMPARE(EngineText::event(QStringLiteral("batch b_1: 1 requests submitted to gpt/1")),
             EngineText::tr("Batch %1: %n request(s) submitted to %2", nullptr, 1).arg(QStringLiteral("b_1"), QStringLiteral("gpt/1")));
    QCOMPARE(EngineText::batchState(QStringLiteral("in_progress")), QStringLiteral("in progress"));
    {
        const QString unpaced = QStringLiteral("mi/1: refusals name no limit; calls are no longer paced, only the retry-after is kept");
        QVERIFY2(EngineText::event(unpaced) != unpaced, qPrintable(unpaced));
        // What a run starts with from earlier runs (core/session/runsetup.cpp), dates in the locale's words.
        for (const QString &line : {QStringLiteral("gpt/1: starts with the limits learned from the provider on 2026-12-01T09:30:00Z"),
                                    QStringLiteral("gpt/1: counts calls as the provider was seen to on 2026-12-01T09:30:00Z"),
                                    QStringLiteral("gpt/1: starts in the provider pool learned on 2026-12-01T09:30:00Z (org-a)"),
                                    QStringLiteral("gpt/1: its key already used 3 requests and 1200 tokens of its daily quota "
                                                   "today (until 2026-12-02T00:00:00Z)")}) {
            const QString shown = EngineText::event(line);
            QVERIFY2(shown != line && !shown.contains(QStringLiteral("2026-12-0")), qPrintable(shown));
        }
    }
    {
        // What the limits learn is worded too: the notes come from LimitState itself, so a
        // change of its wording cannot slip past the translation.
        LimitState learning(60'000);
        learning.setAlgorithm(LimitAlgorithm::TokenBucket);
        learning.setLearnAlgorithm(true);
        RateLimitHeaders h;
        h.limitRequests = 30;
        h.remainingRequests = 29;
        QStringList notes = learning.reconcile(0, 0, CountingRule::OpenAi, h);
        // A reply whose reset says "when this call leaves the window" (bucket -> window), two
        // that say "at once" (window -> bucket: the first only makes up for the earlier vote),
        // then a refusal (bucket -> window).
        h.resetRequestsMs = 59'000;
        notes << learning.learnAlgorithm(500, 0, CountingRule::OpenAi, h);
        h.resetRequestsMs = 2'000;
        notes << learning.learnAlgorithm(600, 100, CountingRule::OpenAi, h);
        notes << learning.learnAlgorithm(700, 200, CountingRule::OpenAi, h);
        notes << learning.learnAlgorithm(800, 300, CountingRule::OpenAi, h);
        notes << learning.refusedBeyondTheWindow(0);
        // Query costs that only max(prompt, max_tokens) explains, then one that it does not.
        learning.setLearnChargeModel(true);
        notes << learning.learnAdmissionCharge(2'000, 2'000, 300, 2'150);
        notes << learning.learnAdmissionCharge(2'000, 2'000, 300, 2'150);
        notes << learning.learnAdmissionCharge(2'300, 2'000, 300, 2'150);
        QCOMPARE(notes.size(), 6);
        // The provider's counts while calls are on their way hold their prompts alone (learned),
        // then a refusal for tokens (back to prompt + max_tokens).
        LimitState admitting(10'000);
        admitting.setLearnChargeModel(true);
        admitting.addConfigured({.tpm = 20'000});
        notes << wbtest::readPromptOnlyProvider(admitting);
        notes << admitting.refusedForTokens(4'000, CountingRule::Mistral);
        QCOMPARE(notes.size(), 8);
        for (const QString &note : std::as_const(notes)) {
            const QString line = QStringLiteral("gpt/1: ") + note;
            QVERIFY2(EngineText::event(line) != line, qPrintable(line));
        }
    }
    {
        // Fixed windows (LimitState::learnFixed): learned from two replies naming one boundary,
        // then left again by each of the ways back; a bucket left for a reset that is neither.
        const auto learnedFixed = [](LimitState &s, QStringList &notes) {
            s.setLearnAlgorithm(true);
            s.addConfigured(LimitValues{10, std::nullopt, std::nullopt, std::nullopt});
            AdmissionCost one;
            one.requests = 1;
            for (const qint64 at : {1'000, 3'000}) {
                s.admit(at, one);
                RateLimitHeaders h;
                h.limitRequests = 10;
                h.remainingRequests = at == 1'000 ? 9 : 8;
                h.resetRequestsMs = 40'000 - (at + 150);
                notes << s.learnAlgorithm(at + 300, at, CountingRule::OpenAi, h);
            }
        };
        QStringList notes;
        LimitState probed(60'000);
        learnedFixed(probed, notes);
        AdmissionCost one;
        one.requests = 1;
        const qint64 first = probed.earliestAdmit(30'000, one);
        probed.admit(first, one);
        RateLimitHeaders h;
        h.limitRequests = 10;
        h.remainingRequests = 0;   // still counting the calls from before the boundary
        h.resetRequestsMs = 61'000 - first;
        notes << probed.learnAlgorithm(first + 300, first, CountingRule::OpenAi, h);
        LimitState refused(60'000);
        learnedFixed(refused, notes);
        notes << refused.refusedBeyondTheWindow(5'000);
        LimitState moved(60'000);
        learnedFixed(moved, notes);
        moved.admit(5'000, one);
        h.remainingRequests = 7;
        h.resetRequestsMs = 10'000;   // full again at 15 s: not the boundary at 40 s
        notes << moved.learnAlgorithm(5'300, 5'000, CountingRule::OpenAi, h);
        LimitState bucket(60'000);
        bucket.setAlgorithm(LimitAlgorithm::TokenBucket);
        learnedFixed(bucket, notes);
        // A bucket whose counter drops at once, more than it can drain.
        LimitState dropped(60'000);
        dropped.setAlgorithm(LimitAlgorithm::TokenBucket);
        dropped.setLearnAlgorithm(true);
        dropped.addConfigured(LimitValues{std::nullopt, std::nullopt, 12'000, std::nullopt});
        AdmissionCost input;
        input.inputTokens = 6'000;
        const Admission charged = dropped.admit(0, input);
        RateLimitHeaders none;
        none.limitInputTokens = 12'000;
        none.remainingInputTokens = 12'000;
        notes << dropped.reconcile(200, charged, 0, CountingRule::Anthropic, none);
        QCOMPARE(notes.size(), 9);   // four switches to fixed windows, five to sliding ones
        for (const QString &note : std::as_const(notes)) {
            const QString line = QStringLiteral("gpt/1: ") + note;
            QVERIFY2(EngineText::event(line) != line, qPrintable(line));
        }
    }
    {
        // Seconds the engine writes with a decimal point follow the locale ("1,2" in German).
        const QLocale before;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        const QString wait = EngineText::event(QStringLiteral("gpt/1: overloaded, paused for 1.2 s"));
        const QString cool = EngineText::event(QStringLiteral("gpt/1: cooling down for 7.5 s after 3 failures within a minute"));
        QLocale::setDefault(before);
        QVERIFY2(wait.contains(QStringLiteral("1,2")) && !wait.contains(QStringLiteral("1.2")), qPrintable(wait));
        QVERIFY2(cool.contains(QStringLiteral("7,5")), qPrintable(cool));
    }
    // What a deployment waits for, and until when.
    DeploymentSnapshot d;
    const qint64 now = 1'000'000;
    QVERIFY(EngineText::waitReason(d, now).isEmpty());
    d.waitReason = WaitReason::Tpm;
    d.waitUntilMs = now + 40'200;
    QCOMPARE(EngineText::waitReason(d, now), EngineText::tr("tpm window: next call in %1").arg(EngineText::duration(41)));
    d.waitReason = WaitReason::CoolingDown;
    d.failures = 3;
    d.waitUntilMs = now + 6'000;
    QCOMPARE(EngineText::waitReason(d, now), EngineText::tr("cooling down after %n failure(s): %1", nullptr, 3).arg(EngineText::duration(6)));
    // Calls in flight are the user's max_parallel_requests only where the model list states it;
    // otherwise the router is pacing a key whose limits it is still learning.
    d.waitReason = WaitReason::Parallel;
    d.inFlight = 2;
    d.maxParallel = 2;
    QVERIFY(EngineText::waitReason(d, now).contains(u"max_parallel_requests"_qs));
    d.maxParallel = 0;
    QCOMPARE(EngineText::waitReason(d, now), EngineText::tr("%1 calls in flight (limits being learned)").arg(2));
    // A daily quota names the time it resets, and the day when that is not today.
    {
        const QDateTime noon(QDate(2026, 12, 4), QTime(12, 0));
        d.waitReason = WaitReason::DailyQuota;
        d.waitUntilMs = noon.addSecs(3 * 3600).toMSecsSinceEpoch();
        const QString today = EngineText::waitReason(d, noon.toMSecsSinceEpoch());
        QCOMPARE(today, EngineText::tr("daily quota used up until %1").arg(QLocale().toString(QTime(15, 0), QLocale::ShortFormat)));
        d.waitUntilMs = QDateTime(QDate(2026, 12, 5), QTime(1, 0)).toMSecsSinceEpoch();
        const QString tomorrow = EngineText::waitReason(d, noon.toMSecsSinceEpoch());
        QCOMPARE(tomorrow, EngineText::tr("daily quota used up until %1")
                               .arg(QLocale().toString(QDateTime(QDate(2026, 12, 5), QTime(1, 0)), QLocale::ShortFormat)));
        QVERIFY2(tomorrow != today && tomorrow.contains(QLocale().toString(QDate(2026, 12, 5), QLocale::ShortFormat)),
                 qPrintable(tomorrow));
    }
    // A recommendation says what it does to time and to money.
    Recommendation r;
    r.baseDurationSeconds = 136;
    r.durationSeconds = 366;
    r.baseExpectedCostMicros = 200'000;
    r.expectedCostMicros = 130'000;
    const QString effect = EngineText::recommendationEffect(r);
    QVERIFY(effect.startsWith(EngineText::tr("slower by %1 (%2 → %3)").arg(EngineText::duration(230), EngineText::duration(136), EngineText::duration(366))));
    QVERIFY(effect.contains(EngineText::money(70'000)));
}

QTEST_MAIN(TestUiModels)
#include "tst_uimodels.moc"
