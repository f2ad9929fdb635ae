#include "core/secrets/keystore.h"

#include "core/common/check.h"
#include "core/common/logging.h"
#include "core/config/modellist.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace wb {

namespace {

KeyStore::Status statusOf(QKeychain::Error e)
{
    switch (e) {
    case QKeychain::NoError:
        return KeyStore::Status::Ok;
    case QKeychain::EntryNotFound:
        return KeyStore::Status::NotFound;
    case QKeychain::NoBackendAvailable:
        return KeyStore::Status::NoBackend;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return KeyStore::Status::AccessDenied;
    default:
        return KeyStore::Status::Failed;
    }
}

// libsecret reports a missing session bus or Secret Service as a generic error;
// recognise the usual texts so the user gets the actionable hint.
KeyStore::Status refine(KeyStore::Status s, const QString &message)
{
    if (s != KeyStore::Status::Failed)
        return s;
    static const char *const markers[] = {"org.freedesktop.secrets", "D-Bus", "DBus", "dbus", "ServiceUnknown",
                                          "Secret Service", "autolaunch", "Could not connect"};
    for (const char *m : markers)
        if (message.contains(QLatin1String(m)))
            return KeyStore::Status::NoBackend;
    return s;
}

QStringList parseIndex(const QString &json)
{
    QStringList names;
    const QJsonArray arr = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : arr)
        if (v.isString() && isValidKeychainName(v.toString()))
            names.append(v.toString());
    return names;
}

} // namespace

KeyStore::KeyStore(QObject *parent) : KeyStore(defaultService(), parent) {}

KeyStore::KeyStore(const QString &service, QObject *parent) : QObject(parent), m_service(service) {}

KeyStore::~KeyStore() = default;

QString KeyStore::describe(Status status, const QString &detail)
{
    QString text;
    switch (status) {
    case Status::Ok:
        return QStringLiteral("ok");
    case Status::NotFound:
        text = QStringLiteral("no such key");
        break;
    case Status::NoBackend:
        text = QStringLiteral("no Secret Service available: start gnome-keyring (or another Secret Service) "
                              "or refer to the key as os.environ/NAME");
        break;
    case Status::AccessDenied:
        text = QStringLiteral("the keychain refused access (is the keyring locked?)");
        break;
    case Status::InvalidName:
        text = QStringLiteral("invalid key name: use letters, digits, '.', '_', '-', '@', starting with a letter or digit");
        break;
    case Status::Failed:
        text = QStringLiteral("keychain error");
        break;
    }
    if (!detail.isEmpty() && status != Status::InvalidName)
        text += QStringLiteral(" (") + detail + QLatin1Char(')');
    return text;
}

void KeyStore::enqueue(std::function<void()> op)
{
    m_queue.push_back(std::move(op));
    if (!m_busy)
        runNext();
}

void KeyStore::runNext()
{
    if (m_busy || m_queue.empty())
        return;
    m_busy = true;
    auto op = std::move(m_queue.front());
    m_queue.pop_front();
    op();
}

void KeyStore::opFinished()
{
    // Called right before the terminal signal is emitted: the store is free again,
    // so a handler may start (even blocking) operations without deadlocking.
    m_busy = false;
    QTimer::singleShot(0, this, &KeyStore::runNext);
}

// QtKeychain 0.13 funnels every job through one process-wide executor that lives on
// the thread which first used it; a job started on another thread never finishes (and
// crashes on teardown). So jobs are always created on the application's main thread,
// and their results are handed back to this store's thread, queued when it differs.
// The main thread therefore has to be running its event loop when a worker uses the store.
void KeyStore::runJob(std::function<QKeychain::Job *()> make, bool isRead, Done done)
{
    QPointer<KeyStore> self(this);
    auto start = [self, make = std::move(make), isRead, done = std::move(done)]() {
        QKeychain::Job *job = make();
        job->setAutoDelete(true);
        job->setInsecureFallback(false); // never a plain-text file on disk
        QObject::connect(job, &QKeychain::Job::finished, job, [self, isRead, done](QKeychain::Job *j) {
            const Status s = refine(statusOf(j->error()), j->errorString());
            const QString value = s == Status::Ok && isRead ? static_cast<QKeychain::ReadPasswordJob *>(j)->textData() : QString();
            const QString message = s == Status::Ok ? QString() : j->errorString();
            if (self)
                QMetaObject::invokeMethod(self.data(), [done, s, value, message] { done(s, value, message); });
        });
        job->start();
    };
    QCoreApplication *app = QCoreApplication::instance();
    if (!app || app->thread() == QThread::currentThread())
        start();
    else
        QMetaObject::invokeMethod(app, std::move(start), Qt::QueuedConnection);
}

