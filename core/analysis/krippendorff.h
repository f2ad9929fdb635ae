#pragma once
// Krippendorff's alpha and the correlations the agreement report needs, as pure functions over
// reliability data (no I/O, no Qt containers in the hot loops). The formulation is the coincidence
// matrix of Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): every unit with at
// least two values contributes its m_u (m_u - 1) ordered pairs with weight 1 / (m_u - 1); units
// with fewer than two values are not pairable and are left out. Missing values are NaN.
//
// The interval and ordinal metrics are computed in O(N log N) without building the V x V
// coincidence matrix: the ordinal metric of two values is the difference of their mid-ranks
// (cumulative count of the values below plus half their own count), so ordinal alpha is interval
// alpha on mid-ranks. Nominal uses the marginal counts; ratio builds the pairs over distinct values
// and is O(V^2) in the number of distinct values (docs/FORMATS.md, "Agreement statistics").
#include <QtGlobal>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace wb {

enum class AlphaMetric { Nominal, Ordinal, Interval, Ratio };

/// "nominal", "ordinal", "interval", "ratio".
const char *alphaMetricName(AlphaMetric m);

/// Reliability data: one row per unit, one column per coder; NaN where a coder gave no value.
/// Rows may have different lengths (a missing trailing coder is missing).
using ReliabilityData = std::vector<std::vector<double>>;

/// The same as one row-major block (units x coders, NaN = missing): the layout for large data sets,
/// one allocation instead of one per unit.
struct ReliabilityMatrix {
    std::vector<double> values;
    int coders = 0;
    qsizetype units() const { return coders > 0 ? qsizetype(values.size()) / coders : 0; }
};
ReliabilityMatrix toMatrix(const ReliabilityData &data);

struct AlphaValue {
    double alpha = std::numeric_limits<double>::quiet_NaN();   ///< NaN when undefined (no pairable values, or no variation at all)
    qint64 units = 0;    ///< pairable units (two values or more)
    qint64 values = 0;   ///< pairable values n
    double observedDisagreement = std::numeric_limits<double>::quiet_NaN();   ///< D_o
    double expectedDisagreement = std::numeric_limits<double>::quiet_NaN();   ///< D_e
};

AlphaValue krippendorffAlpha(const ReliabilityData &data, AlphaMetric metric);
AlphaValue krippendorffAlpha(const ReliabilityMatrix &data, AlphaMetric metric);

/// How a bootstrap interval was drawn: every resample from all units (exact), or the bag of
/// little bootstraps over subsets of the units (large data sets; see BootstrapOptions).
enum class BootstrapMethod { None, Exact, LittleBootstraps };
/// "none", "exact", "blb".
const char *bootstrapMethodName(BootstrapMethod m);

struct ConfidenceInterval {
    double low = std::numeric_limits<double>::quiet_NaN();
    double high = std::numeric_limits<double>::quiet_NaN();
    int draws = 0;   ///< bootstrap samples whose alpha was defined
    BootstrapMethod method = BootstrapMethod::None;
    int subsets = 0;          ///< little bootstraps: subsets whose interval was defined
    qint64 subsetUnits = 0;   ///< little bootstraps: units per subset (b)
};

/// The bootstrap of alphaWithIntervals(). Up to `exactUpTo` pairable units every resample draws n
/// units from all n (O(n) each). Above, the bag of little bootstraps (Kleiner, Talwalkar, Sarkar
/// & Jordan 2014): `subsets` disjoint subsets of b = ceil(n^subsetExponent) units, each resampled
/// ceil(draws / subsets) times as n draws from its b units (multinomial counts, O(b) each); the
/// interval is the alpha plus the mean over subsets of each subset's percentile interval of its
/// resamples' alphas minus its own alpha (docs/FORMATS.md, "Agreement statistics").
struct BootstrapOptions {
    int draws = 1000;
    quint64 seed = 0;
    double level = 0.95;
    qint64 exactUpTo = 20000;
    int subsets = 10;
    double subsetExponent = 0.6;
};

/// Percentile bootstrap interval for alpha: `draws` samples of the pairable units drawn with
/// replacement, alpha of each, the (1-level)/2 and (1+level)/2 quantiles. The generator is
/// SplitMix64, one stream per block of draws derived from `seed`, so the same data and seed give
/// the same interval on every platform and compiler, however many threads share the blocks.
/// Above BootstrapOptions::exactUpTo pairable units: the bag of little bootstraps (see there).
ConfidenceInterval bootstrapAlpha(const ReliabilityMatrix &data, AlphaMetric metric, int draws, quint64 seed,
                                  double level = 0.95);
ConfidenceInterval bootstrapAlpha(const ReliabilityData &data, AlphaMetric metric, int draws, quint64 seed,
                                  double level = 0.95);

struct AlphaWithInterval {
    AlphaValue value;
    ConfidenceInterval ci;
};
/// Alpha and its bootstrap interval for several metrics at once: one preparation of the data, and
/// every metric on the same resamples (so the same seed gives the same interval as bootstrapAlpha()).
std::vector<AlphaWithInterval> alphaWithIntervals(const ReliabilityMatrix &data, const std::vector<AlphaMetric> &metrics,
                                                  const BootstrapOptions &options);
/// The same with the default BootstrapOptions but for draws, seed and level.
std::vector<AlphaWithInterval> alphaWithIntervals(const ReliabilityMatrix &data, const std::vector<AlphaMetric> &metrics,
                                                  int draws, quint64 seed, double level = 0.95);

struct Correlation {
    double r = std::numeric_limits<double>::quiet_NaN();   ///< NaN when n < 3 or a side is constant
    qint64 n = 0;                                          ///< pairs where both values are present
};

/// Pearson's r over the pairs where both x[i] and y[i] are present (not NaN).
Correlation pearson(const std::vector<double> &x, const std::vector<double> &y);
/// Spearman's rho: Pearson's r of the average ranks (ties share their mean rank) of the complete pairs.
Correlation spearman(const std::vector<double> &x, const std::vector<double> &y);

/// Pearson's r and Spearman's rho of two coders (columns a < b of a reliability matrix).
struct CoderCorrelation {
    int a = 0;
    int b = 0;
    Correlation pearson;
    Correlation spearman;
};
/// pearson() and spearman() of every pair of coders, in the order (0,1), (0,2), ... (1,2), ...
/// The values are coded by rank once, so each pair's ranks come from a counting pass instead of
/// a sort: linear in the units for any number of distinct values.
std::vector<CoderCorrelation> coderCorrelations(const ReliabilityMatrix &data);

} // namespace wb
