#include "engine/directory/routing.hpp"

#include <algorithm>
#include <set>

namespace outpost {

bool is_routing_event(std::string_view event) {
  return event == "dispatch" || event == "assign";
}

namespace {

// The co-departments as a de-duplicated list without the lead.
Result<std::vector<std::string>> co_departments_of(const EventPayload& payload,
                                                   const Catalogue& catalogue,
                                                   std::string_view lead) {
  std::vector<std::string> out;
  if (!payload.given("co_departments")) return out;
  const std::vector<std::string>* codes = payload.text_list("co_departments");
  if (codes == nullptr) {
    return Error::invalid_field("co_departments", "must be a list of department codes");
  }
  std::set<std::string, std::less<>> seen;
  for (const std::string& code : *codes) {
    if (!catalogue.find_department(code)) {
      return Error::invalid_field("co_departments", "must be a list of known department codes");
    }
    if (code != lead && seen.insert(code).second) out.push_back(code);
  }
  return out;
}

// One assignee: on the roster, active, and in one of the handling departments.
Status check_assignee(const StaffLookup& staff, const std::string& id, const std::string& field,
                      const EventPayload& payload) {
  auto found = staff(id);
  if (!found) return found.error();
  if (!found.value())
    return Error::invalid_field(field, "no staff member " + id + " on the roster");
  const RosterEntry& m = *found.value();
  if (!m.active) return Error::invalid_field(field, "staff member " + id + " is inactive");
  const std::vector<std::string>* co = payload.text_list("co_departments");
  const bool handles =
      m.department == payload.text("department") ||
      (co != nullptr && std::find(co->begin(), co->end(), m.department) != co->end());
  if (!handles) {
    return Error::invalid_field(field, "staff member " + id + " is not in department " +
                                           std::string(payload.text("department")) +
                                           " or a co-department");
  }
  return Ok{};
}

Status check_assignees(const StaffLookup& staff, const EventPayload& payload) {
  if (!staff) return Ok{};
  if (const std::vector<std::string>* list = payload.text_list("assignees")) {
    for (const std::string& id : *list) {
      if (Status s = check_assignee(staff, id, "assignees", payload); !s) return s;
    }
  }
  if (const PayloadValue* one = payload.find("assignee");
      one != nullptr && std::holds_alternative<std::string>(*one)) {
    return check_assignee(staff, std::get<std::string>(*one), "assignee", payload);
  }
  return Ok{};
}

}  // namespace

Status route(const Case& c, const Catalogue& catalogue, EventPayload& payload,
             const GridLeaderLookup& grid_leader, const StaffLookup& staff) {
  const Category* category = catalogue.find_category(to_string(c.kind), c.category);
  if (!payload.given("department")) {
    if (category == nullptr)
      return Error::invalid_field("department", "is required: no routing rule for the category");
    payload.set("department", category->default_department);
    payload.set("routed_by", std::string("rule"));
  } else if (!catalogue.find_department(payload.text("department"))) {
    return Error::invalid_field("department", "unknown department code");
  } else {
    payload.set("routed_by", std::string("dispatcher"));
  }
  auto co = co_departments_of(payload, catalogue, payload.text("department"));
  if (!co) return co.error();
  if (co.value().empty()) {
    payload.erase("co_departments");
  } else {
    payload.set("co_departments", std::move(co.value()));
  }
  if (Status s = check_assignees(staff, payload); !s) return s;
  payload.erase("co_handlers");  // never taken from the client
  if (category != nullptr && category->grid_leader_co_handles && grid_leader) {
    if (auto leader = grid_leader(c.location.grid)) {
      payload.set("co_handlers", std::vector<std::string>{*leader});
    }
  }
  return Ok{};
}

}  // namespace outpost
