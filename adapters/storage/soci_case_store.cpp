// SociCaseStore (soci_case_store.hpp): cases, their history and idempotency
// keys, and the list and count queries.
#include "adapters/storage/soci_case_store.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>

#include "adapters/storage/case_reads.hpp"
#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/dialect.hpp"
#include "adapters/storage/migration_access_generation.hpp"
#include "adapters/storage/pg_statement.hpp"
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
using storage::KeptColumns;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

// The case this thread last read whole with find_case, as stored: a change
// reads its case, lets its workflow apply the event and commits on the same
// thread, and most events leave the parties and the free text's originals as
// they were. Then the commit seals neither again (KeptColumns): the UPDATE
// keeps the stored ciphertext, and its version check makes sure the row still
// holds what was read. Held in clear only from the read to the commit, which
// drops it (or to this thread's next read).
struct LastRead {
  std::uint64_t store = 0;  // SociCaseStore::serial_ (an address may be reused)
  CaseId id = 0;
  std::int64_t version = -1;
  std::vector<Party> parties;
  std::vector<ClearText> texts;
};
thread_local LastRead last_read;

bool same_parties(const std::vector<Party>& a, const std::vector<Party>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Party& x, const Party& y) {
    return x.role == y.role && x.name == y.name && x.phone == y.phone && x.id_number == y.id_number;
  });
}

// What `updated` keeps of the row at `expected_version` as this thread read
// it; forgets the read.
KeptColumns kept_since_read(std::uint64_t store, const Case& updated,
                            std::int64_t expected_version) {
  LastRead read = std::exchange(last_read, LastRead{});
  if (read.store != store || read.id != updated.id || read.version != expected_version) {
    return {};
  }
  return {same_parties(read.parties, updated.parties), read.texts == updated.clear_texts};
}

std::string like_pattern(std::string_view q) {
  std::string pattern = "%";
  for (const char ch : q) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += '%';
  return pattern;
}

// The named values of a list or count query, gathered while its text is
// written and bound to its statement once the text is whole. Values live in
// deques, whose elements never move, because SOCI binds their addresses.
class QueryValues {
 public:
  void text(std::string name, std::string value) {
    texts_.emplace_back(std::move(name), std::move(value));
  }
  void number(std::string name, std::int64_t value) {
    numbers_.emplace_back(std::move(name), value);
  }

  template <class Statement>
  void bind(Statement& st) {
    for (auto& [name, value] : texts_) st.exchange(soci::use(value, name));
    for (auto& [name, value] : numbers_) st.exchange(soci::use(value, name));
  }

  // Takes the values of `other`, a query of the same text (so the same names
  // in the same order), into the places this one's statement is bound to.
  void take(const QueryValues& other) {
    if (other.texts_.size() != texts_.size() || other.numbers_.size() != numbers_.size()) {
      throw std::logic_error("storage: a list query's values do not fit its text");
    }
    for (std::size_t i = 0; i < texts_.size(); ++i) texts_[i].second = other.texts_[i].second;
    for (std::size_t i = 0; i < numbers_.size(); ++i) {
      numbers_[i].second = other.numbers_[i].second;
    }
  }

 private:
  std::deque<std::pair<std::string, std::string>> texts_;
  std::deque<std::pair<std::string, std::int64_t>> numbers_;
};

