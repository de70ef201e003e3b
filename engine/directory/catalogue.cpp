#include "engine/directory/catalogue.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <utility>

#include <boost/json/value.hpp>

#include "engine/core/json_fields.hpp"

namespace outpost {
namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 2> kKinds = {"dispute", "request"};
constexpr std::array<std::string_view, 5> kDurationUnits = {"m", "h", "wh", "wd", "d"};
constexpr std::size_t kMaxDurationDigits = 6;

// N + unit, N a positive integer without leading zeros, e.g. "30d", "3wd", "90m".
bool is_duration(std::string_view s) {
  const std::size_t digits = std::min(s.find_first_not_of("0123456789"), s.size());
  if (digits == 0 || digits > kMaxDurationDigits || s.front() == '0') return false;
  return std::find(kDurationUnits.begin(), kDurationUnits.end(), s.substr(digits)) !=
         kDurationUnits.end();
}

// Walks the document once, collecting every problem (see engine/core/json_fields.hpp).
class CatalogueParser : public JsonFields {
 public:
  std::vector<Department> departments;
  std::vector<Category> categories;
  int returns_before_arbitration = 2;

  void parse(const json::value& v) {
    const json::object* root = v.if_object();
    if (root == nullptr) {
      fail("$", "must be a JSON object");
      return;
    }
    if (const json::array* list = array(root->if_contains("departments"), "departments")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        department((*list)[i], "departments[" + std::to_string(i) + "]");
      }
    }
    policies(root->if_contains("policies"));
    const json::value* kinds = root->if_contains("categories");
    if (kinds == nullptr || !kinds->is_object()) {
      fail("categories", "must be a JSON object of category lists per kind");
      return;
    }
    for (const json::key_value_pair& kv : kinds->get_object()) {
      kind(kv.key(), kv.value(), "categories." + std::string(kv.key()));
    }
  }

 private:
  std::set<std::string, std::less<>> department_codes_;

  void department(const json::value& v, const std::string& path) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    Department d{text(*o, "code", path), text(*o, "name", path)};
    if (d.code.empty() || d.name.empty()) return;
    if (!department_codes_.insert(d.code).second) {
      fail(path + ".code", "department code \"" + d.code + "\" is listed twice");
      return;
    }
    departments.push_back(std::move(d));
  }

  void kind(std::string_view kind, const json::value& v, const std::string& path) {
    if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end()) {
      fail(path, "unknown case kind; expected \"dispute\" or \"request\"");
      return;
    }
    const json::array* list = array(&v, path);
    if (list == nullptr) return;
    std::set<std::string, std::less<>> codes;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      const json::object* o = object_at((*list)[i], item_path);
      if (o == nullptr) continue;
      Category c{std::string(kind), text(*o, "code", item_path), text(*o, "name", item_path),
                 text(*o, "default_department", item_path)};
      bool ok = !c.code.empty() && !c.name.empty() && !c.default_department.empty();
      if (!c.code.empty() && !codes.insert(c.code).second) {
        fail(item_path + ".code", "category code \"" + c.code + "\" is listed twice for this kind");
        ok = false;
      }
      if (!c.default_department.empty() && !department_codes_.contains(c.default_department)) {
        fail(item_path + ".default_department",
             "\"" + c.default_department + "\" is not a department code");
        ok = false;
      }
      ok = deadlines(o->if_contains("deadlines"), item_path + ".deadlines") && ok;
      if (const json::value* co = o->if_contains("co_handler")) {
        c.grid_leader_co_handles = co->is_string() && co->get_string() == "grid_leader";
        if (!c.grid_leader_co_handles) {
          fail(item_path + ".co_handler", "must be \"grid_leader\" when given");
          ok = false;
        }
      }
      if (ok) categories.push_back(std::move(c));
    }
  }

  void policies(const json::value* v) {
    if (v == nullptr) return;
    const json::object* o = object_at(*v, "policies");
    if (o == nullptr) return;
    if (const json::value* n = o->if_contains("returns_before_arbitration")) {
      if (!n->is_int64() || n->get_int64() < 1 || n->get_int64() > 10) {
        fail("policies.returns_before_arbitration", "must be a whole number from 1 to 10");
      } else {
        returns_before_arbitration = static_cast<int>(n->get_int64());
      }
    }
  }

  bool deadlines(const json::value* v, const std::string& path) {
    if (v == nullptr) return true;
    const json::object* o = object_at(*v, path);
    if (o == nullptr) return false;
    bool ok = true;
    for (const json::key_value_pair& kv : *o) {
      const json::string* s = kv.value().if_string();
      if (s == nullptr || !is_duration(*s)) {
        fail(path + "." + std::string(kv.key()),
             "must be a duration: a positive number and a unit m, h, wh, wd or d (e.g. \"3wd\")");
        ok = false;
      }
    }
    return ok;
  }
};

}  // namespace

Result<Catalogue> Catalogue::from_json(const boost::json::value& v) {
  CatalogueParser parser;
  parser.parse(v);
  if (Status s = parser.outcome("the catalogue document is invalid"); !s) return s.error();
  Catalogue c;
  c.departments_ = std::move(parser.departments);
  c.categories_ = std::move(parser.categories);
  c.returns_before_arbitration_ = parser.returns_before_arbitration;
  c.document_ = v;
  return c;
}

const Category* Catalogue::find_category(std::string_view kind, std::string_view code) const {
  auto it = std::find_if(categories_.begin(), categories_.end(),
                         [&](const Category& c) { return c.kind == kind && c.code == code; });
  return it == categories_.end() ? nullptr : &*it;
}

const Department* Catalogue::find_department(std::string_view code) const {
  auto it = std::find_if(departments_.begin(), departments_.end(),
                         [&](const Department& d) { return d.code == code; });
  return it == departments_.end() ? nullptr : &*it;
}

}  // namespace outpost
