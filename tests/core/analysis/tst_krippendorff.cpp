// Krippendorff's alpha against published worked examples and hand-computed cases; correlations
// against hand-computed values.
//
// Sources of the expected values:
// - Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
//   Communication, University of Pennsylvania (repository.upenn.edu/asc_papers/43), section C,
//   "Multiple values, any metric, missing data": 4 observers x 12 units; alpha = 0.743 (nominal),
//   0.815 (ordinal), 0.849 (interval), 0.797 (ratio). The same data are the "C" example of R's
//   irr::kripp.alpha (and DescTools::KrippAlpha) and a doctest of the Python `krippendorff` package.
// - The small cases below are worked by hand in the comments next to them.
#include "core/analysis/krippendorff.h"

#include <QTest>

using namespace wb;

namespace {

const double NA = std::numeric_limits<double>::quiet_NaN();

/// Rows = units, columns = observers A, B, C, D (Krippendorff 2011, p. 5, transposed).
ReliabilityData krippendorff2011()
{
    return {
        {1, 1, NA, 1}, {2, 2, 3, 2}, {3, 3, 3, 3}, {3, 3, 3, 3}, {2, 2, 2, 2}, {1, 2, 3, 4},
        {4, 4, 4, 4}, {1, 1, 2, 1}, {2, 2, 2, 2}, {NA, 5, 5, 5}, {NA, NA, 1, 1}, {NA, NA, 3, NA},
    };
}

} // namespace

class TstKrippendorff final : public QObject {
    Q_OBJECT

private slots:
    void publishedExample_data()
    {
        QTest::addColumn<int>("metric");
        QTest::addColumn<double>("expected");
        QTest::newRow("nominal") << int(AlphaMetric::Nominal) << 0.743;
        QTest::newRow("ordinal") << int(AlphaMetric::Ordinal) << 0.815;
        QTest::newRow("interval") << int(AlphaMetric::Interval) << 0.849;
        QTest::newRow("ratio") << int(AlphaMetric::Ratio) << 0.797;
    }
    void publishedExample()
    {
        QFETCH(int, metric);
        QFETCH(double, expected);
        const AlphaValue a = krippendorffAlpha(krippendorff2011(), AlphaMetric(metric));
        // The paper gives three decimals.
        QVERIFY2(std::abs(a.alpha - expected) < 0.0005,
                 qPrintable(QStringLiteral("alpha %1, published %2").arg(a.alpha, 0, 'f', 5).arg(expected)));
        QCOMPARE(a.units, 11);    // unit 12 has a single value: not pairable
        QCOMPARE(a.values, 40);   // the paper's n = 40 pairable values
    }

    void nominalDisagreementsOfTheExample()
    {
        // Same paper, nominal: the off-diagonal coincidences sum to 8 (units 2 and 8 give 6/3 each,
        // unit 6 gives 12/3), so D_o = 8/40; D_e from the marginals n_1..n_5 = 9, 13, 10, 5, 3.
        const AlphaValue a = krippendorffAlpha(krippendorff2011(), AlphaMetric::Nominal);
        QVERIFY(std::abs(a.observedDisagreement - 8.0 / 40.0) < 1e-9);
        const double same = 9.0 * 9 + 13.0 * 13 + 10.0 * 10 + 5.0 * 5 + 3.0 * 3;
        QVERIFY(std::abs(a.expectedDisagreement - (1600.0 - same) / (40.0 * 39.0)) < 1e-9);
    }

    void perfectAgreementIsOne_data()
    {
        QTest::addColumn<int>("metric");
        for (AlphaMetric m : {AlphaMetric::Nominal, AlphaMetric::Ordinal, AlphaMetric::Interval, AlphaMetric::Ratio})
            QTest::newRow(alphaMetricName(m)) << int(m);
    }
    void perfectAgreementIsOne()
    {
        QFETCH(int, metric);
        const ReliabilityData d = {{1, 1, 1}, {2, 2, NA}, {3, 3, 3}, {0.5, NA, 0.5}};
        QCOMPARE(krippendorffAlpha(d, AlphaMetric(metric)).alpha, 1.0);
    }

