#pragma once
// One adapter per wire format (docs/ARCHITECTURE.md, "Conventions"): request builder + pure parser.
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
    virtual QString wireFormat() const = 0;   ///< "openai" | "anthropic" | "gemini" | "azure" | "vertex_ai"
    /// Builds the HTTP request for a chat call. apiKey goes only into the auth header.
    virtual BuiltRequest buildChat(const Deployment &d, const QString &apiKey, const ChatRequest &req) const = 0;
    /// Pure: status + headers + body -> completion or classified error, plus rate-limit headers.
    virtual ParsedReply parse(int httpStatus, const HeaderList &headers, const QByteArray &body) const = 0;
    /// parse() with the reply's arrival time given (ms since the epoch): reset timestamps and
    /// HTTP-date retry-after values are converted relative to it. parse() uses the current time;
    /// tests and callers that stamp replies on arrival use this. The built-in adapters override
    /// it; the default ignores nowMs so a fake adapter need only implement parse().
    virtual ParsedReply parseAt(int httpStatus, const HeaderList &headers, const QByteArray &body,
                                qint64 nowMs) const
    {
        Q_UNUSED(nowMs);
        return parse(httpStatus, headers, body);
    }
    /// Count-tokens endpoint where the provider has one (Anthropic, Gemini); nullopt otherwise.
    virtual std::optional<BuiltRequest> buildCountTokens(const Deployment &, const QString &, const ChatRequest &) const
    {
        return std::nullopt;
    }
    virtual std::optional<qint64> parseCountTokens(const QByteArray &) const { return std::nullopt; }

    /// Adapter for a provider prefix (the wire format of its row in core/common/provider.h);
    /// never null: unknown providers get the OpenAI format.
    static std::shared_ptr<const ProviderAdapter> forProvider(const QString &provider);

    /// Where requests go when api_base is empty: the traits table's requestApiBase
    /// (core/common/provider.h). Empty where the adapter builds the host (Vertex AI, Azure) or
    /// an explicit api_base is needed (hosted_vllm, lm_studio, unknown providers).
    static QString defaultApiBase(const QString &provider);

protected:
    /// d.apiBase (or the provider default) without trailing slashes.
    static QString baseFor(const Deployment &d);
    /// POST request with JSON content type and our user agent; HTTP/2 allowed so one connection
    /// carries many calls (QNetworkAccessManager opens at most six HTTP/1.1 connections per host).
    static QNetworkRequest jsonRequest(const QUrl &url);
};

/// Classifies a transport failure (QNetworkReply::NetworkError + errorString): resets, timeouts,
/// refused, TLS/proxy hiccups -> Transient; errors that can never succeed (host or proxy name
/// not resolvable, unknown scheme, redirect loops) -> Fatal; proxy authentication -> Auth.
/// code = the enum name ("HostNotFoundError"), type = "network".
ProviderError classifyNetworkError(int qnetworkReplyError, const QString &errorString);

} // namespace wb
