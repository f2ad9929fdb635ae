// The German catalogue is complete: every message of the workbench has a finished, non-empty
// translation (all plural forms), so no English string shows in the German interface; the
// English one has the singular and plural of every "%n" message.
#include <QFile>
#include <QTest>
#include <QXmlStreamReader>

class TestTranslations : public QObject {
    Q_OBJECT
private slots:
    void germanCatalogueIsComplete();
    void englishPluralsAreFilled();
};

void TestTranslations::germanCatalogueIsComplete()
{
    QFile f(QStringLiteral(WB_SOURCE_DIR "/translations/discernus_de.ts"));
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    QXmlStreamReader xml(&f);
    QStringList problems;
    QString context, source;
    int messages = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            // Messages no longer in the sources are kept by lupdate as vanished/obsolete: not shown.
            if (type == QLatin1String("vanished") || type == QLatin1String("obsolete")) {
                xml.skipCurrentElement();
                continue;
            }
            ++messages;
            const QString where = QStringLiteral("line %1, %2: \"%3\"").arg(xml.lineNumber()).arg(context, source.left(60));
            if (type == QLatin1String("unfinished"))
                problems << QStringLiteral("unfinished: ") + where;
            // Plural messages carry <numerusform>s; each must be filled.
            QString text;
            bool numerus = false;
            while (!(xml.isEndElement() && xml.name() == QLatin1String("translation")) && !xml.atEnd()) {
                xml.readNext();
                if (xml.isStartElement() && xml.name() == QLatin1String("numerusform")) {
                    numerus = true;
                    if (xml.readElementText().trimmed().isEmpty())
                        problems << QStringLiteral("empty plural form: ") + where;
                } else if (xml.isCharacters()) {
                    text += xml.text();
                }
            }
            if (!numerus && text.trimmed().isEmpty())
                problems << QStringLiteral("empty: ") + where;
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 100);
    QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("%1 of %2 messages untranslated:\n").arg(problems.size()).arg(messages)
                                            + problems.join(QLatin1Char('\n'))));
}

void TestTranslations::englishPluralsAreFilled()
{
    // English shows the source texts, except for "%n text(s)": without its singular and plural
    // forms in the English catalogue the interface reads "12 text(s)".
    QFile f(QStringLiteral(WB_SOURCE_DIR "/translations/discernus_en.ts"));
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    QXmlStreamReader xml(&f);
    QStringList problems;
    QString source;
    bool numerusMessage = false;
    int plurals = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("message")) {
            numerusMessage = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation") && numerusMessage) {
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            if (type == QLatin1String("vanished") || type == QLatin1String("obsolete"))
                continue;
            ++plurals;
            if (type == QLatin1String("unfinished"))
                problems << QStringLiteral("line %1: \"%2\"").arg(xml.lineNumber()).arg(source);
        } else if (xml.name() == QLatin1String("numerusform") && xml.readElementText().trimmed().isEmpty()) {
            problems << QStringLiteral("line %1: empty form of \"%2\"").arg(xml.lineNumber()).arg(source);
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(plurals > 10);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
