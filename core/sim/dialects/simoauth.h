#pragma once
// The simulator's OAuth token endpoint for Vertex AI (POST /token): it checks a service account's
// RS256 JWT assertion against the public key the simulator was configured with, as Google's
// endpoint does, so the engine's signing is tested for real (docs/PROVIDERS.md, "Vertex AI").
#include "core/sim/simconfig.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace wb::sim {

struct SimTokenGrant {
    bool ok = false;
    QString clientEmail;        ///< the assertion's iss when ok
    QString error;              ///< OAuth error code ("invalid_grant", "unsupported_grant_type", ...)
    QString errorDescription;
};

/// Checks a form-encoded jwt-bearer grant: grant_type, the JWT's shape, alg RS256, iss among
/// `accounts`, the signature against its public key, aud ending in /token, a scope, and
/// iat <= now + 60 s < exp. Pure apart from libcrypto.
SimTokenGrant verifyJwtGrant(const QByteArray &formBody, const QList<SimServiceAccount> &accounts, qint64 nowSecs);

} // namespace wb::sim
