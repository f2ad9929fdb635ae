#include "core/session/learnedlimits.h"

#include "core/router/routertypes.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace wb {

namespace {

constexpr int kVersion = 1;
const char *const kDims[] = {"rpm", "tpm", "itpm", "otpm"};

std::optional<qint64> *dimOf(RateLimits &l, int i)
{
    std::optional<qint64> *dims[] = {&l.rpm, &l.tpm, &l.itpm, &l.otpm};
    return dims[i];
}

/// 1-based line of each entry object of "limits" (objects opened at nesting depth 3), for messages.
QList<int> entryLines(const QByteArray &text)
{
    QList<int> lines;
    int line = 1, depth = 0;
    bool inString = false, escaped = false;
    for (const char c : text) {
        if (c == '\n')
            ++line;
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{' || c == '[') {
            if (++depth == 3 && c == '{')
                lines << line;
        } else if (c == '}' || c == ']')
            --depth;
    }
    return lines;
}

bool sameEntry(const LearnedLimits &e, const Deployment &d)
{
    return e.provider == d.provider && e.apiBase == d.effectiveApiBase() && e.model == d.model
        && e.keyRef == learnedKeyReference(d);
}

} // namespace

QString learnedKeyReference(const Deployment &d)
{
    if (d.keyRef.startsWith(u"os.environ/") || d.keyRef.startsWith(u"keychain/"))
        return d.keyRef;
    return QStringLiteral("deployment ") + d.id;
}

QString LearnedLimitStore::defaultPath()
{
    // DISCERNUS_LEARNED_LIMITS names another file; set and empty, nothing is remembered (the
    // test suite's setting, so no test reads what another one learned).
    if (qEnvironmentVariableIsSet("DISCERNUS_LEARNED_LIMITS"))
        return qEnvironmentVariable("DISCERNUS_LEARNED_LIMITS");
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("discernus/learned-limits.json"));
}

