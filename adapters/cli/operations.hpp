// File: adapters/cli/operations.hpp
//
// What `outpost serve` tells its operators: the readiness check behind
// GET /health/ready (adapters/http/health.hpp) and the database's figures
// on GET /metrics (adapters/metrics/prometheus.hpp).
//
//   http::Readiness readiness([&db] { return cli::database_ready(db); }, 2s);
//   for (auto& g : cli::database_gauges(db, workflows)) prometheus.add_gauges(g);
#pragma once

#include "adapters/metrics/prometheus.hpp"
#include "adapters/storage/database.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"

namespace outpost::cli {

// Ok when the database answers and its schema is the one this binary knows
// (neither an older one nor one a newer binary migrated); unavailable otherwise.
Status database_ready(Database& db);

// The connection pool (size, in use, waiting), the open cases by kind and
// state (every state no workflow marks terminal) and the outbox (pending,
// dead), read at each scrape: the pool apart, so it shows while the queries fail.
std::vector<metrics::GaugeSource> database_gauges(Database& db, const WorkflowRegistry& workflows);

}  // namespace outpost::cli
