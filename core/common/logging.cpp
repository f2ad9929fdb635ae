#include "core/common/logging.h"

Q_LOGGING_CATEGORY(lcConfig, "wb.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSecrets, "wb.secrets", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTokenize, "wb.tokenize", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPricing, "wb.pricing", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvider, "wb.provider", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRouter, "wb.router", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStorage, "wb.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSim, "wb.sim", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTelemetry, "wb.telemetry", QtInfoMsg)
Q_LOGGING_CATEGORY(lcExperiment, "wb.experiment", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "wb.ui", QtInfoMsg)
