#pragma once
// Corpus sources of the experiment with their text counts and token totals. Counting reads and
// tokenizes every text, so it runs on the thread pool (QtConcurrent); results are cached by
// source path + modification time so edits elsewhere never recount.
#include "core/config/experimentconfig.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <functional>

namespace wb {
namespace ui {

struct CorpusStats {
    qint64 texts = 0;
    qint64 chars = 0;
    qint64 tokens = 0;     ///< o200k_base
    QString error;
};

class CorpusModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CorpusModel)
public:
    enum Column { Id, Kind, Path, Texts, Tokens, ColumnCount };
    using Counter = std::function<CorpusStats(const CorpusSource &)>;

    explicit CorpusModel(QObject *parent = nullptr);
    ~CorpusModel() override;

    void setSources(const QList<CorpusSource> &sources);
    const QList<CorpusSource> &sources() const { return m_sources; }
    /// Replaces the counting function (tests); the default loads and tokenizes with the engine.
    void setCounter(Counter c) { m_counter = std::move(c); }
    static CorpusStats countWithEngine(const CorpusSource &source);
    static CorpusSource::Kind kindForPath(const QString &path);
    static QString kindName(CorpusSource::Kind k);

    /// Stats of a source if counted; pending() tells whether any count is still running.
    std::optional<CorpusStats> stats(const QString &sourceId) const;
    int pending() const { return int(m_running.size()); }
    qint64 totalTexts() const;
    qint64 totalTokens() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

signals:
    /// setData() refused `typed` for `index`: the reason, for the person who typed it.
    void editRefused(const QModelIndex &index, const QString &reason, const QVariant &typed);
    void sourcesEdited(const QList<CorpusSource> &sources, const QString &description);
    void statsChanged();

private:
    static QString cacheKey(const CorpusSource &s);
    void ensureCounting();

    QList<CorpusSource> m_sources;
    QHash<QString, CorpusStats> m_cache;     // cacheKey -> stats
    QHash<QString, bool> m_running;          // cacheKey
    Counter m_counter;
};

} // namespace ui
} // namespace wb
