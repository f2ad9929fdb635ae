// The agreement report: groups a score sample per framework dimension into reliability data
// (texts x models, texts x repetitions) and applies krippendorff.h to it. Choices (documented in
// docs/FORMATS.md, "Agreement statistics"): a model's value for a text is the mean of its
// repetitions; alpha undefined (no pairable values, no variation) is reported as null / empty.
#include "core/analysis/agreement.h"

#include "core/common/check.h"
#include "core/common/logging.h"
#include "core/storage/storedreports.h"

#include <QHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <climits>

namespace wb {

namespace {

const double kMissing = std::numeric_limits<double>::quiet_NaN();

struct Mean {
    double sum = 0;
    int count = 0;
    double value() const { return count > 0 ? sum / count : kMissing; }
};

BootstrapOptions bootstrapOptions(const AgreementOptions &o)
{
    BootstrapOptions b;
    b.draws = o.bootstrapDraws;
    b.seed = o.seed;
    b.exactUpTo = o.exactBootstrapUpTo;
    b.subsets = o.bootstrapSubsets;
    return b;
}

/// Interval and ordinal alpha with their intervals (undefined alphas get no interval).
std::pair<AlphaEstimate, AlphaEstimate> estimate(const ReliabilityMatrix &data, const AgreementOptions &o)
{
    auto both = alphaWithIntervals(data, {AlphaMetric::Interval, AlphaMetric::Ordinal}, bootstrapOptions(o));
    for (AlphaWithInterval &a : both)
        if (std::isnan(a.value.alpha))
            a.ci = {};   // no interval around an undefined value
    return {both[0], both[1]};
}

/// Dense (unit x column) means: sums and counts, so duplicates (the same model group in two runs
/// of the filter, a repeated repetition) average instead of overwriting.
struct MeanGrid {
    int columns = 0;
    std::vector<double> sum;
    std::vector<int> count;

