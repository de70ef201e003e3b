#include "engine/directory/routing.hpp"

#include <algorithm>
#include <set>

namespace outpost {
namespace json = boost::json;

bool is_routing_event(std::string_view event) {
  return event == "dispatch" || event == "assign";
}

namespace {

// The co-departments as a de-duplicated list without the lead.
Result<json::array> co_departments_of(const json::object& payload, const Catalogue& catalogue,
                                      std::string_view lead) {
  json::array out;
  const json::value* v = payload.if_contains("co_departments");
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array())
    return Error::invalid_field("co_departments", "must be a list of department codes");
  std::set<std::string, std::less<>> seen;
  for (const json::value& item : v->get_array()) {
    if (!item.is_string() || !catalogue.find_department(item.get_string())) {
      return Error::invalid_field("co_departments", "must be a list of known department codes");
    }
    const std::string code(item.get_string());
    if (code != lead && seen.insert(code).second) out.emplace_back(json::string(code));
  }
  return out;
}

}  // namespace

Status route(const Case& c, const Catalogue& catalogue, json::object& payload,
             const GridLeaderLookup& grid_leader) {
  const Category* category = catalogue.find_category(c.kind, c.category);
  const json::value* given = payload.if_contains("department");
  if (given == nullptr || given->is_null()) {
    if (category == nullptr)
      return Error::invalid_field("department", "is required: no routing rule for the category");
    payload["department"] = category->default_department;
    payload["routed_by"] = "rule";
  } else if (!given->is_string() || !catalogue.find_department(given->get_string())) {
    return Error::invalid_field("department", "unknown department code");
  } else {
    payload["routed_by"] = "dispatcher";
  }
  auto co = co_departments_of(payload, catalogue, payload["department"].get_string());
  if (!co) return co.error();
  if (co.value().empty()) {
    payload.erase("co_departments");
  } else {
    payload["co_departments"] = std::move(co.value());
  }
  payload.erase("co_handlers");  // never taken from the client
  if (category != nullptr && category->grid_leader_co_handles && grid_leader) {
    if (auto leader = grid_leader(c.location.grid))
      payload["co_handlers"] = json::array{json::string(*leader)};
  }
  return Ok{};
}

}  // namespace outpost