void KeyStore::startRead(const QString &key, Done done)
{
    runJob([service = m_service, key]() -> QKeychain::Job * {
        auto *job = new QKeychain::ReadPasswordJob(service);
        job->setKey(key);
        return job;
    }, true, std::move(done));
}

void KeyStore::startWrite(const QString &key, const QString &value, Done done)
{
    runJob([service = m_service, key, value]() -> QKeychain::Job * {
        auto *job = new QKeychain::WritePasswordJob(service);
        job->setKey(key);
        job->setTextData(value);
        return job;
    }, false, std::move(done));
}

void KeyStore::startDelete(const QString &key, Done done)
{
    runJob([service = m_service, key]() -> QKeychain::Job * {
        auto *job = new QKeychain::DeletePasswordJob(service);
        job->setKey(key);
        return job;
    }, false, std::move(done));
}

void KeyStore::updateIndex(const QString &name, bool add, std::function<void()> then)
{
    startRead(indexEntry(), [this, name, add, then = std::move(then)](Status s, const QString &json, const QString &msg) {
        if (s != Status::Ok && s != Status::NotFound) {
            qCWarning(lcSecrets).noquote() << "could not read the key index:" << msg;
            then();
            return;
        }
        QStringList names = parseIndex(json);
        const bool present = names.contains(name);
        if (present == add) {
            then();
            return;
        }
        if (add)
            names.append(name);
        else
            names.removeAll(name);
        names.sort();
        const QString updated = QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(names)).toJson(QJsonDocument::Compact));
        startWrite(indexEntry(), updated, [then](Status ws, const QString &, const QString &wmsg) {
            if (ws != Status::Ok)
                qCWarning(lcSecrets).noquote() << "could not update the key index:" << wmsg;
            then();
        });
    });
}

quint64 KeyStore::writeKey(const QString &name, const QString &value)
{
    const quint64 id = m_nextRequest++;
    enqueue([this, id, name, value] {
        if (!isValidKeychainName(name)) {
            opFinished();
            // Queued: the terminal signal never fires inside the call that asked for it.
            QTimer::singleShot(0, this, [this, id, name] {
                Q_EMIT writeFinished(id, name, Status::InvalidName, describe(Status::InvalidName, {}));
            });
            return;
        }
        startWrite(name, value, [this, id, name](Status s, const QString &, const QString &msg) {
            if (s != Status::Ok) {
                qCInfo(lcSecrets).noquote() << "storing key" << name << "failed:" << msg;
                opFinished();
                Q_EMIT writeFinished(id, name, s, msg);
                return;
            }
            updateIndex(name, true, [this, id, name] {
                qCInfo(lcSecrets).noquote() << "stored key" << name;
                opFinished();
                Q_EMIT writeFinished(id, name, Status::Ok, {});
            });
        });
    });
    return id;
}

quint64 KeyStore::readKey(const QString &name)
{
    const quint64 id = m_nextRequest++;
    enqueue([this, id, name] {
        if (!isValidKeychainName(name)) {
            opFinished();
            QTimer::singleShot(0, this, [this, id, name] {
                Q_EMIT readFinished(id, name, {}, Status::InvalidName, describe(Status::InvalidName, {}));
            });
            return;
        }
        startRead(name, [this, id, name](Status s, const QString &value, const QString &msg) {
            opFinished();
            Q_EMIT readFinished(id, name, value, s, msg);
        });
    });
    return id;
}

quint64 KeyStore::removeKey(const QString &name)
{
    const quint64 id = m_nextRequest++;
    enqueue([this, id, name] {
        if (!isValidKeychainName(name)) {
            opFinished();
            QTimer::singleShot(0, this, [this, id, name] {
                Q_EMIT removeFinished(id, name, Status::InvalidName, describe(Status::InvalidName, {}));
            });
            return;
        }
        // libsecret reports success when clearing an entry that does not exist, so
        // look first: deleting a missing key must say so.
        startRead(name, [this, id, name](Status rs, const QString &, const QString &rmsg) {
            const auto finish = [this, id, name](Status s, const QString &msg) {
                if (s != Status::Ok && s != Status::NotFound) {
                    opFinished();
                    Q_EMIT removeFinished(id, name, s, msg);
                    return;
                }
                // Drop the name even when the entry was already gone, so the index heals.
                updateIndex(name, false, [this, id, name, s, msg] {
                    opFinished();
                    Q_EMIT removeFinished(id, name, s, msg);
                });
            };
            if (rs != Status::Ok) {
                finish(rs, rmsg);
                return;
            }
            startDelete(name, [finish](Status s, const QString &, const QString &msg) { finish(s, msg); });
        });
    });
    return id;
}

quint64 KeyStore::listNames()
{
    const quint64 id = m_nextRequest++;
    enqueue([this, id] {
        startRead(indexEntry(), [this, id](Status s, const QString &json, const QString &msg) {
            opFinished();
            if (s == Status::NotFound)
                Q_EMIT listFinished(id, {}, Status::Ok, {});
            else
                Q_EMIT listFinished(id, s == Status::Ok ? parseIndex(json) : QStringList(), s, msg);
        });
    });
    return id;
}

