#include "core/common/promptcontract.h"
#include "core/common/result.h"

#include <QTest>

using namespace wb;

class TestPromptContract final : public QObject {
    Q_OBJECT
private slots:
    void roundTrip()
    {
        ScoringSchema s;
        s.dimensions = {{QStringLiteral("care"), 0.0, 1.0}, {QStringLiteral("liberty"), -1.0, 2.5}};
        s.textIds = {QStringLiteral("a"), QStringLiteral("b\"c")};
        const QString prompt = QStringLiteral("Score this.\n") + schemaLine(s) + QStringLiteral("\nTEXT:\nhello");
        const auto parsed = parseSchemaLine(prompt);
        QVERIFY(parsed);
        QCOMPARE(parsed->dimensions.size(), 2);
        QCOMPARE(parsed->dimensions[1].id, QStringLiteral("liberty"));
        QCOMPARE(parsed->dimensions[1].min, -1.0);
        QCOMPARE(parsed->dimensions[1].max, 2.5);
        QCOMPARE(parsed->textIds, s.textIds);
    }
    void missingOrBroken()
    {
        QVERIFY(!parseSchemaLine(u"no schema here"));
        QVERIFY(!parseSchemaLine(u"OUTPUT_SCHEMA: {not json"));
        QVERIFY(!parseSchemaLine(u"OUTPUT_SCHEMA: {\"dimensions\":[]}"));
    }
    void errorText()
    {
        Error e{QStringLiteral("expected a number"), QStringLiteral("m.yaml"), 3, 7, QStringLiteral("model_list[0].litellm_params.rpm")};
        QCOMPARE(e.toString(), QStringLiteral("m.yaml:3:7: model_list[0].litellm_params.rpm: expected a number"));
    }
};

QTEST_GUILESS_MAIN(TestPromptContract)
#include "tst_promptcontract.moc"
