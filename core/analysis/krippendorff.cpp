// Krippendorff's alpha over a coincidence matrix that is never stored: every metric's observed and
// expected disagreement is computed from per-unit sums and the marginal value counts (see the header
// for the formulas' source and docs/FORMATS.md for how the report uses them).
#include "core/analysis/krippendorff.h"

#include "core/common/check.h"

#include <algorithm>
#include <numeric>
#include <thread>

namespace wb {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The pairable units of a reliability data set, prepared once so that an alpha over any weighting
/// of them (1 each for the estimate, bootstrap multiplicities for a draw) is one linear pass.
struct Prepared {
    std::vector<double> distinct;          ///< sorted distinct values, centred on their mean
    std::vector<qsizetype> offset;         ///< unit u's values are idx[offset[u] .. offset[u+1])
    std::vector<int> idx;                  ///< index into distinct
    std::vector<double> obsNominal;        ///< per unit: sum over ordered pairs of delta^2, / (m_u - 1)
    std::vector<double> obsInterval;
    std::vector<double> obsRatio;
    std::vector<double> rawDistinct;       ///< not centred, for the ratio metric
    std::vector<double> s1;                ///< per unit: sum and sum of squares of its centred values
    std::vector<double> s2;

    qsizetype units() const { return qsizetype(offset.size()) - 1; }
    int m(qsizetype u) const { return int(offset[u + 1] - offset[u]); }
};

double ratioDelta2(double c, double k)
{
    const double s = c + k;
    if (s == 0)
        return 0;   // both zero: no disagreement
    const double d = (c - k) / s;
    return d * d;
}

Prepared prepare(const ReliabilityMatrix &data)
{
    Prepared p;
    std::vector<double> values;
    std::vector<qsizetype> offsets{0};
    const int coders = data.coders;
    for (qsizetype u = 0; u < data.units(); ++u) {
        const double *unit = data.values.data() + u * coders;
        int present = 0;
        for (int c = 0; c < coders; ++c)
            present += std::isnan(unit[c]) ? 0 : 1;
        if (present < 2)
            continue;   // not pairable
        for (int c = 0; c < coders; ++c)
            if (!std::isnan(unit[c]))
                values.push_back(unit[c]);
        offsets.push_back(qsizetype(values.size()));
    }
    p.offset = offsets;
    p.rawDistinct = values;
    std::sort(p.rawDistinct.begin(), p.rawDistinct.end());
    p.rawDistinct.erase(std::unique(p.rawDistinct.begin(), p.rawDistinct.end()), p.rawDistinct.end());
    // Centring keeps 2n*sum(x^2) - 2*(sum x)^2 from cancelling catastrophically for large values.
    const double mean = values.empty() ? 0.0 : std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    p.distinct.reserve(p.rawDistinct.size());
    for (double v : p.rawDistinct)
        p.distinct.push_back(v - mean);
    p.idx.reserve(values.size());
    for (double v : values)
        p.idx.push_back(int(std::lower_bound(p.rawDistinct.begin(), p.rawDistinct.end(), v) - p.rawDistinct.begin()));

    const qsizetype units = p.units();
    p.obsNominal.resize(units);
    p.obsInterval.resize(units);
    p.obsRatio.resize(units);
    p.s1.resize(units);
    p.s2.resize(units);
    for (qsizetype u = 0; u < units; ++u) {
        const int m = p.m(u);
        double nominal = 0, ratio = 0, s1 = 0, s2 = 0;
        for (qsizetype i = p.offset[u]; i < p.offset[u + 1]; ++i) {
            const double x = p.distinct[p.idx[i]];
            s1 += x;
            s2 += x * x;
            for (qsizetype j = p.offset[u]; j < p.offset[u + 1]; ++j) {
                if (i == j)
                    continue;
                nominal += p.idx[i] != p.idx[j] ? 1.0 : 0.0;
                ratio += ratioDelta2(p.rawDistinct[p.idx[i]], p.rawDistinct[p.idx[j]]);
            }
        }
        p.obsNominal[u] = nominal / (m - 1);
        p.obsRatio[u] = ratio / (m - 1);
        // sum over ordered pairs i != j of (x_i - x_j)^2 = 2 m sum(x^2) - 2 (sum x)^2
        p.obsInterval[u] = (2.0 * m * s2 - 2.0 * s1 * s1) / (m - 1);
        p.s1[u] = s1;
        p.s2[u] = s2;
    }
    return p;
}

/// Alpha over the prepared units, unit u counted weight[u] times (empty weight = once each).
AlphaValue alphaOf(const Prepared &p, AlphaMetric metric, const std::vector<int> &weight)
{
    AlphaValue out;
    const qsizetype units = p.units();
    auto w = [&weight](qsizetype u) { return weight.empty() ? 1.0 : double(weight[u]); };

    // The interval metric needs only per-unit sums; the others the marginal count of each value.
    const bool needCounts = metric != AlphaMetric::Interval;
    std::vector<double> count(needCounts ? p.distinct.size() : 0, 0.0);   // marginals n_c
    double n = 0, observed = 0, s1 = 0, s2 = 0;
    for (qsizetype u = 0; u < units; ++u) {
        const double wu = w(u);
        if (wu == 0)
            continue;
        out.units += qint64(wu);
        n += wu * p.m(u);
        if (!needCounts) {
            s1 += wu * p.s1[u];
            s2 += wu * p.s2[u];
            observed += wu * p.obsInterval[u];
            continue;
        }
        for (qsizetype i = p.offset[u]; i < p.offset[u + 1]; ++i)
            count[p.idx[i]] += wu;
    }
    out.values = qint64(n);
    if (n < 2)
        return out;

    double expected = 0;   // sum over ordered pairs of all pairable values of delta^2
    auto squaredSpread = [&](const std::vector<double> &x) {
        double s1 = 0, s2 = 0;
        for (size_t c = 0; c < x.size(); ++c) {
            s1 += count[c] * x[c];
            s2 += count[c] * x[c] * x[c];
        }
        return 2.0 * n * s2 - 2.0 * s1 * s1;
    };
    switch (metric) {
    case AlphaMetric::Nominal: {
        double same = 0;
        for (double c : count)
            same += c * c;
        expected = n * n - same;
        for (qsizetype u = 0; u < units; ++u)
            observed += w(u) * p.obsNominal[u];
        break;
    }
    case AlphaMetric::Interval:
        expected = 2.0 * n * s2 - 2.0 * s1 * s1;   // observed was summed above
        break;
    case AlphaMetric::Ordinal: {
        // Mid-rank of each value: the count below it plus half its own, centred on n/2. The ordinal
        // delta of c and k (sum of n_g from c to k minus (n_c + n_k)/2) is the difference of these.
        std::vector<double> rank(count.size());
        double below = 0;
        for (size_t c = 0; c < count.size(); ++c) {
            rank[c] = below + count[c] / 2.0 - n / 2.0;
            below += count[c];
        }
        expected = squaredSpread(rank);
        for (qsizetype u = 0; u < units; ++u) {
            const double wu = w(u);
            if (wu == 0)
                continue;
            double s1 = 0, s2 = 0;
            for (qsizetype i = p.offset[u]; i < p.offset[u + 1]; ++i) {
                const double r = rank[p.idx[i]];
                s1 += r;
                s2 += r * r;
            }
            const int m = p.m(u);
            observed += wu * (2.0 * m * s2 - 2.0 * s1 * s1) / (m - 1);
        }
        break;
    }
    case AlphaMetric::Ratio:
        for (size_t c = 0; c < count.size(); ++c) {
            if (count[c] == 0)
                continue;
            for (size_t k = c + 1; k < count.size(); ++k)
                expected += 2.0 * count[c] * count[k] * ratioDelta2(p.rawDistinct[c], p.rawDistinct[k]);
        }
        for (qsizetype u = 0; u < units; ++u)
            observed += w(u) * p.obsRatio[u];
        break;
    }
    out.observedDisagreement = observed / n;
    out.expectedDisagreement = expected / (n * (n - 1));
    // No variation among all pairable values: alpha is 0/0, undefined (Krippendorff 2011, sec. 3).
    if (expected <= 1e-12 * std::max(1.0, n * n))
        return out;
    out.alpha = 1.0 - (n - 1) * observed / expected;
    return out;
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and the same sequence everywhere, unlike the
/// distributions of <random>, whose algorithms the standard leaves to the library.
struct SplitMix64 {
    quint64 state;
    quint64 next()
    {
        quint64 z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, bound) by the multiply-high reduction (Lemire 2019); the bias is below 2^-40
    /// for any bound a data set can have.
    quint64 below(quint64 bound) { return quint64((unsigned __int128)next() * bound >> 64); }
};

double quantile(const std::vector<double> &sorted, double q)
{
    // Linear interpolation between order statistics (Hyndman & Fan type 7, R's default).
    const double pos = q * double(sorted.size() - 1);
    const size_t lo = size_t(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - double(lo)) * (sorted[hi] - sorted[lo]);
}

std::vector<double> averageRanks(const std::vector<double> &v)
{
    std::vector<size_t> order(v.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::sort(order.begin(), order.end(), [&v](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> rank(v.size());
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
            ++j;
        const double mean = (double(i) + double(j)) / 2.0 + 1.0;
        for (size_t k = i; k <= j; ++k)
            rank[order[k]] = mean;
        i = j + 1;
    }
    return rank;
}

void completePairs(const std::vector<double> &x, const std::vector<double> &y, std::vector<double> &a,
                   std::vector<double> &b)
{
    WB_CHECK(x.size() == y.size());
    const size_t n = std::min(x.size(), y.size());
    for (size_t i = 0; i < n; ++i) {
        if (std::isnan(x[i]) || std::isnan(y[i]))
            continue;
        a.push_back(x[i]);
        b.push_back(y[i]);
    }
}

Correlation pearsonComplete(const std::vector<double> &a, const std::vector<double> &b)
{
    Correlation c;
    c.n = qint64(a.size());
    if (c.n < 3)
        return c;
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / double(c.n);
    const double mb = std::accumulate(b.begin(), b.end(), 0.0) / double(c.n);
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    if (saa <= 0 || sbb <= 0)
        return c;   // a constant side has no correlation
    c.r = std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
    return c;
}

} // namespace

const char *alphaMetricName(AlphaMetric m)
{
    switch (m) {
    case AlphaMetric::Nominal: return "nominal";
    case AlphaMetric::Ordinal: return "ordinal";
    case AlphaMetric::Interval: return "interval";
    case AlphaMetric::Ratio: return "ratio";
    }
    return "?";
}

ReliabilityMatrix toMatrix(const ReliabilityData &data)
{
    ReliabilityMatrix m;
    for (const auto &unit : data)
        m.coders = std::max(m.coders, int(unit.size()));
    m.values.assign(data.size() * size_t(m.coders), kNaN);
    for (size_t u = 0; u < data.size(); ++u)
        std::copy(data[u].begin(), data[u].end(), m.values.begin() + qsizetype(u) * m.coders);
    return m;
}

AlphaValue krippendorffAlpha(const ReliabilityData &data, AlphaMetric metric)
{
    return krippendorffAlpha(toMatrix(data), metric);
}

AlphaValue krippendorffAlpha(const ReliabilityMatrix &data, AlphaMetric metric)
{
    return alphaOf(prepare(data), metric, {});
}

ConfidenceInterval bootstrapAlpha(const ReliabilityData &data, AlphaMetric metric, int draws, quint64 seed, double level)
{
    return bootstrapAlpha(toMatrix(data), metric, draws, seed, level);
}

ConfidenceInterval bootstrapAlpha(const ReliabilityMatrix &data, AlphaMetric metric, int draws, quint64 seed, double level)
{
    return alphaWithIntervals(data, {metric}, draws, seed, level).front().ci;
}

std::vector<AlphaWithInterval> alphaWithIntervals(const ReliabilityMatrix &data, const std::vector<AlphaMetric> &metrics,
                                                  int draws, quint64 seed, double level)
{
    std::vector<AlphaWithInterval> out(metrics.size());
    const Prepared p = prepare(data);
    for (size_t m = 0; m < metrics.size(); ++m)
        out[m].value = alphaOf(p, metrics[m], {});
    const qsizetype units = p.units();
    if (units < 2 || draws <= 0)
        return out;
    // Blocks of draws, each with its own stream (seed, block): the result does not depend on how
    // many threads run the blocks or in which order they finish. Every metric is computed on the
    // same resample. Plain threads rather than Qt's pool: the Statistics page already runs this on
    // a pool thread, and nested blocking pool work can starve when every pool thread waits.
    constexpr int kBlock = 25;
    const int blocks = (draws + kBlock - 1) / kBlock;
    // perBlock[b][metric] = the defined alphas of block b
    std::vector<std::vector<std::vector<double>>> perBlock(static_cast<size_t>(blocks),
                                                           std::vector<std::vector<double>>(metrics.size()));
    auto runBlock = [&](int b) {
        SplitMix64 rng{seed ^ (0xD1B54A32D192ED03ull * quint64(b + 1))};
        std::vector<int> weight(size_t(units), 0);
        for (int d = b * kBlock; d < std::min(draws, (b + 1) * kBlock); ++d) {
            std::fill(weight.begin(), weight.end(), 0);
            for (qsizetype i = 0; i < units; ++i)
                ++weight[size_t(rng.below(quint64(units)))];
            for (size_t m = 0; m < metrics.size(); ++m) {
                const double a = alphaOf(p, metrics[m], weight).alpha;
                if (!std::isnan(a))
                    perBlock[size_t(b)][m].push_back(a);
            }
        }
    };
    // Small data sets are done before a thread would have started.
    const int threads = units < 2000 ? 1 : std::clamp(int(std::thread::hardware_concurrency()), 1, std::min(8, blocks));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int b = t; b < blocks; b += threads)
                runBlock(b);
        });
    for (int b = 0; b < blocks; b += threads)
        runBlock(b);
    for (std::thread &t : pool)
        t.join();
    for (size_t m = 0; m < metrics.size(); ++m) {
        std::vector<double> alphas;
        alphas.reserve(size_t(draws));
        for (const auto &block : perBlock)
            alphas.insert(alphas.end(), block[m].begin(), block[m].end());
        ConfidenceInterval &ci = out[m].ci;
        ci.draws = int(alphas.size());
        if (alphas.empty())
            continue;
        std::sort(alphas.begin(), alphas.end());
        ci.low = quantile(alphas, (1.0 - level) / 2.0);
        ci.high = quantile(alphas, (1.0 + level) / 2.0);
    }
    return out;
}

Correlation pearson(const std::vector<double> &x, const std::vector<double> &y)
{
    std::vector<double> a, b;
    completePairs(x, y, a, b);
    return pearsonComplete(a, b);
}

Correlation spearman(const std::vector<double> &x, const std::vector<double> &y)
{
    std::vector<double> a, b;
    completePairs(x, y, a, b);
    return pearsonComplete(averageRanks(a), averageRanks(b));
}

} // namespace wb
