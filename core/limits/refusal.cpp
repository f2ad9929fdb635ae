#include "core/limits/refusal.h"

#include <QRegularExpression>

namespace wb {

namespace {

qint64 number(QStringView digits)
{
    QString s = digits.toString();
    s.remove(QLatin1Char(','));
    return s.toLongLong();
}

/// The counts of a match of "requests or tokens" (group 1) and its limit (group 2) (OpenAI's wording, Gemini's metric).
std::optional<RefusalCounts> requestsOrTokens(const QRegularExpressionMatch &m)
{
    RefusalCounts r;
    r.dim = m.capturedView(1).compare(u"requests", Qt::CaseInsensitive) == 0 ? RefusalCounts::Requests : RefusalCounts::Tokens;
    r.limit = number(m.capturedView(2));
    if (r.limit <= 0)
        return std::nullopt;
    return r;
}

} // namespace

std::optional<RefusalCounts> parseRefusalCounts(QStringView message)
{
    // OpenAI (and Azure, Groq, the OpenAI-compatible family, which copy its wording).
    static const QRegularExpression openAi(
        QStringLiteral(R"(on (requests|tokens) per min(?:ute)?\b[^:.]*?(?:\((?:RPM|TPM)\))?[:.]?\s*Limit:?\s*(\d+(?:,\d{3})*)(?:\s*/\s*min)?)"
                       R"((?:,\s*Used\s*(\d+(?:,\d{3})*))?(?:,\s*Requested\s*(\d+(?:,\d{3})*))?)"),
        QRegularExpression::CaseInsensitiveOption);
    // Anthropic: "... the rate limit for your organization (<org id>) of 20,000 input tokens per
    // minute" (the id in parentheses is in the real text; older texts have none).
    static const QRegularExpression anthropic(
        QStringLiteral(R"(rate limit for your organization\s*(?:\([^)]*\)\s*)?of (\d+(?:,\d{3})*) (input tokens|output tokens|requests) per minute)"),
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = openAi.match(message); m.hasMatch()) {
        if (auto r = requestsOrTokens(m)) {
            if (m.hasCaptured(3) && !m.capturedView(3).isEmpty())
                r->used = number(m.capturedView(3));
            if (m.hasCaptured(4) && !m.capturedView(4).isEmpty())
                r->requested = number(m.capturedView(4));
            return r;
        }
    }
    // Gemini: "* Quota exceeded for metric: generativelanguage.googleapis.com/
    // generate_content_paid_tier_input_token_count, limit: 1000000, model: gemini-2.5-flash".
    // The message does not say per minute or per day: the caller rules out daily quotas first.
    static const QRegularExpression gemini(
        QStringLiteral(R"(Quota exceeded for metric:\s*\S*?(input_token_count|requests)\S*,\s*limit:\s*(\d+))"),
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = gemini.match(message); m.hasMatch()) {
        if (auto r = requestsOrTokens(m))
            return r;
    }
    if (const auto m = anthropic.match(message); m.hasMatch()) {
        RefusalCounts r;
        const QStringView what = m.capturedView(2);
        r.dim = what.startsWith(u"input", Qt::CaseInsensitive)    ? RefusalCounts::InputTokens
              : what.startsWith(u"output", Qt::CaseInsensitive)   ? RefusalCounts::OutputTokens
                                                                   : RefusalCounts::Requests;
        r.limit = number(m.capturedView(1));
        if (r.limit > 0)
            return r;
    }
    return std::nullopt;
}

} // namespace wb
