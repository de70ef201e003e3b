#include "adapters/storage/operations_counts.hpp"

#include "adapters/storage/database_internals.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;

PoolUsage pool_usage(Database& db) {
  const Database::Impl& impl = db.impl();
  return {impl.statements.size(), impl.leased.load(std::memory_order_relaxed),
          impl.waiting.load(std::memory_order_relaxed)};
}

Result<std::vector<StateCount>> count_cases_in_states(Database& db,
                                                      const std::vector<std::string>& states) {
  return run<std::vector<StateCount>>(db, Access::read, "count_open_cases", [&](Lease& lease) {
    std::vector<StateCount> out;
    for (const std::string& name : states) {
      std::string state = name;  // bound by reference below
      // One index range per state (cases_kind_state_id has kind first).
      std::string kind;
      long long cases = 0;
      soci::statement st = (lease.sql().prepare << "SELECT kind, count(*) FROM cases"
                                                   " WHERE state = :state GROUP BY kind",
                            soci::use(state, "state"), soci::into(kind), soci::into(cases));
      st.execute();
      while (st.fetch()) out.push_back({kind, state, cases});
    }
    return out;
  });
}

Result<OutboxCounts> count_outbox(Database& db) {
  return run<OutboxCounts>(db, Access::read, "count_outbox", [](Lease& lease) {
    OutboxCounts out;
    long long pending = 0, dead = 0;
    lease.sql() << "SELECT count(*) FROM outbox WHERE state = 'pending'", soci::into(pending);
    lease.sql() << "SELECT count(*) FROM outbox WHERE state = 'dead'", soci::into(dead);
    out.pending = pending;
    out.dead = dead;
    return out;
  });
}

}  // namespace outpost
