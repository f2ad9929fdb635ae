#pragma once
// One object per in-flight HTTP call (docs/ARCHITECTURE.md, "Conventions"): exactly one terminal signal, finished(),
// unless abort() cancels it quietly. It knows nothing about limits or retries: those live
// in the Router. Deletes itself after finishing.
#include "core/providers/providertypes.h"

#include <QByteArray>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>

class QNetworkAccessManager;
class QTimer;

namespace wb {

struct BuiltRequest;

class RouterCall final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouterCall)
public:
    /// timeoutMs <= 0: no timeout of our own.
    RouterCall(QNetworkAccessManager *nam, qint64 timeoutMs, QObject *parent = nullptr);
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
    void onReplyFinished();
    void onTimeout();

    QNetworkAccessManager *m_nam;
    qint64 m_timeoutMs;
    QPointer<QNetworkReply> m_reply;
    QTimer *m_timer = nullptr;
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
