// SociAuditStore (soci_audit_store.hpp): audits, their sample, findings and
// history (migration v10), and the cases of a period for the sample.
#include "adapters/storage/soci_audit_store.hpp"

#include <string>
#include <utility>
#include <vector>

#include <soci/soci.h>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/storage/case_statements.hpp"
#include "adapters/storage/database_internals.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost {

using storage::Access;
using storage::CaseStatements;
using storage::fetch_one;
using storage::Lease;
using storage::run;
using storage::Transaction;
namespace json = boost::json;

namespace {

json::object parse_object(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

json::array texts_json(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& t : list) out.emplace_back(t);
  return out;
}

std::vector<std::string> texts_of(const json::value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& t : v->get_array()) {
    if (t.is_string()) out.emplace_back(t.get_string());
  }
  return out;
}

std::int64_t int_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<std::int64_t>() : 0;
}

std::string string_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string scope_json(const AuditScope& s) {
  return json::serialize(json::object{{"communities", texts_json(s.communities)},
                                      {"categories", texts_json(s.categories)},
                                      {"kinds", texts_json(s.kinds)}});
}

AuditScope scope_of(const std::string& text) {
  const json::object o = parse_object(text);
  return {texts_of(o.if_contains("communities")), texts_of(o.if_contains("categories")),
          texts_of(o.if_contains("kinds"))};
}

// The sample's rules and strata; its case ids live in audit_sample.
std::string sample_json(const AuditSample& s) {
  json::object o{{"seed", s.rules.seed},
                 {"population", s.draw.population},
                 {"target", s.draw.target},
                 {"drawn_at", s.drawn_at}};
  if (s.rules.size) o["size"] = *s.rules.size;
  if (s.rules.share) o["share"] = *s.rules.share;
  json::array force_in, strata;
  for (ForceIn r : s.rules.force_in) force_in.emplace_back(to_string(r));
  for (const StratumCount& c : s.draw.strata) {
    strata.push_back(json::object{{"community", c.community},
                                  {"category", c.category},
                                  {"population", c.population},
                                  {"drawn", c.drawn}});
  }
  o["force_in"] = std::move(force_in);
  o["strata"] = std::move(strata);
  return json::serialize(o);
}

AuditSample sample_of(const std::string& text) {
  const json::object o = parse_object(text);
  AuditSample s;
  s.rules.seed = int_of(o, "seed");
  if (o.contains("size")) s.rules.size = int_of(o, "size");
  if (const json::value* share = o.if_contains("share")) s.rules.share = share->to_number<double>();
  for (const std::string& name : texts_of(o.if_contains("force_in"))) {
    if (auto r = parse_force_in(name)) s.rules.force_in.push_back(*r);
  }
  s.draw.population = int_of(o, "population");
  s.draw.target = int_of(o, "target");
  s.drawn_at = int_of(o, "drawn_at");
  if (const json::value* strata = o.if_contains("strata"); strata && strata->is_array()) {
    for (const json::value& v : strata->get_array()) {
      const json::object& c = v.as_object();
      s.draw.strata.push_back({string_of(c, "community"), string_of(c, "category"),
                               int_of(c, "population"), int_of(c, "drawn")});
    }
  }
  return s;
}

std::string checkpoint_json(const CheckpointRef& c) {
  return json::serialize(json::object{{"tree_size", c.tree_size},
                                      {"root_hash", c.root_hash},
                                      {"signed_at", c.signed_at},
                                      {"note", c.note}});
}

CheckpointRef checkpoint_of(const std::string& text) {
  const json::object o = parse_object(text);
  return {int_of(o, "tree_size"), string_of(o, "root_hash"), int_of(o, "signed_at"),
          string_of(o, "note")};
}

// The audits row as bound variables.
struct AuditRow {
  std::int64_t id = 0, period_from = 0, period_to = 0, version = 0, created_at = 0, updated_at = 0;
  std::string number, title, scope, reviewers, state, sample, checkpoint, created_by, last_hash;
  soci::indicator sample_null = soci::i_null, checkpoint_null = soci::i_null;

  static constexpr const char* kColumns =
      "id, number, title, period_from, period_to, scope, reviewers, state, version, sample,"
      " checkpoint, created_by, created_at, updated_at, last_hash";

  void assign(const Audit& a) {
    id = a.id, number = a.number, title = a.title, period_from = a.period_from;
    period_to = a.period_to, scope = scope_json(a.scope);
    reviewers = json::serialize(texts_json(a.reviewers)), state = a.state, version = a.version;
    sample_null = a.sample ? soci::i_ok : soci::i_null;
    sample = a.sample ? sample_json(*a.sample) : std::string();
    checkpoint_null = a.checkpoint ? soci::i_ok : soci::i_null;
    checkpoint = a.checkpoint ? checkpoint_json(*a.checkpoint) : std::string();
    created_by = a.created_by, created_at = a.created_at, updated_at = a.updated_at;
    last_hash = a.last_hash;
  }

