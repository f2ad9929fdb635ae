#pragma once
// Budget windows as LiteLLM writes them (budget_duration): "30s", "10m", "24h",
// "7d", "2w", "1mo". A month counts as 30 days, like LiteLLM's own budget resets.
#include <QString>
#include <QtGlobal>
#include <optional>

namespace wb {

/// Seconds in the duration, or nullopt if the text is not one (zero, negative,
/// missing unit, unknown unit, overflow).
std::optional<qint64> parseDurationSeconds(const QString &text);

} // namespace wb
