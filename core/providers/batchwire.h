#pragma once
// The providers' batch APIs (docs/PROVIDERS.md, "Batch APIs"): request builders and pure parsers,
// one dialect each for OpenAI (/v1/files + /v1/batches), Mistral (/v1/files + /v1/batch/jobs),
// Anthropic (/v1/messages/batches) and Gemini (models/{m}:batchGenerateContent, batches/{id}).
// Each item's body is the chat body the live adapter builds, and each item's reply is parsed by
// the live adapter's parser, so a batch result is validated exactly like a live one.
#include "core/config/modellist.h"
#include "core/providers/provideradapter.h"

#include <QList>
#include <memory>

namespace wb {

enum class BatchDialect { None, OpenAi, Mistral, Anthropic, Gemini };
/// The batch dialect of a deployment's provider; None where we do not speak its batch API
/// (Azure, Vertex AI, OpenAI-compatible servers): such runs stay live.
BatchDialect batchDialectFor(const QString &provider);
QString batchDialectName(BatchDialect d);   ///< "openai" | "mistral" | "anthropic" | "gemini" | ""
/// Why a provider's calls stay live in batch mode, in words for the event log (empty when it has a
/// batch dialect): Vertex AI's batch prediction reads from Cloud Storage or BigQuery, ...
QString batchUnsupportedReason(const QString &provider);

/// What one batch may hold (published limits; docs/PROVIDERS.md).
struct BatchLimits {
    qint64 maxRequests = 0;
    qint64 maxBytes = 0;   ///< of the input file, or the create request for inline dialects
};
BatchLimits batchLimits(BatchDialect d);

/// A batch's state, normalised over the four dialects. The order matters: below Ended it is open.
enum class BatchState { Submitting, Validating, InProgress, Finalizing, Cancelling, Ended, Failed, Expired, Cancelled };
QString batchStateName(BatchState s);                 ///< "submitting", "in_progress", ... (stored)
BatchState batchStateFromName(const QString &name);   ///< unknown -> InProgress
/// No more work happens at the provider: results (if any) can be fetched.
inline bool batchStateFinal(BatchState s) { return s >= BatchState::Ended; }

struct BatchStatus {
    QString id;                  ///< batch id ("batch_…", "msgbatch_…", "batches/…", job uuid)
    BatchState state = BatchState::InProgress;
    QString providerState;       ///< as the provider wrote it ("in_progress", "BATCH_STATE_RUNNING", ...)
    qint64 total = 0, succeeded = 0, failed = 0, processing = 0, expired = 0, cancelled = 0;
    QString outputFile;          ///< OpenAI/Mistral output file id; Gemini responsesFile
    QString errorFile;           ///< OpenAI/Mistral error file id
    QString resultsUrl;          ///< Anthropic results_url
    QByteArray inlineResults;    ///< Gemini inlined responses, as JSON (parse with parseGeminiInline)
    QString error;               ///< batch-level failure reason (validation errors, ...)
};

/// One item of a batch's results.
struct BatchItemResult {
    QString customId;
    enum class Kind { Reply, Expired, Cancelled } kind = Kind::Reply;
    ParsedReply reply;           ///< Kind::Reply: completion or classified error (the live parser's)
};

/// Builds the HTTP requests of one deployment's batches. Authentication headers are the live
/// adapter's (they are copied from the chat request it builds), so keys are handled in one place.
class BatchWire {
public:
    BatchWire(const Deployment &d, const QString &apiKey);
    BatchDialect dialect() const { return m_dialect; }

    /// One line of the input (JSONL for OpenAI/Mistral; a JSON object of the request list for
    /// Anthropic and Gemini), carrying the live chat body. customId: [A-Za-z0-9_-]{1,64}.
    QByteArray item(const QString &customId, const ChatRequest &req) const;
    /// Bytes item() adds to the input (line plus separator), for the size limits.
    static qint64 itemOverhead() { return 1; }

    /// OpenAI and Mistral upload a JSONL file first; Anthropic and Gemini send the items inline.
    bool uploadsFile() const { return m_dialect == BatchDialect::OpenAi || m_dialect == BatchDialect::Mistral; }
    BuiltRequest upload(const QList<QByteArray> &items, const QString &fileName) const;   ///< multipart, purpose=batch
    BuiltRequest create(const QString &fileId, const QList<QByteArray> &items, const QString &displayName) const;
    BuiltRequest status(const QString &batchId) const;   ///< GET
    BuiltRequest cancel(const QString &batchId) const;   ///< POST
    /// GET of the results: an output/error file's content, Anthropic's results_url, Gemini's responses file.
    BuiltRequest results(const QString &fileOrUrl) const;

    /// The id of an uploaded file ({"id": "file-…"}), or the provider's error.
    Result<QString> parseUpload(int httpStatus, const QByteArray &body) const;
    /// A create, status or cancel reply: the batch's status, or the provider's error (message
    /// and class as the live parser classifies them).
    Result<BatchStatus> parseStatus(int httpStatus, const QByteArray &body) const;
    /// Classifies a failed batch-API reply with the live parser (rate-limited, auth, ...).
    ProviderError errorOf(int httpStatus, const QByteArray &body) const;
    /// A results file / results stream: one item per line (any order).
    QList<BatchItemResult> parseResults(const QByteArray &jsonl) const;
    /// Gemini's inlined responses (BatchStatus::inlineResults); keys from each item's metadata.key.
    QList<BatchItemResult> parseGeminiInline(const QByteArray &inlineJson) const;

private:
    BuiltRequest withAuth(const QUrl &url, QByteArray body, const QByteArray &contentType) const;
    BatchItemResult itemFromReply(const QString &customId, int status, const QByteArray &body) const;

    BatchDialect m_dialect = BatchDialect::None;
    Deployment m_deployment;
    std::shared_ptr<const ProviderAdapter> m_adapter;
    QString m_root;        ///< OpenAI/Mistral ".../v1", Anthropic ".../v1/messages", Gemini "...host" (no /v1beta)
    QUrl m_chatUrl;
    QList<QPair<QByteArray, QByteArray>> m_authHeaders;
};

} // namespace wb
