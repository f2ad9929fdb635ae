#pragma once
// One adapter per wire format (DESIGN §1, STYLE §6): request builder + pure parser.
#include "core/config/modellist.h"
#include "core/providers/providertypes.h"

#include <QNetworkRequest>
#include <memory>

namespace wb {

struct BuiltRequest {
    QNetworkRequest request;
    QByteArray body;
};

class ProviderAdapter {
public:
    virtual ~ProviderAdapter() = default;
    virtual QString wireFormat() const = 0;   ///< "openai" | "anthropic" | "gemini"
    /// Builds the HTTP request for a chat call. apiKey goes only into the auth header.
    virtual BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const = 0;
    /// Pure: status + headers + body -> completion or classified error, plus rate-limit headers.
    virtual ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const = 0;
    /// Count-tokens endpoint where the provider has one (Anthropic, Gemini); nullopt otherwise.
    virtual std::optional<BuiltRequest> buildCountTokens(const Deployment &, const QString &, const ChatRequest &) const
    {
        return std::nullopt;
    }
    virtual std::optional<qint64> parseCountTokens(const QByteArray &) const { return std::nullopt; }

    /// Adapter for a provider prefix (openai, mistral, anthropic, gemini, vertex_ai, or an
    /// OpenAI-compatible one); never null: unknown providers get the OpenAI format.
    static std::shared_ptr<const ProviderAdapter> forProvider(const QString &provider);
};

/// Classifies a transport failure (reset, timeout, TLS, refused) — always Transient
/// except for errors that can never succeed (bad host name -> Fatal).
ProviderError classifyNetworkError(int qnetworkReplyError, const QString &errorString);

} // namespace wb
