#pragma once
// The command line's way to wait for an asynchronous engine job: run the application's main event
// loop until the job's one terminal signal, then return. No nested event loop: the verbs call this
// from main() before any loop runs.
#include <QCoreApplication>
#include <QObject>

namespace wb {

/// Starts nothing: the caller starts `job` first (its terminal signal is never emitted from inside
/// start(), so it cannot be missed).
template <typename Job, typename Signal>
void runUntil(Job *job, Signal terminalSignal)
{
    const QMetaObject::Connection c =
        QObject::connect(job, terminalSignal, QCoreApplication::instance(), [] { QCoreApplication::exit(0); });
    QCoreApplication::exec();
    QObject::disconnect(c);
}

} // namespace wb
