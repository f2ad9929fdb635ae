#pragma once
// Reports kept in the results database next to the results they describe (schema 5;
// docs/FORMATS.md, "Stored statistics"): a statistic that takes seconds over a million results is
// computed once per change of the results, not once per look.
#include "core/common/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace wb {

struct StoredReport {
    QByteArray json;             ///< the report, in its statistic's own JSON format
    qint64 resultsVersion = 0;   ///< the results version it was computed at
    qint64 currentVersion = 0;   ///< the database's results version when it was read
    QDateTime computedAt;        ///< UTC
    qint64 computeMs = 0;        ///< how long computing it took
    /// No result was written since it was computed.
    bool current() const { return resultsVersion == currentVersion; }
};

/// The results version of the database on `connName` (a connection from openReadConnection()):
/// it grows with every batch of results the writer commits. std::nullopt before schema 5.
Result<std::optional<qint64>> resultsVersion(const QString &connName);

/// The report stored under `key`, with the database's current results version; std::nullopt when
/// none is (or the database is older than schema 5).
Result<std::optional<StoredReport>> storedReport(const QString &connName, const QString &key);

/// Keeps `json` under `key` as computed at `version`, replacing what was there. Returns false, and
/// writes nothing, where the database must not be written by a reader: older than schema 5 (only a
/// run migrates), a file without any write permission (a re-opened bundle) or in a folder that
/// cannot be written. Its own short write transaction, on a connection of the calling thread.
Result<bool> storeReport(const QString &dbPath, const QString &key, qint64 version, qint64 computeMs, const QByteArray &json);

} // namespace wb
