// SociCaseStore (soci_case_store.hpp): cases, their history and idempotency
// keys, and the list and count queries.
#include "adapters/storage/soci_case_store.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>

#include <soci/soci.h>

#include "adapters/storage/case_reads.hpp"
#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/dialect.hpp"
#include "adapters/storage/migration_access_generation.hpp"
#include "engine/access/access_epoch.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/cases/case_service.hpp"

namespace outpost {

using storage::Access;
using storage::CaseRow;
using storage::CaseStatements;
using storage::Dialect;
using storage::fetch_one;
using storage::insert_assignees;
using storage::insert_history;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

std::string like_pattern(std::string_view q) {
  std::string pattern = "%";
  for (const char ch : q) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += '%';
  return pattern;
}

// The list and count queries are the ones whose shape depends on their
// input, so they are built per call and run unprepared. The values bound by
// `where` live in the filter and in `scratch` until the statement has run.
struct WhereScratch {
  std::string pattern, dept_entry, scope_dept_entry;
  int flag_arbitration = 0;
  int flag_escalated = 0;
  bool postgresql = false;  // the dialect, for the scope's PostgreSQL-only arm
  std::string phone_index;  // the blind index of f.phone
};

// True when "my queue" (handled_by_*) names the scope's own person and
// department: such a queue lies inside the scope's handled cases already.
bool queue_inside_scope(const CaseFilter& f) {
  return f.handled_by_person && *f.handled_by_person == f.scope.person &&
         f.handled_by_department.value_or(f.scope.department) == f.scope.department;
}

// The caller's scope (engine/access/permissions.hpp). case_assignees holds a case's
// assignees and co-handlers by name and its co-departments as "dept:<code>";
// its primary key (assignee, case_id) serves the subqueries, cases_department
// and cases_grid the other arms. On PostgreSQL the handled-cases condition is
// written twice on purpose: `id IN (subquery)` becomes a hashed set that
// filters an id-ordered scan (cheap when the caller's cases are many: a page
// fills early), `id = ANY (ARRAY(subquery))` can join a BitmapOr with the
// department and grid indexes (cheap when they are few, where the ordered scan
// would read the whole table); the planner costs both and picks.
std::string scope_where(soci::statement& st, const CaseFilter& f, WhereScratch& scratch) {
  const CaseScope& scope = f.scope;
  std::string text;
  if (!scope.all_cases && !queue_inside_scope(f)) {
    std::string people = ":scope_person";
    std::string others;
    if (!scope.department.empty()) {
      scratch.scope_dept_entry = "dept:" + scope.department;
      people += ", :scope_department_entry";
      others += "department = :scope_department OR ";
      st.exchange(soci::use(scratch.scope_dept_entry, "scope_department_entry"));
      st.exchange(soci::use(scope.department, "scope_department"));
    }
    if (!scope.grid.empty()) {
      others += "grid = :scope_grid OR ";
      st.exchange(soci::use(scope.grid, "scope_grid"));
    }
    const std::string handled =
        "(SELECT case_id FROM case_assignees WHERE assignee IN (" + people + "))";
    text += " AND (" + others + "id IN " + handled + ")";
    if (scratch.postgresql) text += " AND (" + others + "id = ANY (ARRAY" + handled + "))";
  }
  if (!scope.all_confidential) {
    text +=
        " AND (confidential = 0 OR id IN (SELECT case_id FROM case_assignees"
        " WHERE assignee = :scope_person))";
  }
  if (!text.empty()) st.exchange(soci::use(scope.person, "scope_person"));
  return text;
}

std::string where(soci::statement& st, const CaseFilter& f, WhereScratch& scratch,
                  const PiiCipher* cipher) {
  std::string text = " WHERE 1 = 1" + scope_where(st, f, scratch);
  if (f.phone) {
    // Without a cipher nothing is indexed, and nothing is found.
    scratch.phone_index = cipher != nullptr ? cipher->phone_index(*f.phone) : std::string();
    text += " AND id IN (SELECT case_id FROM case_phones WHERE phone_index = :phone_index)";
    st.exchange(soci::use(scratch.phone_index, "phone_index"));
  }
  const auto equals = [&](const std::optional<std::string>& value, const char* column) {
    if (!value) return;
    text += std::string(" AND ") + column + " = :" + column;
    st.exchange(soci::use(*value, column));
  };
  equals(f.kind, "kind");
  equals(f.state, "state");
  equals(f.category, "category");
  equals(f.community, "community");
  equals(f.grid, "grid");
  equals(f.department, "department");
  if (!f.states.empty()) {
    text += " AND state IN (";
    for (std::size_t i = 0; i < f.states.size(); ++i) {
      const std::string name = "st" + std::to_string(i);
      text += (i ? ", :" : ":") + name;
      st.exchange(soci::use(f.states[i], name));
    }
    text += ")";
  }
  if (f.assignee) {
    text += " AND id IN (SELECT case_id FROM case_assignees WHERE assignee = :assignee)";
    st.exchange(soci::use(*f.assignee, "assignee"));
  }
  if (f.handled_by_department || f.handled_by_person) {
    std::string any;
    if (f.handled_by_department) {
      scratch.dept_entry = "dept:" + *f.handled_by_department;
      any +=
          "department = :acting_department OR id IN (SELECT case_id FROM case_assignees"
          " WHERE assignee = :acting_department_entry)";
      st.exchange(soci::use(*f.handled_by_department, "acting_department"));
      st.exchange(soci::use(scratch.dept_entry, "acting_department_entry"));
    }
    if (f.handled_by_person) {
      any += std::string(any.empty() ? "" : " OR ") +
             "id IN (SELECT case_id FROM case_assignees WHERE assignee = :acting_person)";
      st.exchange(soci::use(*f.handled_by_person, "acting_person"));
    }
    text += " AND (" + any + ")";
  }
  if (f.returned) text += *f.returned ? " AND return_count > 0" : " AND return_count = 0";
  if (f.arbitration) {
    scratch.flag_arbitration = *f.arbitration ? 1 : 0;
    text += " AND arbitration = :arbitration";
    st.exchange(soci::use(scratch.flag_arbitration, "arbitration"));
  }
  if (f.escalated) {
    scratch.flag_escalated = *f.escalated ? 1 : 0;
    text += " AND escalated = :escalated";
    st.exchange(soci::use(scratch.flag_escalated, "escalated"));
  }
  if (f.q) {
    scratch.pattern = like_pattern(*f.q);
    text +=
        " AND (lower(number) LIKE lower(:q) ESCAPE '\\' OR lower(title) LIKE lower(:q) ESCAPE '\\'"
        " OR lower(description) LIKE lower(:q) ESCAPE '\\')";
    st.exchange(soci::use(scratch.pattern, "q"));
  }
  if (f.overdue) {
    text += *f.overdue ? " AND deadline IS NOT NULL AND deadline < :now"
                       : " AND (deadline IS NULL OR deadline >= :now)";
    st.exchange(soci::use(f.now, "now"));
  }
  if (f.created_from) {
    text += " AND created_at >= :created_from";
    st.exchange(soci::use(*f.created_from, "created_from"));
  }
  if (f.created_to) {
    text += " AND created_at < :created_to";
    st.exchange(soci::use(*f.created_to, "created_to"));
  }
  if (f.updated_before) {
    text += " AND updated_at < :updated_before";
    st.exchange(soci::use(*f.updated_before, "updated_before"));
  }
  if (f.id_below) {
    text += " AND id < :id_below";
    st.exchange(soci::use(*f.id_below, "id_below"));
  }
  return text;
}

// The keyset condition after the cursor and the ORDER BY of the list's sort.
// Time sorts compare (column, id) as a row value, which both backends read
// from an index on (column, id) where one exists (cases_created_at).
// `deadline` puts cases without one last: after a null cursor key only those
// remain.
std::string order_after_cursor(soci::statement& st, const CaseFilter& f) {
  const char* op = f.oldest_first ? ">" : "<";
  const char* dir = f.oldest_first ? " ASC" : " DESC";
  const char* column = f.sort == CaseSort::created_at   ? "created_at"
                       : f.sort == CaseSort::updated_at ? "updated_at"
                       : f.sort == CaseSort::deadline   ? "deadline"
                                                        : nullptr;
  std::string text;
  if (f.cursor) {
    const std::string after_id = std::string(" id ") + op + " :cursor";
    const std::string col = column ? column : "";
    if (column == nullptr) {
      text += " AND" + after_id;
    } else if (!f.cursor_key) {
      text += " AND " + col + " IS NULL AND" + after_id;  // only a deadline may be null
    } else {
      text += std::string(" AND (") + (f.sort == CaseSort::deadline ? "deadline IS NULL OR " : "") +
              "(" + col + ", id) " + op + " (:cursor_key, :cursor))";
      st.exchange(soci::use(*f.cursor_key, "cursor_key"));
    }
    st.exchange(soci::use(*f.cursor, "cursor"));
  }
  if (column == nullptr) return text + " ORDER BY id" + dir;
  if (f.sort == CaseSort::deadline)
    text += " ORDER BY deadline IS NULL,";
  else
    text += " ORDER BY";
  return text + " " + column + dir + ", id" + dir;
}

Result<CasePage> query_cases(soci::session& sql, const CaseFilter& f, const PiiCipher* cipher) {
  CaseRow row;
  row.cipher = cipher;
  soci::statement st(sql);
  if (f.with_milestones) {
    storage::bind_listed_case_with_milestones_into(st, row);
  } else {
    storage::bind_listed_case_into(st, row);
  }
  std::int64_t generation = 0;
  st.exchange(soci::into(generation));
  WhereScratch scratch;
  scratch.postgresql = storage::dialect_of(sql) == storage::Dialect::postgresql;
  std::string text =
      std::string("SELECT ") +
      (f.clear_parties ? storage::kCaseListColumns : storage::kCaseMaskedListColumns) +
      (f.with_milestones ? std::string(", ") + storage::kMilestoneColumns : "") + ", " +
      storage::kAccessGenerationColumn + " FROM cases" + where(st, f, scratch, cipher);
  text += order_after_cursor(st, f);
  const std::int64_t limit = std::max(f.limit, 1);
  const std::int64_t fetch_limit = limit + 1;  // one more tells whether a next page exists
  text += " LIMIT :fetch_limit";
  st.exchange(soci::use(fetch_limit, "fetch_limit"));

  st.alloc();
  st.prepare(text, soci::details::st_one_time_query);
  st.define_and_bind();
  CasePage page;
  if (st.execute(true)) {
    access_epoch::observe(generation);
    do {
      page.items.push_back(row.to_case());
    } while (st.fetch());
  }
  if (static_cast<std::int64_t>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = page.items.back().id;
    page.next_cursor_key = sort_key_of(page.items.back(), f.sort);
  }
  return page;
}

std::int64_t count_cases_matching(soci::session& sql, const CaseFilter& f,
                                  const PiiCipher* cipher) {
  std::int64_t count = 0;
  soci::statement st(sql);
  st.exchange(soci::into(count));
  WhereScratch scratch;
  scratch.postgresql = storage::dialect_of(sql) == storage::Dialect::postgresql;
  const std::string text = "SELECT count(*) FROM cases" + where(st, f, scratch, cipher);
  st.alloc();
  st.prepare(text, soci::details::st_one_time_query);
  st.define_and_bind();
  st.execute(true);
  return count;
}

}  // namespace

