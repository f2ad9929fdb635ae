#pragma once
// A fake QNetworkAccessManager that replays canned provider replies (docs/ARCHITECTURE.md, "Conventions"): it
// overrides createRequest(), so the router's logic is tested deterministically with no
// socket. Every manager the router's pool creates shares one FakeServer script.
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

struct CannedReply {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;
    bool hang = false;   // never answers (until aborted)
};

struct SeenRequest {
    QString url;
    QByteArray auth;     // Authorization / x-api-key / x-goog-api-key value
    QByteArray body;
    qint64 atMs = 0;
};

struct FakeServer {
    std::function<CannedReply(const SeenRequest &, int index)> script;
    QList<SeenRequest> seen;
    QElapsedTimer clock;
    int inFlight = 0;
    int maxInFlight = 0;
    FakeServer() { clock.start(); }
    int countFor(const QByteArray &auth) const
    {
        int n = 0;
        for (const SeenRequest &r : seen)
            n += r.auth == auth;
        return n;
    }
};

class FakeReply final : public QNetworkReply {
    Q_OBJECT
public:
    FakeReply(const QNetworkRequest &req, const CannedReply &c, FakeServer *server, QObject *parent)
        : QNetworkReply(parent), m_server(server)
    {
        setRequest(req);
        setUrl(req.url());
        setOperation(QNetworkAccessManager::PostOperation);
        open(QIODevice::ReadOnly);
        ++m_server->inFlight;
        m_server->maxInFlight = std::max(m_server->maxInFlight, m_server->inFlight);
        if (c.hang)
            return;
        QTimer::singleShot(c.delayMs, this, [this, c] {
            if (m_finished)
                return;
            setAttribute(QNetworkRequest::HttpStatusCodeAttribute, c.status);
            for (const auto &h : c.headers)
                setRawHeader(h.first, h.second);
            m_data = c.body;
            if (c.status >= 400)
                setError(QNetworkReply::UnknownContentError, QStringLiteral("HTTP %1").arg(c.status));
            finish();
        });
    }
    void abort() override
    {
        if (m_finished)
            return;
        setError(QNetworkReply::OperationCanceledError, QStringLiteral("Operation canceled"));
        finish();
    }
    qint64 bytesAvailable() const override { return m_data.size() - m_pos + QNetworkReply::bytesAvailable(); }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *out, qint64 max) override
    {
        const qint64 n = std::min<qint64>(max, m_data.size() - m_pos);
        if (n <= 0)
            return m_finished ? -1 : 0;
        memcpy(out, m_data.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }

private:
    void finish()
    {
        m_finished = true;
        --m_server->inFlight;
        setFinished(true);
        emit finished();
    }
    FakeServer *m_server;
    QByteArray m_data;
    qint64 m_pos = 0;
    bool m_finished = false;
};

class FakeNetworkManager final : public QNetworkAccessManager {
    Q_OBJECT
public:
    FakeNetworkManager(std::shared_ptr<FakeServer> server, QObject *parent)
        : QNetworkAccessManager(parent), m_server(std::move(server)) {}

protected:
    QNetworkReply *createRequest(Operation, const QNetworkRequest &req, QIODevice *data) override
    {
        SeenRequest s;
        s.url = req.url().toString();
        for (const char *h : {"Authorization", "x-api-key", "x-goog-api-key"})
            if (req.hasRawHeader(h))
                s.auth = req.rawHeader(h);
        if (data)
            s.body = data->readAll();
        s.atMs = m_server->clock.elapsed();
        const int index = int(m_server->seen.size());
        m_server->seen.append(s);
        return new FakeReply(req, m_server->script(s, index), m_server.get(), this);
    }

private:
    std::shared_ptr<FakeServer> m_server;
};

// --- canned replies in each provider's real format (docs/PROVIDERS.md) -------------------

inline CannedReply openAiOk(int prompt = 10, int completion = 5, const QByteArray &text = "{\"care\": {\"score\": 0.5}}")
{
    CannedReply r;
    r.headers = {{"content-type", "application/json"}, {"x-request-id", "req_ok"}};
    r.body = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-2024-08-06\","
             "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + QByteArray("\"") + QByteArray(text).replace("\"", "\\\"") + "\""
        + "},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":" + QByteArray::number(prompt)
        + ",\"completion_tokens\":" + QByteArray::number(completion) + ",\"total_tokens\":"
        + QByteArray::number(prompt + completion) + "}}";
    return r;
}

inline CannedReply openAi429(int retryAfterMs)
{
    CannedReply r;
    r.status = 429;
    r.headers = {{"content-type", "application/json"}, {"retry-after-ms", QByteArray::number(retryAfterMs)}};
    r.body = "{\"error\":{\"message\":\"Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): "
             "Limit 3, Used 3, Requested 1.\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    return r;
}

inline CannedReply openAi500()
{
    CannedReply r;
    r.status = 500;
    r.headers = {{"content-type", "application/json"}};
    r.body = "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
             "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
    return r;
}

inline CannedReply openAi401()
{
    CannedReply r;
    r.status = 401;
    r.headers = {{"content-type", "application/json"}};
    r.body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-bad***. You can find your API key at "
             "https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,"
             "\"code\":\"invalid_api_key\"}}";
    return r;
}

inline CannedReply openAiContextTooLong()
{
    CannedReply r;
    r.status = 400;
    r.headers = {{"content-type", "application/json"}};
    r.body = "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. However, your messages "
             "resulted in 9000 tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\","
             "\"code\":\"context_length_exceeded\"}}";
    return r;
}

inline CannedReply anthropicOk(int input, int output)
{
    CannedReply r;
    r.headers = {{"content-type", "application/json"}, {"request-id", "req_a"}};
    r.body = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-haiku-20241022\","
             "\"content\":[{\"type\":\"text\",\"text\":\"{}\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
             "\"usage\":{\"input_tokens\":"
        + QByteArray::number(input) + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":"
        + QByteArray::number(output) + "}}";
    return r;
}
