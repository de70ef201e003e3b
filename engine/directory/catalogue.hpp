// File: engine/directory/catalogue.hpp
//
// The categories a case may have (per kind, zh-CN names, deadlines and default
// routing) and the departments cases are assigned to. Loaded from
// config/catalogue.json by adapters/config; the engine only validates against it.
//
// JSON shape:
//   { "departments": [ {"code": "police", "name": "派出所"}, … ],
//     "policies": { "returns_before_arbitration": 2 },
//     "categories": { "dispute": [ {"code": "neighbour", "name": "邻里纠纷",
//                                   "default_department": "grid",
//                                   "co_handler": "grid_leader",
//                                   "deadlines": {…}}, … ],
//                     "request": [ … ] } }
//
// Category kinds are "dispute" and "request". "deadlines" maps a step name to a
// duration written N + unit (m minutes, h hours, wh working hours, wd working days,
// d calendar days), e.g. {"accept": "1wd", "mediation": "30d"}; the notation is
// checked here and interpreted by the deadline code. from_json refuses
// (ErrorKind::invalid, one FieldError per problem, with paths such as
// "categories.dispute[2].default_department") a missing or empty code or name, a
// duplicate department code or category code within a kind, a default_department
// that is not a listed department, an unknown kind and a malformed deadline.
// Other members (e.g. "description") are kept in document() and otherwise ignored.
//
//   auto c = Catalogue::from_json(boost::json::parse(text));
//   if (c && c.value().find_category("dispute", "neighbour")) { … }
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"

namespace outpost {

struct Department {
  std::string code;
  std::string name;
};

struct Category {
  std::string kind;
  std::string code;
  std::string name;
  std::string default_department;
  // "co_handler": "grid_leader" — the leader of the case's grid co-handles it.
  bool grid_leader_co_handles = false;
};

class Catalogue {
 public:
  static Result<Catalogue> from_json(const boost::json::value& v);

  const Category* find_category(std::string_view kind, std::string_view code) const;
  const Department* find_department(std::string_view code) const;
  const std::vector<Department>& departments() const { return departments_; }
  // policies.returns_before_arbitration (default 2, 1..10): after this many
  // returns (退单) the next dispatch needs a supervisor (派单异议).
  int returns_before_arbitration() const { return returns_before_arbitration_; }
  // All kinds, in document order.
  const std::vector<Category>& categories() const { return categories_; }
  // The document as loaded, for GET /api/v1/catalogue.
  const boost::json::value& document() const { return document_; }

 private:
  std::vector<Department> departments_;
  std::vector<Category> categories_;
  int returns_before_arbitration_ = 2;
  boost::json::value document_;
};

}  // namespace outpost
