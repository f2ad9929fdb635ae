// The router's HTTP/1.1 client against a scripted loopback server: framing (Content-Length,
// chunked, until close, 100 Continue), keep-alive reuse, the resend after a kept-alive connection
// was closed, errors, and the Little's-law connection target.
#include "core/router/httpclient.h"
#include "tests/core/router/scriptedhttp.h"

#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace wb;

namespace {

/// Answers each complete request with the next scripted reply; counts connections and requests.
class ScriptServer : public QObject {
public:
    QTcpServer server;
    QList<QByteArray> replies;   // raw bytes, one per request, in order
    QList<QByteArray> requests;  // what arrived (head + body)
    int connections = 0;
    bool closeAfterEach = false; // the server closes the connection after answering

    ScriptServer()
    {
        server.listen(QHostAddress::LocalHost);
        connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                ++connections;
                auto *buf = new QByteArray;
                connect(s, &QObject::destroyed, this, [buf] { delete buf; });
                connect(s, &QTcpSocket::readyRead, this, [this, s, buf] {
                    *buf += s->readAll();
                    while (const auto request = test::takeRequest(*buf)) {
                        requests << *request;
                        s->write(replies.isEmpty() ? test::noScriptedReply() : replies.takeFirst());
                        if (closeAfterEach)
                            s->disconnectFromHost();
                    }
                });
            }
        });
    }
    QNetworkRequest request() const
    {
        QNetworkRequest r(QUrl(u"http://127.0.0.1:%1/v1/chat/completions?x=1"_qs.arg(server.serverPort())));
        r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        r.setRawHeader("Authorization", "Bearer k");
        return r;
    }
};

QByteArray ok(const QByteArray &body, const QByteArray &extra = {})
{
    return "HTTP/1.1 200 OK\r\nx-ratelimit-remaining-requests: 99\r\n" + extra + "Content-Length: "
           + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

/// Posts and waits for finished().
HttpReply *roundTrip(HttpClient &client, const QNetworkRequest &req, const QByteArray &body, QObject *parent)
{
    HttpReply *r = client.post(req, body, parent);
    QSignalSpy done(r, &HttpReply::finished);
    if (!done.wait(5000))
        return nullptr;
    return r;
}

} // namespace

class TstHttpClient : public QObject {
    Q_OBJECT
private slots:
    void contentLengthAndHeaders()
    {
        ScriptServer srv;
        srv.replies << ok(R"({"a":1})");
        HttpClient client;
        QObject owner;
        HttpReply *r = client.post(srv.request(), "{\"q\":2}", &owner);
        QSignalSpy sent(r, &HttpReply::sent);
        QSignalSpy done(r, &HttpReply::finished);
        QVERIFY(done.wait(5000));
        QCOMPARE(done.count(), 1);
        QCOMPARE(sent.count(), 1);
        QVERIFY(r->isSent());
        QCOMPARE(r->status(), 200);
        QCOMPARE(r->error(), QNetworkReply::NoError);
        QCOMPARE(r->body(), QByteArray(R"({"a":1})"));
        QCOMPARE(r->headers().first().first, QByteArray("x-ratelimit-remaining-requests"));
        QCOMPARE(r->headers().first().second, QByteArray("99"));
        const QByteArray req = srv.requests.value(0);
        QVERIFY(req.startsWith("POST /v1/chat/completions?x=1 HTTP/1.1\r\n"));
        QVERIFY(req.contains("\r\nHost: 127.0.0.1:"));
        QVERIFY(req.contains("\r\nAuthorization: Bearer k\r\n"));
        QVERIFY(req.toLower().contains("\r\ncontent-type: application/json\r\n"));
        QVERIFY(req.endsWith("\r\nContent-Length: 7\r\n\r\n{\"q\":2}"));
    }