Result<void> LearnedLimitStore::load()
{
    m_entries.clear();
    QFile f(m_path);
    if (!f.exists())
        return {};
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(f.errorString()), m_path);
    const QByteArray text = f.readAll();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError) {
        const QByteArray before = text.left(pe.offset);
        const int line = int(before.count('\n')) + 1;
        const int column = int(pe.offset - (before.lastIndexOf('\n') + 1)) + 1;
        return fail(QStringLiteral("not valid JSON: %1").arg(pe.errorString()), m_path, line, column);
    }
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(u"limits").isArray())
        return fail(QStringLiteral("expected an object with a \"limits\" array"), m_path, 1, 0, QStringLiteral("limits"));
    if (root.value(u"version").toInt() > kVersion)
        return fail(QStringLiteral("written by a newer discernus (version %1)").arg(root.value(u"version").toInt()), m_path, 1, 0,
                    QStringLiteral("version"));
    const QJsonArray list = root.value(u"limits").toArray();
    const QList<int> lines = entryLines(text);
    QList<LearnedLimits> entries;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const int line = i < lines.size() ? lines[i] : 0;
        auto bad = [&](const char *field, const QString &what) {
            return fail(what, m_path, line, 0, QStringLiteral("limits[%1].%2").arg(i).arg(QLatin1String(field)));
        };
        const QJsonObject o = list[i].toObject();
        LearnedLimits e;
        e.provider = o.value(u"provider").toString();
        e.apiBase = o.value(u"api_base").toString();
        e.model = o.value(u"model").toString();
        e.keyRef = o.value(u"key").toString();
        for (const char *field : {"provider", "api_base", "model", "key"})
            if (o.value(QLatin1String(field)).toString().isEmpty())
                return bad(field, QStringLiteral("must be a non-empty string"));
        e.windowMs = o.value(u"window_ms").toInteger(-1);
        if (e.windowMs <= 0)
            return bad("window_ms", QStringLiteral("must be a positive integer"));
        for (int dim = 0; dim < 4; ++dim) {
            const QJsonValue v = o.value(QLatin1String(kDims[dim]));
            if (v.isUndefined() || v.isNull())
                continue;
            if (v.toInteger(-1) <= 0)
                return bad(kDims[dim], QStringLiteral("must be a positive integer"));
            *dimOf(e.limits, dim) = v.toInteger();
        }
        if (const QJsonValue p = o.value(u"pool"); !p.isUndefined()) {
            if (!p.isString() || p.toString().isEmpty())
                return bad("pool", QStringLiteral("must be a non-empty string"));
            e.pool = p.toString();
        }
        e.learnedAt = QDateTime::fromString(o.value(u"learned_at").toString(), Qt::ISODate);
        if (!e.learnedAt.isValid())
            return bad("learned_at", QStringLiteral("must be an ISO 8601 date and time"));
        if (const QJsonValue v = o.value(u"day"); !v.isUndefined()) {
            const QJsonObject day = v.toObject();
            e.dayRequests = day.value(u"requests").toInteger(-1);
            e.dayTokens = day.value(u"tokens").toInteger(-1);
            e.dayResetsAt = QDateTime::fromString(day.value(u"resets_at").toString(), Qt::ISODate);
            if (!v.isObject() || e.dayRequests < 0 || e.dayTokens < 0 || !e.dayResetsAt.isValid())
                return bad("day", QStringLiteral("must be {\"requests\": n, \"tokens\": n, \"resets_at\": ISO 8601 date}"));
        }
        if (const QJsonValue v = o.value(u"counting"); !v.isUndefined()) {
            const QJsonObject c = v.toObject();
            // Each member names one of two ways; an unknown word is an error, a missing member unknown.
            struct Way { const char *member, *yes, *no; std::optional<bool> LearnedCounting::*field; };
            const Way ways[] = {{"after_reply", "settled", "kept", &LearnedCounting::settledToUsage},
                                {"refill", "bucket", "window", &LearnedCounting::bucket},
                                {"counters_read", "admission", "reply", &LearnedCounting::countersAtAdmission}};
            if (!v.isObject())
                return bad("counting", QStringLiteral("must be an object"));
            // Admission has three ways: prompt + max_tokens, the larger of the two, the prompt alone.
            if (const QJsonValue x = c.value(u"admission"); !x.isUndefined()) {
                const QString w = x.toString();
                if (w != u"sum" && w != u"larger" && w != u"prompt")
                    return fail(QStringLiteral("must be \"sum\", \"larger\" or \"prompt\""), m_path, line, 0,
                                QStringLiteral("limits[%1].counting.admission").arg(i));
                e.counting.admitLarger = w == u"larger";
                e.counting.admitPromptOnly = w == u"prompt";
            }
            if (const QJsonValue x = c.value(u"spread"); !x.isUndefined()) {
                if (x.toString() != u"requests" && x.toString() != u"tokens")
                    return fail(QStringLiteral("must be \"requests\" or \"tokens\""), m_path, line, 0,
                                QStringLiteral("limits[%1].counting.spread").arg(i));
                e.counting.spread = x.toString() == u"tokens" ? 2 : 1;
            }
            for (const Way &w : ways) {
                const QJsonValue x = c.value(QLatin1String(w.member));
                if (x.isUndefined())
                    continue;
                if (x.toString() != QLatin1String(w.yes) && x.toString() != QLatin1String(w.no))
                    return fail(QStringLiteral("must be \"%1\" or \"%2\"").arg(QLatin1String(w.yes), QLatin1String(w.no)),
                                m_path, line, 0, QStringLiteral("limits[%1].counting.%2").arg(i).arg(QLatin1String(w.member)));
                e.counting.*w.field = x.toString() == QLatin1String(w.yes);
            }
        }
        if (const QJsonValue v = o.value(u"accepted"); !v.isUndefined()) {
            const QJsonObject a = v.toObject();
            e.acceptedRequests = a.value(u"requests").toInteger(-1);
            e.acceptedTokens = a.value(u"tokens").toInteger(0);
            if (!v.isObject() || e.acceptedRequests <= 0 || e.acceptedTokens < 0)
                return bad("accepted", QStringLiteral("must be {\"requests\": n, \"tokens\": n} with n > 0 requests"));
        }
        if (const QJsonValue v = o.value(u"exhausted"); !v.isUndefined()) {
            const QJsonObject q = v.toObject();
            e.quotaUntil = QDateTime::fromString(q.value(u"until").toString(), Qt::ISODate);
            e.quotaWhat = q.value(u"what").toString();
            e.quotaDaily = q.value(u"daily").toBool(true);
            if (!v.isObject() || !e.quotaUntil.isValid() || e.quotaWhat.isEmpty())
                return bad("exhausted", QStringLiteral("must be {\"until\": ISO 8601 date, \"what\": text, \"daily\": bool}"));
        }
        entries << e;
    }
    m_entries = std::move(entries);
    return {};
}

