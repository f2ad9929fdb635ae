#pragma once
// Turns the key references of a model list into keys, for the engine only.
#include "core/common/result.h"
#include "core/config/modellist.h"

#include <QHash>
#include <QString>

namespace wb {

class KeyStore;

/// deployment id -> API key. `os.environ/NAME` reads the environment,
/// `keychain/NAME` the keychain (blocking: call off the UI thread), a literal is
/// itself. Without api_key, a loopback deployment gets an empty key and any other
/// falls back to the provider's usual variable (OPENAI_API_KEY, ANTHROPIC_API_KEY,
/// MISTRAL_API_KEY, GEMINI_API_KEY), as LiteLLM does.
/// A missing reference is an Error naming the deployment, the model list and the
/// deployment's line; no error text ever contains a key.
Result<QHash<QString, QString>> resolveKeys(const ModelList &list, KeyStore &store);

/// Resolves one deployment's reference (same rules, same errors).
Result<QString> resolveKey(const ModelList &list, int deploymentIndex, KeyStore &store);

/// For display: "sk-…1234". Never more than the last 4 characters (fewer for short
/// keys) plus a well-known public prefix (sk-, sk-ant-, sk-proj-, AIza).
QString maskKey(const QString &key);

} // namespace wb
