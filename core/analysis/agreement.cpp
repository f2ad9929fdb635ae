// The agreement report: groups a score sample per framework dimension into reliability data
// (texts x models, texts x repetitions) and applies krippendorff.h to it. Choices (documented in
// docs/FORMATS.md, "Agreement statistics"): a model's value for a text is the mean of its
// repetitions; alpha undefined (no pairable values, no variation) is reported as null / empty.
#include "core/analysis/agreement.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonValue>
#include <QMap>

namespace wb {

namespace {

const double kMissing = std::numeric_limits<double>::quiet_NaN();

struct Mean {
    double sum = 0;
    int count = 0;
    double value() const { return count > 0 ? sum / count : kMissing; }
};

AlphaEstimate estimate(const ReliabilityData &data, AlphaMetric metric, const AgreementOptions &o)
{
    AlphaEstimate e;
    e.value = krippendorffAlpha(data, metric);
    if (!std::isnan(e.value.alpha))
        e.ci = bootstrapAlpha(data, metric, o.bootstrapDraws, o.seed);
    return e;
}

/// The scores of one dimension, each (model, text) and (model, text, repetition) averaged over
/// duplicates (the same model group in two runs of the filter).
struct DimensionScores {
    QList<int> units;                                   ///< sample unit indices, in first-seen order
    QHash<int, int> localUnit;                          ///< sample unit -> row
    QMap<int, QHash<int, Mean>> byModel;                ///< model -> row -> mean over repetitions
    QMap<int, QMap<int, QHash<int, Mean>>> byRepetition;   ///< model -> repetition -> row -> mean

    void add(const ScoreSample::Value &v)
    {
        auto it = localUnit.constFind(v.unit);
        if (it == localUnit.constEnd()) {
            it = localUnit.insert(v.unit, int(units.size()));
            units << v.unit;
        }
        Mean &m = byModel[v.model][*it];
        m.sum += v.score;
        ++m.count;
        Mean &r = byRepetition[v.model][v.repetition][*it];
        r.sum += v.score;
        ++r.count;
    }

    std::vector<double> column(const QHash<int, Mean> &cells) const
    {
        std::vector<double> col(size_t(units.size()), kMissing);
        for (auto it = cells.cbegin(); it != cells.cend(); ++it)
            col[size_t(it.key())] = it->value();
        return col;
    }

    /// Rows = texts, columns = the given coders' columns.
    ReliabilityData matrix(const QList<std::vector<double>> &columns) const
    {
        ReliabilityData data(size_t(units.size()), std::vector<double>(size_t(columns.size()), kMissing));
        for (qsizetype c = 0; c < columns.size(); ++c)
            for (size_t u = 0; u < data.size(); ++u)
                data[u][size_t(c)] = columns[c][u];
        return data;
    }
};

QJsonValue number(double v)
{
    return std::isnan(v) ? QJsonValue() : QJsonValue(v);
}

QJsonObject alphaJson(const AlphaEstimate &e)
{
    return QJsonObject{{QStringLiteral("alpha"), number(e.value.alpha)},
                       {QStringLiteral("ci_low"), number(e.ci.low)},
                       {QStringLiteral("ci_high"), number(e.ci.high)},
                       {QStringLiteral("units"), e.value.units},
                       {QStringLiteral("values"), e.value.values}};
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

AgreementReport computeAgreement(const ScoreSample &sample, const AgreementOptions &options)
{
    AgreementReport report;
    report.options = options;
    QList<DimensionScores> perDim(sample.dimensions.size());
    for (const ScoreSample::Value &v : sample.values) {
        if (v.dimension >= 0 && v.dimension < perDim.size())
            perDim[v.dimension].add(v);
    }
    for (qsizetype d = 0; d < perDim.size(); ++d) {
        const DimensionScores &s = perDim[d];
        DimensionAgreement out;
        out.framework = sample.dimensions[d].framework;
        out.dimension = sample.dimensions[d].dimension;
        out.texts = s.units.size();
        QList<std::vector<double>> columns;
        QList<int> modelIds;
        for (auto it = s.byModel.cbegin(); it != s.byModel.cend(); ++it) {
            modelIds << it.key();
            out.models << sample.models.value(it.key());
            columns << s.column(*it);
        }
        if (columns.size() >= 2) {
            const ReliabilityData data = s.matrix(columns);
            out.interval = estimate(data, AlphaMetric::Interval, options);
            out.ordinal = estimate(data, AlphaMetric::Ordinal, options);
            for (qsizetype a = 0; a < columns.size(); ++a)
                for (qsizetype b = a + 1; b < columns.size(); ++b)
                    out.pairs << PairCorrelation{out.models[a], out.models[b], pearson(columns[a], columns[b]),
                                                 spearman(columns[a], columns[b])};
        }
        for (auto it = s.byRepetition.cbegin(); it != s.byRepetition.cend(); ++it) {
            if (it->size() < 2)
                continue;
            QList<std::vector<double>> reps;
            for (const auto &cells : *it)
                reps << s.column(cells);
            StabilityAgreement st;
            st.model = sample.models.value(it.key());
            st.repetitions = it->lastKey();
            const ReliabilityData data = s.matrix(reps);
            st.interval = estimate(data, AlphaMetric::Interval, options);
            st.ordinal = estimate(data, AlphaMetric::Ordinal, options);
            out.stability << st;
        }
        report.dimensions << out;
    }
    return report;
}

Result<AgreementReport> agreementFromDatabase(const QString &connName, const ResultFilter &filter,
                                              const AgreementOptions &options)
{
    auto sample = scoreSample(connName, filter);
    if (!sample)
        return std::unexpected(sample.error());
    return computeAgreement(*sample, options);
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
                       {QStringLiteral("dimensions"), dims}};
}

QByteArray agreementToCsv(const AgreementReport &report)
{
    QByteArray out = "framework,dimension,statistic,model_a,model_b,metric,value,ci_low,ci_high,units,values\r\n";
    auto alphaRow = [&out](const DimensionAgreement &d, const QString &statistic, const QString &model,
                           AlphaMetric metric, const AlphaEstimate &e) {
        appendCsvRow(out, {d.framework, d.dimension, statistic, model, QString(), QString::fromLatin1(alphaMetricName(metric))},
                     {csvNumber(e.value.alpha), csvNumber(e.ci.low), csvNumber(e.ci.high), QByteArray::number(e.value.units),
                      QByteArray::number(e.value.values)});
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
                             {csvNumber(c.r), QByteArray(), QByteArray(), QByteArray::number(c.n), QByteArray::number(2 * c.n)});
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
        "values: alpha: pairable values; correlation: 2 n\n");
}

} // namespace wb