// A list or count query as written for one filter.
struct Query {
  std::string text;
  QueryValues values;
  // The caller's scope limits it to the cases it handles: which plan is
  // cheap depends on how many those are (scope_where), so PostgreSQL must
  // plan it for each call's values.
  bool planned_per_call = false;
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
void scope_where(Query& q, const CaseFilter& f, bool postgresql) {
  const CaseScope& scope = f.scope;
  const std::size_t before = q.text.size();
  if (!scope.all_cases && !queue_inside_scope(f)) {
    std::string people = ":scope_person";
    std::string others;
    if (!scope.department.empty()) {
      people += ", :scope_department_entry";
      others += "department = :scope_department OR ";
      q.values.text("scope_department_entry", "dept:" + scope.department);
      q.values.text("scope_department", scope.department);
    }
    if (!scope.grid.empty()) {
      others += "grid = :scope_grid OR ";
      q.values.text("scope_grid", scope.grid);
    }
    const std::string handled =
        "(SELECT case_id FROM case_assignees WHERE assignee IN (" + people + "))";
    q.text += " AND (" + others + "id IN " + handled + ")";
    if (postgresql) q.text += " AND (" + others + "id = ANY (ARRAY" + handled + "))";
    q.planned_per_call = true;
  }
  if (!scope.all_confidential) {
    q.text +=
        " AND (confidential = 0 OR id IN (SELECT case_id FROM case_assignees"
        " WHERE assignee = :scope_person))";
  }
  if (q.text.size() != before) q.values.text("scope_person", scope.person);
}

void where(Query& q, const CaseFilter& f, bool postgresql, const PiiCipher* cipher) {
  q.text += " WHERE 1 = 1";
  scope_where(q, f, postgresql);
  if (f.phone) {
    // Without a cipher nothing is indexed, and nothing is found.
    q.text += " AND id IN (SELECT case_id FROM case_phones WHERE phone_index = :phone_index)";
    q.values.text("phone_index", cipher != nullptr ? cipher->phone_index(*f.phone) : std::string());
  }
  const auto equals = [&](const std::optional<std::string>& value, const char* column) {
    if (!value) return;
    q.text += std::string(" AND ") + column + " = :" + column;
    q.values.text(column, *value);
  };
  equals(f.kind, "kind");
  equals(f.state, "state");
  equals(f.category, "category");
  equals(f.community, "community");
  equals(f.grid, "grid");
  equals(f.department, "department");
  if (!f.states.empty()) {
    q.text += " AND state IN (";
    for (std::size_t i = 0; i < f.states.size(); ++i) {
      const std::string name = "st" + std::to_string(i);
      q.text += (i ? ", :" : ":") + name;
      q.values.text(name, f.states[i]);
    }
    q.text += ")";
  }
  if (f.assignee) {
    q.text += " AND id IN (SELECT case_id FROM case_assignees WHERE assignee = :assignee)";
    q.values.text("assignee", *f.assignee);
  }
  if (f.handled_by_department || f.handled_by_person) {
    std::string any;
    if (f.handled_by_department) {
      any +=
          "department = :acting_department OR id IN (SELECT case_id FROM case_assignees"
          " WHERE assignee = :acting_department_entry)";
      q.values.text("acting_department", *f.handled_by_department);
      q.values.text("acting_department_entry", "dept:" + *f.handled_by_department);
    }
    if (f.handled_by_person) {
      any += std::string(any.empty() ? "" : " OR ") +
             "id IN (SELECT case_id FROM case_assignees WHERE assignee = :acting_person)";
      q.values.text("acting_person", *f.handled_by_person);
    }
    q.text += " AND (" + any + ")";
  }
  if (f.returned) q.text += *f.returned ? " AND return_count > 0" : " AND return_count = 0";
  if (f.arbitration) {
    q.text += " AND arbitration = :arbitration";
    q.values.number("arbitration", *f.arbitration ? 1 : 0);
  }
  if (f.escalated) {
    q.text += " AND escalated = :escalated";
    q.values.number("escalated", *f.escalated ? 1 : 0);
  }
  if (f.q) {
    q.text +=
        " AND (lower(number) LIKE lower(:q) ESCAPE '\\' OR lower(title) LIKE lower(:q) ESCAPE '\\'"
        " OR lower(description) LIKE lower(:q) ESCAPE '\\')";
    q.values.text("q", like_pattern(*f.q));
  }
  if (f.overdue) {
    q.text += *f.overdue ? " AND deadline IS NOT NULL AND deadline < :now"
                         : " AND (deadline IS NULL OR deadline >= :now)";
    q.values.number("now", f.now);
  }
  if (f.created_from) {
    q.text += " AND created_at >= :created_from";
    q.values.number("created_from", *f.created_from);
  }
  if (f.created_to) {
    q.text += " AND created_at < :created_to";
    q.values.number("created_to", *f.created_to);
  }
  if (f.updated_before) {
    q.text += " AND updated_at < :updated_before";
    q.values.number("updated_before", *f.updated_before);
  }
  if (f.id_below) {
    q.text += " AND id < :id_below";
    q.values.number("id_below", *f.id_below);
  }
}

// The keyset condition after the cursor and the ORDER BY of the list's sort.
// Time sorts compare (column, id) as a row value, which both backends read
// from an index on (column, id) where one exists (cases_created_at).
// `deadline` puts cases without one last: after a null cursor key only those
// remain.
void order_after_cursor(Query& q, const CaseFilter& f) {
  const char* op = f.oldest_first ? ">" : "<";
  const char* dir = f.oldest_first ? " ASC" : " DESC";
  const char* column = f.sort == CaseSort::created_at   ? "created_at"
                       : f.sort == CaseSort::updated_at ? "updated_at"
                       : f.sort == CaseSort::deadline   ? "deadline"
                                                        : nullptr;
  if (f.cursor) {
    const std::string after_id = std::string(" id ") + op + " :cursor";
    const std::string col = column ? column : "";
    if (column == nullptr) {
      q.text += " AND" + after_id;
    } else if (!f.cursor_key) {
      q.text += " AND " + col + " IS NULL AND" + after_id;  // only a deadline may be null
    } else {
      q.text += std::string(" AND (") +
                (f.sort == CaseSort::deadline ? "deadline IS NULL OR " : "") + "(" + col +
                ", id) " + op + " (:cursor_key, :cursor))";
      q.values.number("cursor_key", *f.cursor_key);
    }
    q.values.number("cursor", *f.cursor);
  }
  if (column == nullptr) {
    q.text += std::string(" ORDER BY id") + dir;
    return;
  }
  q.text += f.sort == CaseSort::deadline ? " ORDER BY deadline IS NULL," : " ORDER BY";
  q.text += std::string(" ") + column + dir + ", id" + dir;
}

// One list query, prepared: its row and values are bound once, each call
// takes its values into them.
struct ListStatement {
  // `type`: st_repeatable_query to prepare it, st_one_time_query for a query
  // run once (PostgreSQL then parses, plans and runs it in one round trip).
  ListStatement(soci::session& sql, const Query& q, bool with_milestones, const PiiCipher* cipher,
                soci::details::statement_type type)
      : values(q.values),
        st(
            sql, q.text,
            [&](auto& s) {
              if (with_milestones) {
                storage::bind_listed_case_with_milestones_into(s, row);
              } else {
                storage::bind_listed_case_into(s, row);
              }
              s.exchange(soci::into(generation));
              values.bind(s);
            },
            type) {
    row.cipher = cipher;
  }

