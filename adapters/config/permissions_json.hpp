// File: adapters/config/permissions_json.hpp
//
// config/permissions.json into the engine's Permissions (the document is
// described in config/README.md):
//
//   { "every_event": ["admin"], "handling_only": ["handler"],
//     "see_all_cases": ["desk", …], "see_confidential_cases": ["supervisor"],
//     "actions": { "create_case": ["desk", …], … },
//     "events": { "request": { "acknowledge": ["handler"], … }, "dispute": { … } } }
//
// Refuses (ErrorKind::invalid, one FieldError per problem, each naming its
// path, e.g. "events.request.acknowledge[1]" or "actions.reveal") a member the
// document does not have and a value of the wrong shape here, and what
// Permissions::make refuses (engine/access/permissions.hpp): a missing list, an
// unknown role, action, kind or event, a role listed twice, a writing auditor.
//
//   auto p = permissions_from_json(doc, builtin_workflows());
#pragma once

#include <boost/json/value.hpp>

#include "engine/access/permissions.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"

namespace outpost::config {

Result<Permissions> permissions_from_json(const boost::json::value& doc,
                                          const WorkflowRegistry& workflows);

}  // namespace outpost::config
