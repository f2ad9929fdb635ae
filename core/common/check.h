#pragma once
// Soft assertions for invariants the code relies on (docs/ARCHITECTURE.md, "Invariants").
// A debug build stops at the broken invariant so it is found where it happens; a release build
// logs it once per place (category wb.check) and carries on, because a researcher's run is worth
// more than a crash: the caller still handles the case the invariant says cannot happen.
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCheck)   // wb.check

namespace wb::detail {
/// Logs a broken invariant (release) or aborts (debug). Returns false so it can sit in a condition.
bool checkFailed(const char *expr, const char *file, int line, const char *func);
}

/// WB_CHECK(cond): true when cond holds; otherwise reports the broken invariant and yields false,
/// so `if (!WB_CHECK(x)) return;` keeps release builds safe.
#define WB_CHECK(cond) \
    (static_cast<bool>(cond) ? true : ::wb::detail::checkFailed(#cond, __FILE__, __LINE__, Q_FUNC_INFO))
