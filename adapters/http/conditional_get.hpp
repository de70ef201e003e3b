// File: adapters/http/conditional_get.hpp
//
// Conditional GET for the lists (GET /api/v1/cases, the queues): a weak ETag
// from the hash of the body, and 304 with no body when the request's
// If-None-Match names it (or is "*"). A poller sends back the last ETag and
// reads nothing when the list has not changed.
//
//   return conditional(req, HttpResponse{200, "application/json", {}, body});
#pragma once

#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"

namespace outpost::http {

// W/"<the 32 hex digits of the XXH3 128-bit hash of body>".
std::string weak_etag_of(std::string_view body);

// True when the If-None-Match header lists `etag` (weak comparison) or is "*".
bool none_match(std::string_view if_none_match, std::string_view etag);

// `res` with its ETag; 304 without a body when the request already has it.
// Only a 200 with a body in memory is made conditional.
HttpResponse conditional(const HttpRequest& req, HttpResponse res);

}  // namespace outpost::http
