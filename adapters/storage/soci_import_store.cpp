// SociImportStore (soci_import_store.hpp): historic cases and their ledger keys.
#include "adapters/storage/soci_import_store.hpp"

#include <soci/soci.h>

#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/cases/case_service.hpp"

namespace outpost {

using storage::Access;
using storage::CaseStatements;
using storage::fetch_one;
using storage::insert_history;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

// The case of `h` as insert_case stores it: number, row, phone index, and
// its first history row sealed at the head of a new chain.
void insert_case(CaseStatements& st, const PiiCipher* cipher, HistoricCase& h) {
  Case& c = h.c;
  st.counter_name = case_number_counter(c.kind, c.created_at);
  fetch_one(st.next_counter);
  c.number = format_case_number(c.kind, utc_year(c.created_at), st.counter_value);
  c.last_hash.clear();
  st.case_row.assign(c);
  st.case_row.name_parties(h.first);
  fetch_one(st.insert_case);
  c.id = st.case_row.id;
  if (cipher != nullptr) {
    st.phone_row.case_id = c.id;
    for (const Party& p : c.parties) {
      st.phone_row.phone_index = cipher->phone_index(p.phone);
      if (!st.phone_row.phone_index.empty()) st.insert_phone.execute(true);
    }
  }
  h.first.case_id = c.id;
  seal(h.first, kGenesisHash);
  insert_history(st, h.first);
  c.last_hash = h.first.hash;
  st.case_row.last_hash = c.last_hash;
  st.set_last_hash.execute(true);
}

}  // namespace

Result<std::set<std::string>> SociImportStore::imported_numbers(
    const std::string& ledger, const std::vector<std::string>& numbers) {
  return run<std::set<std::string>>(db_, Access::read, "imported_numbers", [&](Lease& lease) {
    std::string number;
    int found = 0;
    soci::statement st =
        (lease.sql().prepare << "SELECT count(*) FROM ledger_imports"
                                " WHERE ledger = :ledger AND number = :number",
         soci::use(ledger, "ledger"), soci::use(number, "number"), soci::into(found));
    std::set<std::string> known;
    for (const std::string& n : numbers) {
      number = n;
      st.execute(true);
      if (found > 0) known.insert(n);
    }
    return known;
  });
}

Result<std::int64_t> SociImportStore::insert_historic(const std::string& ledger,
                                                      std::vector<HistoricCase> cases) {
  return run<std::int64_t>(db_, Access::write, "insert_historic", [&](Lease& lease) {
    CaseStatements& st = lease.prepared<CaseStatements>();
    Transaction tx(lease.sql(), lease.dialect());
    std::string number;
    std::int64_t case_id = 0, at = 0;
    soci::statement claim =
        (lease.sql().prepare << "INSERT INTO ledger_imports (ledger, number, imported_at)"
                                " VALUES (:ledger, :number, :at) ON CONFLICT DO NOTHING",
         soci::use(ledger, "ledger"), soci::use(number, "number"), soci::use(at, "at"));
    soci::statement link =
        (lease.sql().prepare << "UPDATE ledger_imports SET case_id = :case_id"
                                " WHERE ledger = :ledger AND number = :number",
         soci::use(case_id, "case_id"), soci::use(ledger, "ledger"), soci::use(number, "number"));
    std::int64_t stored = 0;
    for (HistoricCase& h : cases) {
      number = h.number;
      at = h.first.at;
      claim.execute(true);
      if (claim.get_affected_rows() != 1) continue;  // imported before (or concurrently)
      insert_case(st, lease.cipher(), h);
      case_id = h.c.id;
      link.execute(true);
      ++stored;
    }
    tx.commit();
    return stored;
  });
}

}  // namespace outpost
