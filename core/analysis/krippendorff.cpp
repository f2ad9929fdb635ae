// Krippendorff's alpha over a coincidence matrix that is never stored: every metric's observed and
// expected disagreement is computed from per-unit sums and the marginal value counts (see the header
// for the formulas' source and docs/FORMATS.md for how the report uses them).
#include "core/analysis/krippendorff.h"

#include "core/common/check.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
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

/// The values of a data set coded as indices into their sorted distinct values (-1 for NaN). One
/// hash lookup per value instead of sorting all of them: a million values with a few hundred
/// distinct ones are coded in a few milliseconds. -0.0 and 0.0 are one value, as under ==.
struct Coded {
    std::vector<double> distinct;   ///< sorted
    std::vector<int> code;          ///< per input value
};

Coded codeValues(const double *values, size_t n)
{
    Coded out;
    out.code.resize(n, -1);
    struct Slot {
        quint64 key = 0;
        int id = -1;
    };
    int bits = 6;
    std::vector<Slot> table(size_t(1) << bits);
    std::vector<double> seen;   // distinct values, first-seen order
    auto slotOf = [&](quint64 key) -> Slot & {
        size_t i = size_t((key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
        const size_t mask = table.size() - 1;
        while (table[i].id >= 0 && table[i].key != key)
            i = (i + 1) & mask;
        return table[i];
    };
    for (size_t i = 0; i < n; ++i) {
        double v = values[i];
        if (std::isnan(v))
            continue;
        if (v == 0)
            v = 0.0;   // one bit pattern for both zeros
        quint64 key;
        std::memcpy(&key, &v, sizeof key);
        Slot *slot = &slotOf(key);
        if (slot->id < 0) {
            if ((seen.size() + 1) * 2 > table.size()) {   // keep the load under a half
                std::vector<Slot> old(size_t(1) << ++bits);
                old.swap(table);
                for (const Slot &s : old)
                    if (s.id >= 0)
                        slotOf(s.key) = s;
                slot = &slotOf(key);
            }
            slot->key = key;
            slot->id = int(seen.size());
            seen.push_back(v);
        }
        out.code[i] = slot->id;
    }
    std::vector<int> order(seen.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&seen](int a, int b) { return seen[size_t(a)] < seen[size_t(b)]; });
    std::vector<int> rank(seen.size());
    out.distinct.resize(seen.size());
    for (size_t r = 0; r < order.size(); ++r) {
        rank[size_t(order[r])] = int(r);
        out.distinct[r] = seen[size_t(order[r])];
    }
    for (int &c : out.code)
        if (c >= 0)
            c = rank[size_t(c)];
    return out;
}

unsigned metricBit(AlphaMetric m)
{
    return 1u << unsigned(m);
}

/// The per-unit observed disagreements of the metrics in `needs` (metricBit()s): nominal and ratio
/// compare every ordered pair of a unit, which costs m_u^2, so they are made only when asked for.
void unitSums(Prepared &p, unsigned needs)
{
    const qsizetype units = p.units();
    p.obsInterval.resize(units);
    p.s1.resize(units);
    p.s2.resize(units);
    if (needs & metricBit(AlphaMetric::Nominal))
        p.obsNominal.resize(units);
    if (needs & metricBit(AlphaMetric::Ratio))
        p.obsRatio.resize(units);
    for (qsizetype u = 0; u < units; ++u) {
        const int m = p.m(u);
        double s1 = 0, s2 = 0;
        for (qsizetype i = p.offset[u]; i < p.offset[u + 1]; ++i) {
            const double x = p.distinct[p.idx[i]];
            s1 += x;
            s2 += x * x;
        }
        if (!p.obsNominal.empty() || !p.obsRatio.empty()) {
            double nominal = 0, ratio = 0;
            for (qsizetype i = p.offset[u]; i < p.offset[u + 1]; ++i)
                for (qsizetype j = p.offset[u]; j < p.offset[u + 1]; ++j) {
                    if (i == j)
                        continue;
                    nominal += p.idx[i] != p.idx[j] ? 1.0 : 0.0;
                    if (!p.obsRatio.empty())
                        ratio += ratioDelta2(p.rawDistinct[p.idx[i]], p.rawDistinct[p.idx[j]]);
                }
            if (!p.obsNominal.empty())
                p.obsNominal[u] = nominal / (m - 1);
            if (!p.obsRatio.empty())
                p.obsRatio[u] = ratio / (m - 1);
        }
        // sum over ordered pairs i != j of (x_i - x_j)^2 = 2 m sum(x^2) - 2 (sum x)^2
        p.obsInterval[u] = (2.0 * m * s2 - 2.0 * s1 * s1) / (m - 1);
        p.s1[u] = s1;
        p.s2[u] = s2;
    }
}

Prepared prepare(const ReliabilityMatrix &data, unsigned needs)
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
    p.offset = std::move(offsets);
    Coded coded = codeValues(values.data(), values.size());
    p.rawDistinct = std::move(coded.distinct);
    p.idx = std::move(coded.code);
    // Centring keeps 2n*sum(x^2) - 2*(sum x)^2 from cancelling catastrophically for large values.
    const double mean = values.empty() ? 0.0 : std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    p.distinct.reserve(p.rawDistinct.size());
    for (double v : p.rawDistinct)
        p.distinct.push_back(v - mean);
    unitSums(p, needs);
    return p;
}

