#pragma once
// `discernus simulate`: runs the provider simulator until SIGINT/SIGTERM (options in verbspecs.cpp).
// The caller owns the QCoreApplication.
#include <QStringList>
#include <QTextStream>

namespace wb {

/// `args` are the arguments after the verb (a leading "simulate" is skipped too).
/// Prints "listening on http://HOST:PORT" to `err` once the server listens.
/// Returns 0 after SIGINT/SIGTERM, 2 on a usage or input error (bad limits file, non-loopback host).
int runSimulateCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace wb
