#pragma once
// Runs read-only result queries (core/storage/resultquery.h) on a thread of its own with its own
// database connection, so neither a slow filter on a million rows nor a mean over six million
// scores ever blocks the UI. Callbacks come back on the thread that owns the backend.
// The backend joins its thread on destruction, so no callback outlives it.
#include <QObject>
#include <QString>
#include <functional>

class QThread;

namespace wb {
namespace ui {

class ResultsBackend final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResultsBackend)
public:
    explicit ResultsBackend(QObject *parent = nullptr);
    ~ResultsBackend() override;

    /// Switches database; the worker's connection is reopened lazily.
    void setDatabase(const QString &path);
    QString database() const { return m_path; }

    /// Runs work(connectionName) on the worker, then done(result) on this object's thread.
    /// If the database cannot be opened, work gets an empty connection name.
    template <typename T>
    void run(std::function<T(const QString &connection)> work, std::function<void(T)> done)
    {
        post([this, work = std::move(work), done = std::move(done)](const QString &conn) mutable {
            auto result = std::make_shared<T>(work(conn));
            QMetaObject::invokeMethod(this, [done = std::move(done), result]() { done(std::move(*result)); }, Qt::QueuedConnection);
        });
    }

    /// Error opening the database on the worker, if any (last attempt).
    QString openError() const;

private:
    void post(std::function<void(const QString &)> job);

    QThread *m_thread;
    QObject *m_worker;   // lives on m_thread
    QString m_path;
};

} // namespace ui
} // namespace wb
