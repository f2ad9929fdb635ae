#pragma once
// API keys in the OS keychain (the freedesktop Secret Service on Linux: gnome-keyring,
// KeePassXC, KWallet's bridge) through QtKeychain. Keys are never cached here, never
// logged and never written anywhere else.
//
// QtKeychain cannot enumerate entries, so the store keeps an index of key NAMES
// (never values) in one extra keychain entry of the same service, ".discernus-index".
// We keep it in the keychain rather than QSettings so that the index lives and dies
// with the secrets it describes (a wiped or different keyring never shows stale
// names from a config file), and no plain file on disk reveals which accounts a
// researcher holds. Names cannot start with '.', so the index never collides with a key.
#include "core/common/result.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <deque>
#include <functional>
#include <optional>

namespace QKeychain {
class Job;
}

namespace wb {

class KeyStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyStore)
public:
    enum class Status {
        Ok,
        NotFound,      ///< no key of that name
        NoBackend,     ///< no Secret Service / keychain reachable
        AccessDenied,  ///< locked keyring, user refused, ...
        InvalidName,
        Failed,
    };
    Q_ENUM(Status)

    static QString defaultService() { return QStringLiteral("discernus-workbench"); }
    /// The entry holding the list of names.
    static QString indexEntry() { return QStringLiteral(".discernus-index"); }

    explicit KeyStore(QObject *parent = nullptr);
    /// A different service name keeps tests away from a user's real keys.
    explicit KeyStore(const QString &service, QObject *parent = nullptr);
    ~KeyStore() override;

    QString service() const { return m_service; }

    // Asynchronous API: each call returns a request id and later emits exactly one
    // matching *Finished signal (never from inside the call). Operations run one
    // after another so the name index is updated consistently.
    quint64 writeKey(const QString &name, const QString &value);
    quint64 readKey(const QString &name);
    quint64 removeKey(const QString &name);
    quint64 listNames();

    // Blocking convenience for the `keys` command line verb only: runs the application's
    // main event loop (QCoreApplication::exec) until the operation ends, so it must be
    // called on the main thread with no event loop running (a nested call fails with
    // Status::Failed). The engine never uses it: it reads keys with KeyReadJob.
    Result<void> set(const QString &name, const QString &value);
    /// nullopt when there is no key of that name.
    Result<std::optional<QString>> get(const QString &name);
    /// Removing a name that does not exist is an error with lastStatus() == NotFound.
    Result<void> remove(const QString &name);
    Result<QStringList> list();
    /// Status of the last blocking call (lets callers tell "not found" from "no keychain").
    Status lastStatus() const { return m_lastStatus; }

    /// Human text for a status, with the standard hint when no keychain is reachable.
    static QString describe(Status status, const QString &detail);

Q_SIGNALS:
    void writeFinished(quint64 request, const QString &name, wb::KeyStore::Status status, const QString &message);
    void readFinished(quint64 request, const QString &name, const QString &value, wb::KeyStore::Status status,
                      const QString &message);
    void removeFinished(quint64 request, const QString &name, wb::KeyStore::Status status, const QString &message);
    void listFinished(quint64 request, const QStringList &names, wb::KeyStore::Status status, const QString &message);

private:
    using Done = std::function<void(Status, const QString &value, const QString &message)>;
    void enqueue(std::function<void()> op);
    void runNext();
    void opFinished();
    void runJob(std::function<QKeychain::Job *()> make, bool isRead, Done done);
    void startRead(const QString &key, Done done);
    void startWrite(const QString &key, const QString &value, Done done);
    void startDelete(const QString &key, Done done);
    void updateIndex(const QString &name, bool add, std::function<void()> then);

    QString m_service;
    std::deque<std::function<void()>> m_queue;
    bool m_busy = false;
    quint64 m_nextRequest = 1;
    Status m_lastStatus = Status::Ok;
};

/// What the keychain answered for one name.
struct KeychainRead {
    KeyStore::Status status = KeyStore::Status::Failed;
    QString value;     ///< only when status == Ok
    QString message;   ///< QtKeychain's text when status != Ok
};

/// Reads a set of keys with QtKeychain's asynchronous jobs. finished() is emitted exactly once,
/// never from inside start() or cancel(): when every name has an answer, or right after cancel()
/// (answers still on their way are then dropped, so a keyring that waits to be unlocked cannot
/// hold up a shutdown). The job may be deleted once finished() was emitted.
class KeyReadJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyReadJob)
public:
    explicit KeyReadJob(QStringList names, const QString &service = KeyStore::defaultService(), QObject *parent = nullptr);
    ~KeyReadJob() override;

    void start();
    void cancel();
    bool isCancelled() const { return m_cancelled; }
    bool isFinished() const { return m_finished; }
    /// name -> answer; complete only when finished() came without cancel().
    QHash<QString, KeychainRead> results() const { return m_results; }

Q_SIGNALS:
    void finished();

private:
    void finishSoon();

    KeyStore *m_store;
    QStringList m_names;
    QHash<quint64, QString> m_requests;
    QHash<QString, KeychainRead> m_results;
    bool m_started = false;
    bool m_cancelled = false;
    bool m_finished = false;
    bool m_finishQueued = false;
};

} // namespace wb
