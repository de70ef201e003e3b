// File: engine/directory/routing.hpp
//
// Who handles a case when it is dispatched (request) or assigned (dispute).
// Without an explicit `department` the catalogue's rule for the category
// picks it; with one, the dispatcher's choice wins. Either way the decision
// is written into the event payload, so the history records it:
//
//   routed_by      "rule" or "dispatcher"
//   department     the lead department (首接负责: it owns the deadline)
//   co_departments further departments handling jointly (联合调处), validated
//   co_handlers    the grid leader of the case's grid, when the category says so
//
//   EventPayload payload = cmd.payload;
//   if (Status s = route(c, catalogue, payload, leader_of); !s) return s.error();
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/cases/case.hpp"
#include "engine/cases/event_payload.hpp"
#include "engine/core/error.hpp"
#include "engine/directory/catalogue.hpp"

namespace outpost {

// The staff id of the active leader of a grid, if there is one.
using GridLeaderLookup = std::function<std::optional<std::string>(std::string_view grid)>;

// What routing needs of a roster member (engine/directory/directory.hpp).
struct RosterEntry {
  std::string department;
  bool active = true;
};
// A staff member by id, active or not; nullopt when the roster has none.
using StaffLookup = std::function<Result<std::optional<RosterEntry>>(std::string_view id)>;

// True for the events that route a case: "dispatch" and "assign".
bool is_routing_event(std::string_view event);

// Completes `payload` for a routing event as described above. `invalid` when
// a department code is unknown or co_departments is not a list of codes.
// With a `staff` lookup, every assignee ("assignees" of assign, "assignee"
// of dispatch) must be an active member of the roster in the lead department
// or one of the co-departments; otherwise `invalid` naming that field.
Status route(const Case& c, const Catalogue& catalogue, EventPayload& payload,
             const GridLeaderLookup& grid_leader, const StaffLookup& staff = {});

}  // namespace outpost
