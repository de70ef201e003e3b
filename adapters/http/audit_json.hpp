// File: adapters/http/audit_json.hpp
//
// The audit API's JSON (adapters/http/openapi.json, docs/AUDITS.md): request
// bodies read into the engine's typed commands (NewAudit, AuditCommand), and
// audits, samples and history rows written with the zh-CN labels of their
// states, events and finding categories. Only the wire's shape is judged
// here (types, required members); the engine judges the domain.
//
//   auto cmd = read_audit_command(body.as_object());   // invalid: field errors
//   json::object out = audit_to_json(audit, view);
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "engine/audits/audit.hpp"
#include "engine/audits/audit_service.hpp"
#include "engine/audits/audit_workflow.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

// {"title", "period": {"from", "to"} (RFC 3339; from inclusive, to
// exclusive), "scope": {"communities", "categories", "kinds"} (optional),
// "reviewers": [usernames]}.
Result<NewAudit> read_new_audit(const boost::json::value& body);

// {"event", and the event's members: seed, size | share, force_in;
// case_id, verdict, category, comment, department; finding_id, note}.
Result<AuditCommand> read_audit_command(const boost::json::object& body);

struct AuditView {
  const AuditWorkflow& workflow;
  const std::vector<FindingCategory>& categories;
  std::vector<std::string> allowed_events;
};

boost::json::object audit_to_json(const Audit& a, const AuditView& view);
// The audit's sample: rules, population, strata and the case ids.
boost::json::object sample_to_json(const Audit& a);
// The machine's graph with zh-CN labels, shaped like a case workflow's.
boost::json::object audit_graph_to_json(const AuditGraph& g);
boost::json::object audit_history_to_json(const AuditHistoryEntry& e, const AuditWorkflow& wf);

}  // namespace outpost::http
