#pragma once
// How long the rest of a run needs at least, given the router's limits (pure: tested on snapshots).
#include "core/router/routertypes.h"

namespace wb {

/// The least time the queued calls need at the rate the limits allow: per group, what its deployments
/// can admit per window (each limit divided by what a call has used of it so far), the queue's head
/// leaving when the router next wakes. A run's first minute often bursts through a whole window, so a
/// plain extrapolation from the jobs done so far is far too hopeful.
double limitBoundEtaSeconds(const RouterSnapshot &s);

} // namespace wb
