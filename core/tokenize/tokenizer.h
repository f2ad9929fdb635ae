#pragma once
// Exact tiktoken-compatible BPE (o200k_base, cl100k_base) and model -> encoding mapping.
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <vector>

namespace wb {

enum class Encoding { O200kBase, Cl100kBase };

/// Thread-safe after construction; instances are shared and loaded once from resources.
/// Results equal OpenAI tiktoken's `encode_ordinary` (npm tiktoken 1.0.22 as reference):
/// split patterns, Unicode 16.0 classes, ranks verified against their pinned sha256.
class Tokenizer {
public:
    /// Loads on first use (thread-safe, std::call_once; ~tens of ms), then returns the shared instance.
    static const Tokenizer &get(Encoding e);
    /// Like tiktoken's encode_ordinary (special-token text is plain text).
    std::vector<int> encode(QStringView text) const;
    qsizetype count(QStringView text) const;
    qsizetype countUtf8(const QByteArray &utf8) const;
    Encoding encoding() const;
    virtual ~Tokenizer() = default;

    // Extensions beyond plain encoding.
    /// UTF-8 input without conversion; invalid bytes are classed as U+FFFD one by one but their
    /// bytes are encoded as they are.
    std::vector<int> encodeUtf8(const char *data, qsizetype size) const;
    qsizetype countUtf8(const char *data, qsizetype size) const;
    /// Concatenated bytes of the tokens (inverse of encodeUtf8); unknown ids are skipped.
    QByteArray decodeBytes(const std::vector<int> &ids) const;
    /// False only if the embedded rank file failed to load (then counts are bytes/4 estimates).
    bool isValid() const;
    QString errorString() const;
    /// Ordinary tokens in the vocabulary (200000 - 2 for o200k, 100256 for cl100k).
    int vocabularySize() const;

protected:
    Tokenizer() = default;
};

/// Which encoding a model uses (OpenAI families exact; others a base for estimates).
Encoding encodingForModel(const QString &provider, const QString &model);
QString encodingName(Encoding e);

/// Token counts of many UTF-8 texts, spread over QThreadPool::globalInstance() (QtConcurrent).
/// Never call from the UI thread for large inputs: it blocks until all are counted.
std::vector<qsizetype> countTokensParallel(Encoding e, const QList<QByteArray> &utf8Texts);
std::vector<qsizetype> countTokensParallel(Encoding e, const QStringList &texts);

} // namespace wb
