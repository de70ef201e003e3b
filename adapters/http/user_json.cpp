#include "adapters/http/user_json.hpp"

#include <boost/json/value.hpp>

namespace outpost::http {
namespace {

boost::json::value or_null(const std::string& code) {
  if (code.empty()) return nullptr;
  return boost::json::string(code);
}

}  // namespace

boost::json::object user_json(const User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", u.role},
          {"department", or_null(u.department)},
          {"grid", or_null(u.grid)},
          {"disabled", u.disabled}};
}

boost::json::array actions_json(const Permissions& permissions, const User& u) {
  boost::json::array out;
  for (std::string_view name :
       permissions.actions_of(Actor{u.id, u.username, u.role, u.department, u.grid})) {
    out.emplace_back(name);
  }
  return out;
}

}  // namespace outpost::http
