#include "core/common/promptcontract.h"
#include "core/experiment/prompt.h"

#include <QTest>

using namespace wb;

static Framework twoDims()
{
    Framework fw;
    fw.id = QStringLiteral("f");
    fw.name = QStringLiteral("Test");
    fw.instructions = QStringLiteral("Score it.");
    fw.dimensions = {{QStringLiteral("care"), QStringLiteral("Care"), QStringLiteral("d1"), 0.0, 1.0},
                     {QStringLiteral("liberty"), QStringLiteral("Liberty"), QStringLiteral("d2"), -1.0, 1.0}};
    return fw;
}

class TestPrompt final : public QObject {
    Q_OBJECT
private slots:
    void requestCarriesSchemaAndTexts()
    {
        const Framework fw = twoDims();
        CorpusText a{QStringLiteral("c"), QStringLiteral("a"), QStringLiteral("Alpha text"), {}};
        CorpusText b{QStringLiteral("c"), QStringLiteral("b"), QStringLiteral("Beta text"), {}};
        ExecutionSettings exec;
        exec.maxTokens = 321;
        exec.temperature = 0.3;
        const ChatRequest r = buildScoringRequest(fw, {&a, &b}, exec);
        QCOMPARE(r.maxTokens, 642);   // max_tokens is per text: two texts, twice the room
        QCOMPARE(r.temperature, 0.3);
        QVERIFY(r.system.contains(QStringLiteral("JSON array")));
        QVERIFY(r.user.contains(QStringLiteral("Alpha text")));
        QVERIFY(r.user.indexOf(QStringLiteral("Alpha")) < r.user.indexOf(QStringLiteral("Beta")));
        const auto schema = parseSchemaLine(r.user);
        QVERIFY(schema);
        QCOMPARE(schema->textIds, QStringList({QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(schema->dimensions.size(), 2);
        QCOMPARE(schema->dimensions[1].min, -1.0);
        const ChatRequest single = buildScoringRequest(fw, {&a}, exec);
        QVERIFY(single.system.contains(QStringLiteral("one JSON object")));
        QCOMPARE(single.maxTokens, 321);
        const ChatRequest again = buildReaskRequest(single, QStringLiteral("dimension 'care' is missing"));
        QVERIFY(again.user.startsWith(single.user));
        QVERIFY(again.user.contains(QStringLiteral("dimension 'care' is missing")));
    }

    void parse_data()
    {
        QTest::addColumn<QStringList>("ids");
        QTest::addColumn<QString>("reply");
        QTest::addColumn<int>("valid");
        QTest::addColumn<QString>("firstProblem");
        const QStringList one{QStringLiteral("a")};
        const QStringList two{QStringLiteral("a"), QStringLiteral("b")};
        QTest::newRow("object") << one << QStringLiteral(R"({"care":{"score":0.5,"evidence":"x"},"liberty":{"score":-0.2,"evidence":"y"}})") << 1 << QString();
        QTest::newRow("fenced with prose") << one << QStringLiteral("Here you go:\n```json\n{\"care\":{\"score\":1,\"evidence\":\"\"},\"liberty\":0}\n```\nThanks") << 1 << QString();
        QTest::newRow("missing dim") << one << QStringLiteral(R"({"care":{"score":0.5}})") << 0 << QStringLiteral("'liberty' is missing");
        QTest::newRow("out of range") << one << QStringLiteral(R"({"care":{"score":1.5},"liberty":{"score":0}})") << 0 << QStringLiteral("outside");
        QTest::newRow("not json") << one << QStringLiteral("I cannot score this.") << 0 << QStringLiteral("no JSON");
        QTest::newRow("broken json") << one << QStringLiteral(R"({"care":{"score":0.5})") << 0 << QStringLiteral("invalid JSON");
        QTest::newRow("score not number") << one << QStringLiteral(R"({"care":{"score":"high"},"liberty":{"score":0}})") << 0 << QStringLiteral("numeric");
        QTest::newRow("array in order") << two << QStringLiteral(R"([{"care":0.1,"liberty":0.2},{"care":0.3,"liberty":0.4}])") << 2 << QString();
        QTest::newRow("array by id, shuffled, one missing")
            << two << QStringLiteral(R"([{"text_id":"b","care":0.3,"liberty":0.4}])") << 1 << QStringLiteral("no result");
        QTest::newRow("array cut off by max_tokens")
            << two << QString::fromLatin1("[{\"text_id\":\"a\",\"care\":{\"score\":0.1,\"evidence\":\"a {b} \\\"c\\\"\"},\"liberty\":0.2},{\"text_id\":\"b\",\"care\":{\"sco")
            << 1 << QStringLiteral("no result");
        QTest::newRow("array short") << two << QStringLiteral(R"([{"care":0.1,"liberty":0.2}])") << 1 << QStringLiteral("no result");
    }
    void parse()
    {
        QFETCH(QStringList, ids);
        QFETCH(QString, reply);
        QFETCH(int, valid);
        QFETCH(QString, firstProblem);
        const ParsedScores p = parseScores(twoDims(), ids, reply);
        QCOMPARE(p.valid.size(), valid);
        QCOMPARE(p.valid.size() + p.invalid.size(), ids.size());
        if (!firstProblem.isEmpty()) {
            QVERIFY(!p.invalid.isEmpty());
            QVERIFY2(p.invalid.begin().value().contains(firstProblem), qPrintable(p.invalid.begin().value()));
        }
        for (const TextScores &t : p.valid) {
            QCOMPARE(t.scores.size(), 2);
            QCOMPARE(t.scores[0].dimension, QStringLiteral("care"));
        }
    }

    void scoresKeepValues()
    {
        const ParsedScores p = parseScores(twoDims(), {QStringLiteral("a"), QStringLiteral("b")},
                                           QStringLiteral(R"([{"text_id":"b","care":{"score":0.25,"evidence":"ev b"},"liberty":-1},
                                                             {"text_id":"a","care":0.75,"liberty":1}])"));
        QCOMPARE(p.valid.size(), 2);
        for (const TextScores &t : p.valid) {
            if (t.textId == QLatin1String("b")) {
                QCOMPARE(t.scores[0].score, 0.25);
                QCOMPARE(t.scores[0].evidence, QStringLiteral("ev b"));
                QCOMPARE(t.scores[1].score, -1.0);
            } else {
                QCOMPARE(t.scores[0].score, 0.75);
            }
        }
    }

    void packing_data()
    {
        QTest::addColumn<QList<qint64>>("tokens");
        QTest::addColumn<qint64>("fixed");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<int>("maxTexts");
        QTest::addColumn<QList<int>>("sizes");
        QTest::newRow("fits all") << QList<qint64>{100, 100, 100} << qint64(50) << qint64(1000) << 10 << QList<int>{3};
        QTest::newRow("token bound") << QList<qint64>{400, 400, 400} << qint64(100) << qint64(1000) << 10 << QList<int>{2, 1};
        QTest::newRow("exact fit") << QList<qint64>{450, 450} << qint64(100) << qint64(1000) << 10 << QList<int>{2};
        QTest::newRow("count bound") << QList<qint64>{1, 1, 1, 1, 1} << qint64(0) << qint64(1000) << 2 << QList<int>{2, 2, 1};
        QTest::newRow("oversized alone") << QList<qint64>{10, 5000, 10} << qint64(0) << qint64(1000) << 10 << QList<int>{1, 1, 1};
    }
    void packing()
    {
        QFETCH(QList<qint64>, tokens);
        QFETCH(qint64, fixed);
        QFETCH(qint64, limit);
        QFETCH(int, maxTexts);
        QFETCH(QList<int>, sizes);
        const auto batches = packBatches(tokens, fixed, limit, maxTexts);
        QList<int> got;
        int next = 0;
        for (const auto &b : batches) {
            got.append(b.size());
            for (int i : b)
                QCOMPARE(i, next++);   // order preserved, nothing lost
        }
        QCOMPARE(got, sizes);
        QCOMPARE(next, tokens.size());
    }
};

QTEST_GUILESS_MAIN(TestPrompt)
#include "tst_prompt.moc"
