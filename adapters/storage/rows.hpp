// File: adapters/storage/rows.hpp
//
// The row buffers the prepared statements of adapters/storage read and write,
// and how a statement is prepared. SOCI binds statements to the addresses of
// variables, so each prepared set (CaseStatements in case_statements.hpp, and
// the smaller sets beside the stores that own them) holds the buffers of its
// statements: set the buffer, execute the statement, read the buffer.
//
//   CaseRow row;                            // buffers outlive the statement
//   soci::statement st = prepare(sql, "SELECT ... WHERE id = :id",
//                                [&](soci::statement& s) { bind_case_into(s, row); ... });
//   if (fetch_one(st)) Case c = row.to_case();
#pragma once

#include <cstdint>
#include <string>

#include <soci/soci.h>

#include "adapters/storage/milestone_columns.hpp"
#include "engine/access/pii.hpp"
#include "engine/access/user_store.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/directory/directory.hpp"

namespace outpost::storage {

// The columns of `cases`, in the order `bind_case_into` binds them.
extern const std::string kCaseColumns;
// The same without the milestones (kpi_*) and the free text's originals
// (sealed_texts): a listed case is shown, never changed (a change reads its
// case with kCaseColumns), and a page of a list is 19 columns per row lighter.
extern const std::string kCaseListColumns;
// kCaseListColumns with the parties as shown in lists: the stored masked form
// (parties_masked, migration 23) in place of the sealed parties, so that a
// page of cases decrypts nothing. A row whose masked form is not yet filled
// (written before migration 23, until start-up fills it) reads the sealed
// column instead, which CaseRow::to_case opens. Either way the parties come
// out masked once the API masks them (masking.hpp: masking is idempotent).
extern const std::string kCaseMaskedListColumns;
// kCaseColumns for showing one case: the parties as kCaseMaskedListColumns
// reads them, and no free text's originals (an empty sealed_texts), so that
// showing a case decrypts nothing. The originals are opened only on reveal,
// which reads the case with kCaseColumns.
extern const std::string kCaseShownColumns;

// Which stored columns of a case a change leaves as they are
// (CaseRow::assign): its parties, or its free text's originals, equal what the
// row holds.
struct KeptColumns {
  bool parties = false;
  bool texts = false;
};

struct CaseRow {
  std::int64_t id = 0;
  std::string number, kind, state;
  std::int64_t version = 0;
  std::string category, title, description, channel;
  std::string community, grid, micro_grid, address;
  std::string urgency, risk_level;
  int confidential = 0;
  std::string department;
  std::string assignees, parties, facts;  // JSON text
  // The parties masked (engine/access/masking.hpp), JSON text in clear,
  // migration 23: what lists show. Written with every case; never read back
  // into a CaseRow (lists read it in place of `parties`).
  std::string parties_masked;
  // Derived from the case for lookups (migration 4): the handler set, and
  // mirrors of facts.returns, facts.arbitration and facts.duplicate_of.
  std::string handlers;  // JSON text, see handler_entries()
  std::int64_t return_count = 0;
  int arbitration = 0;
  int escalated = 0;  // mirror of clock.escalated (督办 queue), migration 16
  std::int64_t duplicate_of = 0;
  soci::indicator duplicate_of_ind = soci::i_null;
  std::int64_t deadline = 0;
  soci::indicator deadline_ind = soci::i_null;
  std::int64_t created_at = 0, updated_at = 0;
  std::string last_hash;
  std::string clock;        // JSON text (StepClock), migration 6
  MilestoneRow milestones;  // the kpi_* columns, migration 11
  // Case::clear_texts, migration 13: empty when there are none, else JSON
  // text, sealed like `parties`.
  std::string sealed_texts;
  bool with_milestones = true;  // false: bound without them and sealed_texts (kCaseListColumns)
  // Seals `parties` and `sealed_texts` in assign() and opens them in
  // to_case(); null: in clear.
  const PiiCipher* cipher = nullptr;
  // Null when assign() is told (KeptColumns) that a change keeps the stored
  // parties or free text's originals: the UPDATE (COALESCE) keeps those
  // columns as they are, so nothing is sealed again for them. Always i_ok for
  // an INSERT.
  soci::indicator parties_ind = soci::i_ok;
  soci::indicator sealed_texts_ind = soci::i_ok;
  // The parties named at registration, summed over their roles (the creating
  // history row's data.parties), for the KPI report's parties_involved
  // (migration 25); null when that row names none. Set by name_parties,
  // written by the INSERT only.
  std::int64_t kpi_parties = 0;
  soci::indicator kpi_parties_ind = soci::i_null;

