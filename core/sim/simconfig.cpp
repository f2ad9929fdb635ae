#include "core/sim/simconfig.h"

#include <QFile>
#include <QSet>

// yaml-cpp's iterator proxies trip GCC 12's -Wdangling-pointer / -Wmaybe-uninitialized inside
// yaml-cpp's own headers; the warnings are about library code, not about this file.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <optional>

namespace wb {

namespace {

// yaml-cpp throws; everything is caught here and turned into an Error with a location.
struct Ctx {
    QString file;
    std::optional<Error> error;

    void failAt(const YAML::Node &n, const QString &field, const QString &msg)
    {
        if (error)
            return;
        const YAML::Mark m = n.Mark();
        error = Error{msg, file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, field};
    }
};

QString qs(const std::string &s) { return QString::fromStdString(s); }

constexpr SimCharge kCharges[] = {SimCharge::Provider, SimCharge::ReserveThenSettle, SimCharge::MaxPromptOutput,
                                  SimCharge::Reserve, SimCharge::Prompt, SimCharge::PromptThenSettle};

std::optional<SimCharge> chargeFromName(const QString &name)
{
    for (SimCharge c : kCharges)
        if (simChargeName(c) == name)
            return c;
    return std::nullopt;
}

std::optional<double> readNumber(Ctx &c, const YAML::Node &n, const QString &field, double min, double max)
{
    if (!n.IsScalar()) {
        c.failAt(n, field, QStringLiteral("expected a number"));
        return std::nullopt;
    }
    bool ok = false;
    const double v = qs(n.Scalar()).toDouble(&ok);
    if (!ok || !std::isfinite(v)) {
        c.failAt(n, field, QStringLiteral("expected a number, got \"%1\"").arg(qs(n.Scalar())));
        return std::nullopt;
    }
    if (v < min || v > max) {
        c.failAt(n, field, QStringLiteral("%1 is outside [%2, %3]").arg(v).arg(min).arg(max));
        return std::nullopt;
    }
    return v;
}

std::optional<qint64> readInt(Ctx &c, const YAML::Node &n, const QString &field)
{
    if (!n.IsScalar()) {
        c.failAt(n, field, QStringLiteral("expected a non-negative integer"));
        return std::nullopt;
    }
    bool ok = false;
    const qint64 v = qs(n.Scalar()).toLongLong(&ok);
    if (!ok || v < 0) {
        c.failAt(n, field, QStringLiteral("expected a non-negative integer, got \"%1\"").arg(qs(n.Scalar())));
        return std::nullopt;
    }
    return v;
}

std::optional<bool> readBool(Ctx &c, const YAML::Node &n, const QString &field)
{
    const QString s = n.IsScalar() ? qs(n.Scalar()).toLower() : QString();
    if (s == u"true" || s == u"yes" || s == u"on")
        return true;
    if (s == u"false" || s == u"no" || s == u"off")
        return false;
    c.failAt(n, field, QStringLiteral("expected true or false"));
    return std::nullopt;
}

std::optional<QString> readString(Ctx &c, const YAML::Node &n, const QString &field)
{
    if (!n.IsScalar()) {
        c.failAt(n, field, QStringLiteral("expected a string"));
        return std::nullopt;
    }
    return qs(n.Scalar());
}

/// `litellm_proxy: true` or `{input_cost_per_token: X, output_cost_per_token: Y}`.
void readProxy(Ctx &c, const YAML::Node &n, const QString &path, SimKey &k)
{
    if (n.IsScalar()) {
        k.litellmProxy = readBool(c, n, path).value_or(false);
        return;
    }
    if (!n.IsMap()) {
        c.failAt(n, path, QStringLiteral("expected true or {input_cost_per_token, output_cost_per_token}"));
        return;
    }
    k.litellmProxy = true;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const QString f = qs(it->first.Scalar());
        double *target = f == u"input_cost_per_token" ? &k.proxyInputCostPerToken
                         : f == u"output_cost_per_token" ? &k.proxyOutputCostPerToken : nullptr;
        if (!target)
            c.failAt(it->first, path + u'.' + f, QStringLiteral("unknown field (expected input_cost_per_token or output_cost_per_token)"));
        else if (auto v = readNumber(c, it->second, path + u'.' + f, 0, 1))
            *target = *v;
    }
}

void readKey(Ctx &c, const QString &name, const YAML::Node &keyNode, const YAML::Node &n, SimConfig &cfg)
{
    // Never repeat the key itself in messages: a real key pasted here must not leak into logs.
    const QString field = QStringLiteral("keys[%1]").arg(cfg.keys.size());
    if (!n.IsMap()) {
        c.failAt(n, field, QStringLiteral("expected a mapping like {provider: openai, rpm: 60, tpm: 40000}"));
        return;
    }
    SimKey k;
    k.key = name;
    bool haveProvider = false;
    bool haveAlgorithm = false;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const QString f = qs(it->first.Scalar());
        const QString path = field + u'.' + f;
        if (f == u"provider") {
            if (auto v = readString(c, it->second, path)) {
                static const QSet<QString> known{QStringLiteral("openai"), QStringLiteral("anthropic"),
                                                 QStringLiteral("mistral"), QStringLiteral("gemini"),
                                                 QStringLiteral("azure"), QStringLiteral("vertex_ai")};
                if (!known.contains(*v))
                    c.failAt(it->second, path, QStringLiteral("unknown provider \"%1\" (expected openai, anthropic, mistral, gemini, azure or vertex_ai)").arg(*v));
                k.provider = *v;
                haveProvider = true;
            }
        } else if (f == u"rpm") {
            if (auto v = readInt(c, it->second, path)) k.rpm = *v;
        } else if (f == u"tpm") {
            if (auto v = readInt(c, it->second, path)) k.tpm = *v;
        } else if (f == u"itpm") {
            if (auto v = readInt(c, it->second, path)) k.itpm = *v;
        } else if (f == u"otpm") {
            if (auto v = readInt(c, it->second, path)) k.otpm = *v;
        } else if (f == u"pool") {
            if (auto v = readString(c, it->second, path)) k.pool = *v;
        } else if (f == u"count_factor") {
            if (auto v = readNumber(c, it->second, path, 0.01, 1000)) k.countFactor = *v;
        } else if (f == u"rpd") {
            if (auto v = readInt(c, it->second, path)) k.rpd = *v;
        } else if (f == u"charge") {
            if (auto v = readString(c, it->second, path)) {
                const auto mode = chargeFromName(*v);
                if (!mode)
                    c.failAt(it->second, path, QStringLiteral("unknown charge \"%1\" (expected provider, reserve_then_settle, "
                                                              "max_prompt_output, reserve, prompt or prompt_then_settle)").arg(*v));
                k.charge = mode.value_or(SimCharge::Provider);
            }
        } else if (f == u"algorithm") {
            haveAlgorithm = true;
            if (auto v = readString(c, it->second, path)) {
                if (*v == u"window" || *v == u"bucket" || *v == u"fixed")
                    k.algorithm = *v == u"bucket" ? SimAlgorithm::Bucket : *v == u"fixed" ? SimAlgorithm::Fixed : SimAlgorithm::Window;
                else
                    c.failAt(it->second, path, QStringLiteral("unknown algorithm \"%1\" (expected window, bucket or fixed)").arg(*v));
            }
        } else if (f == u"short_interval_ms") {
            if (auto v = readInt(c, it->second, path)) k.shortIntervalMs = *v;
        } else if (f == u"reset") {
            if (auto v = readString(c, it->second, path)) {
                if (*v == u"full" || *v == u"oldest")
                    k.resetNamesOldest = *v == u"oldest";
                else
                    c.failAt(it->second, path, QStringLiteral("unknown reset \"%1\" (expected full or oldest)").arg(*v));
            }
        } else if (f == u"limit_headers") {
            if (it->second.IsScalar() && qs(it->second.Scalar()).toLower() == u"bysize") {
                k.limitHeaders = true;
                k.bySizeHeaders = true;
            } else if (auto v = readBool(c, it->second, path)) {
                k.limitHeaders = *v;
            }
        } else if (f == u"headers_read") {
            if (auto v = readString(c, it->second, path)) {
                if (*v == u"admission" || *v == u"reply")
                    k.headersAtAdmission = *v == u"admission";
                else
                    c.failAt(it->second, path, QStringLiteral("unknown headers_read \"%1\" (expected reply or admission)").arg(*v));
            }
        } else if (f == u"litellm_proxy") {
            readProxy(c, it->second, path, k);
        } else if (f == u"batch") {
            if (auto e = readSimBatchSettings(it->second, path, c.file, k.batch); e && !c.error) c.error = e;
        } else {
            c.failAt(it->first, path, QStringLiteral("unknown field (expected provider, rpm, tpm, itpm, otpm, rpd, pool, count_factor, "
                                                     "charge, algorithm, short_interval_ms, reset, limit_headers, headers_read, litellm_proxy "
                                                     "or batch)"));
        }
    }
    if (!haveProvider)
        c.failAt(keyNode, field, QStringLiteral("provider is required"));
    // Anthropic documents its limits as continuously refilled buckets (docs/PROVIDERS.md): that
    // is what its keys do unless the file says otherwise.
    if (!haveAlgorithm && k.provider == u"anthropic")
        k.algorithm = SimAlgorithm::Bucket;
    if (k.bySizeHeaders && k.provider != u"mistral")
        c.failAt(keyNode, field, QStringLiteral("limit_headers: bysize is Mistral's older header set: the provider must be mistral"));
    if (k.litellmProxy && k.provider != u"openai")
        c.failAt(keyNode, field, QStringLiteral("litellm_proxy keys speak the OpenAI format: their provider must be openai"));
    if (k.provider == u"anthropic" && k.charge != SimCharge::Provider)
        c.failAt(keyNode, field, QStringLiteral("charge applies to tpm limits (openai, mistral, gemini); anthropic charges its "
                                                "input tokens at admission and its output tokens from the reply"));
    for (const SimKey &other : std::as_const(cfg.keys)) {
        if (other.key == name)
            c.failAt(keyNode, field, QStringLiteral("the same key is listed twice"));
        // A pool is one limit shared by its keys (an organisation's): the keys cannot disagree on it.
        if (!k.pool.isEmpty() && other.pool == k.pool
            && (other.provider != k.provider || other.rpm != k.rpm || other.tpm != k.tpm || other.itpm != k.itpm
                || other.otpm != k.otpm || other.rpd != k.rpd || other.charge != k.charge || other.algorithm != k.algorithm
                || other.resetNamesOldest != k.resetNamesOldest || other.shortIntervalMs != k.shortIntervalMs))
            c.failAt(keyNode, field, QStringLiteral("keys of pool \"%1\" share one set of limits: provider, rpm, tpm, itpm, otpm, "
                                                    "rpd, charge, algorithm, short_interval_ms and reset must be the same as for the pool's other keys").arg(k.pool));
    }
    cfg.keys.append(k);
}

