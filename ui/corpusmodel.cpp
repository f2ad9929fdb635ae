#include "ui/corpusmodel.h"

#include "core/experiment/corpus.h"
#include "core/tokenize/tokenizer.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

namespace wb {
namespace ui {

CorpusModel::CorpusModel(QObject *parent) : QAbstractTableModel(parent), m_counter(&CorpusModel::countWithEngine) {}

CorpusModel::~CorpusModel() = default;

CorpusStats CorpusModel::countWithEngine(const CorpusSource &source)
{
    CorpusStats st;
    auto texts = loadCorpus(source);
    if (!texts) {
        st.error = texts.error().toString();
        return st;
    }
    const Tokenizer &tok = Tokenizer::get(Encoding::O200kBase);
    for (const CorpusText &t : std::as_const(*texts)) {
        ++st.texts;
        st.chars += t.chars();
        st.tokens += tok.count(t.text());
    }
    return st;
}

CorpusSource::Kind CorpusModel::kindForPath(const QString &path)
{
    const QFileInfo fi(path);
    if (fi.isDir())
        return CorpusSource::Kind::Folder;
    const QString ext = fi.suffix().toLower();
    if (ext == QLatin1String("csv"))
        return CorpusSource::Kind::Csv;
    if (ext == QLatin1String("jsonl"))
        return CorpusSource::Kind::Jsonl;
    return CorpusSource::Kind::TextFile;
}

QString CorpusModel::kindName(CorpusSource::Kind k)
{
    switch (k) {
    case CorpusSource::Kind::Folder: return tr("Folder");
    case CorpusSource::Kind::Csv: return tr("CSV");
    case CorpusSource::Kind::Jsonl: return tr("JSONL");
    case CorpusSource::Kind::TextFile: return tr("Text file");
    }
    return {};
}

QString CorpusModel::cacheKey(const CorpusSource &s)
{
    const QFileInfo fi(s.path);
    // A folder's mtime changes when files are added or removed; edits inside files change
    // the file's, not the folder's — good enough for a preview, and it is recounted on reopen.
    return s.path + QLatin1Char('|') + QString::number(fi.lastModified().toMSecsSinceEpoch());
}

void CorpusModel::setSources(const QList<CorpusSource> &sources)
{
    if (sources.size() == m_sources.size()) {
        m_sources = sources;
        if (!m_sources.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_sources = sources;
        endResetModel();
    }
    ensureCounting();
}

void CorpusModel::ensureCounting()
{
    for (const CorpusSource &s : std::as_const(m_sources)) {
        const QString key = cacheKey(s);
        if (m_cache.contains(key) || m_running.contains(key))
            continue;
        m_running.insert(key, true);
        auto *watcher = new QFutureWatcher<CorpusStats>(this);
        connect(watcher, &QFutureWatcher<CorpusStats>::finished, this, [this, watcher, key] {
            m_cache.insert(key, watcher->result());
            m_running.remove(key);
            watcher->deleteLater();
            for (int r = 0; r < m_sources.size(); ++r)
                if (cacheKey(m_sources[r]) == key)
                    emit dataChanged(index(r, Texts), index(r, Tokens));
            emit statsChanged();
        });
        watcher->setFuture(QtConcurrent::run(m_counter, s));
    }
}

std::optional<CorpusStats> CorpusModel::stats(const QString &sourceId) const
{
    for (const CorpusSource &s : m_sources)
        if (s.id == sourceId) {
            const auto it = m_cache.constFind(cacheKey(s));
            if (it != m_cache.cend())
                return *it;
        }
    return std::nullopt;
}

qint64 CorpusModel::totalTexts() const
{
    qint64 n = 0;
    for (const CorpusSource &s : m_sources)
        n += m_cache.value(cacheKey(s)).texts;
    return n;
}

qint64 CorpusModel::totalTokens() const
{
    qint64 n = 0;
    for (const CorpusSource &s : m_sources)
        n += m_cache.value(cacheKey(s)).tokens;
    return n;
}

int CorpusModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_sources.size()); }
int CorpusModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CorpusModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const CorpusSource &s = m_sources[index.row()];
    const QString key = cacheKey(s);
    const auto it = m_cache.constFind(key);
    const bool counted = it != m_cache.cend();
    const auto col = Column(index.column());
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (col) {
        case Id: return s.id;
        case Kind: return kindName(s.kind);
        case Path: return s.path;
        case Texts:
        case Tokens:
            if (!counted)
                return role == Qt::DisplayRole ? QVariant(tr("counting…")) : QVariant();
            if (!it->error.isEmpty())
                return role == Qt::DisplayRole ? QVariant(tr("error")) : QVariant();
            if (role == Qt::EditRole)
                return col == Texts ? it->texts : it->tokens;
            return QLocale().toString(col == Texts ? it->texts : it->tokens);
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::ToolTipRole && counted && !it->error.isEmpty())
        return it->error;
    if (role == Qt::ToolTipRole && col == Tokens)
        return tr("o200k_base tokens of the texts alone (prompts add instructions and framing)");
    if (role == Qt::BackgroundRole && counted && !it->error.isEmpty())
        return QBrush(QColor(255, 220, 220));
    if (role == Qt::TextAlignmentRole && (col == Texts || col == Tokens))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant CorpusModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (role != Qt::DisplayRole || o != Qt::Horizontal)
        return {};
    switch (section) {
    case Id: return tr("Id");
    case Kind: return tr("Kind");
    case Path: return tr("Path");
    case Texts: return tr("Texts");
    case Tokens: return tr("Tokens");
    default: return {};
    }
}

Qt::ItemFlags CorpusModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    if (index.column() == Id)
        f |= Qt::ItemIsEditable;
    return f;
}

bool CorpusModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || index.column() != Id || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    const QString id = value.toString().trimmed();
    if (id.isEmpty()) {
        emit editRefused(index, tr("A corpus source needs an id: the runs refer to it."), value);
        return false;
    }
    for (int r = 0; r < m_sources.size(); ++r)
        if (r != index.row() && m_sources[r].id == id) {
            emit editRefused(index, tr("Another corpus source is already called \"%1\".").arg(id), value);
            return false;
        }
    m_sources[index.row()].id = id;
    emit dataChanged(index, index);
    emit sourcesEdited(m_sources, tr("Rename corpus source to %1").arg(id));
    return true;
}

} // namespace ui
} // namespace wb
