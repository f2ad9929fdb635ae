#include "core/providers/provideradapter.h"

#include "core/common/provider.h"
#include "core/providers/anthropicadapter.h"
#include "core/providers/azureadapter.h"
#include "core/providers/geminiadapter.h"
#include "core/providers/openaiadapter.h"
#include "core/providers/vertexadapter.h"
#include "core/providers/wireparsing.h"

#include <QCoreApplication>
#include <QMetaEnum>
#include <QNetworkReply>

namespace wb {

QString errorClassName(ErrorClass c)
{
    switch (c) {
    case ErrorClass::None: return QStringLiteral("none");
    case ErrorClass::RateLimited: return QStringLiteral("rate_limited");
    case ErrorClass::Overloaded: return QStringLiteral("overloaded");
    case ErrorClass::ContextTooLong: return QStringLiteral("context_too_long");
    case ErrorClass::Auth: return QStringLiteral("auth");
    case ErrorClass::Transient: return QStringLiteral("transient");
    case ErrorClass::Fatal: return QStringLiteral("fatal");
    case ErrorClass::BudgetExceeded: return QStringLiteral("budget_exceeded");
    }
    return QStringLiteral("unknown");
}

bool RateLimitHeaders::any() const
{
    return limitRequests || remainingRequests || resetRequestsMs || limitTokens || remainingTokens
        || resetTokensMs || limitInputTokens || remainingInputTokens || resetInputTokensMs
        || limitOutputTokens || remainingOutputTokens || resetOutputTokensMs || retryAfterMs;
}

std::shared_ptr<const ProviderAdapter> ProviderAdapter::forProvider(const QString &provider)
{
    // Adapters are stateless, so one shared instance each serves every thread.
    static const auto openai = std::make_shared<const OpenAiAdapter>();
    static const auto openaiDailyRequests = std::make_shared<const OpenAiAdapter>(false);
    static const auto anthropic = std::make_shared<const AnthropicAdapter>();
    static const auto gemini = std::make_shared<const GeminiAdapter>();
    static const auto azure = std::make_shared<const AzureAdapter>();
    static const auto vertex = std::make_shared<const VertexAdapter>();
    const ProviderTraits &t = providerTraits(provider);
    switch (t.wireFormat) {
    case WireFormat::Anthropic: return anthropic;
    case WireFormat::Gemini: return gemini;
    case WireFormat::AzureOpenAi: return azure;
    case WireFormat::VertexAi: return vertex;
    case WireFormat::OpenAi: break;
    }
    return t.requestHeadersPerMinute ? openai : openaiDailyRequests;
}

QString ProviderAdapter::defaultApiBase(const QString &provider)
{
    // Vertex AI's host depends on the location and Azure's on the resource: the adapters build them.
    return QLatin1String(providerTraits(provider).requestApiBase);
}

QString ProviderAdapter::baseFor(const Deployment &d)
{
    QString base = d.apiBase.trimmed();
    if (base.isEmpty())
        base = defaultApiBase(d.provider);
    while (base.endsWith(u'/'))
        base.chop(1);
    return base;
}

QNetworkRequest ProviderAdapter::jsonRequest(const QUrl &url)
{
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    r.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    const QByteArray version = QCoreApplication::applicationVersion().toLatin1();
    r.setHeader(QNetworkRequest::UserAgentHeader,
                QByteArray("discernus-workbench/" + (version.isEmpty() ? QByteArray("dev") : version)));
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    // Never follow a redirect from https to http: the auth header would travel in clear text.
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    return r;
}

ProviderError classifyNetworkError(int qnetworkReplyError, const QString &errorString)
{
    using E = QNetworkReply::NetworkError;
    ProviderError e;
    e.httpStatus = 0;
    e.type = QStringLiteral("network");
    const char *name = QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(qnetworkReplyError);
    e.code = name ? QString::fromLatin1(name) : QString::number(qnetworkReplyError);
    e.message = wire::sanitizeMessage(errorString);
    if (e.message.isEmpty())
        e.message = e.code;

    switch (static_cast<E>(qnetworkReplyError)) {
    case E::HostNotFoundError:
        e.errorClass = ErrorClass::Fatal;
        e.message = QStringLiteral("cannot resolve host: ") + e.message;
        break;
    case E::ProxyNotFoundError:
        e.errorClass = ErrorClass::Fatal;
        e.message = QStringLiteral("cannot resolve proxy host: ") + e.message;
        break;
    case E::ProtocolUnknownError:            // bad URL scheme: configuration, not luck
    case E::ProtocolInvalidOperationError:
    case E::TooManyRedirectsError:
    case E::InsecureRedirectError:
    case E::ContentOperationNotPermittedError:
    case E::ContentNotFoundError:
    case E::ContentGoneError:
    case E::OperationNotImplementedError:
        e.errorClass = ErrorClass::Fatal;
        break;
    case E::AuthenticationRequiredError:
    case E::ProxyAuthenticationRequiredError:
    case E::ContentAccessDenied:
        e.errorClass = ErrorClass::Auth;
        break;
    default:
        // Refused / reset / remote close / timeout (OperationCanceledError is how a transfer
        // timeout ends) / temporary failure / TLS or proxy handshake / protocol failure:
        // another attempt may well succeed.
        e.errorClass = ErrorClass::Transient;
        break;
    }
    return e;
}

} // namespace wb
