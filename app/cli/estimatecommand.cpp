// estimate: the pre-flight report (tokens, cost, duration) before anything is spent.
#include "app/cli/commands.h"

namespace wb {

int cmdEstimate(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Q_UNUSED(args);
    Q_UNUSED(out);
    err << "discernus estimate: not built yet\n";
    return 2;
}

} // namespace wb
