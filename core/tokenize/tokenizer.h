#pragma once
// Exact tiktoken-compatible BPE (o200k_base, cl100k_base) and model -> encoding mapping.
#include <QByteArray>
#include <QString>
#include <QStringView>
#include <vector>

namespace wb {

enum class Encoding { O200kBase, Cl100kBase };

/// Thread-safe after construction; instances are shared and loaded once from resources.
class Tokenizer {
public:
    static const Tokenizer &get(Encoding e);
    /// Like tiktoken's encode_ordinary (special-token text is plain text).
    std::vector<int> encode(QStringView text) const;
    qsizetype count(QStringView text) const;
    qsizetype countUtf8(const QByteArray &utf8) const;
    Encoding encoding() const;
    virtual ~Tokenizer() = default;
protected:
    Tokenizer() = default;
};

/// Which encoding a model uses (OpenAI families exact; others a base for estimates).
Encoding encodingForModel(const QString &provider, const QString &model);
QString encodingName(Encoding e);

} // namespace wb
