#pragma once
// For the tests: a provider that admits each call on its prompt alone and counts the completion
// at the reply (the second simulator's Mistral), read by a LimitState while calls are on their
// way: three rounds of three calls (prompt 500, max_tokens 600, completion 180) into a window of
// 10 s with tpm 20,000 (readRounds, which other providers' counts use too).
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

/// Three rounds of three calls charged `c` into a window of 10 s; the provider counts
/// `atArrival` for each call as it arrives and `atReply` more at its reply (usage `u`), against a
/// tpm `limit`, and each reply reports its remaining tokens. Returns the notes the readings made.
inline QStringList readRounds(wb::LimitState &s, const wb::AdmissionCost &c, const wb::Usage &u, qint64 atArrival,
                              qint64 atReply, qint64 limit)
{
    using namespace wb;
    qint64 providerUsed = 0;
    QStringList notes;
    for (int round = 0; round < 3; ++round) {
        const qint64 t0 = round * 1'000;
        std::vector<Admission> calls;
        for (int i = 0; i < 3; ++i) {
            calls.push_back(s.admit(t0 + i, c));
            providerUsed += atArrival;
        }
        for (int i = 0; i < 3; ++i) {
            const qint64 t = t0 + 300 + 10 * i;
            providerUsed += atReply;
            s.settle(t, calls[size_t(i)], settlementFor(CountingRule::Mistral, u));
            RateLimitHeaders h;
            h.limitTokens = limit;
            h.remainingTokens = limit - providerUsed;
            notes << s.reconcile(t, calls[size_t(i)], t0 + i, CountingRule::Mistral, h);
        }
    }
    return notes;
}

inline QStringList readPromptOnlyProvider(wb::LimitState &s)
{
    return readRounds(s, promptOnlyCall(), promptOnlyUsage(), 500, 180, 20'000);
}

} // namespace wbtest
