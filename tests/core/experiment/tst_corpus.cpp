#include "core/experiment/corpus.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;

class TestCorpus final : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString p = m_dir.filePath(name);
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(p));
        f.write(bytes);
        return p;
    }

private slots:
    void folderOfTexts()
    {
        QDir(m_dir.path()).mkpath(QStringLiteral("f/sub"));
        write(QStringLiteral("f/b.txt"), "second");
        write(QStringLiteral("f/a.txt"), "\xEF\xBB\xBF" "first \xC3\xA9");   // BOM is dropped
        write(QStringLiteral("f/sub/c.txt"), "third");
        write(QStringLiteral("f/ignored.md"), "not a text");
        auto r = loadCorpus({QStringLiteral("c"), m_dir.filePath(QStringLiteral("f")), CorpusSource::Kind::Folder});
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->size(), 3);
        QCOMPARE(r->at(0).id, QStringLiteral("a"));
        QCOMPARE(r->at(0).text(), QStringLiteral("first \u00e9"));
        QCOMPARE(r->at(2).id, QStringLiteral("sub/c"));
        QCOMPARE(r->at(0).sha256.size(), 64);
        QCOMPARE(r->at(0).corpus, QStringLiteral("c"));
    }

    void notUtf8NamesFileAndLine()
    {
        QDir(m_dir.path()).mkpath(QStringLiteral("bad"));
        const QString p = write(QStringLiteral("bad/latin1.txt"), "line one\nline two caf\xE9\n");
        auto r = loadCorpus({QStringLiteral("c"), m_dir.filePath(QStringLiteral("bad")), CorpusSource::Kind::Folder});
        QVERIFY(!r);
        QCOMPARE(r.error().file, p);
        QCOMPARE(r.error().line, 2);
        QVERIFY(r.error().message.contains(QStringLiteral("UTF-8")));
    }

    void csvWithQuotesAndNewlines()
    {
        const QString p = write(QStringLiteral("t.csv"), "id,text,extra\r\n"
                                                         "x1,\"Hello, \"\"world\"\"\nsecond line\",z\r\n"
                                                         "x2,plain,\r\n");
        auto r = loadCorpus({QStringLiteral("c"), p, CorpusSource::Kind::Csv});
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->size(), 2);
        QCOMPARE(r->at(0).text(), QStringLiteral("Hello, \"world\"\nsecond line"));
        QCOMPARE(r->at(1).text(), QStringLiteral("plain"));
    }

    void csvErrors_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("needle");
        QTest::newRow("no text column") << QByteArray("id,body\n1,x\n") << 1 << QStringLiteral("'text'");
        QTest::newRow("unterminated") << QByteArray("id,text\n1,ok\n2,\"open\n") << 3 << QStringLiteral("unterminated");
        QTest::newRow("short row") << QByteArray("id,text\n1,ok\n2\n") << 3 << QStringLiteral("fields");
        QTest::newRow("empty id") << QByteArray("id,text\n,x\n") << 2 << QStringLiteral("empty id");
    }
    void csvErrors()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, needle);
        const QString p = write(QStringLiteral("bad.csv"), content);
        auto r = loadCorpus({QStringLiteral("c"), p, CorpusSource::Kind::Csv});
        QVERIFY(!r);
        QCOMPARE(r.error().file, p);
        QCOMPARE(r.error().line, line);
        QVERIFY2(r.error().message.contains(needle), qPrintable(r.error().toString()));
    }

    void jsonl()
    {
        const QString p = write(QStringLiteral("t.jsonl"), "{\"id\": \"a\", \"text\": \"one\"}\n\n{\"id\": 7, \"text\": \"two\"}\n");
        auto r = loadCorpus({QStringLiteral("c"), p, CorpusSource::Kind::Jsonl});
        QVERIFY(r);
        QCOMPARE(r->size(), 2);
        QCOMPARE(r->at(0).id, QStringLiteral("7"));
        const QString bad = write(QStringLiteral("bad.jsonl"), "{\"id\": \"a\", \"text\": \"one\"}\n{\"id\": \"b\"}\n");
        auto e = loadCorpus({QStringLiteral("c"), bad, CorpusSource::Kind::Jsonl});
        QVERIFY(!e);
        QCOMPARE(e.error().line, 2);
        QCOMPARE(e.error().field, QStringLiteral("text"));
    }

    void emptyTextsAreSkippedWithAWarning()
    {
        const QString p = write(QStringLiteral("empty.jsonl"), "{\"id\": \"a\", \"text\": \"one\"}\n"
                                                               "{\"id\": \"b\", \"text\": \"\"}\n"
                                                               "{\"id\": \"c\", \"text\": \" \\n\\t \"}\n");
        QStringList warnings;
        auto r = loadCorpus({QStringLiteral("c"), p, CorpusSource::Kind::Jsonl}, &warnings);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->size(), 1);
        QCOMPARE(r->at(0).id, QStringLiteral("a"));
        QCOMPARE(warnings.size(), 1);
        QVERIFY2(warnings[0].contains(QStringLiteral("2 empty texts skipped")) && warnings[0].contains(QStringLiteral("b, c"))
                     && warnings[0].contains(p),
                 qPrintable(warnings[0]));
        QDir(m_dir.path()).mkpath(QStringLiteral("blank"));
        write(QStringLiteral("blank/x.txt"), "   \n");
        write(QStringLiteral("blank/y.txt"), "y");
        warnings.clear();
        auto f = loadCorpus({QStringLiteral("c"), m_dir.filePath(QStringLiteral("blank")), CorpusSource::Kind::Folder}, &warnings);
        QVERIFY(f);
        QCOMPARE(f->size(), 1);
        QCOMPARE(warnings.size(), 1);
    }

    void streamedFilesKeepLinesAndErrors()
    {
        // Records spanning lines, CRLF and a lone CR, as one reader sees them line by line.
        const QString csv = write(QStringLiteral("lines.csv"), "\xEF\xBB\xBFid,text\r\n"
                                                               "a,\"one\r\ntwo\nthree\"\r\n"
                                                               "b,last\rc,after cr\n");
        auto r = loadCorpus({QStringLiteral("c"), csv, CorpusSource::Kind::Csv});
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->size(), 3);
        QCOMPARE(r->at(0).text(), QStringLiteral("one\r\ntwo\nthree"));
        QCOMPARE(r->at(1).text(), QStringLiteral("last"));
        QCOMPARE(r->at(2).text(), QStringLiteral("after cr"));
        // Invalid UTF-8 is reported on its own line.
        const QString bad = write(QStringLiteral("badutf.jsonl"), "{\"id\": \"a\", \"text\": \"one\"}\n"
                                                                  "{\"id\": \"b\", \"text\": \"two\"}\n"
                                                                  "{\"id\": \"c\", \"text\": \"\xC3\x28\"}\n");
        auto e = loadCorpus({QStringLiteral("c"), bad, CorpusSource::Kind::Jsonl});
        QVERIFY(!e);
        QCOMPARE(e.error().line, 3);
        QVERIFY(e.error().message.contains(QStringLiteral("UTF-8")));
        const QString badCsv = write(QStringLiteral("badutf.csv"), "id,text\na,\"x\ny \xFF\"\n");
        auto ec = loadCorpus({QStringLiteral("c"), badCsv, CorpusSource::Kind::Csv});
        QVERIFY(!ec);
        QCOMPARE(ec.error().line, 3);
    }

    void contentStaysInTheFileUntilAsked()
    {
        // Multi-byte characters, a BOM, quoted commas and escaped quotes, so every record's byte
        // offset is tested, for each kind of source.
        const QString jsonl = write(QStringLiteral("lazy.jsonl"), "\xEF\xBB\xBF{\"id\": \"a\", \"text\": \"caf\xC3\xA9 \xF0\x9F\x98\x80\"}\n"
                                                                  "\n"
                                                                  "{\"id\": 2, \"text\": \"line\\nbreak \\\"q\\\"\"}\r\n"
                                                                  "{\"id\": \"c\", \"text\": \"last\"}");
        const QString csv = write(QStringLiteral("lazy.csv"), "\xEF\xBB\xBFid,text\n"
                                                              "a,\"\xC3\xBC, \"\"x\"\"\n\xE2\x82\xAC\"\n"
                                                              "\n"
                                                              "b,plain\r\n"
                                                              "c,\xF0\x9F\x98\x80 end");
        QDir(m_dir.path()).mkpath(QStringLiteral("lazydir"));
        write(QStringLiteral("lazydir/x.txt"), "\xEF\xBB\xBFwhole \xC3\xA9");
        const QList<QPair<CorpusSource, QStringList>> cases{
            {{QStringLiteral("j"), jsonl, CorpusSource::Kind::Jsonl},
             {QStringLiteral("line\nbreak \"q\""), QStringLiteral("caf\u00e9 \U0001F600"), QStringLiteral("last")}},   // by id: 2, a, c
            {{QStringLiteral("k"), csv, CorpusSource::Kind::Csv},
             {QStringLiteral("\u00fc, \"x\"\n\u20ac"), QStringLiteral("plain"), QStringLiteral("\U0001F600 end")}},
            {{QStringLiteral("d"), m_dir.filePath(QStringLiteral("lazydir")), CorpusSource::Kind::Folder},
             {QStringLiteral("whole \u00e9")}},
        };
        for (const auto &[source, expected] : cases) {
            auto r = loadCorpus(source);
            QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
            QCOMPARE(r->size(), expected.size());
            for (qsizetype i = 0; i < expected.size(); ++i) {
                const CorpusText &t = r->at(i);
                QVERIFY2(!t.isHeld(), qPrintable(t.id));   // only where it is, not what it says
                QCOMPARE(t.text(), expected[i]);            // read back from the file on demand
                QCOMPARE(t.chars(), expected[i].size());
                QCOMPARE(t.bytes(), expected[i].toUtf8().size());
                QCOMPARE(t.sha256, QString::fromLatin1(QCryptographicHash::hash(expected[i].toUtf8(), QCryptographicHash::Sha256).toHex()));
            }
        }
        // The content really is read from the file when asked: overwrite a text in place after loading.
        const QString p = write(QStringLiteral("inplace.jsonl"), "{\"id\": \"a\", \"text\": \"before\"}\n");
        auto r = loadCorpus({QStringLiteral("c"), p, CorpusSource::Kind::Jsonl});
        QVERIFY(r);
        write(QStringLiteral("inplace.jsonl"), "{\"id\": \"a\", \"text\": \"AFTER!\"}\n");
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("inplace.jsonl : text a changed since the corpus was loaded")));
        QCOMPARE(r->at(0).text(), QStringLiteral("AFTER!"));
        // A text built from a string holds it.
        const CorpusText held(QStringLiteral("c"), QStringLiteral("h"), QStringLiteral("h\u00e9ld"));
        QVERIFY(held.isHeld());
        QCOMPARE(held.text(), QStringLiteral("h\u00e9ld"));
        QCOMPARE(held.bytes(), 5);
    }

    void duplicateIdsAndMissing()
    {
        const QString p = write(QStringLiteral("dup.csv"), "id,text\na,1\na,2\n");
        auto r = loadCorpus({QStringLiteral("c"), p, CorpusSource::Kind::Csv});
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QStringLiteral("duplicate")));
        auto m = loadCorpus({QStringLiteral("c"), m_dir.filePath(QStringLiteral("nope")), CorpusSource::Kind::Folder});
        QVERIFY(!m);
    }

    void selectByGlobAndLimit()
    {
        QList<CorpusText> all;
        for (const char *id : {"1789-Washington", "1793-Washington", "1861-Lincoln", "2009-Obama"})
            all.append({QStringLiteral("c"), QString::fromLatin1(id), QStringLiteral("t"), {}});
        RunSpec r;
        r.include = {QStringLiteral("17*")};
        QCOMPARE(selectTexts(all, r).size(), 2);
        r.limit = 1;
        QCOMPARE(selectTexts(all, r).size(), 1);
        r.include = {QStringLiteral("*Lincoln"), QStringLiteral("2009-*")};
        r.limit.reset();
        QCOMPARE(selectTexts(all, r).size(), 2);
        r.include = {QStringLiteral("Lincoln")};   // whole-id match, not substring
        QCOMPARE(selectTexts(all, r).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
