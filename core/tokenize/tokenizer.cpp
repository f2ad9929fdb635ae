#include "core/tokenize/tokenizer.h"

#include "core/common/logging.h"
#include "core/common/provider.h"
#include "core/tokenize/bpeengine.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QtConcurrent/QtConcurrentMap>

#include <array>
#include <mutex>
#include <optional>

namespace wb {

using namespace tokenize_detail;

namespace {

struct EncodingInfo {
    const char *resource;      // qCompress'ed .tiktoken (resources/tokenizers)
    const char *sha256;        // of the uncompressed file, as pinned by OpenAI's tiktoken
    int ranks;
    SplitPattern pattern;
};

const EncodingInfo &info(Encoding e)
{
    static const EncodingInfo o200k{":/wb/tokenizers/o200k_base.tiktoken.qz",
                                    "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", 199998,
                                    SplitPattern::O200k};
    static const EncodingInfo cl100k{":/wb/tokenizers/cl100k_base.tiktoken.qz",
                                     "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7", 100256,
                                     SplitPattern::Cl100k};
    return e == Encoding::O200kBase ? o200k : cl100k;
}

class BpeTokenizer final : public Tokenizer {
public:
    explicit BpeTokenizer(Encoding e) : m_encoding(e) { load(); }

    void load()
    {
        QElapsedTimer timer;
        timer.start();
        const EncodingInfo &inf = info(m_encoding);
        QFile f(QString::fromLatin1(inf.resource));
        if (!f.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("cannot open %1").arg(f.fileName());
        } else {
            const QByteArray text = qUncompress(f.readAll());
            const QByteArray sha = QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex();
            if (sha != inf.sha256) {
                m_error = QStringLiteral("%1: sha256 %2 does not match the pinned %3")
                              .arg(f.fileName(), QString::fromLatin1(sha), QString::fromLatin1(inf.sha256));
            } else if (auto ranks = BpeRanks::parse(text); !ranks) {
                m_error = f.fileName() + QLatin1String(": ") + ranks.error().message;
            } else if (ranks->size() != inf.ranks) {
                m_error = QStringLiteral("%1: %2 ranks, expected %3").arg(f.fileName()).arg(ranks->size()).arg(inf.ranks);
            } else {
                m_engine.emplace(std::move(*ranks), inf.pattern);
            }
        }
        CharClasses::instance();   // build the Unicode lookup now, not inside the first count
        if (m_engine)
            qCInfo(lcTokenize) << encodingName(m_encoding) << "loaded in" << timer.elapsed() << "ms";
        else
            qCCritical(lcTokenize).noquote() << "tokenizer" << encodingName(m_encoding) << "unavailable:" << m_error;
    }

    Encoding m_encoding;
    std::optional<BpeEngine> m_engine;
    QString m_error;
};

const BpeTokenizer &impl(const Tokenizer *t) { return *static_cast<const BpeTokenizer *>(t); }

// Lone UTF-16 surrogates become U+FFFD as in JavaScript's TextEncoder (npm tiktoken) and
// Python tiktoken's surrogate fallback.
// (Qt's encoder would write '?' instead, which tokenizes differently.)
QByteArray toUtf8(QStringView text)
{
    const char16_t *d = text.utf16();
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (!QChar::isSurrogate(d[i]))
            continue;
        if (QChar::isHighSurrogate(d[i]) && i + 1 < n && QChar::isLowSurrogate(d[i + 1])) {
            ++i;
            continue;
        }
        // Rare path: a lone surrogate somewhere; rebuild with replacements.
        QString fixed = text.toString();
        for (qsizetype k = i; k < n; ++k) {
            const char16_t c = fixed.at(k).unicode();
            if (QChar::isHighSurrogate(c) && k + 1 < n && QChar::isLowSurrogate(fixed.at(k + 1).unicode()))
                ++k;
            else if (QChar::isSurrogate(c))
                fixed[k] = QChar(QChar::ReplacementCharacter);
        }
        return fixed.toUtf8();
    }
    return text.toUtf8();
}

} // namespace

const Tokenizer &Tokenizer::get(Encoding e)
{
    static std::once_flag once[2];
    static std::array<std::unique_ptr<BpeTokenizer>, 2> instances;
    const int k = e == Encoding::O200kBase ? 0 : 1;
    std::call_once(once[k], [&] { instances[k] = std::make_unique<BpeTokenizer>(e); });
    return *instances[k];
}

