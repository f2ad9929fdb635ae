// The router's HTTP/1.1 client over TLS on loopback: a certificate made at test time (no key file
// in the tree), served by QSslSocket::startServerEncryption. Round trip and keep-alive reuse,
// chunked bodies, an untrusted certificate and a certificate for another name (both must fail the
// handshake as a network error, before any byte of the request leaves), and trust through the
// client's SSL configuration or the application's default one.
#include "core/providers/provideradapter.h"
#include "core/router/httpclient.h"
#include "tests/core/router/scriptedhttp.h"

#include <QDateTime>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

using namespace wb;

namespace {

struct Identity {
    QSslCertificate cert;
    QSslKey key;
};

QByteArray drain(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(n));
}

/// A self-signed P-256 certificate valid for the names in `san` (e.g. "IP:127.0.0.1,DNS:localhost").
Identity makeIdentity(const char *commonName, const char *san)
{
    Identity id;
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
    if (!pkey || !x)
        return id;
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), long(QDateTime::currentMSecsSinceEpoch() & 0x7fffffff));
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 24 * 3600);
    X509_set_pubkey(x.get(), pkey.get());
    X509_NAME *name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(commonName), -1, -1, 0);
    X509_set_issuer_name(x.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
    if (X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san)) {
        X509_add_ext(x.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (!X509_sign(x.get(), pkey.get(), EVP_sha256()))
        return id;
    std::unique_ptr<BIO, decltype(&BIO_free)> certBio(BIO_new(BIO_s_mem()), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509(certBio.get(), x.get());
    PEM_write_bio_PrivateKey(keyBio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
    id.cert = QSslCertificate(drain(certBio.get()), QSsl::Pem);
    id.key = QSslKey(drain(keyBio.get()), QSsl::Ec, QSsl::Pem);
    return id;
}

/// Serves every connection over TLS with `identity`; answers each complete request (decrypted)
/// with the next scripted reply. Counts connections, finished handshakes and requests.
class TlsServer : public QTcpServer {
public:
    Identity identity;
    QList<QByteArray> replies;
    QList<QByteArray> requests;
    int connections = 0;
    int handshakes = 0;
    int handshakeErrors = 0;

    explicit TlsServer(Identity id) : identity(std::move(id)) { listen(QHostAddress::LocalHost); }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *s = new QSslSocket(this);
        if (!s->setSocketDescriptor(descriptor)) {
            delete s;
            return;
        }
        ++connections;
        s->setLocalCertificate(identity.cert);
        s->setPrivateKey(identity.key);
        s->setPeerVerifyMode(QSslSocket::VerifyNone);
        connect(s, &QSslSocket::encrypted, this, [this] { ++handshakes; });
        connect(s, &QSslSocket::errorOccurred, this, [this, s](QAbstractSocket::SocketError e) {
            if (e == QAbstractSocket::SslHandshakeFailedError || !s->isEncrypted())
                ++handshakeErrors;
        });
        auto buf = std::make_shared<QByteArray>();
        connect(s, &QSslSocket::readyRead, this, [this, s, buf] {
            *buf += s->readAll();
            while (const auto request = test::takeRequest(*buf)) {
                requests << *request;
                s->write(replies.isEmpty() ? test::noScriptedReply() : replies.takeFirst());
            }
        });
        s->startServerEncryption();
    }
};

QNetworkRequest requestTo(const QString &host, quint16 port)
{
    QNetworkRequest r(QUrl(u"https://%1:%2/v1/chat/completions"_qs.arg(host).arg(port)));
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    r.setRawHeader("Authorization", "Bearer sk-secret");
    return r;
}

QSslConfiguration trusting(const QSslCertificate &cert)
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.addCaCertificate(cert);
    return c;
}

HttpReply *roundTrip(HttpClient &client, const QNetworkRequest &req, const QByteArray &body, QObject *parent)
{
    HttpReply *r = client.post(req, body, parent);
    QSignalSpy done(r, &HttpReply::finished);
    if (!done.wait(10000))
        return nullptr;
    return r;
}

QByteArray ok(const QByteArray &body)
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TstHttpsClient final : public QObject {
    Q_OBJECT
    Identity m_local;   // for 127.0.0.1 and localhost

private slots:
    void initTestCase()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("no TLS backend in this Qt");
        m_local = makeIdentity("127.0.0.1", "IP:127.0.0.1,DNS:localhost");
        QVERIFY(!m_local.cert.isNull());
        QVERIFY(!m_local.key.isNull());
    }

    void untrustedCertificateFailsBeforeSending()
    {
        TlsServer server(m_local);
        QVERIFY(server.isListening());
        HttpClient client;   // the default configuration: the system's CAs only
        QObject owner;
        HttpReply *r = roundTrip(client, requestTo(u"127.0.0.1"_qs, server.serverPort()), "{\"secret\":1}", &owner);
        QVERIFY(r);
        QCOMPARE(r->status(), 0);
        QCOMPARE(r->error(), QNetworkReply::SslHandshakeFailedError);
        QVERIFY(!r->isSent());
        QVERIFY(r->body().isEmpty());
        const ProviderError e = classifyNetworkError(int(r->error()), r->errorString());
        QCOMPARE(e.type, u"network"_qs);
        QCOMPARE(e.code, u"SslHandshakeFailedError"_qs);
        QCOMPARE(client.connectionCount(), 0);
        // Nothing reached the server, encrypted or not.
        QTest::qWait(50);
        QVERIFY(server.requests.isEmpty());
        QCOMPARE(server.connections, 1);
    }

    void noByteInClearToAPlainServer()
    {
        // An https URL whose server does not speak TLS: all it may ever see is a TLS ClientHello.
        QTcpServer plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost));
        QByteArray seen;
        connect(&plain, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = plain.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [&seen, s] {
                    seen += s->readAll();
                    if (seen.size() > 5)
                        s->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                });
            }
        });
        HttpClient client;
        client.setSslConfiguration(trusting(m_local.cert));
        QObject owner;
        HttpReply *r = roundTrip(client, requestTo(u"127.0.0.1"_qs, plain.serverPort()), "{\"secret\":1}", &owner);
        QVERIFY(r);
        QCOMPARE(r->status(), 0);
        QVERIFY(r->error() != QNetworkReply::NoError);
        QVERIFY(!r->isSent());
        QVERIFY(!seen.isEmpty());
        QCOMPARE(quint8(seen.at(0)), quint8(0x16));   // a TLS handshake record
        QVERIFY(!seen.contains("POST"));
        QVERIFY(!seen.contains("sk-secret"));
        QVERIFY(!seen.contains("secret\""));
    }

    void roundTripAndKeepAliveOverTls()
    {
        TlsServer server(m_local);
        server.replies << ok("{\"n\":1}") << ok("{\"n\":2}");
        HttpClient client;
        client.setSslConfiguration(trusting(m_local.cert));
        QObject owner;
        const QNetworkRequest req = requestTo(u"127.0.0.1"_qs, server.serverPort());
        HttpReply *a = roundTrip(client, req, "{\"q\":1}", &owner);
        QVERIFY(a);
        QCOMPARE(a->error(), QNetworkReply::NoError);
        QCOMPARE(a->status(), 200);
        QVERIFY(a->isSent());
        QCOMPARE(a->body(), QByteArray("{\"n\":1}"));
        HttpReply *b = roundTrip(client, req, "{\"q\":2}", &owner);
        QVERIFY(b);
        QCOMPARE(b->status(), 200);
        QCOMPARE(b->body(), QByteArray("{\"n\":2}"));
        QCOMPARE(server.connections, 1);
        QCOMPARE(server.handshakes, 1);
        QCOMPARE(client.connectionCount(), 1);
        QCOMPARE(server.requests.size(), 2);
        QVERIFY(server.requests[0].startsWith("POST /v1/chat/completions HTTP/1.1\r\n"));
        QVERIFY(server.requests[0].contains("\r\nAuthorization: Bearer sk-secret\r\n"));
        QVERIFY(server.requests[1].endsWith("{\"q\":2}"));
    }

    void chunkedBodyOverTls()
    {
        TlsServer server(m_local);
        server.replies << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     "4\r\n{\"a\"\r\n6\r\n:\"bc\"}\r\n0\r\n\r\n")
                       << ok("{}");
        HttpClient client;
        client.setSslConfiguration(trusting(m_local.cert));
        QObject owner;
        const QNetworkRequest req = requestTo(u"localhost"_qs, server.serverPort());
        HttpReply *r = roundTrip(client, req, "{}", &owner);
        QVERIFY(r);
        QCOMPARE(r->error(), QNetworkReply::NoError);
        QCOMPARE(r->status(), 200);
        QCOMPARE(r->body(), QByteArray("{\"a\":\"bc\"}"));
        // The framing ended exactly at the last chunk: the connection carries the next exchange.
        HttpReply *next = roundTrip(client, req, "{}", &owner);
        QVERIFY(next);
        QCOMPARE(next->body(), QByteArray("{}"));
        QCOMPARE(server.connections, 1);
    }

    void defaultConfigurationIsUsedWhenNoneIsSet()
    {
        TlsServer server(m_local);
        server.replies << ok("{}");
        const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
        QSslConfiguration::setDefaultConfiguration(trusting(m_local.cert));
        HttpClient client;
        QObject owner;
        HttpReply *r = roundTrip(client, requestTo(u"127.0.0.1"_qs, server.serverPort()), "{}", &owner);
        QSslConfiguration::setDefaultConfiguration(before);
        QVERIFY(r);
        QCOMPARE(r->error(), QNetworkReply::NoError);
        QCOMPARE(r->status(), 200);
    }

    void certificateForAnotherNameFails()
    {
        // Trusted, but issued to another host: the name check must still refuse it.
        const Identity other = makeIdentity("api.example.invalid", "DNS:api.example.invalid");
        QVERIFY(!other.cert.isNull());
        TlsServer server(other);
        server.replies << ok("{}");
        HttpClient client;
        client.setSslConfiguration(trusting(other.cert));
        QObject owner;
        HttpReply *r = roundTrip(client, requestTo(u"127.0.0.1"_qs, server.serverPort()), "{\"secret\":1}", &owner);
        QVERIFY(r);
        QCOMPARE(r->status(), 0);
        QCOMPARE(r->error(), QNetworkReply::SslHandshakeFailedError);
        QVERIFY2(r->errorString().contains(u"host name"_qs, Qt::CaseInsensitive), qPrintable(r->errorString()));
        QVERIFY(!r->isSent());
        QTest::qWait(50);
        QVERIFY(server.requests.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstHttpsClient)
#include "tst_httpsclient.moc"