/// The units `pick` of a prepared data set, with the distinct values re-indexed to those they use
/// (the same centring, so the per-unit sums carry over): a little bootstrap's subset, whose
/// resamples then cost its size, not the data set's.
Prepared subsetOf(const Prepared &p, const std::vector<qsizetype> &pick)
{
    Prepared s;
    s.offset.reserve(pick.size() + 1);
    s.offset.push_back(0);
    std::vector<int> used;
    for (qsizetype u : pick) {
        for (qsizetype i = p.offset[u]; i < p.offset[u + 1]; ++i)
            used.push_back(p.idx[i]);
        s.offset.push_back(qsizetype(used.size()));
    }
    std::vector<int> distinct = used;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    s.idx.reserve(used.size());
    for (int c : used)
        s.idx.push_back(int(std::lower_bound(distinct.begin(), distinct.end(), c) - distinct.begin()));
    for (int c : distinct) {
        s.distinct.push_back(p.distinct[size_t(c)]);
        s.rawDistinct.push_back(p.rawDistinct[size_t(c)]);
    }
    auto take = [&pick](const std::vector<double> &from, std::vector<double> &to) {
        if (from.empty())
            return;
        to.reserve(pick.size());
        for (qsizetype u : pick)
            to.push_back(from[size_t(u)]);
    };
    take(p.obsNominal, s.obsNominal);
    take(p.obsInterval, s.obsInterval);
    take(p.obsRatio, s.obsRatio);
    take(p.s1, s.s1);
    take(p.s2, s.s2);
    return s;
}

/// Alpha over the prepared units, unit u counted weight[u] times (no weights = once each). The
/// weights are whole numbers but for a little bootstrap's centre (n / b each).
AlphaValue alphaOf(const Prepared &p, AlphaMetric metric, const double *weight = nullptr)
{
    AlphaValue out;
    const qsizetype units = p.units();
    auto w = [weight](qsizetype u) { return weight ? weight[u] : 1.0; };

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
        if (!WB_CHECK(p.obsNominal.size() == size_t(units)))
            return out;
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
        if (!WB_CHECK(p.obsRatio.size() == size_t(units)))
            return out;
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

/// Runs work(0 .. jobs-1) on up to `threads` plain threads (this one included), job j on thread
/// j % threads. Plain threads rather than Qt's pool: the Statistics page already runs this on a
/// pool thread, and nested blocking pool work can starve when every pool thread waits.
void runSpread(int jobs, int threads, const std::function<void(int)> &work)
{
    threads = std::clamp(threads, 1, std::max(1, jobs));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int j = t; j < jobs; j += threads)
                work(j);
        });
    for (int j = 0; j < jobs; j += threads)
        work(j);
    for (std::thread &t : pool)
        t.join();
}

int hardwareThreads(int cap)
{
    return std::clamp(int(std::thread::hardware_concurrency()), 1, cap);
}

/// The percentile interval of the defined draws (sorted in place).
void percentileInterval(std::vector<double> &alphas, double level, ConfidenceInterval &ci)
{
    ci.draws = int(alphas.size());
    if (alphas.empty())
        return;
    std::sort(alphas.begin(), alphas.end());
    ci.low = quantile(alphas, (1.0 - level) / 2.0);
    ci.high = quantile(alphas, (1.0 + level) / 2.0);
}

