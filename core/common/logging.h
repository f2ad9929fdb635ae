#pragma once
// Every logging category of the engine, in one place (docs/ARCHITECTURE.md, "Conventions").
// Never log keys, auth headers or prompt bodies unless debug logging is on.
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcConfig)      // wb.config
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)     // wb.secrets
Q_DECLARE_LOGGING_CATEGORY(lcTokenize)    // wb.tokenize
Q_DECLARE_LOGGING_CATEGORY(lcPricing)     // wb.pricing
Q_DECLARE_LOGGING_CATEGORY(lcProvider)    // wb.provider
Q_DECLARE_LOGGING_CATEGORY(lcRouter)      // wb.router
Q_DECLARE_LOGGING_CATEGORY(lcStorage)     // wb.storage
Q_DECLARE_LOGGING_CATEGORY(lcSim)         // wb.sim
Q_DECLARE_LOGGING_CATEGORY(lcTelemetry)   // wb.telemetry
Q_DECLARE_LOGGING_CATEGORY(lcExperiment)  // wb.experiment
Q_DECLARE_LOGGING_CATEGORY(lcUi)          // wb.ui
