#include "core/session/keyresolution.h"

#include "core/common/provider.h"
#include "core/providers/vertexauth.h"
#include "core/secrets/keystore.h"

#include <QTimer>

namespace wb {

KeyResolveJob::KeyResolveJob(ModelList models, const QString &service, QObject *parent)
    : QObject(parent), m_models(std::move(models)), m_read(new KeyReadJob(keychainNamesIn(m_models), service, this))
{
    connect(m_read, &KeyReadJob::finished, this, [this] {
        m_cancelled = m_read->isCancelled();
        m_answers = m_read->results();
        if (m_cancelled)
            emit finished();
        else
            fetchAccessTokens();
    });
}

KeyResolveJob::~KeyResolveJob() = default;

void KeyResolveJob::start() { m_read->start(); }

void KeyResolveJob::cancel()
{
    if (m_tokensPending > 0) {   // the keychain has answered; only tokens are on their way
        m_cancelled = true;
        m_tokensPending = 0;
        QTimer::singleShot(0, this, &KeyResolveJob::finished);
        return;
    }
    m_read->cancel();
}

void KeyResolveJob::fetchAccessTokens()
{
    for (const Deployment &d : std::as_const(m_models.deployments)) {
        if (providerTraits(d.provider).credential != CredentialKind::GoogleServiceAccount)
            continue;
        auto account = loadServiceAccount(d.vertexCredentials);
        if (!account) {
            m_tokenErrors.insert(d.id, QStringLiteral("deployment \"%1\" (%2): %3").arg(d.id, d.modelName, account.error().toString()));
            continue;
        }
        if (d.vertexProject.isEmpty()) {
            m_tokenErrors.insert(d.id, QStringLiteral("deployment \"%1\" (%2): vertex_project is not set (nor VERTEXAI_PROJECT, "
                                                      "nor project_id in the credentials)").arg(d.id, d.modelName));
            continue;
        }
        account->tokenUri = tokenUriFor(*account, d.apiBase);   // a simulated project: the session's port
        if (!m_tokens)
            m_tokens = std::make_shared<AccessTokens>();
        m_tokens->assign(d.id, m_tokens->sourceFor(*account));
    }
    if (!m_tokens) {
        emit finished();
        return;
    }
    for (const auto &source : m_tokens->sources()) {
        ++m_tokensPending;
        connect(source.get(), &GoogleTokenSource::ready, this, &KeyResolveJob::tokenSourceSettled);
        connect(source.get(), &GoogleTokenSource::failed, this, &KeyResolveJob::tokenSourceSettled);
        source->start();
    }
}

void KeyResolveJob::tokenSourceSettled()
{
    if (m_tokensPending <= 0)   // cancelled meanwhile: finished() is already on its way
        return;
    if (--m_tokensPending == 0)
        emit finished();
}

void KeyResolveJob::overlayTokens(QHash<QString, QString> &keys, QHash<QString, QString> *errors) const
{
    for (const Deployment &d : std::as_const(m_models.deployments)) {
        QString why = m_tokenErrors.value(d.id);
        if (why.isEmpty() && m_tokens && m_tokens->covers(d.id)) {
            if (m_tokens->token(d.id).isEmpty())
                why = QStringLiteral("deployment \"%1\" (%2): no access token: %3")
                          .arg(d.id, d.modelName, m_tokens->source(d.id)->lastError());
            else
                keys.insert(d.id, m_tokens->token(d.id));
        }
        if (!why.isEmpty()) {
            keys.remove(d.id);
            if (errors)
                errors->insert(d.id, why);
        }
    }
}

Result<QHash<QString, QString>> KeyResolveJob::keys() const
{
    if (m_cancelled)
        return fail(QStringLiteral("cancelled while reading the keys"));
    auto keys = resolveKeys(m_models, m_answers);
    if (!keys)
        return keys;
    QHash<QString, QString> errors;
    overlayTokens(*keys, &errors);
    for (const Deployment &d : std::as_const(m_models.deployments)) {   // the first failing deployment
        if (errors.contains(d.id))
            return fail(errors.value(d.id), m_models.path, d.line);
    }
    return keys;
}

QHash<QString, QString> KeyResolveJob::availableKeys(QHash<QString, QString> *errors) const
{
    QHash<QString, QString> keys;
    for (int i = 0; i < m_models.deployments.size(); ++i) {
        const QString &id = m_models.deployments[i].id;
        if (auto key = resolveKey(m_models, i, m_answers))
            keys.insert(id, *key);
        else if (errors)
            errors->insert(id, key.error().message);
    }
    overlayTokens(keys, errors);
    return keys;
}

} // namespace wb
