#pragma once
// One object per in-flight HTTP call (docs/ARCHITECTURE.md, "Conventions"): exactly one terminal signal, finished(),
// unless abort() cancels it quietly. It knows nothing about limits or retries: those live
// in the Router. Deletes itself after finishing.
#include "core/providers/providertypes.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <map>
#include <optional>

class QNetworkAccessManager;
class QTimer;

namespace wb {

struct BuiltRequest;
class HttpClient;
class HttpReply;
class RouterCall;

/// The timeouts of all of a router's calls behind one timer, armed for the earliest deadline.
/// A timer per call would register and unregister with the event dispatcher for every call, and
/// Qt scans that list on every cross-thread hand-over of a network reply (docs/ARCHITECTURE.md,
/// "CPU per call").
class CallDeadlines final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallDeadlines)
public:
    explicit CallDeadlines(QObject *parent = nullptr);
    using Handle = std::multimap<qint64, RouterCall *>::iterator;
    /// The call times out `timeoutMs` from now unless remove() is called first.
    Handle add(RouterCall *call, qint64 timeoutMs);
    void remove(Handle h);
    int size() const { return int(m_byDeadline.size()); }

private:
    void expire();
    void arm();
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_armedFor = -1;   // the deadline the timer is set for; -1 = not armed
    std::multimap<qint64, RouterCall *> m_byDeadline;
};

class RouterCall final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouterCall)
public:
    /// timeoutMs <= 0: no timeout of our own. `deadlines` (may be null: a timer of its own) keeps
    /// the timeout; it must outlive the call.
    RouterCall(QNetworkAccessManager *nam, qint64 timeoutMs, QObject *parent = nullptr,
               CallDeadlines *deadlines = nullptr);
    /// The same over the router's own HTTP client (core/router/httpclient.h).
    RouterCall(HttpClient *client, qint64 timeoutMs, QObject *parent, CallDeadlines *deadlines);
    ~RouterCall() override;

    /// Sends the request now.
    void start(const BuiltRequest &req);
    /// Cancels without emitting finished() and schedules deletion.
    void abort();

    QNetworkAccessManager *manager() const { return m_nam; }
    int httpStatus() const { return m_status; }
    const HeaderList &headers() const { return m_headers; }
    const QByteArray &body() const { return m_body; }
    QNetworkReply::NetworkError networkError() const { return m_error; }
    QString errorString() const { return m_errorString; }
    bool timedOut() const { return m_timedOut; }
    /// The request body was handed to the network: the provider may have billed it.
    bool wasSent() const { return m_sent; }
    qint64 timeoutMs() const { return m_timeoutMs; }

signals:
    /// The request body has been handed to the socket (the provider starts counting it now).
    void sent(wb::RouterCall *call);
    void finished(wb::RouterCall *call);

private:
    friend class CallDeadlines;
    void onReplyFinished();
    void onTimeout();
    void startTimeout();
    void stopTimeout();

    QNetworkAccessManager *m_nam = nullptr;
    HttpClient *m_client = nullptr;
    qint64 m_timeoutMs;
    QPointer<QNetworkReply> m_reply;
    HttpReply *m_http = nullptr;   // a child of this call
    QTimer *m_timer = nullptr;
    CallDeadlines *m_deadlines = nullptr;
    std::optional<CallDeadlines::Handle> m_deadline;
    bool m_done = false;
    bool m_sent = false;
    bool m_timedOut = false;
    int m_status = 0;
    HeaderList m_headers;
    QByteArray m_body;
    QNetworkReply::NetworkError m_error = QNetworkReply::NoError;
    QString m_errorString;
};

} // namespace wb
