#include "adapters/http/audit_json.hpp"

#include <algorithm>
#include <cmath>

#include <boost/json/array.hpp>

#include "adapters/http/case_json.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

// Collects the shape problems of one request body, each at its path.
class Members {
 public:
  std::vector<FieldError> errors;

  std::string text(const json::object& o, std::string_view key, std::string_view parent,
                   bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      if (required) errors.push_back({field_path(parent, key), "is required"});
      return {};
    }
    if (!v->is_string()) {
      errors.push_back({field_path(parent, key), "must be a string"});
      return {};
    }
    return std::string(v->get_string());
  }

  std::optional<std::int64_t> integer(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_int64()) {  // a number above 2^63-1 parses as uint64: refused too
      errors.push_back({std::string(key), "must be an integer from -2^63 to 2^63-1"});
      return std::nullopt;
    }
    return v->to_number<std::int64_t>();
  }

  std::vector<std::string> texts(const json::object& o, std::string_view key,
                                 std::string_view parent) {
    std::vector<std::string> out;
    const json::value* v = o.if_contains(key);
    if (v == nullptr) return out;
    const std::string path = field_path(parent, key);
    if (!v->is_array()) {
      errors.push_back({path, "must be an array of strings"});
      return out;
    }
    for (std::size_t i = 0; i < v->get_array().size(); ++i) {
      const json::value& item = v->get_array()[i];
      if (!item.is_string() || item.get_string().empty()) {
        errors.push_back({path + "[" + std::to_string(i) + "]", "must be a non-empty string"});
      } else {
        out.emplace_back(item.get_string());
      }
    }
    return out;
  }

  Millis time(const json::object& o, std::string_view key, std::string_view parent) {
    const std::string t = text(o, key, parent, true);
    if (t.empty()) return 0;
    auto at = parse_rfc3339(t);
    if (!at) {
      errors.push_back({field_path(parent, key),
                        "must be an RFC 3339 time such as "
                        "2026-06-30T16:00:00Z"});
    }
    return at.value_or(0);
  }

  const json::object* object(const json::object& o, std::string_view key, bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) {
      if (required) errors.push_back({std::string(key), "is required"});
      return nullptr;
    }
    if (!v->is_object()) errors.push_back({std::string(key), "must be an object"});
    return v->if_object();
  }

  template <class T>
  Result<T> conclude(T value) {
    if (errors.empty()) return value;
    return Error::invalid_fields(std::move(errors), "the request has invalid fields");
  }
};

json::array string_array(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

json::array id_array(const std::vector<CaseId>& list) {
  json::array out;
  for (CaseId id : list) out.emplace_back(id);
  return out;
}

std::string_view category_label(const std::vector<FindingCategory>& categories,
                                std::string_view code) {
  for (const auto& c : categories) {
    if (c.code == code) return c.label;
  }
  return code;
}

std::string_view status_label(std::string_view status) {
  if (status == "conforming") return "符合规范";
  if (status == "open") return "待整改";
  if (status == "answered") return "已提交整改说明";
  if (status == "sent_back") return "已退回整改";
  if (status == "accepted") return "整改通过";
  return status;
}

json::object finding_to_json(const AuditFinding& f, const std::vector<FindingCategory>& cats) {
  return {{"id", f.id},
          {"case_id", f.case_id},
          {"verdict", f.verdict},
          {"verdict_label", f.verdict == kFindingDeficiency ? "存在问题" : "符合规范"},
          {"category", f.category},
          {"category_label", category_label(cats, f.category)},
          {"comment", f.comment},
          {"department", f.department},
          {"status", f.status},
          {"status_label", status_label(f.status)},
          {"answer", f.answer},
          {"review_comment", f.review_comment},
          {"send_backs", f.send_backs},
          {"recorded_by", f.recorded_by},
          {"recorded_at", format_rfc3339(f.recorded_at)},
          {"updated_at", format_rfc3339(f.updated_at)}};
}

}  // namespace

Result<NewAudit> read_new_audit(const json::value& body) {
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::invalid_field("body", "must be a JSON object");
  Members m;
  NewAudit cmd;
  cmd.title = m.text(*o, "title", "", true);
  if (const json::object* period = m.object(*o, "period", true)) {
    cmd.period_from = m.time(*period, "from", "period");
    cmd.period_to = m.time(*period, "to", "period");
  }
  if (const json::object* scope = m.object(*o, "scope", false)) {
    cmd.scope.communities = m.texts(*scope, "communities", "scope");
    cmd.scope.categories = m.texts(*scope, "categories", "scope");
    cmd.scope.kinds = m.texts(*scope, "kinds", "scope");
  }
  if (!o->contains("reviewers")) m.errors.push_back({"reviewers", "is required"});
  cmd.reviewers = m.texts(*o, "reviewers", "");
  return m.conclude(std::move(cmd));
}

