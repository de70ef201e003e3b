// File: adapters/config/audit_json.hpp
//
// The audit's configuration into engine values (both described in
// config/README.md):
//
//   config/audit.json:        { "finding_categories": [ {"code": "other", "label": "其他"}, … ] }
//   config/permissions.json:  { …, "audits": { "plan": [...], "read_all": [...],
//                               "read_department": [...], "department_only": [...],
//                               "events": { "draw_sample": [...], … } } }
//
// Refuses (ErrorKind::invalid, one FieldError per problem with its path, e.g.
// "finding_categories[2].label" or "audits.events.sign_off") a missing or
// ill-shaped member, an empty or duplicate category code, and what
// AuditPermissions::make refuses.
#pragma once

#include <vector>

#include <boost/json/value.hpp>

#include "engine/audits/audit_permissions.hpp"
#include "engine/audits/audit_service.hpp"
#include "engine/core/error.hpp"

namespace outpost::config {

Result<std::vector<FindingCategory>> finding_categories_from_json(const boost::json::value& doc);
// Reads the "audits" member of the permissions document.
Result<AuditPermissions> audit_permissions_from_json(const boost::json::value& permissions_doc,
                                                     const AuditWorkflow& workflow);

}  // namespace outpost::config
