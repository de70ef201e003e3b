#include "engine/audits/audit_service.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/array.hpp>

namespace outpost {
namespace json = boost::json;

namespace {

constexpr int kMaxAttempts = 5;

json::array texts(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& t : list) out.emplace_back(t);
  return out;
}

json::array ids(const std::vector<CaseId>& list) {
  json::array out;
  for (CaseId id : list) out.emplace_back(id);
  return out;
}

bool listed(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

Error no_audit() {
  return Error::make(ErrorKind::not_found, "no audit with this id");
}

json::object creation_data(const Audit& a) {
  return {{"title", a.title},
          {"period_from", a.period_from},
          {"period_to", a.period_to},
          {"scope",
           {{"communities", texts(a.scope.communities)},
            {"categories", texts(a.scope.categories)},
            {"kinds", texts(a.scope.kinds)}}},
          {"reviewers", texts(a.reviewers)}};
}

json::object sample_data(const AuditSample& s) {
  json::object o{{"seed", s.rules.seed},
                 {"population", s.draw.population},
                 {"case_ids", ids(s.draw.case_ids)},
                 {"forced", ids(s.draw.forced)}};
  if (s.rules.size) o["size"] = *s.rules.size;
  if (s.rules.share) o["share"] = *s.rules.share;
  json::array force_in;
  for (ForceIn r : s.rules.force_in) force_in.emplace_back(to_string(r));
  o["force_in"] = std::move(force_in);
  return o;
}

json::object finding_data(const AuditFinding& f) {
  return {{"finding_id", f.id},     {"case_id", f.case_id}, {"verdict", f.verdict},
          {"category", f.category}, {"comment", f.comment}, {"department", f.department}};
}

// A finding-level step that does not fit the finding's status.
Error finding_refusal(const Audit& a, const AuditFinding& f, std::string why) {
  Error e = Error::make(ErrorKind::not_allowed_in_state,
                        "finding " + std::to_string(f.id) + " is " + f.status + ": " + why);
  e.state = a.state;
  return e;
}

}  // namespace

AuditProgress progress_of(const Audit& a) {
  AuditProgress p{.state = a.state};
  if (a.sample) p.sampled = static_cast<std::int64_t>(a.sample->draw.case_ids.size());
  for (const AuditFinding& f : a.findings) {
    if (a.in_sample(f.case_id)) ++p.reviewed;
    if (f.verdict != kFindingDeficiency) continue;
    ++p.deficiencies;
    if (f.status == "open" || f.status == "sent_back") ++p.awaiting_answer;
    if (f.status == "answered") ++p.awaiting_review;
  }
  return p;
}

std::vector<PopulationCase> in_scope(std::vector<PopulationCase> population,
                                     const AuditScope& scope) {
  std::erase_if(population, [&](const PopulationCase& c) {
    return !listed(scope.communities, c.community) || !listed(scope.categories, c.category) ||
           !listed(scope.kinds, c.kind);
  });
  return population;
}

AuditService::AuditService(AuditStore& store, const AuditWorkflow& workflow,
                           const AuditPermissions& permissions, const Catalogue& catalogue,
                           std::vector<FindingCategory> categories, const Clock& clock,
                           UserAccountStore* accounts, CheckpointIssuer* checkpoints)
    : store_(store),
      workflow_(workflow),
      permissions_(permissions),
      catalogue_(catalogue),
      categories_(std::move(categories)),
      clock_(clock),
      accounts_(accounts),
      checkpoints_(checkpoints) {}

Status AuditService::check_reviewers(const std::vector<std::string>& reviewers) {
  if (reviewers.empty()) return Error::invalid_field("reviewers", "name at least one reviewer");
  std::vector<FieldError> errors;
  for (std::size_t i = 0; i < reviewers.size(); ++i) {
    const std::string path = "reviewers[" + std::to_string(i) + "]";
    if (std::count(reviewers.begin(), reviewers.end(), reviewers[i]) > 1) {
      errors.push_back({path, "is listed twice"});
    } else if (accounts_ != nullptr) {
      auto found = accounts_->find_credentials(reviewers[i]);
      if (!found) return found.error();
      if (!found.value()) errors.push_back({path, "is not a known user: " + reviewers[i]});
    }
  }
  if (!errors.empty()) return Error::invalid_fields(std::move(errors), "the audit is invalid");
  return Ok{};
}

Result<Audit> AuditService::create(const NewAudit& cmd, const Actor& actor,
                                   const IdempotencyKey* idem) {
  if (!permissions_.may_plan(actor)) {
    return Error::make(ErrorKind::forbidden, "the role '" + actor.role + "' may not plan audits");
  }
  std::vector<FieldError> errors;
  if (cmd.title.empty()) errors.push_back({"title", "is required"});
  if (cmd.period_to <= cmd.period_from) {
    errors.push_back({"period.to", "must be after period.from"});
  } else if (cmd.period_to - cmd.period_from > kMaxAuditPeriod) {
    errors.push_back({"period.to", "the period may cover at most two years"});
  }
  for (std::size_t i = 0; i < cmd.scope.kinds.size(); ++i) {
    if (!parse_case_kind(cmd.scope.kinds[i])) {
      errors.push_back({"scope.kinds[" + std::to_string(i) + "]", "must be dispute or request"});
    }
  }
  if (!errors.empty()) return Error::invalid_fields(std::move(errors), "the audit is invalid");
  if (Status s = check_reviewers(cmd.reviewers); !s) return s.error();

  Audit a;
  a.title = cmd.title;
  a.period_from = cmd.period_from;
  a.period_to = cmd.period_to;
  a.scope = cmd.scope;
  a.reviewers = cmd.reviewers;
  a.state = workflow_.graph().initial_state;
  a.version = 1;
  a.created_by = actor.username;
  a.created_at = a.updated_at = clock_.now();
  AuditHistoryEntry first;
  first.seq = 1;
  first.at = a.created_at;
  first.actor = actor.username;
  first.event = "plan";
  first.to_state = a.state;
  first.data = creation_data(a);
  return store_.insert_audit(std::move(a), std::move(first), idem);
}

Status AuditService::draw(Audit& next, const SampleRules& rules) {
  auto population = store_.cases_received(next.period_from, next.period_to, clock_.now());
  if (!population) return population.error();
  auto drawn = draw_sample(in_scope(std::move(population.value()), next.scope), rules);
  if (!drawn) return drawn.error();
  next.sample = AuditSample{rules, std::move(drawn.value()), clock_.now()};
  next.findings.clear();
  return Ok{};
}

Status AuditService::record_finding(Audit& next, const FindingDraft& d, const Actor& actor) {
  if (!next.in_sample(d.case_id)) {
    return Error::invalid_field(
        "case_id", "case " + std::to_string(d.case_id) + " is not in the audit's sample");
  }
  std::vector<FieldError> errors;
  const bool deficiency = d.verdict == kFindingDeficiency;
  if (!deficiency && d.verdict != kFindingConforming) {
    errors.push_back({"verdict", "must be conforming or deficiency"});
  }
  if (deficiency) {
    const bool known = std::any_of(categories_.begin(), categories_.end(),
                                   [&](const FindingCategory& c) { return c.code == d.category; });
    if (!known) errors.push_back({"category", "is not a finding category of config/audit.json"});
    if (catalogue_.find_department(d.department) == nullptr) {
      errors.push_back({"department", "is not a known department"});
    }
    if (d.comment.empty()) errors.push_back({"comment", "is required for a deficiency"});
  } else if (!d.category.empty() || !d.department.empty()) {
    errors.push_back({"category", "a conforming finding has no category or department"});
  }
  if (!errors.empty()) return Error::invalid_fields(std::move(errors), "the finding is invalid");

  const Millis now = clock_.now();
  AuditFinding* f = nullptr;
  for (AuditFinding& existing : next.findings) {
    if (existing.case_id == d.case_id) f = &existing;
  }
  if (f == nullptr) {
    f = &next.findings.emplace_back();
    f->id = static_cast<std::int64_t>(next.findings.size());
    f->case_id = d.case_id;
  }
  f->verdict = d.verdict;
  f->category = d.category;
  f->comment = d.comment;
  f->department = d.department;
  f->status = deficiency ? "open" : std::string(kFindingConforming);
  f->recorded_by = actor.username;
  f->recorded_at = f->updated_at = now;
  return Ok{};
}

Status AuditService::judge_finding(Audit& next, const AuditCommand& cmd, const Actor& actor) {
  auto it = std::find_if(next.findings.begin(), next.findings.end(),
                         [&](const AuditFinding& f) { return f.id == cmd.finding_id; });
  if (it == next.findings.end()) {
    return Error::invalid_field("finding_id",
                                "no finding " + std::to_string(cmd.finding_id) + " in this audit");
  }
  AuditFinding& f = *it;
  if (cmd.event == "answer_finding") {
    if (f.status != "open" && f.status != "sent_back") {
      return finding_refusal(next, f, "it awaits no answer");
    }
    if (!permissions_.may_answer(f, actor)) {
      return Error::make(ErrorKind::forbidden, "the finding is addressed to another department");
    }
    if (cmd.note.empty()) return Error::invalid_field("note", "the rectification note is required");
    f.answer = cmd.note;
    f.status = "answered";
  } else {
    if (f.status != "answered") return finding_refusal(next, f, "no answer awaits review");
    const bool back = cmd.event == "send_back";
    if (back && cmd.note.empty()) return Error::invalid_field("note", "say why it is sent back");
    f.review_comment = cmd.note;
    f.status = back ? "sent_back" : "accepted";
    if (back) ++f.send_backs;
  }
  f.updated_at = clock_.now();
  return Ok{};
}

Status AuditService::sign(Audit& next) {
  if (checkpoints_ == nullptr) return Ok{};
  auto ref = checkpoints_->checkpoint_covering(next.period_to);
  if (!ref) return ref.error();
  next.checkpoint = std::move(ref.value());
  return Ok{};
}

Result<AuditService::Change> AuditService::derive(const Audit& current, const AuditCommand& cmd,
                                                  const Actor& actor) {
  auto to = workflow_.next_state(progress_of(current), cmd.event);
  if (!to) {
    Error e = to.error();
    if (e.kind == ErrorKind::not_allowed_in_state)
      e.allowed_events = allowed_events(current, actor);
    return e;
  }
  Change change{current, {}};
  Audit& next = change.next;
  Status done = Ok{};
  if (cmd.event == "draw_sample") {
    done = draw(next, cmd.sample);
    if (done) change.data = sample_data(*next.sample);
  } else if (cmd.event == "record_finding") {
    done = record_finding(next, cmd.finding, actor);
    if (done) change.data = finding_data(*next.finding_for_case(cmd.finding.case_id));
  } else if (cmd.event == "answer_finding" || cmd.event == "accept_rectification" ||
             cmd.event == "send_back") {
    done = judge_finding(next, cmd, actor);
    change.data = {{"finding_id", cmd.finding_id}, {"note", cmd.note}};
  } else if (cmd.event == "sign_off") {
    done = sign(next);
    if (done && next.checkpoint) {
      change.data["checkpoint"] = {{"tree_size", next.checkpoint->tree_size},
                                   {"root_hash", next.checkpoint->root_hash},
                                   {"signed_at", next.checkpoint->signed_at}};
    }
  } else if (cmd.event == "cancel") {
    if (cmd.note.empty()) done = Error::invalid_field("note", "the reason is required");
    change.data = {{"reason", cmd.note}};
  } else if (cmd.event == "issue_findings") {
    const AuditProgress p = progress_of(current);
    change.data = {{"findings", p.reviewed}, {"deficiencies", p.deficiencies}};
  }
  if (!done) {
    Error e = done.error();
    if (e.kind == ErrorKind::not_allowed_in_state)
      e.allowed_events = allowed_events(current, actor);
    return e;
  }
  next.state = to.value();
  return change;
}

Result<Audit> AuditService::apply(AuditId id, const AuditCommand& cmd, const Actor& actor,
                                  const IdempotencyKey* idem) {
  const auto& events = workflow_.graph().events;
  if (std::none_of(events.begin(), events.end(),
                   [&](const auto& e) { return e.name == cmd.event; })) {
    return Error::invalid_field("event", "'" + cmd.event + "' is not an event of the audit");
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto found = store_.find_audit(id);
    if (!found) return found.error();
    if (!found.value() || !permissions_.sees(*found.value(), actor)) return no_audit();
    const Audit& current = *found.value();
    if (!permissions_.may_apply(current, cmd.event, actor)) {
      return Error::make(ErrorKind::forbidden, "'" + actor.username + "' may not apply '" +
                                                   cmd.event + "' to this audit");
    }
    if (cmd.if_match && *cmd.if_match != current.version) {
      return Error::make(ErrorKind::stale_version,
                         "the audit is at version " + std::to_string(current.version));
    }
    auto change = derive(current, cmd, actor);
    if (!change) return change.error();
    Audit& next = change.value().next;
    next.version = current.version + 1;
    next.updated_at = std::max(clock_.now(), current.updated_at);
    AuditHistoryEntry entry;
    entry.audit_id = current.id;
    entry.seq = next.version;
    entry.at = next.updated_at;
    entry.actor = actor.username;
    entry.event = cmd.event;
    entry.from_state = current.state;
    entry.to_state = next.state;
    entry.data = std::move(change.value().data);
    seal(entry, current.last_hash);
    next.last_hash = entry.hash;
    Status committed = store_.commit_audit(next, current.version, entry, idem);
    if (committed) return std::move(next);
    if (committed.error().kind != ErrorKind::version_conflict) return committed.error();
    if (cmd.if_match)
      return Error::make(ErrorKind::stale_version, "the audit changed concurrently");
  }
  return Error::make(ErrorKind::unavailable, "the audit is too busy; try again");
}

Result<Audit> AuditService::get(AuditId id, const Actor& actor) {
  auto found = store_.find_audit(id);
  if (!found) return found.error();
  if (!found.value() || !permissions_.sees(*found.value(), actor)) return no_audit();
  Audit a = std::move(*found.value());
  if (!permissions_.sees_all(actor) &&
      std::find(a.reviewers.begin(), a.reviewers.end(), actor.username) == a.reviewers.end()) {
    std::erase_if(a.findings,
                  [&](const AuditFinding& f) { return f.department != actor.department; });
  }
  return a;
}

Result<std::vector<Audit>> AuditService::list(const Actor& actor) {
  auto all = store_.list_audits();
  if (!all) return all.error();
  std::erase_if(all.value(), [&](const Audit& a) { return !permissions_.sees(a, actor); });
  return all;
}

Result<std::vector<AuditHistoryEntry>> AuditService::history(AuditId id, const Actor& actor) {
  if (auto found = get(id, actor); !found) return found.error();
  return store_.audit_history(id);
}

Result<std::optional<IdempotencyRecord>> AuditService::find_idempotent(const IdempotencyKey& key) {
  return store_.find_idempotency(key.user_id, key.scope, key.key);
}

Status AuditService::save_idempotent_answer(const IdempotencyKey& key, std::string_view answer) {
  return store_.save_idempotent_answer(key, answer);
}

std::vector<std::string> AuditService::allowed_events(const Audit& a, const Actor& actor) const {
  auto events = workflow_.allowed_events(progress_of(a));
  std::erase_if(events, [&](const std::string& e) { return !permissions_.may_apply(a, e, actor); });
  return events;
}

}  // namespace outpost
