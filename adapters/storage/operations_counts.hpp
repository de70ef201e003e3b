// File: adapters/storage/operations_counts.hpp
//
// The figures an operator's scrape reads from the database (GET /metrics,
// adapters/metrics): how busy the connection pool is, how many cases sit in
// each open state, how many outbox messages wait or are dead. Each query
// reads an index only (cases_state, outbox_state), so its cost grows with the
// open cases and undelivered messages, not with the whole history.
//
//   PoolUsage pool = pool_usage(db);
//   auto open = count_cases_in_states(db, {"mediating", "accepted"});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/storage/database.hpp"
#include "engine/core/error.hpp"

namespace outpost {

struct PoolUsage {
  std::size_t size = 0;      // connections in the pool
  std::int64_t in_use = 0;   // leased to a call now
  std::int64_t waiting = 0;  // calls waiting for a free connection
};
PoolUsage pool_usage(Database& db);

struct StateCount {
  std::string kind;
  std::string state;
  std::int64_t cases = 0;
};
// Cases per (kind, state) among `states` (the open ones); states without a
// case are left out.
Result<std::vector<StateCount>> count_cases_in_states(Database& db,
                                                      const std::vector<std::string>& states);

struct OutboxCounts {
  std::int64_t pending = 0;  // not yet delivered to every webhook, still to be tried
  std::int64_t dead = 0;     // attempts exhausted
};
Result<OutboxCounts> count_outbox(Database& db);

}  // namespace outpost
