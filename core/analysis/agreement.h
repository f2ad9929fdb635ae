#pragma once
// Agreement statistics of a results database, per framework dimension (docs/FORMATS.md,
// "Agreement statistics"): Krippendorff's alpha across models (units = texts, coders = model groups),
// alpha across the repetitions of one model (stability), pairwise Pearson and Spearman correlations
// between models, and percentile-bootstrap 95 % intervals for every alpha.
//
// Repetitions: across models, each model's value for a text is the mean of its repetitions of that
// text, so a model with more repetitions does not weigh more; stability uses the repetitions
// themselves as coders (repetition r of every text is coder r).
#include "core/analysis/krippendorff.h"
#include "core/common/result.h"
#include "core/storage/resultquery.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace wb {

struct AgreementOptions {
    int bootstrapDraws = 1000;
    quint64 seed = 20110101;   ///< fixed, so the same data give the same intervals
    /// Up to this many texts with two or more values an alpha's interval is the exact percentile
    /// bootstrap; above, the bag of little bootstraps over this many subsets (BootstrapOptions).
    qint64 exactBootstrapUpTo = 20000;
    int bootstrapSubsets = 10;
};

using AlphaEstimate = AlphaWithInterval;

struct PairCorrelation {
    QString modelA;
    QString modelB;
    Correlation pearson;
    Correlation spearman;
};

/// Alpha across the repetitions of one model.
struct StabilityAgreement {
    QString model;
    int repetitions = 0;   ///< the highest repetition number seen
    AlphaEstimate interval;
    AlphaEstimate ordinal;
};

struct DimensionAgreement {
    QString framework;
    QString dimension;
    QStringList models;    ///< the models that scored this dimension
    qint64 texts = 0;      ///< texts with at least one score
    AlphaEstimate interval;   ///< across models
    AlphaEstimate ordinal;
    QList<PairCorrelation> pairs;
    QList<StabilityAgreement> stability;   ///< models with more than one repetition
};

struct AgreementReport {
    AgreementOptions options;
    QList<DimensionAgreement> dimensions;   ///< framework, then dimension
};

/// Pure: the statistics of a score sample.
AgreementReport computeAgreement(const ScoreSample &sample, const AgreementOptions &options = {});
/// Reads the sample through `connName` (resultquery.h) and computes the report.
Result<AgreementReport> agreementFromDatabase(const QString &connName, const ResultFilter &filter,
                                              const AgreementOptions &options = {});

/// A report as the Statistics view and `discernus stats` show it: the one stored with the results
/// when no result was written since (docs/FORMATS.md, "Stored statistics"), else computed from
/// `connName` (a connection to `dbPath`) and stored for next time where the database takes it.
struct AgreementLookup {
    AgreementReport report;
    bool stored = false;     ///< taken from the database, not computed now
    bool current = true;     ///< no result was written since it was computed
    QDateTime computedAt;    ///< UTC
    qint64 computeMs = 0;    ///< how long computing it took (then or now)
};
Result<AgreementLookup> agreementFor(const QString &dbPath, const QString &connName, const ResultFilter &filter,
                                     const AgreementOptions &options = {});
/// The stored report for `filter`, current or not (the Statistics view shows an outdated one while it
/// recomputes); std::nullopt when there is none.
Result<std::optional<AgreementLookup>> storedAgreement(const QString &connName, const ResultFilter &filter,
                                                       const AgreementOptions &options);
/// Computes the report and stores it with the results (no reading of what is stored).
Result<AgreementLookup> computeAndStoreAgreement(const QString &dbPath, const QString &connName, const ResultFilter &filter,
                                                 const AgreementOptions &options = {});

/// {"bootstrap_draws", "seed", "dimensions": [...]}; undefined numbers are null.
QJsonObject agreementToJson(const AgreementReport &report);
/// The inverse of agreementToJson(); an error names what is missing.
Result<AgreementReport> agreementFromJson(const QJsonObject &json);
/// The tidy CSV of docs/FORMATS.md ("Statistics export"): one row per statistic; RFC 4180, CRLF.
QByteArray agreementToCsv(const AgreementReport &report);
/// What each column of agreementToCsv() means, one line per column (for the `.columns.txt` side file).
QString agreementCsvColumns();

} // namespace wb
