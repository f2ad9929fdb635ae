#pragma once
// Prices per model (built-in table, LiteLLM price map import, model_info overrides)
// and the cost of a call from its actual usage, to the micro-dollar.
#include "core/common/result.h"
#include "core/config/modellist.h"
#include "core/providers/providertypes.h"

#include <QHash>
#include <QString>
#include <optional>

namespace wb {

struct ModelPrice {
    double inputPerToken = 0;        ///< USD
    double outputPerToken = 0;
    std::optional<double> cachedInputPerToken;
    std::optional<double> cacheWritePerToken;
    std::optional<double> batchInputPerToken;
    std::optional<double> batchOutputPerToken;
    qint64 contextWindow = 0;        ///< max input tokens; 0 = unknown
    qint64 maxOutputTokens = 0;
    QString source;                  ///< "built-in 2026-11-01", "litellm", "model_info"
};

class PriceTable {
public:
    /// The built-in table (with its as-of date).
    static PriceTable builtIn();
    static QString builtInAsOf();
    /// Merges entries of LiteLLM's model_prices_and_context_window.json (they win over built-in).
    Result<int> importLiteLlm(const QString &jsonPath);
    std::optional<ModelPrice> find(const QString &provider, const QString &model) const;
    /// find() with the deployment's model_info overrides applied.
    std::optional<ModelPrice> forDeployment(const Deployment &d) const;
    void insert(const QString &provider, const QString &model, const ModelPrice &p);
    QList<QString> keys() const;
private:
    QHash<QString, ModelPrice> m_prices;   // key: "provider/model"
};

/// Cost in micro-dollars (integer, exact accounting) of a call's actual usage.
qint64 costMicros(const ModelPrice &p, const Usage &u);
/// Worst case before dispatch: prompt tokens at full input price + maxTokens output.
qint64 worstCaseMicros(const ModelPrice &p, qint64 promptTokens, qint64 maxTokens);
inline double microsToUsd(qint64 m) { return double(m) / 1e6; }

} // namespace wb
