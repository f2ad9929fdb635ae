#pragma once
// The Lua scripts that keep shared rate windows, buckets and budget holds in Redis
// (docs/ARCHITECTURE.md, "Shared limits in Redis"). Each call is one script, so check and
// reserve across every dimension happen atomically on the server, timed by the server's clock.
#include <QByteArray>

namespace wb::redis {

/// Every pool script takes the same nine keys (poolKeys()):
/// 1 w  ZSET  charge id -> expiry (ms, server clock)       2 c  HASH  charge id -> "rpm,tpm,itpm,otpm"
/// 3 s  HASH  sums r t i o, and h (otpm held in flight)    4 h  ZSET  ticket -> lease expiry
/// 5 ha HASH  ticket -> otpm held                          6 b  HASH  bucket levels l? and times ts?
/// 7 B  HASH  budget: base, p:<process> booked, x (expired holds), held, bound
/// 8 Bh ZSET  ticket -> budget lease expiry                9 Bha HASH ticket -> "held,bound"
enum class Script { Admit, Settle, Restamp, Reconcile, Restore, SeedBudget, Count };

/// The hash naming every pool some process admitted calls to: pool -> JSON {"label", "window_ms",
/// "bucket", "limits": [rpm, tpm, itpm, otpm]}, written once per process and pool (for gauges).
inline constexpr char kPoolRegistryKey[] = "wb:pools";

/// A read-only script over a pool's first six keys, for gauges. ARGV: bucket (0/1), window ms,
/// limits rpm tpm itpm otpm. Returns what each dimension counts now {r, t, i, o} and the otpm held
/// by calls in flight: the live charges of a window, or limit - level of a bucket.
QByteArray usageScriptText();

QByteArray scriptText(Script s);
/// SHA-1 of the text, for EVALSHA.
QByteArray scriptSha(Script s);

} // namespace wb::redis
