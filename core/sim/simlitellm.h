#pragma once
// Internal to core/sim: the simulator answering as a LiteLLM proxy would (SimKey::litellmProxy).
// The proxy forwards in the OpenAI format and adds x-litellm-* response headers: its call id,
// the deployment and model group that answered, how long it took and the price it computed
// (docs/PROVIDERS.md, "LiteLLM proxy as upstream").
#include "core/sim/dialects/simdialect.h"

namespace wb::sim {

/// The price the proxy reports for a call: prompt and completion tokens at the key's rates.
double liteLlmResponseCost(const SimKey &key, qint64 promptTokens, qint64 completionTokens);
void addLiteLlmProxyHeaders(SimReplyContext &ctx, const SimCall &call, qint64 completion, SimReply &reply);

} // namespace wb::sim
