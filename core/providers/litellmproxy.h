#pragma once
// A LiteLLM proxy as upstream (docs/PROVIDERS.md, "LiteLLM proxy as upstream"): it speaks the
// OpenAI format and adds x-litellm-* headers naming the call, the deployment that answered and
// the price it computed. Pure.
#include "core/providers/providertypes.h"

namespace wb {

/// Reads the proxy's x-litellm-* headers into reply.proxy (left unset when there are none). The
/// proxy's call id becomes the request id: it is what the proxy's spend logs are keyed on.
void readLiteLlmProxyHeaders(const HeaderList &headers, ParsedReply &reply);

} // namespace wb
