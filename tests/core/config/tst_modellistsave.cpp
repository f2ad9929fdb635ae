// Saving a commented LiteLLM config after adding or removing deployments, through the path the
// workbench takes (DeploymentTableModel -> Project::save -> saveModelList): only the added or
// removed lines change; every comment and every other byte stays.
#include "core/common/check.h"
#include "core/config/modellist.h"
#include "tests/ui/sampletestutil.h"
#include "ui/deploymenttablemodel.h"
#include "ui/project.h"
#include <QCoreApplication>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wb::ui;

namespace {

// Comments before, between and inside entries, a 4-space nested indentation, a blank line.
const char kConfig[] = R"(# Our lab's models (kept by hand; please keep the comments)
model_list:
  # --- OpenAI, two keys ---
  - model_name: gpt-4o-mini   # main group
    litellm_params:
        model: openai/gpt-4o-mini
        api_key: sim-openai-1
        api_base: http://127.0.0.1:8765/v1   # simulator
        rpm: 60
  - model_name: gpt-4o-mini
    litellm_params:
        model: openai/gpt-4o-mini
        api_key: sim-openai-2
        api_base: http://127.0.0.1:8765/v1
        # second key: same limits
        rpm: 60

  # --- Anthropic ---
  - model_name: claude-haiku
    litellm_params:
        model: anthropic/claude-3-5-haiku-20241022
        api_key: sim-anthropic-1
        api_base: http://127.0.0.1:8765
  # --- Mistral and Gemini ---
  - model_name: mistral-small
    litellm_params: {model: mistral/mistral-small-latest, api_key: sim-mistral-1, api_base: http://127.0.0.1:8765/v1}
  - model_name: gemini-flash
    litellm_params:
        model: gemini/gemini-2.5-flash
        api_key: sim-gemini-1
        api_base: http://127.0.0.1:8765
# end of the list
router_settings:
  routing_strategy: usage-based-routing-v2   # as in production
discernus:
  simulator:
    enabled: true
)";

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct LineDiff {
    QList<QByteArray> removed, added;
    qsizetype at = 0;   // index of the first differing line
};

/// The lines between the longest common prefix and suffix: what one contiguous edit changed.
LineDiff diffLines(const QByteArray &a, const QByteArray &b)
{
    const QList<QByteArray> x = a.split('\n'), y = b.split('\n');
    qsizetype p = 0;
    while (p < x.size() && p < y.size() && x[p] == y[p])
        ++p;
    qsizetype s = 0;
    while (s < x.size() - p && s < y.size() - p && x[x.size() - 1 - s] == y[y.size() - 1 - s])
        ++s;
    return {x.mid(p, x.size() - p - s), y.mid(p, y.size() - p - s), p};
}

QStringList summary(const ModelList &l)
{
    QStringList out;
    for (const Deployment &d : l.deployments)
        out << d.id + u'|' + d.modelName + u'|' + d.provider + u'/' + d.model + u'|' + d.keyRef + u'|' + d.apiBase
                   + u'|' + QString::number(d.limits.rpm.value_or(-1));
    return out;
}

/// kConfig with an rpm limit set on every deployment of `group`.
ModelList withRpm(const QString &group, qint64 rpm)
{
    auto list = parseModelList(kConfig, QStringLiteral("litellm_config.yaml"));
    WB_CHECK(list.has_value());
    ModelList edited = *list;
    for (Deployment &d : edited.deployments)
        if (d.modelName == group)
            d.limits.rpm = rpm;
    return edited;
}

} // namespace

