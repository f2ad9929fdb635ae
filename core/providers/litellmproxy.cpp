#include "core/providers/litellmproxy.h"

#include "core/providers/wireparsing.h"

#include <cmath>

namespace wb {

void readLiteLlmProxyHeaders(const HeaderList &headers, ParsedReply &reply)
{
    using wire::headerIs;
    ProxyCallInfo info;
    bool any = false;
    for (const auto &[name, value] : headers) {
        if (!name.toLower().startsWith("x-litellm-"))
            continue;
        any = true;
        const QString text = QString::fromUtf8(value.trimmed());
        if (headerIs(name, "x-litellm-call-id"))
            info.callId = text;
        else if (headerIs(name, "x-litellm-model-id"))
            info.modelId = text;
        else if (headerIs(name, "x-litellm-model-group"))
            info.modelGroup = text;
        else if (headerIs(name, "x-litellm-response-cost")) {
            bool ok = false;
            const double usd = text.toDouble(&ok);
            // A negative, non-finite or absurd figure is not a price: book by our own table instead.
            if (ok && std::isfinite(usd) && usd >= 0 && usd < 1e6)
                info.responseCostMicros = qint64(std::llround(usd * 1e6));
        }
    }
    if (!any)
        return;
    if (!info.callId.isEmpty())
        reply.requestId = info.callId;
    reply.proxy = info;
}

} // namespace wb
