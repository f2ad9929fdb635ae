#include "core/config/googlecredentials.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace wb {

namespace {

Result<QByteArray> readFile(const QString &path, const QString &how)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(how + QStringLiteral(": cannot read the credentials file: ") + f.errorString(), path);
    return f.readAll();
}

} // namespace

Result<QByteArray> readGoogleCredentials(const QString &ref)
{
    QString value = ref.trimmed();
    QString how = QStringLiteral("vertex_credentials");
    if (value.startsWith(u"os.environ/")) {
        const QString var = value.mid(11);
        how = QStringLiteral("vertex_credentials (os.environ/") + var + QLatin1Char(')');
        value = qEnvironmentVariable(var.toLatin1().constData()).trimmed();
        if (value.isEmpty())
            return fail(how + QStringLiteral(": the environment variable ") + var + QStringLiteral(" is not set"));
    }
    if (value.isEmpty()) {
        const QString path = qEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS").trimmed();
        if (path.isEmpty())
            return fail(QStringLiteral("no vertex_credentials given and GOOGLE_APPLICATION_CREDENTIALS is not set"));
        return readFile(path, QStringLiteral("GOOGLE_APPLICATION_CREDENTIALS"));
    }
    // LiteLLM's rule: a path if such a file exists, else JSON text.
    if (!value.startsWith(u'{') && QFileInfo(value).isFile())
        return readFile(value, how);
    if (value.startsWith(u'{'))
        return value.toUtf8();
    return fail(how + QStringLiteral(": neither an existing file nor JSON text"));
}

QString googleCredentialsProject(const QString &ref)
{
    const auto text = readGoogleCredentials(ref);
    if (!text)
        return {};
    return QJsonDocument::fromJson(*text).object().value(QLatin1String("project_id")).toString();
}

} // namespace wb