Result<Case> SociCaseStore::insert_case(Case c, HistoryEntry first, const IdempotencyKey* idem,
                                        const SideEffects* effects) {
  return run<Case>(db_, Access::write_batched, "insert_case", [&](Lease& lease) -> Result<Case> {
    CaseStatements& st = lease.prepared<CaseStatements>();
    Transaction tx(lease.sql(), lease.dialect());
    st.counter_name = case_number_counter(c.kind, c.created_at);
    fetch_one(st.next_counter);
    c.number = format_case_number(c.kind, utc_year(c.created_at), st.counter_value);
    c.version = 1;
    c.last_hash.clear();
    st.case_row.assign(c);
    fetch_one(st.insert_case);
    c.id = st.case_row.id;
    insert_assignees(st, c.id, storage::handler_entries(c));
    if (const PiiCipher* cipher = lease.cipher()) {
      st.phone_row.case_id = c.id;
      for (const Party& p : c.parties) {
        st.phone_row.phone_index = cipher->phone_index(p.phone);
        if (!st.phone_row.phone_index.empty()) st.insert_phone.execute(true);
      }
    }

    first.case_id = c.id;
    first.seq = 1;
    seal(first, kGenesisHash);
    insert_history(st, first);
    c.last_hash = first.hash;
    st.case_row.last_hash = c.last_hash;
    st.set_last_hash.execute(true);

    if (effects != nullptr) storage::write_effects(st, c.id, *effects, first.at);
    if (idem != nullptr) record_key(st, *idem, c.id, first.at);
    tx.commit();
    return c;
  });
}