Result<void> LearnedLimitStore::save() const
{
    if (const QString dir = QFileInfo(m_path).absolutePath(); !QDir().mkpath(dir))
        return fail(QStringLiteral("cannot create the folder %1").arg(dir), m_path);
    // One entry per line, so a message about an entry names a line a person can find.
    QByteArray out = "{\"version\": " + QByteArray::number(kVersion) + ", \"limits\": [\n";
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        const LearnedLimits &e = m_entries[i];
        QJsonObject o{{QStringLiteral("provider"), e.provider},
                      {QStringLiteral("api_base"), e.apiBase},
                      {QStringLiteral("model"), e.model},
                      {QStringLiteral("key"), e.keyRef},
                      {QStringLiteral("window_ms"), e.windowMs},
                      {QStringLiteral("learned_at"), e.learnedAt.toUTC().toString(Qt::ISODate)}};
        if (!e.pool.isEmpty())
            o.insert(QStringLiteral("pool"), e.pool);
        if (e.dayResetsAt.isValid())
            o.insert(QStringLiteral("day"), QJsonObject{{QStringLiteral("requests"), e.dayRequests},
                                                        {QStringLiteral("tokens"), e.dayTokens},
                                                        {QStringLiteral("resets_at"), e.dayResetsAt.toUTC().toString(Qt::ISODate)}});
        if (e.counting.any()) {
            QJsonObject c;
            if (e.counting.admitLarger || e.counting.admitPromptOnly)
                c.insert(QStringLiteral("admission"), e.counting.admitLarger.value_or(false)         ? QStringLiteral("larger")
                                                      : e.counting.admitPromptOnly.value_or(false) ? QStringLiteral("prompt")
                                                                                                   : QStringLiteral("sum"));
            if (e.counting.settledToUsage)
                c.insert(QStringLiteral("after_reply"), *e.counting.settledToUsage ? QStringLiteral("settled") : QStringLiteral("kept"));
            if (e.counting.bucket)
                c.insert(QStringLiteral("refill"), *e.counting.bucket ? QStringLiteral("bucket") : QStringLiteral("window"));
            if (e.counting.countersAtAdmission)
                c.insert(QStringLiteral("counters_read"), *e.counting.countersAtAdmission ? QStringLiteral("admission")
                                                                                         : QStringLiteral("reply"));
            if (e.counting.spread && *e.counting.spread > 0)
                c.insert(QStringLiteral("spread"), *e.counting.spread >= 2 ? QStringLiteral("tokens") : QStringLiteral("requests"));
            o.insert(QStringLiteral("counting"), c);
        }
        if (e.acceptedRequests > 0)
            o.insert(QStringLiteral("accepted"), QJsonObject{{QStringLiteral("requests"), e.acceptedRequests},
                                                             {QStringLiteral("tokens"), e.acceptedTokens}});
        if (e.quotaUntil.isValid())
            o.insert(QStringLiteral("exhausted"), QJsonObject{{QStringLiteral("until"), e.quotaUntil.toUTC().toString(Qt::ISODate)},
                                                              {QStringLiteral("what"), e.quotaWhat},
                                                              {QStringLiteral("daily"), e.quotaDaily}});
        RateLimits l = e.limits;
        for (int dim = 0; dim < 4; ++dim)
            if (const auto v = *dimOf(l, dim))
                o.insert(QLatin1String(kDims[dim]), *v);
        out += QJsonDocument(o).toJson(QJsonDocument::Compact) + (i + 1 < m_entries.size() ? ",\n" : "\n");
    }
    out += "]}\n";
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly) || f.write(out) != out.size() || !f.commit())
        return fail(QStringLiteral("cannot write: %1").arg(f.errorString()), m_path);
    return {};
}

const LearnedLimits *LearnedLimitStore::find(const Deployment &d) const
{
    for (const LearnedLimits &e : m_entries)
        if (sameEntry(e, d))
            return &e;
    return nullptr;
}

LearnedLimits &LearnedLimitStore::entryFor(const Deployment &d, qint64 windowMs, const QDateTime &at)
{
    for (LearnedLimits &e : m_entries)
        if (sameEntry(e, d))
            return e;
    LearnedLimits e;
    e.provider = d.provider;
    e.apiBase = d.effectiveApiBase();
    e.model = d.model;
    e.keyRef = learnedKeyReference(d);
    e.windowMs = windowMs;
    e.learnedAt = at.toUTC();
    m_entries << e;
    return m_entries.last();
}

void LearnedLimitStore::rememberCounting(const Deployment &d, qint64 windowMs, const LearnedCounting &counting,
                                         const QDateTime &at)
{
    LearnedLimits &entry = entryFor(d, windowMs, at);
    if (counting.admitLarger)
        entry.counting.admitLarger = counting.admitLarger;
    if (counting.admitPromptOnly)
        entry.counting.admitPromptOnly = counting.admitPromptOnly;
    if (counting.settledToUsage)
        entry.counting.settledToUsage = counting.settledToUsage;
    if (counting.bucket)
        entry.counting.bucket = counting.bucket;
    if (counting.spread)
        entry.counting.spread = counting.spread;
    if (counting.countersAtAdmission)
        entry.counting.countersAtAdmission = counting.countersAtAdmission;
    entry.learnedAt = at.toUTC();
}

