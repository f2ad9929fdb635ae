#include "core/providers/vertexauth.h"

#include "core/common/logging.h"
#include "core/config/googlecredentials.h"
#include "core/config/modellist.h"
#include "core/providers/wireparsing.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>

namespace wb {

namespace {

constexpr qint64 kEarlyRefreshS = 300;
constexpr qint64 kMinDelayMs = 1000;
constexpr qint64 kMaxRetryMs = 60'000;

struct BioFree { void operator()(BIO *b) const { BIO_free(b); } };
struct PkeyFree { void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); } };
struct MdCtxFree { void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); } };

QByteArray compactJson(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

} // namespace

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Result<ServiceAccount> parseServiceAccount(const QByteArray &json, const QString &source)
{
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (!doc.isObject())
        return fail(QStringLiteral("the service-account credentials are not a JSON object (%1)").arg(perr.errorString()),
                    source);
    const QJsonObject o = doc.object();
    const QString type = o.value(QLatin1String("type")).toString();
    if (type != u"service_account")
        return fail(QStringLiteral("type: expected \"service_account\" credentials, got \"%1\"").arg(type), source);
    ServiceAccount a;
    a.clientEmail = o.value(QLatin1String("client_email")).toString();
    a.privateKeyId = o.value(QLatin1String("private_key_id")).toString();
    a.tokenUri = o.value(QLatin1String("token_uri")).toString(QStringLiteral("https://oauth2.googleapis.com/token"));
    a.projectId = o.value(QLatin1String("project_id")).toString();
    a.privateKeyPem = o.value(QLatin1String("private_key")).toString().toUtf8();
    if (a.clientEmail.isEmpty())
        return fail(QStringLiteral("client_email: missing from the service-account credentials"), source);
    if (!a.privateKeyPem.contains("PRIVATE KEY"))
        return fail(QStringLiteral("private_key: missing or not a PEM private key"), source);
    const QUrl uri(a.tokenUri);
    const bool https = uri.scheme() == u"https";
    if (!uri.isValid() || uri.host().isEmpty() || (!https && !(uri.scheme() == u"http" && isLoopbackHost(uri.host()))))
        return fail(QStringLiteral("token_uri: expected an https:// URL (plain http only to a loopback host)"), source);
    return a;
}

Result<ServiceAccount> loadServiceAccount(const QString &credentialsRef)
{
    auto text = readGoogleCredentials(credentialsRef);
    if (!text)
        return std::unexpected(text.error());
    // Name where the key came from, never what it is (a ref may be inline JSON).
    const QString ref = credentialsRef.trimmed();
    const QString source = ref.isEmpty() ? QStringLiteral("GOOGLE_APPLICATION_CREDENTIALS")
                           : ref.startsWith(u'{') ? QStringLiteral("vertex_credentials (inline JSON)")
                                                  : ref;
    return parseServiceAccount(*text, source);
}

QString tokenUriFor(const ServiceAccount &account, const QString &apiBase)
{
    QUrl token(account.tokenUri);
    const QUrl base(apiBase);
    if (!isLoopbackHost(token.host()) || base.host().isEmpty() || !isLoopbackHost(base.host()))
        return account.tokenUri;
    token.setScheme(base.scheme());
    token.setHost(base.host());
    token.setPort(base.port(-1));
    return token.toString();
}

Result<QByteArray> signedJwtAssertion(const ServiceAccount &account, const QString &scope, qint64 nowSecs,
                                      qint64 lifetimeSecs)
{
    QJsonObject header{{QStringLiteral("alg"), QStringLiteral("RS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
    if (!account.privateKeyId.isEmpty())
        header.insert(QStringLiteral("kid"), account.privateKeyId);
    const QJsonObject claims{{QStringLiteral("iss"), account.clientEmail},
                             {QStringLiteral("scope"), scope},
                             {QStringLiteral("aud"), account.tokenUri},
                             {QStringLiteral("iat"), nowSecs},
                             {QStringLiteral("exp"), nowSecs + lifetimeSecs}};
    const QByteArray signingInput = base64Url(compactJson(header)) + '.' + base64Url(compactJson(claims));

    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(account.privateKeyPem.constData(), int(account.privateKeyPem.size())));
    std::unique_ptr<EVP_PKEY, PkeyFree> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
        return fail(QStringLiteral("private_key: not a readable RSA private key (service account %1)").arg(account.clientEmail));
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    size_t length = 0;
    const auto *data = reinterpret_cast<const unsigned char *>(signingInput.constData());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length, data, size_t(signingInput.size())) != 1)
        return fail(QStringLiteral("cannot sign the token request (service account %1)").arg(account.clientEmail));
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, data,
                       size_t(signingInput.size())) != 1)
        return fail(QStringLiteral("cannot sign the token request (service account %1)").arg(account.clientEmail));
    signature.truncate(qsizetype(length));
    return signingInput + '.' + base64Url(signature);
}

QByteArray tokenRequestBody(const QByteArray &assertion)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer"));
    q.addQueryItem(QStringLiteral("assertion"), QString::fromLatin1(assertion));
    return q.toString(QUrl::FullyEncoded).toLatin1();
}