    void systematicDisagreementIsNegative()
    {
        // Units (1,2) and (2,1). Pairable values 1,2,1,2 (n = 4). Observed: each unit has the
        // ordered pairs (1,2),(2,1), delta^2 = 1 each, weight 1/(2-1): 2 per unit, 4 in all.
        // Expected: ordered pairs over all four values with unequal members: 8, each delta^2 = 1.
        // alpha = 1 - (n-1) * 4 / 8 = -0.5, for nominal and interval alike.
        const ReliabilityData d = {{1, 2}, {2, 1}};
        QCOMPARE(krippendorffAlpha(d, AlphaMetric::Interval).alpha, -0.5);
        QCOMPARE(krippendorffAlpha(d, AlphaMetric::Nominal).alpha, -0.5);
        QVERIFY(krippendorffAlpha(d, AlphaMetric::Ordinal).alpha < 0);
    }

    void handComputedIntervalWithMissing()
    {
        // Units (1,2), (3,3), (-,5): the third is not pairable. Values 1,2,3,3, n = 4.
        // Observed: unit 1 contributes 2 * (1-2)^2 / 1 = 2, unit 2 nothing.
        // Expected sum over ordered pairs: 2 n sum(x^2) - 2 (sum x)^2 = 2*4*23 - 2*81 = 22.
        // alpha = 1 - 3 * 2 / 22 = 8/11.
        const ReliabilityData d = {{1, 2}, {3, 3}, {NA, 5}};
        const AlphaValue a = krippendorffAlpha(d, AlphaMetric::Interval);
        QVERIFY(std::abs(a.alpha - 8.0 / 11.0) < 1e-12);
        QCOMPARE(a.units, 2);
        QCOMPARE(a.values, 4);
    }

    void ordinalDependsOnlyOnOrder()
    {
        ReliabilityData d = krippendorff2011();
        const double before = krippendorffAlpha(d, AlphaMetric::Ordinal).alpha;
        for (auto &unit : d)
            for (double &v : unit)
                v = std::exp(v) * 10;   // strictly increasing: the ranks stay
        QVERIFY(std::abs(krippendorffAlpha(d, AlphaMetric::Ordinal).alpha - before) < 1e-12);
        QVERIFY(std::abs(krippendorffAlpha(d, AlphaMetric::Interval).alpha - 0.849) > 0.01);   // interval does change
    }

    void undefinedWithoutPairsOrVariation()
    {
        QVERIFY(std::isnan(krippendorffAlpha({{1, NA}, {NA, 2}}, AlphaMetric::Interval).alpha));
        QVERIFY(std::isnan(krippendorffAlpha({{2, 2}, {2, 2}}, AlphaMetric::Interval).alpha));
        QVERIFY(std::isnan(krippendorffAlpha(ReliabilityData{}, AlphaMetric::Nominal).alpha));
    }

    void bootstrapIsReproducibleAndBracketsTheEstimate()
    {
        const ReliabilityData d = krippendorff2011();
        const ConfidenceInterval a = bootstrapAlpha(d, AlphaMetric::Interval, 1000, 42);
        const ConfidenceInterval b = bootstrapAlpha(d, AlphaMetric::Interval, 1000, 42);
        QCOMPARE(a.low, b.low);
        QCOMPARE(a.high, b.high);
        QVERIFY(a.draws > 900);
        QVERIFY(a.low < 0.849 && 0.849 < a.high);
        QVERIFY(a.high <= 1.0);
        const ConfidenceInterval c = bootstrapAlpha(d, AlphaMetric::Interval, 1000, 43);
        QVERIFY(c.low != a.low || c.high != a.high);
        // Several metrics at once: each on the same resamples as it would get alone.
        const auto both = alphaWithIntervals(toMatrix(d), {AlphaMetric::Ordinal, AlphaMetric::Interval}, 1000, 42);
        QCOMPARE(both[1].ci.low, a.low);
        QCOMPARE(both[1].ci.high, a.high);
        QCOMPARE(both[1].value.alpha, krippendorffAlpha(d, AlphaMetric::Interval).alpha);
        QCOMPARE(both[0].ci.low, bootstrapAlpha(d, AlphaMetric::Ordinal, 1000, 42).low);
        // Large enough to run on several threads: still the same interval every time.
        ReliabilityData big;
        for (int u = 0; u < 3000; ++u)
            big.push_back({double(u % 7), double((u * 3) % 7), double(u % 5 == 0 ? (u + 1) % 7 : u % 7)});
        const ConfidenceInterval b1 = bootstrapAlpha(big, AlphaMetric::Interval, 200, 9), b2 = bootstrapAlpha(big, AlphaMetric::Interval, 200, 9);
        QCOMPARE(b1.low, b2.low);
        QCOMPARE(b1.high, b2.high);
        QCOMPARE(b1.draws, 200);
        // Perfect agreement stays perfect in every resample.
        const ConfidenceInterval p = bootstrapAlpha({{1, 1}, {2, 2}, {3, 3}, {4, 4}}, AlphaMetric::Ordinal, 200, 1);
        QCOMPARE(p.high, 1.0);
    }

