#pragma once
// What the shared windows in Redis count now, per pool, for the workbench's gauges
// (docs/ARCHITECTURE.md, "Shared limits in Redis"). Every process that admits calls through Redis
// names its pools in a registry (kPoolRegistryKey); this reads the registry and each pool's live
// charges with one read-only script per pool. Asynchronous like every Redis use here: nothing
// blocks the thread the reader lives on (the workbench gives it a thread of its own).
#include "core/config/modellist.h"

#include <QList>
#include <QMetaType>
#include <QObject>

namespace wb {

namespace redis {
class RedisClient;
}

struct SharedGauge {
    QByteArray pool;
    QString label;                    ///< the deployments sharing the pool, as the router named them
    bool bucket = false;
    qint64 windowMs = 0;
    qint64 limits[4] = {0, 0, 0, 0};  ///< rpm, tpm, itpm, otpm in force (0 = none)
    qint64 used[4] = {0, 0, 0, 0};    ///< what the window (or bucket) counts now
    qint64 outputHeld = 0;            ///< otpm held by calls in flight
};

struct SharedGaugeReading {
    bool connected = false;
    QString state;                    ///< why not connected (naming the address); empty when connected
    QList<SharedGauge> gauges;        ///< by label; empty while not connected
};

class RedisGaugeReader final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RedisGaugeReader)
public:
    explicit RedisGaugeReader(const RouterSettings::RedisEndpoint &endpoint, QObject *parent = nullptr);
    ~RedisGaugeReader() override;

    /// Reads every pool (connecting the first time). readingReady() follows once, later; a refresh
    /// while one is under way is dropped. While the connection is down the reading says so at once.
    void refresh();

signals:
    void readingReady(const wb::SharedGaugeReading &reading);

private:
    void readPools();

    RouterSettings::RedisEndpoint m_endpoint;
    redis::RedisClient *m_client = nullptr;
    QString m_down;                   // why the connection is down; empty when up
    bool m_busy = false;
};

} // namespace wb

Q_DECLARE_METATYPE(wb::SharedGaugeReading)
