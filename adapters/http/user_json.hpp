// File: adapters/http/user_json.hpp
//
// The user object of the API: {id, username, display_name, role, department,
// grid, disabled}, department and grid null when empty. Used by the user
// routes and the session routes alike.
#pragma once

#include <boost/json/object.hpp>

#include "engine/access/user_store.hpp"

namespace outpost::http {

boost::json::object user_json(const User& u);

}  // namespace outpost::http