void readFaults(Ctx &c, const YAML::Node &n, SimFaults &f)
{
    if (!n.IsMap()) {
        c.failAt(n, QStringLiteral("faults"), QStringLiteral("expected a mapping of fault rates"));
        return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
        const QString name = qs(it->first.Scalar());
        const QString path = QStringLiteral("faults.") + name;
        double *target = nullptr;
        if (name == u"http500") target = &f.http500;
        else if (name == u"overloaded") target = &f.overloaded;
        else if (name == u"reset") target = &f.reset;
        else if (name == u"hang") target = &f.hang;
        else if (name == u"malformed") target = &f.malformed;
        else if (name == u"invalid_json") target = &f.invalidJson;
        if (!target) {
            c.failAt(it->first, path, QStringLiteral("unknown fault (expected http500, overloaded, reset, hang, malformed or invalid_json)"));
            continue;
        }
        if (auto v = readNumber(c, it->second, path, 0.0, 1.0))
            *target = *v;
    }
}

} // namespace

QString simChargeName(SimCharge c)
{
    switch (c) {
    case SimCharge::Provider: return QStringLiteral("provider");
    case SimCharge::ReserveThenSettle: return QStringLiteral("reserve_then_settle");
    case SimCharge::MaxPromptOutput: return QStringLiteral("max_prompt_output");
    case SimCharge::Reserve: return QStringLiteral("reserve");
    case SimCharge::Prompt: return QStringLiteral("prompt");
    case SimCharge::PromptThenSettle: return QStringLiteral("prompt_then_settle");
    }
    return {};
}

