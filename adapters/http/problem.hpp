// File: adapters/http/problem.hpp
//
// The one place where an error becomes an HTTP response:
// application/problem+json (RFC 9457) with type, title, status, detail, and
// `errors` for validation, `state`/`allowed_events` for a refused event.
// Errors come from the engine (a domain `Error`) or from HTTP itself (an
// `HttpRefusal`: what only a transport can get wrong); `HttpProblem` carries
// either, so a parsing step of a handler can fail with both.
//
//   Result<json::value, HttpProblem> body = parse_json_body(req);
//   if (!body) return problem(body.error());
#pragma once

#include <string>
#include <variant>

#include "adapters/http/http_types.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

enum class HttpRefusal {
  unsupported_media_type,  // 415: the body's Content-Type is not one the route reads
  method_not_allowed,      // 405: known path, another method
  payload_too_large,       // 413: the body is over the server's limit
  headers_too_large,       // 431: the header block is over the server's limit
  malformed_request,       // 400: a request line, header or target that does not parse
  csrf_rejected,           // 403: a session request that changes state without its CSRF token
  session_expired,         // 401: the session cookie's session timed out (idle or absolute)
};

class HttpProblem {
 public:
  HttpProblem(Error e) : v_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  HttpProblem(HttpRefusal r, std::string detail) : v_(Refusal{r, std::move(detail)}) {}

  const Error* domain() const { return std::get_if<Error>(&v_); }

 private:
  friend HttpResponse problem(const HttpProblem& p);
  struct Refusal {
    HttpRefusal kind;
    std::string detail;
  };
  std::variant<Error, Refusal> v_;
};

template <class T>
using HttpResult = Result<T, HttpProblem>;

int status_of(ErrorKind kind);
HttpResponse problem(const Error& e);
HttpResponse problem(HttpRefusal r, std::string detail);
HttpResponse problem(const HttpProblem& p);

}  // namespace outpost::http
