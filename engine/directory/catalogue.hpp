// File: engine/directory/catalogue.hpp
//
// The categories a case may have (per kind, zh-CN names, deadlines and default
// routing) and the departments cases are assigned to. adapters/config reads
// them from config/catalogue.json and builds the catalogue with make(), which
// applies the domain's rules; the engine then validates cases against it.
//
// Category kinds are "dispute" and "request". A category's deadlines map a step
// name to a duration written N + unit (m minutes, h hours, wh working hours, wd
// working days, d calendar days), e.g. {"accept", "1wd"}; make() checks the
// notation and the deadline code interprets it. make() refuses (ErrorKind::invalid,
// one FieldError per problem, named as the catalogue document names the entry:
// "departments[1].code", "categories.dispute[2].default_department") an empty
// code or name, a duplicate department code or category code within a kind, a
// default_department that is not a listed department, an unknown kind, a
// malformed deadline and returns_before_arbitration outside 1..10.
//
//   Category neighbour{.code = "neighbour", .name = "邻里纠纷", .default_department = "grid"};
//   auto c = Catalogue::make({{"grid", "网格"}}, {{"dispute", {neighbour}}});
//   if (c && c.value().find_category("dispute", "neighbour")) { … }
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/error.hpp"

namespace outpost {

struct Department {
  std::string code;
  std::string name;
};

struct Category {
  std::string kind;  // set by Catalogue::make from the category's list
  std::string code;
  std::string name;
  std::string default_department;
  // "co_handler": "grid_leader" — the leader of the case's grid co-handles it.
  bool grid_leader_co_handles = false;
  // "active": false — retired: no new case takes it (draft_case refuses it);
  // the cases that have it keep it, their routing and deadlines.
  bool active = true;
  // Step name → its limit in the duration notation, e.g. {"accept", "1wd"}.
  std::vector<std::pair<std::string, std::string>> deadlines;
};

// One kind's categories, in document order.
struct CategoryList {
  std::string kind;
  std::vector<Category> categories;
};

class Catalogue {
 public:
  Catalogue() = default;

  // The catalogue, by the rules above; entries are named by their index in
  // `departments` and in their kind's list.
  static Result<Catalogue> make(std::vector<Department> departments,
                                std::vector<CategoryList> kinds,
                                std::int64_t returns_before_arbitration = 2,
                                std::int64_t rework_rounds_before_escalation = 2);

  const Category* find_category(std::string_view kind, std::string_view code) const;
  const Department* find_department(std::string_view code) const;
  const std::vector<Department>& departments() const { return departments_; }
  // policies.returns_before_arbitration (default 2, 1..10): after this many
  // returns (退单) the next dispatch needs a supervisor (派单异议).
  int returns_before_arbitration() const { return returns_before_arbitration_; }
  // policies.rework_rounds_before_escalation (default 2, 0..10): a dispute's
  // dissatisfied 回访 sends it back to mediation (重新调解) this many times;
  // the next one escalates it (督办) instead (engine/cases/rework_policy.hpp).
  int rework_rounds_before_escalation() const { return rework_rounds_before_escalation_; }
  // All kinds, in document order.
  const std::vector<Category>& categories() const { return categories_; }

 private:
  std::vector<Department> departments_;
  std::vector<Category> categories_;
  int returns_before_arbitration_ = 2;
  int rework_rounds_before_escalation_ = 2;
};

}  // namespace outpost
