// File: engine/audits/audit_service.hpp
//
// The use cases of the audit API, free of I/O: plan an audit, apply one event
// of its workflow (draw the sample, review, record findings, issue them, have
// departments answer, accept or send back, sign off, cancel), read audits,
// their sample and their history. Like CaseService: each change is checked
// (permissions, the workflow's rules, the event's data) before anything is
// written, then the audit and one sealed history row are committed in one
// version-checked transaction; If-Match names the version the caller saw; a
// lost race without If-Match is retried. Sign-off asks the CheckpointIssuer
// for the checkpoint covering the period's end and records it; without an
// issuer the audit is sealed with no checkpoint.
//
//   AuditService audits(store, builtin_audit_workflow(), permissions, catalogue,
//                       {{"record_incomplete", "调解记录不完整"}}, clock, &accounts, &issuer);
//   auto a = audits.create(NewAudit{…}, actor, nullptr);
//   AuditCommand draw{.event = "draw_sample", .sample = {.seed = 7, .size = 20}};
//   auto sampled = audits.apply(a.value().id, draw, actor, nullptr);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/access/users.hpp"
#include "engine/audits/audit.hpp"
#include "engine/audits/audit_permissions.hpp"
#include "engine/audits/audit_store.hpp"
#include "engine/audits/audit_workflow.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/proof/checkpoint_ref.hpp"

namespace outpost {

// The longest period an audit may cover.
inline constexpr Millis kMaxAuditPeriod = 731LL * 24 * 3600 * 1000;  // two years

// A deficiency category (config/audit.json).
struct FindingCategory {
  std::string code;
  std::string label;  // zh-CN
};

struct NewAudit {
  std::string title;
  Millis period_from = 0;  // inclusive
  Millis period_to = 0;    // exclusive
  AuditScope scope;
  std::vector<std::string> reviewers;
};

// What record_finding carries.
struct FindingDraft {
  CaseId case_id = 0;
  std::string verdict;  // conforming | deficiency
  std::string category;
  std::string comment;
  std::string department;
};

// One event for one audit. Which members an event reads:
//   draw_sample           sample (seed; size or share; force_in)
//   record_finding        finding
//   answer_finding        finding_id, note (the rectification note)
//   accept_rectification  finding_id, note (optional comment)
//   send_back             finding_id, note (why)
//   cancel                note (the reason)
struct AuditCommand {
  std::string event;
  SampleRules sample;
  FindingDraft finding;
  std::int64_t finding_id = 0;
  std::string note;
  std::optional<std::int64_t> if_match;
};

class AuditService {
 public:
  // `accounts` checks that reviewers are known users (none: not checked);
  // `checkpoints` may be null (sign-off binds no checkpoint).
  AuditService(AuditStore& store, const AuditWorkflow& workflow,
               const AuditPermissions& permissions, const Catalogue& catalogue,
               std::vector<FindingCategory> categories, const Clock& clock,
               UserAccountStore* accounts = nullptr, CheckpointIssuer* checkpoints = nullptr);

  // invalid: empty title, reversed or empty period, a period over two years,
  // no reviewer, an unknown reviewer, an unknown kind; forbidden when the
  // actor may not plan audits.
  Result<Audit> create(const NewAudit& cmd, const Actor& actor, const IdempotencyKey* idem);
  // not_found when unknown or not visible; forbidden when the actor may not
  // apply the event; not_allowed_in_state (with allowed_events) for a wrong
  // step; invalid for bad event data (a finding on a case not in the sample,
  // an unknown category, …); stale_version for a stale If-Match.
  Result<Audit> apply(AuditId id, const AuditCommand& cmd, const Actor& actor,
                      const IdempotencyKey* idem);
  // The audit as the actor may see it (a department sees only its findings).
  Result<Audit> get(AuditId id, const Actor& actor);
  Result<std::vector<Audit>> list(const Actor& actor);
  Result<std::vector<AuditHistoryEntry>> history(AuditId id, const Actor& actor);
  Result<std::optional<IdempotencyRecord>> find_idempotent(const IdempotencyKey& key);
  Status save_idempotent_answer(const IdempotencyKey& key, std::string_view answer);

  // The events the workflow allows now that the actor may apply.
  std::vector<std::string> allowed_events(const Audit& a, const Actor& actor) const;
  const AuditWorkflow& workflow() const { return workflow_; }
  const std::vector<FindingCategory>& categories() const { return categories_; }

 private:
  struct Change {
    Audit next;
    boost::json::object data;
  };
  Result<Change> derive(const Audit& current, const AuditCommand& cmd, const Actor& actor);
  Status draw(Audit& next, const SampleRules& rules);
  Status record_finding(Audit& next, const FindingDraft& draft, const Actor& actor);
  Status judge_finding(Audit& next, const AuditCommand& cmd, const Actor& actor);
  Status sign(Audit& next);
  Status check_reviewers(const std::vector<std::string>& reviewers);

  AuditStore& store_;
  const AuditWorkflow& workflow_;
  const AuditPermissions& permissions_;
  const Catalogue& catalogue_;
  std::vector<FindingCategory> categories_;
  const Clock& clock_;
  UserAccountStore* accounts_;
  CheckpointIssuer* checkpoints_;
};

// What the machine's rules read from an audit.
AuditProgress progress_of(const Audit& a);
// The cases of `population` inside `scope`.
std::vector<PopulationCase> in_scope(std::vector<PopulationCase> population,
                                     const AuditScope& scope);

}  // namespace outpost
