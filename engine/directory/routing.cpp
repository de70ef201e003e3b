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

}  // namespace

Status route(const Case& c, const Catalogue& catalogue, EventPayload& payload,
             const GridLeaderLookup& grid_leader) {
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
  payload.erase("co_handlers");  // never taken from the client
  if (category != nullptr && category->grid_leader_co_handles && grid_leader) {
    if (auto leader = grid_leader(c.location.grid)) {
      payload.set("co_handlers", std::vector<std::string>{*leader});
    }
  }
  return Ok{};
}

}  // namespace outpost