Result<AccessToken> parseTokenReply(int httpStatus, const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (httpStatus != 200) {
        // {"error":"invalid_grant","error_description":"Invalid JWT Signature."}
        const QString error = wire::scalarText(o.value(QLatin1String("error")));
        const QString description = o.value(QLatin1String("error_description")).toString();
        QString message = QStringLiteral("the token endpoint answered HTTP %1").arg(httpStatus);
        if (!error.isEmpty())
            message += QStringLiteral(": ") + error;
        if (!description.isEmpty())
            message += QStringLiteral(" (") + wire::sanitizeMessage(description) + QLatin1Char(')');
        return fail(message);
    }
    AccessToken t;
    t.token = o.value(QLatin1String("access_token")).toString();
    t.expiresInS = o.value(QLatin1String("expires_in")).toInteger(3600);
    if (t.token.isEmpty())
        return fail(QStringLiteral("the token endpoint's answer has no access_token"));
    if (t.expiresInS <= 0)
        return fail(QStringLiteral("the token endpoint's answer has no positive expires_in"));
    return t;
}

qint64 refreshDelayMs(qint64 expiresInS)
{
    const qint64 lead = std::min(kEarlyRefreshS, expiresInS / 2);
    return std::max(kMinDelayMs, (expiresInS - lead) * 1000);
}

// ---- GoogleTokenSource -------------------------------------------------------------------------

GoogleTokenSource::GoogleTokenSource(ServiceAccount account, QString scope, QObject *parent)
    : QObject(parent), m_account(std::move(account)), m_scope(std::move(scope)), m_nam(new QNetworkAccessManager(this)),
      m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &GoogleTokenSource::fetch);
}

GoogleTokenSource::~GoogleTokenSource() = default;

void GoogleTokenSource::start()
{
    if (m_started)
        return;
    m_started = true;
    m_timer->start(0);
}

void GoogleTokenSource::fetch()
{
    if (m_inFlight)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto assertion = signedJwtAssertion(m_account, m_scope, now / 1000);
    if (!assertion) {
        m_lastError = assertion.error().message;
        if (!hasToken())
            emit failed(m_lastError);   // a key that cannot sign never will: no retry
        return;
    }
    QNetworkRequest request{QUrl(m_account.tokenUri)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setTransferTimeout(30'000);
    m_inFlight = true;
    ++m_requests;
    QNetworkReply *reply = m_nam->post(request, tokenRequestBody(*assertion));
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReply(reply); });
}

void GoogleTokenSource::onReply(QNetworkReply *reply)
{
    reply->deleteLater();
    m_inFlight = false;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    Result<AccessToken> t = status > 0 ? parseTokenReply(status, reply->readAll())
                                       : Result<AccessToken>(fail(QStringLiteral("cannot reach the token endpoint: ")
                                                                  + wire::sanitizeMessage(reply->errorString())));
    if (!t) {
        m_lastError = QStringLiteral("service account %1: %2").arg(m_account.clientEmail, t.error().message);
        qCWarning(lcProvider).noquote() << "access token:" << m_lastError;
        if (!hasToken()) {
            emit failed(m_lastError);
            return;
        }
        retryLater();
        return;
    }
    const bool first = !hasToken();
    m_token = t->token;
    m_failuresInRow = 0;
    m_lastError.clear();
    m_expiresAtMs = QDateTime::currentMSecsSinceEpoch() + t->expiresInS * 1000;
    m_timer->start(std::chrono::milliseconds(refreshDelayMs(t->expiresInS)));
    qCDebug(lcProvider) << "access token for" << m_account.clientEmail << "valid for" << t->expiresInS << "s";
    if (first)
        emit ready();
    else
        emit refreshed();
}

void GoogleTokenSource::retryLater()
{
    // Keep the current token while it lasts; try again with back-off, but before it expires.
    ++m_failuresInRow;
    const qint64 left = m_expiresAtMs - QDateTime::currentMSecsSinceEpoch();
    const qint64 backoff = std::min<qint64>(kMaxRetryMs, 1000LL << std::min(m_failuresInRow, 6));
    m_timer->start(std::chrono::milliseconds(std::clamp<qint64>(std::min(backoff, left / 2), 200, kMaxRetryMs)));
}

// ---- AccessTokens -------------------------------------------------------------------------------

AccessTokens::AccessTokens() = default;
AccessTokens::~AccessTokens() = default;

GoogleTokenSource *AccessTokens::sourceFor(const ServiceAccount &account)
{
    for (const auto &s : m_sources) {
        if (s->clientEmail() == account.clientEmail && s->tokenUri() == account.tokenUri)
            return s.get();
    }
    auto source = std::make_unique<GoogleTokenSource>(account);
    m_sources.push_back(std::move(source));
    return m_sources.back().get();
}

void AccessTokens::assign(const QString &deploymentId, GoogleTokenSource *source)
{
    m_byDeployment.insert(deploymentId, source);
}

QString AccessTokens::token(const QString &deploymentId) const
{
    const GoogleTokenSource *s = m_byDeployment.value(deploymentId);
    return s ? s->token() : QString();
}

} // namespace wb
