#pragma once
// For the tests: a provider that admits each call on its prompt alone and counts the completion
// at the reply (the second simulator's Mistral), read by a LimitState while calls are on their
// way. Three rounds of three calls (prompt 500, max_tokens 600, completion 180) into a window of
// 10 s with tpm 20,000; returns the notes the readings made.
#include "core/limits/limitstate.h"

#include <QStringList>

#include <vector>

namespace wbtest {

inline wb::AdmissionCost promptOnlyCall()
{
    return wb::admissionCost(wb::CountingRule::Mistral, 2'000, 500, 600, 200);
}

/// What the provider reports for each such call: its prompt and a completion of 180.
inline wb::Usage promptOnlyUsage()
{
    wb::Usage u;
    u.promptTokens = 500;
    u.completionTokens = 180;
    u.reported = true;
    return u;
}

inline QStringList readPromptOnlyProvider(wb::LimitState &s)
{
    using namespace wb;
    const AdmissionCost c = promptOnlyCall();
    const Usage u = promptOnlyUsage();
    qint64 providerUsed = 0;
    QStringList notes;
    for (int round = 0; round < 3; ++round) {
        const qint64 t0 = round * 1'000;
        std::vector<Admission> calls;
        for (int i = 0; i < 3; ++i) {
            calls.push_back(s.admit(t0 + i, c));
            providerUsed += 500;
        }
        for (int i = 0; i < 3; ++i) {
            const qint64 t = t0 + 300 + 10 * i;
            providerUsed += 180;
            s.settle(t, calls[size_t(i)], settlementFor(CountingRule::Mistral, u));
            RateLimitHeaders h;
            h.limitTokens = 20'000;
            h.remainingTokens = 20'000 - providerUsed;
            notes << s.reconcile(t, calls[size_t(i)], t0 + i, CountingRule::Mistral, h);
        }
    }
    return notes;
}

} // namespace wbtest
