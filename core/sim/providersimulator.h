#pragma once
// The provider simulator: a loopback HTTP/1.1 server speaking the OpenAI, Mistral, Anthropic and
// Gemini wire formats with strict per-key sliding-window limits, latency and fault injection.
// Used in-process by tests and the app (bundled sample, dry runs) and by `discernus simulate`.
//
// Endpoints: POST /v1/chat/completions (OpenAI; Mistral for keys configured as mistral),
// POST /v1/messages, POST /v1/messages/count_tokens (Anthropic),
// POST /v1beta/models/{model}:generateContent | :countTokens (Gemini),
// POST /openai/deployments/{deployment}/chat/completions?api-version=... (Azure, api-key header),
// POST /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent | :countTokens
// (Vertex AI, Bearer token from POST /token, which checks a service account's RS256 JWT),
// any other path ending in /chat/completions (the OpenAI-compatible family), GET /sim/stats (JSON).
//
// Counting rules (per key, or per pool when keys share one), over a strict sliding window:
//  openai    RPM; TPM charged at admission: ceil(chars of all message contents / 4) + max_tokens
//            (or max_completion_tokens; 4096 when absent); never refunded.
//  mistral   RPM; TPM charged at admission: prompt tokens + max_tokens (4096 when absent), settled to
//            the actual prompt + completion tokens when the reply is sent (keeping the admission time).
//  anthropic RPM; ITPM charged at admission with the input tokens; OTPM charged with the actual output
//            tokens when the reply is sent; admitted only while OTPM used < limit.
//  gemini    RPM; TPM = input tokens, at admission (vertex_ai: the same, per service account).
//  azure     as openai; x-ratelimit-remaining-requests shows a 10-second slice (rpm/6).
// A request that does not fit gets the provider's 429 and is not charged. Admitted requests count
// even if a fault is injected afterwards. Rate-limit reset headers give the time until the window is
// empty, except on a 429 where the violated dimension's reset is the exact time until the request fits.
#include "core/common/result.h"
#include "core/sim/simconfig.h"
#include "core/sim/simstats.h"

#include <QObject>

class QThread;

namespace wb {

namespace sim { class SimServer; }

class ProviderSimulator final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderSimulator)
public:
    explicit ProviderSimulator(SimConfig config = {}, QObject *parent = nullptr);
    ~ProviderSimulator() override;

    /// Starts the server on its own thread and returns once it listens (or failed to).
    /// Refuses non-loopback hosts. Returns the port (the ephemeral one when config.port is 0).
    Result<quint16> start();
    /// Closes every connection and stops the thread. Stats stay readable.
    void stop();
    bool isRunning() const { return m_server != nullptr; }
    quint16 port() const { return m_port; }
    /// "http://127.0.0.1:PORT" (or the configured loopback host).
    QString baseUrl() const;
    const SimConfig &config() const { return m_config; }
    /// A consistent snapshot, safe to call from any thread other than the simulator's own.
    SimStats stats() const;

private:
    SimConfig m_config;
    QThread *m_thread = nullptr;
    sim::SimServer *m_server = nullptr;
    quint16 m_port = 0;
    SimStats m_finalStats;
};

} // namespace wb