/// Every resample draws n units from all n with replacement: O(n) per draw.
void exactBootstrap(const Prepared &p, const std::vector<AlphaMetric> &metrics, const BootstrapOptions &o,
                    std::vector<AlphaWithInterval> &out)
{
    const qsizetype units = p.units();
    const int draws = o.draws;
    // Blocks of draws, each with its own stream (seed, block): the result does not depend on how
    // many threads run the blocks or in which order they finish. Every metric is computed on the
    // same resample.
    constexpr int kBlock = 25;
    const int blocks = (draws + kBlock - 1) / kBlock;
    // perBlock[b][metric] = the defined alphas of block b
    std::vector<std::vector<std::vector<double>>> perBlock(static_cast<size_t>(blocks),
                                                           std::vector<std::vector<double>>(metrics.size()));
    auto runBlock = [&](int b) {
        SplitMix64 rng{o.seed ^ (0xD1B54A32D192ED03ull * quint64(b + 1))};
        std::vector<double> weight(size_t(units), 0);
        for (int d = b * kBlock; d < std::min(draws, (b + 1) * kBlock); ++d) {
            std::fill(weight.begin(), weight.end(), 0);
            for (qsizetype i = 0; i < units; ++i)
                ++weight[size_t(rng.below(quint64(units)))];
            for (size_t m = 0; m < metrics.size(); ++m) {
                const double a = alphaOf(p, metrics[m], weight.data()).alpha;
                if (!std::isnan(a))
                    perBlock[size_t(b)][m].push_back(a);
            }
        }
    };
    // Small data sets are done before a thread would have started.
    runSpread(blocks, units < 2000 ? 1 : hardwareThreads(8), runBlock);
    for (size_t m = 0; m < metrics.size(); ++m) {
        std::vector<double> alphas;
        alphas.reserve(size_t(draws));
        for (const auto &block : perBlock)
            alphas.insert(alphas.end(), block[m].begin(), block[m].end());
        out[m].ci.method = BootstrapMethod::Exact;
        percentileInterval(alphas, o.level, out[m].ci);
    }
}

double uniform01(SplitMix64 &rng)
{
    return double(rng.next() >> 11) * 0x1.0p-53;
}

/// Poisson(lambda) by inversion of a tabulated distribution function, a guide table giving the
/// starting point (Devroye 1986, III.2.4): a few steps per draw for any lambda. The table stops
/// where the tail is below 1e-16 of a draw.
class PoissonTable {
public:
    explicit PoissonTable(double lambda)
    {
        const int last = int(std::ceil(lambda + 12.0 * std::sqrt(lambda) + 25.0));
        m_cdf.reserve(size_t(last) + 1);
        double sum = 0;
        for (int k = 0; k <= last; ++k) {
            // From logarithms so that neither e^-lambda nor lambda^k over- or underflows.
            sum += lambda > 0 ? std::exp(k * std::log(lambda) - lambda - std::lgamma(k + 1.0)) : (k == 0 ? 1.0 : 0.0);
            m_cdf.push_back(sum);
        }
        m_cdf.back() = 2.0;   // the rest of the tail: every u stops here
        int k = 0;
        for (int g = 0; g < kGuide; ++g) {
            while (m_cdf[size_t(k)] <= double(g) / kGuide)
                ++k;
            m_guide[size_t(g)] = k;
        }
    }
    int draw(SplitMix64 &rng) const
    {
        const double u = uniform01(rng);
        int k = m_guide[size_t(u * kGuide)];
        while (m_cdf[size_t(k)] <= u)
            ++k;
        return k;
    }

private:
    static constexpr int kGuide = 256;
    std::vector<double> m_cdf;
    std::array<int, kGuide> m_guide{};
};

