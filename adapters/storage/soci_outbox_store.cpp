// SociOutboxStore (soci_outbox_store.hpp), table outbox (migration v6): claiming due
// notifications for the deliverer, recording what an attempt came to, and the
// list behind GET /api/v1/outbox. The rows are written by the case
// transactions (write_effects in case_statements.cpp). delivered_to is stored as a JSON array.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/soci_outbox_store.hpp"

namespace outpost {

using storage::Access;
using storage::Dialect;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

constexpr const char* kOutboxColumns =
    "seq, id, topic, case_id, payload, state, attempts, next_attempt_at, last_error, delivered_to,"
    " created_at, delivered_at";

std::vector<std::string> names_from_json(const std::string& text) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  std::vector<std::string> names;
  if (ec || !v.is_array()) return names;
  for (const boost::json::value& name : v.get_array()) {
    if (name.is_string()) names.emplace_back(name.get_string());
  }
  return names;
}

std::string names_to_json(const std::vector<std::string>& names) {
  boost::json::array a;
  for (const std::string& name : names) a.emplace_back(name);
  return boost::json::serialize(a);
}

// One outbox row as bound variables (SOCI binds by reference).
struct OutboxRow {
  std::int64_t seq = 0, case_id = 0, next_attempt_at = 0, created_at = 0, delivered_at = 0;
  std::string id, topic, payload, state, last_error, delivered_to;
  int attempts = 0;
  soci::indicator case_id_null = soci::i_ok, delivered_at_null = soci::i_ok;

  void bind_into(soci::statement& st) {
    st.exchange(soci::into(seq));
    st.exchange(soci::into(id));
    st.exchange(soci::into(topic));
    st.exchange(soci::into(case_id, case_id_null));
    st.exchange(soci::into(payload));
    st.exchange(soci::into(state));
    st.exchange(soci::into(attempts));
    st.exchange(soci::into(next_attempt_at));
    st.exchange(soci::into(last_error));
    st.exchange(soci::into(delivered_to));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(delivered_at, delivered_at_null));
  }

  StoredOutboxMessage to_message() const {
    StoredOutboxMessage m;
    m.seq = seq;
    m.message = {id, topic, case_id_null == soci::i_ok ? case_id : 0, payload, created_at};
    m.state = outbox_state_from(state).value_or(OutboxState::pending);
    m.attempts = attempts;
    m.next_attempt_at = next_attempt_at;
    m.last_error = last_error;
    m.delivered_to = names_from_json(delivered_to);
    if (delivered_at_null == soci::i_ok) m.delivered_at = delivered_at;
    return m;
  }
};

// Runs `text` (selecting kOutboxColumns) with its inputs already exchanged on `st`.
std::vector<StoredOutboxMessage> fetch_messages(soci::statement& st, const std::string& text) {
  OutboxRow row;
  return storage::select_all(st, row, text, [](const OutboxRow& r) { return r.to_message(); });
}

bool by_seq(const StoredOutboxMessage& a, const StoredOutboxMessage& b) {
  return a.seq < b.seq;
}

// PostgreSQL: one statement. Rows another deliverer is claiming right now are
// skipped, not waited for, and the lease is taken before the row lock ends.
std::vector<StoredOutboxMessage> claim_postgresql(soci::session& sql, std::int64_t now,
                                                  std::int64_t limit, std::int64_t lease_until) {
  soci::statement st(sql);
  st.exchange(soci::use(lease_until, "lease_until"));
  st.exchange(soci::use(now, "now"));
  st.exchange(soci::use(limit, "limit"));
  std::vector<StoredOutboxMessage> claimed = fetch_messages(
      st, std::string("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :lease_until"
                      " WHERE seq IN (SELECT seq FROM outbox WHERE state = 'pending'"
                      " AND next_attempt_at <= :now ORDER BY next_attempt_at, seq LIMIT :limit"
                      " FOR UPDATE SKIP LOCKED) RETURNING ") +
              kOutboxColumns);
  std::sort(claimed.begin(), claimed.end(), by_seq);
  return claimed;
}