Result<AuditCommand> read_audit_command(const json::object& body) {
  Members m;
  AuditCommand cmd;
  cmd.event = m.text(body, "event", "", true);
  if (cmd.event == "draw_sample") {
    if (auto seed = m.integer(body, "seed")) {
      cmd.sample.seed = *seed;
    } else if (!body.contains("seed")) {
      m.errors.push_back({"seed", "is required: the seed the sample is drawn from"});
    }
    cmd.sample.size = m.integer(body, "size");
    if (const json::value* share = body.if_contains("share")) {
      if (share->is_number()) {
        cmd.sample.share = share->to_number<double>();
      } else {
        m.errors.push_back({"share", "must be a number"});
      }
    }
    for (const std::string& name : m.texts(body, "force_in", "")) {
      if (auto rule = parse_force_in(name)) {
        cmd.sample.force_in.push_back(*rule);
      } else {
        m.errors.push_back({"force_in", "'" + name +
                                            "' is not one of high_risk, overdue, returned_twice, "
                                            "dissatisfied"});
      }
    }
  } else if (cmd.event == "record_finding") {
    if (auto id = m.integer(body, "case_id")) cmd.finding.case_id = *id;
    if (!body.contains("case_id")) m.errors.push_back({"case_id", "is required"});
    cmd.finding.verdict = m.text(body, "verdict", "", true);
    cmd.finding.category = m.text(body, "category", "", false);
    cmd.finding.comment = m.text(body, "comment", "", false);
    cmd.finding.department = m.text(body, "department", "", false);
  } else {
    if (auto id = m.integer(body, "finding_id")) cmd.finding_id = *id;
    cmd.note = m.text(body, "note", "", false);
  }
  return m.conclude(std::move(cmd));
}

json::object sample_to_json(const Audit& a) {
  if (!a.sample) return {};
  const AuditSample& s = *a.sample;
  json::array strata;
  for (const StratumCount& c : s.draw.strata) {
    strata.push_back({{"community", c.community},
                      {"category", c.category},
                      {"population", c.population},
                      {"drawn", c.drawn}});
  }
  json::array force_in;
  for (ForceIn r : s.rules.force_in) force_in.emplace_back(to_string(r));
  json::object o{{"seed", s.rules.seed},
                 {"force_in", std::move(force_in)},
                 {"population", s.draw.population},
                 {"target", s.draw.target},
                 {"case_ids", id_array(s.draw.case_ids)},
                 {"forced", id_array(s.draw.forced)},
                 {"strata", std::move(strata)},
                 {"drawn_at", format_rfc3339(s.drawn_at)}};
  o["size"] = s.rules.size ? json::value(*s.rules.size) : json::value(nullptr);
  o["share"] = s.rules.share ? json::value(*s.rules.share) : json::value(nullptr);
  return o;
}

json::object audit_to_json(const Audit& a, const AuditView& view) {
  json::array findings;
  json::object labels;  // zh-CN label of each allowed event
  for (const AuditFinding& f : a.findings) findings.push_back(finding_to_json(f, view.categories));
  for (const std::string& e : view.allowed_events) labels[e] = view.workflow.event_label(e);
  json::object o{
      {"id", a.id},
      {"number", a.number},
      {"title", a.title},
      {"period", {{"from", format_rfc3339(a.period_from)}, {"to", format_rfc3339(a.period_to)}}},
      {"scope",
       {{"communities", string_array(a.scope.communities)},
        {"categories", string_array(a.scope.categories)},
        {"kinds", string_array(a.scope.kinds)}}},
      {"reviewers", string_array(a.reviewers)},
      {"state", a.state},
      {"state_label", view.workflow.state_label(a.state)},
      {"version", a.version},
      {"allowed_events", string_array(view.allowed_events)},
      {"allowed_event_labels", std::move(labels)},
      {"findings", std::move(findings)},
      {"created_by", a.created_by},
      {"created_at", format_rfc3339(a.created_at)},
      {"updated_at", format_rfc3339(a.updated_at)}};
  o["sample"] = a.sample ? json::value(sample_to_json(a)) : json::value(nullptr);
  if (a.checkpoint) {
    o["checkpoint"] = {{"tree_size", a.checkpoint->tree_size},
                       {"root_hash", a.checkpoint->root_hash},
                       {"signed_at", format_rfc3339(a.checkpoint->signed_at)},
                       {"note", a.checkpoint->note}};
  } else {
    o["checkpoint"] = nullptr;
  }
  return o;
}

json::object audit_graph_to_json(const AuditGraph& g) {
  WorkflowGraph shaped;
  shaped.initial_state = g.initial_state;
  shaped.states = g.states;
  shaped.events = g.events;
  shaped.transitions = g.transitions;
  json::object o = graph_to_json(shaped);
  o.erase("kind");  // an audit is no case kind
  o["name"] = "audit";
  return o;
}

json::object audit_history_to_json(const AuditHistoryEntry& e, const AuditWorkflow& wf) {
  return {
      {"seq", e.seq},
      {"at", format_rfc3339(e.at)},
      {"actor", e.actor},
      {"event", e.event},
      {"event_label", e.event == "plan" ? std::string_view("制定计划") : wf.event_label(e.event)},
      {"from_state", e.from_state.empty() ? json::value(nullptr) : json::value(e.from_state)},
      {"to_state", e.to_state},
      {"data", e.data},
      {"hash", e.hash},
      {"prev_hash", e.prev_hash}};
}

}  // namespace outpost::http