/// Counts of n draws with replacement from b cells, Multinomial(n; 1/b, ..., 1/b), in O(b + sqrt n)
/// rather than O(n): independent Poisson counts with a mean a little under n/b, then the missing
/// draws added to uniformly chosen cells (or, rarely, the surplus removed uniformly among the
/// draws). Given its total, a vector of independent equal-mean Poisson counts is multinomial, and
/// adding (removing) uniform draws keeps it so: the counts are exactly multinomial.
void multinomialCounts(SplitMix64 &rng, qint64 n, const PoissonTable &poisson, std::vector<double> &count)
{
    const quint64 b = quint64(count.size());
    qint64 total = 0;
    for (double &c : count) {
        c = poisson.draw(rng);
        total += qint64(c);
    }
    for (; total < n; ++total)
        count[size_t(rng.below(b))] += 1;
    for (; total > n; --total) {
        quint64 k = rng.below(quint64(total));
        size_t c = 0;
        while (k >= quint64(count[c]))
            k -= quint64(count[c++]);
        count[c] -= 1;
    }
}

/// The bag of little bootstraps (Kleiner, Talwalkar, Sarkar & Jordan 2014, JRSS-B 76(4)): s
/// disjoint subsets of b = n^gamma units; each resampled r times as n draws from its b units
/// (multinomial counts, so a resample costs b, not n). A subset's percentile interval is taken of
/// its resamples' alphas minus the subset's own alpha (its units weighted n/b each), since a
/// subset's alpha is off the full one by about sqrt(n/b) standard errors; the interval is the
/// full alpha plus the mean of those offsets over the subsets (docs/FORMATS.md, "Agreement
/// statistics").
void littleBootstraps(const Prepared &p, const std::vector<AlphaMetric> &metrics, const BootstrapOptions &o,
                      std::vector<AlphaWithInterval> &out)
{
    const qint64 n = p.units();
    const qint64 b = std::clamp<qint64>(qint64(std::ceil(std::pow(double(n), o.subsetExponent))), 2, n);
    const int subsets = int(std::clamp<qint64>(o.subsets, 1, n / b));
    const int perSubset = std::max(1, (o.draws + subsets - 1) / subsets);
    // Disjoint subsets from one partial Fisher-Yates shuffle (its own stream).
    std::vector<qsizetype> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), qsizetype(0));
    SplitMix64 pick{o.seed ^ 0x6A09E667F3BCC909ull};
    for (qint64 i = 0; i < qint64(subsets) * b; ++i)
        std::swap(order[size_t(i)], order[size_t(i + qint64(pick.below(quint64(n - i))))]);
    const PoissonTable poisson(std::max(0.0, double(n) - 3.0 * std::sqrt(double(n))) / double(b));

    // offsets[subset][metric] = the low and high quantile of resample minus subset alpha
    std::vector<std::vector<std::pair<double, double>>> offsets(size_t(subsets),
                                                                std::vector<std::pair<double, double>>(metrics.size(), {kNaN, kNaN}));
    std::vector<std::vector<int>> defined(size_t(subsets), std::vector<int>(metrics.size(), 0));
    auto runSubset = [&](int j) {
        const std::vector<qsizetype> units(order.begin() + qsizetype(j) * b, order.begin() + qsizetype(j + 1) * b);
        const Prepared sub = subsetOf(p, units);
        SplitMix64 rng{o.seed ^ (0xD1B54A32D192ED03ull * quint64(j + 1)) ^ 0xB7E151628AED2A6Bull};
        const std::vector<double> centreWeight(size_t(b), double(n) / double(b));
        std::vector<double> count(static_cast<size_t>(b));
        std::vector<std::vector<double>> draws(metrics.size());
        std::vector<double> centre(metrics.size());
        for (size_t m = 0; m < metrics.size(); ++m)
            centre[m] = alphaOf(sub, metrics[m], centreWeight.data()).alpha;
        for (int r = 0; r < perSubset; ++r) {
            multinomialCounts(rng, n, poisson, count);
            for (size_t m = 0; m < metrics.size(); ++m) {
                const double a = alphaOf(sub, metrics[m], count.data()).alpha;
                if (!std::isnan(a) && !std::isnan(centre[m]))
                    draws[m].push_back(a - centre[m]);
            }
        }
        for (size_t m = 0; m < metrics.size(); ++m) {
            ConfidenceInterval ci;
            percentileInterval(draws[m], o.level, ci);
            offsets[size_t(j)][m] = {ci.low, ci.high};
            defined[size_t(j)][m] = ci.draws;
        }
    };
    runSpread(subsets, hardwareThreads(8), runSubset);
    for (size_t m = 0; m < metrics.size(); ++m) {
        ConfidenceInterval &ci = out[m].ci;
        ci.method = BootstrapMethod::LittleBootstraps;
        ci.subsetUnits = b;
        double low = 0, high = 0;
        for (int j = 0; j < subsets; ++j) {
            ci.draws += defined[size_t(j)][m];
            if (std::isnan(offsets[size_t(j)][m].first))
                continue;
            low += offsets[size_t(j)][m].first;
            high += offsets[size_t(j)][m].second;
            ++ci.subsets;
        }
        if (ci.subsets == 0 || std::isnan(out[m].value.alpha))
            continue;
        ci.low = out[m].value.alpha + low / ci.subsets;
        // Alpha cannot exceed 1; a shifted interval near perfect agreement could.
        ci.high = std::min(1.0, out[m].value.alpha + high / ci.subsets);
    }
}

} // namespace

