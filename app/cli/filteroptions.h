#pragma once
// The Results page's filter as command-line options, shared by `export` and `stats` so both cover
// exactly the rows the page would show for the same choices.
#include "app/cli/verbparser.h"
#include "core/storage/resultfilter.h"

namespace wb {

/// --run, --model, --framework, --experiment, --search and (withStatus) --status.
QList<CliOption> resultFilterOptions(bool withStatus);
/// The filter those options describe (--run takes a comma-separated list).
ResultFilter resultFilterFrom(const VerbArgs &a);

} // namespace wb
