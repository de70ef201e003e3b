// File: adapters/config/catalogue_json.hpp
//
// config/catalogue.json into the engine's Catalogue and DeadlinePolicy:
//
//   { "departments": [ {"code": "police", "name": "派出所"}, … ],
//     "policies": { "returns_before_arbitration": 2,
//                   "deadlines": { "warn_at": 0.8, "escalate_after": "1wh",
//                                  "steps": { "request": { "dispatched": "acknowledge" } },
//                                  "holds": { "request": ["on_hold"] } } },
//     "categories": { "dispute": [ {"code": "neighbour", "name": "邻里纠纷",
//                                   "default_department": "grid",
//                                   "co_handler": "grid_leader",
//                                   "deadlines": {"accept": "1wd"}}, … ],
//                     "request": [ … ] } }
//
// Both refuse a document with ErrorKind::invalid and one FieldError per
// problem, named by its path ("categories.dispute[2].default_department"):
// the shape is checked here, the domain's rules by the engine (see
// engine/directory/catalogue.hpp and engine/deadlines/deadlines.hpp). Other
// members (e.g. "description") are ignored, and served as they are. A
// category's optional "active": false retires it (no new cases). The
// document in force is the database's newest edition (config/catalogue.json
// only seeds it: engine/directory/catalogue_service.hpp).
//
//   auto catalogue = catalogue_from_json(doc);
//   auto policy = deadline_policy_from_json(doc, catalogue.value());
#pragma once

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/deadlines/deadlines.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/catalogue_service.hpp"

namespace outpost::config {

Result<Catalogue> catalogue_from_json(const boost::json::value& doc);

// policies.deadlines, with the limits of `catalogue`'s categories.
Result<DeadlinePolicy> deadline_policy_from_json(const boost::json::value& doc,
                                                 const Catalogue& catalogue);

// A catalogue document as JSON text (a stored edition, PUT /api/v1/catalogue):
// both of the above; malformed when the text is not JSON.
Result<ParsedCatalogue> parse_catalogue_document(const std::string& text);

}  // namespace outpost::config
