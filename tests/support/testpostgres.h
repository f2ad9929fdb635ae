#pragma once
// The tests' PostgreSQL: a real cluster CTest starts before them (fixture "postgres",
// tests/tools/pg-cluster.sh) and names in WB_TEST_POSTGRES_DIR/url. Each test takes a database of
// its own in it. No cluster is a failure with the reason, never a skip.
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QUrl>

namespace wb::test {

/// The cluster's URL, or empty with `error` saying why.
inline QString postgresUrl(QString *error)
{
    const QString dir = qEnvironmentVariable("WB_TEST_POSTGRES_DIR");
    if (dir.isEmpty()) {
        *error = QStringLiteral("WB_TEST_POSTGRES_DIR is not set: run this test through ctest, whose fixture "
                                "'postgres' starts the cluster (tests/tools/pg-cluster.sh)");
        return {};
    }
    QFile f(dir + QStringLiteral("/url"));
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("no PostgreSQL cluster: %1 is missing — did the postgres_start test fail? "
                                "(tests/tools/pg-cluster.sh needs the Debian package postgresql)")
                     .arg(f.fileName());
        return {};
    }
    return QString::fromUtf8(f.readAll()).trimmed();
}

/// A new, empty database `name` in the test cluster (dropped first if a previous run left it);
/// returns its URL, or empty with `error`.
inline QString freshPostgresDatabase(const QString &name, QString *error)
{
    const QString base = postgresUrl(error);
    if (base.isEmpty())
        return {};
    const QUrl u(base);
    const QString conn = QStringLiteral("wb.test.pgadmin.") + name;
    QString url;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), conn);
        db.setHostName(u.host());
        db.setPort(u.port());
        db.setUserName(u.userName());
        db.setDatabaseName(u.path().mid(1));
        if (!db.open()) {
            *error = QStringLiteral("cannot connect to the test cluster %1: %2").arg(base, db.lastError().text());
        } else {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name))
                || !q.exec(QStringLiteral("CREATE DATABASE %1").arg(name))) {
                *error = QStringLiteral("cannot create database %1: %2").arg(name, q.lastError().text());
            } else {
                QUrl out(base);
                out.setPath(u'/' + name);
                url = out.toString();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(conn);
    return url;
}

} // namespace wb::test
