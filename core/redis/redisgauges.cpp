#include "core/redis/redisgauges.h"

#include "core/redis/redisclient.h"
#include "core/redis/redisscripts.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <memory>

namespace wb {

RedisGaugeReader::RedisGaugeReader(const RouterSettings::RedisEndpoint &endpoint, QObject *parent)
    : QObject(parent), m_endpoint(endpoint)
{
    qRegisterMetaType<wb::SharedGaugeReading>();
}

RedisGaugeReader::~RedisGaugeReader() = default;

void RedisGaugeReader::refresh()
{
    if (!m_client) {
        // Created here, on the thread the reader works on, so its sockets and timers live there.
        m_client = new redis::RedisClient(m_endpoint.host, m_endpoint.port, m_endpoint.password, m_endpoint.db, this);
        m_down = QStringLiteral("connecting to Redis at %1").arg(m_endpoint.address());
        connect(m_client, &redis::RedisClient::failed, this, [this](const QString &why) {
            // The client retries only a connection it once had: the next refresh tries anew.
            m_client->deleteLater();
            m_client = nullptr;
            m_busy = false;
            emit readingReady(SharedGaugeReading{false, why, {}});
        });
        connect(m_client, &redis::RedisClient::lost, this, [this](const QString &why) {
            m_down = why + QStringLiteral("; reconnecting");
            emit readingReady(SharedGaugeReading{false, m_down, {}});
        });
        connect(m_client, &redis::RedisClient::connected, this, [this] {
            m_down.clear();
            readPools();
        });
        m_client->open();
        return;
    }
    if (!m_client->isConnected()) {
        emit readingReady(SharedGaugeReading{false, m_down, {}});
        return;
    }
    readPools();
}

void RedisGaugeReader::readPools()
{
    if (m_busy)
        return;
    m_busy = true;
    m_client->command({QByteArrayLiteral("HGETALL"), QByteArray(redis::kPoolRegistryKey)}, [this](const redis::Reply &r) {
        auto reading = std::make_shared<SharedGaugeReading>();
        reading->connected = true;
        if (!r.ok) {
            m_busy = false;
            emit readingReady(SharedGaugeReading{false, QStringLiteral("Redis at %1: %2").arg(m_endpoint.address(), r.error), {}});
            return;
        }
        for (qsizetype i = 0; i + 1 < r.strings.size(); i += 2) {
            const QJsonObject meta = QJsonDocument::fromJson(r.strings.at(i + 1)).object();
            SharedGauge g;
            g.pool = r.strings.at(i);
            g.label = meta.value(u"label").toString();
            g.bucket = meta.value(u"bucket").toBool();
            g.windowMs = meta.value(u"window_ms").toInteger();
            const QJsonArray limits = meta.value(u"limits").toArray();
            for (int d = 0; d < 4 && d < limits.size(); ++d)
                g.limits[d] = limits.at(d).toInteger();
            reading->gauges << g;
        }
        std::sort(reading->gauges.begin(), reading->gauges.end(),
                  [](const SharedGauge &a, const SharedGauge &b) { return a.label < b.label; });
        if (reading->gauges.isEmpty()) {
            m_busy = false;
            emit readingReady(*reading);
            return;
        }
        auto left = std::make_shared<qsizetype>(reading->gauges.size());
        for (qsizetype k = 0; k < reading->gauges.size(); ++k) {
            const SharedGauge &g = reading->gauges.at(k);
            const QByteArray p = "wb:{" + g.pool + "}:";
            QList<QByteArray> args{QByteArrayLiteral("EVAL"), redis::usageScriptText(), QByteArrayLiteral("6"),
                                   p + "w", p + "c", p + "s", p + "h", p + "ha", p + "b",
                                   g.bucket ? QByteArrayLiteral("1") : QByteArrayLiteral("0"), QByteArray::number(g.windowMs)};
            for (qint64 l : g.limits)
                args << QByteArray::number(l);
            m_client->command(args, [this, reading, left, k](const redis::Reply &u) {
                SharedGauge &g = reading->gauges[k];
                if (u.ok && u.array.size() >= 5) {
                    std::copy(u.array.cbegin(), u.array.cbegin() + 4, std::begin(g.used));
                    g.outputHeld = u.array.at(4);
                }
                if (--*left == 0) {
                    m_busy = false;
                    emit readingReady(*reading);
                }
            });
        }
    });
}

} // namespace wb
