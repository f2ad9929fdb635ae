#include "core/sim/simlitellm.h"

namespace wb::sim {

double liteLlmResponseCost(const SimKey &key, qint64 promptTokens, qint64 completionTokens)
{
    return double(promptTokens) * key.proxyInputCostPerToken + double(completionTokens) * key.proxyOutputCostPerToken;
}

void addLiteLlmProxyHeaders(SimReplyContext &ctx, const SimCall &call, qint64 completion, SimReply &reply)
{
    const QString uuid = ctx.randomId("", 32, true);
    const QString callId = uuid.left(8) + u'-' + uuid.mid(8, 4) + u'-' + uuid.mid(12, 4) + u'-' + uuid.mid(16, 4) + u'-' + uuid.mid(20);
    // The proxy's deployment id is a hash of its litellm_params: stable per model group here.
    const QString modelId = QString::number(stableHash(7, call.model), 16).rightJustified(16, u'0');
    auto add = [&](const char *name, const QString &value) { reply.headers.emplaceBack(QByteArray(name), value.toUtf8()); };
    add("x-litellm-call-id", callId);
    add("x-litellm-model-id", modelId);
    add("x-litellm-model-group", call.model);
    add("x-litellm-model-api-base", QStringLiteral("https://api.openai.com/v1"));
    add("x-litellm-version", QStringLiteral("1.74.0"));
    add("x-litellm-response-duration-ms", QString::number(ctx.now() - call.receivedAt));
    add("x-litellm-response-cost", QString::number(liteLlmResponseCost(*call.key, call.promptTokens, completion), 'g', 12));
    add("x-litellm-key-spend", QStringLiteral("0.0"));
}

} // namespace wb::sim