  CaseRow row;
  std::int64_t generation = 0;
  QueryValues values;
  storage::FastStatement st;
  std::uint64_t last_used = 0;
};

// The list queries a connection has prepared, by text, the least recently
// used one dropped beyond kCapacity. PostgreSQL spent as much CPU planning a
// page of a list as running it (a statement on `cases` has 16 indexes to
// weigh); a prepared one is planned once for all values (its LIMIT is part
// of the text, so that the plan for any value is the one PostgreSQL picks
// for each: an ordered index range scan for the documented filters).
struct ListStatements final : storage::PreparedSet {
  static constexpr std::size_t kSlot = storage::kListStatementsSlot;
  static constexpr std::size_t kCapacity = 32;

  ListStatements(soci::session& sql, const PiiCipher* cipher) : sql_(sql), cipher_(cipher) {}

  ListStatement& statement_for(const Query& q, bool with_milestones) {
    auto found = by_text_.find(q.text);
    if (found == by_text_.end()) {
      if (by_text_.size() >= kCapacity) {
        by_text_.erase(
            std::min_element(by_text_.begin(), by_text_.end(), [](const auto& a, const auto& b) {
              return a.second->last_used < b.second->last_used;
            }));
      }
      found =
          by_text_
              .emplace(q.text, std::make_unique<ListStatement>(sql_, q, with_milestones, cipher_,
                                                               soci::details::st_repeatable_query))
              .first;
    } else {
      found->second->values.take(q.values);
    }
    found->second->last_used = ++uses_;
    return *found->second;
  }

