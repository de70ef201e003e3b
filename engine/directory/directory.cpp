#include "engine/directory/directory.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include <boost/json/object.hpp>

#include "engine/core/json_fields.hpp"

namespace outpost {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxIdLength = 64;
constexpr std::size_t kMaxCodeLength = 32;
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::array<std::string_view, 7> kStaffMembers = {
    "id", "name", "department", "role", "grid", "micro_grid", "active"};
constexpr std::array<std::string_view, 6> kPatchMembers = {"name", "department", "role",
                                                           "grid", "micro_grid", "active"};
constexpr std::array<std::string_view, 2> kDepartmentMembers = {"name", "active"};

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

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

Error invalid(std::vector<FieldError> fields, std::string message) {
  Error e = Error::make(ErrorKind::invalid, std::move(message));
  e.fields = std::move(fields);
  return e;
}

// Reads typed members of one JSON object, collecting every problem.
class Members {
 public:
  Members(const json::object& o, std::string_view prefix) : o_(o), prefix_(prefix) {}

  std::vector<FieldError> errors;

  template <std::size_t N>
  void refuse_unknown(const std::array<std::string_view, N>& known, std::string_view what) {
    for (const json::key_value_pair& kv : o_) {
      if (!listed(known, kv.key())) {
        errors.push_back(
            {field_path(prefix_, kv.key()), "is not a member of " + std::string(what)});
      }
    }
  }

  bool has(std::string_view key) const { return o_.contains(key); }

  // A string member; nullopt (and an error when required) otherwise.
  std::optional<std::string> text(std::string_view key, bool required) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) {
      if (required) errors.push_back({field_path(prefix_, key), "is required"});
      return std::nullopt;
    }
    if (!v->is_string()) {
      errors.push_back({field_path(prefix_, key), "must be a string"});
      return std::nullopt;
    }
    return std::string(v->get_string());
  }

  // A string or null member; null reads as "".
  std::optional<std::string> nullable_text(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v != nullptr && v->is_null()) return std::string();
    return text(key, false);
  }

  std::optional<bool> flag(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) {
      errors.push_back({field_path(prefix_, key), "must be true or false"});
      return std::nullopt;
    }
    return v->get_bool();
  }

 private:
  const json::object& o_;
  std::string_view prefix_;
};

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

Result<StaffMember> staff_from_json(const json::value& v, std::string_view prefix) {
  const json::object* o = v.if_object();
  if (o == nullptr) {
    return Error::invalid_field(prefix.empty() ? "body" : std::string(prefix),
                                "must be a JSON object");
  }
  Members m(*o, prefix);
  m.refuse_unknown(kStaffMembers, "a staff member");
  StaffMember s;
  s.id = m.text("id", true).value_or("");
  s.name = m.text("name", true).value_or("");
  s.department = m.text("department", true).value_or("");
  s.role = m.text("role", true).value_or("");
  s.grid = m.nullable_text("grid").value_or("");
  s.micro_grid = m.nullable_text("micro_grid").value_or("");
  s.active = m.flag("active").value_or(true);
  if (!m.errors.empty()) return invalid(std::move(m.errors), "the staff member is not valid");
  return s;
}

Result<std::vector<StaffMember>> roster_from_json(const json::value& v, const Catalogue& catalogue,
                                                  const Jurisdiction& jurisdiction) {
  const json::object* root = v.if_object();
  const json::value* list = root != nullptr ? root->if_contains("staff") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return Error::invalid_field("staff", "must be an array of staff members");
  }
  const std::vector<DepartmentEntry> departments = departments_of(catalogue);
  std::vector<FieldError> errors;
  std::vector<StaffMember> roster;
  std::set<std::string, std::less<>> ids;
  const json::array& items = list->get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = "staff[" + std::to_string(i) + "]";
    Result<StaffMember> s = staff_from_json(items[i], path);
    if (!s) {
      errors.insert(errors.end(), s.error().fields.begin(), s.error().fields.end());
      continue;
    }
    std::vector<FieldError> problems = check_staff(s.value(), departments, jurisdiction, path);
    if (!s.value().id.empty() && !ids.insert(s.value().id).second) {
      problems.push_back({path + ".id", "staff id \"" + s.value().id + "\" is listed twice"});
    }
    errors.insert(errors.end(), problems.begin(), problems.end());
    if (problems.empty()) roster.push_back(std::move(s.value()));
  }
  if (!errors.empty()) return invalid(std::move(errors), "the staff roster is invalid");
  return roster;
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

