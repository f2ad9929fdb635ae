#include "core/session/keyresolution.h"

#include "core/secrets/keystore.h"

namespace wb {

KeyResolveJob::KeyResolveJob(ModelList models, const QString &service, QObject *parent)
    : QObject(parent), m_models(std::move(models)), m_read(new KeyReadJob(keychainNamesIn(m_models), service, this))
{
    connect(m_read, &KeyReadJob::finished, this, [this] {
        m_cancelled = m_read->isCancelled();
        m_answers = m_read->results();
        emit finished();
    });
}

KeyResolveJob::~KeyResolveJob() = default;

void KeyResolveJob::start() { m_read->start(); }

void KeyResolveJob::cancel() { m_read->cancel(); }

Result<QHash<QString, QString>> KeyResolveJob::keys() const
{
    if (m_cancelled)
        return fail(QStringLiteral("cancelled while reading the keys"));
    return resolveKeys(m_models, m_answers);
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
    return keys;
}

} // namespace wb
