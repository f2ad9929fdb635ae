#pragma once
// `discernus keys set|get|delete|list`, as a function the CLI (and its tests) call.
#include <QStringList>

class QTextStream;

namespace wb {

class KeyStore;

/// `args` are the words after "keys" (a leading "keys" is skipped too):
///   set NAME [--value V]     stores V, or what stdin holds (trailing newline dropped)
///   get NAME [--reveal]      prints the masked key, or the key itself with --reveal
///   delete NAME
///   list                     one name per line
/// Exit codes: 0 ok, 2 usage error (unknown verb, missing or invalid NAME, empty key),
/// 1 keychain failure or no such key, with a message on `err`.
/// `in` is stdin when null; `store` is a KeyStore on the default service when null.
/// Blocking: runs local event loops, needs a QCoreApplication.
int runKeysCommand(const QStringList &args, QTextStream &out, QTextStream &err, QTextStream *in = nullptr,
                   KeyStore *store = nullptr);

} // namespace wb