SociCaseStore::SociCaseStore(Database& db) : db_(db) {}

SociCaseStore::~SociCaseStore() = default;

storage::CaseReads* SociCaseStore::batched_reads() {
  if (db_.impl().dialect != Dialect::postgresql) return nullptr;
  // Started on first use: a store that never shows a case has no thread.
  std::call_once(reads_started_,
                 [this] { reads_ = std::make_unique<storage::CaseReads>(db_.impl()); });
  return reads_.get();
}

Result<std::optional<Case>> SociCaseStore::read_case(CaseId id) {
  storage::CaseReads* reads = batched_reads();
  if (!reads) return find_case(id);
  CaseRead read = reads->find(id);
  access_epoch::observe(read.access_generation);  // -1 (none read) changes nothing
  return std::move(read.found);
}

void SociCaseStore::read_case_later(CaseId id, std::function<void(CaseRead)> done) {
  storage::CaseReads* reads = batched_reads();
  if (!reads) return CaseStore::read_case_later(id, std::move(done));
  reads->find_later(id, std::move(done));
}

Result<std::optional<Case>> SociCaseStore::find_case(CaseId id) {
  return run<std::optional<Case>>(db_, Access::read, "find_case",
                                  [&](Lease& lease) -> std::optional<Case> {
                                    CaseStatements& st = lease.prepared<CaseStatements>();
                                    st.lookup_id = id;
                                    if (!fetch_one(st.select_case)) return std::nullopt;
                                    access_epoch::observe(st.access_generation);
                                    return st.case_row.to_case();
                                  });
}

