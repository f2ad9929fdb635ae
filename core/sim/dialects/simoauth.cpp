#include "core/sim/dialects/simoauth.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace wb::sim {

namespace {

struct BioFree { void operator()(BIO *b) const { BIO_free(b); } };
struct PkeyFree { void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); } };
struct MdCtxFree { void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); } };

SimTokenGrant refuse(const QString &error, const QString &description)
{
    SimTokenGrant g;
    g.error = error;
    g.errorDescription = description;
    return g;
}

QJsonObject jsonPart(const QByteArray &b64)
{
    return QJsonDocument::fromJson(QByteArray::fromBase64(b64, QByteArray::Base64UrlEncoding)).object();
}

bool verifyRs256(const QByteArray &publicKeyPem, const QByteArray &signingInput, const QByteArray &signature)
{
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(publicKeyPem.constData(), int(publicKeyPem.size())));
    std::unique_ptr<EVP_PKEY, PkeyFree> key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(signature.constData()), size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(signingInput.constData()), size_t(signingInput.size()))
        == 1;
}

} // namespace

SimTokenGrant verifyJwtGrant(const QByteArray &formBody, const QList<SimServiceAccount> &accounts, qint64 nowSecs)
{
    const QUrlQuery form(QString::fromLatin1(formBody));
    if (form.queryItemValue(QStringLiteral("grant_type"), QUrl::FullyDecoded) != u"urn:ietf:params:oauth:grant-type:jwt-bearer")
        return refuse(QStringLiteral("unsupported_grant_type"), QStringLiteral("Invalid grant_type."));
    const QByteArray jwt = form.queryItemValue(QStringLiteral("assertion"), QUrl::FullyDecoded).toLatin1();
    const QList<QByteArray> parts = jwt.split('.');
    if (parts.size() != 3)
        return refuse(QStringLiteral("invalid_request"), QStringLiteral("Invalid JWT: not three segments."));
    const QJsonObject header = jsonPart(parts[0]);
    const QJsonObject claims = jsonPart(parts[1]);
    if (header.value(QLatin1String("alg")).toString() != u"RS256")
        return refuse(QStringLiteral("invalid_grant"), QStringLiteral("Invalid JWT: alg must be RS256."));
    const QString iss = claims.value(QLatin1String("iss")).toString();
    const SimServiceAccount *account = nullptr;
    for (const SimServiceAccount &a : accounts) {
        if (a.clientEmail == iss)
            account = &a;
    }
    if (!account)
        return refuse(QStringLiteral("invalid_grant"), QStringLiteral("Invalid JWT: unknown issuer."));
    const QByteArray signature = QByteArray::fromBase64(parts[2], QByteArray::Base64UrlEncoding);
    if (!verifyRs256(account->publicKeyPem, parts[0] + '.' + parts[1], signature))
        return refuse(QStringLiteral("invalid_grant"), QStringLiteral("Invalid JWT Signature."));
    if (!claims.value(QLatin1String("aud")).toString().endsWith(u"/token"))
        return refuse(QStringLiteral("invalid_grant"), QStringLiteral("Invalid JWT: Failed audience check."));
    if (claims.value(QLatin1String("scope")).toString().isEmpty())
        return refuse(QStringLiteral("invalid_scope"), QStringLiteral("Invalid OAuth scope or ID token audience provided."));
    const qint64 iat = claims.value(QLatin1String("iat")).toInteger();
    const qint64 exp = claims.value(QLatin1String("exp")).toInteger();
    if (iat > nowSecs + 60 || exp <= nowSecs || exp - iat > 3600)
        return refuse(QStringLiteral("invalid_grant"),
                      QStringLiteral("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."));
    SimTokenGrant g;
    g.ok = true;
    g.clientEmail = iss;
    return g;
}

} // namespace wb::sim