    MeanGrid(qsizetype units, int cols) : columns(cols), sum(size_t(units) * size_t(cols), 0.0), count(sum.size(), 0) {}
    void add(qsizetype unit, int col, double v)
    {
        const size_t i = size_t(unit) * size_t(columns) + size_t(col);
        sum[i] += v;
        ++count[i];
    }
    double mean(qsizetype unit, int col) const
    {
        const size_t i = size_t(unit) * size_t(columns) + size_t(col);
        return count[i] > 0 ? sum[i] / count[i] : kMissing;
    }
    /// The rows given, columns given, as reliability data.
    ReliabilityMatrix matrix(const std::vector<qsizetype> &rows, const QList<int> &cols) const
    {
        ReliabilityMatrix m;
        m.coders = int(cols.size());
        m.values.reserve(rows.size() * cols.size());
        for (qsizetype r : rows)
            for (int c : cols)
                m.values.push_back(mean(r, c));
        return m;
    }
};

QJsonValue number(double v)
{
    return std::isnan(v) ? QJsonValue() : QJsonValue(v);
}

/// "exact", "blb", or empty when no interval was drawn.
QString bootstrapName(const ConfidenceInterval &ci)
{
    return ci.method == BootstrapMethod::None ? QString() : QString::fromLatin1(bootstrapMethodName(ci.method));
}

QJsonObject alphaJson(const AlphaEstimate &e)
{
    QJsonObject o{{QStringLiteral("alpha"), number(e.value.alpha)},
                  {QStringLiteral("ci_low"), number(e.ci.low)},
                  {QStringLiteral("ci_high"), number(e.ci.high)},
                  {QStringLiteral("units"), e.value.units},
                  {QStringLiteral("values"), e.value.values},
                  {QStringLiteral("bootstrap"), e.ci.method == BootstrapMethod::None ? QJsonValue() : QJsonValue(bootstrapName(e.ci))},
                  {QStringLiteral("draws"), e.ci.draws},
                  {QStringLiteral("observed_disagreement"), number(e.value.observedDisagreement)},
                  {QStringLiteral("expected_disagreement"), number(e.value.expectedDisagreement)}};
    if (e.ci.method == BootstrapMethod::LittleBootstraps) {
        o.insert(QStringLiteral("subsets"), e.ci.subsets);
        o.insert(QStringLiteral("subset_units"), e.ci.subsetUnits);
    }
    return o;
}

QByteArray csvNumber(double v)
{
    return std::isnan(v) ? QByteArray() : QByteArray::number(v, 'g', 6);
}

void appendCsvField(QByteArray &line, const QString &value)
{
    const QByteArray b = value.toUtf8();
    if (!b.contains(',') && !b.contains('"') && !b.contains('\n') && !b.contains('\r')) {
        line += b;
        return;
    }
    QByteArray q = b;
    q.replace('"', "\"\"");
    line += '"' + q + '"';
}

void appendCsvRow(QByteArray &out, const QStringList &texts, const QList<QByteArray> &numbers)
{
    for (const QString &t : texts) {
        appendCsvField(out, t);
        out += ',';
    }
    for (qsizetype i = 0; i < numbers.size(); ++i) {
        out += numbers[i];
        out += i + 1 < numbers.size() ? "," : "\r\n";
    }
}

} // namespace

namespace {

DimensionAgreement dimensionAgreement(const ScoreSample &head, int dimension, const std::vector<ScoreSample::Value> &values,
                                      const AgreementOptions &options)
{
    DimensionAgreement out;
    out.framework = head.dimensions[dimension].framework;
    out.dimension = head.dimensions[dimension].dimension;
    const int models = int(head.models.size());
    const qsizetype units = head.units.size();
    MeanGrid grid(units, models);
    std::vector<int> maxRep(size_t(models), 0), minRep(size_t(models), INT_MAX);
    for (const ScoreSample::Value &v : values) {
        if (!WB_CHECK(v.unit >= 0 && v.unit < units && v.model >= 0 && v.model < models))
            continue;
        grid.add(v.unit, v.model, v.score);
        maxRep[size_t(v.model)] = std::max(maxRep[size_t(v.model)], v.repetition);
        minRep[size_t(v.model)] = std::min(minRep[size_t(v.model)], v.repetition);
    }
    std::vector<qsizetype> rows;   // texts scored on this dimension, in sample order
    for (qsizetype u = 0; u < units; ++u) {
        for (int m = 0; m < models; ++m) {
            if (grid.count[size_t(u) * size_t(models) + size_t(m)] > 0) {
                rows.push_back(u);
                break;
            }
        }
    }
    out.texts = qint64(rows.size());
    QList<int> present;
    for (int m = 0; m < models; ++m)
        if (maxRep[size_t(m)] > 0) {
            present << m;
            out.models << head.models[m];
        }
    if (present.size() >= 2) {
        const ReliabilityMatrix data = grid.matrix(rows, present);
        std::tie(out.interval, out.ordinal) = estimate(data, options);
        for (const CoderCorrelation &c : coderCorrelations(data))
            out.pairs << PairCorrelation{out.models[c.a], out.models[c.b], c.pearson, c.spearman};
    }
    for (int m : std::as_const(present)) {
        if (maxRep[size_t(m)] == minRep[size_t(m)])
            continue;   // one repetition: nothing to be stable across
        const int reps = maxRep[size_t(m)];
        MeanGrid byRep(units, reps);
        for (const ScoreSample::Value &v : values)
            if (v.model == m && v.repetition >= 1 && v.unit >= 0 && v.unit < units)
                byRep.add(v.unit, v.repetition - 1, v.score);
        std::vector<qsizetype> modelRows;
        for (qsizetype u : rows)
            if (grid.count[size_t(u) * size_t(models) + size_t(m)] > 0)
                modelRows.push_back(u);
        QList<int> cols;
        for (int r = 0; r < reps; ++r)
            cols << r;
        StabilityAgreement st;
        st.model = head.models[m];
        st.repetitions = reps;
        const ReliabilityMatrix data = byRep.matrix(modelRows, cols);
        std::tie(st.interval, st.ordinal) = estimate(data, options);
        out.stability << st;
    }
    return out;
}

} // namespace

AgreementReport computeAgreement(const ScoreSample &sample, const AgreementOptions &options)
{
    AgreementReport report;
    report.options = options;
    // The values of each dimension (a counting sort on the dimension).
    std::vector<std::vector<ScoreSample::Value>> byDim(size_t(sample.dimensions.size()));
    for (const ScoreSample::Value &v : sample.values)
        if (v.dimension >= 0 && v.dimension < int(byDim.size()))
            byDim[size_t(v.dimension)].push_back(v);
    for (size_t d = 0; d < byDim.size(); ++d)
        report.dimensions << dimensionAgreement(sample, int(d), byDim[d], options);
    return report;
}

Result<AgreementReport> agreementFromDatabase(const QString &connName, const ResultFilter &filter,
                                              const AgreementOptions &options)
{
    AgreementReport report;
    report.options = options;
    // One dimension in memory at a time: a million jobs' six million scores never are at once.
    auto read = forEachDimension(connName, filter, [&](const ScoreSample &head, int d, std::vector<ScoreSample::Value> &&values) {
        report.dimensions << dimensionAgreement(head, d, values, options);
    });
    if (!read)
        return std::unexpected(read.error());
    return report;
}

namespace {

/// The stored report's key: what was computed, over which results, how. Bump the version when the
/// statistics change, so reports computed by an older discernus are recomputed.
QString storedKey(const ResultFilter &f, const AgreementOptions &o)
{
    QStringList runs = f.runIds;
    runs.sort();
    const QJsonObject key{{QStringLiteral("run"), f.runId},
                          {QStringLiteral("runs"), QJsonArray::fromStringList(runs)},
                          {QStringLiteral("model"), f.model},
                          {QStringLiteral("status"), f.status},
                          {QStringLiteral("text"), f.textLike},
                          {QStringLiteral("experiment"), f.experiment},
                          {QStringLiteral("framework"), f.framework},
                          {QStringLiteral("draws"), o.bootstrapDraws},
                          {QStringLiteral("seed"), QString::number(o.seed)},
                          {QStringLiteral("exact_up_to"), o.exactBootstrapUpTo},
                          {QStringLiteral("subsets"), o.bootstrapSubsets}};
    return QStringLiteral("agreement/1 ") + QString::fromUtf8(QJsonDocument(key).toJson(QJsonDocument::Compact));
}

double numberFrom(const QJsonValue &v)
{
    return v.isDouble() ? v.toDouble() : kMissing;
}

AlphaEstimate alphaFrom(const QJsonObject &o)
{
    AlphaEstimate e;
    e.value.alpha = numberFrom(o[QStringLiteral("alpha")]);
    e.value.units = qint64(o[QStringLiteral("units")].toDouble());
    e.value.values = qint64(o[QStringLiteral("values")].toDouble());
    e.value.observedDisagreement = numberFrom(o[QStringLiteral("observed_disagreement")]);
    e.value.expectedDisagreement = numberFrom(o[QStringLiteral("expected_disagreement")]);
    e.ci.low = numberFrom(o[QStringLiteral("ci_low")]);
    e.ci.high = numberFrom(o[QStringLiteral("ci_high")]);
    e.ci.draws = o[QStringLiteral("draws")].toInt();
    const QString method = o[QStringLiteral("bootstrap")].toString();
    e.ci.method = method == QLatin1String(bootstrapMethodName(BootstrapMethod::Exact))              ? BootstrapMethod::Exact
                  : method == QLatin1String(bootstrapMethodName(BootstrapMethod::LittleBootstraps)) ? BootstrapMethod::LittleBootstraps
                                                                                                    : BootstrapMethod::None;
    e.ci.subsets = o[QStringLiteral("subsets")].toInt();
    e.ci.subsetUnits = qint64(o[QStringLiteral("subset_units")].toDouble());
    return e;
}

} // namespace

Result<AgreementReport> agreementFromJson(const QJsonObject &json)
{
    if (!json[QStringLiteral("dimensions")].isArray() || !json[QStringLiteral("bootstrap_draws")].isDouble())
        return fail(QStringLiteral("not an agreement report: \"dimensions\" or \"bootstrap_draws\" is missing"));
    AgreementReport report;
    report.options.bootstrapDraws = json[QStringLiteral("bootstrap_draws")].toInt();
    report.options.seed = json[QStringLiteral("seed")].toString().toULongLong();
    report.options.exactBootstrapUpTo = qint64(json[QStringLiteral("exact_bootstrap_up_to")].toDouble());
    report.options.bootstrapSubsets = json[QStringLiteral("bootstrap_subsets")].toInt();
    for (const QJsonValue &dv : json[QStringLiteral("dimensions")].toArray()) {
        const QJsonObject o = dv.toObject();
        DimensionAgreement d;
        d.framework = o[QStringLiteral("framework")].toString();
        d.dimension = o[QStringLiteral("dimension")].toString();
        for (const QJsonValue &m : o[QStringLiteral("models")].toArray())
            d.models << m.toString();
        d.texts = qint64(o[QStringLiteral("texts")].toDouble());
        const QJsonObject across = o[QStringLiteral("across_models")].toObject();
        d.interval = alphaFrom(across[QStringLiteral("interval")].toObject());
        d.ordinal = alphaFrom(across[QStringLiteral("ordinal")].toObject());
        for (const QJsonValue &pv : o[QStringLiteral("correlations")].toArray()) {
            const QJsonObject p = pv.toObject();
            PairCorrelation pc;
            pc.modelA = p[QStringLiteral("model_a")].toString();
            pc.modelB = p[QStringLiteral("model_b")].toString();
            pc.pearson.r = numberFrom(p[QStringLiteral("pearson")]);
            pc.spearman.r = numberFrom(p[QStringLiteral("spearman")]);
            pc.pearson.n = pc.spearman.n = qint64(p[QStringLiteral("n")].toDouble());
            d.pairs << pc;
        }
        for (const QJsonValue &sv : o[QStringLiteral("stability")].toArray()) {
            const QJsonObject so = sv.toObject();
            StabilityAgreement st;
            st.model = so[QStringLiteral("model")].toString();
            st.repetitions = so[QStringLiteral("repetitions")].toInt();
            st.interval = alphaFrom(so[QStringLiteral("interval")].toObject());
            st.ordinal = alphaFrom(so[QStringLiteral("ordinal")].toObject());
            d.stability << st;
        }
        report.dimensions << d;
    }
    return report;
}

Result<std::optional<AgreementLookup>> storedAgreement(const QString &connName, const ResultFilter &filter,
                                                       const AgreementOptions &options)
{
    auto stored = storedReport(connName, storedKey(filter, options));
    if (!stored)
        return std::unexpected(stored.error());
    if (!*stored)
        return std::optional<AgreementLookup>();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson((*stored)->json, &parseError);
    auto report = agreementFromJson(doc.object());
    if (parseError.error != QJsonParseError::NoError || !report)
        return std::optional<AgreementLookup>();   // unreadable: computed again and replaced
    return std::optional<AgreementLookup>(
        AgreementLookup{*report, true, (*stored)->current(), (*stored)->computedAt, (*stored)->computeMs});
}

Result<AgreementLookup> computeAndStoreAgreement(const QString &dbPath, const QString &connName, const ResultFilter &filter,
                                                 const AgreementOptions &options)
{
    // The version before the read: results written while computing make the stored report older
    // than what it saw, never newer, so it is recomputed next time rather than wrongly current.
    auto version = resultsVersion(connName);
    if (!version)
        return std::unexpected(version.error());
    QElapsedTimer t;
    t.start();
    auto report = agreementFromDatabase(connName, filter, options);
    if (!report)
        return std::unexpected(report.error());
    AgreementLookup out{*report, false, true, QDateTime::currentDateTimeUtc(), t.elapsed()};
    if (*version) {
        const QByteArray json = QJsonDocument(agreementToJson(*report)).toJson(QJsonDocument::Compact);
        if (auto stored = storeReport(dbPath, storedKey(filter, options), **version, out.computeMs, json); !stored)
            qCWarning(lcStorage) << "statistics not stored with the results:" << stored.error().toString();
    }
    return out;
}

Result<AgreementLookup> agreementFor(const QString &dbPath, const QString &connName, const ResultFilter &filter,
                                     const AgreementOptions &options)
{
    auto stored = storedAgreement(connName, filter, options);
    if (!stored)
        return std::unexpected(stored.error());
    if (*stored && (*stored)->current)
        return **stored;
    return computeAndStoreAgreement(dbPath, connName, filter, options);
}

QJsonObject agreementToJson(const AgreementReport &report)
{
    QJsonArray dims;
    for (const DimensionAgreement &d : report.dimensions) {
        QJsonArray pairs;
        for (const PairCorrelation &p : d.pairs)
            pairs.append(QJsonObject{{QStringLiteral("model_a"), p.modelA},
                                     {QStringLiteral("model_b"), p.modelB},
                                     {QStringLiteral("pearson"), number(p.pearson.r)},
                                     {QStringLiteral("spearman"), number(p.spearman.r)},
                                     {QStringLiteral("n"), p.pearson.n}});
        QJsonArray stability;
        for (const StabilityAgreement &s : d.stability)
            stability.append(QJsonObject{{QStringLiteral("model"), s.model},
                                         {QStringLiteral("repetitions"), s.repetitions},
                                         {QStringLiteral("interval"), alphaJson(s.interval)},
                                         {QStringLiteral("ordinal"), alphaJson(s.ordinal)}});
        dims.append(QJsonObject{{QStringLiteral("framework"), d.framework},
                                {QStringLiteral("dimension"), d.dimension},
                                {QStringLiteral("models"), QJsonArray::fromStringList(d.models)},
                                {QStringLiteral("texts"), d.texts},
                                {QStringLiteral("across_models"),
                                 QJsonObject{{QStringLiteral("interval"), alphaJson(d.interval)},
                                             {QStringLiteral("ordinal"), alphaJson(d.ordinal)}}},
                                {QStringLiteral("correlations"), pairs},
                                {QStringLiteral("stability"), stability}});
    }
    return QJsonObject{{QStringLiteral("bootstrap_draws"), report.options.bootstrapDraws},
                       {QStringLiteral("seed"), QString::number(report.options.seed)},
                       {QStringLiteral("exact_bootstrap_up_to"), report.options.exactBootstrapUpTo},
                       {QStringLiteral("bootstrap_subsets"), report.options.bootstrapSubsets},
                       {QStringLiteral("dimensions"), dims}};
}

QByteArray agreementToCsv(const AgreementReport &report)
{
    QByteArray out = "framework,dimension,statistic,model_a,model_b,metric,value,ci_low,ci_high,units,values,bootstrap,draws,subsets\r\n";
    auto alphaRow = [&out](const DimensionAgreement &d, const QString &statistic, const QString &model,
                           AlphaMetric metric, const AlphaEstimate &e) {
        const bool drawn = e.ci.method != BootstrapMethod::None;
        appendCsvRow(out, {d.framework, d.dimension, statistic, model, QString(), QString::fromLatin1(alphaMetricName(metric))},
                     {csvNumber(e.value.alpha), csvNumber(e.ci.low), csvNumber(e.ci.high), QByteArray::number(e.value.units),
                      QByteArray::number(e.value.values), bootstrapName(e.ci).toLatin1(),
                      drawn ? QByteArray::number(e.ci.draws) : QByteArray(),
                      e.ci.method == BootstrapMethod::LittleBootstraps ? QByteArray::number(e.ci.subsets) : QByteArray()});
    };
    for (const DimensionAgreement &d : report.dimensions) {
        if (d.models.size() >= 2) {
            alphaRow(d, QStringLiteral("alpha_models"), QString(), AlphaMetric::Interval, d.interval);
            alphaRow(d, QStringLiteral("alpha_models"), QString(), AlphaMetric::Ordinal, d.ordinal);
        }
        for (const StabilityAgreement &s : d.stability) {
            alphaRow(d, QStringLiteral("alpha_stability"), s.model, AlphaMetric::Interval, s.interval);
            alphaRow(d, QStringLiteral("alpha_stability"), s.model, AlphaMetric::Ordinal, s.ordinal);
        }
        for (const PairCorrelation &p : d.pairs) {
            for (const auto &[name, c] : {std::pair{QStringLiteral("pearson"), p.pearson}, std::pair{QStringLiteral("spearman"), p.spearman}})
                appendCsvRow(out, {d.framework, d.dimension, name, p.modelA, p.modelB, QString()},
                             {csvNumber(c.r), QByteArray(), QByteArray(), QByteArray::number(c.n), QByteArray::number(2 * c.n), QByteArray(),
                              QByteArray(), QByteArray()});
        }
    }
    return out;
}

QString agreementCsvColumns()
{
    return QStringLiteral(
        "framework: the framework id of the dimension\n"
        "dimension: the framework dimension the statistic is about\n"
        "statistic: alpha_models (Krippendorff's alpha, units = texts, coders = models, each model's value the mean of its repetitions), "
        "alpha_stability (alpha across the repetitions of model_a), pearson or spearman (correlation of model_a and model_b over the texts both scored)\n"
        "model_a: the model of a stability alpha, the first model of a correlation\n"
        "model_b: the second model of a correlation\n"
        "metric: the alpha's level of measurement (interval or ordinal); empty for correlations\n"
        "value: the statistic; empty when undefined (fewer than two pairable values, no variation, a constant side)\n"
        "ci_low, ci_high: 95 % percentile bootstrap interval of alpha, resampling texts (seed and draws in docs/FORMATS.md)\n"
        "units: alpha: texts with two or more values; correlation: texts scored by both models (n)\n"
        "values: alpha: pairable values; correlation: 2 n\n"
        "bootstrap: how the interval was drawn: exact (every resample from all texts) or blb (bag of little bootstraps, "
        "above 20000 texts with two or more values; docs/FORMATS.md); empty for correlations and undefined alphas\n"
        "draws: resamples whose alpha was defined\n"
        "subsets: blb only: the subsets whose intervals were averaged\n");
}

} // namespace wb
