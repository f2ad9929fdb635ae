#pragma once
// A Google service account made up for one test: a fresh 2048-bit RSA key generated with
// libcrypto at test time (no key is committed), its JSON credentials naming a loopback token_uri,
// and the public key the simulator checks the JWT signatures against. Link OpenSSL::Crypto.
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <openssl/evp.h>
#include <openssl/pem.h>

namespace wb::test {

struct TestServiceAccount {
    QString clientEmail;
    QByteArray privateKeyPem;   ///< PKCS#8
    QByteArray publicKeyPem;    ///< SubjectPublicKeyInfo

    /// The credentials JSON a user would download from Google Cloud, with this token_uri.
    QByteArray credentialsJson(const QString &tokenUri, const QString &projectId = QStringLiteral("test-project")) const
    {
        return QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("service_account")},
                                         {QStringLiteral("project_id"), projectId},
                                         {QStringLiteral("private_key_id"), QStringLiteral("test-key-1")},
                                         {QStringLiteral("private_key"), QString::fromLatin1(privateKeyPem)},
                                         {QStringLiteral("client_email"), clientEmail},
                                         {QStringLiteral("token_uri"), tokenUri}})
            .toJson();
    }
};

inline QByteArray pemOf(EVP_PKEY *key, bool isPrivate)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (isPrivate)
        PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    else
        PEM_write_bio_PUBKEY(bio, key);
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    QByteArray out(data, n);
    BIO_free(bio);
    return out;
}

inline TestServiceAccount makeTestServiceAccount(const QString &name = QStringLiteral("runner"))
{
    TestServiceAccount a;
    a.clientEmail = name + QStringLiteral("@test-project.iam.gserviceaccount.com");
    EVP_PKEY *key = EVP_RSA_gen(2048);
    if (!key)
        return a;
    a.privateKeyPem = pemOf(key, true);
    a.publicKeyPem = pemOf(key, false);
    EVP_PKEY_free(key);
    return a;
}

} // namespace wb::test
