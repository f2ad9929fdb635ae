#pragma once
// Resolves a model list's API keys before anything is sent: the keychain names it refers to are read
// with QtKeychain's asynchronous jobs (KeyReadJob), then every reference is resolved without waiting
// (resolveKey). Nothing here runs a nested event loop, so whoever owns the job can cancel and delete
// it at any time after finished() (docs/ARCHITECTURE.md, "Threads"). Deployments that authenticate
// with a Google service account (vertex_ai) get their first OAuth access token here too, so a
// "key" is ready for every deployment when finished() comes; the token sources keep refreshing
// afterwards for whoever holds accessTokens().
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/secrets/keyresolver.h"

#include <QObject>

#include <memory>

namespace wb {

class AccessTokens;
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
    /// The OAuth token sources of the deployments that use them (null when none does); they live
    /// on this job's thread and keep refreshing while someone holds them (the router).
    std::shared_ptr<AccessTokens> accessTokens() const { return m_tokens; }

signals:
    void finished();

private:
    void fetchAccessTokens();
    void tokenSourceSettled();
    /// Puts the access tokens (or their errors) over the resolved keys.
    void overlayTokens(QHash<QString, QString> &keys, QHash<QString, QString> *errors) const;

    ModelList m_models;
    std::shared_ptr<AccessTokens> m_tokens;
    QHash<QString, QString> m_tokenErrors;   ///< deployment id -> why it has no token
    int m_tokensPending = 0;
    KeyReadJob *m_read;
    KeychainAnswers m_answers;
    bool m_cancelled = false;
};

} // namespace wb
