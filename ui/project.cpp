#include "ui/project.h"

#include "core/common/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QUndoCommand>
#include <QUndoStack>
#include <QUrl>

namespace wb {
namespace ui {

const Framework *ProjectState::framework(const QString &id) const
{
    for (const Framework &f : frameworks)
        if (f.id == id)
            return &f;
    return nullptr;
}

// One undoable step: the state before and after.
class StateCommand final : public QUndoCommand {
public:
    StateCommand(Project *p, ProjectState before, ProjectState after, const QString &text, int mergeKey)
        : QUndoCommand(text), m_project(p), m_before(std::move(before)), m_after(std::move(after)),
          m_mergeKey(mergeKey)
    {
    }
    void undo() override { m_project->setState(m_before); }
    void redo() override { m_project->setState(m_after); }
    int id() const override { return m_mergeKey == 0 ? -1 : m_mergeKey; }
    bool mergeWith(const QUndoCommand *other) override
    {
        const auto *o = static_cast<const StateCommand *>(other);
        if (o->m_mergeKey != m_mergeKey)
            return false;
        m_after = o->m_after;
        return true;
    }

private:
    Project *m_project;
    ProjectState m_before, m_after;
    int m_mergeKey;
};

Project::Project(QObject *parent) : QObject(parent), m_undo(new QUndoStack(this))
{
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { emit modifiedChanged(!clean); });
}

Project::~Project() = default;

bool Project::isModified() const { return !m_undo->isClean(); }

QString Project::directory() const { return QFileInfo(m_experimentPath).absolutePath(); }

QString Project::displayName() const
{
    if (!m_state.experiment.name.isEmpty())
        return m_state.experiment.name;
    return QFileInfo(m_experimentPath).dir().dirName();
}

Result<void> Project::open(const QString &experimentOrFolder, const QString &modelListPath)
{
    QString expPath = experimentOrFolder;
    if (QFileInfo(expPath).isDir())
        expPath = QDir(expPath).filePath(QStringLiteral("experiment.yaml"));
    expPath = QFileInfo(expPath).absoluteFilePath();
    QString mlPath = modelListPath.isEmpty()
        ? QFileInfo(expPath).dir().filePath(QStringLiteral("litellm_config.yaml"))
        : QFileInfo(modelListPath).absoluteFilePath();

    auto exp = loadExperiment(expPath);
    if (!exp)
        return std::unexpected(exp.error());
    if (!QFileInfo::exists(mlPath))
        return fail(tr("No model list (litellm_config.yaml) next to the experiment"), mlPath);
    auto ml = loadModelList(mlPath);
    if (!ml)
        return std::unexpected(ml.error());

    ProjectState st;
    st.experiment = std::move(*exp);
    st.models = std::move(*ml);
    QStringList warnings = st.models.warnings + st.experiment.warnings;
    for (const FrameworkRef &ref : std::as_const(st.experiment.frameworks)) {
        auto fw = loadFramework(ref.path);
        if (!fw)
            return std::unexpected(fw.error());
        if (fw->id.isEmpty())
            fw->id = ref.id;
        st.frameworks << *fw;
    }
    if (auto v = validateExperimentAgainst(st.experiment, st.models); !v)
        warnings << v.error().toString();

    m_undo->clear();
    m_backedUp.clear();
    m_lastBackups.clear();
    m_experimentPath = expPath;
    m_modelListPath = mlPath;
    m_warnings = warnings;
    m_state = std::move(st);
    m_undo->setClean();
    qCInfo(lcUi) << "opened project" << m_experimentPath;
    emit opened();
    emit changed();
    emit modifiedChanged(false);
    return {};
}

Result<void> Project::backupCommentedOnce(const QString &path)
{
    if (m_backedUp.contains(path))
        return {};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};   // a new file: nothing to keep
    // A comment is a '#' starting a line or following white space (YAML's rule); a '#' inside a
    // quoted string may also match, which only costs a needless backup.
    static const QRegularExpression comment(QStringLiteral("(^|\\s)#"), QRegularExpression::MultilineOption);
    const bool hasComments = comment.match(QString::fromUtf8(f.readAll())).hasMatch();
    f.close();
    if (!hasComments)
        return {};
    const QString bak = path + QStringLiteral(".bak");
    QFile::remove(bak);
    if (!QFile::copy(path, bak))
        return fail(tr("Cannot keep a copy of the original file with its comments"), bak);
    m_backedUp << path;
    m_lastBackups << bak;
    return {};
}

Result<void> Project::save()
{
    if (!isOpen())
        return fail(tr("No project is open"));
    m_lastBackups.clear();
    for (const QString &path : {m_modelListPath, m_experimentPath})
        if (auto r = backupCommentedOnce(path); !r)
            return r;
    if (auto r = saveModelList(m_state.models, m_modelListPath); !r)
        return r;
    if (auto r = saveExperiment(m_state.experiment, m_experimentPath); !r)
        return r;
    m_undo->setClean();
    emit saved();
    return {};
}

Result<void> Project::saveAs(const QString &folder)
{
    QDir dir(folder);
    if (!dir.exists() && !QDir().mkpath(folder))
        return fail(tr("Cannot create the folder"), folder);
    const QString exp = dir.absoluteFilePath(QStringLiteral("experiment.yaml"));
    const QString ml = dir.absoluteFilePath(QStringLiteral("litellm_config.yaml"));
    m_lastBackups.clear();
    for (const QString &path : {ml, exp})
        if (auto r = backupCommentedOnce(path); !r)
            return r;
    if (auto r = saveModelList(m_state.models, ml); !r)
        return r;
    if (auto r = saveExperiment(m_state.experiment, exp); !r)
        return r;
    m_experimentPath = exp;
    m_modelListPath = ml;
    m_state.models.path = ml;
    m_state.experiment.path = exp;
    m_undo->setClean();
    emit saved();
    emit changed();
    return {};
}

void Project::close()
{
    m_undo->clear();
    m_state = {};
    m_experimentPath.clear();
    m_modelListPath.clear();
    m_warnings.clear();
    emit changed();
}

void Project::edit(const ProjectState &next, const QString &description, int mergeKey)
{
    m_undo->push(new StateCommand(this, m_state, next, description, mergeKey));
}

void Project::setState(const ProjectState &s)
{
    m_state = s;
    emit changed();
}

Result<void> Project::addFramework(const QString &path)
{
    auto fw = loadFramework(path);
    if (!fw)
        return std::unexpected(fw.error());
    if (m_state.framework(fw->id))
        return fail(tr("A framework with id \"%1\" is already part of the experiment").arg(fw->id), path);
    ProjectState next = m_state;
    next.experiment.frameworks << FrameworkRef{fw->id, QFileInfo(path).absoluteFilePath()};
    next.frameworks << *fw;
    edit(next, tr("Add framework %1").arg(fw->id));
    return {};
}

} // namespace ui
} // namespace wb
