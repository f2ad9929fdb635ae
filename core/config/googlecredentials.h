#pragma once
// Where a vertex_ai deployment's Google service-account credentials come from, as LiteLLM reads
// them (docs/PROVIDERS.md, "Vertex AI"). The text is read when it is needed and handed to the
// caller only: never copied to another file, never logged.
#include "core/common/result.h"

#include <QByteArray>
#include <QString>

namespace wb {

/// The credentials JSON of a deployment: `ref` is vertex_credentials as written —
/// os.environ/NAME is replaced by the variable's value; a value naming an existing file is that
/// file's content, anything else is taken as JSON text. An empty ref reads the file named by
/// GOOGLE_APPLICATION_CREDENTIALS. Errors never quote the value (it may be a private key).
Result<QByteArray> readGoogleCredentials(const QString &ref);

/// The project_id the credentials name; empty when they cannot be read or name none.
QString googleCredentialsProject(const QString &ref);

} // namespace wb
