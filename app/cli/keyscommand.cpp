#include "app/cli/keyscommand.h"
#include "app/cli/verbparser.h"

#include "core/config/modellist.h"
#include "core/secrets/keyresolver.h"
#include "core/secrets/keystore.h"

#include <QIODevice>
#include <QTextStream>
#include <cstdio>
#include <memory>

namespace wb {

namespace {

/// The usage line, and where keys live (the service name is only known at run time).
void usage(QTextStream &s)
{
    s << usageLine(*findVerb(u"keys")) << "\nKeys live in the OS keychain (service \"" << KeyStore::defaultService()
      << "\"); refer to one in litellm_config.yaml as api_key: keychain/NAME\n";
}

int keychainFailure(QTextStream &err, const QString &what, const Error &e)
{
    err << "discernus keys: " << what << ": " << e.message << '\n';
    err.flush();
    return 1;
}

} // namespace

int runKeysCommand(const QStringList &argsIn, QTextStream &out, QTextStream &err, QTextStream *in, KeyStore *storeIn)
{
    QStringList args = argsIn;
    if (!args.isEmpty() && args.first() == u"keys")
        args.removeFirst();
    if (!args.isEmpty() && args.first() == u"help")
        args.first() = QStringLiteral("--help");
    VerbArgs a(u"keys");
    if (!a.parse(args, out, err))
        return a.exitCode();
    if (a.positional().isEmpty()) {
        usage(err);
        return 2;
    }
    const QString verb = a.positional().first();
    const QString name = a.positional().value(1);
    const bool hasValue = a.has(QStringLiteral("--value"));
    QString value = a.value(QStringLiteral("--value"));
    const bool reveal = a.has(QStringLiteral("--reveal"));
    // Each option belongs to one subcommand; NAME is the only positional.
    QString stray;
    if (hasValue && verb != u"set")
        stray = QStringLiteral("--value");
    else if (reveal && verb != u"get")
        stray = QStringLiteral("--reveal");
    else if (a.positional().size() > 2)
        stray = a.positional().at(2);
    if (!stray.isEmpty()) {
        err << "discernus keys " << verb << ": unexpected argument \"" << stray << "\"\n";
        usage(err);
        return 2;
    }

    const bool needsName = verb == u"set" || verb == u"get" || verb == u"delete";
    if (!needsName && verb != u"list") {
        err << "discernus keys: unknown command \"" << verb << "\"\n";
        usage(err);
        return 2;
    }
    if (needsName && name.isEmpty()) {
        err << "discernus keys " << verb << ": missing NAME\n";
        usage(err);
        return 2;
    }
    if (verb == u"list" && !name.isEmpty()) {
        err << "discernus keys list: takes no NAME\n";
        return 2;
    }
    if (needsName && !isValidKeychainName(name)) {
        err << "discernus keys " << verb << ": invalid NAME \"" << name
            << "\": use letters, digits, '.', '_', '-', '@', starting with a letter or digit\n";
        return 2;
    }

    std::unique_ptr<KeyStore> owned;
    KeyStore *store = storeIn;
    if (!store) {
        owned = std::make_unique<KeyStore>();
        store = owned.get();
    }

    if (verb == u"set") {
        if (!hasValue) {
            std::unique_ptr<QTextStream> stdinStream;
            if (!in) {
                stdinStream = std::make_unique<QTextStream>(stdin, QIODevice::ReadOnly);
                in = stdinStream.get();
            }
            value = in->readAll();
        } else {
            err << "note: --value puts the key in your shell history; piping it on stdin avoids that\n";
        }
        // A key pasted or piped usually ends with a newline that is not part of it.
        value = value.trimmed();
        if (value.isEmpty()) {
            err << "discernus keys set: the key is empty (pass --value or pipe it on stdin)\n";
            return 2;
        }
        if (const auto r = store->set(name, value); !r)
            return keychainFailure(err, QStringLiteral("cannot store \"") + name + QLatin1Char('"'), r.error());
        out << "stored " << name << " (" << maskKey(value) << "); use it as api_key: keychain/" << name << '\n';
        return 0;
    }
    if (verb == u"get") {
        const auto r = store->get(name);
        if (!r)
            return keychainFailure(err, QStringLiteral("cannot read \"") + name + QLatin1Char('"'), r.error());
        if (!r->has_value()) {
            err << "discernus keys get: no key named \"" << name << "\" in the keychain\n";
            return 1;
        }
        out << (reveal ? **r : maskKey(**r)) << '\n';
        return 0;
    }
    if (verb == u"delete") {
        if (const auto r = store->remove(name); !r) {
            if (store->lastStatus() == KeyStore::Status::NotFound) {
                err << "discernus keys delete: no key named \"" << name << "\" in the keychain\n";
                return 1;
            }
            return keychainFailure(err, QStringLiteral("cannot delete \"") + name + QLatin1Char('"'), r.error());
        }
        out << "deleted " << name << '\n';
        return 0;
    }
    const auto names = store->list();
    if (!names)
        return keychainFailure(err, QStringLiteral("cannot list keys"), names.error());
    for (const QString &n : *names)
        out << n << '\n';
    return 0;
}

} // namespace wb
