// File: adapters/storage/soci_timer_store.cpp
//
// SociTimerStore (soci_timer_store.hpp): finding due deadline timers and
// firing one in a transaction of its own. Exactly once, also with several
// server processes on one PostgreSQL: the firing transaction locks the timer
// row (FOR UPDATE SKIP LOCKED: a timer another process is firing is skipped,
// not waited for) and only a still-pending timer is fired; marking it fired
// commits with the case change, so a second firing finds it no longer pending.
// SQLite has one writer at a time (BEGIN IMMEDIATE), which gives the same.
//
// Lock order on PostgreSQL: the case row first, then its timer, as a
// transition takes them (UPDATE cases, then DELETE its pending timers). A
// firing that took the timer first and then waited for the case row deadlocked
// with a transition of the same case (SQLSTATE 40P01, a 500 for the user);
// now a case being changed right now is skipped, and its timer fired at the
// next poll if it is still due.
#include <soci/soci.h>

#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/soci_timer_store.hpp"

namespace outpost {

using storage::Access;
using storage::CaseStatements;
using storage::Dialect;
using storage::fetch_one;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

struct TimerSelectRow {
  std::int64_t id = 0, case_id = 0, generation = 0, due_at = 0;
  std::string kind, step;

  void bind_into(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(step));
    st.exchange(soci::into(generation));
    st.exchange(soci::into(due_at));
  }

  DueTimer to_timer() const { return {id, case_id, kind, step, generation, due_at}; }
};

// Takes the timer for this transaction if it is still pending; false when it
// is done, or (PostgreSQL) being fired by another transaction right now.
bool take_pending_timer(soci::session& sql, Dialect dialect, std::int64_t id) {
  std::string text = "SELECT id FROM timers WHERE id = :id AND state = 'pending'";
  if (dialect == Dialect::postgresql) text += " FOR UPDATE SKIP LOCKED";
  std::int64_t found = 0;
  soci::indicator ind = soci::i_null;
  sql << text, soci::use(id, "id"), soci::into(found, ind);
  return sql.got_data() && ind == soci::i_ok;
}

enum class CaseLock { taken, busy, missing };

// PostgreSQL: locks the case row for this transaction without waiting.
CaseLock lock_case(soci::session& sql, std::int64_t case_id) {
  std::int64_t found = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT id FROM cases WHERE id = :id FOR UPDATE SKIP LOCKED", soci::use(case_id, "id"),
      soci::into(found, ind);
  if (sql.got_data() && ind == soci::i_ok) return CaseLock::taken;
  sql << "SELECT count(*) FROM cases WHERE id = :id", soci::use(case_id, "id"), soci::into(found);
  return found > 0 ? CaseLock::busy : CaseLock::missing;
}

void close_timer(soci::session& sql, std::int64_t id, std::string_view state, Millis at) {
  std::string s(state);
  sql << "UPDATE timers SET state = :state, fired_at = :at WHERE id = :id", soci::use(s, "state"),
      soci::use(at, "at"), soci::use(id, "id");
}

}  // namespace

Result<std::vector<DueTimer>> SociTimerStore::due_timers(Millis now, int limit) {
  return run<std::vector<DueTimer>>(db_, Access::read, "due_timers", [&](Lease& lease) {
    soci::statement st(lease.sql());
    st.exchange(soci::use(now, "now"));
    st.exchange(soci::use(limit, "limit"));
    TimerSelectRow row;
    return storage::select_all(st, row,
                               "SELECT id, case_id, kind, step, generation, due_at FROM timers"
                               " WHERE state = 'pending' AND due_at <= :now"
                               " ORDER BY due_at, id LIMIT :limit",
                               [](const TimerSelectRow& r) { return r.to_timer(); });
  });
}

Result<bool> SociTimerStore::fire_timer(const DueTimer& timer, Millis now,
                                        const std::function<TimerFiring(const Case&)>& decide) {
  return run<bool>(db_, Access::write, "fire_timer", [&](Lease& lease) -> Result<bool> {
    Transaction tx(lease.sql(), lease.dialect());
    if (lease.dialect() == Dialect::postgresql &&
        lock_case(lease.sql(), timer.case_id) == CaseLock::busy) {
      return false;  // a transition or another firing has the case: next poll
    }
    if (!take_pending_timer(lease.sql(), lease.dialect(), timer.id)) return false;
    CaseStatements& st = lease.prepared<CaseStatements>();
    st.lookup_id = timer.case_id;
    if (!fetch_one(st.select_case)) {
      close_timer(lease.sql(), timer.id, "cancelled", now);
      tx.commit();
      return true;
    }
    const Case current = st.case_row.to_case();
    TimerFiring firing = decide(current);
    switch (firing.verdict) {
      case TimerFiring::Verdict::later:
        return false;
      case TimerFiring::Verdict::cancel:
        close_timer(lease.sql(), timer.id, "cancelled", now);
        tx.commit();
        return true;
      case TimerFiring::Verdict::fire:
        break;
    }
    if (!storage::update_case_row(st, firing.updated, current.version)) return false;
    storage::insert_history(st, firing.entry);
    storage::write_effects(st, current.id, firing.effects, firing.entry.at);
    close_timer(lease.sql(), timer.id, "fired", firing.entry.at);
    tx.commit();
    return true;
  });
}

}  // namespace outpost
