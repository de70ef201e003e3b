#include "adapters/cli/operations.hpp"

#include <algorithm>
#include <string>

#include "adapters/storage/operations_counts.hpp"

namespace outpost::cli {

Status database_ready(Database& db) {
  const Result<int> found = db.schema_version();
  if (!found) return Error::make(ErrorKind::unavailable, "the database does not answer");
  if (const int known = db.known_schema_version(); found.value() != known) {
    return Error::make(ErrorKind::unavailable,
                       "the database schema is at version " + std::to_string(found.value()) +
                           ", this binary needs version " + std::to_string(known));
  }
  return Ok{};
}

std::vector<metrics::GaugeSource> database_gauges(Database& db, const WorkflowRegistry& workflows) {
  std::vector<std::string> open;
  for (const auto& wf : workflows.all()) {
    for (const auto& state : wf->graph().states) {
      if (!state.terminal) open.push_back(state.name);
    }
  }
  std::sort(open.begin(), open.end());
  open.erase(std::unique(open.begin(), open.end()), open.end());
  auto pool = [&db]() -> Result<std::vector<metrics::GaugeFamily>> {
    const PoolUsage usage = pool_usage(db);
    return std::vector<metrics::GaugeFamily>{{"outpost_db_pool_connections",
                                              "Database connections in the pool.",
                                              {{"", static_cast<double>(usage.size)}}},
                                             {"outpost_db_pool_in_use",
                                              "Database connections leased to a call now.",
                                              {{"", static_cast<double>(usage.in_use)}}},
                                             {"outpost_db_pool_waiting",
                                              "Calls waiting for a free database connection.",
                                              {{"", static_cast<double>(usage.waiting)}}}};
  };
  auto counts = [&db, open]() -> Result<std::vector<metrics::GaugeFamily>> {
    using metrics::label;
    std::vector<metrics::GaugeFamily> out;
    auto cases = count_cases_in_states(db, open);
    if (!cases) return cases.error();
    metrics::GaugeFamily by_state{"outpost_open_cases", "Cases in each open state, by kind.", {}};
    for (const StateCount& c : cases.value()) {
      by_state.samples.push_back(
          {label("kind", c.kind) + "," + label("state", c.state), static_cast<double>(c.cases)});
    }
    out.push_back(std::move(by_state));
    auto outbox = count_outbox(db);
    if (!outbox) return outbox.error();
    out.push_back({"outpost_outbox_messages",
                   "Outbox messages still to be delivered (pending) or given up (dead).",
                   {{label("state", "pending"), static_cast<double>(outbox.value().pending)},
                    {label("state", "dead"), static_cast<double>(outbox.value().dead)}}});
    return out;
  };
  return {pool, counts};
}

}  // namespace outpost::cli
