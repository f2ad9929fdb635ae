#include "app/cli/commands.h"

namespace wb {

ParsedArgs parseArgs(const QStringList &args, const QStringList &valueOptions, const QStringList &flagOptions)
{
    ParsedArgs p;
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString a = args[i];
        if (a.startsWith(QLatin1Char('-')) && a.size() > 1) {
            QString inlineValue;
            const qsizetype eq = a.indexOf(QLatin1Char('='));
            bool hasInline = false;
            if (a.startsWith(QLatin1String("--")) && eq > 0) {
                inlineValue = a.mid(eq + 1);
                a = a.left(eq);
                hasInline = true;
            }
            if (valueOptions.contains(a)) {
                if (hasInline) {
                    p.values.insert(a, inlineValue);
                } else if (i + 1 < args.size()) {
                    p.values.insert(a, args[++i]);
                } else {
                    p.error = QStringLiteral("option %1 needs a value").arg(a);
                    return p;
                }
            } else if (flagOptions.contains(a) && !hasInline) {
                p.flags.append(a);
            } else {
                p.error = QStringLiteral("unknown option %1").arg(a);
                return p;
            }
        } else {
            p.positional.append(a);
        }
    }
    return p;
}

} // namespace wb