class TestModelListSave : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("DiscernusTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_modellistsave"));
        QStandardPaths::setTestModeEnabled(true);
    }

    void addAndRemoveThroughTheWorkbench_data()
    {
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("after");   // the lines around the new entry
        QTest::addColumn<QString>("next");
        QTest::newRow("new group: at the end") << QStringLiteral("groq-llama") << QStringLiteral("        api_base: http://127.0.0.1:8765")
                                               << QStringLiteral("# end of the list");
        QTest::newRow("existing group: after its last entry") << QStringLiteral("claude-haiku")
                                                              << QStringLiteral("        api_base: http://127.0.0.1:8765")
                                                              << QStringLiteral("  # --- Mistral and Gemini ---");
    }

    void addAndRemoveThroughTheWorkbench()
    {
        QFETCH(QString, group);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ml = dir.filePath(QStringLiteral("litellm_config.yaml"));
        QVERIFY(wbtest::copySample(dir.path()));
        {
            QFile f(ml);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(kConfig);
        }
        const QByteArray original = readAll(ml);
        Project p;
        const auto opened = p.open(dir.path());
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        const QStringList before = summary(p.state().models);

        // Add, as the Models page does.
        DeploymentTableModel table;
        table.setDeployments(p.state().models.deployments);
        connect(&table, &DeploymentTableModel::deploymentsEdited, &p, [&p](const QList<Deployment> &list, const QString &what) {
            ProjectState next = p.state();
            next.models.deployments = list;
            p.edit(next, what);
        });
        Deployment d;
        d.modelName = group;
        d.provider = group == u"claude-haiku" ? QStringLiteral("anthropic") : QStringLiteral("groq");
        d.model = group == u"claude-haiku" ? QStringLiteral("claude-3-5-haiku-20241022") : QStringLiteral("llama-3.1-8b-instant");
        d.keyRef = QStringLiteral("os.environ/EXTRA_KEY");
        d.apiBase = QStringLiteral("http://127.0.0.1:8765/v1");
        d.limits.rpm = 30;
        const int row = table.addDeployment(d);
        QVERIFY(p.save());
        const QByteArray added = readAll(ml);
        const LineDiff plus = diffLines(original, added);
        QVERIFY2(plus.removed.isEmpty(), added.constData());
        const QString model = d.provider + u'/' + d.model;
        const QList<QByteArray> expected = {
            "  - model_name: " + group.toUtf8(),
            "    litellm_params:",
            "        model: " + model.toUtf8(),
            "        api_key: os.environ/EXTRA_KEY",
            "        api_base: http://127.0.0.1:8765/v1",
            "        rpm: 30",
        };
        QCOMPARE(plus.added, expected);
        // Right after the last line of the entry before it, before the comment that follows.
        const QList<QByteArray> lines = added.split('\n');
        const qsizetype at = plus.at;
        QFETCH(QString, after);
        QFETCH(QString, next);
        QCOMPARE(QString::fromUtf8(lines.value(at - 1)), after);
        QCOMPARE(QString::fromUtf8(lines.value(at + expected.size())), next);

        // The file reads back with the same deployments the workbench held.
        auto reread = loadModelList(ml);
        QVERIFY2(reread, reread ? "" : qPrintable(reread.error().message));
        QCOMPARE(summary(*reread), summary(p.state().models));
        QCOMPARE(reread->deployments.size(), before.size() + 1);

        // Remove it again: back to the original bytes.
        table.remove({row});
        QVERIFY(p.save());
        QCOMPARE(readAll(ml), original);

        // Remove a commented entry of the original: exactly its lines go.
        int second = -1;
        for (int r = 0; r < table.deployments().size(); ++r)
            if (table.deployments()[r].keyRef == u"sim-openai-2")
                second = r;
        QVERIFY(second >= 0);
        table.remove({second});
        QVERIFY(p.save());
        const QByteArray removed = readAll(ml);
        const LineDiff minus = diffLines(original, removed);
        QVERIFY(minus.added.isEmpty());
        const QList<QByteArray> gone = {
            "  - model_name: gpt-4o-mini",
            "    litellm_params:",
            "        model: openai/gpt-4o-mini",
            "        api_key: sim-openai-2",
            "        api_base: http://127.0.0.1:8765/v1",
            "        # second key: same limits",
            "        rpm: 60",
        };
        QCOMPARE(minus.removed, gone);
        reread = loadModelList(ml);
        QVERIFY(reread);
        QCOMPARE(summary(*reread), summary(p.state().models));
        QCOMPARE(reread->deployments.size(), before.size() - 1);
    }

    void addsAKeyToAFlowMapping()
    {
        const ModelList edited = withRpm(QStringLiteral("mistral-small"), 45);
        const QByteArray out = serializeModelList(edited);
        const LineDiff diff = diffLines(kConfig, out);
        QCOMPARE(diff.removed, QList<QByteArray>{"    litellm_params: {model: mistral/mistral-small-latest, api_key: sim-mistral-1, "
                                                 "api_base: http://127.0.0.1:8765/v1}"});
        QCOMPARE(diff.added, QList<QByteArray>{"    litellm_params: {model: mistral/mistral-small-latest, api_key: sim-mistral-1, "
                                               "api_base: http://127.0.0.1:8765/v1, rpm: 45}"});
        const auto back = parseModelList(out, QStringLiteral("litellm_config.yaml"));
        QVERIFY(back);
        QCOMPARE(summary(*back), summary(edited));
    }

    void addingAKeyInsertsOneLine()
    {
        const ModelList edited = withRpm(QStringLiteral("claude-haiku"), 50);
        const LineDiff diff = diffLines(kConfig, serializeModelList(edited));
        QVERIFY(diff.removed.isEmpty());
        QCOMPARE(diff.added, QList<QByteArray>{"        rpm: 50"});
    }

    void unpatchableShapeStillSaves()
    {
        // A flow sequence that grows cannot be patched in place: the whole file is written
        // (with a warning), and it still reads back with the new deployment.
        const QByteArray flow = "model_list: [{model_name: a, litellm_params: {model: openai/gpt-4o, api_key: k}}]  # one\n";
        auto list = parseModelList(flow, QStringLiteral("f.yaml"));
        QVERIFY(list);
        ModelList edited = *list;
        Deployment d = edited.deployments.first();
        d.id = QStringLiteral("a/2");
        d.keyRef = QStringLiteral("k2");
        edited.deployments.append(d);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot be made in place")));
        const QByteArray out = serializeModelList(edited);
        const auto back = parseModelList(out, QStringLiteral("f.yaml"));
        QVERIFY(back);
        QCOMPARE(back->deployments.size(), 2);
        QCOMPARE(back->deployments[1].keyRef, QStringLiteral("k2"));
    }
};

QTEST_MAIN(TestModelListSave)
#include "tst_modellistsave.moc"
