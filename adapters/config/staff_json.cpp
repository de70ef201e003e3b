#include "adapters/config/staff_json.hpp"

#include <string>
#include <utility>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {
namespace {

namespace json = boost::json;

// The member at `prefix`, its problems added to `into`. A member that could
// not be read stays empty; check_staff names it again at the same path, and
// JsonFields::merge keeps only the reader's problem there.
StaffMember read_staff(const json::object& o, std::string_view prefix, JsonFields& into) {
  JsonMembers m(o, prefix);
  m.refuse_unknown({"id", "name", "department", "role", "grid", "micro_grid", "active"},
                   "a staff member");
  StaffMember s;
  s.id = m.string("id", true).value_or("");
  s.name = m.string("name", true).value_or("");
  s.department = m.string("department", true).value_or("");
  s.role = m.string("role", true).value_or("");
  s.grid = m.nullable_string("grid").value_or("");
  s.micro_grid = m.nullable_string("micro_grid").value_or("");
  s.active = m.flag("active").value_or(true);
  into.errors.insert(into.errors.end(), m.errors.begin(), m.errors.end());
  return s;
}

}  // namespace

Result<StaffMember> staff_from_json(const json::value& v) {
  const json::object* o = v.if_object();
  if (o == nullptr) return Error::invalid_field("body", "must be a JSON object");
  JsonFields reader;
  StaffMember s = read_staff(*o, {}, reader);
  if (Status st = reader.outcome("the staff member is not valid"); !st) return st.error();
  return s;
}

Result<std::vector<StaffMember>> roster_from_json(const json::value& doc,
                                                  const Catalogue& catalogue,
                                                  const Jurisdiction& jurisdiction) {
  const json::object* root = doc.if_object();
  const json::value* list = root != nullptr ? root->if_contains("staff") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return Error::invalid_field("staff", "must be an array of staff members");
  }
  JsonFields reader;
  std::vector<StaffMember> members;
  const json::array& items = list->get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = "staff[" + std::to_string(i) + "]";
    const json::object* o = reader.object_at(items[i], path);
    members.push_back(o != nullptr ? read_staff(*o, path, reader) : StaffMember{});
  }
  return reader.conclude(make_roster(std::move(members), departments_of(catalogue), jurisdiction),
                         "the staff roster is invalid");
}

}  // namespace outpost::config
