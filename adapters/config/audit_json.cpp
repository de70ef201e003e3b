#include "adapters/config/audit_json.hpp"

#include <algorithm>
#include <string>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {
namespace {

namespace json = boost::json;

class AuditReader : public JsonFields {
 public:
  std::vector<std::string> roles(const json::object& o, std::string_view key,
                                 const std::string& parent) {
    std::vector<std::string> out;
    const std::string path = field_path(parent, key);
    const json::array* list = array(o.if_contains(key), path);
    if (list == nullptr) return out;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json::value& role = (*list)[i];
      if (!role.is_string()) fail(path + "[" + std::to_string(i) + "]", "must be a role name");
      out.push_back(role.is_string() ? std::string(role.get_string()) : "");
    }
    return out;
  }
};

}  // namespace

Result<std::vector<FindingCategory>> finding_categories_from_json(const json::value& doc) {
  AuditReader reader;
  std::vector<FindingCategory> out;
  if (const json::object* root = reader.object_at(doc, "$")) {
    const json::array* list =
        reader.array(root->if_contains("finding_categories"), "finding_categories");
    for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
      const std::string path = "finding_categories[" + std::to_string(i) + "]";
      const json::object* o = reader.object_at((*list)[i], path);
      if (o == nullptr) continue;
      FindingCategory c{reader.text(*o, "code", path), reader.text(*o, "label", path)};
      if (!c.code.empty() && std::any_of(out.begin(), out.end(), [&](const FindingCategory& e) {
            return e.code == c.code;
          })) {
        reader.fail(path + ".code", "is listed twice");
      }
      out.push_back(std::move(c));
    }
    if (list != nullptr && list->empty()) reader.fail("finding_categories", "must not be empty");
  }
  if (Status s = reader.outcome("the audit document is invalid"); !s) return s.error();
  return out;
}

Result<AuditPermissions> audit_permissions_from_json(const json::value& permissions_doc,
                                                     const AuditWorkflow& workflow) {
  constexpr const char* kInvalid = "the audit permissions are invalid";
  AuditReader reader;
  AuditPermissionRules rules;
  const json::object* root = permissions_doc.if_object();
  const json::value* audits = root != nullptr ? root->if_contains("audits") : nullptr;
  if (audits == nullptr) {
    reader.fail("audits", "is required: who may plan, read and change audits");
  } else if (const json::object* o = reader.object_at(*audits, "audits")) {
    rules.plan = reader.roles(*o, "plan", "audits");
    rules.read_all = reader.roles(*o, "read_all", "audits");
    rules.read_department = reader.roles(*o, "read_department", "audits");
    rules.department_only = reader.roles(*o, "department_only", "audits");
    if (const json::value* events = o->if_contains("events")) {
      if (const json::object* e = reader.object_at(*events, "audits.events")) {
        for (const auto& kv : *e) {
          rules.events.emplace(std::string(kv.key()), reader.roles(*e, kv.key(), "audits.events"));
        }
      }
    } else {
      reader.fail("audits.events", "is required");
    }
  }
  if (Status s = reader.outcome(kInvalid); !s) return s.error();
  return reader.conclude(AuditPermissions::make(std::move(rules), workflow), kInvalid);
}

}  // namespace outpost::config