Encoding Tokenizer::encoding() const { return impl(this).m_encoding; }
bool Tokenizer::isValid() const { return impl(this).m_engine.has_value(); }
QString Tokenizer::errorString() const { return impl(this).m_error; }
int Tokenizer::vocabularySize() const
{
    const auto &eng = impl(this).m_engine;
    return eng ? eng->ranks().size() : 0;
}

std::vector<int> Tokenizer::encodeUtf8(const char *data, qsizetype size) const
{
    std::vector<int> out;
    const auto &eng = impl(this).m_engine;
    if (!eng || size <= 0)
        return out;
    out.reserve(std::size_t(size / 4 + 8));
    eng->encode(reinterpret_cast<const std::uint8_t *>(data), std::size_t(size), [&](int id) { out.push_back(id); });
    return out;
}

qsizetype Tokenizer::countUtf8(const char *data, qsizetype size) const
{
    if (size <= 0)
        return 0;
    const auto &eng = impl(this).m_engine;
    if (!eng)
        return (size + 3) / 4;   // degraded estimate; the load error was logged
    qsizetype n = 0;
    eng->encode(reinterpret_cast<const std::uint8_t *>(data), std::size_t(size), [&](int) { ++n; });
    return n;
}

std::vector<int> Tokenizer::encode(QStringView text) const
{
    const QByteArray u = toUtf8(text);
    return encodeUtf8(u.constData(), u.size());
}

qsizetype Tokenizer::count(QStringView text) const
{
    const QByteArray u = toUtf8(text);
    return countUtf8(u.constData(), u.size());
}

qsizetype Tokenizer::countUtf8(const QByteArray &utf8) const { return countUtf8(utf8.constData(), utf8.size()); }

QByteArray Tokenizer::decodeBytes(const std::vector<int> &ids) const
{
    QByteArray out;
    const auto &eng = impl(this).m_engine;
    if (!eng)
        return out;
    for (int id : ids)
        eng->ranks().appendTokenBytes(id, out);
    return out;
}

QString encodingName(Encoding e)
{
    return e == Encoding::O200kBase ? QStringLiteral("o200k_base") : QStringLiteral("cl100k_base");
}

Encoding encodingForModel(const QString &provider, const QString &model)
{
    const QString p = provider.toLower();
    if (!p.isEmpty() && providerTraits(p).tokenizer != TokenizerKind::Exact && p != QLatin1String("azure"))
        return Encoding::O200kBase;   // base encoding for factor estimates of other families
    // Strip a "provider/" prefix and fine-tune wrappers ("ft:gpt-4o-mini:org::id").
    QString m = model.toLower();
    if (const qsizetype slash = m.lastIndexOf(QLatin1Char('/')); slash >= 0)
        m = m.mid(slash + 1);
    if (m.startsWith(QLatin1String("ft:")))
        m = m.mid(3);
    // Order matters: "gpt-4o" and "gpt-4.1" also start with "gpt-4".
    static const char *const o200k[] = {"gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "gpt-oss", "chatgpt-4o",
                                        "o1", "o3", "o4", "codex-"};
    for (const char *pre : o200k) {
        if (m.startsWith(QLatin1String(pre)))
            return Encoding::O200kBase;
    }
    static const char *const cl100k[] = {"gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002",
                                         "davinci-002", "babbage-002"};
    for (const char *pre : cl100k) {
        if (m.startsWith(QLatin1String(pre)))
            return Encoding::Cl100kBase;
    }
    return Encoding::O200kBase;   // newest family by default: unknown names are most likely new models
}

std::vector<qsizetype> countTokensParallel(Encoding e, const QList<QByteArray> &utf8Texts)
{
    const Tokenizer &tok = Tokenizer::get(e);   // load once before fanning out
    std::vector<qsizetype> counts(std::size_t(utf8Texts.size()));
    QList<qsizetype> idx(utf8Texts.size());
    for (qsizetype i = 0; i < idx.size(); ++i)
        idx[i] = i;
    QtConcurrent::blockingMap(idx, [&](qsizetype i) { counts[std::size_t(i)] = tok.countUtf8(utf8Texts[i]); });
    return counts;
}

std::vector<qsizetype> countTokensParallel(Encoding e, const QStringList &texts)
{
    const Tokenizer &tok = Tokenizer::get(e);
    std::vector<qsizetype> counts(std::size_t(texts.size()));
    QList<qsizetype> idx(texts.size());
    for (qsizetype i = 0; i < idx.size(); ++i)
        idx[i] = i;
    QtConcurrent::blockingMap(idx, [&](qsizetype i) { counts[std::size_t(i)] = tok.count(texts[i]); });
    return counts;
}

} // namespace wb
