#include "core/session/runcontroller.h"

#include "core/session/experimentrunner.h"

#include <QThread>
#include <QTimer>

namespace wb {

namespace {

/// How long teardown waits for the aborted calls of a cancelled run before deleting it anyway.
constexpr int kCancelGraceMs = 5000;

/// On the runner's thread: cancel, and once finished() came, delete the runner and end the thread.
/// Runs from the thread's own event loop, never inside one of the runner's calls.
void cancelAndRetire(ExperimentRunner *r)
{
    QThread *thread = QThread::currentThread();
    QObject::connect(r, &QObject::destroyed, thread, [thread] { thread->quit(); }, Qt::DirectConnection);
    if (r->isFinished()) {
        r->deleteLater();
        return;
    }
    QObject::connect(r, &ExperimentRunner::finished, r, &QObject::deleteLater);
    QTimer::singleShot(kCancelGraceMs, r, &QObject::deleteLater);
    r->cancel();
}

} // namespace

class RunController::Private {
public:
    QThread thread;
    ExperimentRunner *runner = nullptr;
    bool running = false;
};

RunController::RunController(QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->thread.setObjectName(QStringLiteral("discernus-engine"));
}

RunController::~RunController()
{
    if (d->runner) {
        ExperimentRunner *r = d->runner;
        d->runner = nullptr;
        disconnect(r, nullptr, this, nullptr);
        QMetaObject::invokeMethod(r, [r] { cancelAndRetire(r); }, Qt::QueuedConnection);
    } else {
        d->thread.quit();
    }
    d->thread.wait();
}

bool RunController::isRunning() const { return d->running; }

void RunController::start(const RunOptions &options)
{
    if (d->running)
        return;
    if (d->runner) {
        d->runner->deleteLater();   // finished: deleted by its thread's event loop
        d->runner = nullptr;
    }
    if (!d->thread.isRunning())
        d->thread.start();
    d->runner = new ExperimentRunner(options);
    d->runner->moveToThread(&d->thread);
    connect(d->runner, &ExperimentRunner::started, this, &RunController::started);
    connect(d->runner, &ExperimentRunner::budgetWarning, this, &RunController::budgetWarning);
    connect(d->runner, &ExperimentRunner::event, this, &RunController::event);
    connect(d->runner, &ExperimentRunner::finished, this, [this](const RunSummary &s) {
        d->running = false;
        emit finished(s);
    });
    d->running = true;
    QMetaObject::invokeMethod(d->runner, &ExperimentRunner::start, Qt::QueuedConnection);
}

void RunController::pause()
{
    if (d->runner)
        QMetaObject::invokeMethod(d->runner, &ExperimentRunner::pause, Qt::QueuedConnection);
}

void RunController::resume()
{
    if (d->runner)
        QMetaObject::invokeMethod(d->runner, &ExperimentRunner::resume, Qt::QueuedConnection);
}

void RunController::finishInFlight()
{
    if (d->runner)
        QMetaObject::invokeMethod(d->runner, &ExperimentRunner::finishInFlight, Qt::QueuedConnection);
}

void RunController::cancel()
{
    if (d->runner)
        QMetaObject::invokeMethod(d->runner, &ExperimentRunner::cancel, Qt::QueuedConnection);
}

RouterSnapshot RunController::routerSnapshot() const { return d->runner ? d->runner->routerSnapshot() : RouterSnapshot{}; }

RunProgress RunController::progress() const { return d->runner ? d->runner->progress() : RunProgress{}; }

} // namespace wb
