// File: adapters/storage/soci_privacy_store.cpp
//
// SociPrivacyStore (soci_privacy_store.hpp), the personal-data parts: the access log of reveals,
// the record of retention runs (engine/access/privacy.hpp), and sealing the parties of cases
// written in clear before the key existed (migration 7) at start-up.
#include <soci/soci.h>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/rows.hpp"
#include "adapters/storage/soci_privacy_store.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

constexpr int kSealBatch = 500;

// Calls `each(lease, id, parties)` for every case whose row matches `where`,
// in id order, kSealBatch rows to a transaction; `progress` gets the count so
// far after each full batch. Returns how many rows `each` was called for.
template <class Each>
Result<std::int64_t> each_case_in_batches(Database& db, std::string_view operation,
                                          const std::string& where, Each&& each,
                                          const std::function<void(std::int64_t)>& progress) {
  std::int64_t total = 0;
  std::int64_t after = 0;
  for (;;) {
    auto batch = run<int>(db, Access::write, operation, [&](Lease& lease) {
      Transaction tx(lease.sql(), lease.dialect());
      std::vector<std::int64_t> ids(kSealBatch);
      std::vector<std::string> parties(kSealBatch);
      lease.sql() << "SELECT id, parties FROM cases WHERE " + where +
                         " AND id > :after ORDER BY id LIMIT " + std::to_string(kSealBatch),
          soci::use(after, "after"), soci::into(ids), soci::into(parties);
      for (std::size_t i = 0; i < ids.size(); ++i) each(lease, ids[i], parties[i]);
      tx.commit();
      if (!ids.empty()) after = ids.back();
      return static_cast<int>(ids.size());
    });
    if (!batch) return batch.error();
    total += batch.value();
    if (batch.value() < kSealBatch) break;
    if (progress) progress(total);
  }
  return total;
}

struct AccessRow {
  std::int64_t id = 0, at = 0, case_id = 0;
  std::string username, role, fields, purpose;

  void bind_into(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(at));
    st.exchange(soci::into(username));
    st.exchange(soci::into(role));
    st.exchange(soci::into(case_id));
    st.exchange(soci::into(fields));
    st.exchange(soci::into(purpose));
  }

  AccessLogEntry to_entry() const {
    AccessLogEntry e{id, at, username, role, case_id, {}, purpose};
    const boost::json::value parsed = boost::json::parse(fields);
    for (const auto& f : parsed.as_array()) {
      e.fields.emplace_back(f.as_string());
    }
    return e;
  }
};

}  // namespace

Result<std::int64_t> SociPrivacyStore::log_access(const AccessLogEntry& e) {
  return run<std::int64_t>(db_, Access::write, "log_access", [&](Lease& lease) {
    boost::json::array fields;
    for (const auto& f : e.fields) fields.emplace_back(f);
    const std::string fields_text = boost::json::serialize(fields);
    std::int64_t id = 0;
    lease.sql() << "INSERT INTO access_log (at, username, role, case_id, fields, purpose)"
                   " VALUES (:at, :username, :role, :case_id, :fields, :purpose) RETURNING id",
        soci::use(e.at, "at"), soci::use(e.username, "username"), soci::use(e.role, "role"),
        soci::use(e.case_id, "case_id"), soci::use(fields_text, "fields"),
        soci::use(e.purpose, "purpose"), soci::into(id);
    return id;
  });
}

Result<std::vector<AccessLogEntry>> SociPrivacyStore::access_log(std::optional<CaseId> case_id,
                                                                 std::optional<std::int64_t> cursor,
                                                                 int limit) {
  return run<std::vector<AccessLogEntry>>(db_, Access::read, "access_log", [&](Lease& lease) {
    soci::statement st(lease.sql());
    std::string text =
        "SELECT id, at, username, role, case_id, fields, purpose FROM access_log WHERE 1 = 1";
    if (case_id) {
      text += " AND case_id = :case_id";
      st.exchange(soci::use(*case_id, "case_id"));
    }
    if (cursor) {
      text += " AND id < :cursor";
      st.exchange(soci::use(*cursor, "cursor"));
    }
    text += " ORDER BY id DESC LIMIT :limit";
    st.exchange(soci::use(limit, "limit"));
    AccessRow row;
    return storage::select_all(st, row, text, [](const AccessRow& r) { return r.to_entry(); });
  });
}

Result<std::int64_t> SociPrivacyStore::record_retention_run(const RetentionRun& r) {
  return run<std::int64_t>(db_, Access::write, "record_retention_run", [&](Lease& lease) {
    std::int64_t id = 0;
    lease.sql() << "INSERT INTO retention_runs (at, actor, closed_before, cases)"
                   " VALUES (:at, :actor, :closed_before, :cases) RETURNING id",
        soci::use(r.at, "at"), soci::use(r.actor, "actor"),
        soci::use(r.closed_before, "closed_before"), soci::use(r.cases, "cases"), soci::into(id);
    return id;
  });
}

Result<std::int64_t> SociPrivacyStore::seal_clear_parties(
    const std::function<void(std::int64_t)>& progress) {
  const PiiCipher* cipher = db_.impl().cipher.get();
  if (cipher == nullptr) return std::int64_t{0};
  // Index cases_parties_clear (migration 24) finds these: the condition is its own.
  return each_case_in_batches(
      db_, "seal_clear_parties", "parties NOT LIKE 'x1:%'",
      [&](Lease& lease, std::int64_t& id, const std::string& parties) {
        std::string sealed = cipher->seal(parties);
        lease.sql() << "UPDATE cases SET parties = :parties WHERE id = :id",
            soci::use(sealed, "parties"), soci::use(id, "id");
        storage::CaseStatements& st = lease.prepared<storage::CaseStatements>();
        st.phone_row.case_id = id;
        const boost::json::value parsed = boost::json::parse(parties);
        for (const auto& p : parsed.as_array()) {
          const auto* phone = p.as_object().if_contains("phone");
          if (phone == nullptr || !phone->is_string()) continue;
          st.phone_row.phone_index = cipher->phone_index(phone->get_string());
          if (!st.phone_row.phone_index.empty()) st.insert_phone.execute(true);
        }
      },
      progress);
}

Result<std::int64_t> SociPrivacyStore::mask_stored_parties(
    const std::function<void(std::int64_t)>& progress) {
  const PiiCipher* cipher = db_.impl().cipher.get();
  // Index cases_parties_unmasked finds these; none once every row is filled.
  return each_case_in_batches(
      db_, "mask_stored_parties", "parties_masked = ''",
      [&](Lease& lease, std::int64_t& id, const std::string& parties) {
        std::string masked = storage::masked_parties_json(cipher, parties);
        // A case written meanwhile has its masked form already: left as it is.
        lease.sql() << "UPDATE cases SET parties_masked = :masked"
                       " WHERE id = :id AND parties_masked = ''",
            soci::use(masked, "masked"), soci::use(id, "id");
      },
      progress);
}

}  // namespace outpost
