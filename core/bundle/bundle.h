#pragma once
// The reproducibility bundle (docs/FORMATS.md, "Reproducibility bundle"): one .tar.gz with what a
// reviewer needs to check or repeat a run — the model list without key values, the experiment,
// frameworks and corpus, the rendered prompts, prices, per-call model versions and request ids,
// software version, a consistent copy of the results database — and a manifest with the SHA-256
// of every file, which verifyBundle() rechecks.
#include "core/common/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace wb {

struct BundleOptions {
    QString dbPath;
    QString configPath;        ///< the model list (litellm_config.yaml)
    QString experimentPath;
    QString pricesPath;        ///< optional LiteLLM price map merged over the built-in prices (as the run had it)
    QString outPath;           ///< the .tar.gz to write (atomically)
    QString softwareVersion;   ///< the application's version, recorded in the manifest
};

struct BundleSummary {
    int files = 0;              ///< files in the archive, the manifest included
    QStringList warnings;       ///< literal keys replaced, texts changed since the run, ...
};

Result<BundleSummary> makeBundle(const BundleOptions &options);

struct BundleVerification {
    int files = 0;              ///< files checked against the manifest
    QJsonObject manifest;
};

/// Reads the whole archive and rechecks every file's SHA-256 and size against manifest.json.
/// The first file that is missing, extra, or differs is named at the start of the error message.
Result<BundleVerification> verifyBundle(const QString &bundlePath);

/// Verifies and unpacks a bundle into `dir` (created; must be empty or missing), e.g. to open its
/// results database read-only. Returns the path of the unpacked results database.
Result<QString> extractBundle(const QString &bundlePath, const QString &dir);

} // namespace wb