// SQLite: one writer at a time (the writer mutex and BEGIN IMMEDIATE), so a
// SELECT and then an UPDATE in one transaction claim the same rows.
std::vector<StoredOutboxMessage> claim_sqlite(soci::session& sql, std::int64_t now,
                                              std::int64_t limit, std::int64_t lease_until) {
  Transaction tx(sql, Dialect::sqlite);
  soci::statement select(sql);
  select.exchange(soci::use(now, "now"));
  select.exchange(soci::use(limit, "limit"));
  std::vector<StoredOutboxMessage> claimed =
      fetch_messages(select, std::string("SELECT ") + kOutboxColumns +
                                 " FROM outbox WHERE state = 'pending' AND next_attempt_at <= :now"
                                 " ORDER BY next_attempt_at, seq LIMIT :limit");
  std::int64_t seq = 0;
  soci::statement update =
      (sql.prepare << "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = :lease_until"
                      " WHERE seq = :seq",
       soci::use(lease_until, "lease_until"), soci::use(seq, "seq"));
  for (StoredOutboxMessage& m : claimed) {
    seq = m.seq;
    update.execute(true);
    m.attempts += 1;
    m.next_attempt_at = lease_until;
  }
  tx.commit();
  std::sort(claimed.begin(), claimed.end(), by_seq);
  return claimed;
}

}  // namespace

Result<std::vector<StoredOutboxMessage>> SociOutboxStore::claim_due_messages(Millis now, int limit,
                                                                             Millis lease_until) {
  if (limit < 1) return std::vector<StoredOutboxMessage>{};
  return run<std::vector<StoredOutboxMessage>>(
      db_, Access::write, "claim_due_messages", [&](Lease& lease) {
        const std::int64_t n = limit;
        return lease.dialect() == Dialect::postgresql
                   ? claim_postgresql(lease.sql(), now, n, lease_until)
                   : claim_sqlite(lease.sql(), now, n, lease_until);
      });
}

Status SociOutboxStore::record_delivery(std::int64_t seq, const DeliveryOutcome& outcome) {
  return run<Ok>(db_, Access::write, "record_delivery", [&](Lease& lease) -> Status {
    std::string state(to_string(outcome.delivered ? OutboxState::delivered
                                : outcome.dead    ? OutboxState::dead
                                                  : OutboxState::pending));
    std::string error = outcome.error;
    std::string delivered_to = names_to_json(outcome.delivered_to);
    std::int64_t next_attempt_at = outcome.next_attempt_at;
    std::int64_t delivered_at = outcome.at;
    soci::indicator delivered_at_null = outcome.delivered ? soci::i_ok : soci::i_null;
    std::int64_t key = seq;
    // Only a pending row: a late report from a deliverer whose lease ran out
    // must not undo another deliverer's final outcome.
    soci::statement update =
        (lease.sql().prepare
             << "UPDATE outbox SET state = :state, next_attempt_at = :next_attempt_at,"
                " last_error = :last_error, delivered_to = :delivered_to,"
                " delivered_at = :delivered_at WHERE seq = :seq AND state = 'pending'",
         soci::use(state, "state"), soci::use(next_attempt_at, "next_attempt_at"),
         soci::use(error, "last_error"), soci::use(delivered_to, "delivered_to"),
         soci::use(delivered_at, delivered_at_null, "delivered_at"), soci::use(key, "seq"));
    update.execute(true);
    if (update.get_affected_rows() == 0) {
      return Error::make(ErrorKind::not_found, "no pending outbox message with this seq");
    }
    return Ok{};
  });
}

Result<std::vector<StoredOutboxMessage>> SociOutboxStore::list_outbox(
    std::optional<OutboxState> state, std::optional<std::int64_t> cursor, int limit) {
  return run<std::vector<StoredOutboxMessage>>(db_, Access::read, "list_outbox", [&](Lease& lease) {
    soci::statement st(lease.sql());
    std::string text = std::string("SELECT ") + kOutboxColumns + " FROM outbox WHERE 1 = 1";
    const std::string state_name = state ? std::string(to_string(*state)) : std::string();
    const std::int64_t after = cursor.value_or(0);
    const std::int64_t n = std::max(limit, 1);
    if (state) {
      text += " AND state = :state";
      st.exchange(soci::use(state_name, "state"));
    }
    if (cursor) {
      text += " AND seq < :cursor";
      st.exchange(soci::use(after, "cursor"));
    }
    text += " ORDER BY seq DESC LIMIT :limit";
    st.exchange(soci::use(n, "limit"));
    return fetch_messages(st, text);
  });
}

}  // namespace outpost