Result<StaffMember> Directory::create_staff(const json::value& body, const Actor& actor) {
  if (Status s = authorise(actor); !s) return s.error();
  Result<StaffMember> member = staff_from_json(body);
  if (!member) return member.error();
  auto departments = store_.list_departments();
  if (!departments) return departments.error();
  std::vector<FieldError> problems =
      check_staff(member.value(), departments.value(), jurisdiction_);
  if (!problems.empty()) return invalid(std::move(problems), "the staff member is not valid");
  if (Status s = store_.create_staff(member.value()); !s) return s.error();
  return member;
}

Result<StaffMember> Directory::update_staff(std::string_view id, const json::value& body,
                                            const Actor& actor) {
  if (Status s = authorise(actor); !s) return s.error();
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::invalid_field("body", "must be a JSON object");
  Members m(*o, {});
  m.refuse_unknown(kPatchMembers, "a staff member change");
  const std::optional<std::string> name = m.text("name", false);
  const std::optional<std::string> department = m.text("department", false);
  const std::optional<std::string> role = m.text("role", false);
  const std::optional<std::string> grid = m.nullable_text("grid");
  const std::optional<std::string> micro_grid = m.nullable_text("micro_grid");
  const std::optional<bool> active = m.flag("active");
  if (!m.errors.empty()) return invalid(std::move(m.errors), "the change is not valid");

  auto found = store_.find_staff(id);
  if (!found) return found.error();
  if (!found.value()) return Error::make(ErrorKind::not_found, "no staff member with this id");
  StaffMember s = *found.value();
  if (o->size() == 1 && active) {
    if (Status st = store_.set_staff_active(id, *active); !st) return st.error();
    s.active = *active;
    return s;
  }
  s.name = name.value_or(s.name);
  s.department = department.value_or(s.department);
  s.role = role.value_or(s.role);
  s.grid = grid.value_or(s.grid);
  s.micro_grid = micro_grid.value_or(s.micro_grid);
  s.active = active.value_or(s.active);
  auto departments = store_.list_departments();
  if (!departments) return departments.error();
  std::vector<FieldError> problems = check_staff(s, departments.value(), jurisdiction_);
  if (!problems.empty()) return invalid(std::move(problems), "the staff member is not valid");
  if (Status st = store_.upsert_staff(s); !st) return st.error();
  return s;
}

Result<Directory::PutDepartment> Directory::put_department(std::string_view code,
                                                           const json::value& body,
                                                           const Actor& actor) {
  if (Status s = authorise(actor); !s) return s.error();
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::invalid_field("body", "must be a JSON object");
  Members m(*o, {});
  m.refuse_unknown(kDepartmentMembers, "a department");
  const std::optional<std::string> name = m.text("name", false);
  const std::optional<bool> active = m.flag("active");
  if (!m.errors.empty()) return invalid(std::move(m.errors), "the department is not valid");

  auto departments = store_.list_departments();
  if (!departments) return departments.error();
  auto it = std::find_if(departments.value().begin(), departments.value().end(),
                         [&](const DepartmentEntry& d) { return d.code == code; });
  const bool created = it == departments.value().end();
  if (created && !name) return Error::invalid_field("name", "is required for a new department");
  DepartmentEntry d = created ? DepartmentEntry{std::string(code), {}, true} : *it;
  d.name = name.value_or(d.name);
  d.active = active.value_or(d.active);
  std::vector<FieldError> problems = check_department(d);
  if (!problems.empty()) return invalid(std::move(problems), "the department is not valid");
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
  if (!problems.empty()) return invalid(std::move(problems), "the query has invalid parameters");
  return store_.list_staff(filter);
}

}  // namespace outpost
