#include "core/sim/simformat.h"

#include "core/common/promptcontract.h"
#include "core/tokenize/tokenizer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>

namespace wb::sim {

namespace {

// The simulator names and rules its providers itself, on purpose: it is the router's adversary,
// and one shared table (core/common/provider.h) would hide any mistake both made the same way.
/// What the simulator's providers differ in outside their wire formats (core/sim/dialects/):
/// the name keys use, how far each family's tokenizer is from o200k (so calibration has something
/// to learn), and the dated version an alias resolves to (nullptr: the request is echoed).
struct ProviderFacts {
    Provider provider;
    QStringView name;
    double tokenFactor;
    const char *datedSuffix;
    bool dropsLatest;   ///< "-latest" aliases resolve to the dated model
};

constexpr ProviderFacts kProviders[] = {
    {Provider::OpenAI, u"openai", 1.0, "-2024-08-06", false},
    {Provider::Anthropic, u"anthropic", 1.12, "-20241022", true},
    {Provider::Mistral, u"mistral", 1.06, nullptr, false},
    {Provider::Gemini, u"gemini", 0.94, nullptr, false},
    {Provider::Azure, u"azure", 1.0, nullptr, false},        // the deployment name is echoed
    {Provider::Vertex, u"vertex_ai", 0.94, nullptr, false},  // Gemini models
};

const ProviderFacts &factsOf(Provider p)
{
    for (const ProviderFacts &f : kProviders) {
        if (f.provider == p)
            return f;
    }
    return kProviders[0];   // not reached: every Provider is in the table
}

} // namespace

QString providerName(Provider p)
{
    return factsOf(p).name.toString();
}

std::optional<Provider> providerFromName(QStringView name)
{
    for (const ProviderFacts &f : kProviders) {
        if (f.name == name)
            return f.provider;
    }
    return std::nullopt;
}

static QString secondsWithFraction(qint64 ms)
{
    const qint64 s = ms / 1000;
    const qint64 frac = ms % 1000;
    if (frac == 0)
        return QString::number(s);
    QString f = QStringLiteral("%1").arg(frac, 3, 10, QLatin1Char('0'));
    while (f.endsWith(u'0'))
        f.chop(1);
    return QString::number(s) + u'.' + f;
}

QString goDuration(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("0s");
    if (ms < 1000)
        return QString::number(ms) + QStringLiteral("ms");
    const qint64 h = ms / 3'600'000;
    const qint64 m = (ms % 3'600'000) / 60'000;
    const QString s = secondsWithFraction(ms % 60'000) + u's';
    if (h > 0)
        return QString::number(h) + u'h' + QString::number(m) + u'm' + s;
    if (m > 0)
        return QString::number(m) + u'm' + s;
    return s;
}

QString geminiDelay(qint64 ms)
{
    const qint64 cs = ms <= 0 ? 0 : (ms + 9) / 10;   // centiseconds, rounded up: never advise retrying early
    return secondsWithFraction(cs * 10) + u's';
}

qint64 ceilSeconds(qint64 ms) { return ms <= 0 ? 0 : (ms + 999) / 1000; }

QString rfc3339Ceil(qint64 epochMs)
{
    const qint64 secs = (epochMs + 999) / 1000;
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}

qint64 o200kCount(QStringView text)
{
    return Tokenizer::get(Encoding::O200kBase).count(text);
}

double tokenFactor(Provider p)
{
    return factsOf(p).tokenFactor;
}

static qint64 scaled(Provider p, qint64 n)
{
    const double factor = tokenFactor(p);
    return factor == 1.0 ? n : qint64(std::llround(double(n) * factor));
}

qint64 promptTokens(Provider p, const QStringList &messages)
{
    qint64 n = 3;
    for (const QString &m : messages)
        n += o200kCount(m) + 3;
    return scaled(p, n);
}

qint64 completionTokens(Provider p, QStringView text) { return scaled(p, o200kCount(text)); }

QString truncateToTokens(Provider p, const QString &text, qint64 maxTokens)
{
    if (completionTokens(p, text) <= maxTokens)
        return text;
    // Binary search for the longest fitting prefix (token counts grow with the prefix).
    qsizetype lo = 0, hi = text.size();
    while (lo < hi) {
        const qsizetype mid = (lo + hi + 1) / 2;
        if (completionTokens(p, QStringView(text).left(mid)) <= maxTokens)
            lo = mid;
        else
            hi = mid - 1;
    }
    return text.left(lo);
}

qint64 openAiCharEstimate(const QStringList &messages)
{
    qint64 chars = 0;
    for (const QString &m : messages)
        chars += m.size();
    return (chars + 3) / 4;
}

quint64 mix64(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

quint64 stableHash(quint64 seed, QStringView a, QStringView b, QStringView c)
{
    quint64 h = 0xcbf29ce484222325ULL ^ mix64(seed);
    auto feed = [&h](QStringView s) {
        for (QChar ch : s) {
            h ^= ch.unicode();
            h *= 0x100000001b3ULL;
        }
        h ^= 0xff;   // separator so ("ab","c") != ("a","bc")
        h *= 0x100000001b3ULL;
    };
    feed(a);
    feed(b);
    feed(c);
    return mix64(h);
}

double unitFromHash(quint64 h) { return double(h >> 11) * (1.0 / 9007199254740992.0); }

double simScore(quint64 seed, const QString &model, const QString &textId, const QString &dimension, double min, double max)
{
    if (max < min)
        std::swap(min, max);
    const double u = unitFromHash(stableHash(seed, model, textId, dimension));
    // Round inside the range: ceil the lower bound and floor the upper bound to 2 decimals.
    const double lo = std::ceil(min * 100.0 - 1e-9) / 100.0;
    const double hi = std::floor(max * 100.0 + 1e-9) / 100.0;
    if (hi < lo)
        return min;   // a range narrower than 0.01 with no 2-decimal value inside
    const double v = std::round((lo + u * (hi - lo)) * 100.0) / 100.0;
    return std::clamp(v, lo, hi);
}

namespace {

/// The body of "<<<TEXT id=ID>>> ... <<<END TEXT>>>" (the runner's prompt format), if present.
QStringView textBody(QStringView prompt, const QString &id)
{
    const QString open = QStringLiteral("<<<TEXT id=") + id + QStringLiteral(">>>");
    const qsizetype at = prompt.indexOf(open);
    if (at < 0)
        return {};
    QStringView rest = prompt.mid(at + open.size());
    const qsizetype end = rest.indexOf(QLatin1String("<<<END TEXT>>>"));
    return end >= 0 ? rest.left(end) : rest;
}

/// Whitespace-separated words (no regex: this runs for every reply of a 1,000 calls/s benchmark).
QList<QStringView> wordsOf(QStringView body)
{
    QList<QStringView> words;
    qsizetype start = -1;
    for (qsizetype i = 0; i <= body.size(); ++i) {
        const bool space = i == body.size() || body[i].isSpace();
        if (space && start >= 0) {
            words.append(body.mid(start, i - start));
            start = -1;
        } else if (!space && start < 0) {
            start = i;
        }
    }
    return words;
}

QString evidenceFor(quint64 seed, const QList<QStringView> &words, const QString &model, const QString &textId, const QString &dim)
{
    if (words.size() < 2)
        return QStringLiteral("No passage bears directly on %1.").arg(dim);
    const qsizetype take = std::min<qsizetype>(6, words.size());
    const qsizetype start = qsizetype(stableHash(seed ^ 0x5eed, model, textId, dim) % quint64(words.size() - take + 1));
    QString quote;
    for (qsizetype i = start; i < start + take; ++i) {
        if (!quote.isEmpty())
            quote += u' ';
        quote += words[i];
    }
    quote.remove(u'"');
    return QStringLiteral("The text says \"%1\".").arg(quote);
}

} // namespace

QString replyText(quint64 seed, const QString &model, const QString &prompt)
{
    const std::optional<ScoringSchema> schema = parseSchemaLine(prompt);
    if (!schema)
        return QStringLiteral("This is a simulated reply from %1.").arg(model);
    QStringList ids = schema->textIds;
    const bool single = ids.size() <= 1;
    if (ids.isEmpty())
        ids.append(QString());
    QJsonArray items;
    for (const QString &id : std::as_const(ids)) {
        const QList<QStringView> words = wordsOf(textBody(prompt, id));
        QJsonObject o;
        if (!single)
            o.insert(QStringLiteral("text_id"), id);
        for (const SchemaDimension &d : schema->dimensions) {
            o.insert(d.id, QJsonObject{{QStringLiteral("score"), simScore(seed, model, id, d.id, d.min, d.max)},
                                       {QStringLiteral("evidence"), evidenceFor(seed, words, model, id, d.id)}});
        }
        items.append(o);
    }
    const QJsonDocument doc = single ? QJsonDocument(items.first().toObject()) : QJsonDocument(items);
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

QString invalidJsonReplyText(const QString &model)
{
    return QStringLiteral("I'm sorry, but as %1 I would rather describe the text in words: it appeals to several "
                          "values at once, most of all to care and fairness.").arg(model);
}

QString modelVersion(Provider p, const QString &requested)
{
    static const QRegularExpression dated(QStringLiteral("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$"));
    const ProviderFacts &f = factsOf(p);
    if (!f.datedSuffix)
        return requested;
    QString base = requested;
    if (f.dropsLatest && base.endsWith(QLatin1String("-latest")))
        base.chop(7);
    return dated.match(base).hasMatch() ? base : base + QLatin1String(f.datedSuffix);
}

} // namespace wb::sim
