#include "core/sim/dialects/simdialects.h"

namespace wb::sim {

const SimDialect *SimDialects::route(const QString &path, SimCall &call) const
{
    for (const SimDialect *d : m_all) {
        if (d->route(path, call))
            return d;
    }
    return nullptr;
}

const SimDialect &SimDialects::forBadRoute(const QString &path) const
{
    // OpenAI's error format is the generic one: most clients speak it.
    if (GeminiDialect::answersBadRoute(path))
        return m_gemini;
    return m_openAi;
}

const SimDialect &SimDialects::forProvider(Provider p) const
{
    for (const SimDialect *d : m_all) {
        if (d->provider() == p)
            return *d;
    }
    return m_openAi;   // not reached: every Provider has a dialect
}

} // namespace wb::sim
