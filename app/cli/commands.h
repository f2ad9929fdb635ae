#pragma once
// One function per `discernus` verb; `args` are the words after the verb. Each returns the
// process exit code (docs/FORMATS.md, "Exit codes"); the options are declared in verbspecs.cpp.
#include "core/common/result.h"

#include <QJsonArray>
#include <QStringList>
#include <QTextStream>

namespace wb {

int cmdRun(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdEstimate(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdPreviewPrompt(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdExport(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdTokens(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdKeys(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdModels(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdTestConnections(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdStats(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdBundle(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdVerifyBundle(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdStatus(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdCancelBatches(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdSimulate(const QStringList &args, QTextStream &out, QTextStream &err);
int cmdWorker(const QStringList &args, QTextStream &out, QTextStream &err);

class VerbArgs;
struct RunOptions;
/// Shared by `run` and `worker` (runcommands.cpp): the options both take, and driving the run
/// with progress, events, the summary and SIGINT/SIGTERM handling.
bool readRunOptions(const VerbArgs &a, RunOptions &opt, QTextStream &err);
int driveRun(const VerbArgs &a, const RunOptions &opt, QTextStream &out, QTextStream &err);

class ResultStore;
/// The provider batches of a database for `status` (batchcommands.cpp): open ones, or all.
/// Which provider batches `status` lists: every one with `all`, else those of `experiment` (empty:
/// the experiment of the newest batch).
struct BatchListing {
    bool all = false;
    QString experiment;
};
Result<QJsonArray> batchesJson(ResultStore &store, const BatchListing &which);
Result<void> printBatches(ResultStore &store, const BatchListing &which, QTextStream &out);

} // namespace wb
