// Exactness of wb::Tokenizer against OpenAI's tiktoken (expected values generated with
// tests/tools/make_tokenize_expectations.mjs from npm tiktoken 1.0.22).
#include "core/tokenize/tokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using namespace wb;

namespace {

// Same FNV-1a as tests/tools/make_tokenize_expectations.mjs.
quint32 fnv(const std::vector<int> &ids)
{
    quint32 h = 0x811c9dc5u;
    for (int id : ids) {
        for (int k = 0; k < 4; ++k) {
            h ^= (quint32(id) >> (8 * k)) & 0xffu;
            h *= 0x01000193u;
        }
    }
    return h;
}

// Same LCG as lowercase() in the generator.
QByteArray lowercase(int n, quint32 seed)
{
    QByteArray s(n, Qt::Uninitialized);
    quint32 x = seed;
    for (int i = 0; i < n; ++i) {
        x = (x * 1103515245u + 12345u) & 0x7fffffffu;
        s[i] = char('a' + (x >> 16) % 26);
    }
    return s;
}

QJsonObject readJson(const QString &name)
{
    QFile f(QStringLiteral(WB_SOURCE_DIR "/tests/data/tokenize/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<int> idsOf(const QJsonValue &v)
{
    std::vector<int> out;
    for (const auto &x : v.toArray())
        out.push_back(x.toInt());
    return out;
}

const Encoding kEncodings[] = {Encoding::O200kBase, Encoding::Cl100kBase};

} // namespace

class TstTokenizer final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cases_data();
    void cases();
    void corpus_data();
    void corpus();
    void corpusCoversEveryFile();
    void megabyteRunOfOneLetter_data();
    void megabyteRunOfOneLetter();
    void megabyteRandomWord_data();
    void megabyteRandomWord();
    void utf8AndUtf16Agree();
    void invalidUtf8RoundTrips();
    void concurrentUse();
    void countTokensParallelMatchesSerial();
    void encodingForModel_data();
    void encodingForModel();
};

void TstTokenizer::initTestCase()
{
    for (Encoding e : kEncodings) {
        const Tokenizer &t = Tokenizer::get(e);
        QVERIFY2(t.isValid(), qPrintable(t.errorString()));
        QCOMPARE(t.encoding(), e);
    }
    QCOMPARE(Tokenizer::get(Encoding::O200kBase).vocabularySize(), 199998);
    QCOMPARE(Tokenizer::get(Encoding::Cl100kBase).vocabularySize(), 100256);
    QCOMPARE(&Tokenizer::get(Encoding::O200kBase), &Tokenizer::get(Encoding::O200kBase));
}

void TstTokenizer::cases_data()
{
    QTest::addColumn<int>("encoding");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonObject>("expected");
    const QJsonObject doc = readJson(QStringLiteral("cases.json"));
    QVERIFY(doc.value(QLatin1String("cases")).toArray().size() > 40);
    for (const auto &c : doc.value(QLatin1String("cases")).toArray()) {
        const QJsonObject o = c.toObject();
        for (Encoding e : kEncodings) {
            const QString name = o.value(QLatin1String("name")).toString() + QLatin1Char('/') + encodingName(e);
            QTest::newRow(qPrintable(name)) << int(e) << o.value(QLatin1String("text")).toString()
                                            << o.value(encodingName(e)).toObject();
        }
    }
}

void TstTokenizer::cases()
{
    QFETCH(int, encoding);
    QFETCH(QString, text);
    QFETCH(QJsonObject, expected);
    const Tokenizer &t = Tokenizer::get(Encoding(encoding));
    const std::vector<int> ids = t.encode(text);
    if (expected.contains(QLatin1String("ids")))
        QCOMPARE(ids, idsOf(expected.value(QLatin1String("ids"))));
    QCOMPARE(qint64(ids.size()), expected.value(QLatin1String("count")).toInteger());
    QCOMPARE(qint64(fnv(ids)), expected.value(QLatin1String("fnv")).toInteger());
    QCOMPARE(qint64(t.count(text)), qint64(ids.size()));
    // Tokens cover the input bytes exactly (lone surrogates were sent as U+FFFD).
    QString fixed = text;
    for (qsizetype i = 0; i < fixed.size(); ++i) {
        if (fixed.at(i).isHighSurrogate() && i + 1 < fixed.size() && fixed.at(i + 1).isLowSurrogate())
            ++i;
        else if (fixed.at(i).isSurrogate())
            fixed[i] = QChar(QChar::ReplacementCharacter);
    }
    QCOMPARE(t.decodeBytes(ids), fixed.toUtf8());
}

void TstTokenizer::corpus_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonObject>("expected");
    if (!QDir(QStringLiteral(WB_SHARED_DATA_DIR "/corpus")).exists())
        QSKIP("shared corpus not present (WB_SHARED_DATA_DIR)");
    const QJsonObject doc = readJson(QStringLiteral("corpus.json"));
    for (const auto &f : doc.value(QLatin1String("files")).toArray()) {
        const QJsonObject o = f.toObject();
        QTest::newRow(qPrintable(o.value(QLatin1String("path")).toString())) << o.value(QLatin1String("path")).toString() << o;
    }
}

void TstTokenizer::corpus()
{
    QFETCH(QString, path);
    QFETCH(QJsonObject, expected);
    QFile f(QStringLiteral(WB_SHARED_DATA_DIR "/corpus/") + path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    const QByteArray bytes = f.readAll();
    QCOMPARE(qint64(bytes.size()), expected.value(QLatin1String("bytes")).toInteger());
    for (Encoding e : kEncodings) {
        const Tokenizer &t = Tokenizer::get(e);
        const QJsonObject exp = expected.value(encodingName(e)).toObject();
        const std::vector<int> ids = t.encodeUtf8(bytes.constData(), bytes.size());
        QCOMPARE(qint64(ids.size()), exp.value(QLatin1String("count")).toInteger());
        QCOMPARE(qint64(fnv(ids)), exp.value(QLatin1String("fnv")).toInteger());
        QCOMPARE(qint64(t.countUtf8(bytes)), qint64(ids.size()));
    }
}

void TstTokenizer::corpusCoversEveryFile()
{
    const QDir root(QStringLiteral(WB_SHARED_DATA_DIR "/corpus"));
    if (!root.exists())
        QSKIP("shared corpus not present (WB_SHARED_DATA_DIR)");
    QStringList onDisk;
    for (const QString &sub : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        for (const QString &f : QDir(root.filePath(sub)).entryList(QDir::Files, QDir::Name))
            onDisk << sub + QLatin1Char('/') + f;
    }
    QStringList expected;
    qint64 o200k = 0, cl100k = 0;
    const QJsonObject doc = readJson(QStringLiteral("corpus.json"));
    for (const auto &f : doc.value(QLatin1String("files")).toArray()) {
        expected << f.toObject().value(QLatin1String("path")).toString();
        o200k += f.toObject().value(QLatin1String("o200k_base")).toObject().value(QLatin1String("count")).toInteger();
        cl100k += f.toObject().value(QLatin1String("cl100k_base")).toObject().value(QLatin1String("count")).toInteger();
    }
    QCOMPARE(onDisk, expected);
    QCOMPARE(expected.size(), 124);
    const QJsonObject totals = doc.value(QLatin1String("totals")).toObject();
    QCOMPARE(o200k, totals.value(QLatin1String("o200k_base")).toInteger());
    QCOMPARE(cl100k, totals.value(QLatin1String("cl100k_base")).toInteger());
}

void TstTokenizer::megabyteRunOfOneLetter_data()
{
    QTest::addColumn<int>("encoding");
    QTest::newRow("o200k_base") << int(Encoding::O200kBase);
    QTest::newRow("cl100k_base") << int(Encoding::Cl100kBase);
}

// tiktoken cannot encode 1 MiB of one letter (its regex aborts), but its output for shorter runs
// is periodic: the 8-letter token repeated, then the remainder's token (checked against the
// reference for 4096, 4097 and 4099 letters; o200k also verified by hand up to 500,000).
void TstTokenizer::megabyteRunOfOneLetter()
{
    QFETCH(int, encoding);
    const Tokenizer &t = Tokenizer::get(Encoding(encoding));
    const QJsonObject ref = readJson(QStringLiteral("longword.json")).value(encodingName(Encoding(encoding))).toObject();
    const std::vector<int> a8 = idsOf(ref.value(QLatin1String("a8")));
    QCOMPARE(a8.size(), std::size_t(1));
    for (int n : {4096, 4097, 4099}) {
        const QByteArray s(n, 'a');
        const std::vector<int> ids = t.encodeUtf8(s.constData(), s.size());
        const QJsonObject exp = ref.value(QStringLiteral("a%1").arg(n)).toObject();
        QCOMPARE(qint64(ids.size()), exp.value(QLatin1String("count")).toInteger());
        QCOMPARE(qint64(fnv(ids)), exp.value(QLatin1String("fnv")).toInteger());
        QCOMPARE(std::count(ids.begin(), ids.end(), a8[0]), qsizetype(n / 8));
    }
    const QByteArray mib(1 << 20, 'a');
    const std::vector<int> ids = t.encodeUtf8(mib.constData(), mib.size());
    QCOMPARE(ids.size(), std::size_t(1 << 17));
    QCOMPARE(std::count(ids.begin(), ids.end(), a8[0]), qsizetype(1 << 17));
    const QByteArray mibPlus3 = mib + "aaa";
    const std::vector<int> tail = t.encodeUtf8("aaa", 3);
    const std::vector<int> ids3 = t.encodeUtf8(mibPlus3.constData(), mibPlus3.size());
    QCOMPARE(ids3.size(), ids.size() + tail.size());
    QCOMPARE(ids3.back(), tail.back());
}

void TstTokenizer::megabyteRandomWord_data() { megabyteRunOfOneLetter_data(); }

// One 1 MiB pre-token of random letters: 32 blocks of (B + U+05D2). The generator verified that
// no token can span a block boundary, so the expectation is 32 x (ids(B) + ids(X)), with ids(B)
// itself compared to tiktoken's.
void TstTokenizer::megabyteRandomWord()
{
    QFETCH(int, encoding);
    const Tokenizer &t = Tokenizer::get(Encoding(encoding));
    const QJsonObject doc = readJson(QStringLiteral("longword.json"));
    const QJsonObject ref = doc.value(encodingName(Encoding(encoding))).toObject();
    const QByteArray block = lowercase(doc.value(QLatin1String("blockLetters")).toInt(),
                                       quint32(doc.value(QLatin1String("seed")).toInteger()));
    const std::vector<int> blockIds = t.encodeUtf8(block.constData(), block.size());
    QCOMPARE(qint64(blockIds.size()), ref.value(QLatin1String("block")).toObject().value(QLatin1String("count")).toInteger());
    QCOMPARE(qint64(fnv(blockIds)), ref.value(QLatin1String("block")).toObject().value(QLatin1String("fnv")).toInteger());
    const QByteArray sep = QStringLiteral("\u05d2").toUtf8();
    QCOMPARE(t.encode(QStringLiteral("\u05d2")), idsOf(ref.value(QLatin1String("separatorIds"))));

    QByteArray word;
    std::vector<int> expected;
    const int blocks = doc.value(QLatin1String("blocks")).toInt();
    for (int k = 0; k < blocks; ++k) {
        word += block + sep;
        expected.insert(expected.end(), blockIds.begin(), blockIds.end());
        const std::vector<int> sepIds = idsOf(ref.value(QLatin1String("separatorIds")));
        expected.insert(expected.end(), sepIds.begin(), sepIds.end());
    }
    QCOMPARE(word.size(), qsizetype(1 << 20));
    const std::vector<int> ids = t.encodeUtf8(word.constData(), word.size());
    QCOMPARE(ids.size(), expected.size());
    QVERIFY(ids == expected);
    QCOMPARE(t.decodeBytes(ids), word);
}

void TstTokenizer::utf8AndUtf16Agree()
{
    const QString text = QStringLiteral("Über naïve café — 日本語 🎉 it's DON'T\r\n\t  x");
    for (Encoding e : kEncodings) {
        const Tokenizer &t = Tokenizer::get(e);
        const QByteArray u = text.toUtf8();
        QCOMPARE(t.encode(text), t.encodeUtf8(u.constData(), u.size()));
        QCOMPARE(t.count(text), t.countUtf8(u));
    }
    QCOMPARE(Tokenizer::get(Encoding::O200kBase).count(QString()), qsizetype(0));
}

void TstTokenizer::invalidUtf8RoundTrips()
{
    // Not reachable from QString, but countUtf8 accepts raw bytes: every byte must still be
    // covered by exactly the tokens that decode back to it.
    QRandomGenerator rng(42);
    for (Encoding e : kEncodings) {
        const Tokenizer &t = Tokenizer::get(e);
        for (int round = 0; round < 200; ++round) {
            QByteArray b(int(rng.bounded(1, 300)), Qt::Uninitialized);
            for (auto &c : b)
                c = char(rng.bounded(256));
            const std::vector<int> ids = t.encodeUtf8(b.constData(), b.size());
            QCOMPARE(t.decodeBytes(ids), b);
            QCOMPARE(t.countUtf8(b), qsizetype(ids.size()));
        }
        const QByteArray truncated("abc \xE6\x97", 6);
        QCOMPARE(t.decodeBytes(t.encodeUtf8(truncated.constData(), truncated.size())), truncated);
    }
}

void TstTokenizer::concurrentUse()
{
    QFile f(QStringLiteral(WB_SOURCE_DIR "/tests/data/tokenize/cases.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    const qsizetype expected = Tokenizer::get(Encoding::Cl100kBase).countUtf8(text);
    QList<QFuture<qsizetype>> futures;
    for (int k = 0; k < 8; ++k)
        futures << QtConcurrent::run([&text] { return Tokenizer::get(Encoding::Cl100kBase).countUtf8(text); });
    for (auto &fu : futures)
        QCOMPARE(fu.result(), expected);
}

void TstTokenizer::countTokensParallelMatchesSerial()
{
    QList<QByteArray> texts;
    for (int k = 0; k < 50; ++k)
        texts << lowercase(100 + k * 37, quint32(k)) + " and some words, " + QByteArray::number(k * 12345);
    const std::vector<qsizetype> counts = countTokensParallel(Encoding::O200kBase, texts);
    QCOMPARE(counts.size(), std::size_t(texts.size()));
    QStringList strings;
    for (int k = 0; k < texts.size(); ++k) {
        QCOMPARE(counts[std::size_t(k)], Tokenizer::get(Encoding::O200kBase).countUtf8(texts[k]));
        strings << QString::fromUtf8(texts[k]);
    }
    QCOMPARE(countTokensParallel(Encoding::O200kBase, strings), counts);
}

void TstTokenizer::encodingForModel_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("model");
    QTest::addColumn<int>("encoding");
    const int o = int(Encoding::O200kBase), c = int(Encoding::Cl100kBase);
    QTest::newRow("gpt-4o") << "openai" << "gpt-4o" << o;
    QTest::newRow("gpt-4o-mini") << "openai" << "gpt-4o-mini-2024-07-18" << o;
    QTest::newRow("gpt-4.1") << "openai" << "gpt-4.1-nano" << o;
    QTest::newRow("gpt-5") << "openai" << "gpt-5-mini" << o;
    QTest::newRow("o1") << "openai" << "o1-preview" << o;
    QTest::newRow("o3") << "openai" << "o3-mini" << o;
    QTest::newRow("o4") << "openai" << "o4-mini" << o;
    QTest::newRow("gpt-4") << "openai" << "gpt-4" << c;
    QTest::newRow("gpt-4-turbo") << "openai" << "gpt-4-turbo-2024-04-09" << c;
    QTest::newRow("gpt-3.5") << "openai" << "gpt-3.5-turbo" << c;
    QTest::newRow("prefixed") << "openai" << "openai/gpt-4-0613" << c;
    QTest::newRow("fine-tune") << "openai" << "ft:gpt-3.5-turbo:org::abc" << c;
    QTest::newRow("embedding") << "openai" << "text-embedding-3-small" << c;
    QTest::newRow("unknown openai") << "openai" << "some-new-model" << o;
    QTest::newRow("claude base") << "anthropic" << "claude-3-5-haiku-20241022" << o;
    QTest::newRow("gemini base") << "gemini" << "gemini-2.5-flash" << o;
    QTest::newRow("mistral base") << "mistral" << "mistral-large-latest" << o;
}

void TstTokenizer::encodingForModel()
{
    QFETCH(QString, provider);
    QFETCH(QString, model);
    QFETCH(int, encoding);
    QCOMPARE(int(wb::encodingForModel(provider, model)), encoding);
}

QTEST_GUILESS_MAIN(TstTokenizer)
#include "tst_tokenizer.moc"