    void chunkedAndContinue()
    {
        ScriptServer srv;
        srv.replies << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n"
                                  "retry-after: 2\r\n\r\n4;ext=1\r\n{\"er\r\n6\r\nror\":1\r\n0\r\nx-trailer: t\r\n\r\n");
        srv.replies << ok("second");
        HttpClient client;
        QObject owner;
        HttpReply *r = roundTrip(client, srv.request(), "{}", &owner);
        QVERIFY(r);
        QCOMPARE(r->status(), 429);
        QCOMPARE(r->body(), QByteArray("{\"error\":1"));
        QCOMPARE(r->headers().size(), 2);
        // The connection is still usable after a chunked body.
        HttpReply *r2 = roundTrip(client, srv.request(), "{}", &owner);
        QVERIFY(r2);
        QCOMPARE(r2->body(), QByteArray("second"));
        QCOMPARE(srv.connections, 1);
    }

    void keepAliveReusesOneConnection()
    {
        ScriptServer srv;
        HttpClient client;
        QObject owner;
        for (int i = 0; i < 5; ++i) {
            srv.replies << ok(QByteArray::number(i));
            HttpReply *r = roundTrip(client, srv.request(), "{}", &owner);
            QVERIFY(r);
            QCOMPARE(r->body(), QByteArray::number(i));
        }
        QCOMPARE(srv.connections, 1);
        QCOMPARE(client.connectionCount(), 1);
    }

    void connectionCloseAndBodyUntilClose()
    {
        ScriptServer srv;
        srv.closeAfterEach = true;
        srv.replies << ok("closing", "Connection: close\r\n") << QByteArray("HTTP/1.0 200 OK\r\n\r\nuntil the end");
        HttpClient client;
        QObject owner;
        HttpReply *r = roundTrip(client, srv.request(), "{}", &owner);
        QVERIFY(r);
        QCOMPARE(r->body(), QByteArray("closing"));
        HttpReply *r2 = roundTrip(client, srv.request(), "{}", &owner);
        QVERIFY(r2);
        QCOMPARE(r2->status(), 200);
        QCOMPARE(r2->body(), QByteArray("until the end"));
        QCOMPARE(srv.connections, 2);
    }

    void keptAliveConnectionClosedBySeverIsResentOnce()
    {
        // The server answers with keep-alive but then closes: the next request finds the connection
        // closed before any answer and goes out again on a new one.
        ScriptServer srv;
        srv.closeAfterEach = true;
        srv.replies << ok("one") << ok("two");
        HttpClient client;
        QObject owner;
        HttpReply *r = client.post(srv.request(), "{}", &owner);
        HttpReply *r2 = nullptr;
        // Posted as the first reply is handled, before the close that follows it is seen.
        connect(r, &HttpReply::finished, this, [&] { r2 = client.post(srv.request(), "{}", &owner); });
        QTRY_VERIFY_WITH_TIMEOUT(r2 && r2->isFinished(), 5000);
        QCOMPARE(r->body(), QByteArray("one"));
        QCOMPARE(r2->error(), QNetworkReply::NoError);
        QCOMPARE(r2->body(), QByteArray("two"));
        QCOMPARE(srv.connections, 2);
    }

    void refusedAndMalformed()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();   // nothing listens there now
        HttpClient client;
        QObject owner;
        HttpReply *r = roundTrip(client, QNetworkRequest(QUrl(u"http://127.0.0.1:%1/x"_qs.arg(port))), "{}", &owner);
        QVERIFY(r);
        QCOMPARE(r->status(), 0);
        QCOMPARE(r->error(), QNetworkReply::ConnectionRefusedError);
        QVERIFY(!r->isSent());

        ScriptServer srv;
        srv.replies << QByteArray("SMTP ready\r\n\r\n");
        HttpReply *bad = roundTrip(client, srv.request(), "{}", &owner);
        QVERIFY(bad);
        QCOMPARE(bad->status(), 0);
        QCOMPARE(bad->error(), QNetworkReply::ProtocolFailure);
    }

    void abortIsQuietAndFreesTheQueue()
    {
        ScriptServer srv;   // never answers this one: the scripted reply is withheld
        HttpClient client;
        QObject owner;
        srv.replies.clear();
        QNetworkRequest req = srv.request();
        HttpReply *r = client.post(req, "{}", &owner);
        QSignalSpy done(r, &HttpReply::finished);
        r->abort();
        QTest::qWait(100);
        QCOMPARE(done.count(), 0);
        QCOMPARE(r->error(), QNetworkReply::OperationCanceledError);
        srv.replies << ok("after");
        HttpReply *r2 = roundTrip(client, req, "{}", &owner);
        QVERIFY(r2);
        QCOMPARE(r2->body(), QByteArray("after"));
    }

    void littlesLawTarget()
    {
        // connections = rate x time on the wire, half again, plus the minimum; bounded.
        QCOMPARE(HttpClient::targetConnections(0, 0), HttpClient::kMinConnectionsPerHost);
        QCOMPARE(HttpClient::targetConnections(2000, 0.5), 2 + HttpClient::kMinConnectionsPerHost);   // 1 busy
        QCOMPARE(HttpClient::targetConnections(50, 2000), 150 + HttpClient::kMinConnectionsPerHost);  // 100 busy
        QCOMPARE(HttpClient::targetConnections(500, 4000), HttpClient::kMaxConnectionsPerHost);
    }

    void connectionsFollowTheLoad()
    {
        // Sequential calls need one connection at a time: after a burst opened several, the
        // target falls to the minimum and the surplus is closed as it becomes idle.
        ScriptServer srv;
        HttpClient client;
        client.setBurstMemoryMs(100);   // the burst is forgotten long before the calls one at a time end
        QObject owner;
        QList<HttpReply *> burst;
        for (int i = 0; i < 20; ++i) {
            srv.replies << ok("b");
            burst << client.post(srv.request(), "{}", &owner);
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(burst.begin(), burst.end(), [](HttpReply *r) { return r->isFinished(); }), 5000);
        QCOMPARE(srv.connections, 20);   // before any reply the target is the maximum
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 600) {
            srv.replies << ok("s");
            QVERIFY(roundTrip(client, srv.request(), "{}", &owner));
        }
        const int target = client.connectionTarget(u"127.0.0.1:%1"_qs.arg(srv.server.serverPort()));
        QVERIFY2(target < 20, qPrintable(QString::number(target)));   // one call at a time needs few
        QVERIFY(client.connectionCount() <= target);
    }

    void aBurstIsRememberedForTheNextOne()
    {
        // A rate-limited run sends a burst as each window opens and little in between: the rate
        // averaged over the quiet would leave the next burst a few connections, its calls waiting
        // for them and leaving after replies their admission did not see. The largest burst that
        // found a connection for every request is kept for the next one.
        ScriptServer srv;
        HttpClient client;
        QObject owner;
        const QString key = HttpClient::hostKeyOf(srv.request().url());
        const auto burst = [&] {
            QList<HttpReply *> rs;
            for (int i = 0; i < 12; ++i) {
                srv.replies << ok("b");
                rs << client.post(srv.request(), "{}", &owner);
            }
            QTRY_VERIFY_WITH_TIMEOUT(std::all_of(rs.begin(), rs.end(), [](HttpReply *r) { return r->isFinished(); }), 5000);
        };
        burst();
        QCOMPARE(srv.connections, 12);
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 600) {
            srv.replies << ok("s");
            QVERIFY(roundTrip(client, srv.request(), "{}", &owner));
        }
        QVERIFY2(client.connectionTarget(key) >= 12, qPrintable(QString::number(client.connectionTarget(key))));
        QCOMPARE(client.connectionCount(), 12);
        burst();
        QCOMPARE(srv.connections, 12);   // every request of the second burst had its connection
    }
};

QTEST_GUILESS_MAIN(TstHttpClient)
#include "tst_httpclient.moc"
