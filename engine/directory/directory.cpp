#include "engine/directory/directory.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace outpost {
namespace {

constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxCodeLength = 32;
constexpr std::size_t kMaxNameBytes = 200;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// A staff id: letters, digits, '.', '_', '-'; starts with a letter or digit.
bool is_staff_id(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdLength && is_alnum(s.front()) &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

// A department or role code: lower-case letters, digits and '_'.
bool is_code(std::string_view s) {
  return !s.empty() && s.size() <= kMaxCodeLength && is_lower_alnum(s.front()) &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_lower_alnum(c) || c == '_'; });
}

bool is_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNameBytes &&
         s.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

bool department_listed(const std::vector<DepartmentEntry>& departments, std::string_view code) {
  return std::any_of(departments.begin(), departments.end(),
                     [&](const DepartmentEntry& d) { return d.code == code; });
}

}  // namespace

std::vector<DepartmentEntry> departments_of(const Catalogue& catalogue) {
  std::vector<DepartmentEntry> out;
  for (const Department& d : catalogue.departments()) out.push_back({d.code, d.name, true});
  return out;
}

std::vector<FieldError> check_department(const DepartmentEntry& d, std::string_view prefix) {
  std::vector<FieldError> errors;
  if (!is_code(d.code)) {
    errors.push_back({field_path(prefix, "code"),
                      "must be 1 to 32 lower-case letters, digits or '_', starting with a letter "
                      "or digit"});
  }
  if (!is_name(d.name)) {
    errors.push_back({field_path(prefix, "name"), "must be a non-empty name of at most 200 bytes"});
  }
  return errors;
}

std::vector<FieldError> check_staff(const StaffMember& s,
                                    const std::vector<DepartmentEntry>& departments,
                                    const Jurisdiction& jurisdiction, std::string_view prefix) {
  std::vector<FieldError> errors;
  const auto fail = [&](std::string_view member, std::string message) {
    errors.push_back({field_path(prefix, member), std::move(message)});
  };
  if (!is_staff_id(s.id)) {
    fail("id",
         "must be 1 to 64 ASCII letters, digits, '.', '_' or '-', starting with a letter "
         "or digit");
  }
  if (!is_name(s.name)) fail("name", "must be a non-empty name of at most 200 bytes");
  if (!department_listed(departments, s.department)) {
    fail("department", "\"" + s.department + "\" is not a department");
  }
  if (!is_code(s.role)) fail("role", "must be 1 to 32 lower-case letters, digits or '_'");
  const bool grid_known = !jurisdiction.community_of_grid(s.grid).empty();
  if (!s.grid.empty() && !grid_known) {
    fail("grid", "\"" + s.grid + "\" is not a grid of the jurisdiction");
  }
  if (!s.micro_grid.empty()) {
    const std::string_view owner = jurisdiction.grid_of_micro_grid(s.micro_grid);
    if (owner.empty()) {
      fail("micro_grid", "\"" + s.micro_grid + "\" is not a micro-grid of the jurisdiction");
    } else if (s.grid.empty()) {
      fail("grid", "is required with a micro_grid (\"" + std::string(owner) + "\")");
    } else if (grid_known && owner != s.grid) {
      fail("micro_grid", "\"" + s.micro_grid + "\" is not a micro-grid of grid \"" + s.grid +
                             "\" (it belongs to \"" + std::string(owner) + "\")");
    }
  }
  if (s.role == kGridLeaderRole && s.grid.empty()) fail("grid", "is required for a grid_leader");
  if (s.role == kGridWorkerRole && s.micro_grid.empty()) {
    fail("micro_grid", "is required for a grid_worker");
  }
  return errors;
}

Result<std::vector<StaffMember>> make_roster(std::vector<StaffMember> members,
                                             const std::vector<DepartmentEntry>& departments,
                                             const Jurisdiction& jurisdiction) {
  std::vector<FieldError> errors;
  std::set<std::string, std::less<>> ids;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const StaffMember& s = members[i];
    const std::string path = "staff[" + std::to_string(i) + "]";
    std::vector<FieldError> problems = check_staff(s, departments, jurisdiction, path);
    if (!s.id.empty() && !ids.insert(s.id).second) {
      problems.push_back({path + ".id", "staff id \"" + s.id + "\" is listed twice"});
    }
    errors.insert(errors.end(), problems.begin(), problems.end());
  }
  if (!errors.empty())
    return Error::invalid_fields(std::move(errors), "the staff roster is invalid");
  return members;
}

