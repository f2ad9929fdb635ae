#pragma once
// A workbench project: a model list (litellm_config.yaml) plus an experiment (experiment.yaml,
// its frameworks and corpus paths). Edits go through a QUndoStack as whole-state snapshots:
// the configs are small value types, so a snapshot per edit is cheap and undo can never get
// out of step with what the editors show.
#include "core/common/result.h"
#include "core/config/experimentconfig.h"
#include "core/config/modellist.h"

#include <QObject>
#include <QString>
#include <QStringList>

class QUndoStack;

namespace wb {
namespace ui {

struct ProjectState {
    ModelList models;
    ExperimentConfig experiment;
    QList<Framework> frameworks;   ///< loaded from experiment.frameworks, same order

    const Framework *framework(const QString &id) const;
};

class Project final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Project)
public:
    explicit Project(QObject *parent = nullptr);
    ~Project() override;

    /// Opens experiment.yaml (or a folder holding one) and the model list next to it
    /// (litellm_config.yaml) unless `modelListPath` is given.
    Result<void> open(const QString &experimentOrFolder, const QString &modelListPath = {});
    /// Writes both files where they came from. yaml-cpp cannot keep comments: the first time in a
    /// session that a file holding comments is overwritten, it is first copied to FILE.bak.
    Result<void> save();
    /// The FILE.bak copies the last save() or saveAs() wrote (usually none).
    QStringList lastBackups() const { return m_lastBackups; }
    /// Writes both files into `folder` (experiment.yaml + litellm_config.yaml) and switches to them.
    Result<void> saveAs(const QString &folder);
    void close();

    bool isOpen() const { return !m_experimentPath.isEmpty(); }
    bool isModified() const;
    /// The model list asks for the simulator and points only at loopback (wb::isSimulated).
    bool isSimulated() const { return wb::isSimulated(m_state.models); }
    QString experimentPath() const { return m_experimentPath; }
    QString modelListPath() const { return m_modelListPath; }
    QString directory() const;
    QString displayName() const;
    QStringList warnings() const { return m_warnings; }

    const ProjectState &state() const { return m_state; }
    /// Replaces the state as one undoable step. Consecutive edits with the same non-zero
    /// `mergeKey` (e.g. typing into one field) collapse into one step.
    void edit(const ProjectState &next, const QString &description, int mergeKey = 0);
    QUndoStack *undoStack() const { return m_undo; }

    /// Loads a framework file and appends it to the experiment (undoable).
    Result<void> addFramework(const QString &path);

signals:
    void opened();
    void changed();                ///< state replaced (edit, undo, redo, open)
    void modifiedChanged(bool modified);
    void saved();

private:
    friend class StateCommand;
    void setState(const ProjectState &s);
    /// Copies `path` to path.bak when it holds YAML comments and was not backed up this session.
    Result<void> backupCommentedOnce(const QString &path);

    ProjectState m_state;
    QString m_experimentPath;
    QString m_modelListPath;
    QStringList m_warnings;
    QStringList m_backedUp;      // files copied to .bak since the project was opened
    QStringList m_lastBackups;
    QUndoStack *m_undo;
};

} // namespace ui
} // namespace wb