  void bind_into(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(number));
    st.exchange(soci::into(title));
    st.exchange(soci::into(period_from));
    st.exchange(soci::into(period_to));
    st.exchange(soci::into(scope));
    st.exchange(soci::into(reviewers));
    st.exchange(soci::into(state));
    st.exchange(soci::into(version));
    st.exchange(soci::into(sample, sample_null));
    st.exchange(soci::into(checkpoint, checkpoint_null));
    st.exchange(soci::into(created_by));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
    st.exchange(soci::into(last_hash));
  }

  Audit to_audit() const {
    Audit a;
    a.id = id, a.number = number, a.title = title, a.period_from = period_from;
    a.period_to = period_to, a.scope = scope_of(scope);
    boost::system::error_code ec;
    const json::value r = json::parse(reviewers, ec);
    a.reviewers = texts_of(ec ? nullptr : &r);
    a.state = state, a.version = version;
    if (sample_null == soci::i_ok) a.sample = sample_of(sample);
    if (checkpoint_null == soci::i_ok) a.checkpoint = checkpoint_of(checkpoint);
    a.created_by = created_by, a.created_at = created_at, a.updated_at = updated_at;
    a.last_hash = last_hash;
    return a;
  }
};

void insert_history(soci::session& sql, const AuditHistoryEntry& e) {
  std::int64_t audit_id = e.audit_id, seq = e.seq, at = e.at;
  std::string actor = e.actor, event = e.event, from = e.from_state, to = e.to_state;
  std::string data = json::serialize(e.data), prev = e.prev_hash, hash = e.hash;
  sql << "INSERT INTO audit_history (audit_id, seq, at, actor, event, from_state, to_state, data,"
         " prev_hash, hash) VALUES (:audit_id, :seq, :at, :actor, :event, :from_state, :to_state,"
         " :data, :prev_hash, :hash)",
      soci::use(audit_id, "audit_id"), soci::use(seq, "seq"), soci::use(at, "at"),
      soci::use(actor, "actor"), soci::use(event, "event"), soci::use(from, "from_state"),
      soci::use(to, "to_state"), soci::use(data, "data"), soci::use(prev, "prev_hash"),
      soci::use(hash, "hash");
}

void write_sample(soci::session& sql, const Audit& a) {
  std::int64_t audit_id = a.id, case_id = 0;
  int forced = 0;
  sql << "DELETE FROM audit_sample WHERE audit_id = :audit_id", soci::use(audit_id, "audit_id");
  if (!a.sample) return;
  const auto& draw = a.sample->draw;
  soci::statement insert =
      (sql.prepare << "INSERT INTO audit_sample (audit_id, case_id, forced)"
                      " VALUES (:audit_id, :case_id, :forced)",
       soci::use(audit_id, "audit_id"), soci::use(case_id, "case_id"), soci::use(forced, "forced"));
  for (CaseId id : draw.case_ids) {
    case_id = id;
    forced = std::binary_search(draw.forced.begin(), draw.forced.end(), id) ? 1 : 0;
    insert.execute(true);
  }
}

void write_findings(soci::session& sql, const Audit& a) {
  std::int64_t audit_id = a.id;
  sql << "DELETE FROM audit_findings WHERE audit_id = :audit_id", soci::use(audit_id, "audit_id");
  AuditFinding f;
  soci::statement insert =
      (sql.prepare << "INSERT INTO audit_findings (audit_id, id, case_id, verdict, category,"
                      " comment, department, status, answer, review_comment, send_backs,"
                      " recorded_by, recorded_at, updated_at) VALUES (:audit_id, :id, :case_id,"
                      " :verdict, :category, :comment, :department, :status, :answer,"
                      " :review_comment, :send_backs, :recorded_by, :recorded_at, :updated_at)",
       soci::use(audit_id, "audit_id"), soci::use(f.id, "id"), soci::use(f.case_id, "case_id"),
       soci::use(f.verdict, "verdict"), soci::use(f.category, "category"),
       soci::use(f.comment, "comment"), soci::use(f.department, "department"),
       soci::use(f.status, "status"), soci::use(f.answer, "answer"),
       soci::use(f.review_comment, "review_comment"), soci::use(f.send_backs, "send_backs"),
       soci::use(f.recorded_by, "recorded_by"), soci::use(f.recorded_at, "recorded_at"),
       soci::use(f.updated_at, "updated_at"));
  for (const AuditFinding& each : a.findings) {
    f = each;
    insert.execute(true);
  }
}

