// `discernus preview-prompt`: the real binary on the bundled sample, compared with what the core
// function the workbench's "Preview prompt" calls returns for the same text, framework and model.
#include "core/pricing/pricing.h"
#include "core/session/project.h"
#include "core/session/promptpreview.h"
#include "core/tokenize/tokenestimator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QString kConfig = QStringLiteral(WB_SOURCE_DIR "/resources/sample/litellm_config.yaml");
const QString kExperiment = QStringLiteral(WB_SOURCE_DIR "/resources/sample/experiment.yaml");

struct Outcome {
    int code = -1;
    QByteArray out;
    QByteArray err;
    QByteArray describe() const { return "exit " + QByteArray::number(code) + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err; }
};

Outcome preview(const QStringList &extra)
{
    QProcess p;
    p.start(QStringLiteral(DISCERNUS_BIN),
            QStringList{u"preview-prompt"_s, u"--config"_s, kConfig, u"--experiment"_s, kExperiment} + extra);
    Outcome o;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return o;
    }
    o.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    o.out = p.readAllStandardOutput();
    o.err = p.readAllStandardError();
    return o;
}

} // namespace

class TstCliPreview final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        auto p = wb::loadProject(kConfig, kExperiment);
        QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
        m_project = std::move(*p);
    }

    /// What the command prints is what previewPrompt() builds: system, user, tokens and price.
    void jsonMatchesTheCore_data()
    {
        QTest::addColumn<QString>("model");
        for (const char *m : {"gpt-4o-mini", "claude-haiku", "mistral-small", "gemini-flash"})
            QTest::newRow(m) << QString::fromLatin1(m);
    }
    void jsonMatchesTheCore()
    {
        QFETCH(QString, model);
        const Outcome o = preview({u"--text"_s, u"clean-water"_s, u"--model"_s, model, u"--json"_s});
        QVERIFY2(o.code == 0, o.describe().constData());
        const QJsonObject j = QJsonDocument::fromJson(o.out).object();

        const QList<wb::CorpusText> speeches = m_project.corpora.value(u"speeches"_s);
        const wb::CorpusText *water = nullptr;
        for (const wb::CorpusText &t : speeches)
            if (t.id == u"clean-water"_s)
                water = &t;
        QVERIFY(water);
        const wb::TokenEstimator tokens;
        auto expected = wb::previewPrompt(m_project.models, m_project.frameworks.value(u"mft"_s), m_project.experiment.execution,
                                          *water, model, wb::PriceTable::builtIn(), tokens);
        QVERIFY(expected);
        QCOMPARE(j[u"text"_s].toString(), u"clean-water"_s);
        QCOMPARE(j[u"corpus"_s].toString(), u"speeches"_s);
        QCOMPARE(j[u"framework"_s].toString(), u"mft"_s);
        QCOMPARE(j[u"model_group"_s].toString(), model);
        QCOMPARE(j[u"deployment"_s].toString(), expected->deploymentId);
        QCOMPARE(j[u"system"_s].toString(), expected->request.system);
        QCOMPARE(j[u"user"_s].toString(), expected->request.user);
        QVERIFY(expected->request.user.contains(water->text().left(40)));
        QCOMPARE(j[u"max_tokens"_s].toInt(), 600);   // the sample experiment's execution.max_tokens
        QCOMPARE(j[u"temperature"_s].toDouble(), expected->request.temperature);
        QCOMPARE(j[u"prompt_tokens"_s].toInteger(), expected->promptTokens);
        QVERIFY(expected->promptTokens > 0);
        QCOMPARE(j[u"count_method"_s].toString(), expected->countMethod);
        QVERIFY(expected->inputCostMicros);
        QCOMPARE(j[u"input_cost_micros"_s].toInteger(), *expected->inputCostMicros);
        QCOMPARE(j[u"max_cost_micros"_s].toInteger(), *expected->maxCostMicros);
        QCOMPARE(j[u"price_source"_s].toString(), expected->priceSource);
    }

    /// Without --framework and --model: the first run over the text's corpus; the text form names
    /// both parts and the price.
    void textDefaultsToTheFirstRun()
    {
        const Outcome o = preview({u"--text"_s, u"speeches/free-speech"_s});
        QVERIFY2(o.code == 0, o.describe().constData());
        const QString s = QString::fromUtf8(o.out);
        QVERIFY2(s.contains(u"model group: gpt-4o-mini -> "_s), o.describe().constData());
        QVERIFY(s.contains(u"framework:   mft\n"_s));
        QVERIFY(s.contains(u"=== system ===\n"_s) && s.contains(u"=== user ===\n"_s));
        QVERIFY(s.contains(u"price:       $"_s));
    }

    void unknownTextIsAClearError()
    {
        const Outcome o = preview({u"--text"_s, u"no-such-text"_s});
        QCOMPARE(o.code, 2);
        QVERIFY(o.out.isEmpty());
        QVERIFY2(o.err.startsWith("discernus preview-prompt: --text: no text \"no-such-text\""), o.describe().constData());
    }

    void unknownModelAndFrameworkAreClearErrors()
    {
        Outcome o = preview({u"--text"_s, u"clean-water"_s, u"--model"_s, u"no-such-group"_s});
        QCOMPARE(o.code, 2);
        QVERIFY2(o.err.contains("--model: ") && o.err.contains("\"no-such-group\""), o.describe().constData());
        o = preview({u"--text"_s, u"clean-water"_s, u"--framework"_s, u"nope"_s, u"--model"_s, u"gpt-4o-mini"_s});
        QCOMPARE(o.code, 2);
        QVERIFY2(o.err.contains("--framework: no framework \"nope\" in the experiment (mft)"), o.describe().constData());
        o = preview({});
        QCOMPARE(o.code, 2);
        QVERIFY2(o.err.contains("--text"), o.describe().constData());
    }

private:
    wb::LoadedProject m_project;
};

QTEST_GUILESS_MAIN(TstCliPreview)
#include "tst_cli_preview.moc"
