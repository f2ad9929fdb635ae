#include "core/session/databasecheck.h"

#include <QSet>

namespace wb {

Result<void> checkStoredRunsMatch(const ResultStore &store, const QList<PlannedRun> &runs, const QString &experiment,
                                  const QString &dbPath)
{
    auto stored = store.runs();
    if (!stored)
        return std::unexpected(stored.error());
    QHash<QString, RunRow> byId;
    for (const RunRow &r : std::as_const(*stored))
        byId.insert(r.runId, r);
    QStringList problems;
    QSet<QString> checkedTexts;
    auto hashes = store.textHashes();
    if (!hashes)
        return std::unexpected(hashes.error());
    for (const PlannedRun &r : runs) {
        auto it = byId.constFind(r.spec.runId);
        if (it == byId.cend())
            continue;
        QStringList dims;
        for (const Dimension &d : r.framework->dimensions)
            dims.append(d.id);
        if (!it->experiment.isEmpty() && it->experiment != experiment)
            problems << QStringLiteral("run '%1' belongs to experiment '%2'").arg(r.spec.runId, it->experiment);
        else if (it->modelGroup != r.spec.model)
            problems << QStringLiteral("run '%1' was stored with model group '%2', now '%3'").arg(r.spec.runId, it->modelGroup, r.spec.model);
        else if (it->framework != r.spec.framework || (!it->dimensions.isEmpty() && it->dimensions != dims))
            problems << QStringLiteral("run '%1' was stored with framework '%2' (%3), now '%4' (%5)")
                            .arg(r.spec.runId, it->framework, it->dimensions.join(u','), r.spec.framework, dims.join(u','));
        for (const CorpusText &t : r.texts) {
            const QString key = t.corpus + u'/' + t.id;
            if (checkedTexts.contains(key))
                continue;
            checkedTexts.insert(key);
            const QString old = hashes->value(key);
            if (!old.isEmpty() && old != t.sha256)
                problems << QStringLiteral("text '%1' changed since its results were stored").arg(key);
        }
    }
    if (problems.isEmpty())
        return {};
    const qsizetype shown = std::min<qsizetype>(problems.size(), 5);
    QString msg = QStringLiteral("this database holds results that don't match the experiment: ") + problems.mid(0, shown).join(QStringLiteral("; "));
    if (problems.size() > shown)
        msg += QStringLiteral("; and %1 more").arg(problems.size() - shown);
    msg += QStringLiteral(". Use new run ids or another --db, so earlier results stay as they were.");
    return wb::fail(msg, dbPath);
}

} // namespace wb