// The sample's case ids and the findings of `a`, from their tables.
void read_parts(soci::session& sql, Audit& a) {
  std::int64_t audit_id = a.id;
  if (a.sample) {
    std::int64_t case_id = 0;
    int forced = 0;
    soci::statement st = (sql.prepare << "SELECT case_id, forced FROM audit_sample"
                                         " WHERE audit_id = :audit_id ORDER BY case_id",
                          soci::use(audit_id, "audit_id"), soci::into(case_id), soci::into(forced));
    if (st.execute(true)) {
      do {
        a.sample->draw.case_ids.push_back(case_id);
        if (forced != 0) a.sample->draw.forced.push_back(case_id);
      } while (st.fetch());
    }
  }
  AuditFinding f;
  soci::statement st =
      (sql.prepare << "SELECT id, case_id, verdict, category, comment, department, status,"
                      " answer, review_comment, send_backs, recorded_by, recorded_at, updated_at"
                      " FROM audit_findings WHERE audit_id = :audit_id ORDER BY id",
       soci::use(audit_id, "audit_id"), soci::into(f.id), soci::into(f.case_id),
       soci::into(f.verdict), soci::into(f.category), soci::into(f.comment),
       soci::into(f.department), soci::into(f.status), soci::into(f.answer),
       soci::into(f.review_comment), soci::into(f.send_backs), soci::into(f.recorded_by),
       soci::into(f.recorded_at), soci::into(f.updated_at));
  if (st.execute(true)) {
    do {
      a.findings.push_back(f);
    } while (st.fetch());
  }
}

// One audit by id, or every audit newest first when `id` is null.
std::vector<Audit> select_audits(soci::session& sql, std::int64_t* id) {
  AuditRow row;
  soci::statement st(sql);
  if (id != nullptr) st.exchange(soci::use(*id, "id"));
  const std::string where = id != nullptr ? "WHERE id = :id" : "ORDER BY id DESC";
  std::vector<Audit> out = storage::select_all(
      st, row, std::string("SELECT ") + AuditRow::kColumns + " FROM audits " + where,
      [](const AuditRow& r) { return r.to_audit(); });
  for (Audit& a : out) read_parts(sql, a);
  return out;
}

}  // namespace

Result<Audit> SociAuditStore::insert_audit(Audit a, AuditHistoryEntry first,
                                           const IdempotencyKey* idem) {
  return run<Audit>(db_, Access::write, "insert_audit", [&](Lease& lease) -> Result<Audit> {
    CaseStatements& st = lease.prepared<CaseStatements>();
    soci::session& sql = lease.sql();
    Transaction tx(sql, lease.dialect());
    st.counter_name = audit_number_counter(a.period_from);
    fetch_one(st.next_counter);
    a.number = format_audit_number(a.period_from, st.counter_value);
    a.version = 1;
    AuditRow row;
    row.assign(a);
    sql << "INSERT INTO audits (number, title, period_from, period_to, scope, reviewers, state,"
           " version, sample, checkpoint, created_by, created_at, updated_at, last_hash)"
           " VALUES (:number, :title, :period_from, :period_to, :scope, :reviewers, :state,"
           " :version, NULL, NULL, :created_by, :created_at, :updated_at, '') RETURNING id",
        soci::use(row.number, "number"), soci::use(row.title, "title"),
        soci::use(row.period_from, "period_from"), soci::use(row.period_to, "period_to"),
        soci::use(row.scope, "scope"), soci::use(row.reviewers, "reviewers"),
        soci::use(row.state, "state"), soci::use(row.version, "version"),
        soci::use(row.created_by, "created_by"), soci::use(row.created_at, "created_at"),
        soci::use(row.updated_at, "updated_at"), soci::into(a.id);
    first.audit_id = a.id;
    first.seq = 1;
    seal(first, kGenesisHash);
    insert_history(sql, first);
    a.last_hash = first.hash;
    sql << "UPDATE audits SET last_hash = :hash WHERE id = :id", soci::use(a.last_hash, "hash"),
        soci::use(a.id, "id");
    if (idem != nullptr) storage::record_key(st, *idem, a.id, first.at);
    tx.commit();
    return a;
  });
}

Result<std::optional<Audit>> SociAuditStore::find_audit(AuditId id) {
  return run<std::optional<Audit>>(db_, Access::read, "find_audit",
                                   [&](Lease& lease) -> std::optional<Audit> {
                                     std::int64_t lookup = id;
                                     auto found = select_audits(lease.sql(), &lookup);
                                     if (found.empty()) return std::nullopt;
                                     return std::move(found.front());
                                   });
}