    void littleBootstrapsMatchTheExactBootstrap()
    {
        // 20,500 texts (just above the 20,000 where the little bootstraps take over), four coders
        // scoring 0..1 in steps of 0.01 around a per-text truth with coder-specific noise, one
        // value in twelve missing. Deterministic: a fixed SplitMix-style sequence.
        quint64 state = 7;
        auto next = [&state] {
            quint64 z = (state += 0x9E3779B97F4A7C15ull);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            return double((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
        };
        ReliabilityMatrix data;
        data.coders = 4;
        for (int u = 0; u < 20500; ++u) {
            const double truth = next();
            for (int c = 0; c < 4; ++c) {
                const double v = std::clamp(truth + (next() - 0.5) * (0.4 + 0.2 * c), 0.0, 1.0);
                data.values.push_back(next() < 1.0 / 12 ? NA : std::round(v * 100) / 100);
            }
        }
        BootstrapOptions exact;
        exact.seed = 11;
        exact.exactUpTo = std::numeric_limits<qint64>::max();
        BootstrapOptions blb = exact;
        blb.exactUpTo = 20000;
        const std::vector<AlphaMetric> metrics{AlphaMetric::Interval, AlphaMetric::Ordinal};
        const auto e = alphaWithIntervals(data, metrics, exact);
        const auto b = alphaWithIntervals(data, metrics, blb);
        for (size_t m = 0; m < metrics.size(); ++m) {
            QCOMPARE(e[m].ci.method, BootstrapMethod::Exact);
            QCOMPARE(b[m].ci.method, BootstrapMethod::LittleBootstraps);
            QCOMPARE(b[m].value.alpha, e[m].value.alpha);   // the estimate itself is not resampled
            QCOMPARE(b[m].ci.subsets, 10);
            QCOMPARE(b[m].ci.subsetUnits, qint64(std::ceil(std::pow(double(e[m].value.units), 0.6))));
            QCOMPARE(b[m].ci.draws, 1000);
            // Stated tolerance (docs/FORMATS.md): each end within a quarter of the exact interval's
            // width, and the width within 25 %. Measured here: ends within 6 %, widths within 3 %
            // (the exact interval's own Monte Carlo error with 1000 draws is a few per cent).
            const double width = e[m].ci.high - e[m].ci.low;
            QVERIFY(width > 0);
            const QByteArray what = QByteArray(alphaMetricName(metrics[m])) + ": exact [" + QByteArray::number(e[m].ci.low, 'f', 5) + ", "
                + QByteArray::number(e[m].ci.high, 'f', 5) + "], blb [" + QByteArray::number(b[m].ci.low, 'f', 5) + ", "
                + QByteArray::number(b[m].ci.high, 'f', 5) + "]";
            qInfo("%s", what.constData());
            QVERIFY2(std::abs(b[m].ci.low - e[m].ci.low) <= 0.25 * width, what.constData());
            QVERIFY2(std::abs(b[m].ci.high - e[m].ci.high) <= 0.25 * width, what.constData());
            QVERIFY2(std::abs((b[m].ci.high - b[m].ci.low) / width - 1.0) <= 0.25, what.constData());
            QVERIFY(b[m].ci.low < b[m].value.alpha && b[m].value.alpha < b[m].ci.high);
        }
        // The same seed gives the same interval; another seed another one.
        const auto again = alphaWithIntervals(data, metrics, blb);
        QCOMPARE(again[0].ci.low, b[0].ci.low);
        QCOMPARE(again[1].ci.high, b[1].ci.high);
        blb.seed = 12;
        QVERIFY(alphaWithIntervals(data, metrics, blb)[0].ci.low != b[0].ci.low);
    }

    void exactBootstrapUpToTheThreshold()
    {
        // At the threshold itself the exact bootstrap; one unit more, the little bootstraps.
        ReliabilityMatrix data;
        data.coders = 2;
        for (int u = 0; u < 41; ++u) {
            data.values.push_back(u % 5);
            data.values.push_back((u * 3) % 5);
        }
        BootstrapOptions o;
        o.draws = 50;
        o.exactUpTo = 41;
        QCOMPARE(alphaWithIntervals(data, {AlphaMetric::Interval}, o)[0].ci.method, BootstrapMethod::Exact);
        o.exactUpTo = 40;
        const auto blb = alphaWithIntervals(data, {AlphaMetric::Interval}, o);
        QCOMPARE(blb[0].ci.method, BootstrapMethod::LittleBootstraps);
        QVERIFY(blb[0].ci.low <= blb[0].ci.high);
        // 41^0.6 = 9.3: subsets of 10 units, at most 4 disjoint ones.
        QCOMPARE(blb[0].ci.subsetUnits, 10);
        QCOMPARE(blb[0].ci.subsets, 4);
    }

    void coderCorrelationsMatchThePairwiseOnes()
    {
        // Three coders with ties and missing values: every pair as pearson() and spearman() give it.
        const ReliabilityData d = {{1, 2, NA}, {2, 2, 3}, {2, NA, 1}, {3, 5, 2}, {4, 4, 4}, {NA, 1, 0.5}, {5, 7, 3}, {0.5, 0.5, 0.5}};
        const ReliabilityMatrix m = toMatrix(d);
        const auto all = coderCorrelations(m);
        QCOMPARE(all.size(), size_t(3));
        for (const CoderCorrelation &c : all) {
            std::vector<double> x, y;
            for (const auto &unit : d) {
                x.push_back(unit[size_t(c.a)]);
                y.push_back(unit[size_t(c.b)]);
            }
            QCOMPARE(c.pearson.n, pearson(x, y).n);
            QCOMPARE(c.pearson.r, pearson(x, y).r);
            QCOMPARE(c.spearman.r, spearman(x, y).r);
        }
        QCOMPARE(all[0].a, 0);
        QCOMPARE(all[0].b, 1);
        QCOMPARE(all[2].a, 1);
        QCOMPARE(all[2].b, 2);
    }

    void correlations()
    {
        // x = 1..4, y = 2,1,4,3: deviations (-1.5,-.5,.5,1.5) and (-.5,-1.5,1.5,.5);
        // sum of products 3, sums of squares 5 and 5: r = 0.6.
        const Correlation r = pearson({1, 2, 3, 4, NA}, {2, 1, 4, 3, 7});
        QCOMPARE(r.n, 4);
        QVERIFY(std::abs(r.r - 0.6) < 1e-12);
        // Ties share their mean rank: ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4);
        // r = 4.5 / sqrt(4.5 * 5).
        const Correlation s = spearman({1, 2, 2, 3}, {1, 3, 2, 4});
        QVERIFY(std::abs(s.r - 4.5 / std::sqrt(22.5)) < 1e-12);
        QCOMPARE(spearman({1, 2, 3, 4}, {1, 8, 27, 64}).r, 1.0);
        QVERIFY(std::isnan(pearson({1, 1, 1}, {1, 2, 3}).r));
        QVERIFY(std::isnan(pearson({1, 2}, {1, 2}).r));
    }
};

QTEST_GUILESS_MAIN(TstKrippendorff)
#include "tst_krippendorff.moc"