QString simAlgorithmName(SimAlgorithm a)
{
    return a == SimAlgorithm::Bucket  ? QStringLiteral("bucket")
         : a == SimAlgorithm::Fixed ? QStringLiteral("fixed")
                                    : QStringLiteral("window");
}

Result<SimConfig> parseSimConfig(const QByteArray &yaml, const QString &fileName)
{
    Ctx c{fileName, std::nullopt};
    SimConfig cfg;
    cfg.sourceFile = fileName;
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        if (root.IsNull())
            return cfg;   // an empty file: the defaults (any key, no limits)
        if (!root.IsMap())
            return fail(QStringLiteral("expected a mapping at the top level"), fileName, root.Mark().line + 1,
                        root.Mark().column + 1);
        std::optional<bool> acceptAny;
        for (auto it = root.begin(); it != root.end(); ++it) {
            const QString f = qs(it->first.Scalar());
            const YAML::Node &v = it->second;
            if (f == u"seed") {
                if (auto x = readInt(c, v, f)) cfg.seed = quint64(*x);
            } else if (f == u"latency_ms") {
                if (auto x = readNumber(c, v, f, 0, 3'600'000)) cfg.latencyMs = *x;
            } else if (f == u"latency_per_output_token_ms") {
                if (auto x = readNumber(c, v, f, 0, 60'000)) cfg.latencyPerOutputTokenMs = *x;
            } else if (f == u"jitter_ms") {
                if (auto x = readNumber(c, v, f, 0, 3'600'000)) cfg.jitterMs = *x;
            } else if (f == u"accept_any_key") {
                acceptAny = readBool(c, v, f);
            } else if (f == u"keys") {
                if (v.IsNull())
                    continue;
                if (!v.IsMap()) {
                    c.failAt(v, f, QStringLiteral("expected a mapping of key name -> {provider, rpm, ...}"));
                    continue;
                }
                for (auto k = v.begin(); k != v.end(); ++k)
                    readKey(c, qs(k->first.Scalar()), k->first, k->second, cfg);
            } else if (f == u"faults") {
                if (!v.IsNull())
                    readFaults(c, v, cfg.faults);
            } else if (f == u"window_ms") {
                if (auto x = readInt(c, v, f)) cfg.windowMs = std::max<qint64>(1, *x);
            } else if (f == u"day_ms") {
                if (auto x = readInt(c, v, f)) cfg.dayMs = std::max<qint64>(1, *x);
            } else if (f == u"batch") {
                if (auto e = readSimBatchSettings(v, f, fileName, cfg.batch); e && !c.error) c.error = e;
            } else if (f == u"token_lifetime_s") {
                if (auto x = readInt(c, v, f)) cfg.tokenLifetimeS = std::max<qint64>(1, *x);
            } else if (f == u"service_accounts") {
                if (!v.IsMap() && !v.IsNull())
                    c.failAt(v, f, QStringLiteral("expected a mapping of client_email -> public key PEM"));
                for (auto k = v.begin(); v.IsMap() && k != v.end(); ++k)
                    cfg.serviceAccounts.append({qs(k->first.Scalar()), QByteArray::fromStdString(k->second.as<std::string>())});
            } else {
                c.failAt(it->first, f,
                         QStringLiteral("unknown field (expected seed, latency_ms, latency_per_output_token_ms, "
                                        "jitter_ms, keys, accept_any_key, faults, window_ms, day_ms, service_accounts, "
                                        "token_lifetime_s or batch)"));
            }
        }
        cfg.acceptAnyKey = acceptAny.value_or(cfg.keys.isEmpty());
    } catch (const YAML::Exception &e) {
        return fail(QString::fromStdString(e.msg), fileName, e.mark.is_null() ? 0 : e.mark.line + 1,
                    e.mark.is_null() ? 0 : e.mark.column + 1);
    }
    if (c.error)
        return std::unexpected(*c.error);
    return cfg;
}

Result<SimConfig> loadSimConfig(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read the limits file: %1").arg(f.errorString()), path);
    return parseSimConfig(f.readAll(), path);
}

} // namespace wb

#pragma GCC diagnostic pop
