#pragma once
// The "Statistics" page: per framework dimension Krippendorff's alpha across models (interval and
// ordinal, with 95 % bootstrap intervals), stability across repetitions and pairwise correlations,
// for the rows the Results page's filter selects (docs/FORMATS.md, "Agreement statistics").
// Computed on the thread pool with its own database connection; a result that arrives after the
// database or filter changed is dropped, so the page never shows another database's numbers.
// Statistics stored with the results are shown at once while current (docs/FORMATS.md,
// "Stored statistics").
#include "core/analysis/agreement.h"
#include "core/storage/resultfilter.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace wb {
namespace ui {

class StatisticsView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatisticsView)
public:
    enum Column { ComparisonColumn, IntervalColumn, OrdinalColumn, PearsonColumn, SpearmanColumn, TextsColumn, ColumnCount };

    explicit StatisticsView(QWidget *parent = nullptr);
    ~StatisticsView() override;

    /// What to compute over; recomputed when the page is (or becomes) visible.
    void setSource(const QString &dbPath, const ResultFilter &filter);
    /// Brings the statistics up to date now, visible or not (after a run): computed and stored
    /// unless what is stored is current.
    void prepare();
    QTreeWidget *tree() const { return m_tree; }
    bool isBusy() const { return m_busy; }
    const AgreementReport &report() const { return m_report; }

public slots:
    /// Computes the statistics again (and stores them), whatever is stored.
    void recompute();
    /// Writes the statistics CSV (and its .columns.txt) of the report shown.
    bool exportCsv(const QString &outPath);

    QString statusText() const;

signals:
    /// The final report (or error) is on screen.
    void reportShown();
    /// A stored report that results written since have outdated is on screen, marked, while the
    /// statistics are computed again.
    void outdatedReportShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    /// The stored statistics when current, else computed (an outdated stored report shown meanwhile).
    void refresh();
    /// Clears the page; with no database says so and returns true, else shows that it is busy.
    bool startIfEmpty();
    void startComputing(quint64 gen);
    static QString storedNote(const QDateTime &computedAt, qint64 computeMs);
    /// `final`: the answer (export enabled, reportShown() emitted); otherwise shown while computing.
    void showReport(const AgreementReport &report, const QString &error, const QString &note = {}, bool final = true);

    QTreeWidget *m_tree;
    QLabel *m_status;
    QPushButton *m_export;
    QString m_db;
    ResultFilter m_filter;
    AgreementReport m_report;
    quint64 m_generation = 0;
    bool m_dirty = true;
    bool m_busy = false;
};

} // namespace ui
} // namespace wb