Status SociCaseStore::commit_transition(const Case& updated, std::int64_t expected_version,
                                        const HistoryEntry& entry, const IdempotencyKey* idem,
                                        const SideEffects* effects) {
  if (updated.version != expected_version + 1) {
    return Error::make(ErrorKind::internal,
                       "storage: commit_transition needs updated.version == expected_version + 1");
  }
  return run<Ok>(db_, Access::write_batched, "commit_transition", [&](Lease& lease) -> Status {
    CaseStatements& st = lease.prepared<CaseStatements>();
    if (lease.dialect() == Dialect::postgresql && idem == nullptr && effects == nullptr) {
      st.case_row.assign(updated);
      st.expected_version = expected_version;
      st.history_row.assign(entry);
      st.transition_in_one_statement.execute(true);
      if (st.transition_in_one_statement.get_affected_rows() == 1) return Ok{};
      // Nothing matched: the handlers changed, or another writer won. The
      // transaction below tells the two apart.
    }
    Transaction tx(lease.sql(), lease.dialect());
    if (!storage::update_case_row(st, updated, expected_version)) {
      return Error::make(ErrorKind::version_conflict,
                         "storage: the case changed since it was read");
    }
    insert_history(st, entry);
    if (effects != nullptr) storage::write_effects(st, updated.id, *effects, entry.at);
    if (idem != nullptr) record_key(st, *idem, updated.id, entry.at);
    tx.commit();
    return Ok{};
  });
}

