#include "core/storage/serverdb.h"

#include <QUrl>

namespace wb {

bool isServerDatabase(const QString &db)
{
    return db.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)
           || db.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

Result<ServerDatabase> parseServerDatabase(const QString &url)
{
    const QUrl u(url, QUrl::StrictMode);
    const QString shown = displayDatabase(url);
    if (!u.isValid() || !isServerDatabase(url))
        return fail(QStringLiteral("not a PostgreSQL URL (postgresql://user@host:port/dbname)"), shown);
    ServerDatabase s;
    if (!u.host().isEmpty())
        s.host = u.host();
    s.port = u.port(5432);
    s.user = u.userName(QUrl::FullyDecoded);
    s.password = u.password(QUrl::FullyDecoded);
    s.name = u.path(QUrl::FullyDecoded).mid(1);
    if (s.name.isEmpty() || s.name.contains(u'/'))
        return fail(QStringLiteral("the PostgreSQL URL names no database (postgresql://user@host:port/dbname)"), shown);
    if (!u.query().isEmpty())
        return fail(QStringLiteral("the PostgreSQL URL takes no options after '?'; give the password in PGPASSWORD"), shown);
    return s;
}

QString displayDatabase(const QString &db)
{
    if (!isServerDatabase(db))
        return db;
    QUrl u(db);
    if (!u.isValid())
        return QStringLiteral("postgresql://<invalid URL>");
    u.setPassword(QString());
    return u.toString();
}

} // namespace wb
