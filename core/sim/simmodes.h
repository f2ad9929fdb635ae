#pragma once
// Internal to core/sim: the per-key modes of the simulator's limits (SimKey::charge, ::algorithm).
// They let a test pick how a provider counts — charged prompt + max_tokens and settled to usage,
// max(prompt, max_tokens), never settled; sliding window or bucket — independently of what the
// router assumes, so a router that learns from the provider's counters has something to learn.
#include "core/sim/dialects/simdialect.h"

#include <memory>

namespace wb::sim {

/// Tokens the call is charged against its token limit at admission under its key's charge mode
/// (the dialect's documented rule when the mode is Provider or the call has no key).
qint64 admissionChargeFor(const SimDialect &dialect, const SimCall &call);
/// Books what only the reply tells under the key's charge mode; returns what the call is charged
/// in the end (what the remaining-tokens headers then show).
qint64 settleFor(const SimDialect &dialect, SimCall &call, qint64 completion, qint64 now, SimKeyStats &stats);
/// A key's (or pool's) counters, buckets when its algorithm is `bucket`, fixed windows with
/// boundaries at fixedPhaseMs + k * windowMs when it is `fixed`.
std::unique_ptr<SimWindows> makeWindows(const SimKey &key, qint64 windowMs, qint64 fixedPhaseMs = 0);

} // namespace wb::sim
