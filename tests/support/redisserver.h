#pragma once
// A real redis-server (Debian package `redis-server`) for tests: started on a free loopback port
// in a temporary folder, without persistence, stopped (and restartable on the same port) by the
// test. Fails clearly when the binary is missing — install it with packaging/install-deps.sh.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

namespace wb::test {

class RedisServer {
public:
    RedisServer() = default;
    ~RedisServer() { stop(); }
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    static QString binary()
    {
        const QString fromPath = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        return fromPath.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("redis-server"), {QStringLiteral("/usr/bin"), QStringLiteral("/usr/sbin")})
                                  : fromPath;
    }

    /// Starts it (on a new free port the first time, the same port afterwards). Empty = ok, else why not.
    QString start()
    {
        const QString bin = binary();
        if (bin.isEmpty())
            return QStringLiteral("redis-server not found on PATH: install the Debian package redis-server "
                                  "(packaging/install-deps.sh)");
        if (!m_dir.isValid())
            return QStringLiteral("cannot create a temporary folder");
        if (m_port == 0) {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0))
                return QStringLiteral("no free loopback port");
            m_port = probe.serverPort();
        }
        m_proc = std::make_unique<QProcess>();
        m_proc->setProcessChannelMode(QProcess::MergedChannels);
        m_proc->setWorkingDirectory(m_dir.path());
        m_proc->start(bin, {QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                            QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--save"), QString(),
                            QStringLiteral("--appendonly"), QStringLiteral("no"), QStringLiteral("--daemonize"), QStringLiteral("no")});
        if (!m_proc->waitForStarted(5'000))
            return QStringLiteral("redis-server did not start: ") + m_proc->errorString();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10'000) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, m_port);
            if (s.waitForConnected(200)) {
                s.write("PING\r\n");
                if (s.waitForReadyRead(1'000) && s.readAll().startsWith("+PONG"))
                    return {};
            }
            if (m_proc->state() != QProcess::Running)
                return QStringLiteral("redis-server exited: ") + QString::fromUtf8(m_proc->readAll());
            QThread::msleep(50);
        }
        return QStringLiteral("redis-server did not answer on port %1").arg(m_port);
    }

    void stop()
    {
        if (!m_proc)
            return;
        m_proc->terminate();
        if (!m_proc->waitForFinished(5'000)) {
            m_proc->kill();
            m_proc->waitForFinished(2'000);
        }
        m_proc.reset();
    }

    /// A command through redis-cli-free plain RESP (inline commands), for checks; returns the raw reply.
    QByteArray command(const QByteArray &inlineCommand) const
    {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, m_port);
        if (!s.waitForConnected(1'000))
            return {};
        s.write(inlineCommand + "\r\n");
        QByteArray reply;
        while (s.waitForReadyRead(300))
            reply += s.readAll();
        return reply;
    }

    bool isRunning() const { return m_proc && m_proc->state() == QProcess::Running; }
    int port() const { return m_port; }
    QString host() const { return QStringLiteral("127.0.0.1"); }

private:
    QTemporaryDir m_dir;
    int m_port = 0;
    std::unique_ptr<QProcess> m_proc;
};

} // namespace wb::test