namespace {

Error keyError(KeyStore::Status s, const QString &name, const QString &detail)
{
    Error e;
    e.message = s == KeyStore::Status::NotFound ? QStringLiteral("no key named \"") + name + QStringLiteral("\" in the keychain")
                                                : KeyStore::describe(s, detail);
    return e;
}

// Runs `start` (which returns a request id) and runs the application's main event loop until the
// signal carrying it: the `keys` verb calls this from main() before any loop runs. No nested loop,
// so it refuses to run inside one (or off the main thread, where QtKeychain's jobs cannot finish).
template <typename Signal, typename Handler>
bool waitFor(KeyStore *store, Signal signal, const std::function<quint64()> &start, Handler handler)
{
    QCoreApplication *app = QCoreApplication::instance();
    if (!WB_CHECK(app && app->thread() == QThread::currentThread() && QThread::currentThread()->loopLevel() == 0))
        return false;
    quint64 id = 0;
    bool finished = false;
    const auto c = QObject::connect(store, signal, app, [&](quint64 request, auto &&...args) {
        if (request != id || finished)
            return;
        finished = true;
        handler(args...);
        QCoreApplication::exit(0);
    });
    id = start();   // the answer never comes from inside start()
    QCoreApplication::exec();
    QObject::disconnect(c);
    return finished;
}

} // namespace

Result<void> KeyStore::set(const QString &name, const QString &value)
{
    Status status = Status::Failed;
    QString msg;
    waitFor(this, &KeyStore::writeFinished, [&] { return writeKey(name, value); },
            [&](const QString &, Status s, const QString &m) { status = s; msg = m; });
    m_lastStatus = status;
    if (status != Status::Ok)
        return std::unexpected(keyError(status, name, msg));
    return {};
}

Result<std::optional<QString>> KeyStore::get(const QString &name)
{
    Status status = Status::Failed;
    QString msg, value;
    waitFor(this, &KeyStore::readFinished, [&] { return readKey(name); },
            [&](const QString &, const QString &v, Status s, const QString &m) { value = v; status = s; msg = m; });
    m_lastStatus = status;
    if (status == Status::NotFound)
        return std::optional<QString>();
    if (status != Status::Ok)
        return std::unexpected(keyError(status, name, msg));
    return std::optional<QString>(value);
}

Result<void> KeyStore::remove(const QString &name)
{
    Status status = Status::Failed;
    QString msg;
    waitFor(this, &KeyStore::removeFinished, [&] { return removeKey(name); },
            [&](const QString &, Status s, const QString &m) { status = s; msg = m; });
    m_lastStatus = status;
    if (status != Status::Ok)
        return std::unexpected(keyError(status, name, msg));
    return {};
}

Result<QStringList> KeyStore::list()
{
    Status status = Status::Failed;
    QString msg;
    QStringList names;
    waitFor(this, &KeyStore::listFinished, [&] { return listNames(); },
            [&](const QStringList &n, Status s, const QString &m) { names = n; status = s; msg = m; });
    m_lastStatus = status;
    if (status != Status::Ok)
        return std::unexpected(keyError(status, QString(), msg));
    return names;
}

// ---------------------------------------------------------------------------------------------

KeyReadJob::KeyReadJob(QStringList names, const QString &service, QObject *parent)
    : QObject(parent), m_store(new KeyStore(service, this)), m_names(std::move(names))
{
    m_names.removeDuplicates();
    connect(m_store, &KeyStore::readFinished, this,
            [this](quint64 request, const QString &name, const QString &value, KeyStore::Status status, const QString &message) {
                if (!m_requests.remove(request) || m_cancelled)
                    return;
                m_results.insert(name, KeychainRead{status, value, message});
                if (m_requests.isEmpty())
                    finishSoon();
            });
}

KeyReadJob::~KeyReadJob() = default;

void KeyReadJob::start()
{
    if (m_started)
        return;
    m_started = true;
    for (const QString &name : std::as_const(m_names))
        m_requests.insert(m_store->readKey(name), name);
    if (m_requests.isEmpty())
        finishSoon();
}

void KeyReadJob::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    // The keychain jobs cannot be withdrawn; their answers are simply ignored (the store's callbacks
    // hold only a guarded pointer to it).
    m_store->disconnect(this);
    finishSoon();
}

void KeyReadJob::finishSoon()
{
    if (m_finishQueued)
        return;
    m_finishQueued = true;
    QTimer::singleShot(0, this, [this] {
        WB_CHECK(!m_finished);
        m_finished = true;
        Q_EMIT finished();
    });
}

} // namespace wb