  void assign(const Case& c, KeptColumns kept = {});
  void name_parties(const HistoryEntry& first);
  Case to_case() const;
};

// `clear` sealed with `cipher`, or as it is without one (personal data at rest).
std::string seal_column(const PiiCipher* cipher, const std::string& clear);
// A column written by seal_column, in clear. A column sealed under another key
// (or altered) cannot be read: throws, naming `what`, rather than show a row
// without its personal data. Text that was never sealed comes back as it is.
std::string open_column(const PiiCipher* cipher, const std::string& stored, std::string_view what);

// The parties as the parties_masked column keeps them: JSON text of
// masked_parties(parties), in clear.
std::string masked_parties_json(const std::vector<Party>& parties);
// The same from a stored `parties` column (sealed, or in clear from before
// encryption); throws as open_column does.
std::string masked_parties_json(const PiiCipher* cipher, const std::string& stored);

// Who handles a case, as indexed in case_assignees: its assignees, its
// co-handlers (facts.co_handlers) and "dept:<code>" for each co-department
// (facts.co_departments); sorted, without duplicates.
std::vector<std::string> handler_entries(const Case& c);

struct HistoryRow {
  std::int64_t case_id = 0, seq = 0, at = 0;
  std::string actor, event, from_state, to_state;
  std::string data;  // JSON text
  std::string prev_hash, hash;

  void assign(const HistoryEntry& e);
  HistoryEntry to_entry() const;
};

struct IdempotencyRow {
  std::int64_t user_id = 0;
  std::string scope, key, fingerprint;
  std::int64_t case_id = 0;
  std::string answer;
  soci::indicator answer_indicator = soci::i_null;  // i_null until the adapter saves its answer
  std::int64_t created_at = 0;
};

// One staff row as bound variables: SOCI binds by reference and has no bool.
struct StaffRow {
  std::string id, name, department, role, grid, micro_grid;
  int active = 1;
  std::int64_t updated_at = 0;

  void assign(const StaffMember& s, Millis now);
  StaffMember to_staff() const;
  // The columns of kStaffColumns, in order.
  void bind_into(soci::statement& st);
};

// The staff columns a SELECT reads into a StaffRow.
extern const char* const kStaffColumns;

struct PhoneRowBuffer {
  std::int64_t case_id = 0;
  std::string phone_index;
};

struct TimerRowBuffer {
  std::int64_t case_id = 0;
  std::string kind, step;
  std::int64_t generation = 0, due_at = 0, created_at = 0;
};

struct OutboxRowBuffer {
  std::string id, topic;
  std::int64_t case_id = 0;
  std::string payload;
  std::int64_t created_at = 0;
};

struct UserRow {
  std::int64_t id = 0;
  std::string username, display_name, role, department, grid;
  int disabled = 0;

  User to_user() const;
};

// Executes a statement (a soci::statement or a FastStatement,
// pg_statement.hpp) that yields at most one row into its bound buffers; true
// when it did. Fetches once more so that SOCI 4.0.3 finishes (resets) the
// statement: an unfinished SQLite statement keeps its read snapshot, or its
// write, open past COMMIT.
template <class Statement>
bool fetch_one(Statement& st) {
  const bool got = st.execute(true);
  if (got) st.fetch();
  return got;
}

// A statement prepared on `sql`; `bind(st)` exchanges its buffers first.
// `type`: st_one_time_query for a statement run once (PostgreSQL then
// parses, plans and runs it in one round trip).
template <class Bind>
soci::statement prepare(soci::session& sql, const std::string& text, Bind bind,
                        soci::details::statement_type type = soci::details::st_repeatable_query) {
  soci::statement st(sql);
  bind(st);
  st.alloc();
  st.prepare(text, type);
  st.define_and_bind();
  return st;
}

// Binds the columns of kCaseListColumns to `r` (on a soci::statement or a
// PgStatement, pg_statement.hpp); to_case() leaves milestones empty.
template <class Statement>
void bind_listed_case_into(Statement& st, CaseRow& r) {
  r.with_milestones = false;
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.number));
  st.exchange(soci::into(r.kind));
  st.exchange(soci::into(r.state));
  st.exchange(soci::into(r.version));
  st.exchange(soci::into(r.category));
  st.exchange(soci::into(r.title));
  st.exchange(soci::into(r.description));
  st.exchange(soci::into(r.channel));
  st.exchange(soci::into(r.community));
  st.exchange(soci::into(r.grid));
  st.exchange(soci::into(r.micro_grid));
  st.exchange(soci::into(r.address));
  st.exchange(soci::into(r.urgency));
  st.exchange(soci::into(r.risk_level));
  st.exchange(soci::into(r.confidential));
  st.exchange(soci::into(r.department));
  st.exchange(soci::into(r.assignees));
  st.exchange(soci::into(r.parties));
  st.exchange(soci::into(r.facts));
  st.exchange(soci::into(r.deadline, r.deadline_ind));
  st.exchange(soci::into(r.created_at));
  st.exchange(soci::into(r.updated_at));
  st.exchange(soci::into(r.last_hash));
  st.exchange(soci::into(r.clock));
}

// Binds the columns of kCaseListColumns, then kMilestoneColumns: a list row
// with its milestones (the ledgers), without the free texts.
template <class Statement>
void bind_listed_case_with_milestones_into(Statement& st, CaseRow& r) {
  bind_listed_case_into(st, r);
  r.with_milestones = true;
  r.milestones.bind_into(st);
}

// Binds the columns of kCaseColumns to `r`, for a SELECT of a case.
template <class Statement>
void bind_case_into(Statement& st, CaseRow& r) {
  bind_listed_case_with_milestones_into(st, r);
  st.exchange(soci::into(r.sealed_texts));
}

}  // namespace outpost::storage
