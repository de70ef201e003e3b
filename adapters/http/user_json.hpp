// File: adapters/http/user_json.hpp
//
// The user object of the API: {id, username, display_name, role, department,
// grid, disabled}, department and grid null when empty. Used by the user
// routes and the session routes alike; the session's permitted actions too.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "engine/access/permissions.hpp"
#include "engine/access/user_store.hpp"

namespace outpost::http {

boost::json::object user_json(const User& u);
// The names of the actions the user's role may take (Permissions::actions_of,
// config/permissions.json "actions"): the "actions" of the session answers,
// which the console shows or hides its controls by.
boost::json::array actions_json(const Permissions& permissions, const User& u);

}  // namespace outpost::http
