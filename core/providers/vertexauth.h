#pragma once
// OAuth access tokens for Vertex AI from a Google service account (docs/PROVIDERS.md, "Vertex AI"):
// an RS256-signed JWT assertion (OpenSSL libcrypto) is exchanged at the account's token_uri for a
// Bearer token, which is cached and refreshed before it expires. The private key and the tokens
// never reach a log, a message or a file; the credentials file is read, never copied.
#include "core/common/result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace wb {

struct Deployment;

inline constexpr const char *kCloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

/// The fields of a service-account JSON key the token exchange needs.
struct ServiceAccount {
    QString clientEmail;
    QString privateKeyId;        ///< the JWT's kid (optional)
    QString tokenUri;            ///< https://oauth2.googleapis.com/token, or a loopback simulator
    QString projectId;
    QByteArray privateKeyPem;    ///< PKCS#8 PEM; a secret
};

/// Reads a service-account key (type service_account). Errors name `source` and the field,
/// never a value. token_uri must be https (or http to a loopback host: the simulator).
Result<ServiceAccount> parseServiceAccount(const QByteArray &json, const QString &source);
/// The service account a vertex_ai deployment uses (readGoogleCredentials + parseServiceAccount).
Result<ServiceAccount> loadServiceAccount(const QString &credentialsRef);

/// The token endpoint a vertex_ai deployment exchanges its assertion at: the account's token_uri,
/// except when both it and the deployment's api_base are loopback (a simulated project): then the
/// scheme, host and port of api_base with token_uri's path, so the credentials need not name the
/// port the simulator session actually got. A real (non-loopback) token_uri is never changed.
QString tokenUriFor(const ServiceAccount &account, const QString &apiBase);

/// base64url without padding (RFC 7515).
QByteArray base64Url(const QByteArray &data);

/// The signed JWT assertion for the token exchange: header {alg RS256, typ JWT, kid}, claims
/// {iss, scope, aud = token_uri, iat = nowSecs, exp = nowSecs + lifetimeSecs}.
Result<QByteArray> signedJwtAssertion(const ServiceAccount &account, const QString &scope, qint64 nowSecs,
                                      qint64 lifetimeSecs = 3600);

/// The form body POSTed to token_uri for an assertion.
QByteArray tokenRequestBody(const QByteArray &assertion);

struct AccessToken {
    QString token;
    qint64 expiresInS = 0;
};
/// The token endpoint's answer: {access_token, expires_in, token_type} on 200; an error naming
/// the endpoint's error / error_description otherwise (never a token).
Result<AccessToken> parseTokenReply(int httpStatus, const QByteArray &body);

/// When to fetch the next token: 5 minutes before a token expires, or half-way through a token
/// that lives less than 10 minutes (never sooner than 1 s).
qint64 refreshDelayMs(qint64 expiresInS);

/// One service account's current access token, fetched and refreshed asynchronously on the
/// thread the object lives on (the engine thread), with its own QNetworkAccessManager.
class GoogleTokenSource final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GoogleTokenSource)
public:
    explicit GoogleTokenSource(ServiceAccount account, QString scope = QLatin1String(kCloudPlatformScope),
                               QObject *parent = nullptr);
    ~GoogleTokenSource() override;

    /// Schedules the first fetch; ready() or failed() follows, never from inside start().
    void start();
    /// The current token; empty before the first answer. A failed refresh keeps the old token
    /// (retried with back-off) until it expires.
    QString token() const { return m_token; }
    bool hasToken() const { return !m_token.isEmpty(); }
    QString lastError() const { return m_lastError; }
    /// Token requests sent so far (tests, diagnostics).
    int requestsSent() const { return m_requests; }
    QString clientEmail() const { return m_account.clientEmail; }
    QString tokenUri() const { return m_account.tokenUri; }

signals:
    void ready();                           ///< the first token arrived
    void failed(const QString &message);    ///< the first fetch failed (later failures are retried)
    void refreshed();                       ///< a later token replaced the current one

private:
    void fetch();
    void onReply(QNetworkReply *reply);
    void retryLater();

    ServiceAccount m_account;
    QString m_scope;
    QNetworkAccessManager *m_nam;
    QTimer *m_timer;
    QString m_token;
    qint64 m_expiresAtMs = 0;       ///< epoch ms
    QString m_lastError;
    int m_requests = 0;
    int m_failuresInRow = 0;
    bool m_started = false;
    bool m_inFlight = false;
};

/// Deployment id -> its token source, shared by everything that sends a vertex_ai call (the router
/// reads token() at each dispatch, so a refreshed token is used from the next call on). Owns the
/// sources; destroy it on their thread.
class AccessTokens final {
public:
    AccessTokens();
    ~AccessTokens();
    AccessTokens(const AccessTokens &) = delete;
    AccessTokens &operator=(const AccessTokens &) = delete;

    /// The source for this service account (one per client_email and token_uri), created on first use.
    GoogleTokenSource *sourceFor(const ServiceAccount &account);
    void assign(const QString &deploymentId, GoogleTokenSource *source);
    bool covers(const QString &deploymentId) const { return m_byDeployment.contains(deploymentId); }
    /// The deployment's current token ("" when it has none or is not covered).
    QString token(const QString &deploymentId) const;
    GoogleTokenSource *source(const QString &deploymentId) const { return m_byDeployment.value(deploymentId); }
    const std::vector<std::unique_ptr<GoogleTokenSource>> &sources() const { return m_sources; }

private:
    std::vector<std::unique_ptr<GoogleTokenSource>> m_sources;
    QHash<QString, GoogleTokenSource *> m_byDeployment;
};

} // namespace wb
