// preview-prompt: what one text under one framework would send to one model group, built by the
// same core function as the workbench's "Preview prompt" (core/session/promptpreview.h).
#include "app/cli/commands.h"
#include "app/cli/verbparser.h"

#include "core/pricing/pricing.h"
#include "core/session/project.h"
#include "core/session/promptpreview.h"
#include "core/tokenize/tokenestimator.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace wb {

namespace {

QString usd(qint64 micros)
{
    return QStringLiteral("$%1").arg(double(micros) / 1e6, 0, 'f', 6);
}

/// The text `spec` names: "corpus/id", or an id found in exactly one corpus.
Result<CorpusText> findText(const LoadedProject &p, const QString &spec)
{
    QList<CorpusText> hits;
    QStringList corpora;
    for (auto it = p.corpora.cbegin(); it != p.corpora.cend(); ++it) {
        for (const CorpusText &t : it.value())
            if (t.id == spec || it.key() + u'/' + t.id == spec) {
                hits.append(t);
                corpora << it.key();
            }
    }
    if (hits.isEmpty())
        return fail(QStringLiteral("--text: no text \"%1\" in the experiment's corpora (give a text id, or CORPUS/ID)").arg(spec));
    if (hits.size() > 1) {
        corpora.sort();
        return fail(QStringLiteral("--text: \"%1\" is in several corpora (%2); give CORPUS/ID").arg(spec, corpora.join(QStringLiteral(", "))));
    }
    return hits.first();
}

} // namespace

int cmdPreviewPrompt(const QStringList &args, QTextStream &out, QTextStream &err)
{
    VerbArgs a(u"preview-prompt");
    if (!a.parse(args, out, err))
        return a.exitCode();
    auto project = loadProject(a.value(QStringLiteral("--config")), a.value(QStringLiteral("--experiment")));
    if (!project) {
        err << "discernus preview-prompt: " << project.error().toString() << '\n';
        return 2;
    }
    auto text = findText(*project, a.value(QStringLiteral("--text")));
    if (!text) {
        err << "discernus preview-prompt: " << text.error().toString() << '\n';
        return 2;
    }
    // Without --framework / --model: those of the first run of the matrix over the text's corpus.
    QString fwId = a.value(QStringLiteral("--framework"));
    QString group = a.value(QStringLiteral("--model"));
    for (const RunSpec &r : std::as_const(project->experiment.execution.matrix)) {
        if (r.corpus != text->corpus || (!fwId.isEmpty() && r.framework != fwId) || (!group.isEmpty() && r.model != group))
            continue;
        if (fwId.isEmpty())
            fwId = r.framework;
        if (group.isEmpty())
            group = r.model;
        break;
    }
    if (fwId.isEmpty() && project->frameworks.size() == 1)
        fwId = project->frameworks.cbegin().key();
    if (fwId.isEmpty() || group.isEmpty())
        return a.usageError(err, QStringLiteral("no run of the matrix covers corpus \"%1\"; give --framework and --model").arg(text->corpus));
    const auto fw = project->frameworks.constFind(fwId);
    if (fw == project->frameworks.cend()) {
        QStringList ids = project->frameworks.keys();
        ids.sort();
        err << "discernus preview-prompt: --framework: no framework \"" << fwId << "\" in the experiment (" << ids.join(QStringLiteral(", "))
            << ")\n";
        return 2;
    }
    PriceTable prices = PriceTable::builtIn();
    if (const QString pm = a.value(QStringLiteral("--prices")); !pm.isEmpty()) {
        if (auto n = prices.importLiteLlm(pm); !n) {
            err << "discernus preview-prompt: " << n.error().toString() << '\n';
            return 2;
        }
    }
    const TokenEstimator tokens;
    auto p = previewPrompt(project->models, *fw, project->experiment.execution, *text, group, prices, tokens);
    if (!p) {
        err << "discernus preview-prompt: --model: " << p.error().toString() << '\n';
        return 2;
    }
    if (a.has(QStringLiteral("--json"))) {
        QJsonObject j{{QStringLiteral("text"), text->id},
                      {QStringLiteral("corpus"), text->corpus},
                      {QStringLiteral("framework"), fwId},
                      {QStringLiteral("model_group"), group},
                      {QStringLiteral("deployment"), p->deploymentId},
                      {QStringLiteral("provider"), p->provider},
                      {QStringLiteral("model"), p->model},
                      {QStringLiteral("system"), p->request.system},
                      {QStringLiteral("user"), p->request.user},
                      {QStringLiteral("temperature"), p->request.temperature},
                      {QStringLiteral("max_tokens"), p->request.maxTokens},
                      {QStringLiteral("json_mode"), p->request.jsonMode},
                      {QStringLiteral("prompt_tokens"), p->promptTokens},
                      {QStringLiteral("count_method"), p->countMethod},
                      {QStringLiteral("price_source"), p->priceSource},
                      {QStringLiteral("input_cost_micros"), p->inputCostMicros ? QJsonValue(p->inputCostMicros.value()) : QJsonValue()},
                      {QStringLiteral("max_cost_micros"), p->maxCostMicros ? QJsonValue(p->maxCostMicros.value()) : QJsonValue()}};
        out << QJsonDocument(j).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << "text:        " << text->corpus << '/' << text->id << '\n'
        << "framework:   " << fwId << '\n'
        << "model group: " << group << " -> " << p->deploymentId << " (" << p->provider << '/' << p->model << ")\n"
        << "temperature: " << p->request.temperature << ", max_tokens: " << p->request.maxTokens << '\n'
        << "prompt:      " << p->promptTokens << " tokens (" << p->countMethod << ")\n"
        << "price:       ";
    if (p->inputCostMicros)
        out << usd(*p->inputCostMicros) << " for the prompt, at most " << usd(p->maxCostMicros.value_or(0))
            << " with a reply of max_tokens (" << p->priceSource << " prices)\n";
    else
        out << "unknown (no price for this model)\n";
    out << "\n=== system ===\n" << p->request.system << "\n\n=== user ===\n" << p->request.user << '\n';
    return 0;
}

} // namespace wb
