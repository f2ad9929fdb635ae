#include "core/sim/providersimulator.h"

#include "core/sim/simserver.h"

#include <QHostAddress>
#include <QThread>

namespace wb {

ProviderSimulator::ProviderSimulator(SimConfig config, QObject *parent) : QObject(parent), m_config(std::move(config)) {}

ProviderSimulator::~ProviderSimulator() { stop(); }

Result<quint16> ProviderSimulator::start()
{
    if (m_server)
        return m_port;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("wb-provider-simulator"));
    m_server = new sim::SimServer(m_config);
    m_server->moveToThread(m_thread);
    m_thread->start();
    Result<quint16> r = fail(QStringLiteral("the simulator thread did not start"));
    QMetaObject::invokeMethod(m_server, [&r, this] { r = m_server->listen(); }, Qt::BlockingQueuedConnection);
    if (!r) {
        stop();
        return r;
    }
    m_port = *r;
    return r;
}

void ProviderSimulator::stop()
{
    if (!m_server)
        return;
    // The server and its sockets belong to the simulator thread: tear them down there.
    QMetaObject::invokeMethod(
        m_server,
        [this] {
            m_finalStats = m_server->stats();
            delete m_server;
        },
        Qt::BlockingQueuedConnection);
    m_server = nullptr;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

QString ProviderSimulator::baseUrl() const
{
    QString host = m_config.host.isEmpty() ? QStringLiteral("127.0.0.1") : m_config.host;
    if (QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + host + u']';
    return QStringLiteral("http://%1:%2").arg(host).arg(m_port);
}

SimStats ProviderSimulator::stats() const
{
    if (!m_server)
        return m_finalStats;
    SimStats s;
    if (QThread::currentThread() == m_thread)
        return m_server->stats();
    QMetaObject::invokeMethod(m_server, [&s, this] { s = m_server->stats(); }, Qt::BlockingQueuedConnection);
    return s;
}

} // namespace wb
