#pragma once
// Resolves a model list's API keys before anything is sent: the keychain names it refers to are read
// with QtKeychain's asynchronous jobs (KeyReadJob), then every reference is resolved without waiting
// (resolveKey). Nothing here runs a nested event loop, so whoever owns the job can cancel and delete
// it at any time after finished() (docs/ARCHITECTURE.md, "Threads").
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/secrets/keyresolver.h"

#include <QObject>

namespace wb {

class KeyReadJob;

class KeyResolveJob final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyResolveJob)
public:
    /// `service` is the keychain service (tests use their own).
    explicit KeyResolveJob(ModelList models, const QString &service = KeyStore::defaultService(), QObject *parent = nullptr);
    ~KeyResolveJob() override;

    /// Schedules the reads; finished() follows exactly once, never from inside start() or cancel().
    void start();
    /// finished() follows at once; answers still on their way are dropped.
    void cancel();
    bool isCancelled() const { return m_cancelled; }

    /// Every deployment's key, or the first deployment's error (a run needs them all).
    Result<QHash<QString, QString>> keys() const;
    /// The keys that resolved; the resolver's message for the others in `errors` (never a key).
    QHash<QString, QString> availableKeys(QHash<QString, QString> *errors = nullptr) const;

signals:
    void finished();

private:
    ModelList m_models;
    KeyReadJob *m_read;
    KeychainAnswers m_answers;
    bool m_cancelled = false;
};

} // namespace wb
