#pragma once
// Limits the router learned from a provider (its headers, its refusals' texts), remembered across
// runs for the estimate of a deployment with no limits configured (docs/ARCHITECTURE.md,
// "Learned limits for the estimate"). One small JSON file, by default in the user's data folder
// (defaultPath()); each entry is keyed by provider, base URL, model and the key's *reference*
// (`os.environ/NAME`, `keychain/NAME`; a key written in the model list is referred to by its
// deployment id) — never by a key or anything derived from one.
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/limits/countingrule.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace wb {

struct LearnedLimits {
    QString provider, apiBase, model, keyRef;
    qint64 windowMs = 60'000;       ///< the window the counts are per (shortened for test simulators)
    RateLimits limits;              ///< rpm, tpm, itpm, otpm (max_parallel_requests unused)
    QDateTime learnedAt;            ///< UTC, when a run last learned them
    /// The provider pool (an organisation's limit) the key was learned to share: entries with the
    /// same name share one; empty = none learned. A name, never derived from a key.
    QString pool;
    /// What the key used today of the daily quotas the model list states (rpd, tpd), until
    /// dayResetsAt (invalid: nothing remembered); a run the same day starts from there.
    qint64 dayRequests = 0, dayTokens = 0;
    QDateTime dayResetsAt;
    /// A daily or spend quota the provider refused on, until quotaUntil (invalid: none): the next
    /// run and the estimate start with the deployment parked.
    QDateTime quotaUntil;
    QString quotaWhat;
    bool quotaDaily = true;
    /// How the provider was seen to count the key (admission, settlement, refill); unset: not learned.
    LearnedCounting counting;
    /// While a limit the provider refuses on stayed unknown (no header tells Gemini's rpm): the
    /// most requests and tokens one window of the key was seen to hold, every call accepted
    /// (0: none). A floor the next run's slow start sends within at once.
    qint64 acceptedRequests = 0, acceptedTokens = 0;
    bool any() const { return limits.statesARate(); }
};

/// The reference a deployment's key is remembered by: the model list's `os.environ/NAME` or
/// `keychain/NAME`; for a key written in the file (or none) "deployment <id>".
QString learnedKeyReference(const Deployment &d);

class LearnedLimitStore {
public:
    /// `<user data>/discernus/learned-limits.json` (QStandardPaths::GenericDataLocation), shared
    /// by the workbench and the command line; DISCERNUS_LEARNED_LIMITS overrides it (empty: none).
    static QString defaultPath();

    explicit LearnedLimitStore(QString path) : m_path(std::move(path)) {}
    const QString &path() const { return m_path; }
    /// Reads the file; a missing one is an empty store. A broken one is an error naming the file,
    /// line and field (the store then stays empty).
    Result<void> load();
    /// Writes every entry (atomically: a reader never sees half a file).
    Result<void> save() const;

    /// The entry for this deployment's provider, base URL, model and key reference.
    const LearnedLimits *find(const Deployment &d) const;
    /// Replaces that entry's limits by `limits` (dimensions not in it are kept) and its pool by
    /// `pool` (empty: none), learned at `at`.
    void remember(const Deployment &d, qint64 windowMs, const RateLimits &limits, const QDateTime &at,
                  const QString &pool = {});
    /// Sets what `counting` states of how the provider counts that entry's key (the rest is kept).
    void rememberCounting(const Deployment &d, qint64 windowMs, const LearnedCounting &counting, const QDateTime &at);
    /// Replaces what that entry's key was seen to accept in one window (LearnedLimits::acceptedRequests).
    void rememberAccepted(const Deployment &d, qint64 windowMs, qint64 requests, qint64 tokens, const QDateTime &at);
    /// Replaces that entry's daily use and exhausted quota (either invalid: none), as of `at`.
    void rememberQuotas(const Deployment &d, qint64 windowMs, const LearnedLimits &quotas, const QDateTime &at);
    const QList<LearnedLimits> &entries() const { return m_entries; }

private:
    LearnedLimits &entryFor(const Deployment &d, qint64 windowMs, const QDateTime &at);
    QString m_path;
    QList<LearnedLimits> m_entries;
};

struct RouterSnapshot;
/// After a run: remembers in the store at `path` the limits `snapshot` shows the router learned
/// for the deployments of `models` (counts per `windowMs`), each key's use of its daily quotas and
/// the quotas refused until a later reset. Returns how many deployments had any.
Result<int> rememberLearnedLimits(const QString &path, const ModelList &models, const RouterSnapshot &snapshot,
                                  qint64 windowMs, const QDateTime &at);

} // namespace wb