const char *bootstrapMethodName(BootstrapMethod m)
{
    switch (m) {
    case BootstrapMethod::None: return "none";
    case BootstrapMethod::Exact: return "exact";
    case BootstrapMethod::LittleBootstraps: return "blb";
    }
    return "?";
}

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
    return alphaOf(prepare(data, metricBit(metric)), metric);
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
    BootstrapOptions o;
    o.draws = draws;
    o.seed = seed;
    o.level = level;
    return alphaWithIntervals(data, metrics, o);
}

std::vector<AlphaWithInterval> alphaWithIntervals(const ReliabilityMatrix &data, const std::vector<AlphaMetric> &metrics,
                                                  const BootstrapOptions &options)
{
    std::vector<AlphaWithInterval> out(metrics.size());
    unsigned needs = 0;
    for (AlphaMetric m : metrics)
        needs |= metricBit(m);
    const Prepared p = prepare(data, needs);
    for (size_t m = 0; m < metrics.size(); ++m)
        out[m].value = alphaOf(p, metrics[m]);
    if (p.units() < 2 || options.draws <= 0)
        return out;
    if (p.units() <= options.exactUpTo)
        exactBootstrap(p, metrics, options, out);
    else
        littleBootstraps(p, metrics, options, out);
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

std::vector<CoderCorrelation> coderCorrelations(const ReliabilityMatrix &data)
{
    std::vector<CoderCorrelation> out;
    const int coders = data.coders;
    const qsizetype units = data.units();
    const Coded coded = codeValues(data.values.data(), data.values.size());
    const size_t levels = coded.distinct.size();
    std::vector<double> countA(levels), countB(levels);
    std::vector<double> x, y, rx, ry;
    std::vector<int> cx, cy;
    // Average rank of each level among the pair's values: the values below it, plus the mean of
    // 1 .. its own count, as averageRanks() gives for ties.
    auto ranksOf = [](std::vector<double> &count, const std::vector<int> &codes, std::vector<double> &ranks) {
        std::fill(count.begin(), count.end(), 0.0);
        for (int c : codes)
            count[size_t(c)] += 1;
        double below = 0;
        for (double &c : count) {
            const double n = c;
            c = below + (n + 1.0) / 2.0;
            below += n;
        }
        ranks.clear();
        for (int c : codes)
            ranks.push_back(count[size_t(c)]);
    };
    for (int a = 0; a < coders; ++a) {
        for (int b = a + 1; b < coders; ++b) {
            x.clear();
            y.clear();
            cx.clear();
            cy.clear();
            for (qsizetype u = 0; u < units; ++u) {
                const size_t i = size_t(u) * size_t(coders);
                if (coded.code[i + size_t(a)] < 0 || coded.code[i + size_t(b)] < 0)
                    continue;
                x.push_back(data.values[i + size_t(a)]);
                y.push_back(data.values[i + size_t(b)]);
                cx.push_back(coded.code[i + size_t(a)]);
                cy.push_back(coded.code[i + size_t(b)]);
            }
            CoderCorrelation c;
            c.a = a;
            c.b = b;
            c.pearson = pearsonComplete(x, y);
            ranksOf(countA, cx, rx);
            ranksOf(countB, cy, ry);
            c.spearman = pearsonComplete(rx, ry);
            out.push_back(c);
        }
    }
    return out;
}

} // namespace wb
