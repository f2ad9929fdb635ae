#include "ui/resultsbackend.h"

#include "core/storage/resultquery.h"

#include <QMutex>
#include <QThread>

namespace wb {
namespace ui {

namespace {
// State touched only on the worker thread (plus the error text, under a mutex).
class Worker final : public QObject {
public:
    QString wantedPath;
    QString openPath;
    QString connection;
    mutable QMutex mutex;
    QString error;

    QString ensure()
    {
        if (wantedPath == openPath && !connection.isEmpty())
            return connection;
        if (!connection.isEmpty()) {
            closeReadConnection(connection);
            connection.clear();
        }
        openPath = wantedPath;
        if (wantedPath.isEmpty())
            return {};
        auto c = openReadConnection(wantedPath);
        QMutexLocker lock(&mutex);
        if (!c) {
            error = c.error().toString();
            return {};
        }
        error.clear();
        connection = *c;
        return connection;
    }
    ~Worker() override
    {
        if (!connection.isEmpty())
            closeReadConnection(connection);
    }
};
} // namespace

ResultsBackend::ResultsBackend(QObject *parent) : QObject(parent), m_thread(new QThread(this)), m_worker(new Worker)
{
    m_thread->setObjectName(QStringLiteral("wb-results-query"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

ResultsBackend::~ResultsBackend()
{
    // The connection must be closed on the thread that opened it.
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { delete w; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

void ResultsBackend::setDatabase(const QString &path)
{
    m_path = path;
    auto *w = static_cast<Worker *>(m_worker);
    QMetaObject::invokeMethod(m_worker, [w, path] { w->wantedPath = path; }, Qt::QueuedConnection);
}

QString ResultsBackend::openError() const
{
    auto *w = static_cast<Worker *>(m_worker);
    QMutexLocker lock(&w->mutex);
    return w->error;
}

void ResultsBackend::post(std::function<void(const QString &)> job)
{
    auto *w = static_cast<Worker *>(m_worker);
    QMetaObject::invokeMethod(m_worker, [w, job = std::move(job)] { job(w->ensure()); }, Qt::QueuedConnection);
}

} // namespace ui
} // namespace wb
