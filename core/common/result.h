#pragma once
// Error values instead of exceptions across core APIs (docs/ARCHITECTURE.md, "Conventions").
#include <QString>
#include <expected>

namespace wb {

/// An error a user can act on: what went wrong and, where known, where.
struct Error {
    QString message;
    QString file;      ///< file the problem is in, if any
    int line = 0;      ///< 1-based; 0 = unknown
    int column = 0;    ///< 1-based; 0 = unknown
    QString field;     ///< dotted path of the offending field, e.g. model_list[2].litellm_params.rpm

    /// "file:line:column: field: message" with the parts that are known.
    QString toString() const
    {
        QString s;
        if (!file.isEmpty()) {
            s += file;
            if (line > 0) {
                s += QLatin1Char(':') + QString::number(line);
                if (column > 0)
                    s += QLatin1Char(':') + QString::number(column);
            }
            s += QLatin1String(": ");
        }
        if (!field.isEmpty())
            s += field + QLatin1String(": ");
        return s + message;
    }
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(QString message, QString file = {}, int line = 0, int column = 0,
                                   QString field = {})
{
    return std::unexpected<Error>(Error{std::move(message), std::move(file), line, column, std::move(field)});
}

} // namespace wb