Status SociAuditStore::commit_audit(const Audit& updated, std::int64_t expected_version,
                                    const AuditHistoryEntry& entry, const IdempotencyKey* idem) {
  return run<Ok>(db_, Access::write, "commit_audit", [&](Lease& lease) -> Status {
    soci::session& sql = lease.sql();
    Transaction tx(sql, lease.dialect());
    AuditRow row;
    row.assign(updated);
    std::int64_t expected = expected_version;
    soci::statement update =
        (sql.prepare << "UPDATE audits SET state = :state, version = :version, sample = :sample,"
                        " checkpoint = :checkpoint, updated_at = :updated_at,"
                        " last_hash = :last_hash WHERE id = :id AND version = :expected",
         soci::use(row.state, "state"), soci::use(row.version, "version"),
         soci::use(row.sample, row.sample_null, "sample"),
         soci::use(row.checkpoint, row.checkpoint_null, "checkpoint"),
         soci::use(row.updated_at, "updated_at"), soci::use(row.last_hash, "last_hash"),
         soci::use(row.id, "id"), soci::use(expected, "expected"));
    update.execute(true);
    if (update.get_affected_rows() == 0) {
      return Error::make(ErrorKind::version_conflict, "the audit changed since it was read");
    }
    if (entry.event == "draw_sample") write_sample(sql, updated);
    write_findings(sql, updated);
    insert_history(sql, entry);
    if (idem != nullptr) {
      storage::record_key(lease.prepared<CaseStatements>(), *idem, updated.id, entry.at);
    }
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<Audit>> SociAuditStore::list_audits() {
  return run<std::vector<Audit>>(db_, Access::read, "list_audits",
                                 [&](Lease& lease) { return select_audits(lease.sql(), nullptr); });
}

Result<std::vector<AuditHistoryEntry>> SociAuditStore::audit_history(AuditId id) {
  return run<std::vector<AuditHistoryEntry>>(db_, Access::read, "audit_history", [&](Lease& lease) {
    AuditHistoryEntry e;
    std::string data;
    std::int64_t lookup = id;
    std::vector<AuditHistoryEntry> out;
    soci::statement st =
        (lease.sql().prepare << "SELECT audit_id, seq, at, actor, event, from_state, to_state,"
                                " data, prev_hash, hash FROM audit_history"
                                " WHERE audit_id = :id ORDER BY seq",
         soci::use(lookup, "id"), soci::into(e.audit_id), soci::into(e.seq), soci::into(e.at),
         soci::into(e.actor), soci::into(e.event), soci::into(e.from_state), soci::into(e.to_state),
         soci::into(data), soci::into(e.prev_hash), soci::into(e.hash));
    if (st.execute(true)) {
      do {
        e.data = parse_object(data);
        out.push_back(e);
      } while (st.fetch());
    }
    return out;
  });
}

Result<std::vector<PopulationCase>> SociAuditStore::cases_received(Millis from, Millis to,
                                                                   Millis now) {
  return run<std::vector<PopulationCase>>(db_, Access::read, "cases_received", [&](Lease& lease) {
    std::int64_t lo = from, hi = to, id = 0, deadline = 0;
    std::string community, category, kind, risk, facts, clock;
    int returns = 0;
    soci::indicator deadline_null = soci::i_null;
    std::vector<PopulationCase> out;
    soci::statement st =
        (lease.sql().prepare << "SELECT id, community, category, kind, risk_level,"
                                " return_count, facts, clock, deadline FROM cases"
                                " WHERE created_at >= :lo AND created_at < :hi ORDER BY id",
         soci::use(lo, "lo"), soci::use(hi, "hi"), soci::into(id), soci::into(community),
         soci::into(category), soci::into(kind), soci::into(risk), soci::into(returns),
         soci::into(facts), soci::into(clock), soci::into(deadline, deadline_null));
    if (st.execute(true)) {
      do {
        const json::object step = parse_object(clock);
        const auto flag = [&step](std::string_view key) {
          const json::value* v = step.if_contains(key);
          return v != nullptr && v->is_bool() && v->get_bool();
        };
        const bool late = deadline_null == soci::i_ok && deadline < now;
        out.push_back({id, community, category, kind, risk == "high",
                       flag("breached") || flag("escalated") || late, returns,
                       string_of(parse_object(facts), "last_satisfaction") == "dissatisfied"});
      } while (st.fetch());
    }
    return out;
  });
}

Result<std::optional<IdempotencyRecord>> SociAuditStore::find_idempotency(std::int64_t user_id,
                                                                          std::string_view scope,
                                                                          std::string_view key) {
  return cases_.find_idempotency(user_id, scope, key);
}

Status SociAuditStore::save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) {
  return cases_.save_idempotent_answer(key, answer);
}

}  // namespace outpost