namespace storage {}  // namespace storage

Result<CasePage> SociCaseStore::list_cases(const CaseFilter& filter) {
  return run<CasePage>(db_, Access::read, "list_cases", [&](Lease& lease) {
    return query_cases(lease.sql(), filter, lease.cipher());
  });
}

Result<std::int64_t> SociCaseStore::count_matching(const CaseFilter& filter) {
  return run<std::int64_t>(db_, Access::read, "count_matching", [&](Lease& lease) {
    return count_cases_matching(lease.sql(), filter, lease.cipher());
  });
}

Result<std::vector<CaseId>> SociCaseStore::duplicates_of(CaseId id) {
  return run<std::vector<CaseId>>(db_, Access::read, "duplicates_of", [&](Lease& lease) {
    CaseStatements& st = lease.prepared<CaseStatements>();
    st.lookup_id = id;
    std::vector<CaseId> ids;
    if (st.select_duplicates.execute(true)) {
      do {
        ids.push_back(st.duplicate_id);
      } while (st.select_duplicates.fetch());
    }
    return ids;
  });
}

Result<std::vector<HistoryEntry>> SociCaseStore::history(CaseId id) {
  return run<std::vector<HistoryEntry>>(db_, Access::read, "history", [&](Lease& lease) {
    CaseStatements& st = lease.prepared<CaseStatements>();
    st.lookup_id = id;
    std::vector<HistoryEntry> entries;
    if (st.select_history.execute(true)) {
      do {
        entries.push_back(st.history_row.to_entry());
      } while (st.select_history.fetch());
    }
    return entries;
  });
}

Result<std::optional<IdempotencyRecord>> SociCaseStore::find_idempotency(std::int64_t user_id,
                                                                         std::string_view scope,
                                                                         std::string_view key) {
  return run<std::optional<IdempotencyRecord>>(
      db_, Access::read, "find_idempotency", [&](Lease& lease) -> std::optional<IdempotencyRecord> {
        CaseStatements& st = lease.prepared<CaseStatements>();
        storage::IdempotencyRow& r = st.idempotency_row;
        r.user_id = user_id;
        r.scope = scope;
        r.key = key;
        if (!fetch_one(st.select_idempotency)) return std::nullopt;
        IdempotencyRecord found{r.fingerprint, r.case_id, std::nullopt};
        if (r.answer_indicator == soci::i_ok) found.answer = r.answer;
        return found;
      });
}

Status SociCaseStore::save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) {
  return run<Ok>(db_, Access::write, "save_idempotent_answer", [&](Lease& lease) -> Status {
    std::int64_t user_id = key.user_id;
    std::string scope = key.scope, client_key = key.key, text(answer);
    lease.sql() << "UPDATE idempotency_keys SET answer = :answer"
                   " WHERE user_id = :user_id AND scope = :scope AND key = :key",
        soci::use(text, "answer"), soci::use(user_id, "user_id"), soci::use(scope, "scope"),
        soci::use(client_key, "key");
    return Ok{};
  });
}

Result<std::int64_t> SociCaseStore::count_cases() {
  return run<std::int64_t>(db_, Access::read, "count_cases", [](Lease& lease) {
    CaseStatements& st = lease.prepared<CaseStatements>();
    fetch_one(st.count_cases);
    return st.count;
  });
}

}  // namespace outpost
