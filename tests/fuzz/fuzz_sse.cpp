// libFuzzer target: the SSE reader. A streamed reply (event-stream framing) reaching the
// Anthropic parser, which looks for an "event: error" and its data line, with the input as body.
#include "core/providers/provideradapter.h"
#include "tests/fuzz/fuzzsupport.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wbfuzz::quietOnce();
    static const auto adapter = wb::ProviderAdapter::forProvider(QStringLiteral("anthropic"));
    static const wb::HeaderList headers{{QByteArrayLiteral("content-type"), QByteArrayLiteral("text/event-stream")}};
    const QByteArray body = wbfuzz::bytes(data, size);
    for (const int status : {200, 529}) {
        wbfuzz::checkParsed(adapter->parseAt(status, headers, body, wbfuzz::kNowMs), status);
    }
    return 0;
}
