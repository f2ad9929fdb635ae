#include "core/sim/simbatchconfig.h"

#include "core/common/result.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <yaml-cpp/yaml.h>

#include <cmath>

namespace wb {

namespace {

Error errorAt(const YAML::Node &n, const QString &file, const QString &field, const QString &message)
{
    const YAML::Mark m = n.Mark();
    return Error{message, file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, field};
}

} // namespace

std::optional<Error> readSimBatchSettings(const YAML::Node &node, const QString &field, const QString &file,
                                          SimBatchSettings &out)
{
    if (node.IsNull())
        return std::nullopt;
    if (!node.IsMap())
        return errorAt(node, file, field, QStringLiteral("expected a mapping like {processing_ms: 2000, error_rate: 0.05}"));
    for (auto it = node.begin(); it != node.end(); ++it) {
        const QString name = QString::fromStdString(it->first.Scalar());
        const QString path = field + u'.' + name;
        const YAML::Node &v = it->second;
        bool ok = false;
        const QString text = v.IsScalar() ? QString::fromStdString(v.Scalar()) : QString();
        if (name == u"error_rate") {
            const double d = text.toDouble(&ok);
            if (!ok || !std::isfinite(d) || d < 0 || d > 1)
                return errorAt(v, file, path, QStringLiteral("expected a fraction in [0, 1], got \"%1\"").arg(text));
            out.errorRate = d;
            continue;
        }
        std::optional<qint64> *target = nullptr;
        if (name == u"validating_ms") target = &out.validatingMs;
        else if (name == u"processing_ms") target = &out.processingMs;
        else if (name == u"finalizing_ms") target = &out.finalizingMs;
        else if (name == u"expire_after_ms") target = &out.expireAfterMs;
        else if (name == u"max_requests") target = &out.maxRequests;
        else if (name == u"max_bytes") target = &out.maxBytes;
        else if (name == u"enqueued_tokens") target = &out.enqueuedTokens;
        else if (name == u"queued_requests") target = &out.queuedRequests;
        if (!target)
            return errorAt(it->first, file, path,
                           QStringLiteral("unknown field (expected validating_ms, processing_ms, finalizing_ms, error_rate, "
                                          "expire_after_ms, max_requests, max_bytes, enqueued_tokens or queued_requests)"));
        const qint64 n = text.toLongLong(&ok);
        if (!ok || n < 0)
            return errorAt(v, file, path, QStringLiteral("expected a non-negative integer, got \"%1\"").arg(text));
        *target = n;
    }
    return std::nullopt;
}

} // namespace wb

#pragma GCC diagnostic pop