void LearnedLimitStore::rememberAccepted(const Deployment &d, qint64 windowMs, qint64 requests, qint64 tokens,
                                         const QDateTime &at)
{
    LearnedLimits &entry = entryFor(d, windowMs, at);
    if (entry.windowMs != windowMs)
        return;   // counts per another window length: its limits (kept) say more than these
    entry.acceptedRequests = requests;
    entry.acceptedTokens = tokens;
    entry.learnedAt = at.toUTC();
}

void LearnedLimitStore::rememberQuotas(const Deployment &d, qint64 windowMs, const LearnedLimits &quotas, const QDateTime &at)
{
    LearnedLimits &entry = entryFor(d, windowMs, at);
    entry.dayRequests = quotas.dayRequests;
    entry.dayTokens = quotas.dayTokens;
    entry.dayResetsAt = quotas.dayResetsAt;
    entry.quotaUntil = quotas.quotaUntil;
    entry.quotaWhat = quotas.quotaWhat;
    entry.quotaDaily = quotas.quotaDaily;
}

void LearnedLimitStore::remember(const Deployment &d, qint64 windowMs, const RateLimits &limits, const QDateTime &at,
                                 const QString &pool)
{
    LearnedLimits *entry = &entryFor(d, windowMs, at);
    if (entry->windowMs != windowMs) {   // counts per another window length say nothing about these
        entry->windowMs = windowMs;
        entry->limits = {};
        entry->acceptedRequests = entry->acceptedTokens = 0;
    }
    RateLimits in = limits;
    for (int dim = 0; dim < 4; ++dim)
        if (const auto v = *dimOf(in, dim))
            *dimOf(entry->limits, dim) = *v;
    entry->pool = pool;
    entry->learnedAt = at.toUTC();
}

Result<int> rememberLearnedLimits(const QString &path, const ModelList &models, const RouterSnapshot &snapshot,
                                  qint64 windowMs, const QDateTime &at)
{
    LearnedLimitStore store(path);
    if (auto ok = store.load(); !ok)
        return std::unexpected(ok.error());   // a file we cannot read is not overwritten
    int learned = 0;
    bool changed = false;
    for (const DeploymentSnapshot &s : snapshot.deployments) {
        // Daily use and refused quotas: kept while they hold; what has reset is dropped.
        LearnedLimits q;
        if (s.dailyUse.resetsAt.isValid() && s.dailyUse.resetsAt > at && (s.dailyUse.requests > 0 || s.dailyUse.tokens > 0)) {
            q.dayRequests = s.dailyUse.requests;
            q.dayTokens = s.dailyUse.tokens;
            q.dayResetsAt = s.dailyUse.resetsAt;
        }
        if (s.exhausted.until.isValid() && s.exhausted.until > at) {
            q.quotaUntil = s.exhausted.until;
            q.quotaWhat = s.exhausted.what;
            q.quotaDaily = s.exhausted.daily;
        }
        RateLimits l;
        const qint64 values[] = {s.rpmLearned, s.tpmLearned, s.itpmLearned, s.otpmLearned};
        for (int dim = 0; dim < 4; ++dim)
            if (values[dim] > 0)
                *dimOf(l, dim) = values[dim];
        for (const Deployment &d : models.deployments) {
            if (d.id != s.id)
                continue;
            const LearnedLimits *before = store.find(d);
            const bool had = before && (before->dayResetsAt.isValid() || before->quotaUntil.isValid());
            if (had || q.dayResetsAt.isValid() || q.quotaUntil.isValid()) {
                store.rememberQuotas(d, windowMs, q, at);
                changed = true;
            }
            if (s.learnedCounting.any()) {
                store.rememberCounting(d, windowMs, s.learnedCounting, at);
                changed = true;
            }
            if (l.statesARate()) {
                store.remember(d, windowMs, l, at, s.learnedPool);
                ++learned;
            }
            // What the run's slow start found accepted (the router's floor, the remembered one
            // included): the next run sends within it at once. After the limits, which move the
            // entry to this run's window length.
            if (s.acceptedRequests > 0) {
                store.rememberAccepted(d, windowMs, s.acceptedRequests, s.acceptedTokens, at);
                changed = true;
            }
        }
    }
    if (learned == 0 && !changed)
        return 0;
    if (auto ok = store.save(); !ok)
        return std::unexpected(ok.error());
    return learned;
}

} // namespace wb
