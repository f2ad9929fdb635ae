#include "core/secrets/keyresolver.h"

#include "core/common/provider.h"
#include "core/secrets/keystore.h"

#include <QProcessEnvironment>

namespace wb {

namespace {

Error deploymentError(const ModelList &list, int i, const QString &what)
{
    const Deployment &d = list.deployments[i];
    Error e;
    e.message = QStringLiteral("deployment \"") + d.id + QStringLiteral("\" (") + d.modelName + QStringLiteral("): ") + what;
    e.file = list.path;
    e.line = d.line;
    e.field = QStringLiteral("model_list[") + QString::number(i) + QStringLiteral("].litellm_params.api_key");
    return e;
}

Result<QString> fromEnvironment(const ModelList &list, int i, const QString &var, const QString &how)
{
    const QString value = QProcessEnvironment::systemEnvironment().value(var);
    if (value.trimmed().isEmpty())
        return std::unexpected(deploymentError(list, i, how + QStringLiteral("environment variable ") + var
                                                             + QStringLiteral(" is not set")));
    return value.trimmed();
}

Result<QString> resolveImpl(const ModelList &list, int i, const KeychainAnswers &keychain)
{
    const Deployment &d = list.deployments[i];
    const QString &ref = d.keyRef;
    if (ref.startsWith(u"os.environ/"))
        return fromEnvironment(list, i, ref.mid(11), QString());
    if (ref.startsWith(u"keychain/")) {
        const QString name = ref.mid(9);
        const KeychainRead answer = keychain.value(name);   // not asked for: Failed, no message
        if (answer.status != KeyStore::Status::Ok && answer.status != KeyStore::Status::NotFound)
            return std::unexpected(deploymentError(list, i, QStringLiteral("cannot read keychain/") + name + QStringLiteral(": ")
                                                                + KeyStore::describe(answer.status, answer.message)));
        if (answer.status == KeyStore::Status::NotFound || answer.value.isEmpty())
            return std::unexpected(deploymentError(
                list, i, QStringLiteral("the keychain has no key \"") + name
                             + QStringLiteral("\" (store it with: discernus keys set ") + name + QLatin1Char(')')));
        return answer.value;
    }
    if (!ref.isEmpty())
        return ref;
    // No api_key at all: local servers need none; otherwise LiteLLM's default variable.
    const ProviderTraits &traits = providerTraits(d.provider);
    const QString var = QLatin1String(traits.apiKeyVariable);
    // A LiteLLM proxy may run without a master key, but its variable's key is used when set.
    if (traits.kind == ProviderKind::LiteLlmProxy && !qEnvironmentVariableIsEmpty(traits.apiKeyVariable))
        return fromEnvironment(list, i, var, QStringLiteral("the "));
    if (d.isLoopback() || !traits.apiKeyRequired)
        return QString();
    if (var.isEmpty())
        return std::unexpected(deploymentError(list, i, QStringLiteral("no api_key given")));
    return fromEnvironment(list, i, var, QStringLiteral("no api_key given and the "));
}

} // namespace

QStringList keychainNamesIn(const ModelList &list)
{
    QStringList names;
    for (const Deployment &d : list.deployments)
        if (d.keyRef.startsWith(u"keychain/") && !names.contains(d.keyRef.mid(9)))
            names.append(d.keyRef.mid(9));
    return names;
}

Result<QString> resolveKey(const ModelList &list, int deploymentIndex, const KeychainAnswers &keychain)
{
    if (deploymentIndex < 0 || deploymentIndex >= list.deployments.size())
        return fail(QStringLiteral("no deployment #") + QString::number(deploymentIndex), list.path);
    return resolveImpl(list, deploymentIndex, keychain);
}

Result<QHash<QString, QString>> resolveKeys(const ModelList &list, const KeychainAnswers &keychain)
{
    QHash<QString, QString> keys;
    for (int i = 0; i < list.deployments.size(); ++i) {
        auto key = resolveImpl(list, i, keychain);
        if (!key)
            return std::unexpected(key.error());
        keys.insert(list.deployments[i].id, *key);
    }
    return keys;
}

QString maskKey(const QString &key)
{
    const QString k = key.trimmed();
    if (k.isEmpty())
        return {};
    const qsizetype n = k.size();
    // Short keys show less, so the visible part is never a large share of the secret; four
    // characters from twelve on tell a project's keys apart on the Keys and Models pages.
    const qsizetype tail = n >= 12 ? 4 : n >= 10 ? 2 : 0;
    QString prefix;
    if (n >= 16) {
        for (const char *p : {"sk-proj-", "sk-ant-", "sk-", "AIza"}) {
            if (k.startsWith(QLatin1String(p))) {
                prefix = QLatin1String(p);
                break;
            }
        }
    }
    return prefix + QChar(0x2026) + k.right(tail);
}

} // namespace wb
