// File: engine/audits/audit.hpp
//
// The quarterly audit (督查审计) as a plain value: its period and scope, its
// reviewers, the reproducible sample (engine/audits/sampling.hpp), the
// findings per sampled case with their rectification, and, once signed off,
// the history checkpoint it is bound to (engine/proof/checkpoint_ref.hpp).
// Its own hash-chained history (AuditHistoryEntry) is sealed like a case's
// (engine/cases/audit_chain.hpp), with "audit_id" in place of "case_id".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "engine/audits/sampling.hpp"
#include "engine/core/clock.hpp"
#include "engine/proof/checkpoint_ref.hpp"

namespace outpost {

using AuditId = std::int64_t;

// Which cases the audit looks at; an empty list does not restrict.
struct AuditScope {
  std::vector<std::string> communities, categories, kinds;
};

// The sample as drawn: the rules (seed, size or share, forced-in rules) and
// the result, so that anyone can redraw it and compare.
struct AuditSample {
  SampleRules rules;
  SampleDraw draw;
  Millis drawn_at = 0;
};

// A finding's rectification status. A conforming finding has none
// ("conforming"); a deficiency is open → answered → accepted, or answered →
// sent_back → answered … until accepted.
inline constexpr std::string_view kFindingConforming = "conforming";
inline constexpr std::string_view kFindingDeficiency = "deficiency";

struct AuditFinding {
  std::int64_t id = 0;  // 1, 2, … within the audit
  CaseId case_id = 0;
  std::string verdict;   // conforming | deficiency
  std::string category;  // a deficiency category (config/audit.json); empty when conforming
  std::string comment;
  std::string department;      // the department that answers for it (a deficiency)
  std::string status;          // conforming | open | answered | sent_back | accepted
  std::string answer;          // the department's latest rectification note
  std::string review_comment;  // the reviewer's latest word on the answer
  std::int64_t send_backs = 0;
  std::string recorded_by;
  Millis recorded_at = 0;
  Millis updated_at = 0;
};

struct Audit {
  AuditId id = 0;
  std::string number;  // SJ-2026-Q3-001: the quarter of period_from and a counter
  std::string title;
  Millis period_from = 0;  // inclusive
  Millis period_to = 0;    // exclusive
  AuditScope scope;
  std::vector<std::string> reviewers;  // usernames
  std::string state;
  std::int64_t version = 0;
  std::optional<AuditSample> sample;
  std::vector<AuditFinding> findings;       // by id
  std::optional<CheckpointRef> checkpoint;  // bound at sign-off
  std::string created_by;
  Millis created_at = 0;
  Millis updated_at = 0;
  std::string last_hash;

  const AuditFinding* finding_for_case(CaseId id) const;
  const AuditFinding* finding(std::int64_t id) const;
  bool in_sample(CaseId id) const;
};

// One row of an audit's append-only, hash-chained history.
struct AuditHistoryEntry {
  AuditId audit_id = 0;
  std::int64_t seq = 0;  // equals the audit version it produced
  Millis at = 0;
  std::string actor;
  std::string event;
  std::string from_state;  // empty for the creating row
  std::string to_state;
  boost::json::object data;
  std::string prev_hash;
  std::string hash;
};

// "SJ-2026-Q3-001".
std::string format_audit_number(Millis period_from, std::int64_t seq);
// The counter an audit number is drawn from: "audit-2026-Q3".
std::string audit_number_counter(Millis period_from);

// canonical JSON of the entry as audit_chain.hpp defines it, with the key
// "audit_id" instead of "case_id".
std::string canonical_form(const AuditHistoryEntry& e);
void seal(AuditHistoryEntry& e, std::string_view prev_hash);
// The seq of the first row that does not verify, or 0 when intact.
std::int64_t first_broken_link(const std::vector<AuditHistoryEntry>& entries);

}  // namespace outpost
