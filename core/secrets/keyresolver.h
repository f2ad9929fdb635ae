#pragma once
// Turns the key references of a model list into keys, for the engine only.
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/secrets/keystore.h"

#include <QHash>
#include <QString>

namespace wb {

/// The keychain names (after `keychain/`) a model list refers to, each once: what a KeyReadJob
/// reads before resolveKeys() runs.
QStringList keychainNamesIn(const ModelList &list);

/// What KeyReadJob::results() holds: the keychain's answers by name.
using KeychainAnswers = QHash<QString, KeychainRead>;

/// deployment id -> API key. `os.environ/NAME` reads the environment,
/// `keychain/NAME` looks NAME up in `keychain` (read beforehand, asynchronously: resolving
/// never waits for the keychain), a literal is itself. Without api_key, a loopback deployment gets an empty key and any other
/// falls back to the provider's usual variable (OPENAI_API_KEY, ANTHROPIC_API_KEY,
/// MISTRAL_API_KEY, GEMINI_API_KEY), as LiteLLM does.
/// A missing reference is an Error naming the deployment, the model list and the
/// deployment's line; no error text ever contains a key.
Result<QHash<QString, QString>> resolveKeys(const ModelList &list, const KeychainAnswers &keychain);

/// Resolves one deployment's reference (same rules, same errors).
Result<QString> resolveKey(const ModelList &list, int deploymentIndex, const KeychainAnswers &keychain);

/// For display: "sk-…1234". Never more than the last 4 characters (fewer for short
/// keys) plus a well-known public prefix (sk-, sk-ant-, sk-proj-, AIza).
QString maskKey(const QString &key);

} // namespace wb