bool may_administer_directory(const Actor& actor) {
  return actor.role == "admin" || actor.role == "supervisor";
}

Status Directory::authorise(const Actor& actor) const {
  if (permissions_ != nullptr) return permissions_->check(Action::manage_directory, actor);
  if (may_administer_directory(actor)) return Ok{};
  return Error::make(ErrorKind::forbidden,
                     "only an admin or a supervisor may change departments and staff");
}

Result<StaffMember> Directory::create_staff(const StaffMember& member, const Actor& actor) {
  if (Status s = authorise(actor); !s) return s.error();
  auto departments = store_.list_departments();
  if (!departments) return departments.error();
  std::vector<FieldError> problems = check_staff(member, departments.value(), jurisdiction_);
  if (!problems.empty())
    return Error::invalid_fields(std::move(problems), "the staff member is not valid");
  if (Status s = store_.create_staff(member); !s) return s.error();
  return member;
}

Result<StaffMember> Directory::update_staff(std::string_view id, const StaffChange& change,
                                            const Actor& actor) {
  if (Status s = authorise(actor); !s) return s.error();
  auto found = store_.find_staff(id);
  if (!found) return found.error();
  if (!found.value()) return Error::make(ErrorKind::not_found, "no staff member with this id");
  StaffMember s = *found.value();
  const bool only_active = change.active && !change.name && !change.department && !change.role &&
                           !change.grid && !change.micro_grid;
  if (only_active) {
    if (Status st = store_.set_staff_active(id, *change.active); !st) return st.error();
    s.active = *change.active;
    return s;
  }
  s.name = change.name.value_or(s.name);
  s.department = change.department.value_or(s.department);
  s.role = change.role.value_or(s.role);
  s.grid = change.grid.value_or(s.grid);
  s.micro_grid = change.micro_grid.value_or(s.micro_grid);
  s.active = change.active.value_or(s.active);
  auto departments = store_.list_departments();
  if (!departments) return departments.error();
  std::vector<FieldError> problems = check_staff(s, departments.value(), jurisdiction_);
  if (!problems.empty())
    return Error::invalid_fields(std::move(problems), "the staff member is not valid");
  if (Status st = store_.upsert_staff(s); !st) return st.error();
  return s;
}

Result<Directory::PutDepartment> Directory::put_department(std::string_view code,
                                                           const DepartmentChange& change,
                                                           const Actor& actor) {
  if (Status s = authorise(actor); !s) return s.error();
  auto departments = store_.list_departments();
  if (!departments) return departments.error();
  auto it = std::find_if(departments.value().begin(), departments.value().end(),
                         [&](const DepartmentEntry& d) { return d.code == code; });
  const bool created = it == departments.value().end();
  if (created && !change.name) {
    return Error::invalid_field("name", "is required for a new department");
  }
  DepartmentEntry d = created ? DepartmentEntry{std::string(code), {}, true} : *it;
  d.name = change.name.value_or(d.name);
  d.active = change.active.value_or(d.active);
  std::vector<FieldError> problems = check_department(d);
  if (!problems.empty())
    return Error::invalid_fields(std::move(problems), "the department is not valid");
  if (Status s = store_.upsert_department(d); !s) return s.error();
  return PutDepartment{std::move(d), created};
}

Result<std::vector<StaffMember>> Directory::list_staff(const StaffFilter& filter) {
  std::vector<FieldError> problems;
  if (filter.department) {
    auto departments = store_.list_departments();
    if (!departments) return departments.error();
    if (!department_listed(departments.value(), *filter.department)) {
      problems.push_back({"department", "\"" + *filter.department + "\" is not a department"});
    }
  }
  if (filter.grid && jurisdiction_.community_of_grid(*filter.grid).empty()) {
    problems.push_back({"grid", "\"" + *filter.grid + "\" is not a grid of the jurisdiction"});
  }
  if (filter.role && !is_code(*filter.role)) {
    problems.push_back({"role", "must be 1 to 32 lower-case letters, digits or '_'"});
  }
  if (!problems.empty())
    return Error::invalid_fields(std::move(problems), "the query has invalid parameters");
  return store_.list_staff(filter);
}

}  // namespace outpost
