// File: adapters/config/staff_json.hpp
//
// A staff member as JSON, the shape shared by config/staff.json and the body
// of POST /api/v1/staff: id, name, department, role (strings), grid and
// micro_grid (string or null, optional), active (bool, default true). Wrong
// types and unknown members (a "phone" included) are field errors here; the
// references are the engine's to check (check_staff, make_roster in
// engine/directory/directory.hpp).
//
//   auto member = staff_from_json(body);      // invalid: "department is required"
//   auto roster = roster_from_json(doc, catalogue, jurisdiction);  // "staff[12].grid"
#pragma once

#include <vector>

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/directory.hpp"
#include "engine/directory/jurisdiction.hpp"

namespace outpost::config {

// One member; a body that is not an object is refused at "body".
Result<StaffMember> staff_from_json(const boost::json::value& v);

// config/staff.json: {"staff": [ {staff member}, … ]}, refused as a whole
// (one field error per problem) when any member is malformed or make_roster
// refuses it against the catalogue's departments and the jurisdiction.
Result<std::vector<StaffMember>> roster_from_json(const boost::json::value& doc,
                                                  const Catalogue& catalogue,
                                                  const Jurisdiction& jurisdiction);

}  // namespace outpost::config
