#pragma once
// One body for the three reply-parser targets: they differ only in the adapter.
#include "core/providers/provideradapter.h"
#include "tests/fuzz/fuzzsupport.h"

namespace wbfuzz {

inline int fuzzReply(const char *provider, const uint8_t *data, size_t size)
{
    quietOnce();
    static const auto adapter = wb::ProviderAdapter::forProvider(QString::fromLatin1(provider));
    const Reply in = splitReply(bytes(data, size));
    checkParsed(adapter->parseAt(in.status, in.headers, in.body, kNowMs), in.status);
    // Count-tokens replies are plain bodies; only not crashing is asked of them.
    (void)adapter->parseCountTokens(in.body);
    return 0;
}

} // namespace wbfuzz
