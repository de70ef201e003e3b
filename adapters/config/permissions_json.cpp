#include "adapters/config/permissions_json.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {
namespace {

namespace json = boost::json;
using Roles = PermissionRules::Roles;

// Walks the document once, collecting every problem of its shape.
class PermissionsReader : public JsonFields {
 public:
  PermissionRules rules;

  // False when the document is not an object (nothing else is read).
  bool read(const json::value& doc) {
    const json::object* root = object_at(doc, "$");
    if (root == nullptr) return false;
    for (const auto& kv : *root) {
      static constexpr std::array kKnown{
          "description", "every_event", "handling_only", "see_all_cases", "see_confidential_cases",
          "actions",     "events",      "audits",        "reports"};
      if (std::find(kKnown.begin(), kKnown.end(), kv.key()) == kKnown.end()) {
        fail(std::string(kv.key()), "is not a member of the permissions document");
      }
    }
    rules.every_event = roles(root->if_contains("every_event"), "every_event");
    rules.handling_only = roles(root->if_contains("handling_only"), "handling_only");
    rules.see_all_cases = roles(root->if_contains("see_all_cases"), "see_all_cases");
    rules.see_confidential_cases =
        roles(root->if_contains("see_confidential_cases"), "see_confidential_cases");
    if (const json::value* v = root->if_contains("actions")) {
      if (const json::object* o = object_at(*v, "actions"))
        rules.actions = role_lists(*o, "actions");
    }
    if (const json::value* v = root->if_contains("events")) events(*v);
    if (const json::value* v = root->if_contains("reports")) {
      if (const json::object* o = object_at(*v, "reports")) {
        rules.reports = role_lists(*o, "reports");
      }
    }
    return true;
  }

 private:
  // The roles at `path`; nullopt when absent or not an array. A role that is
  // not a string reads as "", which the engine refuses as an unknown role.
  std::optional<Roles> roles(const json::value* v, const std::string& path) {
    if (v == nullptr) return std::nullopt;
    const json::array* list = array(v, path);
    if (list == nullptr) return std::nullopt;
    Roles out;
    for (const json::value& role : *list) {
      out.push_back(role.is_string() ? std::string(role.get_string()) : "");
    }
    return out;
  }

  // Name → roles, for each member of `o` that is a list of roles.
  std::map<std::string, Roles, std::less<>> role_lists(const json::object& o,
                                                       const std::string& path) {
    std::map<std::string, Roles, std::less<>> out;
    for (const auto& kv : o) {
      const std::string name(kv.key());
      if (auto r = roles(&kv.value(), path + "." + name)) out.emplace(name, std::move(*r));
    }
    return out;
  }

  void events(const json::value& v) {
    const json::object* o = object_at(v, "events");
    if (o == nullptr) return;
    auto& kinds = rules.events.emplace();
    for (const auto& kv : *o) {
      const std::string path = "events." + std::string(kv.key());
      if (const json::object* granted = object_at(kv.value(), path)) {
        kinds.emplace(std::string(kv.key()), role_lists(*granted, path));
      }
    }
  }
};

}  // namespace

Result<Permissions> permissions_from_json(const json::value& doc,
                                          const WorkflowRegistry& workflows) {
  constexpr const char* kInvalid = "the permissions document is invalid";
  PermissionsReader reader;
  if (!reader.read(doc)) return reader.outcome(kInvalid).error();
  return reader.conclude(Permissions::make(reader.rules, workflows), kInvalid);
}

}  // namespace outpost::config