 private:
  soci::session& sql_;
  const PiiCipher* cipher_;
  std::map<std::string, std::unique_ptr<ListStatement>, std::less<>> by_text_;
  std::uint64_t uses_ = 0;
};

// Runs `st` and reads its page.
CasePage page_of(ListStatement& st, std::int64_t limit, CaseSort sort) {
  CasePage page;
  if (st.st.execute(true)) {
    access_epoch::observe(st.generation);
    do {
      page.items.push_back(st.row.to_case());
    } while (st.st.fetch());
  }
  if (static_cast<std::int64_t>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = page.items.back().id;
    page.next_cursor_key = sort_key_of(page.items.back(), sort);
  }
  return page;
}

Result<CasePage> query_cases(Lease& lease, const CaseFilter& f) {
  const bool postgresql = lease.dialect() == Dialect::postgresql;
  Query q;
  q.text = std::string("SELECT ") +
           (f.clear_parties ? storage::kCaseListColumns : storage::kCaseMaskedListColumns) +
           (f.with_milestones ? std::string(", ") + storage::kMilestoneColumns : "") + ", " +
           storage::kAccessGenerationColumn + " FROM cases";
  where(q, f, postgresql, lease.cipher());
  order_after_cursor(q, f);
  const std::int64_t limit = std::max(f.limit, 1);
  // One more row tells whether a next page exists.
  q.text += " LIMIT " + std::to_string(limit + 1);

  std::optional<ListStatement> once;
  ListStatement& st = q.planned_per_call
                          ? once.emplace(lease.sql(), q, f.with_milestones, lease.cipher(),
                                         soci::details::st_one_time_query)
                          : lease.prepared<ListStatements>().statement_for(q, f.with_milestones);
  return page_of(st, limit, f.sort);
}

std::int64_t count_cases_matching(Lease& lease, const CaseFilter& f) {
  Query q;
  q.text = "SELECT count(*) FROM cases";
  where(q, f, lease.dialect() == Dialect::postgresql, lease.cipher());
  std::int64_t count = 0;
  soci::statement st = storage::prepare(
      lease.sql(), q.text,
      [&](soci::statement& s) {
        s.exchange(soci::into(count));
        q.values.bind(s);
      },
      soci::details::st_one_time_query);
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
    st.case_row.name_parties(first);
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

SociCaseStore::SociCaseStore(Database& db) : db_(db) {
  static std::atomic<std::uint64_t> stores{0};
  serial_ = ++stores;
}

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
  if (storage::CaseReads* reads = batched_reads()) return reads->find_later(id, std::move(done));
  // SQLite: at once, the case as shown (nothing decrypted).
  access_epoch::reset();
  auto found = read_with(id, &CaseStatements::select_case_shown);
  done(CaseRead{std::move(found), access_epoch::observed()});
}

Result<std::optional<Case>> SociCaseStore::find_case(CaseId id) {
  auto found = read_with(id, &CaseStatements::select_case);
  if (found && found.value()) {
    const Case& c = *found.value();
    last_read = {serial_, c.id, c.version, c.parties, c.clear_texts};
  }
  return found;
}

Result<std::optional<Case>> SociCaseStore::read_with(
    CaseId id, storage::FastStatement CaseStatements::*select) {
  return run<std::optional<Case>>(db_, Access::read, "find_case",
                                  [&](Lease& lease) -> std::optional<Case> {
                                    CaseStatements& st = lease.prepared<CaseStatements>();
                                    st.lookup_id = id;
                                    if (!fetch_one(st.*select)) return std::nullopt;
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
  const KeptColumns kept = kept_since_read(serial_, updated, expected_version);
  return run<Ok>(db_, Access::write_batched, "commit_transition", [&](Lease& lease) -> Status {
    CaseStatements& st = lease.prepared<CaseStatements>();
    if (storage::commit_in_one_statement(st, updated, expected_version, entry, idem, effects,
                                         kept)) {
      return Ok{};
    }
    // Not one statement's kind of change, or nothing matched: the handlers
    // changed, or another writer won. The transaction below tells them apart.
    Transaction tx(lease.sql(), lease.dialect());
    if (!storage::update_case_row(st, updated, expected_version, kept)) {
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

Result<CasePage> SociCaseStore::list_cases(const CaseFilter& filter) {
  return run<CasePage>(db_, Access::read, "list_cases",
                       [&](Lease& lease) { return query_cases(lease, filter); });
}

Result<std::int64_t> SociCaseStore::count_matching(const CaseFilter& filter) {
  return run<std::int64_t>(db_, Access::read, "count_matching",
                           [&](Lease& lease) { return count_cases_matching(lease, filter); });
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
