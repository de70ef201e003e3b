#include "engine/directory/catalogue.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <utility>

#include "engine/cases/case.hpp"
#include "engine/deadlines/calendar.hpp"

namespace outpost {
namespace {

constexpr std::string_view kEmpty = "must be a non-empty string";

// Collects the problems of one catalogue, each at its document path.
class CatalogueCheck {
 public:
  std::vector<FieldError> errors;

  void department(const Department& d, const std::string& path) {
    if (d.code.empty()) fail(path + ".code", std::string(kEmpty));
    if (d.name.empty()) fail(path + ".name", std::string(kEmpty));
    if (!d.code.empty() && !department_codes_.insert(d.code).second) {
      fail(path + ".code", "department code \"" + d.code + "\" is listed twice");
    }
  }

  void kind(const CategoryList& list, const std::string& path) {
    if (!parse_case_kind(list.kind)) {
      fail(path, "unknown case kind; expected \"dispute\" or \"request\"");
      return;
    }
    std::set<std::string, std::less<>> codes;
    for (std::size_t i = 0; i < list.categories.size(); ++i) {
      category(list.categories[i], path + "[" + std::to_string(i) + "]", codes);
    }
  }

 private:
  std::set<std::string, std::less<>> department_codes_;

  void fail(std::string field, std::string message) {
    errors.push_back({std::move(field), std::move(message)});
  }

  void category(const Category& c, const std::string& path,
                std::set<std::string, std::less<>>& codes) {
    for (auto [member, value] : {std::pair{"code", &c.code}, std::pair{"name", &c.name},
                                 std::pair{"default_department", &c.default_department}}) {
      if (value->empty()) fail(path + "." + member, std::string(kEmpty));
    }
    if (!c.code.empty() && !codes.insert(c.code).second) {
      fail(path + ".code", "category code \"" + c.code + "\" is listed twice for this kind");
    }
    if (!c.default_department.empty() && !department_codes_.contains(c.default_department)) {
      fail(path + ".default_department",
           "\"" + c.default_department + "\" is not a department code");
    }
    for (const auto& [step, limit] : c.deadlines) {
      if (!parse_duration(limit)) {
        fail(path + ".deadlines." + step,
             "must be a duration: a positive number and a unit m, h, wh, wd or d (e.g. \"3wd\")");
      }
    }
  }
};

}  // namespace

Result<Catalogue> Catalogue::make(std::vector<Department> departments,
                                  std::vector<CategoryList> kinds,
                                  std::int64_t returns_before_arbitration,
                                  std::int64_t rework_rounds_before_escalation) {
  CatalogueCheck check;
  for (std::size_t i = 0; i < departments.size(); ++i) {
    check.department(departments[i], "departments[" + std::to_string(i) + "]");
  }
  for (const CategoryList& list : kinds) check.kind(list, "categories." + list.kind);
  if (returns_before_arbitration < 1 || returns_before_arbitration > 10) {
    check.errors.push_back(
        {"policies.returns_before_arbitration", "must be a whole number from 1 to 10"});
  }
  if (rework_rounds_before_escalation < 0 || rework_rounds_before_escalation > 10) {
    check.errors.push_back(
        {"policies.rework_rounds_before_escalation", "must be a whole number from 0 to 10"});
  }
  if (!check.errors.empty()) {
    return Error::invalid_fields(std::move(check.errors), "the catalogue is invalid");
  }
  Catalogue c;
  c.departments_ = std::move(departments);
  for (CategoryList& list : kinds) {
    for (Category& category : list.categories) {
      category.kind = list.kind;
      c.categories_.push_back(std::move(category));
    }
  }
  c.returns_before_arbitration_ = static_cast<int>(returns_before_arbitration);
  c.rework_rounds_before_escalation_ = static_cast<int>(rework_rounds_before_escalation);
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
