// File: adapters/http/problem.hpp
//
// The one place where a domain Error becomes an HTTP response:
// application/problem+json (RFC 9457) with type, title, status, detail, and
// `errors` for validation, `state`/`allowed_events` for a refused event.
#pragma once

#include "adapters/http/http_types.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

int status_of(ErrorKind kind);
HttpResponse problem(const Error& e);

}  // namespace outpost::http
